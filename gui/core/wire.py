"""The JSON shapes of the core's messages and reader values, both directions.

One module says how everything a window needs crosses the network: the typed
messages of ``gui.core.messages`` on ``/api/stream`` (``message_to_json`` /
``message_from_json``), and the values of the ``Reader`` interface on the read
API (briefs, history rows, statistics...). The server encodes with these
functions, a window attached over HTTP decodes with them, and a test round-trips
every message type, so a new type cannot be forgotten on either side.

Bytes travel as base64 text; tuples as JSON lists (decoded back to tuples).
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Mapping
from typing import Any

from gui.core import messages as m
from gui.core import query
from gui.core.alarms import Alarm
from gui.core.model import EventBrief, EventSummary
from gui.core.reader import Arrivals, DeviceNames, EventPage, HistoryItem
from gui.core.requestlog import RequestRecord
from gui.core.retention import DiskStatus, RetentionReport
from gui.core.silence import DeviceSilence, SilenceState
from gui.core.stats import Bucket, Stats
from gui.core.verdicts import Verdict


class WireError(ValueError):
    """A JSON value that is not the shape this side expects (a newer server, a broken proxy)."""


def _b64(data: bytes | None) -> str | None:
    return None if data is None else base64.b64encode(data).decode("ascii")


def _unb64(text: Any) -> bytes | None:
    if text is None:
        return None
    try:
        return base64.b64decode(text, validate=True)
    except (ValueError, TypeError) as exc:
        raise WireError(f"not base64: {exc}") from None


def _opt_tuple(value: Any) -> tuple[Any, ...]:
    return tuple(value or ())


# -- values -------------------------------------------------------------------------------


def summary_to_json(s: EventSummary) -> dict[str, Any]:
    """A brief's fields (``brief_to_json``) and where the event came from."""
    return {
        **brief_to_json(s), "format": s.format, "path": s.path, "source_ip": s.source_ip,
        "image_kinds": list(s.image_kinds), "merged": s.merged,
    }  # fmt: skip


def summary_from_json(d: Mapping[str, Any]) -> EventSummary:
    return EventSummary(
        **_brief_fields(d), format=d.get("format") or "", path=d.get("path") or "",
        source_ip=d.get("source_ip") or "", image_kinds=_opt_tuple(d.get("image_kinds")),
        merged=bool(d.get("merged")),
    )  # fmt: skip


def alarm_to_json(a: Alarm) -> dict[str, Any]:
    """``Alarm.to_json``: every field, ``detail`` (camera name, silence reason) and ``seen_at``."""
    return {**a.to_json(), "detail": a.detail, "seen_at": a.seen_at}


def alarm_from_json(d: Mapping[str, Any]) -> Alarm:
    return Alarm(
        id=int(d["id"]), kind=d["kind"], late=bool(d.get("late")), event_id=d.get("event_id"),
        person_type=d.get("person_type"), identity_id=d.get("identity_id"),
        identity_name=d.get("identity_name"), ep_id=d.get("ep_id"), count=int(d["count"]),
        first_at=int(d["first_at"]), last_at=int(d["last_at"]), state=d["state"],
        acked_by=d.get("acked_by"), acked_at=d.get("acked_at"), note=d.get("note"),
        detail=d.get("detail"), seen_at=d.get("seen_at"),
    )  # fmt: skip


def request_record_to_json(r: RequestRecord) -> dict[str, Any]:
    return {
        "id": r.id, "time": r.time, "source_ip": r.source_ip, "method": r.method,
        "path": r.path, "content_type": r.content_type, "length": r.length,
        "status": r.status, "reply": r.reply, "duration_ms": r.duration_ms,
        "events": r.events, "warnings": list(r.warnings), "headers": dict(r.headers),
        "body": _b64(r.body), "body_truncated": r.body_truncated,
        "event_ids": list(r.event_ids), "body_format": r.body_format,
    }  # fmt: skip


def request_record_from_json(d: Mapping[str, Any]) -> RequestRecord:
    return RequestRecord(
        time=int(d["time"]), source_ip=d.get("source_ip") or "", method=d.get("method") or "",
        path=d.get("path") or "", content_type=d.get("content_type") or "",
        length=int(d.get("length") or 0), status=int(d["status"]), reply=d.get("reply") or "",
        duration_ms=float(d.get("duration_ms") or 0.0), events=int(d.get("events") or 0),
        warnings=tuple(d.get("warnings") or ()), headers=dict(d.get("headers") or {}),
        body=_unb64(d.get("body")), body_truncated=bool(d.get("body_truncated")),
        event_ids=tuple(int(i) for i in d.get("event_ids") or ()),
        body_format=d.get("body_format"), id=d.get("id"),
    )  # fmt: skip


