"""Keeping the data dir bounded on a PC that runs for months.

Three rules, in this order:

1. photos older than ``keep_photos_days`` lose their full-size bytes (the row,
   its thumbnail and the face thumbnail stay, so history still shows them);
2. events older than ``keep_events_days`` go, with their images;
3. while the data dir is over ``max_data_gb`` or the disk has less than
   ``min_free_gb`` free, the oldest photos go first, then the oldest events.

Ages count from ``received_at``: a box uploading last month's history must not
see it deleted on arrival. Pinned events are never touched.

Everything runs as small writer jobs (a few hundred rows, sized so each takes
well under 100 ms) with a pause between them, so events keep being accepted
while retention works. Freed pages are reused by new events; when the disk or
the cap needs the room they go back to the OS with ``PRAGMA incremental_vacuum``
(the database is created with ``auto_vacuum=INCREMENTAL``), also in slices.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gui.core import event_counts
from gui.core.dbapi import Connection
from gui.core.messages import (
    DiskStatusMeasured,
    Message,
    RetentionRan,
    StorageStateChanged,
)
from gui.core.portable import dialect_of
from gui.core.store import StorageError, Store, StoreClosed

if TYPE_CHECKING:
    from gui.settings import Settings

log = logging.getLogger(__name__)

DAY_MS = 86_400_000
GB = 1024**3
#: How often retention runs after the first run at start.
INTERVAL_S = 3600
#: How often the disk status is refreshed for the status bar.
STATUS_INTERVAL_S = 60
#: How often the writer's health is looked at (disk-full banner and recovery).
STORAGE_POLL_S = 2.0
#: Each writer job aims at this duration; the row count adapts to hit it.
JOB_TARGET_S = 0.04
#: Pause between jobs so ingest jobs get the writer in between.
PAUSE_S = 0.02
#: Going under the cap stops a bit below it, so retention does not run on every event.
HYSTERESIS = 0.9
#: Longest one run spends giving free pages back to the OS (the next run goes on).
VACUUM_BUDGET_S = 600.0
#: The WAL is truncated back to this after checkpoints.
WAL_LIMIT = 64 * 1024 * 1024
#: The free-disk rule never deletes what arrived in this many recent days...
FREE_SPACE_KEEPS_DAYS = 7
#: ...nor more than this share of the data dir in one run; a shortfall beyond it is
#: not ours to fix (other files fill the disk, or the disk is too small for the
#: minimum): the user is told what is needed instead of losing the whole history.
FREE_SPACE_MAX_SHARE = 0.5
#: A disk alarm is raised again at most this often while the shortfall lasts.
DISK_ALARM_EVERY_S = 24 * 3600


@dataclass(frozen=True)
class Policy:
    keep_events_days: int = 90
    keep_photos_days: int = 30
    max_data_bytes: int = 10 * GB
    min_free_bytes: int = 1 * GB

    @classmethod
    def from_settings(cls, settings: Settings) -> Policy:
        s = settings.snapshot()  # the four values of one moment, not mid-change
        return cls(
            keep_events_days=s.keep_events_days,
            keep_photos_days=s.keep_photos_days,
            max_data_bytes=int(s.max_data_gb * GB),
            min_free_bytes=int(s.min_free_gb * GB),
        )


@dataclass(frozen=True)
class DiskStatus:
    """Published for the status bar: how big the data dir is and how much disk is left."""

    data_dir: str
    data_bytes: int
    free_bytes: int
    max_data_bytes: int
    min_free_bytes: int

    @property
    def low(self) -> bool:
        return self.data_bytes > self.max_data_bytes or self.free_bytes < self.min_free_bytes


@dataclass(frozen=True)
class RetentionReport:
    """What one run removed; published and logged."""

    photos_purged: int = 0
    events_deleted: int = 0
    pages_reclaimed: int = 0
    reason: str = ""
    seconds: float = 0.0
    #: Set when the limits could not be met by deleting what retention may delete:
    #: what the user has to do instead (shown as a disk alarm, logged as an error).
    shortfall: str = ""

    @property
    def removed_anything(self) -> bool:
        return bool(self.photos_purged or self.events_deleted or self.pages_reclaimed)


# -- measuring ----------------------------------------------------------------------


def dir_size(path: Path) -> int:
    """Bytes of every file under ``path`` (database, WAL, request log, logs, backups)."""
    total = 0
    for root, _dirs, files in os.walk(path):
        for name in files:
            with contextlib.suppress(OSError):
                total += os.stat(os.path.join(root, name)).st_size
    return total


def free_bytes(path: Path) -> int:
    try:
        return shutil.disk_usage(path).free
    except OSError:
        return 0


def reclaimable_bytes(conn: Connection) -> int:
    """Free pages inside the database file: space that vacuuming gives back."""
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    return conn.execute("PRAGMA freelist_count").fetchone()[0] * page_size


def _used_bytes(conn: Connection) -> int:
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    return (pages - conn.execute("PRAGMA freelist_count").fetchone()[0]) * page_size


def _average_sizes(conn: Connection) -> tuple[int, int]:
    """Rough bytes freed per purged photo and per deleted event (for chunk sizes)."""
    if dialect_of(conn).is_postgres:  # photos go a whole day at a time there
        return 50_000, 2_000
    photo = conn.execute(
        "SELECT avg(bytes) FROM images INDEXED BY images_with_data WHERE data IS NOT NULL"
    ).fetchone()[0]
    return int(photo or 50_000), 2_000


def on_postgres(store: Store) -> bool:
    """The store is a PostgreSQL database (the data dir then holds no events)."""
    return getattr(store, "engine", None) is not None


def database_bytes(conn: Connection) -> int:
    """PostgreSQL: the size of the database on its server's disk."""
    return int(conn.execute("SELECT pg_database_size(current_database())").fetchone()[0])


