"""Ingest conformance on both engines: the same deliveries, the same answers and rows.

Every test runs once on SQLite and once on PostgreSQL (``engine_store``); see
``tests/pg_fixtures.py``. Two receivers writing one PostgreSQL database store an
event delivered to both once.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from gui.core import messages
from gui.core.pipeline import Delivery, IngestPipeline
from gui.core.store import Store
from tests.conftest import load_sample
from tests.core.procs import ROOT, unique_event

pytestmark = pytest.mark.timeout(120)
HISTORY = "/EventServer/api/HistoryEvent"
REALTIME = "/EventServer/api/RealTimeEvent"


def delivery(value: Any, path: str = HISTORY, received_at: int = 1_764_000_000_500) -> Delivery:
    return Delivery(
        path=path, source_ip="10.0.0.7", received_at=received_at,
        body=json.dumps(value).encode(), content_type="application/json",
    )  # fmt: skip


class Rig:
    """One receiver's pipeline over a store, driven from a private event loop."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.announced: list[Any] = []
        self.pipeline = IngestPipeline(store, self.announced.append)

    def run(self, *deliveries: Delivery) -> list[Any]:
        async def go() -> list[Any]:
            return [await self.pipeline.ingest(d) for d in deliveries]

        return asyncio.run(go())

    def close(self) -> None:
        self.pipeline.close()

    def count(self, table: str = "events") -> int:
        return int(self.store.read_sync(
            lambda c: c.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        ))  # fmt: skip


@pytest.fixture
def rig(engine_store: Store):
    r = Rig(engine_store)
    yield r
    r.close()


def test_single_event_stored_with_photos(rig: Rig) -> None:
    (out,) = rig.run(delivery(load_sample("employee_match")))
    assert out.status == 200 and out.reply["events"][0]["result"] == "new"
    (event_id,) = out.event_ids
    row = rig.store.read_sync(
        lambda c: c.execute(
            "SELECT identity_id, source_ip FROM events WHERE id = ?", (event_id,)
        ).fetchone()
    )
    assert row["identity_id"] == "E-10086" and row[1] == "10.0.0.7"
    kinds = rig.store.read_sync(
        lambda c: [
            (r[0], r[1] is not None)
            for r in c.execute(
                "SELECT kind, data FROM images WHERE event_id = ? ORDER BY kind", (event_id,)
            )
        ]
    )
    assert kinds and all(present for _kind, present in kinds)
    from gui.core import event_rows

    image = rig.store.read_sync(lambda c: event_rows.load_image(c, event_id, kinds[0][0]))
    assert image is not None and len(image[0]) > 100
    raw = rig.store.read_sync(lambda c: event_rows.load_raw(c, event_id))
    assert raw is not None and raw["identity_id"] if "identity_id" in raw else raw
    (stored,) = [m for m in rig.announced if isinstance(m, messages.EventStored)]
    assert stored.summary.id == event_id
    # The batch's device tally wrote the box and camera (a failing hook only logs).
    assert rig.count("boxes") == 1 and rig.count("cameras") == 1
    from gui.core import devices  # counted as the Devices page reads it (gui.core.tallies)

    counts = rig.store.read_sync(lambda c: devices.list_devices(c)["cameras"][0]["event_count"])
    assert counts == 1


def test_batch_and_duplicates(rig: Rig) -> None:
    base = load_sample("stranger")
    batch = [unique_event(base, "batch", i) for i in range(5)]
    first, again = rig.run(delivery(batch), delivery(batch))
    assert first.status == 200 and [e["result"] for e in first.reply["events"]] == ["new"] * 5
    assert again.status == 200
    assert [e["result"] for e in again.reply["events"]] == ["duplicate"] * 5
    assert again.event_ids == first.event_ids
    assert rig.count() == 5
    stored = [m for m in rig.announced if isinstance(m, messages.EventStored)]
    assert len(stored) == 5  # the retry announces nothing


def test_a_richer_copy_merges(rig: Rig) -> None:
    event = unique_event(load_sample("employee_match"), "merge", 1)
    bare = {k: v for k, v in event.items() if k not in ("spot_pic", "reg_pic", "recognize_face")}
    first, richer = rig.run(delivery(bare, REALTIME), delivery(event))
    assert first.reply["events"][0]["result"] == "new"
    assert richer.reply["events"][0]["result"] == "merged"
    assert richer.event_ids == first.event_ids and rig.count() == 1
    assert rig.count("images") >= 1


