"""The settings dialog: every setting in one place, in sections.

General (receiver address, data folder, language, theme, overlay colours) is
built here; features add theirs (Alarms, Storage) with
``MainWindow.add_settings_section``: a widget with ``apply()``, the same one
their own menu entries open as a dialog.

Only what the user changed here is applied and kept (so one-off command-line
values of this run, shown in the dialog, are never written). Whoever depends
on an option reacts to its change (``Settings.subscribe``): a new port or
bind address moves the listener without restarting the app, the language and
theme switch live. A new data folder takes effect at next start.
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
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Settings"))
        self.setObjectName("SettingsDialog")
        self.current = current
        form = QFormLayout()

        self.port = QSpinBox(self)
        self.port.setRange(1, 65535)
        self.port.setValue(current.port)
        form.addRow(tr("Port"), self.port)

        self.bind = QLineEdit(current.bind, self)
        self.bind.setPlaceholderText(tr("all interfaces"))
        form.addRow(tr("Listen on address"), self.bind)

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
        for key, (title, make) in (sections or {}).items():
            page = make(self.tabs)
            self.sections[key] = page
            self._keys.append(key)
            self.tabs.addTab(page, title)
        self.show_section(show)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(buttons)
        self.initial = self.values()

    def show_section(self, key: str) -> None:
        if key in self._keys:
            self.tabs.setCurrentIndex(self._keys.index(key))

    def accept(self) -> None:
        """Refuse a port another program holds, instead of leaving no listener at all."""
        values = self.values()
        if (values["port"], values["bind"]) != (self.current.port, self.current.bind):
            from gui.core.netinfo import port_free

            if not port_free(values["port"], values["bind"]):
                box = QMessageBox(
                    QMessageBox.Icon.Warning,
                    tr("Port in use"),
                    tr("Port %1 is already in use on this PC. Choose another port.").replace(
                        "%1", str(values["port"])
                    ),
                    parent=self,
                )
                box.setTextFormat(Qt.TextFormat.PlainText)
                box.open()
                self.port.setFocus()
                self.warning_box = box
                return
        super().accept()

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
            "port": self.port.value(),
            "bind": self.bind.text().strip(),
            "data_dir": self.data_dir.text().strip(),
            "language": self.language.currentData() or "",
            "theme": self.theme.currentData() or "light",
            "overlay_colours": colours,
            "box_gap_fill": self.box_gap_fill.isChecked(),
        }

    def apply_to(self, window: Any) -> None:
        """Keep what the user chose; the options' subscribers make it take effect."""
        window.settings.update_from_form(self.initial, self.values())
        for section in self.sections.values():
            section.apply()


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