def disk_status(store: Store, policy: Policy) -> DiskStatus:
    if on_postgres(store):
        # The database lives on its server: its size counts against the cap; the free
        # space of that server's disk is not ours to see (its administrator watches it).
        return DiskStatus(
            data_dir=str(getattr(store, "url", "") or store.data_dir),
            data_bytes=store.read_sync(database_bytes),
            free_bytes=UNKNOWN_FREE,
            max_data_bytes=policy.max_data_bytes,
            min_free_bytes=policy.min_free_bytes,
        )
    return DiskStatus(
        data_dir=str(store.data_dir),
        data_bytes=dir_size(store.data_dir),
        free_bytes=free_bytes(store.data_dir),
        max_data_bytes=policy.max_data_bytes,
        min_free_bytes=policy.min_free_bytes,
    )


# -- writer jobs ----------------------------------------------------------------------


def purge_photos_job(limit: int, received_before: int | None) -> Callable[..., int]:
    """Drop the full bytes of the oldest unpinned photos (optionally only older ones).

    PostgreSQL: the oldest whole day of photos (``drop_photo_day``), whatever ``limit``.
    """

    def job(conn: Connection) -> int:
        if dialect_of(conn).is_postgres:
            return drop_photo_day(conn, received_before)
        age = "AND e.received_at < ?" if received_before is not None else ""
        params: tuple[Any, ...] = (received_before,) if received_before is not None else ()
        return conn.execute(
            "UPDATE images SET data = NULL WHERE id IN ("
            " SELECT i.id FROM images i INDEXED BY images_with_data"
            " JOIN events e ON e.id = i.event_id"
            f" WHERE i.data IS NOT NULL AND e.pinned = 0 {age}"
            " ORDER BY i.event_id LIMIT ?)",
            (*params, limit),
        ).rowcount

    return job


def delete_events_job(limit: int, received_before: int | None) -> Callable[..., int]:
    """Delete the oldest unpinned events (images and face thumbnails cascade)."""

    def job(conn: Connection) -> int:
        age = "AND received_at < ?" if received_before is not None else ""
        params: tuple[Any, ...] = (received_before,) if received_before is not None else ()
        sql = (
            "DELETE FROM events WHERE id IN (SELECT id FROM events"
            f" WHERE pinned = 0 {age} ORDER BY received_at LIMIT ?)"
        )
        if not dialect_of(conn).is_postgres:
            return conn.execute(sql, (*params, limit)).rowcount
        rows = conn.execute(
            sql + " RETURNING identity_name, ts, identity_id", (*params, limit)
        ).fetchall()
        forget_names(conn, {name for name, _, _ in rows if name is not None})
        forget_identities(conn, {ident for _, _, ident in rows if ident is not None})
        # The trigger subtracted them; fold those periods' rows (no zero rows pile up).
        event_counts.compact(conn, {ts for _, ts, _ in rows})
        return len(rows)

    return job


