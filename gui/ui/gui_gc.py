"""Cyclic garbage is collected on the GUI thread only.

Python's automatic collector runs on whichever thread happens to allocate when
a threshold is crossed — the core thread, a reader, a worker. A parentless
QObject caught in a reference cycle is then destroyed on that thread, and Qt
warns ("timers cannot be stopped from another thread") or crashes later.
So the automatic collector is switched off and this timer does the same work,
with the same thresholds, on the GUI thread (as calibre and others do).
Reference counting, which frees almost everything, is unaffected.

A full collection walks every tracked object, and most of them are made at
startup and live as long as the app: modules, functions, classes, the window's
wrappers (~80,000). Walking those took 65-100 ms of the GUI thread on the 2-core
VM, once a minute under load: a stall of its own. So once the window is up,
``set_startup_heap_aside`` moves everything alive then out of the collector's
reach (``gc.freeze``); later full collections walk only what was made since.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

#: How often the generation counts are checked (a check without a collection is free).
INTERVAL_MS = 500


class GuiThreadGarbageCollector(QObject):
    def __init__(self, parent: QObject | None = None, interval_ms: int = INTERVAL_MS) -> None:
        super().__init__(parent)
        self.threshold = gc.get_threshold()
        # Restored when this ends: a host that had switched the collector off (the
        # test suite, which collects between tests) keeps it off.
        was_enabled = self.was_enabled = gc.isenabled()
        gc.disable()
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.check)
        self.timer.start()
        self.destroyed.connect(lambda *_: _restore(was_enabled))

    def check(self) -> int:
        """Collect the generations past their thresholds; returns how many objects were freed."""
        t0, t1, t2 = self.threshold
        c0, c1, c2 = gc.get_count()
        freed = 0
        if c0 > t0:
            freed = gc.collect(0)
            if c1 > t1:
                freed += gc.collect(1)
                if c2 > t2:
                    freed += gc.collect(2)
        return freed

    def stop(self) -> None:
        """Back to the collector's state before (Python's own, when the Qt app ends)."""
        self.timer.stop()
        _restore(self.was_enabled)


def set_startup_heap_aside() -> int:
    """Exclude every object alive now from later collections; returns how many.

    Call once, when the app is built. Nothing is collected first: freezing is
    instant, while a collection here would be the very pause this avoids (the
    cyclic garbage of startup is a few dozen objects). Frozen objects are still
    freed by reference counting; only a cycle among them would never be.
    """
    gc.freeze()
    return gc.get_freeze_count()


def _restore(enabled: bool) -> None:
    if enabled:
        gc.enable()
    else:
        gc.disable()
