"""Boxes end to end against the emulator, both families: the receiver's /api/boxes and jobs."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.core.box_harness import BoxThread, FullReceiver, next_address, wait_until

FAMILIES = ["v5", "v6"]


@pytest.fixture
def receiver(tmp_path: Path) -> Iterator[FullReceiver]:
    rec = FullReceiver(tmp_path / "data")
    yield rec
    rec.stop()


def make_box(family: str, **options: Any) -> BoxThread:
    options.setdefault("history_period", 0.3)
    options.setdefault("status_period", 0.3)
    return BoxThread(family, **options)


@pytest.fixture(params=FAMILIES)
def box(request: pytest.FixtureRequest) -> Iterator[BoxThread]:
    thread = make_box(request.param)
    yield thread
    thread.stop()


def add(receiver: FullReceiver, box: BoxThread, password: str = "admin") -> dict[str, Any]:
    reply = receiver.client.post_json(
        "/api/boxes", {"address": box.box.address, "username": "admin", "password": password}
    )
    assert reply.status == 201, reply.body
    return reply.json()


def by_time(events: list[dict[str, Any]]) -> dict[int, dict[str, Any]]:
    return {e["timestamp"]: e for e in events}


# ------------------------------------------------------------------ add


def test_add_reads_family_identity_urls_and_cameras(receiver: FullReceiver, box: BoxThread):
    b = box.box
    b.history_urls = ["http://203.0.113.7:9061/box/cross/record/report"]
    started = time.monotonic()
    added = add(receiver, box)
    assert time.monotonic() - started < 10
    assert added["family"] == b.family
    assert added["firmware"] == ("V5R7C01" if b.family == "v5" else "V6R2C01")
    assert added["serial"] == b.serial
    assert added["push"]["history"] == ["http://203.0.113.7:9061/box/cross/record/report"]
    assert [c["id"] for c in added["cameras"]] == [c.device_id for c in b.cameras]
    assert "password" not in added and "admin" not in str(added.get("push"))
    listed = receiver.client.get_json("/api/boxes")["boxes"]
    assert [x["id"] for x in listed] == [added["id"]]
    assert "password" not in receiver.client.get(f"/api/boxes/{added['id']}").body.decode()
    # the password is kept privately, never in boxes.json
    data_dir = receiver.rec.config.data_dir
    assert "admin" not in (data_dir / "boxes.json").read_text().replace('"username": "admin"', "")


@pytest.mark.parametrize("family", FAMILIES)
def test_wrong_password_is_401_with_a_message(receiver: FullReceiver, family: str):
    box = make_box(family, password="s3cret")
    try:
        reply = receiver.client.post_json(
            "/api/boxes", {"address": box.box.address, "username": "admin", "password": "admin"}
        )
        assert reply.status == 401
        assert "password" in reply.json()["message"]
        assert receiver.client.get_json("/api/boxes")["boxes"] == []
    finally:
        box.stop()


def test_unreachable_box_is_502_within_10_s(receiver: FullReceiver):
    started = time.monotonic()
    reply = receiver.client.post_json("/api/boxes", {"address": next_address()})
    assert reply.status == 502 and reply.json()["message"]
    assert time.monotonic() - started < 10
    assert receiver.client.post_json("/api/boxes", {"username": "x"}).status == 400


class SilentBox:
    """Listeners on a box's ports that accept connections and never answer a byte."""

    def __init__(self, address: str) -> None:
        import socket

        from gui.core.box.emulator import DEFAULT_PORTS

        self.address = address
        self.sockets = []
        for port in DEFAULT_PORTS.values():
            listener = socket.socket()
            listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            listener.bind((address, port))
            listener.listen(128)  # the kernel completes the handshakes; nobody reads
            self.sockets.append(listener)

    def close(self) -> None:
        for listener in self.sockets:
            listener.close()


def test_box_that_never_answers_is_504_within_10_s(receiver: FullReceiver):
    silent = SilentBox(next_address())
    try:
        started = time.monotonic()
        reply = receiver.client.post_json("/api/boxes", {"address": silent.address})
        took = time.monotonic() - started
        assert reply.status == 504, reply.body
        assert reply.headers["Content-Type"].startswith("application/json")
        message = reply.json()["message"]
        assert silent.address in message and "answer" in message, message
        assert took < 10, took
        assert receiver.client.get_json("/api/boxes")["boxes"] == []
    finally:
        silent.close()


