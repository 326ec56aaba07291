"""The PostgreSQL connection adapter: placeholders, rows, errors; the store on both engines."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from gui.core import dbapi
from gui.core import store as store_mod
from gui.core.store import Store


def test_translate_placeholders_and_percent() -> None:
    pg = pytest.importorskip("gui.core.pg")
    assert pg.translate("SELECT ? , ?") == "SELECT %s , %s"
    assert pg.translate("SELECT x FROM t WHERE a LIKE '%?%' AND b = ?") == (
        "SELECT x FROM t WHERE a LIKE '%%?%%' AND b = %s"
    )
    assert pg.translate("SELECT 'it''s ?', ? -- what?\n") == "SELECT 'it''s ?', %s -- what?\n"
    assert pg.translate('SELECT "a?b" FROM t WHERE c % 2 = ?') == (
        'SELECT "a?b" FROM t WHERE c %% 2 = %s'
    )
    assert pg.translate("BEGIN IMMEDIATE") == "BEGIN"


def test_row_by_index_and_name() -> None:
    cls = dbapi.row_class(["id", "name", "id"])
    row = cls((1, "x", 3))
    assert row[0] == 1 and row["name"] == "x" and row["id"] == 1  # the first, as sqlite3.Row
    assert tuple(row) == (1, "x", 3) and row[1:] == ("x", 3)
    assert row.keys() == ["id", "name"]
    with pytest.raises(IndexError):
        row["missing"]
    assert dbapi.row_class(["id", "name", "id"]) is cls


def test_dialect_of_plain_sqlite_connection() -> None:
    assert dbapi.dialect(sqlite3.connect(":memory:")) is dbapi.SQLITE
    conn = sqlite3.connect(":memory:", factory=dbapi.SqliteConnection)
    assert dbapi.dialect(conn) is dbapi.SQLITE


def test_urls() -> None:
    assert dbapi.is_postgresql_url("postgresql://u@h/db")
    assert dbapi.is_postgresql_url("postgres://u@h/db")
    assert not dbapi.is_postgresql_url("/var/lib/gatewatch")
    assert dbapi.redact_url("postgresql://u:secret@h:5432/db") == "postgresql://u:***@h:5432/db"
    assert dbapi.redact_url("postgresql://u@h/db") == "postgresql://u@h/db"


def test_sqlstate_classification() -> None:
    pg = pytest.importorskip("gui.core.pg")
    import psycopg.errors as e

    for exc, kind in [
        (e.DiskFull("x"), store_mod.FULL),
        (e.ReadOnlySqlTransaction("x"), store_mod.READONLY),
        (e.AdminShutdown("x"), store_mod.DISCONNECTED),
        (e.ConnectionFailure("x"), store_mod.DISCONNECTED),
        (e.DeadlockDetected("x"), store_mod.BUSY),
        (e.SerializationFailure("x"), store_mod.BUSY),
        (e.OperationalError("connection lost"), store_mod.DISCONNECTED),
    ]:
        assert pg.failure_kind(exc) == kind, exc
        assert store_mod.storage_failure_kind(exc) == kind
    assert pg.failure_kind(e.UniqueViolation("x")) is None  # the job's own error
    assert pg.failure_kind(e.NotNullViolation("x")) is None
    error = store_mod.StorageError.from_sqlite(e.DiskFull("no space"))
    assert error.kind == store_mod.FULL and error.name == "53100"
    assert error.describe().startswith("the disk is full (")


def test_store_reads_and_writes_on_both_engines(engine_store: Store) -> None:
    """The same SQL through the same interface: placeholders, rows by name, RETURNING."""
    store = engine_store
    new_id = store.write_sync(
        lambda c: c.execute(
            "INSERT INTO requests (time, source_ip, warnings) VALUES (?, ?, ?) RETURNING id",
            (5, "10.0.0.1", "50% done"),
        ).fetchone()[0]
    )
    row = store.read_sync(
        lambda c: c.execute(
            "SELECT id, source_ip, warnings FROM requests WHERE source_ip LIKE ?", ("10.%",)
        ).fetchone()
    )
    assert row[0] == new_id and row["source_ip"] == "10.0.0.1" and row["warnings"] == "50% done"
    with store.snapshot() as conn:
        assert conn.execute("SELECT count(*) FROM requests").fetchone()[0] == 1
    assert store.size_bytes() > 0
    assert dbapi.dialect(store.reader()).name == (store.dialect.name)


def test_failed_job_rolls_back_alone_on_both_engines(engine_store: Store) -> None:
    """A job that fails mid-way (an SQL error too) leaves nothing; the others commit."""
    store = engine_store

    def good(c: dbapi.Connection) -> None:
        c.execute("INSERT INTO requests (time, source_ip) VALUES (1, 'good')")

    def bad(c: dbapi.Connection) -> None:
        c.execute("INSERT INTO requests (time, source_ip) VALUES (2, 'bad')")
        c.execute("INSERT INTO requests (time) VALUES (NULL)")  # NOT NULL

    futures = [store.submit(good), store.submit(bad), store.submit(good)]
    assert futures[0].result(10) is None and futures[2].result(10) is None
    with pytest.raises(store_mod.database_errors()):
        futures[1].result(10)
    rows = store.read_sync(lambda c: c.execute("SELECT source_ip FROM requests").fetchall())
    assert sorted(r[0] for r in rows) == ["good", "good"]


def test_nul_characters_are_storable(engine_store: Store) -> None:
    store = engine_store
    store.write_sync(
        lambda c: c.execute("INSERT INTO requests (time, source_ip) VALUES (1, ?)", ("a\x00b",))
    )
    got = store.read_sync(lambda c: c.execute("SELECT source_ip FROM requests").fetchone()[0])
    assert got in ("a\x00b", "a\ufffdb")  # PostgreSQL text cannot hold NUL


def test_open_store_picks_the_engine(tmp_path: Path) -> None:
    s = store_mod.open_store(tmp_path / "a", None)
    try:
        assert s.dialect is dbapi.SQLITE and s.path == tmp_path / "a" / store_mod.DB_FILENAME
        assert s.location == str(s.path)
    finally:
        s.close()
    s = store_mod.open_store(tmp_path / "b", "sqlite")
    try:
        assert s.path == tmp_path / "b" / store_mod.DB_FILENAME
    finally:
        s.close()
    with pytest.raises(ValueError, match="expected postgresql://"):
        store_mod.open_store(tmp_path / "c", "mysql://u@h/db")
    assert not (tmp_path / "c").exists()
