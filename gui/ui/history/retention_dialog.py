"""Storage settings: how long events and photos are kept, the disk cap, the free-disk floor.

Kept in the settings, which retention reads again before each run (at start
and hourly).
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

log = logging.getLogger(__name__)


class RetentionDialog(QDialog):
    def __init__(self, settings: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.setWindowTitle(self.tr("Storage and retention"))
        self.events_days = QSpinBox(self)
        self.events_days.setRange(0, 36500)
        self.events_days.setSpecialValueText(self.tr("for ever"))
        self.events_days.setSuffix(self.tr(" days"))
        self.photos_days = QSpinBox(self)
        self.photos_days.setRange(0, 36500)
        self.photos_days.setSpecialValueText(self.tr("for ever"))
        self.photos_days.setSuffix(self.tr(" days"))
        self.max_gb = QDoubleSpinBox(self)
        self.max_gb.setRange(0.1, 100_000)
        self.max_gb.setDecimals(1)
        self.max_gb.setSuffix(" GB")
        self.min_free = QDoubleSpinBox(self)
        self.min_free.setRange(0, 10_000)
        self.min_free.setDecimals(1)
        self.min_free.setSuffix(" GB")
        self.events_days.setValue(int(settings.keep_events_days))
        self.photos_days.setValue(int(settings.keep_photos_days))
        self.max_gb.setValue(float(settings.max_data_gb))
        self.min_free.setValue(float(settings.min_free_gb))

        note = QLabel(
            self.tr(
                "Ages count from when Gatewatch received an event. Older photos lose the"
                " full image but keep their thumbnail. Over the size limit, or when the disk"
                " runs low, the oldest photos and then the oldest events go first. Events"
                " marked Keep are never deleted."
            ),
            self,
        )
        note.setTextFormat(Qt.TextFormat.PlainText)
        note.setWordWrap(True)
        form = QFormLayout()
        form.addRow(self.tr("Keep events"), self.events_days)
        form.addRow(self.tr("Keep full photos"), self.photos_days)
        form.addRow(self.tr("Data folder at most"), self.max_gb)
        form.addRow(self.tr("Keep free on the disk"), self.min_free)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addStretch(1)  # as a Settings section: the note stays under the form
        layout.addWidget(self.buttons)
        self.initial = self.values()

    def values(self) -> dict[str, Any]:
        return {
            "keep_events_days": self.events_days.value(),
            "keep_photos_days": self.photos_days.value(),
            "max_data_gb": round(self.max_gb.value(), 1),
            "min_free_gb": round(self.min_free.value(), 1),
        }

    def apply(self) -> None:
        """Keep what the user chose."""
        self.settings.update_from_form(self.initial, self.values())

    def accept(self) -> None:
        self.apply()
        super().accept()
