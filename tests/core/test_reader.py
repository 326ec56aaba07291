"""The core's typed reader: every read the UI makes, as plain data, the same as the read API."""

from __future__ import annotations

import dataclasses
import json
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from gui.core import query
from gui.core.reader import (
    Arrivals,
    DeviceNames,
    EventBrief,
    EventPage,
    Reader,
    StoredImage,
    StoreReader,
)
from gui.core.retention import Policy
from tests.conftest import Client, load_sample, wait_for

HISTORY = "/EventServer/api/HistoryEvent"


@pytest.fixture
def loaded(full_receiver: Any) -> tuple[Any, StoreReader, Client, list[int]]:
    """A receiver holding the four samples and one self-test, and its reader."""
    client = Client(full_receiver.port)
    ids = []
    for name in ("employee_match", "stranger", "blacklist", "seed_example"):
        reply = client.post_json(HISTORY, load_sample(name))
        assert reply.status == 200, reply.body[:200]
        ids.append(reply.json()["events"][0]["id"])
    test = dict(load_sample("employee_match"), timestamp=1_764_000_300_000)
    body = json.dumps(test).encode()
    headers = {"Content-Type": "application/json", "X-Gatewatch-Self-Test": "1"}
    reply = client.request("POST", HISTORY, body, headers)
    ids.append(reply.json()["events"][0]["id"])
    reader = StoreReader(full_receiver.store)
    wait_for(lambda: len(reader.requests()) == 5)
    return full_receiver, reader, client, ids


def _plain(value: Any) -> bool:
    """Frozen dataclasses, dicts, lists, tuples, str, bytes, numbers: nothing live."""
    if dataclasses.is_dataclass(value):
        return all(_plain(getattr(value, f.name)) for f in dataclasses.fields(value))
    if isinstance(value, dict):
        return all(_plain(k) and _plain(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return all(_plain(v) for v in value)
    return value is None or isinstance(value, str | bytes | int | float | bool)


def test_store_reader_is_a_reader(full_receiver: Any) -> None:
    reader: Reader = StoreReader(full_receiver.store)  # the type checker holds it to the Protocol
    protocol = {n for n in vars(Reader) if not n.startswith("_")}
    assert protocol <= set(dir(reader))
    assert len(protocol) >= 20


def test_events_lists_pages_and_counts(loaded: Any) -> None:
    _rec, reader, _client, ids = loaded
    latest = reader.latest_events(10)
    assert [e.id for e in latest] == ids[::-1]
    assert all(isinstance(e, EventBrief) and _plain(e) for e in latest)
    assert latest[0].self_test and not latest[1].self_test
    assert [e.id for e in reader.latest_events(10, self_tests=False)] == ids[:4][::-1]
    assert [e.id for e in reader.latest_events(2, before_id=ids[2])] == [ids[1], ids[0]]
    assert reader.arrivals_since(0) == Arrivals(5, latest[0].received_at, ids[-1])
    assert reader.arrivals_since(latest[0].received_at + 1).count == 0

    everything = query.EventFilter()
    first = reader.events_page(everything, limit=2)
    assert isinstance(first, EventPage) and first.more and len(first.rows) == 2
    second = reader.events_page(everything, before=first.rows[-1].key, limit=10)
    seen = [r.id for r in first.rows + second.rows]
    assert sorted(seen) == sorted(ids) and not second.more
    by_score = reader.events_page(everything, sort="score", limit=10).rows
    scores = [r.score for r in by_score if r.score is not None]
    assert scores == sorted(scores, reverse=True)
    assert reader.count_events(everything) == 5
    assert reader.count_events(query.EventFilter(include_self_test=False)) == 4
    assert _plain(first)


def test_one_event_raw_and_images_match_the_read_api(loaded: Any) -> None:
    _rec, reader, client, ids = loaded
    event_id = ids[0]
    assert reader.event(event_id) == client.get_json(f"/api/events/{event_id}")
    assert reader.event_raw(event_id) == client.get_json(f"/api/events/{event_id}/raw")
    text = reader.event_raw_text(event_id)
    assert "<JPEG " in text and load_sample("employee_match")["spot_pic"][:40] not in text
    assert json.loads(text)["identity_id"] == load_sample("employee_match")["identity_id"]
    for query_string, kwargs in (("", {}), ("?thumb=1", {"thumb": True}),
                                 ("?overlay=1", {"overlay": True})):  # fmt: skip
        got = reader.image(event_id, "spot_pic", **kwargs)
        assert isinstance(got, StoredImage)
        assert got.data == client.get(f"/api/events/{event_id}/images/spot_pic{query_string}").body
    assert reader.image(event_id, "no_such_kind") is None
    thumb = wait_for(lambda: reader.face_thumbnail(event_id))
    assert thumb is not None and thumb[:2] == b"\xff\xd8"
    assert reader.event(10_000) is None and reader.event_raw(10_000) is None
    assert reader.event_raw_text(10_000) == ""


def test_devices_alarms_requests_and_figures(loaded: Any, tmp_path: Path) -> None:
    rec, reader, client, ids = loaded
    names = reader.device_names()
    assert isinstance(names, DeviceNames) and names.cameras and names.boxes
    assert reader.devices() == client.get_json("/api/devices")
    activity = reader.device_activity(2_000_000_000_000)
    assert set(activity) == {"cameras", "boxes"}

    alarms = wait_for(lambda: reader.alarms("open"))
    assert alarms and all(a.is_open for a in alarms) and _plain(alarms)
    newest = reader.alarms()
    assert [a.id for a in reader.alarms(before_id=newest[0].id)] == [a.id for a in newest[1:]]
    assert reader.alarms(limit=1) == newest[:1]

    requests = reader.requests()
    assert [r["id"] for r in requests] == [
        r["id"] for r in client.get_json("/api/requests")["requests"]
    ]
    assert [r["id"] for r in reader.requests(before=requests[0]["id"])] == [
        r["id"] for r in requests[1:]
    ]
    assert reader.requests(status=404) == []
    rid = requests[-1]["id"]
    assert reader.request(rid) == client.get_json(f"/api/requests/{rid}")
    assert reader.request_body(rid) is None  # a stored event keeps its photos, not the body
    assert reader.request(10_000) is None and reader.request_body(10_000) is None
    assert reader.request_image(rid, "0.photo") is None

    # The three samples of November 2025 and the self-test, which is kept out.
    week = 7 * 86_400_000
    stats = reader.statistics(since=1_764_000_000_000 - week, until=1_764_000_000_000 + week)
    assert stats.total == 3
    verdicts = reader.verdicts(time.time_ns() // 1_000_000)
    assert any(v.code == "payload_shape" for v in verdicts)
    disk = reader.disk_status(Policy())
    assert disk.data_dir == str(rec.store.data_dir) and disk.data_bytes > 0

    out = tmp_path / "events.csv"
    done = reader.export(query.EventFilter(), out, "csv", cancel=threading.Event())
    assert done.events == 5 and out.read_text(encoding="utf-8").count("\n") >= 6
    assert ids


def test_a_body_that_did_not_become_events_is_readable(full_receiver: Any) -> None:
    client = Client(full_receiver.port)
    ir = load_sample("employee_match")["ir_pic"]
    assert client.post_json(HISTORY, [{"camera": "x", "photo": ir}]).status == 400
    reader = StoreReader(full_receiver.store)
    [row] = wait_for(lambda: reader.requests(status=400))
    assert json.loads(reader.request_body(row["id"]) or b"") == [{"camera": "x", "photo": ir}]
    data = reader.request_image(row["id"], "0.photo")
    assert data is not None and data[:2] == b"\xff\xd8"
