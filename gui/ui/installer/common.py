"""Small shared pieces of the installer pages: plain labels, copy buttons, refresh when shown."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QLabel, QPushButton, QWidget

log = logging.getLogger(__name__)


def tr(text: str) -> str:
    return QCoreApplication.translate("", text)


def plain_label(text: str = "", parent: QWidget | None = None, *, wrap: bool = False) -> QLabel:
    """A label that never interprets markup: what boxes send is untrusted text."""
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setText(text)
    label.setWordWrap(wrap)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def copy_text(text: str) -> None:
    QGuiApplication.clipboard().setText(text)


def copy_button(get_text: Callable[[], str], parent: QWidget | None = None) -> QPushButton:
    button = QPushButton(tr("Copy"), parent)
    button.setToolTip(tr("Copy to the clipboard"))
    button.clicked.connect(lambda: copy_text(get_text()))
    return button


def chinese() -> bool:
    """Whether the app currently speaks Simplified Chinese (verdicts carry both texts)."""
    try:
        from gui.ui import i18n

        return i18n.current_language().startswith("zh")
    except Exception:
        return False


class RefreshWhenShown(QObject):
    """Runs a page's refresh now if the page is on screen, else when it is next shown.

    The installer pages' queries (verdicts, sparkline counts) are Python work that
    shares the GIL with the GUI thread; a hidden page must not pay for them on
    every burst of traffic while the live feed is in front.
    """

    def __init__(self, page: QWidget, refresh: Callable[[], None]) -> None:
        super().__init__(page)
        self._page = page
        self._refresh = refresh
        self._stale = True
        page.installEventFilter(self)

    def request(self) -> None:
        if self._page.isVisible():
            self._stale = False
            self._refresh()
        else:
            self._stale = True

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._page and event.type() == QEvent.Type.Show and self._stale:
            self._stale = False
            self._refresh()
        return False


class EmptyState(QWidget):
    """What an empty list means and what to do about it, shown in the list's place.

    ``texts()`` is asked again on every update (and on a language change), so the
    words follow the situation (no data yet vs. filters that match nothing).
    """

    def __init__(self, texts: Callable[[], tuple[str, str]], parent: QWidget | None = None) -> None:
        from PySide6.QtWidgets import QVBoxLayout

        super().__init__(parent)
        self._texts = texts
        self.title = QLabel(self)
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        font = self.title.font()
        font.setPointSizeF(max(font.pointSizeF(), 9.0) * 1.4)
        font.setBold(True)
        self.title.setFont(font)
        self.text = QLabel(self)
        self.text.setTextFormat(Qt.TextFormat.PlainText)
        self.text.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        for label in (self.title, self.text):
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            layout.addWidget(label, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)
        self.refresh()

    def refresh(self) -> None:
        title, text = self._texts()
        self.title.setText(title)
        self.text.setText(text)
        self._fit_text()

    def _fit_text(self) -> None:
        """A wrapped, centred label gets no height from its layout: give it its own."""
        width = max(240, min(600, self.width() - 40))
        self.text.setFixedWidth(width)
        self.text.setFixedHeight(self.text.heightForWidth(width))

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        self._fit_text()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.refresh()
        super().changeEvent(event)
