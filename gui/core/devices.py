"""The registry of boxes and cameras, fed by events and status reports.

A box is one entry whatever it calls itself (``gui.core.identity`` resolves
``dev_sno``, ``mq_license_key``, ``gateway_sn``, ``reporter_id``, MACs and the
source address to one key); a camera is known by its id (``ep_id``, or the
uuid ``device_id`` / ``media_device_id``) across boxes and reports. Reports of
every variant are understood by ``gui.core.health``. Everything here runs
inside the transaction that stored the event or the report, so the registry
never disagrees with the events.
"""

from __future__ import annotations

import json
from typing import Any

from gui.core import health, identity, scores, tallies
from gui.core.dbapi import Connection
from gui.core.event_rows import Arrival
from gui.core.model import EventSummary, NormalisedEvent
from gui.core.portable import dialect_of

#: The vendor's default match threshold on the 0–100 display scale (V5R7 ``THRESHOLD``,
#: V6 ``MATCH_THRESHOLD``); used until a box's own configuration is known.
DEFAULT_THRESHOLD_100 = 82.0
SCALE_UNIT, SCALE_PERCENT = "0-1", "0-100"
#: A box whose events come in both scales (``score_context``).
SCALE_MIXED = "mixed"


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, dict | list):
        return None
    text = str(value).strip()
    return text or None


def box_serial_of_camera(ep_id: str | None) -> str | None:
    """``ep_id`` is ``<dev_sno>__<ip or url>``: the part before ``__`` names the box."""
    if ep_id and "__" in ep_id:
        return ep_id.split("__", 1)[0] or None
    return None


def note_event(
    conn: Connection, summary: EventSummary, ev: NormalisedEvent, arrival: Arrival
) -> None:
    """Last seen / last event / counts for the event's box and camera, written now."""
    tally = DeviceTally()
    tally.note(summary, ev, arrival)
    tally.before_commit(conn)


def event_box_names(dev_sno: str | None, ep_id: str | None) -> list[tuple[str, Any]]:
    """The names an event gives its box: the licence code and the ``ep_id`` prefix."""
    names: list[tuple[str, Any]] = []
    if dev_sno and dev_sno.strip():
        names.append(("licence", dev_sno))
    key = identity.ep_id_key(ep_id)
    if key is not None:
        names.append(key)
    return names


#: A keyless event's stand-in name: the camera it came from (see ``DeviceTally.note``).
_BY_CAMERA = "camera"


