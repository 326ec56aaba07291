"""The aiohttp application: ingest on any path, the read API under ``/api/``.

Every request that is not an API read is answered with JSON and recorded in
the request log, whatever happened to it — an installer needs to see the
broken requests most of all.
"""

from __future__ import annotations

import asyncio
import functools
import ipaddress
import json
import logging
import socket
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import BodyPartReader, ClientPayloadError, web
from aiohttp.http_exceptions import HttpProcessingError
from aiohttp.typedefs import Handler
from aiohttp.web_protocol import RequestHandler, RequestPayloadError

from gui import __version__
from gui.core import devices, ingest, lenient_json, pipeline, query, requestlog, users
from gui.core.event_rows import load_event, load_image, load_raw
from gui.core.phases import PhaseClock
from gui.core.pipeline import IngestOutcome, IngestPipeline
from gui.core.requestlog import RequestRecord
from gui.core.store import Store, StoreClosed, storage_failure_kind

log = logging.getLogger(__name__)

MAX_BODY = 64 * 1024 * 1024
#: Bodies above this are "large" (history batches, photo uploads) and share
#: ``LARGE_IN_FLIGHT``; a real-time event (a few hundred KB) never waits for them.
LARGE_BODY = 2 * 1024 * 1024
#: Bytes of large bodies being received or handled at once, across connections.
#: Beyond it a large upload is answered 503 with Retry-After (boxes retry), so
#: fifty 60 MB history uploads cannot take the receiver's memory.
LARGE_IN_FLIGHT = 192 * 1024 * 1024
#: Seconds to wait before retrying, told to a box refused for load.
RETRY_AFTER_S = 5
#: A body that sends nothing for this long is abandoned (408): it held memory and a slot.
BODY_STALL_S = 20.0


class InFlight:
    """Bytes of large bodies in flight; reserved before a body is read, released after."""

    def __init__(self, limit: int = LARGE_IN_FLIGHT) -> None:
        self.limit = limit
        self.used = 0

    def try_reserve(self, nbytes: int) -> bool:
        if self.used + nbytes > self.limit and self.used > 0:
            return False
        self.used += nbytes
        return True

    def release(self, nbytes: int) -> None:
        self.used = max(0, self.used - nbytes)


Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def now_ms() -> int:
    return time.time_ns() // 1_000_000


class BadNetwork(ValueError):
    """An ``--allow`` value that is not an address or network; the message says so in one line."""


def parse_network(text: str) -> Network:
    """One address or network; an IPv4-mapped IPv6 form (``::ffff:10.0.0.2``) as IPv4.

    Sources on a dual-stack socket are compared as IPv4, so the mapped form
    must become IPv4 too, or it would match nothing.
    """
    try:
        net = ipaddress.ip_network(text, strict=False)
    except ValueError:
        raise BadNetwork(
            f"--allow {text!r} is not an address or network (examples: 192.168.1.19,"
            " 192.168.1.0/24, fd00::/8)"
        ) from None
    mapped = net.network_address.ipv4_mapped if isinstance(net, ipaddress.IPv6Network) else None
    if mapped is not None and net.prefixlen >= 96:
        return ipaddress.IPv4Network(f"{mapped}/{net.prefixlen - 96}", strict=False)
    return net


def parse_networks(items: Iterable[str]) -> list[Network]:
    """``--allow`` values: addresses or networks, comma or space separated.

    Raises ``BadNetwork`` for a malformed value, and for an empty one: an empty
    list means "everyone", which ``--allow ''`` (a script's empty variable) must
    never mean by accident.
    """
    nets: list[Network] = []
    for item in items:
        parts = item.replace(",", " ").split()
        if not parts:
            raise BadNetwork(
                "--allow '' is empty: give an address or network (leave --allow out to accept"
                " every source)"
            )
        nets.extend(parse_network(part) for part in parts)
    return nets


def _source_address(ip: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """A peer's address; ``::ffff:a.b.c.d`` (IPv4 on a dual-stack socket) as IPv4."""
    try:
        addr = ipaddress.ip_address(ip)
    except ValueError:
        return None
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped:
        return addr.ipv4_mapped
    return addr


def _ip_in(ip: str, nets: list[Network]) -> bool:
    addr = _source_address(ip)
    return addr is not None and any(addr in net for net in nets)


def is_loopback(ip: str) -> bool:
    addr = _source_address(ip)
    return addr is not None and addr.is_loopback


# -- the browser next door ------------------------------------------------------------
#
# The API trusts this PC, and a web page open in the guard's browser runs on this
# PC too. Three checks keep it out: the Host header (DNS rebinding: a page whose
# name resolves to 127.0.0.1 sends its own name), Origin / Sec-Fetch-Site (a
# browser says when a request comes from another site), and a JSON content type on
# state-changing calls (a page can only send one after a CORS preflight, which
# this server never approves). Boxes, scripts and the window send none of these.

#: Methods that change something: refused from another site, JSON only.
STATE_CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})


