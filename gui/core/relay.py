"""The relay: announce what OTHER receivers stored in a shared database.

Several receivers writing one PostgreSQL database each announce only what
they stored themselves; a window attached to one of them must still see every
event and alarm change of the site. The relay wakes on PostgreSQL
``LISTEN/NOTIFY`` (``gatewatch_events`` carries the writer's newest event id
at commit, ``gatewatch_alarms`` an alarm change's seq) and, because
notifications are not durable (a dropped LISTEN connection misses them), also
every ``POLL_S`` seconds; either way it *catches up*: it reads the events after
the last id it saw and the alarm changes after the last seq
(``gui.core.catchup``) and publishes them on the receiver's bus as
``EventStored`` / ``AlarmChanged`` — so the desktop window, ``/api/stream``
clients and everything else subscribed see them like their own.

Not announced twice: events this receiver stored (noted by an event hook,
inside the storing transaction, so before any other receiver or this relay can
read them) and alarm changes whose ``origin`` is this receiver.

Ids are taken from sequences, so a transaction that took id 11 can commit after
one that took 12: an id skipped over is remembered as a gap and looked for again
on every catch-up for ``GAP_WAIT_S`` (a rolled-back transaction leaves a gap
for ever); so is an id absent just below where the relay starts (a restarted
receiver still announces an event another one commits late). Face thumbnails
are made by the storing receiver just after its reply; the relay announces
``FaceThumbReady`` once the thumbnail is in the database (looked for during
``THUMB_WAIT_S``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from collections import deque
from collections.abc import AsyncIterator, Callable
from typing import Any

from gui.core import alarms, catchup
from gui.core.catchup import Position
from gui.core.messages import EventStored, FaceThumbReady

log = logging.getLogger(__name__)

#: Catch up this often even without a notification (they are not durable).
POLL_S = 2.0
#: While thumbnails or gaps are awaited, look again this often.
SHORT_POLL_S = 0.25
#: How long a skipped id or seq may still turn up (a transaction committing late).
GAP_WAIT_S = catchup.GAP_WAIT_S
#: How long a relayed event's face thumbnail is looked for.
THUMB_WAIT_S = 15.0
#: Own event ids remembered (more than a writer batch commits between two catch-ups).
OWN_IDS = 100_000
EVENTS_CHANNEL = "gatewatch_events"

#: A source of wake-ups: an async iterator that yields on each notification.
Listener = Callable[[], AsyncIterator[Any]]


class _Recent:
    """A bounded set of ids (thread-safe: filled on the writer thread, read on the loop)."""

    def __init__(self, size: int) -> None:
        self._order: deque[int] = deque()
        self._ids: set[int] = set()
        self._size = size
        self._lock = threading.Lock()

    def add(self, value: int) -> None:
        with self._lock:
            if value in self._ids:
                return
            self._ids.add(value)
            self._order.append(value)
            while len(self._order) > self._size:
                self._ids.discard(self._order.popleft())

    def __contains__(self, value: object) -> bool:
        with self._lock:
            return value in self._ids


class Relay:
    """Announces other receivers' events and alarm changes on ``receiver``'s bus."""

    def __init__(
        self,
        receiver: Any,
        *,
        listener: Listener | None = None,
        poll_s: float = POLL_S,
        always: bool = False,
    ) -> None:
        self.receiver = receiver
        self.listener = listener
        self.poll_s = poll_s
        #: Relay whatever the engine (tests share one SQLite file); else PostgreSQL only.
        self.always = always
        self.active = always
        self.origin = alarms.origin_of(receiver)
        self.own_events = _Recent(OWN_IDS)
        self.position: Position | None = None
        self._event_gaps: dict[int, float] = {}
        self._alarm_gaps: dict[int, float] = {}
        self._thumbs: dict[int, float] = {}
        self._wake = asyncio.Event()
        #: The last catch-up failed (logged once until one succeeds again).
        self.failing = False
        #: Counters for tests and the log.
        self.relayed_events = 0
        self.relayed_alarm_changes = 0

    def install(self) -> None:
        self.receiver.event_hooks.append(self.note_own_event)
        self.receiver.tasks.append(lambda _rec: self.run())

    def note_own_event(self, _conn: Any, stored: Any) -> None:
        """Event hook (writer thread, in the storing transaction): this id is ours."""
        if self.active:
            self.own_events.add(int(stored.summary.id))
        return None

    def wake(self, *_args: Any) -> None:
        """Catch up now (a notification arrived); safe to call from the core loop only."""
        self._wake.set()

    # -- the task ------------------------------------------------------------------------

    async def run(self) -> None:
        store = self.receiver.store
        url = getattr(store, "url", None) if getattr(store, "engine", None) is not None else None
        if url is None and not self.always:
            return  # SQLite: this receiver is the only writer, nothing to relay
        self.active = True
        if self.listener is None and url is not None:
            self.listener = pg_listener(url)
        # Ids absent just below where we start may belong to another receiver's
        # transaction still open (or one that restarted us mid-way): looked for too.
        self.position, event_gaps, alarm_gaps = await store.read(catchup.position_and_gaps)
        now = time.monotonic()
        self._event_gaps.update(dict.fromkeys(event_gaps, now))
        self._alarm_gaps.update(dict.fromkeys(alarm_gaps, now))
        listening = asyncio.ensure_future(self._listen()) if self.listener else None
        try:
            while True:
                waiting = self._event_gaps or self._alarm_gaps or self._thumbs
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(
                        self._wake.wait(), SHORT_POLL_S if waiting else self.poll_s
                    )
                self._wake.clear()
                try:
                    await self.catch_up()
                except asyncio.CancelledError:
                    raise
                except Exception as exc:  # the database is down: try again at the next poll
                    if not self.failing:
                        log.warning("relay: catching up failed (retrying every poll): %s", exc)
                    self.failing = True
                else:
                    if self.failing:
                        log.info("relay: caught up again")
                    self.failing = False
        finally:
            if listening is not None:
                listening.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await listening

    async def _listen(self) -> None:
        """Wake on every notification; reconnect (with a catch-up) when the listener fails."""
        assert self.listener is not None
        delay = 0.5
        while True:
            try:
                async for _note in self.listener():
                    delay = 0.5
                    self._wake.set()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("relay: LISTEN failed (%s); polling until it is back", exc)
            self._wake.set()  # whatever was notified meanwhile is caught up by query
            await asyncio.sleep(delay)
            delay = min(delay * 2, 10.0)

    async def catch_up(self) -> None:
        """Publish everything others stored after the position, until nothing is left."""
        assert self.position is not None
        while True:
            found = await self.receiver.store.read(self._read_after(self.position))
            events, changes, thumbs = found
            self._publish_thumbs(thumbs)
            if not events and not changes:
                return
            self._take(events, changes)

    def _read_after(self, pos: Position) -> Callable[[Any], Any]:
        event_gaps = sorted(self._event_gaps)[: catchup.BATCH]
        alarm_gaps = sorted(self._alarm_gaps)[: catchup.BATCH]
        thumbs = sorted(self._thumbs)[: catchup.BATCH]

        def read(conn: Any) -> tuple[list[EventStored], list[Any], list[tuple[int, bytes]]]:
            events = catchup.events_after(conn, pos.event_id)
            if event_gaps:
                events = catchup.events_in(conn, event_gaps) + events
            where = "c.seq > ?"
            params: tuple[Any, ...] = (pos.alarm_seq,)
            if alarm_gaps:
                where = f"({where} OR c.seq IN ({','.join('?' * len(alarm_gaps))}))"
                params = (*params, *alarm_gaps)
            changes = alarms.changes_with_origin(conn, where, params, catchup.BATCH)
            found_thumbs = catchup.face_thumbs(conn, thumbs) if thumbs else []
            return events, changes, found_thumbs

        return read

    def _take(self, events: list[EventStored], changes: list[Any]) -> None:
        assert self.position is not None
        now = time.monotonic()
        event_id, alarm_seq = self.position.event_id, self.position.alarm_seq
        for message in events:
            eid = message.summary.id
            self._event_gaps.pop(eid, None)
            if eid > event_id:
                for missing in range(event_id + 1, min(eid, event_id + 1000)):
                    self._event_gaps.setdefault(missing, now)
                event_id = eid
            if eid in self.own_events:
                continue
            self.own_events.add(eid)  # announced once, whatever a later catch-up reads
            self.relayed_events += 1
            self.receiver.publish(message)
            if message.summary.image_kinds:
                self._thumbs[eid] = now
        for origin, change in changes:
            seq = change.seq
            self._alarm_gaps.pop(seq, None)
            if seq > alarm_seq:
                for missing in range(alarm_seq + 1, min(seq, alarm_seq + 1000)):
                    self._alarm_gaps.setdefault(missing, now)
                alarm_seq = seq
            if origin == self.origin:
                continue
            self.relayed_alarm_changes += 1
            self.receiver.publish(change)
        self.position = Position(event_id, alarm_seq)
        for gaps, wait in ((self._event_gaps, GAP_WAIT_S), (self._alarm_gaps, GAP_WAIT_S)):
            for key in [k for k, since in gaps.items() if now - since > wait]:
                del gaps[key]

    def _publish_thumbs(self, found: list[tuple[int, bytes]]) -> None:
        now = time.monotonic()
        for event_id, thumb in found:
            self._thumbs.pop(event_id, None)
            self.receiver.publish(FaceThumbReady(event_id, thumb))
        for key in [k for k, since in self._thumbs.items() if now - since > THUMB_WAIT_S]:
            del self._thumbs[key]


def pg_listener(url: str) -> Listener:
    """LISTEN on the events and alarms channels of the PostgreSQL database at ``url``.

    Yields once connected (what was committed before LISTEN took effect is
    caught up by query), then once per notification.
    """

    async def listen() -> AsyncIterator[Any]:
        import psycopg

        conn = await psycopg.AsyncConnection.connect(
            url, autocommit=True, application_name="gatewatch-relay", connect_timeout=5
        )
        try:
            await conn.execute(f"LISTEN {EVENTS_CHANNEL}")
            await conn.execute(f"LISTEN {alarms.ALARMS_CHANNEL}")
            yield None
            async for note in conn.notifies():
                yield note
        finally:
            await conn.close()

    return listen


def install(
    receiver: Any,
    listener: Listener | None = None,
    poll_s: float = POLL_S,
    *,
    always: bool = False,
) -> Relay:
    """Relay other receivers' work on ``receiver`` (call before it starts).

    It runs when the receiver's store is PostgreSQL (others may write it), or
    with ``always``; ``listener`` defaults to LISTEN on the store's database.
    """
    relay = Relay(receiver, listener=listener, poll_s=poll_s, always=always)
    relay.install()
    receiver.relay = relay
    return relay
