"""From a request body to committed events and the reply the box gets.

Order matters: parse -> normalise -> decode images -> one writer job (events,
images, device last-seen) -> commit -> reply. Only then does anything else
(thumbnails, listeners, the request log) happen, so a 200 always means stored,
and slow extras never delay the box.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import parse_qsl

from gui.core import devices, lenient_json, protocol, scores
from gui.core import warnings as W
from gui.core.dbapi import Connection, rerunnable
from gui.core.event_rows import (
    Arrival,
    StoredEvent,
    pack_event_doc,
    pack_raw,
    store_event,
    store_face_thumb,
)
from gui.core.images import decode_image, face_crop_as_is
from gui.core.model import DecodedImage, EventWarning, ImageSource, NormalisedEvent

log = logging.getLogger(__name__)

HISTORY_PATHS = ("/EventServer/api/HistoryEvent", "/HistoryEvent", *protocol.VENDOR_HISTORY_PATHS)
REALTIME_PATHS = (
    "/EventServer/api/RealTimeEvent", "/RealTimeEvent", *protocol.VENDOR_REALTIME_PATHS,
)  # fmt: skip
EVENT_PATHS = HISTORY_PATHS + REALTIME_PATHS
HEALTH_PATHS = ("/DeviceStatus", "/SophonFogStatus", *protocol.VENDOR_STATUS_PATHS)
KNOWN_PATHS = EVENT_PATHS + HEALTH_PATHS

#: Reply codes of bodies that are not events at all (the HTTP status is 400).
ERR_EMPTY = 4001
ERR_UNPARSEABLE = 4002
ERR_NOT_OBJECT = 4003
ERR_EMPTY_ARRAY = 4004
ERR_NOT_EVENT = 4005
ERR_NO_EVENT_IN_ARRAY = 4006


class BadBody(ValueError):
    """The body is not an event at all: the box gets a 400 saying why."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class ParsedBody:
    """A body as JSON values, and how it came: ``json``, ``form-data`` or ``urlencoded``.

    ``value`` is storable (see ``lenient_json``); ``lenient`` holds the value as
    received and what was replaced to make it so.
    """

    value: Any
    body_format: str
    lenient: lenient_json.Lenient | None = None

    @classmethod
    def of(cls, value: Any, body_format: str) -> ParsedBody:
        result = lenient_json.sanitise(value)
        return cls(result.clean, body_format, result)


@dataclass
class PreparedEvent:
    """An event ready for the writer: normalised, images decoded, all warnings known."""

    index: int
    event: NormalisedEvent
    images: list[DecodedImage]
    dropped: list[ImageSource]
    warnings: list[EventWarning]
    #: The feed's face thumbnail when it needs no work (stored in the event's job).
    face_thumb: bytes | None = None
    #: The raw column, packed here rather than in the writer's job (``pack_raw``).
    packed_raw: bytes | None = None
    #: The doc column packed here too (``pack_event_doc``), and what it was made of:
    #: a resolver that gives the event a camera replaces ``event`` (see ``packed_doc``).
    _doc: tuple[NormalisedEvent, int, bytes] | None = field(default=None, init=False, repr=False)

    def pack_doc(self) -> None:
        """Pack the doc column now, off the writer thread (every box's reply waits for it)."""
        self._doc = (self.event, len(self.warnings), pack_event_doc(self.event, self.warnings))

    @property
    def packed_doc(self) -> bytes | None:
        """The doc packed by ``pack_doc``, unless the event or its warnings changed since."""
        if self._doc is None:
            return None
        event, warnings, packed = self._doc
        return packed if event is self.event and warnings == len(self.warnings) else None


