"""A QTabWidget repaints itself whole only when its own layout changes.

``QTabWidget`` answers every ``LayoutRequest`` by laying out its tab bar and
page stack again *and repainting all of itself*. A request reaches it whenever
any widget on any of its pages changes size hint — a label's new text is
enough — because Qt passes "my size hint may have changed" up the parents
without checking. On the Live page, with events arriving, that meant the main
window's tabs (the whole window below the menu) and the detail pane's tabs were
repainted 4-5 times a second: every widget under them drawn again (a million
pixels a time on a 1600x1000 window), most of the GUI thread's time per event.

``gate_layout_repaints(tabs)`` lets a request through only when what the tab
widget lays out could have changed: its size, its tab bar's size hint and
visibility, the number of pages, and its minimum size (which its parent must
respect). Otherwise the request is dropped: the same inputs give the same
geometry, and the widgets whose text changed repaint themselves anyway.

Its preferred size (``sizeHint``) is left out on purpose: it follows every new
name in the detail pane's header, and the parents these tabs sit in (the main
window, a splitter) use it only for a first size, not once the user has one.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QTabWidget


class _LayoutRequestGate(QObject):
    """Event filter on one QTabWidget (its child, so it lives and dies with it)."""

    def __init__(self, tabs: QTabWidget) -> None:
        super().__init__(tabs)
        self._tabs = tabs
        self._laid_out_for: tuple[object, ...] | None = None
        #: Requests let through / dropped (tests, benchmarks).
        self.passed = 0
        self.dropped = 0
        tabs.installEventFilter(self)

    def _inputs(self) -> tuple[object, ...]:
        tabs = self._tabs
        bar = tabs.tabBar()
        return (
            tabs.size().toTuple(),
            bar.sizeHint().toTuple(),
            bar.isVisibleTo(tabs),
            tabs.count(),
            tabs.minimumSizeHint().toTuple(),
            tabs.minimumSize().toTuple(),
            tabs.maximumSize().toTuple(),
        )

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._tabs:
            kind = event.type()
            if kind == QEvent.Type.LayoutRequest:
                inputs = self._inputs()
                if inputs == self._laid_out_for:
                    self.dropped += 1
                    return True
                self._laid_out_for = inputs
                self.passed += 1
            elif kind in (QEvent.Type.StyleChange, QEvent.Type.FontChange, QEvent.Type.Show):
                self._laid_out_for = None  # laid out again by Qt on these: compare afresh
        return False


def gate_layout_repaints(tabs: QTabWidget) -> QTabWidget:
    """Drop ``tabs``' layout requests that cannot change its layout; returns ``tabs``."""
    _LayoutRequestGate(tabs)
    return tabs
