"""Turn whatever a Sophon box POSTed into one :class:`NormalisedEvent` (Qt-free, pure).

The boxes speak three dialects (see ``PROTOCOL.md``): 1.0, legacy (V2R3/V2R4,
``ext_data``) and 2.0 (V6, renamed fields). Everything is mapped onto the 1.0
names so the store and the GUI deal with one shape. A malformed field never
rejects an event: it becomes ``None`` plus an :class:`EventWarning`; only a body
that is not an event at all raises :class:`NotAnEvent`. Images are listed, not
decoded (decoding is slow and happens off the event loop).

Decisions worth knowing:

* Landmark layouts (``NormalisedEvent.landmark_layout``):
  ``"x5y5"`` five x values then five y values (1.0 and legacy default);
  ``"interleaved"`` x,y,x,y,... (2.0 default); ``"pairs"`` five ``[x, y]`` lists.
  If the format's default layout puts a landmark outside the face box and the
  other flat layout puts all five inside, the other one is used.
* A degenerate box (``x2 <= x1`` or ``y2 <= y1``) gives ``bad_geometry`` and
  ``face_box = None``: downstream code may rely on ``face_box`` being a finite,
  non-empty rectangle. The original stays in ``raw`` and ``recognize_face_attr``.
* Legacy ``ext_data.device_type`` -> 1.0 ``ep_type`` (:data:`LEGACY_DEVICE_TYPES`):
  ``"0"`` gate -> ``"photo"``, ``"1"`` snapshot camera -> ``"photo"``,
  ``"3"`` IPC stream -> ``"rtsp"``, ``"4"`` door access -> ``"photo"`` (a door
  terminal takes snapshots like a gate; ``"card"`` is the ID-card check, which
  legacy firmware has no code for). Unknown codes -> no ``ep_type``. The original
  code is always kept as ``extra["device_type"]``.
* An unknown ``person_type`` (outside 1..5, or an unknown 2.0 word) becomes
  ``None`` with ``unknown_person_type``; an absent one means employee (1).

Natural key (``natural_key``): the sha1 hex digest of the UTF-8 JSON text
``["v1", camera, identity_id, timestamp]`` where ``camera`` is the first
non-empty of ``ep_id``, ``device_id``, ``dev_sno`` (else ``""``), ``identity_id``
is the normalised string (or null) and ``timestamp`` the normalised ms integer
(or null). Being built from normalised values, the same event sent as 1.0, 2.0,
history or real-time gets the same key. When identity_id and timestamp are both
missing, the key is the sha1 of the canonical JSON of the raw object
(``sort_keys=True``, compact separators) prefixed with ``"raw:"``.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterable, Sequence
from typing import Any

from gui.core import warnings as W
from gui.core.model import (
    IMAGE_KINDS,
    PERSON_TYPE_BY_WORD,
    EventWarning,
    ImageSource,
    NormalisedEvent,
    PersonType,
)

__all__ = [
    "EVENT_FIELDS",
    "INTERLEAVED",
    "LEGACY_DEVICE_TYPES",
    "PAIRS",
    "X5Y5",
    "NotAnEvent",
    "detect_format",
    "geometry_warnings",
    "looks_like_event",
    "looks_like_health_report",
    "natural_key",
    "normalise",
]

#: Landmark layout names (see the module docstring).
X5Y5 = "x5y5"
INTERLEAVED = "interleaved"
PAIRS = "pairs"

#: Top-level keys that mark a JSON object as a face event (any one is enough).
EVENT_FIELDS: frozenset[str] = frozenset({
    "identity_id", "identity_name", "identity_info", "timestamp", "in_timestamp",
    "out_timestamp", "score", "person_type", "user_type", "spot_pic", "spot_image",
    "reg_pic", "reg_image", "ir_pic", "ir_image", "recognize_face", "recognize_face_image",
    "recognize_face_attr", "ep_info", "media_device_info", "ext_data", "api_version",
    "want_action", "post_action", "mq_license_key", "group_name",
})  # fmt: skip

#: Keys only 2.0 payloads carry.
V2_ONLY_FIELDS: frozenset[str] = frozenset({
    "user_type", "media_device_info", "spot_image", "reg_image", "ir_image",
    "recognize_face_image", "in_timestamp", "post_action", "mq_license_key",
})  # fmt: skip

#: Legacy ``ext_data.device_type`` code -> 1.0 ``ep_info.ep_type``.
LEGACY_DEVICE_TYPES: dict[str, str] = {"0": "photo", "1": "photo", "3": "rtsp", "4": "photo"}

#: Timestamps further than this from the PC clock get a warning.
CLOCK_TOLERANCE_MS = 5 * 60 * 1000
#: Landmarks may stray this fraction of the box size outside it before we complain.
LANDMARK_TOLERANCE = 0.10

_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1
_EP_TEXT_KEYS = ("ep_id", "ep_type", "ep_ip", "ep_name", "device_id", "ep_url")
_MEDIA_TO_EP = {
    "media_device_id": "ep_id",
    "media_device_type": "ep_type",
    "media_device_ip": "ep_ip",
    "media_device_name": "ep_name",
    "media_device_url": "ep_url",
}
# Where each image kind may sit, by format; the first non-empty string wins.
_IMAGE_PATHS: dict[str, dict[str, tuple[tuple[str, ...], ...]]] = {
    "1.0": {kind: ((kind,),) for kind in IMAGE_KINDS},
    "legacy": {
        "spot_pic": (("ext_data", "spot_pic"), ("spot_pic",)),
        "reg_pic": (("reg_pic",), ("ext_data", "reg_pic")),
        "recognize_face": (("ext_data", "recognize_face"), ("recognize_face",)),
        "ir_pic": (("ir_pic",), ("ext_data", "ir_pic")),
    },
    "2.0": {
        "spot_pic": (("spot_image",), ("spot_pic",)),
        "reg_pic": (("reg_image",), ("reg_pic",)),
        "recognize_face": (("recognize_face_image",), ("recognize_face",)),
        "ir_pic": (("ir_image",), ("ir_pic",)),
    },
}
_LEGACY_EXT_HANDLED = frozenset({
    "device_ip", "ep_id", "spot_pic", "recognize_face", "person_type", "device_type",
    "dev_sno", "reg_pic", "ir_pic",
})  # fmt: skip

_ABSENT: Any = object()
_Box = tuple[float, float, float, float]


class NotAnEvent(ValueError):
    """The body is not a face event at all (not an object, or no event field)."""


# ---------------------------------------------------------------- classification


def looks_like_event(obj: Any) -> bool:
    """True for a JSON object carrying at least one known event field."""
    return isinstance(obj, dict) and any(key in obj for key in EVENT_FIELDS)


def looks_like_health_report(obj: Any) -> bool:
    """True for a ``/DeviceStatus`` body, so it is not mistaken for a broken event."""
    return isinstance(obj, dict) and any(
        isinstance(key, str) and (key.startswith("gateway_") or key == "sub_devices") for key in obj
    )


def _version_text(value: Any) -> str | None:
    """``api_version`` as text, tolerating ``2``, ``2.0`` and ``"2"`` for ``"2.0"``."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        number = _finite(value)
        return None if number is None else f"{number:.1f}" if number.is_integer() else str(number)
    if not isinstance(value, str):
        return None
    text = value.strip()
    try:
        number = float(text)
    except ValueError:
        return text
    return f"{number:.1f}" if number.is_integer() else text


