"""``/api/boxes`` and ``/api/jobs``: boxes by address, pointing, backfill, real-time pull.

Under ``/api/``, so the same rule as every read route applies (this PC, or a
bearer token). Every failure is JSON with a message a user can act on; a box
that does not answer is 502 (refused) or 504 (timed out), a rejected login 401.
"""

from __future__ import annotations

import json
import weakref
from typing import Any

from aiohttp import web

from gui.core.box.client import BoxError
from gui.core.box.service import Box, BoxService, receiver_url_for
from gui.core.messages import EventStored, HealthReportStored

_SERVICES: weakref.WeakKeyDictionary[Any, BoxService] = weakref.WeakKeyDictionary()


def service_for(receiver: Any) -> BoxService | None:
    return _SERVICES.get(receiver)


def _json(data: Any, status: int = 200) -> web.Response:
    return web.Response(text=json.dumps(data, ensure_ascii=False), status=status,
                        content_type="application/json")  # fmt: skip


def _error(status: int, message: str, **extra: Any) -> web.Response:
    return _json({"code": status, "status": status, "message": message, **extra}, status)


def _box_error(exc: BoxError) -> web.Response:
    return _error(exc.http_status, exc.message, kind=exc.kind)


async def _body(request: web.Request) -> dict[str, Any]:
    if not request.can_read_body:
        return {}
    try:
        value = json.loads(await request.read() or b"{}")
    except ValueError:
        raise web.HTTPBadRequest(
            text=json.dumps({"code": 400, "status": 400, "message": "body is not JSON"}),
            content_type="application/json",
        ) from None
    if not isinstance(value, dict):
        raise web.HTTPBadRequest(
            text=json.dumps({"code": 400, "status": 400, "message": "body must be an object"}),
            content_type="application/json",
        )
    return value


def _int(body: dict[str, Any], key: str, default: int | None = None) -> int | None:
    value = body.get(key, default)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ValueError(key)
    return int(float(value))