def forget_names(conn: Connection, names: set[str]) -> None:
    """PostgreSQL: drop from ``event_names`` those of ``names`` no event carries any more
    (a name is not kept past the events retention deletes)."""
    if names:
        conn.execute(
            "DELETE FROM event_names n WHERE n.name = ANY(CAST(? AS text[]))"
            " AND NOT EXISTS (SELECT 1 FROM events e WHERE e.identity_name = n.name)",
            (sorted(names),),
        )


def forget_identities(conn: Connection, identities: set[str]) -> None:
    """PostgreSQL: drop from ``event_identities`` those of ``identities`` no event carries
    any more (as ``forget_names``)."""
    if identities:
        conn.execute(
            "DELETE FROM event_identities i WHERE i.identity_id = ANY(CAST(? AS text[]))"
            " AND NOT EXISTS (SELECT 1 FROM events e WHERE e.identity_id = i.identity_id)",
            (sorted(identities),),
        )


#: PostgreSQL: pinned events' photos move to this day's partition before their own
#: day is dropped (day -1: 1969-12-31, a day no photo is ever received).
KEPT_DAY = -1
KEPT_PARTITION = "photos_kept"
#: PostgreSQL advisory lock: one receiver at a time runs retention on a shared database.
RETENTION_LOCK = 0x6761_7472  # "gatr"
#: Free space reported for a PostgreSQL store (its server's disk is not measured here).
UNKNOWN_FREE = 2**62


def drop_photo_day(conn: Connection, received_before: int | None) -> int:
    """PostgreSQL: drop the oldest day partition of photos entirely received before the
    cutoff (never today's or yesterday's); returns how many photos went.

    Dropping a partition frees its space at once, with no dead rows for VACUUM.
    Photos of pinned events are copied to the kept partition first and their
    metadata pointed at it, so a pinned event keeps its photos for ever.
    Unpinned events' photos in the kept partition (pinned once, unpinned since)
    go by the same age rule, row by row: there are few of them.
    """
    from gui.core import pg_schema

    conn.execute("SELECT pg_advisory_xact_lock(?)", (RETENTION_LOCK,))
    now = int(time.time() * 1000)
    newest = pg_schema.day_of(now) - 1
    if received_before is not None:
        newest = min(newest, pg_schema.day_of(received_before))
    age = "" if received_before is None else " AND e.received_at < ?"
    params: tuple[Any, ...] = () if received_before is None else (received_before,)
    gone = conn.execute(
        "DELETE FROM photos p USING events e WHERE p.day = ? AND e.id = p.event_id"
        f" AND e.pinned = 0{age}",
        (KEPT_DAY, *params),
    ).rowcount
    if gone:
        return gone
    for day, name in pg_schema.photo_partitions(conn):
        if day >= newest:
            break
        conn.execute(
            f"CREATE TABLE IF NOT EXISTS {KEPT_PARTITION} PARTITION OF photos"
            f" FOR VALUES FROM ({KEPT_DAY}) TO ({KEPT_DAY + 1})"
        )
        kept = conn.execute(
            f"INSERT INTO photos (day, event_id, kind, data) SELECT ?, p.event_id, p.kind, p.data"
            f" FROM {name} p JOIN events e ON e.id = p.event_id WHERE e.pinned != 0"
            " ON CONFLICT DO NOTHING",
            (KEPT_DAY,),
        ).rowcount
        conn.execute(
            f"UPDATE image_meta m SET day = ? FROM {name} p JOIN events e ON e.id = p.event_id"
            " WHERE e.pinned != 0 AND m.event_id = p.event_id AND m.kind = p.kind AND m.day = ?",
            (KEPT_DAY, day),
        )
        total = conn.execute(f"SELECT count(*) FROM {name}").fetchone()[0]
        conn.execute(f"DROP TABLE {name}")
        log.info("retention dropped the photos of %s (%d photos, %d pinned kept)",
                 name, total - kept, kept)  # fmt: skip
        if total - kept:
            return int(total - kept)
    return 0


