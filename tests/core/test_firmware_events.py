"""Every documented event variant, posted to a real receiver and read back through the API."""

from __future__ import annotations

from typing import Any

import pytest

from gui.core import protocol, records
from gui.core import warnings as W
from tests.conftest import Client
from tests.core import firmware_payloads as P

HISTORY = "/EventServer/api/HistoryEvent"
REALTIME = "/EventServer/api/RealTimeEvent"


def post_one(client: Client, path: str, payload: Any) -> dict[str, Any]:
    reply = client.post_json(path, payload)
    assert reply.status == 200, reply.body[:300]
    [event] = reply.json()["events"]
    return client.get_json(f"/api/events/{event['id']}")


def codes(ev: dict[str, Any]) -> list[str]:
    return [w["code"] for w in ev["warnings"]]


def registry(client: Client) -> tuple[dict[str, Any], dict[str, Any]]:
    """The device registry: boxes by key, cameras by key."""
    found = client.get_json("/api/devices")
    return {b["sn"]: b for b in found["boxes"]}, {c["ep_id"]: c for c in found["cameras"]}


def assert_registered(client: Client, box: str, camera: str | None) -> dict[str, Any]:
    """The event counted for exactly one box, ``box``, and (if named) its camera."""
    boxes, cameras = registry(client)
    assert list(boxes) == [box], list(boxes)
    assert boxes[box]["event_count"] == 1
    if camera is not None:
        assert cameras[camera]["box_sn"] == box and cameras[camera]["event_count"] == 1
    return boxes[box]


def assert_on_scene(ev: dict[str, Any], box: list[float]) -> None:
    """The face box is the one sent, on the scene picture, inside it."""
    assert ev["face_box"] == pytest.approx(box)
    scene = ev["images"]["spot_pic"]
    x1, y1, x2, y2 = ev["face_box"]
    assert 0 <= x1 < x2 <= scene["width"] and 0 <= y1 < y2 <= scene["height"]
    assert W.BOX_OUTSIDE_PICTURE not in codes(ev)


def test_v2r1_history_with_static_ipc_code(client: Client) -> None:
    ev = post_one(client, "/EventServer/api/SophonFogHistoryEvent", P.v2r1_history(P.now_ms()))
    assert ev["format"] == "legacy" and ev["variant"] == "legacy"
    assert ev["ep_info"]["ep_type"] == "rtsp"  # "2" = IPC static
    assert ev["extra"]["device_type"] == "2"
    assert ev["dev_sno"] == P.LICENCE
    assert set(ev["images"]) == {"spot_pic", "reg_pic"}
    assert codes(ev) == []  # a vendor-documented path is not an unknown one
    assert_registered(client, P.LICENCE, f"{P.LICENCE}__192.168.1.31")


@pytest.mark.parametrize("path", ["/EventServer/api/SophonFogRelEvent", REALTIME])
def test_v2r1_realtime_without_ep_id_or_dev_sno_is_clean(client: Client, path: str) -> None:
    ev = post_one(client, path, P.v2r1_realtime(P.now_ms()))
    assert ev["ep_info"]["ep_ip"] == "192.168.1.31" and ev["ep_info"]["ep_id"] is None
    assert codes(ev) == []
    assert_registered(client, "ip:127.0.0.1", None)  # no box name: known by its address


def test_se3_realtime_with_empty_fiqa_is_clean(client: Client) -> None:
    ev = post_one(client, REALTIME, P.se3_realtime(P.now_ms()))
    assert ev["format"] == "legacy"
    assert ev["ep_info"]["ep_type"] == "photo"
    assert ev["face_box"] is None
    assert codes(ev) == []
    assert_registered(client, "ip:127.0.0.1", None)


def test_legacy_full_fiqa_geometry_and_attributes(client: Client) -> None:
    ev = post_one(client, HISTORY, P.legacy_full_fiqa(P.now_ms() - 60_000))
    assert_on_scene(ev, P.FACE_BOX)
    assert ev["geometry"]["box_field"] == "ext_data.grab_fiqa_info.rect"
    crop = ev["images"]["recognize_face"]
    assert ev["geometry"]["crop_box"] == [10, 12, 90, 110]  # rel_rect: on the face crop
    assert ev["geometry"]["crop_box"][2] <= crop["width"]
    assert ev["geometry"]["crop_box"][3] <= crop["height"]
    attrs = ev["face_attributes"]
    assert attrs["gender"] == "female" and attrs["age_code"] == 4  # fiqa codes
    assert attrs["head_pose"] == {"yaw": 3.25, "pitch": -2.0, "roll": 1.5}
    assert attrs["quality_passed"] is True
    assert codes(ev) == []
    assert_registered(client, P.LICENCE, f"{P.LICENCE}__192.168.1.33")


