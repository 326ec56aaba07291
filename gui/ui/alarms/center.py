"""The GUI's view of the core's alarms: the open set, the sound, acknowledging.

One ``AlarmCenter`` per window. It follows the ``AlarmChanged`` messages coming
through the bridge's ``alarm_changed`` signal, keeps the open alarms in memory
(there are few: acknowledged ones leave), drives the sound, and sends
acknowledgements to the core loop (the core writes them and publishes the
change back, so every view updates from the same signal).
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QApplication, QWidget

from gui.core import alarms as core_alarms
from gui.core.alarms import Alarm
from gui.core.messages import AlarmChanged
from gui.ui.background import BackgroundWork
from gui.ui.sound import AlarmSound, Player

log = logging.getLogger(__name__)


def priority(alarm: Alarm) -> tuple[int, int, int]:
    """Sort key: sounding before late, blacklist before the rest, newest first."""
    return (0 if alarm.sounds else 1, 0 if alarm.is_blacklist else 1, -alarm.id)


class AlarmCenter(QObject):
    """Open alarms, sound and acknowledgement for one window (or the wall)."""

    #: The open set or an alarm in it changed.
    changed = Signal()
    #: A new alarm (``Alarm``) was raised: flash, notify.
    raised = Signal(object)
    #: An acknowledgement was refused or failed (message for a status line, never a dialog).
    ack_failed = Signal(str)
    #: Alarms this window acknowledged (``list[Alarm]``, as stored): feedback, Undo.
    acknowledged = Signal(list)
    #: Acknowledgements this window took back (``list[Alarm]``, open again).
    undone = Signal(list)

    def __init__(
        self,
        bridge: Any,
        settings: Any,
        *,
        player: Player | None = None,
        window: QWidget | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.settings = settings
        self.window = window
        self.sound = AlarmSound(settings, player, self)
        self._open: dict[int, Alarm] = {}
        #: Alarms closed while a reload's read was on its way (it may still list them open).
        self._closed_since_read: set[int] | None = None
        self._work = BackgroundWork(self, bridge)
        bridge.alarm_changed.connect(self._on_alarm_changed)
        if getattr(bridge, "attached", False):
            bridge.connection_changed.connect(self._on_connection)
        self.reload()

    # -- state -------------------------------------------------------------------

    def reload(self) -> None:
        """Load the open alarms from the store (start-up; after a reconnect)."""
        self._closed_since_read = set()
        self._work.read(
            lambda reader: reader.alarms("open"),
            self._open_loaded,
            lambda exc: log.warning("cannot read open alarms: %s", exc),
        )

    def _on_connection(self, message: Any) -> None:
        """Attached: a stream that started afresh (nothing resumed) means reading again."""
        if message.fresh:
            self.reload()

    def _open_loaded(self, found: list[Alarm]) -> None:
        closed, self._closed_since_read = self._closed_since_read or set(), None
        for alarm in found:
            if alarm.id in closed:
                continue
            current = self._open.get(alarm.id)
            if current is None or current.count <= alarm.count:
                self._open[alarm.id] = alarm
        self._after_change(restart=False)

    def open_alarms(self) -> list[Alarm]:
        """Open alarms, the one to handle first at the front."""
        return sorted(self._open.values(), key=priority)

    def current(self) -> Alarm | None:
        found = self.open_alarms()
        return found[0] if found else None

    @property
    def open_count(self) -> int:
        return len(self._open)

    def _on_alarm_changed(self, item: AlarmChanged) -> None:
        alarm = item.alarm
        # A reload's read may have listed a just-raised alarm before its message came:
        # its sound is on already, and a restart would cut it off for the same alarm.
        known = alarm.id in self._open
        if alarm.is_open:
            self._open[alarm.id] = alarm
        else:
            self._open.pop(alarm.id, None)
            if self._closed_since_read is not None:
                self._closed_since_read.add(alarm.id)
        fresh = item.change == "raised"
        self._after_change(restart=fresh and alarm.sounds and not known)
        if fresh:
            self.raised.emit(alarm)
            self._alert(alarm)

    def _after_change(self, *, restart: bool) -> None:
        self.sound.set_alarming(any(a.sounds for a in self._open.values()), restart=restart)
        self.changed.emit()

    def _alert(self, alarm: Alarm) -> None:
        if alarm.late:
            return
        window = self.window
        if window is not None:
            QApplication.alert(window, 0)

    # -- acknowledging -------------------------------------------------------------

    def operator(self) -> str:
        return core_alarms.default_operator(self.settings)

    def acknowledge(self, alarm_id: int, note: str = "", by: str | None = None) -> None:
        """One alarm; the result arrives as a published change (or ``ack_failed``)."""
        self._send(lambda engine: engine.acknowledge(alarm_id, by or self.operator(), note or None))

    def acknowledge_many(self, alarm_ids: list[int], note: str = "", by: str | None = None) -> None:
        """Strangers in bulk; the core refuses (``ack_failed``) if a blacklist alarm is among."""
        ids = list(alarm_ids)
        self._send(lambda engine: engine.acknowledge_many(ids, by or self.operator(), note or None))

    def like(self, alarm: Alarm) -> list[Alarm]:
        """Open alarms like ``alarm`` (same kind, person type, lateness): one flood."""
        key = (alarm.kind, alarm.person_type, alarm.late)
        return [a for a in self.open_alarms() if (a.kind, a.person_type, a.late) == key]

    def undo(self, alarm_ids: list[int]) -> None:
        """Take acknowledgements back (the core allows it for a short while)."""
        ids = list(alarm_ids)
        self._send(lambda engine: engine.undo_acknowledge(ids), self._on_undo_result)

    def _send(self, call: Any, done: Any = None) -> None:
        engine = self.bridge.alarm_engine()
        if engine is None:
            self.ack_failed.emit(self.tr("alarms are not running in this receiver"))
            return
        done = done or self._on_ack_result
        self._work.core(lambda: call(engine), done, done)

    def _on_ack_result(self, result: object) -> None:
        if isinstance(result, BaseException):
            log.warning("acknowledgement refused: %s", result)
            self.ack_failed.emit(str(result))
            return
        done = result if isinstance(result, list) else [result]
        self.acknowledged.emit([a for a in done if isinstance(a, Alarm)])

    def _on_undo_result(self, result: object) -> None:
        if isinstance(result, BaseException):
            log.warning("undo refused: %s", result)
            self.ack_failed.emit(str(result))
            return
        self.undone.emit(list(result) if isinstance(result, list) else [])
