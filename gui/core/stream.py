"""``GET /api/stream``: the core's messages as server-sent events, resumable.

Every message the receiver announces (``gui.core.messages``, encoded by
``gui.core.wire``) becomes one SSE frame::

    id: <event id>-<alarm seq>-<epoch>-<serial>
    event: event_stored
    data: {"summary": {...}}

The id says where the stream stood after that message: the newest event id and
alarm change ``seq`` announced so far (durable positions in the store), this
stream's ``epoch`` (random, new whenever the receiver starts) and the message's
``serial`` in it. A client that reconnects with ``Last-Event-ID`` (or
``?last_event_id=``) gets:

- *exact resume*: same epoch and the serial still in the ring of recent frames
  (``RING_FRAMES`` / ``RING_BYTES``) — every message after it, of every type;
- *catch-up* otherwise (the receiver restarted, or the client was away long):
  every event stored after its event id and every alarm change after its alarm
  seq, read from the store, then a ``resync`` event (other kinds of message may
  have been missed: read health, disk and silence state again), then live;
  catch-up frames carry ``<event id>-<alarm seq>-<epoch>-c`` (resuming from one
  continues the catch-up). Merges of an event into an already stored one and
  messages that are not events or alarm changes are not replayed by catch-up.

On a database several receivers write (PostgreSQL), ids are handed out before
commit, so one below the position can still be committed by another receiver:
ids then end in ``-g<event ids>_<alarm seqs>`` (ranges, ``11.14~16``), those
below the position not announced yet (for ``catchup.GAP_WAIT_S``). Catch-up
looks for them first; one committed later comes live (the relay), once.

Nothing is repeated: what arrives live while catching up is skipped when the
catch-up already sent it. The first frame is ``hello`` (``{"mode": "live" |
"exact" | "catch_up", "epoch", "event_id", "alarm_seq"}``; with an ``id:``
when the client starts fresh). ``?types=event_stored,alarm_changed`` limits
the stream to those messages (a wall needs no request log). Every
``HEARTBEAT_S`` seconds without a message a comment line (``: keep-alive``)
keeps proxies and the client's watchdog happy.

A client never slows the receiver: frames are queued per client (at most
``CLIENT_FRAMES`` frames / ``CLIENT_BYTES`` bytes); a client that falls that
far behind gets ``event: cut`` with the reason and is disconnected (resuming
with ``Last-Event-ID`` it loses nothing), and one whose socket is stuck is
aborted ``CUT_GRACE_S`` later.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import re
import secrets
import time
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from gui.core import catchup, lenient_json, wire
from gui.core.catchup import Position
from gui.core.messages import MESSAGE_TYPES, AlarmChanged, EventStored
from gui.core.server import still_authorised

log = logging.getLogger(__name__)

HEARTBEAT_S = 15.0
#: How often an open stream re-checks its user's token: a removed user's stream ends.
REVALIDATE_S = 5.0
#: Recent frames kept for exact resume.
RING_FRAMES = 20_000
RING_BYTES = 32 * 1024 * 1024
#: A client this far behind is cut (it resumes with Last-Event-ID).
CLIENT_FRAMES = 5_000
CLIENT_BYTES = 8 * 1024 * 1024
#: A cut client whose socket does not take the ``cut`` frame is aborted after this.
CUT_GRACE_S = 5.0
#: Longest Last-Event-ID read (anything longer is not one of ours).
MAX_ID_LENGTH = 1200

_ID = re.compile(
    r"^(\d{1,19})-(\d{1,19})-([0-9a-f]{1,32})-(\d{1,19}|c)(?:-g([0-9.~]*)_([0-9.~]*))?$"
)
#: Ranges of absent ids (or seqs) an id carries at most; beyond, the lowest are dropped.
MAX_GAP_RANGES = 24


class BadStreamId(ValueError):
    """A ``Last-Event-ID`` this server did not give out."""

    param = "Last-Event-ID"


class BadStreamTypes(BadStreamId):
    """``?types=`` names something that is not a message type."""

    param = "types"


def _ranges_text(ids: Iterable[int]) -> str:
    """``11.14~20``: sorted ids as ranges, at most ``MAX_GAP_RANGES`` (the newest)."""
    ranges: list[list[int]] = []
    for i in sorted(ids):
        if ranges and i == ranges[-1][1] + 1:
            ranges[-1][1] = i
        else:
            ranges.append([i, i])
    return ".".join(
        str(a) if a == b else f"{a}~{b}" for a, b in ranges[-MAX_GAP_RANGES:]
    )


def _ranges_of(text: str) -> tuple[int, ...]:
    out: list[int] = []
    for part in filter(None, text.split(".")):
        low, _, high = part.partition("~")
        a, b = int(low), int(high or low)
        if not (0 < a <= b and b - a < catchup.GAP_WINDOW) or len(out) > catchup.GAP_WINDOW:
            raise ValueError(part)
        out.extend(range(a, b + 1))
    return tuple(out)


@dataclass(frozen=True, slots=True)
class StreamId:
    event_id: int
    alarm_seq: int
    epoch: str
    #: The frame's serial in its epoch; None for a catch-up frame.
    serial: int | None
    #: Event ids and alarm seqs below the position not announced yet: on a shared
    #: database they may still be committed (late), and a catch-up looks for them.
    event_gaps: tuple[int, ...] = ()
    alarm_gaps: tuple[int, ...] = ()

    def text(self) -> str:
        tail = "c" if self.serial is None else str(self.serial)
        base = f"{self.event_id}-{self.alarm_seq}-{self.epoch}-{tail}"
        if self.event_gaps or self.alarm_gaps:
            base += f"-g{_ranges_text(self.event_gaps)}_{_ranges_text(self.alarm_gaps)}"
        return base

    @classmethod
    def parse(cls, text: str) -> StreamId:
        found = _ID.match(text.strip()) if len(text) <= MAX_ID_LENGTH else None
        if found is not None:
            e, a, epoch, serial, event_gaps, alarm_gaps = found.groups()
            try:
                gaps = _ranges_of(event_gaps or ""), _ranges_of(alarm_gaps or "")
            except ValueError:
                found = None
        if found is None:
            raise BadStreamId(f"Last-Event-ID {text[:60]!r} is not an id this stream gave out")
        return cls(int(e), int(a), epoch, None if serial == "c" else int(serial), *gaps)


def frame(event: str, data: Any, event_id: str | None = None) -> bytes:
    """One SSE frame; the JSON is one line (``json.dumps`` never emits a raw newline)."""
    head = f"id: {event_id}\n" if event_id is not None else ""
    return f"{head}event: {event}\ndata: ".encode() + lenient_json.dumps_bytes(data) + b"\n\n"


HEARTBEAT = b": keep-alive\n\n"


class StreamClient:
    """One connected client's queue of frames; bounded, cut when full."""

    def __init__(self, hub: StreamHub, max_frames: int, max_bytes: int) -> None:
        self.hub = hub
        self.max_frames = max_frames
        self.max_bytes = max_bytes
        self._frames: deque[tuple[int, Any, bytes]] = deque()
        self._bytes = 0
        self._wake = asyncio.Event()
        self.cut_reason: str | None = None
        #: Set by the handler: aborts the connection when the client does not read.
        self.abort: Any = None

    def offer(self, serial: int, message: Any, data: bytes) -> None:
        """Queue a live frame; a client over its bounds is cut (never waited for)."""
        if self.cut_reason is not None:
            return
        if len(self._frames) >= self.max_frames or self._bytes + len(data) > self.max_bytes:
            self.cut(
                f"too slow: {len(self._frames)} messages ({self._bytes // 1024} KB) not yet"
                " read; reconnect with Last-Event-ID to continue"
            )
            return
        self._frames.append((serial, message, data))
        self._bytes += len(data)
        self._wake.set()

    def cut(self, reason: str) -> None:
        self.cut_reason = reason
        self._frames.clear()
        self._bytes = 0
        self._wake.set()
        loop = asyncio.get_running_loop()
        loop.call_later(CUT_GRACE_S, self._abort_if_stuck)

    def _abort_if_stuck(self) -> None:
        if self.abort is not None:
            self.abort()

    def take(self) -> list[tuple[int, Any, bytes]]:
        items = list(self._frames)
        self._frames.clear()
        self._bytes = 0
        self._wake.clear()
        return items

    async def wait(self, timeout: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), timeout)


