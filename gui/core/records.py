"""Events the box stored and the PC pulls (backfill), in the shape the receiver ingests.

BOX_API.md §5.2 (V5: ``GET /SophonFace/api/events``) and §6.3 (V6:
``getevents``) return records, not pushes: V5 wraps the 1.0 fields in
``common`` and names pictures by id (``spot_pic_id``); V6 has the 2.0 fields
with ``*_image_id``; both give times in float seconds. :func:`record_to_event`
puts the fetched pictures into the record where a push would carry them and
returns an object that ``protocol.normalise`` (and any ingest path) reads like
a push, so a pulled event and a pushed one are stored by the same code.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from typing import Any

__all__ = ["PICTURE_KINDS", "V5_RECORD", "V6_RECORD", "record_kind", "record_to_event"]

V5_RECORD, V6_RECORD = "v5_record", "v6_record"

#: Picture kinds (1.0 names) a backfill may hand over.
PICTURE_KINDS = ("spot_pic", "recognize_face", "reg_pic", "ir_pic")

#: Where each fetched picture goes: inside ``common`` (V5) or at the top level (V6).
_V5_PICTURE_KEYS = {
    "spot_pic": "spot_pic",
    "recognize_face": "recognize_face",
    "reg_pic": "reg_pic",
    "ir_pic": "ir_pic",
}
_V6_PICTURE_KEYS = {
    "spot_pic": "spot_image",
    "recognize_face": "recognize_face_image",
    "reg_pic": "reg_image",
    "ir_pic": "ir_image",
}
_V6_ID_KEYS = ("spot_image_id", "recognize_face_image_id", "register_image_id")


def record_kind(obj: Any) -> str | None:
    """``"v5_record"``, ``"v6_record"`` or None for anything that is not a pulled record."""
    if not isinstance(obj, dict):
        return None
    if isinstance(obj.get("common"), dict):
        return V5_RECORD
    if any(key in obj for key in _V6_ID_KEYS):
        return V6_RECORD
    return None


def _as_text(picture: bytes | str) -> str:
    if isinstance(picture, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(picture)).decode("ascii")
    return picture


def record_to_event(
    record: Mapping[str, Any], pictures: Mapping[str, bytes | str] | None = None
) -> dict[str, Any]:
    """A pulled record plus its fetched pictures -> the object to ingest.

    ``pictures`` maps a kind (``spot_pic``, ``recognize_face``, ``reg_pic``,
    ``ir_pic``) to the picture's bytes (or base64 text); a picture that could
    not be fetched is simply left out — the record is stored anyway. The
    record's own fields are kept as they are (times stay float seconds: the
    normaliser knows records use seconds and converts without a warning).
    Raises ``ValueError`` for something that is not a V5 or V6 record.
    """
    kind = record_kind(record)
    if kind is None:
        raise ValueError("not a pulled event record (no 'common' object and no *_image_id)")
    out = dict(record)
    if kind == V5_RECORD:
        common = dict(out["common"])
        for picture_kind, picture in (pictures or {}).items():
            key = _V5_PICTURE_KEYS.get(picture_kind)
            if key is not None and picture:
                common[key] = _as_text(picture)
        out["common"] = common
    else:
        for picture_kind, picture in (pictures or {}).items():
            key = _V6_PICTURE_KEYS.get(picture_kind)
            if key is not None and picture:
                out[key] = _as_text(picture)
    return out
