"""One Gatewatch per user and data dir: a second launch raises the first window.

A second receiver would fail on the port anyway, and a guard who double-clicks
the icon again wants the window that is already running, not an error. The
first instance listens on a ``QLocalServer`` (a named pipe on Windows, a socket
file on Linux) whose name depends on the user and the data dir; a second launch
connects, sends ``raise`` and exits 0. ``--new-instance`` skips all of this (a
second receiver on another port and data dir).
"""

from __future__ import annotations

import contextlib
import getpass
import hashlib
import logging
import os
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket
from PySide6.QtWidgets import QApplication, QMainWindow, QWidget

log = logging.getLogger(__name__)

RAISE = b"raise\n"
ACK = b"ok\n"
CONNECT_TIMEOUT_MS = 500


def server_name(data_dir: Path | str, user: str | None = None) -> str:
    """A short name unique to this user and data dir (socket paths have a length limit)."""
    if user is None:
        try:
            user = getpass.getuser()
        except Exception:  # no login name (some services): the uid/profile still separates
            user = str(getattr(os, "getuid", lambda: 0)())
    key = f"{user}\0{Path(data_dir).expanduser().resolve()}".encode()
    return "gatewatch-" + hashlib.sha256(key).hexdigest()[:16]


def bring_to_front(window: QWidget) -> None:
    """Show, un-minimise and activate: also when it sits hidden in the tray."""
    if window.isHidden():
        window.show()
    state = window.windowState()
    if state & Qt.WindowState.WindowMinimized:
        window.setWindowState(
            (state & ~Qt.WindowState.WindowMinimized) | Qt.WindowState.WindowActive
        )
    window.raise_()
    window.activateWindow()


def main_window() -> QWidget | None:
    """The app's main window, found without the caller having to hand it over."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        return None
    widgets = [w for w in app.topLevelWidgets() if isinstance(w, QMainWindow)]
    return widgets[0] if widgets else None


class SingleInstance(QObject):
    """The first instance's listener; ``raise_requested`` fires when another launch asks."""

    raise_requested = Signal()

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self._server: QLocalServer | None = None

    def notify_running(self, timeout_ms: int = CONNECT_TIMEOUT_MS) -> bool:
        """Ask a running instance to come to the front; True if one answered."""
        sock = QLocalSocket()
        sock.connectToServer(self.name)
        if not sock.waitForConnected(timeout_ms):
            return False
        sock.write(RAISE)
        sock.flush()
        sock.waitForBytesWritten(timeout_ms)
        # The acknowledgement proves a live instance (not a stale socket file).
        answered = sock.waitForReadyRead(timeout_ms) and sock.readAll().data().startswith(ACK)
        sock.disconnectFromServer()
        return bool(answered)

    def listen(self) -> bool:
        server = QLocalServer(self)
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        if not server.listen(self.name):
            # A crashed instance leaves its socket file behind on Unix: clear it once.
            QLocalServer.removeServer(self.name)
            if not server.listen(self.name):
                log.warning("single-instance listener failed: %s", server.errorString())
                return False
        server.newConnection.connect(self._accept)
        self._server = server
        return True

    def close(self) -> None:
        if self._server is not None:
            for sock in self._server.findChildren(QLocalSocket):
                with contextlib.suppress(RuntimeError, TypeError):
                    sock.readyRead.disconnect(self._on_ready_read)
                sock.abort()
            self._server.close()
            self._server = None

    def _accept(self) -> None:
        assert self._server is not None
        while (sock := self._server.nextPendingConnection()) is not None:
            # No deleteLater on disconnect: a socket destroyed with the server emits
            # ``disconnected`` from its destructor, and a deferred delete of a dying
            # object crashes. The few sockets (one per second launch) die with the server.
            sock.readyRead.connect(self._on_ready_read)
            if sock.bytesAvailable():
                self._read(sock)

    def _on_ready_read(self) -> None:
        sock = self.sender()
        if isinstance(sock, QLocalSocket):
            self._read(sock)

    def _read(self, sock: QLocalSocket) -> None:
        data = sock.readAll().data()
        if RAISE.strip() in data:
            sock.write(ACK)
            sock.flush()
            log.info("another launch asked for this window")
            self.raise_requested.emit()


_guard: SingleInstance | None = None


def already_running(
    data_dir: Path | str,
    *,
    new_instance: bool = False,
    on_raise: Callable[[], None] | None = None,
) -> bool:
    """Call once after the QApplication exists. True: another instance was raised, exit 0.

    False: this is the first instance (now listening), or ``--new-instance``.
    """
    global _guard
    if new_instance:
        return False
    guard = SingleInstance(server_name(data_dir), QApplication.instance())
    if guard.notify_running():
        log.info("Gatewatch is already running for %s; raised its window", data_dir)
        return True
    guard.listen()
    guard.raise_requested.connect(on_raise or _raise_main_window)
    _guard = guard
    return False


def _raise_main_window() -> None:
    window = main_window()
    if window is not None:
        bring_to_front(window)
