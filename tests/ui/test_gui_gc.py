"""Cyclic garbage is collected on the GUI thread, never on a worker thread."""

from __future__ import annotations

import gc
import threading

from PySide6.QtCore import QObject

from gui.ui.gui_gc import GuiThreadGarbageCollector


class Cyclic(QObject):
    """A parentless QObject in a reference cycle: only the cyclic collector frees it."""

    freed_on: list[str] = []  # noqa: RUF012

    def __init__(self) -> None:
        super().__init__()
        self.me = self
        name = threading.current_thread().name
        self.destroyed.connect(lambda *_: Cyclic.freed_on.append(name))

    def __del__(self) -> None:
        Cyclic.freed_on.append(threading.current_thread().name)


def test_cycles_with_qobjects_are_freed_by_the_gui_thread_timer(qtbot) -> None:
    was_enabled = gc.isenabled()
    gc.enable()
    collector = GuiThreadGarbageCollector(interval_ms=20)
    gc.collect()
    try:
        assert not gc.isenabled()
        Cyclic.freed_on.clear()
        Cyclic()

        kept: list[list[int]] = []

        def churn() -> None:  # what a worker does: allocate, and so trip the thresholds
            kept.extend([] for _ in range(5000))

        worker = threading.Thread(target=churn, name="worker")
        worker.start()
        worker.join()
        assert "worker" not in Cyclic.freed_on
        qtbot.waitUntil(lambda: bool(Cyclic.freed_on), timeout=5000)
        assert set(Cyclic.freed_on) == {threading.current_thread().name}
    finally:
        collector.stop()
        with qtbot.waitSignal(collector.destroyed, timeout=5000):
            collector.deleteLater()  # restores the state it found (enabled, just above)
        if not was_enabled:
            gc.disable()


def test_a_collector_switched_off_before_stays_off_after_it_ends(qtbot) -> None:
    """The suite switches the collector off (tests/conftest.py): an app run must not undo that.

    Back on, it would run on whichever thread allocates for every later test.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        collector = GuiThreadGarbageCollector(interval_ms=20)
        collector.stop()
        assert not gc.isenabled()
        with qtbot.waitSignal(collector.destroyed, timeout=5000):
            collector.deleteLater()
        assert not gc.isenabled()

        gc.enable()  # and the app, which starts with Python's collector, gets it back
        collector = GuiThreadGarbageCollector(interval_ms=20)
        assert not gc.isenabled()
        collector.stop()
        assert gc.isenabled()
        with qtbot.waitSignal(collector.destroyed, timeout=5000):
            collector.deleteLater()
    finally:
        if was_enabled:
            gc.enable()
        else:
            gc.disable()