@dataclass
class Prepared:
    """What a body yielded: events to store, elements rejected, or a health report."""

    body_format: str
    events: list[PreparedEvent] = field(default_factory=list)
    rejected: list[dict[str, Any]] = field(default_factory=list)
    health_report: dict[str, Any] | None = None
    #: Report parts of the events in a batch that also carry report keys: each
    #: updates its device like a top-level one (``health_report``) does.
    report_parts: list[dict[str, Any]] = field(default_factory=list)
    count_in_body: int = 0
    #: Filled by the store job's event hooks: what to announce once it is committed.
    after_commit: list[Callable[[], None]] = field(default_factory=list)


#: Runs inside the transaction that writes an event (new or merged), so what it
#: writes (an alarm) commits with the event or not at all; returns what to do
#: once committed (announce), or None.
EventHook = Callable[[Connection, StoredEvent], Callable[[], None] | None]


# -- parsing ------------------------------------------------------------------------


def _form_value(value: str) -> Any:
    """Nested objects arrive as JSON text inside form fields."""
    stripped = value.strip()
    if stripped[:1] in ("{", "["):
        try:
            return json.loads(stripped)
        except ValueError:
            return value
    return value


def form_to_object(fields: Sequence[tuple[str, str]]) -> dict[str, Any]:
    return {name: _form_value(value) for name, value in fields}


def _blank(body: bytes | bytearray) -> bool:
    """Empty or only whitespace, without copying a huge body (``strip`` would)."""
    return not body[:64].strip() and not body.strip()


def parse_body(
    body: bytes | bytearray, content_type: str, form_fields: Sequence[tuple[str, str]] | None
) -> ParsedBody:
    """Body bytes to a JSON value. ``form_fields`` are the already-parsed multipart fields.

    JSON sent with the wrong content type (``text/plain``...) still counts as JSON:
    boxes and their installers get content types wrong.
    """
    if form_fields is not None:
        if not form_fields:
            raise BadBody(ERR_EMPTY, "form-data body has no fields")
        return ParsedBody.of(form_to_object(form_fields), "form-data")
    if _blank(body):
        raise BadBody(ERR_EMPTY, "empty body: expected a JSON event, or an array of events")
    try:
        result = lenient_json.loads(body)
        return ParsedBody(result.clean, "json", result)
    except ValueError as exc:
        json_error = exc
    except RecursionError:
        raise BadBody(ERR_UNPARSEABLE, "JSON nested too deeply") from None
    if "x-www-form-urlencoded" in content_type or b"=" in body[:200]:
        try:
            fields = parse_qsl(body.decode("utf-8"), keep_blank_values=True, strict_parsing=True)
        except (ValueError, UnicodeDecodeError):
            fields = []
        if fields:
            return ParsedBody.of(form_to_object(fields), "urlencoded")
    raise BadBody(
        ERR_UNPARSEABLE,
        f"body is not JSON ({json_error}) nor form data; content type was {content_type or 'none'}",
    )


# -- preparing ----------------------------------------------------------------------


def _note_warnings(notes: Sequence[lenient_json.Note]) -> list[EventWarning]:
    """Values replaced to make the event storable, as event warnings."""
    return [
        W.make(n.code, ".".join(str(p) for p in n.path) or None, detail=n.detail) for n in notes
    ]


def prepare_event(
    index: int,
    obj: Any,
    *,
    received_at: int,
    realtime: bool,
    path_warning: EventWarning | None,
    raw: Any = None,
    notes: Sequence[lenient_json.Note] = (),
) -> PreparedEvent:
    """Normalise and decode one event. Raises ``protocol.NotAnEvent``.

    ``raw`` is the element as received when ``obj`` had values replaced to be storable.
    """
    event = protocol.normalise(obj, received_at=received_at, realtime=realtime)
    if raw is not None and raw is not obj:
        event = replace(event, raw=raw)
    warnings = [*_note_warnings(notes), *event.warnings]
    if path_warning is not None:
        warnings.append(path_warning)
    images: list[DecodedImage] = []
    dropped: list[ImageSource] = []
    for source in event.images:
        decoded, image_warnings = decode_image(source)
        warnings.extend(image_warnings)
        if decoded is not None:
            images.append(decoded)
        elif any(w.code == W.IMAGE_TOO_LARGE for w in image_warnings):
            dropped.append(source)
    scene = next((i for i in images if i.kind == "spot_pic"), None)
    if scene is not None:
        warnings.extend(
            protocol.geometry_warnings(event.face_box, event.landmarks, (scene.width, scene.height))
        )
    prepared = PreparedEvent(
        index, event, images, dropped, warnings, face_crop_as_is(images),
        pack_raw(event, images, dropped),
    )  # fmt: skip
    prepared.pack_doc()
    return prepared