class StreamHub:
    """Numbers every announced message, keeps the recent ones, fans them out to clients."""

    def __init__(
        self,
        store: Any = None,
        *,
        ring_frames: int = RING_FRAMES,
        ring_bytes: int = RING_BYTES,
        client_frames: int = CLIENT_FRAMES,
        client_bytes: int = CLIENT_BYTES,
        heartbeat_s: float = HEARTBEAT_S,
    ) -> None:
        self.store = store
        self.epoch = secrets.token_hex(4)
        self.serial = 0
        self.position = Position(0, 0)
        self._primed = False
        self.ring: deque[tuple[int, Any, bytes, int]] = deque()
        self._ring_bytes = 0
        self.ring_frames = ring_frames
        self.ring_bytes = ring_bytes
        self.client_frames = client_frames
        self.client_bytes = client_bytes
        self.heartbeat_s = heartbeat_s
        self.clients: set[StreamClient] = set()
        #: Frames are only made once a client has connected (until then nobody can resume).
        self.active = False
        #: A database several receivers write (PostgreSQL): ids may commit out of order,
        #: so ids skipped over are remembered (``event_gaps``) and carried in frame ids.
        self.track_gaps = False
        #: Event ids / alarm seqs below the position not announced yet -> when noted.
        self.event_gaps: dict[int, float] = {}
        self.alarm_gaps: dict[int, float] = {}
        self._gaps_pruned_at = 0.0

    def attach(self, receiver: Any) -> None:
        """Listen to every message type ``receiver`` announces."""
        for message_type in MESSAGE_TYPES:
            receiver.subscribe(message_type, self.on_message)

    async def prime(self) -> None:
        """Start numbering at the store's current position (once, on the first client)."""
        if self._primed or self.store is None:
            self._primed = True
            return
        if self.track_gaps:
            found, event_gaps, alarm_gaps = await self.store.read(catchup.position_and_gaps)
            now = time.monotonic()
            self.event_gaps.update(dict.fromkeys(event_gaps, now))
            self.alarm_gaps.update(dict.fromkeys(alarm_gaps, now))
        else:
            found = await self.store.read(catchup.current_position)
        self.position = Position(
            max(found.event_id, self.position.event_id),
            max(found.alarm_seq, self.position.alarm_seq),
        )
        self._primed = True

    def current_id(self) -> StreamId:
        return StreamId(
            self.position.event_id, self.position.alarm_seq, self.epoch, self.serial,
            tuple(self.event_gaps), tuple(self.alarm_gaps),
        )  # fmt: skip

    def _note(self, gaps: dict[int, float], top: int, value: int) -> None:
        """``value`` announced while the position was ``top``: fill or open gaps."""
        if value <= top:
            gaps.pop(value, None)
            return
        if self._primed:
            now = time.monotonic()
            for missing in range(max(top + 1, value - catchup.GAP_WINDOW), value):
                gaps[missing] = now

    def _prune_gaps(self) -> None:
        now = time.monotonic()
        if now - self._gaps_pruned_at < 1.0:
            return
        self._gaps_pruned_at = now
        for gaps in (self.event_gaps, self.alarm_gaps):
            for key in [k for k, since in gaps.items() if now - since > catchup.GAP_WAIT_S]:
                del gaps[key]

    def on_message(self, message: Any) -> None:
        """A receiver listener (core loop): number, keep and fan out one message."""
        if isinstance(message, EventStored):
            if self.track_gaps and not message.summary.merged:
                self._note(self.event_gaps, self.position.event_id, message.summary.id)
            if message.summary.id > self.position.event_id:
                self.position = Position(message.summary.id, self.position.alarm_seq)
        elif isinstance(message, AlarmChanged) and message.seq > 0:
            if self.track_gaps:
                self._note(self.alarm_gaps, self.position.alarm_seq, message.seq)
            if message.seq > self.position.alarm_seq:
                self.position = Position(self.position.event_id, message.seq)
        if self.event_gaps or self.alarm_gaps:
            self._prune_gaps()
        if not self.active:
            return
        try:
            encoded = wire.message_to_json(message)
        except wire.WireError:
            log.exception("no wire format for %r", type(message).__name__)
            return
        self.serial += 1
        data = frame(encoded["type"], encoded["data"], self.current_id().text())
        self.ring.append((self.serial, message, data, len(data)))
        self._ring_bytes += len(data)
        while self.ring and (
            len(self.ring) > self.ring_frames or self._ring_bytes > self.ring_bytes
        ):
            self._ring_bytes -= self.ring.popleft()[3]
        for client in list(self.clients):
            client.offer(self.serial, message, data)

    def register(self) -> StreamClient:
        self.active = True
        client = StreamClient(self, self.client_frames, self.client_bytes)
        self.clients.add(client)
        return client

    def unregister(self, client: StreamClient) -> None:
        self.clients.discard(client)

    def close_all(self, reason: str) -> None:
        """End every client's stream (shutdown): each gets ``cut`` with ``reason``."""
        for client in list(self.clients):
            client.cut(reason)

    def replay_after(self, serial: int) -> list[tuple[int, Any, bytes]] | None:
        """Ring frames after ``serial`` (None when the ring no longer reaches back there)."""
        if serial > self.serial:
            return None
        oldest = self.ring[0][0] if self.ring else self.serial + 1
        if serial < oldest - 1:
            return None
        return [(s, msg, data) for s, msg, data, _ in self.ring if s > serial]


