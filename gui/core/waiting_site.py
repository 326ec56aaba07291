"""The port's answer while a receiver waits for its database at start.

A receiver started while its PostgreSQL server cannot be reached listens at
once with this placeholder instead of leaving the port closed: every event a
box posts is answered ``503`` with ``Retry-After`` (a JSON error, nothing
stored), so the box keeps the event and resends it, and ``/api/health`` says
why (``"status": "waiting_for_store"``). The real site replaces it as soon as
the store opens. Nothing is read from the request: no body is parsed, nothing
is kept, so a flood costs only the answers.
"""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Callable
from typing import Any

from aiohttp import web

from gui import __version__
from gui.core import ingest
from gui.core.server import RETRY_AFTER_S, json_response

log = logging.getLogger(__name__)


def _loopback(request: web.Request) -> bool:
    if request.headers.get("X-Forwarded-For"):
        return False  # relayed by a proxy on this PC: another PC's request
    try:
        return ipaddress.ip_address((request.remote or "").split("%")[0]).is_loopback
    except ValueError:
        return False


def waiting_app(reason: Callable[[], str]) -> web.Application:
    """Answers every request 503 + Retry-After; ``reason()`` is the current cause.

    The cause (server and database, never a password) is told to this PC only:
    other PCs learn that the receiver is waiting for its database, not where it is.
    """

    async def answer(request: web.Request) -> web.StreamResponse:
        detail = reason() if _loopback(request) else "its database cannot be reached yet"
        if request.path == "/api/health":
            body: dict[str, Any] = {
                "status": "waiting_for_store",
                "code": 503,
                "message": f"the receiver is waiting for its database: {detail}",
                "storage_error": detail,
                "version": __version__,
            }
        else:
            body = ingest.error_reply(
                503,
                f"the receiver is starting and waiting for its database ({detail}):"
                f" retry in {RETRY_AFTER_S} s (nothing stored)",
            )
        response = json_response(body, 503)
        response.headers["Retry-After"] = str(RETRY_AFTER_S)
        if request.body_exists:
            response.force_close()  # the body is not read: do not parse it as the next request
        return response

    app = web.Application(client_max_size=1024)
    app.router.add_route("*", "/{tail:.*}", answer)
    return app


class WaitingSite:
    """The placeholder listener on ``bind``:``port``; ``stop`` before the real one starts."""

    def __init__(self, reason: Callable[[], str]) -> None:
        self._reason = reason
        self._runner: web.AppRunner | None = None

    async def start(self, site_for: Callable[[web.AppRunner], web.BaseSite]) -> int:
        """Listen (``site_for`` makes the site, as the real one is made); the port."""
        runner = web.AppRunner(waiting_app(self._reason), access_log=None, handle_signals=False)
        await runner.setup()
        try:
            site = site_for(runner)
            await site.start()
        except BaseException:
            await runner.cleanup()
            raise
        self._runner = runner
        server = site._server
        sockets = getattr(server, "sockets", None) or []
        port = int(sockets[0].getsockname()[1]) if sockets else 0
        log.info("answering 503 on port %d until the database is reached", port)
        return port

    @property
    def listening(self) -> bool:
        return self._runner is not None

    async def stop(self) -> None:
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()
