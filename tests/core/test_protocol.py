"""Tests for the payload normaliser: samples, the three dialects, warnings and fuzzing."""

from __future__ import annotations

import copy
import json
import math
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gui.core import warnings as W
from gui.core.model import EventWarning, NormalisedEvent
from gui.core.protocol import (
    EVENT_FIELDS,
    INTERLEAVED,
    PAIRS,
    X5Y5,
    NotAnEvent,
    detect_format,
    geometry_warnings,
    looks_like_event,
    looks_like_health_report,
    natural_key,
    normalise,
)

SAMPLES = Path(__file__).resolve().parents[2] / "assets" / "samples"
NOW = 1_764_000_000_000  # the PC clock in tests: the samples' own time
HOUR = 3_600_000

BOX = [1261, 31, 1375, 176]
POINT_X5Y5 = [1293, 1343, 1318, 1296, 1339, 82, 84, 114, 140, 141]
POINT_INTERLEAVED = [1293, 82, 1343, 84, 1318, 114, 1296, 140, 1339, 141]
LANDMARKS = ((1293.0, 82.0), (1343.0, 84.0), (1318.0, 114.0), (1296.0, 140.0), (1339.0, 141.0))
EP_ID = "0xe0a509261422__rtsp://192.168.1.100:8554/ch103"


# ---------------------------------------------------------------- builders


def v1_event(**over: Any) -> dict[str, Any]:
    """A 1.0 event as in the seed document's table."""
    event: dict[str, Any] = {
        "api_version": "1.0",
        "identity_id": "E-1",
        "identity_name": "Ann",
        "identity_info": {"face_ids": ["f-1"], "image_id": "img-1"},
        "timestamp": NOW,
        "out_timestamp": NOW + 400,
        "score": 0.93,
        "want_action": "0",
        "reg_pic": "",
        "spot_pic": "/9j/spot",
        "ir_pic": "",
        "recognize_face": "/9j/face",
        "person_type": 1,
        "ep_info": {
            "ep_id": EP_ID,
            "ep_type": "rtsp",
            "ep_ip": "192.168.1.100",
            "ep_name": "East gate",
            "device_id": "dev-1",
        },
        "dev_sno": "SE3-A1B2C3D4",
        "recognize_face_attr": {"point": list(POINT_X5Y5), "box": list(BOX), "feature": []},
    }
    event.update(over)
    return event


def v2_event(**over: Any) -> dict[str, Any]:
    """The same event as :func:`v1_event`, in the 2.0 (V6) shape."""
    event: dict[str, Any] = {
        "api_version": "2.0",
        "identity_id": "E-1",
        "identity_name": "Ann",
        "identity_info": {"face_ids": ["f-1"], "image_id": "img-1"},
        "in_timestamp": NOW,
        "out_timestamp": NOW + 400,
        "score": 94.8,
        "post_action": "0",
        "reg_image": "",
        "spot_image": "/9j/spot",
        "ir_image": "",
        "recognize_face_image": "/9j/face",
        "user_type": "employee",
        "media_device_info": {
            "media_device_id": EP_ID,
            "media_device_type": "rtsp",
            "media_device_ip": "192.168.1.100",
            "media_device_name": "East gate",
            "media_device_url": "rtsp://192.168.1.100:8554/ch103",
        },
        "device_id": "dev-1",
        "mq_license_key": "SE3-A1B2C3D4",
        "recognize_face_attr": {
            "point": list(POINT_INTERLEAVED),
            "box": list(BOX),
            "feature_binary": "AAEC",
            "feature_base64_str": "AAECAw==",
        },
    }
    event.update(over)
    return event


def legacy_event(ext: dict[str, Any] | None = None, **over: Any) -> dict[str, Any]:
    """A V2R3/V2R4 history event: no api_version, camera data under ext_data."""
    ext_data: dict[str, Any] = {
        "device_ip": "192.168.1.100",
        "ep_id": EP_ID,
        "spot_pic": "/9j/spot",
        "recognize_face": "/9j/face",
        "person_type": 1,
        "device_type": "3",
        "grab_fiqa_info": {"rect": {"left": 1261, "top": 31, "right": 1375, "bottom": 176}},
        "box_fiqa_info": {"fiqa_result": True, "info": {"face_size": 120}, "fails": []},
        "dev_sno": "SE3-A1B2C3D4",
    }
    ext_data.update(ext or {})
    event: dict[str, Any] = {
        "identity_id": "E-1",
        "identity_name": "Ann",
        "group_name": "staff",
        "reg_pic": "/9j/reg",
        "timestamp": NOW,
        "score": 0.93,
        "want_action": "0",
        "ext_data": ext_data,
    }
    event.update(over)
    return event