@functools.cache
def own_names() -> frozenset[str]:
    """This PC's host names (lower case, no trailing dot)."""
    names = {"localhost"}
    for name in (socket.gethostname(), socket.getfqdn()):
        if name:
            names.add(name.lower().rstrip("."))
            names.add(name.split(".")[0].lower())
    return frozenset(names)


def _host_name(host: str) -> str:
    """``Host`` without its port; an IPv6 literal without its brackets."""
    host = host.strip()
    if host.startswith("["):
        return host[1 : host.find("]")] if "]" in host else host
    if host.count(":") == 1:
        host = host.split(":")[0]
    return host.lower().rstrip(".")


def host_allowed(request: web.Request, extra: frozenset[str] = frozenset()) -> bool:
    """Whether ``Host`` names this PC: any IP address, its own names, configured extras."""
    host = request.headers.get("Host")
    if not host:
        return True  # HTTP/1.0 scripts; browsers always send one
    name = _host_name(host)
    try:
        ipaddress.ip_address(name)
        return True  # an address cannot be rebound to another one
    except ValueError:
        pass
    return name in own_names() or name.endswith(".localhost") or name in extra


def cross_site(request: web.Request) -> str | None:
    """Why a browser says this request comes from another site, or None."""
    fetch_site = request.headers.get("Sec-Fetch-Site", "").strip().lower()
    if fetch_site in ("cross-site", "same-site"):
        return f"a web page on another site sent this request (Sec-Fetch-Site: {fetch_site})"
    origin = request.headers.get("Origin")
    if origin is None:
        return None
    origin = origin.strip()
    host = request.headers.get("Host", "").strip().lower()
    if origin.lower() == "null" or origin.split("://", 1)[-1].rstrip("/").lower() != host:
        return f"a web page from {origin[:80]!r} sent this request (Origin)"
    return None


def from_this_pc(request: web.Request) -> bool:
    """Loopback, or this PC's own address (the peer is the address it connected to)."""
    source = request.remote or ""
    if is_loopback(source):
        return True
    transport = request.transport
    sockname = transport.get_extra_info("sockname") if transport is not None else None
    local = _source_address(sockname[0]) if sockname else None
    return local is not None and local == _source_address(source)


def _loggable(text: str) -> str:
    """Header text as received; bytes that were not UTF-8 shown as U+FFFD."""
    if text.isascii():
        return text
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def loggable_headers(request: web.Request) -> dict[str, str]:
    return {_loggable(k): _loggable(v) for k, v in request.headers.items()}


@dataclass
class ServerContext:
    """What the handlers share. Lives on the core loop."""

    store: Store
    allow: list[Network] = field(default_factory=list)
    api_token: str | None = None
    #: Named users' tokens -> user name (``users.token_lookup``); None = no named users.
    user_tokens: users.TokenLookup | None = None
    #: The TLS listener's port when TLS is on: other PCs must use the API there.
    tls_port: int | None = None
    #: Extra host names the API answers to (see ``host_allowed``).
    api_hosts: frozenset[str] = frozenset()
    #: Large bodies being received or handled (see ``LARGE_IN_FLIGHT``).
    large_in_flight: InFlight = field(default_factory=InFlight)
    #: Handlers of large bodies not answered yet: a shutdown ends them at once
    #: (``abort_large_uploads``) instead of granting them its grace period.
    large_uploads: set[asyncio.Task[Any]] = field(default_factory=set)
    #: Set at shutdown: a large upload is answered 503 (retry) instead of read.
    refuse_large: bool = False
    #: Where request bodies go; made over ``store`` when not given.
    pipeline: IngestPipeline = None  # type: ignore[assignment]
    background: set[asyncio.Task[Any]] = field(default_factory=set)
    #: Extra route installers (alarms, stats, ...), each given the app and this context.
    extensions: list[Callable[[web.Application, ServerContext], None]] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.pipeline is None:
            self.pipeline = IngestPipeline(self.store)

    def spawn(self, coro: Awaitable[Any]) -> None:
        task = asyncio.ensure_future(coro)
        self.background.add(task)
        task.add_done_callback(self.background.discard)


CTX: web.AppKey[ServerContext] = web.AppKey("ctx", ServerContext)


def json_response(data: Any, status: int = 200) -> web.Response:
    """Always valid JSON: lone surrogates as escapes, never ``NaN`` (see ``lenient_json``)."""
    return web.Response(
        body=lenient_json.dumps_bytes(data),
        status=status,
        content_type="application/json",
        charset="utf-8",
    )


# -- ingest ---------------------------------------------------------------------------


class BodyTooLarge(ValueError):
    """The whole request body (all multipart parts together) is over ``MAX_BODY``."""


