"""``gatewatch migrate --to``: a SQLite history copied into PostgreSQL, resumable, idempotent."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from gui.core import event_rows, pg_migrate, query
from gui.core.store import DB_FILENAME, Store
from tests.core.conformance.conftest import REALTIME, Site, event, thirty_events

KINDS = ("spot_pic", "reg_pic", "recognize_face", "ir_pic")


def _comparable(conn: Any) -> list[dict[str, Any]]:
    """Every event as the API shows it, less what names a database's own ids."""
    out = []
    for ev in query.iter_events(conn, query.EventFilter()):
        ev = dict(ev)
        ev.pop("id")
        ev["images"] = {
            k: {f: v for f, v in i.items() if f != "url"} for k, i in ev["images"].items()
        }
        out.append(ev)
    return sorted(out, key=lambda e: (e["timestamp"] or 0, e["identity_id"] or ""))


def _photos(conn: Any) -> dict[tuple[int, str, str], bytes | None]:
    out = {}
    for ev in query.iter_events(conn, query.EventFilter()):
        for kind in KINDS:
            got = event_rows.load_image(conn, ev["id"], kind)
            out[(ev["timestamp"], ev["identity_id"], kind)] = got[0] if got else None
    return out


def _alarms(conn: Any) -> list[tuple[Any, ...]]:
    rows = conn.execute(
        "SELECT a.kind, a.count, a.state, a.acked_by, a.note, e.natural_key,"
        " (SELECT count(*) FROM alarm_events ae WHERE ae.alarm_id = a.id)"
        " FROM alarms a LEFT JOIN events e ON e.id = a.event_id ORDER BY a.first_at, a.kind"
    ).fetchall()
    return [tuple(r) for r in rows]


def _devices(conn: Any) -> tuple[list[tuple[Any, ...]], ...]:
    return (
        [tuple(r) for r in conn.execute("SELECT sn, name, event_count FROM boxes ORDER BY sn")],
        [
            tuple(r)
            for r in conn.execute("SELECT ep_id, box_sn, event_count FROM cameras ORDER BY ep_id")
        ],
        [tuple(r) for r in conn.execute("SELECT alias, sn, kind FROM box_aliases ORDER BY alias")],
    )


def _requests(conn: Any) -> list[tuple[Any, ...]]:
    """The request log in order, each request's events named by their natural keys."""
    import json

    keys = dict(conn.execute("SELECT id, natural_key FROM events").fetchall())
    rows = conn.execute(
        "SELECT time, source_ip, method, path, content_type, length, status, reply, events,"
        " warnings, headers, body, body_truncated, event_ids FROM requests ORDER BY id"
    ).fetchall()
    return [
        (*tuple(r)[:11], None if r[11] is None else bytes(r[11]), r[12],
         [keys.get(i) for i in json.loads(r[13])])
        for r in rows
    ]  # fmt: skip


@pytest.fixture
def history(tmp_path: Path) -> Path:
    """A SQLite data dir with events, photos (one purged), alarms (one acknowledged), devices."""
    data = tmp_path / "data"
    site = Site(Store(data), data)
    try:
        site.post(thirty_events())
        now = int(time.time() * 1000)
        site.post([event("employee_match", timestamp=now - 5000)], REALTIME)
        site.post([event("stranger", timestamp=now - 4000)], REALTIME)
        site.post([event("blacklist", timestamp=now - 3000)], REALTIME)
        site.post([event("blacklist", timestamp=now - 2000, identity_id="B-0008")], REALTIME)
        assert (
            site.client.post_json(
                "/DeviceStatus", {"gateway_sn": "BOX-A", "device_name": "Gate"}
            ).status
            == 200
        )
        alarms = site.client.get_json("/api/alarms")["alarms"]
        assert len(alarms) == 3
        reply = site.client.post_json(
            f"/api/alarms/{alarms[-1]['id']}/ack", {"by": "guard", "note": "seen"}
        )
        assert reply.status == 200
        # a photo retention already dropped stays dropped
        site.store.write_sync(
            lambda c: c.execute("UPDATE images SET data = NULL WHERE kind = 'ir_pic'")
        )
    finally:
        site.stop()
        site.store.close()
    return data


