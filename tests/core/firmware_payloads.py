"""Payloads of every documented firmware variant (FIRMWARE_VARIANTS.md), built from its tables.

Pictures are the samples' real JPEGs so geometry can be checked on them: the
scene is 1920x1080 with the face at about (1272, 66)–(1376, 186); the face crop
is 104x120 (tests read the sizes from the decoded pictures).
"""

from __future__ import annotations

import time
from typing import Any

from tests.conftest import load_sample

_SAMPLE = load_sample("employee_match")
SCENE = _SAMPLE["spot_pic"]
FACE = _SAMPLE["recognize_face"]
REG = _SAMPLE["reg_pic"]
IR = _SAMPLE["ir_pic"]
FACE_BOX = [1272, 66, 1376, 186]
FACE_RECT = {"left": 1272, "top": 66, "right": 1376, "bottom": 186}
REL_RECT = {"left": 10, "top": 12, "right": 90, "bottom": 110}

LICENCE = "ZKZCPI000120190807142601"  # 24-char licence code (dev_sno)
SN = "HQDZKE5BJJFJH0047"  # hardware SN (gateway_sn)
MAC = "e0:a5:09:26:14:22"
MAC_HEX = "e0a509261422"
CAM_UUID = "6a0c2f4e-1b2d-4c3e-9f00-0123456789ab"


def now_ms() -> int:
    return time.time_ns() // 1_000_000


def v2r1_history(ts: int) -> dict[str, Any]:
    return {
        "identity_id": "E-1", "identity_name": "Ann", "group_name": "staff", "reg_pic": REG,
        "timestamp": ts, "score": 0.78,
        "ext_data": {"device_ip": "192.168.1.31", "ep_id": f"{LICENCE}__192.168.1.31",
                     "spot_pic": SCENE, "person_type": 1, "device_type": "2",
                     "dev_sno": LICENCE},
    }  # fmt: skip


def v2r1_realtime(ts: int) -> dict[str, Any]:
    event = v2r1_history(ts)
    del event["ext_data"]["ep_id"], event["ext_data"]["dev_sno"]
    return event


def se3_realtime(ts: int) -> dict[str, Any]:
    return {
        "identity_id": "E-2", "identity_name": "Bo", "group_name": "staff", "reg_pic": REG,
        "timestamp": ts, "score": 0.62,
        "ext_data": {"device_ip": "192.168.1.32", "spot_pic": SCENE, "recognize_face": FACE,
                     "person_type": 1, "device_type": "0", "grab_fiqa_info": {},
                     "box_fiqa_info": {}},
    }  # fmt: skip


def legacy_full_fiqa(ts: int) -> dict[str, Any]:
    return {
        "identity_id": "E-3", "identity_name": "Cy", "group_name": "staff", "reg_pic": REG,
        "timestamp": ts, "score": 0.23,
        "ext_data": {
            "device_ip": "192.168.1.33", "ep_id": f"{LICENCE}__192.168.1.33",
            "dev_sno": LICENCE, "spot_pic": SCENE, "recognize_face": FACE, "person_type": 1,
            "device_type": "1",
            "grab_fiqa_info": {"rect": FACE_RECT, "rel_rect": REL_RECT, "eye_dist": 40,
                               "pitch": 0, "yaw": 0, "roll": 0, "confidence": 0.99,
                               "face_id": 7, "age": 4, "sex": 1},
            "box_fiqa_info": {"age": 4, "sex": 1,
                              "info": {"face_size": 255.0, "clarity": 0.8,
                                       "headpose": {"roll_angle": 1.5, "pitch_angle": -2.0,
                                                    "yaw_angle": 3.25},
                                       "partial": 0, "brightness": 120},
                              "fiqa_result": True, "success": [], "fails": []},
        },
    }  # fmt: skip


def legacy_attributes(ts: int) -> dict[str, Any]:
    event = legacy_full_fiqa(ts)
    event["want_action"] = "0"
    event["ext_data"]["info"] = {"age": "youth", "gender": "male", "glasses": "no"}
    return event


def legacy_ir_box(ts: int) -> dict[str, Any]:
    return {
        "identity_id": "E-4", "identity_name": "Di", "group_name": "staff", "reg_pic": REG,
        "timestamp": ts, "score": 0.16, "want_action": "0",
        "ext_data": {"device_ip": "192.168.1.34", "ep_id": f"{LICENCE}__192.168.1.34",
                     "dev_sno": LICENCE, "spot_pic": SCENE, "recognize_face": FACE,
                     "ir_pic": IR, "person_type": 1, "device_type": "3",
                     "info": {"age": "middle-aged", "gender": "female", "glasses": "yes",
                              "box": list(FACE_BOX), "feature": []}},
    }  # fmt: skip


