"""The registry of boxes and cameras, fed by events and ``/DeviceStatus`` reports.

A box is known by its serial (``dev_sno`` in 1.0, ``gateway_sn`` in health
reports, ``mq_license_key`` in 2.0); a camera by its ``ep_id``. Everything
here runs inside the transaction that stored the event or the report, so the
registry never disagrees with the events.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from gui.core.event_rows import Arrival
from gui.core.model import EventSummary, NormalisedEvent


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
    conn: sqlite3.Connection, summary: EventSummary, ev: NormalisedEvent, arrival: Arrival
) -> None:
    """Last seen / last event / counts for the event's box and camera, written now."""
    tally = DeviceTally()
    tally.note(summary, ev, arrival)
    tally.before_commit(conn)


class DeviceTally:
    """Last seen / last event / counts of a writer batch's events, one upsert per device.

    Two upserts per event were a fifth of the writer's statements under load,
    most of them for the same box and camera. The writer calls ``begin`` when
    a batch starts and ``before_commit`` inside its transaction, so the
    registry still commits together with the events it counts.

    Self-test posts come from this PC, not from a box: they must not make a
    device look alive.
    """

    def __init__(self) -> None:
        # sn -> [source_ip, first time, last time, count]
        self._boxes: dict[str, list[Any]] = {}
        # ep_id -> [box_sn, device_id, name, ip, type, first time, last time, count]
        self._cameras: dict[str, list[Any]] = {}

    def begin(self) -> None:
        self._boxes.clear()
        self._cameras.clear()

    def note(self, summary: EventSummary, ev: NormalisedEvent, arrival: Arrival) -> None:
        if arrival.self_test:
            return
        now = arrival.received_at
        box = summary.dev_sno or box_serial_of_camera(summary.ep_id)
        if box:
            seen = self._boxes.get(box)
            if seen is None:
                self._boxes[box] = [arrival.source_ip, now, now, 1]
            else:
                seen[0] = arrival.source_ip
                seen[1] = min(seen[1], now)
                seen[2] = max(seen[2], now)
                seen[3] += 1
        camera = summary.ep_id or summary.device_id
        if camera:
            values = (
                box,
                summary.device_id,
                summary.ep_name,
                _text(ev.ep_info.get("ep_ip")),
                _text(ev.ep_info.get("ep_type")),
            )
            seen = self._cameras.get(camera)
            if seen is None:
                self._cameras[camera] = [*values, now, now, 1]
            else:
                for i, value in enumerate(values):  # a later event's known values win
                    if value is not None:
                        seen[i] = value
                seen[5] = min(seen[5], now)
                seen[6] = max(seen[6], now)
                seen[7] += 1

    def before_commit(self, conn: sqlite3.Connection) -> None:
        for sn, (source_ip, first, last, count) in self._boxes.items():
            conn.execute(
                "INSERT INTO boxes (sn, source_ip, first_seen, last_seen, last_event_at,"
                " event_count) VALUES (?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (sn) DO UPDATE SET source_ip = excluded.source_ip,"
                " last_seen = max(coalesce(last_seen, 0), excluded.last_seen),"
                " last_event_at = max(coalesce(last_event_at, 0), excluded.last_event_at),"
                " event_count = event_count + excluded.event_count",
                (sn, source_ip, first, last, last, count),
            )
        for ep_id, (box, device_id, name, ip, kind, first, last, count) in self._cameras.items():
            conn.execute(
                "INSERT INTO cameras (ep_id, box_sn, device_id, name, ip, type, first_seen,"
                " last_seen, last_event_at, event_count) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (ep_id) DO UPDATE SET"
                " box_sn = coalesce(excluded.box_sn, box_sn),"
                " device_id = coalesce(excluded.device_id, device_id),"
                " name = coalesce(excluded.name, name), ip = coalesce(excluded.ip, ip),"
                " type = coalesce(excluded.type, type),"
                " last_seen = max(coalesce(last_seen, 0), excluded.last_seen),"
                " last_event_at = max(coalesce(last_event_at, 0), excluded.last_event_at),"
                " event_count = event_count + excluded.event_count",
                (ep_id, box, device_id, name, ip, kind, first, last, last, count),
            )
        self.begin()


