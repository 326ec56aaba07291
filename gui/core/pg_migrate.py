"""Copy a receiver's SQLite database into PostgreSQL (``gatewatch migrate --to``).

What a site moving to a shared database needs from its history: events with
their photos and face thumbnails, alarms with their acknowledgements (and
which events each alarm covered), and the device registry (boxes, their
aliases, cameras). The request log stays behind (a diagnostic of one PC).

Idempotent and resumable:

- an event is keyed by its natural key (a unique constraint), so a copy run
  twice, or an event some receiver already stored, is one row; its photos and
  face thumbnail are keyed by (event, kind) the same way;
- events go in batches, each one transaction that also records the last
  SQLite id copied (``migrate_progress``): an interrupted copy (Ctrl+C, a lost
  connection, a power cut) starts again after the last committed batch;
- alarms carry no natural key: ``migrate_alarms`` maps each copied SQLite alarm
  to its PostgreSQL row, so a second run updates (an acknowledgement given in
  the meantime) instead of adding;
- devices are inserted where absent and left alone where a receiver already
  registered them;
- requests go in batches like events; each copied one is remembered
  (``migrate_requests``), so a second run copies only the requests logged since.

PostgreSQL assigns its own ids (another receiver may have stored events
already); alarms are re-linked to their events through the natural keys.
The source is opened read-only: it may be copied while its receiver runs, and
a second run then copies what arrived meanwhile.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gui.core import schema
from gui.core.event_rows import load_doc, pack_doc

log = logging.getLogger(__name__)

#: Events per transaction: a few MB of photos each, so progress is saved often.
BATCH = 200

_EVENT_COLUMNS = (
    "natural_key", "ts", "timestamp", "out_timestamp", "received_at", "identity_id",
    "identity_name", "person_type", "score", "want_action", "ep_id", "device_id", "ep_name",
    "ep_type", "ep_ip", "dev_sno", "format", "api_version", "source_ip", "path",
    "warning_codes", "self_test", "pinned", "event_id", "doc", "raw",
)  # fmt: skip
_ALARM_COLUMNS = (
    "kind", "late", "event_id", "person_type", "identity_id", "identity_name", "ep_id",
    "count", "first_at", "last_at", "state", "acked_by", "acked_at", "note", "detail",
)  # fmt: skip
_DEVICE_TABLES = (("boxes", "sn"), ("cameras", "ep_id"), ("box_aliases", "alias"))

Progress = Callable[[str, int, int], None]


class MigrationError(RuntimeError):
    """The source cannot be copied (missing, wrong schema version); said in plain words."""


@dataclass
class MigrationReport:
    events_total: int = 0
    events_copied: int = 0  # new rows in PostgreSQL
    events_present: int = 0  # already there (an earlier run, or another receiver)
    photos_copied: int = 0
    alarms_copied: int = 0
    alarms_updated: int = 0
    devices_copied: int = 0
    users_copied: int = 0  # API users (a name or token already there is kept)
    requests_copied: int = 0  # request log entries
    resumed_after: int = 0  # the SQLite event id an earlier, interrupted run reached
    seconds: float = 0.0


def _bookkeeping(dst: Any) -> None:
    dst.execute(
        "CREATE TABLE IF NOT EXISTS migrate_progress ("
        " source text PRIMARY KEY, last_event_id bigint NOT NULL, finished_at bigint)"
    )
    dst.execute(
        "CREATE TABLE IF NOT EXISTS migrate_alarms ("
        " source text NOT NULL, source_id bigint NOT NULL, target_id bigint NOT NULL,"
        " PRIMARY KEY (source, source_id))"
    )
    # Request log entries have no natural key: the copied ones are remembered.
    dst.execute(
        "CREATE TABLE IF NOT EXISTS migrate_requests ("
        " source text NOT NULL, source_id bigint NOT NULL, target_id bigint NOT NULL,"
        " PRIMARY KEY (source, source_id))"
    )


def open_source(path: Path) -> Any:
    """The SQLite database read-only, refused unless this version wrote its schema."""
    from gui.core.store import connect

    if not path.exists():
        raise MigrationError(f"no database at {path}")
    src = connect(path, readonly=True)
    version = src.execute("PRAGMA user_version").fetchone()[0]
    if version != schema.SCHEMA_VERSION:
        src.close()
        newer = version > schema.SCHEMA_VERSION
        raise MigrationError(
            f"the database at {path} is schema v{version}, this Gatewatch writes"
            f" v{schema.SCHEMA_VERSION}: "
            + ("use the newer Gatewatch that wrote it" if newer else "start Gatewatch on it once")
        )
    return src


def migrate(
    source: Path,
    url: str,
    *,
    batch: int = BATCH,
    progress: Progress | None = None,
    stop_after_batches: int | None = None,
) -> MigrationReport:
    """Copy the SQLite database at ``source`` into the PostgreSQL database at ``url``.

    ``progress(stage, done, total)`` after every batch. ``stop_after_batches``
    stops early as an interruption would (tests of resuming).
    """
    from gui.core import pg, pg_schema

    started = time.monotonic()
    src = open_source(source)
    key = str(source.resolve())
    report = MigrationReport()
    try:
        with pg.connect(url, application_name="gatewatch-migrate") as dst:
            pg_schema.migrate(dst)
            _bookkeeping(dst)
            row = dst.execute(
                "SELECT last_event_id FROM migrate_progress WHERE source = ?", (key,)
            ).fetchone()
            last = int(row[0]) if row else 0
            report.resumed_after = last
            report.events_total = src.execute("SELECT count(*) FROM events").fetchone()[0]
            done = src.execute("SELECT count(*) FROM events WHERE id <= ?", (last,)).fetchone()[0]
            batches = 0
            while True:
                if stop_after_batches is not None and batches >= stop_after_batches:
                    return report
                rows = src.execute(
                    f"SELECT id, {', '.join(_EVENT_COLUMNS)} FROM events WHERE id > ?"
                    " ORDER BY id LIMIT ?",
                    (last, batch),
                ).fetchall()
                if not rows:
                    break
                _copy_events(src, dst, key, rows, report, pg_schema)
                last = int(rows[-1][0])
                done += len(rows)
                batches += 1
                if progress is not None:
                    progress("events", done, report.events_total)
            _copy_alarms(src, dst, key, report, progress)
            _copy_devices(src, dst, report)
            _copy_users(src, dst, report)
            if not _copy_requests(src, dst, key, batch, report, progress, stop_after_batches):
                return report
            dst.execute(
                "UPDATE migrate_progress SET finished_at = ? WHERE source = ?",
                (int(time.time() * 1000), key),
            )
    finally:
        src.close()
        report.seconds = round(time.monotonic() - started, 3)
    return report


def _copy_events(
    src: Any, dst: Any, key: str, rows: Sequence[Any], report: MigrationReport, pg_schema: Any
) -> None:
    """One batch of events with their photos and face thumbnails, one transaction."""
    received = {int(r[0]): int(r[5]) for r in rows}
    # Partitions are created outside the transaction (another receiver may race us).
    for day in {pg_schema.day_of(ms) for ms in received.values()}:
        pg_schema.ensure_photo_partition(dst, day)
    ids = [int(r[0]) for r in rows]
    marks = ",".join("?" * len(ids))
    images = src.execute(
        "SELECT event_id, kind, json_path, encoding, format, width, height, bytes, data, thumb"
        f" FROM images WHERE event_id IN ({marks}) ORDER BY event_id, kind",
        ids,
    ).fetchall()
    thumbs = src.execute(
        f"SELECT event_id, data FROM face_thumbs WHERE event_id IN ({marks})", ids
    ).fetchall()
    insert = (
        f"INSERT INTO events ({', '.join(_EVENT_COLUMNS)})"
        f" VALUES ({', '.join('?' * len(_EVENT_COLUMNS))})"
        " ON CONFLICT (natural_key) DO NOTHING RETURNING id"
    )
    dst.execute("BEGIN")
    try:
        target: dict[int, int] = {}
        new: set[int] = set()
        for r in rows:
            values = list(r[1:])
            doc = values[_EVENT_COLUMNS.index("doc")]
            if isinstance(doc, str):  # a database written before docs were compressed
                values[_EVENT_COLUMNS.index("doc")] = pack_doc(load_doc(doc))
            got = dst.execute(insert, values).fetchone()
            if got is None:
                got = dst.execute(
                    "SELECT id FROM events WHERE natural_key = ?", (r[1],)
                ).fetchone()
                report.events_present += 1
            else:
                new.add(int(got[0]))
                report.events_copied += 1
            target[int(r[0])] = int(got[0])
        for event_id, kind, json_path, encoding, fmt, width, height, nbytes, data, thumb in images:
            dst_id = target[int(event_id)]
            day = pg_schema.day_of(received[int(event_id)])
            added = dst.execute(
                "INSERT INTO image_meta (event_id, kind, json_path, encoding, format, width,"
                " height, bytes, thumb, day) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (event_id, kind) DO NOTHING RETURNING id",
                (dst_id, kind, json_path, encoding, fmt, width, height, nbytes,
                 None if thumb is None else bytes(thumb), day),
            ).fetchone()  # fmt: skip
            if added is not None and data is not None:
                dst.execute(
                    "INSERT INTO photos (day, event_id, kind, data) VALUES (?, ?, ?, ?)"
                    " ON CONFLICT DO NOTHING",
                    (day, dst_id, kind, bytes(data)),
                )
                report.photos_copied += 1
        for event_id, data in thumbs:
            dst.execute(
                "INSERT INTO face_thumbs (event_id, data) VALUES (?, ?) ON CONFLICT DO NOTHING",
                (target[int(event_id)], bytes(data)),
            )
        dst.execute(
            "INSERT INTO migrate_progress (source, last_event_id) VALUES (?, ?)"
            " ON CONFLICT (source) DO UPDATE SET last_event_id = excluded.last_event_id",
            (key, int(rows[-1][0])),
        )
        if new:
            dst.execute("SELECT pg_notify('gatewatch_events', ?)", (str(max(new)),))
        dst.execute("COMMIT")
    except BaseException:
        dst.execute("ROLLBACK")
        raise


_REQUEST_COLUMNS = (
    "time", "source_ip", "method", "path", "content_type", "length", "status", "reply",
    "duration_ms", "events", "warnings", "headers", "body", "body_truncated", "event_ids",
)  # fmt: skip


def _copy_requests(
    src: Any,
    dst: Any,
    key: str,
    batch: int,
    report: MigrationReport,
    progress: Progress | None,
    stop_after_batches: int | None = None,
) -> bool:
    """The request log after the last request an earlier run copied; False if stopped early.

    Each request's ``event_ids`` (SQLite ids) become the copied events' PostgreSQL
    ids (through the natural keys); an event no longer there is left out.
    """
    import json

    row = dst.execute(
        "SELECT max(source_id) FROM migrate_requests WHERE source = ?", (key,)
    ).fetchone()
    last = int(row[0] or 0)
    total = src.execute("SELECT count(*) FROM requests").fetchone()[0]
    done = src.execute("SELECT count(*) FROM requests WHERE id <= ?", (last,)).fetchone()[0]
    ids_col = _REQUEST_COLUMNS.index("event_ids")
    batches = 0
    while True:
        if stop_after_batches is not None and batches >= stop_after_batches:
            return False
        rows = src.execute(
            f"SELECT id, {', '.join(_REQUEST_COLUMNS)} FROM requests WHERE id > ?"
            " ORDER BY id LIMIT ?",
            (last, batch),
        ).fetchall()
        if not rows:
            return True
        listed: list[list[int]] = []
        for r in rows:
            try:
                ids = [int(i) for i in json.loads(r[1 + ids_col] or "[]")]
            except (ValueError, TypeError):
                ids = []
            listed.append(ids)
        targets = _event_targets(src, dst, {i for ids in listed for i in ids})
        insert = (
            f"INSERT INTO requests ({', '.join(_REQUEST_COLUMNS)})"
            f" VALUES ({', '.join('?' * len(_REQUEST_COLUMNS))}) RETURNING id"
        )
        dst.execute("BEGIN")
        try:
            for r, ids in zip(rows, listed, strict=True):
                values = list(r[1:])
                values[ids_col] = json.dumps([targets[i] for i in ids if i in targets])
                body = values[_REQUEST_COLUMNS.index("body")]
                if body is not None:
                    values[_REQUEST_COLUMNS.index("body")] = bytes(body)
                target = dst.execute(insert, values).fetchone()[0]
                dst.execute(
                    "INSERT INTO migrate_requests (source, source_id, target_id) VALUES (?, ?, ?)",
                    (key, int(r[0]), int(target)),
                )
            dst.execute("COMMIT")
        except BaseException:
            dst.execute("ROLLBACK")
            raise
        report.requests_copied += len(rows)
        last = int(rows[-1][0])
        done += len(rows)
        batches += 1
        if progress is not None:
            progress("requests", done, total)


def _event_targets(src: Any, dst: Any, source_ids: set[int]) -> dict[int, int]:
    """SQLite event id -> PostgreSQL event id, through the natural keys."""
    out: dict[int, int] = {}
    wanted = sorted(source_ids)
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        keys = dict(
            src.execute(
                f"SELECT natural_key, id FROM events WHERE id IN ({','.join('?' * len(chunk))})",
                chunk,
            ).fetchall()
        )
        if not keys:
            continue
        names = list(keys)
        marks = ",".join("?" * len(names))
        for natural_key, dst_id in dst.execute(
            f"SELECT natural_key, id FROM events WHERE natural_key IN ({marks})", names
        ).fetchall():
            out[int(keys[natural_key])] = int(dst_id)
    return out


def _copy_alarms(
    src: Any, dst: Any, key: str, report: MigrationReport, progress: Progress | None
) -> None:
    """Alarms with their state and acknowledgement, and the events each one covered."""
    columns = ", ".join(_ALARM_COLUMNS)
    alarms = src.execute(f"SELECT id, {columns} FROM alarms ORDER BY id").fetchall()
    links = src.execute("SELECT alarm_id, event_id FROM alarm_events").fetchall()
    events = _event_targets(
        src, dst, {int(a[3]) for a in alarms if a[3] is not None} | {int(e) for _, e in links}
    )
    mapped = dict(
        dst.execute("SELECT source_id, target_id FROM migrate_alarms WHERE source = ?", (key,))
        .fetchall()
    )  # fmt: skip
    event_col = _ALARM_COLUMNS.index("event_id")
    dst.execute("BEGIN")
    try:
        for n, a in enumerate(alarms, 1):
            values = list(a[1:])
            if values[event_col] is not None:
                values[event_col] = events.get(int(values[event_col]))
            target = mapped.get(int(a[0]))
            if target is None:
                row = dst.execute(
                    f"INSERT INTO alarms ({', '.join(_ALARM_COLUMNS)})"
                    f" VALUES ({', '.join('?' * len(_ALARM_COLUMNS))}) RETURNING id",
                    values,
                ).fetchone()
                target = int(row[0])
                dst.execute(
                    "INSERT INTO migrate_alarms (source, source_id, target_id) VALUES (?, ?, ?)",
                    (key, int(a[0]), target),
                )
                mapped[int(a[0])] = target
                report.alarms_copied += 1
            else:
                # Acknowledged (or folded further) since the last run: bring that over.
                changed = dst.execute(
                    "UPDATE alarms SET count = ?, last_at = ?, state = ?, acked_by = ?,"
                    " acked_at = ?, note = ? WHERE id = ? AND state = 'open'"
                    " AND (count != ? OR last_at != ? OR state != ?)",
                    (*[values[_ALARM_COLUMNS.index(c)] for c in
                       ("count", "last_at", "state", "acked_by", "acked_at", "note")],
                     target, *[values[_ALARM_COLUMNS.index(c)] for c in
                               ("count", "last_at", "state")]),
                ).rowcount  # fmt: skip
                report.alarms_updated += changed
            if progress is not None and n % 500 == 0:
                progress("alarms", n, len(alarms))
        for alarm_id, event_id in links:
            alarm = mapped.get(int(alarm_id))
            event = events.get(int(event_id))
            if alarm is not None and event is not None:
                dst.execute(
                    "INSERT INTO alarm_events (alarm_id, event_id) VALUES (?, ?)"
                    " ON CONFLICT DO NOTHING",
                    (alarm, event),
                )
        dst.execute("COMMIT")
    except BaseException:
        dst.execute("ROLLBACK")
        raise
    if progress is not None and alarms:
        progress("alarms", len(alarms), len(alarms))


def _copy_users(src: Any, dst: Any, report: MigrationReport) -> None:
    """API users (their token hashes: the tokens keep working), unless the name is taken."""
    dst.execute("BEGIN")
    try:
        for row in src.execute("SELECT name, token_hash, created_at FROM users").fetchall():
            report.users_copied += dst.execute(
                "INSERT INTO users (name, token_hash, created_at) VALUES (?, ?, ?)"
                " ON CONFLICT DO NOTHING",
                tuple(row),
            ).rowcount
        dst.execute("COMMIT")
    except BaseException:
        dst.execute("ROLLBACK")
        raise


def _copy_devices(src: Any, dst: Any, report: MigrationReport) -> None:
    """Boxes, their names and cameras, where no receiver registered them yet."""
    from gui.core.portable import columns_of

    dst.execute("BEGIN")
    try:
        for table, pk in _DEVICE_TABLES:
            cols = [c for c in columns_of(src, table) if c in set(columns_of(dst, table))]
            sql = (
                f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
                f" ON CONFLICT ({pk}) DO NOTHING"
            )
            for row in src.execute(f"SELECT {', '.join(cols)} FROM {table}").fetchall():
                report.devices_copied += dst.execute(sql, tuple(row)).rowcount
        dst.execute("COMMIT")
    except BaseException:
        dst.execute("ROLLBACK")
        raise