def test_added_box_that_stops_answering_is_504_within_10_s(receiver: FullReceiver):
    box = make_box("v6")
    address = box.box.address
    try:
        added = add(receiver, box)
    finally:
        box.stop()
    silent = SilentBox(address)  # the box hangs: its ports accept, nothing comes back
    try:
        for path in (f"/api/boxes/{added['id']}/point", f"/api/boxes/{added['id']}/refresh"):
            started = time.monotonic()
            reply = receiver.client.post_json(path, {})
            took = time.monotonic() - started
            assert reply.status == 504, (path, reply.status, reply.body)
            assert reply.json()["message"], reply.body
            assert took < 10, (path, took)
        # the receiver is not stuck: it still answers at once
        started = time.monotonic()
        assert receiver.client.get("/api/boxes").status == 200
        assert time.monotonic() - started < 1
    finally:
        silent.close()


def test_api_is_loopback_or_token_only(receiver: FullReceiver):
    from gui.core.server import api_guard  # the same guard as every /api/ route

    assert api_guard is not None
    reply = receiver.client.get("/api/boxes")
    assert reply.status == 200


# ------------------------------------------------------------------ point


def test_point_then_the_box_pushes_to_us_and_is_connected(receiver: FullReceiver, box: BoxThread):
    b = box.box
    other = "http://127.0.0.1:9/box/cross/record/report"
    b.history_urls = [other]
    added = add(receiver, box)
    reply = receiver.client.post_json(f"/api/boxes/{added['id']}/point", {})
    assert reply.status == 200, reply.body
    push = reply.json()["push"]
    ours = f"http://127.0.0.1:{receiver.port}"
    assert push["history"] == [other, ours + "/EventServer/api/HistoryEvent"]  # others kept
    assert b.history_urls == push["history"]
    assert b.status_url == ours + "/DeviceStatus"
    if b.family == "v5":
        assert b.realtime_urls == [ours + "/EventServer/api/RealTimeEvent"]
    state = receiver.client.get_json(f"/api/boxes/{added['id']}")["state"]
    assert state["pointed"] and state["pointed_at"]
    made = box.call(lambda x: x.generate(3, push_realtime=True))
    wait_until(lambda: len(receiver.events()) >= 3)
    # every channel delivered everything before counting
    assert wait_until(lambda: box.call(lambda x: all(ours + "/EventServer/api/HistoryEvent"
                                                     in e.delivered_to for e in made)))  # fmt: skip
    if b.family == "v5":
        assert wait_until(lambda: box.call(lambda x: x.realtime_posts) == 3)
    time.sleep(0.3)
    events = receiver.events()
    assert sorted(e["timestamp"] for e in events) == sorted(e.ms for e in made)
    assert len(events) == 3  # history + real-time of one event: one row
    assert {e["source_ip"] for e in events} == {b.address}
    assert wait_until(
        lambda: receiver.client.get_json(f"/api/boxes/{added['id']}")["state"]["connected"]
    )
    # replace instead of keep
    reply = receiver.client.post_json(f"/api/boxes/{added['id']}/point", {"keep_others": False})
    assert reply.json()["push"]["history"] == [ours + "/EventServer/api/HistoryEvent"]
    # removing offers to restore what the box had before
    assert receiver.client.get_json(f"/api/boxes/{added['id']}")["restore_available"]
    reply = receiver.client.request("DELETE", f"/api/boxes/{added['id']}?restore=1")
    assert reply.status == 200 and b.history_urls == [other]
    assert receiver.client.get_json("/api/boxes")["boxes"] == []


# ------------------------------------------------------------------ backfill


def _stored_ms(t: float) -> tuple[int, int]:
    from decimal import Decimal

    push = int(t * 1000)
    record = int(Decimal(repr(round(t, 6))) * 1000)
    return push, record