async def _read_form(request: web.Request) -> list[tuple[str, str]]:
    """Multipart fields as text; a file part holding an image becomes its base64.

    ``MAX_BODY`` counts every part together (aiohttp's limit is per part), and a
    part's charset or transfer encoding that cannot be honoured is a 400, not a 500.
    Like a plain body, a form may arrive slowly but never stall over ``BODY_STALL_S``.
    """
    import base64

    fields: list[tuple[str, str]] = []
    total = 0
    reader = await request.multipart()
    while True:
        part = await asyncio.wait_for(reader.next(), BODY_STALL_S)
        if part is None:
            break
        if not isinstance(part, BodyPartReader) or part.name is None:
            continue
        chunks = []
        while True:
            chunk = await asyncio.wait_for(part.read_chunk(256 * 1024), BODY_STALL_S)
            if not chunk:
                break
            total += len(chunk)
            if total > MAX_BODY:
                raise BodyTooLarge(f"form-data parts are over the {MAX_BODY // 2**20} MiB limit")
            chunks.append(chunk)
        try:
            data = part.decode(b"".join(chunks))
        except (RuntimeError, LookupError) as exc:  # unknown transfer/content encoding
            raise ValueError(f"part {part.name!r}: {exc}") from None
        if part.filename:
            fields.append((part.name, base64.b64encode(data).decode()))
        else:
            try:
                text = data.decode(part.get_charset("utf-8"), errors="replace")
            except LookupError:  # a charset Python does not know: read it as UTF-8
                text = data.decode("utf-8", errors="replace")
            fields.append((part.name, text))
    return fields


#: Content-Encodings aiohttp decodes; anything else is a 415 (it would be stored undecoded).
ACCEPTED_ENCODINGS = frozenset({"", "identity", "gzip", "x-gzip", "deflate", "br", "zstd"})


async def _read_body(request: web.Request) -> bytes | bytearray:
    """The whole body, like ``request.read()``, but a stall over ``BODY_STALL_S`` ends it.

    A large body grows a ``bytearray`` chunk by chunk (the allocator extends it in
    place) instead of joining the chunks at the end: that join is one 60 MB copy
    under the GIL, during which the event loop answers nobody.

    The stall deadline is one ``asyncio.timeout`` moved on with each chunk, not a
    ``wait_for`` per chunk: that wrapped every read in a task of its own and a
    turn of the loop, even for bytes already buffered.
    """
    chunks: list[bytes] = []
    grown: bytearray | None = None
    total = 0
    loop = asyncio.get_running_loop()
    async with asyncio.timeout(BODY_STALL_S) as stall:
        while True:
            chunk = await request.content.readany()
            if not chunk:
                return grown if grown is not None else b"".join(chunks)
            stall.reschedule(loop.time() + BODY_STALL_S)
            total += len(chunk)
            if total > MAX_BODY:
                raise BodyTooLarge(f"body is over the {MAX_BODY // 2**20} MiB limit")
            if grown is not None:
                grown += chunk
            elif total > LARGE_BODY:
                grown = bytearray().join(chunks)
                grown += chunk
                chunks.clear()
            else:
                chunks.append(chunk)


def _large_share(request: web.Request) -> int:
    """What a request's body may hold in memory: its declared size, or the limit if unknown."""
    declared = request.content_length
    if declared is None:
        return MAX_BODY if request.body_exists else 0
    return declared


async def _receive(request: web.Request, received_at: int) -> pipeline.Delivery | IngestOutcome:
    """The request as a ``Delivery``, or the outcome when its body cannot be read."""
    content_type = request.headers.get("Content-Type", "")
    declared = request.content_length
    if declared is not None and declared > MAX_BODY:
        return IngestOutcome(
            413,
            ingest.error_reply(
                413, f"body of {declared} bytes is over the {MAX_BODY // 2**20} MiB limit"
            ),
        )
    encoding = request.headers.get("Content-Encoding", "").strip().lower()
    if encoding not in ACCEPTED_ENCODINGS:
        return IngestOutcome(
            415,
            ingest.error_reply(
                415, f"Content-Encoding {encoding[:40]!r} is not supported: send gzip or none"
            ),
        )
    form_fields = None
    body: bytes | bytearray = b""
    try:
        if content_type.startswith("multipart/"):
            form_fields = await _read_form(request)
        else:
            body = await _read_body(request)
    except (web.HTTPRequestEntityTooLarge, BodyTooLarge):
        return IngestOutcome(
            413, ingest.error_reply(413, f"body is over the {MAX_BODY // 2**20} MiB limit")
        )
    except TimeoutError:
        return IngestOutcome(
            408,
            ingest.error_reply(
                408, f"the body stopped arriving (nothing for {BODY_STALL_S:.0f} s): send it again"
            ),
        )
    except (ClientPayloadError, RequestPayloadError) as exc:  # bad gzip, cut-off chunks
        return IngestOutcome(
            400, ingest.error_reply(ingest.ERR_UNPARSEABLE, f"body cannot be read: {exc}")
        )
    except (ValueError, HttpProcessingError) as exc:  # malformed multipart, part headers
        detail = " ".join(str(exc).split())[:200]
        return IngestOutcome(
            400, ingest.error_reply(ingest.ERR_UNPARSEABLE, f"malformed form-data body: {detail}")
        )
    return pipeline.Delivery(
        path=request.path,
        source_ip=request.remote or "",
        received_at=received_at,
        body=body,
        content_type=content_type,
        form_fields=form_fields,
        self_test=request.headers.get("X-Gatewatch-Self-Test") == "1" and from_this_pc(request),
    )


