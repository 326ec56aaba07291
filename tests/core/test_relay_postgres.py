"""Two receivers on one PostgreSQL database: each relays what the other stored.

The relay wakes on LISTEN/NOTIFY here: polling is set to a minute, so an event
relayed within seconds came through the notification. Skipped (saying so)
without a PostgreSQL test server; CI requires one.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from gui.core.messages import AlarmChanged, EventStored, FaceThumbReady
from gui.settings import Settings
from tests.conftest import Client, load_sample, wait_for
from tests.core.sse_client import SseReader

HISTORY = "/EventServer/api/HistoryEvent"


class PgNode:
    """A receiver with every feature on the PostgreSQL database ``url``."""

    def __init__(self, url: str, data_dir: Path, hooks: tuple[Any, ...] = ()) -> None:
        from gui.core import features
        from gui.core.receiver import Receiver, ReceiverConfig, ReceiverThread

        config = ReceiverConfig(data_dir=data_dir, port=0, bind="127.0.0.1", store=url)
        self.rec = Receiver(config)
        features.install(self.rec, Settings())
        self.rec.event_hooks.extend(hooks)
        self.rec.relay.poll_s = 60.0  # only a notification can wake it in time
        self.heard: list[Any] = []
        for kind in (EventStored, AlarmChanged, FaceThumbReady):
            self.rec.subscribe(kind, self.heard.append)
        self.thread = ReceiverThread(self.rec)
        self.thread.start()
        self.client = Client(self.rec.port)
        # Listening (the relay's first catch-up ran): nothing committed from now is missed.
        assert wait_for(lambda: self.rec.relay.position is not None)

    def events(self) -> list[int]:
        return [m.summary.id for m in self.heard if isinstance(m, EventStored)]

    def thumbs(self) -> list[int]:
        return [m.event_id for m in self.heard if isinstance(m, FaceThumbReady)]

    def alarm_changes(self) -> list[tuple[int, str]]:
        return [(m.seq, m.change) for m in self.heard if isinstance(m, AlarmChanged)]

    def stop(self) -> None:
        self.thread.stop()


def make_event(n: int, sample: str = "employee_match") -> dict[str, Any]:
    ev = copy.deepcopy(load_sample(sample))
    ev["identity_id"] = f"pg-{n}"
    ev["timestamp"] = 1_765_000_000_000 + n * 1000
    return ev


@pytest.fixture
def pair(pg_url: str, tmp_path: Path) -> Iterator[tuple[PgNode, PgNode]]:
    a = PgNode(pg_url, tmp_path / "a")
    b = PgNode(pg_url, tmp_path / "b")
    yield a, b
    a.stop()
    b.stop()


def test_events_stored_by_one_are_announced_by_the_other_once(
    pair: tuple[PgNode, PgNode],
) -> None:
    a, b = pair
    assert a.client.post_json(HISTORY, [make_event(n) for n in range(3)]).status == 200
    assert b.client.post_json(HISTORY, [make_event(n) for n in range(3, 5)]).status == 200
    ids = wait_for(lambda: len(a.events()) == 5 and len(b.events()) == 5, timeout=10)
    assert ids, (a.events(), b.events())
    assert sorted(a.events()) == sorted(b.events())
    assert len(set(a.events())) == 5 and len(set(b.events())) == 5  # never twice
    assert a.rec.relay.relayed_events == 2 and b.rec.relay.relayed_events == 3
    # The same event delivered to both (a box with two URLs): stored once, announced once.
    assert b.client.post_json(HISTORY, make_event(0)).status == 200
    assert a.client.post_json(HISTORY, make_event(9)).status == 200
    assert wait_for(lambda: len(b.events()) == 6)
    assert len(a.events()) == 6 and len(b.events()) == 6
    # Every event B announced gets its face thumbnail, relayed ones included.
    assert wait_for(lambda: set(b.thumbs()) == set(b.events()), timeout=15)


def test_alarm_raised_at_one_and_acknowledged_at_the_other(pair: tuple[PgNode, PgNode]) -> None:
    a, b = pair
    assert a.client.post_json(HISTORY, make_event(1, "blacklist")).status == 200
    assert wait_for(lambda: [c for _s, c in b.alarm_changes()] == ["raised"], timeout=10)
    alarm = next(m.alarm for m in b.heard if isinstance(m, AlarmChanged))
    reply = b.client.post_json(f"/api/alarms/{alarm.id}/ack", {"by": "gatehouse 2"})
    assert reply.status == 200
    assert wait_for(lambda: [c for _s, c in a.alarm_changes()] == ["raised", "acked"], timeout=10)
    assert a.client.get_json("/api/alarms?state=open")["alarms"] == []
    assert [c for _s, c in b.alarm_changes()] == ["raised", "acked"]  # its own once


def test_a_window_on_one_receiver_streams_the_others_events(pair: tuple[PgNode, PgNode]) -> None:
    a, b = pair
    reader = SseReader(b.rec.port)
    try:
        assert reader.next().event == "hello"
        assert a.client.post_json(HISTORY, make_event(7)).status == 200
        frame = reader.until("event_stored", timeout=10)[-1]
        assert frame.data["summary"]["identity_id"] == "pg-7"
        # And resumes across the relay without losing what came meanwhile.
        reader.close()
        assert a.client.post_json(HISTORY, make_event(8)).status == 200
        again = SseReader(b.rec.port, last_event_id=reader.last_id)
        try:
            assert again.next().data["mode"] == "exact"
            frame = again.until("event_stored", timeout=10)[-1]
            assert frame.data["summary"]["identity_id"] == "pg-8"
        finally:
            again.close()
    finally:
        reader.close()


def test_a_lost_listen_connection_is_made_again_and_nothing_is_missed(
    pair: tuple[PgNode, PgNode], pg_url: str
) -> None:
    import psycopg

    a, b = pair
    with psycopg.connect(pg_url, autocommit=True) as admin:
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE application_name = 'gatewatch-relay' AND datname = current_database()"
        )
    assert a.client.post_json(HISTORY, make_event(11)).status == 200
    assert wait_for(lambda: len(b.events()) == 1, timeout=15)
    assert b.client.post_json(HISTORY, make_event(12)).status == 200
    assert wait_for(lambda: len(a.events()) == 2, timeout=15)


class HeldCommits:
    """An event hook holding the storing transaction of chosen events open until released:
    their ids are taken, the rows not committed (a receiver slow to commit)."""

    def __init__(self, *names: str) -> None:
        self.entered = {name: threading.Event() for name in names}
        self.release = {name: threading.Event() for name in names}

    def __call__(self, _conn: Any, stored: Any) -> None:
        name = stored.summary.identity_id
        if name in self.release:
            self.entered[name].set()
            self.release[name].wait(60)

    def release_all(self) -> None:
        for gate in self.release.values():
            gate.set()


def _post_in_background(node: PgNode, ev: dict[str, Any]) -> threading.Thread:
    thread = threading.Thread(target=node.client.post_json, args=(HISTORY, ev), daemon=True)
    thread.start()
    return thread


def test_events_committed_late_below_a_clients_position_reach_it_across_a_restart(
    pg_url: str, tmp_path: Path
) -> None:
    """B and C take ids 1 and 2 and commit late; A stores 3 at once. A window on A that
    saw 3 misses neither 1 (committed while A restarts: caught up on resume) nor 2
    (committed after: relayed live by the restarted A), and gets 3 only once."""
    held = HeldCommits("late-1", "late-2")
    b = PgNode(pg_url, tmp_path / "b", hooks=(held,))
    c = PgNode(pg_url, tmp_path / "c", hooks=(held,))
    a = PgNode(pg_url, tmp_path / "a")
    nodes = [a, b, c]
    posts = []
    try:
        reader = SseReader(a.rec.port)
        assert reader.next().data["mode"] == "live"
        late_1, late_2, early = make_event(1), make_event(2), make_event(3)
        for ev, name in ((late_1, "late-1"), (late_2, "late-2"), (early, "early")):
            # names of their own: a name new to the database is written once, and the
            # second receiver to write it would wait for the first one's commit
            ev["identity_id"] = ev["identity_name"] = name
        posts.append(_post_in_background(b, late_1))
        assert held.entered["late-1"].wait(20)
        posts.append(_post_in_background(c, late_2))
        assert held.entered["late-2"].wait(20)
        assert a.client.post_json(HISTORY, early).status == 200
        seen = reader.until("event_stored")[-1]
        assert seen.data["summary"]["identity_id"] == "early"
        resume_from = reader.last_id
        reader.close()

        a.stop()  # the receiver the window is attached to restarts...
        held.release["late-1"].set()  # ...while B commits the event it held
        posts[0].join(20)
        a = PgNode(pg_url, tmp_path / "a")
        nodes[0] = a
        again = SseReader(a.rec.port, last_event_id=resume_from)
        try:
            assert again.next().data["mode"] == "catch_up"
            caught = again.until("resync")
            names = [f.data["summary"]["identity_id"] for f in caught if f.event == "event_stored"]
            assert names == ["late-1"], names  # the late one, and "early" not again
            held.release["late-2"].set()  # C commits after the restart: relayed live
            live = again.until("event_stored", timeout=15)[-1]
            assert live.data["summary"]["identity_id"] == "late-2"
        finally:
            again.close()
    finally:
        held.release_all()
        for thread in posts:
            thread.join(20)
        for node in nodes:
            node.stop()