def norm(obj: Any, **kw: Any) -> NormalisedEvent:
    kw.setdefault("received_at", NOW)
    return normalise(obj, **kw)


def codes(ev: NormalisedEvent) -> list[str]:
    return [w.code for w in ev.warnings]


def warning(ev: NormalisedEvent, code: str) -> EventWarning:
    found = [w for w in ev.warnings if w.code == code]
    assert found, f"no {code} in {ev.warnings}"
    return found[0]


def inside(box: tuple[float, ...], points: tuple[tuple[float, float], ...]) -> bool:
    x1, y1, x2, y2 = box
    return all(x1 <= x <= x2 and y1 <= y <= y2 for x, y in points)


# ---------------------------------------------------------------- samples


SAMPLE_EXPECT = {
    "seed_example.json": (4, "1602612036.3828533", []),
    "employee_match.json": (
        1,
        "E-10086",
        [
            ("spot_pic", ("spot_pic",)),
            ("reg_pic", ("reg_pic",)),
            ("recognize_face", ("recognize_face",)),
            ("ir_pic", ("ir_pic",)),
        ],
    ),
    "stranger.json": (
        4,
        "1764000100.3828533",
        [("spot_pic", ("spot_pic",)), ("recognize_face", ("recognize_face",))],
    ),
    "blacklist.json": (3, "B-0007", [("spot_pic", ("spot_pic",)), ("reg_pic", ("reg_pic",))]),
}


def test_all_samples_are_covered() -> None:
    assert sorted(p.name for p in SAMPLES.glob("*.json")) == sorted(SAMPLE_EXPECT)


@pytest.mark.parametrize("name", sorted(SAMPLE_EXPECT))
def test_sample(name: str) -> None:
    obj = json.loads((SAMPLES / name).read_text(encoding="utf-8"))
    before = copy.deepcopy(obj)
    person_type, identity_id, images = SAMPLE_EXPECT[name]
    ev = normalise(obj, received_at=obj["timestamp"] + 1000, realtime=True)
    assert ev.format == "1.0"
    assert ev.api_version == "1.0"
    assert ev.identity_id == identity_id
    assert ev.identity_name == obj["identity_name"]
    assert ev.timestamp == obj["timestamp"]
    assert ev.out_timestamp == obj["out_timestamp"]
    assert ev.score == pytest.approx(obj["score"])
    assert ev.want_action == obj["want_action"]
    assert ev.person_type == person_type
    assert ev.ep_info == obj["ep_info"]
    assert ev.dev_sno == obj["dev_sno"]
    assert ev.identity_info == obj["identity_info"]
    assert ev.face_box == tuple(float(v) for v in obj["recognize_face_attr"]["box"])
    assert ev.landmark_layout == X5Y5
    assert ev.landmarks is not None and len(ev.landmarks) == 5
    assert inside(ev.face_box, ev.landmarks)
    assert [(i.kind, i.json_path) for i in ev.images] == images
    for image in ev.images:
        assert image.text is obj[image.json_path[0]]  # not copied
    assert ev.warnings == ()
    assert ev.raw is obj
    assert obj == before


def test_seed_landmarks_read_as_five_x_then_five_y() -> None:
    obj = json.loads((SAMPLES / "seed_example.json").read_text(encoding="utf-8"))
    ev = norm(obj)
    assert ev.landmarks == LANDMARKS
    assert ev.identity_info == {}
    assert ev.extra == {}


# ---------------------------------------------------------------- 2.0


