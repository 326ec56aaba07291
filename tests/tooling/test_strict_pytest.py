"""The test suite's own strictness: Qt and Python warnings fail, crashes always print."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBES = """
import ctypes
import faulthandler
import sys
import warnings


def test_qt_warning(qtbot):
    from PySide6.QtCore import qWarning

    qWarning("a Qt warning from the code under test")


def test_offscreen_noise_is_ignored(qtbot):
    from PySide6.QtCore import qWarning

    qWarning("This plugin does not support propagateSizeHints()")


def test_python_warning():
    warnings.warn("an old API", DeprecationWarning, stacklevel=1)


def test_moves_faulthandler_onto_captured_stderr():
    faulthandler.enable(sys.__stderr__)  # what a test's cleanup once did


def test_crashes_later():
    ctypes.string_at(0)
"""


def test_warnings_fail_and_a_later_crash_still_prints_its_traceback(tmp_path: Path) -> None:
    (tmp_path / "conftest.py").write_text(
        "from tests.conftest import _faulthandler_on_real_stderr, pytest_configure  # noqa\n",
        encoding="utf-8",
    )
    (tmp_path / "test_probes.py").write_text(PROBES, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-v", "-p", "no:cacheprovider",
         "-c", str(ROOT / "pyproject.toml"), "--rootdir", str(tmp_path), str(tmp_path)],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0, out
    assert "test_qt_warning FAILED" in out, out
    assert "test_offscreen_noise_is_ignored PASSED" in out, out
    assert "test_python_warning FAILED" in out, out
    assert "Fatal Python error: Segmentation fault" in proc.stderr, out
    assert "test_crashes_later" in proc.stderr, out  # the traceback names the test
