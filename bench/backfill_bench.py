"""Backfill speed per box, and what a backfill costs the boxes pushing meanwhile.

Run: ``./dev.sh bench backfill_bench`` (``python -m bench.backfill_bench [--events 300]
[--boxes 2] [--push-rate 5] [--rounds 3] [--quiet-seconds 6]``); about two minutes on
an idle 2-core machine.

A real receiver (every feature installed, on its own thread like the app) and
emulated boxes (``gatewatch simulate --box``, each in its own process on a
127.x address) holding ``--events`` stored events each, with the sample JPEGs
(1920x1080 scene, face crop, registered photo). On a site the boxes are other
machines; here they share the receiver's cores, so they run at nice 10 (the
OS gives the receiver the CPU first) and their CPU is printed. Measures:

1. one box backfilled alone: events with photos per second;
2. ``--boxes`` other boxes (none of their events stored yet) backfilled at once:
   per box and in total;
3. the latency of history pushes (a 1.0 event with its ~140 KB of photos,
   ``--push-rate`` per second) with no backfill (6 s before and 6 s after) and
   during the backfill of those boxes: median, p95 and max, and their ratio.
   Steps 2 and 3 are repeated ``--rounds`` times with fresh boxes, quiet windows
   between them, and the verdict pools every round: the p95 of one round's ~125
   pushes (their 8th slowest) against ~60 without (their 3rd slowest) swung by
   0.5x between runs of one build on a quiet machine. Round 1 with the windows
   either side of it is printed as well: that is the bench as it was until
   2026-12-02 10:00 (``--rounds 1`` runs only that).
   The pusher is a process of its own, like a box (until 2026-12-02 07:30 it was a
   thread of the receiver's process, whose sending and reading waited for the
   receiver's GIL too: ``--pusher-in-process`` measures that way).

The slowest 5 % of pushes with and without the backfill are broken down by the
receiver's phases (its ``Server-Timing`` header: head, body, parse, writer queue,
transaction, commit, back on the loop, reply); ``bench.backfill_trace`` goes further.

Target ("backfill never slows live ingest"), printed as the last line (over all
rounds): during the backfill the pushes' median and p95 are within 1.2x of those without, no
push fails or takes longer than 0.5 s (a real-time push's timeout), and each
box is still backfilled at 10 events/s or more.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from gui.core import features
from gui.core.phases import PHASES, parse_header
from gui.core.receiver import Receiver, ReceiverConfig, ReceiverThread
from gui.core.sender import load_sample, refreshed
from gui.settings import Settings


class Boxes:
    """Emulated boxes in their own processes (``gatewatch simulate --box``), as on a site."""

    def __init__(self, count: int, events: int) -> None:
        families = ["v5", "v6"]
        base = 10 + os.getpid() % 200
        self.addresses = [f"127.77.{base}.{10 + i}" for i in range(count)]
        self.families = [families[i % 2] for i in range(count)]
        self.procs = [
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "gui",
                    "simulate",
                    "--box",
                    fam,
                    "--address",
                    addr,
                    "--stored",
                    str(events),
                    "--every",
                    "0",
                    "--seed",
                    str(i),
                ],
                stdout=subprocess.PIPE,
                text=True,
                # Another machine on a site: here it yields the CPU to the receiver.
                preexec_fn=_nice if hasattr(os, "nice") else None,
            )
            for i, (fam, addr) in enumerate(zip(self.families, self.addresses, strict=True))
        ]
        for proc in self.procs:
            assert proc.stdout is not None
            proc.stdout.readline()  # "box v5 (...) on ...": listening

    def stop(self) -> None:
        for proc in self.procs:
            proc.terminate()
        for proc in self.procs:
            proc.wait(10)


def _nice() -> None:
    os.nice(EMULATOR_NICE)


#: The emulated boxes' nice value (see the module's docstring).
EMULATOR_NICE = 10
#: The target: pushes during a backfill within this factor of without (median and p95)...
TARGET_RATIO = 1.2
#: ...none slower than a real-time push's timeout (ms), and each box backfilled this fast.
TARGET_MAX_MS = 500.0
TARGET_PER_BOX = 10.0


def api(port: int, method: str, path: str, body: Any = None) -> Any:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request(method, path, json.dumps(body).encode() if body is not None else None,
                     {"Content-Type": "application/json"})  # fmt: skip
        return json.loads(conn.getresponse().read())
    finally:
        conn.close()


def backfill(port: int, box_ids: list[str], since: int) -> tuple[float, list[dict[str, Any]]]:
    started = time.monotonic()
    jobs = [api(port, "POST", f"/api/boxes/{b}/backfill", {"since": since})["job"] for b in box_ids]
    while True:
        states = [api(port, "GET", f"/api/jobs/{j}") for j in jobs]
        if all(s["state"] != "running" for s in states):
            return time.monotonic() - started, states
        time.sleep(0.05)


def push_loop(port: int, rate: float, stop: threading.Event, report: Any) -> None:
    """Post 1.0 events with photos at ``rate`` per second until ``stop``; ``report(ms, ok,
    phases)`` after each reply (``phases`` from the receiver's ``Server-Timing`` header)."""
    sample = load_sample("employee_match")
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    next_at = time.monotonic()
    n = 0
    while not stop.is_set():
        n += 1
        event = refreshed(sample, int(time.time() * 1000) + n)
        event["ep_info"] = {**event["ep_info"], "ep_id": "bench-pusher"}
        body = json.dumps(event).encode()
        started = time.perf_counter()
        phases: dict[str, float] = {}
        try:
            conn.request("POST", "/EventServer/api/HistoryEvent", body,
                         {"Content-Type": "application/json"})  # fmt: skip
            response = conn.getresponse()
            response.read()
            phases = parse_header(response.getheader("Server-Timing") or "")
            ok = response.status == 200
        except (OSError, http.client.HTTPException):
            ok = False
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        report((time.perf_counter() - started) * 1000, ok, phases)
        next_at += 1 / rate
        time.sleep(max(0.0, next_at - time.monotonic()))
    conn.close()


class Pusher:
    """A box pushing history events at a steady rate; records each reply's latency.

    By default it is a process of its own (a box is another machine: its sending
    and reading must not wait for the receiver's GIL); ``in_process`` runs it as a
    thread of the receiver's process, as this bench did before 2026-12-02 07:30.
    """

    def __init__(self, port: int, rate: float, *, in_process: bool = False) -> None:
        self.port, self.rate, self.in_process = port, rate, in_process
        self.latencies: list[float] = []
        #: Each push's phases by the receiver's ``Server-Timing`` header (ms).
        self.phases: list[dict[str, float]] = []
        self.failures = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._proc: subprocess.Popen[str] | None = None

    def _record(self, ms: float, ok: bool, phases: dict[str, float]) -> None:
        self.latencies.append(ms)
        self.phases.append(phases)
        self.failures += not ok

    def _read(self) -> None:
        assert self._proc is not None and self._proc.stdout is not None
        for line in self._proc.stdout:
            item = json.loads(line)
            self._record(item["ms"], item["ok"], item["phases"])

    def start(self) -> None:
        self.latencies = []
        self.phases = []
        self._stop.clear()
        if self.in_process:
            self._thread = threading.Thread(
                target=push_loop, args=(self.port, self.rate, self._stop, self._record),
                name="bench-pusher", daemon=True,
            )  # fmt: skip
        else:
            self._proc = subprocess.Popen(
                [sys.executable, "-m", "bench.backfill_bench", "--pusher-for", str(self.port),
                 "--push-rate", str(self.rate)],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
            )  # fmt: skip
            assert self._proc.stdout is not None
            self._proc.stdout.readline()  # "ready": imports done, pushing
            self._thread = threading.Thread(target=self._read, name="bench-pusher", daemon=True)
        self._thread.start()

    def stop(self) -> list[float]:
        self._stop.set()
        if self._proc is not None:
            assert self._proc.stdin is not None
            self._proc.stdin.close()  # the pusher stops after its current push
            self._proc.wait(60)
            self._proc = None
        if self._thread is not None:
            self._thread.join()
        return self.latencies

    def run_for(self, seconds: float) -> list[float]:
        self.start()
        time.sleep(seconds)
        return self.stop()


def _pusher_main(port: int, rate: float) -> None:
    """The pusher process: one JSON line per push on stdout until stdin closes."""
    stop = threading.Event()

    def report(ms: float, ok: bool, phases: dict[str, float]) -> None:
        print(json.dumps({"ms": ms, "ok": ok, "phases": phases}), flush=True)

    def watch_stdin() -> None:
        sys.stdin.read()
        stop.set()

    threading.Thread(target=watch_stdin, daemon=True).start()
    print("ready", flush=True)
    push_loop(port, rate, stop, report)


def _cpu_seconds(boxes: Boxes) -> tuple[float, float]:
    """CPU seconds used so far by this process and by the emulated boxes' processes."""
    import psutil

    def used(pid: int) -> float:
        times = psutil.Process(pid).cpu_times()
        return times.user + times.system

    return used(os.getpid()), sum(used(p.pid) for p in boxes.procs)


def _thread_cpu() -> dict[str, float]:
    """CPU seconds so far of this process's threads, by name (pool numbers dropped)."""
    import psutil

    names = {t.native_id: t.name for t in threading.enumerate()}
    out: dict[str, float] = {}
    for t in psutil.Process().threads():
        name = re.sub(r"_\d+$", "", names.get(t.id, "other"))
        name = "unnamed" if name.startswith("Thread-") else name
        out[name] = out.get(name, 0.0) + t.user_time + t.system_time
    return out


def _describe_cpu(before: dict[str, float], after: dict[str, float]) -> str:
    used = {k: after.get(k, 0.0) - before.get(k, 0.0) for k in after}
    shown = sorted(((v, k) for k, v in used.items() if v >= 0.05), reverse=True)
    return ", ".join(f"{k} {v:.1f}" for v, k in shown)


def slow_phases(latencies: list[float], phases: list[dict[str, float]]) -> str:
    """Where the slowest 5 % of pushes spent their time, by the receiver's phases (mean ms)."""
    if not latencies:
        return "no samples"
    p95 = _p95(latencies)
    slow = [(ms, ph) for ms, ph in zip(latencies, phases, strict=True) if ms >= p95 and ph]
    if not slow:
        return "no Server-Timing"
    out = []
    for name in PHASES:
        values = [ph.get(name, 0.0) for _ms, ph in slow]
        out.append(f"{name} {statistics.mean(values):.1f}")
    outside = [ms - sum(ph.values()) for ms, ph in slow]
    out.append(f"outside the receiver {statistics.mean(outside):.1f}")
    mean = statistics.mean(ms for ms, _ in slow)
    return f"{len(slow)} pushes of {mean:.1f} ms on average: " + ", ".join(out)


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(len(ordered) * 0.95) - 1)]


