"""Every documented status report variant, and one registry entry per physical box."""

from __future__ import annotations

from typing import Any

import pytest

from gui.core import health, identity
from tests.conftest import Client
from tests.core import firmware_payloads as P

GB = 1024**3


def post_report(client: Client, path: str, report: dict[str, Any]) -> None:
    reply = client.post_json(path, report)
    assert reply.status == 200, reply.body[:300]
    assert reply.json()["device_status"] == "stored"


def devices(client: Client) -> dict[str, Any]:
    return client.get_json("/api/devices")


def the_box(client: Client) -> dict[str, Any]:
    boxes = devices(client)["boxes"]
    assert len(boxes) == 1, [b["sn"] for b in boxes]
    return boxes[0]


def camera_states(client: Client) -> dict[str, str | None]:
    return {c["ep_id"]: c["status"] for c in devices(client)["cameras"]}


# ---------------------------------------------------------------- each variant


def test_v2r1_report(client: Client) -> None:
    post_report(client, "/MonitorServer/api/SophonFogStatus", P.report_v2r1())
    box = the_box(client)
    assert box["sn"] == P.LICENCE and box["report_variant"] == "v2r1"
    assert set(box["aliases"]) == {P.SN, P.MAC, "ip:127.0.0.1"}
    m = box["metrics"]
    assert m["cpu"] == 0.35 and m["memory"] == 0.5 and m["disk"] == 0.25
    assert m["memory_total_bytes"] == 4 * GB and m["box_state"] == "fault"
    assert box["status"] == "fault"  # status "-1"
    assert box["health"]["gateway_ext_data"]["cpu_use"] == 35  # the raw report is kept
    [cam] = devices(client)["cameras"]
    assert cam["status"] == "online" and cam["type"] == "rtsp" and cam["location"] == "north"


def test_flat_report(client: Client) -> None:
    post_report(client, "/EventServer/api/SophonFogStatus", P.report_flat())
    box = the_box(client)
    assert box["report_variant"] == "flat" and box["ips"] == ["192.168.1.19"]
    m = box["metrics"]
    assert m["cpu"] == 0.065 and m["memory"] == 0.25 and m["temperature_c"] == 51
    assert m["disk_total_bytes"] == 32 * GB and m["disk_free_bytes"] == 24 * GB
    assert m["disk"] == 0.25
    assert camera_states(client) == {f"{P.LICENCE}__192.168.1.31": "offline"}


def test_nested_report(client: Client) -> None:
    post_report(client, "/DeviceStatus", P.report_nested())
    box = the_box(client)
    m = box["metrics"]
    assert box["report_variant"] == "nested" and box["status"] == "online"
    assert (m["cpu"], m["memory"], m["disk"], m["temperature_c"]) == (0.42, 0.6, 0.3, 58)
    assert m["disk_total_bytes"] == round(30.54 * GB) and m["sdk_version"] == "3.0"


def test_v5r7_system_report(client: Client) -> None:
    post_report(client, "/box/monitor/status/report", P.report_v5r7_system())
    box = the_box(client)
    m = box["metrics"]
    assert box["report_variant"] == "v5r7_system"
    assert m["board_temperature_c"] == 47 and m["fan_rpm"] == 0 and m["tpu"] == 0.12
    assert m["uptime"] == "3 days, 2:11" and m["memory_total_bytes"] == 12 * GB
    assert m["external_disk"]["present"] is True
    assert m["external_disk"]["total_bytes"] == round(931.5 * GB)
    assert devices(client)["cameras"] == []


def test_v5r7_camera_only_report_keeps_the_system_report(client: Client) -> None:
    post_report(client, "/DeviceStatus", P.report_v5r7_system())
    post_report(client, "/box/monitor/device/status/report", P.report_camera_only())
    box = the_box(client)  # dev_sno names the same box as the system report did
    assert box["metrics"]["tpu"] == 0.12  # not wiped by a report without metrics
    assert camera_states(client) == {
        f"0x{P.MAC_HEX}__192.168.1.35": "offline",
        f"0x{P.MAC_HEX}__192.168.1.39": "online",
    }
    types = {c["ep_id"]: c["type"] for c in devices(client)["cameras"]}
    assert types[f"0x{P.MAC_HEX}__192.168.1.39"] == "gb28181"


