"""A test that switches the window to Chinese leaves English to the next test.

The two ``test_in_order_*`` cases only mean something run one after the other in one
process, which the third test does in a pytest of its own.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
IN_ORDER = "GATEWATCH_TEST_LANGUAGE_IN_ORDER"
in_order_only = pytest.mark.skipif(
    not os.environ.get(IN_ORDER), reason="run one after the other by the test below"
)


@in_order_only
def test_in_order_1_switches_to_chinese(qapp: object) -> None:
    from gui.ui import i18n

    assert i18n.install("zh_CN") == "zh_CN"


@in_order_only
def test_in_order_2_starts_in_english(qapp: object) -> None:
    from PySide6.QtCore import QCoreApplication

    from gui.ui import i18n

    assert i18n.current_language() == "en"
    # No Chinese translator is left installed either.
    assert QCoreApplication.translate("QDialogButtonBox", "Cancel") == "Cancel"
    assert QCoreApplication.translate("", "Live") == "Live"


def test_a_test_left_in_chinese_does_not_change_the_next_one() -> None:
    here = Path(__file__).relative_to(ROOT)
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:xdist",
            f"{here}::test_in_order_1_switches_to_chinese",
            f"{here}::test_in_order_2_starts_in_english",
        ],
        cwd=ROOT,
        env={**os.environ, IN_ORDER: "1", "QT_QPA_PLATFORM": "offscreen"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert "2 passed" in run.stdout
