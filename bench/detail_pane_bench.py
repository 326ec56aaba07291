"""What one update of the detail pane costs: the reader's decode and the GUI thread's share.

``python -m bench.detail_pane_bench [--updates 60]`` (offscreen by default).

While the Live page follows a busy feed, the detail pane shows the newest event
once a second: a worker reads the event and decodes its photos
(``load_detail``), then the GUI thread fills the pane and Qt lays it out and
paints it. ``gui_bench`` sees that only as part of its stalls; this measures
the two parts alone, as CPU time of the thread doing them (``thread_time``), so
the figures hold on a busy machine and builds can be compared one after the
other: the real main window (1600x1000, no feature pages) on the real receiver
thread, four events like ``gui_bench`` posts stored (``employee_match.json``: a
1080p scene and three small photos), and each update timed from the loaded
data to the end of the paint that follows (``processEvents`` until idle).
Run an older checkout with ``PYTHONPATH=<checkout> python -m bench.detail_pane_bench``
from inside it (this file copied there) to compare.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "assets" / "samples"
PATH = "/EventServer/api/HistoryEvent"
EVENTS = 4


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, max(0, round(p / 100 * (len(values) - 1))))]


def _post_samples(port: int) -> list[int]:
    import http.client

    ids = []
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    base = (SAMPLES / "employee_match.json").read_text(encoding="utf-8")
    for k in range(EVENTS):
        event = json.loads(base)
        event["timestamp"] = 1_900_000_000_000 + k
        event["identity_name"] = f"Bench {k}"
        conn.request("POST", PATH, json.dumps(event).encode(), {"Content-Type": "application/json"})
        reply = conn.getresponse()
        body = json.loads(reply.read())
        ids.append(body["events"][0]["id"])
    conn.close()
    return ids


def run(updates: int) -> dict[str, Any]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    tmp = Path(tempfile.mkdtemp(prefix="gatewatch-detailbench-"))
    os.environ["GATEWATCH_CONFIG_DIR"] = str(tmp / "cfg")
    from PySide6.QtCore import QEventLoop

    from gui.settings import Settings
    from gui.ui import app as app_mod
    from gui.ui.bridge import CoreBridge
    from gui.ui.views import detail_pane

    settings = Settings(port=0, bind="127.0.0.1", data_dir=str(tmp / "data"))
    settings.connect_panel_seen = True
    qapp = app_mod.prepare_application(settings)
    thread = app_mod.build_receiver(settings)
    bridge = CoreBridge(thread)
    assert app_mod.start_receiver(thread) is None
    window = app_mod.create_main_window(settings, thread, bridge=bridge, install_features=False)
    window.resize(1600, 1000)
    window.show()
    window.show_page("live")
    ids = _post_samples(thread.receiver.port)
    end = time.monotonic() + 2.0
    while time.monotonic() < end:
        qapp.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        time.sleep(0.01)
    pane = window.detail
    dpr = pane.devicePixelRatioF()
    sizes = {
        kind: (round(view.width() * dpr), round(view.height() * dpr))
        for kind, view in (
            ("spot_pic", pane.scene),
            ("reg_pic", pane.reg_tile.view),
            ("recognize_face", pane.face_tile.view),
            ("ir_pic", pane.ir_tile.view),
        )
    }
    reader = bridge.reader
    load_ms: list[float] = []
    update_ms: list[float] = []
    for k in range(updates + 4):  # the first round warms caches up: not counted
        event_id = ids[k % len(ids)]
        cpu = time.thread_time()
        detail = detail_pane.load_detail(reader, event_id, sizes)
        loaded = time.thread_time()
        pane._request += 1
        pane.event_id = event_id
        pane._loaded(pane._request, event_id, detail)
        qapp.processEvents()  # the layout and the paint it posted
        qapp.processEvents()
        done = time.thread_time()
        if k >= len(ids):
            load_ms.append((loaded - cpu) * 1000)
            update_ms.append((done - loaded) * 1000)
    window.close()
    app_mod.shutdown(window, thread)

    def summary(values: list[float]) -> dict[str, float]:
        return {
            "p50": round(pct(values, 50), 2),
            "p90": round(pct(values, 90), 2),
            "max": round(max(values), 2),
        }

    return {
        "updates": len(update_ms),
        "view_sizes": sizes,
        # The worker's CPU per event shown: read, decode the four photos, raw JSON.
        "load_detail_cpu_ms": summary(load_ms),
        # The GUI thread's CPU per update: fill the pane, lay it out, paint it.
        "gui_update_cpu_ms": summary(update_ms),
        "load_average_1min_at_end": os.getloadavg()[0],
        "machine": f"{platform.platform()}, {os.cpu_count()} CPUs,"
        f" Python {platform.python_version()}",
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--updates", type=int, default=60)
    args = parser.parse_args(argv)
    print(json.dumps(run(args.updates), indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