def test_legacy_history_without_ep_id_or_dev_sno_is_clean(client: Client) -> None:
    """The V2R2–V2R4 history example omits ep_id and dev_sno: no warning for either."""
    event = P.legacy_full_fiqa(P.now_ms() - 60_000)
    del event["ext_data"]["ep_id"]
    event["ext_data"].pop("dev_sno", None)
    event.pop("dev_sno", None)
    ev = post_one(client, HISTORY, event)
    assert ev["ep_info"]["ep_id"] is None
    assert codes(ev) == []


def test_v5r2_attributes_outside_recognize_face_attr(client: Client) -> None:
    ev = post_one(client, HISTORY, P.legacy_attributes(P.now_ms() - 60_000))
    assert ev["variant"] == "legacy_attributes"
    attrs = ev["face_attributes"]
    assert (attrs["age"], attrs["gender"], attrs["glasses"]) == ("youth", "male", "no")
    assert ev["want_action"] == "0"
    assert codes(ev) == []
    assert_registered(client, P.LICENCE, f"{P.LICENCE}__192.168.1.33")


def test_v5r3_box_in_ext_data_info_and_ir(client: Client) -> None:
    ev = post_one(client, HISTORY, P.legacy_ir_box(P.now_ms() - 60_000))
    assert_on_scene(ev, P.FACE_BOX)
    assert ev["geometry"]["box_field"] == "ext_data.info.box"
    assert set(ev["images"]) == {"spot_pic", "recognize_face", "reg_pic", "ir_pic"}
    assert ev["face_attributes"]["age"] == "middle-aged"
    assert codes(ev) == []
    assert_registered(client, P.LICENCE, f"{P.LICENCE}__192.168.1.34")


def test_1_0_without_api_version(client: Client) -> None:
    ev = post_one(client, HISTORY, P.v1_without_version(P.now_ms() - 60_000, dev_sno=""))
    assert ev["format"] == "1.0" and ev["person_type"] == 4
    assert ev["identity_id"] == "1602612036.3828533"
    assert_on_scene(ev, P.FACE_BOX)
    assert ev["landmark_layout"] == "x5y5"
    assert codes(ev) == []
    # dev_sno "": the MAC in ep_id names the box
    box = assert_registered(
        client, f"mac:{P.MAC_HEX}", f"0x{P.MAC_HEX}__rtsp://192.168.1.35:554/ch1"
    )
    assert box["aliases"] == ["ip:127.0.0.1"]


def test_v5_websocket_event(client: Client) -> None:
    ev = post_one(client, REALTIME, P.v5_ws(P.now_ms()))
    assert ev["variant"] == "v5_ws"
    assert ev["ep_info"]["device_id"] == P.CAM_UUID and ev["ep_info"]["ep_type"] == "rtsp"
    assert ev["person_type"] == 4
    assert_registered(client, "ip:127.0.0.1", P.CAM_UUID)  # camera by its uuid
    # addTime is documented in seconds: converted, raw kept, no warning
    assert ev["times"]["identity_info.addTime"] == {
        "ms": 1594111791000, "unit": "s", "raw": 1594111791,
    }  # fmt: skip
    assert codes(ev) == []


def test_pass_record_keeps_and_shows_ext_info(client: Client) -> None:
    ev = post_one(client, "/gatewatch/platform", P.pass_record(P.now_ms() - 1000))
    assert ev["variant"] == "pass_record"
    assert ev["identity_info"]["ext_info"]["room"] == "1502"
    assert codes(ev) == [W.UNKNOWN_PATH]
    assert_registered(client, "ip:127.0.0.1", P.CAM_UUID)  # sent by the platform


