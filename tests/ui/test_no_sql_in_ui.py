"""The UI reads through the core's typed ``Reader``: no SQL, sqlite3 or row positions in gui/ui."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

UI = Path(__file__).resolve().parents[2] / "gui" / "ui"

#: What reading the database directly looks like in Python source.
FORBIDDEN = {
    "SQL statement": re.compile(
        r"\bSELECT\b[\s\S]{0,200}?\bFROM\b|\bINSERT\s+(OR\s+\w+\s+)?INTO\b|\bUPDATE\s+\w+\s+SET\b"
        r"|\bDELETE\s+FROM\b|\bPRAGMA\b|\bCREATE\s+(TABLE|INDEX|VIEW)\b|\bBEGIN\b\s*[\"']",
        re.IGNORECASE,
    ),
    "sqlite3": re.compile(r"\bsqlite3\b"),
    "a cursor call": re.compile(r"\.(execute|executemany|executescript|fetchone|fetchall)\("),
    "a store connection": re.compile(r"\.reader\(\)|\.snapshot\(\)|read_sync\("),
    "a row position": re.compile(r"\b(r|row|rows?\[\w+\])\[\d+\]"),
}


def _sources() -> list[Path]:
    return sorted(UI.rglob("*.py"))


def test_the_ui_is_there() -> None:
    assert len(_sources()) > 30


@pytest.mark.parametrize("path", _sources(), ids=lambda p: str(p.relative_to(UI)))
def test_no_sql_sqlite3_or_row_positions(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    found = [
        f"{what}: {m.group(0)[:60]!r} (line {text.count(chr(10), 0, m.start()) + 1})"
        for what, pattern in FORBIDDEN.items()
        for m in pattern.finditer(text)
    ]
    assert not found, f"{path.relative_to(UI)} reads the database itself: {found}"


def test_the_patterns_catch_what_the_ui_used_to_do() -> None:
    """The checks above would have failed on the code this replaced."""
    old = [
        'conn.execute("SELECT count(*), max(received_at) FROM events WHERE received_at >= ?")',
        "import sqlite3",
        'sql = f"SELECT {core_alarms._COLUMNS} FROM alarms"',
        "codes = r[11] or ''",
        "self.bridge.read_sync(lambda c: recent_items(c, 5))",
        "installer.request_detail(getter().reader(), rid)",
        'version = conn.execute("PRAGMA user_version").fetchone()[0]',
    ]
    for line in old:
        assert any(p.search(line) for p in FORBIDDEN.values()), line