def test_v6_system_report(client: Client) -> None:
    post_report(client, "/DeviceStatus", P.report_v6_system())
    box = the_box(client)
    m = box["metrics"]
    assert box["report_variant"] == "v6_system"
    assert m["cpu"] == 0.18 and m["tpu"] == 0.3 and m["memory"] == 0.75
    assert m["temperature_c"] == 61.5 and m["board_temperature_c"] == 44.2
    assert m["emmc_total_bytes"] == 28 * GB and m["disk"] == 0.4 and m["fan_rpm"] == 3200
    assert box["sn"] == P.SN  # the hardware SN outranks a free-text reporter_id
    assert set(box["aliases"]) == {P.LICENCE, P.MAC, "ip:127.0.0.1"}


@pytest.mark.parametrize("list_key", ["sub_devices", "media_devices"])
def test_v6_camera_report_under_either_key(client: Client, list_key: str) -> None:
    post_report(client, "/box/media/monitor/status/report", P.report_v6_cameras(list_key))
    box = the_box(client)
    assert box["sn"] == P.LICENCE
    states = camera_states(client)
    assert states[P.CAM_UUID] == "offline"
    assert states[f"{P.LICENCE}__192.168.1.40"] == "online"  # no id: named by its address


def test_platform_camelcase_status(client: Client) -> None:
    post_report(client, "/gatewatch/platform-status", P.report_platform_status())
    box = the_box(client)
    assert box["sn"] == P.LICENCE  # trailing space of deviceId trimmed
    assert box["report_variant"] == "platform_status" and box["status"] == "online"
    assert box["metrics"]["cpu"] == 0.125 and box["metrics"]["disk"] == 0.5
    assert camera_states(client) == {f"0x{P.MAC_HEX}__192.168.1.35": "offline",
                                     "cam-x": "unknown"}  # fmt: skip


def test_device_sync_camera_list(client: Client) -> None:
    post_report(client, "/box/device/sync", P.report_device_sync())
    cams = {c["ep_id"]: c for c in devices(client)["cameras"]}
    lobby_in = cams[f"0x{P.MAC_HEX}__192.168.1.35"]
    assert (lobby_in["name"], lobby_in["direction"], lobby_in["status"]) == (
        "Lobby in", "in", "online")  # fmt: skip
    assert lobby_in["type"] == "photo"
    assert cams[f"0x{P.MAC_HEX}__192.168.1.36"]["direction"] == "out"
    assert the_box(client)["sn"] == P.LICENCE


def test_inferred_readings_are_said_so(client: Client) -> None:
    """Issue 13: what the vendor's docs don't state (V2R1 sizes above 1 read as GB, the
    device list's epStatus codes) is read, and flagged ``inferred_mapping`` with its field."""
    post_report(client, "/MonitorServer/api/SophonFogStatus", P.report_v2r1())
    [note] = the_box(client)["inferred"]
    assert (note["code"], note["field"]) == (health.INFERRED_CODE, "gateway_ext_data.disk_use")
    assert "GB" in note["message"] and "inferred" in note["message"]
    post_report(client, "/box/device/sync", P.report_device_sync())
    system, note = the_box(client)["inferred"]  # the camera list is kept beside the report
    assert system["field"] == "gateway_ext_data.disk_use"
    assert (note["code"], note["field"]) == ("inferred_mapping", "deviceList[].epStatus")
    assert '"1" as online' in note["message"]


@pytest.mark.parametrize(
    ("ext", "fields"),
    [
        ({"memory_use": 0.5, "memory_size": 4, "disk_use": 0.2, "disk_size": 32}, []),
        ({"memory_use": 3, "memory_size": 4}, ["gateway_ext_data.memory_use"]),
        ({"disk_use": 40, "disk_size": 32}, ["gateway_ext_data.disk_use"]),  # percent reading
        ({"disk_use": 400, "disk_size": 32}, []),  # not read at all, nothing inferred
    ],
)
def test_v2r1_sizes_are_flagged_only_when_inferred(
    ext: dict[str, Any], fields: list[str]
) -> None:
    report = P.report_v2r1()
    report["gateway_ext_data"] = {"cpu_use": 35, **ext}
    parsed = health.normalise_report(report)
    assert [i.field for i in parsed.inferred] == fields
    words = {"online", "offline"}
    sync = P.report_device_sync()
    for e in sync["deviceList"]:
        e["epStatus"] = words.pop() if words else "online"
    assert health.normalise_report(sync).inferred == ()  # words need no inference


