"""Catch the GUI thread's rare long turns of its own work, and say what was in them.

A gap of the GUI thread's 5 ms tick made of its own CPU (not of waiting for a
core or the GIL) is work the window did in one go. The long ones are rare
(fewer than one a minute), so the instrument has to be cheap enough to leave on
for many minutes and keep, all the time, enough to name one after the fact:

* ``StackSampler``: a thread reading the GUI thread's Python stack every 2 ms
  (``sys._current_frames``) together with the GUI thread's CPU clock
  (``pthread_getcpuclockid``), so each sample is weighted by the CPU the GUI
  thread spent since the one before (a stack seen while it waited weighs 0);
* ``QtEventLog``: an application-wide event filter noting every event the GUI
  thread delivers (type, and for paints, layout requests, resizes and queued
  calls the receiving class), with the GUI thread's CPU clock at its start, so
  the CPU until the next event is that event's share (a paint's, a slot's...);
* ``TurnCatcher.on_tick``: at every tick whose CPU since the one before exceeds
  the threshold, ``describe_turn`` turns what the two kept in that window into
  a report: collapsed stacks by CPU, the costliest events, paints (pixels per
  widget class), layout requests and resizes.

Both keep a bounded ring of recent entries; nothing is formatted until a turn
is caught. Work in Qt's C++ shows as ``(Qt)`` in the stacks; ``NativeSampler``
(``perf record`` on the GUI thread only, timestamps on the same monotonic clock
as ``perf_counter``) names it: ``native_in_turns`` adds to each caught turn the
C/C++ functions the GUI thread was in during it.
"""

from __future__ import annotations

import bisect
import contextlib
import os
import shutil
import subprocess
import sys
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

# (perf_counter, GUI thread CPU s, frames innermost first: (file, function, line), or
# those frames already collapsed)
Sample = tuple[float, float, "tuple[tuple[str, str, int], ...] | str"]
# (perf_counter, GUI thread CPU s, event type name, receiving class or "", pixels)
EventNote = tuple[float, float, str, str, int]

STACK_DEPTH = 30
# Frames at and above the one running the event loop say nothing about the turn.
LOOP_FUNCTIONS = frozenset({"_run_until_exit"})


def _where(frame: tuple[str, str, int], leaf: bool) -> str:
    file, function, line = frame
    name = f"{Path(file).name}:{function}"
    return f"{name}:{line}" if leaf else name


def collapse(frames: tuple[tuple[str, str, int], ...]) -> str:
    """One stack as ``outer;...;inner`` (the leaf with its line), cut at the event loop.

    A stack that is only the event loop is the GUI thread in Qt's own C++ (a
    layout, a widget's paint, or waiting for events): ``(Qt)``.
    """
    kept: list[tuple[str, str, int]] = []
    for frame in frames:  # innermost first
        if frame[1] in LOOP_FUNCTIONS:
            break
        kept.append(frame)
    if not kept:
        return "(Qt)"
    kept.reverse()
    return ";".join(_where(f, i == len(kept) - 1) for i, f in enumerate(kept))


