"""``GET /api/stream``: frames, ids, heartbeats, resume without loss or repeats, slow clients."""

from __future__ import annotations

import copy
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from gui.core import stream
from gui.core.messages import ServerStateChanged
from gui.settings import Settings
from tests.conftest import Client, load_sample, wait_for
from tests.core.sse_client import Frame, SseReader

HISTORY = "/EventServer/api/HistoryEvent"
_counter = [0]


def post_events(client: Client, n: int, *, sample: str = "employee_match") -> None:
    """``n`` new events in one history upload (distinct natural keys)."""
    base = load_sample(sample)
    batch = []
    for _ in range(n):
        _counter[0] += 1
        ev = copy.deepcopy(base)
        ev["timestamp"] = 1_765_000_000_000 + _counter[0] * 1000
        ev["identity_id"] = f"s-{_counter[0]}"
        batch.append(ev)
    assert client.post_json(HISTORY, batch).status == 200


def event_ids(frames: list[Frame]) -> list[int]:
    return [f.data["summary"]["id"] for f in frames if f.event == "event_stored"]


def hub_of(rec: Any) -> stream.StreamHub:
    return rec.stream_hub


@pytest.fixture
def rec(full_receiver: Any) -> Any:
    return full_receiver


@pytest.fixture
def http(rec: Any) -> Client:
    return Client(rec.port)


@pytest.fixture
def sse(rec: Any) -> Iterator[list[SseReader]]:
    """Readers opened by a test, closed after it."""
    opened: list[SseReader] = []
    yield opened
    for reader in opened:
        reader.close()


def open_stream(rec: Any, sse: list[SseReader], **kwargs: Any) -> SseReader:
    reader = SseReader(rec.port, **kwargs)
    sse.append(reader)
    return reader


def test_fresh_client_gets_hello_then_each_stored_event_with_an_id(
    rec: Any, http: Client, sse: list[SseReader]
) -> None:
    post_events(http, 2)  # stored before: not sent to a fresh client
    reader = open_stream(rec, sse)
    assert reader.status == 200
    assert reader.response.getheader("Content-Type").startswith("text/event-stream")
    hello = reader.next()
    assert hello.event == "hello" and hello.data["mode"] == "live" and hello.id
    assert hello.data["event_id"] == 2
    post_events(http, 3)
    got = [f for f in reader.until("event_stored") if f.event == "event_stored"]
    while len(event_ids(got)) < 3:
        got.append(reader.next())
    assert event_ids(got)[:3] == [3, 4, 5]
    assert all(f.id for f in got)
    assert got[0].id.split("-")[0] == "3"  # the id carries the newest event id


def test_alarm_changes_are_streamed_with_their_seq(
    rec: Any, http: Client, sse: list[SseReader]
) -> None:
    reader = open_stream(rec, sse)
    reader.next()
    post_events(http, 1, sample="blacklist")
    frames = reader.until("alarm_changed")
    alarm = frames[-1]
    assert alarm.data["change"] == "raised" and alarm.data["seq"] == 1
    assert alarm.data["alarm"]["person_type"] == 3
    assert alarm.id.split("-")[1] == "1"
    # Acknowledged elsewhere (the API): the stream says so.
    reply = http.post_json(f"/api/alarms/{alarm.data['alarm']['id']}/ack", {"by": "gate"})
    assert reply.status == 200
    acked = reader.until("alarm_changed")[-1]
    assert acked.data["change"] == "acked" and acked.data["seq"] == 2
    assert acked.data["alarm"]["acked_by"] == "gate"


def test_heartbeats_keep_an_idle_stream_alive(rec: Any, sse: list[SseReader]) -> None:
    hub_of(rec).heartbeat_s = 0.2
    reader = open_stream(rec, sse)
    reader.next()
    assert wait_for(lambda: _read_comment(reader), timeout=5)
    assert "keep-alive" in reader.comments


def _read_comment(reader: SseReader) -> bool:
    line = reader.response.fp.readline()
    if line.startswith(b":"):
        reader.comments.append(line[1:].decode().strip())
        return True
    return False


