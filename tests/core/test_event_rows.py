"""Inserting an event's rows: new, retried and richer copies, images by kind."""

from __future__ import annotations

import dataclasses
import sqlite3

from gui.core import images, protocol, schema
from gui.core.event_rows import Arrival, store_event
from tests.conftest import load_sample

ARRIVAL = Arrival(received_at=1_764_000_000_000, source_ip="192.168.1.50", path="/HistoryEvent")


def _db() -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:", isolation_level=None)
    schema.migrate(conn)
    return conn


def _prepared(name: str = "employee_match"):
    event = protocol.normalise(load_sample(name), received_at=ARRIVAL.received_at)
    decoded = [images.decode_image(source)[0] for source in event.images]
    return event, [d for d in decoded if d is not None]


def _kinds(conn: sqlite3.Connection, event_id: int) -> list[str]:
    rows = conn.execute("SELECT kind FROM images WHERE event_id = ? ORDER BY kind", (event_id,))
    return [kind for (kind,) in rows]


def test_new_then_retry_then_richer_copy() -> None:
    conn = _db()
    event, decoded = _prepared()
    others = [d for d in decoded if d.kind != "spot_pic"]
    first = store_event(conn, event, others, ARRIVAL, [])
    assert first.outcome == "new"
    assert sorted(first.summary.image_kinds) == sorted(d.kind for d in others)
    again = store_event(conn, event, others, ARRIVAL, [])
    assert again.outcome == "duplicate" and again.summary.id == first.summary.id
    richer = store_event(conn, event, decoded, ARRIVAL, [])
    assert richer.outcome == "merged" and richer.summary.id == first.summary.id
    assert sorted(richer.summary.image_kinds) == sorted(d.kind for d in decoded)
    assert _kinds(conn, first.summary.id) == sorted(d.kind for d in decoded)
    assert conn.execute("SELECT count(*) FROM events").fetchone()[0] == 1


def test_two_strings_of_one_kind_store_the_first_and_report_the_kind_once() -> None:
    conn = _db()
    event, decoded = _prepared()
    scene = next(d for d in decoded if d.kind == "spot_pic")
    twin = dataclasses.replace(scene, data=scene.data + b"\0", json_path=("spot_image",))
    stored = store_event(conn, event, [scene, twin], ARRIVAL, [])
    assert stored.summary.image_kinds == ("spot_pic",)
    data = conn.execute(
        "SELECT data FROM images WHERE event_id = ? AND kind = 'spot_pic'", (stored.summary.id,)
    ).fetchone()[0]
    assert data == scene.data


def test_a_new_event_is_one_statement_for_its_row_and_one_for_its_images() -> None:
    """The writer every box waits for: the 1 ms-neighbour check rides in the INSERT."""
    conn = _db()
    event, decoded = _prepared()
    assert event.timestamp is not None  # the neighbour check applies
    statements: list[str] = []
    conn.set_trace_callback(statements.append)
    stored = store_event(conn, event, decoded, ARRIVAL, [])
    conn.set_trace_callback(None)
    assert stored.outcome == "new"
    assert [s.split(" (")[0] for s in statements] == [
        "INSERT INTO events", "INSERT OR IGNORE INTO images",
    ]  # fmt: skip
    # a retry: the insert finds its own key, the slow way merges it as a duplicate
    assert store_event(conn, event, decoded, ARRIVAL, []).outcome == "duplicate"
