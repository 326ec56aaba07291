"""Alarms raised from stored events, folded, acknowledged, and served over the API."""

from __future__ import annotations

import copy
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from gui.core import alarms
from gui.core.messages import AlarmChanged
from gui.core.receiver import Receiver, ReceiverConfig, ReceiverThread
from gui.settings import Settings
from tests.conftest import Client, make_summary


class Recorder:
    def __init__(self) -> None:
        self.items: list[Any] = []

    def __call__(self, item: AlarmChanged) -> None:
        self.items.append(item)


@pytest.fixture
def settings() -> Settings:
    return Settings()


@pytest.fixture
def rig(tmp_path: Path, settings: Settings) -> Iterator[Any]:
    """A receiver with the alarm engine installed, as headless and the app do."""
    from gui.core import features

    rec = Receiver(ReceiverConfig(data_dir=tmp_path / "data", port=0, bind="127.0.0.1"))
    features.install(rec, settings)
    recorder = Recorder()
    rec.subscribe(AlarmChanged, recorder)
    thread = ReceiverThread(rec)
    thread.start()
    rec.thread = thread  # type: ignore[attr-defined]
    rec.recorder = recorder  # type: ignore[attr-defined]
    rec.client = Client(rec.port)  # type: ignore[attr-defined]
    rec.engine = alarms.engine_for(rec)  # type: ignore[attr-defined]
    yield rec
    thread.stop()


def now_ms() -> int:
    return time.time_ns() // 1_000_000


def event(samples: dict[str, Any], name: str, *, ts: int | None = None, **changes: Any) -> Any:
    ev = copy.deepcopy(samples[name])
    ev["timestamp"] = now_ms() if ts is None else ts
    ev.pop("out_timestamp", None)
    ev.update(changes)
    return ev


def post(rig: Any, ev: Any, headers: dict[str, str] | None = None) -> None:
    body = json.dumps(ev).encode()
    reply = rig.client.request(
        "POST",
        "/EventServer/api/RealTimeEvent",
        body,
        {"Content-Type": "application/json", **(headers or {})},
    )
    assert reply.status == 200, reply.body
    drain(rig)


def drain(rig: Any) -> None:
    rig.thread.call(lambda: rig.engine.drain())


def all_alarms(rig: Any) -> list[alarms.Alarm]:
    return rig.store.read_sync(lambda c: alarms.list_alarms(c))


def test_blacklist_event_raises_one_open_alarm_with_its_event(rig: Any, samples: Any) -> None:
    post(rig, event(samples, "blacklist"))
    (alarm,) = all_alarms(rig)
    assert alarm.kind == "face" and alarm.is_open and not alarm.late
    assert alarm.person_type == 3 and alarm.identity_id == "B-0007" and alarm.count == 1
    assert alarm.sounds
    linked = rig.store.read_sync(
        lambda c: c.execute("SELECT alarm_id, event_id FROM alarm_events").fetchall()
    )
    assert [tuple(r) for r in linked] == [(alarm.id, alarm.event_id)]
    assert [c.change for c in rig.recorder.items] == ["raised"]
    assert rig.recorder.items[0].alarm == alarm


def test_employee_raises_nothing(rig: Any, samples: Any) -> None:
    post(rig, event(samples, "employee_match"))
    assert all_alarms(rig) == []


def test_cooldown_folds_repeats_of_the_same_identity_at_the_same_camera(
    rig: Any, samples: Any
) -> None:
    base = now_ms()
    for i in range(3):
        post(rig, event(samples, "blacklist", ts=base + i))
    (alarm,) = all_alarms(rig)
    assert alarm.count == 3 and alarm.last_at >= alarm.first_at
    assert [c.change for c in rig.recorder.items] == ["raised", "folded", "folded"]
    covered = rig.store.read_sync(
        lambda c: c.execute("SELECT count(*) FROM alarm_events").fetchone()
    )
    assert covered[0] == 3


def test_other_camera_or_identity_is_another_alarm(rig: Any, samples: Any) -> None:
    base = now_ms()
    post(rig, event(samples, "blacklist", ts=base))
    post(rig, event(samples, "blacklist", ts=base + 1, identity_id="B-0008"))
    other = event(samples, "blacklist", ts=base + 2)
    other["ep_info"] = {**other["ep_info"], "ep_id": "another-camera"}
    post(rig, other)
    assert len(all_alarms(rig)) == 3


def test_no_fold_after_cooldown_or_acknowledgement(rig: Any, samples: Any, settings: Any) -> None:
    settings.alarm_cooldown_s = 0
    base = now_ms()
    post(rig, event(samples, "blacklist", ts=base))
    post(rig, event(samples, "blacklist", ts=base + 1))
    assert len(all_alarms(rig)) == 2
    settings.alarm_cooldown_s = 30
    for a in all_alarms(rig):
        rig.thread.call(lambda a=a: rig.engine.acknowledge(a.id, "tester"))
    post(rig, event(samples, "blacklist", ts=base + 2))
    assert [a.state for a in all_alarms(rig)] == ["open", "acked", "acked"]