def describe_turn(
    start: float,
    end: float,
    cpu_ms: float,
    samples: Iterable[Sample],
    events: Iterable[EventNote],
    top: int = 8,
) -> dict[str, Any]:
    """What the GUI thread did between two ticks (``start``, ``end``: perf_counter).

    Stacks are weighted by the GUI thread's CPU between a sample and the one
    before it; an event's CPU is the GUI thread's CPU from its start to the
    next event's start (or to ``end``), so nested events (a window's update
    request, then each widget's paint) each get their own part.
    """
    stack_cpu: Counter[str] = Counter()
    stack_seen: Counter[str] = Counter()
    previous_cpu: float | None = None
    for when, cpu, frames in samples:
        if when < start:
            previous_cpu = cpu
            continue
        if when > end:
            continue
        name = frames if isinstance(frames, str) else collapse(frames)
        stack_seen[name] += 1
        if previous_cpu is not None:
            stack_cpu[name] += max(0.0, cpu - previous_cpu)
        previous_cpu = cpu
    inside = [e for e in events if start <= e[0] <= end]
    costs: list[tuple[float, float, str, str, int]] = []
    for k, (when, cpu, kind, receiver, pixels) in enumerate(inside):
        nxt = inside[k + 1] if k + 1 < len(inside) else None
        cpu_next = nxt[1] if nxt is not None else None
        wall_next = nxt[0] if nxt is not None else end
        own = (cpu_next - cpu) if cpu_next is not None else float("nan")
        costs.append((own, wall_next - when, kind, receiver, pixels))
    costs = [c for c in costs if c[0] == c[0]]  # the last one's CPU is unknown
    paints: Counter[str] = Counter()
    layouts: Counter[str] = Counter()
    resizes: Counter[str] = Counter()
    kinds: Counter[str] = Counter()
    for _when, _cpu, kind, receiver, pixels in inside:
        kinds[kind] += 1
        if kind == "Paint":
            paints[receiver] += pixels
        elif kind == "LayoutRequest":
            layouts[receiver] += 1
        elif kind == "Resize":
            resizes[receiver] += 1
    ordered = sorted(stack_seen, key=lambda s: (-stack_cpu[s], -stack_seen[s]))
    return {
        "gap_ms": round((end - start) * 1000, 1),
        "gui_cpu_ms": round(cpu_ms, 1),
        # collapsed stack: [GUI CPU ms while it was the latest sample, samples]
        "stacks": [[s, round(stack_cpu[s] * 1000, 1), stack_seen[s]] for s in ordered[:top]],
        "samples": sum(stack_seen.values()),
        # [type, receiving class, own CPU ms, wall ms to the next event, pixels]
        "costliest_events": [
            [kind, receiver, round(c * 1000, 1), round(w * 1000, 1), px]
            for c, w, kind, receiver, px in sorted(costs, key=lambda c: -c[0])[:top]
        ],
        "paints_pixels": dict(paints.most_common(top)),
        "layout_requests": dict(layouts.most_common(top)),
        "resizes": dict(resizes.most_common(top)),
        "events": dict(kinds.most_common(top)),
    }


def format_turn(turn: dict[str, Any]) -> str:
    """A caught turn in a few lines, for the terminal."""
    lines = [
        f"caught turn at {turn.get('at_s', '?')} s: {turn['gui_cpu_ms']} ms of GUI CPU"
        f" in a {turn['gap_ms']} ms gap ({turn['samples']} stack samples)"
    ]
    for stack, cpu, seen in turn["stacks"][:5]:
        lines.append(f"  stack {cpu} ms / {seen}x  {stack}")
    for kind, receiver, cpu, wall, px in turn["costliest_events"][:5]:
        pixels = f" {px} px" if px else ""
        lines.append(f"  event {kind} {receiver}{pixels}: {cpu} ms CPU, {wall} ms wall")
    if turn.get("threads"):
        lines.append(f"  threads (ms on a CPU, ms waiting for one) {turn['threads']}")
    if turn.get("collections"):
        lines.append(f"  collections [generation, thread, wall ms, CPU ms] {turn['collections']}")
    if turn["paints_pixels"]:
        lines.append(f"  paints {turn['paints_pixels']}")
    if turn["layout_requests"] or turn["resizes"]:
        lines.append(f"  layouts {turn['layout_requests']} resizes {turn['resizes']}")
    return "\n".join(lines)


def _since(ring: deque[Any], start: float, keep_one_before: bool = False) -> list[Any]:
    """The ring's entries from ``start`` on (and the one before, for its CPU clock), read
    from the newest end: a report costs the turn's entries, not the whole ring."""
    tail: list[Any] = []
    for entry in reversed(list(ring)) if keep_one_before else reversed(ring):
        tail.append(entry)
        if entry[0] < start:
            if not keep_one_before:
                tail.pop()
            break
    tail.reverse()
    return tail


