"""bench/gui_stall_pairs.py's method: builds alternated, long gaps split into work and waiting."""

from __future__ import annotations

from bench.gui_stall_pairs import pair_order, reply_figures, witness_split


def test_builds_alternate_which_runs_first() -> None:
    orders = [pair_order(n) for n in range(4)]
    assert orders == [("new", "old"), ("old", "new"), ("new", "old"), ("old", "new")]


def test_long_gaps_are_split_into_the_gui_threads_run_and_its_wait_for_a_core() -> None:
    result = {
        "witness_gaps_over_30ms": [
            {
                "gap_ms": 40.0,
                "collections": [],
                "threads": {"MainThread[10]": [8.0, 20.0], "gatewatch-core[11]": [12.0, 3.0]},
            },
            {
                "gap_ms": 55.0,
                "collections": [[1, "MainThread", 8.0, 3.6]],
                "threads": {
                    "gatewatch-thumbs_0[12]": [14.6, 33.2],
                    "MainThread[10]": [11.9, 32.0],
                    "gatewatch-writer[13]": [5.2, 23.2],
                },
            },
            # The GUI thread neither ran 1 ms nor waited 5 ms: the witness left it out.
            {"gap_ms": 31.0, "collections": [], "threads": {"gatewatch-core[11]": [20.0, 1.0]}},
        ]
    }
    split = witness_split(result)
    assert split["gaps"] == 3
    assert split["gap_ms_total"] == 126.0
    assert split["gui_run_ms"] == 19.9
    assert split["gui_wait_core_ms"] == 52.0
    longest = split["longest"]
    assert longest["gap_ms"] == 55.0
    assert (longest["gui_run_ms"], longest["gui_wait_ms"]) == (11.9, 32.0)
    assert longest["busiest_other"] == ("gatewatch-thumbs_0", 14.6)
    assert longest["collections"] == [[1, "MainThread", 8.0, 3.6]]


def test_a_run_without_the_witness_has_nothing_to_split() -> None:
    split = witness_split({"witness_gaps_over_30ms": None})
    assert split == {
        "gaps": 0, "gap_ms_total": 0.0, "gui_run_ms": 0.0, "gui_wait_core_ms": 0.0, "longest": None
    }  # fmt: skip


def test_reply_figures_are_kept_and_an_older_bench_without_p99_gives_none() -> None:
    assert reply_figures({"reply_ms": {"p50": 4.0, "p95": 6.84, "p99": 9.06}}) == {
        "reply_p95_ms": 6.8, "reply_p99_ms": 9.1
    }  # fmt: skip
    assert reply_figures({"reply_ms": {"p50": 4.0, "p95": 6.84}}) == {
        "reply_p95_ms": 6.8, "reply_p99_ms": None
    }  # fmt: skip