def test_v2_maps_onto_v1_names() -> None:
    obj = v2_event()
    ev = norm(obj)
    assert ev.format == "2.0"
    assert ev.api_version == "2.0"
    assert ev.timestamp == NOW
    assert ev.out_timestamp == NOW + 400
    assert ev.want_action == "0"
    assert ev.person_type == 1
    assert ev.score == 94.8  # percentages are kept as sent
    assert ev.dev_sno == "SE3-A1B2C3D4"
    assert ev.ep_info == {
        "ep_id": EP_ID,
        "ep_type": "rtsp",
        "ep_ip": "192.168.1.100",
        "ep_name": "East gate",
        "ep_url": "rtsp://192.168.1.100:8554/ch103",
        "device_id": "dev-1",
    }
    assert ev.recognize_face_attr["feature_base64_str"] == "AAECAw=="
    assert ev.recognize_face_attr["feature_binary"] == "AAEC"
    assert ev.landmark_layout == INTERLEAVED
    assert ev.landmarks == LANDMARKS
    assert [(i.kind, i.json_path) for i in ev.images] == [
        ("spot_pic", ("spot_image",)),
        ("recognize_face", ("recognize_face_image",)),
    ]
    assert ev.warnings == ()


@pytest.mark.parametrize(
    ("user_type", "expected"),
    [
        ("employee", 1),
        ("visitor", 2),
        ("blacklist", 3),
        ("stranger", 4),
        ("vip", 5),
        ("VIP", 5),
        (" Stranger ", 4),
        (3, 3),
        ("2", 2),
    ],
)
def test_v2_user_type(user_type: Any, expected: int) -> None:
    ev = norm(v2_event(user_type=user_type))
    assert ev.person_type == expected
    assert W.UNKNOWN_PERSON_TYPE not in codes(ev)


def test_v2_unknown_user_type_word() -> None:
    ev = norm(v2_event(user_type="alien"))
    assert ev.person_type is None
    w = warning(ev, W.UNKNOWN_PERSON_TYPE)
    assert w.field == "user_type"
    assert "alien" in w.message


def test_v2_without_api_version_is_detected_by_fields() -> None:
    obj = v2_event()
    del obj["api_version"]
    ev = norm(obj)
    assert ev.format == "2.0"
    assert ev.api_version is None
    assert ev.warnings == ()


def test_v2_with_x5y5_points_switches_layout() -> None:
    attr = {"point": list(POINT_X5Y5), "box": list(BOX)}
    ev = norm(v2_event(recognize_face_attr=attr))
    assert ev.landmark_layout == X5Y5
    assert ev.landmarks == LANDMARKS
    assert W.LANDMARKS_OUTSIDE_BOX not in codes(ev)


def test_v1_with_interleaved_points_switches_layout() -> None:
    attr = {"point": list(POINT_INTERLEAVED), "box": list(BOX)}
    ev = norm(v1_event(recognize_face_attr=attr))
    assert ev.landmark_layout == INTERLEAVED
    assert ev.landmarks == LANDMARKS
    assert ev.warnings == ()


def test_landmarks_as_pairs() -> None:
    attr = {"point": [list(p) for p in LANDMARKS], "box": list(BOX)}
    ev = norm(v1_event(recognize_face_attr=attr))
    assert ev.landmark_layout == PAIRS
    assert ev.landmarks == LANDMARKS
    assert ev.warnings == ()


def test_landmarks_without_box_use_the_declared_layout() -> None:
    ev = norm(v2_event(recognize_face_attr={"point": list(POINT_INTERLEAVED)}))
    assert ev.face_box is None
    assert ev.landmark_layout == INTERLEAVED
    assert ev.landmarks == LANDMARKS


# ---------------------------------------------------------------- legacy


def test_legacy_maps_onto_v1_names() -> None:
    obj = legacy_event()
    ev = norm(obj)
    assert ev.format == "legacy"
    assert ev.api_version is None
    assert ev.identity_id == "E-1"
    assert ev.timestamp == NOW
    assert ev.person_type == 1
    assert ev.dev_sno == "SE3-A1B2C3D4"
    assert ev.ep_info == {"ep_id": EP_ID, "ep_ip": "192.168.1.100", "ep_type": "rtsp"}
    assert ev.extra["group_name"] == "staff"
    assert ev.extra["device_type"] == "3"
    assert ev.extra["grab_fiqa_info"] == obj["ext_data"]["grab_fiqa_info"]
    assert ev.extra["box_fiqa_info"]["fiqa_result"] is True
    assert [(i.kind, i.json_path) for i in ev.images] == [
        ("spot_pic", ("ext_data", "spot_pic")),
        ("reg_pic", ("reg_pic",)),
        ("recognize_face", ("ext_data", "recognize_face")),
    ]
    assert ev.face_box == (1261.0, 31.0, 1375.0, 176.0)  # from grab_fiqa_info.rect
    assert ev.landmarks is None
    assert ev.warnings == ()


