"""PostgreSQL's ``event_counts`` (schema v7): per-writer hourly and daily counts kept in
the events' own transaction, exact after updates, deletions and retention, and summed by
statistics for a range's whole hours."""

from __future__ import annotations

import itertools
import threading
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import psycopg
import pytest

from gui.core import event_counts, pg, pg_schema, retention, stats
from gui.core.store import Store
from tests.core.history_data import add, event

HOUR = 3_600_000
UTC = ZoneInfo("UTC")
BASE = 1_700_000_000_000 - 1_700_000_000_000 % 86_400_000  # a UTC midnight


def _recount(conn: Any) -> dict[tuple[int, int, str], int]:
    """What ``event_counts`` must add up to, counted from the events themselves."""
    rows = conn.execute(
        "SELECT 0, floor(ts / 3600000.0), coalesce(person_type::text, ''), count(*)"
        " FROM events WHERE self_test = 0 GROUP BY 1, 2, 3"
        " UNION ALL SELECT 1, floor(ts / 3600000.0), coalesce(ep_id, device_id, ''), count(*)"
        " FROM events WHERE self_test = 0 GROUP BY 1, 2, 3"
        " UNION ALL SELECT 2, floor(ts / 86400000.0), identity_id, count(*) FROM events"
        " WHERE self_test = 0 AND identity_id IS NOT NULL AND coalesce(person_type, 0) <> 4"
        " GROUP BY 1, 2, 3"
        " UNION ALL SELECT 3, floor(ts / (7 * 86400000.0)), identity_id, count(*) FROM events"
        " WHERE self_test = 0 AND identity_id IS NOT NULL AND coalesce(person_type, 0) <> 4"
        " GROUP BY 1, 2, 3"
    ).fetchall()
    return {(int(d), int(p), k): int(n) for d, p, k, n in rows}


def _counted(conn: Any) -> dict[tuple[int, int, str], int]:
    rows = conn.execute(
        "SELECT dim, period, key, sum(n) FROM event_counts GROUP BY 1, 2, 3 HAVING sum(n) <> 0"
    ).fetchall()
    return {(int(d), int(p), k): int(n) for d, p, k, n in rows}


def _raw_event(conn: Any, n: int, ts: int, **columns: Any) -> None:
    fields = {"natural_key": f"k{n}", "ts": ts, "received_at": ts, "format": "v1",
              "doc": b"{}", "raw": b"{}", "person_type": 1, "ep_id": "cam-1",
              "identity_id": f"E-{n % 3}", **columns}  # fmt: skip
    conn.execute(
        f"INSERT INTO events ({', '.join(fields)}) VALUES ({', '.join('?' * len(fields))})",
        tuple(fields.values()),
    )


def test_counts_follow_every_write_of_the_events(pg_url: str, tmp_path: Path) -> None:
    store = Store(tmp_path / "data", url=pg_url)
    try:
        add(store, [event(n, person_type=[1, 2, 4, None][n % 4],
                          timestamp=BASE + n * 1_900_000) for n in range(12)])  # fmt: skip
        add(store, [event(40, identity_id="E-9")], self_test=True)  # never counted
        conn = store.reader()
        assert _counted(conn) == _recount(conn)
        assert sum(n for (dim, _, _), n in _counted(conn).items() if dim == 0) == 12
    finally:
        store.close()
    with pg.connect(pg_url) as conn:
        # Anything that changes an event moves its counts: a type, a time, a camera.
        conn.execute("UPDATE events SET person_type = 3 WHERE person_type = 1")
        conn.execute("UPDATE events SET ts = ts - 2592000000 WHERE person_type = 2")
        conn.execute("UPDATE events SET ep_id = NULL, device_id = 'dev-x' WHERE person_type = 4")
        conn.execute("UPDATE events SET pinned = 1")  # changes nothing counted
        conn.execute("DELETE FROM events WHERE person_type = 4")
        assert _counted(conn) == _recount(conn)
        assert sum(n for (dim, _, _), n in _counted(conn).items() if dim == 0) == 9


def test_retention_keeps_counts_exact_and_folds_the_rows(pg_url: str) -> None:
    with pg.connect(pg_url) as conn:
        for n in range(30):
            _raw_event(conn, n, BASE + n * 600_000, received_at=n)
        before = conn.execute("SELECT count(*) FROM event_counts").fetchone()[0]
        assert retention.delete_events_job(25, received_before=None)(conn) == 25
        assert _counted(conn) == _recount(conn)
        # Every row of those periods folded into one per key; none left counting 0.
        rows = conn.execute("SELECT dim, period, key, n FROM event_counts").fetchall()
        assert len({r[:3] for r in rows}) == len(rows) < before
        assert all(r[3] != 0 for r in rows)
        assert retention.delete_events_job(25, received_before=None)(conn) == 5
        assert conn.execute("SELECT count(*) FROM event_counts").fetchone()[0] == 0


