"""A receiver started while its PostgreSQL server is down waits for it instead of giving up.

The window opens saying the shared database cannot be reached (host and
database named, never the password) and the core keeps trying with backoff;
the port answers boxes 503 + Retry-After (they resend) and /api/health says why
until the database is back; then events are stored.
A bad password or a database that does not exist is not retried (exit 7 headless).
"""

from __future__ import annotations

import asyncio
import json
import re
import socket
import time
from pathlib import Path
from typing import Any

import pytest

from gui.core import messages, receiver
from gui.core.receiver import (
    Receiver,
    ReceiverConfig,
    ReceiverThread,
    StoreUnreachable,
    start_when_store_reachable,
)
from gui.core.store import store_unreachable, unreachable_message
from tests.conftest import Client, load_sample
from tests.core.procs import unique_event
from tests.core.test_store_engines import _cluster_script, own_cluster  # noqa: F401

HISTORY = "/EventServer/api/HistoryEvent"


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _answers_503_while_waiting(port: int) -> None:
    """What a box and a health check get while the receiver waits for its database."""
    client = Client(port)
    event = unique_event(load_sample("stranger"), "while-down", 0)
    reply = client.post_json(HISTORY, event)
    assert reply.status == 503, (reply.status, reply.body[:200])
    assert reply.headers.get("Retry-After", "").isdigit(), reply.headers
    body = json.loads(reply.body)
    assert body["status"] == 503 and "nothing stored" in body["message"], body
    health = client.get("/api/health")
    assert health.status == 503
    said = json.loads(health.body)
    assert said["status"] == "waiting_for_store", said
    assert "cannot be reached" in said["storage_error"], said  # loopback is told why


def test_the_message_names_host_and_database_never_the_password() -> None:
    pytest.importorskip("psycopg")
    from gui.core import pg

    url = f"postgresql://gw:s3cretpw@127.0.0.1:{_closed_port()}/site"
    with pytest.raises(Exception) as raised:
        pg.connect(url)
    assert store_unreachable(raised.value)
    text = unreachable_message(url, raised.value)
    assert "s3cretpw" not in text
    assert "127.0.0.1" in text and "/site" in text and "cannot be reached" in text


def test_a_bad_url_or_other_error_is_not_retried() -> None:
    assert not store_unreachable(ValueError("expected postgresql://"))
    assert not store_unreachable(OSError(13, "Permission denied"))


def test_desktop_core_waits_for_the_database_then_stores(
    own_cluster: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch  # noqa: F811
) -> None:
    url, folder = own_cluster
    monkeypatch.setattr(receiver, "STORE_RETRY_DELAYS", (0.2,))
    paused = _cluster_script("pg_cluster_pause", folder)
    assert paused.returncode == 0, paused.stderr
    port = _closed_port()
    rec = Receiver(ReceiverConfig(data_dir=tmp_path / "data", port=port, bind="127.0.0.1",
                                  store=url))  # fmt: skip
    states: list[messages.ServerStateChanged] = []
    rec.subscribe(messages.ServerStateChanged, states.append)
    thread = ReceiverThread(rec, wait_for_store=True)
    try:
        with pytest.raises(StoreUnreachable) as raised:
            thread.start()
        assert "cannot be reached" in str(raised.value) and url.split("@")[1] in str(raised.value)
        assert thread.alive, "the core keeps trying"
        time.sleep(0.6)
        assert sum(s.state == "store_unreachable" for s in states) >= 2, "retried"
        _answers_503_while_waiting(port)
        resumed = _cluster_script("pg_cluster_resume", folder)
        assert resumed.returncode == 0, resumed.stderr
        deadline = time.monotonic() + 20
        while not (states and states[-1].state == "listening"):
            assert time.monotonic() < deadline, states[-3:]
            time.sleep(0.1)
        assert thread.error is None
        event = unique_event(load_sample("stranger"), "after-down", 0)
        assert Client(port).post_json(HISTORY, event).status == 200
        count = rec.store.read_sync(lambda c: c.execute("SELECT count(*) FROM events").fetchone())
        assert count[0] == 1
    finally:
        thread.stop()


def test_a_missing_database_is_refused_at_once(
    own_cluster: Any, tmp_path: Path  # noqa: F811
) -> None:
    url, _folder = own_cluster
    wrong = url.rsplit("/", 1)[0] + "/no_such_database"
    rec = Receiver(ReceiverConfig(data_dir=tmp_path / "data", port=0, bind="127.0.0.1",
                                  store=wrong))  # fmt: skip
    thread = ReceiverThread(rec, wait_for_store=True)
    with pytest.raises(Exception) as raised:
        thread.start()
    assert not isinstance(raised.value, StoreUnreachable)
    assert not store_unreachable(raised.value)
    thread.stop()


def test_headless_wait_ends_when_stopped(tmp_path: Path) -> None:
    """SIGTERM while waiting for the database ends the wait at once (no exit 7, no hang)."""
    pytest.importorskip("psycopg")
    url = f"postgresql://gw@127.0.0.1:{_closed_port()}/site"
    rec = Receiver(ReceiverConfig(data_dir=tmp_path / "data", port=0, bind="127.0.0.1",
                                  store=url))  # fmt: skip
    heard: list[str] = []

    async def run() -> bool:
        stop = asyncio.Event()
        asyncio.get_running_loop().call_later(0.5, stop.set)
        return await start_when_store_reachable(
            rec, stop, lambda m, d: heard.append(m), delays=(0.1,)
        )

    started = time.monotonic()
    assert asyncio.run(run()) is False
    assert time.monotonic() - started < 3
    assert len(heard) >= 2 and all("cannot be reached" in m for m in heard)


def test_headless_waits_for_a_database_it_reached_before(
    own_cluster: Any, tmp_path: Path  # noqa: F811
) -> None:
    """Reached once from this data folder, then down at the next start: it waits, then stores."""
    import signal

    from tests.core.procs import Headless

    url, folder = own_cluster
    data = tmp_path / "data"
    first = Headless(data, extra=("--store", url))
    try:
        first.wait_listening(60)
        first.signal(signal.SIGTERM)
        assert first.wait(30) == 0, first.stderr()
    finally:
        first.ensure_dead()
    paused = _cluster_script("pg_cluster_pause", folder)
    assert paused.returncode == 0, paused.stderr
    second = Headless(data, extra=("--store", url))
    try:
        deadline = time.monotonic() + 30
        while "cannot be reached" not in second.stderr():
            assert second.proc.poll() is None, second.stderr()
            assert time.monotonic() < deadline, second.stderr()
            time.sleep(0.1)
        time.sleep(1.5)
        assert second.proc.poll() is None, "still waiting, not exit 7"
        waiting = re.search(r"answering 503 on port (\d+)", second.stderr())
        assert waiting, second.stderr()
        _answers_503_while_waiting(int(waiting.group(1)))
        resumed = _cluster_script("pg_cluster_resume", folder)
        assert resumed.returncode == 0, resumed.stderr
        port = second.wait_listening(60)
        event = unique_event(load_sample("stranger"), "headless-after-down", 0)
        assert Client(port).post_json(HISTORY, event).status == 200
    finally:
        second.ensure_dead()
