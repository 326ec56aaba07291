"""An emulated box on its own thread and loop, and a receiver with every feature.

The box runs on its own 127.x address with the real ports; the receiver is
the one ``gatewatch`` runs (features installed), on a thread like the app's.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from gui.core.box.emulator import BoxEmulator
from gui.settings import Settings
from tests.conftest import Client
from tests.core.loopback import free_box_address


def next_address() -> str:
    return free_box_address()


class BoxThread:
    """A ``BoxEmulator`` on its own loop; ``call(fn)`` runs ``fn(box)`` there."""

    def __init__(self, family: str, **options: Any) -> None:
        self.box = BoxEmulator(family, next_address(), seed=11, **options)
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self.box.start(), self.loop).result(10)

    def call(self, fn: Callable[[BoxEmulator], Any]) -> Any:
        async def run() -> Any:
            return fn(self.box)

        return asyncio.run_coroutine_threadsafe(run(), self.loop).result(10)

    def wait(self, coro_fn: Callable[[BoxEmulator], Any], timeout: float = 10) -> Any:
        return asyncio.run_coroutine_threadsafe(coro_fn(self.box), self.loop).result(timeout)

    def stop(self) -> None:
        asyncio.run_coroutine_threadsafe(self.box.stop(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(5)
        if not self._thread.is_alive():
            self.loop.close()  # else its self-pipe is left for a later test's gc to warn about


class FullReceiver:
    """A receiver with every feature installed, restartable on the same port and data."""

    def __init__(self, data_dir: Path, port: int = 0, settings: Settings | None = None) -> None:
        from gui.core import features
        from gui.core.receiver import Receiver, ReceiverConfig, ReceiverThread

        self.settings = settings or Settings()
        self.rec = Receiver(ReceiverConfig(data_dir=data_dir, port=port, bind="127.0.0.1"))
        features.install(self.rec, self.settings)
        self.thread = ReceiverThread(self.rec)
        self.thread.start()
        self.port = self.rec.port
        assert self.port is not None
        self.client = Client(self.port)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.thread.stop()

    def events(self) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        before = ""
        while True:
            page = self.client.get_json(
                "/api/events?limit=500" + (f"&before={before}" if before else "")
            )
            out.extend(page["events"])
            if not page.get("next"):
                return out
            before = page["next"]

    def job(self, job_id: str) -> dict[str, Any]:
        return self.client.get_json(f"/api/jobs/{job_id}")

    def wait_job(self, job_id: str, timeout: float = 60) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            job = self.job(job_id)
            if job["state"] != "running" or time.monotonic() > deadline:
                return job
            time.sleep(0.05)


def wait_until(predicate: Callable[[], Any], timeout: float = 15.0) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.05)
