"""The writer: group commit, one job's failure stays its own, results reach each loop."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from gui.core import store as store_mod
from gui.core.dbapi import rerunnable
from gui.core.store import Store, StoreClosed
from tests.conftest import wait_for


@pytest.fixture()
def store(tmp_path: Path):
    s = Store(tmp_path)
    s.write_sync(lambda c: c.execute("CREATE TABLE t (x INTEGER)"))
    yield s
    s.close()


def _count(store: Store) -> int:
    return store.read_sync(lambda c: c.execute("SELECT count(*) FROM t").fetchone()[0])


def _hold_writer(store: Store) -> threading.Event:
    """Keep the writer busy so the next jobs queue up into one batch."""
    release = threading.Event()
    running = threading.Event()
    store.submit(lambda c: (running.set(), release.wait(5)))
    assert running.wait(5)
    return release


def _six_jobs_in_one_batch_the_fourth_failing(
    store: Store, mark: Callable[[Any], Any] = lambda job: job, runs: list[int] | None = None
) -> list[Any]:
    """Jobs 0-5 queued into one batch; each inserts its number and returns it times ten,
    but job 3 inserts -1 and raises. Their results (the error for job 3)."""

    def insert(n: int):
        def job(c):
            if runs is not None:
                runs.append(n)
            if n == 3:
                c.execute("INSERT INTO t VALUES (-1)")
                raise ValueError("job 3 fails")
            c.execute("INSERT INTO t VALUES (?)", (n,))
            return n * 10

        return mark(job)

    async def main():
        release = _hold_writer(store)
        tasks = [asyncio.ensure_future(store.write(insert(n))) for n in range(6)]
        await asyncio.sleep(0.05)
        release.set()
        return await asyncio.gather(*tasks, return_exceptions=True)

    return asyncio.run(main())


def test_jobs_of_one_batch_each_get_their_own_result_or_error(store: Store) -> None:
    results = _six_jobs_in_one_batch_the_fourth_failing(store)
    assert results[:3] == [0, 10, 20] and results[4:] == [40, 50]
    assert isinstance(results[3], ValueError)
    # the failing job's own insert was rolled back, the others committed
    assert store.read_sync(lambda c: sorted(r[0] for r in c.execute("SELECT x FROM t"))) == [
        0, 1, 2, 4, 5,
    ]  # fmt: skip


def test_bulk_writes_yield_to_small_ones_and_run_alone(store: Store) -> None:
    """A real-time event queued behind large uploads is written before them, and a
    small write arriving while one large upload is written waits for that one only."""
    order: list[str] = []
    transactions: dict[str, int] = {}

    def job(name: str, seconds: float = 0.0):
        def run(c):
            order.append(name)
            transactions[name] = c.execute("SELECT count(*) FROM t").fetchone()[0]
            c.execute("INSERT INTO t VALUES (1)")
            threading.Event().wait(seconds)
            return name

        return run

    async def main():
        release = _hold_writer(store)
        bulk = [
            asyncio.ensure_future(store.write(job(f"bulk{n}", 0.3), bulk=True)) for n in range(3)
        ]
        small = asyncio.ensure_future(store.write(job("small")))
        await asyncio.sleep(0.05)
        release.set()
        assert await small == "small"
        await asyncio.sleep(0.1)  # bulk0 is being written now
        late = asyncio.ensure_future(store.write(job("late")))
        await asyncio.gather(*bulk, late)

    asyncio.run(main())
    assert order[0] == "small"  # queued last, written first
    assert order.index("late") == 2  # after the one bulk write in progress, before the rest
    assert sorted(order) == ["bulk0", "bulk1", "bulk2", "late", "small"]  # none lost
    assert _count(store) == 5


def _noting(store: Store, name: str, batches: dict[str, int], *, fail: bool = False):
    """A job that inserts a row and notes the writer's batch it ran in."""

    def run(c):
        batches[name] = store.writer.batches
        c.execute("INSERT INTO t VALUES (1)")
        if fail:
            raise ValueError(f"{name} fails")
        return name

    return run


