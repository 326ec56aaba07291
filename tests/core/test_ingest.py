"""Ingest over real HTTP: every sample and shape, batches, forms, bad input, duplicates."""

from __future__ import annotations

import base64
import copy
import io
import json
import sqlite3
import time
import uuid
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from PIL import Image

from tests.conftest import SAMPLE_NAMES, Client, load_sample

HISTORY = "/EventServer/api/HistoryEvent"
REALTIME = "/EventServer/api/RealTimeEvent"


def unique(sample: dict[str, Any], n: int) -> dict[str, Any]:
    ev = copy.deepcopy(sample)
    ev["timestamp"] = sample["timestamp"] + n
    ev["identity_id"] = f"{sample['identity_id']}-{n}"
    return ev


def to_v2(ev: dict[str, Any]) -> dict[str, Any]:
    """The same event in the 2.0 shape (PROTOCOL.md's renamed fields)."""
    attr = dict(ev["recognize_face_attr"])
    xs, ys = attr["point"][:5], attr["point"][5:]
    attr["point"] = [v for pair in zip(xs, ys, strict=True) for v in pair]
    attr.pop("feature", None)
    attr["feature_base64_str"] = ""
    words = {1: "employee", 2: "visitor", 3: "blacklist", 4: "stranger", 5: "vip"}
    ep = ev["ep_info"]
    return {
        "api_version": "2.0",
        "identity_id": ev["identity_id"],
        "identity_name": ev["identity_name"],
        "identity_info": ev["identity_info"],
        "in_timestamp": ev["timestamp"],
        "out_timestamp": ev["out_timestamp"],
        "score": round(ev["score"] * 100, 1),
        "post_action": ev["want_action"],
        "user_type": words[ev["person_type"]],
        "media_device_info": {
            "media_device_id": ep["ep_id"],
            "media_device_type": ep["ep_type"],
            "media_device_ip": ep["ep_ip"],
            "media_device_name": ep["ep_name"],
            "media_device_url": "rtsp://example/ch1",
        },
        "device_id": ep["device_id"],
        "mq_license_key": ev["dev_sno"],
        "reg_image": ev["reg_pic"],
        "spot_image": ev["spot_pic"],
        "ir_image": ev["ir_pic"],
        "recognize_face_image": ev["recognize_face"],
        "recognize_face_attr": attr,
    }


def to_legacy(ev: dict[str, Any]) -> dict[str, Any]:
    return {
        "identity_id": ev["identity_id"],
        "identity_name": ev["identity_name"],
        "group_name": "staff",
        "reg_pic": ev["reg_pic"],
        "timestamp": ev["timestamp"],
        "score": ev["score"],
        "want_action": ev["want_action"],
        "ext_data": {
            "device_ip": ev["ep_info"]["ep_ip"],
            "ep_id": ev["ep_info"]["ep_id"],
            "spot_pic": ev["spot_pic"],
            "recognize_face": ev["recognize_face"],
            "person_type": ev["person_type"],
            "device_type": "0",
            "dev_sno": ev["dev_sno"],
            "box_fiqa_info": {"fiqa_result": True, "info": {"face_size": 120}, "fails": []},
        },
    }


def events(client: Client, **params: Any) -> list[dict[str, Any]]:
    qs = "&".join(f"{k}={v}" for k, v in params.items())
    return client.get_json(f"/api/events?{qs}")["events"]


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_every_sample_is_stored_and_served_back(client: Client, name: str) -> None:
    sample = load_sample(name)
    reply = client.post_json(HISTORY, sample)
    assert reply.status == 200
    body = reply.json()
    assert body["code"] == 0 and body["status"] == 0 and body["message"] == "SUCCESS"
    event_id = body["events"][0]["id"]

    event = client.get_json(f"/api/events/{event_id}")
    assert event["identity_id"] == sample["identity_id"]
    assert event["identity_name"] == sample["identity_name"]
    assert event["person_type"] == sample["person_type"]
    assert event["score"] == sample["score"]
    assert event["timestamp"] == sample["timestamp"]
    assert event["ep_info"]["ep_id"] == sample["ep_info"]["ep_id"]
    assert event["format"] == "1.0"
    assert event["landmark_layout"] == "x5y5"
    assert event["face_box"] == [float(v) for v in sample["recognize_face_attr"]["box"]]
    sent_kinds = {k for k in ("spot_pic", "reg_pic", "recognize_face", "ir_pic") if sample.get(k)}
    assert set(event["images"]) == sent_kinds
    # /raw gives back the same JSON value as received
    assert client.get_json(f"/api/events/{event_id}/raw") == sample


