"""bench/stall_witness.py's steal reading: /proc/stat parsed, and a gap's steal attributed."""

from __future__ import annotations

from bench.gui_stall_pairs import steal_figures
from bench.stall_witness import USER_HZ, read_steal, steal_delta_ms

# Two /proc/stat reads 60 ms apart: CPU 1 lost 3 ticks to the hypervisor, CPU 0 none.
BEFORE = """cpu  2809852 121465 500437 1545364 59521 0 43412 10825 0 0
cpu0 1434390 54023 221100 811044 15023 0 10423 5068 0 0
cpu1 1375461 67442 279337 734319 44498 0 32989 5757 0 0
intr 56885705 0 0 0
ctxt 123456
"""
AFTER = """cpu  2809855 121465 500437 1545367 59521 0 43412 10828 0 0
cpu0 1434391 54023 221100 811046 15023 0 10423 5068 0 0
cpu1 1375462 67442 279337 734319 44498 0 32989 5760 0 0
intr 56885905 0 0 0
ctxt 123556
"""


def test_steal_is_the_eighth_number_of_every_cpu_line() -> None:
    assert read_steal(BEFORE) == {"cpu": 10825, "cpu0": 5068, "cpu1": 5757}


def test_a_gaps_steal_is_per_cpu_and_total_in_user_hz_steps() -> None:
    tick_ms = 1000 / USER_HZ
    assert steal_delta_ms(read_steal(BEFORE), read_steal(AFTER)) == {
        "cpu": round(3 * tick_ms, 1),
        "cpu0": 0.0,
        "cpu1": round(3 * tick_ms, 1),
    }


def test_a_cpu_missing_from_the_first_read_is_left_out() -> None:
    before = {"cpu": 10825, "cpu0": 5068}
    assert set(steal_delta_ms(before, read_steal(AFTER))) == {"cpu", "cpu0"}


def test_each_long_gaps_steal_is_listed_and_summed_with_the_runs() -> None:
    result = {
        "steal_ms": {"cpu": 120.0, "cpu0": 50.0, "cpu1": 70.0},
        "witness_gaps_over_30ms": [
            {"gap_ms": 40.0, "steal_ms": {"cpu": 10.0, "cpu0": 10.0, "cpu1": 0.0}},
            {"gap_ms": 70.0, "steal_ms": {"cpu": 30.0, "cpu0": 0.0, "cpu1": 30.0}},
            {"gap_ms": 35.0, "steal_ms": {"cpu": 0.0, "cpu0": 0.0, "cpu1": 0.0}},
        ],
    }
    assert steal_figures(result) == {
        "run_ms": 120.0,
        "in_gaps_ms": 40.0,
        "per_gap": [[40.0, 10.0], [70.0, 30.0], [35.0, 0.0]],
    }


def test_a_run_from_before_the_steal_reading_has_none() -> None:
    result = {"witness_gaps_over_30ms": [{"gap_ms": 31.0, "threads": {}}]}
    assert steal_figures(result) == {"run_ms": None, "in_gaps_ms": None, "per_gap": []}
