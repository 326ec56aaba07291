"""Who had the CPU and the GIL while the GUI thread was late (Linux).

A stall of the GUI thread that is not its own CPU time is waiting: for the
GIL held by another thread (its Python, or a C call that keeps the GIL, or a
garbage collection), or for a core the scheduler gave to someone else. Two
witnesses tell these apart without needing the GIL themselves at the moment
of the stall (they are read after it, from counters that kept counting):

* ``ThreadClocks``: every thread's run time and run-queue wait from
  ``/proc/self/task/<tid>/schedstat`` (nanoseconds, kept by the kernel), read
  through file descriptors opened once, so a read is one ``pread``. The delta
  over a long gap says which threads ran meanwhile, and how long the GUI
  thread sat runnable without a core.
* ``read_steal``: the machine's steal time per CPU from ``/proc/stat`` (the
  8th number of each ``cpu`` line): time the hypervisor ran something else
  while this guest's vCPU was runnable. The kernel counts it in USER_HZ ticks
  (10 ms on Linux), so a delta over one gap is whole 10 ms steps, not exact.
* ``CollectionLog``: every garbage collection (generation, thread, wall and
  that thread's CPU time) through ``gc.callbacks``. A collection holds the
  GIL from start to end, whichever thread runs it.
"""

from __future__ import annotations

import contextlib
import gc
import os
import threading
import time
from dataclasses import dataclass, field
from typing import Any

_TASKS = "/proc/self/task"
_STAT = "/proc/stat"
#: /proc/stat's unit: USER_HZ ticks per second (100 on Linux, so 10 ms a tick).
USER_HZ = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def read_steal(text: str | None = None) -> dict[str, int]:
    """Steal ticks (USER_HZ) per ``cpu`` line of /proc/stat: ``cpu`` is the total.

    Why: a long GUI gap in which the thread's own clock ran but none of its code
    did may be the hypervisor taking the vCPU; steal is the guest's count of it.
    ``text`` is /proc/stat's content (for tests); read from the file if None.
    """
    if text is None:
        try:
            with open(_STAT, encoding="ascii") as f:
                text = f.read()
        except OSError:
            return {}
    out = {}
    for line in text.splitlines():
        if not line.startswith("cpu"):
            continue
        fields = line.split()
        if len(fields) > 8:
            out[fields[0]] = int(fields[8])
    return out


def steal_delta_ms(before: dict[str, int], after: dict[str, int]) -> dict[str, float]:
    """{cpu line: ms stolen} between two ``read_steal`` reads (10 ms steps at USER_HZ 100)."""
    return {
        cpu: round((ticks - before[cpu]) * 1000 / USER_HZ, 1)
        for cpu, ticks in after.items()
        if cpu in before
    }


def _thread_names() -> dict[int, str]:
    names: dict[int, str] = {}
    for t in threading.enumerate():
        if t.native_id is not None:
            names[t.native_id] = t.name
    return names


@dataclass
class ThreadClocks:
    """Cumulative run / wait nanoseconds of every thread of this process."""

    fds: dict[int, int] = field(default_factory=dict)
    names: dict[int, str] = field(default_factory=dict)
    refreshed: float = 0.0

    def refresh(self) -> None:
        """Pick up threads started since (and drop ended ones); cheap, call once a second."""
        try:
            tids = {int(t) for t in os.listdir(_TASKS)}
        except OSError:
            return
        for tid in list(self.fds):
            if tid not in tids:
                with contextlib.suppress(OSError):
                    os.close(self.fds.pop(tid))
        py_names = _thread_names()
        for tid in tids:
            if tid not in self.fds:
                with contextlib.suppress(OSError):
                    self.fds[tid] = os.open(f"{_TASKS}/{tid}/schedstat", os.O_RDONLY)
            if tid not in self.names or tid in py_names:
                name = py_names.get(tid)
                if name is None:
                    try:
                        with open(f"{_TASKS}/{tid}/comm", encoding="utf-8") as f:
                            name = f.read().strip()
                    except OSError:
                        name = "?"
                self.names[tid] = f"{name}[{tid}]"
        self.refreshed = time.monotonic()

    def read(self) -> dict[int, tuple[int, int]]:
        """{tid: (ns on a CPU, ns runnable but waiting for one)}."""
        out: dict[int, tuple[int, int]] = {}
        for tid, fd in self.fds.items():
            try:
                run, wait, _ = os.pread(fd, 128, 0).split()
            except (OSError, ValueError):
                continue
            out[tid] = (int(run), int(wait))
        return out

    def close(self) -> None:
        for fd in self.fds.values():
            with contextlib.suppress(OSError):
                os.close(fd)
        self.fds.clear()

    def delta(
        self, before: dict[int, tuple[int, int]], after: dict[int, tuple[int, int]]
    ) -> dict[str, tuple[float, float]]:
        """{thread: (ms run, ms waiting for a core)} between two reads, busiest first."""
        rows = []
        for tid, (run, wait) in after.items():
            run0, wait0 = before.get(tid, (run, wait))
            rows.append((self.names.get(tid, str(tid)), (run - run0) / 1e6, (wait - wait0) / 1e6))
        rows.sort(key=lambda r: -r[1])
        return {name: (round(run, 1), round(wait, 1)) for name, run, wait in rows}


