"""What the receiver's writer waited for while its batch ran (Linux; a benchmark aid).

Runs ``python -m gui ARGS`` with two witnesses installed in the receiver process:

* the writer's batches: for each, the wall time from its first statement to its
  COMMIT, and what the writer thread did meanwhile, from the kernel's counters
  (``/proc/thread-self/schedstat``): time on a core, time runnable but waiting
  for one, and the rest — blocked, which inside a batch (no fsync before the
  COMMIT) is waiting to take the GIL back after a statement;
* a thread that sleeps 1 ms and notes how late it woke (it needs the GIL to
  wake, like the writer after each statement); on a late wake, which threads
  used a core meanwhile (``ThreadClocks``) and where every thread is now (the
  one that held the GIL is usually just past the call that held it).

The findings are written as JSON to ``OUT`` every second and at exit::

    python -m bench.gil_witness OUT -- --headless --port 0 ...

``hostile_bench --witness DIR`` starts its receivers this way and prints a summary.
"""

from __future__ import annotations

import atexit
import json
import os
import runpy
import sys
import threading
import time
import traceback
from pathlib import Path
from typing import Any

from bench.stall_witness import ThreadClocks

#: A batch or a wake this late (seconds) is kept with its details.
SLOW_BATCH_S = 0.05
LATE_WAKE_S = 0.02
KEEP = 25


_own = threading.local()


def _schedstat() -> tuple[int, int]:
    """(ns on a core, ns runnable waiting for one) of the calling thread (one ``pread``)."""
    fd = getattr(_own, "fd", None)
    if fd is None:
        fd = _own.fd = os.open(
            f"/proc/self/task/{threading.get_native_id()}/schedstat", os.O_RDONLY
        )
    run, wait, _ = os.pread(fd, 128, 0).split()
    return int(run), int(wait)


class Witness:
    def __init__(self, out: Path) -> None:
        self.out = out
        self.started = time.perf_counter()
        self.batches: list[dict[str, Any]] = []
        self.lates: list[float] = []
        self.worst_wakes: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self.clocks = ThreadClocks()

    # -- the writer's batches ----------------------------------------------------------

    def watch_writer(self) -> None:
        from gui.core import store

        original = store.Writer._run_batch
        witness = self

        def run_batch(writer: Any, batch: list[Any]) -> None:
            t0 = time.perf_counter()
            cpu0 = time.thread_time()
            run0, wait0 = _schedstat()
            try:
                original(writer, batch)
            finally:
                end = time.perf_counter()
                commit = writer._commit_times
                run1, wait1 = _schedstat()
                to_commit = (commit[0] if commit else end) - t0
                commit_s = (commit[1] - commit[0]) if commit else 0.0
                wall = end - t0
                ran = (run1 - run0) / 1e9
                queued = (wait1 - wait0) / 1e9
                witness.batch_done({
                    "at_s": round(t0 - witness.started, 3),
                    "jobs": len(batch),
                    "clocked": sum(getattr(h, "clock", None) is not None for _j, h in batch),
                    "to_commit_ms": round(to_commit * 1000, 2),
                    "commit_ms": round(commit_s * 1000, 2),
                    "cpu_ms": round((time.thread_time() - cpu0) * 1000, 2),
                    "ran_ms": round(ran * 1000, 2),
                    "waited_core_ms": round(queued * 1000, 2),
                    # blocked outside the COMMIT's fsync: the GIL, mostly
                    "blocked_ms": round(max(0.0, wall - ran - queued - commit_s) * 1000, 2),
                })  # fmt: skip

        store.Writer._run_batch = run_batch  # type: ignore[method-assign]

    def batch_done(self, row: dict[str, Any]) -> None:
        with self._lock:
            self.batches.append(row)

    # -- the 1 ms sleeper ------------------------------------------------------------

    def start_sleeper(self) -> None:
        threading.Thread(target=self._sleeper, name="gil-witness", daemon=True).start()
        threading.Thread(target=self._dumper, name="gil-witness-dump", daemon=True).start()

    def _sleeper(self) -> None:
        me = threading.get_ident()
        self.clocks.refresh()
        refreshed = time.monotonic()
        before_clocks = self.clocks.read()
        while True:
            if time.monotonic() - refreshed > 0.5:
                self.clocks.refresh()
                refreshed = time.monotonic()
            before = time.perf_counter()
            time.sleep(0.001)
            late = time.perf_counter() - before - 0.001
            after_clocks = self.clocks.read()
            self.lates.append(late)
            if late >= LATE_WAKE_S:
                names = {t.ident: t.name for t in threading.enumerate()}
                stacks = {}
                for ident, frame in sys._current_frames().items():
                    if ident == me:
                        continue
                    stacks[names.get(ident, str(ident))] = [
                        f"{os.path.basename(f.filename)}:{f.lineno} {f.name}"
                        for f in traceback.extract_stack(frame, limit=5)
                    ]
                ran = {
                    name: run
                    for name, (run, _wait) in self.clocks.delta(before_clocks, after_clocks).items()
                    if run >= 1.0
                }
                with self._lock:
                    self.worst_wakes.append({
                        "late_ms": round(late * 1000, 1),
                        "at_s": round(before - self.started, 3),
                        "ran_ms": ran,
                        "stacks": stacks,
                    })  # fmt: skip
                    self.worst_wakes.sort(key=lambda w: -w["late_ms"])
                    del self.worst_wakes[KEEP:]
            before_clocks = after_clocks

    def _dumper(self) -> None:
        while True:
            time.sleep(1.0)
            self.dump()

    def dump(self) -> None:
        with self._lock:
            lates = sorted(self.lates)
            n = len(lates)
            data = {
                "batches": list(self.batches),
                "wakes": n,
                "late_ms": {
                    "p50": round(lates[n // 2] * 1000, 2) if n else None,
                    "p99": round(lates[min(n - 1, int(0.99 * n))] * 1000, 2) if n else None,
                    "max": round(lates[-1] * 1000, 1) if n else None,
                    "over_20ms": sum(1 for x in lates if x >= 0.02),
                },
                "worst_wakes": list(self.worst_wakes),
            }
        tmp = self.out.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, indent=1))
        os.replace(tmp, self.out)


