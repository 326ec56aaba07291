"""What a push waits for while boxes are backfilled: each push's time, phase by phase.

Run: ``./dev.sh bench backfill_trace`` (``python -m bench.backfill_trace [--events 300]
[--boxes 2] [--push-rate 5] [--py-spy FILE] [--delivery-size N] [--switch-interval S]
[--cpu-only]``);
about a minute on an idle 2-core machine. ``--py-spy`` needs py-spy (``pip install
py-spy``) beside the interpreter or on PATH.

The same set-up as ``bench.backfill_bench`` (a receiver with every feature, emulated
boxes in their own processes at nice 10, history pushes of a 1.0 event with its
photos at ``--push-rate`` per second), without a backfill for 8 s and then during
the backfill of ``--boxes`` boxes. Every push is timed at each step of its way
through the receiver (the receiver's functions are wrapped in this process, nothing
in the product changes):

* ``dispatch``: from the pusher's send to the receiver's handler running (the loop
  accepting the request and parsing its headers: the loop or the GIL was busy);
* ``body``: reading the body (~140 KB) on the loop;
* ``prepare``: parsing and preparing it on the loop, with the loop thread's own CPU
  in that time (``prepare cpu``): wall minus CPU is time the thread waited for the
  GIL or a core;
* ``queue``: from the write's submission to its job starting on the writer thread,
  and how much of that the writer spent in a backfill's (bulk) transaction;
* ``job``: the push's job on the writer; ``commit``: the rest of its transaction;
* ``wake``: from the commit to the loop resuming the push (the loop was busy);
* ``reply``: from there to the handler returning, and ``send``: to the pusher
  reading the reply.

It prints, without and during the backfill, the median and p95 of the total and the
mean of each phase over all pushes and over the slowest 5 %, then the loop's lag
(a 2 ms ticker's lateness) and the writer's transactions by kind.
"""

from __future__ import annotations

import argparse
import asyncio
import contextvars
import http.client
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.backfill_bench import Boxes, _describe_cpu, _thread_cpu, api
from gui.core import features, ingest, lowprio, server, store
from gui.core.box import service
from gui.core.receiver import Receiver, ReceiverConfig, ReceiverThread
from gui.core.sender import load_sample, refreshed
from gui.settings import Settings

PHASES = ("dispatch", "body", "prepare", "prepare cpu", "queue", "queue in bulk",
          "job", "commit", "wake", "reply", "send")  # fmt: skip

_trace: contextvars.ContextVar[dict[str, float] | None] = contextvars.ContextVar(
    "bench_trace", default=None
)
#: Sequence number -> the pusher's send time (perf_counter), and the traces by number.
_sent: dict[int, float] = {}
_traces: dict[int, dict[str, float]] = {}
#: The writer's transactions: (start, end, bulk).
_batches: list[tuple[float, float, bool]] = []
#: The loop's lateness samples: (time, lateness ms, the loop thread's CPU ms meanwhile).
_lags: list[tuple[float, float, float]] = []


class _TracedJob:
    """A writer job that notes when it ran (on the writer thread)."""

    def __init__(self, job: Callable[[Any], Any], trace: dict[str, float] | None, bulk: bool):
        self.job, self.trace, self.bulk = job, trace, bulk

    def __call__(self, conn: Any) -> Any:
        if self.trace is not None:
            self.trace["job_start"] = time.perf_counter()
        try:
            return self.job(conn)
        finally:
            if self.trace is not None:
                self.trace["job_end"] = time.perf_counter()