def describe(values: list[float]) -> str:
    if not values:
        return "no samples"
    ordered = sorted(values)
    p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)]
    return (f"median {statistics.median(ordered):.1f} ms, p95 {p95:.1f} ms, "
            f"max {ordered[-1]:.1f} ms over {len(ordered)} pushes")  # fmt: skip


#: Pushes' latencies (ms) and their ``Server-Timing`` phases.
Sample = tuple[list[float], list[dict[str, float]]]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=300, help="stored events per box")
    parser.add_argument("--boxes", type=int, default=2)
    parser.add_argument("--push-rate", type=float, default=5.0)
    parser.add_argument("--rounds", type=int, default=3,
                        help="backfills of --boxes fresh boxes, each between quiet windows "
                             "(1: the bench as it was until 2026-12-02 10:00)")  # fmt: skip
    parser.add_argument(
        "--quiet-seconds",
        type=float,
        default=6.0,
        help="pushes without a backfill before, between and after the rounds",
    )
    parser.add_argument("--pusher-in-process", action="store_true",
                        help="push from a thread of this process (as until 12-02)")  # fmt: skip
    parser.add_argument("--pusher-for", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.pusher_for:
        _pusher_main(args.pusher_for, args.push_rate)
        return
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings()
        receiver = Receiver(ReceiverConfig(data_dir=Path(tmp), port=0, bind="127.0.0.1"))
        features.install(receiver, settings)
        thread = ReceiverThread(receiver)
        thread.start()
        port = receiver.port
        assert port is not None
        boxes = Boxes(1 + args.boxes * args.rounds, args.events)
        print(f"emulated boxes at nice {EMULATOR_NICE} (other machines on a site)")
        try:
            ids = [api(port, "POST", "/api/boxes", {"address": a})["id"] for a in boxes.addresses]
            since = int((time.time() - 24 * 3600) * 1000)
            elapsed, states = backfill(port, ids[:1], since)
            print(f"1 box alone ({boxes.families[0]}): {states[0]['new']} events in "
                  f"{elapsed:.1f} s = {states[0]['new'] / elapsed:.1f} events/s")  # fmt: skip
            pusher = Pusher(port, args.push_rate, in_process=args.pusher_in_process)
            where = "a thread of this process" if args.pusher_in_process else "a process of its own"
            print(f"pusher: {where}")
            quiet: list[Sample] = [_quiet(pusher, args.quiet_seconds, "before the backfills")]
            during: list[Sample] = []
            rates: list[float] = []
            for n in range(args.rounds):
                round_ids = ids[1 + n * args.boxes : 1 + (n + 1) * args.boxes]
                sample, per_box = _backfill_round(boxes, pusher, port, round_ids, since, args, n)
                during.append(sample)
                rates.append(per_box)
                last = n == args.rounds - 1
                quiet.append(
                    _quiet(
                        pusher,
                        args.quiet_seconds,
                        "after the backfills" if last else "between backfills",
                    )
                )
            failures = pusher.failures
            # Comparable with the figures before 2026-12-02 10:00 (one round), then the
            # verdict over every round: a p95 of ~370 pushes instead of ~125.
            print(
                _verdict(
                    "round 1 and the windows either side of it (the bench until 2026-12-02 10:00)",
                    quiet[:2],
                    during[:1],
                    rates[:1],
                    failures,
                    final=False,
                )
            )
            print(_verdict(f"all {args.rounds} rounds", quiet, during, rates, failures))
        finally:
            boxes.stop()
            thread.stop()


def _quiet(pusher: Pusher, seconds: float, when: str) -> Sample:
    latencies = pusher.run_for(seconds)
    print(f"pushes, no backfill ({when}): {describe(latencies)}")
    return latencies, pusher.phases


def _backfill_round(
    boxes: Boxes, pusher: Pusher, port: int, box_ids: list[str], since: int, args: Any, n: int
) -> tuple[Sample, float]:
    """One backfill of ``box_ids`` at once while the pusher pushes; (pushes, per box/s)."""
    cpu_before, threads_before = _cpu_seconds(boxes), _thread_cpu()
    pusher.start()
    elapsed, states = backfill(port, box_ids, since)
    during = pusher.stop()
    sample = (during, pusher.phases)
    cpu_after, threads_after = _cpu_seconds(boxes), _thread_cpu()
    cpu = [cpu_after[0] - cpu_before[0], cpu_after[1] - cpu_before[1]]
    work = sum(s["done"] for s in states)
    skipped = sum(s.get("fetches_skipped", 0) for s in states)
    per_box = work / elapsed / len(states)
    print(f"round {n + 1}: {len(states)} other boxes at once: {work} records in "
          f"{elapsed:.1f} s = {work / elapsed:.1f} records/s in total, "
          f"{per_box:.1f} per box "
          f"({sum(s['new'] for s in states)} new, "
          f"{sum(s['duplicates'] for s in states)} already stored, "
          f"{skipped} not fetched again)")  # fmt: skip
    print(f"pushes during the backfill: {describe(during)}")
    print(f"CPU during it: this process (receiver{', pusher' * args.pusher_in_process}) "
          f"{cpu[0]:.1f} s, "
          f"the emulated boxes {cpu[1]:.1f} s, in {elapsed:.1f} s on "
          f"{os.cpu_count()} cores")  # fmt: skip
    print(f"  by thread (s; gatewatch-background runs at nice 10): "
          f"{_describe_cpu(threads_before, threads_after)}")  # fmt: skip
    return sample, per_box


def _verdict(
    what: str,
    quiet: list[Sample],
    during: list[Sample],
    rates: list[float],
    failures: int,
    *,
    final: bool = True,
) -> str:
    """Pushes during the backfills against without, pooled over ``quiet`` / ``during``:
    prints the figures, returns the ``TARGET`` line."""
    quiet_ms = [ms for sample in quiet for ms in sample[0]]
    during_ms = [ms for sample in during for ms in sample[0]]
    print(f"{what}:")
    print(f"  pushes without backfill: {describe(quiet_ms)}")
    print(f"  pushes during the backfill: {describe(during_ms)}")
    print(f"  slowest 5 % without backfill, by phase: "
          f"{slow_phases(quiet_ms, [ph for sample in quiet for ph in sample[1]])}")  # fmt: skip
    print(f"  slowest 5 % during the backfill, by phase: "
          f"{slow_phases(during_ms, [ph for sample in during for ph in sample[1]])}")  # fmt: skip
    ratio = statistics.median(during_ms) / statistics.median(quiet_ms)
    ratio_p95 = _p95(during_ms) / _p95(quiet_ms)
    per_box = min(rates)
    print(f"  during / without: median {ratio:.2f}x, p95 {ratio_p95:.2f}x")
    met = (ratio <= TARGET_RATIO and ratio_p95 <= TARGET_RATIO and not failures
           and max(during_ms) < TARGET_MAX_MS and per_box >= TARGET_PER_BOX)  # fmt: skip
    return (
        f"{'TARGET' if final else 'as before'} {'MET' if met else 'NOT MET'} ({what}): "
        f"pushes during the backfill "
        f"median {ratio:.2f}x and p95 {ratio_p95:.2f}x of without (<= {TARGET_RATIO}x), "
        f"max {max(during_ms):.0f} ms (< {TARGET_MAX_MS:.0f}), {failures} failed (0), "
        f"{per_box:.1f} events/s per box (>= {TARGET_PER_BOX:.0f})"
    )


if __name__ == "__main__":
    main()
