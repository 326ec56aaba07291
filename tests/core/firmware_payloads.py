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


# ---------------------------------------------------------------- status reports (§5)


def report_v2r1() -> dict[str, Any]:
    return {
        "gateway_ip": "192.168.1.19", "gateway_name": "Gate box", "gateway_status": "online",
        "gateway_sn": SN, "dev_sno": LICENCE,
        "gateway_ext_data": {"sw_version": "V2R1C01", "sdk_version": "1.0", "gateway_mac": MAC,
                             "cpu_use": 35, "memory_size": 4, "memory_use": 0.5,
                             "disk_size": 32, "disk_use": 8, "status": "-1",
                             "status_desc": "fan fault"},
        "sub_devices": [{"ep_id": f"{LICENCE}__192.168.1.31", "ep_name": "Gate", "ep_ip":
                         "192.168.1.31", "ep_status": "online", "ep_location": "north",
                         "ep_type": "2", "ep_ext_data": {"sw_version": "x", "group_name": "g"}}],
    }  # fmt: skip


def report_flat() -> dict[str, Any]:
    return {
        "gateway_ip": "192.168.1.19 ", "gateway_name": "Gate box", "gateway_status": "online",
        "gateway_sn": SN, "dev_sno": LICENCE, "gateway_port": 80,
        "gateway_ext_data": {"sw_version": "V2R2C01\nbuild 2020-01-01\n", "sdk_version": "2.1",
                             "gateway_mac": MAC, "cpu_usage": 6.5, "memory_size": 4,
                             "memory_usage": 0.25, "disk_size": 32, "disk_free_size": 24,
                             "temperature": 51},
        "sub_devices": [{"ep_id": f"{LICENCE}__192.168.1.31", "ep_name": "Gate",
                         "ep_ip": "192.168.1.31", "ep_status": "offline", "ep_type": "2"}],
    }  # fmt: skip


def report_nested() -> dict[str, Any]:
    return {
        "gateway_ip": "192.168.1.19 10.0.0.2", "gateway_name": "Gate box",
        "gateway_status": "online", "gateway_sn": SN, "dev_sno": LICENCE, "gateway_port": 80,
        "gateway_ext_data": {"sw_version": "V5R6C01", "sdk_version": " 3.0",
                             "gateway_mac": MAC,
                             "cpu_info": {"cpu_rate": 0.42, "info": {"cpu_count": 8}},
                             "memory_info": {"total_memory_scale": 0.6, "total_memory": "11.5G"},
                             "disk_info": {"disk_rate": 0.3, "free_disk": "20.5G",
                                           "total_disk": "30.54G"},
                             "temperature": 58},
        "sub_devices": [{"ep_id": f"0x{MAC_HEX}__192.168.1.35", "ep_name": "Lobby",
                         "ep_ip": "192.168.1.35", "ep_status": "online", "ep_type": "2"}],
    }  # fmt: skip


def report_v5r7_system() -> dict[str, Any]:
    report = report_nested()
    del report["sub_devices"]
    report["gateway_ext_data"].update({
        "external_hard_drives_info": {"external_hard_state": "1",
                                      "external_hard_disk_rate": 0.1,
                                      "external_hard_total_disk": "931.5G",
                                      "external_hard_free_disk": "838.3G",
                                      "external_hard_used_disk": "93.2G"},
        "board_temperature": 47, "nnsdk_version": "2.4.0", "fan_speed": "0r/min",
        "uptime": "3 days, 2:11", "tpu_info": {"tpu_rate": 0.12, "info": {"detail": "x"}},
        "box_usage": "face",
    })  # fmt: skip
    report["gateway_ext_data"]["memory_info"]["hardware_total_memory"] = "12.0G"
    report["gateway_ext_data"]["disk_info"]["hardware_total_disk"] = "32.0G"
    return report