def test_backfill_with_overlap_stores_each_event_once_exact_and_byte_identical(
    receiver: FullReceiver, box: BoxThread
):
    b = box.box
    added = add(receiver, box)
    receiver.client.post_json(f"/api/boxes/{added['id']}/point", {})
    base = float(int(time.time()) - 3600)
    # an event whose stored record lands 1 ms from its push (decimal rounding of the record)
    tricky = base + 0.1239996
    assert _stored_ms(tricky)[0] + 1 == _stored_ms(tricky)[1]
    pushed = box.call(lambda x: x.generate(1, t=tricky, camera=0, sample="employee_match"))
    pushed += box.call(lambda x: x.generate(4, t=base + 10, step=7.3))
    wait_until(lambda: len(receiver.events()) >= 5)
    wait_until(lambda: _with_photos(receiver, pushed))  # the history upload, not only real-time
    # the receiver "goes away": the box keeps seeing people
    box.call(lambda x: (x.history_urls.clear(), x.realtime_urls.clear()))
    served = box.call(lambda x: x.pictures_served)
    missed = box.call(lambda x: x.generate(20, t=base + 100, step=3.7))
    # the same person at the same camera 300 ms apart: two events, not one
    missed += box.call(lambda x: x.generate(2, t=base + 200, step=0.3, camera=1,
                                            sample="employee_match"))  # fmt: skip
    reply = receiver.client.post_json(
        f"/api/boxes/{added['id']}/backfill",
        {"since": int(base * 1000) - 1000, "until": int((base + 400) * 1000)},
    )
    assert reply.status == 202
    job = receiver.wait_job(reply.json()["job"])
    assert job["state"] == "done", job
    assert (job["new"], job["duplicates"], job["done"], job["total"]) == (22, 5, 27, 27)
    # the 5 pushed with their photos (one of them 1 ms off) are not downloaded again
    assert job["fetches_skipped"] == 5
    per_record = [ev.sample for ev in missed]
    assert box.call(lambda x: x.pictures_served) - served == sum(
        1 + bool(s.face) + bool(s.person_type != 4 and s.reg) for s in per_record
    )
    events = receiver.events()
    assert len(events) == 27
    stored = by_time(events)
    for ev in pushed + missed:
        row = stored.get(ev.ms)
        assert row is not None, f"event at {ev.ms} not stored with its exact millisecond"
        spot = receiver.client.get(f"/api/events/{row['id']}/images/spot_pic")
        assert spot.status == 200 and spot.body == ev.sample.spot
        if ev.sample.face:
            face = receiver.client.get(f"/api/events/{row['id']}/images/recognize_face")
            assert face.body == ev.sample.face
        if ev.sample.person_type != 4 and ev.sample.reg:
            reg = receiver.client.get(f"/api/events/{row['id']}/images/reg_pic")
            assert reg.body == ev.sample.reg
    backfilled = [stored[ev.ms] for ev in missed]
    assert all(e["path"].startswith(f"http://{b.address}:5555/") for e in backfilled)
    assert {e["source_ip"] for e in events} == {b.address}
    # a second backfill of the same window: all duplicates
    again = receiver.client.post_json(
        f"/api/boxes/{added['id']}/backfill",
        {"since": int(base * 1000) - 1000, "until": int((base + 400) * 1000)},
    ).json()["job"]
    served = box.call(lambda x: x.pictures_served)
    job = receiver.wait_job(again)
    assert (job["new"], job["duplicates"]) == (0, 27)
    assert len(receiver.events()) == 27
    # all stored with their photos: the box is asked for no picture at all
    assert (job["fetches_skipped"], box.call(lambda x: x.pictures_served) - served) == (27, 0)


def _with_photos(receiver: FullReceiver, pushed: list[Any]) -> bool:
    """Every pushed event stored with each photo its sample has."""
    stored = by_time(receiver.events())
    for ev in pushed:
        kinds = set((stored.get(ev.ms) or {}).get("images") or {})
        s = ev.sample
        want = {"spot_pic"} | ({"recognize_face"} if s.face else set()) | (
            {"reg_pic"} if s.person_type != 4 and s.reg else set()
        )  # fmt: skip
        if not want <= kinds:
            return False
    return True


def test_backfill_resumes_after_dropped_connections_and_can_be_cancelled(
    receiver: FullReceiver, box: BoxThread
):
    added = add(receiver, box)
    base = time.time() - 7200
    box.call(lambda x: x.generate(120, t=base, step=20))

    def drops(x: Any) -> None:
        x.faults.drop_after = 15
        x.faults.drop_requests = 4

    box.call(drops)
    window = {"since": int(base * 1000) - 1000, "until": int((base + 3000) * 1000)}
    job_id = receiver.client.post_json(f"/api/boxes/{added['id']}/backfill", window).json()["job"]
    assert receiver.client.post_json(f"/api/boxes/{added['id']}/backfill", window).status == 409
    wait_until(lambda: receiver.job(job_id)["done"] >= 10)
    cancelled = receiver.client.request("DELETE", f"/api/jobs/{job_id}").json()
    assert cancelled["state"] == "cancelled"
    # a delivery already handed to the pipeline still lands: count once the store is still
    partial, previous = len(receiver.events()), -1
    while partial != previous:
        time.sleep(0.5)
        partial, previous = len(receiver.events()), partial
    assert 0 < partial < 120
    assert box.call(lambda x: x.faults.drop_requests) < 4  # some requests were cut
    # run again: the rest comes in, what was there is not doubled
    box.call(drops)
    job_id = receiver.client.post_json(f"/api/boxes/{added['id']}/backfill", window).json()["job"]
    job = receiver.wait_job(job_id, timeout=90)
    assert job["state"] == "done", job
    assert job["new"] == 120 - partial and job["duplicates"] == partial
    assert box.call(lambda x: x.faults.drop_requests) == 0  # all drops happened, and survived
    events = receiver.events()
    assert len(events) == 120
    assert len({e["timestamp"] for e in events}) == 120