@pytest.mark.parametrize("report_first", [True, False])
def test_report_camera_named_by_box_and_address_is_the_events_camera(
    client: Client, report_first: bool
) -> None:
    """Issue 13/14: the report lists ``<licence>__192.168.1.31``, the events call that
    camera ``gate-2`` (same box, same address): one camera row, not a silent twin."""
    event = P.v1_without_version(P.now_ms(), dev_sno=P.LICENCE)
    event["ep_info"] = {"ep_id": "gate-2", "ep_ip": "192.168.1.31", "ep_name": "Gate 2"}

    def post_event() -> None:
        reply = client.post_json("/EventServer/api/HistoryEvent", event)
        assert reply.status == 200, reply.body[:300]

    if report_first:
        post_report(client, "/MonitorServer/api/SophonFogStatus", P.report_v2r1())
        post_event()
    else:
        post_event()
        post_report(client, "/MonitorServer/api/SophonFogStatus", P.report_v2r1())
    [cam] = devices(client)["cameras"]
    assert (cam["ep_id"], cam["event_count"], cam["status"]) == ("gate-2", 1, "online")
    assert cam["location"] == "north" and cam["box_sn"] == the_box(client)["sn"]
    # The next report updates that camera, and a camera at another address stays apart.
    report = P.report_v2r1()
    report["sub_devices"][0]["ep_status"] = "offline"
    report["sub_devices"].append({"ep_id": f"{P.LICENCE}__192.168.1.32", "ep_ip": "192.168.1.32"})
    post_report(client, "/MonitorServer/api/SophonFogStatus", report)
    states = camera_states(client)
    assert states == {"gate-2": "offline", f"{P.LICENCE}__192.168.1.32": None}
    # An RTSP channel at that address is not taken for it (an NVR serves many channels).
    channel = P.v1_without_version(P.now_ms() + 1000, dev_sno=P.LICENCE)
    channel["ep_info"] = {"ep_id": f"0x{P.MAC_HEX}__rtsp://192.168.1.32:554/ch2",
                          "ep_ip": "192.168.1.32"}  # fmt: skip
    assert client.post_json("/EventServer/api/HistoryEvent", channel).status == 200
    assert set(camera_states(client)) == {
        "gate-2", f"{P.LICENCE}__192.168.1.32", f"0x{P.MAC_HEX}__rtsp://192.168.1.32:554/ch2",
    }  # fmt: skip


def test_every_variant_is_recognised_by_its_keys() -> None:
    built = {
        "v2r1": P.report_v2r1(), "flat": P.report_flat(), "nested": P.report_nested(),
        "v5r7_system": P.report_v5r7_system(), "camera_only": P.report_camera_only(),
        "v6_system": P.report_v6_system(), "v6_cameras": P.report_v6_cameras("media_devices"),
        "platform_status": P.report_platform_status(), "device_sync": P.report_device_sync(),
    }  # fmt: skip
    assert set(built) == set(health.VARIANTS)
    for variant, report in built.items():
        assert health.normalise_report(report).variant == variant


def test_report_on_an_event_path_is_still_a_report(client: Client) -> None:
    post_report(client, "/EventServer/api/HistoryEvent", P.report_v6_cameras())
    assert client.get_json("/api/events")["events"] == []


# ---------------------------------------------------------------- one box is one box


def test_one_box_under_all_its_names(client: Client) -> None:
    """Report (SN + licence + MAC), 1.0 event (licence + MAC in ep_id), V6 report
    (reporter_id + MAC), SE3 real-time push (no name: the address) -> one row."""
    now = P.now_ms()
    post_report(client, "/DeviceStatus", P.report_flat())
    assert client.post_json("/EventServer/api/HistoryEvent",
                            P.v1_without_version(now - 5000)).status == 200  # fmt: skip
    post_report(client, "/DeviceStatus", P.report_v6_system())
    assert client.post_json("/EventServer/api/RealTimeEvent", P.se3_realtime(now)).status == 200
    box = the_box(client)
    assert box["sn"] == P.LICENCE
    assert set(box["aliases"]) == {P.SN, P.MAC, "ip:127.0.0.1"}
    assert box["event_count"] == 2
    assert box["metrics"]["cpu"] == 0.18  # the last system report


def test_mac_prefix_never_makes_a_box_of_its_own(client: Client) -> None:
    event = P.v1_without_version(P.now_ms() - 5000)
    assert client.post_json("/EventServer/api/HistoryEvent", event).status == 200
    box = the_box(client)
    assert box["sn"] == P.LICENCE and P.MAC in box["aliases"]


