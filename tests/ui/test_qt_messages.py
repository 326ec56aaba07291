"""Qt's start-up chatter goes to the log at DEBUG; real Qt warnings stay warnings."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QLoggingCategory, QtMsgType, qCWarning, qWarning

from gui.ui import qt_messages

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.qt_log_ignore("^QWidget::setLayout: something real$")  # emitted on purpose
def test_multimedia_noise_is_debug_and_other_warnings_stay_warnings(qtbot, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    qt_messages.install()
    try:
        qCWarning(QLoggingCategory("qt.multimedia.symbolsresolver"),
                  "Couldn't load pipewire-0.3 library")  # fmt: skip
        qWarning("PulseAudioService: pa_context_connect() failed")
        qWarning("QWidget::setLayout: something real")
    finally:
        qt_messages.uninstall()
    levels = {r.getMessage(): (r.levelno, r.name) for r in caplog.records}
    assert levels["Couldn't load pipewire-0.3 library"] == (
        logging.DEBUG, "qt.multimedia.symbolsresolver"
    )
    assert levels["PulseAudioService: pa_context_connect() failed"][0] == logging.DEBUG
    assert levels["QWidget::setLayout: something real"][0] == logging.WARNING


@pytest.mark.qt_log_ignore("^a warning the test suite must still see$")
def test_the_handler_before_ours_still_gets_every_message(qtlog) -> None:
    """Under pytest-qt a Qt warning fails the test: installing ours must not hide it."""
    qt_messages.install()
    try:
        qWarning("a warning the test suite must still see")
    finally:
        qt_messages.uninstall()
    seen = [r for r in qtlog.records if r.message == "a warning the test suite must still see"]
    assert seen and seen[0].ignored  # reached pytest-qt (ignored here only by the marker)


def test_level_for_keeps_fatal_messages_fatal() -> None:
    assert qt_messages.level_for(QtMsgType.QtFatalMsg, "qt.multimedia", "x") == logging.CRITICAL
    assert qt_messages.level_for(QtMsgType.QtInfoMsg, "qt.multimedia.ffmpeg", "x") == logging.DEBUG
    assert qt_messages.level_for(QtMsgType.QtCriticalMsg, "default", "x") == logging.ERROR


def test_the_app_start_prints_no_qt_multimedia_noise(tmp_path: Path) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", GATEWATCH_SMOKE_TEST="1",
               GATEWATCH_CONFIG_DIR=str(tmp_path / "cfg"))  # fmt: skip
    done = subprocess.run(
        [sys.executable, "-m", "gui", "--port", "0", "--bind", "127.0.0.1",
         "--data-dir", str(tmp_path / "data"), "--new-instance"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    # Every line on stderr is a log record now (they start with the date).
    stray = [li for li in done.stderr.splitlines() if li.strip() and not li[:2].isdigit()]
    assert stray == [], stray
    assert "qt.multimedia" not in done.stderr  # DEBUG: not shown at the default level
    assert not (tmp_path / "data" / "logs" / "crash-dump.txt").exists()