def prepare(parsed: ParsedBody, *, path: str, received_at: int) -> Prepared:
    """Turn a parsed body into events (or a health report). Raises ``BadBody``."""
    if parsed.lenient is None:  # a value parsed elsewhere (a pulled frame): make it storable
        parsed = ParsedBody.of(parsed.value, parsed.body_format)
    value = parsed.value
    out = Prepared(parsed.body_format)
    # A report is known by its keys on any path (FIRMWARE_VARIANTS.md §5).
    if protocol.looks_like_health_report(value):
        out.health_report = value
        return out
    if isinstance(value, dict):
        elements = [value]
        is_batch = False
        # An event that carries report keys too: its report part updates the device.
        out.health_report = protocol.health_report_part(value)
    elif isinstance(value, list):
        if not value:
            raise BadBody(ERR_EMPTY_ARRAY, "empty array: no events in the body")
        elements = value
        is_batch = True
    else:
        raise BadBody(
            ERR_NOT_OBJECT,
            f"body is a JSON {type(value).__name__}; expected an event object or an array",
        )
    realtime = path in REALTIME_PATHS
    path_warning = None
    if path not in EVENT_PATHS:
        path_warning = W.make(W.UNKNOWN_PATH, "path", path=path)
    out.count_in_body = len(elements)
    lenient = parsed.lenient
    assert lenient is not None
    raws = lenient.raw if is_batch else [lenient.raw]
    for index, element in enumerate(elements):
        notes = lenient.notes_under(index if is_batch else None)
        try:
            out.events.append(
                prepare_event(
                    index, element, received_at=received_at, realtime=realtime,
                    path_warning=path_warning, raw=raws[index], notes=notes,
                )
            )  # fmt: skip
        except protocol.NotAnEvent as exc:
            out.rejected.append({"index": index, "message": str(exc)})
            continue
        if is_batch:
            part = protocol.health_report_part(element)
            if part is not None:
                out.report_parts.append(part)
    if not out.events:
        if is_batch:
            reasons = "; ".join(f"[{r['index']}] {r['message']}" for r in out.rejected[:5])
            raise BadBody(ERR_NO_EVENT_IN_ARRAY, f"array holds no event: {reasons}")
        raise BadBody(ERR_NOT_EVENT, out.rejected[0]["message"])
    return out


# -- storing ------------------------------------------------------------------------


