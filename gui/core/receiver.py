"""Runs the server, the store and the background tasks on one asyncio loop.

``--headless`` runs ``Receiver`` on the main thread's loop; the desktop app runs
the very same object on a background thread (``ReceiverThread``), so the GUI
being busy never costs a box its 0.5 s real-time window. Subscribers get the
typed messages of ``gui.core.messages`` on the core thread and must return quickly.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import logging
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from aiohttp import web

from gui.core import tls, users
from gui.core.ingest import EventHook
from gui.core.messages import Message, ServerStateChanged
from gui.core.pipeline import IngestPipeline
from gui.core.server import (
    ServerContext,
    abort_large_uploads,
    answer_errors_as_json,
    build_app,
    parse_networks,
    quiet_accept_errors,
    raise_fd_limit,
)
from gui.core.store import (
    Store,
    open_store,
    remember_store_reached,
    store_unreachable,
    unreachable_message,
)
from gui.core.tls import DEFAULT_TLS_PORT
from gui.core.waiting_site import WaitingSite

log = logging.getLogger(__name__)

#: Connections the kernel completes before the loop accepts them. aiohttp's 128 fill in
#: a burst (a thousand slowloris connections opened at once): the next box's SYN is then
#: dropped and its connect waits a second for the retransmit. The kernel caps it at
#: ``net.core.somaxconn`` (4096 on current Linux).
LISTEN_BACKLOG = 2048

M = TypeVar("M")
#: How long in-flight uploads get to finish when stopping.
SHUTDOWN_TIMEOUT = 1.0


class PortInUse(OSError):
    def __init__(self, bind: str, port: int) -> None:
        super().__init__(
            errno.EADDRINUSE,
            f"port {port} on {bind or 'all interfaces'} is already in use: stop the other "
            f"program using it (another Gatewatch?) or start with --port <another port>",
        )
        self.port = port


@dataclass
class ReceiverConfig:
    data_dir: Path
    port: int = 9528
    bind: str = ""  # "" = all interfaces
    allow: list[str] = field(default_factory=list)
    api_token: str | None = None
    #: Host names the API answers to besides this PC's own names and any IP address.
    api_hosts: list[str] = field(default_factory=list)
    #: TLS for the API on the network: certificate and key (PEM). With them the API
    #: is also served over TLS on ``tls_port``, and other PCs must use that port.
    tls_cert: str | None = None
    tls_key: str | None = None
    tls_port: int = DEFAULT_TLS_PORT
    #: ``postgresql://user@host/db`` to store events there; None: SQLite in ``data_dir``.
    store: str | None = None
    #: Make face thumbnails on a low-OS-priority thread (``lowprio``). The desktop app
    #: sets it: there the GUI thread needs a core at once, the thumbnail can wait a
    #: little; headless, nothing waits on a core and the feed's faces come first.
    lower_thumbnails: bool = False


class Receiver:
    """One receiver: the store, the HTTP site, and what runs beside them."""

    def __init__(self, config: ReceiverConfig, *, store: Store | None = None) -> None:
        self.config = config
        self._store = store
        self._owns_store = store is None
        self._handlers: dict[type, list[Callable[[Any], None]]] = {}
        self._runner: web.AppRunner | None = None
        self._site: web.BaseSite | None = None
        self._tls_site: web.BaseSite | None = None
        #: The TLS listener's port once listening (None: TLS off).
        self.tls_port: int | None = None
        self.pipeline: IngestPipeline | None = None
        #: Run in the transaction of every event written (alarms); added before start.
        self.event_hooks: list[EventHook] = []
        self.ctx: ServerContext | None = None
        self.port: int | None = None
        #: Installers of extra routes; extended by feature modules before start.
        self.extensions: list[Callable[[web.Application, ServerContext], None]] = []
        #: Started with the receiver, cancelled when it stops (retention, silence watch...).
        self.tasks: list[Callable[[Receiver], Any]] = []
        self._running_tasks: list[asyncio.Task[Any]] = []
        #: Answers 503 on the port while the database is waited for (``listen_while_waiting``).
        self._waiting: WaitingSite | None = None
        self._waiting_reason = "the database cannot be reached yet"

    @property
    def store(self) -> Store:
        if self._store is None:
            raise RuntimeError("receiver not started")
        return self._store

    # -- listeners ---------------------------------------------------------------

    def subscribe(self, message_type: type[M], handler: Callable[[M], None]) -> None:
        """Call ``handler`` with every ``message_type`` announced (on the core loop)."""
        self._handlers.setdefault(message_type, []).append(handler)

    def unsubscribe(self, message_type: type[M], handler: Callable[[M], None]) -> None:
        with contextlib.suppress(ValueError):
            self._handlers.get(message_type, []).remove(handler)

    def publish(self, message: Message) -> None:
        """Announce ``message`` to its type's subscribers; one failing does not stop the rest."""
        for handler in list(self._handlers.get(type(message), ())):
            try:
                handler(message)
            except Exception:
                log.exception("handler %r of %s failed", handler, type(message).__name__)

    # -- lifecycle ---------------------------------------------------------------

    async def start(self) -> None:
        # A certificate that cannot be used is refused before anything opens.
        tls_context = (
            tls.server_context(self.config.tls_cert, self.config.tls_key)
            if self.config.tls_cert
            else None
        )
        if self._store is None:
            if self._waiting is not None:
                # The placeholder keeps answering 503 while the connection is tried
                # (up to the connect timeout when the server does not answer at all).
                self._store = await asyncio.to_thread(
                    open_store, self.config.data_dir, self.config.store
                )
            else:
                self._store = open_store(self.config.data_dir, self.config.store)
            if self._store.url:
                remember_store_reached(self.config.data_dir, self._store.url)
        self.pipeline = IngestPipeline(
            self._store, self.publish, event_hooks=self.event_hooks,
            lower_thumbnails=self.config.lower_thumbnails,
        )  # fmt: skip
        self.ctx = ServerContext(
            store=self._store,
            allow=parse_networks(self.config.allow),
            api_token=self.config.api_token,
            user_tokens=users.token_lookup(self._store),
            # Known before the plain port opens: other PCs never get the API there.
            tls_port=(self.config.tls_port or free_port(self.config.bind)) if tls_context else None,
            api_hosts=frozenset(h.strip().lower().rstrip(".") for h in self.config.api_hosts),
            pipeline=self.pipeline,
            extensions=list(self.extensions),
        )
        app = build_app(self.ctx)
        self._runner = web.AppRunner(
            app, access_log=None, shutdown_timeout=SHUTDOWN_TIMEOUT, handle_signals=False
        )
        raise_fd_limit()
        quiet_accept_errors(asyncio.get_running_loop())
        await self._runner.setup()
        answer_errors_as_json(self._runner, self.ctx)
        await self.stop_waiting()  # the real site takes the port over
        await self._listen(self.config.bind, self.config.port)
        if tls_context is not None:
            assert self.ctx.tls_port is not None
            await self._listen_tls(self.config.bind, self.ctx.tls_port, tls_context)
        self.start_tasks()

    async def _listen_tls(self, bind: str, port: int, context: Any) -> None:
        """The API (and ingest, for clients that can) over TLS on its own port."""
        assert self._runner is not None
        try:
            site = self._site_for(bind, port, context)
            await site.start()
        except OSError as exc:
            if exc.errno in (errno.EADDRINUSE, getattr(errno, "WSAEADDRINUSE", -1)):
                raise PortInUse(bind, port) from exc
            raise
        self._tls_site = site
        self.tls_port = port
        log.info("listening with TLS on %s:%d", bind or "*", port)

    def _site_for(
        self, bind: str, port: int, context: Any = None, runner: web.AppRunner | None = None
    ) -> web.BaseSite:
        runner = runner or self._runner
        assert runner is not None
        if bind == "::" and socket.has_dualstack_ipv6():
            # "::" means every address, IPv4 boxes included: asyncio would make the
            # socket IPv6-only, so make it ourselves with IPV6_V6ONLY off.
            sock = socket.create_server(
                ("::", port), family=socket.AF_INET6, dualstack_ipv6=True, backlog=LISTEN_BACKLOG
            )
            return web.SockSite(runner, sock, ssl_context=context, backlog=LISTEN_BACKLOG)
        return web.TCPSite(
            runner, bind or None, port, reuse_address=True, ssl_context=context,
            backlog=LISTEN_BACKLOG,
        )  # fmt: skip

    async def listen_while_waiting(self, reason: str) -> None:
        """Answer 503 + Retry-After on the port until ``start`` opens the store.

        Boxes then keep their events and resend them instead of seeing "connection
        refused"; ``/api/health`` says the receiver waits for its database. A port
        that cannot be had is left to ``start`` to report (its usual error).
        """
        self._waiting_reason = reason
        if self._waiting is not None or self._site is not None:
            return
        bind = self.config.bind
        if self.config.port == 0:
            # The real site must come up on the same port: choose it now.
            self.config.port = free_port(bind)
        waiting = WaitingSite(lambda: self._waiting_reason)
        try:
            await waiting.start(
                lambda runner: self._site_for(bind, self.config.port, runner=runner)
            )
        except OSError as exc:
            log.warning("cannot answer on port %d while waiting: %s", self.config.port, exc)
            return
        self._waiting = waiting

    async def stop_waiting(self) -> None:
        """Close the 503 placeholder (the real site starts, or the wait is given up)."""
        waiting, self._waiting = self._waiting, None
        if waiting is not None:
            await waiting.stop()

    def start_tasks(self) -> None:
        """Start the background tasks once (also after a start that could not listen)."""
        if self._running_tasks:
            return
        if self.pipeline is not None:
            self._running_tasks.append(asyncio.ensure_future(self.pipeline.thumbnails.run()))
        for task in self.tasks:
            self._running_tasks.append(asyncio.ensure_future(task(self)))

    async def _listen(self, bind: str, port: int) -> None:
        assert self._runner is not None
        if port == 0:
            # With every interface, the IPv4 and IPv6 sockets would each get their own
            # ephemeral port; choose one first so all sockets share it.
            port = free_port(bind)
        site: web.BaseSite
        try:
            site = self._site_for(bind, port)
            await site.start()
        except OSError as exc:
            if exc.errno in (errno.EADDRINUSE, getattr(errno, "WSAEADDRINUSE", -1)) or (
                "address already in use" in str(exc).lower()
            ):
                self.publish(
                    ServerStateChanged("port_in_use", bind, port, str(PortInUse(bind, port)))
                )
                raise PortInUse(bind, port) from exc
            self.publish(ServerStateChanged("error", bind, port, str(exc)))
            raise
        self._site = site
        server = site._server
        sockets = getattr(server, "sockets", None) or []
        self.port = sockets[0].getsockname()[1] if sockets else port
        log.info("listening on %s:%d", bind or "*", self.port)
        self.publish(ServerStateChanged("listening", bind, self.port))

    async def relisten(self, bind: str, port: int) -> None:
        """Move (or, after a port clash, start) the listener; nothing else restarts.

        If the new address cannot be had while we were listening, the old one is
        taken back (the boxes keep reaching us) and the error is raised.
        """
        old = (self.config.bind, self.port or self.config.port) if self._site else None
        if self._site is not None:
            await self._site.stop()
            self._site = None
        try:
            await self._listen(bind, port)
        except OSError:
            if old is not None:
                with contextlib.suppress(OSError):
                    await self._listen(*old)
            raise
        self.config.bind, self.config.port = bind, port
        self.start_tasks()

    async def stop(self) -> None:
        """Stop accepting, give uploads in flight a moment, stop tasks, close the store."""
        started = time.monotonic()
        for task in self._running_tasks:
            task.cancel()
        for task in self._running_tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._running_tasks.clear()
        await self.stop_waiting()
        if self._runner is not None:
            if self.ctx is not None:
                abort_large_uploads(self.ctx)
            for site in list(self._runner.sites):
                await site.stop()  # no new connections from here on
            await asyncio.sleep(0)  # requests already read reach their handler
            if self.ctx is not None:
                abort_large_uploads(self.ctx)
            await self._runner.cleanup()
            self._runner = None
            self._site = None
            self._tls_site = None
        if self.ctx is not None:
            for task in list(self.ctx.background):
                task.cancel()
        if self.pipeline is not None:
            self.pipeline.close()
        served = time.monotonic()
        if self._store is not None and self._owns_store:
            self._store.close()
        log.info(
            "stopped in %.2f s (requests in flight %.2f s, store %.2f s)",
            time.monotonic() - started, served - started, time.monotonic() - served,
        )  # fmt: skip
        self.publish(ServerStateChanged("stopped", self.config.bind, self.port or self.config.port))


