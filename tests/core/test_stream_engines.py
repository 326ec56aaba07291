"""The read API and the stream on each engine: the same answers from SQLite and PostgreSQL."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from gui.core import query, wire
from gui.core.reader import StoreReader
from gui.settings import Settings
from tests.conftest import Client, load_sample, wait_for
from tests.core.sse_client import SseReader

HISTORY = "/EventServer/api/HistoryEvent"


@pytest.fixture
def site(store_url: str | None, tmp_path: Path) -> Iterator[Any]:
    """A receiver with every feature on this engine, and 12 events (3 blacklist)."""
    from gui.core import features
    from gui.core.receiver import Receiver, ReceiverConfig, ReceiverThread

    rec = Receiver(
        ReceiverConfig(data_dir=tmp_path / "data", port=0, bind="127.0.0.1", store=store_url)
    )
    features.install(rec, Settings())
    thread = ReceiverThread(rec)
    thread.start()
    rec.client = Client(rec.port)  # type: ignore[attr-defined]
    batch = []
    for n in range(12):
        ev = copy.deepcopy(load_sample("blacklist" if n % 4 == 3 else "employee_match"))
        ev["identity_id"] = f"e-{n}"
        ev["timestamp"] = 1_765_000_000_000 + n * 1000
        batch.append(ev)
    assert rec.client.post_json(HISTORY, batch).status == 200  # type: ignore[attr-defined]
    yield rec
    thread.stop()


def test_read_routes_answer_like_the_local_reader(site: Any) -> None:
    http: Client = site.client
    local = StoreReader(site.store)
    briefs = [wire.brief_from_json(b) for b in http.get_json("/api/briefs?limit=5")["events"]]
    assert briefs == local.latest_events(5)
    after = http.get_json("/api/briefs?after=9")["events"]
    assert [b["id"] for b in after] == [10, 11, 12]
    page = wire.event_page_from_json(http.get_json("/api/history?limit=100"))
    assert page.rows == local.events_page(query.EventFilter(), limit=100).rows
    assert http.get_json("/api/count?person_type=3")["count"] == 3
    assert wire.device_names_from_json(http.get_json("/api/filters")) == local.device_names()
    assert http.get_json("/api/events/2/raw-text")["text"] == local.event_raw_text(2)
    assert wait_for(lambda: local.face_thumbnail(2))
    assert http.get("/api/events/2/face-thumb").body == local.face_thumbnail(2)
    csv_reply = http.get("/api/export?format=csv")
    assert csv_reply.status == 200 and csv_reply.body.count(b"\n") == 13
    disk = wire.disk_status_from_json(http.get_json("/api/disk")["disk"])
    here = local.disk_status(disk_policy(site))  # sizes move: the same place and limits
    assert (disk.data_dir, disk.max_data_bytes, disk.min_free_bytes) == (
        here.data_dir, here.max_data_bytes, here.min_free_bytes,
    )  # fmt: skip


def disk_policy(site: Any) -> Any:
    from gui.core import retention

    return retention.Policy.from_settings(Settings())


def test_stream_catches_up_events_and_alarm_changes_from_the_store(site: Any) -> None:
    foreign = f"0-0-{'0' * 8}-1"  # a run that is gone: everything from the store
    reader = SseReader(site.port, last_event_id=foreign)
    try:
        assert reader.next().data["mode"] == "catch_up"
        frames = reader.until("resync")
        ids = [f.data["summary"]["id"] for f in frames if f.event == "event_stored"]
        seqs = [f.data["seq"] for f in frames if f.event == "alarm_changed"]
        assert ids == list(range(1, 13)) and seqs == [1, 2, 3]
    finally:
        reader.close()


def test_caught_up_alarm_changes_carry_the_alarm_as_it_was_then(site: Any) -> None:
    """Raised, folded, acknowledged, taken back, acknowledged again: catch-up replays each
    change with the alarm as it stood right after it, not with its state now."""
    http: Client = site.client
    alarm = next(a for a in http.get_json("/api/alarms")["alarms"] if a["identity_id"] == "e-3")
    again = copy.deepcopy(load_sample("blacklist"))
    again["identity_id"] = "e-3"
    again["timestamp"] = 1_765_000_000_000 + 3 * 1000 + 500  # another sighting: folded
    assert http.post_json(HISTORY, again).status == 200
    path = f"/api/alarms/{alarm['id']}"
    assert http.post_json(f"{path}/ack", {"by": "Anna", "note": "seen"}).status == 200
    assert http.post_json(f"{path}/undo", {}).status == 200
    assert http.post_json(f"{path}/ack", {"by": "Bert"}).status == 200
    reader = SseReader(site.port, last_event_id=f"0-0-{'0' * 8}-1")
    try:
        assert reader.next().data["mode"] == "catch_up"
        frames = reader.until("resync")
    finally:
        reader.close()
    history = [
        (f.data["change"], f.data["alarm"]["count"], f.data["alarm"]["state"],
         f.data["alarm"]["acked_by"], f.data["alarm"]["note"])
        for f in frames
        if f.event == "alarm_changed" and f.data["alarm"]["id"] == alarm["id"]
    ]  # fmt: skip
    assert history == [
        ("raised", 1, "open", None, None),
        ("folded", 2, "open", None, None),
        ("acked", 2, "acked", "Anna", "seen"),
        ("reopened", 2, "open", None, None),
        ("acked", 2, "acked", "Bert", None),
    ]