@dataclass
class Collection:
    generation: int
    thread: str
    started: float  # perf_counter
    wall_ms: float
    cpu_ms: float
    collected: int


class CollectionLog:
    """Every garbage collection, where and how long (``gc.callbacks``)."""

    def __init__(self) -> None:
        self.done: list[Collection] = []
        self._open: dict[int, tuple[float, float]] = {}

    def __call__(self, phase: str, info: dict[str, Any]) -> None:
        ident = threading.get_ident()
        if phase == "start":
            self._open[ident] = (time.perf_counter(), time.thread_time())
            return
        begun = self._open.pop(ident, None)
        if begun is None:
            return
        self.done.append(
            Collection(
                generation=info["generation"],
                thread=threading.current_thread().name,
                started=begun[0],
                wall_ms=(time.perf_counter() - begun[0]) * 1000,
                cpu_ms=(time.thread_time() - begun[1]) * 1000,
                collected=info.get("collected", 0),
            )
        )

    def install(self) -> None:
        gc.callbacks.append(self)

    def remove(self) -> None:
        with contextlib.suppress(ValueError):
            gc.callbacks.remove(self)

    def overlapping(self, start: float, end: float) -> list[Collection]:
        """Collections that ran (in part) between two perf_counter times."""
        return [c for c in self.done if c.started < end and c.started + c.wall_ms / 1000 > start]

    def summary(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for gen in (0, 1, 2):
            runs = [c for c in self.done if c.generation == gen]
            if not runs:
                continue
            out[f"gen{gen}"] = {
                "n": len(runs),
                "wall_ms_max": round(max(c.wall_ms for c in runs), 1),
                "cpu_ms_max": round(max(c.cpu_ms for c in runs), 1),
                "cpu_ms_total": round(sum(c.cpu_ms for c in runs), 1),
                "threads": sorted({c.thread for c in runs}),
            }
        return out


class GilProbe:
    """A thread that asks for the GIL every millisecond and notes when it got it late.

    It sleeps 1 ms (GIL released) and wakes: when the wake is late by far more
    than the switch interval, another thread held the GIL (or the process had
    no core) all that time. At that moment it notes where every other thread
    is: the one that held the GIL is usually just past the call that held it.
    """

    def __init__(self, late_s: float = 0.02, keep: int = 30) -> None:
        self.late_s = late_s
        self.keep = keep
        self.lates: list[float] = []  # seconds late, every wake
        self.worst: list[tuple[float, float, dict[str, list[str]]]] = []  # (late s, at, stacks)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="gil-probe", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(2)

    def _run(self) -> None:
        import sys
        import traceback

        me = threading.get_ident()
        names = {t.ident: t.name for t in threading.enumerate()}
        while not self._stop.is_set():
            before = time.perf_counter()
            time.sleep(0.001)
            late = time.perf_counter() - before - 0.001
            self.lates.append(late)
            if late < self.late_s:
                continue
            if len(self.worst) >= self.keep and late <= self.worst[-1][0]:
                continue
            stacks: dict[str, list[str]] = {}
            for ident, frame in sys._current_frames().items():
                if ident == me:
                    continue
                if ident not in names:
                    names = {t.ident: t.name for t in threading.enumerate()}
                summary = traceback.extract_stack(frame, limit=4)
                stacks[names.get(ident, str(ident))] = [
                    f"{os.path.basename(f.filename)}:{f.lineno} {f.name}" for f in summary
                ]
            self.worst.append((late, before, stacks))
            self.worst.sort(key=lambda w: -w[0])
            del self.worst[self.keep :]

    def summary(self, since: float) -> dict[str, Any]:
        lates = sorted(self.lates)
        n = len(lates)

        def pct(p: float) -> float:
            return round(lates[min(n - 1, int(p / 100 * n))] * 1000, 2) if n else float("nan")

        return {
            "wakes": n,
            "late_ms": {
                "p50": pct(50),
                "p99": pct(99),
                "max": round(lates[-1] * 1000, 1) if n else None,
            },
            "late_over_20ms": sum(1 for x in lates if x > 0.02),
            "late_over_50ms": sum(1 for x in lates if x > 0.05),
            "worst": [
                {"late_ms": round(late * 1000, 1), "at_s": round(at - since, 2), "threads": stacks}
                for late, at, stacks in self.worst[:12]
            ],
        }