#: Seconds between attempts to open a PostgreSQL store whose server cannot be reached.
STORE_RETRY_DELAYS = (1.0, 2.0, 5.0, 10.0, 20.0, 30.0)


async def start_when_store_reachable(
    receiver: Receiver,
    stop: asyncio.Event,
    on_unreachable: Callable[[str, float], None] | None = None,
    delays: tuple[float, ...] | None = None,
) -> bool:
    """``receiver.start()``, tried again with backoff while its database cannot be reached.

    True once listening; False when ``stop`` was set first. A store that cannot
    be opened for another reason (password, no such database) raises at once.
    Until the store opens the port answers every request 503 with Retry-After
    (``gui.core.waiting_site``): boxes keep their events and resend them, and
    ``/api/health`` says the receiver waits for its database.
    ``on_unreachable(message, delay)`` hears every failed attempt; it is also
    announced as ``ServerStateChanged("store_unreachable")`` for windows.
    """
    attempt = 0
    if receiver.config.store:
        await receiver.listen_while_waiting("connecting to the database")
    while True:
        try:
            await receiver.start()
            return True
        except Exception as exc:
            location = receiver.config.store
            if not location or not store_unreachable(exc):
                await receiver.stop_waiting()
                raise
            steps = delays or STORE_RETRY_DELAYS
            delay = steps[min(attempt, len(steps) - 1)]
            attempt += 1
            message = unreachable_message(location, exc)
            log.warning("%s; trying again in %.0f s", message, delay)
            await receiver.listen_while_waiting(message)
            config = receiver.config
            receiver.publish(
                ServerStateChanged("store_unreachable", config.bind, config.port, message)
            )
            if on_unreachable is not None:
                on_unreachable(message, delay)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), delay)
            if stop.is_set():
                await receiver.stop_waiting()
                return False


