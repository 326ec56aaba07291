"""PostgreSQL's history pages (schema v8): the ids found first, through indexes that carry
the filtered and sorted columns, then the page's rows; a search split into its names, its
id and the box's event id. Every page, paged to the end, equals SQLite's."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from gui.core import pg, pg_schema, query, retention
from gui.core.store import Store
from tests.core.history_data import add, event

F = query.EventFilter
NAMES = ["张伟", "张芳", "王伟", "Alice Smith", "alice jones", "Bob SMITH", None]


def _events() -> list[dict[str, Any]]:
    evs = []
    for n in range(90):
        ev = event(
            n,
            identity_id=None if n % 13 == 0 else f"E-{n % 17:03d}",
            identity_name=NAMES[n % len(NAMES)],
            person_type=[1, 2, 3, 4, 5][n % 5],
            score=round(0.5 + (n * 37 % 50) / 100, 2) if n % 11 else None,
            timestamp=1_700_000_000_000 + (n * 7919 % 90) * 60_000,  # shuffled times
        )
        info = dict(ev["ep_info"])
        info["ep_id"] = f"cam-{n % 3}"
        if n % 4 == 0:
            info.pop("ep_id")
            info["device_id"] = f"cam-{n % 3}"  # named only by its device id
        ev["ep_info"] = info
        evs.append(ev)
    return evs


FILTERS = {
    "none": F(),
    "type 3": F(person_types=(3,)),
    "camera + type 2": F(device="cam-1", person_types=(2,)),
    "camera": F(device="cam-2"),
    "rare score": F(score_min=0.95),
    "score range + type": F(score_min=0.6, score_max=0.8, person_types=(1,)),
    "camera + since + score": F(device="cam-0", since=1_700_000_000_000 + 30 * 60_000,
                                score_min=0.7),
    "short search": F(q="张"),
    "short search + type": F(q="伟", person_types=(1,)),
    "two-letter latin": F(q="al"),
    "search, other case": F(q="SMITH"),
    "search by id": F(q="E-00"),
    "search + since": F(q="smith", since=1_700_000_000_000 + 20 * 60_000),
    "search + two types": F(q="张", person_types=(1, 2)),
    "search + camera": F(q="Smith", device="cam-1"),
    "no match": F(q="zzz"),
}  # fmt: skip


def _pages(store: Store, flt: query.EventFilter, sort: str, descending: bool) -> list[int]:
    """Every id, page after page of 7."""
    conn = store.reader()
    ids: list[int] = []
    before = None
    for _ in range(40):
        rows = query.fetch_rows(conn, flt, limit=7, before=before, sort=sort,
                                descending=descending)  # fmt: skip
        ids += [r[0] for r in rows]
        if len(rows) < 7:
            return ids
        before = query.sort_key(rows[-1], sort)
    raise AssertionError("paging did not end")


def test_history_pages_equal_sqlites(tmp_path: Path, pg_url: str) -> None:
    sqlite = Store(tmp_path / "sqlite")
    postgres = Store(tmp_path / "pg", url=pg_url)
    try:
        evs = _events()
        for s in (sqlite, postgres):
            add(s, evs)
        # Same ids on both (stored in the same order), so pages compare as ids.
        natural = "SELECT id FROM events ORDER BY id"
        assert [r[0] for r in sqlite.reader().execute(natural)] == [
            r[0] for r in postgres.reader().execute(natural)
        ]
        for label, flt in FILTERS.items():
            for sort, descending in (("time", True), ("time", False), ("score", True),
                                     ("name", False)):  # fmt: skip
                a = _pages(sqlite, flt, sort, descending)
                b = _pages(postgres, flt, sort, descending)
                assert a == b, (label, sort, descending)
            if label != "no match":
                assert _pages(postgres, flt, "time", True), label
            assert query.count(sqlite.reader(), flt) == query.count(postgres.reader(), flt)
    finally:
        sqlite.close()
        postgres.close()


def _nodes(node: dict[str, Any]) -> list[dict[str, Any]]:
    return [node, *(n for child in node.get("Plans", ()) for n in _nodes(child))]


def _plan(conn: pg.PgConnection, flt: query.EventFilter, sort: str = "time") -> list[Any]:
    """The scans of the history's page query for ``flt`` (``EXPLAIN``): (type, index)."""
    seen: list[tuple[str, Any]] = []

    class Recording:
        def __getattr__(self, name: str) -> Any:
            return getattr(conn, name)

        def execute_planned(self, sql: str, params: Any = ()) -> Any:
            seen.append((sql, params))
            return conn.execute_planned(sql, params)

    query.fetch_rows(Recording(), flt, limit=101, sort=sort)  # type: ignore[arg-type]
    sql, params = seen[-1]
    doc = conn.execute("EXPLAIN (FORMAT JSON) " + sql, params).fetchone()[0]
    top = (doc if isinstance(doc, list) else json.loads(doc))[0]["Plan"]
    return [(n["Node Type"], n.get("Index Name")) for n in _nodes(top)]


