"""Databases built by every earlier schema version open, upgrade, and keep their data.

Written over ``range(1, SCHEMA_VERSION)`` so a new migration is tested from
every old version without touching this file. The old row is a real event
(stored by the current code in a scratch database, then copied over with only
the columns schema v1 had), so the current readers must understand old rows.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from gui.core import ingest, schema
from gui.core.event_rows import Arrival, load_event, load_raw
from gui.core.store import DB_FILENAME, Store, open_database
from tests.conftest import load_sample

#: Columns as schema v1 created them; migrations append, never edit, so these always exist.
V1_EVENT_COLUMNS = (
    "id, natural_key, ts, timestamp, out_timestamp, received_at, identity_id, identity_name, "
    "person_type, score, want_action, ep_id, device_id, ep_name, ep_type, ep_ip, dev_sno, "
    "format, api_version, source_ip, path, warning_codes, self_test, pinned, doc, raw"
)
V1_IMAGE_COLUMNS = "id, event_id, kind, json_path, encoding, format, width, height, bytes, data"

OLD_VERSIONS = range(1, schema.SCHEMA_VERSION)


def _sample_rows(tmp_path: Path) -> tuple[list[tuple], list[tuple], dict]:
    """A real stored event, as v1 columns, plus its API JSON from the current store."""
    scratch = open_database(tmp_path / "scratch.sqlite3")
    try:
        parsed = ingest.parse_body(
            json.dumps(load_sample("employee_match")).encode(), "application/json", None
        )
        prepared = ingest.prepare(parsed, path="/HistoryEvent", received_at=1_764_000_001_000)
        arrival = Arrival(received_at=1_764_000_001_000, source_ip="192.168.1.20", path="/x")
        scratch.execute("BEGIN")
        [stored] = ingest.store_job(prepared, arrival)(scratch)
        scratch.execute("COMMIT")
        events = scratch.execute(f"SELECT {V1_EVENT_COLUMNS} FROM events").fetchall()
        images = scratch.execute(f"SELECT {V1_IMAGE_COLUMNS} FROM images").fetchall()
        expected = load_event(scratch, stored.summary.id)
        assert expected is not None
        return events, images, expected
    finally:
        scratch.close()


def _old_database(path: Path, version: int, events: list[tuple], images: list[tuple]) -> None:
    """What ``open_database`` made when ``version`` was current, with one event in it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA auto_vacuum = INCREMENTAL")
        conn.execute("PRAGMA journal_mode = WAL")
        schema.migrate(conn, target=version)
        assert conn.execute("PRAGMA user_version").fetchone() == (version,)
        marks = lambda row: ",".join("?" * len(row))  # noqa: E731
        conn.execute("BEGIN")
        for row in events:
            conn.execute(f"INSERT INTO events ({V1_EVENT_COLUMNS}) VALUES ({marks(row)})", row)
        for row in images:
            conn.execute(f"INSERT INTO images ({V1_IMAGE_COLUMNS}) VALUES ({marks(row)})", row)
        conn.execute("COMMIT")
    finally:
        conn.close()


@pytest.mark.skipif(not OLD_VERSIONS, reason="only one schema version so far")
@pytest.mark.parametrize("version", OLD_VERSIONS)
def test_old_database_upgrades_on_open_and_keeps_its_data(tmp_path: Path, version: int) -> None:
    events, images, expected = _sample_rows(tmp_path)
    data_dir = tmp_path / "data"
    path = data_dir / DB_FILENAME
    _old_database(path, version, events, images)

    store = Store(data_dir)
    try:
        conn = store.reader()
        assert conn.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        # The old row reads back through today's code exactly as it was stored.
        assert load_event(conn, expected["id"]) == expected
        raw = load_raw(conn, expected["id"])
        assert raw is not None
        assert raw["spot_pic"] == load_sample("employee_match")["spot_pic"]
        # And the upgraded database takes new events.
        again = store.write_sync(
            lambda c: (
                c.execute(
                    "INSERT INTO events (natural_key, ts, received_at, format, doc, raw)"
                    " VALUES ('k2', 1, 1, '1.0', '{}', x'')"
                ).lastrowid
            )
        )
        assert again == expected["id"] + 1
    finally:
        store.close()

    backup = path.with_name(f"{path.name}.v{version}.bak")
    assert backup.exists()
    old = sqlite3.connect(backup)
    try:
        assert old.execute("PRAGMA user_version").fetchone() == (version,)
        assert old.execute("SELECT count(*) FROM events").fetchone() == (len(events),)
    finally:
        old.close()


