"""The ingest pipeline: one delivery in, committed events and a typed outcome out.

Every transport hands its deliveries to the same ``IngestPipeline``: the HTTP
server (boxes pushing), and pullers (a box's WebSocket, its event query for
backfill). Nothing here knows about HTTP requests; the input is plain data
(``Delivery``) and the output is an ``IngestOutcome`` the transport translates.

The stages, in order::

    parse      body bytes -> JSON value (json_body; form fields; urlencoded)
    normalise  JSON -> events + warnings, image headers decoded (ingest, protocol, images)
    store      one writer job for the delivery; the devices batch hook counts per batch
    reply      the outcome: status and the JSON reply every box convention reads
    announce   EventStored / HealthReportStored to subscribers, then thumbnails
               (FaceThumbReady once committed); the request log (RequestLogged)

A ``status`` of 200 always means committed. 400: not an event, nothing stored,
retrying will not help. 500/503: retry; nothing was stored, except that a large
batch is written in pieces (``PIECE_EVENTS``), one transaction each, so the pieces
committed before a failure are stored, and the retry finds them as duplicates.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import Any

from gui.core import devices, ingest, lowprio, scores
from gui.core.event_rows import Arrival, StoredEvent
from gui.core.ingest import Prepared  # in the class, "ingest" is its method
from gui.core.messages import EventStored, HealthReportStored, Message, RequestLogged
from gui.core.phases import PhaseClock
from gui.core.requestlog import RequestLog, RequestRecord
from gui.core.store import LiveWrite, StorageError, Store, StoreClosed
from gui.core.thumbnails import Thumbnailer

log = logging.getLogger(__name__)

#: Bodies above this are parsed off the event loop (parsing 60 MB of JSON takes a while).
INLINE_PARSE_LIMIT = 1024 * 1024

#: Background work counts boxes as pushing until this many seconds after a live delivery.
LIVE_QUIET = 2.0

#: How long a low-priority delivery (a backfill's) waits for live ones in flight
#: before its write is queued anyway (seconds).
LOW_PRIORITY_WRITE_WAIT = 0.25

#: Channels of pulled events: the push path whose meaning they share.
CHANNEL_REALTIME = ingest.REALTIME_PATHS[0]
CHANNEL_HISTORY = ingest.HISTORY_PATHS[0]


@dataclass(frozen=True)
class Delivery:
    """What a transport received, as plain data.

    Give ``body`` (bytes as received, with ``content_type``), or ``form_fields``
    (a multipart body already split into text fields, files as base64), or
    ``parsed`` (a JSON value already decoded, e.g. a WebSocket frame; wrap it as
    ``ingest.ParsedBody(value, "json")``). ``path`` is the channel: the HTTP
    path, or for pulled events ``CHANNEL_REALTIME`` / ``CHANNEL_HISTORY`` so
    they are normalised like the pushed ones. ``received_at`` is epoch ms.
    """

    path: str
    source_ip: str
    received_at: int
    body: bytes | bytearray = b""
    content_type: str = ""
    form_fields: Sequence[tuple[str, str]] | None = None
    parsed: ingest.ParsedBody | None = None
    self_test: bool = False
    #: The path stored with the events when it is not ``path`` (a puller's URL,
    #: e.g. ``ws://BOX:5679``), so a user sees where a pulled event came from.
    recorded_path: str | None = None
    #: Times converted from a box's stored record (float seconds), for the ±1 ms match;
    #: give ``recorded_path`` as the full URL the record came from.
    approximate_time: bool = False
    #: Prepare (decode the photos' base64, read their headers) on the parse pool:
    #: for pulled deliveries, so pushes arriving meanwhile find the loop free.
    prepare_off_loop: bool = False
    #: Makes ``parsed`` where the delivery is prepared (off the loop when
    #: ``prepare_off_loop``): a backfill's records become events there, so the
    #: base64 of their pictures is not made on the loop.
    build: Callable[[], ingest.ParsedBody] | None = None
    #: Background work (a backfill): while boxes push, prepared on the low-OS-priority
    #: thread; written after the live deliveries queued with it (the writer's bulk
    #: lane), not counted as live (``live_in_flight``), its thumbnails deferred.
    low_priority: bool = False


@dataclass(frozen=True)
class IngestOutcome:
    """What became of a delivery; ``reply`` is the JSON the box gets.

    ``status`` follows HTTP: 200 committed (``stored`` holds every event of
    the delivery in body order, duplicates included), 400 not an event (``reply``
    says why), 500 a bug while storing, 503 the database cannot be written.
    """

    status: int
    reply: dict[str, Any]
    stored: tuple[StoredEvent, ...] = ()
    #: Warnings of the whole delivery, each tagged with its event's index in the body.
    warnings: tuple[dict[str, Any], ...] = ()
    #: ``json``, ``form-data`` or ``urlencoded``; None when the body was not parsed.
    body_format: str | None = None
    health_report: bool = False

    @property
    def ok(self) -> bool:
        return self.status == 200

    @property
    def event_ids(self) -> tuple[int, ...]:
        return tuple(s.summary.id for s in self.stored)


class IngestPipeline:
    """Parse -> normalise -> store -> reply -> announce; one per receiver, on its loop.

    ``announce`` receives every message the pipeline produces (``EventStored``,
    ``HealthReportStored``, ``FaceThumbReady``, ``RequestLogged``); it runs on
    the core loop and must return quickly.
    """

    def __init__(
        self,
        store: Store,
        announce: Callable[[Message], None] = lambda _message: None,
        *,
        request_log: RequestLog | None = None,
        event_hooks: Sequence[ingest.EventHook] = (),
        lower_thumbnails: bool = False,
    ) -> None:
        self.store = store
        #: Run in the transaction of each event written (``ingest.EventHook``): alarms.
        self.event_hooks = event_hooks
        self.announce = announce
        self.request_log = request_log if request_log is not None else RequestLog()
        #: The boxes' score configuration, shared by the ingest jobs of a writer batch.
        self._scales = scores.ScaleCache(lambda: store.writer.batches)
        self.thumbnails = Thumbnailer(
            store, self._announce, busy=lambda: self.in_flight > 0,
            live_recently=self.live_recently, background=self.background_pool,
            lower_thread=lower_thumbnails,
        )  # fmt: skip
        #: Deliveries being received or handled right now; deferrable work waits for zero.
        self.in_flight = 0
        #: The same, without low-priority ones (backfills): what a backfill waits for.
        self.live_in_flight = 0
        #: When the last live delivery ended (``time.monotonic()``): backfills pace
        #: themselves harder while boxes are pushing.
        self.live_ended_at = float("-inf")
        self._parse_pool: ThreadPoolExecutor | None = None
        self._background_pool: ThreadPoolExecutor | None = None
        self._background: set[asyncio.Task[Any]] = set()
        #: Called with each delivery and its prepared events before they are stored:
        #: a feature that knows the sender (a box added by address) may name a camera
        #: the body left unnamed, so the natural key matches the other channels.
        self.resolvers: list[Callable[[Delivery, ingest.Prepared], None]] = []

    def live_recently(self, seconds: float) -> bool:
        """A live delivery is in flight or ended less than ``seconds`` ago."""
        return self.live_in_flight > 0 or time.monotonic() - self.live_ended_at < seconds

    async def live_quiet(self, at_most: float) -> None:
        """Wait (up to ``at_most`` seconds) until no live delivery is in flight."""
        waited = 0.0
        while self.live_in_flight > 0 and waited < at_most:
            await asyncio.sleep(0.005)
            waited += 0.005

    def _announce(self, message: Message) -> None:
        self.announce(message)

    @contextlib.contextmanager
    def receiving(self, *, live: bool = True) -> Iterator[None]:
        """Counts a delivery still arriving (a long upload) as in flight."""
        self.in_flight += 1
        self.live_in_flight += live
        try:
            yield
        finally:
            self.in_flight -= 1
            self.live_in_flight -= live
            if live:
                self.live_ended_at = time.monotonic()

    # -- the pipeline ------------------------------------------------------------------

    async def ingest(self, delivery: Delivery, clock: PhaseClock | None = None) -> IngestOutcome:
        """Run one delivery through every stage; never raises for bad input or storage.

        ``clock`` is marked at the end of each stage (``phases``).
        """
        with self.receiving(live=not delivery.low_priority):
            # A push (not a large upload): a backfill's write in progress gives way to it.
            live = (
                self.store.writer.expect_live()
                if not delivery.low_priority and _size(delivery) <= INLINE_PARSE_LIMIT
                else None
            )
            try:
                return await self._ingest(delivery, clock, live)
            finally:
                if live is not None:
                    live.close()

    async def _ingest(
        self, d: Delivery, clock: PhaseClock | None, live: LiveWrite | None = None
    ) -> IngestOutcome:
        body_format: list[str] = []

        def parse_and_prepare() -> ingest.Prepared:
            if d.parsed is not None:
                parsed = d.parsed
            elif d.build is not None:
                parsed = d.build()
            else:
                parsed = ingest.parse_body(d.body, d.content_type, d.form_fields)
            body_format.append(parsed.body_format)
            return ingest.prepare(parsed, path=d.path, received_at=d.received_at)

        try:
            if d.low_priority and self.live_recently(LIVE_QUIET):
                # A backfill's photos while boxes push: on the low-priority thread.
                loop = asyncio.get_running_loop()
                prepared = await loop.run_in_executor(self.background_pool(), parse_and_prepare)
            elif len(d.body) > INLINE_PARSE_LIMIT or d.prepare_off_loop or d.low_priority:
                loop = asyncio.get_running_loop()
                prepared = await loop.run_in_executor(self._pool(), parse_and_prepare)
            else:
                prepared = parse_and_prepare()
        except ingest.BadBody as exc:
            return IngestOutcome(
                400, ingest.error_reply(exc.code, exc.message),
                body_format=body_format[0] if body_format else None,
            )  # fmt: skip
        if clock is not None:
            clock.mark("parse")

        for resolve in self.resolvers:
            try:
                resolve(d, prepared)
            except Exception:
                log.exception("resolver %r failed", resolve)
        arrival = Arrival(
            received_at=d.received_at,
            source_ip=d.source_ip,
            path=d.recorded_path or d.path,
            self_test=d.self_test,
            approximate_time=d.approximate_time,
        )
        bulk = d.low_priority or _is_bulk(d, prepared)
        if bulk and live is not None:
            live.close()  # written in bulk: nothing to give way to
            live = None
        # A backfill's piece stops between records for a push on its way to the writer;
        # the push joins its transaction (``store.Writer``), the rest is written next.
        give_way = self.store.writer.live_pending if d.low_priority else None
        stored: list[StoredEvent] = []
        tally = self.store.writer.batch_hook("devices", devices.DeviceTally)
        todo = pieces(prepared) if bulk else [prepared]
        while todo:
            piece = todo.pop(0)
            if d.low_priority:
                # A push that came in while this was prepared is written first: a
                # transaction of backfilled photos started ahead of it would delay its reply.
                await self.live_quiet(LOW_PRIORITY_WRITE_WAIT)
            try:
                piece_stored = await self.store.write(
                    ingest.store_job(
                        piece, arrival, tally, self.event_hooks, self._scales, give_way=give_way
                    ),
                    bulk=bulk,
                    clock=clock,
                    live=live,
                    background=d.low_priority,
                )
                if clock is not None:
                    clock.writer_marks()
            except (StorageError, StoreClosed) as exc:
                why = exc.describe() if isinstance(exc, StorageError) else f"shutting down ({exc})"
                return IngestOutcome(
                    503,
                    ingest.error_reply(503, f"{_not_stored(prepared, stored)}: {why}"),
                    body_format=prepared.body_format,
                )
            except Exception as exc:  # a bug must not cost the event: the box retries on 5xx
                log.exception("storing events failed")
                what = _not_stored(prepared, stored)
                return IngestOutcome(
                    500,
                    ingest.error_reply(500, f"internal error while storing: {exc} ({what})"),
                    body_format=prepared.body_format,
                )
            if len(piece_stored) < len(piece.events):  # it gave way to a live write
                piece, rest = _split(piece, len(piece_stored))
                todo.insert(0, rest)
            stored.extend(piece_stored)
            self._committed(piece, piece_stored, arrival, deferred=d.low_priority)
        if clock is not None:
            clock.mark("resume")

        return IngestOutcome(
            200,
            ingest.success_reply(prepared, stored),
            stored=tuple(stored),
            warnings=_warnings(prepared, stored),
            body_format=prepared.body_format,
            health_report=prepared.health_report is not None or bool(prepared.report_parts),
        )

    def _committed(
        self,
        piece: Prepared,
        stored: Sequence[StoredEvent],
        arrival: Arrival,
        *,
        deferred: bool,
    ) -> None:
        """Announce what one committed job stored, and start its thumbnails."""
        for report in (piece.health_report, *piece.report_parts):
            if report is not None:
                self._announce(HealthReportStored(arrival.source_ip, arrival.received_at, report))
        for s in stored:
            if s.outcome != "duplicate":
                self._announce(EventStored(s.summary))
        for then in piece.after_commit:
            try:
                then()
            except Exception:
                log.exception("announcing what an event raised failed")
        self.thumbnails.after_store(stored, piece.events, deferred=deferred)

    def _pool(self) -> ThreadPoolExecutor:
        if self._parse_pool is None:
            self._parse_pool = ThreadPoolExecutor(2, thread_name_prefix="gatewatch-parse")
        return self._parse_pool

    def background_pool(self) -> ThreadPoolExecutor:
        """The low-OS-priority thread for background CPU work (a backfill's, its thumbnails)."""
        if self._background_pool is None:
            self._background_pool = lowprio.background_executor()
        return self._background_pool

    # -- the request log ---------------------------------------------------------------

    def log_request(self, record: RequestRecord) -> None:
        """Keep ``record``; it is written after the reply and announced as ``RequestLogged``."""
        if self.request_log.add(record):
            task = asyncio.ensure_future(self._write_request_log())
            self._background.add(task)
            task.add_done_callback(self._background.discard)

    async def _write_request_log(self) -> None:
        """After the reply: the request log is for people, it must never slow the box."""
        try:
            written = await self.store.write(self.request_log.flush_job())
        except (StorageError, StoreClosed):
            self.request_log.flush_failed()
            return
        except Exception:
            self.request_log.flush_failed()
            log.exception("could not log requests")
            return
        for record in written:
            self._announce(RequestLogged(replace(record, body=None, headers={})))

    # -- lifecycle ---------------------------------------------------------------------

    def close(self) -> None:
        """Stop the pipeline's threads and pending background work (on the core loop)."""
        for task in list(self._background):
            task.cancel()
        if self._parse_pool is not None:
            self._parse_pool.shutdown(wait=False, cancel_futures=True)
        self.thumbnails.close()
        if self._background_pool is not None:
            self._background_pool.shutdown(wait=False, cancel_futures=True)


def _warnings(
    prepared: ingest.Prepared, stored: Sequence[StoredEvent]
) -> tuple[dict[str, Any], ...]:
    """The request's warnings, and a ``duplicate`` one per event already stored."""
    out = tuple(ingest.summarise_warnings(prepared))
    return out + tuple(
        {"index": p.index, "code": "duplicate", "field": None,
         "message": "already stored: the box sent this event again"}
        for p, s in zip(prepared.events, stored, strict=True)
        if s.outcome == "duplicate"
    )  # fmt: skip


#: A delivery this large (bytes) or with this many events is a bulk write: it
#: yields to the real-time events queued with it (``store.Writer._run``).
BULK_BYTES = 2 * 1024 * 1024
BULK_EVENTS = 50

#: A bulk delivery is written in pieces of at most this many events and (beyond its
#: first event) this many bytes of photos and raw JSON, each piece its own
#: transaction: an event queued meanwhile (a real-time POST) waits for the piece in
#: progress, never for the whole batch (a 20,000-event history upload was one 49 s
#: transaction). A failure after some pieces committed answers 503 like any storage
#: failure; the box sends the batch again and the committed events are recognised
#: as duplicates, so nothing is stored twice.
PIECE_EVENTS = 50
PIECE_BYTES = 4 * 1024 * 1024


def _event_bytes(p: ingest.PreparedEvent) -> int:
    return sum(len(i.data) for i in p.images) + len(p.packed_raw or b"")


def pieces(prepared: ingest.Prepared) -> list[ingest.Prepared]:
    """``prepared`` cut into the pieces written one transaction each (``PIECE_EVENTS``).

    The device's health report (and the batch's report parts) go with the last piece:
    the device is updated once every event of the delivery is stored.
    """
    groups: list[list[ingest.PreparedEvent]] = [[]]
    size = 0
    for p in prepared.events:
        cost = _event_bytes(p)
        group = groups[-1]
        if group and (len(group) >= PIECE_EVENTS or size + cost > PIECE_BYTES):
            groups.append([])
            size = 0
        groups[-1].append(p)
        size += cost
    if len(groups) == 1:
        return [prepared]
    last = len(groups) - 1
    return [
        replace(
            prepared,
            events=group,
            health_report=prepared.health_report if n == last else None,
            report_parts=prepared.report_parts if n == last else [],
            after_commit=[],
        )
        for n, group in enumerate(groups)
    ]


def _split(piece: ingest.Prepared, count: int) -> tuple[ingest.Prepared, ingest.Prepared]:
    """A piece whose job gave way after ``count`` events: what it stored (with the
    announcements its job collected), and the rest (with the piece's health report)."""
    written = replace(piece, events=piece.events[:count], health_report=None, report_parts=[])
    rest = replace(piece, events=piece.events[count:], after_commit=[])
    return written, rest


def _not_stored(prepared: ingest.Prepared, stored: Sequence[StoredEvent]) -> str:
    """What a 5xx says was stored: nothing, or the pieces committed before the failure."""
    if not stored:
        return "events not stored, retry later"
    return (
        f"{len(stored)} of {len(prepared.events)} events stored before the failure, the rest"
        " not: send the batch again (the stored ones are recognised as duplicates)"
    )


def _size(d: Delivery) -> int:
    return len(d.body) + sum(len(value) for _name, value in d.form_fields or ())


def _is_bulk(d: Delivery, prepared: ingest.Prepared) -> bool:
    return _size(d) > BULK_BYTES or len(prepared.events) > BULK_EVENTS
