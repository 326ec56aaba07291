"""How one event maps onto rows, and back into the API's JSON.

Insertion is idempotent on the natural key (see ``protocol.natural_key``): a
retry stores nothing new, and a later, richer copy of the same event (history
upload after a real-time push) fills in what the first copy lacked.
"""

from __future__ import annotations

import functools
import json
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from gui.core import lenient_json
from gui.core.dbapi import Connection, RowLike, dialect, note_written_event, photo_day
from gui.core.model import (
    DecodedImage,
    EventSummary,
    EventWarning,
    ImageSource,
    NormalisedEvent,
)
from gui.core.protocol import natural_key

#: Marker that stands in the stored raw JSON where an image string was.
IMAGE_REF_KEY = "__gatewatch_image__"

EVENT_COLUMNS = (
    "id, natural_key, ts, timestamp, out_timestamp, received_at, identity_id, identity_name, "
    "person_type, score, want_action, ep_id, device_id, ep_name, ep_type, ep_ip, dev_sno, "
    "format, api_version, source_ip, path, warning_codes, self_test, pinned, doc"
)

Outcome = Literal["new", "merged", "duplicate"]


@dataclass(frozen=True, slots=True)
class StoredEvent:
    summary: EventSummary
    outcome: Outcome


@dataclass(frozen=True, slots=True)
class Arrival:
    """Where and when an event arrived: facts about the request, not the payload."""

    received_at: int
    source_ip: str
    path: str
    self_test: bool = False
    #: The time came from a box's stored record (float seconds): it may be 1 ms off
    #: the push of the same event. Such rows are recorded with a full URL as path.
    approximate_time: bool = False


#: JSON longer than this is compressed at level 1: a 60 MB raw body took the writer
#: about a second at level 6 (0.15 s at 1), and every other box's event waited.
FAST_PACK_BYTES = 1024 * 1024


def _pack(obj: Any) -> bytes:
    """zlib JSON; text that UTF-8 cannot hold (lone surrogates in a raw body) as escapes.

    Long base64 strings are spliced in and compressed piece by piece
    (``lenient_json.dumps_pieces``): zlib runs without the GIL, so the event
    loop keeps answering while a huge body's raw JSON is packed.
    """
    total, pieces = lenient_json.dumps_pieces(obj, separators=(",", ":"))
    level = 6 if total <= FAST_PACK_BYTES else 1
    if len(pieces) == 1:
        return zlib.compress(pieces[0], level)  # type: ignore[arg-type]
    packer = zlib.compressobj(level)
    out = [packer.compress(p if isinstance(p, bytes) else p.encode("ascii")) for p in pieces]
    out.append(packer.flush())
    return b"".join(out)


def unpack(blob: bytes) -> Any:
    return json.loads(zlib.decompress(blob))


def pack_doc(doc: dict[str, Any]) -> bytes:
    """The doc column is zlib JSON: it halves the row, keeping an event under 2 KB."""
    return _pack(doc)


def load_doc(value: bytes | str) -> dict[str, Any]:
    """Read a doc column; plain JSON text (databases written before compression) too."""
    if isinstance(value, bytes | memoryview):
        return unpack(bytes(value))
    return json.loads(value)


def _set_path(obj: Any, path: Sequence[str], value: Any) -> None:
    for key in path[:-1]:
        obj = obj[key]
    obj[path[-1]] = value


def raw_with_image_refs(
    raw: dict[str, Any], images: Iterable[DecodedImage | ImageSource]
) -> dict[str, Any]:
    """Copy ``raw`` with image strings replaced by small references to the images table.

    Dropped images (too large) are passed as their ``ImageSource`` so their
    string goes too. Only the containers on the image paths are copied.
    """
    out = dict(raw)
    for image in images:
        path = image.json_path
        if not path:
            continue
        node = out
        for key in path[:-1]:
            node[key] = dict(node[key])
            node = node[key]
        node[path[-1]] = {IMAGE_REF_KEY: image.kind}
    return out


def pack_raw(
    ev: NormalisedEvent, images: Sequence[DecodedImage], dropped: Sequence[ImageSource] = ()
) -> bytes:
    """The raw column of ``ev``: its JSON as received, image strings as references."""
    return _pack(raw_with_image_refs(ev.raw, [*images, *dropped]))


