"""Hostile input, text class: whatever almost-JSON a box sends is stored, never a 5xx.

A 5xx makes a box retry the same batch forever (its history never moves
again); a 400 loses the batch's good events. So lone surrogates, legacy
encodings, numbers JSON cannot hold and absurd nesting are stored with a
warning, the raw JSON keeps what was sent, and every API answer stays valid
JSON.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from gui.core import json_body, lenient_json
from tests.conftest import Client, load_sample

pytestmark = pytest.mark.timeout(120)

HISTORY = "/EventServer/api/HistoryEvent"


def _event(ts: int, **fields: Any) -> dict[str, Any]:
    event = copy.deepcopy(load_sample("stranger"))
    event.update(timestamp=ts, identity_id=f"hostile-{ts}", **fields)
    return event


def _strict_json(body: bytes) -> Any:
    """What a strict client reads: UTF-8 without lone surrogates, no NaN/Infinity."""
    text = body.decode("utf-8")  # strict: raises on invalid bytes

    def refuse(name: str) -> Any:
        raise AssertionError(f"{name} is not JSON")

    return json.loads(text, parse_constant=refuse)


def _post(client: Client, body: bytes, path: str = HISTORY) -> dict[str, Any]:
    reply = client.request("POST", path, body, {"Content-Type": "application/json"})
    assert reply.status == 200, (reply.status, reply.body[:300])
    return _strict_json(reply.body)


def _stored(client: Client, event_id: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """(event, raw) as the API gives them, both checked to be strict JSON."""
    event = client.get(f"/api/events/{event_id}")
    raw = client.get(f"/api/events/{event_id}/raw")
    assert event.status == 200 and raw.status == 200
    return _strict_json(event.body), _strict_json(raw.body)


def _codes(event: dict[str, Any]) -> set[str]:
    return {w["code"] for w in event["warnings"]}


def test_lone_surrogates_are_stored_with_a_warning_and_kept_raw(client: Client) -> None:
    escaped = json.dumps(_event(1_700_000_000_001, identity_name="A\ud800B")).encode()
    raw_bytes = (
        json.dumps(_event(1_700_000_000_002, identity_name="NAME"), ensure_ascii=False)
        .encode()
        .replace(b"NAME", b"\xed\xa0\x80")  # a surrogate written straight as UTF-8 bytes
    )
    for body, expected in ((escaped, "A\ufffdB"), (raw_bytes, "\ufffd")):
        [result] = _post(client, body)["events"]
        assert result["warnings"] == ["unstorable_text"]
        event, raw = _stored(client, result["id"])
        assert event["identity_name"] == expected
        assert "unstorable_text" in _codes(event)
        assert raw["identity_name"] != expected  # the original, not the stand-in
    # The raw JSON keeps the surrogate (as an escape)
    text = client.get(f"/api/events/{result['id'] - 1}/raw").body.decode()
    assert "\\ud800" in text
    # every list and the request log stay valid JSON too
    _strict_json(client.get("/api/events").body)
    _strict_json(client.get("/api/requests").body)


def test_a_batch_with_one_bad_string_stores_every_event(client: Client) -> None:
    batch = [_event(1_700_000_000_100 + i) for i in range(5)]
    batch[2]["ep_info"] = dict(batch[2]["ep_info"], ep_name="gate \udfff")
    reply = _post(client, json.dumps(batch).encode())
    assert [e["result"] for e in reply["events"]] == ["new"] * 5
    assert [e["warnings"] for e in reply["events"]][2] == ["unstorable_text"]
    assert len(_strict_json(client.get("/api/events").body)["events"]) == 5


def test_gbk_bytes_in_a_utf8_body_are_read_as_gbk(client: Client) -> None:
    body = json.dumps(_event(1_700_000_000_200, identity_name="NAME"), ensure_ascii=False)
    body_bytes = body.encode().replace(b"NAME", "张三丰".encode("gbk"))
    [result] = _post(client, body_bytes)["events"]
    event, _raw = _stored(client, result["id"])
    assert event["identity_name"] == "张三丰"
    assert "legacy_encoding" in _codes(event)


def test_undecodable_bytes_become_replacement_characters(client: Client) -> None:
    body = json.dumps(_event(1_700_000_000_250, identity_name="NAME")).encode()
    [result] = _post(client, body.replace(b"NAME", b"ok\xff\x80"))["events"]
    event, _raw = _stored(client, result["id"])
    assert event["identity_name"].startswith("ok") and "\ufffd" in event["identity_name"]
    assert "unstorable_text" in _codes(event)


@pytest.mark.parametrize(
    "token",
    [b"NaN", b"Infinity", b"-Infinity", b"1e999", b"9" * 5000, b"-" + b"9" * 5000],
)
def test_numbers_json_cannot_hold_are_stored_as_null(client: Client, token: bytes) -> None:
    body = json.dumps(_event(1_700_000_000_300, score=0.5)).encode()
    body = body.replace(b'"score": 0.5', b'"score": ' + token)
    [result] = _post(client, body)["events"]
    event, raw = _stored(client, result["id"])
    assert event["score"] is None
    assert "number_out_of_range" in _codes(event)
    assert isinstance(raw["score"], str)  # the original, as text JSON can hold


def test_values_nested_hundreds_deep_are_stored(client: Client) -> None:
    body = json.dumps(_event(1_700_000_000_400, deep="DEEP")).encode()
    body = body.replace(b'"DEEP"', b"[" * 600 + b"]" * 600)
    [result] = _post(client, body)["events"]
    event, raw = _stored(client, result["id"])
    assert "nested_too_deep" in _codes(event)
    assert raw["identity_id"] == "hostile-1700000000400"


def test_a_utf16_body_comes_back_exactly_as_sent(client: Client) -> None:
    original = _event(1_700_000_000_500, identity_name="张三丰 丢乁≁")
    for encoding in ("utf-16", "utf-16-le", "utf-16-be"):
        original["timestamp"] += 1
        body = json.dumps(original, ensure_ascii=False).encode(encoding)
        [result] = _post(client, body)["events"]
        assert result["warnings"] == []
        _event_json, raw = _stored(client, result["id"])
        assert raw == original


def test_the_base64_fast_path_never_cuts_a_utf16_body(monkeypatch: pytest.MonkeyPatch) -> None:
    # 丢 is 22 4E in UTF-16-LE and ≁ is 41 22: quote bytes inside characters, with
    # "base64" between them. Cutting byte ranges there would change characters.
    text = "丢" + "乁" * 3000 + "≁"
    body = json.dumps({"identity_name": text, "pad": "x" * 5000}, ensure_ascii=False)
    for encoding in ("utf-16-le", "utf-16-be", "utf-32", "utf-8-sig"):
        data = body.encode(encoding)
        assert json_body.loads(data) == json.loads(data)

    def refuse(_body: bytes) -> Any:
        raise AssertionError("the fast path scanned a body that is not plain UTF-8")

    monkeypatch.setattr(json_body, "_long_strings", refuse)
    assert json_body.loads(body.encode("utf-16-le")) == json.loads(body)


def test_health_reports_with_unstorable_text_are_stored(client: Client) -> None:
    report = {
        "gateway_sn": "SE3-HOSTILE",
        "gateway_name": "north \ud800 gate",
        "sub_devices": [
            {"ep_id": "SE3-HOSTILE__cam1", "ep_name": "cam \udc80", "ep_status": "online"}
        ],
        "gateway_ext_data": {"cpu": float("nan")},
    }
    _post(client, json.dumps(report).encode(), "/DeviceStatus")
    devices = _strict_json(client.get("/api/devices").body)
    [box] = [b for b in devices["boxes"] if b["sn"] == "SE3-HOSTILE"]
    assert box["name"] == "north \ufffd gate"
    [camera] = [c for c in devices["cameras"] if c["ep_id"] == "SE3-HOSTILE__cam1"]
    assert camera["name"] == "cam \ufffd"


def test_sanitise_leaves_storable_values_untouched() -> None:
    value = {"a": ["张三", 1, 2.5, None, {"b": True}], "c": "x" * 2000}
    result = lenient_json.sanitise(value)
    assert result.clean is value and result.raw is value and result.notes == []


def test_dumps_never_writes_invalid_json() -> None:
    text = lenient_json.dumps({"a": "\ud800", "b": float("nan"), "c": [float("inf")]})
    assert _strict_json(text.encode()) == {"a": "\ud800", "b": None, "c": [None]}
