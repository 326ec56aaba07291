"""Runs the server, the store and the background tasks on one asyncio loop.

``--headless`` runs ``Receiver`` on the main thread's loop; the desktop app runs
the very same object on a background thread (``ReceiverThread``), so the GUI
being busy never costs a box its 0.5 s real-time window. Listeners get plain
immutable objects on the core thread and must return quickly.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import errno
import logging
import socket
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import web

from gui.core import images, ingest
from gui.core.event_rows import StoredEvent, store_face_thumb
from gui.core.server import ServerContext, build_app, parse_networks
from gui.core.store import Store

log = logging.getLogger(__name__)

Listener = Callable[[object], None]
#: How long in-flight uploads get to finish when stopping.
SHUTDOWN_TIMEOUT = 1.5
#: Thumbnails waiting beyond this are skipped (made on demand later instead).
MAX_PENDING_THUMBS = 500
#: Per-image thumbnails wait for a moment with no upload being handled (the boxes'
#: replies come first); under a flood, still one event's worth per this many seconds.
THUMB_IDLE_EVERY = 1.0
#: Events whose per-image thumbnails may wait; beyond this the oldest are skipped
#: (each holds its decoded photos in memory until then).
MAX_IDLE_THUMBS = 200


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


@dataclass(frozen=True)
class ServerState:
    """Published whenever listening starts or stops, for status bars."""

    state: str  # "listening" | "stopped" | "port_in_use" | "error"
    bind: str
    port: int
    message: str = ""


@dataclass(frozen=True)
class HealthReport:
    """A box's ``/DeviceStatus`` report, as published to listeners."""

    source_ip: str
    received_at: int
    report: dict[str, Any]


