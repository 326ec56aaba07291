"""One line of text from a box, cut with "…" to the room it has; the whole text on hover.

Names, camera ids and box names can be hundreds of characters long. A plain
QLabel asks for room for all of it, so one long name widens the detail
header, a wall tile or the alarm banner until the window no longer fits the
screen. ``ElidedLabel`` asks for little, shows what fits, and keeps the full
text in a tooltip that shows it literally (never as rich text).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

from gui.ui import plain

#: The narrowest an elided label asks to be, in average characters.
MIN_CHARS = 4


class ElidedLabel(QLabel):
    """A plain-text, single-line label that elides instead of growing."""

    def __init__(
        self,
        text: str = "",
        parent: QWidget | None = None,
        *,
        mode: Qt.TextElideMode = Qt.TextElideMode.ElideRight,
    ) -> None:
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setWordWrap(False)
        # Its natural width when there is room, down to a few characters when not.
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        self._full = ""
        self._mode = mode
        self.setText(text)

    def setText(self, text: str | None) -> None:
        self._full = text or ""
        self._elide()
        self.updateGeometry()

    def text(self) -> str:
        """The whole text (what is shown may be cut: ``shown_text``)."""
        return self._full

    def shown_text(self) -> str:
        return super().text()

    @property
    def elided(self) -> bool:
        return self.shown_text() != self._full

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        margins = self.contentsMargins()
        width = self.fontMetrics().horizontalAdvance(self._full) + margins.left() + margins.right()
        return QSize(width + 2, hint.height())

    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        return QSize(self.fontMetrics().averageCharWidth() * MIN_CHARS, hint.height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._elide()

    def _elide(self) -> None:
        width = self.contentsRect().width()
        shown = self._full
        if width > 0:
            shown = self.fontMetrics().elidedText(self._full, self._mode, width)
        QLabel.setText(self, shown)
        self.setToolTip(plain.tooltip(self._full) if shown != self._full else "")
