"""The feed's view: one column of painted rows, cheap to update with a Python model.

Two costs dominate when the model lives in Python and the receiver thread is
busy: every call from Qt into Python must take the GIL (waiting up to the
switch interval), and QListView's layout asks the model for an index of every
row on each insert (hundreds of calls into Python per event). So:

* a QTableView with fixed-height rows and hidden headers (its layout does not
  touch the model per row);
* the whole viewport painted in one Python call that blits the delegate's
  cached row pictures;
* rows not rendered yet are rendered for at most ``RENDER_BUDGET_S`` per
  paint; the rest get a stand-in and are painted again on the next turn of the
  event loop. A jump of the scrollbar brings a screenful of new rows, and
  rendering them all in one paint stalled the GUI thread for 50-75 ms while
  the receiver was busy; spread over a few paints, each stays short.

The budget is a few milliseconds: on two cores a long GUI-thread turn is
preempted by the receiver's threads and waits in the run queue in between
(``gui_bench --witness``: every gap over 30 ms was 5-9 ms of the GUI thread's
CPU and 10-24 ms runnable without a core), and feed paints with new rows were
its longest turns (6-9 ms of CPU with an 8 ms budget, ``--entry-points``).
"""

from __future__ import annotations

import time

from PySide6.QtCore import QAbstractItemModel, QRect, Qt, QTimer
from PySide6.QtGui import QPainter, QPaintEvent
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QHeaderView,
    QStyle,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from gui.ui.models.feed import FeedModel
from gui.ui.views.feed_delegate import FeedDelegate

#: Time one paint may spend rendering rows that are not in the delegate's cache.
RENDER_BUDGET_S = 0.004


class FeedView(QTableView):
    def __init__(self, row_height: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.setCornerButtonEnabled(False)
        self.horizontalHeader().hide()
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        vertical = self.verticalHeader()
        vertical.hide()
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setMinimumSectionSize(1)
        vertical.setDefaultSectionSize(row_height)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(self.horizontalScrollBarPolicy().ScrollBarAlwaysOff)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setTabKeyNavigation(False)
        # paintEvent fills every pixel: the widgets behind need not paint first
        self.viewport().setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        #: Rows painted as stand-ins, to be painted in full on the next turn.
        self._deferred = QRect()
        self._finish = QTimer(self)
        self._finish.setSingleShot(True)
        self._finish.setInterval(0)
        self._finish.timeout.connect(self._paint_deferred)

    @property
    def rows_deferred(self) -> bool:
        """Some visible rows show a stand-in until the next paint (tests)."""
        return not self._deferred.isEmpty()

    def scrollContentsBy(self, dx: int, dy: int) -> None:
        # Scrolling moves the painted pixels, stand-ins included: follow them.
        super().scrollContentsBy(dx, dy)
        if not self._deferred.isEmpty():
            self._deferred.translate(dx, dy)

    def _paint_deferred(self) -> None:
        # Still deferred until that paint runs: it clears them (and may defer some again).
        if not self._deferred.isEmpty():
            self.viewport().update(self._deferred)

    def paintEvent(self, event: QPaintEvent) -> None:
        model = self.model()
        delegate = self.itemDelegate()
        viewport = self.viewport()
        painter = QPainter(viewport)
        area: QRect = event.rect()
        if area.contains(self._deferred):
            self._deferred = QRect()
        painter.fillRect(area, self.palette().base())
        count = model.rowCount() if model is not None else 0
        if not count or delegate is None:
            return
        option = QStyleOptionViewItem()
        self.initViewItemOption(option)
        if not isinstance(delegate, FeedDelegate) or not isinstance(model, FeedModel):
            self._paint_generic(painter, area, model, delegate, option, count)
            return
        # Fixed row heights: where each row is, is arithmetic, not a Qt call per row.
        height = self.verticalHeader().defaultSectionSize()
        offset = self.verticalOffset()
        row = max(0, (area.top() + offset) // height)
        last = min(count - 1, (area.bottom() + offset) // height)
        selection = self.selectionModel()
        selected = {ix.row() for ix in selection.selectedRows()} if selection is not None else set()
        context = delegate.begin(painter, option, 0, viewport.width(), height)
        clock = time.perf_counter
        deadline = clock() + RENDER_BUDGET_S
        renders_before = delegate.renders
        deferred = QRect()
        while row <= last:
            y = row * height - offset
            # At least one row is rendered per paint, so the stand-ins finish.
            render = delegate.renders == renders_before or clock() < deadline
            if not delegate.blit_row(painter, context, model, row, y, row in selected, render):
                deferred = deferred.united(QRect(0, y, context.width, height))
            row += 1
        painter.end()
        if not deferred.isEmpty():
            self._deferred = self._deferred.united(deferred)
            self._finish.start()

    def _paint_generic(
        self,
        painter: QPainter,
        area: QRect,
        model: QAbstractItemModel,
        delegate: QAbstractItemDelegate,
        option: QStyleOptionViewItem,
        count: int,
    ) -> None:
        """Any other model or delegate: Qt's way, one ``paint`` per visible row."""
        first = self.rowAt(area.top())
        row = first if first >= 0 else 0
        last = self.rowAt(area.bottom())
        last = count - 1 if last < 0 else last
        base_state = option.state & ~QStyle.StateFlag.State_Selected
        selection = self.selectionModel()
        width = self.viewport().width()
        while row <= last:
            index = model.index(row, 0)
            option.rect = QRect(0, self.rowViewportPosition(row), width, self.rowHeight(row))
            option.state = base_state
            if selection is not None and selection.isSelected(index):
                option.state |= QStyle.StateFlag.State_Selected
            delegate.paint(painter, option, index)
            row += 1
        painter.end()
