"""Startup: schema upgrade with a visible backup, the smoke-test timer, the app icon."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from PySide6.QtWidgets import QApplication, QProgressDialog

from gui.core import schema
from gui.core.store import DB_FILENAME, connect
from gui.ui import startup


def old_database(data_dir: Path, rows: int = 2000) -> Path:
    """A database one schema version behind, with enough pages for several backup steps."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / DB_FILENAME
    conn = connect(path)
    schema.migrate(conn, target=schema.SCHEMA_VERSION - 1)
    conn.execute("CREATE TABLE padding (blob BLOB)")
    conn.executemany("INSERT INTO padding VALUES (?)", [(b"x" * 2000,) for _ in range(rows)])
    conn.close()
    return path


def test_new_or_current_database_needs_nothing(tmp_path: Path) -> None:
    assert startup.needs_upgrade(tmp_path / DB_FILENAME) is False
    assert startup.upgrade_database(tmp_path) is False


def test_old_database_is_backed_up_with_progress(qtbot, tmp_path: Path, monkeypatch) -> None:
    path = old_database(tmp_path)
    assert startup.needs_upgrade(path)
    seen: list[tuple[int, int]] = []
    dialogs: list[QProgressDialog] = []
    real = startup._show_step

    def spy(dialog: QProgressDialog, done: int, total: int) -> None:
        seen.append((done, total))
        dialogs.append(dialog)
        real(dialog, done, total)

    monkeypatch.setattr(startup, "_show_step", spy)
    assert startup.upgrade_database(tmp_path) is True
    assert seen, "the backup reported no progress"
    assert seen[-1][0] == seen[-1][1]  # it ended at 100 %
    assert len(seen) > 1  # page by page, not one jump
    backup = tmp_path / f"{DB_FILENAME}.v{schema.SCHEMA_VERSION - 1}.bak"
    assert backup.exists()
    with sqlite3.connect(backup) as old:
        assert old.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION - 1
        assert old.execute("SELECT count(*) FROM padding").fetchone()[0] == 2000
    assert startup.needs_upgrade(path) is False


def test_smoke_test_timer_reads_the_environment(qtbot, monkeypatch) -> None:
    app = QApplication.instance()
    monkeypatch.delenv(startup.SMOKE_TEST_ENV, raising=False)
    assert startup.arm_smoke_test(app) is False
    monkeypatch.setenv(startup.SMOKE_TEST_ENV, "nonsense")
    assert startup.arm_smoke_test(app) is False


def test_smoke_test_closes_the_main_window(qtbot, monkeypatch) -> None:
    from PySide6.QtWidgets import QMainWindow

    app = QApplication.instance()
    quits: list[bool] = []
    monkeypatch.setattr(app, "quit", lambda: quits.append(True))
    window = QMainWindow()
    qtbot.addWidget(window)
    window.show()
    try:
        assert startup.arm_smoke_test(app, seconds=0.05)
        qtbot.waitUntil(lambda: not window.isVisible(), timeout=3000)
        assert len(startup.smoke_timers) == 3  # loop started, the close, the fallback quit
    finally:
        startup.disarm_smoke_test()
    assert quits == []


def test_app_icon_has_every_size(qtbot) -> None:
    icon = startup.app_icon()
    sizes = {s.width() for s in icon.availableSizes()}
    assert {16, 32, 48, 256} <= sizes


# -- refused starts ------------------------------------------------------------------------


class _Args:
    new_instance = True  # no single-instance listener left behind by the test


def _refusals(monkeypatch) -> list[tuple[str, str]]:
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(startup, "show_refusal", lambda title, text: shown.append((title, text)))
    monkeypatch.delenv(startup.SMOKE_TEST_ENV, raising=False)
    return shown


def test_desktop_refuses_a_database_from_a_newer_gatewatch(qtbot, tmp_path: Path, monkeypatch):
    from gui import folder_lock
    from gui.settings import Settings

    data_dir = tmp_path / "data"
    db = old_database(data_dir, rows=10)
    conn = sqlite3.connect(db)
    conn.execute(f"PRAGMA user_version = {schema.SCHEMA_VERSION + 1}")
    conn.close()
    shown = _refusals(monkeypatch)
    try:
        code = startup.prepare(QApplication.instance(), Settings(data_dir=str(data_dir)), _Args())
    finally:
        folder_lock.release_all()
    assert code == 2
    [(title, text)] = shown
    assert "newer" in title
    assert str(data_dir) in text and "--data-dir" in text and "untouched" in text
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION + 1
    conn.close()


def test_desktop_refuses_a_folder_a_headless_receiver_holds(qtbot, tmp_path: Path, monkeypatch):
    from gui import folder_lock
    from gui.settings import Settings

    held = folder_lock.acquire(tmp_path, "headless", port=9528)
    shown = _refusals(monkeypatch)
    try:
        code = startup.prepare(QApplication.instance(), Settings(data_dir=str(tmp_path)), _Args())
    finally:
        held.release()
        folder_lock.release_all()
    assert code == 3
    [(title, text)] = shown
    assert "already running" in title
    assert "headless" in text and str(tmp_path) in text


def test_refusal_dialogs_are_translated_to_chinese(qtbot, tmp_path: Path, monkeypatch) -> None:
    from gui import folder_lock
    from gui.settings import Settings
    from gui.ui import i18n

    held = folder_lock.acquire(tmp_path, "headless")
    shown = _refusals(monkeypatch)
    i18n.install("zh_CN")
    try:
        startup.prepare(QApplication.instance(), Settings(data_dir=str(tmp_path)), _Args())
    finally:
        i18n.install("en")
        held.release()
        folder_lock.release_all()
    [(title, text)] = shown
    assert title == "Gatewatch 已在运行"
    assert "数据文件夹" in text and str(tmp_path) in text


def test_desktop_refuses_an_unusable_tls_certificate(qtbot, tmp_path: Path, monkeypatch) -> None:
    from gui import folder_lock, preflight
    from gui.settings import Settings

    bad = tmp_path / "<i>site.crt"
    bad.write_text("not a certificate\n")
    shown = _refusals(monkeypatch)
    current = Settings(data_dir=str(tmp_path / "data"), tls_cert=str(bad), tls_key=str(bad))
    try:
        code = startup.prepare(QApplication.instance(), current, _Args())
    finally:
        folder_lock.release_all()
    assert code == preflight.EXIT_TLS
    [(title, text)] = shown
    assert "TLS" in title and str(bad) in text and "tls_cert" in text
