"""The alarm banner: the alarm to handle now, its count, the queue, and Acknowledge.

Shown above whatever page is open (and full width on the wall). Red for a
blacklist hit, amber for a stranger, slate for a late (silent) alarm. Space or
Enter on the banner acknowledges; the note field is optional.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QFont, QKeyEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout

from gui.core.alarms import Alarm
from gui.core.model import PersonType
from gui.ui.alarms.center import AlarmCenter
from gui.ui.views.elided import ElidedLabel
from gui.ui.views.words import display_name, format_ms, person_type_word

#: (background, text) per look.
LOOKS: dict[str, tuple[str, str]] = {
    "blacklist": ("#C62828", "#FFFFFF"),
    "stranger": ("#FF8F00", "#000000"),
    "late": ("#455A64", "#FFFFFF"),
    "other": ("#6D4C41", "#FFFFFF"),
}


def look_of(alarm: Alarm) -> str:
    if alarm.late:
        return "late"
    if alarm.person_type == PersonType.BLACKLIST:
        return "blacklist"
    if alarm.person_type == PersonType.STRANGER:
        return "stranger"
    return "other"


def headline(alarm: Alarm) -> str:
    """``BLACKLIST`` / ``STRANGER`` / ``LATE · BLACKLIST`` / ``SILENCE``."""
    if alarm.kind == "face":
        word = person_type_word(alarm.person_type).upper()
    else:
        word = alarm.kind.upper()
    return f"{AlarmBanner.tr_late()} · {word}" if alarm.late else word


def camera_of(alarm: Alarm) -> str:
    """The camera's name when the event had one (face alarms keep it in ``detail``)."""
    if alarm.kind == "face" and alarm.detail:
        return alarm.detail
    return alarm.ep_id or ""


def who_and_where(alarm: Alarm) -> str:
    """Who and at which camera, for one-line feedback."""
    parts = [display_name(alarm.identity_name, alarm.identity_id, alarm.person_type)
             if alarm.kind == "face" else (alarm.detail or "")]  # fmt: skip
    camera = camera_of(alarm)
    if camera:
        parts.append(camera)
    return "  ·  ".join(p for p in parts if p)


def describe(alarm: Alarm) -> str:
    """Who, where, how often, when — plain text."""
    parts = []
    who = display_name(alarm.identity_name, alarm.identity_id, alarm.person_type)
    if alarm.kind == "face":
        parts.append(who or "—")
    elif alarm.detail:
        parts.append(alarm.detail)
    camera = camera_of(alarm)
    if camera:
        parts.append(camera)
    if alarm.count > 1:
        parts.append(f"×{alarm.count}")
    if alarm.late:
        parts.extend(late_times(alarm))
    else:
        parts.append(format_ms(alarm.last_at, with_date=False))
    return "  ·  ".join(parts)


def late_times(alarm: Alarm) -> list[str]:
    """A late alarm's two moments, labelled: when the box saw the person, when it arrived.

    Both with the date: a late event is by definition from another moment, often
    another day, and a guard must not read the arrival as the sighting.
    """
    from PySide6.QtCore import QCoreApplication

    def tr(text: str) -> str:
        return QCoreApplication.translate("AlarmBanner", text)

    seen = format_ms(alarm.seen_at, millis=False) if alarm.seen_at is not None else "?"
    arrived = format_ms(alarm.first_at, millis=False)
    return [tr("seen %1").replace("%1", seen), tr("arrived %1").replace("%1", arrived)]


