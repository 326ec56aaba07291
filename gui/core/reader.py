"""The core's typed reader interface: everything a window reads, as plain data.

The UI never writes SQL or sees a row position; it asks a ``Reader`` and gets
frozen dataclasses, dicts and bytes back. ``StoreReader`` answers from this
PC's SQLite store. The calls block (a query, a decode), so the UI makes them
on a worker thread through its one background mechanism; a second
implementation over the HTTP read API (``/api/events``, ``/api/alarms``...)
can be dropped in for a window attached to a remote receiver, because nothing
here hands out a connection, a cursor object or a row.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from gui.core import event_rows, query, scores
from gui.core.dbapi import Connection
from gui.core.model import EventBrief

# Part of the interface: the filter the UI builds and hands to ``events_page``/``export``.
from gui.core.query import EventFilter as EventFilter

if TYPE_CHECKING:
    from gui.core.alarms import Alarm
    from gui.core.export import ExportResult
    from gui.core.retention import DiskStatus, Policy
    from gui.core.stats import Stats
    from gui.core.store import Store
    from gui.core.verdicts import Verdict


@dataclass(frozen=True, slots=True)
class Arrivals:
    """Events received since a moment: how many, the last arrival time, the newest id."""

    count: int
    last_received_at: int | None
    last_id: int | None


@dataclass(frozen=True, slots=True)
class HistoryItem:
    """One row of the history table; ``key`` is its keyset cursor for the next page."""

    id: int
    ts: int
    name: str | None
    identity_id: str | None
    person_type: int | None
    score: float | None
    camera: str | None
    box: str | None
    warnings: str
    pinned: bool
    key: tuple[Any, ...]
    #: The score's scale (``"0-1"``/``"0-100"``) and the box's threshold in it (``scores``).
    score_scale: str | None = None
    threshold: float | None = None


@dataclass(frozen=True, slots=True)
class EventPage:
    rows: list[HistoryItem]
    #: Whether rows follow after the last one.
    more: bool


@dataclass(frozen=True, slots=True)
class StoredImage:
    data: bytes
    format: str  # "JPEG", "PNG"...


@dataclass(frozen=True, slots=True)
class DeviceNames:
    """What the history filters list: cameras ``(ep_id, name)`` and box serials."""

    cameras: list[tuple[str, str | None]]
    boxes: list[str]


Progress = Callable[[int, int], None]


class Reader(Protocol):
    """What the UI may read. Every call blocks: make it off the GUI thread."""

    # -- events ------------------------------------------------------------------------

    def latest_events(
        self, limit: int, *, before_id: int | None = None, self_tests: bool = True
    ) -> list[EventBrief]:
        """Newest arrival first (by id), below ``before_id``."""
        ...

    def arrivals_since(self, received_at: int) -> Arrivals: ...

    def events_page(
        self,
        flt: query.EventFilter,
        *,
        sort: str = "time",
        descending: bool | None = None,
        before: tuple[Any, ...] | None = None,
        limit: int = query.DEFAULT_LIMIT,
    ) -> EventPage:
        """One page of a filter in a sort; ``before`` is the previous page's last ``key``."""
        ...

    def count_events(self, flt: query.EventFilter) -> int: ...

    def event(self, event_id: int) -> dict[str, Any] | None:
        """One event in detail, as ``/api/events/{id}`` gives it (image metadata, no bytes)."""
        ...

    def event_raw(self, event_id: int) -> Any | None:
        """The JSON the box sent, photos put back (for replaying it)."""
        ...

    def event_raw_text(self, event_id: int) -> str:
        """The JSON the box sent, pretty, each photo shortened to ``<JPEG WxH, N KB>``."""
        ...

    def image(
        self, event_id: int, kind: str, *, thumb: bool = False, overlay: bool = False
    ) -> StoredImage | None:
        """A photo's bytes: the original, its thumbnail, or with the face box drawn on."""
        ...

    def face_thumbnail(self, event_id: int) -> bytes | None: ...

    def export(
        self,
        flt: query.EventFilter,
        out: Path,
        fmt: str = "csv",
        *,
        images: Path | None = None,
        progress: Progress | None = None,
        cancel: threading.Event | None = None,
    ) -> ExportResult: ...

    # -- devices, alarms, requests -------------------------------------------------------

    def device_names(self) -> DeviceNames: ...

    def event_box(self, event: dict[str, Any]) -> dict[str, Any] | None:
        """The box an event (as ``event`` gives it) came from, with its score scale."""
        ...

    def devices(self) -> dict[str, list[dict[str, Any]]]:
        """Boxes (with their last health report) and cameras, as ``/api/devices``."""
        ...

    def device_activity(self, now: int, hours: int = 24) -> dict[str, dict[str, list[int]]]:
        """Events per hour per camera and per box, oldest hour first."""
        ...

    def alarms(
        self, state: str | None = None, *, before_id: int | None = None, limit: int = 500
    ) -> list[Alarm]:
        """Newest first; ``state`` None for all."""
        ...

    def requests(
        self,
        *,
        limit: int = 100,
        before: int | None = None,
        status: int | None = None,
        source: str | None = None,
        path: str | None = None,
    ) -> list[dict[str, Any]]:
        """The request log, newest first, below request id ``before``."""
        ...

    def request(self, request_id: int) -> dict[str, Any] | None:
        """One request with headers, a readable body and the events it became."""
        ...

    def request_body(self, request_id: int) -> bytes | None:
        """The body as received (None when it became events or is gone)."""
        ...

    def request_image(self, request_id: int, json_path: str) -> bytes | None: ...

    # -- figures -------------------------------------------------------------------------

    def statistics(self, *, since: int, until: int, bucket: str = "hour") -> Stats: ...

    def verdicts(self, now: int) -> list[Verdict]: ...

    def disk_status(self, policy: Policy) -> DiskStatus: ...


