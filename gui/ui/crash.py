"""Unexpected exceptions: logged with the traceback, shown, and survived.

A windowed build has no console, so an exception in a slot would otherwise
vanish. Every path an exception can escape by (``sys.excepthook`` — which
PySide6 calls for exceptions in slots —, ``threading.excepthook`` and the
asyncio loop's exception handler) ends here: the traceback goes to the log,
and a dialog with "Copy details" appears. In wall mode no dialog may cover the
alarms, so there it is only the log and a status-bar line. The receiver runs on
its own thread and keeps running.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import threading
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, QUrl, Signal, Slot
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMainWindow,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

log = logging.getLogger("gatewatch.crash")

#: Set by the app: is the wall (full-screen guard view) showing right now?
WallProbe = Callable[[], bool]


def _visible_wall() -> QWidget | None:
    """The wall window if it is up (``gui.ui.wall.WallWindow``, object name ``wall``)."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        return None
    for w in app.topLevelWidgets():
        if not w.isVisible():
            continue
        flag = getattr(w, "wall_mode", None)
        if callable(flag):
            flag = flag()
        if w.objectName() == "wall" or flag or w.property("wall_mode"):
            return w
    return None


def _default_wall_probe() -> bool:
    return _visible_wall() is not None


class CrashDialog(QDialog):
    """The details of one unexpected error, with a button to copy them for a bug report."""

    def __init__(
        self, summary: str, details: str, log_folder: Path | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Unexpected error"))
        self.details = details
        layout = QVBoxLayout(self)
        text = QLabel(
            self.tr(
                "Gatewatch ran into an unexpected error. Events are still being received.\n"
                "The details below were also written to the log."
            )
        )
        text.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(text)
        head = QLabel(summary)
        head.setTextFormat(Qt.TextFormat.PlainText)
        head.setWordWrap(True)
        layout.addWidget(head)
        box = QPlainTextEdit(details)
        box.setReadOnly(True)
        box.setMinimumSize(560, 220)
        layout.addWidget(box)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copy_button = QPushButton(self.tr("Copy details"))
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.clicked.connect(self.copy_details)
        if log_folder is not None:
            open_logs = QPushButton(self.tr("Open log folder"))
            buttons.addButton(open_logs, QDialogButtonBox.ButtonRole.ActionRole)
            open_logs.clicked.connect(
                lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(log_folder)))
            )
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def copy_details(self) -> None:
        QGuiApplication.clipboard().setText(self.details)


class CrashHandler(QObject):
    """Installed once in the GUI thread; other threads hand their exceptions over by signal."""

    reported = Signal(str, str)  # summary, details (queued to the GUI thread)

    def __init__(
        self,
        log_folder: Path | None = None,
        wall_probe: WallProbe | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.log_folder = log_folder
        self.wall_probe = wall_probe or _default_wall_probe
        self.dialog: CrashDialog | None = None
        self.count = 0
        self._previous: dict[str, Any] = {}
        self.reported.connect(self._show, Qt.ConnectionType.QueuedConnection)

    # -- installing -------------------------------------------------------------

    def install(self) -> None:
        self._previous = {"sys": sys.excepthook, "threading": threading.excepthook}
        sys.excepthook = self.excepthook
        threading.excepthook = self.thread_excepthook

    def uninstall(self) -> None:
        if self._previous:
            sys.excepthook = self._previous["sys"]
            threading.excepthook = self._previous["threading"]
            self._previous = {}

    def install_loop_handler(self, loop: asyncio.AbstractEventLoop) -> None:
        loop.set_exception_handler(self.loop_exception_handler)

    # -- the three entry points ---------------------------------------------------

    def excepthook(
        self,
        exc_type: type[BaseException],
        exc: BaseException,
        tb: TracebackType | None,
    ) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            QApplication.quit()
            return
        self.report(exc_type, exc, tb, where="main thread")

    def thread_excepthook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_type is SystemExit:
            return
        name = args.thread.name if args.thread is not None else "a thread"
        self.report(args.exc_type, args.exc_value, args.exc_traceback, where=f"thread {name}")

    def loop_exception_handler(
        self, loop: asyncio.AbstractEventLoop, context: dict[str, Any]
    ) -> None:
        exc = context.get("exception")
        message = str(context.get("message") or "asyncio error")
        if exc is None:
            log.error("asyncio: %s (%r)", message, context)
            return
        self.report(type(exc), exc, exc.__traceback__, where=f"asyncio: {message}")

    # -- what they all do -----------------------------------------------------------

    def report(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
        *,
        where: str,
    ) -> None:
        try:
            details = "".join(traceback.format_exception(exc_type, exc, tb))
            summary = f"{getattr(exc_type, '__name__', 'Error')}: {exc} ({where})"
            log.error("unexpected error in %s\n%s", where, details.rstrip())
            self.count += 1
            self.reported.emit(summary, details)
        except Exception:  # the handler itself must never raise
            sys.__stderr__ and sys.__stderr__.write("gatewatch: crash handler failed\n")

    @Slot(str, str)
    def _show(self, summary: str, details: str) -> None:
        window = _main_window()
        if self.wall_probe():
            # No dialog may cover the wall: a status line on the wall and the main window.
            line = self.tr("Internal error (logged): {0}").format(summary)
            wall = _visible_wall()
            if wall is not None and hasattr(wall, "show_status"):
                wall.show_status(line)
            if window is not None:
                window.statusBar().showMessage(line, 60_000)
            return
        if self.dialog is not None and self.dialog.isVisible():
            # One dialog at a time: a repeating error must not pile up windows.
            return
        self.dialog = CrashDialog(summary, details, self.log_folder, window)
        self.dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
        self.dialog.open()


def _main_window() -> QMainWindow | None:
    """The main window on screen; a closed one not yet deleted only when none is shown."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        return None
    windows = [w for w in app.topLevelWidgets() if isinstance(w, QMainWindow)]
    return next((w for w in windows if w.isVisible()), windows[0] if windows else None)


_handler: CrashHandler | None = None


def install(log_folder: Path | None = None, wall_probe: WallProbe | None = None) -> CrashHandler:
    """Install the handlers (idempotent); the asyncio one once the GUI loop is running."""
    global _handler
    if _handler is None:
        _handler = CrashHandler(log_folder, wall_probe, QApplication.instance())
        _handler.install()

        def _hook_loop() -> None:
            try:
                loop = asyncio.get_event_loop_policy().get_event_loop()
            except RuntimeError:
                return
            assert _handler is not None
            _handler.install_loop_handler(loop)
            _hook_core_loop(_handler)

        QTimer.singleShot(0, _hook_loop)
    return _handler


def _hook_core_loop(h: CrashHandler) -> bool:
    """The receiver's own loop (its thread) reports here too; the main window knows it."""
    thread = getattr(_main_window(), "receiver_thread", None)
    loop = getattr(thread, "loop", None)
    if loop is None or loop.is_closed():
        return False
    loop.call_soon_threadsafe(loop.set_exception_handler, h.loop_exception_handler)
    return True


def handler() -> CrashHandler | None:
    return _handler
