"""Hostile and heavy bodies over real HTTP: oversize, decompression bombs, concurrency.

An oversize body must be refused before it is read (a box on a slow link would
otherwise tie the receiver up, and 70 MiB must never sit in memory); a bomb
must cost an image, never the event or the process; concurrent posters must
each get their 200 and every event must be stored exactly once.
"""

from __future__ import annotations

import base64
import json
import resource
import socket
import struct
import threading
import time
import zlib
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from tests.conftest import Client, load_sample
from tests.core.procs import unique_event

pytestmark = pytest.mark.timeout(60)

MiB = 1 << 20
LIMIT = 64 * MiB


# ------------------------------------------------------------------ oversize bodies


def _read_reply(sock: socket.socket) -> tuple[int, dict[str, Any]]:
    """One HTTP/1.1 response with a Content-Length body, read off a raw socket."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            raise AssertionError(f"connection closed before a reply: {data!r}")
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {k.strip().lower(): v.strip() for k, v in (x.split(":", 1) for x in lines[1:])}
    length = int(headers["content-length"])
    while len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        body += chunk
    assert headers["content-type"].startswith("application/json"), headers
    return status, json.loads(body[:length])


class Sender:
    """Streams a body on a raw socket until the server answers (or it is all sent)."""

    def __init__(self, port: int, head: bytes) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=20)
        self.sock.sendall(head)
        self.sent = 0
        self.reply: tuple[int, dict[str, Any]] | None = None
        self.replied = threading.Event()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        try:
            self.reply = _read_reply(self.sock)
        finally:
            self.replied.set()

    def stream(self, pieces: int, piece: bytes, pause: float = 0.0) -> None:
        for _ in range(pieces):
            if self.replied.is_set():
                return
            try:
                self.sock.sendall(piece)
            except OSError:  # the server closed after answering
                return
            self.sent += len(piece)
            if pause:
                time.sleep(pause)

    def close(self) -> None:
        self.sock.close()
        self._reader.join(5)


def test_declared_70_mib_is_refused_before_the_body_is_read(receiver: Any) -> None:
    declared = 70 * MiB
    sender = Sender(
        receiver.port,
        b"POST /EventServer/api/HistoryEvent HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n" % declared,
    )
    try:
        # A slow box: 64 KiB every 10 ms would take 11 s to send it all.
        sender.stream(declared // (64 * 1024), b"[" * (64 * 1024), pause=0.01)
        assert sender.replied.wait(20)
    finally:
        sender.close()
    assert sender.reply is not None
    status, reply = sender.reply
    assert status == 413
    assert reply["code"] != 0
    assert "64 MiB" in reply["message"]
    assert sender.sent < 8 * MiB, "the reply waited for the body"


def test_chunked_body_over_64_mib_is_refused(receiver: Any) -> None:
    sender = Sender(
        receiver.port,
        b"POST /EventServer/api/HistoryEvent HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n",
    )
    piece = b" " * MiB
    try:
        sender.stream(100, b"%x\r\n%s\r\n" % (len(piece), piece))
        assert sender.replied.wait(20)
    finally:
        sender.close()
    assert sender.reply is not None
    status, reply = sender.reply
    assert status == 413
    assert reply["code"] != 0
    # Nothing beyond the limit (and the socket buffers) was taken in.
    assert sender.sent < 100 * MiB


def test_body_just_under_the_limit_is_read(client: Client) -> None:
    """The limit is not lower than promised: a 63 MiB body is parsed (here: a padded event)."""
    event = unique_event(load_sample("employee_match"), "big", 1)
    body = json.dumps(event).encode()
    body = body[:-1] + b" " * (63 * MiB - len(body)) + b"}"
    reply = client.request(
        "POST", "/EventServer/api/HistoryEvent", body, {"Content-Type": "application/json"}
    )
    assert reply.status == 200, reply.body[:300]
    assert reply.json()["events"][0]["result"] == "new"


# ------------------------------------------------------------------ decompression bomb


def _png_bomb(width: int = 20000, height: int = 20000) -> bytes:
    """A few hundred bytes of PNG whose header promises width x height RGB pixels."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    # The first rows' worth of zeros; a full bomb inflates the same way, just for longer.
    idat = zlib.compress(b"\0" * (1 + 3 * width) * 64, 9)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def test_decompression_bomb_keeps_the_event_drops_the_image(client: Client) -> None:
    bomb = _png_bomb()
    assert len(bomb) < 8000
    event = unique_event(load_sample("employee_match"), "bomb", 1)
    event["spot_pic"] = base64.b64encode(bomb).decode()
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux

    reply = client.post_json("/EventServer/api/HistoryEvent", event)

    assert reply.status == 200, reply.body[:300]
    result = reply.json()["events"][0]
    assert result["result"] == "new"
    assert "image_too_large" in result["warnings"]
    stored = client.get_json(f"/api/events/{result['id']}")
    assert "spot_pic" not in stored["images"]
    assert "reg_pic" in stored["images"]  # the other photos are kept
    codes = [w["code"] for w in stored["warnings"]]
    assert "image_too_large" in codes
    for query in ("", "?thumb=1", "?overlay=1"):
        got = client.get(f"/api/events/{result['id']}/images/spot_pic{query}")
        assert got.status == 404, query
    # 20000 x 20000 RGB would be 1.2 GB; nothing near that was allocated.
    grown_mib = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak_before) / 1024
    assert grown_mib < 200