@pytest.mark.parametrize(
    ("device_type", "ep_type"),
    [("0", "photo"), ("1", "photo"), ("3", "rtsp"), ("4", "photo"), (3, "rtsp"), ("9", None)],
)
def test_legacy_device_type_mapping(device_type: Any, ep_type: str | None) -> None:
    ev = norm(legacy_event({"device_type": device_type}))
    assert ev.ep_info.get("ep_type") == ep_type
    assert ev.extra["device_type"] == device_type
    assert ev.warnings == ()


def test_legacy_person_type_from_ext_data() -> None:
    assert norm(legacy_event({"person_type": 3})).person_type == 3
    assert norm(legacy_event({"person_type": "4"})).person_type == 4


def test_legacy_recognize_face_attr_box_wins_over_fiqa_rect() -> None:
    attr = {"box": [10, 20, 110, 140]}
    ev = norm(legacy_event(recognize_face_attr=attr))
    assert ev.face_box == (10.0, 20.0, 110.0, 140.0)


def test_legacy_landmarks_are_x5y5() -> None:
    ev = norm(legacy_event(recognize_face_attr={"point": list(POINT_X5Y5), "box": list(BOX)}))
    assert ev.landmark_layout == X5Y5
    assert ev.landmarks == LANDMARKS


def test_legacy_bad_fiqa_rect() -> None:
    rect = {"left": 10, "top": "x"}
    ev = norm(legacy_event({"grab_fiqa_info": {"rect": rect}}))
    assert ev.face_box is None
    assert warning(ev, W.BAD_GEOMETRY).field == "ext_data.grab_fiqa_info.rect"


def test_legacy_realtime_variant() -> None:
    obj = legacy_event(device_id="dev-9", identity_info={"face_ids": ["f"]})
    del obj["want_action"]
    ev = norm(obj, realtime=True)
    assert ev.ep_info["device_id"] == "dev-9"
    assert ev.identity_info == {"face_ids": ["f"]}
    assert ev.want_action is None
    assert ev.warnings == ()


def test_legacy_without_ep_id_is_no_warning() -> None:
    """Documented legacy shapes omit ep_id (V2R2–V2R4 history example): nothing to fix."""
    obj = legacy_event()
    del obj["ext_data"]["ep_id"]
    ev = norm(obj)
    assert ev.ep_info.get("ep_id") is None
    assert not [w for w in ev.warnings if w.code == W.MISSING_FIELD]


# ---------------------------------------------------------------- format detection


@pytest.mark.parametrize(
    ("obj", "fmt"),
    [
        ({"api_version": "1.0", "identity_id": "x"}, "1.0"),
        ({"identity_id": "x", "timestamp": 1}, "1.0"),
        ({"api_version": "2.0"}, "2.0"),
        ({"api_version": 2}, "2.0"),
        ({"user_type": "vip"}, "2.0"),
        ({"media_device_info": {}}, "2.0"),
        ({"ext_data": {}}, "legacy"),
        ({"ext_data": {}, "api_version": "1.0"}, "1.0"),
        ({"ext_data": {}, "api_version": "3.1"}, "legacy"),
        ({"api_version": "3.1", "identity_id": "x"}, "1.0"),
    ],
)
def test_detect_format(obj: dict[str, Any], fmt: str) -> None:
    assert detect_format(obj) == fmt


def test_unknown_api_version_warns_and_reads_by_fields() -> None:
    ev = norm(v1_event(api_version="3.1"))
    assert ev.format == "1.0"
    assert ev.api_version == "3.1"
    w = warning(ev, W.UNKNOWN_FORMAT)
    assert "3.1" in w.message
    assert ev.identity_id == "E-1"


# ---------------------------------------------------------------- natural key


def test_same_event_as_v1_v2_and_legacy_has_one_key() -> None:
    k1 = norm(v1_event()).natural_key
    assert norm(v2_event()).natural_key == k1
    assert norm(legacy_event()).natural_key == k1
    assert len(k1) == 40 and int(k1, 16) >= 0


