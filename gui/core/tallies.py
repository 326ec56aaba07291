"""Device counters on a shared PostgreSQL database without one hot row per box.

Every batch of events bumps its box's and cameras' ``event_count`` and last-seen
times. On SQLite (one writer) that is an UPDATE of the registry rows. With
several receivers on one PostgreSQL database, the same UPDATE from each of
them would queue on the box's row lock until the other's batch committed:
receivers fed by one box (two push URLs) would take turns. So on PostgreSQL
each receiver's writer adds to rows of its own in ``device_tallies`` (keyed by
device and writer: no two writers ever touch one row), and folds them into
``boxes``/``cameras`` now and then (``FOLD_EVERY_S``), a short write per device
per interval instead of one per batch. Readers add the rows not folded yet
(``boxes_source``/``cameras_source``), so counts are exact at any moment.
"""

from __future__ import annotations

import time
from typing import Any

#: How often a writer folds its tallies into the registry rows.
FOLD_EVERY_S = 30.0

_TALLY = "first_seen, last_seen, last_event_at, event_count, score_max, score_min"
_COLUMNS = {
    "boxes": ("sn", "box", "sn, name, ips, source_ip, last_report_at, report, health,"
              " score_scale, threshold"),
    "cameras": ("ep_id", "camera", "ep_id, box_sn, device_id, name, ip, type, status,"
                " location, url, direction"),
}  # fmt: skip


def _writer(conn: Any) -> str:
    """The writer's name on its tally rows: its server process id (one per connection).

    A writer that reconnects gets a new one; the rows of connections gone are
    folded by whichever writer folds next (``fold``).
    """
    name = getattr(conn, "tally_writer", None)
    if name is None:
        name = str(conn.execute("SELECT pg_backend_pid()").fetchone()[0])
        conn.tally_writer = name
    return str(name)


def add(
    conn: Any,
    kind: str,
    key: str,
    first: int,
    last: int,
    count: int,
    score: float | None = None,
    low: float | None = None,
) -> None:
    """Count ``count`` events of device ``key`` (``box``/``camera``) on this writer's row."""
    conn.execute(
        f"INSERT INTO device_tallies (kind, key, writer, {_TALLY})"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (kind, key, writer) DO UPDATE SET"
        " first_seen = least(device_tallies.first_seen, excluded.first_seen),"
        " last_seen = greatest(device_tallies.last_seen, excluded.last_seen),"
        " last_event_at = greatest(device_tallies.last_event_at, excluded.last_event_at),"
        " event_count = device_tallies.event_count + excluded.event_count,"
        " score_max = greatest(device_tallies.score_max, excluded.score_max),"
        " score_min = least(device_tallies.score_min, excluded.score_min)",
        (kind, key, _writer(conn), first, last, last, count, score, low),
    )


def fold(conn: Any, *, keys: tuple[str, str] | None = None, everyone: bool = False) -> int:
    """Move tallies into the registry rows; returns how many tally rows went.

    This writer's own rows by default (and those of writers no longer connected);
    ``keys=(kind, key)`` every writer's rows of
    one device (before that device is merged or renamed); ``everyone`` all rows.
    """
    where = "(writer = ? OR writer NOT IN (SELECT CAST(pid AS text) FROM pg_stat_activity))"
    params: list[Any] = [_writer(conn)]
    if everyone:
        where, params = "true", []
    if keys is not None:
        where, params = "kind = ? AND key = ?", list(keys)
    gone = conn.execute(
        f"DELETE FROM device_tallies WHERE {where} RETURNING kind, key, {_TALLY}", params
    ).fetchall()
    merged: dict[tuple[str, str], list[Any]] = {}
    for kind, key, first, last, last_event, count, score, low in gone:
        m = merged.setdefault((kind, key), [None, None, None, 0, None, None])
        m[0] = _pick(min, m[0], first)
        m[1] = _pick(max, m[1], last)
        m[2] = _pick(max, m[2], last_event)
        m[3] += count
        m[4] = _pick(max, m[4], score)
        m[5] = _pick(min, m[5], low)
    for (kind, key), (first, last, last_event, count, score, low) in sorted(merged.items()):
        table, pk = ("boxes", "sn") if kind == "box" else ("cameras", "ep_id")
        box = kind == "box"
        scores = ", score_max = greatest(score_max, ?), score_min = least(score_min, ?)"
        conn.execute(
            f"UPDATE {table} SET first_seen = least(first_seen, ?),"
            " last_seen = greatest(last_seen, ?), last_event_at = greatest(last_event_at, ?),"
            f" event_count = event_count + ?{scores if box else ''} WHERE {pk} = ?",
            (first, last, last_event, count, *((score, low) if box else ()), key),
        )
    return len(gone)


def _pick(choose: Any, a: Any, b: Any) -> Any:
    """``choose(a, b)`` where both are known, else the known one (SQL's least/greatest)."""
    return b if a is None else a if b is None else choose(a, b)


def fold_now_and_then(conn: Any) -> None:
    """This writer's tallies into the registry once every ``FOLD_EVERY_S``."""
    now = time.monotonic()
    last = getattr(conn, "tally_folded_at", None)
    if last is None:
        conn.tally_folded_at = now  # the first fold one interval after the first batch
    elif now - last >= FOLD_EVERY_S:
        conn.tally_folded_at = now
        fold(conn)


def source(table: str) -> str:
    """A FROM item named ``table`` with the registry's columns, the tallies added in."""
    pk, kind, plain = _COLUMNS[table]
    box = table == "boxes"
    return (
        f"(SELECT {', '.join('r.' + c.strip() for c in plain.split(','))},"
        " coalesce(least(r.first_seen, t.first_seen), r.first_seen) AS first_seen,"
        " greatest(r.last_seen, t.last_seen) AS last_seen,"
        " greatest(r.last_event_at, t.last_event_at) AS last_event_at,"
        " r.event_count + coalesce(t.event_count, 0) AS event_count"
        + (
            ", greatest(r.score_max, t.score_max) AS score_max,"
            " least(r.score_min, t.score_min) AS score_min"
            if box
            else ""
        )
        + f" FROM {table} r LEFT JOIN (SELECT key, min(first_seen) AS first_seen,"
        " max(last_seen) AS last_seen, max(last_event_at) AS last_event_at,"
        " CAST(sum(event_count) AS bigint) AS event_count, max(score_max) AS score_max,"
        " min(score_min) AS score_min"
        f" FROM device_tallies WHERE kind = '{kind}' GROUP BY key) t ON t.key = r.{pk})"
        f" AS {table}"
    )


def registry(conn: Any, table: str) -> str:
    """``table`` itself on SQLite; on PostgreSQL the same with the unfolded tallies."""
    from gui.core.portable import dialect_of

    return source(table) if dialect_of(conn).is_postgres else table
