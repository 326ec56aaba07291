"""Crash handling: an exception in a slot is logged with its traceback and shown."""

from __future__ import annotations

import asyncio
import faulthandler
import logging
import sys
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMainWindow

from gui import logs
from gui.ui import crash
from gui.ui.crash import CrashDialog, CrashHandler


class Emitter(QObject):
    fired = Signal()


@pytest.fixture
def handler(qtbot, monkeypatch):
    """A handler installed for one test; dialogs never block (``open`` is recorded)."""
    opened: list[CrashDialog] = []
    monkeypatch.setattr(CrashDialog, "open", lambda self: opened.append(self))
    monkeypatch.setattr(CrashDialog, "exec", lambda self: opened.append(self) or 0)
    h = CrashHandler(wall_probe=lambda: False)
    h.opened = opened  # type: ignore[attr-defined]
    h.install()
    yield h
    h.uninstall()


def test_exception_in_a_slot_is_logged_and_shown(qtbot, handler, caplog) -> None:
    emitter = Emitter()

    def broken_slot() -> None:
        raise ValueError("slot went wrong")

    emitter.fired.connect(broken_slot)
    with caplog.at_level(logging.ERROR, logger="gatewatch.crash"):
        emitter.fired.emit()  # PySide6 hands the exception to sys.excepthook
        qtbot.waitUntil(lambda: bool(handler.opened), timeout=3000)
    record = next(r for r in caplog.records if r.name == "gatewatch.crash")
    assert "Traceback" in record.getMessage()
    assert "slot went wrong" in record.getMessage()
    assert "broken_slot" in record.getMessage()
    dialog = handler.opened[0]
    assert "ValueError: slot went wrong" in dialog.details


def test_copy_details_puts_the_traceback_on_the_clipboard(qtbot) -> None:
    dialog = CrashDialog("ValueError: x", "Traceback ...\nValueError: x\n", None)
    qtbot.addWidget(dialog)
    dialog.copy_button.click()
    assert QGuiApplication.clipboard().text() == "Traceback ...\nValueError: x\n"


def test_exception_in_a_thread_reaches_the_gui_thread(qtbot, handler, caplog) -> None:
    def work() -> None:
        raise RuntimeError("worker died")

    with caplog.at_level(logging.ERROR, logger="gatewatch.crash"):
        t = threading.Thread(target=work, name="test-worker")
        t.start()
        t.join()
        qtbot.waitUntil(lambda: bool(handler.opened), timeout=3000)
    assert "worker died" in handler.opened[0].details
    assert any("thread test-worker" in r.getMessage() for r in caplog.records)


def test_asyncio_exception_is_reported(qtbot, handler) -> None:
    loop = asyncio.new_event_loop()
    try:
        handler.install_loop_handler(loop)
        try:
            raise KeyError("in a task")
        except KeyError as exc:
            loop.call_exception_handler({"message": "Task exception", "exception": exc})
    finally:
        loop.close()
    qtbot.waitUntil(lambda: bool(handler.opened), timeout=3000)
    assert "KeyError: 'in a task'" in handler.opened[0].details


def test_wall_mode_logs_and_shows_a_status_line_only(qtbot, monkeypatch, caplog) -> None:
    opened: list[CrashDialog] = []
    monkeypatch.setattr(CrashDialog, "open", lambda self: opened.append(self))
    window = QMainWindow()
    qtbot.addWidget(window)
    window.show()
    h = CrashHandler(wall_probe=lambda: True)
    with caplog.at_level(logging.ERROR, logger="gatewatch.crash"):
        try:
            raise OSError("disk hiccup")
        except OSError:
            h.excepthook(*sys.exc_info())  # type: ignore[arg-type]
        qtbot.waitUntil(lambda: "disk hiccup" in window.statusBar().currentMessage(), timeout=3000)
    assert opened == []
    assert any("disk hiccup" in r.getMessage() for r in caplog.records)


def test_only_one_dialog_at_a_time(qtbot, monkeypatch) -> None:
    shown: list[CrashDialog] = []

    def fake_open(self: CrashDialog) -> None:
        shown.append(self)
        self.show()

    monkeypatch.setattr(CrashDialog, "open", fake_open)
    h = CrashHandler(wall_probe=lambda: False)
    for i in range(3):
        h.reported.emit(f"E{i}", "details")
    qtbot.waitUntil(lambda: bool(shown), timeout=3000)
    qtbot.wait(50)
    assert len(shown) == 1
    shown[0].close()


