"""A full disk: 503 with a reason, a published storage state, nothing damaged, resumes alone.

The disk is "full" through ``PRAGMA max_page_count`` on the writer's
connection: SQLite then fails writes with SQLITE_FULL exactly as on a full disk.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from gui.core import retention
from gui.core.messages import StorageStateChanged
from gui.core.receiver import Receiver
from gui.core.store import StorageError
from tests.conftest import Client, wait_for
from tests.core.history_data import PATH, event


@pytest.fixture(autouse=True)
def fast_storage_poll(monkeypatch: pytest.MonkeyPatch) -> None:
    """Autouse, so it is patched before ``full_receiver`` starts its storage watch."""
    monkeypatch.setattr(retention, "STORAGE_POLL_S", 0.05)


def test_disk_full_answers_503_then_resumes_by_itself(full_receiver: Receiver) -> None:
    states: list[StorageStateChanged] = []
    full_receiver.subscribe(StorageStateChanged, states.append)
    client = Client(full_receiver.port)
    assert client.post_json(PATH, event(1)).status == 200
    store = full_receiver.store

    def cap(conn) -> int:
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count = {pages}")
        return pages

    def on_writer(job) -> None:
        """The pragma sticks even when another job in its batch fails the transaction."""
        for _ in range(20):
            try:
                store.write_sync(job)
                return
            except StorageError:
                time.sleep(0.05)
        raise AssertionError("the writer never ran the job")

    on_writer(cap)
    reply = client.post_json(PATH, [event(2), event(3)])
    assert reply.status == 503
    body = reply.json()
    assert "retry later" in body["message"] and "full" in body["message"]
    assert wait_for(lambda: states and not states[-1].ok)
    assert "full" in states[-1].message

    # Space comes back: the next upload is stored without anyone restarting anything.
    on_writer(lambda conn: conn.execute("PRAGMA max_page_count = 1073741823"))
    reply = client.post_json(PATH, [event(2), event(3)])
    assert reply.status == 200, reply.body
    assert wait_for(lambda: states[-1].ok)
    conn = store.reader()
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert [r[0] for r in conn.execute("SELECT identity_id FROM events ORDER BY id")] == [
        "id-001", "id-002", "id-003"
    ]  # fmt: skip
    assert client.get_json("/api/health")["status"] == "ok"


def test_a_rolled_back_batch_fails_every_job_in_it(tmp_path: Path) -> None:
    """SQLITE_FULL rolls the whole transaction back: no job of the batch may report success."""
    from concurrent.futures import Future

    from gui.core.store import StorageError, Store

    store = Store(tmp_path / "data")
    try:
        store.write_sync(lambda c: c.execute("CREATE TABLE t (x BLOB)"))
        pages = store.write_sync(lambda c: c.execute("PRAGMA page_count").fetchone()[0])
        store.write_sync(lambda c: c.execute(f"PRAGMA max_page_count = {pages + 2}"))
        gate: Future[None] = Future()
        started = threading.Event()

        def hold(_conn) -> None:
            started.set()
            gate.result(5)

        blocker = store.submit(hold)  # holds the writer so the next three form one batch
        assert started.wait(5)
        small = store.submit(lambda c: c.execute("INSERT INTO t VALUES (x'01')"))
        big = store.submit(lambda c: c.execute("INSERT INTO t VALUES (zeroblob(1000000))"))
        after = store.submit(lambda c: c.execute("INSERT INTO t VALUES (x'02')"))
        gate.set_result(None)
        blocker.result(5)
        with pytest.raises(StorageError):
            big.result(5)
        for fut in (small, after):
            with pytest.raises(StorageError):
                fut.result(5)
        rows = store.reader().execute("SELECT count(*) FROM t").fetchone()[0]
        assert rows == 0  # what was reported failed is really not stored
        assert store.write_sync(lambda c: c.execute("INSERT INTO t VALUES (x'03')").rowcount) == 1
    finally:
        store.close()