def test_two_entries_merge_when_an_alias_links_them(client: Client) -> None:
    now = P.now_ms()
    mac_only = P.v1_without_version(now - 9000, dev_sno="")  # a V5 record-like event
    assert client.post_json("/EventServer/api/HistoryEvent", mac_only).status == 200
    post_report(client, "/DeviceStatus", {**P.report_nested(), "dev_sno": "", "gateway_sn": P.SN,
                                          "sub_devices": []})  # fmt: skip
    boxes = devices(client)["boxes"]
    assert {b["sn"] for b in boxes} == {P.SN}  # the MAC in the report linked them already
    assert boxes[0]["event_count"] == 1 and boxes[0]["last_report_at"]
    linked = P.v1_without_version(now - 8000)  # licence + MAC: takes the licence as its key
    assert client.post_json("/EventServer/api/HistoryEvent", linked).status == 200
    box = the_box(client)
    assert box["sn"] == P.LICENCE and box["event_count"] == 2
    assert box["metrics"]["cpu"] == 0.42
    assert {c["box_sn"] for c in devices(client)["cameras"]} == {P.LICENCE}
    history = client.get_json(f"/api/events?box={P.LICENCE}")
    assert len(history["events"]) == 2  # the MAC-only event is this box's too


def test_camera_known_by_its_uuid_across_messages(client: Client) -> None:
    now = P.now_ms()
    assert client.post_json("/EventServer/api/RealTimeEvent", P.v5_ws(now)).status == 200
    assert client.post_json("/EventServer/api/HistoryEvent",
                            P.v1_without_version(now - 4000)).status == 200  # fmt: skip
    post_report(client, "/DeviceStatus", P.report_v6_cameras())
    cams = {c["ep_id"]: c for c in devices(client)["cameras"]}
    lobby = cams[f"0x{P.MAC_HEX}__rtsp://192.168.1.35:554/ch1"]
    assert lobby["device_id"] == P.CAM_UUID and lobby["event_count"] == 2
    assert lobby["status"] == "offline"  # the V6 report named it by its uuid
    assert P.CAM_UUID not in cams
    v6 = P.v6_ws(now - 1000)  # media_device_id is that uuid too
    assert client.post_json("/EventServer/api/RealTimeEvent", v6).status == 200
    cams = {c["ep_id"]: c for c in devices(client)["cameras"]}
    assert P.CAM_UUID not in cams
    assert cams[f"0x{P.MAC_HEX}__rtsp://192.168.1.35:554/ch1"]["event_count"] == 3


def test_keyless_event_goes_to_the_box_of_its_camera(client: Client) -> None:
    """A pass record (sent by the platform) and a V5 WebSocket event name no box, but
    their camera uuid is known: they count for that camera's box, not the sender."""
    now = P.now_ms()
    assert client.post_json("/EventServer/api/HistoryEvent",
                            P.v1_without_version(now - 9000)).status == 200  # fmt: skip
    assert client.post_json("/platform/pass", P.pass_record(now - 5000)).status == 200
    assert client.post_json("/EventServer/api/RealTimeEvent", P.v5_ws(now)).status == 200
    box = the_box(client)
    assert box["sn"] == P.LICENCE and box["event_count"] == 3
    post_report(client, "/platform/status", {**P.report_platform_status(),
                                             "deviceId": "OTHER-BOX", "deviceSN": "SN-2",
                                             "deviceMac": "00:11:22:33:44:55"})  # fmt: skip
    boxes = {b["sn"]: b for b in devices(client)["boxes"]}
    assert "ip:127.0.0.1" not in boxes["OTHER-BOX"]["aliases"]  # the platform's address


@pytest.mark.parametrize(
    ("value", "expected"),
    [("e0:a5:09:00:32:31", "e0a509003231"), ("0xE0A509003231", "e0a509003231"),
     (" E0-A5-09-00-32-31 ", "e0a509003231"), ("00:00:00:00:00:00", None), ("xyz", None)],
)  # fmt: skip
def test_mac_normalisation(value: str, expected: str | None) -> None:
    assert identity.normalise_mac(value) == expected


@pytest.mark.parametrize(
    ("ep_id", "key"),
    [("0xe0a509261422__192.168.1.2", ("mac", "e0a509261422")),
     (f"{P.LICENCE}__192.168.1.2", ("licence", P.LICENCE)),
     (f"{P.CAM_UUID}__192.168.1.2", None), ("no-prefix", None), ("__x", None)],
)  # fmt: skip
def test_ep_id_prefix_classification(ep_id: str, key: tuple[str, str] | None) -> None:
    assert identity.ep_id_key(ep_id) == key


