"""Help → About: version, where the data is, how big the database is, and licences.

The licence notices are part of distributing the packaged program: Qt and
PySide6 are used under the LGPL v3 (dynamically linked, replaceable — the
one-folder build keeps them as separate libraries), the rest under permissive
licences whose notices must travel with the binary.
"""

from __future__ import annotations

import platform
import sys
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt, QUrl, Signal, qVersion
from PySide6.QtGui import QAction, QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from gui import __version__, logs
from gui.core import database_files
from gui.resources import icon_path
from gui.ui.background import BackgroundWork

#: (component, licence, notice). Kept short; the full texts are at the URLs.
BUNDLED: list[tuple[str, str, str]] = [
    (
        "Qt 6 and PySide6 (Qt for Python)",
        "LGPL-3.0",
        "Copyright (C) The Qt Company Ltd. and other contributors. Used under the GNU Lesser "
        "General Public License v3 (https://www.gnu.org/licenses/lgpl-3.0.html). Qt is "
        "dynamically linked: its libraries ship as separate files in the program folder and "
        "can be replaced with a compatible build. Source: https://download.qt.io/ and "
        "https://code.qt.io/cgit/pyside/pyside-setup.git/",
    ),
    (
        "Python",
        "PSF-2.0",
        "Copyright (c) 2001 Python Software Foundation. All rights reserved. "
        "https://docs.python.org/3/license.html",
    ),
    (
        "aiohttp",
        "Apache-2.0",
        "Copyright aio-libs contributors. Licensed under the Apache License 2.0 "
        "(https://www.apache.org/licenses/LICENSE-2.0). Includes yarl, multidict, frozenlist, "
        "aiosignal, propcache (Apache-2.0) and attrs (MIT).",
    ),
    (
        "Pillow",
        "MIT-CMU (HPND)",
        "Copyright (c) 1997-2011 by Secret Labs AB, 1995-2011 by Fredrik Lundh and "
        "contributors, 2010 by Jeffrey A. Clark and contributors. Historical Permission Notice "
        "and Disclaimer. Bundles libjpeg-turbo, libpng, zlib, libwebp, freetype (their own "
        "permissive licences).",
    ),
    (
        "qasync",
        "BSD-2-Clause",
        "Copyright (c) 2018 Gerard Marull-Paretas, 2014 Mark Harviston, 2014 Arve Knudsen.",
    ),
    ("psutil", "BSD-3-Clause", "Copyright (c) 2009, Jay Loden, Dave Daeng, Giampaolo Rodola."),
    ("platformdirs", "MIT", "Copyright (c) 2010-202x The platformdirs developers."),
    (
        "cryptography",
        "Apache-2.0 OR BSD-3-Clause",
        "Copyright (c) Individual contributors (pyca/cryptography); bundles OpenSSL (Apache-2.0).",
    ),
    ("SQLite", "Public domain", "https://www.sqlite.org/copyright.html"),
    ("ICU", "Unicode-3.0", "Copyright (c) Unicode, Inc. (bundled with Qt)."),
    ("OpenSSL", "Apache-2.0", "Copyright (c) The OpenSSL Project Authors (Python's ssl)."),
]


def human_size(n: int) -> str:
    size = float(n)
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{int(size)} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{n} bytes"


def licence_text() -> str:
    parts = [f"{name} — {licence}\n{notice}" for name, licence, notice in BUNDLED]
    return "\n\n".join(parts)


def open_folder(folder: Path) -> bool:
    """Open a folder in the system's file manager (Help → Open log folder)."""
    folder.mkdir(parents=True, exist_ok=True)
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))


def open_log_folder(data_dir: Path) -> bool:
    return open_folder(logs.log_dir(Path(data_dir)))


