"""A red banner over every page while events cannot be stored (disk full, read-only).

This is not an alarm row: with the disk full, an alarm could not be written
either. It follows ``StorageStateChanged`` as the core announces it and
goes away by itself when writing works again.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from gui.core.messages import StorageStateChanged


def tr(text: str) -> str:
    return QCoreApplication.translate("StorageBanner", text)


class StorageBanner(QFrame):
    def __init__(self, bridge: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("storageBanner")
        self.setStyleSheet(
            "#storageBanner { background: #b71c1c; }"
            " #storageBanner QLabel { color: white; font-weight: bold; }"
        )
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        self.title = QLabel(tr("Events are NOT being stored"))
        self.reason = QLabel()
        self.reason.setTextFormat(Qt.TextFormat.PlainText)  # the reason quotes SQLite
        self.reason.setWordWrap(True)
        layout.addWidget(self.title)
        layout.addWidget(self.reason, 1)
        self.hide()
        bridge.storage_state_changed.connect(self.on_storage_state)

    def on_storage_state(self, item: StorageStateChanged) -> None:
        if item.ok:
            self.hide()
            return
        text = tr(
            "%1 — the boxes keep their events and retry; free disk space and storing "
            "resumes by itself."
        )
        self.reason.setText(text.replace("%1", item.message))
        self.show()


def install(window: Any, bridge: Any, _settings: Any) -> StorageBanner:
    """Put the banner above the window's central widget."""
    banner = StorageBanner(bridge)
    central = window.takeCentralWidget()
    host = QWidget(window)
    layout = QVBoxLayout(host)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(0)
    layout.addWidget(banner)
    if central is not None:
        layout.addWidget(central, 1)
    window.setCentralWidget(host)
    return banner