def test_resume_mid_stream_loses_and_repeats_nothing(
    rec: Any, http: Client, sse: list[SseReader]
) -> None:
    reader = open_stream(rec, sse)
    reader.next()
    post_events(http, 20)
    seen: list[Frame] = []
    while len(event_ids(seen)) < 7:
        seen.append(reader.next())
    reader.drop()  # mid-stream: 13 events sent or queued are never read
    post_events(http, 5)  # and more while away
    again = open_stream(rec, sse, last_event_id=reader.last_id)
    hello = again.next()
    assert hello.event == "hello" and hello.data["mode"] == "exact" and hello.id is None
    rest: list[Frame] = []
    while len(event_ids(seen)) + len(event_ids(rest)) < 25:
        rest.append(again.next())
    assert event_ids(seen) + event_ids(rest) == list(range(1, 26))
    post_events(http, 1)
    assert event_ids(again.until("event_stored")) == [26]


def test_resume_from_the_hello_id_gets_what_was_stored_meanwhile(
    rec: Any, http: Client, sse: list[SseReader]
) -> None:
    reader = open_stream(rec, sse)
    hello = reader.next()
    reader.close()
    post_events(http, 3)
    again = open_stream(rec, sse, last_event_id=hello.id)
    assert again.next().data["mode"] == "exact"
    got: list[Frame] = []
    while len(event_ids(got)) < 3:
        got.append(again.next())
    assert event_ids(got) == [1, 2, 3]


def test_resume_after_the_ring_forgot_catches_up_from_the_store(
    rec: Any, http: Client, sse: list[SseReader]
) -> None:
    hub = hub_of(rec)
    hub.ring_frames = 3
    reader = open_stream(rec, sse)
    reader.next()
    post_events(http, 2)
    post_events(http, 1, sample="blacklist")  # event 3 raises alarm seq 1
    seen = reader.until("alarm_changed")
    reader.close()
    first_event = next(f for f in seen if f.event == "event_stored")
    resume_id = first_event.id
    post_events(http, 6)  # pushes everything out of the 3-frame ring
    post_events(http, 1, sample="blacklist")
    again = open_stream(rec, sse, last_event_id=resume_id)
    hello = again.next()
    assert hello.data["mode"] == "catch_up"
    frames = again.until("resync")
    assert event_ids(frames) == list(range(2, 11))
    # A caught-up event reads as it did live.
    live_seen = {f.data["summary"]["id"]: f.data for f in seen if f.event == "event_stored"}
    caught = {f.data["summary"]["id"]: f.data for f in frames if f.event == "event_stored"}
    assert caught[2] == live_seen[2] and caught[3] == live_seen[3]
    alarms = [f.data for f in frames if f.event == "alarm_changed"]
    assert [a["seq"] for a in alarms] == [1, 2]
    # Each alarm change comes after the event that raised it.
    order = [(f.event, f.data.get("seq") or f.data.get("summary", {}).get("id")) for f in frames]
    assert order.index(("alarm_changed", 1)) > order.index(("event_stored", 3))
    assert all(f.id and f.id.endswith("-c") for f in frames if f.event != "resync")
    post_events(http, 1)
    live = again.until("event_stored")
    assert event_ids(live) == [11]  # nothing repeated, nothing lost


def test_catch_up_interrupted_then_resumed_from_a_catch_up_id(
    rec: Any, http: Client, sse: list[SseReader]
) -> None:
    post_events(http, 6)
    foreign = f"2-0-{'0' * 8}-5"  # another epoch: the receiver that gave it is gone
    reader = open_stream(rec, sse, last_event_id=foreign)
    assert reader.next().data["mode"] == "catch_up"
    first = reader.frames(2)
    assert event_ids(first) == [3, 4]
    reader.drop()
    again = open_stream(rec, sse, last_event_id=first[-1].id)
    assert again.next().data["mode"] == "catch_up"
    assert event_ids(again.until("resync")) == [5, 6]