def _plain(text: str) -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class AboutDialog(QDialog):
    """Version and data facts for a support call, and the licence notices."""

    #: The database's size is in ``facts`` (measured off the GUI thread).
    database_measured = Signal()

    def __init__(self, data_dir: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.data_dir = Path(data_dir)
        self.setWindowTitle(self.tr("About Gatewatch"))
        layout = QVBoxLayout(self)

        head = QLabel()
        pixmap_path = icon_path(64)
        if pixmap_path.exists():
            from PySide6.QtGui import QPixmap

            head.setPixmap(QPixmap(str(pixmap_path)))
        title = _plain(f"Gatewatch {__version__}")
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        title.setFont(font)
        layout.addWidget(head, alignment=Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(title, alignment=Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(
            _plain(self.tr("Receives, stores and shows the events Sophon face boxes push.")),
            alignment=Qt.AlignmentFlag.AlignHCenter,
        )

        form = QFormLayout()
        self.facts = {
            "version": __version__,
            "data_dir": str(self.data_dir),
            "log_dir": str(logs.log_dir(self.data_dir)),
            "database": self.tr("measuring…"),
            "runtime": f"Python {platform.python_version()}, Qt {qVersion()}, "
            f"{platform.system()} {platform.release()}"
            + (" (packaged)" if getattr(sys, "frozen", False) else ""),
        }
        form.addRow(self.tr("Version:"), _plain(self.facts["version"]))
        form.addRow(self.tr("Data folder:"), _plain(self.facts["data_dir"]))
        form.addRow(self.tr("Log folder:"), _plain(self.facts["log_dir"]))
        self.database_label = _plain(self.facts["database"])
        form.addRow(self.tr("Database size:"), self.database_label)
        # The files are measured off the GUI thread (a network drive can take seconds).
        self._work = BackgroundWork(self)
        self._work.run(lambda: database_files.database_bytes(data_dir), self._measured)
        form.addRow(self.tr("Runtime:"), _plain(self.facts["runtime"]))
        layout.addLayout(form)

        layout.addWidget(_plain(self.tr("Bundled components and their licences:")))
        self.licences = QPlainTextEdit(licence_text())
        self.licences.setReadOnly(True)
        self.licences.setMinimumSize(560, 200)
        layout.addWidget(self.licences)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        copy = QPushButton(self.tr("Copy details"))
        copy.clicked.connect(self.copy_details)
        logs_button = QPushButton(self.tr("Open log folder"))
        logs_button.clicked.connect(lambda: open_log_folder(self.data_dir))
        buttons.addButton(copy, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(logs_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _measured(self, size: int) -> None:
        self.facts["database"] = human_size(size)
        self.database_label.setText(self.facts["database"])
        self.database_measured.emit()

    def details(self) -> str:
        return "\n".join(f"{k}: {v}" for k, v in self.facts.items())

    def copy_details(self) -> None:
        QGuiApplication.clipboard().setText(self.details())


def show_about(parent: QWidget | None = None, data_dir: Path | None = None) -> AboutDialog:
    """Open the About dialog (non-blocking) for ``parent``'s data dir; returns it."""
    if data_dir is None:
        current = getattr(parent, "settings", None)
        if current is None:
            from gui import settings

            current = settings.load()
        data_dir = current.resolved_data_dir()
    dialog = AboutDialog(data_dir, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog


def add_help_actions(window: QWidget, menu: QMenu) -> QAction:
    """Help → Open log folder, for the main window's Help menu (one call from there)."""
    action = QAction(window.tr("Open &log folder"), window)

    def trigger() -> None:
        current = getattr(window, "settings", None)
        if current is None:
            from gui import settings

            current = settings.load()
        open_log_folder(current.resolved_data_dir())

    action.triggered.connect(trigger)
    menu.addAction(action)
    # Follows a language switch at run time like the window's own actions.
    window.installEventFilter(_Retranslate(action, lambda: window.tr("Open &log folder")))
    return action


class _Retranslate(QObject):
    def __init__(self, action: QAction, text: Callable[[], str]) -> None:
        super().__init__(action)
        self._action = action
        self._text = text

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.LanguageChange:
            self._action.setText(self._text())
        return False
