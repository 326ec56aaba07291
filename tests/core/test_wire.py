"""The wire format: every message type and reader value survives JSON both ways."""

from __future__ import annotations

import json
from typing import Any

import pytest

from gui.core import messages as m
from gui.core import query, wire
from gui.core.alarms import Alarm
from gui.core.reader import Arrivals, DeviceNames, EventBrief, EventPage, HistoryItem
from gui.core.requestlog import RequestRecord
from gui.core.retention import DiskStatus, RetentionReport
from gui.core.silence import DeviceSilence, SilenceState
from gui.core.stats import Bucket, Stats
from gui.core.verdicts import Verdict
from tests.conftest import make_summary

ALARM = Alarm(
    id=7, kind="face", late=True, event_id=41, person_type=3, identity_id="bl-1",
    identity_name="张伟 <b>", ep_id="cam-1", count=3, first_at=1, last_at=2, state="acked",
    acked_by="guard", acked_at=3, note="seen", detail="Gate 1", seen_at=0,
)  # fmt: skip

#: One instance of every message type, every field set to something other than its default.
SAMPLES: dict[type, Any] = {
    m.EventStored: m.EventStored(
        make_summary(
            id=12,
            received_at=5,
            timestamp=4,
            identity_name="李\ud800",
            score=0.93,
            want_action="open",
            ep_id="cam",
            ep_name="Gate",
            device_id="d",
            dev_sno="SN",
            warning_codes=("a", "b"),
            image_kinds=("spot_pic",),
            self_test=True,
            merged=True,
        )
    ),
    m.FaceThumbReady: m.FaceThumbReady(12, b"\xff\xd8\x00jpeg"),
    m.HealthReportStored: m.HealthReportStored(
        "10.0.0.2", 99, {"gateway_sn": "SN", "cpu": [1, 2.5], "nested": {"x": None}}
    ),
    m.RequestLogged: m.RequestLogged(
        RequestRecord(
            time=1,
            source_ip="::1",
            method="POST",
            path="/x?y",
            content_type="a/b",
            length=10,
            status=400,
            reply='{"code": 1}',
            duration_ms=1.5,
            events=2,
            warnings=({"code": "w"},),
            headers={"H": "v"},
            body=b"\x00\x01",
            body_truncated=True,
            event_ids=(3, 4),
            body_format="json",
            id=77,
        )
    ),
    m.ServerStateChanged: m.ServerStateChanged("port_in_use", "127.0.0.1", 9528, "taken"),
    m.StorageStateChanged: m.StorageStateChanged(False, "disk full"),
    m.DiskStatusMeasured: m.DiskStatusMeasured(DiskStatus("/d", 1, 2, 3, 4)),
    m.RetentionRan: m.RetentionRan(RetentionReport(1, 2, 3, "age", 0.5, "free space")),
    m.AlarmChanged: m.AlarmChanged("acked", ALARM, 55),
    m.SilenceLevelsChanged: m.SilenceLevelsChanged(
        SilenceState(
            at=9,
            minutes=10,
            devices=(DeviceSilence("camera", "cam", "Gate", 1, 2, "amber", "quiet for 2 min"),),
        )
    ),
}


def test_every_message_type_has_a_sample_and_a_wire_name() -> None:
    assert set(SAMPLES) == set(m.MESSAGE_TYPES)
    assert set(wire.MESSAGE_NAMES) == set(m.MESSAGE_TYPES)
    assert len(set(wire.MESSAGE_NAMES.values())) == len(m.MESSAGE_TYPES)


@pytest.mark.parametrize("message_type", m.MESSAGE_TYPES, ids=lambda t: t.__name__)
def test_message_round_trips_through_strict_json(message_type: type) -> None:
    message = SAMPLES[message_type]
    encoded = wire.message_to_json(message)
    assert encoded["type"] == wire.message_name(message)
    # What goes on the wire: valid JSON (lone surrogates escaped, no NaN).
    from gui.core import lenient_json

    text = lenient_json.dumps_bytes(encoded).decode("utf-8")
    back = wire.message_from_json(json.loads(text))
    assert back == message


