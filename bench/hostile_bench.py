"""Hostile load: memory, real-time latency and shutdown of the real receiver under abuse.

Each scenario starts ``gatewatch --headless`` (its own data dir, an ephemeral
port), applies one kind of load from this process, and measures:

* the receiver's peak RSS (``VmHWM`` from ``/proc/<pid>/status``: the kernel's
  high-water mark, so no spike between samples is missed) — target < 1 GiB;
* the answer time of small real-time POSTs sent every 0.2 s during the load —
  target < 0.5 s. The prober is a process of its own, started once the load's
  bodies are built: encoding a 60 MB body here holds this process's GIL for
  ~0.5 s, which a prober thread in this process counted as the receiver's answer
  time (a box's POST never waits for another box's encoder). Each answer's
  ``Server-Timing`` header breaks the receiver's part down by phase; the slowest
  probes are printed that way;
* how long SIGTERM takes to end the process while the load is still on —
  target < 3 s.

Scenarios: ``ten_uploads`` (the issue's "ten large uploads in flight": 10
concurrent 60 MB uploads), ``sigterm_uploads`` (SIGTERM while eight of ten 60 MB
uploads are still in flight; then every acknowledged one must be in the
database), ``uploads`` (50 concurrent 60 MB uploads), ``png``
(four posters of 40 MB PNGs), ``flood`` (eight posters of small events), ``slow`` (1,000
connections that send half a request head and stall), ``strangers`` (a
20,000-stranger history batch, then a real-time POST).

    ./dev.sh bench hostile_bench [--only uploads,png] [--json out.json]
"""

from __future__ import annotations

import argparse
import base64
import copy
import http.client
import io
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gui.core.phases import parse_header

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "gui" / "assets" / "samples"
if not SAMPLES.exists():
    SAMPLES = ROOT / "assets" / "samples"
_LISTENING = re.compile(r"listening on \S+:(\d+)")
MiB = 1024 * 1024
REALTIME = "/EventServer/api/RealTimeEvent"
HISTORY = "/EventServer/api/HistoryEvent"


def sample(name: str) -> dict[str, Any]:
    return json.loads((SAMPLES / f"{name}.json").read_text(encoding="utf-8"))


class Receiver:
    """``python -m gui --headless`` in a fresh data dir."""

    def __init__(self, root: Path, witness: Path | None = None) -> None:
        self.data = Path(tempfile.mkdtemp(dir=root))
        self.log = self.data / "stderr.txt"
        self._err = open(self.log, "wb")  # noqa: SIM115 - closed in stop()
        #: ``bench.gil_witness`` writes what the writer waited for here (``--witness``).
        self.witness = witness
        start = (
            ["-m", "gui"] if witness is None else ["-m", "bench.gil_witness", str(witness), "--"]
        )
        self.proc = subprocess.Popen(
            [sys.executable, *start, "--headless", "--bind", "127.0.0.1", "--port", "0",
             "--data-dir", str(self.data / "data"), "--log-level", "INFO"],
            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=self._err,
            # its own settings: a store or TLS configured for this user must not be measured
            env={**os.environ, "GATEWATCH_CONFIG_DIR": str(self.data / "config")},
        )  # fmt: skip
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            found = _LISTENING.search(self.log.read_text(errors="replace"))
            if found:
                self.port = int(found.group(1))
                return
            time.sleep(0.05)
        raise RuntimeError("receiver did not start:\n" + self.log.read_text(errors="replace"))

    def peak_rss_mb(self) -> float:
        text = Path(f"/proc/{self.proc.pid}/status").read_text()
        return int(re.search(r"VmHWM:\s+(\d+)", text).group(1)) / 1024  # type: ignore[union-attr]

    def sigterm(self) -> float:
        started = time.monotonic()
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            return float("inf")
        finally:
            self._err.close()
        return time.monotonic() - started


def post(port: int, path: str, body: bytes, timeout: float = 120) -> tuple[int, float]:
    status, took, _phases = post_timed(port, path, body, timeout)
    return status, took