def test_key_is_stable_across_retries_and_realtime() -> None:
    assert norm(v1_event()).natural_key == norm(v1_event(), realtime=True).natural_key
    assert norm(v1_event()).natural_key == norm(v1_event(score=0.5)).natural_key


def test_key_differs_with_timestamp_identity_or_camera() -> None:
    base = norm(v1_event()).natural_key
    assert norm(v1_event(timestamp=NOW + 1)).natural_key != base
    assert norm(v2_event(in_timestamp=NOW + 1)).natural_key != base
    assert norm(v1_event(identity_id="E-2")).natural_key != base
    other_cam = v1_event(ep_info={"ep_id": "cam-2"})
    assert norm(other_cam).natural_key != base


def test_key_uses_normalised_values() -> None:
    assert (
        norm(v1_event(identity_id=42, timestamp=str(NOW))).natural_key
        == norm(v1_event(identity_id="42", timestamp=NOW)).natural_key
    )


def test_key_camera_fallbacks() -> None:
    kw = {"identity_id": "a", "timestamp": 1, "raw": None}
    by_device = natural_key(ep_id=None, device_id="d", dev_sno="s", **kw)
    assert by_device == natural_key(ep_id="", device_id="d", dev_sno=None, **kw)
    by_sno = natural_key(ep_id=None, device_id=None, dev_sno="s", **kw)
    assert by_sno != by_device
    assert natural_key(ep_id=None, device_id=None, dev_sno=None, **kw) != by_sno


def test_key_falls_back_to_raw_json() -> None:
    a = norm({"score": 1, "ep_info": {"ep_id": "c"}})
    b = norm({"ep_info": {"ep_id": "c"}, "score": 1})
    c = norm({"score": 2, "ep_info": {"ep_id": "c"}})
    assert a.natural_key == b.natural_key != c.natural_key


# ---------------------------------------------------------------- warnings


@pytest.mark.parametrize(
    ("drop", "field"),
    [
        ("identity_id", "identity_id"),
        ("timestamp", "timestamp"),
        ("ep_info", "ep_info"),
    ],
)
def test_missing_field(drop: str, field: str) -> None:
    obj = v1_event()
    del obj[drop]
    ev = norm(obj)
    w = warning(ev, W.MISSING_FIELD)
    assert w.field == field
    assert field in w.message


def test_missing_ep_id_and_media_device_id() -> None:
    ev = norm(v1_event(ep_info={"ep_name": "x"}))
    assert warning(ev, W.MISSING_FIELD).field == "ep_info.ep_id"
    ev = norm(v2_event(media_device_info={"media_device_name": "x"}))
    assert warning(ev, W.MISSING_FIELD).field == "media_device_info.media_device_id"
    obj = v2_event()
    del obj["media_device_info"]
    ev = norm(obj)
    assert warning(ev, W.MISSING_FIELD).field == "media_device_info"
    assert ev.ep_info == {"device_id": "dev-1"}
    obj["ep_info"] = {"ep_id": EP_ID}  # a 2.0 box sending 1.0's ep_info: tolerated
    assert norm(obj).ep_info == {"ep_id": EP_ID, "device_id": "dev-1"}
    ev = norm(v2_event(in_timestamp=None))
    assert warning(ev, W.MISSING_FIELD).field == "in_timestamp"


def test_absent_person_type_means_employee_silently() -> None:
    obj = v1_event()
    del obj["person_type"]
    ev = norm(obj)
    assert ev.person_type == 1
    assert ev.warnings == ()


@pytest.mark.parametrize(
    ("field", "value", "path"),
    [
        ("timestamp", "yesterday", "timestamp"),
        ("timestamp", True, "timestamp"),
        ("timestamp", [1], "timestamp"),
        ("timestamp", 10**30, "timestamp"),
        ("score", "high", "score"),
        ("score", float("nan"), "score"),
        ("score", float("inf"), "score"),
        ("score", False, "score"),
        ("identity_name", {"a": 1}, "identity_name"),
        ("identity_id", ["E-1"], "identity_id"),
        ("spot_pic", 5, "spot_pic"),
        ("ep_info", ["cam"], "ep_info"),
        ("identity_info", "x", "identity_info"),
        ("want_action", {"x": 1}, "want_action"),
        ("person_type", [1], "person_type"),
        ("recognize_face_attr", "box", "recognize_face_attr"),
    ],
)
def test_wrong_type(field: str, value: Any, path: str) -> None:
    ev = norm(v1_event(**{field: value}))
    w = warning(ev, W.WRONG_TYPE)
    assert w.field == path
    assert path in w.message
    attr = {
        "identity_info": "identity_info",
        "ep_info": "ep_info",
        "recognize_face_attr": "recognize_face_attr",
    }.get(field)
    if attr:
        assert getattr(ev, attr) == {}
    elif field == "spot_pic":
        assert [i.kind for i in ev.images] == ["recognize_face"]
    else:
        assert getattr(ev, field) is None