def test_a_bad_event_in_a_batch_is_rolled_back_alone(rig: Rig, monkeypatch) -> None:
    """A job failing mid-write (here: the third event's insert) loses only its request."""
    from gui.core import ingest

    base = load_sample("stranger")
    good = delivery([unique_event(base, "ok", i) for i in range(3)])
    bad_events = [unique_event(base, "bad", i) for i in range(3)]
    real = ingest.store_event
    calls = {"n": 0}

    def failing(conn, ev, *args: Any, **kw: Any):
        if ev.identity_id == "bad-2":
            calls["n"] += 1
            conn.execute("INSERT INTO events (id) VALUES (NULL)")  # an SQL error mid-job
        return real(conn, ev, *args, **kw)

    monkeypatch.setattr(ingest, "store_event", failing)
    before = rig.count()

    async def go() -> list[Any]:
        # Both in one writer batch: the bad one's savepoint rolls back alone.
        return list(await asyncio.gather(
            rig.pipeline.ingest(delivery(bad_events)), rig.pipeline.ingest(good)
        ))  # fmt: skip

    bad_out, good_out = asyncio.run(go())
    assert calls["n"] == 1
    assert bad_out.status == 500 and good_out.status == 200
    assert rig.count() == before + 3


def test_two_receivers_store_an_event_once(
    engine: str, store_url: str | None, tmp_path: Path
) -> None:
    """Two stores (two receivers) on one database, the same events to both at once."""
    if engine == "sqlite":
        pytest.skip("two receivers share a database on PostgreSQL only")
    stores = [Store(tmp_path / f"r{i}", url=store_url) for i in range(2)]
    rigs = [Rig(s) for s in stores]
    try:
        base = load_sample("employee_match")
        events = [unique_event(base, "both", i) for i in range(20)]
        results: list[list[Any]] = [[], []]

        def receive(i: int) -> None:
            order = events if i == 0 else list(reversed(events))
            results[i] = rigs[i].run(*(delivery(e) for e in order))

        threads = [threading.Thread(target=receive, args=(i,)) for i in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(100)
        outs = results[0] + results[1]
        assert len(outs) == 40 and all(o.status == 200 for o in outs), [
            o.reply for o in outs if o.status != 200
        ]
        assert rigs[0].count() == 20
        by_key: dict[int, list[str]] = {}
        for o in outs:
            by_key.setdefault(o.event_ids[0], []).append(o.reply["events"][0]["result"])
        assert len(by_key) == 20
        for answers in by_key.values():
            assert sorted(answers) == ["duplicate", "new"]
        assert rigs[0].count("image_meta") == rigs[0].count("photos") > 0
        # Each event counted once on its camera, whichever receiver stored it.
        # (read as the Devices page does: on PostgreSQL the counts of each receiver's
        # writer stay on rows of its own until folded, gui.core.tallies)
        from gui.core import devices

        total = rigs[0].store.read_sync(
            lambda c: sum(cam["event_count"] for cam in devices.list_devices(c)["cameras"])
        )
        assert total == 20
    finally:
        for r in rigs:
            r.close()
        for s in stores:
            s.close()


def _terminate_writers(url: str) -> int:
    """Kill the server side of every receiver's writer connection (a server restart, as seen
    by the receiver)."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as admin:
        rows = admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE application_name = 'gatewatch-writer' AND datname = current_database()"
        ).fetchall()
    return len(rows)


def test_a_connection_lost_while_idle_is_replaced_without_a_failure(
    pg_url: str, tmp_path: Path
) -> None:
    """The server restarted between two events: the next one is stored on a new connection."""
    store = Store(tmp_path / "data", url=pg_url)
    rig = Rig(store)
    try:
        base = load_sample("stranger")
        (first,) = rig.run(delivery(unique_event(base, "idle", 0)))
        assert first.status == 200
        assert _terminate_writers(pg_url) == 1
        (second,) = rig.run(delivery(unique_event(base, "idle", 1)))
        assert second.status == 200 and store.writer.last_error is None
        assert rig.count() == 2
    finally:
        rig.close()
        store.close()


def _cluster_script(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "-c", f". {ROOT}/scripts/pg-cluster.sh && {' '.join(args)}"],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


@pytest.fixture
def own_cluster(pg_server: Any) -> Any:
    """A PostgreSQL server of this test's own, to stop and start (needs the binaries)."""
    started = subprocess.run(
        ["bash", str(ROOT / "scripts" / "pg-cluster.sh"), "start"],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    if started.returncode != 0:
        pytest.skip(f"cannot start a PostgreSQL cluster of its own: {started.stderr.strip()}")
    url, folder = started.stdout.strip(), started.stderr.strip().splitlines()[-1]
    try:
        yield url, folder
    finally:
        _cluster_script("pg_cluster_stop", folder)


def test_database_down_is_503_then_recovers(own_cluster: Any, tmp_path: Path) -> None:
    """The server stops: boxes get 503 saying why; it starts again: the retries are stored."""
    from gui.core import pg

    url, folder = own_cluster
    store = Store(tmp_path / "data", url=url)
    rig = Rig(store)
    try:
        base = load_sample("stranger")
        assert rig.run(delivery(unique_event(base, "down", 0)))[0].status == 200
        stop = _cluster_script("pg_cluster_pause", folder)
        assert stop.returncode == 0, stop.stderr
        retry = unique_event(base, "down", 1)
        (lost,) = rig.run(delivery(retry))
        assert lost.status == 503 and "retry later" in lost.reply["message"]
        assert "cannot be reached" in lost.reply["message"], lost.reply
        assert store.writer.last_error is not None
        # Right after a failed attempt the writer does not wait on the network again:
        # the next delivery is answered 503 at once.
        (fast,) = rig.run(delivery(retry))
        assert fast.status == 503 and "trying again in" in fast.reply["message"], fast.reply
        start = _cluster_script("pg_cluster_resume", folder)
        assert start.returncode == 0, start.stderr
        time.sleep(pg.RECONNECT_PAUSE_S)
        # The box retries: stored once, the writer reconnected by itself.
        again = rig.run(delivery(retry), delivery(retry))
        assert [o.status for o in again] == [200, 200], [o.reply for o in again]
        assert [o.reply["events"][0]["result"] for o in again] == ["new", "duplicate"]
        assert store.writer.last_error is None and rig.count() == 2
    finally:
        rig.close()
        store.close()


def test_readers_reconnect_after_a_lost_connection(pg_url: str, tmp_path: Path) -> None:
    import psycopg

    store = Store(tmp_path / "data", url=pg_url)
    try:
        count = store.read_sync(lambda c: c.execute("SELECT count(*) FROM events").fetchone()[0])
        assert count == 0
        with psycopg.connect(pg_url, autocommit=True) as admin:
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE application_name = 'gatewatch-reader' AND datname = current_database()"
            )
        # The read runs again on a new connection: the caller never sees the restart.
        assert store.read_sync(lambda c: c.execute("SELECT 2").fetchone()[0]) == 2
        assert asyncio.run(store.read(lambda c: c.execute("SELECT 3").fetchone()[0])) == 3
    finally:
        store.close()


def test_committed_events_are_announced_with_notify(pg_url: str, tmp_path: Path) -> None:
    """Listeners hear the batch's highest event id after its commit, and nothing for a
    batch that stored nothing new."""
    import psycopg

    store = Store(tmp_path / "data", url=pg_url)
    rig = Rig(store)
    listener = psycopg.connect(pg_url, autocommit=True)
    try:
        listener.execute("LISTEN gatewatch_events")
        base = load_sample("stranger")
        batch = [unique_event(base, "notify", i) for i in range(3)]
        (out,) = rig.run(delivery(batch))
        heard = [n.payload for n in listener.notifies(timeout=5, stop_after=1)]
        assert heard == [str(max(out.event_ids))]
        rig.run(delivery(batch))  # a retry: all duplicates, nothing written
        assert [n.payload for n in listener.notifies(timeout=0.5)] == []
    finally:
        listener.close()
        rig.close()
        store.close()


def test_a_read_only_database_is_503_with_its_kind(pg_url: str, tmp_path: Path) -> None:
    from gui.core import store as store_mod

    store = Store(tmp_path / "data", url=pg_url)
    rig = Rig(store)
    try:
        # The writer's session turns read-only (a standby, default_transaction_read_only).
        store.write_sync(
            lambda c: c.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
        )
        (out,) = rig.run(delivery(unique_event(load_sample("stranger"), "ro", 0)))
        assert out.status == 503 and "the database is read-only" in out.reply["message"]
        with pytest.raises(store_mod.StorageError) as caught:
            store.write_sync(lambda c: c.execute("DELETE FROM events"))
        assert caught.value.kind == store_mod.READONLY and caught.value.name == "25006"
    finally:
        rig.close()
        store.close()


def test_a_deadlocked_job_runs_again(pg_url: str, tmp_path: Path) -> None:
    """A job that lost a deadlock to another receiver is rolled back alone and run again."""
    import psycopg.errors

    store = Store(tmp_path / "data", url=pg_url)
    calls = {"n": 0}

    def job(c: Any) -> int:
        calls["n"] += 1
        c.execute("INSERT INTO requests (time, source_ip) VALUES (1, 'x')")
        if calls["n"] == 1:
            raise psycopg.errors.DeadlockDetected("deadlock detected")
        return calls["n"]

    try:
        assert store.write_sync(job) == 2
        rows = store.read_sync(lambda c: c.execute("SELECT count(*) FROM requests").fetchone()[0])
        assert rows == 1  # the first attempt's row was rolled back with it
    finally:
        store.close()
