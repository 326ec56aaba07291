"""PostgreSQL read connections come from a bounded pool, checked and replaced after the
server restarts; the writer keeps its one connection."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from gui.core.store import Store
from tests.core.test_store_engines import _cluster_script, own_cluster  # noqa: F401


def _readers(url: str) -> int:
    import psycopg

    with psycopg.connect(url, autocommit=True) as admin:
        return int(
            admin.execute(
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE application_name = 'gatewatch-reader' AND datname = current_database()"
            ).fetchone()[0]
        )


def _readers_once_gone(url: str, timeout: float = 15.0) -> int:
    """``_readers`` once it is 0, else what it still is after ``timeout`` seconds.

    A backend leaves ``pg_stat_activity`` when its process has exited, a moment after
    the client closed the connection: counted right after closing three connections,
    165 of 200 tries still listed some on this machine. A connection the store never
    closed stays listed and fails the check all the same.
    """
    deadline = time.monotonic() + timeout
    while (count := _readers(url)) and time.monotonic() < deadline:
        time.sleep(0.05)
    return count


@pytest.fixture
def patient_reads(monkeypatch: pytest.MonkeyPatch) -> None:
    """Reads wait for a connection as long as a loaded machine needs (what is checked
    here is how many read at once, not how fast): twelve reads through three connections
    on two busy cores could take more than the five seconds after which a read gives up."""
    from gui.core import pg

    monkeypatch.setattr(pg, "READER_WAIT_S", 60.0)


def test_pool_sizes_are_read_from_the_environment() -> None:
    pytest.importorskip("psycopg_pool")
    from gui.core import pg

    assert pg.reader_pool_sizes("") == (pg.READERS_MIN, pg.READERS_MAX)
    assert pg.reader_pool_sizes("3") == (1, 3)
    assert pg.reader_pool_sizes("2,5") == (2, 5)
    assert pg.reader_pool_sizes("9,4") == (4, 4)
    assert pg.reader_pool_sizes("lots") == (pg.READERS_MIN, pg.READERS_MAX)


def _twelve_slow_reads_at_once(store: Store) -> tuple[list[int], int]:
    """Twelve threads each read for 0.2 s; their results, and the most reading at once."""
    inside = 0
    most = 0
    lock = threading.Lock()

    def slow_read(conn: Any) -> int:
        nonlocal inside, most
        with lock:
            inside += 1
            most = max(most, inside)
        try:
            return int(conn.execute("SELECT pg_sleep(0.2), 1").fetchone()[1])
        finally:
            with lock:
                inside -= 1

    with ThreadPoolExecutor(12) as threads:
        results = list(threads.map(lambda _: store.read_sync(slow_read), range(12)))
    return results, most


def test_reads_from_many_threads_share_a_bounded_pool(
    pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, patient_reads: None
) -> None:
    """Twelve threads reading at once use at most the configured three connections."""
    monkeypatch.setenv("GATEWATCH_PG_READERS", "1,3")
    store = Store(tmp_path / "data", url=pg_url)
    try:
        results, most = _twelve_slow_reads_at_once(store)
        assert results == [1] * 12
        assert most <= 3, most  # the others waited for a connection
        assert _readers(pg_url) <= 3
    finally:
        store.close()
    assert _readers_once_gone(pg_url) == 0  # closed with the store


def test_direct_fallback_reads_stay_within_the_bound(
    pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, patient_reads: None
) -> None:
    """While the pool hands out nothing (still growing, or reconnecting), reads fall back
    to direct connections, and still no more than the configured three at once."""
    pytest.importorskip("psycopg_pool")
    from psycopg_pool import PoolTimeout

    monkeypatch.setenv("GATEWATCH_PG_READERS", "1,3")
    store = Store(tmp_path / "data", url=pg_url)
    assert store.engine is not None

    def nothing_ready(timeout: float | None = None) -> Any:
        time.sleep(0.01)
        raise PoolTimeout("the pool is still making its connections")

    monkeypatch.setattr(store.engine.readers.pool, "getconn", nothing_ready)
    try:
        results, most = _twelve_slow_reads_at_once(store)
        assert results == [1] * 12
        assert most <= 3, most
    finally:
        store.close()


def test_reads_work_again_after_the_server_restarts(
    own_cluster: Any, tmp_path: Path  # noqa: F811
) -> None:
    url, folder = own_cluster
    store = Store(tmp_path / "data", url=url)
    try:
        with ThreadPoolExecutor(4) as threads:  # several pooled connections, all then lost
            list(threads.map(lambda _: store.read_sync(lambda c: c.execute("SELECT 1")), range(8)))
        paused = _cluster_script("pg_cluster_pause", folder)
        assert paused.returncode == 0, paused.stderr
        with pytest.raises(Exception) as down:
            store.read_sync(lambda c: c.execute("SELECT 1").fetchone())
        from gui.core.store import storage_failure_kind

        assert storage_failure_kind(down.value) is not None  # a 503, not a bug
        resumed = _cluster_script("pg_cluster_resume", folder)
        assert resumed.returncode == 0, resumed.stderr
        deadline = time.monotonic() + 20
        while True:  # no reader ever sees the dropped connections once the server answers
            try:
                got = [store.read_sync(lambda c: c.execute("SELECT 2").fetchone()[0])
                       for _ in range(6)]  # fmt: skip
                break
            except Exception:
                assert time.monotonic() < deadline
                time.sleep(0.2)
        assert got == [2] * 6
    finally:
        store.close()
