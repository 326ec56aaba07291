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
import itertools
import json
import math
from collections.abc import Iterable, Sequence
from typing import Any

from gui.core import records, timeunits
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
    "REPORT_KEYS",
    "X5Y5",
    "NotAnEvent",
    "classify",
    "detect_format",
    "geometry_warnings",
    "health_report_part",
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
    "want_action", "post_action", "mq_license_key", "group_name", "register_image",
    "media_device_id", "event_id", "common",
})  # fmt: skip

#: Fields that mark a face event even when the object also has report keys
#: (``mq_license_key`` is in both V6 events and V6 camera reports, so it is not one).
STRONG_EVENT_FIELDS: frozenset[str] = EVENT_FIELDS - {"mq_license_key", "group_name", "common"}

#: Keys that mark a status / health report (FIRMWARE_VARIANTS.md §5) when no
#: face-event field is present: ``gateway_*`` are matched by prefix.
REPORT_KEYS: frozenset[str] = frozenset({
    "sub_devices", "media_devices", "reporter_id", "deviceStatus", "deviceList", "cameraInfo",
    "deviceId", "deviceSN", "deviceMac", "devSno",
})  # fmt: skip

#: Keys only 2.0 payloads carry.
V2_ONLY_FIELDS: frozenset[str] = frozenset({
    "user_type", "media_device_info", "spot_image", "reg_image", "ir_image",
    "recognize_face_image", "in_timestamp", "post_action", "mq_license_key",
    "register_image", "media_device_id", "media_device_ip", "media_device_type",
    "spot_image_id", "recognize_face_image_id", "register_image_id",
})  # fmt: skip

#: Paths the vendor's docs give for pushes (FIRMWARE_VARIANTS.md §1), beyond PROTOCOL.md's.
#: Only events vs reports is decided by the body; these just are not "unknown paths".
VENDOR_HISTORY_PATHS: tuple[str, ...] = (
    "/EventServer/api/SophonFogHistoryEvent", "/box/cross/record/report",
    "/box/v2/cross/record/report",
)  # fmt: skip
VENDOR_REALTIME_PATHS: tuple[str, ...] = ("/EventServer/api/SophonFogRelEvent",)
VENDOR_STATUS_PATHS: tuple[str, ...] = (
    "/MonitorServer/api/SophonFogStatus", "/EventServer/api/SophonFogStatus",
    "/box/monitor/status/report", "/box/monitor/device/status/report",
    "/box/media/monitor/status/report", "/box/device/sync",
)  # fmt: skip

#: Legacy ``ext_data.device_type`` code -> 1.0 ``ep_info.ep_type``; ``"2"`` is the
#: V2R1 "IPC static" camera (still in report examples up to V5R7).
LEGACY_DEVICE_TYPES: dict[str, str] = {
    "0": "photo", "1": "photo", "2": "rtsp", "3": "rtsp", "4": "photo",
}  # fmt: skip
#: Camera type words the vendor documents (``ep_type``, ``device_type``, ``media_device_type``).
EP_TYPE_WORDS: frozenset[str] = frozenset({"photo", "rtsp", "file", "gb28181", "card"})
#: ``user_type`` words outside the five person types: V6 records add vehicles.
VEHICLE = 6
EXTRA_USER_TYPES: dict[str, int] = {"car": VEHICLE}
#: fiqa ``sex`` codes (doc comment: 0 male, 1 female).
FIQA_SEX = {0: "male", 1: "female"}

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
        "reg_pic": (("reg_image",), ("register_image",), ("reg_pic",)),
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
    return isinstance(obj, dict) and not EVENT_FIELDS.isdisjoint(obj)


def _has_report_key(obj: dict[str, Any]) -> bool:
    # Set and map operations in C: this runs for every body, over every key.
    if not REPORT_KEYS.isdisjoint(obj):
        return True
    try:
        return any(map(str.startswith, obj, itertools.repeat("gateway_")))
    except TypeError:  # a key that is not text (not from JSON)
        return any(isinstance(key, str) and key.startswith("gateway_") for key in obj)