def test_receiver_restart_resumes_from_the_store(tmp_path: Path) -> None:
    from gui.core import features
    from gui.core.receiver import Receiver, ReceiverConfig, ReceiverThread

    def start() -> tuple[Any, ReceiverThread]:
        r = Receiver(ReceiverConfig(data_dir=tmp_path / "data", port=0, bind="127.0.0.1"))
        features.install(r, Settings())
        t = ReceiverThread(r)
        t.start()
        return r, t

    first, thread = start()
    try:
        http = Client(first.port)
        reader = SseReader(first.port)
        reader.next()
        post_events(http, 2)
        seen = reader.frames(1)
        while len(event_ids(seen)) < 2:
            seen.append(reader.next())
        reader.close()
        post_events(http, 2)
    finally:
        thread.stop()
    second, thread = start()
    try:
        http = Client(second.port)
        post_events(http, 1)
        reader = SseReader(second.port, last_event_id=reader.last_id)
        assert reader.next().data["mode"] == "catch_up"
        assert event_ids(reader.until("resync")) == [3, 4, 5]
        reader.close()
    finally:
        thread.stop()


def test_non_event_messages_are_streamed_too(rec: Any, sse: list[SseReader]) -> None:
    reader = open_stream(rec, sse)
    reader.next()
    rec.thread.call(lambda: _publish(rec, ServerStateChanged("listening", "x", 1, "hi")))
    frame = reader.until("server_state_changed")[-1]
    assert frame.data == {"state": "listening", "bind": "x", "port": 1, "message": "hi"}


async def _publish(rec: Any, message: Any) -> None:
    rec.publish(message)


async def _publish_many(rec: Any, n: int) -> None:
    for i in range(n):
        rec.publish(ServerStateChanged("listening", "x", i))


def test_a_client_that_falls_behind_is_cut_with_a_reason_and_resumes(
    rec: Any, sse: list[SseReader]
) -> None:
    hub = hub_of(rec)
    hub.client_frames = 5
    reader = open_stream(rec, sse)
    reader.next()
    rec.thread.call(lambda: _publish_many(rec, 50))  # 50 frames in one loop turn
    cut = reader.until("cut")
    assert "too slow" in cut[-1].data["reason"]
    assert wait_for(lambda: not hub.clients)
    again = open_stream(rec, sse, last_event_id=reader.last_id)
    assert again.next().data["mode"] == "exact"
    ports: list[int] = []
    while len(ports) < 50:
        f = again.next()
        if f.event == "server_state_changed" and f.data["bind"] == "x":
            ports.append(f.data["port"])
    assert ports == list(range(50))