def test_faulthandler_dump_lives_in_the_log_folder(tmp_path: Path, monkeypatch, request) -> None:
    from tests.conftest import real_stderr

    previous = logs._fault_file
    monkeypatch.setattr(logs, "_fault_file", None)
    root = logging.getLogger()
    level = root.level
    try:
        folder = logs.setup(tmp_path, "INFO", to_stderr=False)
        assert folder == tmp_path / "logs"
        assert (folder / "crash-dump.txt").exists()
        assert faulthandler.is_enabled()
        assert (folder / "gatewatch.log").exists()
    finally:
        faulthandler.disable()
        # Not sys.__stderr__: that is fd 2, pytest's capture file while a test runs,
        # and a later crash would print nothing.
        faulthandler.enable(previous if previous is not None else real_stderr(request.config))
        for h in [h for h in root.handlers if getattr(h, "_gatewatch", False)]:
            root.removeHandler(h)
            h.close()
        root.setLevel(level)
        if logs._fault_file is not None and logs._fault_file is not previous:
            logs._fault_file.close()


def test_install_is_idempotent(qtbot, monkeypatch) -> None:
    monkeypatch.setattr(crash, "_handler", None)
    before = sys.excepthook
    try:
        first = crash.install(None)
        assert crash.install(None) is first
        assert sys.excepthook == first.excepthook
    finally:
        first.uninstall()
        assert sys.excepthook == before


def test_core_loop_errors_reach_the_handler(qtbot, handler) -> None:
    """The receiver thread's loop, found through the main window, reports here too."""
    loop = asyncio.new_event_loop()
    runner = threading.Thread(target=loop.run_forever, daemon=True)
    runner.start()
    window = QMainWindow()
    qtbot.addWidget(window)

    class FakeThread:
        pass

    window.receiver_thread = FakeThread()  # type: ignore[attr-defined]
    window.receiver_thread.loop = loop  # type: ignore[attr-defined]
    window.show()
    try:
        assert crash._hook_core_loop(handler)

        def fail_on_core() -> None:
            try:
                raise LookupError("on the core loop")
            except LookupError as exc:
                loop.call_exception_handler({"message": "core", "exception": exc})

        loop.call_soon_threadsafe(fail_on_core)
        qtbot.waitUntil(lambda: bool(handler.opened), timeout=3000)
        assert "on the core loop" in handler.opened[0].details
    finally:
        loop.call_soon_threadsafe(loop.stop)
        runner.join(5)
        loop.close()


def test_the_shown_main_window_is_found_beside_a_closed_one(qtbot) -> None:
    """A main window closed but not yet deleted (another window's, or one whose
    deletion a busy machine has not reached) must not hide the one on screen."""
    closed = QMainWindow()
    qtbot.addWidget(closed)
    shown = QMainWindow()
    qtbot.addWidget(shown)
    shown.show()
    assert crash._main_window() is shown


def test_the_wall_window_counts_as_wall_mode(qtbot, monkeypatch) -> None:
    """The real wall (object name ``wall``) gets the status line, and no dialog opens."""
    from PySide6.QtWidgets import QWidget

    opened: list[CrashDialog] = []
    monkeypatch.setattr(CrashDialog, "open", lambda self: opened.append(self))

    class Wall(QWidget):
        def __init__(self) -> None:
            super().__init__()
            self.setObjectName("wall")
            self.lines: list[str] = []

        def show_status(self, text: str) -> None:
            self.lines.append(text)

    wall = Wall()
    qtbot.addWidget(wall)
    wall.show()
    h = CrashHandler()  # the default probe
    h.reported.emit("ValueError: on the wall", "details")
    qtbot.waitUntil(lambda: bool(wall.lines), timeout=3000)
    assert "on the wall" in wall.lines[0]
    assert opened == []


def test_an_empty_crash_dump_is_removed_at_exit_and_a_real_one_kept(
    tmp_path: Path, monkeypatch
) -> None:
    previous = logs._fault_file
    root = logging.getLogger()
    level = root.level
    try:
        for wrote in ("", "Fatal Python error: Segmentation fault\n"):
            monkeypatch.setattr(logs, "_fault_file", None)
            folder = logs.setup(tmp_path / f"run{len(wrote)}", "INFO", to_stderr=False)
            dump = folder / logs.CRASH_DUMP
            if wrote:
                dump.write_text(wrote)
            logs.close_crash_dump()
            assert dump.exists() == bool(wrote)
            assert not faulthandler.is_enabled() or previous is not None
    finally:
        faulthandler.enable(previous if previous is not None else sys.__stderr__)
        for h in [h for h in root.handlers if getattr(h, "_gatewatch", False)]:
            root.removeHandler(h)
            h.close()
        root.setLevel(level)
        monkeypatch.setattr(logs, "_fault_file", previous)
