"""Event counts per local hour or day, split by person type and device.

Buckets follow the PC's local clock, because "how many strangers on Monday"
means Monday here. Days are therefore not a fixed 86,400,000 ms: a DST day has
23 or 25 hours, and the repeated hour in autumn is two buckets. SQLite knows
nothing of time zones, so the range is cut into segments of constant UTC
offset (usually one, two around a DST change) and each segment is grouped in
SQL with its own offset; Python only names the buckets.

Self-test events (sent by Gatewatch's own "send a test event") are left out.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any

from gui.core import event_counts
from gui.core.dbapi import Connection
from gui.core.portable import dialect_of
from gui.core.query import BadQuery, _int

HOUR = 3_600_000
DAY = 86_400_000
BUCKETS = ("hour", "day")
#: Longest range a request may ask for, in buckets (a year of hours).
MAX_BUCKETS = 24 * 366
#: Longest range at all: the Statistics tab offers up to 90 days (+2 for DST and rounding).
#: Anything longer is refused before any work (a 400, not minutes of a reader thread).
MAX_RANGE_MS = 92 * 24 * 3_600_000
#: Times a calendar can show (1970 to 9999): the local-time arithmetic needs them.
MIN_MS, MAX_MS = 0, 253_402_300_799_999
STRANGER = 4


@dataclass(frozen=True)
class Bucket:
    start: int  # ms, a local hour or midnight
    total: int
    by_person_type: dict[str, int]
    by_device: dict[str, int]


@dataclass(frozen=True)
class Stats:
    since: int
    until: int
    bucket: str
    buckets: list[Bucket]
    total: int
    by_person_type: dict[str, int] = field(default_factory=dict)
    by_device: dict[str, int] = field(default_factory=dict)
    top_identities: list[dict[str, Any]] = field(default_factory=list)
    #: Strangers per local hour of the day (0-23) over the whole range.
    strangers_by_hour_of_day: list[int] = field(default_factory=lambda: [0] * 24)

    def to_json(self) -> dict[str, Any]:
        return {
            "since": self.since,
            "until": self.until,
            "bucket": self.bucket,
            "buckets": [
                {
                    "start": b.start,
                    "total": b.total,
                    "by_person_type": b.by_person_type,
                    "by_device": b.by_device,
                }
                for b in self.buckets
            ],
            "total": self.total,
            "by_person_type": self.by_person_type,
            "by_device": self.by_device,
            "top_identities": self.top_identities,
            "strangers_by_hour_of_day": self.strangers_by_hour_of_day,
        }


def _local(ms: int, tz: tzinfo | None) -> datetime:
    moment = datetime.fromtimestamp(ms / 1000, UTC)
    return moment.astimezone(tz) if tz is not None else moment.astimezone()


def _offset_ms(ms: int, tz: tzinfo | None) -> int:
    off = _local(ms, tz).utcoffset()
    return int(off.total_seconds() * 1000) if off is not None else 0


def _midnight_ms(day: date, tz: tzinfo | None) -> int:
    naive = datetime(day.year, day.month, day.day)
    aware = naive.replace(tzinfo=tz) if tz is not None else naive.astimezone()
    return int(aware.timestamp() * 1000)


def local_floor(ms: int, bucket: str, tz: tzinfo | None = None) -> int:
    """Start of the local hour or day holding ``ms``."""
    if bucket == "hour":
        off = _offset_ms(ms, tz)
        return (ms + off) // HOUR * HOUR - off
    return _midnight_ms(_local(ms, tz).date(), tz)


def segments(since: int, until: int, tz: tzinfo | None = None) -> list[tuple[int, int, int]]:
    """``[(start, end, offset_ms)]`` covering [since, until) with a constant UTC offset each.

    Offsets change on UTC quarter hours in every real zone, so probing each
    quarter hour's boundary finds every change.
    """
    out = []
    start = since
    off = _offset_ms(since, tz)
    probe = (since // 900_000 + 1) * 900_000
    while probe < until:
        o = _offset_ms(probe, tz)
        if o != off:
            out.append((start, probe, off))
            start, off = probe, o
        probe += 900_000 if until - since <= 3 * DAY else HOUR
    out.append((start, until, off))
    return out


def compute(
    conn: Connection,
    *,
    since: int,
    until: int,
    bucket: str = "hour",
    tz: tzinfo | None = None,
    top: int = 10,
) -> Stats:
    """Counts for events with ``since <= ts < until``; empty buckets are included."""
    check_range(since, until, bucket)
    tally = _tally_postgres if dialect_of(conn).is_postgres else _tally_sqlite
    counts, strangers_by_hod, identities = tally(conn, since, until, bucket, tz, top)
    buckets = []
    start = local_floor(since, bucket, tz)
    all_types: dict[str, int] = {}
    all_devices: dict[str, int] = {}
    while start < until:
        nxt = _next_start(start, bucket, tz)
        by_type, by_device = counts.pop(start, ({}, {}))
        for ptype, n in by_type.items():
            all_types[ptype] = all_types.get(ptype, 0) + n
        for device, n in by_device.items():
            all_devices[device] = all_devices.get(device, 0) + n
        buckets.append(Bucket(start, sum(by_type.values()), by_type, by_device))
        start = nxt
        if len(buckets) > MAX_BUCKETS:
            raise BadQuery("since", f"range too long for {bucket} buckets")
    ranked = sorted(identities.items(), key=lambda item: (-item[1][0], item[0]))[:top]
    top_identities = [
        {"identity_id": ident, "identity_name": name, "person_type": ptype, "count": n}
        for ident, (n, name, ptype) in ranked
    ]
    return Stats(
        since=since,
        until=until,
        bucket=bucket,
        buckets=buckets,
        total=sum(b.total for b in buckets),
        by_person_type=all_types,
        by_device=all_devices,
        top_identities=top_identities,
        strangers_by_hour_of_day=strangers_by_hod,
    )


#: Per bucket start: (events per person type, events per device).
Counts = dict[int, tuple[dict[str, int], dict[str, int]]]
#: identity_id -> (events, its greatest name, its greatest person type).
Identities = dict[str, tuple[int, Any, Any]]


def _bucket_start(index: int, bucket: str, off: int, tz: tzinfo | None) -> int:
    if bucket == "hour":
        return index * HOUR - off
    return _midnight_ms(date(1970, 1, 1) + timedelta(days=index), tz)


def _add(counts: Counts, start: int, which: int, key: str, n: int) -> None:
    split = counts.setdefault(start, ({}, {}))[which]
    split[key] = split.get(key, 0) + n


def _tally_sqlite(
    conn: Connection, since: int, until: int, bucket: str, tz: tzinfo | None, top: int
) -> tuple[Counts, list[int], Identities]:
    width = HOUR if bucket == "hour" else DAY
    counts: Counts = {}
    strangers_by_hod = [0] * 24
    for seg_start, seg_end, off in segments(since, until, tz):
        rows = conn.execute(
            "SELECT (ts + ?) / ?, person_type, coalesce(ep_id, device_id, ''), count(*)"
            " FROM events WHERE ts >= ? AND ts < ? AND self_test = 0"
            " GROUP BY 1, 2, 3",
            (off, width, seg_start, seg_end),
        )
        for index, ptype, device, n in rows:
            start = _bucket_start(index, bucket, off, tz)
            _add(counts, start, 0, "" if ptype is None else str(ptype), n)
            _add(counts, start, 1, device, n)
        for hod, n in conn.execute(
            "SELECT ((ts + ?) / ?) % 24, count(*) FROM events"
            " WHERE person_type = ? AND ts >= ? AND ts < ? AND self_test = 0 GROUP BY 1",
            (off, HOUR, STRANGER, seg_start, seg_end),
        ):
            strangers_by_hod[int(hod)] += n
    top_rows = conn.execute(
        "SELECT identity_id, max(identity_name), max(person_type), count(*) FROM events"
        " WHERE ts >= ? AND ts < ? AND self_test = 0 AND identity_id IS NOT NULL"
        " AND coalesce(person_type, 0) != ? GROUP BY identity_id ORDER BY 4 DESC, 1 LIMIT ?",
        (since, until, STRANGER, top),
    ).fetchall()
    return counts, strangers_by_hod, {r[0]: (r[3], r[1], r[2]) for r in top_rows}


#: PostgreSQL: the buckets and the strangers' hours of one constant-offset segment in
#: one pass over the covering index ``events_for_statistics`` (schema v5: an
#: index-only scan, the rows themselves are never read). A stranger's group also
#: keys its local hour of the day (by hour, the bucket already says it).
_PG_BUCKETS = (
    "SELECT (ts + ?) / ?, person_type, coalesce(ep_id, device_id, ''),"
    f" CASE WHEN person_type = {STRANGER} THEN ((ts + ?) / {HOUR}) % 24 END, count(*)"
    " FROM events WHERE ts >= ? AND ts < ? AND self_test = 0 GROUP BY 1, 2, 3, 4"
)
#: Memory for the statistics' hash tables (per query, this session only, reset after).
PG_WORK_MEM = "64MB"


def _tally_postgres(
    conn: Connection, since: int, until: int, bucket: str, tz: tzinfo | None, top: int
) -> tuple[Counts, list[int], Identities]:
    """Whole UTC hours from the counts kept as events are stored (``event_counts``),
    the rest (a range's ragged ends, a zone whose offset is not whole hours) from the
    events' covering index."""
    width = HOUR if bucket == "hour" else DAY
    counts: Counts = {}
    strangers_by_hod = [0] * 24
    from_events: list[tuple[int, int, int]] = []
    for seg_start, seg_end, off in segments(since, until, tz):
        first_hour, end_hour = -(-seg_start // HOUR), seg_end // HOUR
        if off % HOUR or end_hour <= first_hour:
            from_events.append((seg_start, seg_end, off))
            continue
        from_events += [(seg_start, first_hour * HOUR, off), (end_hour * HOUR, seg_end, off)]
        rows, strangers = event_counts.bucket_counts(conn, first_hour, end_hour, off, width)
        starts: dict[int, int] = {}
        for dim, index, key, n in rows:
            start = starts.get(index)
            if start is None:
                start = starts[index] = _bucket_start(index, bucket, off, tz)
            _add(counts, start, 1 if dim == event_counts.DEVICE else 0, key, n)
        for hod, n in strangers:
            strangers_by_hod[int(hod)] += n
    # The planner cannot tell how few buckets there are and a long range's groups
    # outgrow the default 4 MB: the hash table went to disk (6.0 s against 4.0 s).
    conn.execute(f"SET work_mem = '{PG_WORK_MEM}'")
    try:
        for seg_start, seg_end, off in from_events:
            if seg_end <= seg_start:
                continue
            rows = conn.execute(_PG_BUCKETS, (off, width, off, seg_start, seg_end)).fetchall()
            for index, ptype, device, hod, n in rows:
                start = _bucket_start(index, bucket, off, tz)
                _add(counts, start, 0, "" if ptype is None else str(ptype), n)
                _add(counts, start, 1, device, n)
                if hod is not None:
                    strangers_by_hod[int(hod)] += n
        identities = event_counts.top_identities(conn, since, until, top)
    finally:
        with contextlib.suppress(Exception):  # a broken connection is replaced anyway
            conn.execute("RESET work_mem")
    return counts, strangers_by_hod, identities


def _next_start(start: int, bucket: str, tz: tzinfo | None) -> int:
    if bucket == "hour":
        # The next local hour: +1 h, then re-floor (a 30-minute DST shift moves the grid).
        return max(local_floor(start + HOUR, "hour", tz), start + 1)
    day = _local(start, tz).date() + timedelta(days=1)
    return _midnight_ms(day, tz)


def check_range(since: int, until: int, bucket: str) -> None:
    """Raise ``BadQuery`` for a range the Statistics tab would never ask for."""
    if bucket not in BUCKETS:
        raise BadQuery("bucket", f"expected hour or day, got {bucket!r}")
    for name, value in (("since", since), ("until", until)):
        if not MIN_MS <= value <= MAX_MS:
            raise BadQuery(name, "out of range: a time between 1970 and 9999 in ms is expected")
    if until <= since:
        raise BadQuery("until", "must be after since")
    if until - since > MAX_RANGE_MS:
        raise BadQuery("since", f"range too long: at most {MAX_RANGE_MS // (24 * HOUR)} days")


def parse_stats_query(params: Any, now_ms: int) -> tuple[int, int, str]:
    """``since``/``until`` (ms; default the last 24 hours) and ``bucket``."""
    until = _int(params, "until")
    since = _int(params, "since")
    bucket = params.get("bucket") or "hour"
    if bucket not in BUCKETS:
        raise BadQuery("bucket", f"expected hour or day, got {bucket!r}")
    until = now_ms if until is None else until
    since = until - (DAY if bucket == "hour" else 30 * DAY) if since is None else since
    check_range(since, until, bucket)
    return since, until, bucket