def pack_event_doc(ev: NormalisedEvent, warnings: Sequence[EventWarning]) -> bytes:
    """The doc column of a new row for ``ev`` with ``warnings`` (``pack_doc`` of ``_doc``)."""
    return pack_doc(_doc(ev, warnings))


def _doc(ev: NormalisedEvent, warnings: Sequence[EventWarning]) -> dict[str, Any]:
    return {
        "identity_info": ev.identity_info,
        "recognize_face_attr": ev.recognize_face_attr,
        "ep_info": ev.ep_info,
        "face_box": list(ev.face_box) if ev.face_box else None,
        "landmarks": [list(p) for p in ev.landmarks] if ev.landmarks else None,
        "landmark_layout": ev.landmark_layout,
        "warnings": [w.to_json() for w in warnings],
        "extra": ev.extra,
        "face_attributes": ev.face_attributes,
        "geometry": ev.geometry,
        "times": ev.times,
        "event_id": ev.event_id,
        "variant": ev.variant,
    }


def _ep(ev: NormalisedEvent, key: str) -> str | None:
    value = ev.ep_info.get(key)
    return None if value is None else str(value)


def _summary(
    row: RowLike, kinds: Sequence[str], merged: bool
) -> EventSummary:
    (id_, _key, _ts, timestamp, _out, received_at, identity_id, identity_name, person_type,
     score, want_action, ep_id, device_id, ep_name, _ep_type, _ep_ip, dev_sno, fmt,
     _api, source_ip, path, warning_codes, self_test, _pinned, _doc) = tuple(row)  # fmt: skip
    return EventSummary(
        id=id_,
        received_at=received_at,
        timestamp=timestamp,
        identity_id=identity_id,
        identity_name=identity_name,
        person_type=person_type,
        score=score,
        want_action=want_action,
        ep_id=ep_id,
        ep_name=ep_name,
        device_id=device_id,
        dev_sno=dev_sno,
        format=fmt,
        path=path or "",
        source_ip=source_ip or "",
        warning_codes=tuple(warning_codes.split()) if warning_codes else (),
        image_kinds=tuple(kinds),
        self_test=bool(self_test),
        merged=merged,
    )


@functools.lru_cache(maxsize=256)
@functools.lru_cache(maxsize=256)
def _path_json(path: tuple[str, ...]) -> str:
    """An image's ``json_path`` column: the same few paths (``spot_pic``...) every event,
    so each is made once (a ``json.dumps`` per image was the writer's, every event)."""
    return json.dumps(list(path))


@functools.lru_cache(maxsize=256)
def _encoding_items_json(items: tuple[tuple[str, Any], ...], _types: tuple[type, ...]) -> str:
    return json.dumps(dict(items))


def _encoding_json(encoding: dict[str, Any]) -> str:
    """An image's ``encoding`` column; nearly every photo has the same few layouts.

    Cached by items and their types (``True == 1`` as a key, not as JSON).
    """
    try:
        return _encoding_items_json(
            tuple(encoding.items()), tuple(map(type, encoding.values()))
        )
    except TypeError:  # a value that cannot be a cache key
        return json.dumps(encoding)


def _insert_images(
    conn: Connection,
    event_id: int,
    images: Sequence[DecodedImage],
    thumbs: dict[str, bytes] | None,
    received_at: int = 0,
) -> list[str]:
    """Insert the images of kinds the event does not have yet; returns the kinds added."""
    if not images:
        return []
    if dialect(conn).is_postgres:
        return _insert_images_pg(conn, event_id, images, thumbs, received_at)
    # One statement for all of an event's images: each statement costs the busy
    # writer a round trip through the GIL.
    rows = [
        (
            event_id,
            img.kind,
            _path_json(img.json_path),
            _encoding_json(img.encoding),
            img.format,
            img.width,
            img.height,
            len(img.data),
            img.data,
            (thumbs or {}).get(img.kind),
        )
        for img in images
    ]
    cur = conn.execute(
        "INSERT OR IGNORE INTO images (event_id, kind, json_path, encoding, format, width,"
        " height, bytes, data, thumb) VALUES " + ",".join(["(?,?,?,?,?,?,?,?,?,?)"] * len(rows)),
        [value for row in rows for value in row],
    )
    kinds = list(dict.fromkeys(img.kind for img in images))
    if cur.rowcount == len(rows) == len(kinds):
        return kinds
    # Callers pass only kinds the event lacks, so what is there now is what was added.
    have = set(image_kinds(conn, event_id))
    return [kind for kind in kinds if kind in have]