@pytest.mark.alone  # a rate: measured with no other test beside it
def test_backfill_rate_is_at_least_10_events_with_photos_per_second(
    receiver: FullReceiver, box: BoxThread
):
    added = add(receiver, box)
    base = time.time() - 7200
    box.call(lambda x: x.generate(100, t=base, step=5))
    started = time.monotonic()
    job_id = receiver.client.post_json(
        f"/api/boxes/{added['id']}/backfill",
        {"since": int(base * 1000) - 1000, "until": int((base + 600) * 1000)},
    ).json()["job"]
    job = receiver.wait_job(job_id)
    elapsed = time.monotonic() - started
    assert job["state"] == "done" and job["new"] == 100
    assert 100 / elapsed >= 10, f"{100 / elapsed:.1f} events/s"


@pytest.mark.parametrize("family", FAMILIES)
def test_gap_filled_automatically_after_a_receiver_restart(tmp_path: Path, family: str):
    box = make_box(family)
    receiver = FullReceiver(tmp_path / "data")
    port = receiver.port
    try:
        added = add(receiver, box)
        receiver.client.post_json(f"/api/boxes/{added['id']}/point", {})
        box.call(lambda x: x.generate(3))
        wait_until(lambda: len(receiver.events()) >= 3)
        receiver.stop()
        # while the receiver is down, the box sees 10 more people and cannot push them
        box.call(lambda x: x.generate(10, t=time.time() - 30, step=2))
        receiver = FullReceiver(tmp_path / "data", port=port)
        jobs = wait_until(lambda: receiver.client.get_json("/api/jobs")["jobs"])
        assert jobs and jobs[0]["auto"] and jobs[0]["box"] == added["id"]
        job = receiver.wait_job(jobs[0]["id"])
        assert job["state"] == "done", job
        assert wait_until(lambda: len(receiver.events()) >= 13)
        time.sleep(1.0)  # the box's queued history pushes arrive as well
        events = receiver.events()
        assert len(events) == 13
        assert len({e["timestamp"] for e in events}) == 13
        row = receiver.client.get_json(f"/api/boxes/{added['id']}")
        assert "gap" in row["state"]["gap"]
        assert row["state"]["gap_fill"]["code"] == "filled"
    finally:
        receiver.stop()
        box.stop()


# ------------------------------------------------------------------ real-time pull


def test_websocket_pull_survives_a_dropped_connection(receiver: FullReceiver, box: BoxThread):
    b = box.box
    added = add(receiver, box)
    reply = receiver.client.request(
        "PATCH", f"/api/boxes/{added['id']}", b'{"pull_realtime": true}',
        {"Content-Type": "application/json"},
    )  # fmt: skip
    assert reply.status == 200 and reply.json()["pull_realtime"] is True

    def pull_state() -> str:
        return receiver.client.get_json(f"/api/boxes/{added['id']}")["state"]["pulling"]["state"]

    assert wait_until(lambda: pull_state() == "subscribed")
    # "subscribed" once the message is sent; events the box makes before it has read
    # it are not pushed (a box does not replay): a loaded machine lost both so.
    assert wait_until(lambda: box.call(lambda x: x.subscribers) == 1)
    first = box.call(lambda x: x.generate(2, step=0.2))
    wait_until(lambda: len(receiver.events()) >= 2)
    events = receiver.events()
    assert sorted(e["timestamp"] for e in events) == sorted(e.ms for e in first)
    assert {e["path"] for e in events} == {f"ws://{b.address}:5679"}
    box.wait(lambda x: x.drop_websockets())
    # while disconnected the box sees someone; no replay after reconnect, so a gap fill
    during = box.call(lambda x: x.generate(1))
    assert wait_until(lambda: box.call(lambda x: x.subscribers) == 1, timeout=20)
    after = box.call(lambda x: x.generate(2, step=0.2))
    assert wait_until(lambda: len(receiver.events()) >= 5, timeout=20)
    time.sleep(0.5)
    events = receiver.events()
    assert sorted(e["timestamp"] for e in events) == sorted(e.ms for e in first + during + after)
    assert pull_state() == "subscribed"
    receiver.client.request("PATCH", f"/api/boxes/{added['id']}", b'{"pull_realtime": false}',
                            {"Content-Type": "application/json"})  # fmt: skip
    assert wait_until(lambda: box.call(lambda x: x.subscribers) == 0)


