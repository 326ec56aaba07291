"""Alarm rules, sound and wall options: one small dialog, applied live and persisted.

The core's alarm engine reads the same settings object on every event, so a
change applies to the next event without a restart. Only the options the
user changed are applied and kept (the running ones may carry one-off
command-line values); their subscribers (sound, mute actions, wall) follow.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSlider,
    QSpinBox,
    QWidget,
)

from gui.core import alarms
from gui.ui.views.words import person_type_word

#: The fields this dialog owns.
FIELDS = (
    "alarm_person_types",
    "alarm_devices",
    "alarm_stranger_rules",
    "alarm_min_score",
    "alarm_cooldown_s",
    "alarm_late_after_s",
    "alarm_volume",
    "alarm_muted",
    "operator_name",
    "wall_tiles",
    "wall_screen",
    "start_in_wall",
    "close_to_tray",
)


class AlarmRulesDialog(QDialog):
    def __init__(
        self, settings: Any, parent: QWidget | None = None, *, sound: Any = None
    ) -> None:
        super().__init__(parent)
        self.sound = sound
        self.setWindowTitle(self.tr("Alarm settings"))
        self.settings = settings
        form = QFormLayout(self)

        types_row = QHBoxLayout()
        self.types: dict[int, QCheckBox] = {}
        for pt in (1, 2, 3, 4, 5):
            box = QCheckBox(person_type_word(pt), self)
            box.setChecked(pt in (settings.alarm_person_types or []))
            self.types[pt] = box
            types_row.addWidget(box)
        form.addRow(self.tr("Raise alarms for"), types_row)

        self.devices = QLineEdit(", ".join(settings.alarm_devices or []), self)
        self.devices.setPlaceholderText(
            self.tr("every camera (or: camera ids/names, comma separated)")
        )
        form.addRow(self.tr("Cameras"), self.devices)

        # Strangers per camera and time of day: one rule per line.
        self.stranger_rules = QPlainTextEdit("\n".join(settings.alarm_stranger_rules or []), self)
        self.stranger_rules.setAccessibleName(self.tr("Stranger alarms: where and when"))
        self.stranger_rules.setPlaceholderText(
            self.tr("every camera, all day — or one rule per line, e.g.\n"
                    "gate-2 22:00-06:00\n* 08:00-18:00")
        )  # fmt: skip
        self.stranger_rules.setFixedHeight(self.fontMetrics().height() * 4 + 12)
        self.stranger_rules_status = QLabel(self)
        self.stranger_rules_status.setTextFormat(Qt.TextFormat.PlainText)
        self.stranger_rules.textChanged.connect(self._check_stranger_rules)
        form.addRow(self.tr("Strangers at"), self.stranger_rules)
        form.addRow("", self.stranger_rules_status)
        self._check_stranger_rules()

        self.min_score = QDoubleSpinBox(self)
        self.min_score.setRange(0.0, 100.0)
        self.min_score.setDecimals(1)
        self.min_score.setSingleStep(5)
        self.min_score.setSuffix(" %")
        self.min_score.setSpecialValueText(self.tr("any score"))
        stored = settings.alarm_min_score
        self.min_score.setValue(alarms.min_score_percent(stored) if stored else 0.0)
        self.min_score.setToolTip(
            self.tr(
                "Matches scoring below this raise nothing (strangers always do). Percent of"
                " each box's own scale: 80 % is 0.80 from a box that scores 0–1 and 80 from"
                " a box that scores 0–100."
            )
        )
        form.addRow(self.tr("Minimum score"), self.min_score)

        self.cooldown = QSpinBox(self)
        self.cooldown.setRange(0, 3600)
        self.cooldown.setSuffix(self.tr(" s"))
        self.cooldown.setValue(int(settings.alarm_cooldown_s))
        self.cooldown.setToolTip(
            self.tr("The same person at the same camera within this folds into one alarm")
        )
        form.addRow(self.tr("Cooldown"), self.cooldown)

        self.late = QSpinBox(self)
        self.late.setRange(1, 24 * 60)
        self.late.setSuffix(self.tr(" min"))
        self.late.setValue(max(1, int(settings.alarm_late_after_s) // 60))
        self.late.setToolTip(self.tr("Events older than this on arrival raise a silent late alarm"))
        form.addRow(self.tr("Late after"), self.late)

        sound_row = QHBoxLayout()
        self.volume = QSlider(Qt.Orientation.Horizontal, self)
        self.volume.setAccessibleName(self.tr("Volume"))
        self.volume.setRange(0, 100)
        self.volume.setValue(round(float(settings.alarm_volume) * 100))
        self.muted = QCheckBox(self.tr("mute"), self)
        self.muted.setChecked(bool(settings.alarm_muted))
        sound_row.addWidget(self.volume, 1)
        sound_row.addWidget(self.muted)
        self.test_sound_button = QPushButton(self.tr("Test sound"), self)
        self.test_sound_button.setToolTip(self.tr("Play the alarm sound for two seconds"))
        self.test_sound_button.setEnabled(sound is not None)
        self.test_sound_button.clicked.connect(self.test_sound)
        sound_row.addWidget(self.test_sound_button)
        form.addRow(self.tr("Sound volume"), sound_row)
        self.sound_status = QLabel(self)
        self.sound_status.setTextFormat(Qt.TextFormat.PlainText)
        self.sound_status.setWordWrap(True)
        self.sound_status.hide()
        form.addRow("", self.sound_status)

        self.operator = QLineEdit(settings.operator_name or "", self)
        self.operator.setPlaceholderText(self.tr("the computer's user name"))
        form.addRow(self.tr("Operator"), self.operator)

        self.tiles = QSpinBox(self)
        self.tiles.setRange(0, 24)
        self.tiles.setValue(int(settings.wall_tiles))
        form.addRow(self.tr("Wall tiles"), self.tiles)

        self.wall_screen = QComboBox(self)
        self.wall_screen.addItem(self.tr("the window's screen"), -1)
        for i, screen in enumerate(QGuiApplication.screens()):
            size = screen.geometry()
            self.wall_screen.addItem(f"{i}: {screen.name()} ({size.width()}x{size.height()})", i)
        index = self.wall_screen.findData(int(settings.wall_screen))
        self.wall_screen.setCurrentIndex(max(0, index))
        form.addRow(self.tr("Wall screen"), self.wall_screen)

        self.start_in_wall = QCheckBox(self.tr("start in wall mode"), self)
        self.start_in_wall.setChecked(bool(settings.start_in_wall))
        self.close_to_tray = QCheckBox(self.tr("closing the window keeps receiving (tray)"), self)
        self.close_to_tray.setChecked(bool(settings.close_to_tray))
        form.addRow("", self.start_in_wall)
        form.addRow("", self.close_to_tray)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form.addRow(self.buttons)
        self.initial = self.values()

    def rules_on_server(self, url: str) -> None:
        """Attached to a remote receiver: which events raise alarms is its own setting.

        The rule fields are shown, read-only, with why; sound, operator name and
        wall stay this PC's.
        """
        for widget in (*self.types.values(), self.devices, self.min_score, self.cooldown,
                       self.late):  # fmt: skip
            widget.setEnabled(False)
        note = QLabel(
            self.tr("The receiver at %1 decides which events raise alarms (its own settings); "
                    "sound, operator name and the wall below are this PC's.").replace("%1", url),
            self,
        )  # fmt: skip
        note.setObjectName("rulesOnServer")
        note.setTextFormat(Qt.TextFormat.PlainText)
        note.setWordWrap(True)
        form = self.layout()
        if isinstance(form, QFormLayout):
            form.insertRow(0, note)

    def test_sound(self) -> None:
        """Play the alarm at the slider's volume, and say so (or why nothing is heard)."""
        if self.sound is None:
            return
        problem = self.sound.test(self.volume.value() / 100)
        if problem:
            text = self.tr("Nothing will be heard: %1. Alarms are still shown.").replace(
                "%1", problem
            )
        else:
            text = self.tr("Playing the alarm sound at %1 %…").replace(
                "%1", str(self.volume.value())
            )
        self.sound_status.setText(text)
        self.sound_status.show()

    def _stranger_rule_lines(self) -> tuple[list[str], list[str]]:
        good, bad = [], []
        for line in self.stranger_rules.toPlainText().splitlines():
            if not line.strip():
                continue
            try:
                alarms.parse_stranger_rule(line)
            except ValueError:
                bad.append(line.strip())
            else:
                good.append(" ".join(line.split()))
        return good, bad

    def _check_stranger_rules(self) -> None:
        good, bad = self._stranger_rule_lines()
        if bad:
            text = self.tr("Not understood (kept out): %1 — write CAMERA HH:MM-HH:MM").replace(
                "%1", ", ".join(bad)
            )
        elif good:
            text = self.tr("Strangers raise alarms only there and then; other people as above.")
        else:
            text = self.tr("Strangers raise alarms at every camera, all day.")
        self.stranger_rules_status.setText(text)

    def values(self) -> dict[str, Any]:
        devices = [d.strip() for d in self.devices.text().replace(";", ",").split(",") if d.strip()]
        return {
            "alarm_person_types": [pt for pt, box in self.types.items() if box.isChecked()],
            "alarm_devices": devices,
            "alarm_stranger_rules": self._stranger_rule_lines()[0],
            # Stored as a fraction of the scale (``alarms.min_score_percent``).
            "alarm_min_score": (self.min_score.value() / 100) or None,
            "alarm_cooldown_s": self.cooldown.value(),
            "alarm_late_after_s": self.late.value() * 60,
            "alarm_volume": self.volume.value() / 100,
            "alarm_muted": self.muted.isChecked(),
            "operator_name": self.operator.text().strip(),
            "wall_tiles": self.tiles.value(),
            "wall_screen": int(self.wall_screen.currentData()),
            "start_in_wall": self.start_in_wall.isChecked(),
            "close_to_tray": self.close_to_tray.isChecked(),
        }

    def apply(self) -> dict[str, Any]:
        """Keep what the user chose; returns the values that changed."""
        values = self.values()
        changed = self.settings.update_from_form(self.initial, values)
        return {name: values[name] for name in changed}