def disk_status_to_json(s: DiskStatus) -> dict[str, Any]:
    return {
        "data_dir": s.data_dir, "data_bytes": s.data_bytes, "free_bytes": s.free_bytes,
        "max_data_bytes": s.max_data_bytes, "min_free_bytes": s.min_free_bytes, "low": s.low,
    }  # fmt: skip


def disk_status_from_json(d: Mapping[str, Any]) -> DiskStatus:
    return DiskStatus(
        data_dir=d.get("data_dir") or "", data_bytes=int(d["data_bytes"]),
        free_bytes=int(d["free_bytes"]), max_data_bytes=int(d["max_data_bytes"]),
        min_free_bytes=int(d["min_free_bytes"]),
    )  # fmt: skip


def retention_report_to_json(r: RetentionReport) -> dict[str, Any]:
    return {
        "photos_purged": r.photos_purged, "events_deleted": r.events_deleted,
        "pages_reclaimed": r.pages_reclaimed, "reason": r.reason, "seconds": r.seconds,
        "shortfall": r.shortfall,
    }  # fmt: skip


def retention_report_from_json(d: Mapping[str, Any]) -> RetentionReport:
    return RetentionReport(
        photos_purged=int(d.get("photos_purged") or 0),
        events_deleted=int(d.get("events_deleted") or 0),
        pages_reclaimed=int(d.get("pages_reclaimed") or 0), reason=d.get("reason") or "",
        seconds=float(d.get("seconds") or 0.0), shortfall=d.get("shortfall") or "",
    )  # fmt: skip


def silence_to_json(s: SilenceState) -> dict[str, Any]:
    return s.to_json()


def silence_from_json(d: Mapping[str, Any]) -> SilenceState:
    return SilenceState(
        at=int(d["at"]),
        minutes=int(d["minutes"]),
        devices=tuple(
            DeviceSilence(
                kind=x["kind"],
                key=x["key"],
                name=x.get("name"),
                last_activity=x.get("last_activity"),
                silent_ms=x.get("silent_ms"),
                level=x["level"],
                reason=x.get("reason") or "",
            )
            for x in d.get("devices") or ()
        ),
    )


def brief_to_json(b: EventBrief) -> dict[str, Any]:
    """``warning_count`` too, for readers that only show how many."""
    return {
        "id": b.id, "received_at": b.received_at, "timestamp": b.timestamp,
        "identity_id": b.identity_id, "identity_name": b.identity_name,
        "person_type": b.person_type, "score": b.score, "want_action": b.want_action,
        "ep_id": b.ep_id, "ep_name": b.ep_name, "device_id": b.device_id, "dev_sno": b.dev_sno,
        "warning_codes": list(b.warning_codes), "warning_count": b.warning_count,
        "self_test": b.self_test, "score_scale": b.score_scale, "threshold": b.threshold,
    }  # fmt: skip


def _brief_fields(d: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "id": int(d["id"]), "received_at": int(d["received_at"]),
        "timestamp": d.get("timestamp"), "identity_id": d.get("identity_id"),
        "identity_name": d.get("identity_name"), "person_type": d.get("person_type"),
        "score": d.get("score"), "want_action": d.get("want_action"), "ep_id": d.get("ep_id"),
        "ep_name": d.get("ep_name"), "device_id": d.get("device_id"),
        "dev_sno": d.get("dev_sno"), "warning_codes": _opt_tuple(d.get("warning_codes")),
        "self_test": bool(d.get("self_test")), "score_scale": d.get("score_scale"),
        "threshold": d.get("threshold"),
    }  # fmt: skip


def brief_from_json(d: Mapping[str, Any]) -> EventBrief:
    return EventBrief(**_brief_fields(d))


def history_item_to_json(h: HistoryItem) -> dict[str, Any]:
    return {
        "id": h.id, "ts": h.ts, "name": h.name, "identity_id": h.identity_id,
        "person_type": h.person_type, "score": h.score, "camera": h.camera, "box": h.box,
        "warnings": h.warnings, "pinned": h.pinned, "key": list(h.key),
        "score_scale": h.score_scale, "threshold": h.threshold,
    }  # fmt: skip