def test_same_event_by_push_and_by_pull_is_stored_once(receiver: FullReceiver, box: BoxThread):
    added = add(receiver, box)
    receiver.client.post_json(f"/api/boxes/{added['id']}/point", {})
    receiver.client.request("PATCH", f"/api/boxes/{added['id']}", b'{"pull_realtime": true}',
                            {"Content-Type": "application/json"})  # fmt: skip
    assert wait_until(lambda: box.call(lambda x: x.subscribers) == 1)
    made = box.call(lambda x: x.generate(4, step=0.25))
    # both channels delivered every event
    assert wait_until(
        lambda: (
            receiver.client.get_json(f"/api/boxes/{added['id']}")["state"]["pulling"]["events"] >= 4
        )
    )
    assert wait_until(lambda: box.call(lambda x: all(x.history_urls[0] in e.delivered_to
                                                     for e in made)))  # fmt: skip
    events = receiver.events()
    assert len(events) == 4, Counter(e["path"] for e in events)
    assert sorted(e["timestamp"] for e in events) == sorted(e.ms for e in made)
    # the history copy filled in the scene photo the WebSocket does not carry
    for e in events:
        assert "spot_pic" in e["images"]


# ------------------------------------------------------------------ command line


def test_box_command_line_against_a_running_receiver(
    receiver: FullReceiver, capsys: pytest.CaptureFixture[str]
):
    from gui.cli import main

    box = make_box("v5")
    try:
        b = box.box
        base = ["box", "--receiver", receiver.base]
        assert main([*base, "list"]) == 0
        assert "no boxes yet" in capsys.readouterr().out
        assert main([*base, "add", b.address, "--password", "wrong"]) == 1
        assert "password" in capsys.readouterr().err
        assert main([*base, "add", b.address, "--point"]) == 0
        out = capsys.readouterr().out
        assert "V5R7C01" in out and b.serial in out and "pointed" in out
        assert b.history_urls == [receiver.base + "/EventServer/api/HistoryEvent"]
        start = time.time() - 3000
        box.call(lambda x: x.generate(12, t=start, step=10, push_realtime=False))
        assert main([*base, "backfill", b.address, "--since", "1h"]) == 0
        out = capsys.readouterr().out
        # some were pushed already (the box is pointed here): those are not doubled
        assert "backfill done" in out and "12/12" in out and "unavailable" not in out
        assert main([*base, "pull", b.serial, "on"]) == 0
        assert wait_until(lambda: box.call(lambda x: x.subscribers) == 1)
        assert main([*base, "list"]) == 0
        out = capsys.readouterr().out
        assert "pointed at us: yes" in out and "backfill" in out
        assert main([*base, "pull", b.address, "off"]) == 0
        assert main([*base, "remove", b.address, "--restore"]) == 0
        assert b.history_urls == [] and "removed" in capsys.readouterr().out
        assert main([*base, "point", b.address]) == 2  # no such box any more
        assert main(["box", "--receiver", "http://127.0.0.1:9", "list"]) == 2
        assert "no Gatewatch receiver" in capsys.readouterr().err
    finally:
        box.stop()


def test_time_forms_for_backfill() -> None:
    from gui.commands.box import parse_time

    now = 1_700_000_000_000
    assert parse_time("2h", now) == now - 7_200_000
    assert parse_time("30m", now) == now - 1_800_000
    assert parse_time("1700000000123", now) == 1700000000123
    assert parse_time(None, now) is None
    assert parse_time("2023-11-14T22:13:20+00:00", now) == 1_700_000_000_000


def test_a_box_added_by_address_and_known_from_its_pushes_is_one_device(
    receiver: FullReceiver, box: BoxThread
):
    added = add(receiver, box)
    assert added["device"]
    receiver.client.post_json(f"/api/boxes/{added['id']}/point", {})
    box.call(lambda x: x.generate(3))
    wait_until(lambda: len(receiver.events()) >= 3)
    # reports (SN, MAC) and pushes (licence code, MAC in ep_id) have all arrived
    assert wait_until(
        lambda: receiver.client.get_json(f"/api/boxes/{added['id']}")["state"]["last_report_at"]
    )
    time.sleep(0.5)
    boxes = receiver.client.get_json("/api/devices")["boxes"]
    assert len(boxes) == 1, [b["sn"] for b in boxes]
    names = {n["alias"] for n in boxes[0]["names"]} | {boxes[0]["sn"]}
    assert added["device"] in names
    assert any(box.box.serial in n for n in names) and any(box.box.dev_sno in n for n in names)
    # the box's own threshold (read when it was added), not the vendor default
    assert boxes[0]["score"]["threshold"] == 82.0
    assert boxes[0]["score"]["threshold_source"] == "configured"
    assert boxes[0]["score"]["scale"] == "0-100"