def _insert_images_pg(
    conn: Connection,
    event_id: int,
    images: Sequence[DecodedImage],
    thumbs: dict[str, bytes] | None,
    received_at: int,
) -> list[str]:
    """PostgreSQL: metadata into ``image_meta``, the bytes COPYed into ``photos``.

    The photos go to the partition of the day the event was received
    (``gui.core.pg_schema``); ``images`` is a view over the two.
    """
    day = photo_day(received_at)
    first = {img.kind: img for img in reversed(images)}  # the first image of each kind
    rows = [
        (
            event_id, img.kind, _path_json(img.json_path), _encoding_json(img.encoding),
            img.format, img.width, img.height, len(img.data), (thumbs or {}).get(img.kind), day,
        )
        for img in first.values()
    ]  # fmt: skip
    cur = conn.execute(
        "INSERT INTO image_meta (event_id, kind, json_path, encoding, format, width, height,"
        " bytes, thumb, day) VALUES " + ",".join(["(?,?,?,?,?,?,?,?,?,?)"] * len(rows))
        + " ON CONFLICT (event_id, kind) DO NOTHING RETURNING kind",
        [value for row in rows for value in row],
    )
    added = {r[0] for r in cur.fetchall()}
    if added:
        conn.copy_rows(  # type: ignore[attr-defined]
            "photos",
            ("day", "event_id", "kind", "data"),
            [(day, event_id, kind, first[kind].data) for kind in first if kind in added],
            ("int4", "int8", "text", "bytea"),
        )
    return [img.kind for img in images if img.kind in added and first[img.kind] is img]


def image_kinds(conn: Connection, event_id: int) -> list[str]:
    return [r[0] for r in conn.execute("SELECT kind FROM images WHERE event_id = ?", (event_id,))]


def store_event(
    conn: Connection,
    ev: NormalisedEvent,
    images: Sequence[DecodedImage],
    arrival: Arrival,
    warnings: Sequence[EventWarning],
    thumbs: dict[str, bytes] | None = None,
    dropped: Sequence[ImageSource] = (),
    packed_raw: bytes | None = None,
    packed_doc: bytes | None = None,
) -> StoredEvent:
    """Insert ``ev`` or fold it into the stored copy; a writer job.

    ``dropped`` are image strings not kept (too large): they leave the raw JSON too.
    ``packed_raw`` is ``pack_raw(ev, images, dropped)`` and ``packed_doc`` is
    ``pack_event_doc(ev, warnings)``, made before the job (off the writer thread,
    which every box's events wait for).
    """
    ts = ev.timestamp if ev.timestamp is not None else arrival.received_at
    codes = " ".join(dict.fromkeys(w.code for w in warnings))
    if packed_raw is None:
        packed_raw = pack_raw(ev, images, dropped)
    if packed_doc is None:
        packed_doc = pack_event_doc(ev, warnings)
    values = (
        ev.natural_key, ts, ev.timestamp, ev.out_timestamp, arrival.received_at,
        ev.identity_id, ev.identity_name, ev.person_type, ev.score, ev.want_action,
        _ep(ev, "ep_id"), _ep(ev, "device_id"), _ep(ev, "ep_name"), _ep(ev, "ep_type"),
        _ep(ev, "ep_ip"), ev.dev_sno, ev.format, ev.api_version, arrival.source_ip,
        arrival.path, codes, int(arrival.self_test), 0, ev.event_id,
        packed_doc,
        packed_raw,
    )  # fmt: skip
    near_keys = _neighbour_keys(ev)
    if near_keys is not None and not dialect(conn).is_postgres:
        # SQLite: the neighbour check rides in the INSERT (one statement fewer for
        # the writer on every new event); when nothing was inserted, the slow way
        # below says whether a neighbour or the event itself is stored.
        inserted = conn.execute(
            _INSERT_EVENT + " SELECT " + ",".join("?" * len(values)) + " WHERE NOT EXISTS"
            " (SELECT 1 FROM events WHERE natural_key IN (?, ?) AND (? OR "
            "substr(path, 1, 7) = 'http://' OR substr(path, 1, 8) = 'https://'))"
            " ON CONFLICT (natural_key) DO NOTHING RETURNING id",
            (*values, *near_keys, int(arrival.approximate_time)),
        ).fetchone()
    else:
        inserted = None
    if inserted is None:
        near = _neighbour_key(conn, ev, arrival) if near_keys is not None else None
        if near is not None:
            existing = conn.execute(
                f"SELECT {EVENT_COLUMNS} FROM events WHERE natural_key = ?", (near,)
            ).fetchone()
            return _merge(
                conn, tuple(existing), ev, images, dropped, warnings, thumbs, packed_raw, arrival
            )
    if inserted is None and (near_keys is None or dialect(conn).is_postgres):
        # The common case (a new event) in one statement; a known key means a retry
        # or a richer copy of a stored event.
        # On PostgreSQL several receivers may insert the same key at once: the unique
        # constraint lets one in, the other waits for its commit and merges (a duplicate).
        inserted = conn.execute(
            _INSERT_EVENT + " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
            " ON CONFLICT (natural_key) DO NOTHING RETURNING id",
            values,
        ).fetchone()
    if inserted is None:
        existing = conn.execute(
            f"SELECT {EVENT_COLUMNS} FROM events WHERE natural_key = ?", (ev.natural_key,)
        ).fetchone()
        return _merge(
            conn, tuple(existing), ev, images, dropped, warnings, thumbs, packed_raw, arrival
        )
    event_id = int(inserted[0])
    note_written_event(conn, event_id)
    kinds = _insert_images(conn, event_id, images, thumbs, arrival.received_at)
    row = (event_id, *values[:23], values[24])  # the columns of EVENT_COLUMNS
    return StoredEvent(_summary(row, kinds, merged=False), "new")


