"""What an acknowledgement did, with Undo: a strip under the alarm banner.

A guard who pressed Acknowledge sees at once which alarm(s) it closed and by
whom, and can take it back for ``SHOW_MS`` (the core allows
``gui.core.alarms.UNDO_WINDOW_MS``): a mis-click on the wrong alarm in a flood
is not final.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from gui.core.alarms import UNDO_WINDOW_MS, Alarm
from gui.ui.alarms.center import AlarmCenter

#: How long the strip (and its Undo) stays: well inside the core's undo window.
SHOW_MS = min(15_000, UNDO_WINDOW_MS - 5_000)


class AckToast(QFrame):
    """"✓ Acknowledged …  [Undo]" for a few seconds after each acknowledgement."""

    def __init__(self, center: AlarmCenter, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.center = center
        self.setObjectName("ackToast")
        self.setStyleSheet(
            "#ackToast { background: #2E7D32; } #ackToast QLabel { color: white; }"
        )
        self.alarms: list[Alarm] = []
        self.text = QLabel(self)
        self.text.setTextFormat(Qt.TextFormat.PlainText)
        self.undo_button = QPushButton(self)
        self.undo_button.setAutoDefault(False)
        self.undo_button.clicked.connect(self.undo)
        row = QHBoxLayout(self)
        row.setContentsMargins(12, 3, 12, 3)
        row.addWidget(self.text, 1)
        row.addWidget(self.undo_button)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.hide)
        self._retranslate()
        self.hide()
        center.acknowledged.connect(self.show_acknowledged)
        center.undone.connect(self._undone)

    def _retranslate(self) -> None:
        self.undo_button.setText(self.tr("Undo"))
        self.undo_button.setAccessibleName(self.tr("Undo the acknowledgement"))

    def show_acknowledged(self, alarms: list[Alarm]) -> None:
        from gui.ui.alarms.banner import headline, who_and_where

        if not alarms:
            return
        self.alarms = list(alarms)
        first = alarms[0]
        if len(alarms) == 1:
            text = self.tr("✓ Acknowledged by %1: %2 · %3").replace("%1", first.acked_by or "")
            text = text.replace("%2", headline(first)).replace("%3", who_and_where(first))
        else:
            text = self.tr("✓ %1 alarms acknowledged by %2").replace("%1", str(len(alarms)))
            text = text.replace("%2", first.acked_by or "")
        self.text.setText(text)
        self.undo_button.setEnabled(True)
        self.undo_button.show()
        self.show()
        self._timer.start(SHOW_MS)

    def undo(self) -> None:
        if not self.alarms:
            return
        self.undo_button.setEnabled(False)
        self.center.undo([a.id for a in self.alarms])

    def _undone(self, alarms: list[Alarm]) -> None:
        self.alarms = []
        self.text.setText(
            self.tr("Undone: the alarm is open again") if len(alarms) == 1
            else self.tr("Undone: %1 alarms open again").replace("%1", str(len(alarms)))
        )  # fmt: skip
        self.undo_button.hide()
        self.show()
        self._timer.start(4000)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(event)