def test_v6_flat_realtime(client: Client) -> None:
    payload = P.v6_ws(P.now_ms())
    ev = post_one(client, REALTIME, payload)
    assert ev["format"] == "2.0" and ev["variant"] == "v6_realtime"
    assert ev["ep_info"]["ep_id"] == P.CAM_UUID
    assert ev["ep_info"]["ep_ip"] == "192.168.1.37"
    assert ev["ep_info"]["ep_type"] == "gb28181"
    assert set(ev["images"]) == {"reg_pic", "recognize_face"}  # register_image is the photo
    assert ev["event_id"] == payload["event_id"]
    assert ev["geometry"]["scene"] == "absent"  # nothing to draw the box on
    assert ev["face_box"] == P.FACE_BOX
    assert codes(ev) == []  # no "media_device_info is missing"
    assert_registered(client, "ip:127.0.0.1", P.CAM_UUID)
    found = client.get_json(f"/api/events?q={payload['event_id']}")
    assert [e["id"] for e in found["events"]] == [ev["id"]]


def test_v5_record_through_the_backfill_function(client: Client) -> None:
    ts_s = P.now_ms() // 1000 - 3600 + 0.25  # exact in binary: no truncation question
    record = P.v5_record(ts_s)
    event = records.record_to_event(record, {"spot_pic": P.SCENE, "recognize_face": P.FACE})
    ev = post_one(client, HISTORY, event)
    assert ev["variant"] == "v5_record" and ev["format"] == "1.0"
    assert ev["timestamp"] == int(ts_s * 1000)
    assert ev["out_timestamp"] == int((ts_s + 0.5) * 1000)
    assert_on_scene(ev, [1272.0, 66.0, 1375.8, 185.5])
    assert ev["event_id"] == record["_id"]
    assert ev["face_attributes"]["gender"] == "male"
    assert ev["ep_info"]["ep_id"] == f"0x{P.MAC_HEX}__192.168.1.38"
    assert codes(ev) == []  # float seconds are what records use: no timestamp_unit
    assert_registered(client, f"mac:{P.MAC_HEX}", f"0x{P.MAC_HEX}__192.168.1.38")


def test_v6_record_with_picture_bytes(client: Client) -> None:
    import base64

    ts_s = P.now_ms() // 1000 - 3600 + 0.25  # exact in binary: no truncation question
    record = P.v6_record(ts_s)
    scene = base64.b64decode(P.SCENE)
    ev = post_one(client, HISTORY, records.record_to_event(record, {"spot_pic": scene}))
    assert ev["variant"] == "v6_record" and ev["format"] == "2.0"
    assert ev["timestamp"] == int(ts_s * 1000)
    assert ev["person_type"] == protocol.VEHICLE and ev["extra"]["user_type"] == "car"
    assert_on_scene(ev, [1272.0, 66.0, 1375.8, 185.5])
    assert ev["ep_info"]["ep_id"] == P.CAM_UUID
    assert codes(ev) == []
    assert_registered(client, "ip:127.0.0.1", P.CAM_UUID)  # a V6 record names no box
    raw = client.get_json(f"/api/events/{ev['id']}/raw")
    assert raw["spot_image"] == P.SCENE and raw["timestamp"] == ts_s


def test_record_posted_as_it_is_still_reads() -> None:
    ts_s = 1_700_000_123.45
    ev = protocol.normalise(P.v5_record(ts_s), received_at=1_700_000_200_000)
    assert ev.timestamp == 1_700_000_123_450 and ev.images == ()
    assert ev.warnings == ()


def test_record_to_event_refuses_a_push() -> None:
    with pytest.raises(ValueError):
        records.record_to_event(P.v2r1_history(1))


# ---------------------------------------------------------------- timestamps


@pytest.mark.parametrize(
    ("factor", "unit"), [(1 / 1000, "s"), (1000, "us")], ids=["seconds", "microseconds"]
)
def test_timestamp_units_are_converted_with_a_warning(
    client: Client, factor: float, unit: str
) -> None:
    ts = P.now_ms()
    payload = P.v1_without_version(ts)
    payload["timestamp"] = ts // 1000 if unit == "s" else ts * 1000
    ev = post_one(client, REALTIME, payload)
    assert abs(ev["timestamp"] - ts) < 1000
    assert ev["times"]["timestamp"]["raw"] == payload["timestamp"]
    assert ev["times"]["timestamp"]["unit"] == unit
    assert codes(ev) == [W.TIMESTAMP_UNIT]  # never also "57 years old"
    [w] = ev["warnings"]
    assert w["field"] == "timestamp" and "stored as milliseconds" in w["message"]


