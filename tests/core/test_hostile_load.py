"""Huge bodies in flight must not hold up other boxes' events.

A 60 MB history upload used to hold the GIL for seconds at a time while its
raw JSON was encoded (``json.dumps`` of one 60 MB string: ~2 s on a 2-core VM),
so every real-time POST from another box waited. The figures themselves are
measured by ``bench/hostile_bench.py``; these tests use generous bounds that
the old code still missed.
"""

from __future__ import annotations

import http.client
import json
import statistics
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from gui.core import event_rows, json_body, lenient_json
from tests.conftest import load_sample

pytestmark = pytest.mark.timeout(180)

HISTORY = "/EventServer/api/HistoryEvent"
REALTIME = "/EventServer/api/RealTimeEvent"
MiB = 1024 * 1024


class GilWatch:
    """The longest time a thread that only sleeps 1 ms waited to run again."""

    def __init__(self) -> None:
        self.gaps: list[float] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        last = time.perf_counter()
        while not self._stop.is_set():
            time.sleep(0.001)
            now = time.perf_counter()
            self.gaps.append(now - last)
            last = now

    def __enter__(self) -> GilWatch:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(10)

    @property
    def longest(self) -> float:
        return max(self.gaps, default=0.0)


def _body_with_blob(size: int, **fields: Any) -> bytes:
    event = load_sample("stranger")
    event.update(fields)
    return json.dumps({**event, "extra_blob": "QUJD" * (size // 4)}).encode()


def test_packed_raw_json_with_long_base64_strings_reads_back_the_same() -> None:
    body = json.dumps(
        {"a": "x" * 10, "blob": "QUJD" * 50_000, "list": [1.5, "QUJD" * 20_000, {"n": None}],
         "name": "王伟", "nan": float("nan"), "lone": "\ud800"}
    ).encode()  # fmt: skip
    parsed = lenient_json.loads(body)
    assert isinstance(parsed.raw["blob"], json_body.Base64Text)
    total, pieces = lenient_json.dumps_pieces(parsed.raw, separators=(",", ":"))
    assert len(pieces) > 3  # the long strings were spliced, not encoded
    packed = event_rows._pack(parsed.raw)
    expected = json.loads(lenient_json.dumps_bytes(parsed.raw, separators=(",", ":")))
    assert event_rows.unpack(packed) == expected
    assert total == len(lenient_json.dumps_bytes(parsed.raw, separators=(",", ":")))
    assert expected["lone"] == "\ud800" and expected["nan"] == "NaN"


def test_a_long_base64_string_is_packed_without_scanning_it_for_escapes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A huge blob is a plain ``str`` after parsing; its pieces are checked as base64
    (without the GIL), not scanned character by character (~2 ms per MB with it)."""
    parsed = lenient_json.loads(json.dumps({"blob": "QUJD" * (3 * MiB // 4)}).encode())
    assert type(parsed.raw["blob"]) is str  # not json_body.Base64Text
    expected = lenient_json.dumps_bytes(parsed.raw)

    def scanned(text: str) -> bool:
        raise AssertionError(f"scanned {len(text)} characters for escapes")

    monkeypatch.setattr(lenient_json, "_needs_escape", scanned)
    total, pieces = lenient_json.dumps_pieces(parsed.raw)
    joined = b"".join(p if isinstance(p, bytes) else p.encode("ascii") for p in pieces)
    assert joined == expected and total == len(expected)


def test_long_text_that_is_not_base64_is_still_escaped() -> None:
    value = {"text": ('say "hi"\n\t\\ ' * 20_000) + "A" * MiB, "tail": "x=" * 40_000}
    total, pieces = lenient_json.dumps_pieces(value)
    joined = b"".join(p if isinstance(p, bytes) else p.encode("ascii") for p in pieces)
    assert joined == lenient_json.dumps_bytes(value) and total == len(joined)
    assert json.loads(joined) == value
    assert json_body.is_strict_base64(b"QUJD") and not json_body.is_strict_base64(b'QU"D')


@pytest.mark.alone  # a 0.5 s budget: measured with no other test beside it
def test_packing_a_huge_raw_body_lets_other_threads_run() -> None:
    parsed = lenient_json.loads(_body_with_blob(40 * MiB))
    with GilWatch() as watch:
        packed = event_rows._pack(parsed.raw)
    assert len(packed) < 1 * MiB
    # json.dumps of the 40 MB string held the GIL for 1-2.6 s in one piece (busy 2-core VM);
    # now the longest piece is one 1 MB encode (the bound leaves room for a loaded machine).
    assert watch.longest < 0.5, f"a thread waited {watch.longest:.2f} s for the GIL"


def test_parsing_a_60_mb_upload_lets_other_threads_run() -> None:
    """Every step from the body's bytes to the packed row, for a 60 MB base64 string.

    Making the string's ``str`` (two 60 MB copies, for a ``str`` subclass) and
    decoding it held the GIL 1.5-2.3 s in one piece on the busy 2-core VM; now the
    string is checked and copied a megabyte at a time without the GIL.
    """
    from gui.core import ingest

    body = bytearray(_body_with_blob(60 * MiB))
    with GilWatch() as watch:
        parsed = ingest.parse_body(body, "application/json", None)
        prepared = ingest.prepare(parsed, path=HISTORY, received_at=0)
    assert len(prepared.events) == 1 and len(prepared.events[0].packed_raw) < 2 * MiB
    raw = event_rows.unpack(prepared.events[0].packed_raw)
    assert raw["extra_blob"] == "QUJD" * (60 * MiB // 4)
    assert watch.longest < 0.35, f"a thread waited {watch.longest:.2f} s for the GIL"


def _post(port: int, path: str, body: bytes, timeout: float = 120) -> tuple[int, float]:
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("POST", path, body, {"Content-Type": "application/json"})
        reply = conn.getresponse()
        reply.read()
        return reply.status, time.perf_counter() - started
    finally:
        conn.close()


@pytest.fixture
def uploads_in_flight(receiver: Any) -> Iterator[Callable[[int, int], list[int]]]:
    threads: list[threading.Thread] = []

    def start(count: int, size: int) -> list[int]:
        statuses: list[int] = []
        for n in range(count):
            body = _body_with_blob(size, identity_id=f"bulk-{n}")
            thread = threading.Thread(
                target=lambda b=body: statuses.append(_post(receiver.port, HISTORY, b)[0]),
                daemon=True,
            )
            thread.start()
            threads.append(thread)
        return statuses

    yield start
    for thread in threads:
        thread.join(120)


@pytest.mark.alone  # a 2 s reply budget: measured with no other test beside it
def test_a_real_time_post_is_answered_while_large_uploads_are_handled(
    receiver: Any, uploads_in_flight: Callable[[int, int], list[int]]
) -> None:
    statuses = uploads_in_flight(4, 30 * MiB)
    times = []
    n = 0
    deadline = time.monotonic() + 60
    while (len(statuses) < 4 or n < 5) and time.monotonic() < deadline:
        n += 1
        event = dict(load_sample("stranger"), identity_id=f"probe-{n}", timestamp=1_700_000 + n)
        status, took = _post(receiver.port, REALTIME, json.dumps(event).encode(), timeout=30)
        assert status == 200
        times.append(took)
        time.sleep(0.1)
    assert statuses == [200] * 4
    # The target is 0.5 s (bench/hostile_bench.py); the old code took 4.5 s here on a busy
    # 2-core VM (this code 0.3-1.1 s there).
    assert max(times) < 2.0, f"real-time POSTs took up to {max(times):.2f} s " \
        f"(median {statistics.median(times):.2f} s, {len(times)} posts)"


def test_a_real_time_post_is_answered_while_60_mb_uploads_are_handled(
    receiver: Any, uploads_in_flight: Callable[[int, int], list[int]]
) -> None:
    """Three 60 MB uploads (all that fit in the large-body budget at once) and probes."""
    statuses = uploads_in_flight(3, 60 * MiB)
    times = []
    n = 0
    deadline = time.monotonic() + 90
    while (len(statuses) < 3 or n < 5) and time.monotonic() < deadline:
        n += 1
        event = dict(load_sample("stranger"), identity_id=f"probe-{n}", timestamp=1_800_000 + n)
        status, took = _post(receiver.port, REALTIME, json.dumps(event).encode(), timeout=30)
        assert status == 200
        times.append(took)
        time.sleep(0.1)
    assert statuses == [200] * 3
    # The target is 0.5 s (bench/hostile_bench.py, ten uploads). On the busy 2-core VM
    # the old code took 2.6 s here (load 11), this code 0.27-0.40 s (load 11), 0.67 s (15).
    assert max(times) < 1.5, f"real-time POSTs took up to {max(times):.2f} s " \
        f"(median {statistics.median(times):.2f} s, {len(times)} posts)"


def test_a_burst_of_connections_does_not_make_the_next_box_wait_for_a_retransmit(
    receiver: Any,
) -> None:
    """Connections the loop has not accepted yet are held by the kernel, not dropped.

    With aiohttp's listen backlog of 128, a burst (1,000 slowloris connections opened at
    once in hostile_bench's ``slow``) filled the queue; the next SYN was dropped and a
    box's real-time POST took over a second (the SYN retransmit). Here the loop is busy
    while 600 connections arrive: each must still be completed by the kernel at once.
    """
    import socket

    loop = receiver.thread.loop
    busy = threading.Event()
    release = threading.Event()

    def hold_the_loop() -> None:
        busy.set()
        release.wait(20)

    loop.call_soon_threadsafe(hold_the_loop)
    assert busy.wait(5)
    socks: list[socket.socket] = []
    slow: list[tuple[int, float]] = []
    try:
        for n in range(600):
            started = time.monotonic()
            try:
                socks.append(socket.create_connection(("127.0.0.1", receiver.port), timeout=0.5))
            except OSError:
                slow.append((n, time.monotonic() - started))
                break
    finally:
        release.set()
        for s in socks:
            s.close()
    assert not slow, f"connection {slow[0][0]} not completed by the kernel within 0.5 s"
