"""A box the registry already knows well is recognised with one query, with the same outcome."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from gui.core import identity, store


def _traced(conn: Any) -> list[str]:
    statements: list[str] = []
    conn.set_trace_callback(statements.append)
    return statements


def _registry(conn: Any) -> tuple[list[Any], list[Any]]:
    aliases = conn.execute("SELECT alias, sn, kind, first_seen FROM box_aliases ORDER BY alias")
    boxes = conn.execute("SELECT sn, first_seen FROM boxes ORDER BY sn")
    return aliases.fetchall(), boxes.fetchall()


def test_a_known_box_costs_one_query_and_changes_nothing(tmp_path: Path) -> None:
    conn = store.open_database(tmp_path / "db.sqlite")
    names = [("licence", "SE3-A1B2C3D4"), ("mac", "0xe0a509261422")]
    with conn:
        first = identity.resolve(conn, names, "10.0.0.5", 1000)
    before = _registry(conn)
    statements = _traced(conn)
    with conn:
        again = identity.resolve(conn, names, "10.0.0.5", 2000)
    conn.set_trace_callback(None)
    assert again == first == "SE3-A1B2C3D4"
    assert [s for s in statements if not s.startswith(("BEGIN", "COMMIT"))] == [
        s for s in statements if s.startswith("SELECT alias, sn, kind FROM box_aliases")
    ]
    assert len(statements) <= 3  # the one query (and the transaction around it)
    assert _registry(conn) == before


def test_anything_new_still_takes_the_long_way(tmp_path: Path) -> None:
    conn = store.open_database(tmp_path / "db.sqlite")
    with conn:
        by_mac = identity.resolve(conn, [("mac", "e0:a5:09:26:14:22")], "10.0.0.5", 1000)
        # a licence code arrives for the same box: linked, and it becomes the key
        both = identity.resolve(
            conn, [("licence", "SE3-A1B2C3D4"), ("mac", "e0a509261422")], "10.0.0.5", 2000
        )
        # a new address for it is recorded
        moved = identity.resolve(conn, [("licence", "SE3-A1B2C3D4")], "10.0.0.9", 3000)
    assert by_mac == "mac:e0a509261422"
    assert both == moved == "SE3-A1B2C3D4"
    aliases, boxes = _registry(conn)
    assert {(a, sn, kind) for a, sn, kind, _t in aliases} == {
        ("SE3-A1B2C3D4", "SE3-A1B2C3D4", "licence"),
        ("mac:e0a509261422", "SE3-A1B2C3D4", "mac"),
        ("ip:10.0.0.5", "SE3-A1B2C3D4", "ip"),
        ("ip:10.0.0.9", "SE3-A1B2C3D4", "ip"),
    }
    assert [sn for sn, _t in boxes] == ["SE3-A1B2C3D4"]


def test_a_box_known_by_its_address_is_merged_when_it_names_itself(tmp_path: Path) -> None:
    conn = store.open_database(tmp_path / "db.sqlite")
    with conn:
        keyless = identity.resolve(conn, [], "10.0.0.7", 1000)  # a real-time push, no name
        identity.resolve(conn, [("licence", "SE5-77")], "10.0.0.8", 1500)
        named = identity.resolve(conn, [("licence", "SE5-77")], "10.0.0.7", 2000)
    assert keyless == "ip:10.0.0.7"
    assert named == "SE5-77"
    _aliases, boxes = _registry(conn)
    assert [sn for sn, _t in boxes] == ["SE5-77"]  # the address-only entry folded in
