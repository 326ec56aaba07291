"""GUI responsiveness under load: the desktop window while boxes post 50 events/s.

``python -m bench.gui_bench [--rate 50] [--seconds 60]`` (offscreen by default).

In this process: the real main window on the real receiver thread (exactly as
``gatewatch`` runs it, features installed). In a separate process (so its
Python does not compete with the GUI thread for the GIL): a sender posting
unique events like ``employee_match.json`` over HTTP at a steady rate, open
loop, from 4 keep-alive connections, recording when each POST started.

Measured:

* GUI-thread stalls: a 5 ms QTimer probe; the gap between ticks beyond 5 ms is
  time the GUI thread could not react (max, p99, count of gaps > 50 ms);
* POST-to-row-visible: from the POST's start (sender clock) to the first paint
  of the feed after the row was inserted (same machine, same wall clock);
* startup: a fresh ``gatewatch`` process until its port accepts connections,
  and the app's own "window up and listening" figure;
* the process's resident memory before and after the load (the feed is bounded);
* the GUI thread's own CPU time per event (independent of what else the
  machine runs, unlike the stall figures) and the load average;
* with ``--catch-turns MS``: every turn of the GUI thread with more than MS of
  its own CPU between two ticks, with its sampled stacks and the events, paints,
  layouts and resizes in it (``bench/turn_catcher.py``).
"""

from __future__ import annotations

import argparse
import copy
import gc
import json
import os
import platform
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "assets" / "samples" / "employee_match.json"
PATH = "/EventServer/api/HistoryEvent"


# ------------------------------------------------------------------ sender (subprocess)