class StoreUnreachable(ConnectionError):
    """The receiver's PostgreSQL server cannot be reached yet; it keeps trying by itself."""


class ReceiverThread:
    """Runs a ``Receiver`` on its own loop in a background thread (the desktop app's way).

    With ``survive_port_in_use`` a taken port does not end the thread: the store
    stays open and the tasks run (the window can still show history), ``error``
    holds the ``PortInUse`` and ``receiver.relisten`` can start listening later.
    """

    def __init__(
        self,
        receiver: Receiver,
        *,
        survive_port_in_use: bool = False,
        wait_for_store: bool = False,
    ) -> None:
        self.receiver = receiver
        self.survive_port_in_use = survive_port_in_use
        #: A PostgreSQL server that cannot be reached does not end the thread: ``start``
        #: returns with ``error`` a ``StoreUnreachable`` and the thread keeps trying.
        self.wait_for_store = wait_for_store
        self.loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._started = threading.Event()
        self._stop: asyncio.Event | None = None
        self.error: BaseException | None = None
        #: Set (under the lock) once the loop takes no more work: see ``_finish``.
        self._closing = False
        self._submit_lock = threading.Lock()

    def start(self, timeout: float = 10.0) -> None:
        """Start and wait until listening; raises what starting raised (e.g. PortInUse)."""
        self._thread = threading.Thread(target=self._run, name="gatewatch-core", daemon=True)
        self._thread.start()
        if not self._started.wait(timeout):
            raise TimeoutError("receiver did not start in time")
        if self.error is not None:
            raise self.error

    def _run(self) -> None:
        self.loop = asyncio.new_event_loop()
        asyncio.set_event_loop(self.loop)
        try:
            self.loop.run_until_complete(self._main())
        finally:
            try:
                self._finish()
            finally:
                self.loop.close()

    def _finish(self) -> None:
        """Refuse new work, then end what was handed over as the loop stopped.

        A window asking for something just as the core stops (a page refreshing on
        its timer) scheduled a coroutine the closed loop never ran: "coroutine was
        never awaited", and a caller waiting on its future waited in vain. Now such
        work is cancelled (its future says so) and later work is refused at once.
        """
        assert self.loop is not None
        with self._submit_lock:
            self._closing = True
        loop = self.loop
        loop.run_until_complete(asyncio.sleep(0))  # handed-over coroutines become tasks
        pending = asyncio.all_tasks(loop)
        for task in pending:
            task.cancel()
        if pending:
            loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))

    async def _main(self) -> None:
        self._stop = asyncio.Event()
        try:
            if self.wait_for_store:
                if not await start_when_store_reachable(
                    self.receiver, self._stop, self._store_unreachable
                ):
                    return  # stopped before the database came back
                self.error = None
            else:
                await self.receiver.start()
        except PortInUse as exc:
            self.error = exc
            if not self.survive_port_in_use:
                self._started.set()
                with contextlib.suppress(Exception):
                    await self.receiver.stop()
                return
            self.receiver.start_tasks()
        except BaseException as exc:
            self.error = exc
            self._started.set()
            with contextlib.suppress(Exception):
                await self.receiver.stop()
            return
        self._started.set()
        await self._stop.wait()
        await self.receiver.stop()

    def _store_unreachable(self, message: str, delay: float) -> None:
        if not self._started.is_set():
            self.error = StoreUnreachable(message)
            self._started.set()  # the window opens now and says so; the retries go on

    async def relisten(self, bind: str, port: int) -> None:
        """``Receiver.relisten`` that also clears a start-time port clash; on the core loop."""
        await self.receiver.relisten(bind, port)
        self.error = None

    @property
    def alive(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def call(self, coro_factory: Callable[[], Any], timeout: float = 10.0) -> Any:
        """Run a coroutine on the core loop from another thread and wait for its result."""
        return self.submit(coro_factory).result(timeout)

    def submit(self, coro_factory: Callable[[], Any]) -> Any:
        """Like ``call`` but returns the concurrent future instead of waiting.

        Raises RuntimeError once the core has stopped (the coroutine is never made).
        """
        assert self.loop is not None
        with self._submit_lock:
            if self._closing or self.loop.is_closed():
                raise RuntimeError("the core has stopped")
            return asyncio.run_coroutine_threadsafe(coro_factory(), self.loop)

    def stop(self, timeout: float = 5.0) -> None:
        if self.loop is None or self._thread is None:
            return
        if self._stop is not None and not self.loop.is_closed():
            self.loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(timeout)


def free_port(bind: str = "127.0.0.1") -> int:
    """An ephemeral port free right now on ``bind`` ("" = every interface)."""
    family = socket.AF_INET6 if ":" in bind else socket.AF_INET
    with socket.socket(family) as s:
        s.bind((bind, 0))
        return s.getsockname()[1]
