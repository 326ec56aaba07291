"""The PostgreSQL schema: migrations once (also from two receivers at once), newer refused."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from gui.core.schema import NewerDatabase
from gui.core.store import Store

pytestmark = pytest.mark.timeout(120)


def test_an_empty_database_is_migrated_once_by_receivers_starting_together(
    pg_empty_url: str, tmp_path: Path
) -> None:
    from gui.core import pg, pg_schema

    stores: list[Store] = []
    errors: list[BaseException] = []

    def start(i: int) -> None:
        try:
            stores.append(Store(tmp_path / f"r{i}", url=pg_empty_url))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=start, args=(i,)) for i in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    try:
        assert errors == [] and len(stores) == 3
        with pg.connect(pg_empty_url) as conn:
            versions = [r[0] for r in conn.execute("SELECT version FROM schema_version")]
            assert versions == list(range(1, pg_schema.SCHEMA_VERSION + 1))
            assert pg_schema.migrate(conn) == pg_schema.SCHEMA_VERSION  # nothing to do
            days = [d for d, _name in pg_schema.photo_partitions(conn)]
            assert len(days) >= 3  # yesterday, today, tomorrow
    finally:
        for s in stores:
            s.close()


def test_a_database_of_a_newer_gatewatch_is_refused(pg_url: str, tmp_path: Path) -> None:
    from gui.core import pg, pg_schema

    with pg.connect(pg_url) as conn:
        conn.execute("INSERT INTO schema_version (version) VALUES (?)", (99,))
    with pytest.raises(NewerDatabase) as caught:
        Store(tmp_path / "data", url=pg_url)
    assert caught.value.found == 99 and caught.value.understood == pg_schema.SCHEMA_VERSION


def test_run_script_ignores_semicolons_in_comments() -> None:
    from gui.core import pg_schema

    ran: list[str] = []

    class Recorder:
        def execute(self, sql: str, *_args: object) -> None:
            ran.append(" ".join(sql.split()))

    script = "CREATE TABLE a (x int); -- one; two\nCREATE TABLE b (y int)"
    pg_schema.run_script(Recorder(), script)  # type: ignore[arg-type]
    assert ran == ["CREATE TABLE a (x int)", "CREATE TABLE b (y int)"]