def history_item_from_json(d: Mapping[str, Any]) -> HistoryItem:
    return HistoryItem(
        id=int(d["id"]), ts=int(d["ts"]), name=d.get("name"), identity_id=d.get("identity_id"),
        person_type=d.get("person_type"), score=d.get("score"), camera=d.get("camera"),
        box=d.get("box"), warnings=d.get("warnings") or "", pinned=bool(d.get("pinned")),
        key=tuple(d.get("key") or ()), score_scale=d.get("score_scale"),
        threshold=d.get("threshold"),
    )  # fmt: skip


def event_page_to_json(p: EventPage) -> dict[str, Any]:
    return {"rows": [history_item_to_json(h) for h in p.rows], "more": p.more}


def event_page_from_json(d: Mapping[str, Any]) -> EventPage:
    return EventPage([history_item_from_json(h) for h in d.get("rows") or ()], bool(d["more"]))


def arrivals_to_json(a: Arrivals) -> dict[str, Any]:
    return {"count": a.count, "last_received_at": a.last_received_at, "last_id": a.last_id}


def arrivals_from_json(d: Mapping[str, Any]) -> Arrivals:
    return Arrivals(int(d["count"]), d.get("last_received_at"), d.get("last_id"))


def device_names_to_json(n: DeviceNames) -> dict[str, Any]:
    return {
        "cameras": [{"ep_id": ep_id, "name": name} for ep_id, name in n.cameras],
        "boxes": list(n.boxes),
    }


def device_names_from_json(d: Mapping[str, Any]) -> DeviceNames:
    return DeviceNames(
        [(c["ep_id"], c.get("name")) for c in d.get("cameras") or ()], list(d.get("boxes") or ())
    )


def stats_to_json(s: Stats) -> dict[str, Any]:
    return s.to_json()


def stats_from_json(d: Mapping[str, Any]) -> Stats:
    return Stats(
        since=int(d["since"]), until=int(d["until"]), bucket=d["bucket"],
        buckets=[
            Bucket(int(b["start"]), int(b["total"]), dict(b.get("by_person_type") or {}),
                   dict(b.get("by_device") or {}))
            for b in d.get("buckets") or ()
        ],
        total=int(d["total"]), by_person_type=dict(d.get("by_person_type") or {}),
        by_device=dict(d.get("by_device") or {}),
        top_identities=list(d.get("top_identities") or ()),
        strangers_by_hour_of_day=list(d.get("strangers_by_hour_of_day") or [0] * 24),
    )  # fmt: skip


def verdict_to_json(v: Verdict) -> dict[str, Any]:
    """Both languages, as ``/api/verdicts`` answers without ``lang``."""
    return v.to_json()


def verdict_from_json(d: Mapping[str, Any]) -> Verdict:
    return Verdict(
        source_ip=d.get("source_ip") or "", box=d.get("box"), level=d["level"], code=d["code"],
        message=d.get("message_en") or d.get("message") or "",
        message_zh=d.get("message_zh") or "", box_label=d.get("box_label"),
    )  # fmt: skip


# -- filters as query strings ------------------------------------------------------------


def filter_to_query(flt: query.EventFilter) -> dict[str, str]:
    """An ``EventFilter`` as the query parameters ``query.parse_filter`` reads back."""
    if flt.extra_sql:
        raise WireError("a filter with extra SQL cannot be sent over the network")
    out: dict[str, str] = {}

    def put(name: str, value: Any) -> None:
        if value is not None and value != "":
            out[name] = str(value)

    put("since", flt.since)
    put("until", flt.until)
    if flt.person_types:
        out["person_type"] = ",".join(str(t) for t in flt.person_types)
    put("device", flt.device)
    put("box", flt.box)
    put("q", flt.q)
    put("score_min", None if flt.score_min is None else repr(float(flt.score_min)))
    put("score_max", None if flt.score_max is None else repr(float(flt.score_max)))
    put("score_pct_min", None if flt.score_pct_min is None else repr(float(flt.score_pct_min)))
    put("score_pct_max", None if flt.score_pct_max is None else repr(float(flt.score_pct_max)))
    put("want_action", flt.want_action)
    if flt.has_warnings is not None:
        out["has_warnings"] = "1" if flt.has_warnings else "0"
    if flt.acked is not None:
        out["acked"] = "1" if flt.acked else "0"
    if not flt.include_self_test:
        out["self_test"] = "0"
    return out


# -- messages ---------------------------------------------------------------------------

