"""kill -9 at any moment: every event that got a 200 is in the database, and it is sound.

A real ``gatewatch --headless`` process takes concurrent uploads and is killed
with SIGKILL while they are in flight, twice over the same data dir; then a
fresh process must serve every acknowledged event exactly once, and SQLite's
own ``integrity_check`` must pass on the files the kills left behind.
"""

from __future__ import annotations

import http.client
import json
import sqlite3
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import load_sample
from tests.core.procs import Headless, all_events, unique_event

pytestmark = [pytest.mark.slow, pytest.mark.timeout(90)]

POSTERS = 4
#: Kill once the load has run this long and at least MIN_ACKED events got their 200.
LOAD_SECONDS = 1.2
MIN_ACKED = 10


class Load:
    """Posters hammering one process; each remembers what was acknowledged."""

    def __init__(self, server: Headless, base: dict[str, Any], tag: str) -> None:
        self.server = server
        self.base = base
        self.tag = tag
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.acked: list[tuple[str, int]] = []
        self.unacknowledged = 0  # requests the kill cut off
        self.bad_replies: list[tuple[int, bytes]] = []
        self.threads = [
            threading.Thread(target=self._post_loop, args=(i,), daemon=True) for i in range(POSTERS)
        ]

    def start(self) -> None:
        for t in self.threads:
            t.start()

    def join(self) -> None:
        self.stop.set()
        for t in self.threads:
            t.join(15)
            assert not t.is_alive(), "a poster hung after the kill"

    def _post_loop(self, worker: int) -> None:
        conn: http.client.HTTPConnection | None = None
        n = 0
        while not self.stop.is_set():
            n += 1
            event = unique_event(self.base, f"{self.tag}-w{worker}", n)
            body = json.dumps(event, ensure_ascii=False).encode()
            try:
                if conn is None:
                    conn = self.server.connection(timeout=10)
                conn.request(
                    "POST", "/EventServer/api/HistoryEvent", body,
                    {"Content-Type": "application/json"},
                )  # fmt: skip
                resp = conn.getresponse()
                data = resp.read()
            except (OSError, http.client.HTTPException):
                with self.lock:
                    self.unacknowledged += 1
                if conn is not None:
                    conn.close()
                conn = None
                if self.server.proc.poll() is not None:
                    break  # killed: nothing more can be acknowledged
                continue
            if resp.status == 200 and json.loads(data).get("code") == 0:
                with self.lock:
                    self.acked.append((event["identity_id"], event["timestamp"]))
            else:
                with self.lock:
                    self.bad_replies.append((resp.status, data[:300]))
        if conn is not None:
            conn.close()

    def wait_for_load(self) -> None:
        started = time.monotonic()
        deadline = started + 30
        while time.monotonic() < deadline:
            with self.lock:
                enough = len(self.acked) >= MIN_ACKED
            if enough and time.monotonic() - started >= LOAD_SECONDS:
                return
            time.sleep(0.05)
        raise AssertionError(f"only {len(self.acked)} events acknowledged in 30 s")


def _kill_mid_load(data_dir: Path, base: dict[str, Any], tag: str) -> Load:
    server = Headless(data_dir)
    try:
        server.wait_listening()
        load = Load(server, base, tag)
        load.start()
        load.wait_for_load()
        server.kill9()
        load.join()
    finally:
        server.ensure_dead()
    assert not load.bad_replies, load.bad_replies[:3]
    return load


def test_every_acknowledged_event_survives_kill_9(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    base = load_sample("employee_match")
    rounds = [_kill_mid_load(data_dir, base, f"round{r}") for r in (1, 2)]
    for load in rounds:
        assert len(load.acked) >= MIN_ACKED
        # The kill really hit requests in flight, not an idle server.
        assert load.unacknowledged >= 1

    # The files exactly as the second kill left them (opening replays the WAL,
    # as any next start would).
    db = sqlite3.connect(data_dir / "gatewatch.sqlite3")
    try:
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        db.close()

    server = Headless(data_dir)
    try:
        server.wait_listening()
        events = all_events(server)
        assert server.get_json("/api/health")["events"] == len(events)
    finally:
        server.ensure_dead()

    stored = Counter((e["identity_id"], e["timestamp"]) for e in events)
    assert not [k for k, n in stored.items() if n > 1], "an event was stored twice"
    by_key = {(e["identity_id"], e["timestamp"]): e for e in events}
    acked = [key for load in rounds for key in load.acked]
    missing = [key for key in acked if key not in by_key]
    assert not missing, f"{len(missing)} of {len(acked)} acknowledged events lost: {missing[:5]}"
    # An acknowledged event is whole: its photos were in the same transaction.
    for key in acked:
        assert set(by_key[key]["images"]) >= {"spot_pic", "reg_pic"}, key