# -- the route ------------------------------------------------------------------------------


def _wanted_types(request: web.Request) -> set[type] | None:
    """``?types=event_stored,alarm_changed``: only those messages (None: every one)."""
    text = request.query.get("types")
    if text is None:
        return None
    by_name = {name: t for t, name in wire.MESSAGE_NAMES.items()}
    wanted = set()
    for name in (part.strip() for part in text.split(",")[:64]):
        if name not in by_name:
            raise BadStreamTypes(
                f"types: {name[:40]!r} is no message type (one of {', '.join(by_name)})"
            )
        wanted.add(by_name[name])
    return wanted


def _last_event_id(request: web.Request) -> StreamId | None:
    text = request.headers.get("Last-Event-ID") or request.query.get("last_event_id") or ""
    if not text.strip():
        return None
    return StreamId.parse(text)


@dataclass
class _CatchUp:
    """Where one client's catch-up stands: its position and what is still absent below."""

    event_id: int
    alarm_seq: int
    event_gaps: set[int]
    alarm_gaps: set[int]
    #: Ids skipped over below this are old (deleted, rolled back): not looked for.
    recent_event: int
    recent_seq: int

    def take(self, message: Any) -> None:
        if isinstance(message, EventStored):
            value, top, gaps, recent = (
                message.summary.id, self.event_id, self.event_gaps, self.recent_event
            )  # fmt: skip
        else:
            value, top, gaps, recent = message.seq, self.alarm_seq, self.alarm_gaps, self.recent_seq
        if value <= top:
            gaps.discard(value)
            return
        gaps.update(range(max(top + 1, recent + 1), value))
        if isinstance(message, EventStored):
            self.event_id = value
        else:
            self.alarm_seq = value

    def id_text(self, epoch: str) -> str:
        return StreamId(
            self.event_id, self.alarm_seq, epoch, None,
            tuple(self.event_gaps), tuple(self.alarm_gaps),
        ).text()  # fmt: skip