def report_camera_only() -> dict[str, Any]:
    return {
        "dev_sno": LICENCE,
        "sub_devices": [
            {"ep_id": f"0x{MAC_HEX}__192.168.1.35", "ep_ip": "192.168.1.35",
             "ep_status": "offline", "ep_location": "", "ep_type": "rtsp", "ep_name": "Lobby"},
            {"ep_id": f"0x{MAC_HEX}__192.168.1.39", "ep_ip": "192.168.1.39",
             "ep_status": "online", "ep_location": "", "ep_type": "gb28181", "ep_name": "Yard"},
        ],
    }  # fmt: skip


def report_v6_system() -> dict[str, Any]:
    return {
        "reporter_id": LICENCE, "gateway_mac": MAC, "gateway_sn": SN,
        "gateway_ip": "192.168.1.19", "gateway_name": "V6 box", "gateway_status": "online",
        "gateway_ext_data": {
            "sw_version": "V6R2C01", "sdk_version": "3.4",
            "cpu_info": {"cur_cpu_usage": 0.18, "cpu_arch": "aarch64", "cpu_freq": "2.3GHz",
                         "cpu_cores": 8},
            "tpu_info": {"tpu_usage": 0.3, "tpu_description": "BM1684"},
            "memory_info": {"total_memory": "11.5G", "svt_memory": "4.0G",
                            "svt_free_memory": "1.0G", "svt_used_memory": "3.0G",
                            "svt_memory_usage": 0.75, "system": {}, "tpu": {}, "video": {}},
            "emmc": {"mount_status": "mounted", "nominal_capacity": "32G", "disk_usage": 0.4,
                     "total_disk": "28.0G", "free_disk": "16.8G", "used_disk": "11.2G"},
            "hdd": {"mount_status": "unmounted", "nominal_capacity": "", "disk_usage": 0,
                    "total_disk": "0", "free_disk": "0", "used_disk": "0"},
            "core_temperature": 61.5, "board_temperature": 44.25, "fan_speed": 3200.0,
            "uptime": "12 days",
        },
    }  # fmt: skip


def report_v6_cameras(list_key: str = "sub_devices") -> dict[str, Any]:
    return {
        "mq_license_key": LICENCE,
        list_key: [
            {"media_device_id": CAM_UUID, "media_device_name": "lobby",
             "media_device_status": "offline", "media_device_ip": "192.168.1.37",
             "media_device_type": "gb28181", "media_device_url": "", "permission_id": "p-1"},
            {"media_device_name": "no id", "media_device_status": "online",
             "media_device_ip": "192.168.1.40", "media_device_type": "file"},
        ],
    }  # fmt: skip


def report_platform_status() -> dict[str, Any]:
    return {
        "deviceId": LICENCE + " ", "deviceStatus": 0, "deviceMac": MAC, "deviceName": "Gate box",
        "deviceSN": SN, "cameraNum": 2, "timeStamp": 1764000000000, "swVersion": "V5R7C01",
        "sdkVersion": "2.4", "cpuUsage": 12.5, "memorySize": 4, "memoryUsage": 0.5,
        "diskSize": 32, "diskFreeSize": 16,
        "cameraInfo": [{"cameraId": f"0x{MAC_HEX}__192.168.1.35", "state": 1, "Ip":
                        "192.168.1.35", "Name": "Lobby"},
                       {"cameraId": "cam-x", "state": -1, "ip": "192.168.1.41", "name": "X"}],
    }  # fmt: skip


def report_device_sync() -> dict[str, Any]:
    return {
        "devSno": LICENCE,
        "deviceList": [
            {"epId": f"0x{MAC_HEX}__192.168.1.35", "devSno": LICENCE, "direction": 0,
             "epType": "0", "memo": "", "epName": "Lobby in", "epIp": "192.168.1.35",
             "epStatus": "1", "epVersion": "1", "epGroupName": "g",
             "epStreamUrl": "rtsp://192.168.1.35/ch1", "lastMonitorTime": 1764000000,
             "isMonitor": True, "privilegeGroupKey": "k"},
            {"epId": f"0x{MAC_HEX}__192.168.1.36", "devSno": LICENCE, "direction": 1,
             "epType": "rtsp", "epName": "Lobby out", "epIp": "192.168.1.36",
             "epStatus": "offline"},
        ],
    }  # fmt: skip
