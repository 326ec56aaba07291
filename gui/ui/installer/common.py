"""Small shared pieces of the installer pages: plain labels, copy buttons, worker threads."""

from __future__ import annotations

import logging
import weakref
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, Signal
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


class _Dispatcher(QObject):
    """Carries results to the GUI thread; lives as long as the application.

    Emitting from a pool thread on an object the GUI thread may be deleting at
    that moment (a page closed mid-query) is a race inside Qt; this emitter is
    never deleted, and the receiving Worker is checked for life on arrival.
    """

    finished = Signal(object, object, object, object)  # worker ref, callback, result, error

    def __init__(self) -> None:
        super().__init__(None)
        self.finished.connect(self._deliver)

    def _deliver(self, ref: Any, callback: Any, result: Any, error: Any) -> None:
        worker = ref()
        if worker is None or worker._closed or not shiboken6.isValid(worker):
            return
        worker._deliver(callback, result, error)


_DISPATCHER: _Dispatcher | None = None


def _dispatcher() -> _Dispatcher:
    """Created on first use, on the GUI thread (Workers are made there)."""
    global _DISPATCHER
    if _DISPATCHER is None:
        _DISPATCHER = _Dispatcher()
        app = QCoreApplication.instance()
        if app is not None:
            _DISPATCHER.moveToThread(app.thread())
    return _DISPATCHER


class Worker(QObject):
    """``run(fn, done)``: ``fn()`` on a worker thread, ``done(result)`` back on the GUI thread.

    For slow, blocking things (a POST, a firewall command, a query) that must not
    freeze the window; works with or without an asyncio loop. Results arriving
    after the owner was closed or deleted are dropped.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = ThreadPoolExecutor(2, thread_name_prefix="gatewatch-installer")
        self._dispatch = _dispatcher()
        self._closed = False
        pool = self._pool
        self.destroyed.connect(lambda *_: pool.shutdown(wait=False, cancel_futures=True))

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
        ref = weakref.ref(self)
        dispatch = self._dispatch

        def finished(f: Future[Any]) -> None:
            if f.cancelled():
                return
            exc = f.exception()
            dispatch.finished.emit(ref, failed if exc else done, None if exc else f.result(), exc)

        fut.add_done_callback(finished)

    def _deliver(self, callback: Any, result: Any, error: Any) -> None:
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
