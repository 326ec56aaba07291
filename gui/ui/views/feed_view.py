"""The feed's view: one column of painted rows, cheap to update with a Python model.

Two costs dominate when the model lives in Python and the receiver thread is
busy: every call from Qt into Python must take the GIL (waiting up to the
switch interval), and QListView's layout asks the model for an index of every
row on each insert (hundreds of calls into Python per event). So:

* a QTableView with fixed-height rows and hidden headers (its layout does not
  touch the model per row);
* the whole viewport painted in one Python call that blits the delegate's
  cached row pictures.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QPainter, QPaintEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QStyle,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)


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

    def paintEvent(self, event: QPaintEvent) -> None:
        model = self.model()
        delegate = self.itemDelegate()
        viewport = self.viewport()
        painter = QPainter(viewport)
        area: QRect = event.rect()
        painter.fillRect(area, self.palette().base())
        count = model.rowCount() if model is not None else 0
        if not count or delegate is None:
            return
        first = self.rowAt(area.top())
        row = first if first >= 0 else 0
        last = self.rowAt(area.bottom())
        last = count - 1 if last < 0 else last
        option = QStyleOptionViewItem()
        self.initViewItemOption(option)
        base_state = option.state & ~QStyle.StateFlag.State_Selected
        selection = self.selectionModel()
        width = viewport.width()
        while row <= last:
            index = model.index(row, 0)
            option.rect = QRect(0, self.rowViewportPosition(row), width, self.rowHeight(row))
            option.state = base_state
            if selection is not None and selection.isSelected(index):
                option.state |= QStyle.StateFlag.State_Selected
            delegate.paint(painter, option, index)
            row += 1
        painter.end()