def looks_like_health_report(obj: Any) -> bool:
    """True for a status report of any documented variant (by its keys, never its path).

    An object with a face-event field is an event even when it also carries
    ``gateway_*`` keys; ``mq_license_key`` with a device list is a V6 camera report.
    """
    return (
        isinstance(obj, dict)
        and _has_report_key(obj)
        and STRONG_EVENT_FIELDS.isdisjoint(obj)
    )


def health_report_part(obj: Any) -> dict[str, Any] | None:
    """The report inside a face event that also carries report keys, or None.

    Such an object is stored as an event; its report keys (without the event's
    fields) still tell the box's name, addresses and cameras.
    """
    if not isinstance(obj, dict) or not _has_report_key(obj):
        return None
    if STRONG_EVENT_FIELDS.isdisjoint(obj):
        return None
    return {key: value for key, value in obj.items() if key not in STRONG_EVENT_FIELDS}


def classify(obj: Any) -> str:
    """``"event"``, ``"report"`` or ``"other"`` for one JSON value."""
    if looks_like_health_report(obj):
        return "report"
    if looks_like_event(obj):
        return "event"
    return "other"


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
    if version == "2.0" or not V2_ONLY_FIELDS.isdisjoint(obj):
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

    def __init__(self, base: tuple[str, ...] = ()) -> None:
        self.warnings: list[EventWarning] = []
        #: Where the fields being read sit in the original JSON (``common`` of a V5 record).
        self.base = base
        #: Every time field read: dotted path -> {"ms", "unit", "raw"}.
        self.times: dict[str, dict[str, Any]] = {}

    def warn(self, code: str, path: Sequence[str] | None, **params: Any) -> None:
        full = (*self.base, *path) if path else None
        self.warnings.append(W.make(code, _dotted(full) if full else None, **params))

    def time(self, value: Any, path: Sequence[str], expected: str = timeunits.MILLIS) -> int | None:
        """A time field in ms whatever unit it came in (see ``timeunits``).

        ``expected`` is the unit the firmware documents for this field: another
        unit, or no plausible date at all, gives ``timestamp_unit``.
        """
        if value is _ABSENT or value is None:
            return None
        read = timeunits.read_time(value)
        if read is None:
            self.wrong(path, "a time in milliseconds", value)
            return None
        self.times[_dotted((*self.base, *path))] = {
            "ms": read.ms, "unit": read.unit, "raw": value,
        }  # fmt: skip
        shown = value if not isinstance(value, str) or len(value) <= 30 else value[:30] + "…"
        if not read.plausible:
            self.warn(
                W.TIMESTAMP_UNIT, path, value=shown,
                detail="no unit (seconds, milliseconds, microseconds) gives a date between"
                " 2000 and 2100; stored as sent",
            )  # fmt: skip
        elif read.unit != expected:
            unit = {"s": "seconds", "ms": "milliseconds", "us": "microseconds"}[read.unit or "ms"]
            self.warn(
                W.TIMESTAMP_UNIT, path, value=shown,
                detail=f"read as {unit} (documented: {expected}), stored as milliseconds",
            )  # fmt: skip
        return read.ms

    def unit_problem(self, path: Sequence[str]) -> bool:
        """True when the time at ``path`` was not plain, plausible milliseconds."""
        seen = self.times.get(_dotted((*self.base, *path)))
        return seen is not None and seen["unit"] != timeunits.MILLIS

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
    # A unit problem is told once, as ``timestamp_unit``: never as "57 years old".
    if timestamp is None or r.unit_problem(path):
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


def _ep_from_media(
    source: dict[str, Any], r: _Reader, base: tuple[str, ...] = ("media_device_info",)
) -> dict[str, Any]:
    ep: dict[str, Any] = {}
    for key, value in source.items():
        if key in _MEDIA_TO_EP:
            ep[_MEDIA_TO_EP[key]] = r.text(value, (*base, key))
        elif key not in ep:
            ep[key] = value
    return ep