def run_sender(port: int, rate: float, seconds: float, out: Path) -> None:
    """Post ``rate`` events/s for ``seconds``; write [(event_id, post_started_wall)] to ``out``."""
    import http.client
    import threading

    base = json.loads(SAMPLE.read_text(encoding="utf-8"))
    total = int(rate * seconds)
    workers = 4
    results: list[tuple[int, float, float]] = []
    lock = threading.Lock()
    start = time.time() + 0.5

    def worker(k: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        for i in range(k, total, workers):
            due = start + i / rate
            delay = due - time.time()
            if delay > 0:
                time.sleep(delay)
            event = copy.copy(base)
            event["timestamp"] = 1_900_000_000_000 + i
            event["identity_name"] = f"Bench {i}"
            body = json.dumps(event).encode()
            t0 = time.time()
            try:
                conn.request("POST", PATH, body, {"Content-Type": "application/json"})
                reply = conn.getresponse()
                data = reply.read()
            except OSError:
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                continue
            if reply.status == 200:
                event_id = json.loads(data)["events"][0]["id"]
                with lock:
                    results.append((event_id, t0, time.time()))
        conn.close()

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    out.write_text(json.dumps(results), encoding="utf-8")


# ------------------------------------------------------------------ startup (subprocess)


def measure_startup(tmp: Path) -> dict[str, float]:
    """Spawn the real app; time until its port accepts connections."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    data = tmp / "startup-data"
    env = dict(os.environ, GATEWATCH_CONFIG_DIR=str(tmp / "startup-cfg"))
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    t0 = time.monotonic()
    proc = subprocess.Popen(
        [sys.executable, "-m", "gui", "--port", str(port), "--bind", "127.0.0.1",
         "--data-dir", str(data), "--new-instance"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    listening = None
    try:
        while time.monotonic() - t0 < 30:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    listening = time.monotonic() - t0
                    break
            time.sleep(0.01)
        time.sleep(0.5)
    finally:
        proc.terminate()
        try:
            _, err = proc.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            _, err = proc.communicate()
    window_up = None
    for line in (err or b"").decode(errors="replace").splitlines():
        if "window up and" in line:
            window_up = float(line.rsplit(" in ", 1)[1].split()[0])
    return {"port_accepting_s": listening or float("nan"), "window_up_s": window_up or float("nan")}


# ------------------------------------------------------------------ the GUI side


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    k = min(len(values) - 1, max(0, round(p / 100 * (len(values) - 1))))
    return values[k]


def _run_until_exit(sender: subprocess.Popen[bytes]) -> None:
    """Run the Qt event loop until the sender process ends.

    The real event loop (not a processEvents spin): the GUI thread's CPU time
    then counts only what the window does.
    """
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    watcher = QTimer()
    watcher.setInterval(100)
    watcher.timeout.connect(lambda: sender.poll() is not None and loop.quit())
    watcher.start()
    loop.exec()
    watcher.stop()


def _profile_summary(profiler: Any, events: int, path: Path, top: int = 25) -> dict[str, Any]:
    """The GUI thread's Python calls per event and where its time went (cProfile)."""
    import io
    import pstats

    profiler.dump_stats(str(path))
    stats = pstats.Stats(profiler)
    table = stats.stats  # type: ignore[attr-defined]
    calls = sum(nc for (_cc, nc, _tt, _ct, _callers) in table.values())
    qt_calls = sum(v[1] for key, v in table.items() if "PySide6" in key[2])
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(top)
    out2 = io.StringIO()
    pstats.Stats(profiler, stream=out2).sort_stats("tottime").print_stats(top)
    (path.with_suffix(".txt")).write_text(out.getvalue() + out2.getvalue(), encoding="utf-8")
    return {
        "python_calls_per_event": round(calls / max(1, events), 1),
        # Calls into Qt: each may hand the GIL to the busy receiver thread and wait for it.
        "qt_calls_per_event": round(qt_calls / max(1, events), 1),
        "stats": str(path),
        "top": str(path.with_suffix(".txt")),
    }


def _trace_entry_points(out: list[tuple[float, float, str, float]]) -> None:
    """Time each call Qt makes into Python on this thread (a slot, a paintEvent...).

    Python frames whose caller is the frame running the event loop are the
    entry points; their own CPU and wall time say which of them make the long
    ticks (work in C++ alone, such as a layout, is not seen here).
    """
    loop_code = _run_until_exit.__code__
    started: dict[int, tuple[float, float]] = {}

    def hook(frame: Any, event: str, _arg: Any) -> None:
        if event not in ("call", "return"):
            return
        back = frame.f_back
        if back is None or back.f_code is not loop_code:
            return
        key = id(frame)
        if event == "call":
            started[key] = (time.thread_time(), time.perf_counter())
            return
        begun = started.pop(key, None)
        if begun is None:
            return
        cpu, wall = time.thread_time() - begun[0], time.perf_counter() - begun[1]
        # Every one, with when it ended: many short ones can make a long gap too.
        code = frame.f_code
        where = f"{Path(code.co_filename).name}:{code.co_name}"
        out.append((cpu, wall, where, time.perf_counter()))

    sys.setprofile(hook)


def _with_entry_points(
    gap: dict[str, Any],
    entries: list[tuple[float, float, str, float]],
    widget_paints: list[tuple[float, str, int]],
) -> dict[str, Any]:
    """A witnessed gap, with the entry points that ended in it (if traced: CPU and
    calls per entry point, busiest first) and the widgets painted in it (pixels).

    Says which slots or paints made the GUI thread's own CPU in a long gap;
    what is left of it was Qt's own work in C++ (layout, widget paints).
    """
    start, end = gap.pop("span")
    if entries:
        by_where: dict[str, tuple[float, int]] = {}
        for c, _w, where, ended in entries:
            if start <= ended <= end:
                cpu, calls = by_where.get(where, (0.0, 0))
                by_where[where] = (cpu + c, calls + 1)
        gap["entry_points_cpu_ms_calls"] = {
            where: (round(cpu * 1000, 1), calls)
            for where, (cpu, calls) in sorted(by_where.items(), key=lambda w: -w[1][0])[:8]
        }
        gap["entry_points_cpu_ms_total"] = round(sum(c for c, _n in by_where.values()) * 1000, 1)
    if widget_paints:
        painted: dict[str, int] = {}
        for when, name, pixels in widget_paints:
            if start <= when <= end:
                painted[name] = painted.get(name, 0) + pixels
        gap["painted_pixels"] = dict(sorted(painted.items(), key=lambda p: -p[1])[:8])
    return gap


def run(
    rate: float,
    seconds: float,
    features: bool = True,
    profile: Path | None = None,
    entry_points: bool = False,
    witness: bool = False,
    collector: str = "app",
    catch_turns_ms: float | None = None,
    catch_native: bool = False,
) -> dict[str, Any]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    tmp = Path(tempfile.mkdtemp(prefix="gatewatch-guibench-"))
    os.environ["GATEWATCH_CONFIG_DIR"] = str(tmp / "cfg")
    startup = measure_startup(tmp)

    import psutil
    from PySide6.QtCore import QEvent, QObject, QTimer

    from gui.settings import Settings
    from gui.ui import app as app_mod
    from gui.ui.bridge import CoreBridge
    from gui.ui.gui_gc import GuiThreadGarbageCollector, set_startup_heap_aside

    from .stall_witness import (
        CollectionLog,
        GilProbe,
        ThreadClocks,
        read_steal,
        steal_delta_ms,
    )
    from .turn_catcher import NativeSampler, TurnCatcher, format_native

    settings = Settings(port=0, bind="127.0.0.1", data_dir=str(tmp / "data"))
    settings.connect_panel_seen = True  # open on the Live page, as on every later start
    qapp = app_mod.prepare_application(settings)
    if collector != "python":  # as ``run_desktop`` does: collections on this thread only
        GuiThreadGarbageCollector(qapp)
    thread = app_mod.build_receiver(settings)
    bridge = CoreBridge(thread)
    assert app_mod.start_receiver(thread) is None
    window = app_mod.create_main_window(settings, thread, bridge=bridge, install_features=features)
    window.resize(1600, 1000)
    window.show()
    window.show_page("live")
    if collector == "app":
        set_startup_heap_aside()  # as ``run_desktop`` does once the window is up
    port = thread.receiver.port
    proc = psutil.Process()

    inserted: dict[int, float] = {}
    paints: list[float] = []
    gaps: list[float] = []
    last_tick = [time.perf_counter()]

    def on_insert(_parent: Any, first: int, last: int) -> None:
        now = time.time()
        for row in range(first, last + 1):
            r = window.feed_model.row_at(row)
            if r is not None:
                inserted.setdefault(r.id, now)

    window.feed_model.rowsInserted.connect(on_insert)

    # When each event's face thumbnail reached the GUI thread: the feed shows the
    # face from then on (it is made off the reply path, on the thumbnail thread).
    thumbs_seen: dict[int, float] = {}
    bridge.face_thumb_ready.connect(lambda m: thumbs_seen.setdefault(m.event_id, time.time()))

    class PaintProbe(QObject):
        def eventFilter(self, obj: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint:
                paints.append(time.time())
            return False

    probe_filter = PaintProbe()
    window.feed.view.viewport().installEventFilter(probe_filter)

    widget_paints: list[tuple[float, str, int]] = []  # (when, widget, pixels), --entry-points

    class WidgetPaints(QObject):
        """Every paint event of every widget: a long C++ turn is often a large repaint."""

        def eventFilter(self, obj: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint:
                rect = event.rect()  # type: ignore[attr-defined]
                name = obj.metaObject().className()
                if obj.objectName():
                    name += f"#{obj.objectName()}"
                widget_paints.append((time.perf_counter(), name, rect.width() * rect.height()))
            return False

    paints_filter = WidgetPaints()

    gap_times: list[tuple[float, float]] = []

    gap_cpu: list[float] = []
    last_cpu = [time.thread_time()]
    collections = CollectionLog()
    collections.install()
    catcher = (
        TurnCatcher(catch_turns_ms, collections=collections) if catch_turns_ms is not None else None
    )
    clocks = ThreadClocks() if witness else None
    gil_probe = GilProbe() if witness else None
    last_clocks: list[dict[int, tuple[int, int]]] = [{}]
    last_steal: list[dict[str, int]] = [{}]  # /proc/stat steal ticks at the last tick
    witnessed: list[dict[str, Any]] = []  # per gap over 30 ms: who ran, which collections

    def tick() -> None:
        now = time.perf_counter()
        cpu = time.thread_time()
        gap = now - last_tick[0]
        gaps.append(gap)
        gap_times.append((now, gap))
        gap_cpu.append(cpu - last_cpu[0])
        before = last_clocks[0]
        if clocks is not None:
            if time.monotonic() - clocks.refreshed > 1.0:
                clocks.refresh()
            read = clocks.read()
            steal = read_steal()
            if gap > 0.03 and last_clocks[0]:
                witnessed.append({
                    "span": (last_tick[0], now),
                    "at_s": round(now - t_load, 2),
                    "gap_ms": round(gap * 1000, 1),
                    "gui_cpu_ms": round((cpu - last_cpu[0]) * 1000, 1),
                    "collections": [
                        (c.generation, c.thread, round(c.wall_ms, 1), round(c.cpu_ms, 1))
                        for c in collections.overlapping(last_tick[0], now)
                    ],
                    # cpu line: ms stolen by the hypervisor (USER_HZ: 10 ms steps)
                    "steal_ms": steal_delta_ms(last_steal[0], steal),
                    # thread: (ms on a CPU, ms runnable without one) during the gap
                    "threads": {
                        k: v for k, v in clocks.delta(last_clocks[0], read).items()
                        if v[0] >= 1 or v[1] >= 5
                    },
                })  # fmt: skip
            last_clocks[0] = read
            last_steal[0] = steal
        if catcher is not None:
            threads = None
            if clocks is not None and before:
                threads = lambda: clocks.delta(before, last_clocks[0])  # noqa: E731
            catcher.on_tick(last_tick[0], now, cpu - last_cpu[0], now - t_load, threads)
        last_tick[0] = now
        last_cpu[0] = cpu

    probe = QTimer()
    probe.setInterval(5)
    probe.timeout.connect(tick)

    # settle, then load
    end = time.monotonic() + 1.5
    while time.monotonic() < end:
        qapp.processEvents()
        time.sleep(0.005)
    # perf attaches (a few hundred ms) before the load and its first tick
    native = NativeSampler(tmp / "gui-thread.perf") if catcher and catch_native else None
    if native is not None:
        native.start()
    rss_before = proc.memory_info().rss
    out = tmp / "sent.json"
    sender = subprocess.Popen(
        [sys.executable, "-m", "bench.gui_bench", "--sender", str(port), str(rate), str(seconds),
         str(out)],
        cwd=ROOT,
    )  # fmt: skip
    gaps.clear()
    collections.done.clear()
    renders_before = window.feed.view.itemDelegate().renders
    if clocks is not None:
        clocks.refresh()
    steal_at_load = read_steal() if witness else {}
    last_tick[0] = t_load = time.perf_counter()
    if gil_probe is not None:
        gil_probe.start()
    if catcher is not None:
        catcher.start(qapp)
    cpu0 = last_cpu[0] = time.thread_time()
    entries: list[tuple[float, float, str, float]] = []  # (own CPU s, wall s, where, ended)
    if entry_points:
        _trace_entry_points(entries)
        qapp.installEventFilter(paints_filter)
    profiler = None
    if profile is not None:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()  # this (the GUI) thread only
    probe.start()
    # Also scroll the feed a little now and then, as someone watching would.
    scroller = QTimer()
    scroller.setInterval(2000)
    scroll_state = [0]

    def scroll() -> None:
        bar = window.feed.view.verticalScrollBar()
        scroll_state[0] ^= 1
        bar.setValue(bar.maximum() // 3 if scroll_state[0] else 0)

    scroller.timeout.connect(scroll)
    scroller.start()
    rss_series: list[float] = []
    sampler = QTimer()
    sampler.setInterval(5000)
    sampler.timeout.connect(lambda: rss_series.append(round(proc.memory_info().rss / 2**20)))
    sampler.start()
    _run_until_exit(sender)
    gui_cpu = time.thread_time() - cpu0
    wall = time.perf_counter() - t_load
    if gil_probe is not None:
        gil_probe.stop()
    if catcher is not None:
        catcher.stop()
    if profiler is not None:
        profiler.disable()
    if entry_points:
        sys.setprofile(None)
        qapp.removeEventFilter(paints_filter)
    load_avg = os.getloadavg()
    steal_run = steal_delta_ms(steal_at_load, read_steal()) if witness else None
    n_gaps = len(gaps)
    scroller.stop()
    sampler.stop()
    window.feed.view.verticalScrollBar().setValue(0)
    window.jump_to_newest()
    end = time.monotonic() + 1.0
    while time.monotonic() < end:
        qapp.processEvents()
        time.sleep(0.002)
    probe.stop()
    if native is not None:  # perf writes its file meanwhile: after the last tick
        native.stop()
    collections.remove()
    if clocks is not None:
        clocks.close()
    rss_after = proc.memory_info().rss
    gc_objects = len(gc.get_objects())
    cpu_before_full = time.thread_time()
    gc.collect(2)
    full_collection_cpu_ms = (time.thread_time() - cpu_before_full) * 1000

    sent = json.loads(out.read_text(encoding="utf-8"))
    latencies = []
    import bisect

    for event_id, t0, _t1 in sent:
        t_ins = inserted.get(event_id)
        if t_ins is None:
            continue
        k = bisect.bisect_left(paints, t_ins)
        if k < len(paints):
            latencies.append((paints[k] - t0) * 1000)
    reply_ms = [(t1 - t0) * 1000 for _i, t0, t1 in sent]
    thumb_ms = [(thumbs_seen[i] - t0) * 1000 for i, t0, _t1 in sent if i in thumbs_seen]
    stall_ms = [max(0.0, g * 1000 - 5) for g in gaps]
    # Of the long gaps, how much was the GUI thread's own work (CPU) and how much
    # waiting (for the GIL or a core): tells a slow slot from a starved thread.
    long_gaps = [(g, c) for g, c in zip(gaps[:n_gaps], gap_cpu[:n_gaps], strict=False) if g > 0.03]
    caught = catcher.summary() if catcher is not None else None
    if native is not None and caught is not None:
        native.add_to(caught)
        print(format_native(caught), file=sys.stderr, flush=True)
    profile_summary = (
        _profile_summary(profiler, len(sent), profile) if profiler is not None and profile else None
    )

    t_close = time.monotonic()
    window.close()
    app_mod.shutdown(window, thread)
    close_s = time.monotonic() - t_close

    return {
        "rate": rate,
        "features": features,
        "paints": len(paints),
        # Feed rows rendered (text, badge, frame) during the load; a cached row is a blit.
        "feed_row_renders": window.feed.view.itemDelegate().renders - renders_before,
        "big_gaps_at": [round(t - t_load, 2) for t, g in gap_times if g > 0.05][:20],
        "seconds": seconds,
        "sent_ok": len(sent),
        "rows_inserted_live": len(inserted),
        "row_visible_ms": {
            "n": len(latencies),
            "p50": pct(latencies, 50),
            "p95": pct(latencies, 95),
            "max": max(latencies) if latencies else float("nan"),
        },
        "reply_ms": {"p50": pct(reply_ms, 50), "p95": pct(reply_ms, 95), "p99": pct(reply_ms, 99)},
        # From the post to its face thumbnail announced on the GUI thread.
        "face_thumb_announced_ms": {
            "n": len(thumb_ms),
            "p50": pct(thumb_ms, 50),
            "p95": pct(thumb_ms, 95),
        },
        "gui_stall_ms": {
            "max": max(stall_ms) if stall_ms else float("nan"),
            "p99": pct(stall_ms, 99),
            "over_50ms": sum(1 for s in stall_ms if s > 50),
            "ticks": len(stall_ms),
        },
        # The GUI thread's own CPU between two ticks: the part of a stall that is its
        # own work, not waiting for the GIL or a core (steadier on a shared machine).
        "gui_cpu_between_ticks_ms": {
            "max": round(max(gap_cpu[:n_gaps], default=0.0) * 1000, 1),
            "p99": round(pct(gap_cpu[:n_gaps], 99) * 1000, 1),
            "over_20ms": sum(1 for c in gap_cpu[:n_gaps] if c > 0.02),
        },
        "gaps_over_30ms": {
            "n": len(long_gaps),
            "gui_cpu_share_median": pct([c / g for g, c in long_gaps], 50),
            "worst": [(round(g * 1000), round(c * 1000)) for g, c in sorted(long_gaps)[-8:]],
        },
        # Every collection during the load (the app collects on the GUI thread only):
        # a full one holds the GIL, and on this thread it is a stall of its own length.
        "gc": {
            **collections.summary(),
            "collector": collector,
            "objects_tracked_after": gc_objects,
            # One full collection after the load, timed on this thread (CPU time).
            "full_collection_cpu_ms_after": round(full_collection_cpu_ms, 1),
            "frozen": gc.get_freeze_count(),
            "gaps_over_50ms_during_a_collection": sum(
                1 for t, g in gap_times if g > 0.05 and collections.overlapping(t - g, t)
            ),
        },
        "witness_gaps_over_30ms": (
            [_with_entry_points(g, entries, widget_paints) for g in witnessed[:40]]
            if clocks is not None
            else None
        ),
        # The machine's steal time over the load, per CPU and total ("cpu"): ms the
        # hypervisor ran something else while a vCPU was runnable (USER_HZ, 10 ms steps).
        "steal_ms": steal_run,
        # A thread asking for the GIL every 1 ms: how late it got it, and where the
        # other threads were when it was very late.
        "witness_gil_probe": gil_probe.summary(t_load) if gil_probe is not None else None,
        # Every tick with more than --catch-turns ms of GUI CPU since the one before:
        # its stacks, costliest events, paints, layouts and resizes.
        "caught_turns": caught,
        "gui_profile": profile_summary,
        "longest_entry_points_cpu_ms": [
            (round(c * 1000, 1), round(w * 1000, 1), where)
            for c, w, where, _end in sorted(entries, reverse=True)[:15]
            if c > 0.005
        ],
        "feed_rows_after": window.feed_model.rowCount(),
        "gui_thread_cpu": {
            "share_of_wall": round(gui_cpu / wall, 3),
            "ms_per_event": round(gui_cpu * 1000 / max(1, len(sent)), 2),
        },
        "load_average_1min_at_end": load_avg[0],
        "rss_mb": {
            "before": round(rss_before / 2**20),
            "every_5s": rss_series,
            "after": round(rss_after / 2**20),
        },
        "startup": startup,
        "close_s": close_s,
        "machine": f"{platform.platform()}, {os.cpu_count()} CPUs,"
        f" Python {platform.python_version()}",
    }


def run_reference(rate: float, seconds: float) -> dict[str, Any]:
    """The same receiver thread, sender and probe, but an empty window.

    What the probe sees here is the machine's and the interpreter's share
    (other processes, the core thread holding the GIL), not the window's.
    """
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    tmp = Path(tempfile.mkdtemp(prefix="gatewatch-guibench-ref-"))
    os.environ["GATEWATCH_CONFIG_DIR"] = str(tmp / "cfg")
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QWidget

    from gui.settings import Settings
    from gui.ui import app as app_mod
    from gui.ui.bridge import CoreBridge

    settings = Settings(port=0, bind="127.0.0.1", data_dir=str(tmp / "data"))
    app_mod.prepare_application(settings)
    thread = app_mod.build_receiver(settings)
    bridge = CoreBridge(thread)
    assert app_mod.start_receiver(thread) is None
    bridge.event_stored.connect(lambda _s: None)  # the signal still reaches the GUI thread
    empty = QWidget()
    empty.resize(1600, 1000)
    empty.show()
    gaps: list[float] = []
    last = [time.perf_counter()]

    def tick() -> None:
        now = time.perf_counter()
        gaps.append(now - last[0])
        last[0] = now

    probe = QTimer()
    probe.setInterval(5)
    probe.timeout.connect(tick)
    sender = subprocess.Popen(
        [sys.executable, "-m", "bench.gui_bench", "--sender", str(thread.receiver.port),
         str(rate), str(seconds), str(tmp / "sent.json")],
        cwd=ROOT,
    )  # fmt: skip
    last[0] = t0 = time.perf_counter()
    cpu0 = time.thread_time()
    probe.start()
    _run_until_exit(sender)
    probe.stop()
    gui_cpu, wall = time.thread_time() - cpu0, time.perf_counter() - t0
    stall_ms = [max(0.0, g * 1000 - 5) for g in gaps]
    thread.stop(5)
    bridge.close()
    return {
        "reference": "empty window, same receiver thread and sender",
        "rate": rate,
        "seconds": seconds,
        "gui_stall_ms": {
            "max": max(stall_ms) if stall_ms else float("nan"),
            "p99": pct(stall_ms, 99),
            "over_50ms": sum(1 for x in stall_ms if x > 50),
            "ticks": len(stall_ms),
        },
        "gui_thread_cpu": {
            "share_of_wall": round(gui_cpu / wall, 3),
            "ms_per_event": round(gui_cpu * 1000 / max(1, rate * seconds), 2),
        },
        "load_average_1min_at_end": os.getloadavg()[0],
    }


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "--sender":
        _, port, rate, seconds, out = argv
        run_sender(int(port), float(rate), float(seconds), Path(out))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=50.0)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument(
        "--no-features", action="store_true", help="the bare window (alarms, installer pages off)"
    )
    parser.add_argument(
        "--reference", action="store_true", help="an empty window instead (machine noise)"
    )
    parser.add_argument(
        "--profile",
        type=Path,
        default=None,
        help="cProfile the GUI thread during the load; stats to this file (+ .txt summary)",
    )
    parser.add_argument(
        "--entry-points",
        action="store_true",
        help="time each call from Qt into Python on the GUI thread (slots, paint events);"
        " with --witness, those and the widgets painted in each long gap",
    )
    parser.add_argument(
        "--witness",
        action="store_true",
        help="for each gap over 30 ms: every thread's CPU and run-queue wait meanwhile (Linux)",
    )
    parser.add_argument(
        "--collector",
        choices=("app", "no-freeze", "python"),
        default="app",
        help="app: collections on the GUI thread, startup heap set aside (as gatewatch runs);"
        " no-freeze: the same without setting it aside; python: Python's own collector on"
        " whichever thread allocates (how this bench ran before 2026-12-02 07:00)",
    )
    parser.add_argument(
        "--catch-turns",
        type=float,
        default=None,
        metavar="MS",
        help="report every turn of the GUI thread with more than MS of its own CPU between two"
        " ticks: its sampled stacks, the events it delivered, paints, layouts, resizes",
    )
    parser.add_argument(
        "--catch-native",
        action="store_true",
        help="with --catch-turns: also 'perf record' the GUI thread and name the C/C++"
        " functions in each caught turn (Linux, perf)",
    )
    args = parser.parse_args(argv)
    if args.reference:
        print(json.dumps(run_reference(args.rate, args.seconds), indent=2))
    else:
        result = run(
            args.rate, args.seconds, not args.no_features, args.profile, args.entry_points,
            args.witness, args.collector, args.catch_turns, args.catch_native,
        )  # fmt: skip
        print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