_INSERT_EVENT = (
    "INSERT INTO events (natural_key, ts, timestamp, out_timestamp, received_at,"
    " identity_id, identity_name, person_type, score, want_action, ep_id, device_id,"
    " ep_name, ep_type, ep_ip, dev_sno, format, api_version, source_ip, path,"
    " warning_codes, self_test, pinned, event_id, doc, raw)"
)


def _neighbour_keys(ev: NormalisedEvent) -> tuple[str, str] | None:
    """The keys the same event has 1 ms earlier and later (None: no time to be off by)."""
    if ev.timestamp is None:
        return None
    keys = tuple(
        natural_key(
            ep_id=_ep(ev, "ep_id"), device_id=_ep(ev, "device_id"), dev_sno=ev.dev_sno,
            identity_id=ev.identity_id, timestamp=ev.timestamp + delta,
        )
        for delta in (-1, 1)
    )  # fmt: skip
    if ev.natural_key in keys:
        return None
    return keys[0], keys[1]


def _neighbour_key(conn: Connection, ev: NormalisedEvent, arrival: Arrival) -> str | None:
    """The key of the same event stored 1 ms off when one side's time came from a record.

    A box's stored records carry float seconds; converted back they can land
    1 ms from the millisecond time its push carried (decimal rounding of the
    record). Only then is 1 ms "the same": two pushes 1 ms apart stay two events.
    (On SQLite ``store_event`` asks the same in its INSERT first.)
    """
    keys = _neighbour_keys(ev)
    if keys is None:
        return None
    rows = conn.execute(
        "SELECT natural_key, path FROM events WHERE natural_key IN (?, ?) "
        "AND NOT EXISTS (SELECT 1 FROM events WHERE natural_key = ?)",
        (*keys, ev.natural_key),
    ).fetchall()
    for key, path in rows:
        if arrival.approximate_time or str(path or "").startswith(("http://", "https://")):
            return key
    return None


_FILLABLE = (
    "timestamp", "out_timestamp", "identity_id", "identity_name", "person_type", "score",
    "want_action", "ep_id", "device_id", "ep_name", "ep_type", "ep_ip", "dev_sno", "api_version",
)  # fmt: skip