class DeviceTally:
    """Last seen / last event / counts of a writer batch's events, one upsert per device.

    Two upserts per event were a fifth of the writer's statements under load,
    most of them for the same box and camera. The writer calls ``begin`` when
    a batch starts and ``before_commit`` inside its transaction, so the
    registry still commits together with the events it counts. Which box an
    event belongs to is resolved there too (``identity.resolve``), once per
    distinct set of names in the batch.

    Self-test posts come from this PC, not from a box: they must not make a
    device look alive.
    """

    def __init__(self) -> None:
        # (names, source_ip) -> [first time, last time, count, max score, min positive score]
        self._boxes: dict[tuple[tuple[tuple[str, Any], ...], str], list[Any]] = {}
        # camera key -> [names key, device_id, name, ip, type, first, last, count, ep_id]
        self._cameras: dict[str, list[Any]] = {}
        self._event_ids: list[tuple[str, int]] = []

    def begin(self) -> None:
        self._boxes.clear()
        self._cameras.clear()

    def note(self, summary: EventSummary, ev: NormalisedEvent, arrival: Arrival) -> None:
        if arrival.self_test:
            return
        now = arrival.received_at
        names: tuple[tuple[str, Any], ...] = tuple(event_box_names(summary.dev_sno, summary.ep_id))
        camera = summary.ep_id or summary.device_id
        if not names and camera:
            # No box name: the box its camera is registered with (by an earlier event of
            # this batch, else in the registry), else the source address.
            known = self._cameras.get(camera)
            named = known[0][0] if known is not None else ()
            names = named if named and named[0][0] != _BY_CAMERA else ((_BY_CAMERA, camera),)
        box_key = (names, arrival.source_ip)
        seen = self._boxes.get(box_key)
        score = summary.score
        low = score if score is not None and score > 0 else None
        if seen is None:
            self._boxes[box_key] = [now, now, 1, score, low]
        else:
            seen[0] = min(seen[0], now)
            seen[1] = max(seen[1], now)
            seen[2] += 1
            if score is not None:
                seen[3] = score if seen[3] is None else max(seen[3], score)
            if low is not None:
                seen[4] = low if seen[4] is None else min(seen[4], low)
        if camera:
            values = (
                box_key,
                summary.device_id,
                summary.ep_name,
                _text(ev.ep_info.get("ep_ip")),
                _text(ev.ep_info.get("ep_type")),
            )
            cam = self._cameras.get(camera)
            if cam is None:
                self._cameras[camera] = [*values, now, now, 1, summary.ep_id]
            else:
                for i, value in enumerate(values):  # a later event's known values win
                    if value is not None:
                        cam[i] = value
                cam[5] = min(cam[5], now)
                cam[6] = max(cam[6], now)
                cam[7] += 1

    def before_commit(self, conn: Connection) -> None:
        d = dialect_of(conn)
        resolved: dict[Any, str | None] = {}
        for box_key, (first, last, count, score, low) in self._boxes.items():
            names, source_ip = box_key
            sn = None
            if names and names[0][0] == _BY_CAMERA:
                row = conn.execute(
                    "SELECT box_sn FROM cameras WHERE (ep_id = ? OR device_id = ?)"
                    " AND box_sn IS NOT NULL ORDER BY ep_id = ? DESC LIMIT 1",
                    (names[0][1], names[0][1], names[0][1]),
                ).fetchone()
                sn = str(row[0]) if row is not None else None
            if sn is None:
                sn = identity.resolve(
                    conn, [n for n in names if n[0] != _BY_CAMERA], source_ip, last
                )
            resolved[box_key] = sn
            if sn is None:
                continue
            if d.is_postgres:
                # Counts and times on this writer's own rows: no row shared with another
                # receiver's batches (``gui.core.tallies``); the address only when it moved.
                tallies.add(conn, "box", sn, first, last, count, score, low)
                conn.execute(
                    "UPDATE boxes SET source_ip = ? WHERE sn = ? AND source_ip IS DISTINCT FROM ?",
                    (source_ip, sn, source_ip),
                )
                continue
            scored = (
                f", score_max = {d.greatest('coalesce(score_max, ?)', '?')}"
                if score is not None
                else ""
            )
            if low is not None:  # a box sending both scales is "mixed" (``score_context``)
                scored += f", score_min = {d.least('coalesce(score_min, ?)', '?')}"
            conn.execute(
                "UPDATE boxes SET source_ip = ?,"
                f" first_seen = {d.least('coalesce(first_seen, ?)', '?')},"
                f" last_seen = {d.greatest('coalesce(last_seen, 0)', '?')},"
                f" last_event_at = {d.greatest('coalesce(last_event_at, 0)', '?')},"
                f" event_count = event_count + ?{scored} WHERE sn = ?",
                (source_ip, first, first, last, last, count,
                 *((score, score) if score is not None else ()),
                 *((low, low) if low is not None else ()), sn),
            )  # fmt: skip
        for camera, cam in self._cameras.items():
            box_key, device_id, name, ip, kind, first, last, count, ep_id = cam
            key = _camera_key(conn, camera, ep_id, device_id)
            if d.is_postgres:
                _register_camera_pg(conn, key, resolved.get(box_key), device_id, name, ip, kind)
                tallies.add(conn, "camera", key, first, last, count)
            else:
                conn.execute(
                    "INSERT INTO cameras (ep_id, box_sn, device_id, name, ip, type, first_seen,"
                    " last_seen, last_event_at, event_count)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                    " ON CONFLICT (ep_id) DO UPDATE SET"
                    " box_sn = coalesce(excluded.box_sn, cameras.box_sn),"
                    " device_id = coalesce(excluded.device_id, cameras.device_id),"
                    " name = coalesce(excluded.name, cameras.name),"
                    " ip = coalesce(excluded.ip, cameras.ip),"
                    " type = coalesce(excluded.type, cameras.type),"
                    " last_seen ="
                    f" {d.greatest('coalesce(cameras.last_seen, 0)', 'excluded.last_seen')},"
                    " last_event_at = "
                    + d.greatest("coalesce(cameras.last_event_at, 0)", "excluded.last_event_at")
                    + ", event_count = cameras.event_count + excluded.event_count",
                    (key, resolved.get(box_key), device_id, name, ip, kind, first, last, last,
                     count),
                )  # fmt: skip
            box_sn = resolved.get(box_key)
            if ip and box_sn:
                reported = _report_named_camera(conn, box_sn, ip, key)
                if reported is not None:
                    _merge_cameras(conn, key, reported)
        if d.is_postgres:
            tallies.fold_now_and_then(conn)
        self.begin()


