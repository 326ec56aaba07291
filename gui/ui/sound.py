"""The alarm sound: loops until every sounding alarm is acknowledged.

``AlarmSound`` decides *whether* to sound (open, not late, not muted); a
``Player`` makes the noise. The real player wraps ``QSoundEffect``; tests pass
a fake so they need no sound card. A machine with no audio output still gets
the visual alarm, and the log says once why there is no sound.
"""

from __future__ import annotations

import logging
from typing import Any, Protocol

from PySide6.QtCore import QObject, QTimer, QUrl

from gui.resources import asset_path

log = logging.getLogger(__name__)

#: How long "Test sound" plays.
TEST_MS = 2000


class Player(Protocol):
    """What ``AlarmSound`` needs from something that plays a sound."""

    def play_loop(self) -> None: ...

    def stop(self) -> None: ...

    def set_volume(self, volume: float) -> None: ...

    def is_playing(self) -> bool: ...


class QtPlayer(QObject):
    """``QSoundEffect`` playing the bundled WAV in an endless loop."""

    def __init__(self, path: str | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._effect: Any = None
        #: Why nothing will be heard (None while the sound should work).
        self.problem: str | None = None
        self._told = False
        self._playing = False
        try:
            from PySide6.QtMultimedia import QMediaDevices, QSoundEffect
        except ImportError as exc:  # a build without QtMultimedia
            self._say_why(f"Qt Multimedia is not available ({exc})")
            return
        if not QMediaDevices.audioOutputs():
            self._say_why("no audio output device was found")
        effect = QSoundEffect(self)
        effect.setSource(QUrl.fromLocalFile(str(path or asset_path("sounds", "alarm.wav"))))
        effect.setLoopCount(QSoundEffect.Loop.Infinite.value)
        effect.statusChanged.connect(self._status_changed)
        self._effect = effect

    def _say_why(self, why: str) -> None:
        self.problem = why
        if not self._told:
            self._told = True
            log.warning("alarms will be shown but not heard: %s", why)

    def _status_changed(self) -> None:
        from PySide6.QtMultimedia import QSoundEffect

        if self._effect is not None and self._effect.status() == QSoundEffect.Status.Error:
            self._say_why("the sound could not be loaded or played (no audio device?)")

    def play_loop(self) -> None:
        self._playing = True
        if self._effect is not None:
            self._effect.play()

    def stop(self) -> None:
        self._playing = False
        if self._effect is not None:
            self._effect.stop()

    def set_volume(self, volume: float) -> None:
        if self._effect is not None:
            self._effect.setVolume(max(0.0, min(1.0, volume)))

    def is_playing(self) -> bool:
        return self._playing


class AlarmSound(QObject):
    """Sounds while ``set_alarming(True)``; follows the volume and mute settings."""

    def __init__(
        self, settings: Any, player: Player | None = None, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.settings = settings
        self.player: Player = player if player is not None else QtPlayer(parent=self)
        self._alarming = False
        self._testing = False
        self._test_timer = QTimer(self)
        self._test_timer.setSingleShot(True)
        self._test_timer.timeout.connect(self._end_test)
        self.apply_settings()
        from gui.ui.settings_watch import watch

        watch(settings, self, lambda _c: self.apply_settings(), ("alarm_volume", "alarm_muted"))

    def test(self, volume: float, ms: int = TEST_MS) -> str | None:
        """Play the alarm for ``ms`` at ``volume`` (the alarm settings' button).

        Returns why nothing will be heard, or None. Plays even when muted: the
        guard is checking the loudspeakers.
        """
        self.player.set_volume(volume)
        self._testing = True
        if not self.player.is_playing():
            self.player.play_loop()
        self._test_timer.start(ms)
        return getattr(self.player, "problem", None)

    @property
    def testing(self) -> bool:
        return self._testing

    def _end_test(self) -> None:
        self._testing = False
        self.apply_settings()  # back to the set volume; stops unless an alarm sounds

    @property
    def alarming(self) -> bool:
        return self._alarming

    @property
    def muted(self) -> bool:
        return self.settings.alarm_muted

    def apply_settings(self) -> None:
        """Re-read volume and mute (after the settings page changed them)."""
        self.player.set_volume(self.settings.alarm_volume)
        self._update()

    def set_alarming(self, alarming: bool, *, restart: bool = False) -> None:
        """Loop while an alarm that sounds is open; ``restart`` for a fresh alarm."""
        was = self._alarming
        self._alarming = alarming
        if restart and alarming and was and not self.muted:
            self.player.stop()
        self._update()

    def set_muted(self, muted: bool) -> None:
        """Kept in the settings; every mute control follows (``apply_settings``)."""
        self.settings.alarm_muted = muted
        self._update()

    def _update(self) -> None:
        should = (self._alarming and not self.muted) or self._testing
        if should and not self.player.is_playing():
            self.player.play_loop()
        elif not should and self.player.is_playing():
            self.player.stop()
