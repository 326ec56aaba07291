"""Plain, immutable event objects shared by the core, the API and the GUI.

Nothing here knows about HTTP, SQLite or Qt: these are the values that travel
between them, so they must stay cheap to copy across threads.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any

#: Image kinds, always under their 1.0 names (a 2.0 ``spot_image`` is ``spot_pic``).
IMAGE_KINDS: tuple[str, ...] = ("spot_pic", "reg_pic", "recognize_face", "ir_pic")

#: Formats the normaliser recognises.
FORMATS: tuple[str, ...] = ("1.0", "legacy", "2.0")


class PersonType(IntEnum):
    EMPLOYEE = 1
    VISITOR = 2
    BLACKLIST = 3
    STRANGER = 4
    VIP = 5

    @property
    def word(self) -> str:
        return self.name.lower()


#: 2.0 payloads carry the person type as a word.
PERSON_TYPE_BY_WORD: dict[str, PersonType] = {p.word: p for p in PersonType}


@dataclass(frozen=True, slots=True)
class EventWarning:
    """A problem found in an event that is worth telling, but never a reason to reject it.

    ``code`` is stable (the GUI translates it, verdicts are built on it);
    ``field`` is the dotted path of the offending field in the original JSON, if any.
    """

    code: str
    message: str
    field: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"code": self.code, "field": self.field, "message": self.message}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> EventWarning:
        return cls(code=data["code"], message=data.get("message", ""), field=data.get("field"))


@dataclass(frozen=True, slots=True)
class ImageSource:
    """An image string as it appeared in the payload, not yet decoded.

    ``json_path`` locates the string in the original JSON (e.g. ``ext_data.spot_pic``)
    so ``/raw`` can put the re-encoded image back exactly where it was.
    """

    kind: str
    json_path: tuple[str, ...]
    text: str


@dataclass(frozen=True, slots=True)
class NormalisedEvent:
    """One event as the normaliser understood it, before images are decoded or stored.

    Field names follow the 1.0 shape whatever the payload's format was.
    """

    format: str
    api_version: str | None
    identity_id: str | None
    identity_name: str | None
    identity_info: dict[str, Any]
    timestamp: int | None
    out_timestamp: int | None
    score: float | None
    want_action: str | None
    person_type: int | None
    ep_info: dict[str, Any]
    dev_sno: str | None
    recognize_face_attr: dict[str, Any]
    face_box: tuple[float, float, float, float] | None
    landmarks: tuple[tuple[float, float], ...] | None
    landmark_layout: str | None
    #: Fields of the payload with no 1.0 counterpart (legacy ``group_name``, fiqa info, ...).
    extra: dict[str, Any]
    images: tuple[ImageSource, ...]
    #: The event's JSON object exactly as received.
    raw: dict[str, Any]
    warnings: tuple[EventWarning, ...]
    natural_key: str
    #: Age, gender, glasses, head pose... from wherever the firmware put them.
    face_attributes: dict[str, Any] = field(default_factory=dict)
    #: Where the face box came from (``box_field``), the face-crop box (``crop_box``),
    #: and ``scene: "absent"`` when there is no picture to draw the box on.
    geometry: dict[str, Any] = field(default_factory=dict)
    #: Every time field read: dotted path -> ``{"ms", "unit", "raw"}``.
    times: dict[str, Any] = field(default_factory=dict)
    #: The box's own event id (V6 ``event_id``, V5 record ``_id``), searchable.
    event_id: str | None = None
    #: The documented variant (``v6_realtime``, ``v5_ws``, ``v5_record``, ``pass_record``…).
    variant: str | None = None


@dataclass(frozen=True, slots=True)
class DecodedImage:
    """An image decoded from base64, with what its header says about it."""

    kind: str
    json_path: tuple[str, ...]
    data: bytes
    format: str  # "JPEG", "PNG", ...
    width: int
    height: int
    #: How to rebuild the original string from ``data`` (prefix, line wrapping).
    encoding: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class EventBrief:
    """One event as a list shows it (the live feed, the wall): no pictures, no raw JSON.

    The one definition of an event's list fields: ``EventSummary`` (what the core
    announces when it stores an event) is a brief with a few more, and the
    reader's ``latest_events`` pages are briefs, so the feed and the wall show
    both without copying fields from one record into another.
    """

    id: int
    received_at: int
    timestamp: int | None
    identity_id: str | None
    identity_name: str | None
    person_type: int | None
    score: float | None
    want_action: str | None
    ep_id: str | None
    ep_name: str | None
    device_id: str | None
    dev_sno: str | None
    warning_codes: tuple[str, ...] = ()
    self_test: bool = False
    #: The score's scale (``"0-1"``/``"0-100"``) and the box's threshold in it, by the
    #: rule of ``gui.core.scores`` with the box's configuration when known.
    score_scale: str | None = None
    threshold: float | None = None

    @property
    def warning_count(self) -> int:
        return len(self.warning_codes)

    @property
    def name(self) -> str:
        """Who: the name, else the id."""
        return self.identity_name or self.identity_id or ""

    @property
    def device(self) -> str:
        """Which camera: its name, else its id."""
        return self.ep_name or self.ep_id or self.device_id or ""


@dataclass(frozen=True, slots=True, kw_only=True)
class EventSummary(EventBrief):
    """What the core announces about a freshly stored event: a brief and where it came from."""

    format: str
    path: str
    source_ip: str
    image_kinds: tuple[str, ...]
    #: True when this arrival filled in an event that was already stored.
    merged: bool = False
