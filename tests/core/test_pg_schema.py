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


def test_old_photo_days_are_dropped_whole_and_pinned_photos_kept(
    pg_url: str, tmp_path: Path
) -> None:
    """Retention by partition: the days before the cut lose their photos (listed as
    purged), a pinned event keeps them, today's stay."""
    import asyncio
    import json
    import time

    from gui.core import event_rows, pg_schema, retention
    from gui.core.pipeline import Delivery, IngestPipeline
    from tests.conftest import load_sample
    from tests.core.procs import unique_event

    store = Store(tmp_path / "data", url=pg_url)
    pipeline = IngestPipeline(store)
    day_ms = 86_400_000
    now = int(time.time() * 1000)
    today = pg_schema.day_of(now)
    old_ms = (today - 3) * day_ms + 3_600_000
    try:
        store.write_sync(lambda c: pg_schema.ensure_photo_partition(c, today - 3))

        def post(tag: str, received_at: int) -> int:
            body = json.dumps(unique_event(load_sample("employee_match"), tag, 1)).encode()
            out = asyncio.run(pipeline.ingest(Delivery(
                path="/EventServer/api/HistoryEvent", source_ip="10.0.0.1",
                received_at=received_at, body=body, content_type="application/json",
            )))  # fmt: skip
            assert out.status == 200
            return out.event_ids[0]

        old, pinned, new = post("old", old_ms), post("pinned", old_ms), post("new", now)
        pin = "UPDATE events SET pinned = 1 WHERE id = ?"
        store.write_sync(lambda c: c.execute(pin, (pinned,)))
        cut = (today - 1) * day_ms
        dropped = store.write_sync(lambda c: retention.drop_photo_day(c, cut))
        assert dropped > 0  # the old event's photos (the pinned one's were kept)
        assert store.write_sync(lambda c: retention.drop_photo_day(c, cut)) == 0
        names = store.read_sync(lambda c: [n for _d, n in pg_schema.photo_partitions(c)])
        assert pg_schema.partition_name(today - 3) not in names

        def images(event_id: int) -> dict[str, bool]:
            got = store.read_sync(lambda c: event_rows.images_by_event(c, [event_id]))
            return {kind: meta["purged"] for kind, meta in got[event_id].items()}

        assert images(old) and all(images(old).values())  # listed, as purged
        assert images(pinned) and not any(images(pinned).values())
        assert images(new) and not any(images(new).values())
        kind = next(iter(images(pinned)))
        assert store.read_sync(lambda c: event_rows.load_image(c, pinned, kind)) is not None
        assert store.read_sync(lambda c: event_rows.load_image(c, old, kind)) is None
    finally:
        pipeline.close()
        store.close()