def test_images_are_served_with_content_type_thumbnail_and_overlay(client: Client) -> None:
    sample = load_sample("employee_match")
    event_id = client.post_json(HISTORY, sample).json()["events"][0]["id"]
    original = base64.b64decode(sample["spot_pic"])

    reply = client.get(f"/api/events/{event_id}/images/spot_pic")
    assert reply.status == 200
    assert reply.headers["Content-Type"] == "image/jpeg"
    assert reply.body == original

    thumb = Image.open(
        io.BytesIO(client.get(f"/api/events/{event_id}/images/spot_pic?thumb=1").body)
    )
    assert max(thumb.size) <= 256 and thumb.format == "JPEG"

    drawn = client.get(f"/api/events/{event_id}/images/spot_pic?overlay=1")
    assert drawn.status == 200
    img = Image.open(io.BytesIO(drawn.body)).convert("RGB")
    assert img.size == (1920, 1080)
    # the left edge of the face box is painted in the employee colour (green)
    x1, y1, _x2, y2 = sample["recognize_face_attr"]["box"]
    r, g, b = img.getpixel((x1, (y1 + y2) // 2))
    assert g > 100 and g > r + 40 and g > b + 40

    assert client.get(f"/api/events/{event_id}/images/ir_pic").status == 200
    missing = client.get(f"/api/events/{event_id}/images/nope")
    assert missing.status == 404 and "not found" in missing.json()["message"]


def test_all_three_shapes_normalise_to_the_same_fields(client: Client) -> None:
    base = load_sample("employee_match")
    v1 = unique(base, 1)
    v2 = to_v2(unique(base, 2))
    legacy = to_legacy(unique(base, 3))
    ids = [client.post_json(HISTORY, ev).json()["events"][0]["id"] for ev in (v1, v2, legacy)]
    got = [client.get_json(f"/api/events/{i}") for i in ids]
    assert [e["format"] for e in got] == ["1.0", "2.0", "legacy"]
    assert got[1]["score"] == pytest.approx(93.0)  # stored as sent: 2.0 is a percentage
    assert got[1]["landmark_layout"] == "interleaved"
    assert got[1]["landmarks"] == got[0]["landmarks"]
    assert got[1]["want_action"] == "0" and got[1]["person_type"] == 1
    assert got[1]["dev_sno"] == base["dev_sno"]
    assert set(got[1]["images"]) == {"spot_pic", "reg_pic", "recognize_face", "ir_pic"}
    assert got[2]["ep_info"]["ep_id"] == base["ep_info"]["ep_id"]
    assert got[2]["extra"]["group_name"] == "staff"
    assert set(got[2]["images"]) == {"spot_pic", "reg_pic", "recognize_face"}
    assert client.get_json(f"/api/events/{ids[1]}/raw") == v2
    assert client.get_json(f"/api/events/{ids[2]}/raw") == legacy


def test_the_same_event_in_1_0_and_2_0_is_one_event(client: Client) -> None:
    base = load_sample("blacklist")
    first = client.post_json(HISTORY, base).json()["events"][0]
    second = client.post_json(HISTORY, to_v2(base)).json()["events"][0]
    assert second["id"] == first["id"]
    assert len(events(client)) == 1


def test_batch_of_100_is_stored_in_one_request(client: Client) -> None:
    base = load_sample("stranger")
    batch = [unique(base, n) for n in range(100)]
    reply = client.post_json(HISTORY, batch)
    assert reply.status == 200
    assert [e["result"] for e in reply.json()["events"]] == ["new"] * 100
    assert len(events(client, limit=1000)) == 100


def test_retried_batch_stores_nothing_twice_and_still_succeeds(client: Client) -> None:
    batch = [unique(load_sample("seed_example"), n) for n in range(5)]
    assert client.post_json(HISTORY, batch).status == 200
    again = client.post_json(HISTORY, batch)
    assert again.status == 200 and again.json()["code"] == 0
    assert [e["result"] for e in again.json()["events"]] == ["duplicate"] * 5
    assert len(events(client)) == 5


def test_batch_with_bad_elements_keeps_the_good_ones(client: Client) -> None:
    good = load_sample("seed_example")
    reply = client.post_json(HISTORY, [good, 42, {"foo": 1}])
    assert reply.status == 200
    body = reply.json()
    assert len(body["events"]) == 1
    assert [r["index"] for r in body["rejected"]] == [1, 2]
    assert all(r["message"] for r in body["rejected"])


def test_realtime_then_history_copy_fills_in_the_scene_photo(client: Client) -> None:
    full = load_sample("employee_match")
    lean = copy.deepcopy(full)
    lean["spot_pic"] = ""
    lean["timestamp"] = int(time.time() * 1000)  # real-time pushes are fresh
    full["timestamp"] = lean["timestamp"]
    first = client.post_json(REALTIME, lean).json()["events"][0]
    assert first["result"] == "new"
    assert "spot_pic" not in client.get_json(f"/api/events/{first['id']}")["images"]
    second = client.post_json(HISTORY, full).json()["events"][0]
    assert second == {**second, "id": first["id"], "result": "merged"}
    event = client.get_json(f"/api/events/{first['id']}")
    assert "spot_pic" in event["images"]
    assert client.get_json(f"/api/events/{first['id']}/raw") == full
    assert len(events(client)) == 1


def test_form_data_and_urlencoded_bodies(client: Client) -> None:
    sample = unique(load_sample("stranger"), 7)
    fields = {
        key: json.dumps(value, ensure_ascii=False) if isinstance(value, dict | list) else str(value)
        for key, value in sample.items()
    }
    reply = client.post_form(HISTORY, fields, boundary=uuid.uuid4().hex)
    assert reply.status == 200, reply.body
    event = client.get_json(f"/api/events/{reply.json()['events'][0]['id']}")
    assert event["identity_id"] == sample["identity_id"]
    assert event["timestamp"] == sample["timestamp"]
    assert event["person_type"] == 4
    assert event["ep_info"]["ep_name"] == sample["ep_info"]["ep_name"]
    assert "spot_pic" in event["images"]

    from urllib.parse import urlencode

    small = unique(load_sample("seed_example"), 8)
    form = urlencode(
        {k: json.dumps(v) if isinstance(v, dict | list) else v for k, v in small.items()}
    ).encode()
    reply = client.request(
        "POST", HISTORY, form, {"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert reply.status == 200, reply.body
    event = client.get_json(f"/api/events/{reply.json()['events'][0]['id']}")
    assert event["identity_id"] == small["identity_id"]
    assert event["face_box"] == [1261.0, 31.0, 1375.0, 176.0]


def test_json_with_a_wrong_content_type_is_still_json(client: Client) -> None:
    reply = client.post_json(HISTORY, load_sample("seed_example"), content_type="text/plain")
    assert reply.status == 200
    reply = client.request("POST", HISTORY, json.dumps(load_sample("blacklist")).encode())
    assert reply.status == 200


@pytest.mark.parametrize(
    ("body", "code", "words"),
    [
        (b"", 4001, "empty"),
        (b"   \n", 4001, "empty"),
        (b"{not json", 4002, "not JSON"),
        (b"\xff\xfe\x00garbage", 4002, "not JSON"),
        (b'"a string"', 4003, "str"),
        (b"42", 4003, "int"),
        (b"null", 4003, "NoneType"),
        (b"[]", 4004, "empty array"),
        (b'{"foo": 1, "bar": [2]}', 4005, ""),
        (b"[1, 2, 3]", 4006, "no event"),
        (b'[{"foo": 1}, "x"]', 4006, "no event"),
    ],
)
def test_bodies_that_are_not_events_get_400_saying_why(
    client: Client, body: bytes, code: int, words: str
) -> None:
    reply = client.request("POST", HISTORY, body, {"Content-Type": "application/json"})
    assert reply.status == 400
    data = reply.json()
    assert data["code"] == code != 0
    assert words.lower() in data["message"].lower()
    assert events(client) == []


def test_warnings_never_reject_and_are_structured(client: Client) -> None:
    ev = load_sample("seed_example")
    ev["person_type"] = 9
    ev["timestamp"] = int(time.time() * 1000) + 8 * 3600 * 1000  # box clock 8 h ahead
    ev["score"] = "high"
    ev["spot_pic"] = "!!!not base64!!!"
    reply = client.post_json(HISTORY, ev)
    assert reply.status == 200
    codes = set(reply.json()["events"][0]["warnings"])
    assert {"unknown_person_type", "timestamp_in_future", "wrong_type", "bad_base64"} <= codes
    event = client.get_json(f"/api/events/{reply.json()['events'][0]['id']}")
    future = next(w for w in event["warnings"] if w["code"] == "timestamp_in_future")
    assert set(future) == {"code", "field", "message"} and "8 h" in future["message"]
    # a string that was not a valid image comes back from /raw as it came
    assert client.get_json(f"/api/events/{event['id']}/raw")["spot_pic"] == "!!!not base64!!!"


def test_box_outside_a_small_snapshot_is_flagged_not_fatal(client: Client) -> None:
    ev = unique(load_sample("stranger"), 3)
    small = io.BytesIO()
    Image.new("RGB", (320, 240), "grey").save(small, "JPEG")
    ev["spot_pic"] = base64.b64encode(small.getvalue()).decode()
    reply = client.post_json(HISTORY, ev)
    assert reply.status == 200
    assert "box_outside_picture" in reply.json()["events"][0]["warnings"]


def test_unknown_path_is_stored_with_a_warning(client: Client) -> None:
    reply = client.post_json("/my/typo/path", load_sample("stranger"))
    assert reply.status == 200
    event = client.get_json(f"/api/events/{reply.json()['events'][0]['id']}")
    assert event["path"] == "/my/typo/path"
    assert [w for w in event["warnings"] if w["code"] == "unknown_path"]


def test_wrong_method_and_unknown_get_are_json_errors(client: Client) -> None:
    reply = client.get(HISTORY)
    assert reply.status == 405 and "POST" in reply.json()["message"]
    reply = client.get("/nothing/here")
    assert reply.status == 404 and reply.json()["code"] != 0
    assert client.get("/").status == 200


def test_realtime_paths_flag_old_events_history_paths_do_not(client: Client) -> None:
    old = unique(load_sample("seed_example"), 1)  # 2020
    assert "timestamp_in_past" in client.post_json(REALTIME, old).json()["events"][0]["warnings"]
    old2 = unique(load_sample("seed_example"), 2)
    assert (
        "timestamp_in_past" not in client.post_json(HISTORY, old2).json()["events"][0]["warnings"]
    )


def test_device_status_updates_the_registry(client: Client) -> None:
    report = {
        "gateway_ip": "192.168.1.19 10.0.0.19",
        "gateway_name": "SE3 north gate",
        "gateway_status": "online",
        "gateway_sn": "SE3-A1B2C3D4",
        "gateway_ext_data": {
            "sw_version": "V6R2",
            "sdk_version": "2.7",
            "cpu_info": {"cpu_rate": 0.31},
            "temperature": 51,
        },
        "sub_devices": [
            {"ep_id": "SE3-A1B2C3D4__192.168.1.100", "ep_name": "东门", "ep_ip": "192.168.1.100",
             "ep_status": "online", "ep_type": "rtsp"},
            {"ep_id": "SE3-A1B2C3D4__192.168.1.101", "ep_name": "West", "ep_ip": "192.168.1.101",
             "ep_status": "offline", "ep_type": "photo"},
        ],
    }  # fmt: skip
    reply = client.post_json("/DeviceStatus", report)
    assert reply.status == 200 and reply.json()["code"] == 0
    client.post_json(HISTORY, load_sample("employee_match"))
    devices = client.get_json("/api/devices")
    box = next(b for b in devices["boxes"] if b["sn"] == "SE3-A1B2C3D4")
    assert box["name"] == "SE3 north gate"
    assert box["ips"] == ["192.168.1.19", "10.0.0.19"]
    assert box["health"]["gateway_ext_data"]["sw_version"] == "V6R2"
    assert box["event_count"] == 1 and box["last_event_at"]
    cams = {c["ep_id"]: c for c in devices["cameras"]}
    assert cams["SE3-A1B2C3D4__192.168.1.101"]["status"] == "offline"
    assert cams["SE3-A1B2C3D4__192.168.1.100"]["name"] == "东门"
    east = cams["0xe0a509261422__rtsp://192.168.1.100:8554/ch103"]
    assert east["event_count"] == 1 and east["name"] == "东门闸机 East gate"


def test_every_request_is_in_the_request_log(client: Client, receiver: Any) -> None:
    client.post_json(HISTORY, load_sample("seed_example"))
    client.request("POST", HISTORY, b"{broken", {"Content-Type": "application/json"})
    client.get("/HistoryEvent")
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        rows = client.get_json("/api/requests?limit=10")["requests"]
        if len(rows) >= 3:
            break
        time.sleep(0.05)
    statuses = [r["status"] for r in rows]
    assert statuses == [405, 400, 200]
    bad = rows[1]
    assert bad["reply"]["code"] == 4002 and bad["source_ip"] == "127.0.0.1"
    assert bad["method"] == "POST" and bad["path"] == HISTORY
    conn = sqlite3.connect(receiver.store.path)
    body = conn.execute("SELECT body FROM requests WHERE id = ?", (bad["id"],)).fetchone()[0]
    assert body == b"{broken"
    conn.close()


def test_allow_list_refuses_other_sources(tmp_path) -> None:
    from gui.core.receiver import Receiver, ReceiverConfig, ReceiverThread

    rec = Receiver(
        ReceiverConfig(data_dir=tmp_path, port=0, bind="127.0.0.1", allow=["10.0.0.0/8"])
    )
    thread = ReceiverThread(rec)
    thread.start()
    try:
        reply = Client(rec.port).post_json(HISTORY, load_sample("seed_example"))
        assert reply.status == 403 and "allowed" in reply.json()["message"]
        assert Client(rec.port).get_json("/api/health")["events"] == 0
    finally:
        thread.stop()


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=5)
        | st.dictionaries(
            st.sampled_from(
                [
                    "identity_id",
                    "timestamp",
                    "spot_pic",
                    "ep_info",
                    "person_type",
                    "recognize_face_attr",
                    "box",
                    "point",
                    "ext_data",
                    "api_version",
                    "user_type",
                    "media_device_info",
                    "x",
                ]
            )
            | st.text(max_size=8),
            children,
            max_size=6,
        )
    ),
    max_leaves=30,
)


@settings(max_examples=300, deadline=None)
@given(json_values)
@example({"deviceSN": None})  # a report by its key, whatever the value
def test_any_json_body_becomes_events_a_report_or_a_400_never_an_exception(value: Any) -> None:
    from gui.core import health, ingest, protocol

    body = json.dumps(value).encode()
    try:
        parsed = ingest.parse_body(body, "application/json", None)
        prepared = ingest.prepare(parsed, path=HISTORY, received_at=1_764_000_000_000)
    except ingest.BadBody as exc:
        assert exc.code != 0 and exc.message
        return
    if prepared.health_report is not None:
        # Reports are told by their keys (FIRMWARE_VARIANTS.md 5), e.g. {"deviceSN": null}:
        # stored as the box's report, which must read and serialise whatever its values.
        if prepared.events:  # an event that carries report keys: its report part
            assert prepared.health_report == protocol.health_report_part(value)
        else:
            assert protocol.looks_like_health_report(value)
        json.dumps(health.normalise_report(prepared.health_report).to_json())
        json.dumps(prepared.health_report, ensure_ascii=False)
        if not prepared.events:
            return
    assert prepared.events
    for p in prepared.events:
        json.dumps([w.to_json() for w in p.warnings])


def test_port_zero_on_every_interface_gives_one_port_for_all_sockets(tmp_path) -> None:
    from gui.core.receiver import Receiver, ReceiverConfig, ReceiverThread

    rec = Receiver(ReceiverConfig(data_dir=tmp_path, port=0, bind=""))
    thread = ReceiverThread(rec)
    thread.start()
    try:
        assert Client(rec.port).get_json("/api/health")["status"] == "ok"
        ports = {s.getsockname()[1] for s in rec._site._server.sockets}
        assert ports == {rec.port}
    finally:
        thread.stop()


def test_self_test_events_do_not_register_devices(client: Client) -> None:
    body = json.dumps(load_sample("blacklist")).encode()
    reply = client.request(
        "POST", HISTORY, body,
        {"Content-Type": "application/json", "X-Gatewatch-Self-Test": "1"},
    )  # fmt: skip
    assert reply.status == 200
    assert client.get_json(f"/api/events/{reply.json()['events'][0]['id']}")["self_test"]
    assert client.get_json("/api/devices") == {"boxes": [], "cameras": []}


def test_allow_list_and_loopback_see_ipv4_through_dual_stack_sockets() -> None:
    from gui.core import server

    nets = server.parse_networks(["10.0.0.0/8"])
    assert server._ip_in("::ffff:10.1.2.3", nets) and server._ip_in("10.1.2.3", nets)
    assert not server._ip_in("::ffff:192.168.1.9", nets) and not server._ip_in("garbage", nets)
    assert server.is_loopback("::ffff:127.0.0.1") and server.is_loopback("::1")
    assert not server.is_loopback("") and not server.is_loopback("192.168.1.9")