def vacuum_job(pages: int) -> Callable[..., int]:
    """Give up to ``pages`` free pages back to the file system; returns how many went.

    One page per statement: Python's sqlite3 steps ``PRAGMA incremental_vacuum(N)``
    only once, and each step frees a single page, so ``N`` would be ignored.
    """

    def job(conn: Connection) -> int:
        before = conn.execute("PRAGMA freelist_count").fetchone()[0]
        # Time-boxed as well: moving a page can mean reading it from disk first.
        deadline = time.perf_counter() + JOB_TARGET_S
        for i in range(min(int(pages), before)):
            conn.execute("PRAGMA incremental_vacuum(1)")
            if i % 16 == 15 and time.perf_counter() > deadline:
                break
        return before - conn.execute("PRAGMA freelist_count").fetchone()[0]

    return job


def set_pinned_job(event_id: int, pinned: bool) -> Callable[..., bool]:
    """Pin (keep forever) or unpin an event; False when there is no such event."""

    def job(conn: Connection) -> bool:
        cur = conn.execute("UPDATE events SET pinned = ? WHERE id = ?", (int(pinned), event_id))
        return cur.rowcount > 0

    return job


# -- running --------------------------------------------------------------------------


class _Slicer:
    """Runs a job factory again and again with an adaptive size until it does nothing."""

    def __init__(self, store: Store, start: int, low: int, high: int) -> None:
        self.store = store
        self.size = start
        self.low = low
        self.high = high
        #: Longest single job so far, seconds (the writer was busy with it that long).
        self.longest = 0.0

    async def step(
        self, factory: Callable[[int], Callable[..., int]], cap: int | None = None
    ) -> int:
        job = factory(self.size if cap is None else max(1, min(self.size, cap)))

        def timed(conn: Connection) -> tuple[int, float]:
            started = time.perf_counter()
            return job(conn), time.perf_counter() - started

        # Timed inside the writer: the time other jobs wait for this one.
        done, took = await self.store.write(timed)
        if took > JOB_TARGET_S:
            self.size = max(self.low, int(self.size * JOB_TARGET_S / took))
        elif took < JOB_TARGET_S / 2 and done >= self.size:
            self.size = min(self.high, self.size * 3 // 2)
        self.longest = max(self.longest, took)
        await asyncio.sleep(PAUSE_S)
        return done


class Retention:
    """One data dir's retention: ``run_once`` on demand, ``task`` for the receiver."""

    def __init__(
        self,
        store: Store,
        policy: Policy,
        *,
        publish: Callable[[Message], None] = lambda _message: None,
        now_ms: Callable[[], int] = lambda: time.time_ns() // 1_000_000,
        usage: Callable[[], tuple[int, int]] | None = None,
        policy_source: Callable[[], Policy] | None = None,
    ) -> None:
        self.store = store
        self.policy = policy
        self.publish = publish
        self.now_ms = now_ms
        #: ``() -> (data dir bytes, free disk bytes)``; injectable for tests.
        #: PostgreSQL: the database's size, and a free space that never runs short.
        self.usage = usage or (
            (lambda: (store.read_sync(database_bytes), UNKNOWN_FREE))
            if on_postgres(store)
            else (lambda: (dir_size(store.data_dir), free_bytes(store.data_dir)))
        )
        # Caps keep one job under the 100 ms budget even when the disk is slow.
        self._rows = _Slicer(store, 200, 20, 800)
        self._pages = _Slicer(store, 256, 32, 1024)
        self.last_report: RetentionReport | None = None
        self._wal_limited = False
        #: Read again before each run, so changed settings apply without a restart.
        self.policy_source = policy_source

    def usage_now(self) -> tuple[int, int]:
        """``(data dir bytes, free bytes)`` counting the database by its used pages.

        In WAL mode the file only shrinks at the next checkpoint, so its
        physical size lags behind what deleting and vacuuming achieved, and
        the WAL itself grows while retention writes; counting used pages
        keeps the "freed enough?" test honest. (The WAL is bounded by
        ``journal_size_limit``, set on the first run.)
        """
        size, free = self.usage()
        if on_postgres(self.store):
            return size, free
        physical = 0
        for suffix in ("", "-wal", "-shm"):
            with contextlib.suppress(OSError):
                physical += self.store.path.with_name(self.store.path.name + suffix).stat().st_size
        logical = self.store.read_sync(_used_bytes)
        return size - physical + logical, free + max(0, physical - logical)

    async def _drain(self, factory: Callable[[int], Callable[..., int]]) -> int:
        total = 0
        while True:
            n = await self._rows.step(factory)
            total += n
            if n == 0:
                return total

    async def _vacuum(self, budget_s: float) -> int:
        total = 0
        deadline = time.monotonic() + budget_s
        while time.monotonic() < deadline:
            n = await self._pages.step(vacuum_job)
            total += n
            if n == 0:
                break
        return total

    async def _free_up(
        self, need: int, size: int, received_before: int | None
    ) -> tuple[int, int, int, int]:
        """Oldest photos, then oldest events, until ``need`` bytes went; or nothing is left.

        Only what arrived before ``received_before`` (None: anything unpinned).
        Returns (photos purged, events deleted, data dir bytes, free bytes).
        """
        start_size = size
        photos = events = 0
        free = 0
        photo_avg, event_avg = self.store.read_sync(_average_sizes)
        for kind in ("photos", "events"):
            job = purge_photos_job if kind == "photos" else delete_events_job
            avg = photo_avg if kind == "photos" else event_avg
            while start_size - size < need:
                # No more rows than the shortfall needs: a chunk of scene photos is MBs.
                cap = -(-(need - (start_size - size)) // max(1, avg))
                n = await self._rows.step(
                    functools.partial(job, received_before=received_before), cap
                )
                if n == 0:
                    break
                if kind == "photos":
                    photos += n
                else:
                    events += n
                size, free = self.usage_now()
        if not photos and not events:
            size, free = self.usage_now()
        return photos, events, size, free

    async def run_once(self) -> RetentionReport:
        started = time.perf_counter()
        now = self.now_ms()
        if self.policy_source is not None:
            try:
                self.policy = self.policy_source()
            except Exception:
                log.exception("retention settings unreadable; keeping the previous ones")
        p = self.policy
        if not self._wal_limited and not on_postgres(self.store):
            # Otherwise the WAL keeps its largest size forever after a burst.
            await self.store.write(lambda c: c.execute(f"PRAGMA journal_size_limit = {WAL_LIMIT}"))
            self._wal_limited = True
        photos = events = pages = 0
        reasons = []
        if p.keep_photos_days > 0:
            n = await self._drain(lambda k: purge_photos_job(k, now - p.keep_photos_days * DAY_MS))
            if n:
                photos += n
                reasons.append(f"photos older than {p.keep_photos_days} days")
        if p.keep_events_days > 0:
            n = await self._drain(lambda k: delete_events_job(k, now - p.keep_events_days * DAY_MS))
            if n:
                events += n
                reasons.append(f"events older than {p.keep_events_days} days")

        size, free = self.usage_now()
        shortfall = ""
        cap_need = size - int(p.max_data_bytes * HYSTERESIS) if size > p.max_data_bytes else 0
        free_need = (
            p.min_free_bytes + int(p.min_free_bytes * (1 - HYSTERESIS)) - free
            if free < p.min_free_bytes
            else 0
        )
        if cap_need > 0:
            reasons.append(
                f"data dir {size / GB:.2f} GB over its cap {p.max_data_bytes / GB:.2f} GB"
            )
            n_photos, n_events, size, free = await self._free_up(cap_need, size, None)
            photos += n_photos
            events += n_events
            if size > p.max_data_bytes:
                log.warning("retention: data dir still over its cap; only pinned events are left")
            free_need = max(0, free_need - cap_need)
        if free_need > 0:
            allowed = int(size * FREE_SPACE_MAX_SHARE)
            if free_need > allowed:
                shortfall = _shortfall_text(free, p.min_free_bytes, size)
            else:
                reasons.append(
                    f"{free / GB:.2f} GB free on the disk (minimum {p.min_free_bytes / GB:.2f} GB)"
                )
                keep_after = now - FREE_SPACE_KEEPS_DAYS * DAY_MS
                n_photos, n_events, size, free = await self._free_up(free_need, size, keep_after)
                photos += n_photos
                events += n_events
                if free < p.min_free_bytes:
                    shortfall = _shortfall_text(free, p.min_free_bytes, size)
        if shortfall:
            log.error("retention: %s", shortfall)
        # Freed pages are reused by new events, so the file stops growing either way;
        # handing them back to the OS (slow: every page moved is written and synced)
        # is only worth it when the disk or the cap needs the room.
        physical, disk_free = self.usage()
        if on_postgres(self.store):
            pass  # dropped partitions gave their space back; autovacuum does the rest
        elif physical > p.max_data_bytes or disk_free < p.min_free_bytes:
            pages += await self._vacuum(VACUUM_BUDGET_S)
        report = RetentionReport(
            photos_purged=photos,
            events_deleted=events,
            pages_reclaimed=pages,
            reason="; ".join(reasons),
            seconds=round(time.perf_counter() - started, 3),
            shortfall=shortfall,
        )
        self.last_report = report
        if report.removed_anything:
            log.info(
                "retention removed %d photos and %d events, reclaimed %d pages (%s) in %.1f s",
                photos, events, pages, report.reason or "free pages", report.seconds,
            )  # fmt: skip
        self.publish(RetentionRan(report))
        self.publish(DiskStatusMeasured(disk_status(self.store, p)))
        return report

    async def task(self, receiver: Any = None) -> None:
        """At start, then hourly; the disk status every minute in between."""
        last_run = 0.0
        last_alarm = 0.0
        while True:
            try:
                if time.monotonic() - last_run >= INTERVAL_S or last_run == 0.0:
                    last_run = time.monotonic()
                    report = await self.run_once()
                    if report.shortfall and (
                        last_alarm == 0.0 or time.monotonic() - last_alarm >= DISK_ALARM_EVERY_S
                    ):
                        last_alarm = time.monotonic()
                        await raise_disk_alarm(receiver, report.shortfall)
                else:
                    self.publish(DiskStatusMeasured(disk_status(self.store, self.policy)))
            except (StorageError, StoreClosed) as exc:
                log.warning("retention could not write: %s", exc)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("retention failed")
            await asyncio.sleep(STATUS_INTERVAL_S)


async def raise_disk_alarm(receiver: Any, text: str) -> None:
    """A ``disk`` alarm on every window and wall (one open alarm; it folds while it lasts)."""
    from gui.core import alarms  # alarms is a feature; retention works without it

    engine = alarms.engine_for(receiver) if receiver is not None else None
    if engine is not None:
        await engine.raise_alarm("disk", detail=text, fold_within_s=None)


def _shortfall_text(free: int, minimum: int, data: int) -> str:
    return (
        f"the disk has {free / GB:.2f} GB free, under the {minimum / GB:.2f} GB minimum, and"
        f" deleting history cannot make that room (Gatewatch's data is {data / GB:.2f} GB;"
        f" events of the last {FREE_SPACE_KEEPS_DAYS} days are kept): free space on the"
        f" disk, move the data folder to a bigger disk, or lower the minimum free space in"
        f" Storage and retention"
    )


async def watch_storage(receiver: Any, interval: float | None = None) -> None:
    """Announce ``StorageStateChanged`` whenever the writer starts or stops failing.

    The writer itself recovers: each new batch tries again, so ingest resumes
    as soon as the disk has room. This only tells people. A nearly full disk
    fails large writes (photos) while small ones still pass, so "failing" is
    any new failure since the last look, and "ok" needs a successful write
    and no new failure for a few looks in a row.
    """
    writer = receiver.store.writer
    seen = writer.failures
    ok = True
    quiet = 0
    while True:
        await asyncio.sleep(interval if interval is not None else STORAGE_POLL_S)
        failures, error = writer.failures, writer.last_error
        if failures != seen:
            seen, quiet = failures, 0
            if ok:
                ok = False
                message = error or writer.last_failure or "the database cannot be written"
                log.error("the database cannot be written: %s", message)
                receiver.publish(
                    StorageStateChanged(
                        False,
                        f"events cannot be stored ({message}); boxes are told to retry later",
                    )
                )
        elif not ok and error is None:
            quiet += 1
            if quiet >= 3:
                ok = True
                log.info("the database accepts writes again")
                receiver.publish(StorageStateChanged(True, "storage is writable again"))