def test_v6_box_silent_with_the_v6_subscribe_message_gets_the_v5_one(
    receiver: FullReceiver, monkeypatch: pytest.MonkeyPatch
):
    from gui.core.box import service

    monkeypatch.setattr(service, "WS_SILENT_CHECK", 0.5)
    box = make_box("v6", ws_subscribe="v5")
    try:
        added = add(receiver, box)
        receiver.client.request("PATCH", f"/api/boxes/{added['id']}", b'{"pull_realtime": true}',
                                {"Content-Type": "application/json"})  # fmt: skip

        def pulling() -> dict[str, Any]:
            return receiver.client.get_json(f"/api/boxes/{added['id']}")["state"]["pulling"]

        assert wait_until(lambda: pulling()["state"] == "subscribed")
        assert pulling()["subscribe"] == "v6"
        assert box.call(lambda x: x.subscribers) == 0  # the box ignored the V6 message
        first = box.call(lambda x: x.generate(1))
        assert wait_until(lambda: box.call(lambda x: x.subscribers) == 1, timeout=20)
        assert pulling()["subscribe"] == "v5"
        after = box.call(lambda x: x.generate(2, step=0.2))
        assert wait_until(lambda: len(receiver.events()) >= 3, timeout=20)
        events = receiver.events()
        assert sorted(e["timestamp"] for e in events) == sorted(e.ms for e in first + after)
        ws_url = f"ws://{box.box.address}:5679"
        assert sum(e["path"] == ws_url for e in events) == 2  # the first came by gap fill
    finally:
        box.stop()


@pytest.mark.parametrize("family", FAMILIES)
def test_gap_filled_when_a_silent_box_reports_again(
    receiver: FullReceiver, family: str, monkeypatch: pytest.MonkeyPatch
):
    from gui.core.box import service

    monkeypatch.setattr(service, "SILENCE_MS", 3000)
    box = make_box(family)
    try:
        added = add(receiver, box)
        receiver.client.post_json(f"/api/boxes/{added['id']}/point", {})
        # pointing asked for reports every 20 s; this test cannot wait that long
        box.call(lambda x: (setattr(x, "status_period", 0.3), setattr(x, "system_period", 0.3)))
        box.call(lambda x: x.generate(2, push_realtime=False))
        wait_until(lambda: len(receiver.events()) >= 2)
        # the network goes: nothing reaches the receiver, the box keeps storing
        box.call(lambda x: (setattr(x, "reports_enabled", False), x.history_urls.clear()))
        time.sleep(0.5)
        missed = box.call(lambda x: x.generate(5, step=0.1, push_realtime=False))
        time.sleep(3.5)
        assert len(receiver.events()) == 2
        before = {j["id"] for j in receiver.client.get_json("/api/jobs")["jobs"]}
        # the box's reports reach the receiver again (its history URL is still gone)
        box.call(lambda x: setattr(x, "reports_enabled", True))
        jobs = wait_until(
            lambda: [
                j for j in receiver.client.get_json("/api/jobs")["jobs"] if j["id"] not in before
            ]
        )
        assert jobs and jobs[0]["auto"]
        assert receiver.wait_job(jobs[0]["id"])["new"] == 5
        events = receiver.events()
        assert len(events) == 7
        assert {e.ms for e in missed} <= {e["timestamp"] for e in events}
    finally:
        box.stop()


def test_history_resent_after_a_lost_reply_is_stored_once(receiver: FullReceiver, box: BoxThread):
    added = add(receiver, box)
    receiver.client.post_json(f"/api/boxes/{added['id']}/point", {})
    box.call(lambda x: setattr(x, "history_period", 0.3))
    box.call(lambda x: (x.realtime_urls.clear(), setattr(x.faults, "lose_replies", 3)))
    made = box.call(lambda x: x.generate(3, step=0.2, push_realtime=False))
    url = receiver.base + "/EventServer/api/HistoryEvent"
    assert wait_until(lambda: box.call(lambda x: all(url in e.delivered_to for e in made)))
    assert box.call(lambda x: x.history_posts) >= 6  # each event went twice
    events = receiver.events()
    assert sorted(e["timestamp"] for e in events) == sorted(e.ms for e in made)


@pytest.mark.alone  # retries within a 1 s window: no other test beside it
def test_receiver_down_for_a_while_box_keeps_and_resends_stored_once(
    receiver: FullReceiver, box: BoxThread
):
    added = add(receiver, box)
    receiver.client.post_json(f"/api/boxes/{added['id']}/point", {})
    box.call(lambda x: x.realtime_urls.clear())
    box.call(lambda x: x.faults.receiver_down(5.0))  # minutes on a site, seconds here
    made = box.call(lambda x: x.generate(5, step=0.2, push_realtime=False))
    # The box tries while the receiver is down (its first try came after the 1 s this
    # waited before on a loaded machine, within a 2 s outage)...
    assert wait_until(lambda: box.call(lambda x: x.history_posts) >= 1, timeout=4.0)
    assert receiver.events() == []  # ... and nothing got through while it was down
    url = receiver.base + "/EventServer/api/HistoryEvent"
    assert wait_until(lambda: box.call(lambda x: all(url in e.delivered_to for e in made)))
    events = receiver.events()
    assert sorted(e["timestamp"] for e in events) == sorted(e.ms for e in made)