def install() -> None:
    """Wrap the receiver's steps (before the receiver is made: the route is bound then)."""
    handler = server.ingest_handler

    async def traced_handler(request: Any) -> Any:
        seq = request.headers.get("X-Bench-Seq")
        if seq is None:
            return await handler(request)
        trace = {"sent": _sent.get(int(seq), float("nan")), "handler": time.perf_counter()}
        _traces[int(seq)] = trace
        token = _trace.set(trace)
        try:
            return await handler(request)
        finally:
            trace["handler_end"] = time.perf_counter()
            _trace.reset(token)

    server.ingest_handler = traced_handler

    prepare = ingest.prepare

    def traced_prepare(*args: Any, **kwargs: Any) -> Any:
        trace = _trace.get()
        if trace is None or "prepare_start" in trace:
            return prepare(*args, **kwargs)
        trace["prepare_start"], cpu = time.perf_counter(), time.thread_time()
        try:
            return prepare(*args, **kwargs)
        finally:
            trace["prepare_end"] = time.perf_counter()
            trace["prepare_cpu"] = time.thread_time() - cpu

    ingest.prepare = traced_prepare

    write = store.Store.write

    async def traced_write(self: Any, job: Any, *, bulk: bool = False, **kw: Any) -> Any:
        trace = _trace.get()
        if trace is not None and "write" not in trace:
            trace["write"] = time.perf_counter()
            trace["body_end"] = trace.get("body_end", trace.get("prepare_start", trace["write"]))
            try:
                return await write(self, _TracedJob(job, trace, bulk), bulk=bulk, **kw)
            finally:
                trace["resumed"] = time.perf_counter()
        return await write(self, _TracedJob(job, None, bulk), bulk=bulk, **kw)

    store.Store.write = traced_write  # type: ignore[method-assign]

    run_batch = store.Writer._run_batch

    def traced_batch(self: Any, batch: list[tuple[Any, Any]], join: Any = None) -> None:
        started = time.perf_counter()
        try:
            run_batch(self, batch, join)
        finally:
            ended = time.perf_counter()
            bulk = any(getattr(job, "bulk", False) for job, _ in batch)
            _batches.append((started, ended, bulk))
            for job, _ in batch:
                if getattr(job, "trace", None) is not None:
                    job.trace["committed"] = ended

    store.Writer._run_batch = traced_batch  # type: ignore[method-assign]

    receive = server._receive

    async def traced_receive(request: Any, received_at: int) -> Any:
        try:
            return await receive(request, received_at)
        finally:
            trace = _trace.get()
            if trace is not None:
                trace["body_end"] = time.perf_counter()

    server._receive = traced_receive


async def _ticker(stop: threading.Event) -> None:
    """The loop's lateness: a 2 ms sleep that wakes late waited for the loop."""
    while not stop.is_set():
        before, cpu = time.perf_counter(), time.thread_time()
        await asyncio.sleep(0.002)
        late = (time.perf_counter() - before - 0.002) * 1000
        _lags.append((before, late, (time.thread_time() - cpu) * 1000))


def _phases(t: dict[str, float]) -> dict[str, float] | None:
    need = ("sent", "handler", "body_end", "prepare_start", "prepare_end", "write",
            "job_start", "job_end", "committed", "resumed", "handler_end", "received")  # fmt: skip
    if any(k not in t for k in need):
        return None
    in_bulk = sum(
        max(0.0, min(end, t["job_start"]) - max(start, t["write"]))
        for start, end, bulk in _batches
        if bulk and end > t["write"] and start < t["job_start"]
    )
    ms = 1000.0
    return {
        "total": (t["received"] - t["sent"]) * ms,
        "dispatch": (t["handler"] - t["sent"]) * ms,
        "body": (t["body_end"] - t["handler"]) * ms,
        "prepare": (t["prepare_end"] - t["prepare_start"]) * ms,
        "prepare cpu": t["prepare_cpu"] * ms,
        "queue": (t["job_start"] - t["write"]) * ms,
        "queue in bulk": in_bulk * ms,
        "job": (t["job_end"] - t["job_start"]) * ms,
        "commit": (t["committed"] - t["job_end"]) * ms,
        "wake": (t["resumed"] - t["committed"]) * ms,
        "reply": (t["handler_end"] - t["resumed"]) * ms,
        "send": (t["received"] - t["handler_end"]) * ms,
    }