def post_timed(
    port: int, path: str, body: bytes, timeout: float = 120
) -> tuple[int, float, dict[str, float]]:
    """Status, answer time, and the receiver's own phases (``Server-Timing``, ms)."""
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("POST", path, body, {"Content-Type": "application/json"})
        resp = conn.getresponse()
        resp.read()
        took = time.perf_counter() - started
        return resp.status, took, parse_header(resp.getheader("Server-Timing") or "")
    except (OSError, http.client.HTTPException):
        return 0, time.perf_counter() - started, {}
    finally:
        conn.close()


def breakdown(took: float, phases: dict[str, float]) -> str:
    """One probe's answer time by phase: the receiver's phases, and the rest ("outside":
    connecting, the loop reaching the socket, the reply's way back)."""
    inside = sum(phases.values())
    parts = [f"{name} {ms:.0f}" for name, ms in phases.items() if ms >= 0.5]
    parts.append(f"outside {max(0.0, took * 1000 - inside):.0f}")
    return f"{took * 1000:.0f} ms = " + " + ".join(parts)


class Prober:
    """Small real-time POSTs every 0.2 s from a process of its own; each answer time.

    Not a thread of this process: the loads' Python work (building a 60 MB body,
    the senders' loops) would hold the prober up and be counted as the receiver's.
    """

    def __init__(self, port: int) -> None:
        self.port = port
        self.times: list[float] = []
        #: Each answered probe's receiver-side phases (ms), beside ``times``.
        self.phases: list[dict[str, float]] = []
        self.failures = 0
        self._proc: subprocess.Popen[bytes] | None = None

    def start(self) -> Prober:
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "bench.hostile_bench", "--probe", str(self.port)],
            cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        )  # fmt: skip
        assert self._proc.stdout is not None
        self._proc.stdout.readline()  # "ready": imported, about to send the first probe
        return self

    def stop(self) -> None:
        """Stop probing (closing its stdin) and collect the answers."""
        if self._proc is None:
            return
        out, _ = self._proc.communicate(timeout=60)  # closes stdin: the prober's signal
        self._proc = None
        for line in out.decode().splitlines():
            answer = json.loads(line)
            if answer["status"] == 200:
                self.times.append(answer["took"])
                self.phases.append(answer["phases"])
            else:
                self.failures += 1


def probe_forever(port: int) -> None:
    """The prober process: a real-time POST every 0.2 s until stdin closes, one line each."""
    stop = threading.Event()

    def watch_stdin() -> None:
        sys.stdin.buffer.read()
        stop.set()

    threading.Thread(target=watch_stdin, daemon=True).start()
    base = sample("stranger")
    print("ready", flush=True)
    n = 0
    while not stop.is_set():
        n += 1
        event = dict(base, identity_id=f"probe-{n}-{time.time_ns()}",
                     timestamp=int(time.time() * 1000))  # fmt: skip
        status, took, phases = post_timed(port, REALTIME, json.dumps(event).encode(), timeout=30)
        print(json.dumps({"status": status, "took": took, "phases": phases}), flush=True)
        stop.wait(0.2)


@dataclass
class Result:
    name: str
    peak_rss_mb: float = 0.0
    probe_max_s: float = 0.0
    probe_median_s: float = 0.0
    probes: int = 0
    probe_failures: int = 0
    #: The slowest probes, each broken down by phase (``breakdown``).
    slowest: list[str] = field(default_factory=list)
    #: Each phase's longest time over all probes, ms.
    phase_max_ms: dict[str, float] = field(default_factory=dict)
    sigterm_s: float = 0.0
    notes: dict[str, Any] = field(default_factory=dict)


#: A load: given the receiver, notes to fill and ``probing`` (call it once the load's
#: bodies are built, just before sending them: it starts the prober), it applies
#: the load and returns a callable that stops it (or None).
Load = Callable[[Receiver, dict[str, Any], Callable[[], None]], Any]