def test_wrong_type_in_nested_ep_info() -> None:
    ev = norm(v1_event(ep_info={"ep_id": EP_ID, "ep_name": ["x"]}))
    assert warning(ev, W.WRONG_TYPE).field == "ep_info.ep_name"
    assert ev.ep_info["ep_name"] is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [(str(NOW), NOW), (float(NOW), NOW), (f"{NOW}.0", NOW), (f" {NOW} ", NOW)],
)
def test_timestamp_coercion(value: Any, expected: int) -> None:
    ev = norm(v1_event(timestamp=value))
    assert ev.timestamp == expected
    assert ev.warnings == ()


def test_lenient_coercions() -> None:
    ev = norm(v1_event(score="0.5", identity_id=10086, want_action=1001, person_type="3"))
    assert ev.score == 0.5
    assert ev.identity_id == "10086"
    assert ev.want_action == "1001"
    assert ev.person_type == 3
    assert ev.warnings == ()


@pytest.mark.parametrize("value", [0, 6, 7, -1, "9", "alien", 2.5])
def test_unknown_person_type(value: Any) -> None:
    ev = norm(v1_event(person_type=value))
    assert ev.person_type is None
    w = warning(ev, W.UNKNOWN_PERSON_TYPE)
    assert w.field == "person_type"


def test_timestamp_in_future_says_how_far() -> None:
    ev = norm(v1_event(timestamp=NOW + 8 * HOUR))
    w = warning(ev, W.TIMESTAMP_IN_FUTURE)
    assert w.field == "timestamp"
    assert "8 h" in w.message
    assert w.message == "box clock is 8 h ahead of this PC"


def test_small_clock_skew_is_fine() -> None:
    assert norm(v1_event(timestamp=NOW + 4 * 60_000), realtime=True).warnings == ()
    assert norm(v1_event(timestamp=NOW - 4 * 60_000), realtime=True).warnings == ()


def test_timestamp_in_past_only_for_realtime() -> None:
    old = v1_event(timestamp=NOW - 3 * HOUR)
    assert norm(old).warnings == ()
    w = warning(norm(old, realtime=True), W.TIMESTAMP_IN_PAST)
    assert "3 h" in w.message
    days_old = v1_event(timestamp=NOW - 72 * HOUR)
    assert "3 days" in warning(norm(days_old, realtime=True), W.TIMESTAMP_IN_PAST).message


def test_landmarks_outside_box() -> None:
    point = [1293, 1343, 1318, 1296, 1900, 82, 84, 114, 140, 141]  # last x far right
    ev = norm(v1_event(recognize_face_attr={"point": point, "box": list(BOX)}))
    w = warning(ev, W.LANDMARKS_OUTSIDE_BOX)
    assert w.field == "recognize_face_attr.point"
    assert "1 of the 5" in w.message
    assert ev.landmark_layout == X5Y5
    assert ev.landmarks is not None and ev.landmarks[4] == (1900.0, 141.0)


def test_landmarks_just_outside_box_are_tolerated() -> None:
    point = [1259, 1343, 1318, 1296, 1380, 82, 84, 114, 140, 178]  # within 10 % of the box
    ev = norm(v1_event(recognize_face_attr={"point": point, "box": list(BOX)}))
    assert ev.warnings == ()


