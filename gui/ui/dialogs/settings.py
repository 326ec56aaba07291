"""The settings dialog: every setting in one place, in sections.

General (receiver address, data folder, language, theme, overlay colours) is
built here; features add theirs (Alarms, Storage) with
``MainWindow.add_settings_section``: a widget with ``apply()``, the same one
their own menu entries open as a dialog.

Only what the user changed here is applied and kept (so one-off command-line
values of this run, shown in the dialog, are never written). Whoever depends
on an option reacts to its change (``Settings.subscribe``): a new port or
bind address moves the listener without restarting the app, the language and
theme switch live. A new data folder and the TLS certificate, key and port take
effect at next start (as ``--tls-cert``/``--tls-key``/``--tls-port`` would).

A window attached to another receiver has no listener here: instead of this
PC's port, address and TLS it shows what applies (the server's address, the
pinned certificate, the user its token is). Started with ``--port 0`` the
dialog shows the port the system picked, not the field's minimum.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QColorDialog,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from gui import settings as settings_mod
from gui.core.model import PersonType
from gui.core.overlay import PERSON_TYPE_COLOURS

log = logging.getLogger(__name__)

def tr(text: str) -> str:
    return QCoreApplication.translate("", text)


class ColourButton(QPushButton):
    """A swatch that opens a colour picker."""

    def __init__(self, colour: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.colour = colour
        self.clicked.connect(self._pick)
        self._paint()

    def _paint(self) -> None:
        self.setText(self.colour)
        self.setStyleSheet(
            f"QPushButton {{ background: {self.colour}; color: white; font-weight: bold; }}"
        )

    def set_colour(self, colour: str) -> None:
        self.colour = colour.upper()
        self._paint()

    def _pick(self) -> None:
        chosen = QColorDialog.getColor(QColor(self.colour), self, tr("Overlay colour"))
        if chosen.isValid():
            self.set_colour(chosen.name())


def embed_section(dialog: QDialog) -> QDialog:
    """Turn a feature's settings dialog into a page of this one (no window, no buttons)."""
    dialog.setWindowFlags(Qt.WindowType.Widget)
    buttons = getattr(dialog, "buttons", None)
    if buttons is not None:
        buttons.hide()
    return dialog