def _register_camera_pg(
    conn: Connection,
    key: str,
    box_sn: str | None,
    device_id: str | None,
    name: str | None,
    ip: str | None,
    kind: str | None,
) -> None:
    """PostgreSQL: the camera's row created once, written again only when a name changes.

    An upsert would lock the row for the whole batch even when nothing changes, and
    every receiver fed by the camera would queue on it.
    """
    have = conn.execute(
        "SELECT box_sn, device_id, name, ip, type FROM cameras WHERE ep_id = ?", (key,)
    ).fetchone()
    if have is None:
        conn.execute(
            "INSERT INTO cameras (ep_id, box_sn, device_id, name, ip, type)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (ep_id) DO NOTHING",
            (key, box_sn, device_id, name, ip, kind),
        )
        return
    fields = (("box_sn", box_sn), ("device_id", device_id), ("name", name), ("ip", ip),
              ("type", kind))  # fmt: skip
    known = [(col, value) for col, value in fields if value is not None]
    if any(have[i] != value for i, (_col, value) in enumerate(fields) if value is not None):
        conn.execute(
            f"UPDATE cameras SET {', '.join(f'{c} = ?' for c, _ in known)} WHERE ep_id = ? AND ("
            + " OR ".join(f"{c} IS DISTINCT FROM ?" for c, _ in known)
            + ")",
            (*(v for _, v in known), key, *(v for _, v in known)),
        )


def _camera_key(conn: Connection, camera: str, ep_id: str | None, device_id: str | None) -> str:
    """The registry key of a camera named by ``ep_id`` and/or its uuid ``device_id``.

    A V5 WebSocket event names a camera by its uuid only, a history event of the
    same camera by ``ep_id`` and the uuid: the uuid row is folded into the
    ``ep_id`` one the first time both are seen together.
    """
    if ep_id and device_id and device_id != ep_id:
        # Only a row the uuid alone created (its key is its own device_id).
        row = conn.execute(
            "SELECT 1 FROM cameras WHERE ep_id = ? AND device_id = ep_id", (device_id,)
        ).fetchone()
        if row is not None:
            _merge_cameras(conn, ep_id, device_id)
        return ep_id
    uuid = device_id if not ep_id else ep_id if not device_id else None
    if uuid:
        # A uuid alone (V5 WebSocket ``device_id``, V6 ``media_device_id``): the camera
        # another message already named by ``ep_id`` with that uuid beside it.
        row = conn.execute(
            "SELECT ep_id FROM cameras WHERE device_id = ? AND ep_id != ? LIMIT 1", (uuid, uuid)
        ).fetchone()
        if row is not None:
            return str(row[0])
    return camera


def merge_uuid_cameras(conn: Connection) -> None:
    """Fold camera rows a uuid alone created into the row that names it by ``ep_id`` (migration).

    ``_camera_key`` does this for new messages; rows stored before it stay split
    until this runs: a V5 WebSocket camera (key = its ``device_id``) and the same
    camera from history events (``ep_id`` with that ``device_id`` beside it).
    """
    pairs = conn.execute(
        "SELECT u.ep_id, min(c.ep_id) FROM cameras u JOIN cameras c"
        " ON c.device_id = u.ep_id AND c.ep_id != u.ep_id"
        " WHERE u.device_id IS NULL OR u.device_id = u.ep_id GROUP BY u.ep_id"
    ).fetchall()
    for uuid, target in pairs:
        _merge_cameras(conn, str(target), str(uuid))