def _refusal(request: web.Request, ctx: ServerContext) -> IngestOutcome | None:
    """The answer to anything that is not a POST from an allowed source."""
    source = request.remote or ""
    if request.method != "POST":
        if request.path == "/" and request.method in ("GET", "HEAD"):
            return IngestOutcome(
                200,
                {
                    "code": 0,
                    "message": "Gatewatch is listening: POST events to "
                    + ", ".join(ingest.EVENT_PATHS) + " and health reports to /DeviceStatus",
                    "version": __version__,
                },
            )  # fmt: skip
        if request.path in ingest.KNOWN_PATHS:
            return IngestOutcome(
                405,
                ingest.error_reply(
                    405, f"{request.method} is not accepted here: boxes POST to {request.path}"
                ),
            )
        return IngestOutcome(
            404,
            ingest.error_reply(
                404, f"nothing here for {request.method} {request.path}: events are POSTed"
            ),
        )
    if ctx.allow and not _ip_in(source, ctx.allow):
        return IngestOutcome(
            403, ingest.error_reply(403, f"source {source} is not in the allowed list (--allow)")
        )
    why = cross_site(request)
    if why:
        return IngestOutcome(403, ingest.error_reply(403, f"refused: {why}"))
    return None


async def ingest_handler(request: web.Request) -> web.StreamResponse:
    """HTTP <-> the ingest pipeline: a request in, its outcome as JSON, the request logged."""
    ctx = request.app[CTX]
    started = time.perf_counter()
    received_at = now_ms()
    head_at = getattr(request.protocol, "head_started_at", None)
    clock = PhaseClock(head_at if head_at is not None and head_at <= started else started)
    clock.mark("head", started)
    body: bytes | bytearray | None = None
    out = _refusal(request, ctx)
    share = _large_share(request) if out is None else 0
    if share > LARGE_BODY and ctx.refuse_large:
        out = IngestOutcome(
            503,
            ingest.error_reply(503, f"shutting down: retry in {RETRY_AFTER_S} s (nothing stored)"),
        )
        share = 0
    elif share > LARGE_BODY and share <= MAX_BODY and not ctx.large_in_flight.try_reserve(share):
        out = IngestOutcome(
            503,
            ingest.error_reply(
                503, f"busy with other large uploads: retry in {RETRY_AFTER_S} s (nothing stored)"
            ),
        )
        share = 0
    elif share <= LARGE_BODY:
        share = 0
    task = asyncio.current_task() if share else None
    if task is not None:
        ctx.large_uploads.add(task)
    try:
        if out is None:
            with ctx.pipeline.receiving():
                received = await _receive(request, received_at)
                clock.mark("body")
                if isinstance(received, IngestOutcome):
                    out = received
                else:
                    body = received.body if received.form_fields is None else None
                    out = await ctx.pipeline.ingest(received, clock)
                    del received
    finally:
        if task is not None:
            ctx.large_uploads.discard(task)
        if share:
            ctx.large_in_flight.release(share)

    reply_text = json.dumps(out.reply, ensure_ascii=False)
    response = web.Response(text=reply_text, status=out.status, content_type="application/json")
    if out.status == 503:
        response.headers["Retry-After"] = str(RETRY_AFTER_S)
    if out.status in (408, 413) or (out.status == 503 and request.body_exists):
        response.force_close()  # an unread body must not be taken for the next request
    clock.mark("reply")
    response.headers["Server-Timing"] = clock.header()
    logged_body, truncated = requestlog.body_for_log(body, became_events=len(out.stored) > 0)
    record = RequestRecord(
        time=received_at,
        source_ip=request.remote or "",
        method=request.method,
        path=request.path_qs,
        content_type=request.headers.get("Content-Type", ""),
        length=request.content_length or (len(body) if body is not None else 0),
        status=out.status,
        reply=reply_text,
        duration_ms=round((time.perf_counter() - started) * 1000, 3),
        events=len(out.stored),
        warnings=out.warnings,
        headers=loggable_headers(request),
        body=logged_body,
        body_truncated=truncated,
        event_ids=out.event_ids,
        body_format=out.body_format,
    )
    ctx.pipeline.log_request(record)
    return response