class SettingsDialog(QDialog):
    def __init__(
        self,
        current: settings_mod.Settings,
        parent: QWidget | None = None,
        *,
        sections: dict[str, tuple[str, Callable[[QWidget], Any]]] | None = None,
        show: str = "general",
        listening_port: int | None = None,
        server: Any = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Settings"))
        self.setObjectName("SettingsDialog")
        self.current = current
        #: The remote receiver (``RemoteServer``) an attached window reads; None: this PC's.
        self.server = server
        form = QFormLayout()
        self.form = form

        self.port = QSpinBox(self)
        # 0 is "any free port" (``--port 0``): the system picks one at each start.
        self.port.setRange(0, 65535)
        self.port.setSpecialValueText(tr("any free port"))
        #: ``--port 0``: the port the system picked, shown in place of 0 (which stays 0).
        self._picked_port = listening_port if current.port == 0 and listening_port else None
        self.port.setValue(self._picked_port or current.port)
        form.addRow(tr("Port"), self.port)
        self.port_note = QLabel(self)
        self.port_note.setObjectName("portInUse")
        self.port_note.setTextFormat(Qt.TextFormat.PlainText)
        self.port_note.setEnabled(False)
        if current.port == 0 and listening_port:
            self.port_note.setText(
                tr("Started with port 0: the system picked port %1 for this run.").replace(
                    "%1", str(listening_port)
                )
            )
        form.addRow("", self.port_note)
        self.port_note.setVisible(bool(self.port_note.text()))

        self.bind = QLineEdit(current.bind, self)
        self.bind.setPlaceholderText(tr("all interfaces"))
        form.addRow(tr("Listen on address"), self.bind)
        self._receiver_rows: list[QWidget] = [self.port, self.port_note, self.bind]
        self.server_rows: dict[str, QLabel] = {}
        if server is not None:
            self._add_server_rows(form, server)

        self.data_dir = QLineEdit(current.data_dir, self)
        self.data_dir.setAccessibleName(tr("Data folder"))
        self.data_dir.setPlaceholderText(str(settings_mod.default_data_dir()))
        browse = QPushButton(tr("Browse…"), self)
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.data_dir, 1)
        row.addWidget(browse)
        form.addRow(tr("Data folder"), row)
        note = QLabel(tr("A new data folder is used from the next start."), self)
        note.setEnabled(False)
        form.addRow("", note)

        from gui.ui.i18n import LANGUAGES

        self.language = QComboBox(self)
        self.language.addItem(tr("System language"), "")
        for code, name in LANGUAGES.items():
            self.language.addItem(name, code)
        self.language.setCurrentIndex(max(0, self.language.findData(current.language)))
        form.addRow(tr("Language"), self.language)

        self.theme = QComboBox(self)
        self.theme.addItem(tr("Light"), "light")
        self.theme.addItem(tr("Dark"), "dark")
        self.theme.setCurrentIndex(max(0, self.theme.findData(current.theme)))
        form.addRow(tr("Theme"), self.theme)

        from gui.ui.views import words

        self.colour_buttons: dict[str, ColourButton] = {}
        for pt in PersonType:
            colour = current.overlay_colours.get(str(int(pt)), PERSON_TYPE_COLOURS[pt])
            button = ColourButton(colour, self)
            self.colour_buttons[str(int(pt))] = button
            form.addRow(tr("Colour: %1").replace("%1", words.person_type_word(int(pt))), button)
        reset = QPushButton(tr("Default colours"), self)
        reset.clicked.connect(self._reset_colours)
        form.addRow("", reset)

        self.box_gap_fill = QCheckBox(tr("Fill gaps from boxes automatically"), self)
        self.box_gap_fill.setToolTip(
            tr("For boxes added on the Connect page: import the events a box stored while "
               "Gatewatch was not receiving, on start and when a silent box reports again")
        )  # fmt: skip
        self.box_gap_fill.setChecked(bool(current.box_gap_fill))
        form.addRow(tr("Boxes"), self.box_gap_fill)

        self.tls = TlsSection(current, self)

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("settingsSections")
        general = QWidget(self.tabs)
        general.setLayout(form)
        self.tabs.addTab(general, tr("General"))
        #: The feature sections by key ("alarms", "storage"), each with ``apply()``.
        self.sections: dict[str, Any] = {}
        self._keys = ["general"]
        if server is not None:
            # None of this PC's receiver options apply to the server the window reads.
            self.tls.hide()
            for widget in (*self._receiver_rows, self.box_gap_fill):  # boxes: the server's
                form.setRowVisible(widget, False)
        for key, (title, make) in (sections or {}).items():
            page = make(self.tabs)
            self.sections[key] = page
            self._keys.append(key)
            self.tabs.addTab(page, title)
        if server is None:
            self.tabs.addTab(self.tls, tr("TLS"))
            self._keys.append("tls")
        self.show_section(show)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(buttons)
        self.initial = self.values()

    def show_section(self, key: str) -> None:
        if key in self._keys:
            self.tabs.setCurrentIndex(self._keys.index(key))

    def _add_server_rows(self, form: QFormLayout, server: Any) -> None:
        """What applies to an attached window: the server, its certificate, who we are."""
        from gui.core.pinning import readable

        def row(key: str, label: str, text: str) -> None:
            value = QLabel(text, self)
            value.setObjectName(f"server_{key}")
            value.setTextFormat(Qt.TextFormat.PlainText)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            value.setWordWrap(True)
            self.server_rows[key] = value
            form.insertRow(len(self.server_rows) - 1, label, value)

        row("url", tr("Server"), server.url)
        if server.pinned_sha256:
            certificate = tr("pinned: %1").replace("%1", readable(server.pinned_sha256))
        elif server.secure:
            certificate = tr("verified by the system's certificate authorities")
        else:
            certificate = tr("none: plain HTTP (only for this PC or a trusted network)")
        row("certificate", tr("Certificate"), certificate)
        row("user", tr("Signed in as"), tr("asking the server…"))
        note = QLabel(tr("Port, address, TLS and data are the server's own settings."), self)
        note.setEnabled(False)
        form.insertRow(len(self.server_rows), "", note)

    def show_user(self, name: str | None, via: str | None = None) -> None:
        """The server's answer to /api/whoami: whom acknowledgements from here record."""
        label = self.server_rows.get("user")
        if label is None:
            return
        if via == "user" and name:
            label.setText(tr("%1 (this window's token)").replace("%1", name))
        elif via == "api-token":
            label.setText(tr("the server's shared API token (recorded as api-token)"))
        elif via == "loopback":
            label.setText(tr("this PC, no token (acknowledgements record your operator name)"))
        else:
            label.setText(tr("unknown (the server did not answer)"))

    def accept(self) -> None:
        """Refuse a port another program holds, or a TLS pair that cannot be used."""
        problem = self.tls.problem() if self.tls.values() != self.tls.initial else None
        if problem and self.server is None:
            self.tabs.setCurrentWidget(self.tls)
            self._warn(tr("TLS"), problem)
            return
        values = self.values()
        moved = (values["port"], values["bind"]) != (self.initial["port"], self.initial["bind"])
        if self.server is None and values["port"] != 0 and moved:
            from gui.core.netinfo import port_free

            if not port_free(values["port"], values["bind"]):
                self._warn(
                    tr("Port in use"),
                    tr("Port %1 is already in use on this PC. Choose another port.").replace(
                        "%1", str(values["port"])
                    ),
                )
                self.port.setFocus()
                return
        super().accept()

    def _warn(self, title: str, text: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Warning, title, text, parent=self)
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.open()
        self.warning_box = box

    def _browse(self) -> None:
        start = self.data_dir.text() or str(settings_mod.default_data_dir())
        chosen = QFileDialog.getExistingDirectory(self, tr("Data folder"), start)
        if chosen:
            self.data_dir.setText(chosen)

    def _reset_colours(self) -> None:
        for pt in PersonType:
            self.colour_buttons[str(int(pt))].set_colour(PERSON_TYPE_COLOURS[pt])

    def values(self) -> dict[str, Any]:
        """What the dialog holds now, as settings field values."""
        colours = {
            key: b.colour
            for key, b in self.colour_buttons.items()
            if b.colour.upper() != PERSON_TYPE_COLOURS[PersonType(int(key))].upper()
        }
        return {
            "port": self._port_value(),
            "bind": self.bind.text().strip(),
            "data_dir": self.data_dir.text().strip(),
            "language": self.language.currentData() or "",
            "theme": self.theme.currentData() or "light",
            "overlay_colours": colours,
            "box_gap_fill": self.box_gap_fill.isChecked(),
        }

    def _port_value(self) -> int:
        port = self.port.value()
        return 0 if self._picked_port is not None and port == self._picked_port else port

    def apply_to(self, window: Any) -> None:
        """Keep what the user chose; the options' subscribers make it take effect."""
        window.settings.update_from_form(self.initial, self.values())
        if self.server is None:
            window.settings.update_from_form(self.tls.initial, self.tls.values())
        for section in self.sections.values():
            section.apply()