@pytest.mark.parametrize("family", FAMILIES)
def test_box_clock_two_hours_behind_gap_fill_since_last_stored_event(
    receiver: FullReceiver, family: str
):
    box = make_box(family, clock_offset=-7200)
    try:
        added = add(receiver, box)
        receiver.client.post_json(f"/api/boxes/{added['id']}/point", {})
        box.call(lambda x: x.realtime_urls.clear())
        pushed = box.call(lambda x: x.generate(2, push_realtime=False))
        assert wait_until(lambda: len(receiver.events()) == 2)
        # stored with the box's own time: two hours in the past by the PC's clock
        assert sorted(e["timestamp"] for e in receiver.events()) == sorted(e.ms for e in pushed)
        assert max(e.ms for e in pushed) < (time.time() - 7000) * 1000
        # unpointed, the box stores more; a gap fill "since the last stored event" finds them
        box.call(lambda x: x.history_urls.clear())
        gap = box.call(lambda x: x.generate(6, step=1.0, push_realtime=False))
        job_id = receiver.client.post_json(f"/api/boxes/{added['id']}/backfill", {}).json()["job"]
        job = receiver.wait_job(job_id)
        assert job["state"] == "done", job
        assert (job["new"], job["duplicates"]) == (6, 2), job
        stored = sorted(e["timestamp"] for e in receiver.events())
        assert stored == sorted(e.ms for e in pushed + gap)
    finally:
        box.stop()


@pytest.mark.parametrize("family", FAMILIES)
def test_box_clock_two_hours_ahead_default_backfill_gets_its_newest_events(
    receiver: FullReceiver, family: str
):
    """Issue 16: the default window must reach past this PC's clock to the box's."""
    box = make_box(family, clock_offset=7200)
    try:
        added = add(receiver, box)
        # Never pushed anything yet: the default window is the last day to "now" — whose?
        early = box.call(lambda x: x.generate(3, step=1.0, push_realtime=False))
        assert min(e.ms for e in early) > (time.time() + 7000) * 1000  # in the PC's future
        job_id = receiver.client.post_json(f"/api/boxes/{added['id']}/backfill", {}).json()["job"]
        job = receiver.wait_job(job_id)
        assert (job["state"], job["new"]) == ("done", 3), job
        # Pointed, it pushes; then, unpointed, it stores more: the gap fill gets them all.
        receiver.client.post_json(f"/api/boxes/{added['id']}/point", {})
        box.call(lambda x: x.realtime_urls.clear())
        pushed = box.call(lambda x: x.generate(2, push_realtime=False))
        assert wait_until(lambda: len(receiver.events()) == 5)
        box.call(lambda x: x.history_urls.clear())
        gap = box.call(lambda x: x.generate(4, step=1.0, push_realtime=False))
        job_id = receiver.client.post_json(f"/api/boxes/{added['id']}/backfill", {}).json()["job"]
        job = receiver.wait_job(job_id)
        assert job["state"] == "done" and job["new"] == 4, job
        stored = sorted(e["timestamp"] for e in receiver.events())
        assert stored == sorted(e.ms for e in early + pushed + gap)
    finally:
        box.stop()


@pytest.mark.parametrize("family", FAMILIES)
def test_box_that_requires_login_is_logged_into_again_after_it_forgets(
    receiver: FullReceiver, family: str
):
    box = make_box(family, require_login=True)
    try:
        added = add(receiver, box)
        assert box.call(lambda x: x.login_attempts) >= 1
        base = time.time() - 600
        box.call(lambda x: x.generate(4, t=base, step=10, push_realtime=False))
        box.call(lambda x: x.logged_in.clear())  # the box restarted: sessions are gone
        before = box.call(lambda x: x.login_attempts)
        window = {"since": int(base * 1000) - 1000, "until": int((base + 100) * 1000)}
        path = f"/api/boxes/{added['id']}/backfill"
        job_id = receiver.client.post_json(path, window).json()["job"]
        job = receiver.wait_job(job_id)
        assert job["state"] == "done" and job["new"] == 4, job
        assert box.call(lambda x: x.login_attempts) > before  # logged in again, by itself
        box.call(lambda x: x.logged_in.clear())
        reply = receiver.client.post_json(f"/api/boxes/{added['id']}/point", {})
        assert reply.status == 200, reply.body
        assert box.call(lambda x: x.history_urls)[-1].endswith("/EventServer/api/HistoryEvent")
    finally:
        box.stop()