def test_the_migration_counts_the_events_already_there(pg_empty_url: str) -> None:
    with pg.connect(pg_empty_url) as conn:
        pg_schema.migrate(conn, target=6)
        for n in range(10):
            _raw_event(conn, n, BASE + n * 1_000_000, person_type=[1, 4][n % 2])
        pg_schema.migrate(conn)
        assert _counted(conn) == _recount(conn) != {}
        _raw_event(conn, 99, BASE, person_type=2)  # and from now on the triggers do
        assert _counted(conn) == _recount(conn)


def test_two_writers_count_the_same_hour_without_waiting(pg_url: str) -> None:
    """Two receivers storing events of one camera, type and hour at once: each adds to
    rows of its own, so neither waits for the other's commit (no hot row)."""
    first = psycopg.connect(pg_url, autocommit=True)
    second = psycopg.connect(pg_url, autocommit=True)
    try:
        first.execute("BEGIN")
        _raw_event(pg.PgConnection(first), 1, BASE + 10)
        second.execute("BEGIN")
        second.execute("SET LOCAL lock_timeout = '2s'")  # waiting would fail here
        _raw_event(pg.PgConnection(second), 2, BASE + 20)
        second.execute("COMMIT")
        first.execute("COMMIT")
        conn = pg.PgConnection(first)
        assert _counted(conn) == _recount(conn)
        writers = conn.execute("SELECT count(DISTINCT writer) FROM event_counts").fetchone()[0]
        assert writers == 2
    finally:
        first.close()
        second.close()