async def _catch_up(
    hub: StreamHub, resp: web.StreamResponse, since: StreamId, wanted: set[type] | None = None
) -> tuple[_CatchUp, int]:
    """Send what the store holds after ``since`` (and what it lacked below it then, if
    committed since); where the client stands and how many frames were sent."""
    top = hub.current_id()
    state = _CatchUp(
        since.event_id, since.alarm_seq, set(since.event_gaps), set(since.alarm_gaps),
        top.event_id - catchup.GAP_WINDOW, top.alarm_seq - catchup.GAP_WINDOW,
    )  # fmt: skip
    sent = 0
    gaps = (sorted(state.event_gaps), sorted(state.alarm_gaps))
    while True:
        events, changes = await hub.store.read(
            functools.partial(_after, state.event_id, state.alarm_seq, *gaps)
        )
        gaps = ([], [])  # looked for once; those still absent come live or at the next resume
        if not events and not changes:
            return state, sent
        for message in _in_order(events, changes):
            state.take(message)
            if wanted is not None and type(message) not in wanted:
                continue
            encoded = wire.message_to_json(message)
            await resp.write(frame(encoded["type"], encoded["data"], state.id_text(hub.epoch)))
            sent += 1


def _after(
    event_id: int, alarm_seq: int, event_gaps: list[int], alarm_gaps: list[int], conn: Any
) -> tuple[list[Any], list[Any]]:
    """What was stored after the position, what was absent below it first (ascending)."""
    from gui.core import alarms

    events = catchup.events_in(conn, event_gaps) if event_gaps else []
    events += catchup.events_after(conn, event_id)
    changes: list[Any] = []
    if alarm_gaps:
        marks = ",".join("?" * len(alarm_gaps))
        changes = [
            change
            for _origin, change in alarms.changes_with_origin(
                conn, f"c.seq IN ({marks})", tuple(alarm_gaps), catchup.BATCH
            )
        ]
    changes += catchup.alarm_changes_after(conn, alarm_seq)
    return events, changes


