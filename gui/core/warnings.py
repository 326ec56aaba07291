"""Stable warning codes and their English texts.

Codes are what verdicts, filters and the store key on, so they never change once
shipped; the English text lives in one dict (:data:`MESSAGES`) so the GUI can
swap in a translation by code. Templates use ``str.format`` fields; ``{field}``
is always available (the dotted JSON path, or "the event" when there is none).
"""

from __future__ import annotations

from typing import Any

from gui.core.model import EventWarning

MISSING_FIELD = "missing_field"
WRONG_TYPE = "wrong_type"
UNKNOWN_PERSON_TYPE = "unknown_person_type"
BAD_BASE64 = "bad_base64"
UNDECODABLE_IMAGE = "undecodable_image"
IMAGE_TOO_LARGE = "image_too_large"
BOX_OUTSIDE_PICTURE = "box_outside_picture"
LANDMARKS_OUTSIDE_BOX = "landmarks_outside_box"
LANDMARKS_OUTSIDE_PICTURE = "landmarks_outside_picture"
BAD_GEOMETRY = "bad_geometry"
TIMESTAMP_IN_FUTURE = "timestamp_in_future"
TIMESTAMP_IN_PAST = "timestamp_in_past"
UNKNOWN_PATH = "unknown_path"
UNKNOWN_FORMAT = "unknown_format"
UNKNOWN_FIELD = "unknown_field"
FORM_DATA = "form_data"
DUPLICATE = "duplicate"
#: Values replaced so the event could be stored (the raw JSON keeps the original).
UNSTORABLE_TEXT = "unstorable_text"
LEGACY_ENCODING = "legacy_encoding"
NUMBER_OUT_OF_RANGE = "number_out_of_range"
NESTED_TOO_DEEP = "nested_too_deep"
TIMESTAMP_UNIT = "timestamp_unit"

#: English message template for every code; the GUI may replace these by code.
MESSAGES: dict[str, str] = {
    MISSING_FIELD: "{field} is missing",
    WRONG_TYPE: "{field} should be {expected} but is {got}",
    UNKNOWN_PERSON_TYPE: (
        "person type {value} is not one of 1 to 5 (employee, visitor, blacklist, stranger, VIP)"
    ),
    BAD_BASE64: "{field} is not valid base64",
    UNDECODABLE_IMAGE: "{field} is not a picture this program can read",
    IMAGE_TOO_LARGE: "{field} is {size}, over the {limit} limit",
    BOX_OUTSIDE_PICTURE: "the face box {box} extends beyond the {width}x{height} picture",
    LANDMARKS_OUTSIDE_BOX: "{count} of the 5 face landmarks fall outside the face box",
    LANDMARKS_OUTSIDE_PICTURE: "{count} of the 5 face landmarks fall outside the picture",
    BAD_GEOMETRY: "{field}: {reason}",
    TIMESTAMP_IN_FUTURE: "box clock is {delta} ahead of this PC",
    TIMESTAMP_IN_PAST: "real-time event is {delta} old: the box clock may be behind this PC",
    UNKNOWN_PATH: "request to an unknown path {path}",
    UNKNOWN_FORMAT: "api_version {version} is not a known format; read it as {format}",
    UNKNOWN_FIELD: "{field} is not a known field",
    FORM_DATA: "body came as form-data, not JSON",
    DUPLICATE: "this event was already received",
    UNSTORABLE_TEXT: "{field} holds text that cannot be stored ({detail}): replaced by \ufffd",
    LEGACY_ENCODING: "{field} was not UTF-8: read as {detail}",
    NUMBER_OUT_OF_RANGE: "{field} is a number JSON cannot hold ({detail}): stored as null",
    NESTED_TOO_DEEP: "{field} is nested {detail}: stored as null",
    TIMESTAMP_UNIT: "{field} = {value}: {detail}",
}


class _Lenient(dict[str, Any]):
    """Format parameters that show a missing key as ``?`` instead of raising."""

    def __missing__(self, key: str) -> str:
        return "?"


def render(code: str, field: str | None = None, **params: Any) -> str:
    """The English text for ``code``; never raises, so a typo cannot lose a warning."""
    template = MESSAGES.get(code, code)
    values = _Lenient(params)
    values.setdefault("field", field if field is not None else "the event")
    try:
        return template.format_map(values)
    except (ValueError, IndexError, AttributeError, TypeError):
        return template


def make(code: str, field: str | None = None, **params: Any) -> EventWarning:
    """Build an :class:`EventWarning` with its English message filled in."""
    return EventWarning(code=code, message=render(code, field, **params), field=field)