def _merge_cameras(conn: Connection, into: str, other: str) -> None:
    if dialect_of(conn).is_postgres:
        tallies.fold(conn, keys=("camera", into))
        tallies.fold(conn, keys=("camera", other))
    have = conn.execute("SELECT 1 FROM cameras WHERE ep_id = ?", (into,)).fetchone()
    if have is None:
        conn.execute("UPDATE cameras SET ep_id = ? WHERE ep_id = ?", (into, other))
        return
    cols = ("box_sn", "device_id", "name", "ip", "type", "status", "location", "url", "direction")
    sets = ", ".join(f"{c} = coalesce(cameras.{c}, o.{c})" for c in cols)
    d = dialect_of(conn)
    first = d.least(
        "coalesce(cameras.first_seen, o.first_seen)", "coalesce(o.first_seen, cameras.first_seen)"
    )
    last_seen = d.greatest("coalesce(cameras.last_seen, 0)", "coalesce(o.last_seen, 0)")
    last_event = d.greatest("coalesce(cameras.last_event_at, 0)", "coalesce(o.last_event_at, 0)")
    conn.execute(
        f"UPDATE cameras SET {sets},"
        f" first_seen = {first}, last_seen = {last_seen}, last_event_at = {last_event},"
        " event_count = cameras.event_count + o.event_count"
        " FROM (SELECT * FROM cameras WHERE ep_id = ?) AS o WHERE cameras.ep_id = ?",
        (other, into),
    )
    conn.execute("DELETE FROM cameras WHERE ep_id = ?", (other,))


def _names_box(conn: Connection, camera_id: str, sn: str) -> str | None:
    """The address part of ``<box name>__<address>`` when its box name is box ``sn``."""
    key = identity.ep_id_key(camera_id)
    if key is None:
        return None
    alias = identity.alias_of(*key)
    row = conn.execute("SELECT sn FROM box_aliases WHERE alias = ?", (alias,)).fetchone()
    named = str(row[0]) if row is not None else alias
    where = camera_id.split("__", 1)[1].strip()
    return where if named == sn and where else None


def _may_be_at(key: str, ip: str) -> bool:
    """Whether events' camera id ``key`` can be the camera a report lists at ``ip``.

    A name (``gate-2``) can; ``<box>__<address>`` only for that very address: an
    RTSP URL names one channel of what may be many at one address (an NVR).
    """
    return "__" not in key or key.split("__", 1)[1].strip() == ip


def _report_named_camera(conn: Connection, sn: str, ip: str, key: str) -> str | None:
    """The one camera row a report created as ``<box name>__<ip>`` for the camera that
    events of box ``sn`` call ``key`` (another id, same box, same address), if any.

    A report lists a camera by its box and address while the events may name it
    otherwise (``gate-2``): the identity rules make them one camera.
    """
    if not _may_be_at(key, ip):
        return None
    rows = conn.execute(
        "SELECT ep_id FROM cameras WHERE box_sn = ? AND ip = ? AND ep_id != ? AND event_count = 0",
        (sn, ip, key),
    ).fetchall()
    found = [str(r[0]) for r in rows if _names_box(conn, str(r[0]), sn) == ip]
    return found[0] if len(found) == 1 else None


def _report_camera_key(conn: Connection, cam: health.CameraState, sn: str) -> str | None:
    if cam.id:
        row = conn.execute(
            "SELECT ep_id FROM cameras WHERE ep_id = ? OR device_id = ? ORDER BY ep_id = ? DESC"
            " LIMIT 1",
            (cam.id, cam.id, cam.id),
        ).fetchone()
        if row is not None:
            return str(row[0])
        # ``<box name>__<ip>``: the camera this box's events already name otherwise.
        ip = _names_box(conn, cam.id, sn)
        if ip is not None and (cam.ip is None or cam.ip == ip):
            rows = conn.execute(
                "SELECT ep_id FROM cameras WHERE box_sn = ? AND ip = ? AND event_count > 0",
                (sn, ip),
            ).fetchall()
            named = [str(r[0]) for r in rows if _may_be_at(str(r[0]), ip)]
            if len(rows) == 1 and len(named) == 1:
                return named[0]
        return cam.id
    where = cam.ip or cam.name
    return f"{sn}__{where}" if where else None


