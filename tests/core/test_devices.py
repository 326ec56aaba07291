from __future__ import annotations

import time

from gui.core import installer, sender
from gui.core.simulator import FakeBox, FakeCamera, health_report
from tests.conftest import Client, load_sample, make_summary

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


def _event_of(box: str | None, cam: str | None, name: str | None, ip: str | None):
    import dataclasses

    from gui.core import protocol

    ev = protocol.normalise(load_sample("seed_example"), received_at=0)
    ev = dataclasses.replace(ev, ep_info={**ev.ep_info, "ep_ip": ip, "ep_type": "ipc"})
    summary = make_summary(
        identity_name="x", ep_id=cam, ep_name=name, dev_sno=box, path="/x", source_ip=""
    )
    return summary, ev


def test_a_batch_tally_writes_what_per_event_upserts_would() -> None:
    """One upsert per device and batch: same rows as one upsert per event, in order."""
    import random
    import sqlite3

    from gui.core import devices, schema
    from gui.core.event_rows import Arrival

    rng = random.Random(7)
    per_event, tallied = (sqlite3.connect(":memory:") for _ in range(2))
    for conn in (per_event, tallied):
        schema.migrate(conn)
    tally = devices.DeviceTally()
    now = 1_000_000
    for _batch in range(6):
        tally.begin()
        for _ in range(rng.randint(1, 8)):
            box = rng.choice(["SN1", "SN2", None])
            cam = rng.choice([f"{box}__10.0.0.{rng.randint(1, 3)}" if box else None, "cam-x", None])
            summary, ev = _event_of(
                box, cam, rng.choice(["门口", None, "Gate"]), rng.choice(["10.0.0.9", None])
            )
            now += rng.randint(0, 500)  # arrival times only go forward
            arrival = Arrival(
                received_at=now,
                source_ip=rng.choice(["10.0.0.1", "10.0.0.2"]),
                path="/x",
                self_test=rng.random() < 0.1,
            )
            devices.note_event(per_event, summary, ev, arrival)
            tally.note(summary, ev, arrival)
        tally.before_commit(tallied)
    for table in ("boxes", "cameras"):
        query = f"SELECT * FROM {table} ORDER BY 1"
        assert per_event.execute(query).fetchall() == tallied.execute(query).fetchall()
    assert per_event.execute("SELECT sum(event_count) FROM cameras").fetchone()[0] > 10


def test_device_counts_under_concurrent_posters(client: Client) -> None:
    """Events of one camera from many posters: every one counted once."""
    import concurrent.futures

    sample = load_sample("employee_match")

    def post(n: int) -> int:
        ev = dict(sample, identity_id=f"tally-{n}", timestamp=sample["timestamp"] + n)
        return client.post_json("/EventServer/api/HistoryEvent", ev).status

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        assert set(pool.map(post, range(40))) == {200}
    cameras = client.get_json("/api/devices")["cameras"]
    camera = next(c for c in cameras if c["ep_id"] == sample["ep_info"]["ep_id"])
    assert camera["event_count"] == 40
