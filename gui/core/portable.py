"""The few SQL spellings that differ between SQLite and PostgreSQL, for feature code.

Feature modules (history, alarms, devices...) write SQL in the subset both
engines accept: ``?`` placeholders, ``ON CONFLICT``, ``RETURNING``,
``coalesce``, ``IS NOT DISTINCT FROM``, explicit casts where integer and real
division differ. What cannot be written once is asked of ``dialect_of(conn)``:

- ``greatest``/``least``: SQLite's scalar ``max(a, b)``/``min(a, b)``
  (PostgreSQL has ``greatest``/``least`` and no scalar ``max``);
- ``ifnull``: SQLite's expression indexes are keyed on ``ifnull(...)`` and its
  planner only uses them for that exact spelling; PostgreSQL's on ``coalesce``;
- ``indexed_by``: SQLite is told which index pays (``INDEXED BY``), PostgreSQL's
  planner decides from its statistics;
- ``like``: case-insensitive substring search. SQLite's ``LIKE`` ignores ASCII
  case only; PostgreSQL's ``ILIKE`` ignores case in every alphabet.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Dialect:
    """SQL spellings of one engine; ``name`` is ``sqlite`` or ``postgresql``."""

    name: str

    @property
    def is_postgres(self) -> bool:
        return self.name == "postgresql"

    def greatest(self, *args: str) -> str:
        return f"{'greatest' if self.is_postgres else 'max'}({', '.join(args)})"

    def least(self, *args: str) -> str:
        return f"{'least' if self.is_postgres else 'min'}({', '.join(args)})"

    def ifnull(self, value: str, default: str) -> str:
        return f"{'coalesce' if self.is_postgres else 'ifnull'}({value}, {default})"

    def indexed_by(self, table: str, index: str) -> str:
        return table if self.is_postgres else f"{table} INDEXED BY {index}"

    def group_concat(self, value: str, separator: str) -> str:
        """``value`` of a group's rows joined by ``separator`` (an SQL string literal)."""
        name = "string_agg" if self.is_postgres else "group_concat"
        return f"{name}({value}, {separator})"

    @property
    def like(self) -> str:
        return "ILIKE" if self.is_postgres else "LIKE"


SQLITE = Dialect("sqlite")
POSTGRESQL = Dialect("postgresql")


def dialect_of(conn: Any) -> Dialect:
    """The dialect of a connection: sqlite3's, or the engine a store adapter names."""
    if isinstance(conn, sqlite3.Connection):
        return SQLITE
    name = getattr(getattr(conn, "dialect", None), "name", None) or getattr(conn, "engine", "")
    return POSTGRESQL if str(name).startswith("postgres") else SQLITE


def columns_of(conn: Any, table: str) -> list[str]:
    """A table's column names in order (``PRAGMA table_info`` is SQLite's alone)."""
    cur = conn.execute(f"SELECT * FROM {table} LIMIT 0")
    names = [d[0] for d in cur.description]
    cur.fetchall()
    return names
