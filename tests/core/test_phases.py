"""Where an ingest reply's time went: the ``Server-Timing`` header, phase by phase.

The hostile benchmark reads it to say which phase made a real-time POST slow
(writer queue, transaction, fsync, the loop...), so each phase must be there and
must be measured where it happens.
"""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path
from typing import Any

import pytest

from gui.core.phases import PHASES, PhaseClock, parse_header
from gui.core.store import Store
from tests.conftest import Client, load_sample

pytestmark = pytest.mark.timeout(60)
REALTIME = "/EventServer/api/RealTimeEvent"


def test_an_ingest_reply_says_how_long_each_phase_took(client: Client) -> None:
    reply = client.post_json(REALTIME, load_sample("stranger"))
    assert reply.status == 200
    phases = parse_header(reply.headers["Server-Timing"])
    assert list(phases) == list(PHASES)  # every phase, in the order they happen
    assert all(ms >= 0 for ms in phases.values())
    assert phases["commit"] > 0  # the COMMIT's fsync is its own phase


def test_a_refused_request_still_has_its_phases(client: Client) -> None:
    reply = client.request("POST", REALTIME, b"{not json", {"Content-Type": "application/json"})
    assert reply.status == 400
    phases = parse_header(reply.headers["Server-Timing"])
    assert "body" in phases and "reply" in phases and "commit" not in phases


def test_the_writer_tells_the_clock_how_long_the_job_queued(tmp_path: Path) -> None:
    """A job queued behind a busy writer: the wait is the ``queue`` phase, not ``write``."""
    store = Store(tmp_path)
    try:
        release = threading.Event()
        running = threading.Event()
        store.submit(lambda c: (running.set(), release.wait(5)))
        assert running.wait(5)
        clock = PhaseClock()

        async def main() -> Any:
            write = asyncio.ensure_future(store.write(lambda c: 42, clock=clock))
            await asyncio.sleep(0.3)  # the writer is held all this time
            release.set()
            return await write

        assert asyncio.run(main()) == 42
        clock.writer_marks()
        phases = clock.durations_ms()
        assert list(phases) == ["queue", "write", "commit"]
        assert phases["queue"] >= 300
        assert phases["write"] < 300 and phases["commit"] < 300
    finally:
        store.close()


def test_the_header_reads_back() -> None:
    clock = PhaseClock(start=10.0)
    clock.mark("body", 10.0015)
    clock.mark("parse", 10.0035)
    assert parse_header(clock.header()) == {"body": 1.5, "parse": 2.0}
    assert parse_header("a;dur=x, ;dur=1, b;desc=y;dur=2.5") == {"b": 2.5}