class Receiver:
    """One receiver: the store, the HTTP site, and what runs beside them."""

    def __init__(self, config: ReceiverConfig, *, store: Store | None = None) -> None:
        self.config = config
        self._store = store
        self._owns_store = store is None
        self._listeners: list[Listener] = []
        self._runner: web.AppRunner | None = None
        self._site: web.TCPSite | None = None
        self._thumb_pool = ThreadPoolExecutor(1, thread_name_prefix="gatewatch-thumbs")
        self._pending_thumbs = 0
        self._idle_thumbs: collections.deque[tuple[ingest.PreparedEvent, int]] = collections.deque(
            maxlen=MAX_IDLE_THUMBS
        )
        self._idle_thumbs_wake: asyncio.Event | None = None
        self.ctx: ServerContext | None = None
        self.port: int | None = None
        #: Installers of extra routes; extended by feature modules before start.
        self.extensions: list[Callable[[web.Application, ServerContext], None]] = []
        #: Started with the receiver, cancelled when it stops (retention, silence watch...).
        self.tasks: list[Callable[[Receiver], Any]] = []
        self._running_tasks: list[asyncio.Task[Any]] = []

    @property
    def store(self) -> Store:
        if self._store is None:
            raise RuntimeError("receiver not started")
        return self._store

    # -- listeners ---------------------------------------------------------------

    def subscribe(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def unsubscribe(self, listener: Listener) -> None:
        with contextlib.suppress(ValueError):
            self._listeners.remove(listener)

    def publish(self, item: object) -> None:
        if isinstance(item, tuple) and item and item[0] == "health":
            _, report, arrival = item
            item = HealthReport(arrival.source_ip, arrival.received_at, report)
        for listener in list(self._listeners):
            try:
                listener(item)
            except Exception:
                log.exception("listener %r failed", listener)

    # -- lifecycle ---------------------------------------------------------------

    async def start(self) -> None:
        if self._store is None:
            self._store = Store(self.config.data_dir)
        self.ctx = ServerContext(
            store=self._store,
            allow=parse_networks(self.config.allow),
            api_token=self.config.api_token,
            publish=self.publish,
            after_store=self._after_store,
            extensions=list(self.extensions),
        )
        app = build_app(self.ctx)
        self._runner = web.AppRunner(
            app, access_log=None, shutdown_timeout=SHUTDOWN_TIMEOUT, handle_signals=False
        )
        await self._runner.setup()
        await self._listen(self.config.bind, self.config.port)
        self.start_tasks()

    def start_tasks(self) -> None:
        """Start the background tasks once (also after a start that could not listen)."""
        if self._running_tasks:
            return
        self._idle_thumbs_wake = asyncio.Event()
        self._running_tasks.append(asyncio.ensure_future(self._make_idle_thumbs()))
        for task in self.tasks:
            self._running_tasks.append(asyncio.ensure_future(task(self)))

    async def _listen(self, bind: str, port: int) -> None:
        assert self._runner is not None
        if port == 0:
            # With every interface, the IPv4 and IPv6 sockets would each get their own
            # ephemeral port; choose one first so all sockets share it.
            port = free_port(bind)
        site = web.TCPSite(self._runner, bind or None, port, reuse_address=True)
        try:
            await site.start()
        except OSError as exc:
            if exc.errno in (errno.EADDRINUSE, getattr(errno, "WSAEADDRINUSE", -1)) or (
                "address already in use" in str(exc).lower()
            ):
                self.publish(ServerState("port_in_use", bind, port, str(PortInUse(bind, port))))
                raise PortInUse(bind, port) from exc
            self.publish(ServerState("error", bind, port, str(exc)))
            raise
        self._site = site
        server = site._server
        sockets = getattr(server, "sockets", None) or []
        self.port = sockets[0].getsockname()[1] if sockets else port
        log.info("listening on %s:%d", bind or "*", self.port)
        self.publish(ServerState("listening", bind, self.port))

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
        for task in self._running_tasks:
            task.cancel()
        for task in self._running_tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._running_tasks.clear()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
            self._site = None
        if self.ctx is not None:
            for task in list(self.ctx.background):
                task.cancel()
            self.ctx.parse_pool.shutdown(wait=False, cancel_futures=True)
        self._thumb_pool.shutdown(wait=False, cancel_futures=True)
        if self._store is not None and self._owns_store:
            self._store.close()
        self.publish(ServerState("stopped", self.config.bind, self.port or self.config.port))

    # -- after the reply ---------------------------------------------------------

    def _after_store(self, stored: list[StoredEvent], prepared: ingest.Prepared) -> None:
        """The face thumbnail the live feed waits for now; the per-image ones when idle."""
        for result, p in zip(stored, prepared.events, strict=True):
            if result.outcome == "duplicate" or not p.images:
                continue
            self._idle_thumbs.append((p, result.summary.id))
            if p.face_thumb is not None:  # stored with the event
                continue
            if self._pending_thumbs >= MAX_PENDING_THUMBS:
                continue
            self._pending_thumbs += 1
            fut = self._thumb_pool.submit(_make_face_thumb, p, result.summary.id)
            fut.add_done_callback(self._thumbs_made)
        if self._idle_thumbs and self._idle_thumbs_wake is not None:
            self._idle_thumbs_wake.set()

    async def _make_idle_thumbs(self) -> None:
        """Per-image thumbnails (history, ``?thumb=1``), newest event first.

        A 1080p scene's thumbnail costs more CPU than storing the event, so these
        wait until no upload is being handled: under a flood of uploads the boxes'
        replies keep their speed and the thumbnails catch up afterwards.
        """
        assert self._idle_thumbs_wake is not None
        loop = asyncio.get_running_loop()
        last = loop.time()
        while True:
            if not self._idle_thumbs:
                self._idle_thumbs_wake.clear()
                await self._idle_thumbs_wake.wait()
                continue
            busy = self.ctx is not None and self.ctx.ingesting > 0
            if busy and loop.time() - last < THUMB_IDLE_EVERY:
                await asyncio.sleep(0.02)
                continue
            p, event_id = self._idle_thumbs.pop()
            try:
                job = await loop.run_in_executor(self._thumb_pool, _make_image_thumbs, p, event_id)
            except RuntimeError:  # the pool was shut down: stopping
                return
            except Exception as exc:
                log.warning("thumbnails of event %d failed: %s", event_id, exc)
                continue
            last = loop.time()
            if self._store is not None:
                self._store.submit(job)

    def _thumbs_made(self, fut: Any) -> None:
        self._pending_thumbs -= 1
        if fut.cancelled() or fut.exception() is not None:
            if not fut.cancelled():
                log.warning("thumbnail failed: %s", fut.exception())
            return
        job = fut.result()
        if job is not None and self._store is not None:
            self._store.submit(job)


def _make_image_thumbs(p: ingest.PreparedEvent, event_id: int):  # -> writer job
    """A thumbnail of each image of the event."""
    thumbs = {}
    for img in p.images:
        try:
            thumbs[img.kind] = images.make_thumbnail(img.data)
        except Exception as exc:  # a picture Pillow cannot decode fully: no thumbnail
            log.debug("no thumbnail for %s of event %d: %s", img.kind, event_id, exc)

    def job(conn: Any) -> None:
        for kind, data in thumbs.items():
            conn.execute(
                "UPDATE images SET thumb = ? WHERE event_id = ? AND kind = ?",
                (data, event_id, kind),
            )

    return job


def _make_face_thumb(p: ingest.PreparedEvent, event_id: int):  # -> writer job or None
    """The face thumbnail the feed shows."""
    face = face_thumbnail(p.images, p.event.face_box)
    if face is None:
        return None

    def job(conn: Any) -> None:
        store_face_thumb(conn, event_id, face)

    return job


def face_thumbnail(decoded: list[Any], face_box: Any) -> bytes | None:
    """The face crop if the box sent one, else the box region of the scene."""
    by_kind = {i.kind: i for i in decoded}
    try:
        as_is = images.face_crop_as_is(decoded)
        if as_is is not None:
            return as_is
        if "recognize_face" in by_kind:
            return images.make_thumbnail(by_kind["recognize_face"].data, size=128)
        if "spot_pic" in by_kind:
            return images.make_thumbnail(by_kind["spot_pic"].data, box=face_box, size=128)
        if "reg_pic" in by_kind:
            return images.make_thumbnail(by_kind["reg_pic"].data, size=128)
    except Exception as exc:
        log.debug("no face thumbnail: %s", exc)
    return None


class ReceiverThread:
    """Runs a ``Receiver`` on its own loop in a background thread (the desktop app's way).

    With ``survive_port_in_use`` a taken port does not end the thread: the store
    stays open and the tasks run (the window can still show history), ``error``
    holds the ``PortInUse`` and ``receiver.relisten`` can start listening later.
    """

    def __init__(self, receiver: Receiver, *, survive_port_in_use: bool = False) -> None:
        self.receiver = receiver
        self.survive_port_in_use = survive_port_in_use
        self.loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._started = threading.Event()
        self._stop: asyncio.Event | None = None
        self.error: BaseException | None = None

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
            self.loop.close()

    async def _main(self) -> None:
        self._stop = asyncio.Event()
        try:
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

    async def relisten(self, bind: str, port: int) -> None:
        """``Receiver.relisten`` that also clears a start-time port clash; on the core loop."""
        await self.receiver.relisten(bind, port)
        self.error = None

    @property
    def alive(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def call(self, coro_factory: Callable[[], Any], timeout: float = 10.0) -> Any:
        """Run a coroutine on the core loop from another thread and wait for its result."""
        assert self.loop is not None
        fut = asyncio.run_coroutine_threadsafe(coro_factory(), self.loop)
        return fut.result(timeout)

    def submit(self, coro_factory: Callable[[], Any]) -> Any:
        """Like ``call`` but returns the concurrent future instead of waiting."""
        assert self.loop is not None
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
