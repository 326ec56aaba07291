"""``Reader`` over a remote receiver's read API: what an attached window reads through.

Every method blocks like ``StoreReader``'s (the UI calls them on its worker
threads) and answers with the same frozen dataclasses, decoded by
``gui.core.wire``. The HTTP request itself runs on the attached core's loop
(``asyncio.run_coroutine_threadsafe``): the worker only waits, it never makes
an event loop of its own. A call that cannot reach the server raises
``RemoteError``/``Unreachable`` (the page shows its usual "could not load");
an event or photo that is gone answers None, as locally.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import aiohttp

from gui.core import query, wire
from gui.core.model import EventBrief
from gui.core.reader import Arrivals, DeviceNames, EventPage, Progress, StoredImage
from gui.core.remote_client import (
    READ_TIMEOUT,
    ClientClosed,
    RemoteClient,
    RemoteError,
    Unreachable,
    describe_failure,
)

if TYPE_CHECKING:
    from gui.core.alarms import Alarm
    from gui.core.export import ExportResult
    from gui.core.retention import DiskStatus, Policy
    from gui.core.stats import Stats
    from gui.core.verdicts import Verdict

T = TypeVar("T")

#: A blocking call gives up after this long (the request's own timeout is shorter).
CALL_TIMEOUT = READ_TIMEOUT + 5.0
#: Bytes read per chunk of a streamed export.
EXPORT_CHUNK = 256 * 1024
#: Events whose photos an export asks for in one request (``/api/export/photos``).
PHOTO_BATCH = 200
#: Bytes of photos handed from the loop to the exporting thread at once.
PHOTO_READ_BYTES = 2 * 1024 * 1024
#: A photo stream may wait this long for its next bytes (the server may queue it).
PHOTO_READ_TIMEOUT = 120.0
#: A wait for the photo stream's loop side gives up after this long (its own bound is shorter).
PHOTO_CALL_TIMEOUT = PHOTO_READ_TIMEOUT + 15.0

_FORMATS = {
    "image/jpeg": "JPEG",
    "image/png": "PNG",
    "image/gif": "GIF",
    "image/bmp": "BMP",
    "image/webp": "WEBP",
}


def _flag(value: bool) -> str:
    return "1" if value else "0"


def _count_records(path: Path, fmt: str, lines: int) -> int:
    """Events in a downloaded export: CSV rows (a quoted field may hold newlines), or lines."""
    if fmt != "csv":
        return lines
    import csv

    with path.open(encoding="utf-8-sig", newline="") as f:
        return max(0, sum(1 for _ in csv.reader(f)) - 1)


class RemoteReader:
    """``Reader`` over ``/api`` of one receiver; safe to call from any thread but the loop's."""

    def __init__(self, client: RemoteClient, loop: asyncio.AbstractEventLoop) -> None:
        self.client = client
        self.loop = loop
        #: Whether the server streams an export's photos (None: not asked yet).
        self._photo_stream: bool | None = None

    def _call(self, make: Callable[[], Awaitable[T]], timeout: float = CALL_TIMEOUT) -> T:
        """Run ``make()`` on the core loop and wait for it (from a worker thread)."""
        if self.loop.is_closed() or self.client.closed:
            raise ClientClosed()
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is self.loop:
            raise RuntimeError("RemoteReader called on its own loop: it would wait for itself")

        async def run() -> T:
            return await make()

        future = asyncio.run_coroutine_threadsafe(run(), self.loop)
        return future.result(timeout)

    def _get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        return self._call(lambda: self.client.get_json(path, params))

    def _get_or_none(self, path: str, params: dict[str, Any] | None = None) -> Any | None:
        return self._call(lambda: self.client.get_json_or_none(path, params))

    def _bytes(self, path: str, params: dict[str, Any] | None = None) -> tuple[bytes, str] | None:
        return self._call(lambda: self.client.get_bytes(path, params))

    # -- events ------------------------------------------------------------------------

    def latest_events(
        self, limit: int, *, before_id: int | None = None, self_tests: bool = True
    ) -> list[EventBrief]:
        params: dict[str, Any] = {"limit": limit, "self_tests": _flag(self_tests)}
        if before_id is not None:
            params["before"] = before_id
        data = self._get("/api/briefs", params)
        return [wire.brief_from_json(b) for b in data["events"]]

    def arrivals_since(self, received_at: int) -> Arrivals:
        return wire.arrivals_from_json(self._get("/api/arrivals", {"since": received_at}))

    def events_page(
        self,
        flt: query.EventFilter,
        *,
        sort: str = "time",
        descending: bool | None = None,
        before: tuple[Any, ...] | None = None,
        limit: int = query.DEFAULT_LIMIT,
    ) -> EventPage:
        desc = query.SORTS[sort][1] if descending is None else descending
        params: dict[str, Any] = {
            **wire.filter_to_query(flt), "sort": sort, "order": "desc" if desc else "asc",
            "limit": limit,
        }  # fmt: skip
        if before is not None:
            params["before"] = query.encode_sort_cursor(sort, desc, tuple(before))
        return wire.event_page_from_json(self._get("/api/history", params))

    def count_events(self, flt: query.EventFilter) -> int:
        return int(self._get("/api/count", wire.filter_to_query(flt))["count"])

    def event(self, event_id: int) -> dict[str, Any] | None:
        found = self._get_or_none(f"/api/events/{int(event_id)}")
        return found if isinstance(found, dict) else None

    def event_raw(self, event_id: int) -> Any | None:
        return self._get_or_none(f"/api/events/{int(event_id)}/raw")

    def event_raw_text(self, event_id: int) -> str:
        found = self._get_or_none(f"/api/events/{int(event_id)}/raw-text")
        return str(found.get("text") or "") if isinstance(found, dict) else ""

    def image(
        self, event_id: int, kind: str, *, thumb: bool = False, overlay: bool = False
    ) -> StoredImage | None:
        params = {}
        if thumb:
            params["thumb"] = "1"
        if overlay:
            params["overlay"] = "1"
        found = self._bytes(f"/api/events/{int(event_id)}/images/{kind}", params)
        if found is None:
            return None
        data, ctype = found
        return StoredImage(data, _FORMATS.get(ctype.lower(), ctype.split("/")[-1].upper()))

    def face_thumbnail(self, event_id: int) -> bytes | None:
        found = self._bytes(f"/api/events/{int(event_id)}/face-thumb")
        return None if found is None else found[0]

    def export(
        self,
        flt: query.EventFilter,
        out: Path,
        fmt: str = "csv",
        *,
        images: Path | None = None,
        progress: Progress | None = None,
        cancel: threading.Event | None = None,
    ) -> ExportResult:
        """The server's streamed export written to ``out``; with ``images``, its photos too.

        The photos come streamed, ``PHOTO_BATCH`` events per request
        (``/api/export/photos``), named and packed as a local export names them
        (``<time>_<name>_<kind>.jpg`` in a folder or a zip): memory holds a couple
        of MB of photos at a time, whatever the export's size. Progress counts the
        text, then the photos; a cancel or a failure leaves nothing under the chosen
        names.
        """
        from gui.core.export import ExportResult, _ImageSink

        started = time.monotonic()
        total = self.count_events(flt)
        steps = total * (2 if images is not None else 1)

        def report(done: int) -> None:
            if progress is not None:
                progress(min(done, steps), steps)

        part = out.with_name(out.name + ".part")
        listing = part if fmt == "jsonl" else out.with_name(out.name + ".events.part")
        sink: _ImageSink | None = None
        photos = 0
        try:
            header = 1 if fmt == "csv" else 0
            lines = self._download(flt, fmt, part, cancel, lambda n: report(min(total, n - header)))
            events = _count_records(part, fmt, lines)
            if images is not None:
                if listing is not part:
                    self._download(flt, "jsonl", listing, cancel, None)
                sink = _ImageSink(Path(images))
                self._fetch_photos(listing, sink, cancel, lambda n: report(total + n))
                photos = sink.count
                sink.commit()
            part.replace(out)
        except BaseException:
            if sink is not None:
                sink.discard()
            raise
        finally:
            part.unlink(missing_ok=True)
            listing.unlink(missing_ok=True)
        if progress is not None:
            progress(steps, steps)
        return ExportResult(
            out, events, photos, Path(images) if images is not None else None,
            time.monotonic() - started,
        )  # fmt: skip

    def _download(
        self,
        flt: query.EventFilter,
        fmt: str,
        to: Path,
        cancel: threading.Event | None,
        lines_done: Callable[[int], None] | None,
    ) -> int:
        """``GET /api/export`` streamed into ``to``; the number of lines written."""
        from gui.core.export import ExportCancelled

        params = {**wire.filter_to_query(flt), "format": fmt}

        async def download() -> int:
            lines = 0
            resp = await self.client.open_stream("/api/export", params, read_timeout=None)
            try:
                with to.open("wb") as f:
                    async for chunk in resp.content.iter_chunked(EXPORT_CHUNK):
                        if cancel is not None and cancel.is_set():
                            raise ExportCancelled("export cancelled")
                        f.write(chunk)
                        lines += chunk.count(b"\n")
                        if lines_done is not None:
                            lines_done(max(0, lines))
            except (TimeoutError, aiohttp.ClientError, OSError) as exc:
                raise Unreachable(describe_failure(exc)) from None
            finally:
                resp.release()
            return lines

        return self._call(download, timeout=24 * 3600)

    def _fetch_photos(
        self,
        listing: Path,
        sink: Any,
        cancel: threading.Event | None,
        events_done: Callable[[int], None],
    ) -> None:
        """Each event of a JSON Lines export: its photos into ``sink``, streamed in batches.

        ``PHOTO_BATCH`` events' photos come in one ``/api/export/photos`` request
        (one request per event made a large export crawl on the round trips); a
        server without that route gets one image request per photo, as before.
        """
        import json

        from gui.core.export import ExportCancelled

        batch: list[tuple[int, dict[str, Any]]] = []  # (its line, the event)
        with listing.open("rb") as f:
            for done, line in enumerate(f, 1):
                if cancel is not None and cancel.is_set():
                    raise ExportCancelled("export cancelled")
                if not line.strip():
                    continue
                event = json.loads(line)
                if any(
                    isinstance(meta, dict) and not meta.get("purged")
                    for meta in (event.get("images") or {}).values()
                ):
                    batch.append((done, event))
                if len(batch) >= PHOTO_BATCH:
                    self._photos_of(batch, sink, cancel, events_done)
                    batch = []
                if not batch:
                    events_done(done)
            if batch:
                self._photos_of(batch, sink, cancel, events_done)
                events_done(done)

    def _photos_of(
        self,
        events: list[tuple[int, dict[str, Any]]],
        sink: Any,
        cancel: threading.Event | None,
        events_done: Callable[[int], None],
    ) -> None:
        """The photos of ``events`` into ``sink``: one streamed request (or one per photo).

        ``events_done`` hears each event's line once its photos are all in.
        """
        if self._photo_stream is not False:
            try:
                self._stream_photos(events, sink, cancel, events_done)
                self._photo_stream = True
                return
            except RemoteError as exc:
                if exc.status != 404 or self._photo_stream:
                    raise
                self._photo_stream = False  # an older server: no /api/export/photos
        for done, event in events:
            if cancel is not None and cancel.is_set():
                from gui.core.export import ExportCancelled

                raise ExportCancelled("export cancelled")
            self._photos_each(event, sink)
            events_done(done)

    def _stream_photos(
        self,
        events: list[tuple[int, dict[str, Any]]],
        sink: Any,
        cancel: threading.Event | None,
        events_done: Callable[[int], None],
    ) -> None:
        """``GET /api/export/photos`` read frame by frame on the loop, written here.

        The loop reads ~``PHOTO_READ_BYTES`` of frames at a time and this thread
        writes them (the loop never touches the disk); a stream without its end
        line fails.
        """
        import json

        from gui.core.export import ExportCancelled, image_file_name

        by_id = {int(e["id"]): (done, e) for done, e in events}
        params = {"ids": ",".join(str(i) for i in by_id)}
        reported = 0
        async def open_stream() -> aiohttp.ClientResponse:
            return await self.client.open_stream(
                "/api/export/photos", params, read_timeout=PHOTO_READ_TIMEOUT
            )

        async def next_frames() -> list[tuple[dict[str, Any], bytes]]:
            try:
                return await read_frames()
            except (TimeoutError, aiohttp.ClientError, OSError) as exc:
                raise Unreachable(describe_failure(exc)) from None

        async def read_frames() -> list[tuple[dict[str, Any], bytes]]:
            """Frames up to ``PHOTO_READ_BYTES`` (at least one): few thread hops per photo."""
            frames: list[tuple[dict[str, Any], bytes]] = []
            held = 0
            while not frames or held < PHOTO_READ_BYTES:
                line = await resp.content.readline()
                if not line.endswith(b"\n"):
                    raise RemoteError(0, "the photo stream was cut short: try the export again")
                head = json.loads(line)
                if head.get("end"):
                    frames.append((head, b""))
                    break
                data = await resp.content.readexactly(int(head["size"]))
                frames.append((head, data))
                held += len(data)
            return frames

        resp = self._call(open_stream, timeout=PHOTO_CALL_TIMEOUT)
        try:
            while True:
                for head, data in self._call(next_frames, timeout=PHOTO_CALL_TIMEOUT):
                    if cancel is not None and cancel.is_set():
                        raise ExportCancelled("export cancelled")
                    if head.get("end"):
                        return
                    found = by_id.get(int(head["id"]))
                    if found is None:
                        continue
                    done, event = found
                    if done > reported:  # photos come in the events' order: earlier ones are in
                        if reported:
                            events_done(reported)
                        reported = done
                    sink.add(image_file_name(event, str(head["kind"]), str(head["format"])), data)
        except asyncio.IncompleteReadError:
            raise RemoteError(0, "the photo stream was cut short: try the export again") from None
        finally:
            self._call(self._close_response(resp))

    @staticmethod
    def _close_response(resp: Any) -> Callable[[], Awaitable[None]]:
        async def close() -> None:
            resp.release()  # back to the pool when read to the end, else closed

        return close

    def _photos_each(self, event: dict[str, Any], sink: Any) -> None:
        """One event's photos through the image route (servers without the photo stream)."""
        from gui.core.export import image_file_name

        kinds = [
            (kind, meta.get("format"))
            for kind, meta in sorted((event.get("images") or {}).items())
            if isinstance(meta, dict) and not meta.get("purged")
        ]
        event_id = int(event["id"])

        async def fetch() -> list[tuple[bytes, str] | None]:
            return list(await asyncio.gather(*(
                self.client.get_bytes(f"/api/events/{event_id}/images/{kind}")
                for kind, _fmt in kinds
            )))  # fmt: skip

        for (kind, fmt), found in zip(kinds, self._call(fetch), strict=True):
            if found is None:  # dropped by retention meanwhile
                continue
            data, ctype = found
            fmt = fmt or _FORMATS.get(ctype.lower(), "JPEG")
            sink.add(image_file_name(event, kind, fmt), data)

    # -- devices, alarms, requests -------------------------------------------------------

    def device_names(self) -> DeviceNames:
        return wire.device_names_from_json(self._get("/api/filters"))

    def event_box(self, event: dict[str, Any]) -> dict[str, Any] | None:
        event_id = event.get("id")
        if event_id is None:
            return None
        found = self._get_or_none(f"/api/events/{int(event_id)}/box")
        box = found.get("box") if isinstance(found, dict) else None
        return box if isinstance(box, dict) else None

    def devices(self) -> dict[str, list[dict[str, Any]]]:
        data = self._get("/api/devices")
        return data if isinstance(data, dict) else {}

    def device_activity(self, now: int, hours: int = 24) -> dict[str, dict[str, list[int]]]:
        data = self._get("/api/devices/activity", {"hours": hours, "now": now})
        return {k: v for k, v in data.items() if k in ("cameras", "boxes")}

    def alarms(
        self, state: str | None = None, *, before_id: int | None = None, limit: int = 500
    ) -> list[Alarm]:
        params: dict[str, Any] = {"limit": limit}
        if state is not None:
            params["state"] = state
        if before_id is not None:
            params["before"] = before_id
        data = self._get("/api/alarms", params)
        return [wire.alarm_from_json(a) for a in data["alarms"]]

    def requests(
        self,
        *,
        limit: int = 100,
        before: int | None = None,
        status: int | None = None,
        source: str | None = None,
        path: str | None = None,
    ) -> list[dict[str, Any]]:
        params = {"limit": limit, "before": before, "status": status, "source": source,
                  "path": path}  # fmt: skip
        rows = self._get("/api/requests", {k: v for k, v in params.items() if v is not None})
        return list(rows["requests"])

    def request(self, request_id: int) -> dict[str, Any] | None:
        found = self._get_or_none(f"/api/requests/{int(request_id)}")
        return found if isinstance(found, dict) else None

    def request_body(self, request_id: int) -> bytes | None:
        found = self._bytes(f"/api/requests/{int(request_id)}/body")
        return None if found is None else found[0]

    def request_image(self, request_id: int, json_path: str) -> bytes | None:
        found = self._bytes(f"/api/requests/{int(request_id)}/image", {"path": json_path})
        return None if found is None else found[0]

    # -- figures -------------------------------------------------------------------------

    def statistics(self, *, since: int, until: int, bucket: str = "hour") -> Stats:
        data = self._get("/api/stats", {"since": since, "until": until, "bucket": bucket})
        return wire.stats_from_json(data)

    def verdicts(self, now: int) -> list[Verdict]:
        data = self._get("/api/verdicts")
        return [wire.verdict_from_json(v) for v in data["verdicts"]]

    def disk_status(self, policy: Policy) -> DiskStatus:
        """The server's data folder and disk (its own policy decides, not this PC's)."""
        return wire.disk_status_from_json(self._get("/api/disk")["disk"])