class StackSampler:
    """Samples one thread's Python stack and CPU clock every ``interval_s``, in a ring."""

    def __init__(self, thread_id: int, interval_s: float = 0.002, keep: int = 4000) -> None:
        self.thread_id = thread_id
        self.interval_s = interval_s
        self.samples: deque[Sample] = deque(maxlen=keep)
        self._clock = time.pthread_getcpuclockid(thread_id)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="turn-sampler", daemon=True)
        self.taken = 0
        self.cpu_s = 0.0  # the sampler's own CPU, once stopped: what it costs the machine

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(1.0)

    def _run(self) -> None:
        clock, target, interval = self._clock, self.thread_id, self.interval_s
        append = self.samples.append
        while not self._stop.wait(interval):
            frame = sys._current_frames().get(target)
            cpu = time.clock_gettime(clock)
            frames: list[tuple[str, str, int]] = []
            while frame is not None and len(frames) < STACK_DEPTH:
                code = frame.f_code
                frames.append((code.co_filename, code.co_name, frame.f_lineno))
                frame = frame.f_back
            # Kept as one string: a ring of tuples of tuples would be thousands of
            # objects for the garbage collector to walk on the GUI thread.
            append((time.perf_counter(), cpu, collapse(tuple(frames))))
            self.taken += 1
        self.cpu_s = time.thread_time()


def make_event_log(keep: int = 20000) -> Any:
    """A ``QtEventLog``: an event filter (install it on the application) and its ring."""
    from PySide6.QtCore import QEvent, QObject

    named = {
        QEvent.Type.Paint: "Paint",
        QEvent.Type.LayoutRequest: "LayoutRequest",
        QEvent.Type.Resize: "Resize",
        QEvent.Type.MetaCall: "MetaCall",
        QEvent.Type.UpdateRequest: "UpdateRequest",
        QEvent.Type.Timer: "Timer",
        QEvent.Type.Show: "Show",
        QEvent.Type.Polish: "Polish",
        QEvent.Type.PolishRequest: "PolishRequest",
        QEvent.Type.DeferredDelete: "DeferredDelete",
    }
    with_receiver = {
        "Paint", "LayoutRequest", "Resize", "MetaCall", "UpdateRequest", "Show", "Timer"
    }  # fmt: skip
    paint = QEvent.Type.Paint

    class QtEventLog(QObject):
        """Every event delivered on the GUI thread, with the thread's CPU clock at its start."""

        def __init__(self) -> None:
            super().__init__()
            # Parallel rings written in place: no new object per event for the
            # garbage collector (floats and strings are not tracked by it).
            self.when = [0.0] * keep
            self.cpu = [0.0] * keep
            self.kind = [""] * keep
            self.receiver = [""] * keep
            self.pixels = [0] * keep
            self.seen = 0

        @property
        def events(self) -> list[EventNote]:
            """The ring's entries, oldest first."""
            n = min(self.seen, keep)
            first = self.seen - n
            return [self.note(k % keep) for k in range(first, self.seen)]

        def note(self, k: int) -> EventNote:
            return (self.when[k], self.cpu[k], self.kind[k], self.receiver[k], self.pixels[k])

        def since(self, start: float) -> list[EventNote]:
            """The entries from ``start`` on, read from the newest end."""
            out: list[EventNote] = []
            for k in range(self.seen - 1, max(-1, self.seen - keep - 1), -1):
                i = k % keep
                if self.when[i] < start:
                    break
                out.append(self.note(i))
            out.reverse()
            return out

        def eventFilter(self, obj: QObject, event: QEvent) -> bool:
            kind = event.type()
            name = named.get(kind)
            if name is None:
                name = kind.name
            receiver = ""
            pixels = 0
            if name in with_receiver:
                receiver = obj.metaObject().className()
                if kind == paint:
                    rect = event.rect()  # type: ignore[attr-defined]
                    pixels = rect.width() * rect.height()
            k = self.seen % keep
            self.when[k] = time.perf_counter()
            self.cpu[k] = time.thread_time()
            self.kind[k] = name
            self.receiver[k] = receiver
            self.pixels[k] = pixels
            self.seen += 1
            return False

    return QtEventLog()


