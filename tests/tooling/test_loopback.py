"""Box addresses for tests: never one where something (another run's box) already listens."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest

from gui.core.box.emulator import DEFAULT_PORTS
from tests.core import loopback

ROOT = Path(__file__).resolve().parents[2]


class _Scripted:
    """Stands in for the random source: draws the given octets in order."""

    def __init__(self, *addresses: str) -> None:
        self._octets = [int(o) for a in addresses for o in a.split(".")[1:]]

    def randint(self, _low: int, _high: int) -> int:
        return self._octets.pop(0)


def test_an_address_where_a_box_port_is_taken_is_skipped(monkeypatch: pytest.MonkeyPatch):
    taken, free = "127.201.7.9", "127.201.7.10"
    monkeypatch.setattr(loopback, "_rng", _Scripted(taken, free))
    with socket.socket() as other_run:
        other_run.bind((taken, DEFAULT_PORTS["system"]))
        other_run.listen()
        assert loopback.free_box_address() == free


def test_an_address_is_given_once(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(loopback, "_rng", _Scripted("127.202.1.2", "127.202.1.2", "127.202.1.3"))
    monkeypatch.setattr(loopback, "_given", set())
    assert [loopback.free_box_address(), loopback.free_box_address()] == [
        "127.202.1.2",
        "127.202.1.3",
    ]


def test_two_runs_start_at_different_addresses():
    draw = "from tests.core.loopback import free_box_address; print(free_box_address())"
    first, second = (
        subprocess.run(
            [sys.executable, "-c", draw], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
        for _ in range(2)
    )
    assert first.startswith("127.") and second.startswith("127.")
    assert first != second