def run_scenario(name: str, root: Path, load: Load, witness: Path | None = None) -> Result:
    rec = Receiver(root, witness)
    notes: dict[str, Any] = {"load_before": round(os.getloadavg()[0], 1)}
    prober = Prober(rec.port)
    stop_load = load(rec, notes, prober.start)
    if prober._proc is None:  # a load that never said it was ready: probe its end at least
        prober.start()
        time.sleep(1.0)
    prober.stop()
    notes["load_after"] = round(os.getloadavg()[0], 1)  # other work on the machine skews latency
    result = Result(name, notes=notes)
    result.peak_rss_mb = rec.peak_rss_mb()
    result.sigterm_s = rec.sigterm()  # with the load still on where there is one
    if stop_load:
        stop_load()
    result.peak_rss_mb = max(result.peak_rss_mb, notes.pop("_rss_mb", 0.0))
    if prober.times:
        result.probe_max_s = max(prober.times)
        result.probe_median_s = statistics.median(prober.times)
        ranked = sorted(zip(prober.times, prober.phases, strict=True), key=lambda tp: -tp[0])
        result.slowest = [breakdown(took, phases) for took, phases in ranked[:3]]
        for phases in prober.phases:
            for name, ms in phases.items():
                result.phase_max_ms[name] = round(max(result.phase_max_ms.get(name, 0.0), ms), 1)
    result.probes = len(prober.times)
    result.probe_failures = prober.failures
    return result


# -- loads -------------------------------------------------------------------------


def _background(
    fn: Callable[[], None], count: int
) -> tuple[list[threading.Thread], threading.Event]:
    stop = threading.Event()
    threads = [threading.Thread(target=fn, daemon=True) for _ in range(count)]
    for t in threads:
        t.start()
    return threads, stop


def load_ten_uploads(
    rec: Receiver, notes: dict[str, Any], probing: Callable[[], None]
) -> Callable[[], None]:
    """The issue's scenario: ten concurrent 60 MB uploads in flight, retried until stored."""
    return load_uploads(rec, notes, probing, count=10)