def summarise(path: Path, slow_ms: float = SLOW_BATCH_S * 1000) -> list[str]:
    """Lines for people: the batches with a clocked (ingest) job that took over ``slow_ms``."""
    data = json.loads(path.read_text())
    lines = []
    clocked = [b for b in data["batches"] if b["clocked"]]
    slow = sorted(
        (b for b in clocked if b["to_commit_ms"] >= slow_ms), key=lambda b: -b["to_commit_ms"]
    )
    lines.append(
        f"writer batches {len(data['batches'])}, with an ingest job {len(clocked)},"
        f" of those to COMMIT >= {slow_ms:.0f} ms: {len(slow)}"
    )
    for b in slow[:8]:
        lines.append(
            f"  at {b['at_s']:.1f} s, {b['jobs']} jobs: to COMMIT {b['to_commit_ms']:.0f} ms ="
            f" ran {b['ran_ms']:.0f} + waited for a core {b['waited_core_ms']:.0f}"
            f" + blocked (GIL) {b['blocked_ms']:.0f}"
        )
    late = data["late_ms"]
    lines.append(
        f"1 ms sleeper: {data['wakes']} wakes, late p50 {late['p50']} / p99 {late['p99']} /"
        f" max {late['max']} ms, {late['over_20ms']} over 20 ms"
    )
    for w in data["worst_wakes"][:5]:
        lines.append(f"  late {w['late_ms']} ms at {w['at_s']:.1f} s; ran: {w['ran_ms']}")
        for name, stack in w["stacks"].items():
            lines.append(f"    {name}: {' > '.join(stack[-3:])}")
    return lines


def main() -> None:
    out = Path(sys.argv[1])
    args = sys.argv[sys.argv.index("--") + 1 :]
    witness = Witness(out)
    witness.watch_writer()
    witness.start_sleeper()
    atexit.register(witness.dump)
    sys.argv = ["gui", *args]
    runpy.run_module("gui", run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
