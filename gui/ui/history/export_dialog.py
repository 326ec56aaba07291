"""Export the history filter's events: format, photos, a progress bar with Cancel.

The export runs on a worker thread (``BackgroundWork``, the core reader's
``export``); progress comes back as a queued signal, so exporting 100,000
events never freezes the window. Cancelling leaves nothing
under the chosen names (the core writes to temporary names and renames last).
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from gui.core import export
from gui.core.reader import EventFilter
from gui.ui.background import BackgroundWork


class ExportDialog(QDialog):
    progressed = Signal(int, int)
    finished_ok = Signal(object)  # ExportResult
    finished_error = Signal(str)  # "" when cancelled

    def __init__(
        self, bridge: Any, flt: EventFilter, count: int | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.filter = flt
        self.cancel_event = threading.Event()
        self.running = False
        self.work = BackgroundWork(self, bridge, threads=1)
        self.setWindowTitle(self.tr("Export events"))
        self.setMinimumWidth(560)

        self.format = QComboBox(self)
        self.format.addItem(self.tr("CSV (Excel)"), "csv")
        self.format.addItem(self.tr("JSON Lines"), "jsonl")
        self.format.currentIndexChanged.connect(self._format_changed)
        self.out = QLineEdit(self)
        self.out.setAccessibleName(self.tr("Save to"))
        self.out.setText(str(Path.home() / "gatewatch-events.csv"))
        browse = QPushButton(self.tr("Browse…"), self)
        browse.clicked.connect(self._browse)
        out_row = QHBoxLayout()
        out_row.addWidget(self.out, 1)
        out_row.addWidget(browse)

        self.images = QComboBox(self)
        self.images.addItem(self.tr("No photos"), None)
        self.images.addItem(self.tr("Photos into a folder"), "folder")
        self.images.addItem(self.tr("Photos into a zip file"), "zip")
        self.images_path = QLineEdit(self)
        self.images_path.setAccessibleName(self.tr("Photos to"))
        self.images_path.setEnabled(False)
        self.images.currentIndexChanged.connect(self._images_changed)
        if getattr(bridge, "attached", False):
            self.images.setToolTip(
                self.tr("The photos are downloaded from the server, one event at a time")
            )

        what = self.tr("%1 events match the current filter").replace(
            "%1", f"{count:,}" if count is not None else "?"
        )
        self.summary = QLabel(what, self)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.progress = QProgressBar(self)
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.status = QLabel(self)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setWordWrap(True)

        self.buttons = QDialogButtonBox(self)
        self.start_button = self.buttons.addButton(
            self.tr("Export"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.start_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self.cancel)

        form = QFormLayout()
        form.addRow(self.tr("Format"), self.format)
        form.addRow(self.tr("File"), out_row)
        form.addRow(self.tr("Photos"), self.images)
        form.addRow("", self.images_path)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addLayout(form)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)

        self.progressed.connect(self._progress)
        self.finished_ok.connect(self._done)
        self.finished_error.connect(self._error)

    # -- choices ---------------------------------------------------------------------------

    def _format_changed(self) -> None:
        fmt = self.format.currentData()
        path = Path(self.out.text() or "gatewatch-events")
        self.out.setText(str(path.with_suffix("." + fmt)))

    def _browse(self) -> None:
        fmt = self.format.currentData()
        pattern = self.tr("CSV files (*.csv)") if fmt == "csv" else self.tr("JSON Lines (*.jsonl)")
        name, _ = QFileDialog.getSaveFileName(self, self.tr("Export to"), self.out.text(), pattern)
        if name:
            self.out.setText(name)

    def _images_changed(self) -> None:
        kind = self.images.currentData()
        self.images_path.setEnabled(kind is not None)
        base = Path(self.out.text()).with_suffix("")
        if kind == "folder":
            self.images_path.setText(str(base) + "-photos")
        elif kind == "zip":
            self.images_path.setText(str(base) + "-photos.zip")
        else:
            self.images_path.clear()

    # -- running ----------------------------------------------------------------------------

    def start(self) -> None:
        out = Path(self.out.text().strip())
        if not out.name:
            self.status.setText(self.tr("Choose a file to export to."))
            return
        images = Path(self.images_path.text().strip()) if self.images.currentData() else None
        fmt = self.format.currentData()
        flt = self.filter
        cancel = self.cancel_event
        progressed = self.progressed
        cancel.clear()
        self.start_button.setEnabled(False)
        self.status.setText(self.tr("Exporting…"))
        self.running = True

        def finished(result: export.ExportResult) -> None:
            self.running = False
            self.finished_ok.emit(result)

        def failed(exc: BaseException) -> None:
            self.running = False
            self.finished_error.emit("" if isinstance(exc, export.ExportCancelled) else str(exc))

        self.work.read(
            lambda reader: reader.export(
                flt, out, fmt, images=images, progress=progressed.emit, cancel=cancel
            ),
            finished,
            failed,
        )

    def cancel(self) -> None:
        if self.running:
            self.cancel_event.set()
            self.status.setText(self.tr("Cancelling…"))
            return
        self.reject()

    def _progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)

    def _done(self, result: export.ExportResult) -> None:
        self.start_button.setEnabled(True)
        self.cancel_button.setText(self.tr("Close"))
        text = self.tr("Exported %1 events to %2").replace("%1", f"{result.events:,}")
        text = text.replace("%2", str(result.path))
        if result.images_path is not None:
            text += "\n" + self.tr("%1 photos to %2").replace("%1", f"{result.images:,}").replace(
                "%2", str(result.images_path)
            )
        self.status.setText(text)

    def _error(self, message: str) -> None:
        self.start_button.setEnabled(True)
        self.progress.setValue(0)
        if message:
            self.status.setText(self.tr("Export failed: %1").replace("%1", message))
        else:
            self.status.setText(self.tr("Cancelled: nothing was written."))

    def closeEvent(self, event: Any) -> None:
        self.cancel_event.set()
        super().closeEvent(event)

    def reject(self) -> None:
        self.cancel_event.set()
        super().reject()
