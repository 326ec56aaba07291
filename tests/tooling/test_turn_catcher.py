"""bench/turn_catcher.py's reports: what a caught turn of the GUI thread held (no timing)."""

from __future__ import annotations

from bench.gui_stall_pairs import caught_turns
from bench.stall_witness import Collection, CollectionLog
from bench.turn_catcher import (
    TurnCatcher,
    collapse,
    describe_turn,
    format_native,
    format_turn,
    make_event_log,
    native_in_turns,
    parse_perf_script,
)

LOOP = ("/src/bench/gui_bench.py", "_run_until_exit", 120)
MAIN = ("/src/bench/gui_bench.py", "run", 400)
PAINT = ("/src/gui/ui/views/feed_view.py", "paintEvent", 88)
RENDER = ("/src/gui/ui/views/feed_delegate.py", "_render_row", 182)
FILL = ("/src/gui/ui/views/detail_pane.py", "_populate", 300)


def test_a_stack_is_cut_at_the_event_loop_and_read_outer_to_inner() -> None:
    assert collapse((RENDER, PAINT, LOOP, MAIN)) == (
        "feed_view.py:paintEvent;feed_delegate.py:_render_row:182"
    )
    # Only the loop's frame: the thread was in Qt's C++ (or idle in the loop).
    assert collapse((LOOP, MAIN)) == "(Qt)"
    assert collapse(()) == "(Qt)"


def test_stacks_are_weighted_by_the_gui_threads_cpu_since_the_sample_before() -> None:
    samples = [
        (0.990, 5.000, (LOOP,)),  # before the turn: only its CPU clock is used
        (1.002, 5.001, (LOOP,)),
        (1.004, 5.003, (RENDER, PAINT, LOOP)),
        (1.006, 5.005, (RENDER, PAINT, LOOP)),
        (1.008, 5.011, (FILL, LOOP)),
        (1.010, 5.011, (LOOP,)),  # waited for a core: no CPU, still counted as seen
        (1.050, 5.020, (FILL, LOOP)),  # after the turn
    ]
    turn = describe_turn(1.0, 1.020, 10.0, samples, [])
    assert turn["samples"] == 5
    assert turn["stacks"] == [
        ["detail_pane.py:_populate:300", 6.0, 1],
        ["feed_view.py:paintEvent;feed_delegate.py:_render_row:182", 4.0, 2],
        ["(Qt)", 1.0, 2],
    ]
    assert (turn["gap_ms"], turn["gui_cpu_ms"]) == (20.0, 10.0)


def test_each_event_gets_the_cpu_until_the_next_one_and_paints_are_summed_per_class() -> None:
    events = [
        (0.99, 4.000, "Timer", "QTimer", 0),  # before the turn
        (1.001, 5.000, "UpdateRequest", "MainWindow", 0),
        (1.002, 5.001, "Paint", "DetailPane", 400_000),
        (1.012, 5.019, "Paint", "QTabWidget", 100_000),
        (1.013, 5.020, "LayoutRequest", "QSplitter", 0),
        (1.014, 5.021, "Resize", "PhotoView", 0),
        (1.015, 5.022, "Paint", "DetailPane", 50_000),
        (1.03, 5.030, "Timer", "QTimer", 0),  # after the turn
    ]
    turn = describe_turn(1.0, 1.020, 22.0, [], events)
    costliest = turn["costliest_events"]
    assert costliest[0] == ["Paint", "DetailPane", 18.0, 10.0, 400_000]
    # The last event in the turn has no next one inside it: its CPU is unknown.
    assert [e[2] for e in costliest] == [18.0, 1.0, 1.0, 1.0, 1.0]
    assert turn["paints_pixels"] == {"DetailPane": 450_000, "QTabWidget": 100_000}
    assert turn["layout_requests"] == {"QSplitter": 1}
    assert turn["resizes"] == {"PhotoView": 1}
    assert turn["events"]["Paint"] == 3
    lines = format_turn({"at_s": 26.7, **turn})
    assert lines.splitlines()[0].startswith("caught turn at 26.7 s: 22.0 ms of GUI CPU")
    assert "event Paint DetailPane 400000 px: 18.0 ms CPU" in lines


