"""Plain-words verdicts per box: is what it sends right, and if not, what to change.

Built from what recently arrived from each source address (the request log and
the stored events), newest first: the latest traffic decides, so fixing a box
shows up as soon as it sends again. Codes are stable identifiers (the GUI and
scripts key on them); every message exists in English and Simplified Chinese.

Codes: ``payload_shape``, ``body_format``, ``health_report``, ``no_scene_photo``,
``no_face_crop``, ``no_registered_photo``, ``clock_skew``, ``duplicates``,
``geometry``, ``unknown_path``, ``rejected``, ``ok``.
"""

from __future__ import annotations

import json
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from gui.core import identity
from gui.core.dbapi import Connection
from gui.core.devices import box_serial_of_camera, event_box_names
from gui.core.ingest import HEALTH_PATHS, KNOWN_PATHS, REALTIME_PATHS
from gui.core.portable import Dialect, dialect_of

#: How far back to look, and how many recent items per source decide.
WINDOW_MS = 24 * 3600 * 1000
PER_SOURCE = 200
PER_CAMERA = 50
SCAN_LIMIT = 2_000
CLOCK_TOLERANCE_MS = 5 * 60 * 1000
#: Recent real-time events whose median clock difference gives the skew.
SKEW_SAMPLE = 20

LEVELS = ("ok", "warn", "error")
GEOMETRY_CODES = frozenset(
    {"box_outside_picture", "landmarks_outside_box", "landmarks_outside_picture", "bad_geometry"}
)
FIRMWARE = {
    "1.0": ("firmware V2R6 or V5R4 to V6R2", "固件 V2R6 或 V5R4 至 V6R2"),
    "legacy": ("firmware V2R3/V2R4", "固件 V2R3/V2R4"),
    "2.0": ("firmware V6", "固件 V6"),
}

#: code -> (English, Chinese) templates.
MESSAGES: dict[str, tuple[str, str]] = {
    "payload_shape": (
        "sends {shapes} events ({kinds}); {firmware}",
        "发送 {shapes} 格式事件（{kinds_zh}）；{firmware_zh}",
    ),
    "body_format_json": ("bodies are JSON", "请求体为 JSON"),
    "body_format_form": (
        "bodies come as {fmt}: stored, but that layout is undocumented; switch the box to JSON "
        "if you can",
        "请求体为 {fmt}：已保存，但该格式未有文档；如可能请将盒子切换为 JSON",
    ),
    "health_report": (
        "health reports arrive at /DeviceStatus (last {ago} ago)",
        "设备状态报告已送达 /DeviceStatus（{ago_zh}前）",
    ),
    "health_report_now": (
        "health reports arrive at /DeviceStatus (the last one under a minute ago)",
        "设备状态报告已送达 /DeviceStatus（最近一次在一分钟内）",
    ),
    "health_only": (
        "only health reports so far, no events: check the event URLs on the box",
        "目前只收到设备状态报告，没有事件：请检查盒子上的事件地址",
    ),
    "no_scene_photo_all": (
        "no scene photo: enable uploading the scene picture on the box",
        "没有场景照片：请在盒子上开启上传场景大图",
    ),
    "no_scene_photo_some": (
        "{n} of {total} recent events had no scene photo",
        "最近 {total} 个事件中有 {n} 个没有场景照片",
    ),
    "no_face_crop": (
        "{n} of {total} recent events had no face crop: enable uploading the face picture on the "
        "box",
        "最近 {total} 个事件中有 {n} 个没有人脸小图：请在盒子上开启上传人脸图",
    ),
    "no_registered_photo": (
        "{n} of {total} recognised people came without their registered photo: enable uploading "
        "the library photo on the box",
        "{total} 个已识别人员中有 {n} 个没有底库照片：请在盒子上开启上传底库图片",
    ),
    "clock_skew": (
        "box clock is {delta} {direction}: check its time zone / NTP",
        "盒子时钟{direction_zh} {delta_zh}：请检查其时区 / NTP 设置",
    ),
    "duplicates": (
        "{n} {events} arrived again: the box retried history batches (our replies may have been "
        "lost or too slow); they were stored once",
        "{n} 个事件被重复发送：盒子重试了历史批次（可能未及时收到应答）；每个事件只保存一次",
    ),
    "geometry": (
        "{n} recent {events} had the face box or landmarks outside the picture",
        "最近有 {n} 个事件的人脸框或关键点超出图片范围",
    ),
    "unknown_path": (
        "the box posts to {path}: set the URL to {suggestion}",
        "盒子发送到 {path}：请将地址设为 {suggestion}",
    ),
    "rejected": (
        "requests rejected recently: {n} ({status}); the latest: {reason}",
        "最近被拒绝的请求：{n} 个（{status}）；最近一个：{reason}",
    ),
    "ok": (
        "all good: {n} events recently, nothing wrong found",
        "一切正常：最近收到 {n} 个事件，未发现问题",
    ),
}