def _fill(old: Any, new: Any) -> Any:
    """Values the old copy lacked, taken from the new one; nested dicts recursively."""
    if isinstance(old, dict) and isinstance(new, dict):
        out = dict(old)
        for key, value in new.items():
            out[key] = _fill(old.get(key), value) if key in old else value
        return out
    if old in (None, "", [], {}):
        return new
    return old


def _merge(
    conn: Connection,
    row: tuple[Any, ...],
    ev: NormalisedEvent,
    images: Sequence[DecodedImage],
    dropped: Sequence[ImageSource],
    warnings: Sequence[EventWarning],
    thumbs: dict[str, bytes] | None,
    packed_raw: bytes,
    arrival: Arrival,
) -> StoredEvent:
    event_id = row[0]
    have = set(image_kinds(conn, event_id))
    added = _insert_images(
        conn, event_id, [i for i in images if i.kind not in have], thumbs, arrival.received_at
    )
    new_fields = {
        "timestamp": ev.timestamp, "out_timestamp": ev.out_timestamp,
        "identity_id": ev.identity_id, "identity_name": ev.identity_name,
        "person_type": ev.person_type, "score": ev.score, "want_action": ev.want_action,
        "ep_id": _ep(ev, "ep_id"), "device_id": _ep(ev, "device_id"),
        "ep_name": _ep(ev, "ep_name"), "ep_type": _ep(ev, "ep_type"), "ep_ip": _ep(ev, "ep_ip"),
        "dev_sno": ev.dev_sno, "api_version": ev.api_version,
    }  # fmt: skip
    columns = dict(zip(EVENT_COLUMNS.replace(" ", "").split(","), row, strict=True))
    fill = {k: v for k, v in new_fields.items() if columns[k] in (None, "") and v not in (None, "")}
    old_doc = load_doc(columns["doc"])
    new_doc = _doc(ev, warnings)
    doc = _fill({k: v for k, v in old_doc.items() if k != "warnings"}, new_doc)
    # Warnings of the first copy that the richer copy resolved go; new ones stay.
    doc["warnings"] = new_doc["warnings"] if added else old_doc["warnings"]
    changed = bool(added or fill) or doc != old_doc
    if not changed:
        return StoredEvent(_summary(row, sorted(have), merged=False), "duplicate")
    sets = ", ".join(f"{k} = ?" for k in fill)
    params: list[Any] = list(fill.values())
    codes = " ".join(dict.fromkeys(w["code"] for w in doc["warnings"]))
    sql = "UPDATE events SET doc = ?, warning_codes = ?"
    params = [pack_doc(doc), codes, *params]
    if sets:
        sql += ", " + sets
    if ev.event_id:
        sql += ", event_id = coalesce(event_id, ?)"
        params.append(ev.event_id)
    if added:
        # The richer copy becomes the one /raw gives back.
        sql += ", raw = ?"
        params.append(packed_raw)
    conn.execute(sql + " WHERE id = ?", (*params, event_id))
    note_written_event(conn, event_id)
    fresh = conn.execute(f"SELECT {EVENT_COLUMNS} FROM events WHERE id = ?", (event_id,)).fetchone()
    return StoredEvent(_summary(tuple(fresh), sorted(have | set(added)), merged=True), "merged")


# -- reading back ----------------------------------------------------------------


def images_by_event(
    conn: Connection, event_ids: Sequence[int]
) -> dict[int, dict[str, dict[str, Any]]]:
    """Image metadata (no bytes) for a page of events."""
    out: dict[int, dict[str, dict[str, Any]]] = {i: {} for i in event_ids}
    if not event_ids:
        return out
    marks = ",".join("?" * len(event_ids))
    for event_id, kind, fmt, width, height, nbytes, present in conn.execute(
        "SELECT event_id, kind, format, width, height, bytes, data IS NOT NULL FROM images"
        f" WHERE event_id IN ({marks})",
        tuple(event_ids),
    ):
        out[event_id][kind] = {
            "url": f"/api/events/{event_id}/images/{kind}",
            "format": fmt,
            "width": width,
            "height": height,
            "bytes": nbytes,
            "purged": not present,
        }
    return out


