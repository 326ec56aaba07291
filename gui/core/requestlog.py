"""A bounded log of every HTTP request the receiver saw, broken ones included.

Installers debug a box by what it actually sent: the log keeps each request's
facts, our answer and (for requests that did not become events) the body,
truncated. It is bounded by count and bytes so it can run for months.
"""

from __future__ import annotations

import collections
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from gui.core.dbapi import Connection, RowLike, dialect, rerunnable

MAX_REQUESTS = 20_000
MAX_BYTES = 200 * 1024 * 1024
MAX_BODY = 64 * 1024
#: Prune every this many inserts (pruning scans; inserting should not).
PRUNE_EVERY = 200
#: Records waiting for the writer beyond this drop the oldest (the writer is failing).
MAX_WAITING = 5_000


@dataclass(frozen=True)
class RequestRecord:
    """One request as the inspector shows it. Plain data, safe to hand to the GUI."""

    time: int
    source_ip: str
    method: str
    path: str
    content_type: str
    length: int
    status: int
    reply: str
    duration_ms: float
    events: int = 0
    warnings: tuple[dict[str, Any], ...] = ()
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes | None = None
    body_truncated: bool = False
    event_ids: tuple[int, ...] = ()
    body_format: str | None = None
    id: int | None = None


def body_for_log(body: bytes | bytearray | None, became_events: bool) -> tuple[bytes | None, bool]:
    """Bodies that became events are stored as events; others are kept up to 64 KB."""
    if body is None or became_events:
        return None, False
    if len(body) > MAX_BODY:
        return bytes(body[:MAX_BODY]), True
    return bytes(body), False


class RequestLog:
    """Writes records (writer jobs) and prunes to the bounds.

    Records queue up here and one writer job takes all that are waiting
    (``add`` says when to schedule it): under a flood of uploads that is one
    job per writer batch instead of one per request, each of which cost the
    busy writer a savepoint and a wake-up of the event loop.
    """

    def __init__(self, max_requests: int = MAX_REQUESTS, max_bytes: int = MAX_BYTES) -> None:
        self.max_requests = max_requests
        self.max_bytes = max_bytes
        self._since_prune = 0
        # Bounded: while the disk is full, the oldest unwritten records go first.
        self._waiting: collections.deque[RequestRecord] = collections.deque(maxlen=MAX_WAITING)
        self._flush_scheduled = False

    def add(self, record: RequestRecord) -> bool:
        """Queue ``record``; True when the caller must write a ``flush_job``."""
        self._waiting.append(record)
        if self._flush_scheduled:
            return False
        self._flush_scheduled = True
        return True

    def flush_failed(self) -> None:
        """The flush job did not run (store closed, disk full): the next ``add`` retries."""
        self._flush_scheduled = False

    def flush_job(self) -> Callable[[Connection], list[RequestRecord]]:
        """A writer job writing the waiting records; returns them with their ids.

        The records are taken the first time it runs; run again after its batch
        was rolled back (``dbapi.rerunnable``), it writes the same ones.
        """
        taken: list[RequestRecord] | None = None

        def job(conn: Connection) -> list[RequestRecord]:
            nonlocal taken
            if taken is None:
                # Cleared before draining: a record added from now on is either drained
                # here or schedules the next job; none is left waiting.
                self._flush_scheduled = False
                taken = []
                while self._waiting:
                    taken.append(self._waiting.popleft())
            records = taken
            ids = self._insert_many(conn, records)
            return [replace(record, id=rid) for record, rid in zip(records, ids, strict=True)]

        return rerunnable(job)

    def insert_job(self, record: RequestRecord) -> Callable[[Connection], int]:
        """A writer job writing ``record``; returns its new id."""
        return lambda conn: self._insert(conn, record)

    def _insert(self, conn: Connection, record: RequestRecord) -> int:
        row = conn.execute(_INSERT + _ROW + " RETURNING id", _values(record)).fetchone()
        self._inserted(conn, 1)
        return int(row[0])

    def _insert_many(self, conn: Connection, records: list[RequestRecord]) -> list[int]:
        """Insert ``records`` in order; their ids. SQLite: one statement per ``INSERT_ROWS``.

        Each statement costs the writer (which every box's event waits for) a
        hand-over of the GIL; a flush under load holds a batch's worth of records.
        SQLite gives the rows of one INSERT increasing rowids in VALUES order, so
        the ids, sorted, are the records' in order (RETURNING's own order is not
        promised).
        """
        if len(records) < 2 or dialect(conn).is_postgres:
            return [self._insert(conn, record) for record in records]
        ids: list[int] = []
        for at in range(0, len(records), INSERT_ROWS):
            chunk = records[at : at + INSERT_ROWS]
            rows = conn.execute(
                _INSERT + ",".join([_ROW] * len(chunk)) + " RETURNING id",
                [value for record in chunk for value in _values(record)],
            ).fetchall()
            ids += sorted(int(row[0]) for row in rows)
        self._inserted(conn, len(records))
        return ids

    def _inserted(self, conn: Connection, count: int) -> None:
        self._since_prune += count
        if self._since_prune >= PRUNE_EVERY:
            self._since_prune = 0
            self.prune(conn)

    def prune(self, conn: Connection) -> int:
        """Drop the oldest requests beyond the count and byte bounds."""
        removed = 0
        top = conn.execute("SELECT max(id) FROM requests").fetchone()[0]
        if top is not None:
            removed += conn.execute(
                "DELETE FROM requests WHERE id <= ?", (top - self.max_requests,)
            ).rowcount
        total = conn.execute(
            "SELECT coalesce(sum(coalesce(length(body), 0) + length(reply) + length(headers)"
            " + length(warnings) + 200), 0) FROM requests"
        ).fetchone()[0]
        if total > self.max_bytes:
            excess = total - self.max_bytes
            cutoff = None
            running = 0
            for rid, size in conn.execute(
                "SELECT id, coalesce(length(body), 0) + length(reply) + length(headers)"
                " + length(warnings) + 200 FROM requests ORDER BY id"
            ):
                running += size
                cutoff = rid
                if running >= excess:
                    break
            if cutoff is not None:
                removed += conn.execute("DELETE FROM requests WHERE id <= ?", (cutoff,)).rowcount
        return removed