def abort_large_uploads(ctx: ServerContext) -> int:
    """At shutdown: end the requests of large bodies not answered yet; returns how many.

    None of them has been acknowledged, so the box sends them again (a write
    that commits meanwhile makes the resend a duplicate, never a second copy).
    Waiting for tens of MB to arrive, be parsed and stored would spend the whole
    grace period and more; small requests keep their grace (``SHUTDOWN_TIMEOUT``).
    """
    ctx.refuse_large = True
    tasks = list(ctx.large_uploads)
    for task in tasks:
        task.cancel()
    ctx.large_uploads.clear()
    return len(tasks)


# -- errors below the handlers --------------------------------------------------------


#: Every request head (a new connection's, or the next one on a kept-alive
#: connection, from its first byte) must be complete within this (slowloris).
HEADERS_WITHIN_S = 15.0


def connection_cap() -> int:
    """Connections kept open at once: well below the file-descriptor limit.

    Beyond it the oldest connection that has not sent a whole request head yet,
    else the oldest idle keep-alive one, is closed: a box can always connect, and
    the process never runs out of descriptors (which made it deaf to every box).
    """
    try:
        import resource

        soft, _hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    except (ImportError, ValueError, OSError):  # Windows: no such limit for sockets
        return 4096
    if soft == resource.RLIM_INFINITY:
        return 4096
    return max(32, min(4096, int(soft) - 128))


#: An accept error (out of descriptors) is logged at most once per this many seconds.
ACCEPT_ERROR_EVERY_S = 60.0