def _camera_type(value: Any, r: _Reader, path: Sequence[str]) -> str | None:
    """A legacy code (``"0"``…``"4"``) or a documented word -> the 1.0 ``ep_type`` word."""
    code = r.code(value, path)
    if code is None:
        return None
    code = code.strip()
    if code in LEGACY_DEVICE_TYPES:
        return LEGACY_DEVICE_TYPES[code]
    word = code.lower()
    return word if word in EP_TYPE_WORDS else None


# ---------------------------------------------------------------- attributes


def _face_attributes(
    attr: dict[str, Any], ext: dict[str, Any], obj: dict[str, Any]
) -> dict[str, Any]:
    """Age, gender, glasses, head pose... wherever this firmware put them, one dict.

    Sources in order of trust: ``recognize_face_attr`` (1.0/2.0), ``ext_data.info``
    (V5R2/V5R3: age as a word), the box's quality check ``box_fiqa_info``, the
    camera's ``grab_fiqa_info``, and a V5 record's ``grab_data.grap_fiqa_info``.
    fiqa ``age`` is a code of unknown scale, so it is ``age_code``, never years.
    """
    out: dict[str, Any] = {}

    def put(key: str, value: Any) -> None:
        if key not in out and value not in (None, "", [], {}) and not isinstance(value, dict):
            out[key] = value

    for key in ("age", "gender", "glasses", "mask", "hat", "expression"):
        put(key, attr.get(key))
    info = ext.get("info")
    if isinstance(info, dict):
        for key in ("age", "gender", "glasses"):
            put(key, info.get(key))
    grab_data = obj.get("grab_data")
    fiqa_sources = [ext.get("box_fiqa_info"), ext.get("grab_fiqa_info")]
    if isinstance(grab_data, dict):
        fiqa_sources.append(grab_data.get("grap_fiqa_info") or grab_data.get("grab_fiqa_info"))
    for fiqa in fiqa_sources:
        if not isinstance(fiqa, dict) or not fiqa:
            continue
        sex = fiqa.get("sex")
        if isinstance(sex, int) and not isinstance(sex, bool):
            put("gender", FIQA_SEX.get(sex, str(sex)))
        age = fiqa.get("age")
        if isinstance(age, int | float) and not isinstance(age, bool):
            put("age_code", age)
        quality = fiqa.get("info")
        pose = quality.get("headpose") if isinstance(quality, dict) else None
        if isinstance(pose, dict) and "head_pose" not in out:
            angles = {name: _finite(pose.get(f"{name}_angle")) for name in ("yaw", "pitch", "roll")}
            if any(v is not None for v in angles.values()):
                out["head_pose"] = angles
        if "head_pose" not in out and any(k in fiqa for k in ("yaw", "pitch", "roll")):
            angles = {name: _finite(fiqa.get(name)) for name in ("yaw", "pitch", "roll")}
            if any(v is not None for v in angles.values()):
                out["head_pose"] = angles
        if isinstance(quality, dict) and "quality" not in out:
            kept = {
                k: quality[k]
                for k in ("face_size", "clarity", "brightness", "partial")
                if isinstance(quality.get(k), int | float | str) and quality.get(k) != ""
            }
            if kept:
                out["quality"] = kept
        if "fiqa_result" in fiqa and isinstance(fiqa["fiqa_result"], bool):
            out.setdefault("quality_passed", fiqa["fiqa_result"])
    return out


# ---------------------------------------------------------------- normalise


def _variant(obj: dict[str, Any], fmt: str, record: str | None, ext: dict[str, Any]) -> str:
    """Which documented variant this is (FIRMWARE_VARIANTS.md §3), for people and tests."""
    if record:
        return record
    info = obj.get("identity_info")
    if isinstance(info, dict) and isinstance(info.get("ext_info"), dict):
        return "pass_record"
    if fmt == "2.0":
        if "media_device_info" not in obj and (
            "media_device_id" in obj or "register_image" in obj or "event_id" in obj
        ):
            return "v6_realtime"
        return "2.0"
    if fmt == "legacy":
        if "device_id" in obj:
            return "v5_ws"
        if isinstance(ext.get("info"), dict):
            return "legacy_attributes"
        return "legacy"
    return "1.0"


