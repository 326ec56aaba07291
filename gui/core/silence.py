"""Silence watch: a camera or box that stopped sending turns amber, then red.

A device is *silent* when nothing arrived from it for ``silence_minutes``
(amber) and for twice that (red); red can raise a ``silence`` alarm. A camera
the box itself reports ``offline`` in ``/DeviceStatus`` is red at once.
Cameras listed in ``quiet_at_night`` are not judged between 20:00 and 07:00
(PC local time): an empty car park at night is not a fault.

What counts as "sent": for a camera its last event (or, if it never sent one,
when it was first seen); for a box its last event or health report.

Alarms are raised on the transition into red observed while running, not for
devices already red when the watch starts: a PC switched on after a weekend
must not greet the guard with one alarm per camera. ``evaluate`` is pure and
takes the time as an argument; ``SilenceWatch`` takes a clock, for tests.
"""

from __future__ import annotations

import asyncio
import logging
import time
import weakref
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from gui.settings import Settings

from gui.core import tallies
from gui.core.dbapi import Connection
from gui.core.messages import SilenceLevelsChanged

log = logging.getLogger(__name__)

OK, AMBER, RED, QUIET = "ok", "amber", "red", "quiet"
NIGHT_START_HOUR = 20
NIGHT_END_HOUR = 7
CHECK_EVERY_S = 30.0
ALARM_KIND = "silence"


def now_ms() -> int:
    return time.time_ns() // 1_000_000


def local_hour(ms: int) -> int:
    return time.localtime(ms / 1000).tm_hour


def is_night(hour: int) -> bool:
    return hour >= NIGHT_START_HOUR or hour < NIGHT_END_HOUR


@dataclass(frozen=True)
class DeviceSilence:
    kind: str  # "box" | "camera"
    key: str  # box serial or camera ep_id
    name: str | None
    last_activity: int | None
    silent_ms: int | None
    level: str  # ok | amber | red | quiet
    reason: str


@dataclass(frozen=True)
class SilenceState:
    """Published to listeners (and the GUI) whenever any device's level changes."""

    at: int
    minutes: int
    devices: tuple[DeviceSilence, ...]

    def level_of(self, key: str) -> str | None:
        for d in self.devices:
            if d.key == key:
                return d.level
        return None

    def to_json(self) -> dict[str, Any]:
        return {
            "at": self.at,
            "minutes": self.minutes,
            "devices": [d.__dict__.copy() for d in self.devices],
        }


def _minutes_text(ms: int) -> str:
    minutes = ms // 60000
    if minutes < 120:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60} min"


def judge(
    last: int | None,
    now: int,
    minutes: int,
    *,
    offline: bool = False,
    quiet: bool = False,
) -> tuple[str, str]:
    """(level, reason) for one device.

    Silence is about what arrives: a device whose events arrive is OK even when
    its box reports it offline (the report is stale, or names it differently);
    the report makes it red only once nothing arrives either.
    """
    limit = max(1, minutes) * 60000
    silent = None if last is None else max(0, now - last)
    if silent is not None and silent < limit:
        return OK, "sending, although the box reports it offline" if offline else "sending"
    if offline:
        if silent is None:
            return RED, "the box reports it offline"
        return RED, f"the box reports it offline; nothing received for {_minutes_text(silent)}"
    if quiet:
        return QUIET, "expected quiet at night"
    if silent is None:
        return OK, "nothing received yet"
    if silent >= 2 * limit:
        return RED, f"nothing received for {_minutes_text(silent)}"
    if silent >= limit:
        return AMBER, f"nothing received for {_minutes_text(silent)}"
    return OK, "sending"