def test_a_stuck_client_never_slows_ingest_and_is_aborted(
    rec: Any, http: Client, sse: list[SseReader], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(stream, "CUT_GRACE_S", 0.5)
    hub = hub_of(rec)
    hub.client_bytes = 64 * 1024
    stuck = open_stream(rec, sse)  # never reads past the headers
    started = time.monotonic()
    for _ in range(10):
        post_events(http, 20)
    elapsed = time.monotonic() - started
    assert wait_for(lambda: not hub.clients, timeout=10)
    assert elapsed < 30
    live = open_stream(rec, sse)
    live.next()
    post_events(http, 1)
    assert event_ids(live.until("event_stored")) == [201]
    del stuck


def test_bad_last_event_id_is_a_json_400(rec: Any, http: Client) -> None:
    for bad in ("nonsense", "1-2-zz-3", "9" * 200):
        reply = http.request("GET", "/api/stream", headers={"Last-Event-ID": bad})
        assert reply.status == 400
        body = reply.json()
        assert body["status"] == 400 and "Last-Event-ID" in body["message"]


def test_stream_is_behind_the_api_guard(rec: Any, http: Client) -> None:
    reply = http.request("GET", "/api/stream", headers={"Origin": "http://evil.example"})
    assert reply.status == 403
    assert reply.json()["status"] == 403


def test_stopping_the_receiver_ends_streams_promptly(tmp_path: Path) -> None:
    from gui.core import features
    from gui.core.receiver import Receiver, ReceiverConfig, ReceiverThread

    r = Receiver(ReceiverConfig(data_dir=tmp_path / "data", port=0, bind="127.0.0.1"))
    features.install(r, Settings())
    t = ReceiverThread(r)
    t.start()
    reader = SseReader(r.port)
    reader.next()
    started = time.monotonic()
    t.stop()
    assert time.monotonic() - started < 2.5
    assert reader.until("cut")[-1].data["reason"].startswith("the receiver is stopping")
    reader.close()


def test_types_limit_the_stream_live_and_on_resume(
    rec: Any, http: Client, sse: list[SseReader]
) -> None:
    reader = open_stream(rec, sse, path="/api/stream?types=event_stored,alarm_changed")
    assert reader.next().event == "hello"
    post_events(http, 2)
    post_events(http, 1, sample="blacklist")
    got = reader.until("alarm_changed")
    assert {f.event for f in got} == {"event_stored", "alarm_changed"}
    assert event_ids(got) == [1, 2, 3]
    reader.close()
    post_events(http, 1)
    again = open_stream(
        rec, sse, path="/api/stream?types=event_stored", last_event_id=reader.last_id
    )
    assert again.next().data["mode"] == "exact"
    frame = again.next()
    assert frame.event == "event_stored" and frame.data["summary"]["id"] == 4


def test_unknown_types_are_a_json_400(http: Client) -> None:
    reply = http.get("/api/stream?types=event_stored,nonsense")
    assert reply.status == 400
    assert reply.json()["param"] == "types" and "nonsense" in reply.json()["message"]


def test_aiohttp_client_reads_the_stream(rec: Any, http: Client) -> None:
    """What a window attached with aiohttp reads: lines, ids, and decodable messages."""
    import asyncio
    import json

    import aiohttp

    from gui.core import wire
    from gui.core.messages import EventStored

    async def read() -> list[Any]:
        url = f"http://127.0.0.1:{rec.port}/api/stream"
        async with aiohttp.ClientSession() as session, session.get(url) as resp:
            assert resp.status == 200
            assert resp.headers["Content-Type"].startswith("text/event-stream")
            messages: list[Any] = []
            event = ""
            loop = asyncio.get_running_loop()
            posted = False
            while not messages:
                line = (await asyncio.wait_for(resp.content.readline(), 10)).decode()
                if line.startswith("event: "):
                    event = line[7:].strip()
                    if event == "hello" and not posted:
                        posted = True
                        await loop.run_in_executor(None, post_events, http, 1)
                elif line.startswith("data: ") and event == "event_stored":
                    data = json.loads(line[6:])
                    messages.append(wire.message_from_json({"type": event, "data": data}))
            return messages

    loop = asyncio.new_event_loop()
    try:
        (message,) = loop.run_until_complete(read())
    finally:
        loop.close()
    assert isinstance(message, EventStored) and message.summary.id == 1


def test_a_database_that_cannot_be_read_is_a_503_and_retried(
    rec: Any, http: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    from gui.core.store import StorageError

    hub = hub_of(rec)
    hub._primed = False

    async def broken(_fn: Any) -> Any:
        raise StorageError("database is down")

    monkeypatch.setattr(hub.store, "read", broken)
    reply = http.get("/api/stream")
    assert reply.status == 503 and "database" in reply.json()["message"]
    monkeypatch.undo()
    reader = SseReader(rec.port)
    try:
        assert reader.next().event == "hello"
    finally:
        reader.close()


def test_stream_ids_carry_absent_ids_as_ranges_and_read_them_back() -> None:
    from gui.core.stream import StreamId

    sid = StreamId(40, 7, "ab12", 9, (11, 14, 15, 16, 30), (5,))
    assert sid.text() == "40-7-ab12-9-g11.14~16.30_5"
    assert StreamId.parse(sid.text()) == sid
    assert StreamId.parse("40-7-ab12-c") == StreamId(40, 7, "ab12", None)
    for bad in ("40-7-ab12-9-g5~1_", "40-7-ab12-9-g1~99999_", "40-7-ab12-9-gx_"):
        with pytest.raises(ValueError):
            StreamId.parse(bad)
