"""Following ``/api/stream`` from an attached core: live, reconnect, catch-up, refusals."""

from __future__ import annotations

import asyncio
import copy
import threading
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from gui.core import messages
from gui.core.attached import AttachedCore
from gui.core.receiver import Receiver, ReceiverConfig, ReceiverThread
from gui.core.remote_client import RemoteServer
from gui.core.remote_stream import SseEvent, read_events
from gui.settings import Settings
from tests.conftest import Client, load_sample, wait_for

HISTORY = "/EventServer/api/HistoryEvent"
_unique = iter(range(1, 10**9))
#: Last-Event-ID headers a stand-in stream was opened with.
IDS = web.AppKey("ids", list)


def fresh(name: str = "stranger") -> dict[str, Any]:
    event = copy.deepcopy(load_sample(name))
    event["timestamp"] = int(time.time() * 1000) - next(_unique)
    return event


def start_receiver(data_dir: Path, port: int = 0) -> ReceiverThread:
    from gui.core import features

    rec = Receiver(ReceiverConfig(data_dir=data_dir, port=port, bind="127.0.0.1"))
    features.install(rec, Settings())
    thread = ReceiverThread(rec)
    thread.start()
    return thread


class Seen:
    """What an attached core announced, collected on its loop thread."""

    def __init__(self, core: AttachedCore) -> None:
        self.lock = threading.Lock()
        self.items: list[Any] = []
        for t in (*messages.MESSAGE_TYPES, *messages.LOCAL_MESSAGE_TYPES):
            core.subscribe(t, self.add)

    def add(self, message: Any) -> None:
        with self.lock:
            self.items.append(message)

    def of(self, kind: type) -> list[Any]:
        with self.lock:
            return [m for m in self.items if isinstance(m, kind)]

    def event_ids(self) -> list[int]:
        return [m.summary.id for m in self.of(messages.EventStored) if not m.summary.merged]

    def states(self) -> list[str]:
        return [m.state for m in self.of(messages.ConnectionChanged)]


@pytest.fixture
def attach(tmp_path: Path) -> Iterator[Any]:
    threads: list[ReceiverThread] = []

    def make(url: str | RemoteServer) -> tuple[AttachedCore, Seen]:
        server = RemoteServer.parse(url) if isinstance(url, str) else url
        core = AttachedCore(server, data_dir=tmp_path / "me")
        seen = Seen(core)
        thread = ReceiverThread(core)
        thread.start()
        threads.append(thread)
        return core, seen

    def stop_all() -> None:
        while threads:
            threads.pop().stop()

    make.stop_all = stop_all  # type: ignore[attr-defined]
    yield make
    stop_all()


def test_live_messages_arrive_as_the_receiver_announced_them(tmp_path: Path, attach: Any) -> None:
    server = start_receiver(tmp_path / "server")
    try:
        port = server.receiver.port
        local: list[messages.EventStored] = []
        server.receiver.subscribe(messages.EventStored, local.append)
        _core, seen = attach(f"http://127.0.0.1:{port}")
        assert wait_for(lambda: "live" in seen.states())
        ids = [Client(port).post_json(HISTORY, fresh(n)).json()["events"][0]["id"]
               for n in ("stranger", "blacklist", "employee_match")]  # fmt: skip
        assert wait_for(lambda: seen.event_ids() == ids)
        assert seen.of(messages.EventStored) == local  # the same frozen messages
        # The blacklist hit raised an alarm; its thumbnail and request log came too.
        assert wait_for(lambda: seen.of(messages.AlarmChanged))
        assert wait_for(lambda: {m.event_id for m in seen.of(messages.FaceThumbReady)} >= set(ids))
        assert wait_for(lambda: len(seen.of(messages.RequestLogged)) >= 3)
    finally:
        server.stop()


