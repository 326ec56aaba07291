"""``gatewatch --headless`` as a process: serves, stops on signals, explains a busy port.

Run as a subprocess because signal handling, exit codes and what lands on
stderr are exactly what is under test.
"""

from __future__ import annotations

import http.client
import json
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.conftest import load_sample
from tests.core.procs import ROOT, Headless

pytestmark = pytest.mark.timeout(60)

#: The issue's promise: SIGINT/SIGTERM stop the receiver within this, uploads in flight or not.
STOP_WITHIN = 3.0


class SlowUpload:
    """A box on a bad link: announces a large body and trickles it in small pieces."""

    def __init__(self, port: int, *, chunked: bool) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        self.chunked = chunked
        self.sent = 0
        self.stopped = threading.Event()
        framing = (
            b"Transfer-Encoding: chunked\r\n" if chunked else b"Content-Length: %d\r\n" % (20 << 20)
        )
        self.sock.sendall(
            b"POST /EventServer/api/HistoryEvent HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: application/json\r\n" + framing + b"\r\n"
        )
        self.thread = threading.Thread(target=self._trickle, daemon=True)
        self.thread.start()

    def _trickle(self) -> None:
        piece = b"[" + b" " * 16383
        while not self.stopped.is_set():
            data = b"%x\r\n%s\r\n" % (len(piece), piece) if self.chunked else piece
            try:
                self.sock.sendall(data)
            except OSError:
                return
            self.sent += len(piece)
            piece = b" " * 16384
            time.sleep(0.02)

    def close(self) -> None:
        self.stopped.set()
        self.thread.join(5)
        self.sock.close()


def _post_sample(server: Headless) -> int:
    conn = server.connection()
    try:
        body = json.dumps(load_sample("employee_match")).encode()
        conn.request("POST", "/EventServer/api/HistoryEvent", body)
        resp = conn.getresponse()
        resp.read()
        return resp.status
    finally:
        conn.close()


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_serves_then_stops_cleanly_with_uploads_in_flight(tmp_path: Path, sig: int) -> None:
    server = Headless(tmp_path / "data")
    uploads: list[SlowUpload] = []
    try:
        port = server.wait_listening()
        health = server.get_json("/api/health")
        assert health["status"] == "ok"
        assert health["events"] == 0
        assert _post_sample(server) == 200

        uploads = [SlowUpload(port, chunked=False), SlowUpload(port, chunked=True)]
        while min(u.sent for u in uploads) < 64 * 1024:  # the server is reading them
            time.sleep(0.01)
        assert server.proc.poll() is None

        signalled = time.monotonic()
        server.signal(sig)
        try:
            code = server.wait(STOP_WITHIN)
        except subprocess.TimeoutExpired:
            pytest.fail(f"still running {STOP_WITHIN} s after {sig!r}:\n{server.stderr()}")
        took = time.monotonic() - signalled
    finally:
        for upload in uploads:
            upload.close()
        server.ensure_dead()

    assert code == 0, server.stderr()
    assert took < STOP_WITHIN
    assert "Traceback" not in server.stderr()
    # Stopped cleanly: the database is sound and holds what was acknowledged.
    db = sqlite3.connect(tmp_path / "data" / "gatewatch.sqlite3")
    try:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert db.execute("SELECT count(*) FROM events").fetchone() == (1,)
    finally:
        db.close()


def test_port_in_use_is_one_line_and_exit_code_2(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        args = [sys.executable, "-m", "gui", "--headless", "--bind", "127.0.0.1"]
        args += ["--port", str(port), "--data-dir", str(tmp_path / "data")]
        result = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=30)

    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    # Log records start with a date; anything else on stderr is the message for the user.
    message = [
        line for line in result.stderr.splitlines() if line.strip() and not line[:2].isdigit()
    ]
    assert len(message) == 1, result.stderr
    line = message[0]
    assert str(port) in line
    assert "in use" in line
    assert "--port" in line  # says what to do


@pytest.mark.alone  # a shutdown budget: measured with no other test beside it
def test_sigterm_with_large_uploads_being_handled_stops_in_time_and_loses_nothing_acked(
    tmp_path: Path,
) -> None:
    """Six 30 MB uploads received, parsed and stored at once, retried after a 503 like a
    box does; SIGTERM once one is acknowledged. It took over 4 s with ten 60 MB uploads."""
    server = Headless(tmp_path / "data")
    acked: list[int] = []
    blob = "QUJD" * (30 * 1024 * 1024 // 4)

    def upload(n: int, port: int) -> None:
        body = json.dumps(dict(load_sample("stranger"), identity_id=f"big-{n}", extra=blob))
        while True:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            try:
                conn.request("POST", "/EventServer/api/HistoryEvent", body.encode())
                status = conn.getresponse().status
            except (OSError, http.client.HTTPException):
                return  # the receiver is gone
            finally:
                conn.close()
            if status == 200:
                acked.append(n)
            if status != 503:
                return
            time.sleep(0.5)

    threads: list[threading.Thread] = []
    try:
        port = server.wait_listening()
        threads = [threading.Thread(target=upload, args=(n, port), daemon=True) for n in range(6)]
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 40
        while not acked and time.monotonic() < deadline:
            time.sleep(0.02)
        assert acked, server.stderr()
        assert sum(t.is_alive() for t in threads) >= 3  # still in flight
        signalled = time.monotonic()
        server.signal(signal.SIGTERM)
        try:
            code = server.wait(10)
        except subprocess.TimeoutExpired:
            pytest.fail(f"still running 10 s after SIGTERM:\n{server.stderr()}")
        took = time.monotonic() - signalled
    finally:
        server.ensure_dead()
        for thread in threads:
            thread.join(10)

    assert code == 0, server.stderr()
    assert "Traceback" not in server.stderr()
    # Within the 3 s promise with room to spare: 1.2-1.5 s measured on a busy 2-core VM,
    # 2.3-3.3 s before large uploads stopped holding the shutdown's grace period.
    assert took < STOP_WITHIN - 0.75, f"SIGTERM took {took:.2f} s"
    db = sqlite3.connect(tmp_path / "data" / "gatewatch.sqlite3")
    try:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        stored = {row[0] for row in db.execute("SELECT identity_id FROM events")}
    finally:
        db.close()
    assert {f"big-{n}" for n in acked} <= stored


def test_the_receiver_sets_its_startup_heap_aside_from_full_collections(tmp_path: Path) -> None:
    """A full collection walks every object alive, most of them made at startup, while
    holding the GIL (tens of ms on a 2-core PC during large uploads): once the headless
    receiver is up, what lives then is frozen and later collections skip it."""
    import asyncio
    import gc

    from gui.core.receiver import Receiver, ReceiverConfig
    from gui.headless import serve

    frozen_while_serving: list[int] = []

    async def main() -> None:
        receiver = Receiver(ReceiverConfig(data_dir=tmp_path, port=0, bind="127.0.0.1"))
        stop = asyncio.Event()
        serving = asyncio.create_task(serve(receiver, stop))
        for _ in range(200):
            if gc.get_freeze_count():
                break
            await asyncio.sleep(0.05)
        frozen_while_serving.append(gc.get_freeze_count())
        stop.set()
        await serving

    gc.unfreeze()
    try:
        asyncio.run(main())
    finally:
        gc.unfreeze()
    assert frozen_while_serving[0] > 10_000