class AlarmBanner(QFrame):
    """Shows ``center.current()``; hidden while no alarm is open."""

    acknowledged = Signal(int)

    def __init__(self, center: AlarmCenter, parent: QFrame | None = None) -> None:
        super().__init__(parent)
        self.center = center
        self.alarm: Alarm | None = None
        self._look: str | None = None
        self.setObjectName("alarmBanner")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAutoFillBackground(True)

        self.title = QLabel(self)
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.detail = ElidedLabel(parent=self)  # names and cameras can be very long
        self.queue = QLabel(self)
        self.queue.setTextFormat(Qt.TextFormat.PlainText)
        self.note = QLineEdit(self)
        self.note.setAccessibleName(self.tr("Note"))
        self.note.setPlaceholderText(self.tr("note (optional)"))
        self.note.setMaxLength(500)
        self.note.returnPressed.connect(self.acknowledge_current)
        self.button = QPushButton(self.tr("Acknowledge"), self)
        self.button.setAutoDefault(False)
        self.button.clicked.connect(self.acknowledge_current)
        # A flood of strangers: close them all in one press (never blacklist alarms).
        self.all_button = QPushButton(self)
        self.all_button.setAccessibleName(self.tr("Acknowledge all like this"))
        self.all_button.setAutoDefault(False)
        self.all_button.clicked.connect(self.acknowledge_all_like_current)
        self.all_button.hide()
        self.status = QLabel(self)
        self.status.setTextFormat(Qt.TextFormat.PlainText)

        text_box = QVBoxLayout()
        text_box.setSpacing(0)
        text_box.addWidget(self.title)
        text_box.addWidget(self.detail)
        row = QHBoxLayout(self)
        row.setContentsMargins(12, 6, 12, 6)
        row.addLayout(text_box, 1)
        side = QVBoxLayout()
        side.setSpacing(2)
        side.addWidget(self.queue, 0, Qt.AlignmentFlag.AlignRight)
        side.addWidget(self.status, 0, Qt.AlignmentFlag.AlignRight)
        row.addLayout(side)
        row.addWidget(self.note)
        row.addWidget(self.all_button)
        row.addWidget(self.button)

        self.set_scale(None)
        center.changed.connect(self.refresh)
        center.ack_failed.connect(self._ack_failed)
        self.refresh()

    @staticmethod
    def tr_late() -> str:
        from PySide6.QtCore import QCoreApplication

        return QCoreApplication.translate("AlarmBanner", "LATE")

    def set_scale(self, unit: float | None) -> None:
        """Font sizes from a unit in pixels (the wall passes screen height / 54)."""
        base = QFont(self.font())
        if unit is None:
            size = max(9.0, base.pointSizeF() if base.pointSizeF() > 0 else 10.0)
            title_px, detail_px, small_px = None, None, None
            title_pt, detail_pt, small_pt = size * 1.6, size * 1.15, size
        else:
            title_px, detail_px, small_px = int(unit * 2.2), int(unit * 1.3), int(unit * 0.9)
            title_pt = detail_pt = small_pt = 0.0
        for label, px, pt, bold in (
            (self.title, title_px, title_pt, True),
            (self.detail, detail_px, detail_pt, False),
            (self.queue, small_px, small_pt, False),
            (self.status, small_px, small_pt, False),
            (self.note, small_px, small_pt, False),
            (self.button, small_px, small_pt, True),
            (self.all_button, small_px, small_pt, False),
        ):
            f = QFont(base)
            if px:
                from gui.ui.wall import wall_families

                f.setFamilies(wall_families(f))
                f.setPixelSize(px)
            else:
                f.setPointSizeF(pt)
            f.setBold(bold)
            label.setFont(f)
        if unit is not None:
            # The wall: Space anywhere acknowledges, and the button must read from afar.
            self.layout().setContentsMargins(int(unit), int(unit * 0.4), int(unit), int(unit * 0.4))
            self.note.setMinimumWidth(int(unit * 12))
            self.button.setText(self.tr("Acknowledge (Space)"))
            pad = int(unit * 0.4)
            self.button.setStyleSheet(
                f"QPushButton {{ background: #FAFAFA; color: #111; border-radius: {pad}px;"
                f" padding: {pad}px {pad * 2}px; }}"
            )

    def refresh(self) -> None:
        alarm = self.center.current()
        if alarm is None:
            self.alarm = None
            self.hide()
            return
        if self.alarm is None or self.alarm.id != alarm.id:
            self.status.clear()
        self.alarm = alarm
        look = look_of(alarm)
        if look != self._look:
            self._look = look
            background, ink = LOOKS[look]
            self.setStyleSheet(
                f"#alarmBanner {{ background: {background}; }}"
                f" #alarmBanner QLabel {{ color: {ink}; background: transparent; }}"
            )
        self.title.setText(headline(alarm))
        self.detail.setText(describe(alarm))
        more = self.center.open_count - 1
        self.queue.setText(self.tr("+%n more open", "", more) if more > 0 else "")
        self.queue.setVisible(more > 0)
        alike = len(self.center.like(alarm))
        bulk = alike > 1 and not alarm.is_blacklist
        if bulk:
            text = self.tr("Acknowledge all %1 like this").replace("%1", str(alike))
            self.all_button.setText(text)
        self.all_button.setVisible(bulk)
        self.show()

    def acknowledge_current(self) -> None:
        if self.alarm is None:
            return
        note = self.note.text().strip()
        self.center.acknowledge(self.alarm.id, note)
        self.acknowledged.emit(self.alarm.id)
        self.note.clear()

    def acknowledge_all_like_current(self) -> None:
        """Every open alarm like the one shown (a stranger flood); never blacklist alarms."""
        if self.alarm is None or self.alarm.is_blacklist:
            return
        ids = [a.id for a in self.center.like(self.alarm)]
        self.center.acknowledge_many(ids, self.note.text().strip())
        self.note.clear()

    def _ack_failed(self, message: str) -> None:
        self.status.setText(message[:200])

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.refresh()  # the headline and the "seen / arrived" words
        super().changeEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Space, Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.acknowledge_current()
            event.accept()
            return
        super().keyPressEvent(event)