def evaluate(
    boxes: Iterable[dict[str, Any]],
    cameras: Iterable[dict[str, Any]],
    now: int,
    minutes: int,
    quiet_at_night: Iterable[str] = (),
    hour_of: Callable[[int], int] = local_hour,
) -> SilenceState:
    """Levels for every box and camera (rows as from ``devices.list_devices``)."""
    quiet_ids = set(quiet_at_night)
    night = is_night(hour_of(now))
    out: list[DeviceSilence] = []
    for b in boxes:
        last = b.get("last_seen")
        level, reason = judge(last, now, minutes)
        out.append(
            DeviceSilence("box", b["sn"], b.get("name"), last,
                          None if last is None else now - last, level, reason)
        )  # fmt: skip
    for c in cameras:
        last = c.get("last_event_at") or c.get("first_seen")
        level, reason = judge(
            last, now, minutes,
            offline=(c.get("status") or "").lower() == "offline",
            quiet=night and c["ep_id"] in quiet_ids,
        )  # fmt: skip
        out.append(
            DeviceSilence("camera", c["ep_id"], c.get("name"), last,
                          None if last is None else now - last, level, reason)
        )  # fmt: skip
    return SilenceState(now, minutes, tuple(out))


def read_devices(conn: Connection) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Boxes and cameras to watch; the app's own self-test device is never watched."""
    from gui.core.sender import SELF_TEST_BOX, SELF_TEST_CAMERA

    boxes = [
        dict(zip(("sn", "name", "last_seen"), tuple(r), strict=True))
        for r in conn.execute(f"SELECT sn, name, last_seen FROM {tallies.registry(conn, 'boxes')}")
        if r[0] != SELF_TEST_BOX
    ]
    cameras = [
        dict(zip(("ep_id", "name", "status", "first_seen", "last_event_at"), tuple(r), strict=True))
        for r in conn.execute(
            "SELECT ep_id, name, status, first_seen, last_event_at"
            f" FROM {tallies.registry(conn, 'cameras')}"
        )
        if r[0] != SELF_TEST_CAMERA
    ]
    return boxes, cameras


class SilenceWatch:
    """The background task: checks every ``interval`` s, publishes changes, raises alarms."""

    def __init__(
        self,
        receiver: Any,
        settings: Settings,
        *,
        clock: Callable[[], int] = now_ms,
        hour_of: Callable[[int], int] = local_hour,
        interval: float = CHECK_EVERY_S,
    ) -> None:
        self.receiver = receiver
        self.settings = settings
        self.clock = clock
        self.hour_of = hour_of
        self.interval = interval
        self.state: SilenceState | None = None

    def minutes(self) -> int:
        return max(1, self.settings.silence_minutes)

    async def check(self) -> SilenceState:
        """One pass: evaluate, publish if any level changed, raise alarms for new reds."""
        boxes, cameras = await self.receiver.store.read(read_devices)
        state = evaluate(
            boxes, cameras, self.clock(), self.minutes(),
            self.settings.quiet_at_night, self.hour_of,
        )  # fmt: skip
        previous = self.state
        self.state = state
        before = {d.key: d.level for d in previous.devices} if previous else None
        changed = before is None or before != {d.key: d.level for d in state.devices}
        if changed:
            self.receiver.publish(SilenceLevelsChanged(state))
        if before is not None:
            for d in state.devices:
                if d.level == RED and before.get(d.key, RED) != RED:
                    await self._alarm(d)
        return state

    async def _alarm(self, device: DeviceSilence) -> None:
        if not self.settings.silence_alarms:
            return
        try:
            from gui.core import alarms
        except ImportError:
            return
        engine = alarms.engine_for(self.receiver)
        if engine is None:
            return
        what = "camera" if device.kind == "camera" else "box"
        name = device.name or device.key
        try:
            await engine.raise_alarm(
                ALARM_KIND, ep_id=device.key, identity_name=name,
                detail=f"{what} {name}: {device.reason}", at=self.clock(),
            )  # fmt: skip
        except Exception:
            log.exception("could not raise a silence alarm for %s", device.key)

    async def run(self, _receiver: Any = None) -> None:
        while True:
            try:
                await self.check()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("silence check failed")
            await asyncio.sleep(self.interval)


_WATCHES: weakref.WeakKeyDictionary[Any, SilenceWatch] = weakref.WeakKeyDictionary()


def watch_for(receiver: Any) -> SilenceWatch | None:
    return _WATCHES.get(receiver)


def install(receiver: Any, settings: Settings) -> SilenceWatch:
    watch = SilenceWatch(receiver, settings)
    _WATCHES[receiver] = watch
    receiver.tasks.append(watch.run)
    return watch
