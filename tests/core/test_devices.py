from __future__ import annotations

import time

from gui.core import installer, sender
from gui.core.simulator import FakeBox, FakeCamera, health_report
from tests.conftest import Client, load_sample

HOUR = 3600 * 1000


def _now() -> int:
    return time.time_ns() // 1_000_000


def test_events_per_hour_over_24h(full_receiver):
    client = Client(full_receiver.port)
    now = _now()
    base = load_sample("employee_match")
    for i, age in enumerate([0.2, 0.5, 3.5, 23.5, 30]):  # the last one is out of range
        event = sender.refreshed(base, int(now - age * HOUR) + i)
        assert client.post_json("/EventServer/api/HistoryEvent", event).status == 200
    selftest = sender.self_test_event(now - 1000)  # its own camera: no real one counts it
    client.request(
        "POST", "/EventServer/api/HistoryEvent", sender.encode(selftest),
        {"Content-Type": "application/json", "X-Gatewatch-Self-Test": "1"},
    )  # fmt: skip
    data = full_receiver.store.read_sync(lambda c: installer.events_per_hour(c, _now(), 24))
    camera = base["ep_info"]["ep_id"]
    counts = data["cameras"][camera]
    assert len(counts) == 24 and sum(counts) == 4
    assert counts[-1] == 2 and counts[-4] == 1 and counts[0] == 1
    assert data["boxes"]["SE3-A1B2C3D4"] == counts
    assert sender.SELF_TEST_CAMERA not in data["cameras"]  # self-tests register no device
    api = client.get_json("/api/devices/activity?hours=12")
    assert sum(api["cameras"][camera]) == 3 and api["hours"] == 12
    assert client.get("/api/devices/activity?hours=x").status == 400


def test_devices_update_from_device_status_and_2_0_events(full_receiver):
    client = Client(full_receiver.port)
    box = FakeBox("SE5-0001", "192.168.1.19", "2.0", [
        FakeCamera("SE5-0001__192.168.1.30", "Front", "192.168.1.30", "photo"),
        FakeCamera("SE5-0001__192.168.1.31", "Back", "192.168.1.31", "rtsp"),
    ])  # fmt: skip
    import random

    report = health_report(box, random.Random(1), offline={"SE5-0001__192.168.1.31"})
    assert client.post_json("/DeviceStatus", report).status == 200
    devices = client.get_json("/api/devices")
    [b] = devices["boxes"]
    assert b["sn"] == "SE5-0001" and b["health"]["gateway_ext_data"]["sw_version"]
    status = {c["ep_id"]: c["status"] for c in devices["cameras"]}
    assert status == {"SE5-0001__192.168.1.30": "online", "SE5-0001__192.168.1.31": "offline"}

    event = sender.refreshed(load_sample("employee_match"), _now())
    event["dev_sno"] = "SE5-0002"
    event["ep_info"] = dict(event["ep_info"], ep_id="SE5-0002__cam9")
    assert client.post_json("/EventServer/api/RealTimeEvent", sender.to_v2(event)).status == 200
    devices = client.get_json("/api/devices")
    boxes = {x["sn"]: x for x in devices["boxes"]}
    assert boxes["SE5-0002"]["event_count"] == 1  # known by its mq_license_key
    activity = client.get_json("/api/devices/activity")
    assert sum(activity["boxes"]["SE5-0002"]) == 1