class TracedPusher:
    """History pushes at a steady rate, each numbered so the receiver's trace finds it."""

    def __init__(self, port: int, rate: float) -> None:
        self.port, self.rate = port, rate
        self.sample = load_sample("employee_match")
        self.seq = 0
        self.failures = 0

    def run(self, stop: threading.Event) -> list[int]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        done: list[int] = []
        next_at = time.monotonic()
        while not stop.is_set():
            self.seq += 1
            event = refreshed(self.sample, int(time.time() * 1000) + self.seq)
            event["ep_info"] = {**event["ep_info"], "ep_id": "bench-pusher"}
            body = json.dumps(event).encode()
            headers = {"Content-Type": "application/json", "X-Bench-Seq": str(self.seq)}
            _sent[self.seq] = time.perf_counter()
            try:
                conn.request("POST", "/EventServer/api/HistoryEvent", body, headers)
                response = conn.getresponse()
                response.read()
                if response.status != 200:
                    self.failures += 1
            except (OSError, http.client.HTTPException):
                self.failures += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            if self.seq in _traces:
                _traces[self.seq]["received"] = time.perf_counter()
            done.append(self.seq)
            next_at += 1 / self.rate
            time.sleep(max(0.0, next_at - time.monotonic()))
        conn.close()
        return done


def report(title: str, seqs: list[int]) -> None:
    rows = [p for p in (_phases(_traces.get(s, {})) for s in seqs) if p is not None]
    if not rows:
        print(f"{title}: no traced pushes")
        return
    totals = sorted(r["total"] for r in rows)
    p95 = totals[max(0, int(len(totals) * 0.95) - 1)]
    slow = [r for r in rows if r["total"] >= p95]
    print(f"{title}: {len(rows)} pushes, total median {statistics.median(totals):.1f} ms, "
          f"p95 {p95:.1f} ms, max {totals[-1]:.1f} ms")  # fmt: skip
    print(f"  {'phase (ms)':<14}{'median':>8}{'mean':>8}{'slowest 5% mean':>17}")
    for name in PHASES:
        values = [r[name] for r in rows]
        print(f"  {name:<14}{statistics.median(values):>8.2f}{statistics.mean(values):>8.2f}"
              f"{statistics.mean(r[name] for r in slow):>17.2f}")  # fmt: skip


def _lag_report(title: str, start: float, end: float) -> None:
    ticks = [(late, cpu) for at, late, cpu in _lags if start <= at < end]
    if not ticks:
        return
    lags = sorted(late for late, _cpu in ticks)
    p99 = lags[max(0, int(len(lags) * 0.99) - 1)]
    late = [(lateness, cpu) for lateness, cpu in ticks if lateness > 5]
    # A late tick in which the loop thread itself ran little waited for the GIL or a core.
    running = sum(min(cpu, lateness) for lateness, cpu in late)
    print(f"{title}: loop lateness over {len(lags)} ticks: median {statistics.median(lags):.2f} ms,"
          f" p99 {p99:.1f} ms, max {lags[-1]:.1f} ms; {len(late)} ticks over 5 ms, late by "
          f"{sum(x for x, _ in late):.0f} ms in all, the loop thread running {running:.0f} ms "
          f"of it (the rest waiting for the GIL or a core)")  # fmt: skip


def _batch_report(title: str, start: float, end: float) -> None:
    inside = [(s, e, b) for s, e, b in _batches if start <= s < end]
    for bulk in (False, True):
        times = sorted((e - s) * 1000 for s, e, b in inside if b == bulk)
        if times:
            p95 = times[max(0, int(len(times) * 0.95) - 1)]
            busy = sum(times) / 1000 / (end - start)
            print(f"{title}: writer {'bulk (backfill)' if bulk else 'other'} transactions: "
                  f"{len(times)}, median {statistics.median(times):.1f} ms, p95 {p95:.1f} ms, "
                  f"max {times[-1]:.1f} ms, busy {busy:.0%}")  # fmt: skip


