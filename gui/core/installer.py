"""The installer's read API: one request in detail, verdicts, device activity, URLs.

Routes (loopback or token, like the rest of ``/api/``):

* ``GET /api/requests/{id}`` — headers, the body as pretty JSON with base64
  images abbreviated (``<JPEG 1920x1080, 312 KB>``), the ids of the events it became;
* ``GET /api/verdicts[?lang=zh]`` — plain-words verdicts per source (``verdicts.py``);
* ``GET /api/devices/activity[?hours=24]`` — events per hour per camera and box,
  with the silence level of each;
* ``GET /api/connect[?firewall=1]`` — the URLs to type into the box.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import json
import re
import time
from collections.abc import Iterator
from typing import Any

from aiohttp import web

from gui.core import devices, images, netinfo, requestlog, silence, verdicts
from gui.core.dbapi import Connection

HOUR_MS = 3600 * 1000
#: Strings shorter than this are never taken for images.
MIN_IMAGE_TEXT = 100
_BASE64_RUN = re.compile(r"[A-Za-z0-9+/]{200,}={0,2}")


def now_ms() -> int:
    return time.time_ns() // 1_000_000


# ------------------------------------------------------------------------- request detail


def _decode_b64(text: str) -> bytes | None:
    body = text.strip()
    if body[:5].lower() == "data:" and "," in body:
        body = body.split(",", 1)[1]
    body = "".join(body.split())
    body += "=" * (-len(body) % 4)
    try:
        return base64.b64decode(body, validate=True)
    except (binascii.Error, ValueError):
        try:
            return base64.urlsafe_b64decode(body)
        except (binascii.Error, ValueError):
            return None


def describe_image_text(text: str) -> str | None:
    """``<JPEG 1920x1080, 312 KB>`` when ``text`` is a base64 picture, else None."""
    if len(text) < MIN_IMAGE_TEXT:
        return None
    data = _decode_b64(text)
    if not data:
        return None
    try:
        im = images.open_image(data)
    except images.ImageTooLarge as exc:
        return f"<image {exc.width}x{exc.height}, over the pixel limit>"
    except images.ImageError:
        return None
    return images.describe(im.format or "image", im.width, im.height, len(data))


def _walk_strings(node: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], str]]:
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _walk_strings(v, (*path, str(k)))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _walk_strings(v, (*path, str(i)))
    elif isinstance(node, str):
        yield path, node


def _replace(node: Any, path: tuple[str, ...], value: Any) -> None:
    for key in path[:-1]:
        node = node[int(key)] if isinstance(node, list) else node[key]
    last = path[-1]
    if isinstance(node, list):
        node[int(last)] = value
    else:
        node[last] = value


def render_body(body: bytes | None, truncated: bool = False) -> dict[str, Any]:
    """Body text for people: pretty JSON, pictures abbreviated; their JSON paths listed."""
    if body is None:
        return {"body_text": None, "body_json": False, "images": []}
    text = body.decode("utf-8", errors="replace")
    found: list[dict[str, Any]] = []
    try:
        value = json.loads(text)
    except ValueError:
        value = None
    else:
        for path, s in list(_walk_strings(value)):
            description = describe_image_text(s)
            if description is not None:
                _replace(value, path, description)
                found.append({"path": ".".join(path), "description": description})
        return {
            "body_text": json.dumps(value, ensure_ascii=False, indent=2),
            "body_json": True,
            "images": found,
        }

    def shorten(match: re.Match[str]) -> str:
        run = match.group(0)
        description = describe_image_text(run)
        if description is None:
            data = _decode_b64(run)
            size = len(data) if data else len(run) * 3 // 4
            description = f"<base64, {images.describe('data', 0, 0, size).split(', ', 1)[1]}"
            if truncated and match.end() >= len(text) - 2:
                description = description[:-1] + ", cut off>"
        found.append({"path": None, "description": description})
        return description

    return {"body_text": _BASE64_RUN.sub(shorten, text), "body_json": False, "images": found}


def request_detail(conn: Connection, request_id: int) -> dict[str, Any] | None:
    """``GET /api/requests/{id}``: the list row plus headers, readable body and event ids."""
    found = requestlog.load_request(conn, request_id)
    if found is None:
        return None
    body = found.pop("body")
    found["body_size"] = None if body is None else len(body)
    found["body_rebuilt"] = False
    if body is None and found.get("event_ids"):
        # Accepted bodies are not kept twice: rebuild them from the stored events.
        body = rebuilt_body(conn, found["event_ids"])
        found["body_rebuilt"] = body is not None
        found["body_note"] = "the body became events: each is stored with its photos"
    found.update(render_body(body, found.get("body_truncated", False)))
    headers = found.get("headers") or {}
    found["body_format"] = headers.pop("X-Gatewatch-Body-Format", None)
    return found


#: An accepted request's body is rebuilt from at most this many of its events.
MAX_REBUILT_EVENTS = 50


def rebuilt_body(conn: Connection, event_ids: list[int]) -> bytes | None:
    """What an accepted request carried, from its stored events (photos put back).

    One event is shown as the object it was; a batch as the list of its events.
    """
    from gui.core import event_rows

    raws = [event_rows.load_raw(conn, int(e)) for e in event_ids[:MAX_REBUILT_EVENTS]]
    raws = [r for r in raws if r is not None]
    if not raws:
        return None
    payload: Any = raws[0] if len(raws) == 1 else raws
    return json.dumps(payload, ensure_ascii=False).encode("utf-8", errors="surrogatepass")


def body_image(conn: Connection, request_id: int, json_path: str) -> bytes | None:
    """The picture at ``json_path`` of a logged body (for the inspector's click-to-view)."""
    found = requestlog.load_request(conn, request_id)
    if found is None:
        return None
    body = found.get("body")
    if body is None and found.get("event_ids"):
        body = rebuilt_body(conn, found["event_ids"])
    if body is None:
        return None
    try:
        node: Any = json.loads(body)
        for key in json_path.split("."):
            node = node[int(key)] if isinstance(node, list) else node[key]
    except (ValueError, KeyError, IndexError, TypeError):
        return None
    return _decode_b64(node) if isinstance(node, str) else None


# ------------------------------------------------------------------------- activity


def _hourly(
    conn: Connection, column: str, key: str, since: int, hours: int
) -> list[int] | None:
    """Counts per hour for one camera or box through its ``(column, ts)`` index."""
    total = conn.execute(
        f"SELECT count(*) FROM events WHERE {column} = ? AND ts > ? AND ts <= ?",
        (key, since, since + hours * HOUR_MS),
    ).fetchone()[0]
    if not total:
        return None
    return [
        conn.execute(
            f"SELECT count(*) FROM events WHERE {column} = ? AND ts > ? AND ts <= ?",
            (key, since + h * HOUR_MS, since + (h + 1) * HOUR_MS),
        ).fetchone()[0]
        for h in range(hours)
    ]


def events_per_hour(
    conn: Connection, now: int, hours: int = 24
) -> dict[str, dict[str, list[int]]]:
    """Events per hour (oldest first, last bucket ends at ``now``) per camera and per box.

    Uses the event time (``ts``), so a history upload lands in the hours its events
    happened. Each camera is counted with range counts on its ``(ep_id, ts)``
    index (covering: no table reads), a box as the sum of its cameras: a scan of
    the whole day's events took 0.8 s at 200,000 events, this 25 ms (see
    ``bench/installer_bench.py``). Self-test events count too (telling them apart
    would need the table rows); the app's self-test uses a camera of its own, which
    is never registered as a device, so it has no row here.
    """
    hours = max(1, min(hours, 24 * 31))
    since = now - hours * HOUR_MS
    cameras: dict[str, list[int]] = {}
    boxes: dict[str, list[int]] = {}
    for key, box_sn in conn.execute("SELECT ep_id, box_sn FROM cameras").fetchall():
        counts = _hourly(conn, "ep_id", key, since, hours) or _hourly(
            conn, "device_id", key, since, hours
        )
        if counts is None:
            continue
        cameras[key] = counts
        box = box_sn or devices.box_serial_of_camera(key)
        if box:
            total = boxes.setdefault(box, [0] * hours)
            for h, n in enumerate(counts):
                total[h] += n
    for (sn,) in conn.execute("SELECT sn FROM boxes").fetchall():
        if sn not in boxes:  # events with a serial but no camera
            counts = _hourly(conn, "dev_sno", sn, since, hours)
            if counts is not None:
                boxes[sn] = counts
    return {"cameras": cameras, "boxes": boxes}


# ------------------------------------------------------------------------- routes


def _json(data: Any, status: int = 200) -> web.Response:
    return web.Response(
        text=json.dumps(data, ensure_ascii=False), status=status, content_type="application/json"
    )


def _error(status: int, message: str) -> web.Response:
    return _json({"code": status, "status": status, "message": message}, status)


def install_routes(app: web.Application, ctx: Any, receiver: Any, settings: Any) -> None:
    async def request_one(request: web.Request) -> web.Response:
        rid = int(request.match_info["request_id"])
        found = await ctx.store.read(lambda c: request_detail(c, rid))
        return _json(found) if found is not None else _error(404, f"request {rid} not found")

    async def verdict_list(request: web.Request) -> web.Response:
        lang = request.query.get("lang") or None
        now = now_ms()
        found = await ctx.store.read(lambda c: verdicts.build(c, now))
        return _json({"verdicts": [v.to_json(lang) for v in found]})

    async def activity(request: web.Request) -> web.Response:
        try:
            hours = int(request.query.get("hours", "24"))
        except ValueError:
            return _error(400, "hours must be an integer")
        now = now_ms()
        data: dict[str, Any] = await ctx.store.read(lambda c: events_per_hour(c, now, hours))
        watch = silence.watch_for(receiver)
        data["hours"] = hours
        data["silence"] = watch.state.to_json() if watch and watch.state else None
        return _json(data)

    async def connect(request: web.Request) -> web.Response:
        port = receiver.port or receiver.config.port
        info = await asyncio.get_running_loop().run_in_executor(
            None, lambda: netinfo.connect_info(port, receiver.config.bind)
        )
        data: dict[str, Any] = {
            "port": info.port,
            "bind": info.bind_label,
            "addresses": [
                {"interface": a.interface, "ip": a.ip,
                 "urls": {u.key: u.url for u in a.urls}}
                for a in info.addresses
            ],
            "notices": [n.__dict__ for n in info.notices],
        }  # fmt: skip
        if request.query.get("firewall") in ("1", "true", "yes"):
            fw = await asyncio.get_running_loop().run_in_executor(
                None, lambda: netinfo.firewall_status(port)
            )
            data["firewall"] = fw.__dict__ | {"details": list(fw.details)}
        return _json(data)

    app.router.add_get(r"/api/requests/{request_id:\d+}", request_one)
    app.router.add_get("/api/verdicts", verdict_list)
    app.router.add_get("/api/devices/activity", activity)
    app.router.add_get("/api/connect", connect)


def install(receiver: Any, settings: Any) -> None:
    """Routes and the silence watch; called from ``features.install``."""
    receiver.extensions.append(lambda app, ctx: install_routes(app, ctx, receiver, settings))
    silence.install(receiver, settings)