# ------------------------------------------------------------------ concurrency


_SMALL_BASE = {
    key: value
    for key, value in load_sample("employee_match").items()
    if key not in ("spot_pic", "ir_pic", "recognize_face")  # reg_pic stays: images are stored
}


def _small_event(tag: str, n: int) -> dict[str, Any]:
    return unique_event(_SMALL_BASE, tag, n)


def _post(port: int, value: Any) -> tuple[int, dict[str, Any]]:
    reply = Client(port).post_json("/EventServer/api/HistoryEvent", value)
    return reply.status, reply.json()


def _stored_keys(client: Client) -> Counter[tuple[str, int]]:
    page = client.get_json("/api/events?limit=1000")
    assert page["next"] is None
    return Counter((e["identity_id"], e["timestamp"]) for e in page["events"])


def test_concurrent_posters_all_succeed_and_store_each_event_once(
    client: Client, receiver: Any
) -> None:
    threads, per_thread = 16, 20

    def poster(worker: int) -> list[tuple[int, str]]:
        results = []
        for n in range(per_thread):
            status, reply = _post(receiver.port, _small_event(f"w{worker}", n))
            results.append((status, reply["events"][0]["result"] if status == 200 else reply))
        return results

    with ThreadPoolExecutor(threads) as pool:
        outcomes = [r for rs in pool.map(poster, range(threads)) for r in rs]

    assert outcomes == [(200, "new")] * (threads * per_thread)
    stored = _stored_keys(client)
    expected = {
        (f"w{w}-{n}", _SMALL_BASE["timestamp"] + n)
        for w in range(threads)
        for n in range(per_thread)
    }
    assert set(stored) == expected
    assert max(stored.values()) == 1
    assert client.get_json("/api/health")["events"] == len(expected)


def test_same_batch_posted_twice_at_once_is_stored_once(client: Client, receiver: Any) -> None:
    batches = [[_small_event(f"b{b}", n) for n in range(25)] for b in range(4)]
    posts = [batch for batch in batches for _copy in range(2)]
    start = threading.Barrier(len(posts))

    def post(batch: list[dict[str, Any]]) -> tuple[int, dict[str, Any]]:
        start.wait()
        return _post(receiver.port, batch)

    with ThreadPoolExecutor(len(posts)) as pool:
        replies = list(pool.map(post, posts))

    assert [status for status, _ in replies] == [200] * len(posts)
    for b in range(len(batches)):
        first, second = replies[2 * b][1], replies[2 * b + 1][1]
        for one, other in zip(first["events"], second["events"], strict=True):
            assert one["id"] == other["id"]
            assert sorted([one["result"], other["result"]]) == ["duplicate", "new"]
    stored = _stored_keys(client)
    assert len(stored) == sum(len(b) for b in batches)
    assert max(stored.values()) == 1