_HISTORY_COLUMNS = (
    "id, ts, identity_name, identity_id, person_type, score, coalesce(ep_name, ep_id, device_id),"
    " dev_sno, warning_codes, pinned, ep_id, source_ip"
)
_BRIEF_COLUMNS = (
    "id, received_at, timestamp, identity_id, identity_name, person_type, score, want_action,"
    " ep_id, ep_name, device_id, dev_sno, warning_codes, self_test, source_ip"
)


class StoreReader:
    """``Reader`` over this PC's store: each call on the calling thread's read connection."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def _conn(self) -> Connection:
        return self.store.reader()

    # -- events ------------------------------------------------------------------------

    def latest_events(
        self, limit: int, *, before_id: int | None = None, self_tests: bool = True
    ) -> list[EventBrief]:
        where: list[str] = []
        params: list[Any] = []
        if before_id is not None:
            where.append("id < ?")
            params.append(before_id)
        if not self_tests:
            where.append("self_test = 0")
        sql = f"SELECT {_BRIEF_COLUMNS} FROM events"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY id DESC LIMIT ?"
        out = []
        book = scores.scale_book(self._conn())
        for r in self._conn().execute(sql, [*params, limit]):
            (event_id, received_at, timestamp, identity_id, identity_name, person_type,
             score, want_action, ep_id, ep_name, device_id, dev_sno, codes,
             self_test, source_ip) = tuple(r)  # fmt: skip
            scale, threshold = scores.context_of(book, score, dev_sno, ep_id, source_ip)
            out.append(EventBrief(
                event_id, received_at, timestamp, identity_id, identity_name, person_type,
                score, want_action, ep_id, ep_name, device_id, dev_sno,
                tuple((codes or "").split()), bool(self_test), scale, threshold,
            ))  # fmt: skip
        return out

    def arrivals_since(self, received_at: int) -> Arrivals:
        count, last, last_id = (
            self._conn()
            .execute(
                "SELECT count(*), max(received_at), max(id) FROM events WHERE received_at >= ?",
                (received_at,),
            )
            .fetchone()
        )
        return Arrivals(int(count or 0), last, last_id)

    def events_page(
        self,
        flt: query.EventFilter,
        *,
        sort: str = "time",
        descending: bool | None = None,
        before: tuple[Any, ...] | None = None,
        limit: int = query.DEFAULT_LIMIT,
    ) -> EventPage:
        raw = query.fetch_rows(
            self._conn(), flt, limit=limit + 1, before=before, columns=_HISTORY_COLUMNS,
            sort=sort, descending=descending,
        )  # fmt: skip
        rows = []
        book = scores.scale_book(self._conn())
        for r in raw[:limit]:
            (event_id, ts, name, identity_id, person_type, score, camera, box, warnings,
             pinned, ep_id, source_ip) = tuple(r)[:12]  # fmt: skip
            scale, threshold = scores.context_of(book, score, box, ep_id, source_ip)
            rows.append(HistoryItem(
                event_id, ts, name, identity_id, person_type, score, camera, box, warnings or "",
                bool(pinned), query.sort_key(r, sort), scale, threshold,
            ))  # fmt: skip
        return EventPage(rows, len(raw) > limit)

    def count_events(self, flt: query.EventFilter) -> int:
        return query.count(self._conn(), flt)

    def event(self, event_id: int) -> dict[str, Any] | None:
        return event_rows.load_event(self._conn(), event_id)

    def event_raw(self, event_id: int) -> Any | None:
        return event_rows.load_raw(self._conn(), event_id)

    def event_raw_text(self, event_id: int) -> str:
        conn = self._conn()
        found = event_rows.load_event(conn, event_id)
        if found is None:
            return ""
        return raw_json_text(conn, event_id, found.get("images") or {})

    def image(
        self, event_id: int, kind: str, *, thumb: bool = False, overlay: bool = False
    ) -> StoredImage | None:
        found = load_event_image(self._conn(), event_id, kind, thumb=thumb, overlay=overlay)
        return None if found is None else StoredImage(*found)

    def face_thumbnail(self, event_id: int) -> bytes | None:
        return event_rows.load_face_thumb(self._conn(), event_id)

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
        from gui.core import export

        return export.export_events(
            self._conn(), flt, out, fmt, images=images, progress=progress, cancel=cancel
        )

    # -- devices, alarms, requests -------------------------------------------------------

    def device_names(self) -> DeviceNames:
        conn = self._conn()
        cameras = [
            (str(ep_id), name)
            for ep_id, name in conn.execute("SELECT ep_id, name FROM cameras ORDER BY name, ep_id")
        ]
        boxes = [sn for (sn,) in conn.execute("SELECT sn FROM boxes WHERE sn != '' ORDER BY sn")]
        return DeviceNames(cameras, boxes)

    def event_box(self, event: dict[str, Any]) -> dict[str, Any] | None:
        from gui.core import devices

        return devices.box_of_event(self._conn(), event)

    def devices(self) -> dict[str, list[dict[str, Any]]]:
        from gui.core import devices

        return devices.list_devices(self._conn())

    def device_activity(self, now: int, hours: int = 24) -> dict[str, dict[str, list[int]]]:
        from gui.core import installer

        return installer.events_per_hour(self._conn(), now, hours)

    def alarms(
        self, state: str | None = None, *, before_id: int | None = None, limit: int = 500
    ) -> list[Alarm]:
        from gui.core import alarms

        return alarms.list_alarms(self._conn(), state, limit, before_id=before_id)

    def requests(
        self,
        *,
        limit: int = 100,
        before: int | None = None,
        status: int | None = None,
        source: str | None = None,
        path: str | None = None,
    ) -> list[dict[str, Any]]:
        from gui.core import requestlog

        return requestlog.list_requests(
            self._conn(), limit=limit, before=before, status=status, source=source, path=path
        )

    def request(self, request_id: int) -> dict[str, Any] | None:
        from gui.core import installer

        return installer.request_detail(self._conn(), request_id)

    def request_body(self, request_id: int) -> bytes | None:
        from gui.core import requestlog

        found = requestlog.load_request(self._conn(), request_id)
        return None if found is None else found.get("body")

    def request_image(self, request_id: int, json_path: str) -> bytes | None:
        from gui.core import installer

        return installer.body_image(self._conn(), request_id, json_path)

    # -- figures -------------------------------------------------------------------------

    def statistics(self, *, since: int, until: int, bucket: str = "hour") -> Stats:
        from gui.core import stats

        return stats.compute(self._conn(), since=since, until=until, bucket=bucket)

    def verdicts(self, now: int) -> list[Verdict]:
        from gui.core import verdicts

        return verdicts.build(self._conn(), now)

    def disk_status(self, policy: Policy) -> DiskStatus:
        from gui.core import retention

        return retention.disk_status(self.store, policy)


def _abbreviate(node: Any, meta: dict[str, dict[str, Any]]) -> Any:
    from gui.core.images import describe

    if isinstance(node, dict):
        if set(node) == {event_rows.IMAGE_REF_KEY}:
            m = meta.get(node[event_rows.IMAGE_REF_KEY])
            if m is None or m.get("purged"):
                return "<image removed>"
            return describe(m["format"] or "?", m["width"] or 0, m["height"] or 0, m["bytes"] or 0)
        return {k: _abbreviate(v, meta) for k, v in node.items()}
    if isinstance(node, list):
        return [_abbreviate(v, meta) for v in node]
    return node


def raw_json_text(conn: Connection, event_id: int, meta: dict[str, dict[str, Any]]) -> str:
    """The event's JSON as received, each image string replaced by ``<JPEG WxH, N KB>``."""
    row = conn.execute("SELECT raw FROM events WHERE id = ?", (event_id,)).fetchone()
    if row is None:
        return ""
    raw = _abbreviate(event_rows.unpack(row[0]), meta)
    return json.dumps(raw, ensure_ascii=False, indent=2)


def load_event_image(
    conn: Connection, event_id: int, kind: str, *, thumb: bool = False,
    overlay: bool = False,
) -> tuple[bytes, str] | None:  # fmt: skip
    """``(bytes, format)``: the photo, its thumbnail (made if missing) or the overlay drawn on."""
    from gui.core import images
    from gui.core import overlay as overlay_mod

    found = event_rows.load_image(conn, event_id, kind, thumb=thumb)
    if found is None and thumb:
        full = event_rows.load_image(conn, event_id, kind)
        if full is None:
            return None
        found = (images.make_thumbnail(full[0]), "JPEG")
    if found is None:
        return None
    data, fmt = found
    if overlay and not thumb and kind == "spot_pic":
        event = event_rows.load_event(conn, event_id)
        if event is not None:
            meta = event["images"].get(kind, {})
            shapes = overlay_mod.shapes_for(
                event["face_box"], event["landmarks"], event["person_type"],
                (meta.get("width"), meta.get("height")) if meta else None,
            )  # fmt: skip
            data = overlay_mod.render_overlay(data, shapes)
            fmt = "JPEG" if fmt == "JPEG" else "PNG"
    return data, fmt
