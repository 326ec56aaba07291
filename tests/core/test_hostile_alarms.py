"""Hostile input, alarm class: alarms never block ingest, and are never lost.

An alarm is written in the transaction of the event that raises it: when the
box has its 200 the alarm exists (nothing queued behind other boxes' events),
and a kill -9 at any moment leaves every stored event that matches a rule
with its alarm. Folding into an open alarm is one index probe.
"""

from __future__ import annotations

import copy
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from gui.core import alarms, schema
from gui.core.receiver import Receiver, ReceiverConfig, ReceiverThread
from gui.settings import Settings
from tests.conftest import Client, load_sample
from tests.core.procs import Headless, unique_event
from tests.core.test_durability import Load

pytestmark = pytest.mark.timeout(120)

HISTORY = "/EventServer/api/HistoryEvent"
REALTIME = "/EventServer/api/RealTimeEvent"


@pytest.fixture
def rig(tmp_path: Path) -> Iterator[Any]:
    from gui.core import features

    rec = Receiver(ReceiverConfig(data_dir=tmp_path / "data", port=0, bind="127.0.0.1"))
    features.install(rec, Settings())
    thread = ReceiverThread(rec)
    thread.start()
    rec.thread = thread  # type: ignore[attr-defined]
    yield rec
    thread.stop()


def _unmatched(conn: sqlite3.Connection) -> int:
    """Stored strangers/blacklist events that have no alarm."""
    return conn.execute(
        "SELECT count(*) FROM events WHERE person_type IN (3, 4) AND self_test = 0"
        " AND id NOT IN (SELECT event_id FROM alarm_events)"
    ).fetchone()[0]


def test_alarms_of_a_batch_exist_when_the_box_gets_its_200(rig: Any) -> None:
    base = load_sample("stranger")
    batch = [unique_event(base, "batch", n) for n in range(300)]
    reply = Client(rig.port).post_json(HISTORY, batch)
    assert reply.status == 200
    # No drain, no wait: nothing about these alarms is left queued on the writer.
    conn = rig.store.reader()
    assert _unmatched(conn) == 0
    assert conn.execute("SELECT count(*) FROM alarm_events").fetchone()[0] == 300
    assert not alarms.engine_for(rig)._tasks


def test_an_alarm_that_cannot_be_written_fails_its_event_too(rig: Any) -> None:
    """Both or neither: a failing alarm write rolls its event back (the box retries)."""
    engine = alarms.engine_for(rig)
    assert engine is not None

    def broken(conn: sqlite3.Connection, item: Any) -> Any:
        conn.execute("INSERT INTO no_such_table VALUES (1)")

    engine.raise_for_event = broken  # type: ignore[method-assign]
    event = unique_event(load_sample("blacklist"), "broken", 1)
    reply = Client(rig.port).post_json(REALTIME, event)
    assert reply.status == 500
    assert rig.store.reader().execute("SELECT count(*) FROM events").fetchone()[0] == 0


def test_folding_is_an_index_probe(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "db.sqlite3")
    schema.migrate(conn)
    plan = conn.execute(
        "EXPLAIN QUERY PLAN SELECT id FROM alarms INDEXED BY alarms_open_by_key"
        " WHERE state = 'open' AND kind = ? AND late = ? AND ep_id IS ? AND identity_id IS ?"
        " AND last_at >= ? ORDER BY last_at DESC LIMIT 1",
        ("face", 0, "cam", "x", 0),
    ).fetchall()
    text = " ".join(str(row[-1]) for row in plan)
    assert "alarms_open_by_key" in text and "SCAN" not in text and "TEMP B-TREE" not in text


def test_alarms_of_an_older_database_stay_valid_and_fold(tmp_path: Path) -> None:
    """A v3 database (alarms raised after their events) migrates; its open alarm folds."""
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    old = sqlite3.connect(data_dir / "gatewatch.sqlite3")
    schema.migrate(old, target=3)
    now = alarms.now_ms()
    old.execute(
        "INSERT INTO alarms (kind, late, event_id, person_type, identity_id, ep_id, count,"
        " first_at, last_at, state) VALUES ('face', 0, 1, 3, 'B-0007', ?, 1, ?, ?, 'open')",
        (load_sample("blacklist")["ep_info"]["ep_id"], now, now),
    )
    old.execute("INSERT INTO alarm_events (alarm_id, event_id) VALUES (1, 1)")
    old.commit()
    old.close()

    rec = Receiver(ReceiverConfig(data_dir=data_dir, port=0, bind="127.0.0.1"))
    from gui.core import features

    features.install(rec, Settings())
    thread = ReceiverThread(rec)
    thread.start()
    try:
        event = copy.deepcopy(load_sample("blacklist"))
        event["timestamp"] = now
        assert Client(rec.port).post_json(REALTIME, event).status == 200
        [alarm] = rec.store.read_sync(lambda c: alarms.list_alarms(c))
        assert alarm.id == 1 and alarm.count == 2 and alarm.is_open
    finally:
        thread.stop()


@pytest.mark.slow
def test_kill_9_never_leaves_a_matching_event_without_its_alarm(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    base = load_sample("stranger")
    assert base["person_type"] == 4  # every event the load stores must raise an alarm
    for round_ in range(2):
        server = Headless(data_dir)
        try:
            server.wait_listening()
            load = Load(server, base, f"kill{round_}")
            load.start()
            load.wait_for_load()
            server.kill9()
            load.join()
        finally:
            server.ensure_dead()
        assert load.acked and load.unacknowledged >= 1
        db = sqlite3.connect(data_dir / "gatewatch.sqlite3")
        try:
            stored = db.execute("SELECT count(*) FROM events").fetchone()[0]
            assert stored >= len(load.acked)
            assert _unmatched(db) == 0
        finally:
            db.close()
