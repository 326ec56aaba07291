"""Data-dir size and free disk in the status bar; red when the database cannot be written.

Fed by what the core announces (``DiskStatusMeasured`` every minute,
``StorageStateChanged`` when writing starts or stops failing). The alarm
banner for a full disk belongs to the alarms feature; this label stays red for
as long as the condition lasts, so it is visible on every page.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from gui.core.messages import DiskStatusMeasured, StorageStateChanged
from gui.core.retention import DiskStatus, Policy
from gui.ui import plain
from gui.ui.background import BackgroundWork


def human_bytes(n: int) -> str:
    value = float(n)
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if value < 1024 or unit == "TB":
            return f"{value:.0f} {unit}" if unit in ("B", "KB") else f"{value:.1f} {unit}"
        value /= 1024
    return f"{n} B"


class StorageStatus(QLabel):
    """``Data 1.2 GB · 80.3 GB free``; red with the reason while storage fails."""

    def __init__(self, bridge: Any, settings: Any = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setObjectName("storageStatus")
        self.disk: DiskStatus | None = None
        self.storage: StorageStateChanged | None = None
        bridge.disk_status_measured.connect(self.on_disk_status)
        bridge.storage_state_changed.connect(self.on_storage_state)
        self._render()
        # The core publishes the disk status after its first retention run and then
        # every minute; measure once now so the label is not empty until then.
        self._work = BackgroundWork(self, bridge)
        policy = Policy.from_settings(settings)
        self._work.read(lambda reader: reader.disk_status(policy), self._first)

    def _first(self, status: DiskStatus) -> None:
        if self.disk is None:
            self.disk = status
            self._render()

    def on_disk_status(self, message: DiskStatusMeasured) -> None:
        self.disk = message.status
        self._render()

    def on_storage_state(self, message: StorageStateChanged) -> None:
        self.storage = message
        self._render()

    def _render(self) -> None:
        parts = []
        if self.disk is not None:
            parts.append(
                self.tr("Data %1 · %2 free")
                .replace("%1", human_bytes(self.disk.data_bytes))
                .replace("%2", human_bytes(self.disk.free_bytes))
            )
        failing = self.storage is not None and not self.storage.ok
        if failing:
            assert self.storage is not None
            parts.insert(0, self.tr("NOT STORING EVENTS"))
            self.setToolTip(plain.tooltip(self.storage.message))
        elif self.disk is not None:
            self.setToolTip(
                plain.tooltip(self.tr("Data folder: %1").replace("%1", self.disk.data_dir))
            )
        low = self.disk is not None and self.disk.low
        colour = "#c62828" if failing else ("#e65100" if low else "")
        self.setStyleSheet(f"color: {colour}; font-weight: bold;" if colour else "")
        self.setText("  ·  ".join(parts))

    @property
    def failing(self) -> bool:
        return self.storage is not None and not self.storage.ok