@pytest.mark.parametrize("family", FAMILIES)
def test_box_pushing_form_data_is_stored_with_its_photos(receiver: FullReceiver, family: str):
    box = make_box(family, push_encoding="form-data")
    try:
        added = add(receiver, box)
        receiver.client.post_json(f"/api/boxes/{added['id']}/point", {})
        box.call(lambda x: x.realtime_urls.clear())
        made = box.call(lambda x: x.generate(3, step=0.5, sample="employee_match",
                                             push_realtime=False))  # fmt: skip
        url = receiver.base + "/EventServer/api/HistoryEvent"
        assert wait_until(lambda: box.call(lambda x: all(url in e.delivered_to for e in made)))
        events = receiver.events()
        assert sorted(e["timestamp"] for e in events) == sorted(e.ms for e in made)
        pushes = [r for r in receiver.client.get_json("/api/requests")["requests"]
                  if r["path"].endswith("/HistoryEvent")]  # fmt: skip
        assert pushes and all(r["content_type"].startswith("multipart/form-data") for r in pushes)
        one = receiver.client.get_json(f"/api/events/{events[0]['id']}")
        assert one["identity_id"] == made[0].identity_id
        photo = receiver.client.get(f"/api/events/{events[0]['id']}/images/spot_pic")
        assert photo.status == 200 and photo.body[:2] == b"\xff\xd8"
    finally:
        box.stop()


def test_v6_box_still_starting_its_device_list_is_added_with_its_cameras(
    receiver: FullReceiver,
):
    box = make_box("v6", devices_init_seconds=1.5)
    try:
        added = add(receiver, box)  # at once: the box answers DEVICE_INIT_ERROR at first
        assert box.call(lambda x: x.devices_init_errors) >= 1
        assert [c["id"] for c in added["cameras"]] == [c.device_id for c in box.box.cameras]
    finally:
        box.stop()


def test_v6_box_whose_device_list_stays_initialising_says_so_and_gets_cameras_later(
    receiver: FullReceiver,
):
    """Issue 16: DEVICE_INIT_ERROR past the ~3 s add waits: not "no cameras" in silence."""
    box = make_box("v6", devices_init_seconds=7)
    try:
        added = add(receiver, box)
        assert added["cameras"] == [] and added["cameras_pending"] is True
        assert "DEVICE_INIT_ERROR" in added["cameras_message"]
        path = f"/api/boxes/{added['id']}"
        assert receiver.client.get_json(path)["cameras_pending"] is True
        expected = [c.device_id for c in box.box.cameras]
        assert wait_until(
            lambda: [c["id"] for c in receiver.client.get_json(path)["cameras"]] == expected,
            timeout=30,
        )
        now = receiver.client.get_json(path)
        assert now["cameras_pending"] is False and now["cameras_message"] == ""
    finally:
        box.stop()


def test_v5_box_pushing_the_legacy_shape_is_stored_with_camera_and_photos(
    receiver: FullReceiver,
):
    box = make_box("v5", history_shape="legacy")
    try:
        added = add(receiver, box)
        receiver.client.post_json(f"/api/boxes/{added['id']}/point", {})
        box.call(lambda x: x.realtime_urls.clear())
        made = box.call(lambda x: x.generate(2, step=0.5, sample="blacklist", camera=1,
                                             push_realtime=False))  # fmt: skip
        assert "api_version" not in box.box.push_payload(made[0])
        url = receiver.base + "/EventServer/api/HistoryEvent"
        assert wait_until(lambda: box.call(lambda x: all(url in e.delivered_to for e in made)))
        events = receiver.events()
        assert sorted(e["timestamp"] for e in events) == sorted(e.ms for e in made)
        one = receiver.client.get_json(f"/api/events/{events[0]['id']}")
        assert one["identity_id"] == made[0].identity_id
        assert one["person_type"] == 3  # blacklist, read from ext_data
        camera = box.box.cameras[1]
        assert camera.ep_id(box.box.mac) in str(one)
        photo = receiver.client.get(f"/api/events/{events[0]['id']}/images/spot_pic")
        assert photo.status == 200 and photo.body[:2] == b"\xff\xd8"
        # The face box comes from ext_data.info.box (V5R3) and lands on the scene photo.
        by_id = {e.identity_id: e for e in made}
        sent = by_id[one["identity_id"]].sample.box
        assert one["face_box"] == [float(v) for v in sent]
        assert one["geometry"]["box_field"] == "ext_data.info.box"
        assert "face_box_missing" not in {w["code"] for w in one["warnings"]}
    finally:
        box.stop()