def test_implausible_timestamp_is_stored_as_sent(client: Client) -> None:
    payload = P.v1_without_version(5)
    ev = post_one(client, REALTIME, payload)
    assert ev["timestamp"] == 5 and ev["out_timestamp"] == 405
    assert codes(ev) == [W.TIMESTAMP_UNIT] * 2  # once per field
    assert [w["field"] for w in ev["warnings"]] == ["timestamp", "out_timestamp"]
    assert "stored as sent" in ev["warnings"][0]["message"]


@pytest.mark.parametrize(
    ("value", "ms", "unit"),
    [
        (1_700_000_000, 1_700_000_000_000, "s"),
        # truncated, as the box does when it pushes (never rounded up)
        ("1602612036.3828533", 1_602_612_036_382, "s"),
        (1_700_000_123.4569, 1_700_000_123_456, "s"),
        (1_700_000_123.45, 1_700_000_123_450, "s"),  # no binary-float ...449
        (1_700_000_000_123, 1_700_000_000_123, "ms"),
        (1_628_066_406_652_506, 1_628_066_406_652, "us"),
        (10**17, 10**17, None),  # microseconds giving year 5138: as sent
        (-5, -5, None),
    ],
)
def test_time_units_per_value(value: Any, ms: int, unit: str | None) -> None:
    from gui.core.timeunits import read_time

    read = read_time(value)
    assert read is not None and (read.ms, read.unit) == (ms, unit)
    assert read.plausible is (unit is not None)
    assert read_time(10**30) is None and read_time("x") is None and read_time(True) is None


def test_out_timestamp_unit_per_field() -> None:
    ts = 1_764_000_000_000
    payload = P.v1_without_version(ts)
    payload["out_timestamp"] = ts // 1000 + 1
    ev = protocol.normalise(payload, received_at=ts)
    assert ev.timestamp == ts and ev.out_timestamp == ts + 1000
    assert [(w.code, w.field) for w in ev.warnings] == [(W.TIMESTAMP_UNIT, "out_timestamp")]


# ---------------------------------------------------------------- classification


def test_event_with_gateway_keys_is_an_event(client: Client) -> None:
    payload = P.v1_without_version(P.now_ms() - 1000)
    payload["gateway_sn"] = P.SN
    payload["gateway_ip"] = "192.168.1.19"
    assert protocol.classify(payload) == "event"
    ev = post_one(client, "/DeviceStatus", payload)
    assert ev["identity_id"] == "1602612036.3828533"


def test_v6_camera_report_is_not_an_event() -> None:
    report = {"mq_license_key": P.LICENCE, "sub_devices": [{"media_device_id": P.CAM_UUID}]}
    assert protocol.classify(report) == "report"
    with pytest.raises(protocol.NotAnEvent):
        protocol.normalise(report, received_at=0)


def test_legacy_word_codes() -> None:
    for word in ("gb28181", "file", "card", "photo", "rtsp"):
        ev = protocol.normalise(
            {**P.se3_realtime(1_764_000_000_000), "ext_data": {"device_type": word}},
            received_at=1_764_000_000_000,
        )
        assert ev.ep_info["ep_type"] == word


def test_v6_realtime_is_no_missing_scene_verdict(full_receiver) -> None:
    """V6 real-time events carry no scene by design: no "no scene photo" verdict for them."""
    client = Client(full_receiver.port)
    for i in range(2):
        post_one(client, REALTIME, P.v6_ws(P.now_ms() - i))
    verdicts = client.get_json("/api/verdicts")["verdicts"]
    assert verdicts and not [v for v in verdicts if v["code"] == "no_scene_photo"]
    se3 = P.se3_realtime(P.now_ms())
    del se3["ext_data"]["spot_pic"]  # a box that could send its scene and does not
    post_one(client, REALTIME, se3)
    verdicts = client.get_json("/api/verdicts")["verdicts"]
    assert [v for v in verdicts if v["code"] == "no_scene_photo"]
