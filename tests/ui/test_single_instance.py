"""Single instance: a second launch raises the first window instead of starting again."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtNetwork import QLocalSocket
from PySide6.QtWidgets import QMainWindow

from gui.ui import single_instance
from gui.ui.single_instance import SingleInstance, bring_to_front, server_name


def unique_name() -> str:
    return f"gatewatch-test-{uuid.uuid4().hex[:12]}"


def test_name_depends_on_user_and_data_dir(tmp_path: Path) -> None:
    a = server_name(tmp_path / "a", user="guard")
    assert a == server_name(tmp_path / "a", user="guard")
    assert a != server_name(tmp_path / "b", user="guard")
    assert a != server_name(tmp_path / "a", user="installer")
    assert len(a) < 40  # Unix socket paths are short


def test_second_instance_asks_the_first_to_raise(qtbot) -> None:
    """The second's request, as the first sees it: raise, and an acknowledgement back."""
    name = unique_name()
    first = SingleInstance(name)
    assert first.listen()
    try:
        sock = QLocalSocket()
        with qtbot.waitSignal(first.raise_requested, timeout=3000):
            sock.connectToServer(name)
            sock.write(single_instance.RAISE)
            sock.flush()
        qtbot.waitUntil(lambda: sock.bytesAvailable() > 0, timeout=3000)
        assert sock.readAll().data() == single_instance.ACK
        sock.disconnectFromServer()
    finally:
        first.close()


def test_garbage_does_not_raise(qtbot) -> None:
    name = unique_name()
    first = SingleInstance(name)
    assert first.listen()
    raised: list[bool] = []
    first.raise_requested.connect(lambda: raised.append(True))
    try:
        sock = QLocalSocket()
        sock.connectToServer(name)
        sock.write(b"hello\n")
        sock.flush()
        qtbot.wait(200)
        assert raised == []
    finally:
        first.close()


def test_nobody_listening_means_first_instance(qtbot) -> None:
    assert SingleInstance(unique_name()).notify_running(200) is False


def test_stale_socket_is_taken_over(qtbot) -> None:
    name = unique_name()
    dead = SingleInstance(name)
    assert dead.listen()
    dead.close()
    again = SingleInstance(name)
    assert again.listen()
    again.close()


def test_bring_to_front_unminimises_and_shows(qtbot) -> None:
    window = QMainWindow()
    qtbot.addWidget(window)
    window.show()
    window.setWindowState(Qt.WindowState.WindowMinimized)
    window.hide()  # e.g. sitting in the tray
    bring_to_front(window)
    assert window.isVisible()
    assert not window.windowState() & Qt.WindowState.WindowMinimized


def test_already_running_respects_new_instance(qtbot, tmp_path: Path, monkeypatch) -> None:
    calls: list[str] = []
    monkeypatch.setattr(
        single_instance.SingleInstance, "notify_running", lambda self, *a: calls.append("n")
    )
    assert single_instance.already_running(tmp_path, new_instance=True) is False
    assert calls == []


@pytest.mark.skipif(sys.platform == "win32", reason="uses a Unix-style subprocess env")
def test_second_process_exits_zero_and_raises_first(qtbot, tmp_path: Path) -> None:
    """A real second process: it finds the first, asks it to raise, exits 0."""
    raised: list[bool] = []
    assert single_instance.already_running(tmp_path, on_raise=lambda: raised.append(True)) is False
    guard = single_instance._guard
    try:
        code = f"""
import sys
from PySide6.QtWidgets import QApplication
app = QApplication([])
from gui.ui import single_instance
sys.exit(0 if single_instance.already_running({str(tmp_path)!r}) else 3)
"""
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
        root = Path(__file__).resolve().parents[2]
        proc = subprocess.Popen([sys.executable, "-c", code], env=env, cwd=root)
        qtbot.waitUntil(lambda: proc.poll() is not None, timeout=20_000)
        assert proc.returncode == 0
        qtbot.waitUntil(lambda: bool(raised), timeout=3000)
    finally:
        if guard is not None:
            guard.close()
        single_instance._guard = None
