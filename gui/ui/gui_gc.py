"""Cyclic garbage is collected on the GUI thread only.

Python's automatic collector runs on whichever thread happens to allocate when
a threshold is crossed — the core thread, a reader, a worker. A parentless
QObject caught in a reference cycle is then destroyed on that thread, and Qt
warns ("timers cannot be stopped from another thread") or crashes later.
So the automatic collector is switched off and this timer does the same work,
with the same thresholds, on the GUI thread (as calibre and others do).
Reference counting, which frees almost everything, is unaffected.
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


def _restore(enabled: bool) -> None:
    if enabled:
        gc.enable()
    else:
        gc.disable()