def quiet_accept_errors(loop: asyncio.AbstractEventLoop) -> None:
    """Log asyncio's accept errors once per interval, not once a second with a traceback."""
    previous = loop.get_exception_handler()
    last = [-ACCEPT_ERROR_EVERY_S]
    skipped = [0]

    def handler(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        if str(context.get("message", "")).startswith("socket.accept() out of system"):
            now = loop.time()
            if now - last[0] < ACCEPT_ERROR_EVERY_S:
                skipped[0] += 1
                return
            last[0] = now
            log.error(
                "cannot accept connections: %s (%d more like it since the last report)",
                context.get("exception"), skipped[0],
            )  # fmt: skip
            skipped[0] = 0
            return
        if previous is not None:
            previous(loop, context)
        else:
            loop.default_exception_handler(context)

    loop.set_exception_handler(handler)


def raise_fd_limit() -> None:
    """Use the descriptors the OS allows (soft limit up to the hard one, at most 65536)."""
    try:
        import resource

        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        target = 65536 if hard == resource.RLIM_INFINITY else min(int(hard), 65536)
        if soft != resource.RLIM_INFINITY and soft < target:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    except (ImportError, ValueError, OSError):
        pass


class _JsonErrorHandler(RequestHandler):
    """aiohttp's connection handler, answering its own errors as JSON, logged like any request.

    A request line or header aiohttp's parser refuses (bad header token, broken
    chunking...) and an exception that escaped a handler get aiohttp's plain-text
    answer otherwise, and never reach the request log an installer reads.
    """

    _head_deadline: asyncio.TimerHandle | None = None
    _head_of_request = 0
    _opened_at = 0.0
    _head_begun = False
    #: When the first bytes of the latest request head arrived (``time.perf_counter``).
    head_started_at: float | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(transport)
        loop = asyncio.get_running_loop()
        self._opened_at = loop.time()
        self._arm_head_deadline()
        manager = self._manager
        if isinstance(manager, _JsonErrorServer):
            manager.evict_beyond_cap(self)

    def data_received(self, data: bytes) -> None:
        heads_before = self._request_count
        if data and not self._head_begun and not self._request_in_progress and not self._messages:
            self._head_begun = True  # the first bytes of a request head: its "head" phase starts
            self.head_started_at = time.perf_counter()
        super().data_received(data)
        if self._request_count > heads_before:
            self._head_begun = False
            self._disarm_head_deadline()
        elif (
            data
            and self._head_deadline is None
            and not self._request_in_progress
            and not self._messages
        ):  # the first bytes of a next request on a kept-alive connection
            self._arm_head_deadline()

    def connection_lost(self, exc: BaseException | None) -> None:
        self._disarm_head_deadline()
        super().connection_lost(exc)

    def _arm_head_deadline(self) -> None:
        """Every request head, not only a connection's first, must be whole within the limit."""
        self._head_of_request = self._request_count
        self._head_deadline = asyncio.get_running_loop().call_later(
            HEADERS_WITHIN_S, self._head_too_late
        )

    def _disarm_head_deadline(self) -> None:
        if self._head_deadline is not None:
            self._head_deadline.cancel()
            self._head_deadline = None

    def _head_too_late(self) -> None:
        self._head_deadline = None
        head_still_partial = (
            self._request_count == self._head_of_request and not self._request_in_progress
        )
        if head_still_partial and self.transport is not None:
            self.transport.close()

    @property
    def incomplete(self) -> bool:
        """A request head is awaited on a new connection, or has begun and is not whole yet."""
        return self._head_deadline is not None

    @property
    def idle(self) -> bool:
        """Between requests on a keep-alive connection (a stream in progress is not idle)."""
        return bool(self._request_count) and not self._request_in_progress and not self.incomplete

    def handle_error(
        self,
        request: Any,
        status: int = 500,
        exc: BaseException | None = None,
        message: str | None = None,
    ) -> web.StreamResponse:
        super().handle_error(request, status, exc, message)  # logs; raises if answered already
        if status >= 500:
            text = "internal error: the request could not be handled (see the log)"
        else:
            detail = " ".join(str(message or exc or "").split())[:200]
            text = f"malformed HTTP request: {detail}" if detail else "malformed HTTP request"
        reply = ingest.error_reply(status, text)
        response = json_response(reply, status)
        response.force_close()
        ctx = getattr(self._manager, "ctx", None)
        if ctx is not None:
            _log_error(ctx, request, status, reply)
        return response


def _log_error(ctx: ServerContext, request: Any, status: int, reply: dict[str, Any]) -> None:
    try:
        headers = loggable_headers(request)
        path = _loggable(request.path_qs)
    except Exception:  # a request too broken to describe: the log line is enough
        return
    ctx.pipeline.log_request(
        RequestRecord(
            time=now_ms(), source_ip=request.remote or "", method=request.method,
            path=path, content_type=headers.get("Content-Type", ""), length=0, status=status,
            reply=lenient_json.dumps(reply), duration_ms=0.0, headers=headers,
        )
    )  # fmt: skip


class _JsonErrorServer(web.Server):
    ctx: ServerContext | None = None
    cap: int = 4096

    def evict_beyond_cap(self, newcomer: RequestHandler) -> None:
        """Over the cap: close incomplete connections first, then idle ones, oldest first."""
        excess = len(self._connections) - self.cap
        if excess <= 0:
            return
        others = [h for h in self._connections if h is not newcomer]
        victims = sorted(
            (h for h in others if isinstance(h, _JsonErrorHandler) and h.incomplete),
            key=lambda h: h._opened_at,
        ) + sorted(
            (h for h in others if isinstance(h, _JsonErrorHandler) and h.idle),
            key=lambda h: h._opened_at,
        )
        for handler in victims[:excess]:
            transport = self._connections.get(handler)
            if transport is not None:
                transport.close()

    def __call__(self) -> RequestHandler:
        return _JsonErrorHandler(self, loop=self._loop, **self._kwargs)


def answer_errors_as_json(runner: web.AppRunner, ctx: ServerContext) -> None:
    """Make the set-up ``runner``'s connections answer protocol errors as JSON (and log them)."""
    server = runner.server
    if server is not None and type(server) is web.Server:
        server.__class__ = _JsonErrorServer
        server.ctx = ctx  # type: ignore[attr-defined]
        server.cap = connection_cap()  # type: ignore[attr-defined]


@web.middleware
async def json_http_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    """aiohttp's own HTTP errors (413 over the size limit, 405...) as JSON answers."""
    try:
        return await handler(request)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        text = exc.reason if not exc.text or exc.text.startswith(str(exc.status)) else exc.text
        return json_response(ingest.error_reply(exc.status, text), exc.status)


# -- read API -------------------------------------------------------------------------


#: Headers a reverse proxy adds: a request relayed by a proxy on this PC comes from
#: loopback but on behalf of anyone, so it is not trusted as this PC (see ``trusted_local``).
PROXY_HEADERS = ("Forwarded", "X-Forwarded-For", "X-Real-IP")


def bearer_token(request: web.Request) -> str | None:
    """The token of ``Authorization: Bearer <token>``, or None."""
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    value = value.strip()
    return value if scheme.lower() == "bearer" and value else None


def trusted_local(request: web.Request) -> bool:
    """Loopback, and not relayed by a reverse proxy (whose clients may be anyone)."""
    if not is_loopback(request.remote or ""):
        return False
    return not any(name in request.headers for name in PROXY_HEADERS)


async def identify(request: web.Request, ctx: ServerContext) -> users.Caller | None:
    """The caller a request's token names: a user, the shared ``--api-token``, or None."""
    token = bearer_token(request)
    if token is None:
        return None
    if ctx.api_token and users.same_secret(token, ctx.api_token):
        return users.Caller("api-token", users.SHARED_TOKEN_NAME)
    if ctx.user_tokens is not None:
        name = await ctx.user_tokens(token)
        if name is not None:
            return users.Caller("user", name)
    return None


async def still_authorised(request: web.Request) -> bool:
    """Whether a long request's user still has its token (a stream re-checks it).

    A removed user's open stream must end, not run on for hours. Only named users
    are re-checked; a store that cannot answer now does not end anyone's stream.
    """
    caller = users.caller_of(request)
    if caller.via != "user":
        return True
    try:
        again = await identify(request, request.app[CTX])
    except Exception:
        return True
    return again is not None and again.name == caller.name


@web.middleware
async def api_guard(request: web.Request, handler: Handler) -> web.StreamResponse:
    """The API serves face photos: this PC, or a user's (or the shared) token.

    With TLS on, other PCs are answered on the TLS port only: a token or a face
    photo must not cross the network in clear. The plain port stays for the boxes.
    """
    if not request.path.startswith("/api/"):
        return await handler(request)
    ctx = request.app[CTX]
    local = trusted_local(request)
    if not local and ctx.tls_port and not request.secure:
        return json_response(
            ingest.error_reply(
                403,
                "with TLS on, other PCs use the API over HTTPS only: "
                f"https://{_host_name(request.headers.get('Host', '')) or '<server>'}"
                f":{ctx.tls_port}/ (this port takes the boxes' plain HTTP)",
            ),
            403,
        )
    try:
        caller = await identify(request, ctx)
    except Exception as exc:  # the store is down or closing: say so, boxes are unaffected
        log.warning("cannot check an API token: %s", exc)
        return json_response(
            ingest.error_reply(503, "cannot check the API token now: the store is unavailable"),
            503,
        )
    if caller is None and not local:
        if bearer_token(request) is None and not ctx.api_token and ctx.user_tokens is None:
            return json_response(
                ingest.error_reply(403, "the API answers this PC only (start with --api-token)"),
                403,
            )
        return json_response(
            ingest.error_reply(
                401, "missing or wrong API token (`gatewatch users add NAME` on the server)"
            ),
            401,
        )
    with_token = caller is not None
    request[users.CALLER] = caller or users.LOOPBACK
    if not with_token and not host_allowed(request, ctx.api_hosts):
        return json_response(
            ingest.error_reply(
                403,
                f"Host {_host_name(request.headers.get('Host', ''))[:80]!r} is not this PC"
                " (add it to api_hosts in the settings)",
            ),
            403,
        )
    why = cross_site(request)
    if why:  # this server has no web pages: any other site's page is a stranger
        return json_response(ingest.error_reply(403, f"refused: {why}"), 403)
    if (
        request.method in STATE_CHANGING
        and not with_token
        and (request.content_length or request.body_exists)
        and request.content_type != "application/json"
    ):
        return json_response(
            ingest.error_reply(
                415, "state-changing API calls with a body take Content-Type: application/json"
            ),
            415,
        )
    try:
        return await handler(request)
    except query.BadQuery as exc:
        return json_response({**ingest.error_reply(400, str(exc)), "param": exc.param}, 400)
    except web.HTTPException as exc:  # raised by aiohttp or a handler: same JSON shape
        if exc.status < 400:
            raise
        return json_response(ingest.error_reply(exc.status, exc.reason), exc.status)
    except Exception as exc:
        unavailable = store_unavailable(exc)
        if unavailable is not None:  # the database is down: say so, the window retries
            log.warning("API request %s %s: %s", request.method, request.path, unavailable)
            response = json_response(ingest.error_reply(503, unavailable), 503)
            response.headers["Retry-After"] = str(RETRY_AFTER_S)
            return response
        log.exception("API request %s %s failed", request.method, request.path)
        return json_response(ingest.error_reply(500, "internal error (details in the log)"), 500)


def store_unavailable(exc: BaseException) -> str | None:
    """Why the store cannot answer now (database down, disk, closing), or None for a bug."""
    if isinstance(exc, StoreClosed):
        return "the store is closing: retry in a moment"
    kind = storage_failure_kind(exc)
    if kind is None:
        return None
    detail = " ".join(str(exc).split())[:200]
    return f"the store cannot be read now ({kind}: {detail}): retry later"


def _event_id(request: web.Request) -> int:
    try:
        return int(request.match_info["event_id"])
    except ValueError:
        raise query.BadQuery("id", "event ids are integers") from None


def _not_found(what: str) -> web.Response:
    return json_response(ingest.error_reply(404, f"{what} not found"), 404)


async def api_health(request: web.Request) -> web.Response:
    ctx = request.app[CTX]
    count = await ctx.store.read(lambda c: c.execute("SELECT count(*) FROM events").fetchone()[0])
    status = "ok" if ctx.store.writer.last_error is None else "degraded"
    body: dict[str, Any] = {"status": status, "events": count, "version": __version__}
    if ctx.store.writer.last_error:
        body["storage_error"] = ctx.store.writer.last_error
    return json_response(body)


async def api_whoami(request: web.Request) -> web.Response:
    """Who the server takes the caller for: what acknowledgements will record."""
    caller = users.caller_of(request)
    return json_response({"user": caller.name, "via": caller.via})


async def api_events(request: web.Request) -> web.Response:
    ctx = request.app[CTX]
    flt = query.parse_filter(request.query)
    limit = query.parse_limit(request.query)
    before = request.query.get("before") or None
    sort, desc = query.parse_sort(request.query)
    if before:
        # a bad cursor is a 400 before touching the database
        query.decode_sort_cursor(before, sort, desc)
    page = await ctx.store.read(
        lambda c: query.fetch_page(c, flt, limit=limit, before=before, sort=sort, descending=desc)
    )
    return json_response({"events": page.events, "next": page.next})


async def api_event(request: web.Request) -> web.Response:
    ctx = request.app[CTX]
    event_id = _event_id(request)
    event = await ctx.store.read(lambda c: load_event(c, event_id))
    return json_response(event) if event is not None else _not_found(f"event {event_id}")


async def api_event_raw(request: web.Request) -> web.Response:
    ctx = request.app[CTX]
    event_id = _event_id(request)
    raw = await ctx.store.read(lambda c: load_raw(c, event_id))
    return json_response(raw) if raw is not None else _not_found(f"event {event_id}")


async def api_event_image(request: web.Request) -> web.Response:
    from gui.core import images as image_work
    from gui.core import overlay

    ctx = request.app[CTX]
    event_id = _event_id(request)
    kind = request.match_info["kind"]
    overlay_on = request.query.get("overlay") in ("1", "true", "yes")
    thumb = request.query.get("thumb") in ("1", "true", "yes")

    # The overlay's coordinates are the full picture's: with ``thumb`` too, it is
    # drawn on the full picture and the thumbnail made from that.
    drawn = overlay_on and kind == "spot_pic"

    def work() -> tuple[bytes, str] | None:
        conn = ctx.store.reader()
        found = None if (thumb and drawn) else load_image(conn, event_id, kind, thumb=thumb)
        if found is None and thumb:
            full = load_image(conn, event_id, kind)
            if full is None:  # photo dropped by retention: the kept thumbnail, undrawn
                return load_image(conn, event_id, kind, thumb=True) if drawn else None
            found = full if drawn else (image_work.make_thumbnail(full[0]), "JPEG")
        if found is None:
            return None
        data, fmt = found
        if drawn:
            event = load_event(conn, event_id)
            if event is not None:
                meta = event["images"].get(kind, {})
                shapes = overlay.shapes_for(
                    event["face_box"], event["landmarks"], event["person_type"],
                    (meta.get("width"), meta.get("height")) if meta else None,
                )  # fmt: skip
                data = overlay.render_overlay(data, shapes)
                fmt = "JPEG" if fmt == "JPEG" else "PNG"
            if thumb:
                data, fmt = image_work.make_thumbnail(data), "JPEG"
        return data, fmt

    loop = asyncio.get_running_loop()
    found = await loop.run_in_executor(None, work)
    if found is None:
        return _not_found(f"image {kind} of event {event_id}")
    data, fmt = found
    return web.Response(body=data, content_type=image_work.content_type(fmt))


async def api_devices(request: web.Request) -> web.Response:
    ctx = request.app[CTX]
    return json_response(await ctx.store.read(devices.list_devices))


async def api_requests(request: web.Request) -> web.Response:
    ctx = request.app[CTX]
    params = request.query
    limit = query.parse_limit(params) if "limit" in params else 100
    before = query._int(params, "before")
    status = query._int(params, "status")
    rows = await ctx.store.read(
        lambda c: requestlog.list_requests(
            c, limit=limit, before=before, status=status,
            source=params.get("source") or None, path=params.get("path") or None,
        )
    )  # fmt: skip
    return json_response({"requests": rows})


def build_app(ctx: ServerContext) -> web.Application:
    app = web.Application(client_max_size=MAX_BODY, middlewares=[json_http_errors, api_guard])
    app[CTX] = ctx
    app.router.add_get("/api/health", api_health)
    app.router.add_get("/api/whoami", api_whoami)
    app.router.add_get("/api/events", api_events)
    app.router.add_get("/api/events/{event_id}", api_event)
    app.router.add_get("/api/events/{event_id}/raw", api_event_raw)
    app.router.add_get("/api/events/{event_id}/images/{kind}", api_event_image)
    app.router.add_get("/api/devices", api_devices)
    app.router.add_get("/api/requests", api_requests)
    for extend in ctx.extensions:
        extend(app, ctx)
    app.router.add_route("*", "/api/{tail:.*}", _api_not_found)
    app.router.add_route("*", "/{tail:.*}", ingest_handler)
    return app


async def _api_not_found(request: web.Request) -> web.Response:
    return _not_found(f"API endpoint {request.method} {request.path}")