def test_strangers_fold_by_camera_and_face_id(rig: Any, samples: Any) -> None:
    base = now_ms()
    post(rig, event(samples, "stranger", ts=base))
    post(rig, event(samples, "stranger", ts=base + 1))
    post(rig, event(samples, "stranger", ts=base + 2, identity_id="another-face"))
    counts = sorted(a.count for a in all_alarms(rig))
    assert counts == [1, 2]


def test_late_event_raises_a_silent_late_alarm(rig: Any, samples: Any) -> None:
    post(rig, event(samples, "blacklist", ts=now_ms() - 3600_000))
    (alarm,) = all_alarms(rig)
    assert alarm.late and alarm.is_open and not alarm.sounds


def test_self_test_raises_nothing(rig: Any, samples: Any) -> None:
    post(rig, event(samples, "blacklist"), {"X-Gatewatch-Self-Test": "1"})
    assert all_alarms(rig) == []


def test_duplicate_arrival_raises_nothing_more(rig: Any, samples: Any) -> None:
    ev = event(samples, "blacklist")
    post(rig, ev)
    post(rig, ev)
    (alarm,) = all_alarms(rig)
    assert alarm.count == 1


def test_merged_summary_raises_nothing() -> None:
    s = make_summary(
        received_at=now_ms(), timestamp=now_ms(), person_type=3, score=0.9, ep_id="cam",
        merged=True,
    )  # fmt: skip
    assert not alarms.matches_rules(s, Settings())
    from dataclasses import replace

    assert alarms.matches_rules(replace(s, merged=False), Settings())
    assert not alarms.matches_rules(replace(s, merged=False, self_test=True), Settings())


def test_rules_by_device_and_min_score(rig: Any, samples: Any, settings: Any) -> None:
    settings.alarm_devices = ["somewhere-else"]
    post(rig, event(samples, "blacklist"))
    assert all_alarms(rig) == []
    settings.alarm_devices = []
    settings.alarm_min_score = 0.95
    post(rig, event(samples, "blacklist", ts=now_ms() + 5))
    assert all_alarms(rig) == []
    settings.alarm_person_types = [1]
    settings.alarm_min_score = None
    post(rig, event(samples, "employee_match"))
    assert len(all_alarms(rig)) == 1


def test_acknowledge_records_who_and_when_and_refuses_twice(rig: Any, samples: Any) -> None:
    post(rig, event(samples, "blacklist"))
    (alarm,) = all_alarms(rig)
    acked = rig.thread.call(lambda: rig.engine.acknowledge(alarm.id, "Guard Li", "seen, police"))
    assert acked.state == "acked" and acked.acked_by == "Guard Li" and acked.acked_at
    assert acked.note == "seen, police"
    with pytest.raises(alarms.AlreadyAcknowledged):
        rig.thread.call(lambda: rig.engine.acknowledge(alarm.id, "Guard Li"))
    with pytest.raises(alarms.AlarmNotFound):
        rig.thread.call(lambda: rig.engine.acknowledge(9999))
    assert rig.recorder.items[-1].change == "acked"


def test_acknowledge_defaults_to_operator_or_os_user(rig: Any, samples: Any, settings: Any) -> None:
    import getpass

    base = now_ms()
    post(rig, event(samples, "blacklist", ts=base))
    post(rig, event(samples, "blacklist", ts=base + 1, identity_id="B-2"))
    first, second = sorted(all_alarms(rig), key=lambda a: a.id)
    assert rig.thread.call(lambda: rig.engine.acknowledge(first.id)).acked_by == getpass.getuser()
    settings.operator_name = "Night shift"
    assert rig.thread.call(lambda: rig.engine.acknowledge(second.id)).acked_by == "Night shift"


def test_bulk_acknowledge_strangers_but_never_blacklist(rig: Any, samples: Any) -> None:
    base = now_ms()
    post(rig, event(samples, "stranger", ts=base))
    post(rig, event(samples, "stranger", ts=base + 1, identity_id="face-2"))
    post(rig, event(samples, "blacklist", ts=base + 2))
    by_type = {}
    for a in all_alarms(rig):
        by_type.setdefault(a.person_type, []).append(a.id)
    with pytest.raises(alarms.BulkNotAllowed):
        rig.thread.call(lambda: rig.engine.acknowledge_many(by_type[4] + by_type[3], "g"))
    assert all(a.is_open for a in all_alarms(rig))  # all or nothing
    done = rig.thread.call(lambda: rig.engine.acknowledge_many(by_type[4], "g"))
    assert len(done) == 2
    assert {a.person_type for a in all_alarms(rig) if a.is_open} == {3}


def test_other_kinds_fold_while_open(rig: Any) -> None:
    rig.thread.call(lambda: rig.engine.raise_alarm("silence", ep_id="cam-1", detail="10 min"))
    rig.thread.call(lambda: rig.engine.raise_alarm("silence", ep_id="cam-1"))
    rig.thread.call(lambda: rig.engine.raise_alarm("disk", detail="1 GB free"))
    found = {a.kind: a for a in all_alarms(rig)}
    assert found["silence"].count == 2 and found["silence"].detail == "10 min"
    assert found["disk"].count == 1 and found["disk"].event_id is None


