"""The one query builder: filters, keyset cursors for every sort, substring search."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from gui.core import query
from gui.core.store import Store
from tests.core.history_data import add, event, make_store


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = make_store(tmp_path)
    names = ["王伟", "张伟", "李娜", "Alice", None, "王伟", "bob_x", "50%", "王"]
    evs = []
    for n in range(45):
        fields = {
            "identity_name": names[n % len(names)],
            "score": None if n % 11 == 3 else round((n * 37 % 100) / 100, 2),
            "person_type": (1, 2, 3, 4, 5)[n % 5],
            "want_action": "1001" if n % 4 == 0 else "0",
        }
        # Same timestamp for several events: the id must break the tie.
        fields["timestamp"] = 1_700_000_000_000 + (n // 3) * 1000
        evs.append(event(n, **fields))
    add(s, evs)
    yield s
    s.close()


def walk(conn, flt, sort: str, desc: bool | None = None, limit: int = 7) -> list[int]:
    out, cursor = [], None
    while True:
        page = query.fetch_page(conn, flt, limit=limit, before=cursor, sort=sort, descending=desc)
        out.extend(e["id"] for e in page.events)
        cursor = page.next
        if cursor is None:
            return out


def expected(conn, sort: str, desc: bool, where: str = "1") -> list[int]:
    keys = {
        "time": "ts {d}, id {d}",
        "score": "ifnull(score, -1) {d}, id {d}",
        "name": "ifnull(identity_name, '') {d}, ifnull(identity_id, '') {d}, id {d}",
    }[sort].format(d="DESC" if desc else "ASC")
    return [r[0] for r in conn.execute(f"SELECT id FROM events WHERE {where} ORDER BY {keys}")]


@pytest.mark.parametrize("sort", ["time", "score", "name"])
@pytest.mark.parametrize("desc", [True, False])
def test_cursor_walk_matches_a_full_sort(store: Store, sort: str, desc: bool) -> None:
    conn = store.reader()
    got = walk(conn, query.EventFilter(), sort, desc)
    assert got == expected(conn, sort, desc)
    assert len(set(got)) == 45


def test_sorted_walk_with_a_filter(store: Store) -> None:
    conn = store.reader()
    flt = query.EventFilter(person_types=(1, 3))
    assert walk(conn, flt, "score") == expected(conn, "score", True, "person_type IN (1, 3)")


@pytest.mark.parametrize("sort", ["time", "score", "name"])
@pytest.mark.parametrize("desc", [True, False])
def test_sorted_walk_over_several_types_merges_one_walk_per_type(
    store: Store, sort: str, desc: bool
) -> None:
    conn = store.reader()
    flt = query.EventFilter(person_types=(4, 1, 3, 1))
    got = walk(conn, flt, sort, desc, limit=4)
    assert got == expected(conn, sort, desc, "person_type IN (1, 3, 4)")
    assert len(got) == 27
    # With a camera too: still every matching event, once, in order.
    cam = conn.execute("SELECT ep_id FROM events WHERE id = 1").fetchone()[0]
    flt = query.EventFilter(person_types=(1, 3), device=cam)
    both = walk(conn, flt, sort, desc)
    assert both == expected(conn, sort, desc, f"person_type IN (1, 3) AND ep_id = '{cam}'")
    assert len(both) == 18


def test_newest_first_over_several_types_walks_each_types_time_index(store: Store) -> None:
    """No ANALYZE statistics (a real database has none): the first page of two types by
    time must not sort every event of both (SQLite chose ``events_by_type_name`` and a
    sort of 400,000 rows at a million events)."""
    conn = store.reader()
    statements: list[str] = []
    conn.set_trace_callback(statements.append)
    try:
        query.fetch_rows(conn, query.EventFilter(person_types=(1, 4)), limit=100)
    finally:
        conn.set_trace_callback(None)
    sql = next(s for s in statements if s.lstrip().upper().startswith("SELECT"))
    plan = " | ".join(row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + sql))
    assert plan.count("USING INDEX events_by_person_type") == 2, plan
    assert "events_by_type_name" not in plan and "events_by_type_score" not in plan, plan


def test_cursor_of_one_sort_is_refused_by_another(store: Store) -> None:
    conn = store.reader()
    page = query.fetch_page(conn, query.EventFilter(), limit=5, sort="score")
    with pytest.raises(query.BadQuery):
        query.fetch_page(conn, query.EventFilter(), before=page.next, sort="name")
    time_page = query.fetch_page(conn, query.EventFilter(), limit=5)
    with pytest.raises(query.BadQuery):
        query.fetch_page(conn, query.EventFilter(), before=time_page.next, sort="score")


@pytest.mark.parametrize(
    ("q", "names"),
    [
        ("王", {"王伟", "王"}),
        ("伟", {"王伟", "张伟"}),
        ("王伟", {"王伟"}),
        ("alice", {"Alice"}),
        ("_", {"bob_x"}),  # LIKE wildcards are literal
        ("%", {"50%"}),
        ("id-00", None),  # ids match too
    ],
)
def test_substring_search(store: Store, q: str, names: set[str] | None) -> None:
    conn = store.reader()
    flt = query.EventFilter(q=q)
    events = [e for e in query.iter_events(conn, flt)]
    assert query.count(conn, flt) == len(events) > 0
    if names is not None:
        assert {e["identity_name"] for e in events} == names
    else:
        assert all(q in e["identity_id"] for e in events)
        assert len(events) == 10


def test_filters_combine(store: Store) -> None:
    conn = store.reader()
    flt = query.EventFilter(person_types=(1, 3), score_min=0.3, want_action="1001", q="伟")
    got = {e["id"] for e in query.iter_events(conn, flt)}
    want = {
        r[0]
        for r in conn.execute(
            "SELECT id FROM events WHERE person_type IN (1, 3) AND score >= 0.3"
            " AND want_action = '1001' AND identity_name LIKE '%伟%'"
        )
    }
    assert got == want and got


def test_parse_sort() -> None:
    assert query.parse_sort({}) == ("time", True)
    assert query.parse_sort({"sort": "name"}) == ("name", False)
    assert query.parse_sort({"sort": "score", "order": "asc"}) == ("score", False)
    with pytest.raises(query.BadQuery):
        query.parse_sort({"sort": "colour"})
    with pytest.raises(query.BadQuery):
        query.parse_sort({"order": "up"})


def test_v2_database_gains_the_history_indexes(tmp_path: Path) -> None:
    """Schema v3 adds the indexes history sorting and search rely on (INDEXED BY needs them)."""
    import sqlite3

    from gui.core import schema
    from gui.core.store import DB_FILENAME

    data = tmp_path / "data"
    data.mkdir()
    conn = sqlite3.connect(data / DB_FILENAME, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    schema.migrate(conn, target=2)
    conn.execute(
        "INSERT INTO events (natural_key, ts, received_at, identity_id, identity_name, score,"
        " format, doc, raw) VALUES ('k1', 5, 5, 'E-1', '王伟', 0.5, '1.0', '{}', x'00')"
    )
    conn.close()
    store = Store(data)
    try:
        conn = store.reader()
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='index'")}
        assert {"events_by_name", "events_by_score", "images_with_data"} <= names
        found = list(query.iter_events(conn, query.EventFilter(q="王")))
        assert [e["identity_id"] for e in found] == ["E-1"]
        assert walk(conn, query.EventFilter(), "name") == [1]
    finally:
        store.close()


@pytest.mark.parametrize("sort", ["time", "score", "name"])
def test_device_filter_matches_ep_id_or_device_id_across_pages(tmp_path: Path, sort: str) -> None:
    s = make_store(tmp_path)
    try:
        base = event(0)["ep_info"]
        evs = []
        for n in range(20):
            ep = {**base, "ep_id": f"cam-{n % 3}", "device_id": f"dev-{n % 4}"}
            if n % 5 == 0:
                ep["ep_id"] = "dev-1"  # the same value in both columns of one row
            evs.append(event(n, ep_info=ep, score=(n * 7 % 10) / 10))
        add(s, evs)
        conn = s.reader()
        flt = query.EventFilter(device="dev-1")
        got = walk(conn, flt, sort, limit=3)
        want = expected(conn, sort, query.SORTS[sort][1], "ep_id = 'dev-1' OR device_id = 'dev-1'")
        assert got == want and len(want) > 5
        assert query.count(conn, flt) == len(want)
    finally:
        s.close()


@pytest.mark.parametrize("narrow_limit", [1, 5000])
@pytest.mark.parametrize("sort", ["time", "name"])
def test_score_ranges_same_rows_whichever_plan(
    store: Store, monkeypatch: pytest.MonkeyPatch, narrow_limit: int, sort: str
) -> None:
    """Narrow ranges read through the score index, wide ones walk the sort order: same rows."""
    monkeypatch.setattr(query, "NARROW_SCORE_RANGE", narrow_limit)
    conn = store.reader()
    flt = query.EventFilter(score_min=0.2, score_max=0.7)
    where = "score >= 0.2 AND score <= 0.7"
    assert walk(conn, flt, sort, limit=4) == expected(conn, sort, sort == "time", where)
    assert query.count(conn, flt) == len(expected(conn, sort, True, where))
    flt = query.EventFilter(score_max=0.3, device="nothing")
    assert walk(conn, flt, sort) == [] and query.count(conn, flt) == 0