def load_uploads(
    rec: Receiver, notes: dict[str, Any], probing: Callable[[], None], count: int = 50
) -> Callable[[], None]:
    """50 concurrent 60 MB history uploads, each retried after a 503 until stored."""
    event = sample("stranger")
    event["identity_id"] = "bulk"
    blob = "A" * (60 * MiB - 4096)
    body = json.dumps({**event, "extra_blob": blob}).encode()
    del blob
    probing()
    counts: dict[int, int] = {}
    lock = threading.Lock()
    stop = threading.Event()

    def upload() -> None:
        while not stop.is_set():
            status, _took = post(rec.port, HISTORY, body, timeout=300)
            with lock:
                counts[status] = counts.get(status, 0) + 1
            if status == 200:
                return
            stop.wait(1.0)

    threads = [threading.Thread(target=upload, daemon=True) for _ in range(count)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and any(t.is_alive() for t in threads):
        time.sleep(0.5)
        notes["_rss_mb"] = max(notes.get("_rss_mb", 0.0), rec.peak_rss_mb())
    notes["answers"] = dict(sorted(counts.items()))
    notes["all_stored"] = not any(t.is_alive() for t in threads)
    return stop.set


def load_png(
    rec: Receiver, notes: dict[str, Any], probing: Callable[[], None]
) -> Callable[[], None]:
    """Four posters, each posting events with a fresh 40 MB PNG scene photo, 3 times."""
    from PIL import Image

    side = 3650  # 13 MP of noise: a 40 MB PNG
    noise = Image.frombytes("RGB", (side, side), os.urandom(side * side * 3))
    out = io.BytesIO()
    noise.save(out, "PNG", compress_level=0)
    png = base64.b64encode(out.getvalue()).decode()
    notes["png_mb"] = round(len(out.getvalue()) / MiB, 1)
    base = sample("stranger")
    statuses: list[int] = []
    bodies = {}
    for worker in range(4):
        for n in range(3):
            event = copy.deepcopy(base)
            event.update(identity_id=f"png-{worker}-{n}", spot_pic=png,
                         timestamp=int(time.time() * 1000) + worker * 10 + n)  # fmt: skip
            bodies[worker, n] = json.dumps(event).encode()
    probing()

    def poster(worker: int) -> None:
        for n in range(3):
            status, _ = post(rec.port, HISTORY, bodies.pop((worker, n)), timeout=300)
            statuses.append(status)

    threads = [threading.Thread(target=poster, args=(w,), daemon=True) for w in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(300)
    time.sleep(5)  # thumbnails are made after the replies
    notes["answers"] = {s: statuses.count(s) for s in sorted(set(statuses))}
    return lambda: None


def load_flood(
    rec: Receiver, notes: dict[str, Any], probing: Callable[[], None]
) -> Callable[[], None]:
    """Eight posters of small events (no photos) for 20 s."""
    probing()
    stop = threading.Event()
    sent = [0]
    lock = threading.Lock()

    def poster(worker: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", rec.port, timeout=30)
        n = 0
        while not stop.is_set():
            n += 1
            body = json.dumps({"identity_id": f"f-{worker}-{n}", "person_type": 4,
                               "timestamp": 1_764_000_000_000 + n,
                               "ep_info": {"ep_id": f"cam-{worker}"}}).encode()  # fmt: skip
            try:
                conn.request("POST", HISTORY, body, {"Content-Type": "application/json"})
                conn.getresponse().read()
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", rec.port, timeout=30)
                continue
            with lock:
                sent[0] += 1
        conn.close()

    threads = [threading.Thread(target=poster, args=(w,), daemon=True) for w in range(8)]
    for t in threads:
        t.start()
    time.sleep(20)
    notes["events_per_s"] = round(sent[0] / 20)

    def finish() -> None:
        stop.set()
        for t in threads:
            t.join(10)

    return finish


def load_slow(
    rec: Receiver, notes: dict[str, Any], probing: Callable[[], None]
) -> Callable[[], None]:
    """1,000 connections that send half a request head and stall (slowloris)."""
    probing()
    socks = []
    for _ in range(1000):
        s = socket.create_connection(("127.0.0.1", rec.port), timeout=10)
        s.sendall(b"POST /EventServer/api/HistoryEvent HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow:")
        socks.append(s)
    notes["opened"] = len(socks)
    time.sleep(10)  # under the 15 s head deadline: all of them still held

    def finish() -> None:
        for s in socks:
            s.close()

    return finish


def load_strangers(
    rec: Receiver, notes: dict[str, Any], probing: Callable[[], None]
) -> Callable[[], None]:
    """A 20,000-stranger history batch (each its own identity: 20,000 alarms), then a POST."""
    batch = [
        {"identity_id": f"stranger-{n}", "person_type": 4, "timestamp": 1_764_000_000_000 + n,
         "ep_info": {"ep_id": "gate-1"}}
        for n in range(20_000)
    ]  # fmt: skip
    body = json.dumps(batch).encode()
    probing()
    status, took = post(rec.port, HISTORY, body, timeout=600)
    notes["batch_status"] = status
    notes["batch_s"] = round(took, 2)
    event = dict(sample("stranger"), identity_id="after-batch", timestamp=int(time.time() * 1000))
    status, took = post(rec.port, REALTIME, json.dumps(event).encode())
    notes["next_realtime_status"] = status
    notes["next_realtime_s"] = round(took, 3)
    alarms = http.client.HTTPConnection("127.0.0.1", rec.port, timeout=30)
    alarms.request("GET", "/api/alarms?limit=5000")
    notes["alarms_listed"] = len(json.loads(alarms.getresponse().read())["alarms"])
    alarms.close()
    return lambda: None


def load_sigterm_uploads(
    rec: Receiver, notes: dict[str, Any], probing: Callable[[], None]
) -> Callable[[], None]:
    """Ten 60 MB uploads (each its own event); SIGTERM once two are stored, the rest in flight.

    After the exit, every upload that got its 200 must be in the database.
    """
    event = sample("stranger")
    blob = "QUJD" * ((60 * MiB - 4096) // 4)
    bodies = [
        json.dumps({**event, "identity_id": f"bulk-{n}", "extra_blob": blob}).encode()
        for n in range(10)
    ]
    del blob
    acked: list[int] = []
    lock = threading.Lock()
    probing()

    def upload(n: int) -> None:
        body = bodies[n]
        while True:  # a box retries a 503; a refused connection means the receiver is gone
            status, _took = post(rec.port, HISTORY, body, timeout=300)
            if status == 200:
                with lock:
                    acked.append(n)
            if status != 503:
                return
            time.sleep(1.0)

    threads = [threading.Thread(target=upload, args=(n,), daemon=True) for n in range(10)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(acked) < 2:
        time.sleep(0.05)
        notes["_rss_mb"] = max(notes.get("_rss_mb", 0.0), rec.peak_rss_mb())
    notes["acked_before_sigterm"] = len(acked)
    notes["in_flight_at_sigterm"] = sum(t.is_alive() for t in threads)

    def check() -> None:
        import sqlite3

        for t in threads:
            t.join(30)
        db = sqlite3.connect(rec.data / "data" / "gatewatch.sqlite3")
        stored = {
            int(row[0].split("-")[1])
            for row in db.execute("SELECT identity_id FROM events WHERE identity_id LIKE 'bulk-%'")
        }
        db.close()
        notes["acked"] = len(acked)
        notes["acked_but_lost"] = sorted(set(acked) - stored)

    return check


SCENARIOS: dict[str, Load] = {
    "ten_uploads": load_ten_uploads,
    "sigterm_uploads": load_sigterm_uploads,
    "uploads": load_uploads,
    "png": load_png,
    "flood": load_flood,
    "slow": load_slow,
    "strangers": load_strangers,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.hostile_bench", description=__doc__)
    parser.add_argument("--only", help="comma-separated scenarios (default: all)")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument(
        "--witness", type=Path, metavar="DIR",
        help="run each receiver under bench.gil_witness (what its writer waited for); JSON in DIR",
    )  # fmt: skip
    parser.add_argument("--probe", type=int, metavar="PORT", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.probe:  # the prober process (see ``Prober``)
        probe_forever(args.probe)
        return 0
    names = args.only.split(",") if args.only else list(SCENARIOS)
    results = []
    with tempfile.TemporaryDirectory(prefix="gw-hostile-") as tmp:
        for name in names:
            print(f"-- {name}", flush=True)
            witness = None
            if args.witness:
                args.witness.mkdir(parents=True, exist_ok=True)
                witness = args.witness / f"{name}.json"
            result = run_scenario(name, Path(tmp), SCENARIOS[name], witness)
            results.append(result)
            print(json.dumps(result.__dict__, default=str), flush=True)
            if witness is not None and witness.exists():
                from bench.gil_witness import summarise

                print("\n".join(summarise(witness)), flush=True)
    print()
    print("| scenario | peak RSS | real-time POST max / median (n) | SIGTERM exit | notes |")
    print("| --- | --- | --- | --- | --- |")
    missed = []
    for r in results:
        print(
            f"| {r.name} | {r.peak_rss_mb:.0f} MB | {r.probe_max_s:.3f} / {r.probe_median_s:.3f} s"
            f" ({r.probes}, {r.probe_failures} failed) | {r.sigterm_s:.2f} s | {r.notes} |"
        )
        if r.peak_rss_mb >= 1024:
            missed.append(f"{r.name}: peak RSS {r.peak_rss_mb:.0f} MB")
        if r.probe_max_s >= 0.5 or r.probe_failures:
            missed.append(f"{r.name}: real-time POST {r.probe_max_s:.2f} s")
        if r.sigterm_s >= 3.0:
            missed.append(f"{r.name}: SIGTERM {r.sigterm_s:.2f} s")
        if r.notes.get("acked_but_lost"):
            missed.append(f"{r.name}: acknowledged but lost {r.notes['acked_but_lost']}")
    print()
    print("slowest real-time POSTs by phase (ms; receiver's Server-Timing, 'outside' the rest):")
    for r in results:
        for line in r.slowest:
            print(f"  {r.name}: {line}")
    print()
    print("targets (RSS < 1 GiB, real-time POST < 0.5 s, SIGTERM < 3 s):",
          "all met" if not missed else "NOT MET: " + "; ".join(missed))  # fmt: skip
    if args.json:
        args.json.write_text(json.dumps([r.__dict__ for r in results], indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
