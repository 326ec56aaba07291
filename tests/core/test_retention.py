"""Retention: by age, by size, pinned events survive, ingest keeps going meanwhile."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from gui.core import retention
from gui.core.messages import DiskStatusMeasured, RetentionRan
from gui.core.store import Store
from tests.core.history_data import add, event, make_store

DAY = retention.DAY_MS
NOW = 1_800_000_000_000


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = make_store(tmp_path)
    yield s
    s.close()


def counts(store: Store) -> tuple[int, int, int]:
    """(events, images with bytes, images without)."""
    conn = store.reader()
    return (
        conn.execute("SELECT count(*) FROM events").fetchone()[0],
        conn.execute("SELECT count(*) FROM images WHERE data IS NOT NULL").fetchone()[0],
        conn.execute("SELECT count(*) FROM images WHERE data IS NULL").fetchone()[0],
    )


def run(ret: retention.Retention) -> retention.RetentionReport:
    return asyncio.run(ret.run_once())


def test_by_age_photos_then_events_and_pinned_survive(store: Store) -> None:
    old = add(store, [event(n) for n in range(4)], received_at=NOW - 100 * DAY)
    middle = add(store, [event(10 + n) for n in range(3)], received_at=NOW - 40 * DAY)
    new = add(store, [event(20 + n) for n in range(2)], received_at=NOW - DAY)
    # Old history uploaded today is young: ages count from arrival.
    late = add(store, [event(30, timestamp=NOW - 400 * DAY)], received_at=NOW)
    store.write_sync(retention.set_pinned_job(old[0], True))
    store.write_sync(retention.set_pinned_job(middle[0], True))
    per_event = counts(store)[1] // 10
    published: list[object] = []
    ret = retention.Retention(
        store, retention.Policy(keep_events_days=90, keep_photos_days=30), publish=published.append,
        now_ms=lambda: NOW,
    )  # fmt: skip
    report = run(ret)
    conn = store.reader()
    left = {r[0] for r in conn.execute("SELECT id FROM events")}
    assert left == {old[0], *middle, *new, *late}
    assert report.events_deleted == 3
    with_photos = {r[0] for r in conn.execute("SELECT event_id FROM images WHERE data IS NOT NULL")}
    assert with_photos == {old[0], middle[0], *new, *late}
    # Photos first (three old and two middle unpinned events), then the old rows went.
    assert report.photos_purged == 5 * per_event
    # Purged images keep their row and thumbnail metadata; the face thumbnail stays.
    assert (
        conn.execute(
            "SELECT count(*) FROM images WHERE event_id = ? AND data IS NULL", (middle[1],)
        ).fetchone()[0]
        == per_event
    )
    assert any(isinstance(p, RetentionRan) and p.report == report for p in published)
    assert any(isinstance(p, DiskStatusMeasured) for p in published)
    # A second run finds nothing more to do.
    assert not run(ret).events_deleted


def test_over_the_size_cap_oldest_photos_go_first_then_events(store: Store) -> None:
    ids = []
    for day in range(12):
        ids += add(store, [event(day)], received_at=NOW - (20 - day) * DAY)
    store.write_sync(retention.set_pinned_job(ids[0], True))
    photo_bytes = (
        store.reader()
        .execute("SELECT sum(length(data)) FROM images WHERE event_id = ?", (ids[1],))
        .fetchone()[0]
    )
    size, _free = retention.Retention(store, retention.Policy()).usage_now()
    # A cap some photos have to go for, but not all of them.
    policy = retention.Policy(0, 0, size - 4 * photo_bytes, 0)
    ret = retention.Retention(store, policy, now_ms=lambda: NOW)
    report = run(ret)
    assert report.events_deleted == 0
    assert report.photos_purged > 0
    purged = [
        r[0] for r in store.reader().execute(
            "SELECT DISTINCT event_id FROM images WHERE data IS NULL ORDER BY event_id"
        )
    ]  # fmt: skip
    assert ids[0] not in purged  # pinned
    assert purged == ids[1 : 1 + len(purged)]  # oldest first
    assert report.pages_reclaimed > 0

    # A cap below what the rows alone need: events go too, oldest first, pinned never.
    tiny = retention.Policy(0, 0, 1, 0)
    report = run(retention.Retention(store, tiny, now_ms=lambda: NOW))
    assert report.events_deleted == 11
    assert [r[0] for r in store.reader().execute("SELECT id FROM events")] == [ids[0]]


def test_low_free_disk_frees_space(store: Store) -> None:
    # (Older than the days the free-disk rule always keeps.)
    add(store, [event(n) for n in range(6)], received_at=NOW - 10 * DAY)
    # Retention counts WAL bytes as reclaimable; with a few KB at stake here, fold
    # the WAL into the database first so only the photos can make up the shortfall.
    # (The store's checkpointer may be busy copying at this moment: then try again.)
    with contextlib.closing(sqlite3.connect(store.path)) as conn:
        while conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]:
            time.sleep(0.01)
    one = store.reader().execute("SELECT sum(length(data)) FROM images").fetchone()[0] // 6
    free = [8 * one]
    policy = retention.Policy(0, 0, 2**50, 10 * one)
    ret = retention.Retention(
        store, policy, now_ms=lambda: NOW,
        usage=lambda: (retention.dir_size(store.data_dir), free[0]),
    )  # fmt: skip
    report = run(ret)
    assert 0 < report.photos_purged < counts(store)[1] + report.photos_purged
    assert report.events_deleted == 0


def test_writer_keeps_accepting_events_while_retention_runs(store: Store) -> None:
    add(store, [event(n) for n in range(300)], received_at=NOW - 100 * DAY)
    stop = threading.Event()
    stored: list[int] = []

    def ingest() -> None:
        n = 1000
        while not stop.is_set():
            stored.extend(add(store, [event(n)], received_at=NOW))
            n += 1

    worker = threading.Thread(target=ingest)
    worker.start()
    try:
        ret = retention.Retention(store, retention.Policy(90, 30), now_ms=lambda: NOW)
        ret._rows.size = 10  # many small jobs, interleaved with the ingest ones
        ret._rows.high = 10
        report = run(ret)
    finally:
        stop.set()
        worker.join()
    assert report.events_deleted == 300
    assert len(stored) > 5  # events landed while retention worked
    left = {r[0] for r in store.reader().execute("SELECT id FROM events")}
    assert left == set(stored)
    assert store.reader().execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_policy_from_settings() -> None:
    from gui.settings import Settings

    p = retention.Policy.from_settings(Settings(keep_events_days=7, max_data_gb=0.5))
    assert p.keep_events_days == 7 and p.keep_photos_days == 30
    assert p.max_data_bytes == retention.GB // 2 and p.min_free_bytes == retention.GB


def test_vacuum_job_frees_as_many_pages_as_asked(store: Store) -> None:
    add(store, [event(n) for n in range(8)], received_at=NOW - DAY)
    store.write_sync(retention.delete_events_job(100, None))
    free = store.reader().execute("PRAGMA freelist_count").fetchone()[0]
    assert free > 20
    assert store.write_sync(retention.vacuum_job(10)) == 10
    assert store.write_sync(retention.vacuum_job(10_000)) == free - 10
    assert store.reader().execute("PRAGMA freelist_count").fetchone()[0] == 0


def test_changed_settings_apply_on_the_next_run(store: Store) -> None:
    from gui.settings import Settings

    add(store, [event(n) for n in range(3)], received_at=NOW - 10 * DAY)
    current = Settings()
    ret = retention.Retention(
        store, retention.Policy.from_settings(current), now_ms=lambda: NOW,
        policy_source=lambda: retention.Policy.from_settings(current),
    )  # fmt: skip
    assert run(ret).events_deleted == 0
    current.keep_events_days = 7  # what the settings dialog does
    assert run(ret).events_deleted == 3