def store_job(
    prepared: Prepared,
    arrival: Arrival,
    tally: devices.DeviceTally | None = None,
    hooks: Sequence[EventHook] = (),
    scales: scores.ScaleCache | None = None,
    give_way: Callable[[], bool] | None = None,
) -> Callable[[Connection], list[StoredEvent]]:
    """The writer job for one request: all its events in one transaction.

    With ``tally`` (the writer's batch hook) the devices' last-seen and counts
    are written once per batch; without, by this job. ``hooks`` run for each
    event written (alarms), in the same transaction. ``scales`` shares the
    boxes' score configuration between the jobs of a batch.

    ``give_way`` (background work: a backfill's records): asked after each event
    but the last; when it says so the job ends there and returns the events
    stored so far, a prefix of ``prepared.events`` (the health report, which goes
    with the last event, is then not written). The caller writes the rest later.
    """

    def job(conn: Connection) -> list[StoredEvent]:
        stored: list[StoredEvent] = []
        prepared.after_commit.clear()
        if scales is not None:
            scales.job_started(conn)
        book: scores.ScaleBook | None = None
        for p in prepared.events:
            if stored and give_way is not None and give_way():
                break  # a live write is waiting: it joins this transaction now
            result = store_event(
                conn, p.event, p.images, arrival, p.warnings, dropped=p.dropped,
                packed_raw=p.packed_raw, packed_doc=p.packed_doc,
            )  # fmt: skip
            if result.outcome != "duplicate":
                if result.summary.score is not None:
                    # The box's configured scale, so the live views and the alarm rule
                    # read the score as the box means it (``gui.core.scores``).
                    if book is None:
                        book = scores.scale_book(conn) if scales is None else scales.book(conn)
                    result = _with_scale(result, book, arrival.source_ip)
                if p.face_thumb is not None:
                    store_face_thumb(conn, result.summary.id, p.face_thumb)
                for hook in hooks:
                    then = hook(conn, result)
                    if then is not None:
                        prepared.after_commit.append(then)
            stored.append(result)
        complete = len(stored) == len(prepared.events)
        if prepared.health_report is not None and complete:
            devices.apply_health_report(conn, prepared.health_report, arrival)
        for part in prepared.report_parts if complete else ():
            devices.apply_health_report(conn, part, arrival)
        # Counted only once nothing in this job can fail any more.
        for p, result in zip(prepared.events[: len(stored)], stored, strict=True):
            if result.outcome == "duplicate":
                continue
            if tally is None:
                devices.note_event(conn, result.summary, p.event, arrival)
            else:
                tally.note(result.summary, p.event, arrival)
        if scales is not None:
            scales.job_ended(
                conn,
                boxes_changed=complete
                and (prepared.health_report is not None or bool(prepared.report_parts)),
            )
        return stored

    # Run again after a rollback, it does the same: ``after_commit`` is set afresh,
    # ``tally`` is a batch hook (reset with the batch), ``scales`` reads again.
    return rerunnable(job)


def _with_scale(result: StoredEvent, book: scores.ScaleBook, source_ip: str) -> StoredEvent:
    s = result.summary
    scale, threshold = scores.context_of(book, s.score, s.dev_sno, s.ep_id, source_ip)
    return StoredEvent(replace(s, score_scale=scale, threshold=threshold), result.outcome)


def success_reply(prepared: Prepared, stored: Sequence[StoredEvent]) -> dict[str, Any]:
    """HTTP 200 body: covers every success convention the boxes are known to read."""
    reply: dict[str, Any] = {"code": 0, "status": 0, "message": "SUCCESS"}
    if prepared.health_report is not None or prepared.report_parts:
        reply["device_status"] = "stored"
        if not prepared.events:
            return reply
    reply["events"] = [
        {
            "index": p.index,
            "id": s.summary.id,
            "result": s.outcome,
            "warnings": [w.code for w in p.warnings],
        }
        for p, s in zip(prepared.events, stored, strict=True)
    ]
    if prepared.rejected:
        reply["rejected"] = prepared.rejected
    return reply


def error_reply(code: int, message: str, status: int | None = None) -> dict[str, Any]:
    """The one shape of every JSON error: ``status`` is the HTTP status, ``code`` the
    same or a finer one (the 400x body codes)."""
    if status is None:
        status = code if 100 <= code < 600 else 400
    return {"code": code, "status": status, "message": message}


def summarise_warnings(prepared: Prepared) -> list[dict[str, Any]]:
    """Warnings of a whole request for the request log, each tagged with its event index."""
    out = []
    for p in prepared.events:
        for w in p.warnings:
            out.append({"index": p.index, **w.to_json()})
    return out


def header_map(headers: Mapping[str, str]) -> dict[str, str]:
    return {k: v for k, v in headers.items()}