#: Variants that describe the box itself (metrics, status); the others only list cameras.
_SYSTEM_VARIANTS = frozenset({"v2r1", "flat", "nested", "v5r7_system", "v6_system",
                              "platform_status"})  # fmt: skip


def apply_health_report(conn: Connection, report: dict[str, Any], arrival: Arrival) -> None:
    """Store a status report of any variant: the box (raw and normalised) and its cameras.

    A camera-only report (V5R7 camera report, V6 camera report, device sync)
    updates the cameras and the report time but keeps the box's last system
    report, so CPU, memory and disk stay on the Devices page.
    """
    now = arrival.received_at
    parsed = health.normalise_report(report)
    # The platform forwards the status of many boxes from one address: that
    # address names none of them.
    forwarded = parsed.variant == "platform_status" and bool(parsed.keys)
    sn = identity.resolve(conn, parsed.keys, None if forwarded else arrival.source_ip, now)
    if sn is None:
        return
    system = parsed.variant in _SYSTEM_VARIANTS
    conn.execute(
        "UPDATE boxes SET name = coalesce(?, name), ips = coalesce(?, ips), source_ip = ?,"
        " first_seen = coalesce(first_seen, ?),"
        f" last_seen = {dialect_of(conn).greatest('coalesce(last_seen, 0)', '?')},"
        " last_report_at = ?,"
        " report = CASE WHEN ? THEN ? ELSE coalesce(report, ?) END,"
        " health = CASE WHEN ? THEN ? ELSE coalesce(health, ?) END WHERE sn = ?",
        (
            parsed.name,
            " ".join(parsed.ips) or None,
            arrival.source_ip,
            now,
            now,
            now,
            system,
            json.dumps(report, ensure_ascii=False),
            json.dumps(report, ensure_ascii=False),
            system,
            json.dumps(parsed.to_json(), ensure_ascii=False),
            json.dumps(parsed.to_json(), ensure_ascii=False),
            sn,
        ),
    )
    if not system and parsed.cameras:
        # Keep the camera list of the latest camera report beside the system report.
        row = conn.execute("SELECT health FROM boxes WHERE sn = ?", (sn,)).fetchone()
        stored = json.loads(row[0]) if row and row[0] else {}
        stored["cameras"] = [c.to_json() for c in parsed.cameras]
        stored["camera_report_variant"] = parsed.variant
        stored["camera_inferred"] = [i.to_json() for i in parsed.inferred]
        conn.execute(
            "UPDATE boxes SET health = ? WHERE sn = ?", (json.dumps(stored, ensure_ascii=False), sn)
        )
    last_seen = dialect_of(conn).greatest("coalesce(cameras.last_seen, 0)", "excluded.last_seen")
    for cam in parsed.cameras:
        key = _report_camera_key(conn, cam, sn)
        if key is None:
            continue
        conn.execute(
            "INSERT INTO cameras (ep_id, box_sn, name, ip, type, status, location, url, direction,"
            " first_seen, last_seen) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (ep_id) DO UPDATE SET"
            " box_sn = coalesce(excluded.box_sn, cameras.box_sn),"
            " name = coalesce(excluded.name, cameras.name), ip = coalesce(excluded.ip, cameras.ip),"
            " type = coalesce(excluded.type, cameras.type),"
            " status = coalesce(excluded.status, cameras.status),"
            " location = coalesce(excluded.location, cameras.location),"
            " url = coalesce(excluded.url, cameras.url),"
            " direction = coalesce(excluded.direction, cameras.direction),"
            f" last_seen = {last_seen}",
            (key, sn, cam.name, cam.ip, cam.type, cam.status, cam.location, cam.url,
             cam.direction, now, now),
        )  # fmt: skip


