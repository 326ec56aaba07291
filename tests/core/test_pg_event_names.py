"""PostgreSQL's ``event_names`` (schema v5): the names a one- or two-character search
matches, kept by a trigger in the event's transaction and pruned by retention."""

from __future__ import annotations

from pathlib import Path

from gui.core import pg, pg_schema, query, retention
from gui.core.store import Store
from tests.core.history_data import add, event


def _names(conn: pg.PgConnection) -> list[str]:
    return [r[0] for r in conn.execute("SELECT name FROM event_names ORDER BY name")]


def _raw_event(conn: pg.PgConnection, n: int, name: str | None) -> None:
    conn.execute(
        "INSERT INTO events (natural_key, ts, received_at, format, doc, raw, identity_name)"
        " VALUES (?, ?, ?, 'v1', ?, ?, ?)",
        (f"k{n}", 1_700_000_000_000 + n, 1_700_000_000_000, b"{}", b"{}", name),
    )


def test_the_migration_fills_the_names_of_existing_events(pg_empty_url: str) -> None:
    with pg.connect(pg_empty_url) as conn:
        pg_schema.migrate(conn, target=4)
        for n, name in enumerate(["王伟", "王伟", "Alice", None]):
            _raw_event(conn, n, name)
        pg_schema.migrate(conn)
        assert _names(conn) == ["Alice", "王伟"]
        # From now on the trigger keeps it: a new name is added, a known one left alone.
        _raw_event(conn, 10, "张伟")
        _raw_event(conn, 11, "Alice")
        conn.execute("UPDATE events SET identity_name = 'Bob' WHERE natural_key = 'k3'")
        assert _names(conn) == ["Alice", "Bob", "张伟", "王伟"]


def test_short_searches_find_names_stored_and_merged_in(pg_url: str, tmp_path: Path) -> None:
    store = Store(tmp_path / "data", url=pg_url)
    try:
        add(store, [event(1, identity_name="张伟"), event(2, identity_name="王芳")])
        # A copy of event 3 without a name, then the richer copy fills the name in.
        nameless = event(3, identity_name=None)
        add(store, [nameless])
        add(store, [event(3, identity_name="李娜")])
        conn = store.reader()
        found = {
            q: [r["identity_id"] for r in query.fetch_page(conn, query.EventFilter(q=q)).events]
            for q in ("张", "娜", "伟", "芳", "x")
        }
        assert found == {"张": ["id-001"], "娜": ["id-003"], "伟": ["id-001"], "芳": ["id-002"],
                         "x": []}  # fmt: skip
        assert query.count(conn, query.EventFilter(q="王")) == 1
    finally:
        store.close()


def test_retention_forgets_the_names_of_the_events_it_deletes(pg_url: str) -> None:
    with pg.connect(pg_url) as conn:
        for n, name in enumerate(["Old Only", "Kept", "Kept"]):
            _raw_event(conn, n, name)
        # The oldest two go (received_at ties are broken by the table order).
        conn.execute("UPDATE events SET received_at = 1 WHERE natural_key IN ('k0', 'k1')")
        assert retention.delete_events_job(10, received_before=2)(conn) == 2
        assert _names(conn) == ["Kept"]  # one "Kept" event is left
        assert [r[0] for r in conn.execute("SELECT identity_name FROM events")] == ["Kept"]


def test_history_reads_are_planned_for_their_values_never_generically(
    pg_url: str, tmp_path: Path
) -> None:
    """psycopg prepares a statement run five times, and the server then may settle on one
    generic plan for every value: after a few rare names, a frequent one read every
    match. The history's reads are never prepared."""
    store = Store(tmp_path / "data", url=pg_url)
    try:
        add(store, [event(1, identity_name="张伟"), event(2, identity_name="王芳")])
        conn = store.reader()
        for _ in range(4):
            for q in ("张", "芳", "x"):
                flt = query.EventFilter(q=q)
                query.fetch_page(conn, flt)
                query.count(conn, flt)
            query.fetch_page(conn, query.EventFilter(score_min=0.5), sort="score")
        prepared = conn.execute(
            "SELECT statement FROM pg_prepared_statements WHERE statement LIKE '%FROM events%'"
        ).fetchall()
        assert prepared == []
    finally:
        store.close()
