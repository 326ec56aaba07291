"""File → Connect to a server…: open a window on a remote receiver (``--connect``).

The user types the server's address and, unless it is this PC, an API token;
"Connect" first asks the server (``/api/health``, on the core's loop) so a
wrong address, a wrong token or a refused certificate is said here in plain
words. Then a new Gatewatch window attached to it opens in its own process
(``gatewatch --connect URL``; the token travels in the environment, never on a
command line other users can read), while this window and its receiver go on.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from gui.core.remote_client import BadServerAddress, RemoteClient, RemoteError, RemoteServer
from gui.ui.background import BackgroundWork

log = logging.getLogger(__name__)

#: Environment variable the attached window reads its token from (see ``gui.cli``).
TOKEN_ENV = "GATEWATCH_TOKEN"


def tr(text: str) -> str:
    return QCoreApplication.translate("ConnectServer", text)


def attached_command(url: str) -> list[str]:
    """The command that starts a window attached to ``url`` (packaged or from source)."""
    if getattr(sys, "frozen", False):
        return [sys.executable, "--connect", url]
    return [sys.executable, "-m", "gui", "--connect", url]


def launch_attached(server: RemoteServer) -> None:
    """Start ``gatewatch --connect`` for ``server`` in its own process."""
    env = dict(os.environ)
    env.pop(TOKEN_ENV, None)
    if server.token:
        env[TOKEN_ENV] = server.token
    # A pinned certificate is in the settings (``tls_pins``), where the new window reads it.
    kwargs: dict[str, Any] = {"env": env, "stdin": subprocess.DEVNULL}
    if sys.platform != "win32":
        kwargs["start_new_session"] = True  # it outlives this window
    subprocess.Popen(attached_command(server.url), **kwargs)


def probe_certificate(server: RemoteServer, stored_pin: str | None) -> tuple[bool, str | None]:
    """``(verified, presented fingerprint)`` of an https server (blocking: a worker thread).

    A certificate an authority vouches for needs no pin (``verified``); a
    self-signed one's fingerprint is fetched for the user to confirm, and so is
    the presented one when a pin is stored (a different one is refused, named).
    """
    from gui.core import pinning
    from gui.core.remote_client import verifies

    host, port = server.host_port
    if stored_pin is None and verifies(server):
        return True, None
    return False, pinning.fetch_fingerprint(host, port)


def decide_pin(
    parent: QWidget | None,
    settings: Any,
    server: RemoteServer,
    verified: bool,
    presented: str | None,
    confirm: Callable[[QWidget | None, str, str], bool] | None = None,
) -> RemoteServer | None:
    """The server to connect to, pinned on first use once the user confirmed (GUI thread).

    None: the user did not trust the certificate. Raises ``PinMismatch`` when
    the server presents another certificate than the one trusted before.
    """
    from gui.ui.dialogs.pin import confirm_pin, pin_for

    if verified or presented is None:
        return server
    ask = confirm or confirm_pin
    pins = dict(settings.tls_pins)
    pin = pin_for(server.where, presented, pins, lambda where, fp: ask(parent, where, fp))
    if pin is None:
        return None
    if pins != settings.tls_pins:
        settings.tls_pins = pins  # kept: the next window connects without asking
    return server.with_pin(pin)


async def check_server(server: RemoteServer) -> dict[str, Any]:
    """The server's ``/api/health`` (proves the address, the token and the certificate)."""
    client = RemoteClient(server)
    try:
        data = await client.get_json("/api/health", timeout=10.0)
    finally:
        await client.close()
    return data if isinstance(data, dict) else {}