def _held(store: Store, name: str, batches: dict[str, int]):
    """A ``_noting`` job that says when it started and waits for ``go`` before its insert."""
    running, go = threading.Event(), threading.Event()

    def run(c):
        running.set()
        go.wait(5)
        return _noting(store, name, batches)(c)

    return run, running, go


def test_a_live_write_queued_during_a_background_write_joins_its_transaction(
    store: Store,
) -> None:
    """A push queued while a backfill's records are written shares their COMMIT instead of
    waiting for it and making its own; each keeps its own result (own SAVEPOINT)."""
    batches: dict[str, int] = {}
    background, running, go = _held(store, "background", batches)

    async def main():
        bg = asyncio.ensure_future(store.write(background, background=True))
        await asyncio.get_running_loop().run_in_executor(None, running.wait, 5)
        live = store.writer.expect_live()
        push = asyncio.ensure_future(store.write(_noting(store, "push", batches), live=live))
        await asyncio.sleep(0.05)
        assert store.writer.live_pending()  # queued, not taken: a background job gives way
        go.set()
        return await bg, await push

    assert asyncio.run(main()) == ("background", "push")
    assert batches["push"] == batches["background"]
    assert not store.writer.live_pending() and _count(store) == 2


def test_a_live_write_still_on_its_way_is_waited_for_by_a_background_write(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Announced (its body being parsed) when the background job ended: the transaction
    stays open for it (up to LIVE_JOIN_WAIT) and a failing job loses only its own rows."""
    monkeypatch.setattr(store_mod, "LIVE_JOIN_WAIT", 30.0)  # the test waits, not the clock
    batches: dict[str, int] = {}
    ran = threading.Event()

    def background(c):
        result = _noting(store, "background", batches)(c)
        ran.set()
        return result

    async def main():
        live = store.writer.expect_live()
        bg = asyncio.ensure_future(store.write(background, background=True))
        await asyncio.get_running_loop().run_in_executor(None, ran.wait, 5)
        await asyncio.sleep(0.05)
        assert not bg.done()  # not committed: waiting for the push
        push = store.write(_noting(store, "push", batches, fail=True), live=live)
        results = await asyncio.gather(bg, push, return_exceptions=True)
        return results

    result, failed = asyncio.run(main())
    assert result == "background" and isinstance(failed, ValueError)
    assert batches["push"] == batches["background"]
    assert _count(store) == 1  # the push's row rolled back alone


def test_a_live_write_that_never_comes_releases_the_background_write(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store_mod, "LIVE_JOIN_WAIT", 30.0)
    ran = threading.Event()
    batches: dict[str, int] = {}

    def background(c):
        ran.set()
        return _noting(store, "background", batches)(c)

    async def main():
        live = store.writer.expect_live()
        bg = asyncio.ensure_future(store.write(background, background=True))
        await asyncio.get_running_loop().run_in_executor(None, ran.wait, 5)
        live.close()  # its body was bad: nothing will be written
        live.close()  # closing twice counts once
        return await asyncio.wait_for(bg, 10)

    assert asyncio.run(main()) == "background"
    assert not store.writer.live_pending() and _count(store) == 1


def test_a_live_write_that_joined_is_not_held_for_another_still_on_its_way(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two boxes pushing: the push already queued commits with the background job at
    once; it does not wait for the other push's parse (that one writes on its own)."""
    monkeypatch.setattr(store_mod, "LIVE_JOIN_WAIT", 30.0)
    batches: dict[str, int] = {}
    background, running, go = _held(store, "background", batches)

    async def main():
        slow = store.writer.expect_live()  # a push still being parsed throughout
        bg = asyncio.ensure_future(store.write(background, background=True))
        await asyncio.get_running_loop().run_in_executor(None, running.wait, 5)
        live = store.writer.expect_live()
        push = asyncio.ensure_future(store.write(_noting(store, "push", batches), live=live))
        await asyncio.sleep(0.05)
        go.set()
        results = await asyncio.wait_for(asyncio.gather(bg, push), 10)
        assert store.writer.live_pending()  # the slow one has not come yet
        slow.close()
        return results

    assert asyncio.run(main()) == ["background", "push"]
    assert batches["push"] == batches["background"]


def test_a_large_upload_takes_no_company(store: Store) -> None:
    """Only background jobs share their transaction: a small write queued during a bulk
    one is written after it, in a transaction of its own, as before."""
    batches: dict[str, int] = {}
    upload, running, go = _held(store, "upload", batches)

    async def main():
        big = asyncio.ensure_future(store.write(upload, bulk=True))
        await asyncio.get_running_loop().run_in_executor(None, running.wait, 5)
        live = store.writer.expect_live()
        small = asyncio.ensure_future(store.write(_noting(store, "push", batches), live=live))
        await asyncio.sleep(0.05)
        go.set()
        await asyncio.gather(big, small)

    asyncio.run(main())
    assert batches["push"] == batches["upload"] + 1


def test_queued_bulk_writes_are_finished_on_close(tmp_path: Path) -> None:
    s = Store(tmp_path)
    s.write_sync(lambda c: c.execute("CREATE TABLE t (x INTEGER)"))

    async def main():
        release = _hold_writer(s)
        writes = [
            asyncio.ensure_future(
                s.write(lambda c: c.execute("INSERT INTO t VALUES (1)"), bulk=bulk)
            )
            for bulk in (True, True, False, True)
        ]
        await asyncio.sleep(0.05)  # all four queued behind the held job
        release.set()
        s.close()  # finishes what was queued, bulk writes included
        await asyncio.gather(*writes)

    asyncio.run(main())
    s2 = Store(tmp_path)
    try:
        assert _count(s2) == 4
    finally:
        s2.close()


def test_a_write_cancelled_while_queued_never_runs(store: Store) -> None:
    async def main():
        release = _hold_writer(store)
        task = asyncio.ensure_future(store.write(lambda c: c.execute("INSERT INTO t VALUES (1)")))
        await asyncio.sleep(0.05)
        task.cancel()
        await asyncio.sleep(0)
        release.set()
        await store.write(lambda c: None)  # the batch after it has run
        return task.cancelled()

    assert asyncio.run(main())
    assert _count(store) == 0


def test_writes_from_two_loops_resolve_on_their_own_loop(store: Store) -> None:
    seen: dict[str, tuple[int, int]] = {}

    def run(name: str) -> None:
        async def main():
            loop_thread = threading.get_ident()
            values = await asyncio.gather(
                *(store.write(lambda c, n=n: c.execute("INSERT INTO t VALUES (?)", (n,)).rowcount)
                  for n in range(20))
            )  # fmt: skip
            assert threading.get_ident() == loop_thread
            seen[name] = (sum(values), loop_thread)

        asyncio.run(main())

    threads = [threading.Thread(target=run, args=(name,)) for name in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert seen["a"][0] == seen["b"][0] == 20
    assert _count(store) == 40


def test_writing_to_a_closed_store_raises(tmp_path: Path) -> None:
    store = Store(tmp_path)
    store.close()

    async def main():
        await store.write(lambda c: None)

    with pytest.raises(StoreClosed):
        asyncio.run(main())


def _wal_restarts(store: Store) -> int:
    """The WAL header's checkpoint sequence number: it goes up each time the WAL starts over."""
    wal = store.path.with_name(store.path.name + "-wal")
    header = wal.read_bytes()[:16] if wal.exists() else b""
    return int.from_bytes(header[12:16], "big") if len(header) == 16 else 0


def _blob_job(n: int):
    return lambda c: c.execute("INSERT INTO b VALUES (?)", (bytes([n % 256]) * 200_000,))


@pytest.fixture()
def blob_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    import gui.core.store as store_module

    monkeypatch.setattr(store_module, "RESTART_FRAMES", 64)  # 1 MB of 16 KB pages
    s = Store(tmp_path)
    s.write_sync(lambda c: c.execute("CREATE TABLE b (x BLOB)"))
    yield s
    s.close()


def test_the_wal_is_checkpointed_and_started_over_beside_the_writer(blob_store: Store) -> None:
    """The writer's connection never checkpoints; without the checkpointer the WAL only grows."""
    writer_setting = blob_store.write_sync(
        lambda c: c.execute("PRAGMA wal_autocheckpoint").fetchone()[0]
    )
    assert writer_setting == 0
    before = _wal_restarts(blob_store)
    for n in range(60):  # 12 MB: a dozen times the restart length
        blob_store.write_sync(_blob_job(n))
    assert wait_for(lambda: _wal_restarts(blob_store) >= before + 3, timeout=20)
    count = blob_store.read_sync(lambda c: c.execute("SELECT count(*) FROM b").fetchone()[0])
    assert count == 60
    assert blob_store.read_sync(lambda c: c.execute("PRAGMA integrity_check").fetchone()[0]) == "ok"


def test_a_reader_on_an_old_snapshot_holds_up_neither_writes_nor_later_restarts(
    blob_store: Store,
) -> None:
    reader = blob_store.reader()
    reader.execute("BEGIN")
    assert reader.execute("SELECT count(*) FROM b").fetchone()[0] == 0  # snapshot taken
    for n in range(30):
        blob_store.write_sync(_blob_job(n), timeout=10)
    assert reader.execute("SELECT count(*) FROM b").fetchone()[0] == 0  # still its snapshot
    reader.execute("COMMIT")
    restarts = _wal_restarts(blob_store)
    for n in range(30):
        blob_store.write_sync(_blob_job(n))
    assert wait_for(lambda: _wal_restarts(blob_store) > restarts, timeout=20)
    assert blob_store.read_sync(lambda c: c.execute("SELECT count(*) FROM b").fetchone()[0]) == 60


class _Hook:
    """Counts what a batch's jobs noted and writes the total once before COMMIT."""

    def __init__(self, fail: bool = False) -> None:
        self.noted = 0
        self.fail = fail
        self.batches = 0

    def begin(self) -> None:
        self.noted = 0

    def before_commit(self, c) -> None:
        self.batches += 1
        c.execute("INSERT INTO t VALUES (?)", (1000 + self.noted,))
        if self.fail:
            c.execute("INSERT INTO no_such_table VALUES (1)")


def test_a_batch_hook_writes_once_per_batch_inside_its_transaction(store: Store) -> None:
    hook = store.writer.batch_hook("count", _Hook)
    assert store.writer.batch_hook("count", _Hook) is hook  # one per name

    def job(c):
        c.execute("INSERT INTO t VALUES (1)")
        hook.noted += 1

    release = _hold_writer(store)
    futures = [store.submit(job) for _ in range(5)]
    release.set()
    for f in futures:
        f.result(10)
    values = store.read_sync(lambda c: [r[0] for r in c.execute("SELECT x FROM t ORDER BY x")])
    # the held batch wrote 1000 (nothing noted), then one batch of five jobs: 1005
    assert values == [1, 1, 1, 1, 1, 1000, 1005]


def test_a_failing_batch_hook_loses_only_its_own_writes(store: Store) -> None:
    store.writer.batch_hook("bad", lambda: _Hook(fail=True))
    store.write_sync(lambda c: c.execute("INSERT INTO t VALUES (7)"))
    assert store.read_sync(lambda c: [r[0] for r in c.execute("SELECT x FROM t")]) == [7]


# -- batches of rerunnable jobs: no savepoint each, the careful way only on a failure --


def test_a_batch_of_rerunnable_jobs_is_written_without_a_savepoint_each(store: Store) -> None:
    hook = store.writer.batch_hook("count", _Hook)
    statements: list[str] = []
    release, running = threading.Event(), threading.Event()

    def hold(c):
        c.set_trace_callback(statements.append)
        running.set()
        release.wait(5)

    def job(c):
        c.execute("INSERT INTO t VALUES (1)")
        hook.noted += 1
        return "ok"

    store.submit(rerunnable(hold))
    assert running.wait(5)
    futures = [store.submit(rerunnable(job)) for _ in range(5)]
    release.set()
    assert [f.result(10) for f in futures] == ["ok"] * 5
    assert [s for s in statements if s.startswith(("SAVEPOINT", "RELEASE"))] == []
    assert statements.count("COMMIT") == 2  # the held batch, then one batch of five
    values = store.read_sync(lambda c: [r[0] for r in c.execute("SELECT x FROM t ORDER BY x")])
    assert values == [1, 1, 1, 1, 1, 1000, 1005]  # the hook counted each job once


def test_a_failing_rerunnable_job_costs_only_its_own_writes(store: Store) -> None:
    runs: list[int] = []
    results = _six_jobs_in_one_batch_the_fourth_failing(store, rerunnable, runs)
    assert results[:3] == [0, 10, 20] and results[4:] == [40, 50]
    assert isinstance(results[3], ValueError)
    assert store.read_sync(lambda c: sorted(r[0] for r in c.execute("SELECT x FROM t"))) == [
        0, 1, 2, 4, 5,
    ]  # fmt: skip
    # All at once first (rolled back at job 3), then each in its own savepoint; the
    # failing job is not run again (its error is known).
    assert runs == [0, 1, 2, 3, 0, 1, 2, 4, 5]


def test_a_failing_batch_hook_costs_rerunnable_jobs_nothing(store: Store) -> None:
    store.writer.batch_hook("bad", lambda: _Hook(fail=True))
    assert store.write_sync(rerunnable(lambda c: c.execute("INSERT INTO t VALUES (7)").rowcount))
    assert store.read_sync(lambda c: [r[0] for r in c.execute("SELECT x FROM t")]) == [7]


def test_a_batch_with_one_job_not_rerunnable_is_written_the_careful_way(store: Store) -> None:
    statements: list[str] = []
    release, running = threading.Event(), threading.Event()

    def hold(c):
        c.set_trace_callback(statements.append)
        running.set()
        release.wait(5)

    store.submit(rerunnable(hold))
    assert running.wait(5)
    futures = [
        store.submit(rerunnable(lambda c: c.execute("INSERT INTO t VALUES (1)"))),
        store.submit(lambda c: c.execute("INSERT INTO t VALUES (2)")),
    ]
    release.set()
    for f in futures:
        f.result(10)
    assert statements.count("SAVEPOINT job") == 2


# -- storage errors, classified by SQLite's result code -------------------------------


def _sqlite_error(cls: type[sqlite3.Error], message: str, code: int, name: str) -> sqlite3.Error:
    exc = cls(message)
    exc.sqlite_errorcode = code  # type: ignore[attr-defined]
    exc.sqlite_errorname = name  # type: ignore[attr-defined]
    return exc


@pytest.mark.parametrize(
    ("code", "name", "kind"),
    [
        (13, "SQLITE_FULL", store_mod.FULL),
        (8, "SQLITE_READONLY", store_mod.READONLY),
        (1032, "SQLITE_READONLY_DBMOVED", store_mod.READONLY),
        (10, "SQLITE_IOERR", store_mod.IO),
        (778, "SQLITE_IOERR_WRITE", store_mod.IO),
        (1034, "SQLITE_IOERR_FSYNC", store_mod.IO),
        (11, "SQLITE_CORRUPT", store_mod.CORRUPT),
        (26, "SQLITE_NOTADB", store_mod.CORRUPT),
        (5, "SQLITE_BUSY", store_mod.BUSY),
        (517, "SQLITE_BUSY_SNAPSHOT", store_mod.BUSY),
        (6, "SQLITE_LOCKED", store_mod.BUSY),
        (14, "SQLITE_CANTOPEN", store_mod.CANTOPEN),
        (7, "SQLITE_NOMEM", store_mod.NOMEM),
    ],
)
def test_each_storage_failure_is_known_by_its_code(code: int, name: str, kind: str) -> None:
    # The message says "disk is full" every time: only the code may decide.
    exc = _sqlite_error(sqlite3.OperationalError, "database or disk is full", code, name)
    assert store_mod.storage_failure_kind(exc) == kind
    error = store_mod.StorageError.from_sqlite(exc)
    assert (error.kind, error.code, error.name) == (kind, code, name)
    assert error.transient == (kind == store_mod.BUSY)


@pytest.mark.parametrize(
    ("cls", "code", "name"),
    [
        (sqlite3.IntegrityError, 275, "SQLITE_CONSTRAINT_CHECK"),
        (sqlite3.OperationalError, 1, "SQLITE_ERROR"),
        (sqlite3.InterfaceError, 21, "SQLITE_MISUSE"),
    ],
)
def test_a_jobs_own_error_is_no_storage_failure_whatever_it_says(
    cls: type[sqlite3.Error], code: int, name: str
) -> None:
    exc = _sqlite_error(
        cls, "disk I/O error: database or disk is full, readonly, locked", code, name
    )
    assert store_mod.storage_failure_kind(exc) is None
    assert store_mod.storage_failure_kind(sqlite3.ProgrammingError("disk full")) is None
    assert store_mod.storage_failure_kind(OSError(28, "No space left on device")) is None


def test_a_full_database_fails_the_write_as_full(store: Store) -> None:
    def cap(conn: sqlite3.Connection) -> None:
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count = {pages}")

    store.write_sync(cap)
    with pytest.raises(store_mod.StorageError) as caught:
        store.write_sync(lambda c: c.execute("CREATE TABLE big AS SELECT randomblob(1000000) AS b"))
    assert caught.value.kind == store_mod.FULL and caught.value.name == "SQLITE_FULL"
    assert store.writer.failures == 1
    assert (store.writer.last_error or "").startswith("the disk is full (")


def test_a_read_only_database_fails_the_write_as_readonly(store: Store) -> None:
    store.write_sync(lambda c: c.execute("PRAGMA query_only = ON"))
    try:
        with pytest.raises(store_mod.StorageError) as caught:
            store.write_sync(lambda c: c.execute("CREATE TABLE u (x)"))
        assert caught.value.kind == store_mod.READONLY
    finally:
        store.writer.submit(lambda c: c.execute("PRAGMA query_only = OFF"))


def test_a_lock_held_elsewhere_is_busy_not_full(store: Store) -> None:
    """Another program (a second receiver on a shared store) holds the write lock."""
    store.write_sync(lambda c: c.execute("PRAGMA busy_timeout = 50"))
    other = sqlite3.connect(store.path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(store_mod.StorageError) as caught:
            store.write_sync(lambda c: c.execute("CREATE TABLE u (x)"))
        assert caught.value.kind == store_mod.BUSY and caught.value.transient
        assert caught.value.name == "SQLITE_BUSY"
        said = store.writer.last_error or ""
        assert said.startswith("the database is busy") and "disk is full" not in said
    finally:
        other.execute("ROLLBACK")
        other.close()
        store.write_sync(lambda c: c.execute(f"PRAGMA busy_timeout = {store_mod.BUSY_TIMEOUT_MS}"))


def test_a_constraint_named_like_a_full_disk_is_the_jobs_own_error(store: Store) -> None:
    store.write_sync(lambda c: c.execute("CREATE TABLE c (x, CONSTRAINT disk_full CHECK (x < 10))"))
    with pytest.raises(sqlite3.IntegrityError):
        store.write_sync(lambda c: c.execute("INSERT INTO c VALUES (20)"))
    assert store.writer.failures == 0 and store.writer.last_error is None
