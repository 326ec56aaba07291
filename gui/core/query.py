"""One filter and cursor builder for the read API, the history view and exports.

Events are ordered newest first by ``(ts, id)``; a cursor is the ``(ts, id)``
of the last row of a page, so paging stays correct while new events arrive
and each page is an index range scan, not an OFFSET.
"""

from __future__ import annotations

import base64
import binascii
import sqlite3
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from gui.core.event_rows import EVENT_COLUMNS, event_to_json, images_by_event

DEFAULT_LIMIT = 50
MAX_LIMIT = 1000


class BadQuery(ValueError):
    """A query parameter that cannot be understood; ``param`` names it."""

    def __init__(self, param: str, message: str) -> None:
        super().__init__(f"{param}: {message}")
        self.param = param
        self.message = message


@dataclass(frozen=True)
class EventFilter:
    """Everything people filter events on. Empty fields filter nothing."""

    since: int | None = None  # ms, inclusive, on the event timestamp
    until: int | None = None  # ms, inclusive
    person_types: tuple[int, ...] = ()
    device: str | None = None  # ep_id or device_id
    box: str | None = None  # dev_sno
    q: str | None = None  # substring of name or id
    score_min: float | None = None
    score_max: float | None = None
    want_action: str | None = None
    has_warnings: bool | None = None
    acked: bool | None = None  # only events an alarm covered
    include_self_test: bool = True
    extra_sql: tuple[tuple[str, tuple[Any, ...]], ...] = field(default=())

    def where(self) -> tuple[str, list[Any]]:
        """SQL condition over ``events`` (alias-free) and its parameters."""
        parts: list[str] = []
        params: list[Any] = []
        if self.since is not None:
            parts.append("ts >= ?")
            params.append(self.since)
        if self.until is not None:
            parts.append("ts <= ?")
            params.append(self.until)
        if self.person_types:
            parts.append(f"person_type IN ({','.join('?' * len(self.person_types))})")
            params.extend(self.person_types)
        if self.device:
            parts.append("(ep_id = ? OR device_id = ?)")
            params.extend([self.device, self.device])
        if self.box:
            parts.append("dev_sno = ?")
            params.append(self.box)
        if self.q:
            pattern = (
                "%" + self.q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            )
            parts.append("(identity_name LIKE ? ESCAPE '\\' OR identity_id LIKE ? ESCAPE '\\')")
            params.extend([pattern, pattern])
        if self.score_min is not None:
            parts.append("score >= ?")
            params.append(self.score_min)
        if self.score_max is not None:
            parts.append("score <= ?")
            params.append(self.score_max)
        if self.want_action is not None:
            parts.append("want_action = ?")
            params.append(self.want_action)
        if self.has_warnings is True:
            parts.append("warning_codes != ''")
        elif self.has_warnings is False:
            parts.append("warning_codes = ''")
        if self.acked is not None:
            state = "acked" if self.acked else "open"
            parts.append(
                "id IN (SELECT ae.event_id FROM alarm_events ae JOIN alarms a"
                " ON a.id = ae.alarm_id WHERE a.state = ?)"
            )
            params.append(state)
        if not self.include_self_test:
            parts.append("self_test = 0")
        for sql, extra in self.extra_sql:
            parts.append(sql)
            params.extend(extra)
        return (" AND ".join(parts) or "1"), params