def _py_spy(out: str) -> subprocess.Popen[bytes]:
    """py-spy sampling this process's GIL holder (py-spy beside the interpreter, or on PATH)."""
    exe = shutil.which("py-spy", path=str(Path(sys.executable).parent)) or "py-spy"
    return subprocess.Popen(
        [exe, "record", "--gil", "--threads", "--format", "raw", "--rate", "250",
         "--output", out, "--pid", str(os.getpid())],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip


def _gil_report(path: str) -> None:
    """The GIL holder's samples by thread, and the loop's by what it was doing."""
    by_thread: dict[str, int] = {}
    on_loop: dict[str, int] = {}
    for line in Path(path).read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        frames = stack.split(";")
        thread = re.sub(r"_\d+$", "", re.sub(r"^thread \(\w+\):? ?", "", frames[0]))
        by_thread[thread] = by_thread.get(thread, 0) + int(count)
        if thread == "gatewatch-core":
            what = _loop_work(stack)
            on_loop[what] = on_loop.get(what, 0) + int(count)
    total = sum(by_thread.values()) or 1
    print("GIL held, by thread (share of the samples that found it held):")
    for thread, n in sorted(by_thread.items(), key=lambda kv: -kv[1]):
        print(f"  {n / total:6.1%}  {thread}")
    loop_total = sum(on_loop.values()) or 1
    print("the loop's share, by what it ran:")
    for what, n in sorted(on_loop.items(), key=lambda kv: -kv[1]):
        print(f"  {n / loop_total:6.1%}  {what}")


def _loop_work(stack: str) -> str:
    if "box/service.py" in stack or "box/client.py" in stack:
        return "backfill (service, box client)"
    if "aiohttp/client" in stack:
        return "aiohttp client (box requests)"
    if "server.py" in stack:
        return "pushes (server, pipeline)"
    if "thumbnails.py" in stack:
        return "thumbnails"
    if "_ticker" in stack:
        return "this trace's ticker"
    return "event loop, other"


def cpu_per_record(box_count: int, events: int) -> None:
    """Backfill ``box_count`` boxes at once with no pushes; each thread's CPU per record."""
    with tempfile.TemporaryDirectory() as tmp:
        receiver = Receiver(ReceiverConfig(data_dir=Path(tmp), port=0, bind="127.0.0.1"))
        features.install(receiver, Settings())
        thread = ReceiverThread(receiver)
        thread.start()
        port = receiver.port
        assert port is not None
        boxes = Boxes(box_count, events)
        try:
            ids = [api(port, "POST", "/api/boxes", {"address": a})["id"] for a in boxes.addresses]
            since = int((time.time() - 24 * 3600) * 1000)
            before = _thread_cpu()
            jobs = [
                api(port, "POST", f"/api/boxes/{b}/backfill", {"since": since})["job"] for b in ids
            ]
            while True:
                states = [api(port, "GET", f"/api/jobs/{j}") for j in jobs]
                if all(s["state"] != "running" for s in states):
                    break
                time.sleep(0.1)
            after = _thread_cpu()
            done = sum(s["done"] for s in states)
            print(f"{done} records backfilled ({sum(s['new'] for s in states)} new), no pushes")
            used = {k: after.get(k, 0.0) - before.get(k, 0.0) for k in after}
            print("CPU per record (ms) by thread: " + ", ".join(
                f"{k} {v / done * 1000:.2f}" for k, v in sorted(used.items(), key=lambda kv: -kv[1])
                if v / done * 1000 >= 0.05
            ))  # fmt: skip
        finally:
            boxes.stop()
            thread.stop()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=300, help="stored events per box")
    parser.add_argument("--boxes", type=int, default=2)
    parser.add_argument("--push-rate", type=float, default=5.0)
    parser.add_argument("--quiet-seconds", type=float, default=8.0)
    parser.add_argument(
        "--py-spy", metavar="FILE", help="also sample the GIL holder during the backfill into FILE"
    )
    parser.add_argument("--cpu-only", action="store_true", help="no pushes, no tracing: the "
                        "CPU each thread spends per backfilled record")  # fmt: skip
    size = service.DELIVERY_SIZE
    interval = getattr(lowprio, "BACKGROUND_SWITCH_INTERVAL", None)
    parser.add_argument("--delivery-size", type=int,
                        help=f"records per backfill delivery (default {size})")  # fmt: skip
    parser.add_argument("--switch-interval", type=float,
                        help=f"GIL switch interval when backfilling ({interval})")  # fmt: skip
    args = parser.parse_args()
    if args.delivery_size:
        service.DELIVERY_SIZE = args.delivery_size
    if args.switch_interval:
        lowprio.BACKGROUND_SWITCH_INTERVAL = args.switch_interval  # type: ignore[attr-defined]
    interval = getattr(lowprio, "BACKGROUND_SWITCH_INTERVAL", None)
    print(f"delivery size {service.DELIVERY_SIZE}, GIL switch interval while backfilling "
          f"{'5 ms (default)' if interval is None else f'{interval * 1000:g} ms'}")  # fmt: skip
    if args.cpu_only:
        cpu_per_record(args.boxes, args.events)
        return
    install()
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings()
        receiver = Receiver(ReceiverConfig(data_dir=Path(tmp), port=0, bind="127.0.0.1"))
        features.install(receiver, settings)
        thread = ReceiverThread(receiver)
        thread.start()
        port = receiver.port
        assert port is not None and thread.loop is not None
        boxes = Boxes(args.boxes, args.events)
        stop_ticker = threading.Event()
        asyncio.run_coroutine_threadsafe(_ticker(stop_ticker), thread.loop)
        try:
            ids = [api(port, "POST", "/api/boxes", {"address": a})["id"] for a in boxes.addresses]
            pusher = TracedPusher(port, args.push_rate)
            stop = threading.Event()
            quiet: list[int] = []
            worker = threading.Thread(target=lambda: quiet.extend(pusher.run(stop)))
            quiet_start = time.perf_counter()
            worker.start()
            time.sleep(args.quiet_seconds)
            stop.set()
            worker.join()
            quiet_end = time.perf_counter()
            since = int((time.time() - 24 * 3600) * 1000)
            during: list[int] = []
            stop = threading.Event()
            worker = threading.Thread(target=lambda: during.extend(pusher.run(stop)))
            cpu_before = _thread_cpu()
            spy = _py_spy(args.py_spy) if args.py_spy else None
            worker.start()
            jobs = [
                api(port, "POST", f"/api/boxes/{b}/backfill", {"since": since})["job"] for b in ids
            ]
            during_start = time.perf_counter()
            while True:
                states = [api(port, "GET", f"/api/jobs/{j}") for j in jobs]
                if all(s["state"] != "running" for s in states):
                    break
                time.sleep(0.1)
            during_end = time.perf_counter()
            if spy is not None:
                spy.send_signal(signal.SIGINT)
                spy.wait(30)
                _gil_report(args.py_spy)
            stop.set()
            worker.join()
            cpu_after = _thread_cpu()
            stop_ticker.set()
            elapsed = during_end - during_start
            work = sum(s["done"] for s in states)
            print(
                f"backfill: {work} records from {len(jobs)} boxes in {elapsed:.1f} s = "
                f"{work / elapsed / len(jobs):.1f} per box; {pusher.failures} pushes failed"
            )
            report("pushes, no backfill", quiet)
            report("pushes during the backfill", during)
            _lag_report("no backfill", quiet_start, quiet_end)
            _lag_report("during", during_start, during_end)
            _batch_report("no backfill", quiet_start, quiet_end)
            _batch_report("during", during_start, during_end)
            print(f"thread CPU during the backfill (s): {_describe_cpu(cpu_before, cpu_after)}")
        finally:
            stop_ticker.set()
            boxes.stop()
            thread.stop()


if __name__ == "__main__":
    main()