class TlsSection(QWidget):
    """The API over TLS for other PCs: certificate, key, port; checked as they are typed.

    Applied at the next start, like ``--tls-cert``/``--tls-key``/``--tls-port``: the
    receiver opens its TLS listener when it starts.
    """

    def __init__(self, current: settings_mod.Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("tlsSection")
        form = QFormLayout(self)
        intro = QLabel(
            tr("Other PCs (attached windows, scripts) reach the API over TLS on a port of "
               "its own; the boxes keep posting plain HTTP to the receiver's port."),
            self,
        )  # fmt: skip
        intro.setWordWrap(True)
        form.addRow(intro)
        self.cert = QLineEdit(current.tls_cert, self)
        self.cert.setAccessibleName(tr("TLS certificate"))
        self.cert.setPlaceholderText(tr("none: no TLS"))
        self.key = QLineEdit(current.tls_key, self)
        self.key.setAccessibleName(tr("TLS key"))
        self.key.setPlaceholderText(tr("in the certificate file"))
        for label, edit, title in (
            (tr("Certificate (PEM)"), self.cert, tr("TLS certificate")),
            (tr("Private key (PEM)"), self.key, tr("TLS key")),
        ):
            browse = QPushButton(tr("Browse…"), self)
            browse.clicked.connect(lambda _=False, e=edit, t=title: self._browse(e, t))
            row = QHBoxLayout()
            row.addWidget(edit, 1)
            row.addWidget(browse)
            form.addRow(label, row)
            edit.editingFinished.connect(self.check)
        self.port = QSpinBox(self)
        self.port.setRange(1, 65535)
        self.port.setValue(current.tls_port or 9529)
        form.addRow(tr("TLS port"), self.port)
        self.verdict = QLabel(self)
        self.verdict.setObjectName("tlsVerdict")
        self.verdict.setTextFormat(Qt.TextFormat.PlainText)
        self.verdict.setWordWrap(True)
        self.verdict.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow(tr("Check"), self.verdict)
        note = QLabel(
            tr("Changes here apply at the next start of Gatewatch (as --tls-cert, --tls-key "
               "and --tls-port would). Windows on other PCs pin the fingerprint shown."),
            self,
        )  # fmt: skip
        note.setWordWrap(True)
        note.setEnabled(False)
        form.addRow(note)
        self.initial = self.values()
        self.check()

    def _browse(self, edit: QLineEdit, title: str) -> None:
        chosen, _ = QFileDialog.getOpenFileName(
            self, title, edit.text(), tr("PEM files (*.pem *.crt *.key);;All files (*)")
        )
        if chosen:
            edit.setText(chosen)
            self.check()

    def problem(self) -> str | None:
        """Why the certificate and key cannot be used (files, PEM, a key of another cert)."""
        from gui import preflight

        return preflight.tls_problem(self.cert.text().strip(), self.key.text().strip())

    def fingerprint(self) -> str | None:
        cert = self.cert.text().strip()
        if not cert or self.problem():
            return None
        from pathlib import Path

        from gui.core.pinning import fingerprint, readable
        from gui.core.tls import TlsConfigError, pem_to_der

        try:
            return readable(fingerprint(pem_to_der(Path(cert).read_bytes())))
        except (OSError, TlsConfigError):
            return None

    def check(self) -> None:
        """Say at once whether the pair works, and the fingerprint other PCs will see."""
        problem = self.problem()
        if problem:
            self.verdict.setText(problem)
            self.verdict.setStyleSheet("color: #D32F2F;")
        elif not self.cert.text().strip():
            self.verdict.setText(tr("TLS is off: other PCs cannot use the API."))
            self.verdict.setStyleSheet("")
        else:
            self.verdict.setText(
                tr("Certificate and key match. Fingerprint: %1").replace(
                    "%1", self.fingerprint() or "?"
                )
            )
            self.verdict.setStyleSheet("color: #2E7D32;")

    def values(self) -> dict[str, Any]:
        return {
            "tls_cert": self.cert.text().strip(),
            "tls_key": self.key.text().strip(),
            "tls_port": self.port.value(),
        }


def relisten(window: Any, bind: str, port: int) -> Any:
    """Move the listener on the core loop; the new state arrives as a ServerStateChanged."""
    thread = window.receiver_thread
    if getattr(thread, "loop", None) is None or thread.loop.is_closed():
        log.warning("receiver is not running; the new port applies at next start")
        return None
    if hasattr(thread, "relisten"):
        future = window.bridge.in_core(lambda: thread.relisten(bind, port))
    else:
        future = window.bridge.in_core(lambda: thread.receiver.relisten(bind, port))
    future.add_done_callback(_log_relisten)
    return future


def _log_relisten(future: Any) -> None:
    exc = None if future.cancelled() else future.exception()
    if exc is not None:
        log.warning("could not listen on the new address: %s", exc)