def encode_cursor(ts: int, event_id: int) -> str:
    return base64.urlsafe_b64encode(f"{ts}:{event_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[int, int]:
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        ts, event_id = text.split(":")
        return int(ts), int(event_id)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise BadQuery("before", "not a cursor this server gave out") from None


@dataclass(frozen=True)
class Page:
    events: list[dict[str, Any]]
    next: str | None


def fetch_rows(
    conn: sqlite3.Connection,
    flt: EventFilter,
    *,
    limit: int = DEFAULT_LIMIT,
    before: tuple[int, int] | None = None,
    columns: str = EVENT_COLUMNS,
) -> list[sqlite3.Row]:
    where, params = flt.where()
    if before is not None:
        where += " AND (ts, id) < (?, ?)"
        params.extend(before)
    sql = f"SELECT {columns} FROM events WHERE {where} ORDER BY ts DESC, id DESC LIMIT ?"
    return conn.execute(sql, (*params, limit)).fetchall()


def fetch_page(
    conn: sqlite3.Connection,
    flt: EventFilter,
    *,
    limit: int = DEFAULT_LIMIT,
    before: str | None = None,
) -> Page:
    """One page of events as API JSON, newest first, and the cursor of the next."""
    cursor = decode_cursor(before) if before else None
    rows = fetch_rows(conn, flt, limit=limit + 1, before=cursor)
    more = len(rows) > limit
    rows = rows[:limit]
    ids = [r[0] for r in rows]
    images = images_by_event(conn, ids)
    events = [event_to_json(r, images[r[0]]) for r in rows]
    nxt = encode_cursor(rows[-1][2], rows[-1][0]) if more and rows else None
    return Page(events, nxt)


def iter_events(
    conn: sqlite3.Connection, flt: EventFilter, *, batch: int = 500
) -> Iterator[dict[str, Any]]:
    """Every matching event, newest first, a page at a time (bounded memory)."""
    cursor: tuple[int, int] | None = None
    while True:
        rows = fetch_rows(conn, flt, limit=batch, before=cursor)
        if not rows:
            return
        images = images_by_event(conn, [r[0] for r in rows])
        for r in rows:
            yield event_to_json(r, images[r[0]])
        cursor = (rows[-1][2], rows[-1][0])


def count(conn: sqlite3.Connection, flt: EventFilter) -> int:
    where, params = flt.where()
    return conn.execute(f"SELECT count(*) FROM events WHERE {where}", params).fetchone()[0]


# -- parsing query strings (API and CLI) ------------------------------------------


def _int(params: Mapping[str, str], name: str) -> int | None:
    value = params.get(name)
    if value in (None, ""):
        return None
    try:
        return int(value)
    except ValueError:
        raise BadQuery(name, f"expected an integer, got {value!r}") from None


def _float(params: Mapping[str, str], name: str) -> float | None:
    value = params.get(name)
    if value in (None, ""):
        return None
    try:
        result = float(value)
    except ValueError:
        raise BadQuery(name, f"expected a number, got {value!r}") from None
    if result != result or result in (float("inf"), float("-inf")):
        raise BadQuery(name, "expected a finite number")
    return result


def _bool(params: Mapping[str, str], name: str) -> bool | None:
    value = params.get(name)
    if value in (None, ""):
        return None
    lowered = value.lower()
    if lowered in ("1", "true", "yes"):
        return True
    if lowered in ("0", "false", "no"):
        return False
    raise BadQuery(name, f"expected true or false, got {value!r}")


def parse_person_types(value: str | None, name: str = "person_type") -> tuple[int, ...]:
    if not value:
        return ()
    try:
        types = tuple(int(v) for v in value.split(",") if v.strip())
    except ValueError:
        raise BadQuery(name, f"expected numbers like 1,3, got {value!r}") from None
    if any(not 1 <= t <= 5 for t in types):
        raise BadQuery(name, "person types are 1 to 5")
    return types


def parse_filter(params: Mapping[str, str]) -> EventFilter:
    """``GET /api/events`` query parameters to a filter; raises BadQuery naming the parameter."""
    flt = EventFilter(
        since=_int(params, "since"),
        until=_int(params, "until"),
        person_types=parse_person_types(params.get("person_type")),
        device=params.get("device") or None,
        box=params.get("box") or None,
        q=params.get("q") or None,
        score_min=_float(params, "score_min"),
        score_max=_float(params, "score_max"),
        want_action=params.get("want_action") or None,
        has_warnings=_bool(params, "has_warnings"),
        acked=_bool(params, "acked"),
    )
    self_test = _bool(params, "self_test")
    if self_test is False:
        flt = replace(flt, include_self_test=False)
    return flt


def parse_limit(params: Mapping[str, str]) -> int:
    limit = _int(params, "limit")
    if limit is None:
        return DEFAULT_LIMIT
    if not 1 <= limit <= MAX_LIMIT:
        raise BadQuery("limit", f"must be between 1 and {MAX_LIMIT}")
    return limit
