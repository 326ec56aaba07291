"""``@pytest.mark.alone`` under pytest-xdist: no other test of the run overlaps it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBES = """
import os
import time

import pytest

LOG = os.environ["ALONE_LOG"]


def _run(name):
    start = time.monotonic()
    time.sleep(0.3)
    with open(LOG, "a") as f:
        f.write(f"{name} {os.getpid()} {start} {time.monotonic()}\\n")


@pytest.mark.parametrize("n", range(12))
def test_busy(n):
    _run(f"busy{n}")


@pytest.mark.alone
@pytest.mark.parametrize("n", range(3))
def test_timed(n):
    _run(f"alone{n}")
"""


def test_an_alone_test_overlaps_no_other_test_and_the_rest_run_in_parallel(
    tmp_path: Path,
) -> None:
    (tmp_path / "conftest.py").write_text(
        "from tests.conftest import (  # noqa\n"
        "    pytest_configure, pytest_configure_node, pytest_runtest_protocol,\n"
        "    pytest_unconfigure,\n"
        ")\n",
        encoding="utf-8",
    )
    (tmp_path / "test_probes.py").write_text(PROBES, encoding="utf-8")
    log = tmp_path / "log"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "ALONE_LOG": str(log)}
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-n", "3",
         "-c", str(ROOT / "pyproject.toml"), "--rootdir", str(tmp_path), str(tmp_path)],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr
    runs = [line.split() for line in log.read_text().splitlines()]
    assert len(runs) == 15
    spans = [(name, int(pid), float(a), float(b)) for name, pid, a, b in runs]
    assert len({pid for _n, pid, _a, _b in spans}) >= 2  # really in several workers
    for name, _pid, start, end in spans:
        if not name.startswith("alone"):
            continue
        overlapping = [n for n, _p, a, b in spans if n != name and a < end and start < b]
        assert not overlapping, (name, overlapping)
    # The others did run side by side (otherwise the lock would serialise everything).
    busy = [(a, b) for n, _p, a, b in spans if n.startswith("busy")]
    assert any(a1 < b2 and a2 < b1 for i, (a1, b1) in enumerate(busy) for a2, b2 in busy[i + 1 :])