# ---------------------------------------------------------------- scores


def test_score_scale_and_threshold_per_box(client: Client) -> None:
    now = P.now_ms()
    unit = P.v1_without_version(now - 7000, dev_sno="BOX-UNIT")
    unit["score"] = 0.93
    unit["ep_info"] = {**unit["ep_info"], "ep_id": "BOX-UNIT__cam"}
    percent = P.v1_without_version(now - 6000, dev_sno="BOX-PCT")
    percent["ep_info"] = {**percent["ep_info"], "ep_id": "BOX-PCT__cam"}
    percent["score"] = 82.05
    for event in (unit, percent):
        assert client.post_json("/EventServer/api/HistoryEvent", event).status == 200
    boxes = {b["sn"]: b for b in devices(client)["boxes"]}
    assert boxes["BOX-UNIT"]["score"]["scale"] == "0-1"
    assert boxes["BOX-UNIT"]["score"]["threshold"] is None
    assert boxes["BOX-PCT"]["score"] == {
        "scale": "0-100", "scale_source": "scores", "threshold": 82.0,
        "threshold_source": "vendor_default",
    }  # fmt: skip
    stored = client.get_json("/api/events?box=BOX-PCT")["events"][0]
    assert stored["score"] == 82.05  # as sent


# ---------------------------------------------------------------- migration


def test_migration_merges_boxes_an_older_version_split(tmp_path) -> None:
    """Before v5 one box could be three rows: its SN (report), its licence code (events)
    and the MAC prefix of its ep_ids (events with an empty dev_sno)."""
    import json
    import sqlite3

    from gui.core import schema
    from gui.core.devices import list_devices
    from gui.core.store import DB_FILENAME, Store

    data_dir = tmp_path / "data"
    data_dir.mkdir()
    conn = sqlite3.connect(data_dir / DB_FILENAME, isolation_level=None)
    schema.migrate(conn, target=5)
    report = P.report_nested()
    rows = [
        (P.SN, "Gate box", json.dumps(report), 100, 300, None, 300, 0),
        (P.LICENCE, None, None, 150, 400, 400, None, 5),
        (f"0x{P.MAC_HEX}", None, None, 120, 500, 500, None, 2),
        ("OTHER-BOX", None, None, 10, 20, 20, None, 1),
    ]
    for sn, name, rep, first, last, last_event, last_report, count in rows:
        conn.execute(
            "INSERT INTO boxes (sn, name, report, first_seen, last_seen, last_event_at,"
            " last_report_at, event_count) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (sn, name, rep, first, last, last_event, last_report, count),
        )
    conn.execute(
        "INSERT INTO cameras (ep_id, box_sn, event_count) VALUES (?, ?, 2)",
        (f"0x{P.MAC_HEX}__192.168.1.35", f"0x{P.MAC_HEX}"),
    )
    for i, (dev_sno, ep_id, score) in enumerate(
        [(P.LICENCE, f"0x{P.MAC_HEX}__192.168.1.35", 82.5), ("", f"0x{P.MAC_HEX}__x", 30.0)]
    ):
        conn.execute(
            "INSERT INTO events (natural_key, ts, received_at, format, doc, raw, dev_sno, ep_id,"
            " score) VALUES (?, 1, 1, '1.0', '{}', x'', ?, ?, ?)",
            (f"k{i}", dev_sno, ep_id, score),
        )
    conn.close()

    store = Store(data_dir)
    try:
        found = store.read_sync(list_devices)
    finally:
        store.close()
    boxes = {b["sn"]: b for b in found["boxes"]}
    assert set(boxes) == {P.LICENCE, "OTHER-BOX"}
    box = boxes[P.LICENCE]
    assert box["event_count"] == 7 and box["first_seen"] == 100 and box["last_seen"] == 500
    assert box["name"] == "Gate box" and box["last_report_at"] == 300
    assert box["metrics"]["cpu"] == 0.42  # the report normalised by the migration
    assert {P.SN, P.MAC} <= set(box["aliases"])
    assert box["score"]["scale"] == "0-100"
    assert [c["box_sn"] for c in found["cameras"]] == [P.LICENCE]