def detect_format(obj: dict[str, Any]) -> str:
    """Which dialect ``obj`` speaks: ``"1.0"``, ``"legacy"`` or ``"2.0"``.

    ``api_version`` decides when it is known; otherwise the fields do.
    """
    version = _version_text(obj.get("api_version"))
    if version == "2.0" or any(key in obj for key in V2_ONLY_FIELDS):
        return "2.0"
    if version == "1.0":
        return "1.0"
    if "ext_data" in obj:
        return "legacy"
    return "1.0"


# ---------------------------------------------------------------- natural key


def natural_key(
    *,
    ep_id: str | None,
    device_id: str | None,
    dev_sno: str | None,
    identity_id: str | None,
    timestamp: int | None,
    raw: Any = None,
) -> str:
    """Identify one event across retries and history/real-time duplicates (sha1 hex)."""
    if identity_id is None and timestamp is None:
        try:
            text = json.dumps(raw, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        except (TypeError, ValueError, RecursionError):
            text = repr(raw)
        return hashlib.sha1(("raw:" + text).encode("utf-8", "surrogatepass")).hexdigest()
    camera = ep_id or device_id or dev_sno or ""
    text = json.dumps(["v1", camera, identity_id, timestamp], ensure_ascii=False)
    return hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()


# ---------------------------------------------------------------- value coercion


def _finite(value: Any) -> float | None:
    """A finite float from an int/float (never a bool), else None."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        number = float(value)
    except OverflowError:
        return None
    return number if math.isfinite(number) else None


def _kind_of(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number" if _finite(value) is not None else "a number out of range"
    if isinstance(value, str):
        shown = value if len(value) <= 20 else value[:20] + "…"
        return f"the text {shown!r}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _dotted(path: Sequence[str]) -> str:
    return ".".join(str(p) for p in path)


def _get(obj: Any, path: Sequence[str]) -> Any:
    node = obj
    for key in path:
        if not isinstance(node, dict) or key not in node:
            return _ABSENT
        node = node[key]
    return node


def _first(obj: Any, paths: Iterable[tuple[str, ...]]) -> tuple[tuple[str, ...], Any]:
    """The first path whose value is present and not null (else the first path, absent)."""
    paths = tuple(paths)
    for path in paths:
        value = _get(obj, path)
        if value is not _ABSENT and value is not None:
            return path, value
    return paths[0], _ABSENT


class _Reader:
    """Coerces fields of one payload, collecting warnings instead of raising."""

    def __init__(self) -> None:
        self.warnings: list[EventWarning] = []

    def warn(self, code: str, path: Sequence[str] | None, **params: Any) -> None:
        self.warnings.append(W.make(code, _dotted(path) if path else None, **params))

    def wrong(self, path: Sequence[str], expected: str, value: Any) -> None:
        self.warn(W.WRONG_TYPE, path, expected=expected, got=_kind_of(value))

    def text(self, value: Any, path: Sequence[str]) -> str | None:
        if value is _ABSENT or value is None:
            return None
        if isinstance(value, str):
            return value
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        if isinstance(value, float) and math.isfinite(value):
            return repr(value)
        self.wrong(path, "text", value)
        return None

    def millis(self, value: Any, path: Sequence[str]) -> int | None:
        if value is _ABSENT or value is None:
            return None
        result: int | None = None
        if isinstance(value, int) and not isinstance(value, bool):
            result = value
        elif isinstance(value, float) and math.isfinite(value):
            result = int(value)
        elif isinstance(value, str):
            result = _parse_int_text(value)
        if result is None or not _INT64_MIN <= result <= _INT64_MAX:
            self.wrong(path, "a time in milliseconds", value)
            return None
        return result

    def number(self, value: Any, path: Sequence[str]) -> float | None:
        if value is _ABSENT or value is None:
            return None
        result = _finite(value)
        if result is None and isinstance(value, str):
            try:
                result = float(value.strip())
            except ValueError:
                result = None
            if result is not None and not math.isfinite(result):
                result = None
        if result is None:
            self.wrong(path, "a finite number", value)
        return result

    def code(self, value: Any, path: Sequence[str]) -> str | None:
        """``want_action``-style codes: text, ints as their decimal text."""
        if value is _ABSENT or value is None:
            return None
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, str) or (isinstance(value, int) and not isinstance(value, bool)):
            return str(value)
        self.wrong(path, 'a code such as "0"', value)
        return None

    def mapping(self, value: Any, path: Sequence[str]) -> dict[str, Any]:
        if value is _ABSENT or value is None:
            return {}
        if isinstance(value, dict):
            return value
        self.wrong(path, "an object", value)
        return {}

    def person_type(self, value: Any, path: Sequence[str]) -> int | None:
        if value is _ABSENT or value is None:
            return int(PersonType.EMPLOYEE)
        number: int | None = None
        if isinstance(value, bool | list | dict):
            self.wrong(path, "a person type (1 to 5 or a word)", value)
            return None
        if isinstance(value, int):
            number = value
        elif isinstance(value, float):
            number = int(value) if value.is_integer() else None
        elif isinstance(value, str):
            word = PERSON_TYPE_BY_WORD.get(value.strip().lower())
            number = int(word) if word is not None else _parse_int_text(value, floats=False)
        if number is not None and 1 <= number <= 5:
            return number
        shown = value if isinstance(value, int | float) else repr(value)
        if isinstance(shown, str) and len(shown) > 40:
            shown = shown[:40] + "…"
        self.warn(W.UNKNOWN_PERSON_TYPE, path, value=shown)
        return None


def _parse_int_text(text: str, *, floats: bool = True) -> int | None:
    text = text.strip()
    try:
        return int(text)
    except ValueError:
        pass
    if not floats:
        return None
    try:
        number = float(text)
    except ValueError:
        return None
    return int(number) if math.isfinite(number) else None


# ---------------------------------------------------------------- geometry


def _parse_box(value: Any, path: Sequence[str], r: _Reader) -> _Box | None:
    if value is _ABSENT or value is None or value == []:
        return None
    if not isinstance(value, list):
        r.wrong(path, "a list [x1, y1, x2, y2]", value)
        return None
    numbers = [_finite(v) for v in value]
    if len(numbers) != 4 or any(n is None for n in numbers):
        r.warn(W.BAD_GEOMETRY, path, reason="the box should be 4 numbers [x1, y1, x2, y2]")
        return None
    return _checked_box(tuple(n for n in numbers if n is not None), path, r)


def _parse_rect(value: Any, path: Sequence[str], r: _Reader) -> _Box | None:
    if value is _ABSENT or value is None:
        return None
    if not isinstance(value, dict):
        r.wrong(path, "an object {left, top, right, bottom}", value)
        return None
    numbers = [_finite(value.get(k)) for k in ("left", "top", "right", "bottom")]
    if any(n is None for n in numbers):
        r.warn(W.BAD_GEOMETRY, path, reason="the rectangle needs numeric left, top, right, bottom")
        return None
    return _checked_box(tuple(n for n in numbers if n is not None), path, r)


def _checked_box(box: tuple[float, ...], path: Sequence[str], r: _Reader) -> _Box | None:
    x1, y1, x2, y2 = box
    if x2 <= x1 or y2 <= y1:
        r.warn(
            W.BAD_GEOMETRY,
            path,
            reason=f"the box {_fmt_box(box)} is empty (x2 <= x1 or y2 <= y1)",
        )
        return None
    return (x1, y1, x2, y2)


def _fmt_box(box: Sequence[float]) -> str:
    return "[" + ", ".join(f"{v:g}" for v in box) + "]"


def _parse_points(
    value: Any, path: Sequence[str], r: _Reader
) -> tuple[str, tuple[float, ...]] | None:
    """``("flat", 10 numbers)`` or ``("pairs", x,y,x,y...)``; None if absent or bad."""
    if value is _ABSENT or value is None or value == []:
        return None
    if not isinstance(value, list):
        r.wrong(path, "a list of 10 numbers", value)
        return None
    if len(value) == 10:
        numbers = [_finite(v) for v in value]
        if all(n is not None for n in numbers):
            return "flat", tuple(n for n in numbers if n is not None)
    if len(value) == 5 and all(isinstance(p, list) and len(p) == 2 for p in value):
        numbers = [_finite(v) for p in value for v in p]
        if all(n is not None for n in numbers):
            return PAIRS, tuple(n for n in numbers if n is not None)
    r.warn(W.BAD_GEOMETRY, path, reason="landmarks should be 10 numbers or 5 [x, y] pairs")
    return None


def _read_layout(numbers: Sequence[float], layout: str) -> tuple[tuple[float, float], ...]:
    if layout == X5Y5:
        return tuple(zip(numbers[:5], numbers[5:], strict=True))
    return tuple((numbers[2 * i], numbers[2 * i + 1]) for i in range(5))


def _count_outside(
    box: Sequence[float], points: Iterable[tuple[float, float]], tolerance: float
) -> int:
    x1, y1, x2, y2 = box
    tx, ty = (x2 - x1) * tolerance, (y2 - y1) * tolerance
    return sum(1 for x, y in points if not (x1 - tx <= x <= x2 + tx and y1 - ty <= y <= y2 + ty))


def _landmarks(
    parsed: tuple[str, tuple[float, ...]] | None,
    box: _Box | None,
    default_layout: str,
    r: _Reader,
) -> tuple[tuple[tuple[float, float], ...] | None, str | None]:
    if parsed is None:
        return None, None
    shape, numbers = parsed
    layout = PAIRS if shape == PAIRS else default_layout
    points = _read_layout(numbers, layout)
    if box is None:
        return points, layout
    outside = _count_outside(box, points, LANDMARK_TOLERANCE)
    if outside and shape == "flat":
        other = INTERLEAVED if layout == X5Y5 else X5Y5
        other_points = _read_layout(numbers, other)
        if _count_outside(box, other_points, LANDMARK_TOLERANCE) == 0:
            return other_points, other
    if outside:
        r.warn(W.LANDMARKS_OUTSIDE_BOX, ("recognize_face_attr", "point"), count=outside)
    return points, layout


def geometry_warnings(
    face_box: Sequence[float] | None,
    landmarks: Sequence[Sequence[float]] | None,
    picture_size: tuple[int, int] | None,
    *,
    box_field: str | None = "recognize_face_attr.box",
) -> list[EventWarning]:
    """Checks that need the decoded ``spot_pic`` size (width, height); call after decoding.

    Gives ``box_outside_picture`` when the box pokes out of the picture (by more
    than one pixel, for rounding), else ``landmarks_outside_picture`` for stray landmarks.
    """
    if picture_size is None:
        return []
    width, height = picture_size
    slack = 1.0
    if face_box is not None:
        x1, y1, x2, y2 = face_box
        if x1 < -slack or y1 < -slack or x2 > width + slack or y2 > height + slack:
            return [
                W.make(
                    W.BOX_OUTSIDE_PICTURE,
                    box_field,
                    box=_fmt_box(face_box),
                    width=width,
                    height=height,
                )
            ]
    if landmarks:
        outside = sum(
            1
            for x, y in landmarks
            if not (-slack <= x <= width + slack and -slack <= y <= height + slack)
        )
        if outside:
            return [W.make(W.LANDMARKS_OUTSIDE_PICTURE, "recognize_face_attr.point", count=outside)]
    return []


# ---------------------------------------------------------------- clock


def _duration(ms: float) -> str:
    """A rough human duration: "7 min", "8 h", "3 days", "12 years"."""
    minutes = ms / 60000
    if minutes < 90:
        return f"{round(minutes)} min"
    hours = minutes / 60
    if hours < 48:
        return f"{round(hours)} h"
    days = hours / 24
    if days < 730:
        return f"{round(days)} days"
    return f"{round(days / 365.25)} years"


def _clock_warnings(
    timestamp: int | None, path: Sequence[str], received_at: int, realtime: bool, r: _Reader
) -> None:
    if timestamp is None:
        return
    delta = timestamp - received_at
    if delta > CLOCK_TOLERANCE_MS:
        r.warn(W.TIMESTAMP_IN_FUTURE, path, delta=_duration(delta))
    elif realtime and -delta > CLOCK_TOLERANCE_MS:
        r.warn(W.TIMESTAMP_IN_PAST, path, delta=_duration(-delta))


# ---------------------------------------------------------------- per-format ep_info


def _ep_from(source: dict[str, Any], base: tuple[str, ...], r: _Reader) -> dict[str, Any]:
    """A 1.0 ``ep_info``: known keys coerced to text, others kept as sent."""
    ep: dict[str, Any] = {}
    for key, value in source.items():
        ep[key] = r.text(value, (*base, key)) if key in _EP_TEXT_KEYS else value
    return ep


def _ep_from_media(source: dict[str, Any], r: _Reader) -> dict[str, Any]:
    ep: dict[str, Any] = {}
    for key, value in source.items():
        if key in _MEDIA_TO_EP:
            ep[_MEDIA_TO_EP[key]] = r.text(value, ("media_device_info", key))
        elif key not in ep:
            ep[key] = value
    return ep


# ---------------------------------------------------------------- normalise


def normalise(obj: Any, *, received_at: int, realtime: bool = False) -> NormalisedEvent:
    """Map a 1.0, legacy or 2.0 payload onto one 1.0-shaped event; never rejects a real event.

    ``received_at`` (ms, PC clock) is only used for clock warnings; ``realtime``
    enables ``timestamp_in_past`` (history uploads are old on purpose).
    Raises :class:`NotAnEvent` and nothing else.
    """
    if not isinstance(obj, dict):
        raise NotAnEvent(f"expected a JSON object, got {_kind_of(obj)}")
    if not looks_like_event(obj):
        keys = ", ".join(sorted(str(k) for k in obj)[:10]) or "none"
        hint = (
            " (looks like a /DeviceStatus health report)" if looks_like_health_report(obj) else ""
        )
        raise NotAnEvent(f"the JSON object has no face-event field{hint}; its keys: {keys}")

    r = _Reader()
    fmt = detect_format(obj)

    raw_version = obj.get("api_version")
    api_version: str | None = None
    if raw_version is not None:
        version = _version_text(raw_version)
        if version is None:
            r.wrong(("api_version",), 'a version such as "1.0"', raw_version)
        else:
            api_version = raw_version if isinstance(raw_version, str) else version
            if version not in ("1.0", "2.0"):
                shown = version if len(version) <= 20 else version[:20] + "…"
                r.warn(W.UNKNOWN_FORMAT, ("api_version",), version=repr(shown), format=fmt)

    ext: dict[str, Any] = {}
    if fmt == "legacy":
        ext = r.mapping(obj.get("ext_data"), ("ext_data",))

    # --- identity
    raw_id = obj.get("identity_id")
    identity_id = r.text(raw_id, ("identity_id",))
    if raw_id is None or raw_id == "":
        r.warn(W.MISSING_FIELD, ("identity_id",))
    identity_name = r.text(obj.get("identity_name"), ("identity_name",))
    identity_info = r.mapping(obj.get("identity_info"), ("identity_info",))

    # --- times, score, action, person type
    if fmt == "2.0":
        ts_path, ts_value = _first(obj, [("in_timestamp",), ("timestamp",)])
        act_path, act_value = _first(obj, [("post_action",), ("want_action",)])
        pt_path, pt_value = _first(obj, [("user_type",), ("person_type",)])
        sno_path, sno_value = _first(obj, [("mq_license_key",), ("dev_sno",)])
    elif fmt == "legacy":
        ts_path, ts_value = ("timestamp",), obj.get("timestamp")
        act_path, act_value = ("want_action",), obj.get("want_action")
        pt_path, pt_value = _first(obj, [("ext_data", "person_type"), ("person_type",)])
        sno_path, sno_value = _first(obj, [("ext_data", "dev_sno"), ("dev_sno",)])
    else:
        ts_path, ts_value = ("timestamp",), obj.get("timestamp")
        act_path, act_value = ("want_action",), obj.get("want_action")
        pt_path, pt_value = ("person_type",), obj.get("person_type")
        sno_path, sno_value = ("dev_sno",), obj.get("dev_sno")

    timestamp = r.millis(ts_value, ts_path)
    if ts_value is _ABSENT or ts_value is None:
        r.warn(W.MISSING_FIELD, ts_path)
    _clock_warnings(timestamp, ts_path, received_at, realtime, r)
    out_timestamp = r.millis(obj.get("out_timestamp"), ("out_timestamp",))
    score = r.number(obj.get("score"), ("score",))
    want_action = r.code(act_value, act_path)
    person_type = r.person_type(pt_value, pt_path)
    dev_sno = r.text(sno_value, sno_path)

    # --- endpoint (camera)
    extra: dict[str, Any] = {}
    if fmt == "legacy":
        ep_info: dict[str, Any] = {}
        ep_container: tuple[str, ...] = ("ext_data",)
        ep_id_key = "ep_id"
        if "ep_id" in ext:
            ep_info["ep_id"] = r.text(ext["ep_id"], ("ext_data", "ep_id"))
        if "device_ip" in ext:
            ep_info["ep_ip"] = r.text(ext["device_ip"], ("ext_data", "device_ip"))
        if "device_type" in ext:
            device_type = ext["device_type"]
            extra["device_type"] = device_type
            code = r.code(device_type, ("ext_data", "device_type"))
            if code is not None and code.strip() in LEGACY_DEVICE_TYPES:
                ep_info["ep_type"] = LEGACY_DEVICE_TYPES[code.strip()]
        if "group_name" in obj:
            extra["group_name"] = obj["group_name"]
        for key, value in ext.items():
            if key not in _LEGACY_EXT_HANDLED:
                extra[key] = value
    elif fmt == "2.0" and ("media_device_info" in obj or "ep_info" not in obj):
        ep_container, ep_id_key = ("media_device_info",), "media_device_id"
        ep_info = _ep_from_media(r.mapping(obj.get("media_device_info"), ep_container), r)
    else:
        ep_container, ep_id_key = ("ep_info",), "ep_id"
        ep_info = _ep_from(r.mapping(obj.get("ep_info"), ep_container), ep_container, r)
    if not ep_info.get("device_id") and "device_id" in obj:
        device_id = r.text(obj["device_id"], ("device_id",))
        if device_id is not None:
            ep_info["device_id"] = device_id
    container = _get(obj, ep_container)
    if container is _ABSENT or container is None:
        r.warn(W.MISSING_FIELD, ep_container)
    elif isinstance(container, dict) and container.get(ep_id_key) in (None, ""):
        r.warn(W.MISSING_FIELD, (*ep_container, ep_id_key))

    # --- geometry
    attr_source = obj.get("recognize_face_attr")
    recognize_face_attr = dict(r.mapping(attr_source, ("recognize_face_attr",)))
    box = _parse_box(recognize_face_attr.get("box", _ABSENT), ("recognize_face_attr", "box"), r)
    box_present = recognize_face_attr.get("box") not in (None, [])
    if fmt == "legacy":
        for key in ("grab_fiqa_info", "box_fiqa_info"):
            if key in ext:
                extra[key] = ext[key]
        if not box_present:
            rect_path = ("ext_data", "grab_fiqa_info", "rect")
            box = _parse_rect(_get(obj, rect_path), rect_path, r)
    points = _parse_points(
        recognize_face_attr.get("point", _ABSENT), ("recognize_face_attr", "point"), r
    )
    default_layout = INTERLEAVED if fmt == "2.0" else X5Y5
    landmarks, layout = _landmarks(points, box, default_layout, r)

    # --- images
    images: list[ImageSource] = []
    for kind in IMAGE_KINDS:
        for path in _IMAGE_PATHS[fmt][kind]:
            value = _get(obj, path)
            if value is _ABSENT or value is None or value == "":
                continue
            if isinstance(value, str):
                images.append(ImageSource(kind=kind, json_path=path, text=value))
                break
            r.wrong(path, "base64 text", value)

    key = natural_key(
        ep_id=ep_info.get("ep_id"),
        device_id=ep_info.get("device_id"),
        dev_sno=dev_sno,
        identity_id=identity_id,
        timestamp=timestamp,
        raw=obj,
    )
    return NormalisedEvent(
        format=fmt,
        api_version=api_version,
        identity_id=identity_id,
        identity_name=identity_name,
        identity_info=identity_info,
        timestamp=timestamp,
        out_timestamp=out_timestamp,
        score=score,
        want_action=want_action,
        person_type=person_type,
        ep_info=ep_info,
        dev_sno=dev_sno,
        recognize_face_attr=recognize_face_attr,
        face_box=box,
        landmarks=landmarks,
        landmark_layout=layout,
        extra=extra,
        images=tuple(images),
        raw=obj,
        warnings=tuple(r.warnings),
        natural_key=key,
    )
