"""The read API a window attached over the network needs, beside ``server.py``'s routes.

Each route answers one call of the ``Reader`` interface (``gui.core.reader``)
that the older routes did not, in the JSON shapes of ``gui.core.wire``, so an
HTTP implementation of ``Reader`` can decode them with the same module. Bad or
huge query values are answered 400 naming the parameter (``query.BadQuery``);
errors have the API's one JSON shape. The API guard (loopback or token) applies.

| Reader call | route |
| --- | --- |
| ``latest_events`` (feed, wall tiles) | ``GET /api/briefs?limit=&before=&self_tests=0`` |
| events after an id, ascending | ``GET /api/briefs?after=ID&limit=`` |
| ``arrivals_since`` | ``GET /api/arrivals?since=MS`` |
| ``events_page`` | ``GET /api/history?<filter>&sort=&order=&before=&limit=`` |
| ``count_events`` | ``GET /api/count?<filter>`` |
| ``event_raw_text`` | ``GET /api/events/{id}/raw-text`` |
| ``face_thumbnail`` | ``GET /api/events/{id}/face-thumb`` |
| ``event_box`` | ``GET /api/events/{id}/box`` |
| ``device_names`` (filter lists) | ``GET /api/filters`` |
| ``export`` | ``GET /api/export?<filter>&format=csv|jsonl`` (streamed) |
| ``export`` with photos | ``GET /api/export/photos?ids=ID,ID,...`` (streamed frames) |
| ``disk_status`` (and retention) | ``GET /api/disk`` |
| ``request_body`` | ``GET /api/requests/{id}/body`` |
| ``request_image`` | ``GET /api/requests/{id}/image?path=`` |
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
import weakref
from collections.abc import Callable, Mapping
from typing import Any

from aiohttp import web

from gui.core import query, reader, retention, wire
from gui.core.ingest import error_reply
from gui.core.messages import RetentionRan
from gui.core.model import EventBrief
from gui.core.server import CTX, json_response, now_ms

#: Exports running at once (each holds a reader thread for its whole length).
MAX_EXPORTS = 2
#: Chunks of an export waiting for a slow client before the producer waits too.
EXPORT_QUEUE = 4
#: Longest JSON path accepted by ``/api/requests/{id}/image``.
MAX_JSON_PATH = 500
#: Events whose photos one ``/api/export/photos`` request may ask for.
MAX_PHOTO_IDS = 500
#: Photo streams served at once (each holds a reader thread while its client reads).
MAX_PHOTO_STREAMS = 2
#: Events whose photos one SQL query reads (scene photos are ~0.4 MB each).
PHOTO_QUERY_EVENTS = 8
#: Frames gathered into one write of a photo stream.
PHOTO_WRITE_BYTES = 1024 * 1024


def _id(request: web.Request, name: str, what: str) -> int:
    text = request.match_info[name]
    if not text.isdigit() or len(text) > 19:
        raise query.BadQuery("id", f"{what} ids are positive integers")
    return int(text)


def _not_found(what: str) -> web.Response:
    return json_response(error_reply(404, f"{what} not found"), 404)


def _bounded(params: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    value = query._int(params, name)
    if value is None:
        return default
    if not low <= value <= high:
        raise query.BadQuery(name, f"must be between {low} and {high}")
    return value


def _store_reader(request: web.Request) -> reader.StoreReader:
    return reader.StoreReader(request.app[CTX].store)


async def _read(request: web.Request, fn: Any) -> Any:
    """Run ``fn(StoreReader)`` off the loop (the reader's calls block)."""
    store_reader = _store_reader(request)
    return await asyncio.get_running_loop().run_in_executor(None, lambda: fn(store_reader))


# -- events ---------------------------------------------------------------------------


async def api_briefs(request: web.Request) -> web.Response:
    """Newest first below ``before``; or, with ``after``, oldest first above it."""
    params = request.query
    limit = _bounded(params, "limit", query.DEFAULT_LIMIT, 1, query.MAX_LIMIT)
    self_tests = query._bool(params, "self_tests")
    self_tests = True if self_tests is None else self_tests
    before = query._int(params, "before")
    after = query._int(params, "after")
    if before is not None and after is not None:
        raise query.BadQuery("after", "give before or after, not both")
    if after is not None:

        def ascending(r: reader.StoreReader) -> list[EventBrief]:
            conn = r._conn()
            where = "id > ?" + ("" if self_tests else " AND self_test = 0")
            row = conn.execute(
                f"SELECT max(id), count(*) FROM (SELECT id FROM events WHERE {where}"
                " ORDER BY id LIMIT ?) AS page",
                (after, limit),
            ).fetchone()
            if not row[1]:
                return []
            found = r.latest_events(limit, before_id=int(row[0]) + 1, self_tests=self_tests)
            return sorted((b for b in found if b.id > after), key=lambda b: b.id)

        briefs = await _read(request, ascending)
    else:
        briefs = await _read(
            request, lambda r: r.latest_events(limit, before_id=before, self_tests=self_tests)
        )
    return json_response({"events": [wire.brief_to_json(b) for b in briefs]})


async def api_arrivals(request: web.Request) -> web.Response:
    since = query._int(request.query, "since")
    if since is None:
        raise query.BadQuery("since", "required: a time in ms")
    found = await _read(request, lambda r: r.arrivals_since(since))
    return json_response(wire.arrivals_to_json(found))


async def api_history(request: web.Request) -> web.Response:
    """One page of ``Reader.events_page``; ``next`` is the cursor of its last row."""
    params = request.query
    flt = query.parse_filter(params)
    limit = query.parse_limit(params)
    sort, desc = query.parse_sort(params)
    cursor = params.get("before") or None
    before = query.decode_sort_cursor(cursor, sort, desc) if cursor else None
    page = await _read(
        request,
        lambda r: r.events_page(flt, sort=sort, descending=desc, before=before, limit=limit),
    )
    data = wire.event_page_to_json(page)
    last = page.rows[-1].key if page.rows and page.more else None
    data["next"] = query.encode_sort_cursor(sort, desc, last) if last is not None else None
    return json_response(data)


async def api_count(request: web.Request) -> web.Response:
    flt = query.parse_filter(request.query)
    return json_response({"count": await _read(request, lambda r: r.count_events(flt))})


async def api_raw_text(request: web.Request) -> web.Response:
    event_id = _id(request, "event_id", "event")
    found = await _read(request, lambda r: (r.event(event_id), r.event_raw_text(event_id)))
    if found[0] is None:
        return _not_found(f"event {event_id}")
    return json_response({"id": event_id, "text": found[1]})


async def api_face_thumb(request: web.Request) -> web.Response:
    event_id = _id(request, "event_id", "event")
    data = await _read(request, lambda r: r.face_thumbnail(event_id))
    if data is None:
        return _not_found(f"face thumbnail of event {event_id}")
    return web.Response(body=data, content_type="image/jpeg")


async def api_event_box(request: web.Request) -> web.Response:
    event_id = _id(request, "event_id", "event")

    def work(r: reader.StoreReader) -> tuple[bool, Any]:
        event = r.event(event_id)
        return (False, None) if event is None else (True, r.event_box(event))

    exists, box = await _read(request, work)
    if not exists:
        return _not_found(f"event {event_id}")
    return json_response({"box": box})


async def api_filters(request: web.Request) -> web.Response:
    names = await _read(request, lambda r: r.device_names())
    return json_response(wire.device_names_to_json(names))


# -- export ---------------------------------------------------------------------------------

_export_slots: dict[int, asyncio.Semaphore] = {}


def _slots() -> asyncio.Semaphore:
    loop_id = id(asyncio.get_running_loop())
    if loop_id not in _export_slots:
        _export_slots.clear()
        _export_slots[loop_id] = asyncio.Semaphore(MAX_EXPORTS)
    return _export_slots[loop_id]


async def api_export(request: web.Request) -> web.StreamResponse:
    """The filter's events as CSV or JSON Lines, streamed a batch at a time."""
    from gui.core import export

    params = request.query
    flt = query.parse_filter(params)
    fmt = params.get("format") or "csv"
    if fmt not in export.FORMATS:
        raise query.BadQuery("format", f"expected csv or jsonl, got {fmt[:20]!r}")
    slots = _slots()
    if slots.locked():
        reply = error_reply(503, f"{MAX_EXPORTS} exports are running: try again shortly")
        return web.Response(
            body=json_response(reply, 503).body, status=503, content_type="application/json",
            headers={"Retry-After": "5"},
        )  # fmt: skip
    async with slots:
        store = request.app[CTX].store

        def produce(put: Callable[[bytes], None], stop: threading.Event) -> None:
            conn = store.reader()
            for text in export.iter_text(conn, flt, fmt):
                if stop.is_set():
                    return
                put(text.encode("utf-8"))

        def headers() -> dict[str, str]:
            name = f"gatewatch-events-{now_ms()}.{fmt}"
            return {
                "Content-Type": "text/csv; charset=utf-8"
                if fmt == "csv"
                else "application/x-ndjson; charset=utf-8",
                "Content-Disposition": f'attachment; filename="{name}"',
                "Cache-Control": "no-store",
            }

        return await _stream_produced(request, produce, headers)


async def _stream_produced(
    request: web.Request,
    produce: Callable[[Callable[[bytes], None], threading.Event], None],
    headers: Callable[[], dict[str, str]],
) -> web.StreamResponse:
    """Stream the bytes ``produce`` makes on a worker thread, through a bounded queue.

    The reader's work stays off the loop and memory stays at a few chunks. An error
    before the first chunk is raised (the caller's JSON error); after the headers it
    cuts the body short so the download is seen to fail. ``produce`` returns early
    once ``stop`` is set (the client went away).
    """
    loop = asyncio.get_running_loop()
    chunks: asyncio.Queue[bytes | BaseException | None] = asyncio.Queue(EXPORT_QUEUE)
    stop = threading.Event()

    def put(item: bytes | BaseException | None) -> None:
        future = asyncio.run_coroutine_threadsafe(chunks.put(item), loop)
        while not stop.is_set():
            with contextlib.suppress(TimeoutError):
                future.result(1.0)
                return
        future.cancel()

    def run() -> None:
        try:
            produce(put, stop)
            if not stop.is_set():
                put(None)
        except BaseException as exc:
            put(exc)

    producer = loop.run_in_executor(None, run)
    try:
        first = await chunks.get()
        if isinstance(first, BaseException):
            raise first
        resp = web.StreamResponse(headers=headers())
        await resp.prepare(request)
        item: bytes | BaseException | None = first
        while item is not None:
            if isinstance(item, BaseException):
                # Headers are gone: cut the body short so the download is seen to fail.
                if request.transport is not None:
                    request.transport.abort()
                return resp
            await resp.write(item)
            item = await chunks.get()
        await resp.write_eof()
        return resp
    finally:
        stop.set()
        with contextlib.suppress(Exception):
            while not chunks.empty():
                chunks.get_nowait()
        with contextlib.suppress(Exception):
            await producer


def _photo_ids(params: Mapping[str, str]) -> list[int]:
    text = params.get("ids") or ""
    parts = [p for p in text.split(",") if p]
    if not parts or len(parts) > MAX_PHOTO_IDS:
        raise query.BadQuery("ids", f"1 to {MAX_PHOTO_IDS} event ids, separated by commas")
    if not all(p.isdigit() and len(p) <= 19 for p in parts):
        raise query.BadQuery("ids", "event ids are positive integers")
    return list(dict.fromkeys(int(p) for p in parts))


def photo_frame(event_id: int, kind: str, fmt: str, data: bytes) -> bytes:
    """One photo of ``/api/export/photos``: a JSON line saying what follows, then the bytes."""
    head = {"id": event_id, "kind": kind, "format": fmt, "size": len(data)}
    return json.dumps(head, separators=(",", ":")).encode() + b"\n" + data


def photo_stream_end(count: int) -> bytes:
    """The last line of a photo stream: a stream cut short lacks it (the client then fails)."""
    return json.dumps({"end": True, "photos": count}).encode() + b"\n"


_photo_slots: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = (
    weakref.WeakKeyDictionary()
)


async def api_export_photos(request: web.Request) -> web.StreamResponse:
    """Every stored photo of the events ``ids``, streamed in their order (kinds sorted).

    An attached window exporting with photos asks for hundreds of events' photos
    at once instead of one request per event: each frame is ``photo_frame``, the
    stream ends with ``photo_stream_end``. Events or photos that are gone
    (retention) are left out. Memory holds a few events' photos, whatever the batch.
    """
    ids = _photo_ids(request.query)
    loop = asyncio.get_running_loop()
    slots = _photo_slots.setdefault(loop, asyncio.Semaphore(MAX_PHOTO_STREAMS))
    store = request.app[CTX].store
    async with slots:
        def produce(put: Callable[[bytes], None], stop: threading.Event) -> None:
            conn = store.reader()
            order = {event_id: i for i, event_id in enumerate(ids)}
            count = held = 0
            pending: list[bytes] = []
            for at in range(0, len(ids), PHOTO_QUERY_EVENTS):
                chunk = ids[at : at + PHOTO_QUERY_EVENTS]
                marks = ",".join("?" * len(chunk))
                rows = conn.execute(
                    "SELECT event_id, kind, format, data FROM images"
                    f" WHERE event_id IN ({marks}) AND data IS NOT NULL",
                    tuple(chunk),
                ).fetchall()
                rows.sort(key=lambda r: (order[r[0]], r[1]))
                for event_id, kind, fmt, data in rows:
                    if stop.is_set():
                        return
                    pending.append(photo_frame(int(event_id), str(kind), str(fmt), bytes(data)))
                    held += len(pending[-1])
                    count += 1
                    if held >= PHOTO_WRITE_BYTES:  # a few large writes, not one per photo
                        put(b"".join(pending))
                        pending.clear()
                        held = 0
                del rows
            pending.append(photo_stream_end(count))
            put(b"".join(pending))

        return await _stream_produced(
            request,
            produce,
            lambda: {"Content-Type": "application/octet-stream", "Cache-Control": "no-store"},
        )


# -- disk, retention, requests -----------------------------------------------------------


class DiskWatch:
    """The last disk measurement and retention run, for ``/api/disk``."""

    def __init__(self, settings: Any) -> None:
        self.settings = settings
        self.last_retention: dict[str, Any] | None = None

    def on_retention(self, message: RetentionRan) -> None:
        self.last_retention = {"at": now_ms(), **wire.retention_report_to_json(message.report)}

    def policy(self) -> retention.Policy:
        if self.settings is None:
            return retention.Policy()
        return retention.Policy.from_settings(self.settings)


def _policy_json(p: retention.Policy) -> dict[str, Any]:
    return {
        "keep_events_days": p.keep_events_days, "keep_photos_days": p.keep_photos_days,
        "max_data_bytes": p.max_data_bytes, "min_free_bytes": p.min_free_bytes,
    }  # fmt: skip


def _image_format(data: bytes) -> str:
    """The format name a picture's first bytes announce ("" when unknown)."""
    for magic, name in ((b"\xff\xd8", "JPEG"), (b"\x89PNG", "PNG"), (b"GIF8", "GIF"),
                        (b"BM", "BMP")):  # fmt: skip
        if data.startswith(magic):
            return name
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    return ""


def install_routes(app: web.Application, ctx: Any, watch: DiskWatch) -> None:
    async def api_disk(request: web.Request) -> web.Response:
        policy = watch.policy()
        status = await _read(request, lambda r: r.disk_status(policy))
        return json_response(
            {
                "disk": wire.disk_status_to_json(status),
                "policy": _policy_json(policy),
                "last_retention": watch.last_retention,
            }
        )

    async def api_request_body(request: web.Request) -> web.Response:
        request_id = _id(request, "request_id", "request")
        found = await _read(request, lambda r: (r.request(request_id), r.request_body(request_id)))
        if found[0] is None:
            return _not_found(f"request {request_id}")
        if found[1] is None:
            return _not_found(f"body of request {request_id} (it became events, or was pruned)")
        return web.Response(body=found[1], content_type="application/octet-stream")

    async def api_request_image(request: web.Request) -> web.Response:
        from gui.core import images

        request_id = _id(request, "request_id", "request")
        path = request.query.get("path") or ""
        if not path or len(path) > MAX_JSON_PATH:
            raise query.BadQuery("path", f"a JSON path of 1 to {MAX_JSON_PATH} characters")
        data = await _read(request, lambda r: r.request_image(request_id, path))
        if data is None:
            return _not_found(f"image {path[:80]!r} of request {request_id}")
        return web.Response(body=data, content_type=images.content_type(_image_format(data)))

    r = app.router
    r.add_get("/api/briefs", api_briefs)
    r.add_get("/api/arrivals", api_arrivals)
    r.add_get("/api/history", api_history)
    r.add_get("/api/count", api_count)
    r.add_get("/api/events/{event_id}/raw-text", api_raw_text)
    r.add_get("/api/events/{event_id}/face-thumb", api_face_thumb)
    r.add_get("/api/events/{event_id}/box", api_event_box)
    r.add_get("/api/filters", api_filters)
    r.add_get("/api/export", api_export)
    r.add_get("/api/export/photos", api_export_photos)
    r.add_get("/api/disk", api_disk)
    r.add_get("/api/requests/{request_id}/body", api_request_body)
    r.add_get("/api/requests/{request_id}/image", api_request_image)


def install(receiver: Any, settings: Any) -> DiskWatch:
    """Routes, and a listener remembering the last retention run."""
    watch = DiskWatch(settings)
    receiver.subscribe(RetentionRan, watch.on_retention)
    receiver.extensions.append(lambda app, ctx: install_routes(app, ctx, watch))
    return watch