def normalise(obj: Any, *, received_at: int, realtime: bool = False) -> NormalisedEvent:
    """Map any documented event shape onto one 1.0-shaped event; never rejects a real event.

    Pushes (1.0, legacy, 2.0 incl. the flat V6 real-time event) and pulled
    records (``records.record_kind``) alike. ``received_at`` (ms, PC clock) is
    only used for clock warnings; ``realtime`` enables ``timestamp_in_past``
    (history uploads are old on purpose). Raises :class:`NotAnEvent` and nothing else.
    """
    if not isinstance(obj, dict):
        raise NotAnEvent(f"expected a JSON object, got {_kind_of(obj)}")
    if not looks_like_event(obj) or looks_like_health_report(obj):
        keys = ", ".join(sorted(str(k) for k in obj)[:10]) or "none"
        hint = " (looks like a status / health report)" if looks_like_health_report(obj) else ""
        raise NotAnEvent(f"the JSON object has no face-event field{hint}; its keys: {keys}")

    record = records.record_kind(obj)
    # A V5 record carries the 1.0 event in ``common``: read that, paths prefixed.
    view: dict[str, Any] = obj
    base: tuple[str, ...] = ()
    if record == records.V5_RECORD:
        view, base = obj["common"], ("common",)
    r = _Reader(base)
    fmt = "1.0" if record == records.V5_RECORD else detect_format(view)
    time_unit = timeunits.SECONDS if record else timeunits.MILLIS

    raw_version = view.get("api_version")
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
        ext = r.mapping(view.get("ext_data"), ("ext_data",))
    variant = _variant(obj, fmt, record, ext)

    # --- identity
    identity_info = r.mapping(view.get("identity_info"), ("identity_info",))
    raw_id = view.get("identity_id")
    identity_id = r.text(raw_id, ("identity_id",))
    if (raw_id is None or raw_id == "") and not record and variant != "v6_realtime":
        r.warn(W.MISSING_FIELD, ("identity_id",))
    name_value = view.get("identity_name")
    if name_value in (None, "") and isinstance(identity_info.get("name"), str):
        name_value = identity_info["name"]  # V5 WebSocket events name the person there
    identity_name = r.text(name_value, ("identity_name",))

    # --- times, score, action, person type
    if fmt == "2.0":
        ts_path, ts_value = _first(view, [("in_timestamp",), ("timestamp",)])
        act_path, act_value = _first(view, [("post_action",), ("want_action",)])
        pt_path, pt_value = _first(view, [("user_type",), ("person_type",)])
        sno_path, sno_value = _first(view, [("mq_license_key",), ("dev_sno",)])
    elif fmt == "legacy":
        ts_path, ts_value = ("timestamp",), view.get("timestamp")
        act_path, act_value = ("want_action",), view.get("want_action")
        pt_path, pt_value = _first(
            view, [("ext_data", "person_type"), ("person_type",), ("identity_info", "type")]
        )
        sno_path, sno_value = _first(view, [("ext_data", "dev_sno"), ("dev_sno",)])
    else:
        ts_path, ts_value = ("timestamp",), view.get("timestamp")
        act_path, act_value = ("want_action",), view.get("want_action")
        pt_path, pt_value = ("person_type",), view.get("person_type")
        sno_path, sno_value = ("dev_sno",), view.get("dev_sno")
    if record == records.V5_RECORD and (ts_value is None or ts_value is _ABSENT):
        # The record's own time sits beside ``common``.
        r.base, ts_value = (), obj.get("timestamp")
    timestamp = r.time(ts_value, ts_path, time_unit)
    if ts_value is _ABSENT or ts_value is None:
        r.warn(W.MISSING_FIELD, ts_path)
    _clock_warnings(timestamp, ts_path, received_at, realtime, r)
    r.base = base
    out_timestamp = r.time(view.get("out_timestamp"), ("out_timestamp",), time_unit)
    # Other documented time fields: kept as sent, read (and warned about) per field.
    if record == records.V6_RECORD or (fmt == "2.0" and isinstance(view.get("ext_data"), dict)):
        ext6 = view.get("ext_data")
        if isinstance(ext6, dict):
            for key in ("in_timestamp", "recognition_timestamp", "out_timestamp"):
                if key in ext6:
                    ms = r.time(ext6[key], ("ext_data", key), time_unit)
                    if key == "out_timestamp" and out_timestamp is None:
                        out_timestamp = ms
    video = obj.get("video_data") if record == records.V5_RECORD else None
    if isinstance(video, dict):
        r.base = ()
        for key in ("in_timestamp", "recognition_timestamp", "out_timestamp"):
            if key in video:
                ms = r.time(video[key], ("video_data", key), timeunits.SECONDS)
                if key == "out_timestamp" and out_timestamp is None:
                    out_timestamp = ms
        r.base = base
    if "addTime" in identity_info:
        r.time(identity_info["addTime"], ("identity_info", "addTime"), timeunits.SECONDS)
    score = r.number(view.get("score"), ("score",))
    want_action = r.code(act_value, act_path)
    person_type = _person_type(pt_value, pt_path, r)
    dev_sno = r.text(sno_value, sno_path)

    # --- endpoint (camera)
    extra: dict[str, Any] = {}
    ep_warn: tuple[tuple[str, ...], str] | None = None  # (container, id key) to check
    if fmt == "legacy":
        ep_info: dict[str, Any] = {}
        if "ep_id" in ext:
            ep_info["ep_id"] = r.text(ext["ep_id"], ("ext_data", "ep_id"))
        if "device_ip" in ext:
            ep_info["ep_ip"] = r.text(ext["device_ip"], ("ext_data", "device_ip"))
        if "device_type" in ext:
            device_type = ext["device_type"]
            extra["device_type"] = device_type
            kind = _camera_type(device_type, r, ("ext_data", "device_type"))
            if kind is not None:
                ep_info["ep_type"] = kind
        if "group_name" in view:
            extra["group_name"] = view["group_name"]
        for key, value in ext.items():
            if key not in _LEGACY_EXT_HANDLED:
                extra[key] = value
        # No legacy ep_id warning: real-time legacy events (SE3), V5 WebSocket events
        # and pass records never carry it, and the V2R2–V2R4 history example omits it
        # (FIRMWARE_VARIANTS.md §3). Its absence is nothing an installer can fix; the
        # camera is then known by ``device_ip`` and the box by its address.
    elif fmt == "2.0" and ("media_device_info" in view or "ep_info" not in view):
        if "media_device_info" in view or not any(k in view for k in _MEDIA_TO_EP):
            ep_info = _ep_from_media(
                r.mapping(view.get("media_device_info"), ("media_device_info",)), r
            )
            ep_warn = (("media_device_info",), "media_device_id")
        else:  # the flat V6 real-time event: camera fields at the top level
            ep_info = _ep_from_media({k: view[k] for k in _MEDIA_TO_EP if k in view}, r, ())
    else:
        ep_info = _ep_from(r.mapping(view.get("ep_info"), ("ep_info",)), ("ep_info",), r)
        ep_warn = (("ep_info",), "ep_id")
    if ep_info.get("ep_type") is not None:
        word = str(ep_info["ep_type"]).strip()
        mapped = LEGACY_DEVICE_TYPES.get(word) or (
            word.lower() if word.lower() in EP_TYPE_WORDS else None
        )
        if mapped and mapped != ep_info["ep_type"]:
            extra.setdefault("ep_type_code", ep_info["ep_type"])
            ep_info["ep_type"] = mapped
    if not ep_info.get("device_id") and "device_id" in view:
        device_id = r.text(view["device_id"], ("device_id",))
        if device_id is not None:
            ep_info["device_id"] = device_id
    if ep_warn is not None:
        container_path, id_key = ep_warn
        container = _get(view, container_path)
        if container is _ABSENT or container is None:
            r.warn(W.MISSING_FIELD, container_path)
        elif isinstance(container, dict) and container.get(id_key) in (None, ""):
            r.warn(W.MISSING_FIELD, (*container_path, id_key))

    event_id = r.text(view.get("event_id"), ("event_id",))
    if event_id is None and record == records.V5_RECORD:
        event_id = r.text(obj.get("_id"), ("_id",))
    if event_id:
        extra["event_id"] = event_id
    for key in ("video_id", "frame_id", "is_send"):
        if key in view and key not in extra:
            extra[key] = view[key]
    if record == records.V5_RECORD:
        for key in ("gate_data", "grab_data", "video_data"):
            if isinstance(obj.get(key), dict) and obj[key]:
                extra[key] = obj[key]
    elif record == records.V6_RECORD:
        for key in ("spot_image_id", "recognize_face_image_id", "register_image_id"):
            if view.get(key):
                extra[key] = view[key]
        if isinstance(view.get("ext_data"), dict):
            extra["ext_data"] = view["ext_data"]
    if fmt == "2.0" and isinstance(view.get("user_type"), str):
        extra.setdefault("user_type", view["user_type"])

    # --- geometry: the face box on the scene, and (legacy fiqa) on the face crop
    attr_source = view.get("recognize_face_attr")
    recognize_face_attr = dict(r.mapping(attr_source, ("recognize_face_attr",)))
    geometry: dict[str, Any] = {}
    box = _parse_box(recognize_face_attr.get("box", _ABSENT), ("recognize_face_attr", "box"), r)
    box_field = "recognize_face_attr.box" if box is not None else None
    if fmt == "legacy":
        for key in ("grab_fiqa_info", "box_fiqa_info"):
            if key in ext:
                extra[key] = ext[key]
        if box is None:
            info_path = ("ext_data", "info", "box")
            box = _parse_box(_get(view, info_path), info_path, r)
            box_field = "ext_data.info.box" if box is not None else None
        if box is None:
            rect_path = ("ext_data", "grab_fiqa_info", "rect")
            box = _parse_rect(_get(view, rect_path), rect_path, r)
            box_field = "ext_data.grab_fiqa_info.rect" if box is not None else None
        rel_path = ("ext_data", "grab_fiqa_info", "rel_rect")
        crop_box = _parse_rect(_get(view, rel_path), rel_path, r)
        if crop_box is not None:
            geometry["crop_box"] = list(crop_box)
            geometry["crop_box_field"] = "ext_data.grab_fiqa_info.rel_rect"
    if box is not None and box_field is not None:
        geometry["box_field"] = _dotted((*base, *box_field.split(".")))
    points = _parse_points(
        recognize_face_attr.get("point", _ABSENT), ("recognize_face_attr", "point"), r
    )
    default_layout = INTERLEAVED if fmt == "2.0" else X5Y5
    landmarks, layout = _landmarks(points, box, default_layout, r)

    # --- images
    images: list[ImageSource] = []
    image_paths = _IMAGE_PATHS[fmt]
    for kind in IMAGE_KINDS:
        for path in image_paths[kind]:
            value = _get(view, path)
            if value is _ABSENT or value is None or value == "":
                continue
            if isinstance(value, str):
                images.append(ImageSource(kind=kind, json_path=(*base, *path), text=value))
                break
            r.wrong(path, "base64 text", value)
    if not any(i.kind == "spot_pic" for i in images):
        # Nothing to draw the face box on (V6 WebSocket events never carry a scene).
        geometry["scene"] = "absent"
        if variant == "v6_realtime":
            geometry["scene_note"] = "v6_realtime_has_no_scene"

    face_attributes = _face_attributes(recognize_face_attr, ext, obj)

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
        face_attributes=face_attributes,
        geometry=geometry,
        times=r.times,
        event_id=event_id,
        variant=variant,
    )


def _person_type(value: Any, path: Sequence[str], r: _Reader) -> int | None:
    """``person_type`` / ``user_type``, plus the V6 record word ``car`` (:data:`VEHICLE`)."""
    if isinstance(value, str) and value.strip().lower() in EXTRA_USER_TYPES:
        return EXTRA_USER_TYPES[value.strip().lower()]
    return r.person_type(value, path)