_KINDS_ZH = {"history": "历史", "real-time": "实时"}


@dataclass(frozen=True)
class Verdict:
    source_ip: str
    box: str | None
    level: str
    code: str
    message: str
    message_zh: str
    #: The merged box as people know it: its name and every other name it sends.
    box_label: str | None = None

    def to_json(self, lang: str | None = None) -> dict[str, Any]:
        data: dict[str, Any] = {
            "source_ip": self.source_ip,
            "box": self.box,
            "box_label": self.box_label,
            "level": self.level,
            "code": self.code,
            "message": self.message_zh if lang == "zh" else self.message,
            "message_zh": self.message_zh,
        }
        if lang == "zh":
            data["message_en"] = self.message
        return data


class _Lenient(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "?"


def _render(key: str, **params: Any) -> tuple[str, str]:
    en, zh = MESSAGES[key]
    values = _Lenient(params)
    return en.format_map(values), zh.format_map(values)


def _events_word(n: int) -> str:
    return "event" if n == 1 else "events"


def duration_text(ms: float) -> tuple[str, str]:
    """Rounded human durations in both languages: ``("8 h", "8 小时")``."""
    minutes = abs(ms) / 60000
    if minutes < 90:
        n = max(1, round(minutes))
        return f"{n} min", f"{n} 分钟"
    hours = minutes / 60
    if hours < 48:
        return f"{round(hours)} h", f"{round(hours)} 小时"
    days = round(hours / 24)
    return f"{days} days", f"{days} 天"


# ------------------------------------------------------------------------- gathering


@dataclass
class _Source:
    ip: str
    events: list[dict[str, Any]]
    requests: list[dict[str, Any]]
    box: str | None = None
    last_report_at: int | None = None
    #: The box with all its names, ``name (serial, MAC…)`` (``_BoxBook.label``).
    label: str | None = None


def _event_columns(dialect: Dialect) -> str:
    kinds = dialect.group_concat("kind", "' '")
    return (
        "id, source_ip, dev_sno, ep_id, format, path, warning_codes, timestamp, received_at,"
        " person_type, identity_id,"
        f" (SELECT {kinds} FROM images"
        " WHERE images.event_id = events.id),"
        # The flat V6 real-time event (2.0 fields, no api_version, the box's event_id)
        # never carries a scene picture: nothing an installer can change.
        " format = '2.0' AND api_version IS NULL AND event_id IS NOT NULL"
    )


_EVENT_KEYS = ("id", "source_ip", "dev_sno", "ep_id", "format", "path", "warning_codes",
               "timestamp", "received_at", "person_type", "identity_id", "kinds",
               "sceneless_channel")  # fmt: skip


def _recent_events(conn: Connection, since: int) -> list[dict[str, Any]]:
    columns = _event_columns(dialect_of(conn))
    """The newest events overall plus the newest of every camera, newest first.

    Each part runs on an index: a quiet camera is still judged when busy ones
    filled the overall sample, without reading the whole day.
    """
    rows = conn.execute(
        f"SELECT {columns} FROM events WHERE received_at >= ? AND self_test = 0"
        " ORDER BY received_at DESC LIMIT ?",
        (since, SCAN_LIMIT),
    ).fetchall()
    for (camera,) in conn.execute("SELECT ep_id FROM cameras").fetchall():
        rows.extend(
            conn.execute(
                f"SELECT {columns} FROM events WHERE ep_id = ? AND ts >= ?"
                " AND received_at >= ? AND self_test = 0 ORDER BY ts DESC LIMIT ?",
                (camera, since - WINDOW_MS, since, PER_CAMERA),
            ).fetchall()
        )
    seen: set[int] = set()
    out = []
    for r in rows:
        if r[0] in seen:
            continue
        seen.add(r[0])
        out.append(dict(zip(_EVENT_KEYS, tuple(r), strict=True)))
    out.sort(key=lambda e: (e["received_at"], e["id"]), reverse=True)
    return out


def _recent_requests(conn: Connection, since: int) -> list[dict[str, Any]]:
    columns = "id, time, source_ip, method, path, status, reply, warnings, headers, events"
    rows = conn.execute(
        f"SELECT {columns} FROM requests WHERE time >= ? ORDER BY id DESC LIMIT ?",
        (since, SCAN_LIMIT),
    ).fetchall()
    for (source,) in conn.execute("SELECT DISTINCT source_ip FROM requests").fetchall():
        rows.extend(
            conn.execute(
                f"SELECT {columns} FROM requests WHERE source_ip = ? AND time >= ?"
                " ORDER BY id DESC LIMIT ?",
                (source, since, PER_SOURCE),
            ).fetchall()
        )
    unique = {r[0]: r for r in rows}
    rows = [unique[k] for k in sorted(unique, reverse=True)]
    out = []
    for rid, time_, source_ip, method, path, status, reply, warnings, headers, events in rows:
        try:
            head = json.loads(headers or "{}")
        except ValueError:
            head = {}
        lowered = {str(k).lower(): v for k, v in head.items()}
        if lowered.get("x-gatewatch-self-test") == "1":
            continue
        try:
            warn_list = json.loads(warnings or "[]")
        except ValueError:
            warn_list = []
        out.append(
            {
                "id": rid, "time": time_, "source_ip": source_ip or "", "method": method,
                "path": (path or "").split("?", 1)[0], "status": status, "reply": reply,
                "warnings": warn_list, "events": events,
                "body_format": lowered.get("x-gatewatch-body-format"),
            }
        )  # fmt: skip
    return out


class _BoxBook:
    """Every box of the registry under all its names: a verdict names the merged box.

    One physical box sends its licence code, serial, MAC (alone or as the
    ``ep_id`` prefix)…; the identity resolver merged those into one registry
    entry, so verdicts group by that entry and show its names together.
    """

    def __init__(self, conn: Connection) -> None:
        self.sn_of: dict[str, str] = {}
        names: dict[str, list[str]] = defaultdict(list)
        for alias, sn in conn.execute("SELECT alias, sn FROM box_aliases ORDER BY alias"):
            self.sn_of[str(alias)] = str(sn)
            if not str(alias).startswith("ip:") and alias != sn:
                names[str(sn)].append(identity.display_alias(str(alias)))
        self.camera_box = {
            str(ep): str(sn)
            for ep, sn in conn.execute("SELECT ep_id, box_sn FROM cameras WHERE box_sn IS NOT NULL")
        }
        self.labels: dict[str, str] = {}
        for sn, name in conn.execute("SELECT sn, name FROM boxes"):
            shown = [n for n in [name, str(sn), *names.get(str(sn), [])] if n]
            first, rest = shown[0], list(dict.fromkeys(shown[1:]))
            rest = [n for n in rest if n != first]
            self.labels[str(sn)] = f"{first} ({', '.join(rest)})" if rest else first

    def box_of(self, ev: dict[str, Any]) -> str | None:
        """The registry entry (``sn``) an event belongs to, else the name it gives."""
        for kind, value in event_box_names(ev["dev_sno"], ev["ep_id"]):
            alias = identity.alias_of(kind, value)
            if alias is not None and alias in self.sn_of:
                return self.sn_of[alias]
        if ev["ep_id"] in self.camera_box:
            return self.camera_box[ev["ep_id"]]
        return ev["dev_sno"] or box_serial_of_camera(ev["ep_id"])

    def label(self, sn: str | None) -> str | None:
        """``name (other names…)`` for a registry entry; other text as it is."""
        if sn is None:
            return None
        return self.labels.get(sn, sn)


def gather(conn: Connection, now: int, window_ms: int = WINDOW_MS) -> list[_Source]:
    """Recent traffic grouped per source address and, behind one address, per box.

    Request-level facts (rejections, paths, duplicates, body format) cannot be
    tied to one box when several share an address: they then form a group of
    their own naming all the boxes.
    """
    since = now - window_ms
    book = _BoxBook(conn)
    events_by_ip: dict[str, dict[str | None, list[dict[str, Any]]]] = {}
    for ev in _recent_events(conn, since):
        box_key = book.box_of(ev)
        group = events_by_ip.setdefault(ev["source_ip"] or "", {}).setdefault(box_key, [])
        if len(group) < PER_SOURCE:
            group.append(ev)
    requests_by_ip: dict[str, list[dict[str, Any]]] = {}
    for req in _recent_requests(conn, since):
        if req["method"] != "POST" and req["path"] == "/favicon.ico":
            continue
        found = requests_by_ip.setdefault(req["source_ip"], [])
        if len(found) < PER_SOURCE:
            found.append(req)
    reports: dict[str, dict[str, int]] = {}
    for sn, source_ip, last_report_at in conn.execute(
        "SELECT sn, source_ip, last_report_at FROM boxes WHERE last_report_at >= ?", (since,)
    ):
        reports.setdefault(source_ip or "", {})[sn] = last_report_at

    out: list[_Source] = []
    for ip in sorted(set(events_by_ip) | set(requests_by_ip) | set(reports)):
        groups = dict(events_by_ip.get(ip, {}))
        requests = requests_by_ip.get(ip, [])
        reported = reports.get(ip, {})
        named = [b for b in groups if b]
        if None in groups and len(named) == 1:
            groups[named[0]].extend(groups.pop(None))
        boxes = sorted(set(named) | {sn for sn in reported if not sn.startswith("ip:")})
        report_at = {sn: at for sn, at in reported.items()}
        anonymous_report = next((at for sn, at in reported.items() if sn.startswith("ip:")), None)
        if len(boxes) <= 1 and len(groups) <= 1:
            box = boxes[0] if boxes else None
            events = next(iter(groups.values()), [])
            at = report_at.get(box) if box else anonymous_report
            at = at or anonymous_report
            out.append(_Source(ip, events, requests, box, at, book.label(box)))
            continue
        for box, events in sorted(groups.items(), key=lambda kv: kv[0] or ""):
            at = report_at.get(box) if box else None
            out.append(_Source(ip, events, [], box, at, book.label(box)))
        for sn in boxes:
            if sn not in groups:
                out.append(_Source(ip, [], [], sn, report_at.get(sn), book.label(sn)))
        if requests:
            labels = ", ".join(book.label(b) or b for b in boxes) or None
            out.append(_Source(ip, [], requests, ", ".join(boxes) or None, None, labels))
    return out


# ------------------------------------------------------------------------- judging


def _v(src: _Source, level: str, code: str, key: str | None = None, **params: Any) -> Verdict:
    en, zh = _render(key or code, **params)
    return Verdict(src.ip, src.box, level, code, en, zh, src.label or src.box)


def judge(src: _Source, now: int) -> list[Verdict]:
    """The verdicts for one source, worst first."""
    out: list[Verdict] = []
    events, requests = src.events, src.requests

    # rejected requests (400 and friends) from this source
    rejected = [r for r in requests if r["status"] and r["status"] >= 400]
    if rejected:
        latest = rejected[0]
        try:
            reason = json.loads(latest["reply"]).get("message", "")
        except (ValueError, AttributeError, TypeError):
            reason = latest["reply"] or ""
        statuses = ", ".join(str(s) for s in sorted({r["status"] for r in rejected}))
        out.append(_v(src, "error", "rejected", n=len(rejected), status=statuses, reason=reason))

    # unknown paths (POSTs only: a browser's GET is not the box)
    unknown = Counter(
        r["path"] for r in requests if r["method"] == "POST" and r["path"] not in KNOWN_PATHS
    )
    for path, _n in unknown.most_common(3):
        suggestion = "…/EventServer/api/HistoryEvent or …/EventServer/api/RealTimeEvent"
        if "status" in path.lower():
            suggestion = "…/DeviceStatus"
        out.append(_v(src, "warn", "unknown_path", path=path, suggestion=suggestion))

    if events:
        out.extend(_photo_verdicts(src))
        skew = _clock_skew(events)
        if skew is not None:
            delta_en, delta_zh = duration_text(skew)
            ahead = skew > 0
            out.append(
                _v(
                    src, "warn", "clock_skew", delta=delta_en, delta_zh=delta_zh,
                    direction="ahead" if ahead else "behind",
                    direction_zh="快了" if ahead else "慢了",
                )
            )  # fmt: skip
        geometry = sum(
            1 for e in events if GEOMETRY_CODES.intersection((e["warning_codes"] or "").split())
        )
        if geometry:
            out.append(_v(src, "warn", "geometry", n=geometry, events=_events_word(geometry)))

    duplicates = sum(
        1
        for r in requests
        for w in r["warnings"]
        if isinstance(w, dict) and w.get("code") == "duplicate"
    )
    if duplicates:
        out.append(_v(src, "warn", "duplicates", n=duplicates, events=_events_word(duplicates)))

    formats = Counter(r["body_format"] for r in requests if r["body_format"])
    if formats:
        fmt = formats.most_common(1)[0][0]
        if fmt == "json":
            out.append(_v(src, "ok", "body_format", "body_format_json"))
        else:
            out.append(_v(src, "warn", "body_format", "body_format_form", fmt=fmt))

    if events:
        out.append(_shape_verdict(src))
    if src.last_report_at:
        age = max(0, now - src.last_report_at)
        ago_en, ago_zh = duration_text(age)
        key = "health_report_now" if age < 60_000 else "health_report"
        out.append(_v(src, "ok", "health_report", key, ago=ago_en, ago_zh=ago_zh))
        if not events and not any(r["events"] for r in requests):
            out.append(_v(src, "warn", "health_report", "health_only"))

    if not any(v.level != "ok" for v in out) and events:
        out.append(_v(src, "ok", "ok", n=len(events)))
    order = {"error": 0, "warn": 1, "ok": 2}
    out.sort(key=lambda v: order[v.level])
    return out


def _photo_verdicts(src: _Source) -> Iterable[Verdict]:
    events = src.events
    total = len(events)
    kinds = [set((e["kinds"] or "").split()) for e in events]
    no_scene = sum(
        1 for e, k in zip(events, kinds, strict=True)
        if "spot_pic" not in k and not e.get("sceneless_channel")
    )  # fmt: skip
    if no_scene and no_scene == total:
        yield _v(src, "warn", "no_scene_photo", "no_scene_photo_all")
    elif no_scene:
        yield _v(src, "warn", "no_scene_photo", "no_scene_photo_some", n=no_scene, total=total)
    no_crop = sum(1 for k in kinds if "recognize_face" not in k)
    if no_crop:
        yield _v(src, "warn", "no_face_crop", n=no_crop, total=total)
    matched = [
        (e, k) for e, k in zip(events, kinds, strict=True) if e["person_type"] in (1, 2, 3, 5)
    ]
    no_reg = sum(1 for _e, k in matched if "reg_pic" not in k)
    if no_reg:
        yield _v(src, "warn", "no_registered_photo", n=no_reg, total=len(matched))


def _clock_skew(events: list[dict[str, Any]]) -> float | None:
    """Box clock minus ours (ms) when clearly off, else None.

    Real-time events are sent as they happen, so their lag is the clock
    difference. History events are old on purpose: only a time in the future
    tells us something.
    """
    realtime = [
        e["timestamp"] - e["received_at"]
        for e in events
        if e["timestamp"] is not None and e["path"] in REALTIME_PATHS
    ][:SKEW_SAMPLE]
    if realtime:
        median = statistics.median(realtime)
        return median if abs(median) > CLOCK_TOLERANCE_MS else None
    history = [e["timestamp"] - e["received_at"] for e in events if e["timestamp"] is not None][
        :SKEW_SAMPLE
    ]
    ahead = [d for d in history if d > CLOCK_TOLERANCE_MS]
    if history and len(ahead) * 2 > len(history):
        return statistics.median(ahead)
    return None


def _shape_verdict(src: _Source) -> Verdict:
    shapes = Counter(e["format"] for e in src.events)
    names = [s for s, _ in shapes.most_common()]
    kinds = []
    if any(e["path"] in REALTIME_PATHS for e in src.events):
        kinds.append("real-time")
    if any(e["path"] not in REALTIME_PATHS and e["path"] not in HEALTH_PATHS for e in src.events):
        kinds.append("history")
    firmware_en = "; ".join(FIRMWARE.get(n, (n, n))[0] for n in names)
    firmware_zh = "；".join(FIRMWARE.get(n, (n, n))[1] for n in names)
    return _v(
        src, "ok", "payload_shape",
        shapes=" and ".join(names), kinds=" and ".join(kinds),
        kinds_zh="和".join(_KINDS_ZH[k] for k in kinds), firmware=firmware_en,
        firmware_zh=firmware_zh,
    )  # fmt: skip


def build(conn: Connection, now: int, window_ms: int = WINDOW_MS) -> list[Verdict]:
    """Every source's verdicts (a read-only query; run it off the event loop)."""
    out: list[Verdict] = []
    for src in gather(conn, now, window_ms):
        out.extend(judge(src, now))
    return out


def describe_traffic(src_verdicts: list[Verdict]) -> str | None:
    """The payload_shape message, for "box … connected, sending …" lines."""
    for v in src_verdicts:
        if v.code == "payload_shape":
            return v.message
    return None


def grouped(verdicts: Iterable[Verdict]) -> dict[str, list[Verdict]]:
    out: dict[str, list[Verdict]] = defaultdict(list)
    for v in verdicts:
        out[v.source_ip].append(v)
    return dict(out)


def channel_of(path: str) -> str:
    """What a request path is for: ``realtime``, ``health`` or ``history`` (anything else).

    For the Connect page's live line, which must not know the receiver's path tables.
    """
    path = path.split("?", 1)[0]
    if path in REALTIME_PATHS:
        return "realtime"
    if path in HEALTH_PATHS:
        return "health"
    return "history"


def box_named_by(dev_sno: str | None, ep_id: str | None) -> str | None:
    """The box an event names itself: its licence code, else its camera's ``ep_id`` prefix."""
    return dev_sno or box_serial_of_camera(ep_id)
