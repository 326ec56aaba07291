"""Hostile conditions, disk class: a small or nearly full disk never costs the whole history.

Below the free-space minimum, retention used to delete every unpinned event
because deleting could never reach the target. Now a free-space pass keeps the
last days, deletes at most a share of the data dir, and tells the user (a
``disk`` alarm, an error in the log) what is needed instead.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import time
from pathlib import Path
from typing import Any

from gui.core import alarms, retention
from tests.conftest import wait_for
from tests.core.history_data import add, event, make_store

DAY = retention.DAY_MS
NOW = 1_800_000_000_000
GB = retention.GB


def _count(store: Any) -> tuple[int, int]:
    conn = store.reader()
    return (
        conn.execute("SELECT count(*) FROM events").fetchone()[0],
        conn.execute("SELECT count(*) FROM images WHERE data IS NOT NULL").fetchone()[0],
    )


def _photos_of(conn: sqlite3.Connection, ids: list[int]) -> int:
    marks = ",".join("?" * len(ids))
    sql = f"SELECT count(*) FROM images WHERE data IS NOT NULL AND event_id IN ({marks})"
    return conn.execute(sql, ids).fetchone()[0]


def test_a_disk_smaller_than_the_minimum_deletes_nothing_and_says_so(tmp_path: Path) -> None:
    store = make_store(tmp_path)
    try:
        add(store, [event(n) for n in range(10)], received_at=NOW - 60 * DAY)
        before = _count(store)
        # 1 GB minimum, 50 MB free: no amount of deleting a few MB of history helps.
        policy = retention.Policy(0, 0, 2**50, GB)
        ret = retention.Retention(
            store, policy, now_ms=lambda: NOW,
            usage=lambda: (retention.dir_size(store.data_dir), 50 * 1024 * 1024),
        )  # fmt: skip
        report = asyncio.run(ret.run_once())
        assert _count(store) == before
        assert report.events_deleted == 0 and report.photos_purged == 0
        assert "deleting history cannot make that room" in report.shortfall
    finally:
        store.close()


def test_a_free_space_pass_keeps_recent_events(tmp_path: Path) -> None:
    store = make_store(tmp_path)
    try:
        old = add(store, [event(n) for n in range(6)], received_at=NOW - 30 * DAY)
        recent = add(store, [event(10 + n) for n in range(6)], received_at=NOW - DAY)
        # Fold the WAL in first: retention counts WAL bytes as free-able room.
        with contextlib.closing(sqlite3.connect(store.path)) as db:
            while db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]:
                time.sleep(0.01)
        size = retention.dir_size(store.data_dir)
        # A shortfall of just under half the data dir: all the old events' photos and
        # more; without the rule the recent photos would go too.
        policy = retention.Policy(0, 0, 2**50, size)
        free = int(size * 1.1) - int(size * 0.49)
        ret = retention.Retention(
            store, policy, now_ms=lambda: NOW,
            usage=lambda: (retention.dir_size(store.data_dir), free),
        )  # fmt: skip
        report = asyncio.run(ret.run_once())
        conn = store.reader()
        left = {r[0] for r in conn.execute("SELECT id FROM events")}
        assert set(recent) <= left  # the last days are never touched
        assert _photos_of(conn, recent) == 6 * 4
        old_photos = _photos_of(conn, old)
        assert report.photos_purged == 6 * 4 and old_photos == 0
    finally:
        store.close()


def test_a_shortfall_raises_a_disk_alarm(full_receiver: Any) -> None:
    add(full_receiver.store, [event(1)], received_at=NOW - 60 * DAY)
    ret = retention.Retention(
        full_receiver.store, retention.Policy(0, 0, 2**50, GB), now_ms=lambda: NOW,
        usage=lambda: (retention.dir_size(full_receiver.store.data_dir), 1024),
    )  # fmt: skip
    future = full_receiver.thread.submit(lambda: ret.task(full_receiver))
    try:
        found = wait_for(
            lambda: [
                a for a in full_receiver.store.read_sync(alarms.list_alarms) if a.kind == "disk"
            ]
        )
    finally:
        future.cancel()
    [alarm] = found
    assert alarm.is_open and "free space on the disk" in (alarm.detail or "")
    assert (
        full_receiver.store.read_sync(
            lambda c: c.execute("SELECT count(*) FROM events")
        ).fetchone()[0]
        == 1
    )
