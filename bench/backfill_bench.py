"""Backfill speed per box, and what a backfill costs the boxes pushing meanwhile.

Run: ``python -m bench.backfill_bench [--events 300] [--boxes 2] [--push-rate 5]``.

A real receiver (every feature installed, on its own thread like the app) and
emulated boxes (``gatewatch simulate --box``, each in its own process on a
127.x address) holding ``--events`` stored events each, with the sample JPEGs
(1920x1080 scene, face crop, registered photo). Measures:

1. one box backfilled alone: events with photos per second;
2. ``--boxes`` boxes backfilled at once: per box and in total;
3. the latency of history pushes (a 1.0 event with its ~140 KB of photos,
   ``--push-rate`` per second) with no backfill (6 s before and 6 s after) and
   during a backfill of every box: median, p95 and max, and their ratio. The
   target is no visible slow-down: backfill yields to pushed uploads in flight.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from gui.core import features
from gui.core.receiver import Receiver, ReceiverConfig, ReceiverThread
from gui.core.sender import load_sample, refreshed
from gui.settings import Settings


class Boxes:
    """Emulated boxes in their own processes (``gatewatch simulate --box``), as on a site."""

    def __init__(self, count: int, events: int) -> None:
        families = ["v5", "v6"]
        self.addresses = [f"127.77.200.{10 + i}" for i in range(count)]
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


class Pusher:
    """Posts 1.0 events with photos at a steady rate and records each reply's latency."""

    def __init__(self, port: int, rate: float) -> None:
        self.port, self.rate = port, rate
        self.sample = load_sample("employee_match")
        self.latencies: list[float] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._n = 0

    def _run(self) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        next_at = time.monotonic()
        while not self._stop.is_set():
            self._n += 1
            event = refreshed(self.sample, int(time.time() * 1000) + self._n)
            event["ep_info"] = {**event["ep_info"], "ep_id": "bench-pusher"}
            body = json.dumps(event).encode()
            started = time.perf_counter()
            conn.request("POST", "/EventServer/api/HistoryEvent", body,
                         {"Content-Type": "application/json"})  # fmt: skip
            conn.getresponse().read()
            self.latencies.append((time.perf_counter() - started) * 1000)
            next_at += 1 / self.rate
            time.sleep(max(0.0, next_at - time.monotonic()))
        conn.close()

    def run_for(self, seconds: float) -> list[float]:
        self.latencies = []
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        time.sleep(seconds)
        self._stop.set()
        self._thread.join()
        return self.latencies

    def start(self) -> None:
        self.latencies = []
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def stop(self) -> list[float]:
        self._stop.set()
        self._thread.join()
        return self.latencies


def _cpu_seconds(boxes: Boxes) -> tuple[float, float]:
    """CPU seconds used so far by this process and by the emulated boxes' processes."""
    import psutil

    def used(pid: int) -> float:
        times = psutil.Process(pid).cpu_times()
        return times.user + times.system

    return used(os.getpid()), sum(used(p.pid) for p in boxes.procs)


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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=300, help="stored events per box")
    parser.add_argument("--boxes", type=int, default=2)
    parser.add_argument("--push-rate", type=float, default=5.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings()
        receiver = Receiver(ReceiverConfig(data_dir=Path(tmp), port=0, bind="127.0.0.1"))
        features.install(receiver, settings)
        thread = ReceiverThread(receiver)
        thread.start()
        port = receiver.port
        assert port is not None
        boxes = Boxes(args.boxes, args.events)
        try:
            ids = [api(port, "POST", "/api/boxes", {"address": a})["id"] for a in boxes.addresses]
            since = int((time.time() - 24 * 3600) * 1000)
            elapsed, states = backfill(port, ids[:1], since)
            print(f"1 box alone ({boxes.families[0]}): {states[0]['new']} events in "
                  f"{elapsed:.1f} s = {states[0]['new'] / elapsed:.1f} events/s")  # fmt: skip
            pusher = Pusher(port, args.push_rate)
            idle = pusher.run_for(6)
            print(f"pushes, no backfill: {describe(idle)}")
            cpu_before = _cpu_seconds(boxes)
            pusher.start()
            elapsed, states = backfill(port, ids, since)
            during = pusher.stop()
            cpu_after = _cpu_seconds(boxes)
            cpu = [cpu_after[0] - cpu_before[0], cpu_after[1] - cpu_before[1]]
            work = sum(s["done"] for s in states)
            print(f"{len(ids)} boxes at once: {work} records in {elapsed:.1f} s = "
                  f"{work / elapsed:.1f} records/s in total, "
                  f"{work / elapsed / len(ids):.1f} per box "
                  f"({sum(s['new'] for s in states)} new, "
                  f"{sum(s['duplicates'] for s in states)} already stored)")  # fmt: skip
            print(f"pushes during the backfill: {describe(during)}")
            print(f"CPU during it: this process (receiver, pusher) {cpu[0]:.1f} s, "
                  f"the emulated boxes {cpu[1]:.1f} s, in {elapsed:.1f} s on "
                  f"{os.cpu_count()} cores")  # fmt: skip
            after = pusher.run_for(6)
            print(f"pushes, no backfill again: {describe(after)}")
            quiet = sorted(idle + after)
            ratio = statistics.median(during) / statistics.median(quiet)
            print(f"during / without: median {ratio:.2f}x, "
                  f"p95 {_p95(during) / _p95(quiet):.2f}x")  # fmt: skip
        finally:
            boxes.stop()
            thread.stop()


if __name__ == "__main__":
    main()