def event_to_json(
    row: RowLike, images: dict[str, dict[str, Any]]
) -> dict[str, Any]:
    """The API's (and the exports') shape of one stored event."""
    (id_, _key, _ts, timestamp, out_timestamp, received_at, identity_id, identity_name,
     person_type, score, want_action, ep_id, device_id, ep_name, ep_type, ep_ip, dev_sno, fmt,
     api_version, source_ip, path, _codes, self_test, pinned, doc_text) = tuple(row)  # fmt: skip
    doc = load_doc(doc_text)
    ep_info = dict(doc.get("ep_info") or {})
    ep_info.update(
        {"ep_id": ep_id, "ep_type": ep_type, "ep_ip": ep_ip, "ep_name": ep_name,
         "device_id": device_id}
    )  # fmt: skip
    return {
        "id": id_,
        "identity_id": identity_id,
        "identity_name": identity_name,
        "identity_info": doc.get("identity_info") or {},
        "timestamp": timestamp,
        "score": score,
        "want_action": want_action,
        "person_type": person_type,
        "out_timestamp": out_timestamp,
        "ep_info": ep_info,
        "dev_sno": dev_sno,
        "recognize_face_attr": doc.get("recognize_face_attr") or {},
        "api_version": api_version,
        "face_box": doc.get("face_box"),
        "landmarks": doc.get("landmarks"),
        "landmark_layout": doc.get("landmark_layout"),
        "received_at": received_at,
        "source_ip": source_ip,
        "path": path,
        "format": fmt,
        "warnings": doc.get("warnings") or [],
        "extra": doc.get("extra") or {},
        "face_attributes": doc.get("face_attributes") or {},
        "geometry": doc.get("geometry") or {},
        "times": doc.get("times") or {},
        "event_id": doc.get("event_id"),
        "variant": doc.get("variant"),
        "self_test": bool(self_test),
        "pinned": bool(pinned),
        "images": images,
    }


def load_event(conn: Connection, event_id: int) -> dict[str, Any] | None:
    row = conn.execute(f"SELECT {EVENT_COLUMNS} FROM events WHERE id = ?", (event_id,)).fetchone()
    if row is None:
        return None
    return event_to_json(row, images_by_event(conn, [event_id])[event_id])


def load_raw(conn: Connection, event_id: int) -> dict[str, Any] | None:
    """The event's JSON as received, images re-encoded from the stored bytes."""
    from gui.core.images import encode_image  # images imports Pillow; keep this module light

    row = conn.execute("SELECT raw FROM events WHERE id = ?", (event_id,)).fetchone()
    if row is None:
        return None
    raw = unpack(row[0])
    for json_path, encoding, data in conn.execute(
        "SELECT json_path, encoding, data FROM images WHERE event_id = ?", (event_id,)
    ):
        text = encode_image(data, json.loads(encoding)) if data is not None else ""
        _set_path(raw, json.loads(json_path), text)
    return _clear_orphan_refs(raw)


def _clear_orphan_refs(node: Any) -> Any:
    """References whose image is gone (dropped as too large, purged) read as "no image"."""
    if isinstance(node, dict):
        if set(node) == {IMAGE_REF_KEY}:
            return ""
        return {k: _clear_orphan_refs(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_clear_orphan_refs(v) for v in node]
    return node


def load_image(
    conn: Connection, event_id: int, kind: str, *, thumb: bool = False
) -> tuple[bytes, str] | None:
    """``(bytes, format)`` of a stored image or its thumbnail; None when absent."""
    column = "thumb" if thumb else "data"
    row = conn.execute(
        f"SELECT {column}, format FROM images WHERE event_id = ? AND kind = ?", (event_id, kind)
    ).fetchone()
    if row is None or row[0] is None:
        return None
    return bytes(row[0]), ("JPEG" if thumb else row[1])


def store_face_thumb(conn: Connection, event_id: int, data: bytes) -> None:
    conn.execute(
        "INSERT INTO face_thumbs (event_id, data) VALUES (?, ?)"
        " ON CONFLICT (event_id) DO UPDATE SET data = excluded.data",
        (event_id, data),
    )


def load_face_thumb(conn: Connection, event_id: int) -> bytes | None:
    row = conn.execute("SELECT data FROM face_thumbs WHERE event_id = ?", (event_id,)).fetchone()
    return None if row is None else bytes(row[0])
