"""Pulled shapes -> the pushed shapes, so pulled events take the push pipeline unchanged.

A stored record (backfill) or a WebSocket message becomes the JSON the same
box would have pushed for that event; the ingest pipeline then normalises it
and keys it exactly like the push, so one event arriving both ways is stored
once. The points where channels differ:

* Record times are float **seconds** (sometimes milliseconds, §9 of BOX_API.md);
  pushes carry whole milliseconds the box got by truncating. So: per field,
  below 1e11 is seconds, converted by truncating the *decimal* value to whole
  milliseconds (never rounding, never to seconds).
* A V2–V5 WebSocket event names its camera by ``device_id``, a real-time POST
  only by its IP; pushes name it by ``ep_id`` (``0x<MAC>__<ip or rtsp URL>``).
  The box's camera list gives the map (``camera_ep_ids``), records and stored
  pushes (which carry both) confirm it; ``BoxService.resolve`` applies it.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from decimal import ROUND_FLOOR, Decimal, InvalidOperation
from typing import Any

_PERSON_WORDS = {1: "employee", 2: "visitor", 3: "blacklist", 4: "stranger", 5: "vip"}


def to_ms(value: Any) -> int | None:
    """A record time (seconds or ms, number or text) as whole ms, truncated like the box."""
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    if not number.is_finite():
        return None
    if number < Decimal("1e11"):
        number *= 1000
    elif number >= Decimal("1e14"):  # microseconds
        number /= 1000
    return int(number.to_integral_value(rounding=ROUND_FLOOR))


def _b64(data: bytes | None) -> str:
    return base64.b64encode(data).decode("ascii") if data else ""


def v5_record_to_push(
    record: Mapping[str, Any], pictures: Mapping[str, bytes], *, licence: str = ""
) -> dict[str, Any]:
    """A V5 ``SophonFace/api/events`` record as the 1.0 history push of the same event."""
    common = dict(record.get("common") or {})
    video = record.get("video_data") or {}
    event: dict[str, Any] = {"api_version": "1.0"}
    for key in (
        "identity_id", "identity_name", "identity_info", "group_id", "group_name",
        "permission_id", "permission_name", "person_type", "score", "want_action", "frame_id",
        "ep_info", "recognize_face_attr", "card_id",
    ):  # fmt: skip
        if key in common:
            event[key] = common[key]
    event["timestamp"] = to_ms(record.get("timestamp"))
    out_ts = to_ms(video.get("out_timestamp")) if isinstance(video, Mapping) else None
    if out_ts is not None:
        event["out_timestamp"] = out_ts
    event["dev_sno"] = str(common.get("dev_sno") or licence or "")
    event["spot_pic"] = _b64(pictures.get("spot_pic"))
    event["recognize_face"] = _b64(pictures.get("recognize_face"))
    event["reg_pic"] = _b64(pictures.get("reg_pic"))
    event["ir_pic"] = ""
    return event


def v6_record_to_push(
    record: Mapping[str, Any], pictures: Mapping[str, bytes], *, licence: str = ""
) -> dict[str, Any]:
    """A V6 ``getevents`` record as the 2.0 history push of the same event."""
    ext = record.get("ext_data") or {}
    ts = to_ms(record.get("timestamp"))
    in_ts = to_ms(ext.get("in_timestamp")) if isinstance(ext, Mapping) else None
    out_ts = to_ms(ext.get("out_timestamp")) if isinstance(ext, Mapping) else None
    attr = dict(record.get("recognize_face_attr") or {})
    if "feature_binary" in attr:
        attr["feature_base64_str"] = attr.pop("feature_binary")
    event: dict[str, Any] = {
        "api_version": "2.0",
        "event_id": record.get("event_id"),
        "identity_id": record.get("identity_id"),
        "identity_name": record.get("identity_name"),
        "identity_info": record.get("identity_info") or {},
        "timestamp": ts,
        "in_timestamp": in_ts if in_ts is not None else ts,
        "score": record.get("score"),
        "post_action": record.get("post_action", "0"),
        "user_type": record.get("user_type"),
        "media_device_info": dict(record.get("media_device_info") or {}),
        "mq_license_key": licence,
        "recognize_face_attr": attr,
        "spot_image": _b64(pictures.get("spot_pic")),
        "recognize_face_image": _b64(pictures.get("recognize_face")),
        "reg_image": _b64(pictures.get("reg_pic")),
        "ir_image": "",
    }
    if out_ts is not None:
        event["out_timestamp"] = out_ts
    return event


def v6_ws_to_push(message: Mapping[str, Any], *, licence: str = "") -> dict[str, Any]:
    """A V6 WebSocket event (flat 2.0: camera fields at the top) in the pushed 2.0 shape."""
    event = {k: v for k, v in message.items() if not k.startswith("media_device_")}
    event["api_version"] = "2.0"
    event["media_device_info"] = {
        k: message[k]
        for k in ("media_device_id", "media_device_ip", "media_device_type", "media_device_name")
        if k in message
    }
    if "register_image" in event and not event.get("reg_image"):
        event["reg_image"] = event.pop("register_image")
    event.pop("reg_pic", None)
    if licence and not event.get("mq_license_key"):
        event["mq_license_key"] = licence
    if "user_type" not in event and "person_type" in message:
        event["user_type"] = _PERSON_WORDS.get(message["person_type"], "employee")
    return event


def camera_ep_ids(cameras: list[dict[str, Any]], mac: str) -> dict[str, str]:
    """V2–V5: camera uuid -> the ``ep_id`` its pushes carry (``0x<MAC>__<key>``)."""
    if not mac:
        return {}
    return {c["id"]: f"0x{mac}__{c['key']}" for c in cameras if c.get("id") and c.get("key")}
