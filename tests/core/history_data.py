"""Building stores full of varied events for the history, export and retention tests."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from gui.core import ingest
from gui.core.event_rows import Arrival
from gui.core.store import Store
from tests.conftest import load_sample

PATH = "/EventServer/api/HistoryEvent"


def event(n: int, **fields: Any) -> dict[str, Any]:
    """A sample event (with real JPEGs) made distinct by ``n``, fields overridden."""
    ev = copy.deepcopy(load_sample("employee_match"))
    ev["timestamp"] = 1_700_000_000_000 + n * 1000
    ev["identity_id"] = f"id-{n:03d}"
    ev["identity_name"] = f"person {n}"
    ev.update(fields)
    return ev


def add(
    store: Store, events: list[dict[str, Any]], received_at: int = 1_700_000_000_000, **arrival: Any
) -> list[int]:
    """Store ``events`` through the real ingest path; returns their ids."""
    body = json.dumps(events, ensure_ascii=False).encode()
    parsed = ingest.parse_body(body, "application/json", None)
    prepared = ingest.prepare(parsed, path=PATH, received_at=received_at)
    stored = store.write_sync(
        ingest.store_job(prepared, Arrival(received_at, "127.0.0.1", PATH, **arrival))
    )
    return [s.summary.id for s in stored]


def make_store(tmp_path: Path) -> Store:
    return Store(tmp_path / "data")
