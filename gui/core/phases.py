"""Where one ingest request's time went, phase by phase (the ``Server-Timing`` header).

A slow answer to a box can come from many places: the loop reaching the request,
its body arriving, parsing, the writer's queue, the transaction, the commit's
fsync, the loop hearing back from the writer. Each request carries a
``PhaseClock``; the writer fills in its own instants, and the reply says how long
each phase took (``Server-Timing: body;dur=0.1, parse;dur=0.4, ...``, in ms), so a
benchmark or a browser's network panel sees the breakdown without a profiler.
"""

from __future__ import annotations

import contextlib
import time

#: Phases in the order they happen; a phase not reached is left out.
PHASES = ("head", "body", "parse", "queue", "write", "commit", "resume", "reply")


class PhaseClock:
    """Instants of one request (``time.perf_counter``), marked as it moves on.

    ``head`` is from the first bytes of the request head to the handler;
    ``queue`` from the job's submission to the writer's start of its batch;
    ``write`` from there to COMMIT (the jobs of the batch, this one included);
    ``commit`` the COMMIT itself (the fsync); ``resume`` until the request's
    coroutine runs again on the loop.
    """

    __slots__ = ("_at", "commit_started", "committed", "marks", "picked")

    def __init__(self, start: float | None = None) -> None:
        self._at = time.perf_counter() if start is None else start
        self.marks: list[tuple[str, float]] = []
        #: Filled by the writer thread (``store.Writer``).
        self.picked: float | None = None
        self.commit_started: float | None = None
        self.committed: float | None = None

    def mark(self, phase: str, at: float | None = None) -> None:
        """``phase`` ended now (or at ``at``)."""
        at = time.perf_counter() if at is None else at
        self.marks.append((phase, max(0.0, at - self._at)))
        self._at = max(self._at, at)

    def writer_marks(self) -> None:
        """The writer's instants, after its job was settled."""
        if self.picked is not None:
            self.mark("queue", self.picked)
        if self.commit_started is not None:
            self.mark("write", self.commit_started)
        if self.committed is not None:
            self.mark("commit", self.committed)

    def durations_ms(self) -> dict[str, float]:
        out: dict[str, float] = {}
        for phase, seconds in self.marks:
            out[phase] = out.get(phase, 0.0) + seconds * 1000
        return out

    def header(self) -> str:
        """The ``Server-Timing`` value: ``phase;dur=ms`` in order."""
        return ", ".join(f"{phase};dur={ms:.1f}" for phase, ms in self.durations_ms().items())


def parse_header(value: str) -> dict[str, float]:
    """A ``Server-Timing`` value back into ``{phase: ms}`` (what the benchmark reads)."""
    out: dict[str, float] = {}
    for item in value.split(","):
        name, _, params = item.strip().partition(";")
        for param in params.split(";"):
            key, _, number = param.strip().partition("=")
            if key == "dur" and name:
                with contextlib.suppress(ValueError):
                    out[name] = float(number)
    return out