def test_only_ticks_over_the_threshold_are_kept_and_a_run_lists_them(qapp) -> None:
    log = CollectionLog()
    log.done.append(Collection(1, "MainThread", 1.012, 6.5, 6.4, 100))  # inside the long turn
    log.done.append(Collection(0, "MainThread", 2.0, 1.0, 1.0, 10))  # later
    catcher = TurnCatcher(threshold_ms=15, collections=log)
    catcher.start(qapp)
    try:
        catcher.sampler.samples.append((1.005, 9.0, (FILL, LOOP)))
        catcher.on_tick(1.0, 1.01, 0.009, at_s=3.0)
        others = {
            "MainThread[10]": (22.0, 1.0),
            "gatewatch-ui-0[12]": (20.0, 0.5),
            "idle[13]": (0.1, 0.0),
        }
        catcher.on_tick(1.0, 1.03, 0.022, at_s=26.7, threads=lambda: others)
    finally:
        catcher.stop()
    catcher.on_tick(1.0, 1.03, 0.040, at_s=60.5)  # after the load: not the run's
    summary = catcher.summary()
    assert summary["caught"] == 1
    assert [t["at_s"] for t in summary["turns"]] == [26.7]
    assert summary["turns"][0]["stacks"][0][0] == "detail_pane.py:_populate:300"
    assert summary["turns"][0]["collections"] == [[1, "MainThread", 6.5, 6.4]]
    # the other threads' CPU in the same span; threads that did nothing left out
    assert summary["turns"][0]["threads"] == {
        "MainThread[10]": (22.0, 1.0), "gatewatch-ui-0[12]": (20.0, 0.5)
    }  # fmt: skip
    assert caught_turns({"caught_turns": summary}) == [[26.7, 22.0, "detail_pane.py:_populate:300"]]
    assert caught_turns({"caught_turns": None}) == []


PERF_SCRIPT = """\
4242 1001.002000:
\t    7f00aa QImage::smoothScaled (/venv/PySide6/Qt/lib/libQt6Gui.so.6)
\t    7f00bb QPainter::drawPixmap+0x1f (/venv/PySide6/Qt/lib/libQt6Gui.so.6)

4242 1001.003000:
\t    7f00aa QImage::smoothScaled (/venv/PySide6/Qt/lib/libQt6Gui.so.6)
\t         0 [unknown] ([unknown])

4243 1001.004000:
\t    1234 _PyEval_EvalFrameDefault (/usr/lib/libpython3.11.so.1.0)

4242 1001.005000:
\t    9999 [unknown] (/venv/PySide6/Qt/lib/libQt6Widgets.so.6)

4242 1002.500000:
\t    7f00cc QWidget::repaint (/venv/PySide6/Qt/lib/libQt6Widgets.so.6)
"""


def test_the_gui_threads_native_samples_in_a_turn_name_the_cpp_work() -> None:
    samples = parse_perf_script(PERF_SCRIPT)
    assert [(tid, when) for tid, when, _f in samples] == [
        (4242, 1001.002), (4242, 1001.003), (4243, 1001.004), (4242, 1001.005), (4242, 1002.5)
    ]  # fmt: skip
    assert samples[0][2] == [
        "QImage::smoothScaled (libQt6Gui.so.6)", "QPainter::drawPixmap (libQt6Gui.so.6)"
    ]  # fmt: skip
    turns = [{"at_s": 26.7, "gui_cpu_ms": 30.0, "span": [1001.0, 1001.010]}]
    native_in_turns(turns, samples, tid=4242)  # 4243 is another thread; 1002.5 after the turn
    turn = turns[0]
    assert turn["native_samples"] == 3
    assert turn["native_leaf"][0] == ("QImage::smoothScaled (libQt6Gui.so.6)", 2)
    assert ("? (libQt6Widgets.so.6)", 1) in turn["native_leaf"]
    assert ("QPainter::drawPixmap (libQt6Gui.so.6)", 1) in turn["native_on_stack"]
    text = format_native({"native": {"error": None}, "turns": turns})
    assert "leaf 2x QImage::smoothScaled (libQt6Gui.so.6)" in text
    assert format_native({"native": {"error": "perf not found"}, "turns": turns}) == (
        "native samples: none (perf not found)"
    )


def test_the_event_log_keeps_the_newest_events_in_its_rings(qapp) -> None:
    from PySide6.QtCore import QCoreApplication, QEvent, QObject

    log = make_event_log(keep=3)
    target = QObject()
    target.installEventFilter(log)
    for _ in range(5):
        QCoreApplication.sendEvent(target, QEvent(QEvent.Type.LayoutRequest))
    target.removeEventFilter(log)
    assert log.seen == 5
    kept = log.events
    assert [(kind, receiver) for _w, _c, kind, receiver, _px in kept] == [
        ("LayoutRequest", "QObject")
    ] * 3
    assert [e[0] for e in kept] == sorted(e[0] for e in kept)
    assert log.since(kept[1][0]) == kept[1:]