def test_a_restarted_receiver_is_caught_up_without_losing_or_repeating(
    tmp_path: Path, attach: Any
) -> None:
    server = start_receiver(tmp_path / "server")
    port = server.receiver.port
    core, seen = attach(f"http://127.0.0.1:{port}")
    try:
        assert wait_for(lambda: "live" in seen.states())
        before = [Client(port).post_json(HISTORY, fresh()).json()["events"][0]["id"]
                  for _ in range(3)]  # fmt: skip
        assert wait_for(lambda: seen.event_ids() == before)
        server.stop()
        assert wait_for(lambda: "disconnected" in seen.states())
        server = start_receiver(tmp_path / "server", port)
        # Stored while the window was not following yet: caught up from the store.
        during = [Client(port).post_json(HISTORY, fresh()).json()["events"][0]["id"]
                  for _ in range(2)]  # fmt: skip
        assert wait_for(lambda: seen.states()[-1] == "live", timeout=30)
        after = [Client(port).post_json(HISTORY, fresh()).json()["events"][0]["id"]]
        assert wait_for(lambda: seen.event_ids() == before + during + after, timeout=20), (
            seen.event_ids()
        )
        assert core.follower.connects >= 2
    finally:
        server.stop()


def test_a_receiver_that_is_down_is_said_so_with_the_next_try(tmp_path: Path, attach: Any) -> None:
    from gui.core.receiver import free_port

    _core, seen = attach(f"http://127.0.0.1:{free_port()}")
    assert wait_for(lambda: "disconnected" in seen.states())
    down = next(m for m in seen.of(messages.ConnectionChanged) if m.state == "disconnected")
    assert "nothing answers at that port" in down.message
    assert down.retry_in is not None and 0 < down.retry_in <= 1.0
    # It keeps trying, waiting longer each time.
    assert wait_for(lambda: seen.states().count("disconnected") >= 3, timeout=15)
    retries = [m.retry_in for m in seen.of(messages.ConnectionChanged)
               if m.state == "disconnected"]  # fmt: skip
    assert retries[2] > retries[0]


async def _refusing(request: web.Request) -> web.Response:
    body = b'{"code": 401, "status": 401, "message": "missing or wrong API token"}'
    return web.Response(status=401, body=body, content_type="application/json")


async def _cutting(request: web.Request) -> web.StreamResponse:
    """A stream that sends one message then cuts this client, noting Last-Event-ID."""
    request.app[IDS].append(request.headers.get("Last-Event-ID"))
    resp = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
    await resp.prepare(request)
    n = len(request.app[IDS])
    await resp.write(f'id: 7-0-ab-{n}\nevent: hello\ndata: {{"mode": "live"}}\n\n'.encode())
    await resp.write(b'event: storage_state_changed\ndata: {"ok": true, "message": "m"}\n\n')
    await resp.write(b'event: cut\ndata: {"reason": "too far behind"}\n\n')
    return resp


