"""One receiver with every feature over each storage engine.

Every test in this folder runs once per engine (``engine`` is ``sqlite`` or
``postgresql``) and checks what a user sees through the public interfaces:
the HTTP API, the core's ``Reader``, its writer jobs. A difference between the
engines is a failure here, whatever the engine-specific tests say.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from gui.settings import Settings
from tests.conftest import Client, load_sample

HISTORY = "/EventServer/api/HistoryEvent"
REALTIME = "/EventServer/api/RealTimeEvent"


@pytest.fixture
def make_store(
    engine: str, tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[Callable[..., Any]]:
    """``make_store(name="data")``: a new store of this engine (each name its own database).

    ``engine`` (``tests/pg_fixtures.py``) runs the test once per engine; PostgreSQL
    gets a fresh database per store from the test server.
    """
    from gui.core.store import Store

    made: list[Any] = []
    urls: list[str] = []

    def make(name: str = "data") -> Any:
        url = None
        if engine == "postgresql":
            server = request.getfixturevalue("pg_server")
            url = server.create()
            urls.append(url)
        store = Store(tmp_path / name, url=url)
        made.append(store)
        return store

    yield make
    for store in made:
        store.close()
    if urls:
        server = request.getfixturevalue("pg_server")
        for url in urls:
            server.drop(url)


class Site:
    """A receiver with every feature installed on ``store``, and an HTTP client for it."""

    def __init__(self, store: Any, data_dir: Path, settings: Settings | None = None) -> None:
        from gui.core import features
        from gui.core.receiver import Receiver, ReceiverConfig, ReceiverThread

        self.store = store
        self.settings = settings or Settings()
        self.rec = Receiver(
            ReceiverConfig(data_dir=data_dir, port=0, bind="127.0.0.1"), store=store
        )
        self.rec.settings = self.settings  # type: ignore[attr-defined]
        features.install(self.rec, self.settings)
        self.thread = ReceiverThread(self.rec)
        self.thread.start()
        assert self.rec.port is not None
        self.client = Client(self.rec.port)

    def post(self, events: Any, path: str = HISTORY) -> Any:
        reply = self.client.post_json(path, events)
        assert reply.status == 200, (reply.status, reply.body[:300])
        return reply.json()

    def events(self, query: str = "") -> list[dict[str, Any]]:
        """Every event the API lists for ``query``, following the cursors."""
        out: list[dict[str, Any]] = []
        url = f"/api/events?limit=7{'&' + query if query else ''}"
        while True:
            page = self.client.get_json(url)
            out.extend(page["events"])
            if not page["next"]:
                return out
            url = f"/api/events?limit=7{'&' + query if query else ''}&before={page['next']}"

    def stop(self) -> None:
        self.thread.stop()


@pytest.fixture
def site(make_store: Callable[..., Any], tmp_path: Path) -> Iterator[Site]:
    s = Site(make_store("data"), tmp_path / "data")
    yield s
    s.stop()


def event(sample: str = "employee_match", **fields: Any) -> dict[str, Any]:
    """A sample event with some fields replaced (``ep_id``/``device_id`` go into ep_info)."""
    ev = copy.deepcopy(load_sample(sample))
    ep = dict(ev.get("ep_info") or {})
    for key in ("ep_id", "device_id", "ep_name"):
        if key in fields:
            ep[key] = fields.pop(key)
    if ep:
        ev["ep_info"] = ep
    ev.update(fields)
    return ev


def thirty_events() -> list[dict[str, Any]]:
    """30 events: 3 person types x 2 cameras x 2 boxes, Chinese and Latin names."""
    out = []
    for n in range(30):
        out.append(
            event(
                "seed_example",
                timestamp=1_700_000_000_000 + n * 1000,
                identity_id=f"id-{n:02d}",
                identity_name="张伟" if n % 5 == 0 else f"Person {n:02d}",
                person_type=(1, 2, 5)[n % 3],
                score=round(n / 30, 4),
                ep_id=f"cam-{n % 2}",
                device_id=f"dev-{n % 2}",
                dev_sno="BOX-A" if n < 15 else "BOX-B",
            )
        )
    return out


DAY_MS = 86_400_000


def age_event(store: Any, event_id: int, days: int) -> None:
    """Make an event look received ``days`` earlier, its photos included.

    PostgreSQL keeps photos in a partition per day of arrival: an older event's
    photos live in that older day's partition, so they move there too.
    """

    def job(conn: Any) -> None:
        conn.execute(
            "UPDATE events SET received_at = received_at - ? WHERE id = ?",
            (days * DAY_MS, event_id),
        )
        if getattr(store, "engine", None) is None:
            return
        from gui.core import pg_schema

        (received_at,) = conn.execute(
            "SELECT received_at FROM events WHERE id = ?", (event_id,)
        ).fetchone()
        day = pg_schema.day_of(received_at)
        pg_schema.ensure_photo_partition(conn, day)
        conn.execute(
            "INSERT INTO photos (day, event_id, kind, data)"
            " SELECT ?, event_id, kind, data FROM photos WHERE event_id = ?",
            (day, event_id),
        )
        conn.execute("DELETE FROM photos WHERE event_id = ? AND day != ?", (event_id, day))
        conn.execute("UPDATE image_meta SET day = ? WHERE event_id = ?", (day, event_id))

    store.write_sync(job)


def wait_until(predicate: Callable[[], Any], timeout: float = 10.0) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.05)
