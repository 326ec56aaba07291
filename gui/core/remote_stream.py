"""Following a remote receiver's ``/api/stream`` (server-sent events) from an attached window.

``StreamFollower.run`` keeps one stream open on the attached core's loop and
publishes each decoded message exactly as a local receiver would, so the
bridge and every widget are the same in both modes. It reconnects by itself
with a growing, jittered pause (0.5 s up to 15 s), sends the id of the last
message it got as ``Last-Event-ID`` so the server replays what was missed
(nothing lost, nothing twice), and announces its state as ``ConnectionChanged``:
``live``, ``behind`` while a catch-up after a reconnect is still arriving
(the server's ``hello`` says ``catch_up``; its ``resync`` ends it),
``disconnected`` with the seconds to the next try, ``refused`` when the server
said no (a wrong token does not fix itself by retrying quickly).

A stream silent for longer than ``STALL_SECONDS`` (the server sends a
heartbeat far more often) counts as dead: a cable pulled mid-stream would
otherwise look connected forever.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import random
import time
from collections.abc import AsyncIterable, AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import aiohttp

from gui.core import messages, wire
from gui.core.remote_client import RemoteClient, RemoteError, Unreachable, describe_failure

log = logging.getLogger(__name__)

STREAM_PATH = "/api/stream"
#: No bytes (not even a heartbeat) for this long: the connection is dead.
STALL_SECONDS = 45.0
FIRST_RETRY = 0.5
MAX_RETRY = 15.0
#: A refused connection (token, certificate) is retried this often.
REFUSED_RETRY = 30.0


#: Frames about the stream itself, not core messages.
CONTROL_EVENTS = frozenset({"hello", "resync", "cut"})


class StreamCut(Exception):
    """The server dropped this client (it fell too far behind); resume at once."""


@dataclass(frozen=True)
class SseEvent:
    """One server-sent event: ``id``, ``event`` (its type) and ``data`` (text)."""

    id: str | None
    event: str
    data: str


async def read_events(lines: AsyncIterable[bytes]) -> AsyncIterator[SseEvent | None]:
    """SSE events from a stream of lines; None for a comment line (a heartbeat)."""
    event_id: str | None = None
    event_type = "message"
    data: list[str] = []
    async for raw in lines:
        line = raw.decode("utf-8", "replace").rstrip("\r\n")
        if not line:
            if data:
                yield SseEvent(event_id, event_type, "\n".join(data))
            event_type, data = "message", []
            continue
        if line.startswith(":"):
            yield None
            continue
        name, _, value = line.partition(":")
        value = value[1:] if value.startswith(" ") else value
        if name == "data":
            data.append(value)
        elif name == "event":
            event_type = value or "message"
        elif name == "id":
            event_id = value if "\0" not in value else event_id
        # "retry" and unknown fields: our own backoff decides.


def decode(sse: SseEvent) -> Any | None:
    """The core message an SSE event carries, or None (a marker, an unknown type)."""
    try:
        payload = json.loads(sse.data)
    except ValueError:
        return None
    if not isinstance(payload, dict):
        return None
    if "type" not in payload:  # the bare fields, named by the SSE event field
        payload = {"type": sse.event, "data": payload}
    try:
        return wire.message_from_json(payload)
    except wire.WireError as exc:
        log.warning("a message from the server could not be read: %s", exc)
        return None


class StreamFollower:
    """Keeps ``/api/stream`` open and publishes what it carries (see the module)."""

    def __init__(self, client: RemoteClient, publish: Callable[[Any], None]) -> None:
        self.client = client
        self.publish = publish
        #: The id of the last message received: sent as ``Last-Event-ID`` on reconnect.
        self.last_id: str | None = None
        self.state = "connecting"
        self.connects = 0
        self._replayed = 0
        self._resuming = False
        self._wake = asyncio.Event()

    def _announce(
        self, state: str, message: str = "", retry_in: float | None = None, *, fresh: bool = False
    ) -> None:
        self.state = state
        self.publish(
            messages.ConnectionChanged(
                state, self.client.server.url, message, retry_in, self._replayed, fresh
            )
        )

    def retry_now(self) -> None:
        """Skip the pause before the next try (the user pressed "Reconnect")."""
        self._wake.set()

    async def run(self) -> None:
        """Follow the stream until cancelled."""
        pause = FIRST_RETRY
        self._announce("connecting")
        while True:
            started = time.monotonic()
            try:
                await self._follow_once()
                why = "the server ended the stream"
                refused = False
            except asyncio.CancelledError:
                raise
            except StreamCut as exc:
                log.info("stream from %s cut: %s", self.client.server.url, exc)
                pause = FIRST_RETRY
                self._announce("behind", str(exc))
                continue  # resume at once: nothing is lost with Last-Event-ID
            except RemoteError as exc:
                why = exc.message
                refused = exc.status in (401, 403, 495)
                if exc.status == 400 and self.last_id is not None:
                    # An id this server never gave out (another server at the address
                    # now): start afresh; the window reads everything again.
                    self.last_id = None
                    why = "the server did not know where this window stopped (reading afresh)"
                if exc.status == 404:
                    why = "the server has no live stream (an older Gatewatch?)"
            except (TimeoutError, aiohttp.ClientError, OSError) as exc:
                why = describe_failure(exc)
                refused = False
            except Exception as exc:  # a bug must not end the window's live feed for good
                log.exception("the stream from %s failed", self.client.server.url)
                why = f"the stream failed: {exc}"
                refused = False
            if time.monotonic() - started > 30:
                pause = FIRST_RETRY  # it was up for a while: this is a fresh failure
            wait = REFUSED_RETRY if refused else pause * random.uniform(0.8, 1.2)
            log.info("stream from %s: %s; again in %.1f s", self.client.server.url, why, wait)
            self._announce("refused" if refused else "disconnected", why, round(wait, 1))
            self._wake.clear()
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._wake.wait(), wait)
            pause = min(MAX_RETRY, pause * 2)
            self._announce("connecting")

    async def _follow_once(self) -> None:
        headers = {"Accept": "text/event-stream"}
        self._resuming = self.last_id is not None
        if self.last_id is not None:
            headers["Last-Event-ID"] = self.last_id
        session = self.client.session()
        timeout = aiohttp.ClientTimeout(total=None, connect=5.0, sock_read=STALL_SECONDS)
        from gui.core.remote_client import _message, _ssl_for, pin_refusal

        try:
            async with session.get(
                self.client.url(STREAM_PATH),
                headers=headers,
                timeout=timeout,
                ssl=_ssl_for(self.client.server),
            ) as resp:
                if resp.status >= 400:
                    raise RemoteError(resp.status, _message(resp.status, await resp.read()))
                self.connects += 1
                self._replayed = 0
                async for sse in read_events(resp.content):
                    if sse is not None:  # None: a heartbeat
                        self._handle(sse)
        except aiohttp.ServerFingerprintMismatch as exc:
            raise pin_refusal(exc) from None
        except aiohttp.ClientSSLError as exc:
            raise RemoteError(495, f"the server's certificate was refused: {exc}") from None
        except TimeoutError:
            raise Unreachable(
                f"the server sent nothing for {int(STALL_SECONDS)} s (connection lost)"
            ) from None

    def _handle(self, sse: SseEvent) -> None:
        if sse.id is not None:
            self.last_id = sse.id
        if sse.event in CONTROL_EVENTS:
            self._control(sse)
            return
        message = decode(sse)
        if message is None:
            return
        if self.state == "behind" and isinstance(message, messages.EventStored):
            self._replayed += 1
            if self._replayed % 100 == 0:
                self._announce("behind")
        self.publish(message)

    def _control(self, sse: SseEvent) -> None:
        """The stream's own frames: ``hello`` (how it resumes), ``resync``, ``cut``."""
        try:
            data = json.loads(sse.data)
        except ValueError:
            data = {}
        if not isinstance(data, dict):
            data = {}
        if sse.event == "hello":
            # A catch-up from the store is replayed before the stream goes live.
            state = "behind" if data.get("mode") == "catch_up" else "live"
            self._announce(state, fresh=not self._resuming)
        elif sse.event == "resync":
            self._announce("live")
        elif sse.event == "cut":
            raise StreamCut(str(data.get("reason") or "the server cut the stream"))
