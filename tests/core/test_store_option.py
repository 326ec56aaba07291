"""``--store`` / ``GATEWATCH_STORE`` / the ``store`` setting: which engine a receiver uses.

The command line wins over the environment, which wins over the setting; neither
a one-off ``--store`` nor the environment is ever written to settings.json. A
headless receiver on PostgreSQL stores what boxes post there, and a database it
cannot reach at start is a one-line refusal.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from gui import cli
from gui import settings as settings_mod
from tests.conftest import load_sample
from tests.core.procs import ROOT, Headless

pytestmark = pytest.mark.timeout(120)
PG = "postgresql://gw@db.example/site"


def test_cli_beats_environment_beats_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    path = settings_mod.settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"settings_version": settings_mod.SETTINGS_VERSION,
                                "store": "postgresql://saved@h/db"}))  # fmt: skip
    monkeypatch.delenv(cli.STORE_ENV, raising=False)
    assert cli.effective_settings(cli.build_parser().parse_args([])).store == (
        "postgresql://saved@h/db"
    )
    monkeypatch.setenv(cli.STORE_ENV, "postgresql://env@h/db")
    s = cli.effective_settings(cli.build_parser().parse_args([]))
    assert s.store == "postgresql://env@h/db" and "store" in s.overridden
    s = cli.effective_settings(cli.build_parser().parse_args(["--store", PG]))
    assert s.store == PG
    s.theme = "dark"  # saving another change never writes the one-off store
    saved = json.loads(path.read_text())
    assert saved["store"] == "postgresql://saved@h/db" and saved["theme"] == "dark"


@pytest.mark.parametrize("location", ["mysql://u@h/db", "/var/lib/gatewatch", "postgresql://h:x/db"])
def test_a_store_that_is_not_postgresql_is_refused_in_one_line(
    location: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(cli.STORE_ENV, raising=False)
    proc = subprocess.run(
        [sys.executable, "-m", "gui", "--headless", "--data-dir", str(tmp_path), "--store",
         location],
        cwd=ROOT, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert proc.returncode == cli.EXIT_BAD_ARGUMENTS
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("gatewatch: store "), proc.stderr
    assert not (tmp_path / "gatewatch.sqlite3").exists()


def test_headless_receiver_stores_in_postgresql(pg_url: str, tmp_path: Path) -> None:
    server = Headless(tmp_path / "data", extra=("--store", pg_url))
    try:
        server.wait_listening(60)
        conn = server.connection()
        try:
            conn.request(
                "POST", "/EventServer/api/HistoryEvent",
                json.dumps(load_sample("employee_match")), {"Content-Type": "application/json"},
            )  # fmt: skip
            resp = conn.getresponse()
            reply = json.loads(resp.read())
        finally:
            conn.close()
        assert resp.status == 200 and reply["events"][0]["result"] == "new"
        import psycopg

        with psycopg.connect(pg_url) as db:
            assert db.execute("SELECT identity_id FROM events").fetchall() == [("E-10086",)]
        # SQLite stays untouched: nothing in the data dir but logs and the lock.
        assert not (tmp_path / "data" / "gatewatch.sqlite3").exists()
        assert server.get_json("/api/health")["status"] == "ok"
    finally:
        server.ensure_dead()


def test_an_unreachable_database_at_start_is_a_one_line_refusal(tmp_path: Path) -> None:
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"postgresql://gw:secret@127.0.0.1:{port}/site"
    server = Headless(tmp_path / "data", extra=("--store", url))
    try:
        code = server.wait(60)
        err = server.stderr()
        from gui import preflight

        assert code == preflight.EXIT_STORE, err
        refusal = [line for line in err.splitlines() if line.startswith("gatewatch: ")]
        assert len(refusal) == 1 and "cannot open the store" in refusal[0], err
        assert "secret" not in err and "gw:***@127.0.0.1" in refusal[0]
        assert "Traceback" not in err
    finally:
        server.ensure_dead()