class TurnCatcher:
    """Keeps the samplers running and reports every tick over ``threshold_ms`` of GUI CPU."""

    def __init__(self, threshold_ms: float, keep_turns: int = 40, collections: Any = None) -> None:
        """``collections``: a ``stall_witness.CollectionLog``, to list the collections in a turn."""
        self.threshold_s = threshold_ms / 1000
        self.collections = collections
        self.keep_turns = keep_turns
        self.sampler = StackSampler(threading.get_ident())
        self.log = make_event_log()
        self.turns: list[dict[str, Any]] = []
        self.caught = 0
        self._app: Any = None

    def start(self, app: Any) -> None:
        """Install the event filter on ``app`` and start sampling (on the GUI thread)."""
        self._app = app
        app.installEventFilter(self.log)
        self.sampler.start()

    def stop(self) -> None:
        self.sampler.stop()
        if self._app is not None:
            self._app.removeEventFilter(self.log)
            self._app = None

    def on_tick(
        self,
        start: float,
        end: float,
        cpu_s: float,
        at_s: float,
        threads: Callable[[], dict[str, tuple[float, float]]] | None = None,
    ) -> None:
        """Called by the tick with the span since the tick before and its GUI CPU.

        ``threads`` (``stall_witness.ThreadClocks.delta``) gives every thread's
        (ms on a CPU, ms waiting for one) in the span: another thread charged as
        much CPU at the same moment says the machine, not the window, took it.
        """
        if self._app is None or cpu_s <= self.threshold_s:
            return
        self.caught += 1
        if len(self.turns) >= self.keep_turns:
            return
        # perf_counter is CLOCK_MONOTONIC on Linux, as ``perf record -k CLOCK_MONOTONIC``
        turn: dict[str, Any] = {"at_s": round(at_s, 2), "span": [start, end]}
        samples = _since(self.sampler.samples, start, keep_one_before=True)
        turn.update(describe_turn(start, end, cpu_s * 1000, samples, self.log.since(start)))
        if self.collections is not None:
            # [generation, thread, wall ms, CPU ms]: a collection is the GUI thread's own CPU
            turn["collections"] = [
                [c.generation, c.thread, round(c.wall_ms, 1), round(c.cpu_ms, 1)]
                for c in self.collections.overlapping(start, end)
            ]
        if threads is not None:
            turn["threads"] = {k: v for k, v in threads().items() if v[0] >= 1 or v[1] >= 5}
        self.turns.append(turn)
        print(format_turn(turn), file=sys.stderr, flush=True)

    def summary(self) -> dict[str, Any]:
        return {
            "threshold_ms": round(self.threshold_s * 1000, 1),
            "gui_thread_native_id": threading.get_native_id(),
            "caught": self.caught,
            # What the instrument itself cost: the sampler thread's CPU (on another
            # core when one is free) and how many events the GUI thread's filter noted.
            "samples_taken": self.sampler.taken,
            "sampler_cpu_s": round(self.sampler.cpu_s, 3),
            "events_noted": self.log.seen,
            "turns": self.turns,
        }


# ------------------------------------------------------------------ native side (perf)


def parse_perf_script(text: str) -> list[tuple[int, float, list[str]]]:
    """``perf script -F tid,time,ip,sym,dso`` → [(tid, time s, frames innermost first)].

    A frame is ``function (library)``, or ``? (library)`` without a symbol.
    """
    out: list[tuple[int, float, list[str]]] = []
    frames: list[str] | None = None
    for line in text.splitlines():
        if not line.strip():
            frames = None
            continue
        if not line[0].isspace():
            head = line.split()
            try:
                tid, when = int(head[0]), float(head[1].rstrip(":"))
            except (IndexError, ValueError):
                frames = None
                continue
            frames = []
            out.append((tid, when, frames))
            continue
        if frames is None:
            continue
        parts = line.split(None, 1)
        rest = parts[1] if len(parts) > 1 else ""
        sym, _, dso = rest.rpartition(" (")
        dso = Path(dso.rstrip(")")).name
        sym = sym.split("+0x")[0].strip()
        frames.append(f"{sym if sym and sym != '[unknown]' else '?'} ({dso})")
    return out