@pytest.mark.parametrize(
    ("attr", "field"),
    [
        ({"box": [100, 100, 50, 200]}, "recognize_face_attr.box"),
        ({"box": [100, 100, 200, 100]}, "recognize_face_attr.box"),
        ({"box": [1, 2, 3]}, "recognize_face_attr.box"),
        ({"box": [1, 2, "3", 4]}, "recognize_face_attr.box"),
        ({"box": [1, 2, True, 4]}, "recognize_face_attr.box"),
        ({"box": [1, 2, float("nan"), 4]}, "recognize_face_attr.box"),
        ({"box": list(BOX), "point": [1, 2, 3]}, "recognize_face_attr.point"),
        ({"box": list(BOX), "point": [[1, 2]] * 4}, "recognize_face_attr.point"),
        ({"box": list(BOX), "point": [[1, 2, 3]] * 5}, "recognize_face_attr.point"),
        ({"box": list(BOX), "point": [None] * 10}, "recognize_face_attr.point"),
    ],
)
def test_bad_geometry(attr: dict[str, Any], field: str) -> None:
    ev = norm(v1_event(recognize_face_attr=attr))
    w = warning(ev, W.BAD_GEOMETRY)
    assert w.field == field
    if field.endswith("box"):
        assert ev.face_box is None
    else:
        assert ev.landmarks is None and ev.landmark_layout is None


def test_empty_geometry_is_no_geometry() -> None:
    ev = norm(v1_event(recognize_face_attr={"box": [], "point": []}))
    assert ev.face_box is None and ev.landmarks is None
    assert ev.warnings == ()


def test_geometry_warnings_box_outside_picture() -> None:
    box = (1261.0, 31.0, 1375.0, 176.0)
    [w] = geometry_warnings(box, LANDMARKS, (640, 480))
    assert w.code == W.BOX_OUTSIDE_PICTURE
    assert w.field == "recognize_face_attr.box"
    assert "640x480" in w.message
    assert geometry_warnings(box, LANDMARKS, (1920, 1080)) == []
    assert geometry_warnings(box, LANDMARKS, None) == []
    assert geometry_warnings(None, None, (640, 480)) == []
    [w] = geometry_warnings((-20.0, 0.0, 10.0, 10.0), None, (640, 480), box_field="x.rect")
    assert w.field == "x.rect"


def test_geometry_warnings_landmarks_outside_picture() -> None:
    [w] = geometry_warnings(None, LANDMARKS, (640, 480))
    assert w.code == W.LANDMARKS_OUTSIDE_PICTURE
    assert "5 of the 5" in w.message


def test_empty_image_is_no_image_and_no_warning() -> None:
    ev = norm(v1_event(spot_pic="", recognize_face=None))
    assert ev.images == ()
    assert ev.warnings == ()


# ---------------------------------------------------------------- not an event


@pytest.mark.parametrize("obj", [[], "x", 5, None, {}, {"foo": 1}, 1.5, True, [{"score": 1}]])
def test_not_an_event(obj: Any) -> None:
    with pytest.raises(NotAnEvent) as info:
        norm(obj)
    assert str(info.value)
    assert isinstance(info.value, ValueError)
    assert not looks_like_event(obj)


def test_health_report_is_not_an_event() -> None:
    report = {
        "gateway_ip": "192.168.1.10 10.0.0.2",
        "gateway_status": "online",
        "dev_sno": "SE3-A1B2C3D4",
        "sub_devices": [{"ep_id": "x__1.2.3.4", "ep_status": "online"}],
    }
    assert looks_like_health_report(report)
    assert not looks_like_event(report)
    with pytest.raises(NotAnEvent, match="health report"):
        norm(report)
    assert not looks_like_health_report(v1_event())
    assert not looks_like_health_report([report])


def test_every_event_field_is_enough() -> None:
    for key in EVENT_FIELDS:
        assert looks_like_event({key: None})
        assert isinstance(norm({key: None}), NormalisedEvent)


# ---------------------------------------------------------------- warnings module


def test_make_fills_template() -> None:
    w = W.make(W.WRONG_TYPE, "score", expected="a number", got="a list")
    assert w == EventWarning(W.WRONG_TYPE, "score should be a number but is a list", "score")
    assert W.make(W.FORM_DATA).message == "body came as form-data, not JSON"


def test_make_never_raises() -> None:
    assert W.make("no_such_code").message == "no_such_code"
    assert "?" in W.make(W.WRONG_TYPE, "x").message  # missing params


