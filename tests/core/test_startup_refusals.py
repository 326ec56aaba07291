"""Start-up paths that cannot go on say so in one line, with an exit code, no traceback.

``--headless`` and ``export`` run as real processes: what lands on stderr and the
exit code are what is under test.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from gui import folder_lock, preflight
from gui.core import schema
from gui.core.store import DB_FILENAME, open_database
from tests.core.procs import ROOT, Headless

pytestmark = pytest.mark.timeout(60)


def gatewatch(*args: str, timeout: float = 30) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "gui", *args], cwd=ROOT, capture_output=True, text=True,
        timeout=timeout,
    )  # fmt: skip


def user_lines(stderr: str) -> list[str]:
    """What is meant for the user: log records start with a date."""
    return [line for line in stderr.splitlines() if line.strip() and not line[:2].isdigit()]


def newer_database(data_dir: Path) -> Path:
    data_dir.mkdir(parents=True, exist_ok=True)
    db = data_dir / DB_FILENAME
    open_database(db).close()
    conn = sqlite3.connect(db)
    conn.execute(f"PRAGMA user_version = {schema.SCHEMA_VERSION + 5}")
    conn.close()
    return db


def test_headless_refuses_a_database_from_a_newer_gatewatch(tmp_path: Path) -> None:
    db = newer_database(tmp_path / "data")
    before = db.read_bytes()
    done = gatewatch("--headless", "--port", "0", "--bind", "127.0.0.1",
                     "--data-dir", str(tmp_path / "data"))  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    [line] = user_lines(done.stderr)
    assert "newer Gatewatch" in line and f"v{schema.SCHEMA_VERSION + 5}" in line
    assert "--data-dir" in line  # what to do
    assert db.read_bytes() == before  # left untouched


def test_export_refuses_a_database_from_a_newer_gatewatch(tmp_path: Path) -> None:
    newer_database(tmp_path / "data")
    out = tmp_path / "out.csv"
    done = gatewatch("export", "--out", str(out), "--data-dir", str(tmp_path / "data"))
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    [line] = user_lines(done.stderr)
    assert "newer Gatewatch" in line
    assert not out.exists()


def test_a_second_headless_receiver_on_one_folder_says_who_holds_it(tmp_path: Path) -> None:
    first = Headless(tmp_path / "data")
    try:
        first.wait_listening()
        done = gatewatch("--headless", "--port", "0", "--bind", "127.0.0.1",
                         "--data-dir", str(tmp_path / "data"))  # fmt: skip
        assert done.returncode == preflight.EXIT_FOLDER_IN_USE, done.stderr
        assert "Traceback" not in done.stderr
        [line] = user_lines(done.stderr)
        assert f"pid {first.proc.pid}" in line and "headless" in line
        assert str(tmp_path / "data") in line and "--data-dir" in line
        assert first.proc.poll() is None  # the first one goes on

        # Read-only commands keep working beside the running receiver.
        out = tmp_path / "events.jsonl"
        export = gatewatch("export", "--format", "jsonl", "--out", str(out),
                           "--data-dir", str(tmp_path / "data"))  # fmt: skip
        assert export.returncode == 0, export.stderr
        assert out.exists()
        assert first.get_json("/api/health")["status"] == "ok"
    finally:
        first.signal(15)
        first.wait(10)
        first.ensure_dead()
    # Once it has stopped, the folder is free again.
    again = Headless(tmp_path / "data")
    try:
        again.wait_listening()
    finally:
        again.ensure_dead()


def test_a_killed_receiver_does_not_leave_the_folder_locked(tmp_path: Path) -> None:
    first = Headless(tmp_path / "data")
    try:
        first.wait_listening()
        first.kill9()
        second = Headless(tmp_path / "data")
        try:
            second.wait_listening()
        finally:
            second.ensure_dead()
    finally:
        first.ensure_dead()


def test_headless_cannot_use_an_unwritable_data_folder(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    done = gatewatch("--headless", "--data-dir", str(blocker / "data"))
    assert done.returncode == preflight.EXIT_DATA_DIR, done.stderr
    assert "Traceback" not in done.stderr
    [line] = user_lines(done.stderr)
    assert "cannot use the data folder" in line


def test_desktop_without_a_display_points_to_headless_and_xvfb(tmp_path: Path) -> None:
    import os

    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}  # fmt: skip
    done = subprocess.run(
        [sys.executable, "-m", "gui", "--data-dir", str(tmp_path / "data")],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=30,
    )  # fmt: skip
    assert done.returncode == preflight.EXIT_NO_DISPLAY, done.stderr
    assert "Traceback" not in done.stderr
    [line] = done.stderr.splitlines()
    assert "--headless" in line and "xvfb-run" in line


# -- the pieces, in process ----------------------------------------------------------------


def test_folder_lock_is_exclusive_and_names_its_holder(tmp_path: Path) -> None:
    lock = folder_lock.acquire(tmp_path, "headless", port=9528)
    try:
        with pytest.raises(folder_lock.FolderInUse) as refused:
            folder_lock.acquire(tmp_path, "desktop app")
        holder = refused.value.holder
        assert holder["mode"] == "headless" and holder["port"] == 9528
        assert "pid" in refused.value.message()
        assert "\n" not in refused.value.message()
    finally:
        lock.release()
    again = folder_lock.acquire(tmp_path, "desktop app")
    assert json.loads((tmp_path / folder_lock.LOCK_FILENAME).read_text())["mode"] == "desktop app"
    again.release()


def test_no_newer_database_check_for_a_missing_or_current_database(tmp_path: Path) -> None:
    assert preflight.newer_database(tmp_path) is None
    open_database(tmp_path / DB_FILENAME).close()
    assert preflight.newer_database(tmp_path) is None
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / DB_FILENAME).write_bytes(b"not a database at all" * 100)
    assert preflight.newer_database(tmp_path / "x") is None  # the store reports that one


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, "DISPLAY is not set"),
        ({"DISPLAY": ":77"}, "no running X server"),
        ({"DISPLAY": ":0"}, None),  # its socket exists below
        ({"DISPLAY": "otherhost:0"}, None),  # remote: Qt will say if it cannot reach it
        ({"WAYLAND_DISPLAY": "wayland-0"}, None),
        ({"QT_QPA_PLATFORM": "offscreen"}, None),
    ],
)
def test_no_display_detection(tmp_path: Path, env: dict[str, str], expected: str | None):
    (tmp_path / "X0").touch()
    found = preflight.no_display(env, "linux", x11_socket_dir=tmp_path)
    if expected is None:
        assert found is None
    else:
        assert found is not None and expected in found and "xvfb-run" in found


def test_windows_and_macos_always_have_a_display() -> None:
    assert preflight.no_display({}, "win32") is None
    assert preflight.no_display({}, "darwin") is None


def test_a_new_database_logs_created_not_upgraded(tmp_path: Path, caplog) -> None:
    caplog.set_level("INFO", logger="gui.core.store")
    open_database(tmp_path / DB_FILENAME).close()
    text = caplog.text
    assert "database created" in text
    assert "upgraded" not in text


def test_a_bind_address_that_does_not_resolve_is_one_line(tmp_path: Path) -> None:
    done = gatewatch("--headless", "--bind", "999.1.1.1", "--port", "0",
                     "--data-dir", str(tmp_path / "data"))  # fmt: skip
    assert done.returncode != 0
    assert "Traceback" not in done.stderr, done.stderr
    [line] = user_lines(done.stderr)
    assert "could not start" in line