@pytest.mark.parametrize(
    ("flt", "index"),
    [
        (F(score_min=0.95), "events_by_score"),
        (F(device="cam-1", person_types=(2,)), "events_by_ep_id"),
        (F(q="张"), "events_by_identity_name"),
        (F(q="Smith"), "events_by_identity_name"),
        (F(q="E-001"), "events_by_identity"),
    ],
)
def test_a_rare_filter_finds_its_page_in_an_index_alone(
    tmp_path: Path, pg_url: str, flt: query.EventFilter, index: str
) -> None:
    """The page's ids come from an index-only scan of the index that carries the filtered
    columns; only the page's rows are read from the table (by id)."""
    store = Store(tmp_path / "pg", url=pg_url)
    try:
        add(store, _events())
        with pg.connect(pg_url) as conn:
            # Many other events (another camera, name and score): the filters become rare.
            conn.execute(
                "INSERT INTO events (natural_key, ts, received_at, format, doc, raw,"
                " identity_id, identity_name, person_type, score, ep_id)"
                " SELECT 'filler-' || g, 1600000000000 + g * 1000, 0, 'v1', '', '',"
                " 'F-' || mod(g, 500), 'Filler ' || mod(g, 500), 1 + mod(g, 5), 0.5, 'cam-9'"
                " FROM generate_series(1, 30000) AS g"
            )
            conn.execute("VACUUM ANALYZE events")  # the visibility map, as autovacuum sets it
            conn.execute("SET enable_seqscan = off")
            conn.execute("SET enable_bitmapscan = off")
            plan = _plan(conn, flt)
        assert ("Index Only Scan", index) in plan, str(plan)
        assert ("Index Scan", "events_pkey") in plan, plan  # the page's rows, by id
    finally:
        store.close()


def _ids(conn: pg.PgConnection) -> list[str]:
    return [r[0] for r in conn.execute("SELECT identity_id FROM event_identities ORDER BY 1")]


def _raw_event(conn: pg.PgConnection, n: int, ident: str | None, received_at: int = 5) -> None:
    conn.execute(
        "INSERT INTO events (natural_key, ts, received_at, format, doc, raw, identity_id)"
        " VALUES (?, ?, ?, 'v1', ?, ?, ?)",
        (f"k{n}", 1_700_000_000_000 + n, received_at, b"{}", b"{}", ident),
    )


def test_identity_ids_are_kept_filled_and_pruned(pg_empty_url: str) -> None:
    """``event_identities`` (schema v9): filled from the events there by the migration,
    kept by a trigger, pruned by retention of the ids no event carries any more."""
    with pg.connect(pg_empty_url) as conn:
        pg_schema.migrate(conn, target=8)
        for n, (ident, received_at) in enumerate(
            [("E-1", 0), ("E-1", 9), ("S-1700000000.1", 1), (None, 2)]
        ):
            _raw_event(conn, n, ident, received_at)
        pg_schema.migrate(conn)
        assert _ids(conn) == ["E-1", "S-1700000000.1"]
        _raw_event(conn, 10, "E-2")
        conn.execute("UPDATE events SET identity_id = 'E-3' WHERE natural_key = 'k3'")
        assert _ids(conn) == ["E-1", "E-2", "E-3", "S-1700000000.1"]
        # The oldest two go: one "E-1" event is left, the stranger's id is not.
        assert retention.delete_events_job(2, received_before=None)(conn) == 2
        assert _ids(conn) == ["E-1", "E-2", "E-3"]
        found = query.fetch_rows(conn, F(q="-2"), limit=5)  # a short piece: whole ids only
        assert found == []
        found = query.fetch_rows(conn, F(q="e-2"), limit=5)
        assert [r["identity_id"] for r in found] == ["E-2"]


def test_autovacuum_keeps_the_visibility_map_of_recent_events(pg_url: str) -> None:
    """Index-only scans skip the rows only where the visibility map says all-visible:
    events are vacuumed after a few thousand new ones, not after 20 % of the table."""
    with pg.connect(pg_url) as conn:
        options = conn.execute("SELECT reloptions FROM pg_class WHERE relname = 'events'")
        assert set(options.fetchone()[0]) == {
            "autovacuum_vacuum_insert_threshold=5000",
            "autovacuum_vacuum_insert_scale_factor=0",
        }