def test_every_code_has_a_message() -> None:
    constants = {v for k, v in vars(W).items() if k.isupper() and isinstance(v, str)}
    assert constants == set(W.MESSAGES)


# ---------------------------------------------------------------- fuzzing

json_scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=12)
)
json_values = st.recursive(
    json_scalars,
    lambda children: (
        st.lists(children, max_size=6) | st.dictionaries(st.text(max_size=8), children, max_size=6)
    ),
    max_leaves=30,
)
SUBKEYS = [
    "ep_id", "ep_type", "ep_ip", "ep_name", "device_id", "device_ip", "device_type",
    "media_device_id", "media_device_url", "spot_pic", "recognize_face", "person_type",
    "dev_sno", "grab_fiqa_info", "rect", "left", "top", "right", "bottom", "box", "point",
    "face_ids",
]  # fmt: skip
TOP_KEYS = sorted(EVENT_FIELDS | {"dev_sno", "device_id"})
geometry = st.lists(st.integers(-5, 3000) | st.floats(), min_size=0, max_size=11)
known_values = st.recursive(
    json_scalars | geometry,
    lambda children: (
        st.lists(children, max_size=6)
        | st.dictionaries(st.sampled_from(SUBKEYS) | st.text(max_size=4), children, max_size=6)
    ),
    max_leaves=30,
)
known_events = st.dictionaries(st.sampled_from(TOP_KEYS), known_values, min_size=1, max_size=14)


def check_outcome(obj: Any, realtime: bool) -> None:
    before = copy.deepcopy(obj)
    try:
        ev = normalise(obj, received_at=NOW, realtime=realtime)
    except NotAnEvent:
        assert not looks_like_event(obj)
        return
    assert isinstance(ev, NormalisedEvent)
    assert ev.raw is obj
    assert repr(obj) == repr(before)  # not mutated (repr: NaN != NaN)
    assert ev.format in ("1.0", "legacy", "2.0")
    assert len(ev.natural_key) == 40
    if ev.face_box is not None:
        assert len(ev.face_box) == 4 and all(math.isfinite(v) for v in ev.face_box)
        assert ev.face_box[0] < ev.face_box[2] and ev.face_box[1] < ev.face_box[3]
    if ev.landmarks is not None:
        assert len(ev.landmarks) == 5
        assert ev.landmark_layout in (X5Y5, INTERLEAVED, PAIRS)
    for t in (ev.timestamp, ev.out_timestamp):
        assert t is None or (isinstance(t, int) and -(2**63) <= t < 2**63)
    assert ev.score is None or math.isfinite(ev.score)
    assert ev.person_type is None or 1 <= ev.person_type <= 5
    for value in (ev.identity_id, ev.identity_name, ev.want_action, ev.dev_sno):
        assert value is None or isinstance(value, str)
    for image in ev.images:
        assert isinstance(image.text, str) and image.text
    for w in ev.warnings:
        assert w.code in W.MESSAGES and isinstance(w.message, str)
    json.dumps(
        {
            "face_box": ev.face_box,
            "landmarks": ev.landmarks,
            "score": ev.score,
            "timestamp": ev.timestamp,
            "warnings": [w.to_json() for w in ev.warnings],
        },
        allow_nan=False,
    )
    json.dumps({"ep_info": ev.ep_info, "extra": ev.extra, "attr": ev.recognize_face_attr})
    geometry_warnings(ev.face_box, ev.landmarks, (640, 480))


@settings(max_examples=300, deadline=None)
@given(json_values, st.booleans())
def test_fuzz_any_json_value(obj: Any, realtime: bool) -> None:
    check_outcome(obj, realtime)


@settings(max_examples=500, deadline=None)
@given(known_events, st.booleans())
def test_fuzz_known_keys(obj: dict[str, Any], realtime: bool) -> None:
    check_outcome(obj, realtime)


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from([v1_event, v2_event, legacy_event]),
    st.sampled_from(
        ["identity_id", "timestamp", "in_timestamp", "score", "ep_info", "media_device_info",
         "ext_data", "recognize_face_attr", "person_type", "user_type", "api_version"]
    ),
    known_values,
)  # fmt: skip
def test_fuzz_one_field_of_a_valid_event(builder: Any, key: str, value: Any) -> None:
    obj = builder()
    obj[key] = value
    check_outcome(obj, realtime=True)