def _in_order(events: list[EventStored], changes: list[AlarmChanged]) -> Iterable[Any]:
    """Both lists merged, each in its own order (ids and seqs only grow, so a client
    resuming from any frame's position misses nothing); an alarm change comes after
    the event it names."""
    i = 0
    for change in changes:
        named = change.alarm.event_id
        while named is not None and i < len(events) and events[i].summary.id <= named:
            yield events[i]
            i += 1
        yield change
    yield from events[i:]


def _already_sent(message: Any, reached: _CatchUp) -> bool:
    """Whether catch-up already sent this live message (it was stored before we read);
    one it found absent below its position (committed late) is sent once, live."""
    if isinstance(message, EventStored):
        if message.summary.merged or message.summary.id > reached.event_id:
            return False
        if message.summary.id in reached.event_gaps:
            reached.event_gaps.discard(message.summary.id)
            return False
        return True
    if isinstance(message, AlarmChanged):
        if not 0 < message.seq <= reached.alarm_seq:
            return False
        if message.seq in reached.alarm_gaps:
            reached.alarm_gaps.discard(message.seq)
            return False
        return True
    return False


async def _write_all(resp: web.StreamResponse, frames: Iterable[bytes]) -> None:
    chunk = b"".join(frames)
    if chunk:
        await resp.write(chunk)


