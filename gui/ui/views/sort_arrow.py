"""Sort arrows that point the way the list runs: down for newest (largest) first.

Qt's header hands the style ``SortUp`` for a descending sort (the old Mac
convention), so Fusion draws "▲" over a newest-first list. Users read the
arrow as the direction values run, as in file managers: ▲ ascending, ▼ descending.
"""

from __future__ import annotations

from PySide6.QtGui import QPainter
from PySide6.QtWidgets import (
    QHeaderView,
    QProxyStyle,
    QStyle,
    QStyleOption,
    QStyleOptionHeader,
    QWidget,
)


class SortArrowStyle(QProxyStyle):
    """The application's style, with the header's sort arrow flipped to match the order."""

    def drawPrimitive(
        self,
        element: QStyle.PrimitiveElement,
        option: QStyleOption,
        painter: QPainter,
        widget: QWidget | None = None,
    ) -> None:
        if element == QStyle.PrimitiveElement.PE_IndicatorHeaderArrow and isinstance(
            option, QStyleOptionHeader
        ):
            flipped = QStyleOptionHeader(option)
            up = QStyleOptionHeader.SortIndicator.SortUp
            down = QStyleOptionHeader.SortIndicator.SortDown
            if option.sortIndicator == up:
                flipped.sortIndicator = down
            elif option.sortIndicator == down:
                flipped.sortIndicator = up
            option = flipped
        super().drawPrimitive(element, option, painter, widget)


def point_sort_arrow_with_order(header: QHeaderView) -> None:
    """Make ``header`` draw ▼ for a descending and ▲ for an ascending sort."""
    style = SortArrowStyle()  # no base: follows the application's style
    style.setParent(header)  # a widget does not own the style it is given
    header.setStyle(style)