class ConnectServerDialog(QDialog):
    """Address, token, a plain verdict, and Connect (see the module)."""

    def __init__(
        self,
        bridge: Any,
        parent: QWidget | None = None,
        *,
        launch: Callable[[RemoteServer], None] = launch_attached,
        initial_url: str = "",
        settings: Any = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("connectServerDialog")
        self.launch = launch
        self.settings = settings
        #: How the user is asked to trust a self-signed certificate (tests replace it).
        self.confirm: Callable[[QWidget | None, str, str], bool] | None = None
        self.work = BackgroundWork(self, bridge)
        self.server: RemoteServer | None = None
        self.setWindowTitle(tr("Connect to a server"))
        layout = QVBoxLayout(self)
        intro = QLabel(
            tr(
                "Open a window on another Gatewatch receiver: its live feed, history, "
                "alarms and wall, read over the network. This window keeps running."
            ),
            self,
        )
        intro.setTextFormat(Qt.TextFormat.PlainText)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.url_edit = QLineEdit(initial_url, self)
        self.url_edit.setObjectName("serverUrl")
        self.url_edit.setPlaceholderText("https://server:9528")
        self.token_edit = QLineEdit(self)
        self.token_edit.setObjectName("serverToken")
        self.token_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.token_edit.setPlaceholderText(tr("from `gatewatch users add NAME` on the server"))
        form.addRow(tr("Server address:"), self.url_edit)
        form.addRow(tr("API token:"), self.token_edit)
        layout.addLayout(form)
        self.result_label = QLabel(self)
        self.result_label.setObjectName("connectResult")
        self.result_label.setTextFormat(Qt.TextFormat.PlainText)
        self.result_label.setWordWrap(True)
        layout.addWidget(self.result_label)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.connect_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.connect_button.setText(tr("Connect"))
        self.buttons.accepted.connect(self.try_connect)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.resize(520, self.sizeHint().height())

    def try_connect(self) -> None:
        """Check the server; open the attached window if it answers."""
        try:
            server = RemoteServer.parse(self.url_edit.text(), self.token_edit.text())
        except BadServerAddress as exc:
            self._say(str(exc), error=True)
            return
        self.server = server
        self.connect_button.setEnabled(False)
        self._say(tr("Asking %1 …").replace("%1", server.url))
        if not server.secure or self.settings is None:
            self._check(server)
            return
        stored = dict(self.settings.tls_pins).get(server.where)
        self.work.run(lambda: probe_certificate(server, stored), self._probed, self._failed)

    def _probed(self, found: tuple[bool, str | None]) -> None:
        from gui.core.pinning import PinMismatch
        from gui.ui.dialogs.pin import show_mismatch

        assert self.server is not None
        verified, presented = found
        try:
            server = decide_pin(self, self.settings, self.server, verified, presented,
                                self.confirm)  # fmt: skip
        except PinMismatch as exc:
            self.connect_button.setEnabled(True)
            self._say(tr("Refused: the server presents another certificate."), error=True)
            show_mismatch(self, exc)
            return
        if server is None:
            self.connect_button.setEnabled(True)
            self._say(tr("Not connected: the certificate was not trusted."), error=True)
            return
        self.server = server
        self._check(server)

    def _check(self, server: RemoteServer) -> None:
        self.work.core(lambda: check_server(server), self._answered, self._failed)

    def _answered(self, health: dict[str, Any]) -> None:
        assert self.server is not None
        self.connect_button.setEnabled(True)
        self._say(
            tr("%1 answers: %2 events. Opening its window…")
            .replace("%1", self.server.url)
            .replace("%2", str(health.get("events", "?")))
        )
        try:
            self.launch(self.server)
        except OSError as exc:
            self._say(tr("Could not start the window: %1").replace("%1", str(exc)), error=True)
            return
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.connect_button.setEnabled(True)
        self._say(explain(exc), error=True)

    def _say(self, text: str, *, error: bool = False) -> None:
        self.result_label.setStyleSheet("color: #C62828;" if error else "")
        self.result_label.setText(text)

    def done(self, result: int) -> None:
        self.work.close()
        super().done(result)


def explain(exc: BaseException) -> str:
    """Why connecting failed, in words that say what to do."""
    if isinstance(exc, RemoteError):
        if exc.status == 401:
            return tr("The server refused the token: check it (%1).").replace("%1", exc.message)
        if exc.status == 403:
            return tr("The server refused this PC: %1. It needs a token (--api-token or "
                      "`gatewatch users add`).").replace("%1", exc.message)  # fmt: skip
        if exc.status == 495:
            return tr("The server's certificate was refused: %1").replace("%1", exc.message)
        if exc.status == 0:
            return tr("No answer from the server: %1").replace("%1", exc.message)
        return (
            tr("The server answered %1: %2")
            .replace("%1", str(exc.status))
            .replace("%2", exc.message)
        )
    return tr("Could not connect: %1").replace("%1", str(exc) or type(exc).__name__)


def open_connect_dialog(window: Any) -> ConnectServerDialog:
    """Show the dialog over ``window`` (File → Connect to a server…)."""
    dialog = ConnectServerDialog(window.bridge, window, settings=window.settings)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog
