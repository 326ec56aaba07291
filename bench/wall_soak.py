"""Wall soak: 100,000 events at a steady rate into the wall view; memory and counts stay flat.

``python -m bench.wall_soak [--events 100000] [--rate 800]`` runs offscreen.

A real receiver (alarms installed) stores a pool of sample events with their
pictures over HTTP; the wall then gets ``EventStored`` messages for those
stored events through the bridge's ``event_stored`` signal at a steady rate
(every id is real, so each picture load decodes a real scene and registered
photo), with a new blacklist alarm raised and acknowledged every 500 events
through the bridge's ``alarm_changed`` signal. Every name is new, so text caches
are exercised too. Recorded at 20k and 100k events: RSS, widget count, QObject
count under the wall, thumbnails held, threads and open file handles. RSS
growth between 20k and 100k must stay under 10%.
"""

from __future__ import annotations

import argparse
import copy
import gc
import json
import os
import platform
import sys
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ("employee_match", "stranger", "blacklist", "seed_example")
POOL = 40


@dataclass
class Snapshot:
    events: int
    seconds: float
    rss_mb: float
    widgets: int
    wall_objects: int
    thumbs: int
    threads: int
    handles: int
    loads_done: int


class NullPlayer:
    def __init__(self) -> None:
        self.playing = False

    def play_loop(self) -> None:
        self.playing = True

    def stop(self) -> None:
        self.playing = False

    def set_volume(self, volume: float) -> None:
        pass

    def is_playing(self) -> bool:
        return self.playing


def handles(proc: Any) -> int:
    try:
        return proc.num_fds()
    except AttributeError:  # Windows
        return proc.num_handles()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--rate", type=int, default=800, help="events per second")
    parser.add_argument("--no-append", action="store_true", help="do not write RESULTS.md")
    args = parser.parse_args(argv)

    import psutil
    from PySide6.QtCore import QObject, QTimer
    from PySide6.QtWidgets import QApplication

    from gui.core import features
    from gui.core.alarms import Alarm
    from gui.core.messages import AlarmChanged, EventStored
    from gui.core.model import EventSummary
    from gui.core.receiver import Receiver, ReceiverConfig, ReceiverThread
    from gui.settings import Settings
    from gui.ui.alarms.center import AlarmCenter
    from gui.ui.bridge import CoreBridge
    from gui.ui.wall import WallWindow
    from tests.conftest import Client

    app = QApplication.instance() or QApplication(sys.argv[:1])
    tmp = Path(tempfile.mkdtemp(prefix="gatewatch-soak-"))
    os.environ["GATEWATCH_CONFIG_DIR"] = str(tmp / "config")
    settings = Settings()
    receiver = Receiver(ReceiverConfig(data_dir=tmp / "data", port=0, bind="127.0.0.1"))
    features.install(receiver, settings)
    thread = ReceiverThread(receiver)
    thread.start()
    bridge = CoreBridge(thread)

    # A pool of real stored events (pictures included) the summaries point at.
    client = Client(receiver.port)
    samples = {n: json.loads((ROOT / "assets" / "samples" / f"{n}.json").read_text("utf-8"))
               for n in SAMPLES}  # fmt: skip
    now = time.time_ns() // 1_000_000 - 3600_000  # an hour old: late, silent alarms only
    for i in range(POOL):
        ev = copy.deepcopy(samples[SAMPLES[i % len(SAMPLES)]])
        ev["timestamp"] = now + i
        ev["identity_id"] = f"{ev.get('identity_id')}-{i}"
        ev.pop("out_timestamp", None)
        reply = client.post_json("/EventServer/api/RealTimeEvent", ev)
        assert reply.status == 200, reply.body
    rows = receiver.store.read_sync(
        lambda c: c.execute(
            "SELECT id, person_type, ep_id, ep_name FROM events ORDER BY id"
        ).fetchall()
    )
    template = EventSummary(
        id=0, received_at=0, timestamp=0, identity_id=None, identity_name=None, person_type=1,
        score=0.9, want_action="0", ep_id=None, ep_name=None, device_id=None, dev_sno=None,
        format="1.0", path="/EventServer/api/RealTimeEvent", source_ip="127.0.0.1",
        warning_codes=(), image_kinds=("spot_pic", "reg_pic"),
    )  # fmt: skip

    center = AlarmCenter(bridge, settings, player=NullPlayer())
    wall = WallWindow(bridge, settings, center)
    wall.resize(1920, 1080)
    wall.enter()

    loads = {"done": 0}
    wall._loaded.connect(lambda _r: loads.__setitem__("done", loads["done"] + 1))
    proc = psutil.Process()
    snapshots: list[Snapshot] = []
    state = {"sent": 0, "alarm_id": 1_000_000}
    started = time.perf_counter()
    tick_ms = 10
    per_tick = max(1, args.rate * tick_ms // 1000)
    next_checkpoint = iter([args.events // 5, args.events, 0])  # 20k and 100k by default
    checkpoint = {"n": next(next_checkpoint)}

    def snapshot() -> None:
        gc.collect()
        snapshots.append(
            Snapshot(
                events=state["sent"],
                seconds=round(time.perf_counter() - started, 1),
                rss_mb=round(proc.memory_info().rss / 2**20, 1),
                widgets=len(QApplication.allWidgets()),
                wall_objects=len(wall.findChildren(QObject)),
                thumbs=len(wall._thumbs),
                threads=proc.num_threads(),
                handles=handles(proc),
                loads_done=loads["done"],
            )
        )
        print(snapshots[-1], flush=True)

    def tick() -> None:
        # Steady rate: catch up to where the clock says we should be, no bursts beyond it.
        due = min(args.events, int((time.perf_counter() - started) * args.rate) + per_tick)
        while state["sent"] < due:
            n = state["sent"]
            event_id, person_type, ep_id, ep_name = tuple(rows[n % len(rows)])
            ms = time.time_ns() // 1_000_000
            bridge.event_stored.emit(
                EventStored(
                    replace(
                        template,
                        id=event_id,
                        received_at=ms,
                        timestamp=ms,
                        person_type=person_type,
                        identity_id=f"soak-{n}",
                        identity_name=f"Person {n}",
                        ep_id=ep_id,
                        ep_name=ep_name,
                    )
                )
            )
            if n % 500 == 250:
                state["alarm_id"] += 1
                alarm = Alarm(
                    id=state["alarm_id"], kind="face", late=False, event_id=event_id,
                    person_type=3, identity_id=f"soak-{n}", identity_name=f"Person {n}",
                    ep_id=ep_id, count=1, first_at=ms, last_at=ms, state="open",
                    acked_by=None, acked_at=None, note=None, detail=ep_name,
                )  # fmt: skip
                bridge.alarm_changed.emit(AlarmChanged("raised", alarm))
            if n % 500 == 400:
                alarm = center.current()
                if alarm is not None:
                    done = replace(alarm, state="acked", acked_by="soak", acked_at=ms)
                    bridge.alarm_changed.emit(AlarmChanged("acked", done))
            state["sent"] += 1
            if state["sent"] == checkpoint["n"]:
                snapshot()
                checkpoint["n"] = next(next_checkpoint)
        if state["sent"] >= args.events:
            timer.stop()
            QTimer.singleShot(2000, app.quit)

    timer = QTimer()
    timer.timeout.connect(tick)
    timer.start(tick_ms)
    snapshot()  # the baseline, before any of the soak
    app.exec()
    elapsed = time.perf_counter() - started
    wall.shutdown()
    bridge.close()
    thread.stop()

    first, last = snapshots[1], snapshots[-1]
    growth = (last.rss_mb - first.rss_mb) / first.rss_mb * 100
    rate = state["sent"] / elapsed
    print(f"RSS growth {first.events}->{last.events}: {growth:+.1f}%  ({rate:.0f} events/s)")
    ok = growth < 10 and last.widgets == first.widgets and last.wall_objects == first.wall_objects
    if not args.no_append:
        append_results(snapshots, growth, rate, args.rate, ok)
    return 0 if ok else 1


def append_results(
    snapshots: list[Snapshot], growth: float, rate: float, target: int, ok: bool
) -> None:
    import psutil

    lines = [
        "",
        f"## Wall soak ({time.strftime('%Y-%m-%d')})",
        "",
        "`python -m bench.wall_soak`: the wall view (1920x1080, 8 tiles, offscreen) fed "
        f"{snapshots[-1].events:,} events at a steady {target}/s (achieved {rate:.0f}/s) "
        "through the bridge's signal, each pointing at one of "
        f"{POOL} real stored events so every picture load decodes a real scene; a blacklist "
        "alarm raised and acknowledged every 500 events. "
        f"Machine: {platform.system()} {platform.machine()}, {psutil.cpu_count()} cores, "
        f"Python {platform.python_version()}.",
        "",
        "| events | s | RSS MB | widgets | QObjects under wall | thumbnails held "
        "| threads | fds/handles | picture loads |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for s in snapshots:
        lines.append(
            f"| {s.events:,} | {s.seconds} | {s.rss_mb} | {s.widgets} | {s.wall_objects} "
            f"| {s.thumbs} | {s.threads} | {s.handles} | {s.loads_done:,} |"
        )
    lines += [
        "",
        f"RSS growth between {snapshots[1].events:,} and {snapshots[-1].events:,} events: "
        f"**{growth:+.1f}%** (limit 10%); widget and "
        f"QObject counts {'flat' if ok else 'NOT flat'}. Picture loads are coalesced: while "
        "one decodes, only the newest event waits, so loads lag the event count by design.",
        "",
    ]
    with (ROOT / "bench" / "RESULTS.md").open("a", encoding="utf-8") as f:
        f.write("\n".join(lines))


if __name__ == "__main__":
    sys.exit(main())
