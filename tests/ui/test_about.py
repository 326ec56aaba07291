"""About dialog: the facts a support call needs, and the licence notices."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QGuiApplication

from gui import __version__
from gui.core.database_files import database_bytes as database_size
from gui.core.store import DB_FILENAME
from gui.ui.dialogs import about
from gui.ui.dialogs.about import AboutDialog, human_size


def test_database_size_counts_wal_and_shm(tmp_path: Path) -> None:
    (tmp_path / DB_FILENAME).write_bytes(b"x" * 1000)
    (tmp_path / f"{DB_FILENAME}-wal").write_bytes(b"x" * 500)
    assert database_size(tmp_path) == 1500
    assert database_size(tmp_path / "nowhere") == 0


def test_human_size() -> None:
    assert human_size(512) == "512 bytes"
    assert human_size(2048) == "2.0 KB"
    assert human_size(5 * 1024 * 1024) == "5.0 MB"


def test_dialog_shows_version_dirs_and_licences(qtbot, tmp_path: Path) -> None:
    (tmp_path / DB_FILENAME).write_bytes(b"x" * 4096)
    dialog = AboutDialog(tmp_path)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.facts["database"] != "measuring…", timeout=5000)
    assert dialog.facts["version"] == __version__
    assert dialog.facts["data_dir"] == str(tmp_path)
    assert dialog.facts["log_dir"] == str(tmp_path / "logs")
    assert dialog.facts["database"] == "4.0 KB"
    text = dialog.licences.toPlainText()
    for needle in ("LGPL", "PySide6", "aiohttp", "Apache-2.0", "Pillow", "HPND", "qasync",
                   "BSD", "psutil", "platformdirs", "MIT"):  # fmt: skip
        assert needle in text
    dialog.copy_details()
    assert str(tmp_path) in QGuiApplication.clipboard().text()


def test_open_log_folder_creates_it(tmp_path: Path, monkeypatch) -> None:
    opened: list[str] = []
    monkeypatch.setattr(
        about.QDesktopServices, "openUrl", lambda url: opened.append(url.toLocalFile()) or True
    )
    assert about.open_log_folder(tmp_path)
    assert (tmp_path / "logs").is_dir()
    assert opened == [str(tmp_path / "logs")]


def test_show_about_takes_the_data_dir_from_the_window(qtbot, tmp_path: Path) -> None:
    from PySide6.QtWidgets import QMainWindow

    from gui.settings import Settings

    window = QMainWindow()
    qtbot.addWidget(window)
    window.settings = Settings(data_dir=str(tmp_path))  # type: ignore[attr-defined]
    dialog = about.show_about(window)
    assert dialog.facts["data_dir"] == str(tmp_path)
    dialog.close()


def test_help_menu_gets_open_log_folder(qtbot, tmp_path: Path, monkeypatch) -> None:
    from PySide6.QtWidgets import QMainWindow

    from gui.settings import Settings

    opened: list[Path] = []
    monkeypatch.setattr(about, "open_log_folder", lambda d: opened.append(Path(d)) or True)
    window = QMainWindow()
    qtbot.addWidget(window)
    window.settings = Settings(data_dir=str(tmp_path))  # type: ignore[attr-defined]
    menu = window.menuBar().addMenu("Help")
    action = about.add_help_actions(window, menu)
    assert action in menu.actions()
    action.trigger()
    assert opened == [tmp_path]


def test_open_log_folder_follows_a_language_change(qtbot, tmp_path: Path) -> None:
    from PySide6.QtCore import QCoreApplication, QEvent
    from PySide6.QtWidgets import QMainWindow

    window = QMainWindow()
    qtbot.addWidget(window)
    action = about.add_help_actions(window, window.menuBar().addMenu("Help"))
    action.setText("stale")
    QCoreApplication.sendEvent(window, QEvent(QEvent.Type.LanguageChange))
    assert action.text() == "Open &log folder"


def test_database_files_are_measured_off_the_gui_thread(
    qtbot, tmp_path: Path, monkeypatch
) -> None:
    """Issue 11: a stat on a slow data folder must not freeze the window."""
    import threading

    from gui.core import database_files

    measured_on: list[threading.Thread] = []
    real = database_files.database_bytes

    def spy(data_dir: Path) -> int:
        measured_on.append(threading.current_thread())
        return real(data_dir)

    monkeypatch.setattr(database_files, "database_bytes", spy)
    (tmp_path / DB_FILENAME).write_bytes(b"x" * 2048)
    dialog = AboutDialog(tmp_path)
    qtbot.addWidget(dialog)
    assert dialog.database_label.text() == "measuring…"  # nothing measured on the GUI thread
    with qtbot.waitSignal(dialog.database_measured, timeout=5000):
        pass
    assert measured_on and threading.main_thread() not in measured_on
    assert dialog.database_label.text() == "2.0 KB"