def native_in_turns(
    turns: list[dict[str, Any]],
    samples: list[tuple[int, float, list[str]]],
    tid: int,
    top: int = 8,
) -> None:
    """Add to each turn the GUI thread's native samples in its span: the innermost
    functions (where the CPU went) and every function on the stacks (what called it),
    most samples first."""
    mine = sorted((when, frames) for t, when, frames in samples if t == tid)
    times = [when for when, _frames in mine]
    for turn in turns:
        start, end = turn["span"]
        lo, hi = bisect.bisect_left(times, start), bisect.bisect_right(times, end)
        leaf: Counter[str] = Counter()
        anywhere: Counter[str] = Counter()
        for _when, frames in mine[lo:hi]:
            if frames:
                leaf[frames[0]] += 1
            anywhere.update(set(frames))
        turn["native_samples"] = hi - lo
        turn["native_leaf"] = leaf.most_common(top)
        turn["native_on_stack"] = anywhere.most_common(top * 2)


class NativeSampler:
    """``perf record`` of the GUI thread alone (Linux, needs ``perf`` and the right to use it).

    A sample every ~1 ms of the thread's CPU (``cpu-clock``), with the call chain as
    far as frame pointers go, stamped on CLOCK_MONOTONIC.
    """

    def __init__(self, path: Path, frequency: int = 997) -> None:
        self.path = path
        self.frequency = frequency
        self.proc: subprocess.Popen[bytes] | None = None
        self.error: str | None = None

    def start(self) -> None:
        perf = shutil.which("perf")
        if perf is None:
            self.error = "perf not found"
            return
        cmd = [
            perf, "record", "-q", "-e", "cpu-clock", "-F", str(self.frequency),
            "-k", "CLOCK_MONOTONIC", "-g", "-t", str(threading.get_native_id()),
            "-o", str(self.path),
        ]  # fmt: skip
        self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        time.sleep(0.3)  # it attaches before the load starts
        if self.proc.poll() is not None:
            self.error = (self.proc.stderr.read() if self.proc.stderr else b"").decode()[-300:]
            self.proc = None

    def stop(self) -> None:
        if self.proc is None:
            return
        self.proc.send_signal(2)  # SIGINT: perf writes its file and exits
        try:
            self.proc.wait(20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def samples(self) -> list[tuple[int, float, list[str]]]:
        if self.error is not None or not self.path.exists():
            return []
        out = subprocess.run(
            ["perf", "script", "-i", str(self.path), "-F", "tid,time,ip,sym,dso"],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        return parse_perf_script(out.stdout)

    def add_to(self, caught: dict[str, Any]) -> None:
        """Put the native samples into a ``TurnCatcher.summary()`` (once the load is over)."""
        caught["native"] = {"perf_data": str(self.path), "error": self.error}
        if self.error is None:
            native_in_turns(caught["turns"], self.samples(), caught["gui_thread_native_id"])
            with contextlib.suppress(OSError):
                caught["native"]["perf_data_bytes"] = os.path.getsize(self.path)


def format_native(caught: dict[str, Any]) -> str:
    """Each caught turn's native side in a few lines, for the terminal."""
    native = caught.get("native") or {}
    if native.get("error"):
        return f"native samples: none ({native['error']})"
    lines = []
    for turn in caught["turns"]:
        # perf takes a sample per ~1 ms the thread runs: far fewer than its CPU clock
        # says means the clock ran while the thread did not (the VM was not running it)
        lines.append(
            f"turn at {turn['at_s']} s ({turn['gui_cpu_ms']} ms CPU):"
            f" {turn.get('native_samples', 0)} native samples"
        )
        for name, n in turn.get("native_leaf", [])[:6]:
            lines.append(f"  leaf {n}x {name}")
        for name, n in turn.get("native_on_stack", [])[:10]:
            lines.append(f"  on stack {n}x {name}")
    return "\n".join(lines)
