"""Pulled records and WebSocket messages -> the pushed shapes; times to the millisecond."""

from __future__ import annotations

from gui.core import protocol
from gui.core.box import records


def test_record_seconds_truncate_to_whole_milliseconds() -> None:
    assert records.to_ms(1700000123.4569) == 1700000123456  # truncated, not rounded
    assert records.to_ms(1700000123.45) == 1700000123450  # no float error (…449)
    assert records.to_ms("1607062639.737444") == 1607062639737
    assert records.to_ms(1700000123456.7) == 1700000123456  # already ms
    assert records.to_ms(1628066406652506) == 1628066406652  # microseconds
    assert records.to_ms(True) is None and records.to_ms("nope") is None
    assert records.to_ms(float("nan")) is None


def test_v5_record_and_its_push_share_a_natural_key() -> None:
    record = {
        "_id": "1700000000.123456", "timestamp": 1700000000.101,
        "common": {"identity_id": "E-1", "identity_name": "x", "person_type": 1, "score": 90.0,
                   "ep_info": {"device_id": "cam-1", "ep_id": "0xe0a509aabbcc__192.0.2.31"},
                   "recognize_face_attr": {"box": [1, 2, 30, 40], "point": []}},
        "video_data": {"out_timestamp": 1700000000.5},
    }  # fmt: skip
    push = records.v5_record_to_push(record, {"spot_pic": b"\xff\xd8x"}, licence="LIC")
    assert push["timestamp"] == 1700000000101 and push["out_timestamp"] == 1700000000500
    assert push["spot_pic"] == "/9h4" and push["dev_sno"] == "LIC"
    a = protocol.normalise(push, received_at=0)
    b = protocol.normalise(
        {"api_version": "1.0", "identity_id": "E-1", "timestamp": 1700000000101,
         "ep_info": {"ep_id": "0xe0a509aabbcc__192.0.2.31"}}, received_at=0,
    )  # fmt: skip
    assert a.natural_key == b.natural_key


def test_v6_record_and_ws_message_match_the_2_0_push() -> None:
    record = {
        "event_id": "1", "timestamp": 1700000000.25, "identity_id": "E-2", "user_type": "employee",
        "media_device_info": {"media_device_id": "cam-9", "media_device_ip": "192.0.2.9"},
        "recognize_face_attr": {"box": [1, 2, 30, 40], "feature_binary": "AAA"},
        "ext_data": {"in_timestamp": 1700000000.25},
    }  # fmt: skip
    from_record = records.v6_record_to_push(record, {}, licence="K")
    assert from_record["timestamp"] == from_record["in_timestamp"] == 1700000000250
    assert from_record["recognize_face_attr"]["feature_base64_str"] == "AAA"
    ws = records.v6_ws_to_push({
        "event_id": "1", "timestamp": 1700000000250, "identity_id": "E-2",
        "user_type": "employee", "media_device_id": "cam-9", "media_device_ip": "192.0.2.9",
        "register_image": "data:image/jpeg;base64,/9j/", "reg_pic": "",
    })  # fmt: skip
    assert ws["media_device_info"] == {"media_device_id": "cam-9", "media_device_ip": "192.0.2.9"}
    assert ws["reg_image"].startswith("data:") and "reg_pic" not in ws
    keys = {protocol.normalise(e, received_at=0).natural_key for e in (from_record, ws)}
    assert len(keys) == 1


def test_camera_ep_ids_need_the_mac() -> None:
    cams = [{"id": "u1", "key": "192.0.2.31"}, {"id": "u2", "key": "rtsp://192.0.2.32/ch1"}]
    assert records.camera_ep_ids(cams, "") == {}
    assert records.camera_ep_ids(cams, "e0a509aabbcc") == {
        "u1": "0xe0a509aabbcc__192.0.2.31", "u2": "0xe0a509aabbcc__rtsp://192.0.2.32/ch1",
    }  # fmt: skip


def test_store_event_folds_an_event_1_ms_off_but_not_300_ms_off(tmp_path) -> None:
    from gui.core.event_rows import Arrival, store_event
    from gui.core.store import Store

    store = Store(tmp_path)
    try:
        pushed = Arrival(received_at=0, source_ip="x", path="/HistoryEvent")
        pulled = Arrival(received_at=0, source_ip="x", path="http://box:5555/SophonFace/api/events",
                         approximate_time=True)  # fmt: skip

        def put(ts: int, arrival: Arrival = pulled) -> str:
            ev = protocol.normalise(
                {"api_version": "1.0", "identity_id": "E-1", "timestamp": ts,
                 "ep_info": {"ep_id": "cam"}}, received_at=ts,
            )  # fmt: skip
            return store.write_sync(lambda c: store_event(c, ev, [], arrival, []).outcome)

        assert put(1700000000100, pushed) == "new"
        assert put(1700000000101) == "duplicate"  # the record's rounding: the same event
        assert put(1700000000099) == "duplicate"
        assert put(1700000000400) == "new"  # the same person 300 ms later: another event
        assert put(1700000001100) == "new"  # never merged by the second
        # a push 1 ms from a stored record: the same event
        assert put(1700000001101, pushed) == "duplicate"
        # two pushes 1 ms apart are two events (only record times are approximate)
        assert put(1700000005000, pushed) == "new"
        assert put(1700000005001, pushed) == "new"
    finally:
        store.close()