def v1_without_version(ts: int, dev_sno: str = LICENCE) -> dict[str, Any]:
    return {
        "identity_id": "1602612036.3828533", "identity_name": "", "identity_info": {},
        "timestamp": ts, "score": 27.69, "want_action": "1001", "reg_pic": "",
        "spot_pic": SCENE, "ir_pic": "", "recognize_face": FACE, "person_type": 4,
        "out_timestamp": ts + 400,
        "ep_info": {"ep_id": f"0x{MAC_HEX}__rtsp://192.168.1.35:554/ch1", "ep_type": "rtsp",
                    "ep_ip": "192.168.1.35", "ep_name": "Lobby", "device_id": CAM_UUID},
        "dev_sno": dev_sno,
        "recognize_face_attr": {"point": [1302, 1347, 1324, 1308, 1342, 101, 100, 125, 146, 145],
                                "box": list(FACE_BOX), "age": "youth", "gender": "female"},
    }  # fmt: skip


def v5_ws(ts: int) -> dict[str, Any]:
    return {
        "identity_id": "E-5", "identity_name": "Ed", "group_name": "staff", "reg_pic": REG,
        "timestamp": ts, "score": 0.62, "device_id": CAM_UUID,
        "identity_info": {"addTime": 1594111791, "image_id": "img-5", "name": "Ed", "type": 4},
        "ext_data": {"person_type": 4, "device_ip": "192.168.1.35", "device_type": "rtsp",
                     "spot_pic": SCENE, "recognize_face": FACE},
    }  # fmt: skip


def pass_record(ts: int) -> dict[str, Any]:
    return {
        "identity_id": "E-6", "identity_name": "Fay", "group_name": "residents", "reg_pic": REG,
        "timestamp": ts, "score": 0.78, "device_id": CAM_UUID,
        "identity_info": {"image_id": "img-6", "permission_ids": ["p-1"], "type": 1,
                          "user_id": "u-6", "face_ids": ["f-6"], "name": "Fay",
                          "ext_info": {"building_no": "3", "room": "1502",
                                       "address": "Garden Road 8", "floor": "15"}},
        "ext_data": {"person_type": 1, "device_ip": "192.168.1.36", "device_type": "photo",
                     "spot_pic": SCENE, "recognize_face": FACE, "grab_fiqa_info": {},
                     "box_fiqa_info": {}},
    }  # fmt: skip


def v6_ws(ts: int) -> dict[str, Any]:
    return {
        "event_id": f"{ts}123", "timestamp": ts, "identity_id": "E-7", "identity_name": "Gu",
        "user_type": "employee", "score": 82.05, "media_device_id": CAM_UUID,
        "media_device_ip": "192.168.1.37", "media_device_type": "gb28181",
        "register_image": "data:image/jpeg;base64," + REG,
        "recognize_face_image": "data:image/jpeg;base64," + FACE,
        "recognize_face_attr": {"box": list(FACE_BOX)}, "reg_pic": "",
    }  # fmt: skip


def v5_record(ts_s: float) -> dict[str, Any]:
    return {
        "_id": f"{ts_s:.6f}", "timestamp": ts_s,
        "common": {
            "identity_id": "", "identity_name": "", "identity_info": {}, "person_type": 4,
            "score": 12.5, "want_action": "0", "is_send": 1,
            "ep_info": {"device_id": CAM_UUID, "ep_id": f"0x{MAC_HEX}__192.168.1.38",
                        "ep_ip": "192.168.1.38", "ep_name": "door", "ep_type": "photo"},
            "recognize_face_attr": {"box": [1272.0, 66.0, 1375.8, 185.5], "point": [],
                                    "feature": []},
            "spot_pic_id": f"{ts_s:.4f}", "recognize_face_pic_id": f"{ts_s:.4f}",
        },
        "gate_data": {}, "grab_data": {"grap_fiqa_info": {"age": 3, "sex": 0}},
        "video_data": {"in_timestamp": ts_s - 0.2, "out_timestamp": ts_s + 0.5},
    }  # fmt: skip


def v6_record(ts_s: float) -> dict[str, Any]:
    return {
        "event_id": f"{int(ts_s * 1e6)}", "timestamp": ts_s, "user_type": "car", "score": 31.2,
        "identity_id": "", "identity_name": "",
        "media_device_info": {"media_device_id": CAM_UUID, "media_device_ip": "192.0.2.31",
                              "media_device_name": "lobby", "media_device_type": "rtsp"},
        "spot_image_id": f"00{ts_s:.4f}", "recognize_face_image_id": f"00{ts_s:.4f}",
        "register_image_id": "",
        "recognize_face_attr": {"box": [1272.0, 66.0, 1375.8, 185.5], "point": []},
        "ext_data": {"in_timestamp": ts_s - 0.05},
    }  # fmt: skip