class TinyServer:
    """An aiohttp app on its own loop thread (stand-in receivers for edge cases)."""

    def __init__(self, routes: dict[str, Any]) -> None:
        self.app = web.Application()
        self.app[IDS] = []
        for path, handler in routes.items():
            self.app.router.add_get(path, handler)
        self.loop = asyncio.new_event_loop()
        self.port = 0
        ready = threading.Event()

        def run() -> None:
            asyncio.set_event_loop(self.loop)
            self.runner = web.AppRunner(self.app, shutdown_timeout=0.5)
            self.loop.run_until_complete(self.runner.setup())
            site = web.TCPSite(self.runner, "127.0.0.1", 0)
            self.loop.run_until_complete(site.start())
            self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
            ready.set()
            self.loop.run_forever()

        self.thread = threading.Thread(target=run, daemon=True)
        self.thread.start()
        ready.wait(10)

    def stop(self) -> None:
        async def down() -> None:
            # As Receiver.stop and ReceiverThread: no listener, one turn for what was
            # accepted, the cleanup, then whatever the cleanup left running is ended on
            # this loop (stopping the loop under it left its sockets open).
            for site in list(self.runner.sites):
                await site.stop()
            await asyncio.sleep(0)
            await self.runner.cleanup()
            others = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in others:
                task.cancel()
            await asyncio.gather(*others, return_exceptions=True)
            await asyncio.sleep(0)

        asyncio.run_coroutine_threadsafe(down(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
        self.loop.close()


def test_a_refused_token_is_said_and_retried_slowly(attach: Any) -> None:
    server = TinyServer({"/api/stream": _refusing})
    try:
        _core, seen = attach(f"http://127.0.0.1:{server.port}")
        assert wait_for(lambda: "refused" in seen.states())
        refused = next(m for m in seen.of(messages.ConnectionChanged) if m.state == "refused")
        assert refused.message == "missing or wrong API token"
        assert refused.retry_in is not None and refused.retry_in >= 20
    finally:
        server.stop()


def test_a_cut_client_resumes_at_once_from_its_last_id(attach: Any) -> None:
    server = TinyServer({"/api/stream": _cutting})
    try:
        _core, seen = attach(f"http://127.0.0.1:{server.port}")
        assert wait_for(lambda: len(server.app[IDS]) >= 3, timeout=5)
        assert server.app[IDS][:3] == [None, "7-0-ab-1", "7-0-ab-2"]
        assert len(seen.of(messages.StorageStateChanged)) >= 2
    finally:
        # The window first: its client reconnects at once after every cut, and a
        # connection accepted while the stand-in server shut down outlived its loop
        # (an unclosed-socket warning in this or a later test).
        attach.stop_all()
        server.stop()


def test_sse_lines_become_events_and_heartbeats() -> None:
    lines = [
        b": keep-alive\n", b"\n",
        b"id: 1-0-e-1\n", b"event: event_stored\n", b'data: {"a":\n', b"data: 1}\n", b"\n",
        b"data: no type\r\n", b"\r\n",
        b"id: bad\0id\n", b"event: x\n", b"data: y\n", b"\n",
        b"event: half\n",  # an unfinished event at the end is dropped
    ]  # fmt: skip

    async def source() -> AsyncIterator[bytes]:
        for line in lines:
            yield line

    async def collect() -> list[Any]:
        return [e async for e in read_events(source())]

    got = asyncio.run(collect())
    assert got == [
        None,
        SseEvent("1-0-e-1", "event_stored", '{"a":\n1}'),
        SseEvent("1-0-e-1", "message", "no type"),
        SseEvent("1-0-e-1", "x", "y"),
    ]


def test_a_self_signed_server_is_read_and_followed_with_its_pin_only(
    tmp_path: Path, attach: Any
) -> None:
    from gui.core import features, pinning, tls

    cert_pem, key_pem = tls.make_self_signed(["localhost", "127.0.0.1"])
    tls.write_pair(tmp_path / "s.crt", tmp_path / "s.key", cert_pem, key_pem)
    pin = pinning.fingerprint(tls.pem_to_der(cert_pem))
    rec = Receiver(ReceiverConfig(
        data_dir=tmp_path / "server", port=0, bind="127.0.0.1",
        tls_cert=str(tmp_path / "s.crt"), tls_key=str(tmp_path / "s.key"), tls_port=0,
    ))  # fmt: skip
    features.install(rec, Settings())
    server = ReceiverThread(rec)
    server.start()
    try:
        url = f"https://127.0.0.1:{rec.tls_port}"
        # Normal verification refuses a self-signed certificate: said, not retried fast.
        _core, refused = attach(url)
        assert wait_for(lambda: "refused" in refused.states())
        why = next(m for m in refused.of(messages.ConnectionChanged) if m.state == "refused")
        assert "certificate" in why.message
        # Another certificate's pin: refused too, in words naming both fingerprints.
        other = pinning.fingerprint(b"not the server's certificate")
        _core, seen_other = attach(RemoteServer.parse(url).with_pin(other))
        assert wait_for(lambda: any(
            "refused" in m.message and other in m.message and pin in m.message
            for m in seen_other.of(messages.ConnectionChanged)
        ))  # fmt: skip
        # The pinned one: read and followed over TLS.
        core, seen = attach(RemoteServer.parse(url).with_pin(pin))
        assert wait_for(lambda: "live" in seen.states())
        event_id = Client(rec.port).post_json(HISTORY, fresh()).json()["events"][0]["id"]
        assert wait_for(lambda: seen.event_ids() == [event_id])
        assert [e.id for e in core.reader.latest_events(5)] == [event_id]
        photo = core.reader.image(event_id, "spot_pic")
        assert photo is not None and photo.data[:2] == b"\xff\xd8"
    finally:
        attach.stop_all()  # the windows first: handshakes in flight end with them
        server.stop()


async def _hanging(request: web.Request) -> web.Response:
    await asyncio.sleep(3600)
    return web.Response()


def test_stopping_ends_reads_waiting_on_a_server_that_stopped_answering() -> None:
    import concurrent.futures

    server = TinyServer({"/api/briefs": _hanging, "/api/stream": _hanging})
    core = AttachedCore(RemoteServer.parse(f"127.0.0.1:{server.port}"))
    thread = ReceiverThread(core)
    thread.start()
    try:
        failed: list[BaseException] = []

        def read() -> None:
            try:
                core.reader.latest_events(10)
            except BaseException as exc:
                failed.append(exc)

        reader = threading.Thread(target=read)
        reader.start()
        time.sleep(0.5)  # the request is out, the server sits on it
        started = time.monotonic()
        thread.stop()
        reader.join(5)
        assert not reader.is_alive() and time.monotonic() - started < 3
        assert isinstance(failed[0], concurrent.futures.CancelledError | asyncio.CancelledError)
        assert thread.loop is not None and thread.loop.is_closed()
    finally:
        thread.stop()
        server.stop()


class SilentTlsServer:
    """Completes TLS handshakes, then never reads: a close_notify is never answered."""

    def __init__(self, cert: Path, key: Path) -> None:
        import socket
        import ssl

        self.context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.context.load_cert_chain(cert, key)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.held: list[Any] = []
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        import contextlib

        while True:
            try:
                sock, _ = self.listener.accept()
            except OSError:
                return  # closed
            with contextlib.suppress(OSError):
                self.held.append(self.context.wrap_socket(sock, server_side=True))

    def close(self) -> None:
        self.listener.close()
        self.thread.join(5)
        for sock in self.held:
            sock.close()


def test_a_refused_pin_leaves_no_socket_open_when_the_window_stops(
    tmp_path: Path, attach: Any
) -> None:
    """The connection refused for its certificate is closed with the window, not leaked.

    aiohttp closes it gracefully (TLS close_notify, then waits for the server's); a
    server slow to answer left its socket open when the loop closed: an unclosed-socket
    warning at teardown, about one full run in eight on a busy machine. Here the server
    never answers.
    """
    import gc
    import warnings

    from gui.core import pinning, tls

    cert_pem, key_pem = tls.make_self_signed(["127.0.0.1"])
    tls.write_pair(tmp_path / "s.crt", tmp_path / "s.key", cert_pem, key_pem)
    server = SilentTlsServer(tmp_path / "s.crt", tmp_path / "s.key")
    try:
        other = pinning.fingerprint(b"not the server's certificate")
        url = RemoteServer.parse(f"https://127.0.0.1:{server.port}").with_pin(other)
        _core, seen = attach(url)
        assert wait_for(lambda: "refused" in seen.states())
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", ResourceWarning)
            attach.stop_all()
            gc.collect()
        leaks = [str(w.message) for w in caught if issubclass(w.category, ResourceWarning)]
        assert not leaks, leaks
    finally:
        server.close()


def _stop_as_a_late_read_arrives(port: int) -> Any:
    """An attached core stopped while a read reaches its loop after the client closed;
    the read's future. Nothing of the core is left referenced when this returns."""
    core = AttachedCore(RemoteServer.parse(f"127.0.0.1:{port}"))
    client = core.client
    close = client.close
    late: list[Any] = []

    async def close_then_a_late_read() -> None:
        await close()
        # What a worker thread's RemoteReader call does, arriving just now.
        loop = asyncio.get_running_loop()
        late.append(asyncio.run_coroutine_threadsafe(client.get_json("/api/briefs"), loop))

    client.close = close_then_a_late_read  # type: ignore[method-assign]
    thread = ReceiverThread(core)
    thread.start()
    thread.stop()
    assert thread.loop is not None and thread.loop.is_closed()
    return late[0]


def test_a_read_handed_over_as_the_core_stops_leaves_no_session_open() -> None:
    """A page refreshing just as the window closes gets an error, and opens nothing.

    Its read reached the core loop after the client had closed its session: the
    client opened a new one for it, which nothing closed ("Unclosed client session"
    when collected, about one attached journey in 150 under load).
    """
    import gc
    import warnings

    from gui.core.remote_client import RemoteError

    server = TinyServer({"/api/briefs": _hanging, "/api/stream": _hanging})
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", ResourceWarning)
            late = _stop_as_a_late_read_arrives(server.port)
            assert late.done()
            assert late.cancelled() or isinstance(late.exception(), RemoteError)
            del late
            gc.collect()
        leaks = [str(w.message) for w in caught if issubclass(w.category, ResourceWarning)]
        assert not leaks, leaks
    finally:
        server.stop()
