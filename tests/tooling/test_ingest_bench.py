"""bench/ingest_bench.py's method: rounds paired in time, order rotated, replies counted fairly."""

from __future__ import annotations

import statistics
from pathlib import Path

import pytest

from bench.ingest_bench import (
    Phase,
    Result,
    build_servers,
    paired_ratios,
    round_order,
)

NAMES = ["ceiling", "vendor", "receiver"]


def test_every_server_takes_every_position_once_per_cycle_of_rounds() -> None:
    orders = [round_order(NAMES, n) for n in range(len(NAMES))]
    for order in orders:
        assert sorted(order) == sorted(NAMES)
    for position in range(len(NAMES)):
        assert sorted(order[position] for order in orders) == sorted(NAMES)
    assert round_order(NAMES, 0) == NAMES
    assert round_order(NAMES, len(NAMES)) == NAMES


def test_replies_are_counted_by_when_they_arrive_in_the_window() -> None:
    phase = Phase(seconds=10.0)
    begin, end = 1.0, 11.0
    phase.count(0.9, 1.05, True, begin, end)  # sent in the warm-up, answered inside
    phase.count(5.0, 5.1, True, begin, end, {"write": 2.0, "commit": 8.0})
    phase.count(10.95, 11.2, True, begin, end)  # answered after the window
    phase.count(0.2, 0.5, True, begin, end)  # warm-up only
    phase.count(6.0, 6.1, False, begin, end)
    assert phase.events == 2
    assert phase.errors == 1
    assert phase.acked == 4
    assert phase.rate == pytest.approx(0.2)
    assert phase.latencies == pytest.approx([0.15, 0.1])
    assert phase.phase_medians() == {"write": 2.0, "commit": 8.0}


def test_phase_medians_count_a_missing_phase_as_zero() -> None:
    phase = Phase(seconds=1.0)
    for timing in ({"queue": 1.0, "commit": 9.0}, {"queue": 3.0}, {"queue": 5.0, "commit": 7.0}):
        phase.count(0.1, 0.2, True, 0.0, 1.0, timing)
    assert phase.phase_medians() == {"queue": 3.0, "commit": 7.0}


def _result(*rates: float) -> Result:
    return Result(rounds=[Phase(events=int(rate * 10), seconds=10.0) for rate in rates])


def test_ratios_are_paired_round_by_round() -> None:
    # An outlier ceiling round (2,884) decides best-against-best, not the paired median.
    results = {"ceiling": _result(1744, 2884, 1727), "receiver": _result(199, 149, 148)}
    paired = paired_ratios(results, "receiver", "ceiling")
    assert paired == pytest.approx([199 / 1744, 149 / 2884, 148 / 1727])
    assert statistics.median(paired) == pytest.approx(148 / 1727)
    best = results["receiver"].best.rate / results["ceiling"].best.rate
    assert best == pytest.approx(199 / 2884)


def test_another_build_runs_its_own_receiver(tmp_path: Path) -> None:
    old = tmp_path / "old-build"
    old.mkdir()
    servers = build_servers(tmp_path / "work", [old])
    other = servers["receiver@old-build"]
    assert other.cwd == old.resolve()
    assert other.env["PYTHONPATH"] == str(old.resolve())
    assert "PYTHONPATH" not in servers["receiver"].env
    data_dirs = {
        s.args[s.args.index("--data-dir") + 1] for s in servers.values() if "--data-dir" in s.args
    }
    assert len(data_dirs) == 2
    assert len({s.port for s in servers.values()}) == len(servers)


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="Linux /proc only")
def test_the_server_main_thread_sleeps_are_counted() -> None:
    """The loop thread's voluntary switches (waits in epoll or for the GIL) over a window."""
    import os
    import threading
    import time

    from bench.ingest_bench import CpuMeter

    meter = CpuMeter(os.getpid())
    meter.start()
    for _ in range(5):
        time.sleep(0.002)  # each sleep is a voluntary switch of this (the main) thread
    threading.Thread(target=lambda: None).start()
    meter.stop()
    assert 5 <= meter.loop_sleeps < 1000


def test_the_ceiling_on_uvloop_is_a_server_of_its_own(tmp_path: Path) -> None:
    servers = build_servers(tmp_path)
    assert servers["ceiling-uvloop"].args[-3:-2] == ["ceiling-uvloop"]
    assert servers["ceiling"].args[-3:-2] == ["ceiling"]