def test_two_receivers_storing_at_once_count_every_event(pg_url: str, tmp_path: Path) -> None:
    """Two stores (two receivers' writers) on one database, each storing events of the same
    cameras, types and hours at the same time: the statistics count each event once."""
    stores = [Store(tmp_path / f"r{i}", url=pg_url) for i in range(2)]
    try:

        def feed(i: int) -> None:
            for batch in range(6):
                add(stores[i], [event(1000 * i + 10 * batch + n, person_type=1 + n % 4,
                                      timestamp=BASE + (10 * batch + n) * 60_000)
                                for n in range(10)])  # fmt: skip

        threads = [threading.Thread(target=feed, args=(i,)) for i in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        conn = stores[0].reader()
        assert _counted(conn) == _recount(conn)
        got = stats.compute(conn, since=BASE, until=BASE + 2 * HOUR, tz=UTC)
        assert got.total == 120
        assert conn.execute("SELECT count(DISTINCT writer) FROM event_counts").fetchone()[0] == 2
    finally:
        for s in stores:
            s.close()


def test_compaction_loses_nothing_a_writer_adds_meanwhile(pg_url: str) -> None:
    """A writer adding to a row that retention's compaction folds: the writer waits for it
    and then counts anew (or is waited for and folded in); the sum stays exact."""
    writer = psycopg.connect(pg_url, autocommit=True)
    folder = psycopg.connect(pg_url, autocommit=True)
    try:
        for n in range(6):  # the writer has rows of its own in that hour
            _raw_event(pg.PgConnection(writer), n, BASE + n)
        folder.execute("BEGIN")
        event_counts.compact(pg.PgConnection(folder), [BASE])
        done = threading.Event()

        def write() -> None:
            writer.execute("BEGIN")
            _raw_event(pg.PgConnection(writer), 7, BASE + 7)
            writer.execute("COMMIT")
            done.set()

        thread = threading.Thread(target=write)
        thread.start()
        assert not done.wait(0.5)  # its row is being folded: it waits
        folder.execute("COMMIT")
        thread.join(10)
        assert done.is_set()
        conn = pg.PgConnection(folder)
        assert _counted(conn) == _recount(conn)
        assert sum(n for (dim, _, _), n in _counted(conn).items() if dim == 0) == 7
    finally:
        writer.close()
        folder.close()


def test_compaction_gives_up_on_a_row_held_long_and_the_job_goes_on(pg_url: str) -> None:
    """A writer holding one of those rows in a long transaction: compaction gives up after
    its lock timeout instead of holding retention (and the writer) up; nothing is lost."""
    writer = psycopg.connect(pg_url, autocommit=True)
    folder = psycopg.connect(pg_url, autocommit=True)
    try:
        _raw_event(pg.PgConnection(writer), 1, BASE + 1)
        writer.execute("BEGIN")
        _raw_event(pg.PgConnection(writer), 2, BASE + 2)  # holds its row until commit
        folder.execute("BEGIN")
        conn = pg.PgConnection(folder)
        event_counts.compact(conn, [BASE])
        assert conn.execute("SELECT 1").fetchone()[0] == 1  # the transaction is usable
        assert conn.execute("SELECT current_setting('lock_timeout')").fetchone()[0] == "0"
        folder.execute("COMMIT")
        writer.execute("COMMIT")
        assert _counted(conn) == _recount(conn)
    finally:
        writer.close()
        folder.close()


def test_statistics_sum_the_counts_for_whole_hours(pg_url: str) -> None:
    """Whole hours come from ``event_counts``, ragged ends from the events: a count
    planted in a whole hour shows, one planted in an hour the range only cuts does not."""
    with pg.connect(pg_url) as conn:
        for n in range(4):
            _raw_event(conn, n, BASE + n * HOUR + 60_000)
        conn.execute(
            "INSERT INTO event_counts (dim, period, key, writer, n) VALUES"
            " (0, ?, '1', -1, 100), (1, ?, 'cam-1', -1, 100),"
            " (0, ?, '1', -1, 1000), (1, ?, 'cam-1', -1, 1000)",
            (BASE // HOUR + 1, BASE // HOUR + 1, BASE // HOUR + 3, BASE // HOUR + 3),
        )
        got = stats.compute(conn, since=BASE, until=BASE + 3 * HOUR + 1, tz=UTC)
        # Hours 0-2 are whole (hour 1 planted: 101); hour 3 is cut, from the events (0).
        assert got.total == 3 + 100
        assert got.by_device == {"cam-1": 103}


@pytest.mark.parametrize("tz_name", ["Europe/Berlin", "Asia/Kathmandu", "UTC"])
def test_engines_count_alike_after_retention_and_updates(
    tmp_path: Path, pg_url: str, tz_name: str
) -> None:
    tz = ZoneInfo(tz_name)
    sqlite = Store(tmp_path / "sqlite")
    postgres = Store(tmp_path / "pg", url=pg_url)
    try:
        evs = [
            event(n, timestamp=BASE + n * 2_345_678, person_type=[1, 2, 4, 5][n % 4],
                  identity_id=f"E-{n % 5}", identity_name=f"name {n % 7}")
            for n in range(120)
        ]  # fmt: skip
        for s in (sqlite, postgres):
            for chunk in range(0, 120, 40):
                add(s, evs[chunk : chunk + 40], received_at=1_700_000_000_000 + chunk)
            s.write_sync(retention.delete_events_job(30, received_before=None))
            s.write_sync(retention.set_pinned_job(100, True))
        for since, until, bucket in [
            (BASE, BASE + 4 * 86_400_000, "day"),
            (BASE + 1_234_567, BASE + 3 * 86_400_000 + 7, "hour"),
            (BASE + 86_400_000, BASE + 2 * 86_400_000, "hour"),
        ]:
            a = stats.compute(sqlite.reader(), since=since, until=until, bucket=bucket, tz=tz)
            b = stats.compute(postgres.reader(), since=since, until=until, bucket=bucket, tz=tz)
            assert a.to_json() == b.to_json(), (since, until, bucket)
            assert a.total > 0 and a.top_identities
    finally:
        sqlite.close()
        postgres.close()


def test_identity_ranges_cover_a_range_once() -> None:
    """Weeks, days and milliseconds chosen for the identities' ranking add up to the
    range exactly, whatever its ends (no database needed)."""
    import random

    rng = random.Random(5)
    day, week = event_counts.DAY, event_counts.WEEK * event_counts.DAY
    for _ in range(2000):
        since = BASE + rng.randrange(-20 * day, 20 * day)
        until = since + rng.choice([1, HOUR, day, 3 * day, 8 * day, 92 * day]) + rng.randrange(day)
        (w0, w1), (b0, b1), (a0, a1), (s0, s1), (e0, e1) = event_counts.identity_ranges(
            since, until
        )
        pieces = [(w0 * week, w1 * week), (b0 * day, b1 * day), (a0 * day, a1 * day),
                  (s0, s1), (e0, e1)]  # fmt: skip
        pieces = sorted((a, b) for a, b in pieces if b > a)
        assert pieces[0][0] == since and pieces[-1][1] == until
        assert all(x[1] == y[0] for x, y in itertools.pairwise(pieces))
