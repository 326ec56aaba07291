"""GUI stall, this build against another, alternated, on an idle or a slowed machine.

``python -m bench.gui_stall_pairs --old DIR [--pairs 3] [--burners N] [--cpus LIST]``

One ``gui_bench --witness`` run is noisy on a shared VM, and a VM's speed changes
from hour to hour; a verdict on "stall max under 50 ms" needs the old and the new
build run one after the other, in alternating order, under the same conditions,
and again on a machine made slower in a way that can be stated and repeated:

* ``--burners N``: N processes spinning in pure Python at nice 0 beside the run
  (as ``scripts/stress-tests.sh`` loads a two-core machine), started and stopped
  with each run;
* ``--cpus LIST``: the run (app and sender) confined to those CPUs (``taskset``).

``--catch-turns MS`` is passed to ``gui_bench``: each run's line then lists the
GUI thread's turns over MS of its own CPU (when, how long, the busiest stack).

Each run takes the machine lock (``--lock``, flock) for itself only, so other
work on a shared machine can run between two runs. Every run's full output is
kept in ``--out``; one line per run is printed: stall max and p99, gaps over
50 ms, the GUI thread's longest own turn, the witness's split of the gaps
over 30 ms into the GUI thread's own CPU and its time runnable without a core,
and the machine's steal time (/proc/stat, 10 ms steps) over the run and in
each of those gaps.
Another checkout runs from its sources with this interpreter (``PYTHONPATH``).
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BURN = "while True: pass"


@contextlib.contextmanager
def machine_lock(path: str | None) -> Iterator[None]:
    """Hold the shared machine lock (flock, as ``flock -x``) for one run."""
    if not path:
        yield
        return
    with open(path, "a") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def commit_of(build: Path) -> str:
    out = subprocess.run(
        ["git", "-C", str(build), "rev-parse", "--short", "HEAD"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    return out.stdout.strip() or "?"


def witness_split(result: dict[str, Any]) -> dict[str, Any]:
    """The gaps over 30 ms: the GUI thread's own CPU, and its time waiting for a core.

    From ``/proc/self/task/*/schedstat`` deltas over each gap (``gui_bench
    --witness`` keeps the first 40 gaps); what is neither was spent waiting for
    the GIL (or sleeping).
    """
    gaps = result.get("witness_gaps_over_30ms") or []
    total = run = wait = 0.0
    longest: dict[str, Any] | None = None
    for g in gaps:
        gui = next((v for k, v in g["threads"].items() if k.startswith("MainThread[")), (0, 0))
        total += g["gap_ms"]
        run += gui[0]
        wait += gui[1]
        if longest is None or g["gap_ms"] > longest["gap_ms"]:
            others = [(k.split("[")[0], v[0]) for k, v in g["threads"].items()
                      if not k.startswith("MainThread[")]  # fmt: skip
            longest = {
                "gap_ms": g["gap_ms"],
                "gui_run_ms": gui[0],
                "gui_wait_ms": gui[1],
                "busiest_other": max(others, key=lambda o: o[1]) if others else None,
                "collections": g["collections"],
            }
    return {
        "gaps": len(gaps),
        "gap_ms_total": round(total, 1),
        "gui_run_ms": round(run, 1),
        "gui_wait_core_ms": round(wait, 1),
        "longest": longest,
    }


def steal_figures(result: dict[str, Any]) -> dict[str, Any]:
    """The machine's steal time (ms, all CPUs): over the load, and in each gap over 30 ms.

    Steal is time the hypervisor ran something else while a vCPU was runnable;
    /proc/stat counts it in USER_HZ ticks, so every figure is in 10 ms steps.
    ``per_gap`` is [gap ms, steal ms] for the gaps the witness kept; a build
    whose ``gui_bench`` is older than the steal reading gives None.
    """
    gaps = result.get("witness_gaps_over_30ms") or []
    per_gap = [[g["gap_ms"], g["steal_ms"].get("cpu")] for g in gaps if g.get("steal_ms")]
    return {
        "run_ms": (result.get("steal_ms") or {}).get("cpu"),
        "in_gaps_ms": round(sum(s for _g, s in per_gap if s), 1) if per_gap else None,
        "per_gap": per_gap,
    }


def reply_figures(result: dict[str, Any]) -> dict[str, float | None]:
    """The boxes' reply p95 and p99 (ms): what the receiver's side pays for the GUI's share.

    A box's real-time push times out after 0.5 s. A build whose ``gui_bench`` is
    older than the p99 figure reports None for it.
    """
    reply = result.get("reply_ms") or {}
    return {
        key: (round(reply[q], 1) if reply.get(q) is not None else None)
        for key, q in (("reply_p95_ms", "p95"), ("reply_p99_ms", "p99"))
    }


def pair_order(pair: int) -> tuple[str, str]:
    """Which build runs first in pair ``pair`` (0-based): new first, then old first, ..."""
    return ("new", "old") if pair % 2 == 0 else ("old", "new")


def caught_turns(result: dict[str, Any]) -> list[list[Any]]:
    """``gui_bench --catch-turns``'s turns, one line each: [at s, GUI CPU ms, busiest stack]."""
    caught = result.get("caught_turns") or {}
    return [
        [t["at_s"], t["gui_cpu_ms"], t["stacks"][0][0] if t["stacks"] else None]
        for t in caught.get("turns", [])
    ]


def one_run(
    build: Path,
    seconds: float,
    burners: int,
    cpus: str | None,
    out: Path,
    label: str,
    catch_turns_ms: float | None = None,
) -> dict[str, Any]:
    """One ``gui_bench --witness`` of ``build`` with the machine slowed as asked."""
    cmd = [sys.executable, "-m", "bench.gui_bench", "--witness", "--seconds", str(seconds)]
    if catch_turns_ms is not None and (build / "bench" / "turn_catcher.py").exists():
        cmd += ["--catch-turns", str(catch_turns_ms)]  # a build from before it has no option
    if cpus:
        cmd = ["taskset", "-c", cpus, *cmd]
    env = dict(os.environ, PYTHONPATH=str(build), QT_QPA_PLATFORM="offscreen")
    env["GATEWATCH_CONFIG_DIR"] = tempfile.mkdtemp(prefix="gatewatch-stallpairs-")
    spinners = [subprocess.Popen([sys.executable, "-c", BURN]) for _ in range(burners)]
    load_before = os.getloadavg()[0]
    started = time.strftime("%H:%M:%S", time.gmtime())
    try:
        proc = subprocess.run(cmd, cwd=build, env=env, capture_output=True, text=True)
    finally:
        for s in spinners:
            s.kill()
            s.wait()
    (out / f"{label}.json").write_text(proc.stdout, encoding="utf-8")
    (out / f"{label}.err").write_text(proc.stderr, encoding="utf-8")
    if proc.returncode != 0:
        return {"label": label, "error": proc.returncode, "started_utc": started}
    result = json.loads(proc.stdout)
    return {
        "label": label,
        "started_utc": started,
        "commit": commit_of(build),
        "stall_max_ms": round(result["gui_stall_ms"]["max"], 1),
        "stall_p99_ms": round(result["gui_stall_ms"]["p99"], 1),
        "over_50ms": result["gui_stall_ms"]["over_50ms"],
        "ticks": result["gui_stall_ms"]["ticks"],
        "gui_cpu_between_ticks_max_ms": result["gui_cpu_between_ticks_ms"]["max"],
        "row_visible_p95_ms": round(result["row_visible_ms"]["p95"], 1),
        "face_thumb_p95_ms": (result.get("face_thumb_announced_ms") or {}).get("p95"),
        **reply_figures(result),
        "gui_ms_per_event": result["gui_thread_cpu"]["ms_per_event"],
        "gil_probe_late_max_ms": (result.get("witness_gil_probe") or {})
        .get("late_ms", {})
        .get("max"),
        "witness": witness_split(result),
        "steal": steal_figures(result),
        "caught_turns": caught_turns(result),
        "load_before": round(load_before, 2),
        "load_after": round(result["load_average_1min_at_end"], 2),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--old", type=Path, required=True, help="the other checkout")
    parser.add_argument("--pairs", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--burners", type=int, default=0, help="CPU spinners at nice 0")
    parser.add_argument("--cpus", default=None, help="taskset CPU list for the run, e.g. 0")
    parser.add_argument(
        "--catch-turns", type=float, default=None, metavar="MS", help="passed to gui_bench"
    )
    parser.add_argument("--lock", default="/work/heavy.lock", help="'' for none")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    out = args.out or Path(tempfile.mkdtemp(prefix="gui-stall-pairs-"))
    out.mkdir(parents=True, exist_ok=True)
    condition = f"burners={args.burners} cpus={args.cpus or 'all'}"
    print(f"# {condition}, {args.pairs} pairs, outputs in {out}", flush=True)
    builds = {"new": ROOT, "old": args.old.resolve()}
    rows = []
    for pair in range(args.pairs):
        for which in pair_order(pair):
            label = f"{which}{pair + 1}"
            with machine_lock(args.lock):
                row = one_run(
                    builds[which], args.seconds, args.burners, args.cpus, out, label,
                    args.catch_turns,
                )  # fmt: skip
            row["condition"] = condition
            rows.append(row)
            print(json.dumps(row), flush=True)
    (out / "summary.json").write_text(json.dumps(rows, indent=2), encoding="utf-8")
    for which in ("new", "old"):
        runs = [r for r in rows if r["label"].startswith(which) and "error" not in r]
        maxima = [r["stall_max_ms"] for r in runs]
        print(f"# {which}: stall max per run {maxima}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