def apply_health_report(conn: sqlite3.Connection, report: dict[str, Any], arrival: Arrival) -> None:
    """Store a box's health report and its cameras' online/offline state."""
    now = arrival.received_at
    sn = (
        _text(report.get("gateway_sn"))
        or _text(report.get("dev_sno"))
        or _text(report.get("mq_license_key"))
        or f"ip:{arrival.source_ip}"
    )
    ips = report.get("gateway_ip")
    conn.execute(
        "INSERT INTO boxes (sn, name, ips, source_ip, first_seen, last_seen, last_report_at,"
        " report) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (sn) DO UPDATE SET name = coalesce(excluded.name, name),"
        " ips = coalesce(excluded.ips, ips), source_ip = excluded.source_ip,"
        " last_seen = max(coalesce(last_seen, 0), excluded.last_seen),"
        " last_report_at = excluded.last_report_at, report = excluded.report",
        (
            sn,
            _text(report.get("gateway_name")),
            " ".join(str(ips).split()) if ips else None,
            arrival.source_ip,
            now,
            now,
            now,
            json.dumps(report, ensure_ascii=False),
        ),
    )
    subs = report.get("sub_devices")
    if not isinstance(subs, list):
        return
    for sub in subs:
        if not isinstance(sub, dict):
            continue
        ep_id = _text(sub.get("ep_id"))
        if not ep_id:
            continue
        conn.execute(
            "INSERT INTO cameras (ep_id, box_sn, name, ip, type, status, location, url,"
            " first_seen, last_seen) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (ep_id) DO UPDATE SET box_sn = coalesce(excluded.box_sn, box_sn),"
            " name = coalesce(excluded.name, name), ip = coalesce(excluded.ip, ip),"
            " type = coalesce(excluded.type, type), status = excluded.status,"
            " location = coalesce(excluded.location, location), url = coalesce(excluded.url, url),"
            " last_seen = max(coalesce(last_seen, 0), excluded.last_seen)",
            (
                ep_id,
                sn,
                _text(sub.get("ep_name")),
                _text(sub.get("ep_ip")),
                _text(sub.get("ep_type")),
                _text(sub.get("ep_status")),
                _text(sub.get("ep_location")),
                _text(sub.get("ep_url")),
                now,
                now,
            ),
        )


def list_devices(conn: sqlite3.Connection) -> dict[str, list[dict[str, Any]]]:
    """``GET /api/devices``: boxes (with their last health report) and cameras."""
    boxes = []
    for row in conn.execute(
        "SELECT sn, name, ips, source_ip, first_seen, last_seen, last_event_at, last_report_at,"
        " event_count, report FROM boxes ORDER BY sn"
    ):
        (sn, name, ips, source_ip, first_seen, last_seen, last_event_at, last_report_at,
         event_count, report) = tuple(row)  # fmt: skip
        boxes.append(
            {
                "sn": sn,
                "name": name,
                "ips": ips.split() if ips else [],
                "source_ip": source_ip,
                "first_seen": first_seen,
                "last_seen": last_seen,
                "last_event_at": last_event_at,
                "last_report_at": last_report_at,
                "event_count": event_count,
                "health": json.loads(report) if report else None,
            }
        )
    cameras = []
    for row in conn.execute(
        "SELECT ep_id, box_sn, device_id, name, ip, type, status, location, url, first_seen,"
        " last_seen, last_event_at, event_count FROM cameras ORDER BY ep_id"
    ):
        keys = ("ep_id", "box_sn", "device_id", "name", "ip", "type", "status", "location",
                "url", "first_seen", "last_seen", "last_event_at", "event_count")  # fmt: skip
        cameras.append(dict(zip(keys, tuple(row), strict=True)))
    return {"boxes": boxes, "cameras": cameras}