_Encoder = Callable[[Any], dict[str, Any]]
_Decoder = Callable[[Mapping[str, Any]], Any]

#: Each message type: (wire name, encoder of its fields, decoder back to the message).
_CODECS: dict[type, tuple[str, _Encoder, _Decoder]] = {
    m.EventStored: (
        "event_stored",
        lambda x: {"summary": summary_to_json(x.summary)},
        lambda d: m.EventStored(summary_from_json(d["summary"])),
    ),
    m.FaceThumbReady: (
        "face_thumb_ready",
        lambda x: {"event_id": x.event_id, "thumb": _b64(x.thumb)},
        lambda d: m.FaceThumbReady(int(d["event_id"]), _unb64(d["thumb"]) or b""),
    ),
    m.HealthReportStored: (
        "health_report_stored",
        lambda x: {
            "source_ip": x.source_ip,
            "received_at": x.received_at,
            "report": dict(x.report),
        },
        lambda d: m.HealthReportStored(
            d.get("source_ip") or "", int(d["received_at"]), dict(d.get("report") or {})
        ),
    ),
    m.RequestLogged: (
        "request_logged",
        lambda x: {"record": request_record_to_json(x.record)},
        lambda d: m.RequestLogged(request_record_from_json(d["record"])),
    ),
    m.ServerStateChanged: (
        "server_state_changed",
        lambda x: {"state": x.state, "bind": x.bind, "port": x.port, "message": x.message},
        lambda d: m.ServerStateChanged(
            d["state"], d.get("bind") or "", int(d.get("port") or 0), d.get("message") or ""
        ),
    ),
    m.StorageStateChanged: (
        "storage_state_changed",
        lambda x: {"ok": x.ok, "message": x.message},
        lambda d: m.StorageStateChanged(bool(d["ok"]), d.get("message") or ""),
    ),
    m.DiskStatusMeasured: (
        "disk_status_measured",
        lambda x: {"status": disk_status_to_json(x.status)},
        lambda d: m.DiskStatusMeasured(disk_status_from_json(d["status"])),
    ),
    m.RetentionRan: (
        "retention_ran",
        lambda x: {"report": retention_report_to_json(x.report)},
        lambda d: m.RetentionRan(retention_report_from_json(d["report"])),
    ),
    m.AlarmChanged: (
        "alarm_changed",
        lambda x: {"change": x.change, "alarm": alarm_to_json(x.alarm), "seq": x.seq},
        lambda d: m.AlarmChanged(d["change"], alarm_from_json(d["alarm"]), int(d.get("seq") or 0)),
    ),
    m.SilenceLevelsChanged: (
        "silence_levels_changed",
        lambda x: {"state": silence_to_json(x.state)},
        lambda d: m.SilenceLevelsChanged(silence_from_json(d["state"])),
    ),
}

_BY_NAME: dict[str, tuple[type, _Decoder]] = {
    name: (t, dec) for t, (name, _, dec) in _CODECS.items()
}

#: Wire names of every message type, in ``MESSAGE_TYPES`` order.
MESSAGE_NAMES: dict[type, str] = {t: _CODECS[t][0] for t in m.MESSAGE_TYPES if t in _CODECS}


def message_name(message: Any) -> str:
    """The wire name of a message (``event_stored``...): the SSE ``event:`` field."""
    try:
        return _CODECS[type(message)][0]
    except KeyError:
        raise WireError(f"no wire format for {type(message).__name__}") from None


def message_to_json(message: Any) -> dict[str, Any]:
    """``{"type": "<wire name>", "data": {...}}``: one message, ready for ``json.dumps``."""
    try:
        name, encode, _ = _CODECS[type(message)]
    except KeyError:
        raise WireError(f"no wire format for {type(message).__name__}") from None
    return {"type": name, "data": encode(message)}


def message_from_json(value: Mapping[str, Any]) -> Any:
    """The message ``message_to_json`` made; ``WireError`` for anything else."""
    if not isinstance(value, Mapping):
        raise WireError("a message is a JSON object")
    name = value.get("type")
    found = _BY_NAME.get(name) if isinstance(name, str) else None
    if found is None:
        raise WireError(f"unknown message type {name!r}")
    data = value.get("data")
    if not isinstance(data, Mapping):
        raise WireError(f"{name}: data is not an object")
    try:
        return found[1](data)
    except WireError:
        raise
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise WireError(f"{name}: {type(exc).__name__}: {exc}") from None
