"""Small shared pieces of the installer pages: plain labels, copy buttons, worker threads."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal
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


class Worker(QObject):
    """``run(fn, done)``: ``fn()`` on a worker thread, ``done(result)`` back on the GUI thread.

    For slow, blocking things (a POST, a firewall command) that must not freeze
    the window; works with or without an asyncio loop.
    """

    _finished = Signal(object, object, object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = ThreadPoolExecutor(2, thread_name_prefix="gatewatch-installer")
        self._finished.connect(self._deliver)
        self._closed = False

    def run(
        self,
        fn: Callable[[], Any],
        done: Callable[[Any], None],
        failed: Callable[[BaseException], None] | None = None,
    ) -> None:
        if self._closed:
            return
        try:
            fut = self._pool.submit(fn)
        except RuntimeError:
            return

        def finished(f: Future[Any]) -> None:
            if f.cancelled() or self._closed:
                return
            exc = f.exception()
            with contextlib.suppress(RuntimeError):  # the QObject is gone at shutdown
                self._finished.emit(failed if exc else done, None if exc else f.result(), exc)

        fut.add_done_callback(finished)

    def _deliver(self, callback: Any, result: Any, error: Any) -> None:
        if self._closed:
            return
        if error is not None:
            if callback is None:
                log.warning("background work failed: %s", error)
            else:
                callback(error)
            return
        callback(result)

    def close(self) -> None:
        self._closed = True
        self._pool.shutdown(wait=False, cancel_futures=True)