def install_routes(app: web.Application, service: BoxService) -> None:
    def box_or_404(request: web.Request) -> Box:
        box = service.get(request.match_info["box_id"])
        if box is None:
            raise web.HTTPNotFound(
                text=json.dumps({"code": 404, "status": 404,
                                 "message": f"no box {request.match_info['box_id']}"}),
                content_type="application/json",
            )  # fmt: skip
        return box

    async def add(request: web.Request) -> web.Response:
        body = await _body(request)
        address = body.get("address")
        if not isinstance(address, str) or not address.strip():
            return _error(400, "address is required (the box's IP address)")
        username = body.get("username", "admin")
        password = body.get("password", "admin")
        if not isinstance(username, str) or not isinstance(password, str):
            return _error(400, "username and password are text")
        ports = body.get("ports")
        if ports is not None and (
            not isinstance(ports, dict) or not all(isinstance(v, int) for v in ports.values())
        ):
            return _error(400, "ports maps face/system/ws to port numbers")
        try:
            box = await service.add(address, username, password, ports=ports)
        except BoxError as exc:
            return _box_error(exc)
        return _json(service.public(box), 201)

    async def list_boxes(_request: web.Request) -> web.Response:
        return _json({"boxes": service.list_boxes()})

    async def get_box(request: web.Request) -> web.Response:
        return _json(service.public(box_or_404(request)))

    async def delete_box(request: web.Request) -> web.Response:
        box = box_or_404(request)
        body = await _body(request)
        restore = (
            request.query.get("restore") in ("1", "true", "yes") or body.get("restore") is True
        )
        try:
            result = await service.remove(box.id, restore=restore)
        except BoxError as exc:
            return _box_error(exc)
        return _json(result)

    async def patch_box(request: web.Request) -> web.Response:
        box = box_or_404(request)
        body = await _body(request)
        if "pull_realtime" in body:
            if not isinstance(body["pull_realtime"], bool):
                return _error(400, "pull_realtime is true or false")
            await service.set_pull(box.id, body["pull_realtime"])
        return _json(service.public(box))

    async def point(request: web.Request) -> web.Response:
        box = box_or_404(request)
        body = await _body(request)
        receiver = body.get("receiver")
        if receiver is not None and (
            not isinstance(receiver, str) or not receiver.startswith(("http://", "https://"))
        ):
            return _error(400, "receiver is a base URL like http://192.168.1.50:9528")
        keep = body.get("keep_others", True)
        if not isinstance(keep, bool):
            return _error(400, "keep_others is true or false")
        try:
            push = await service.point(box.id, receiver, keep_others=keep)
        except BoxError as exc:
            return _box_error(exc)
        return _json({"id": box.id, "receiver": box.receiver, "push": push,
                      "state": service.public(box)["state"]})  # fmt: skip

    async def refresh(request: web.Request) -> web.Response:
        box = box_or_404(request)
        try:
            await service.refresh(box)
        except BoxError as exc:
            return _box_error(exc)
        return _json(service.public(box))

    async def backfill(request: web.Request) -> web.Response:
        box = box_or_404(request)
        body = await _body(request)
        try:
            since = _int(body, "since")
            until = _int(body, "until")
        except (ValueError, TypeError):
            return _error(400, "since and until are times in milliseconds")
        import time

        now = time.time_ns() // 1_000_000
        if since is None:
            last = await service.last_stored_event(box)
            since = (last - 5 * 60_000) if last is not None else now - 24 * 3600_000
        until = await service.default_until(box) if until is None else until
        if since >= until:
            return _error(400, "since must be before until")
        running = service.running_job(box.id)
        if running is not None:
            return _json({"job": running.id, "message": "a backfill of this box is running"}, 409)
        job = service.start_backfill(box.id, since, until)
        return _json({"job": job.id}, 202)

    async def get_job(request: web.Request) -> web.Response:
        job = service.jobs.get(request.match_info["job_id"])
        if job is None:
            return _error(404, f"no job {request.match_info['job_id']}")
        return _json(job.to_json())

    async def list_jobs(request: web.Request) -> web.Response:
        wanted = request.query.get("box")
        jobs = [j.to_json() for j in service.jobs.values() if wanted in (None, j.box_id)]
        return _json({"jobs": jobs})

    async def cancel_job(request: web.Request) -> web.Response:
        job = service.cancel(request.match_info["job_id"])
        if job is None:
            return _error(404, f"no job {request.match_info['job_id']}")
        return _json(job.to_json())

    r = app.router
    r.add_post("/api/boxes", add)
    r.add_get("/api/boxes", list_boxes)
    r.add_get("/api/boxes/{box_id}", get_box)
    r.add_delete("/api/boxes/{box_id}", delete_box)
    r.add_patch("/api/boxes/{box_id}", patch_box)
    r.add_post("/api/boxes/{box_id}/point", point)
    r.add_post("/api/boxes/{box_id}/refresh", refresh)
    r.add_post("/api/boxes/{box_id}/backfill", backfill)
    r.add_get("/api/jobs", list_jobs)
    r.add_get("/api/jobs/{job_id}", get_job)
    r.add_delete("/api/jobs/{job_id}", cancel_job)


def install(receiver: Any, settings: Any) -> BoxService:
    """Routes, the listener and the task; called from ``features.install``."""
    service = BoxService(
        receiver.config.data_dir,
        lambda: receiver.pipeline,
        store_read=lambda fn: receiver.store.read(fn),
        store_write=lambda job: receiver.store.write(job),
        receiver_url=receiver_url_for(receiver),
        gap_fill=lambda: bool(settings.box_gap_fill),
    )
    _SERVICES[receiver] = service

    def extend(app: web.Application, ctx: Any) -> None:
        install_routes(app, service)
        if ctx.pipeline is not None and service.resolve not in ctx.pipeline.resolvers:
            ctx.pipeline.resolvers.append(service.resolve)

    receiver.extensions.append(extend)
    receiver.subscribe(EventStored, service.on_message)
    receiver.subscribe(HealthReportStored, service.on_message)
    receiver.tasks.append(lambda _receiver: service.run())
    return service
