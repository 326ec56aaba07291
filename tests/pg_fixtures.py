"""PostgreSQL for tests: a fresh database per test, and fixtures parametrised by engine.

The server comes from ``GATEWATCH_TEST_PG`` (``postgresql://user@host:port/db`` of a
role allowed to create databases); ``./dev.sh test`` starts a throwaway cluster and
sets it when PostgreSQL is installed. Without it the PostgreSQL cases are skipped,
saying so, unless ``GATEWATCH_REQUIRE_PG=1`` (CI), where they fail.

- ``pg_url``: the URL of a new, migrated database, dropped after the test;
  ``pg_empty_url`` the same without the schema (migration tests).
- ``engine``: ``"sqlite"`` / ``"postgresql"``, once each; ``store_url`` is ``None``
  for SQLite, else a fresh ``pg_url``; ``engine_store`` a ``Store`` on that engine.
  A conformance test asks for ``engine_store`` (or ``store_url`` to start a
  receiver with ``ReceiverConfig(store=...)``) and runs on both engines.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest

ENGINES = ("sqlite", "postgresql")
HOW_TO = (
    "PostgreSQL tests need a server: set GATEWATCH_TEST_PG=postgresql://user@host:port/db "
    "(./dev.sh test starts a throwaway cluster when PostgreSQL is installed: "
    "apt install postgresql)"
)


def _unavailable(why: str) -> None:
    if os.environ.get("GATEWATCH_REQUIRE_PG") == "1":
        pytest.fail(f"GATEWATCH_REQUIRE_PG=1 but {why}", pytrace=False)
    pytest.skip(f"{why}. {HOW_TO}")


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + name))


class PgServer:
    """The test server: creates and drops databases (from a migrated template)."""

    def __init__(self, url: str) -> None:
        import psycopg

        self.url = url
        self._psycopg = psycopg
        self._admin = psycopg.connect(url, autocommit=True, connect_timeout=5)
        self._template: str | None = None

    def _create(self, name: str, template: str | None = None) -> str:
        sql = f'CREATE DATABASE "{name}"'
        if template:
            sql += f' TEMPLATE "{template}"'
        self._admin.execute(sql)
        return with_database(self.url, name)

    def template(self) -> str:
        """A database with the current schema, copied for each test (faster than migrating)."""
        if self._template is None:
            name = f"gw_template_{uuid.uuid4().hex[:10]}"
            url = self._create(name)
            from gui.core import pg, pg_schema

            with pg.connect(url) as conn:
                pg_schema.migrate(conn)
            self._template = name
        return self._template

    def create(self, *, migrated: bool = True) -> str:
        name = f"gw_test_{uuid.uuid4().hex[:12]}"
        return self._create(name, self.template() if migrated else None)

    def drop(self, url: str) -> None:
        name = urlsplit(url).path.lstrip("/")
        self._admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def close(self) -> None:
        if self._template is not None:
            self._admin.execute(f'DROP DATABASE IF EXISTS "{self._template}" WITH (FORCE)')
        self._admin.close()


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    url = os.environ.get("GATEWATCH_TEST_PG", "").strip()
    if not url:
        _unavailable("GATEWATCH_TEST_PG is not set")
    try:
        server = PgServer(url)
    except Exception as exc:  # psycopg missing, server down, bad URL
        _unavailable(f"the PostgreSQL server at GATEWATCH_TEST_PG cannot be used ({exc})")
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def pg_url(pg_server: PgServer) -> Iterator[str]:
    """A fresh database with the current schema; dropped after the test."""
    url = pg_server.create()
    try:
        yield url
    finally:
        pg_server.drop(url)


@pytest.fixture
def pg_empty_url(pg_server: PgServer) -> Iterator[str]:
    """A fresh, empty database (no schema yet); dropped after the test."""
    url = pg_server.create(migrated=False)
    try:
        yield url
    finally:
        pg_server.drop(url)


@pytest.fixture(params=ENGINES)
def engine(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def store_url(engine: str, request: pytest.FixtureRequest) -> str | None:
    """Where a receiver's store is: None (SQLite in its data dir) or a fresh database."""
    if engine == "sqlite":
        return None
    return str(request.getfixturevalue("pg_url"))


@pytest.fixture
def engine_store(store_url: str | None, tmp_path: Path) -> Iterator[Any]:
    """A ``Store`` on each engine in turn, closed after the test."""
    from gui.core.store import Store

    store = Store(tmp_path / "data", url=store_url)
    try:
        yield store
    finally:
        store.close()
