"""What the core's SQL runs on: a ``Connection`` of either engine, its ``Dialect``, ``Row``.

The core writes its SQL once, with ``?`` placeholders, in the subset SQLite and
PostgreSQL both accept (``ON CONFLICT ... DO NOTHING / DO UPDATE``, ``RETURNING
id`` rather than ``lastrowid``, ``coalesce`` rather than ``ifnull``). A
PostgreSQL connection (``gui.core.pg``) translates the placeholders and gives
rows readable by index and by column name, as ``sqlite3.Row`` does. Where the
engines truly differ, ``dialect(conn)`` (``gui.core.portable``) supplies the
spelling; functions take a ``Connection`` and never name ``sqlite3.Connection``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Protocol, TypeVar
from urllib.parse import urlsplit, urlunsplit

from gui.core.portable import POSTGRESQL, SQLITE, Dialect, dialect_of

#: A row of either engine: ``sqlite3.Row``, ``dbapi.Row`` or a plain tuple.
RowLike = Any

J = TypeVar("J", bound=Callable[..., Any])


class Cursor(Protocol):
    """What the core uses of a cursor (``sqlite3.Cursor`` and the PostgreSQL one)."""

    @property
    def rowcount(self) -> int: ...

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...

    def fetchmany(self, size: int = ..., /) -> list[Any]: ...

    def __iter__(self) -> Iterator[Any]: ...


class Connection(Protocol):
    """A database connection of either engine (``sqlite3.Connection`` is one as it is)."""

    def execute(self, sql: str, parameters: Any = ..., /) -> Any: ...

    def executemany(self, sql: str, parameters: Any, /) -> Any: ...

    @property
    def in_transaction(self) -> bool: ...


def dialect(conn: Connection | Any) -> Dialect:
    """The dialect of ``conn``; a plain ``sqlite3.Connection`` (tests, tools) is SQLite."""
    return dialect_of(conn)


class SqliteConnection(sqlite3.Connection):
    """``sqlite3.Connection`` that says its dialect: no wrapper, no cost per statement."""

    dialect = SQLITE


__all__ = ["POSTGRESQL", "SQLITE", "Connection", "Cursor", "Dialect", "Row", "RowLike", "dialect"]


class Row(tuple[Any, ...]):
    """A PostgreSQL row: a tuple that also answers ``row["column"]`` and ``keys()``.

    One subclass per column list (``row_class``), holding the name -> index map,
    so a row costs what a tuple costs.
    """

    __slots__ = ()
    _index: dict[str, int] = {}  # noqa: RUF012 - set per subclass

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            try:
                return tuple.__getitem__(self, self._index[key])
            except KeyError:
                raise IndexError(f"no such column: {key}") from None
        return tuple.__getitem__(self, key)

    def keys(self) -> list[str]:
        return list(self._index)


_ROW_CLASSES: dict[tuple[str, ...], type[Row]] = {}


def row_class(names: Sequence[str]) -> type[Row]:
    """The ``Row`` subclass for a column list (cached: one per distinct query shape)."""
    key = tuple(names)
    cls = _ROW_CLASSES.get(key)
    if cls is None:
        index: dict[str, int] = {}
        for i, name in enumerate(key):
            index.setdefault(name, i)  # the first of duplicate names, as sqlite3.Row
        cls = type("Row", (Row,), {"__slots__": (), "_index": index})
        if len(_ROW_CLASSES) < 4096:
            _ROW_CLASSES[key] = cls
    return cls


def is_postgresql_url(location: object) -> bool:
    """Whether a store location names a PostgreSQL database rather than a data dir."""
    return isinstance(location, str) and location.startswith(("postgresql://", "postgres://"))


def redact_url(url: str) -> str:
    """``url`` without its password, for logs and status displays."""
    try:
        parts = urlsplit(url)
        password = parts.password
    except ValueError:
        return "postgresql://…"
    if password is None:
        return url
    host = parts.netloc.rsplit("@", 1)[-1]
    return urlunsplit(parts._replace(netloc=f"{parts.username or ''}:***@{host}"))


def note_written_event(conn: Connection | Any, event_id: int) -> None:
    """Tell the writer's connection an event was written (PostgreSQL NOTIFYs the highest)."""
    if hasattr(conn, "max_event_id"):
        current = conn.max_event_id
        if current is None or event_id > current:
            conn.max_event_id = event_id


def photo_day(ms: int) -> int:
    """The PostgreSQL photos partition of an epoch-ms receive time: UTC days since 1970."""
    return int(ms) // 86_400_000


_RERUNNABLE = "_gatewatch_rerunnable"


def rerunnable(job: J) -> J:
    """Mark ``job`` as one the writer may run again after rolling its batch back.

    A batch whose jobs are all marked runs without a savepoint around each job and
    each batch hook (SAVEPOINT and RELEASE are two statements, and every statement
    hands the GIL to the event loop and waits to get it back: under a flood of
    uploads they were 7 of the writer's 16.5 statements per event).
    Only if a job or a batch hook then fails is the batch rolled back and run
    again the careful way, each job in its own savepoint. So a marked job must do
    the same when run again on the rolled-back database: its effects are the
    connection's, and whatever it keeps in Python it sets afresh (or it gathers
    into a batch hook, which ``begin`` resets).
    """
    setattr(job, _RERUNNABLE, True)
    return job


def is_rerunnable(job: Any) -> bool:
    """Whether ``job`` was marked with ``rerunnable``."""
    return bool(getattr(job, _RERUNNABLE, False))
