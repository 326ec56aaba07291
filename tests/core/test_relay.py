"""The relay: two receivers on one database announce each other's events and alarm changes.

Two receivers share one store. On PostgreSQL they wake on LISTEN/NOTIFY
(``tests/core/test_relay_postgres.py``); the relay's own rules (what is
relayed, once, in order, gaps, thumbnails) are the same with its polling
wake-up, tested here on one SQLite file both receivers open.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from gui.core import relay as relay_mod
from gui.core.messages import AlarmChanged, EventStored, FaceThumbReady
from gui.settings import Settings
from tests.conftest import Client, load_sample, wait_for
from tests.core.sse_client import SseReader

HISTORY = "/EventServer/api/HistoryEvent"


class Node:
    """A receiver with every feature and a relay, on ``store``; records what its bus says."""

    def __init__(self, store: Any, data_dir: Path, listener: Any = None) -> None:
        from gui.core import features
        from gui.core.receiver import Receiver, ReceiverConfig, ReceiverThread

        self.rec = Receiver(
            ReceiverConfig(data_dir=data_dir, port=0, bind="127.0.0.1"), store=store
        )
        features.install(self.rec, Settings())
        self.relay = relay_mod.install(self.rec, listener=listener, poll_s=0.1, always=True)
        self.heard: list[Any] = []
        for kind in (EventStored, AlarmChanged, FaceThumbReady):
            self.rec.subscribe(kind, self.heard.append)
        self.thread = ReceiverThread(self.rec)
        self.thread.start()
        self.client = Client(self.rec.port)
        # The relay has read where it starts: what is stored from now on is relayed
        # (an event committed before that read would count as already there).
        assert wait_for(lambda: self.relay.position is not None)

    def events(self) -> list[int]:
        return [m.summary.id for m in self.heard if isinstance(m, EventStored)]

    def alarm_seqs(self) -> list[int]:
        return [m.seq for m in self.heard if isinstance(m, AlarmChanged)]

    def thumbs(self) -> list[int]:
        return [m.event_id for m in self.heard if isinstance(m, FaceThumbReady)]

    def stop(self) -> None:
        self.thread.stop()


def make_event(n: int, sample: str = "employee_match") -> dict[str, Any]:
    ev = copy.deepcopy(load_sample(sample))
    ev["identity_id"] = f"r-{n}"
    ev["timestamp"] = 1_765_000_000_000 + n * 1000
    return ev


@pytest.fixture
def pair(tmp_path: Path) -> Iterator[tuple[Node, Node]]:
    from gui.core.store import Store

    stores = [Store(tmp_path / "shared"), Store(tmp_path / "shared")]
    nodes = (Node(stores[0], tmp_path / "a"), Node(stores[1], tmp_path / "b"))
    yield nodes
    for node in nodes:
        node.stop()
    for store in stores:
        store.close()


def test_each_receiver_announces_the_others_events_once(pair: tuple[Node, Node]) -> None:
    a, b = pair
    assert a.client.post_json(HISTORY, [make_event(n) for n in range(3)]).status == 200
    assert b.client.post_json(HISTORY, [make_event(n) for n in range(3, 5)]).status == 200
    assert a.client.post_json(HISTORY, make_event(5)).status == 200
    assert wait_for(lambda: len(a.events()) == 6 and len(b.events()) == 6)
    for node in pair:  # own ones from the pipeline, the others from the relay: once each
        assert sorted(node.events()) == [1, 2, 3, 4, 5, 6]
    assert a.relay.relayed_events == 2 and b.relay.relayed_events == 4
    # A duplicate delivered to the other receiver is not stored or announced again.
    assert b.client.post_json(HISTORY, make_event(0)).status == 200
    assert wait_for(lambda: a.relay.position and a.relay.position.event_id == 6)
    assert sorted(a.events()) == [1, 2, 3, 4, 5, 6]


def test_relayed_events_come_with_their_face_thumbnails(pair: tuple[Node, Node]) -> None:
    a, b = pair
    assert a.client.post_json(HISTORY, make_event(1)).status == 200
    assert wait_for(lambda: 1 in b.thumbs())
    assert b.thumbs().count(1) == 1


def test_alarm_changes_relayed_both_ways_acks_included(pair: tuple[Node, Node]) -> None:
    a, b = pair
    assert a.client.post_json(HISTORY, make_event(1, "blacklist")).status == 200
    assert wait_for(lambda: b.alarm_seqs() == [1])
    raised = next(m for m in b.heard if isinstance(m, AlarmChanged))
    assert raised.change == "raised" and raised.alarm.person_type == 3
    # The guard at B acknowledges: A hears it (once), B had it from its own engine.
    reply = b.client.post_json(f"/api/alarms/{raised.alarm.id}/ack", {"by": "b-guard"})
    assert reply.status == 200
    assert wait_for(lambda: a.alarm_seqs() == [1, 2])
    acked = [m for m in a.heard if isinstance(m, AlarmChanged)][-1]
    assert acked.change == "acked" and acked.alarm.acked_by
    assert wait_for(lambda: b.alarm_seqs() == [1, 2])
    assert a.relay.relayed_alarm_changes == 1 and b.relay.relayed_alarm_changes == 1


def test_a_stream_client_of_one_receiver_sees_the_other_receivers_events(
    pair: tuple[Node, Node],
) -> None:
    a, b = pair
    reader = SseReader(b.rec.port)
    try:
        assert reader.next().event == "hello"
        assert a.client.post_json(HISTORY, make_event(1)).status == 200
        frame = reader.until("event_stored")[-1]
        assert frame.data["summary"]["id"] == 1 and frame.data["summary"]["identity_id"] == "r-1"
    finally:
        reader.close()


def test_a_late_commit_below_the_position_is_still_relayed(pair: tuple[Node, Node]) -> None:
    """Ids from a sequence: id 2 may commit after id 3 (PostgreSQL); it is a gap, filled."""
    a, b = pair
    relay = b.relay
    assert a.client.post_json(HISTORY, make_event(1)).status == 200
    assert wait_for(lambda: b.events() == [1])
    # What a catch-up reads when id 2 is not committed yet but id 3 is:
    third = EventStored(_summary_like(b, 1, new_id=3))
    b.thread.call(lambda: _take(relay, [third], []))
    assert 2 in relay._event_gaps and relay.position and relay.position.event_id == 3
    # Now "2" commits (it is a real row of A's): the next catch-up finds and relays it.
    assert a.client.post_json(HISTORY, make_event(2)).status == 200
    assert wait_for(lambda: 2 in b.events())
    assert 2 not in relay._event_gaps


async def _take(relay: Any, events: list[Any], changes: list[Any]) -> None:
    relay._take(events, changes)


def _summary_like(node: Node, event_id: int, new_id: int) -> Any:
    from dataclasses import replace

    original = next(m for m in node.heard if isinstance(m, EventStored))
    return replace(original.summary, id=new_id)


def test_relay_survives_a_failing_listener_by_polling(tmp_path: Path) -> None:
    from gui.core.store import Store

    async def broken() -> Any:
        raise OSError("connection refused")
        yield  # pragma: no cover - an async generator that fails at once

    stores = [Store(tmp_path / "shared"), Store(tmp_path / "shared")]
    a = Node(stores[0], tmp_path / "a")
    b = Node(stores[1], tmp_path / "b", listener=broken)
    try:
        assert a.client.post_json(HISTORY, make_event(1)).status == 200
        assert wait_for(lambda: b.events() == [1], timeout=30)
    finally:
        a.stop()
        b.stop()
        for store in stores:
            store.close()
