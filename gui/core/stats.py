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

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any

from gui.core.dbapi import Connection
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
    width = HOUR if bucket == "hour" else DAY
    counts: dict[int, list[tuple[str, str, int]]] = {}
    strangers_by_hod = [0] * 24
    for seg_start, seg_end, off in segments(since, until, tz):
        rows = conn.execute(
            "SELECT (ts + ?) / ?, person_type, coalesce(ep_id, device_id, ''), count(*)"
            " FROM events WHERE ts >= ? AND ts < ? AND self_test = 0"
            " GROUP BY 1, 2, 3",
            (off, width, seg_start, seg_end),
        )
        for index, ptype, device, n in rows:
            if bucket == "hour":
                start = index * HOUR - off
            else:
                start = _midnight_ms(date(1970, 1, 1) + timedelta(days=index), tz)
            counts.setdefault(start, []).append(("" if ptype is None else str(ptype), device, n))
        for hod, n in conn.execute(
            "SELECT ((ts + ?) / ?) % 24, count(*) FROM events"
            " WHERE person_type = ? AND ts >= ? AND ts < ? AND self_test = 0 GROUP BY 1",
            (off, HOUR, STRANGER, seg_start, seg_end),
        ):
            strangers_by_hod[int(hod)] += n
    buckets = []
    start = local_floor(since, bucket, tz)
    all_types: dict[str, int] = {}
    all_devices: dict[str, int] = {}
    while start < until:
        nxt = _next_start(start, bucket, tz)
        by_type: dict[str, int] = {}
        by_device: dict[str, int] = {}
        total = 0
        for ptype, device, n in counts.pop(start, []):
            by_type[ptype] = by_type.get(ptype, 0) + n
            by_device[device] = by_device.get(device, 0) + n
            all_types[ptype] = all_types.get(ptype, 0) + n
            all_devices[device] = all_devices.get(device, 0) + n
            total += n
        buckets.append(Bucket(start, total, by_type, by_device))
        start = nxt
        if len(buckets) > MAX_BUCKETS:
            raise BadQuery("since", f"range too long for {bucket} buckets")
    top_rows = conn.execute(
        "SELECT identity_id, max(identity_name), max(person_type), count(*) FROM events"
        " WHERE ts >= ? AND ts < ? AND self_test = 0 AND identity_id IS NOT NULL"
        " AND coalesce(person_type, 0) != ? GROUP BY identity_id ORDER BY 4 DESC, 1 LIMIT ?",
        (since, until, STRANGER, top),
    ).fetchall()
    top_identities = [
        {"identity_id": r[0], "identity_name": r[1], "person_type": r[2], "count": r[3]}
        for r in top_rows
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
