"""Helpers for tests that run ``gatewatch --headless`` as a real process.

The durability and shutdown promises are about the process (signals, kill -9,
restart on the same data dir), so these tests cannot use the in-process
receiver fixture.
"""

from __future__ import annotations

import copy
import http.client
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[2]
_LISTENING = re.compile(r"listening on \S+:(\d+)")


class Headless:
    """``python -m gui --headless`` on an OS-chosen port, stderr kept in a file."""

    def __init__(self, data_dir: Path, *, port: int = 0, extra: tuple[str, ...] = ()) -> None:
        self.data_dir = Path(data_dir)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        name = f"stderr-{self.data_dir.name}-{time.time_ns()}.txt"
        self.stderr_path = self.data_dir.parent / name
        self._stderr = open(self.stderr_path, "wb")  # noqa: SIM115 - closed in wait()
        args = [
            sys.executable, "-m", "gui", "--headless", "--bind", "127.0.0.1",
            "--port", str(port), "--data-dir", str(self.data_dir), "--log-level", "INFO", *extra,
        ]  # fmt: skip
        self.proc = subprocess.Popen(
            args, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=self._stderr, env=dict(os.environ)
        )
        self.port: int | None = None

    def stderr(self) -> str:
        return self.stderr_path.read_text(encoding="utf-8", errors="replace")

    def wait_listening(self, timeout: float = 60.0) -> int:
        """Block until the log says which port it listens on; returns the port.

        A wait, not a start-up budget (bench/package_size.py measures that): a
        process starting beside parallel test workers and CPU burners took over 20 s.
        """
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = _LISTENING.search(self.stderr())
            if found:
                self.port = int(found.group(1))
                return self.port
            if self.proc.poll() is not None:
                code = self.proc.returncode
                raise AssertionError(
                    f"gatewatch exited with {code} before listening:\n{self.stderr()}"
                )
            time.sleep(0.02)
        log = self.stderr()
        self.ensure_dead()  # a fixture failing here never reaches its cleanup: no orphan
        raise AssertionError(f"gatewatch did not start listening in {timeout} s:\n{log}")

    def signal(self, sig: int) -> None:
        self.proc.send_signal(sig)

    def kill9(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)
        self._stderr.close()

    def wait(self, timeout: float) -> int:
        try:
            return self.proc.wait(timeout)
        finally:
            if self.proc.poll() is not None:
                self._stderr.close()

    def ensure_dead(self) -> None:
        """Test cleanup: never leave a receiver behind."""
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)
        self._stderr.close()

    def connection(self, timeout: float = 10.0) -> http.client.HTTPConnection:
        assert self.port is not None, "call wait_listening() first"
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)

    def get_json(self, path: str) -> Any:
        conn = self.connection()
        try:
            conn.request("GET", path)
            resp = conn.getresponse()
            body = resp.read()
            assert resp.status == 200, (resp.status, body[:300])
            return json.loads(body)
        finally:
            conn.close()


def unique_event(base: dict[str, Any], tag: str, n: int) -> dict[str, Any]:
    """A copy of ``base`` with its own natural key: identity ``<tag>-<n>``, its own timestamp."""
    event = copy.copy(base)
    event["identity_id"] = f"{tag}-{n}"
    event["timestamp"] = int(base.get("timestamp") or 1_764_000_000_000) + n
    return event


def all_events(server: Headless) -> list[dict[str, Any]]:
    """Every stored event through the read API, following the cursor."""
    out: list[dict[str, Any]] = []
    path = "/api/events?limit=1000"
    while True:
        page = server.get_json(path)
        out.extend(page["events"])
        if not page["next"]:
            return out
        path = f"/api/events?limit=1000&before={quote(page['next'])}"