def score_context(row: dict[str, Any]) -> dict[str, Any]:
    """A box's score scale and threshold: configured, else read from its scores.

    Scores are stored as sent; a box either sends a 0–1 similarity or the
    0–100 display score (FIRMWARE_VARIANTS.md §9), and is compared only with
    its own threshold.
    """
    scale = row.get("score_scale")
    source = "configured" if scale else None
    if not scale and row.get("score_max") is not None:
        scale = SCALE_PERCENT if row["score_max"] > 1 else SCALE_UNIT
        source = "scores"
    high, low = row.get("score_max"), row.get("score_min")
    # Scores above 1 and similarities (at most 1) from one box, not read as one scale by
    # its configuration: say "mixed" (history in one scale, real-time in the other).
    mixed = (
        (scale != SCALE_PERCENT or source != "configured")
        and high is not None
        and high > 1
        and low is not None
        and low <= 1
    )
    if mixed:
        scale, source = SCALE_MIXED, "scores"
    threshold = row.get("threshold")
    threshold_source = "configured" if threshold is not None else None
    if threshold is None and scale in (SCALE_PERCENT, SCALE_MIXED):
        threshold, threshold_source = DEFAULT_THRESHOLD_100, "vendor_default"
    return {
        "scale": scale,
        "scale_source": source,
        "threshold": threshold,
        "threshold_source": threshold_source,
    }


def set_score_config(
    conn: Connection, box: str, *, scale: str | None, threshold: float | None
) -> bool:
    """Record a box's configured scale (``"0-1"``/``"0-100"``) and threshold (any of its names).

    For code that reads the box's configuration (``PrettyScore``, ``THRESHOLD``,
    ``MATCH_THRESHOLD``). Returns False when no box has that name.
    """
    row = conn.execute(
        "SELECT sn FROM box_aliases WHERE alias = ? OR alias = ?",
        (box, identity.alias_of("mac", box) or box),
    ).fetchone()
    sn = str(row[0]) if row else box
    cur = conn.execute(
        "UPDATE boxes SET score_scale = coalesce(?, score_scale),"
        " threshold = coalesce(?, threshold) WHERE sn = ?",
        (scale, threshold, sn),
    )
    return cur.rowcount > 0


def box_of_event(conn: Connection, event: dict[str, Any]) -> dict[str, Any] | None:
    """The registry entry an event (API JSON) belongs to, with its score scale."""
    names = event_box_names(event.get("dev_sno"), (event.get("ep_info") or {}).get("ep_id"))
    sn = None
    for kind, value in names:
        alias = identity.alias_of(kind, value)
        row = conn.execute("SELECT sn FROM box_aliases WHERE alias = ?", (alias,)).fetchone()
        if row is not None:
            sn = str(row[0])
            break
    if sn is None:
        ep = event.get("ep_info") or {}
        camera = ep.get("ep_id") or ep.get("device_id")
        row = conn.execute(
            "SELECT box_sn FROM cameras WHERE ep_id = ? AND box_sn IS NOT NULL", (camera,)
        ).fetchone()
        if row is None and event.get("source_ip"):
            row = conn.execute(
                "SELECT sn FROM box_aliases WHERE alias = ?", (f"ip:{event['source_ip']}",)
            ).fetchone()
        sn = str(row[0]) if row is not None else None
    if sn is None:
        return None
    row = conn.execute(
        "SELECT sn, name, score_max, score_scale, threshold FROM boxes WHERE sn = ?", (sn,)
    ).fetchone()
    if row is None:
        return None
    box = dict(
        zip(("sn", "name", "score_max", "score_scale", "threshold"), tuple(row), strict=True)
    )
    return {"sn": sn, "name": box["name"], "score": event_score_context(box, event.get("score"))}


def event_score_context(box: dict[str, Any], score: Any) -> dict[str, Any]:
    """``score_context`` for one event: its own scale (``gui.core.scores``), not the box's guess.

    A box that sent one score above 1 has a 0–100 ``score_max``, yet its 0.62
    events are still similarities; only a configured scale overrides the score.
    """
    if not isinstance(score, int | float) or isinstance(score, bool):
        return score_context(box)
    config = scores.BoxScale(box.get("score_scale"), box.get("threshold"))
    scale = scores.event_scale(float(score), config)
    threshold = scores.event_threshold(scale, config)
    configured_scale = bool(config.scale) and score <= 1
    if config.threshold is not None:
        threshold_source: str | None = "configured"
    else:
        threshold_source = "vendor_default" if threshold is not None else None
    return {
        "scale": scale,
        "scale_source": "configured" if configured_scale else "score",
        "threshold": threshold,
        "threshold_source": threshold_source,
    }