def test_sample_fields_are_not_defaults() -> None:
    """A field forgotten by an encoder would round-trip as its default: samples avoid them."""
    import dataclasses

    for message in SAMPLES.values():
        for f in dataclasses.fields(message):
            if f.default is not dataclasses.MISSING:
                assert getattr(message, f.name) != f.default, (type(message).__name__, f.name)


@pytest.mark.parametrize(
    "bad",
    [
        [],
        {"type": "nope", "data": {}},
        {"type": "event_stored"},
        {"type": "event_stored", "data": {"summary": {}}},
        {"type": "face_thumb_ready", "data": {"event_id": 1, "thumb": "!!not base64"}},
        {"type": "alarm_changed", "data": {"change": "raised", "alarm": {"id": "x"}}},
    ],
)
def test_malformed_messages_are_wire_errors(bad: Any) -> None:
    with pytest.raises(wire.WireError):
        wire.message_from_json(bad)


def test_unknown_object_has_no_wire_format() -> None:
    with pytest.raises(wire.WireError):
        wire.message_to_json(object())


VALUES = [
    (wire.brief_to_json, wire.brief_from_json,
     EventBrief(1, 2, 3, "i", "n", 3, 0.5, "w", "e", "en", "d", "sn", ("a", "b"), True, "0-1",
                0.8)),
    (wire.history_item_to_json, wire.history_item_from_json,
     HistoryItem(1, 2, "n", "i", 4, 82.0, "cam", "box", "w1 w2", True, (2, 1), "0-100", 80.0)),
    (wire.event_page_to_json, wire.event_page_from_json,
     EventPage([HistoryItem(1, 2, None, None, None, None, None, None, "", False, ("a", 1))],
               True)),
    (wire.arrivals_to_json, wire.arrivals_from_json, Arrivals(3, 10, 99)),
    (wire.device_names_to_json, wire.device_names_from_json,
     DeviceNames([("cam", "Gate"), ("cam2", None)], ["SN1"])),
    (wire.stats_to_json, wire.stats_from_json,
     Stats(1, 2, "hour", [Bucket(1, 2, {"3": 1}, {"cam": 2})], 2, {"3": 1}, {"cam": 2},
           [{"identity_id": "x", "count": 2}], [1] * 24)),
    (wire.verdict_to_json, wire.verdict_from_json,
     Verdict("10.0.0.1", "SN", "bad", "code", "english", "中文", "SN (mac)")),
    (wire.disk_status_to_json, wire.disk_status_from_json, DiskStatus("/d", 1, 2, 3, 4)),
    (wire.alarm_to_json, wire.alarm_from_json, ALARM),
]  # fmt: skip


@pytest.mark.parametrize("to_json,from_json,value", VALUES, ids=lambda v: type(v).__name__)
def test_reader_values_round_trip(to_json: Any, from_json: Any, value: Any) -> None:
    assert from_json(json.loads(json.dumps(to_json(value), ensure_ascii=False))) == value


def test_filter_to_query_is_read_back_by_parse_filter() -> None:
    flt = query.EventFilter(
        since=1, until=2, person_types=(1, 3), device="cam", box="SN", q="张", score_min=0.25,
        score_max=0.75, score_pct_min=10.0, score_pct_max=90.5, want_action="open",
        has_warnings=False, acked=True, include_self_test=False,
    )  # fmt: skip
    assert query.parse_filter(wire.filter_to_query(flt)) == flt
    assert query.parse_filter(wire.filter_to_query(query.EventFilter())) == query.EventFilter()
    with pytest.raises(wire.WireError):
        wire.filter_to_query(query.EventFilter(extra_sql=(("1", ()),)))
