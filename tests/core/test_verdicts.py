from __future__ import annotations

import time
from typing import Any

from gui.core import sender, verdicts
from tests.conftest import Client, load_sample, wait_for

HOUR = 3600 * 1000
REALTIME = "/EventServer/api/RealTimeEvent"
HISTORY = "/EventServer/api/HistoryEvent"


def _now() -> int:
    return time.time_ns() // 1_000_000


def _verdicts(client: Client, lang: str = "") -> dict[str, dict[str, Any]]:
    data = client.get_json("/api/verdicts" + (f"?lang={lang}" if lang else ""))["verdicts"]
    return {v["code"]: v for v in data}


def _logged(client: Client, n: int) -> bool:
    return len(client.get_json("/api/requests")["requests"]) >= n


def test_clock_eight_hours_ahead(full_receiver):
    client = Client(full_receiver.port)
    base = load_sample("employee_match")
    for i in range(3):
        event = sender.refreshed(base, _now() + 8 * HOUR + i)
        assert client.post_json(REALTIME, event).status == 200
    wait_for(lambda: _logged(client, 3))
    found = _verdicts(client)
    skew = found["clock_skew"]
    assert skew["level"] == "warn"
    assert skew["message"] == "box clock is 8 h ahead: check its time zone / NTP"
    assert skew["box"] == "SE3-A1B2C3D4" and skew["source_ip"] == "127.0.0.1"
    assert "8 小时" in skew["message_zh"]
    zh = _verdicts(client, "zh")["clock_skew"]
    assert zh["message"] == skew["message_zh"]


def test_clock_behind_on_realtime_but_old_history_is_fine(full_receiver):
    client = Client(full_receiver.port)
    base = load_sample("employee_match")
    # history uploads are old on purpose: no skew
    for i in range(3):
        client.post_json(HISTORY, sender.refreshed(base, _now() - 30 * HOUR + i))
    wait_for(lambda: _logged(client, 3))
    assert "clock_skew" not in _verdicts(client)
    for i in range(5):
        client.post_json(REALTIME, sender.refreshed(base, _now() - 2 * HOUR + i))
    wait_for(lambda: _logged(client, 8))
    assert _verdicts(client)["clock_skew"]["message"].startswith("box clock is 2 h behind")


def test_missing_scene_photo_and_registered_photo(full_receiver):
    client = Client(full_receiver.port)
    event = sender.refreshed(load_sample("employee_match"), _now())
    event["spot_pic"] = ""
    event["reg_pic"] = ""
    assert client.post_json(HISTORY, event).status == 200
    wait_for(lambda: _logged(client, 1))
    found = _verdicts(client)
    assert found["no_scene_photo"]["message"] == (
        "no scene photo: enable uploading the scene picture on the box"
    )
    assert found["no_scene_photo"]["level"] == "warn"
    assert "1 of 1 recognised people" in found["no_registered_photo"]["message"]
    assert "no_face_crop" not in found
    assert "ok" not in found


def test_duplicates_from_a_retried_batch(full_receiver):
    client = Client(full_receiver.port)
    batch = [sender.refreshed(load_sample("stranger"), _now() - 60_000 + i) for i in range(3)]
    assert client.post_json(HISTORY, batch).status == 200
    assert client.post_json(HISTORY, batch).status == 200  # the box retries
    wait_for(lambda: _logged(client, 2))
    dup = _verdicts(client)["duplicates"]
    assert dup["level"] == "warn" and dup["message"].startswith("3 events arrived again")


def test_all_good_names_shape_and_firmware(full_receiver):
    client = Client(full_receiver.port)
    event = sender.to_v2(sender.refreshed(load_sample("employee_match"), _now()))
    assert client.post_json(REALTIME, event).status == 200
    wait_for(lambda: _logged(client, 1))
    found = _verdicts(client)
    assert found["ok"]["level"] == "ok"
    assert found["payload_shape"]["message"] == "sends 2.0 events (real-time); firmware V6"
    assert found["body_format"]["message"] == "bodies are JSON"
    assert {v["level"] for v in found.values()} == {"ok"}


