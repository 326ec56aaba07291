"""Durable catch-up: what was stored after a position, for clients that were away.

Messages are not durable (a stream client that was disconnected, or a receiver
relaying what others stored, missed them), but the rows behind the two that
matter are: events have ascending ids and alarm changes an ascending ``seq``
(``alarm_changes``). A position is the pair ``(event id, alarm seq)``; these
queries give what came after it, oldest first, as the messages that announced
it at the time (``EventStored`` / ``AlarmChanged``). Ids committed out of order
on a shared database are looked for again below a position (``missing_below``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from gui.core import alarms, scores
from gui.core.dbapi import Connection
from gui.core.messages import AlarmChanged, EventStored
from gui.core.model import EventSummary

#: Rows per catch-up query; a client far behind gets several batches.
BATCH = 500

_SUMMARY_COLUMNS = (
    "id, received_at, timestamp, identity_id, identity_name, person_type, score, want_action,"
    " ep_id, ep_name, device_id, dev_sno, format, path, source_ip, warning_codes, self_test"
)


@dataclass(frozen=True, slots=True)
class Position:
    """The newest event id and alarm change seq a reader has seen."""

    event_id: int
    alarm_seq: int


def current_position(conn: Connection) -> Position:
    """Where the store is now: a client starting here gets only what is stored next."""
    row = conn.execute("SELECT max(id) FROM events").fetchone()
    return Position(int(row[0] or 0), alarms.last_change_seq(conn))


#: How far below the newest id or seq an absent one may still be committed late.
GAP_WINDOW = 1000
#: How long an absent id or seq is looked for (a transaction committing that late).
GAP_WAIT_S = 30.0


def missing_below(conn: Connection, pos: Position) -> tuple[list[int], list[int]]:
    """Event ids and alarm seqs absent in the ``GAP_WINDOW`` below ``pos``.

    Ids come from sequences, handed out before commit: on a database several
    receivers write, a transaction that took id 11 can commit after one that
    took 12 was read. Such an id is absent now and may still turn up (most are
    rolled back or deleted and never will); a reader starting at ``pos`` looks
    for them again for a while (``gui.core.relay``, ``gui.core.stream``).
    """
    low = max(0, pos.event_id - GAP_WINDOW)
    present = {
        int(r[0])
        for r in conn.execute(
            "SELECT id FROM events WHERE id > ? AND id <= ?", (low, pos.event_id)
        ).fetchall()
    }
    events = [i for i in range(low + 1, pos.event_id + 1) if i not in present]
    low_seq = max(0, pos.alarm_seq - GAP_WINDOW)
    seen = {
        int(r[0])
        for r in conn.execute(
            "SELECT seq FROM alarm_changes WHERE seq > ? AND seq <= ?", (low_seq, pos.alarm_seq)
        ).fetchall()
    }
    seqs = [i for i in range(low_seq + 1, pos.alarm_seq + 1) if i not in seen]
    return events, seqs


def position_and_gaps(conn: Connection) -> tuple[Position, list[int], list[int]]:
    """``current_position`` and what is ``missing_below`` it, read together."""
    pos = current_position(conn)
    return (pos, *missing_below(conn, pos))


def events_after(conn: Connection, after_id: int, limit: int = BATCH) -> list[EventStored]:
    """Events with an id above ``after_id``, ascending, as ``EventStored`` messages."""
    rows = conn.execute(
        f"SELECT {_SUMMARY_COLUMNS} FROM events WHERE id > ? ORDER BY id LIMIT ?",
        (after_id, limit),
    ).fetchall()
    return _messages(conn, rows)


def events_in(conn: Connection, ids: list[int]) -> list[EventStored]:
    """The events among ``ids`` that exist, ascending (a relay's gaps filled in late)."""
    if not ids:
        return []
    marks = ",".join("?" * len(ids))
    rows = conn.execute(
        f"SELECT {_SUMMARY_COLUMNS} FROM events WHERE id IN ({marks}) ORDER BY id", tuple(ids)
    ).fetchall()
    return _messages(conn, rows)


def face_thumbs(conn: Connection, ids: list[int]) -> list[tuple[int, bytes]]:
    """``(event id, face thumbnail)`` of those among ``ids`` whose thumbnail is stored."""
    from gui.core import event_rows

    out = []
    for event_id in ids:
        thumb = event_rows.load_face_thumb(conn, event_id)
        if thumb is not None:
            out.append((event_id, bytes(thumb)))
    return out


def _messages(conn: Connection, rows: list[Any]) -> list[EventStored]:
    if not rows:
        return []
    kinds: dict[int, list[str]] = defaultdict(list)
    marks = ",".join("?" * len(rows))
    for event_id, kind in conn.execute(
        f"SELECT event_id, kind FROM images WHERE event_id IN ({marks}) ORDER BY id",
        tuple(r[0] for r in rows),
    ):
        kinds[event_id].append(kind)
    book = scores.scale_book(conn)
    return [EventStored(summary_of_row(tuple(r), kinds.get(r[0], ()), book)) for r in rows]


def summary_of_row(
    row: tuple[Any, ...], kinds: Any = (), book: scores.ScaleBook | None = None
) -> EventSummary:
    """An ``EventSummary`` from a row of ``_SUMMARY_COLUMNS`` (scale from ``book``)."""
    (event_id, received_at, timestamp, identity_id, identity_name, person_type, score,
     want_action, ep_id, ep_name, device_id, dev_sno, fmt, path, source_ip, codes,
     self_test) = row  # fmt: skip
    scale, threshold = (
        scores.context_of(book, score, dev_sno, ep_id, source_ip) if book is not None
        else (None, None)
    )  # fmt: skip
    return EventSummary(
        id=int(event_id), received_at=int(received_at), timestamp=timestamp,
        identity_id=identity_id, identity_name=identity_name, person_type=person_type,
        score=score, want_action=want_action, ep_id=ep_id, ep_name=ep_name,
        device_id=device_id, dev_sno=dev_sno, format=fmt or "", path=path or "",
        source_ip=source_ip or "", warning_codes=tuple((codes or "").split()),
        image_kinds=tuple(kinds), self_test=bool(self_test), score_scale=scale,
        threshold=threshold,
    )  # fmt: skip


def alarm_changes_after(
    conn: Connection, after_seq: int, limit: int = BATCH
) -> list[AlarmChanged]:
    """Alarm changes with a seq above ``after_seq``, ascending (see ``alarms.changes_after``)."""
    return alarms.changes_after(conn, after_seq, limit)
