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

from gui.core import query, wire
from gui.core.model import EventBrief
from gui.core.reader import Arrivals, DeviceNames, EventPage, Progress, StoredImage
from gui.core.remote_client import READ_TIMEOUT, RemoteClient, RemoteError

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

    def _call(self, make: Callable[[], Awaitable[T]], timeout: float = CALL_TIMEOUT) -> T:
        """Run ``make()`` on the core loop and wait for it (from a worker thread)."""
        if self.loop.is_closed():
            raise RemoteError(0, "the connection to the server is closed")
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
        """The server's streamed export written to ``out`` (photos are not fetched)."""
        from gui.core.export import ExportCancelled, ExportResult

        started = time.monotonic()
        total = self.count_events(flt)
        params = {**wire.filter_to_query(flt), "format": fmt}
        part = out.with_name(out.name + ".part")

        async def download() -> int:
            lines = 0
            async with self.client.session().get(
                self.client.url("/api/export"), params=params, timeout=None
            ) as resp:
                if resp.status >= 400:
                    from gui.core.remote_client import _message

                    raise RemoteError(resp.status, _message(resp.status, await resp.read()))
                with part.open("wb") as f:
                    async for chunk in resp.content.iter_chunked(EXPORT_CHUNK):
                        if cancel is not None and cancel.is_set():
                            raise ExportCancelled("export cancelled")
                        f.write(chunk)
                        lines += chunk.count(b"\n")
                        if progress is not None:
                            progress(min(total, max(0, lines - (fmt == "csv"))), total)
            return lines

        try:
            lines = self._call(download, timeout=24 * 3600)
            events = _count_records(part, fmt, lines)
            part.replace(out)
        finally:
            part.unlink(missing_ok=True)
        if progress is not None:
            progress(events, events)
        return ExportResult(out, events, 0, None, time.monotonic() - started)

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