def test_rejected_and_unknown_path(full_receiver):
    client = Client(full_receiver.port)
    client.request("POST", HISTORY, b"", {"Content-Type": "application/json"})
    client.post_json("/upload", sender.refreshed(load_sample("stranger"), _now()))
    wait_for(lambda: _logged(client, 2))
    found = _verdicts(client)
    assert found["rejected"]["level"] == "error"
    assert "(400)" in found["rejected"]["message"] and "empty body" in found["rejected"]["message"]
    assert found["unknown_path"]["message"].startswith("the box posts to /upload")
    ordered = client.get_json("/api/verdicts")["verdicts"]
    assert ordered[0]["level"] == "error"


def test_self_test_traffic_is_not_judged(full_receiver):
    client = Client(full_receiver.port)
    client.request("POST", HISTORY, b"", {"X-Gatewatch-Self-Test": "1"})
    wait_for(lambda: _logged(client, 1))
    assert client.get_json("/api/verdicts")["verdicts"] == []


def test_duration_text():
    assert verdicts.duration_text(8 * HOUR) == ("8 h", "8 小时")
    assert verdicts.duration_text(-7 * 60000) == ("7 min", "7 分钟")
    assert verdicts.duration_text(3 * 24 * HOUR)[0] == "3 days"


def test_boxes_behind_one_address_are_judged_apart(full_receiver):
    client = Client(full_receiver.port)
    base = load_sample("employee_match")
    for i in range(3):
        good = sender.refreshed(base, _now() + i)
        good["dev_sno"] = "SE5-GOOD"
        good["ep_info"] = dict(good["ep_info"], ep_id="SE5-GOOD__cam1")
        skewed = sender.refreshed(base, _now() + 8 * HOUR + i)
        assert client.post_json(REALTIME, good).status == 200
        assert client.post_json(REALTIME, skewed).status == 200
    client.request("POST", HISTORY, b"", {"Content-Type": "application/json"})
    wait_for(lambda: _logged(client, 7))
    found = client.get_json("/api/verdicts")["verdicts"]
    skew = [v for v in found if v["code"] == "clock_skew"]
    assert [v["box"] for v in skew] == ["SE3-A1B2C3D4"]
    assert {v["box"] for v in found if v["code"] == "ok"} == {"SE5-GOOD"}
    rejected = [v for v in found if v["code"] == "rejected"]
    assert [v["box"] for v in rejected] == ["SE3-A1B2C3D4, SE5-GOOD"]


def test_form_data_bodies_and_geometry(full_receiver):
    import json

    client = Client(full_receiver.port)
    event = sender.refreshed(load_sample("employee_match"), _now())
    event["recognize_face_attr"] = dict(event["recognize_face_attr"], box=[1800, 1000, 2100, 1250])
    fields = {
        key: value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        for key, value in event.items()
    }
    reply = client.post_form(HISTORY, fields)
    assert reply.status == 200, reply.body
    wait_for(lambda: _logged(client, 1))
    found = _verdicts(client)
    assert found["body_format"]["level"] == "warn"
    assert found["body_format"]["message"].startswith("bodies come as form-data")
    assert found["geometry"]["message"] == (
        "1 recent event had the face box or landmarks outside the picture"
    )


def test_one_box_under_several_names_is_one_verdict_row(full_receiver: Any) -> None:
    """The MAC prefix of ep_id in one event, the licence code in others: one merged box."""
    from tests.core import firmware_payloads as P

    client = Client(full_receiver.port)
    now = P.now_ms()
    client.post_json(HISTORY, P.v1_without_version(now - 60_000, dev_sno=""))  # MAC only
    client.post_json(HISTORY, P.legacy_full_fiqa(now - 50_000))  # licence only
    client.post_json(HISTORY, P.v1_without_version(now - 40_000))  # licence + MAC: linked
    found = client.get_json("/api/verdicts")["verdicts"]
    boxes = {v["box"] for v in found if v["box"]}
    assert len(boxes) == 1, found
    (label,) = {v["box_label"] for v in found if v["box"]}
    mac = ":".join(P.MAC_HEX[i : i + 2] for i in range(0, 12, 2))
    assert P.LICENCE in label and mac in label.lower(), label