async def api_stream(request: web.Request, hub: StreamHub) -> web.StreamResponse:
    """``GET /api/stream``: see the module docstring."""
    since = _last_event_id(request)  # BadStreamId -> 400 before anything is sent
    wanted = _wanted_types(request)
    try:
        await hub.prime()
    except Exception as exc:  # the database is down: the client retries
        from gui.core.server import json_response

        reply = {"code": 503, "status": 503, "message": f"the database cannot be read: {exc}"}
        return json_response(reply, 503)
    client = hub.register()
    try:
        resp = web.StreamResponse(
            headers={
                "Content-Type": "text/event-stream; charset=utf-8",
                "Cache-Control": "no-store",
                "X-Accel-Buffering": "no",  # nginx: pass frames on as they come
            }
        )
        await resp.prepare(request)
        transport = request.transport
        client.abort = transport.abort if transport is not None else None
        now = hub.current_id()
        now_serial = hub.serial
        replay = None
        if since is not None and since.epoch == hub.epoch and since.serial is not None:
            replay = hub.replay_after(since.serial)
        reached: _CatchUp | None = None
        hello: dict[str, Any] = {
            "epoch": hub.epoch,
            "event_id": now.event_id,
            "alarm_seq": now.alarm_seq,
            "heartbeat_s": hub.heartbeat_s,
        }
        if since is None:
            await resp.write(frame("hello", {**hello, "mode": "live"}, now.text()))
        elif replay is not None:
            await resp.write(frame("hello", {**hello, "mode": "exact"}))
            await _write_all(
                resp,
                (
                    d
                    for s, m, d in replay
                    if s <= now_serial and (wanted is None or type(m) in wanted)
                ),
            )
        else:
            await resp.write(frame("hello", {**hello, "mode": "catch_up"}))
            reached, sent = await _catch_up(hub, resp, since, wanted)
            await resp.write(
                frame(
                    "resync",
                    {
                        "reason": "resumed from the store: messages other than events and"
                        " alarm changes may have been missed",
                        "caught_up": sent,
                    },
                )
            )
        last_serial = now_serial
        loop = asyncio.get_running_loop()
        recheck_at = loop.time() + REVALIDATE_S
        beat_at = loop.time() + hub.heartbeat_s
        while True:
            if loop.time() >= recheck_at:
                recheck_at = loop.time() + REVALIDATE_S
                if not await still_authorised(request):
                    await resp.write(frame("cut", {"reason": "this user's token was revoked"}))
                    break
            if client.cut_reason is not None:
                await resp.write(frame("cut", {"reason": client.cut_reason}))
                break
            items = client.take()
            if items:
                out = []
                for serial, message, data in items:
                    if serial <= last_serial:
                        continue  # already sent from the ring
                    last_serial = serial
                    if reached is not None and _already_sent(message, reached):
                        continue
                    if wanted is not None and type(message) not in wanted:
                        continue
                    out.append(data)
                await _write_all(resp, out)
                beat_at = loop.time() + hub.heartbeat_s
                continue
            await client.wait(max(0.0, min(beat_at, recheck_at) - loop.time()))
            if not client._wake.is_set() and client.cut_reason is None and loop.time() >= beat_at:
                await resp.write(HEARTBEAT)
                beat_at = loop.time() + hub.heartbeat_s
    except ConnectionError:  # the client went away (resets included)
        pass
    finally:
        hub.unregister(client)
    return resp


def install(receiver: Any, settings: Any = None) -> StreamHub:
    """The hub listens from the start; the route is added with the app."""
    hub = StreamHub()
    hub.attach(receiver)

    def extend(app: web.Application, ctx: Any) -> None:
        hub.store = ctx.store
        hub.track_gaps = getattr(ctx.store, "engine", None) is not None

        async def handler(request: web.Request) -> web.StreamResponse:
            try:
                return await api_stream(request, hub)
            except BadStreamId as exc:
                from gui.core.server import json_response

                reply = {"code": 400, "status": 400, "message": str(exc), "param": exc.param}
                return json_response(reply, 400)

        app.router.add_get("/api/stream", handler)

        async def close_streams(_app: web.Application) -> None:
            hub.close_all("the receiver is stopping; reconnect with Last-Event-ID")

        app.on_shutdown.append(close_streams)

    receiver.extensions.append(extend)
    receiver.stream_hub = hub
    return hub