def test_migrate_copies_everything_resumes_and_runs_twice_to_the_same_result(
    history: Path, pg_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from gui.cli import main

    source = history / DB_FILENAME
    # interrupted after two batches of 7
    first = pg_migrate.migrate(source, pg_url, batch=7, stop_after_batches=2)
    assert (first.events_copied, first.events_total) == (14, 34)
    # the command goes on from there, with progress
    assert main(["migrate", "--to", pg_url, "--data-dir", str(history), "--batch", "7"]) == 0
    out, err = capsys.readouterr()
    assert "copied 20 events (0 were there already)" in out and "resumed after event 14" in out
    assert "events: 34 / 34 (100%)" in err
    assert "alarms: 3 / 3 (100%)" in err
    assert "requests: " in err and "logged requests" in out

    src = Store(history)
    dst = Store(tmp_path / "pg", url=pg_url)
    try:

        def snapshot(store: Store) -> Any:
            return store.read_sync(lambda c: (_comparable(c), _photos(c), _alarms(c), _devices(c)))

        expected = snapshot(src)
        got = snapshot(dst)
        assert got[0] == expected[0]  # events as the API shows them
        assert got[1] == expected[1]  # photos byte for byte, the purged one absent
        # employee 3 (its infrared one purged), stranger 2, two blacklist events 2 each
        assert sum(v is not None for v in got[1].values()) == 3 + 2 + 2 * 2
        assert got[2] == expected[2]  # alarms, acknowledgement and links
        assert [a[2:5] for a in got[2] if a[2] == "acked"] == [("acked", "guard", "seen")]
        assert got[3] == expected[3]  # boxes, cameras, names
        logged = src.read_sync(_requests)
        assert len(logged) >= 6 and all(r[-1] for r in logged if r[3] != "/DeviceStatus")
        assert dst.read_sync(_requests) == logged  # the request log, events re-linked

        def counts() -> list[int]:
            tables = ("events", "image_meta", "photos", "face_thumbs", "alarms", "alarm_events",
                      "boxes", "cameras", "box_aliases")  # fmt: skip
            return dst.read_sync(
                lambda c: [c.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables]
            )

        before = counts()
        assert before[0] == 34 and before[2] == 9
        # run again: nothing new, nothing doubled
        again = pg_migrate.migrate(source, pg_url, batch=7)
        assert (again.events_copied, again.events_present, again.photos_copied) == (0, 0, 0)
        assert (again.alarms_copied, again.alarms_updated, again.devices_copied) == (0, 0, 0)
        assert again.requests_copied == 0
        # and from the start (progress lost): every event found, still nothing doubled
        dst.write_sync(lambda c: c.execute("DELETE FROM migrate_progress"))
        from_start = pg_migrate.migrate(source, pg_url, batch=50)
        assert (from_start.events_copied, from_start.events_present) == (0, 34)
        assert counts() == before
        assert snapshot(dst) == got
        assert dst.read_sync(_requests) == logged  # requests not doubled either
    finally:
        src.close()
        dst.close()


def test_migrate_refuses_a_missing_database_and_a_non_postgresql_url(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from gui.cli import main

    assert main(["migrate", "--to", "mysql://x/y", "--data-dir", str(tmp_path)]) == 2
    assert "postgresql://" in capsys.readouterr().err
    with pytest.raises(pg_migrate.MigrationError, match="no database"):
        pg_migrate.migrate(tmp_path / DB_FILENAME, "postgresql://nobody@127.0.0.1:1/x")


def test_export_command_reads_a_postgresql_store(
    history: Path, pg_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import csv

    from gui.cli import main

    pg_migrate.migrate(history / DB_FILENAME, pg_url)
    for name, extra in (("pg", ["--store", pg_url]), ("sqlite", ["--data-dir", str(history)])):
        out = tmp_path / f"{name}.csv"
        assert main(["export", "--out", str(out), "--person-type", "1,3", *extra]) == 0
    assert "exported 13 events" in capsys.readouterr().out

    def rows(name: str) -> list[dict[str, str]]:
        with (tmp_path / f"{name}.csv").open(encoding="utf-8-sig") as f:
            return [{k: v for k, v in r.items() if k != "id"} for r in csv.DictReader(f)]

    assert rows("pg") == rows("sqlite") and len(rows("pg")) == 13


def test_migrate_brings_the_api_users_along_with_their_tokens(
    pg_url: str, tmp_path: Path
) -> None:
    from gui.core import users

    data = tmp_path / "data"
    src = Store(data)
    try:
        token = src.write_sync(lambda c: users.add_user(c, "Gatehouse 2"))
    finally:
        src.close()
    report = pg_migrate.migrate(data / DB_FILENAME, pg_url)
    assert report.users_copied == 1
    dst = Store(tmp_path / "pg", url=pg_url)
    try:
        assert dst.read_sync(lambda c: users.user_for_token(c, token)) == "Gatehouse 2"
        assert pg_migrate.migrate(data / DB_FILENAME, pg_url).users_copied == 0  # not doubled
        assert [u.name for u in dst.read_sync(users.list_users)] == ["Gatehouse 2"]
    finally:
        dst.close()