def test_migration_merges_uuid_cameras_and_address_only_boxes(tmp_path: Any) -> None:
    """Left split before v7: a camera row keyed by its uuid beside the one that names it
    by ep_id with that uuid, and a box registered by address (a report with no name)
    whose events from that address name it."""
    import sqlite3

    from gui.core import schema
    from gui.core.devices import list_devices
    from gui.core.store import DB_FILENAME, Store

    data_dir = tmp_path / "data"
    data_dir.mkdir()
    conn = sqlite3.connect(data_dir / DB_FILENAME, isolation_level=None)
    schema.migrate(conn, target=5)
    for sn, last_report, count in [("ip:192.168.1.50", 600, 0), (P.LICENCE, None, 4)]:
        conn.execute(
            "INSERT INTO boxes (sn, source_ip, first_seen, last_seen, last_report_at,"
            " event_count) VALUES (?, '192.168.1.50', 100, 600, ?, ?)",
            (sn, last_report, count),
        )
    ep_id = f"{P.LICENCE}__192.168.1.35"
    conn.execute(
        "INSERT INTO cameras (ep_id, box_sn, device_id, name, event_count, last_seen)"
        " VALUES (?, ?, ?, NULL, 3, 500), (?, NULL, ?, 'Lobby', 2, 700)",
        (ep_id, P.LICENCE, P.CAM_UUID, P.CAM_UUID, P.CAM_UUID),
    )
    conn.execute(
        "INSERT INTO events (natural_key, ts, received_at, format, doc, raw, dev_sno, ep_id,"
        " source_ip) VALUES ('k', 1, 1, 'legacy', '{}', x'', ?, ?, '192.168.1.50')",
        (P.LICENCE, ep_id),
    )
    conn.close()

    store = Store(data_dir)
    try:
        found = store.read_sync(list_devices)
    finally:
        store.close()
    boxes = {b["sn"]: b for b in found["boxes"]}
    assert set(boxes) == {P.LICENCE}
    assert boxes[P.LICENCE]["last_report_at"] == 600
    assert any("192.168.1.50" in a for a in boxes[P.LICENCE]["aliases"])
    (camera,) = found["cameras"]
    assert camera["ep_id"] == ep_id and camera["name"] == "Lobby"
    assert camera["event_count"] == 5 and camera["box_sn"] == P.LICENCE


# ---------------------------------------------------------------- properties

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_leaf = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=12),
    st.sampled_from(["30.54G", "549.0M", "0r/min", "6.5%", "online", "offline", "-1", "1", "0",
                     P.MAC, f"0x{P.MAC_HEX}", "", " "]),
)  # fmt: skip
_json = st.recursive(
    _leaf, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner,
                                                                        max_size=3), max_leaves=12,
)  # fmt: skip
_report_keys = st.sampled_from([
    "gateway_ip", "gateway_sn", "gateway_mac", "gateway_status", "gateway_name", "dev_sno",
    "gateway_ext_data", "sub_devices", "media_devices", "reporter_id", "mq_license_key",
    "deviceStatus", "deviceId", "deviceSN", "deviceMac", "cameraInfo", "deviceList", "devSno",
])  # fmt: skip
_ext_keys = st.sampled_from([
    "cpu_use", "cpu_usage", "cpu_info", "memory_info", "disk_info", "memory_size", "memory_use",
    "memory_usage", "disk_size", "disk_free_size", "temperature", "emmc", "hdd", "tpu_info",
    "external_hard_drives_info", "fan_speed", "board_temperature", "core_temperature", "status",
])  # fmt: skip
_reports = st.dictionaries(_report_keys, _json, min_size=1, max_size=6).flatmap(
    lambda r: st.dictionaries(_ext_keys, _json, max_size=6).map(
        lambda ext: {**r, "gateway_ext_data": ext} if "gateway_ext_data" in r else r
    )
)


@settings(max_examples=150, deadline=None)
@given(_reports)
def test_any_report_is_normalised_and_stored_without_an_exception(report: dict[str, Any]) -> None:
    import json
    import sqlite3

    from gui.core import devices, schema
    from gui.core.event_rows import Arrival

    parsed = health.normalise_report(report)
    assert parsed.variant in health.VARIANTS
    json.dumps(parsed.to_json(), allow_nan=False)
    for key in ("cpu", "memory", "disk"):
        value = parsed.metrics.get(key)
        assert value is None or 0 <= value <= 1
    for cam in parsed.cameras:
        assert cam.status in (None, "online", "offline", "unknown")
    conn = sqlite3.connect(":memory:", isolation_level=None)
    schema.migrate(conn)
    devices.apply_health_report(conn, report, Arrival(1, "192.0.2.9", "/DeviceStatus"))
    devices.list_devices(conn)
