"""History features of the core: statistics and pin routes, retention, storage watch.

``install`` is called from ``features.install`` so the headless receiver and
the desktop app get the same routes and background tasks.
"""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

from gui.core import retention, stats
from gui.core.ingest import error_reply
from gui.core.query import BadQuery
from gui.core.receiver import Receiver
from gui.core.server import CTX, ServerContext, json_response, now_ms
from gui.core.store import StorageError, StoreClosed


async def api_stats(request: web.Request) -> web.Response:
    """``GET /api/stats?since=&until=&bucket=hour|day`` (local-time buckets)."""
    ctx: ServerContext = request.app[CTX]
    since, until, bucket = stats.parse_stats_query(request.query, now_ms())
    result = await ctx.store.read(
        lambda c: stats.compute(c, since=since, until=until, bucket=bucket)
    )
    return json_response(result.to_json())


async def _set_pin(request: web.Request, pinned: bool) -> web.Response:
    ctx: ServerContext = request.app[CTX]
    try:
        event_id = int(request.match_info["event_id"])
    except ValueError:
        raise BadQuery("id", "event ids are integers") from None
    try:
        found = await ctx.store.write(retention.set_pinned_job(event_id, pinned))
    except (StorageError, StoreClosed) as exc:
        return json_response(error_reply(503, f"cannot store the pin: {exc}"), 503)
    if not found:
        return json_response(error_reply(404, f"event {event_id} not found"), 404)
    return json_response({"id": event_id, "pinned": pinned})


async def api_pin(request: web.Request) -> web.Response:
    """``POST /api/events/{id}/pin``: keep forever; a body ``{"pinned": false}`` unpins."""
    pinned = True
    if request.can_read_body:
        try:
            body = json.loads(await request.read() or b"{}")
        except ValueError:
            raise BadQuery("body", 'expected JSON like {"pinned": true}') from None
        if isinstance(body, dict) and "pinned" in body:
            if not isinstance(body["pinned"], bool):
                raise BadQuery("pinned", "expected true or false")
            pinned = body["pinned"]
    return await _set_pin(request, pinned)


async def api_unpin(request: web.Request) -> web.Response:
    """``DELETE /api/events/{id}/pin``: let retention delete it again."""
    return await _set_pin(request, False)


def add_routes(app: web.Application, ctx: ServerContext) -> None:
    app.router.add_get("/api/stats", api_stats)
    app.router.add_post("/api/events/{event_id}/pin", api_pin)
    app.router.add_delete("/api/events/{event_id}/pin", api_unpin)


def install(receiver: Receiver, settings: Any) -> retention.Retention | None:
    """Routes always; retention and the storage watch as background tasks."""
    receiver.extensions.append(add_routes)
    receiver.tasks.append(retention.watch_storage)
    policy = retention.Policy.from_settings(settings)

    async def run_retention(rec: Receiver) -> None:
        worker = retention.Retention(
            rec.store,
            policy,
            publish=rec.publish,
            policy_source=lambda: retention.Policy.from_settings(settings),
        )
        rec.retention = worker  # type: ignore[attr-defined]
        await worker.task(rec)

    receiver.tasks.append(run_retention)
    return None
