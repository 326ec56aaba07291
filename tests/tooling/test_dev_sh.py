"""dev.sh: waits for the Debian package lock instead of failing at once."""

from __future__ import annotations

import fcntl
import os
import subprocess
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.alone  # says so within 1.5 s: measured with no other test beside it
def test_dev_sh_waits_for_a_held_package_lock_and_goes_on_when_it_is_free(tmp_path: Path):
    lock = tmp_path / "lock-frontend"
    lock.write_text("")
    fd = os.open(lock, os.O_RDWR)
    fcntl.lockf(fd, fcntl.LOCK_EX)  # what apt-get / unattended-upgrades holds
    env = dict(os.environ, APT_LOCKS=str(lock), APT_LOCK_WAIT_S="60")
    proc = subprocess.Popen(
        ["bash", str(ROOT / "dev.sh"), "wait-for-apt"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        time.sleep(1.5)
        assert proc.poll() is None, "dev.sh did not wait for the held lock"
    finally:
        os.close(fd)  # the other apt finished
    _out, err = proc.communicate(timeout=10)
    assert proc.returncode == 0
    assert "waiting for the Debian package lock" in err
    assert err.count("\n") == 1  # told once, not every second


def test_dev_sh_gives_up_after_its_limit(tmp_path: Path):
    lock = tmp_path / "lock"
    lock.write_text("")
    fd = os.open(lock, os.O_RDWR)
    fcntl.lockf(fd, fcntl.LOCK_EX)
    try:
        done = subprocess.run(
            ["bash", str(ROOT / "dev.sh"), "wait-for-apt"],
            env=dict(os.environ, APT_LOCKS=str(lock), APT_LOCK_WAIT_S="1"),
            capture_output=True, text=True, timeout=20, check=False,
        )  # fmt: skip
    finally:
        os.close(fd)
    assert done.returncode == 1
    assert "still held after 1 s" in done.stderr


def test_dev_sh_does_not_wait_for_a_free_lock(tmp_path: Path):
    lock = tmp_path / "lock"
    lock.write_text("")
    started = time.monotonic()
    done = subprocess.run(
        ["bash", str(ROOT / "dev.sh"), "wait-for-apt"],
        env=dict(os.environ, APT_LOCKS=str(lock)),
        capture_output=True, text=True, timeout=20, check=False,
    )  # fmt: skip
    assert done.returncode == 0 and done.stderr == ""
    assert time.monotonic() - started < 5