@pytest.mark.parametrize("version", OLD_VERSIONS)
def test_upgraded_schema_equals_a_fresh_one(tmp_path: Path, version: int) -> None:
    """Upgrading step by step and creating anew must give the same tables and indexes."""

    def objects(path: Path) -> list[tuple]:
        conn = sqlite3.connect(path)
        try:
            return conn.execute(
                "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name"
            ).fetchall()
        finally:
            conn.close()

    _old_database(tmp_path / "old" / DB_FILENAME, version, [], [])
    open_database(tmp_path / "old" / DB_FILENAME).close()
    open_database(tmp_path / "new" / DB_FILENAME).close()
    assert objects(tmp_path / "old" / DB_FILENAME) == objects(tmp_path / "new" / DB_FILENAME)


def test_fresh_database_is_current_incremental_vacuum_and_wal(tmp_path: Path) -> None:
    conn = open_database(tmp_path / DB_FILENAME)
    try:
        assert conn.execute("PRAGMA user_version").fetchone() == (schema.SCHEMA_VERSION,)
        assert conn.execute("PRAGMA auto_vacuum").fetchone() == (2,)  # INCREMENTAL
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert conn.execute("PRAGMA synchronous").fetchone() == (2,)  # FULL
    finally:
        conn.close()
    assert not list(tmp_path.glob("*.bak"))  # nothing to back up on a new database


def test_database_from_a_newer_gatewatch_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / DB_FILENAME
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {schema.SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(RuntimeError, match="newer"):
        open_database(path).close()
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA user_version").fetchone() == (schema.SCHEMA_VERSION + 1,)
    finally:
        conn.close()


def test_closing_the_store_while_another_thread_reads_does_not_crash(tmp_path) -> None:
    """Closing used to close every thread's connection, even one mid-query."""
    import sqlite3 as _sqlite3
    import threading as _threading

    from gui.core.store import Store

    store = Store(tmp_path)
    store.write_sync(
        lambda c: c.executemany(
            "INSERT INTO requests (time, reply) VALUES (?, ?)",
            [(i, "x" * 200) for i in range(1500)],
        )
    )
    started = _threading.Event()
    outcome: list[object] = []

    def slow_reader() -> None:
        conn = store.reader()
        started.set()
        try:
            for _ in range(10):
                conn.execute(
                    "SELECT count(*) FROM requests a JOIN requests b ON a.time % 97 = b.time % 89"
                ).fetchone()
            outcome.append("finished")
        except _sqlite3.Error as exc:
            outcome.append(exc)

    thread = _threading.Thread(target=slow_reader, daemon=True)
    thread.start()
    started.wait(5)
    store.close()
    thread.join(30)
    assert not thread.is_alive()
    assert outcome and (outcome[0] == "finished" or "interrupt" in str(outcome[0]))


def test_doc_column_reads_both_compressed_and_plain_json() -> None:
    from gui.core.event_rows import load_doc, pack_doc

    doc = {"identity_info": {"face_ids": ["f-1"]}, "ep_info": {"ep_name": "东门"}}
    packed = pack_doc(doc)
    assert isinstance(packed, bytes) and load_doc(packed) == doc
    assert load_doc('{"ep_info": {"ep_name": "东门"}}') == {"ep_info": {"ep_name": "东门"}}