_INSERT = (
    "INSERT INTO requests (time, source_ip, method, path, content_type, length, status, reply,"
    " duration_ms, events, warnings, headers, body, body_truncated, event_ids) VALUES "
)
_ROW = "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
#: Records written by one statement (15 values each, well within SQLite's variable limit).
INSERT_ROWS = 50


def _values(record: RequestRecord) -> tuple[Any, ...]:
    headers = dict(record.headers)
    if record.body_format:
        headers["X-Gatewatch-Body-Format"] = record.body_format
    return (
        record.time,
        record.source_ip,
        record.method,
        record.path,
        record.content_type,
        record.length,
        record.status,
        record.reply,
        record.duration_ms,
        record.events,
        json.dumps(list(record.warnings), ensure_ascii=False),
        json.dumps(headers, ensure_ascii=False),
        record.body,
        int(record.body_truncated),
        json.dumps(list(record.event_ids)),
    )


REQUEST_COLUMNS = (
    "id, time, source_ip, method, path, content_type, length, status, reply, duration_ms,"
    " events, warnings"
)


def _row_to_json(row: RowLike) -> dict[str, Any]:
    (rid, time_, source_ip, method, path, content_type, length, status, reply, duration_ms,
     events, warnings) = tuple(row)  # fmt: skip
    try:
        reply_value: Any = json.loads(reply) if reply else None
    except ValueError:
        reply_value = reply
    return {
        "id": rid,
        "time": time_,
        "source_ip": source_ip,
        "method": method,
        "path": path,
        "content_type": content_type,
        "length": length,
        "status": status,
        "reply": reply_value,
        "duration_ms": duration_ms,
        "events": events,
        "warnings": json.loads(warnings),
    }


def list_requests(
    conn: Connection,
    *,
    limit: int = 100,
    before: int | None = None,
    status: int | None = None,
    source: str | None = None,
    path: str | None = None,
) -> list[dict[str, Any]]:
    """Newest first; ``before`` is a request id (the last one of the previous page)."""
    parts: list[str] = []
    params: list[Any] = []
    if before is not None:
        parts.append("id < ?")
        params.append(before)
    if status is not None:
        parts.append("status = ?")
        params.append(status)
    if source:
        parts.append("source_ip = ?")
        params.append(source)
    if path:
        parts.append("path = ?")
        params.append(path)
    where = " AND ".join(parts) or "1 = 1"
    rows = conn.execute(
        f"SELECT {REQUEST_COLUMNS} FROM requests WHERE {where} ORDER BY id DESC LIMIT ?",
        (*params, limit),
    ).fetchall()
    return [_row_to_json(r) for r in rows]


def load_request(conn: Connection, request_id: int) -> dict[str, Any] | None:
    """One request with its headers, body and the ids of the events it became."""
    row = conn.execute(
        f"SELECT {REQUEST_COLUMNS}, headers, body, body_truncated, event_ids FROM requests"
        " WHERE id = ?",
        (request_id,),
    ).fetchone()
    if row is None:
        return None
    out = _row_to_json(tuple(row)[:12])
    headers, body, truncated, event_ids = tuple(row)[12:]
    out["headers"] = json.loads(headers)
    out["body"] = bytes(body) if body is not None else None
    out["body_truncated"] = bool(truncated)
    out["event_ids"] = json.loads(event_ids)
    return out