def rebuild_derived(conn: Connection) -> None:
    """Normalised health and highest score for every box (schema migration)."""
    for sn, report in conn.execute("SELECT sn, report FROM boxes").fetchall():
        if not report:
            continue
        try:
            parsed = json.loads(report)
        except ValueError:
            continue
        if isinstance(parsed, dict):
            normalised = json.dumps(health.normalise_report(parsed).to_json(), ensure_ascii=False)
            conn.execute("UPDATE boxes SET health = ? WHERE sn = ?", (normalised, sn))
    rebuild_score_range(conn, maximum=True, minimum=False)  # score_min: schema v11


def rebuild_score_range(conn: Connection, *, maximum: bool = False, minimum: bool = True) -> None:
    """Each box's highest and lowest positive score from its stored events (migrations)."""
    d = dialect_of(conn)
    for dev_sno, ep_id, top, low in conn.execute(
        "SELECT dev_sno, ep_id, max(score), min(CASE WHEN score > 0 THEN score END) FROM events"
        " WHERE score IS NOT NULL AND self_test = 0 GROUP BY dev_sno, ep_id"
    ).fetchall():
        sn = None
        for kind, value in event_box_names(dev_sno, ep_id):
            row = conn.execute(
                "SELECT sn FROM box_aliases WHERE alias = ?", (identity.alias_of(kind, value),)
            ).fetchone()
            if row is not None:
                sn = row[0]
                break
        if sn is None:
            continue
        if maximum:
            conn.execute(
                f"UPDATE boxes SET score_max = {d.greatest('coalesce(score_max, ?)', '?')}"
                " WHERE sn = ?",
                (top, top, sn),
            )
        if minimum and low is not None:
            conn.execute(
                f"UPDATE boxes SET score_min = {d.least('coalesce(score_min, ?)', '?')}"
                " WHERE sn = ?",
                (low, low, sn),
            )


def list_devices(conn: Connection) -> dict[str, list[dict[str, Any]]]:
    """``GET /api/devices``: one row per physical box (with all its names) and the cameras.

    ``health`` is the last system report as received; ``status`` and
    ``metrics`` are its normalised reading (fractions, bytes, °C).
    """
    boxes = []
    for row in conn.execute(
        "SELECT sn, name, ips, source_ip, first_seen, last_seen, last_event_at, last_report_at,"
        " event_count, report, health, score_max, score_scale, threshold, score_min"
        f" FROM {tallies.registry(conn, 'boxes')} ORDER BY sn"
    ):
        (sn, name, ips, source_ip, first_seen, last_seen, last_event_at, last_report_at,
         event_count, report, normalised, score_max, score_scale, threshold,
         score_min) = tuple(row)  # fmt: skip
        state = json.loads(normalised) if normalised else {}
        aliases = identity.box_aliases(conn, sn)
        boxes.append(
            {
                "sn": sn,
                "name": name,
                "aliases": [a["shown"] for a in aliases if a["alias"] != sn],
                "names": aliases,
                "ips": ips.split() if ips else [],
                "source_ip": source_ip,
                "first_seen": first_seen,
                "last_seen": last_seen,
                "last_event_at": last_event_at,
                "last_report_at": last_report_at,
                "event_count": event_count,
                "health": json.loads(report) if report else None,
                "report_variant": state.get("variant"),
                "status": state.get("status"),
                "metrics": state.get("metrics") or {},
                # Readings by a rule the vendor's docs do not state (``health.Inference``).
                "inferred": [*(state.get("inferred") or []), *(state.get("camera_inferred") or [])],
                "score": score_context(
                    {
                        "score_max": score_max,
                        "score_min": score_min,
                        "score_scale": score_scale,
                        "threshold": threshold,
                    }
                ),
            }
        )
    cameras = []
    for row in conn.execute(
        "SELECT ep_id, box_sn, device_id, name, ip, type, status, location, url, direction,"
        " first_seen, last_seen, last_event_at, event_count"
        f" FROM {tallies.registry(conn, 'cameras')} ORDER BY ep_id"
    ):
        keys = ("ep_id", "box_sn", "device_id", "name", "ip", "type", "status", "location",
                "url", "direction", "first_seen", "last_seen", "last_event_at",
                "event_count")  # fmt: skip
        cameras.append(dict(zip(keys, tuple(row), strict=True)))
    return {"boxes": boxes, "cameras": cameras}