def test_history_filter_sees_acknowledgement(rig: Any, samples: Any) -> None:
    post(rig, event(samples, "blacklist"))
    post(rig, event(samples, "employee_match"))
    open_ids = [e["id"] for e in rig.client.get_json("/api/events?acked=0")["events"]]
    (alarm,) = all_alarms(rig)
    assert open_ids == [alarm.event_id]
    rig.thread.call(lambda: rig.engine.acknowledge(alarm.id, "g"))
    acked_ids = [e["id"] for e in rig.client.get_json("/api/events?acked=1")["events"]]
    assert acked_ids == [alarm.event_id]


# -- API ------------------------------------------------------------------------------------


def test_api_lists_and_acknowledges(rig: Any, samples: Any) -> None:
    post(rig, event(samples, "blacklist"))
    listed = rig.client.get_json("/api/alarms?state=open")["alarms"]
    assert len(listed) == 1
    item = listed[0]
    assert set(item) == {
        "id", "kind", "late", "event_id", "person_type", "identity_id", "identity_name",
        "ep_id", "count", "first_at", "last_at", "state", "acked_by", "acked_at", "note",
        "seen_at", "detail",
    }  # fmt: skip
    path = f"/api/alarms/{item['id']}/ack"
    reply = rig.client.post_json(path, {"by": "Guard Wang", "note": "checked"})
    assert reply.status == 200, reply.body
    assert reply.json()["state"] == "acked" and reply.json()["acked_by"] == "Guard Wang"
    stored = rig.store.read_sync(lambda c: alarms.get_alarm(c, item["id"]))
    assert stored.acked_by == "Guard Wang" and stored.acked_at is not None
    again = rig.client.post_json(path, {"by": "Guard Wang"})
    assert again.status == 409 and "already" in again.json()["message"]
    assert rig.client.get_json("/api/alarms?state=open")["alarms"] == []
    assert len(rig.client.get_json("/api/alarms?state=acked")["alarms"]) == 1


def test_api_errors_are_clear_4xx(rig: Any, samples: Any) -> None:
    missing = rig.client.post_json("/api/alarms/12345/ack", {"by": "x"})
    assert missing.status == 404 and missing.json()["status"] == 404
    post(rig, event(samples, "blacklist"))
    (alarm,) = all_alarms(rig)
    path = f"/api/alarms/{alarm.id}/ack"
    for body in (b"{not json", b"[1, 2]", json.dumps({"by": 5}).encode()):
        reply = rig.client.request("POST", path, body, {"Content-Type": "application/json"})
        assert reply.status == 400, (body, reply.status)
        assert reply.json()["status"] == 400
    assert rig.client.get("/api/alarms?state=bogus").status == 400
    assert rig.client.get("/api/alarms/abc/ack").status in (404, 405)


def test_an_acknowledgement_can_be_undone_for_a_short_while(rig: Any, samples: Any) -> None:
    post(rig, event(samples, "blacklist"))
    (alarm,) = all_alarms(rig)
    rig.thread.call(lambda: rig.engine.acknowledge(alarm.id, "Guard Li", "wrong one"))
    (reopened,) = rig.thread.call(lambda: rig.engine.undo_acknowledge([alarm.id]))
    assert reopened.is_open and reopened.acked_by is None and reopened.note is None
    with pytest.raises(alarms.AlarmError):  # open: nothing to undo
        rig.thread.call(lambda: rig.engine.undo_acknowledge([alarm.id]))
    # Over the API too.
    rig.thread.call(lambda: rig.engine.acknowledge(alarm.id, "Guard Li"))
    reply = rig.client.post_json(f"/api/alarms/{alarm.id}/undo", {})
    assert reply.status == 200 and reply.json()["state"] == "open"
    # Too late: the acknowledgement stands.
    rig.thread.call(lambda: rig.engine.acknowledge(alarm.id, "Guard Li"))
    late = alarms.now_ms() + alarms.UNDO_WINDOW_MS + 1000
    with pytest.raises(alarms.TooLateToUndo):
        rig.thread.call(lambda: rig.store.write(alarms.undo_ack_job([alarm.id], late)))
    assert rig.client.post_json("/api/alarms/999/undo", {}).status == 404


def test_stranger_rules_by_camera_and_time_of_day() -> None:
    night = alarms.parse_stranger_rule("gate-2 22:00-06:00")
    assert night == alarms.StrangerRule("gate-2", 22 * 60, 6 * 60)
    assert night.covers({"gate-2"}, 23 * 60) and night.covers({"gate-2"}, 5 * 60 + 59)
    assert not night.covers({"gate-2"}, 6 * 60) and not night.covers({"gate-3"}, 23 * 60)
    day = alarms.parse_stranger_rule("* 08:00-18:00")
    assert day.covers({"anything"}, 12 * 60) and not day.covers({"x"}, 18 * 60)
    assert alarms.parse_stranger_rule("East gate").covers({"East gate"}, 3 * 60)  # all day
    for bad in ("", "gate-2 25:00-06:00", "gate-2 8:70-9:00"):
        with pytest.raises(ValueError):
            alarms.parse_stranger_rule(bad)
