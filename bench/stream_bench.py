"""Stream latency: from an event's POST to five viewers attached to ``/api/stream``.

Starts ``gatewatch --headless`` (its own data dir, an ephemeral port), attaches
``--viewers`` stream clients (one thread each, in this process), then posts
``--events`` real-time events at ``--rate`` per second and times, for every
event and every viewer, how long after the POST was *sent* the viewer read its
``event_stored`` frame. The commit happens between the two, so this is an upper
bound of commit-to-viewer latency (it includes reading, parsing and storing the
event); the time from the POST's answer (sent after the commit) to the frame is
a lower bound, reported beside it. Reported: p50 / p95 / p99 / max over all
(event, viewer) pairs, and the p95 of each event's slowest viewer. Target: p95
under 250 ms.

With ``--store postgresql://...`` both receivers use that database, and with
``--relay`` the events are posted to one receiver while the viewers watch
another (what a guard room attached to a second receiver sees: the relay's
LISTEN/NOTIFY wake-up and catch-up query included).

    ./dev.sh bench stream_bench [--events 300] [--rate 10] [--viewers 5]
                                [--pg | --store postgresql://...] [--relay] [--json out.json]

``--pg`` starts a throwaway durable PostgreSQL cluster for the run (and stops it).
On PostgreSQL the figure that counts is the one from the *commit*: the bench
LISTENs to the writer's ``NOTIFY gatewatch_events`` (sent in the commit, payload
the batch's newest id) and times each viewer's frame from when it heard it.
"""

from __future__ import annotations

import argparse
import copy
import http.client
import json
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "gui" / "assets" / "samples"
if not SAMPLES.exists():
    SAMPLES = ROOT / "assets" / "samples"
_LISTENING = re.compile(r"listening on \S+:(\d+)")
REALTIME = "/EventServer/api/RealTimeEvent"


class Receiver:
    """``python -m gui --headless`` in a fresh data dir (optionally on a shared store)."""

    def __init__(self, root: Path, store: str | None = None) -> None:
        self.data = Path(tempfile.mkdtemp(dir=root))
        self.log = self.data / "stderr.txt"
        self._err = open(self.log, "wb")  # noqa: SIM115 - closed in stop()
        args = [sys.executable, "-m", "gui", "--headless", "--bind", "127.0.0.1", "--port", "0",
                "--data-dir", str(self.data / "data"), "--log-level", "INFO"]  # fmt: skip
        if store:
            args += ["--store", store]
        self.proc = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=self._err)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            found = _LISTENING.search(self.log.read_text(errors="replace"))
            if found:
                self.port = int(found.group(1))
                return
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        raise RuntimeError("receiver did not start:\n" + self.log.read_text(errors="replace"))

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self._err.close()


class Viewer(threading.Thread):
    """One ``/api/stream`` client: when each ``bench-N`` event's frame was read."""

    def __init__(self, port: int, expected: int) -> None:
        super().__init__(daemon=True)
        self.port = port
        self.expected = expected
        self.seen: dict[str, float] = {}
        #: The stored event id of each ``bench-N`` identity.
        self.ids: dict[str, int] = {}
        self.ready = threading.Event()
        self.done = threading.Event()
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
            conn.request("GET", "/api/stream")
            resp = conn.getresponse()
            event = ""
            while len(self.seen) < self.expected:
                line = resp.fp.readline()
                if not line:
                    raise EOFError("stream ended")
                if line.startswith(b"event: "):
                    event = line[7:].strip().decode()
                    if event == "hello":
                        self.ready.set()
                elif line.startswith(b"data: ") and event == "event_stored":
                    at = time.perf_counter()
                    summary = json.loads(line[6:])["summary"]
                    identity = summary["identity_id"] or ""
                    if identity.startswith("bench-"):
                        self.seen.setdefault(identity, at)
                        self.ids[identity] = int(summary["id"])
            conn.close()
        except BaseException as exc:  # reported by the main thread
            self.error = exc
        finally:
            self.ready.set()
            self.done.set()


class CommitClock(threading.Thread):
    """PostgreSQL only: LISTEN to the writers' NOTIFY (sent at commit, payload the
    batch's newest event id), so each event's commit time is known to a few ms."""

    def __init__(self, url: str) -> None:
        super().__init__(daemon=True)
        import psycopg

        self.conn = psycopg.connect(url, autocommit=True)
        self.conn.execute("LISTEN gatewatch_events")
        self.heard: list[tuple[int, float]] = []
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            for note in self.conn.notifies(timeout=0.5):
                self.heard.append((int(note.payload), time.perf_counter()))

    def committed_at(self, event_id: int) -> float | None:
        """When the first batch holding ``event_id`` was heard committing."""
        for top, at in self.heard:
            if top >= event_id:
                return at
        return None


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def run(args: argparse.Namespace) -> dict[str, Any]:
    base = json.loads((SAMPLES / "employee_match.json").read_text(encoding="utf-8"))
    root = Path(tempfile.mkdtemp(prefix="stream-bench-"))
    poster_rec = Receiver(root, args.store)
    viewed_rec = Receiver(root, args.store) if args.relay else poster_rec
    sent: dict[str, float] = {}
    answered: dict[str, float] = {}
    replies: list[float] = []
    clock = CommitClock(args.store) if args.store else None
    if clock is not None:
        clock.start()
    try:
        viewers = [Viewer(viewed_rec.port, args.events) for _ in range(args.viewers)]
        for v in viewers:
            v.start()
        for v in viewers:
            v.ready.wait(30)
        conn = http.client.HTTPConnection("127.0.0.1", poster_rec.port, timeout=60)
        stamp = int(time.time() * 1000)
        started = time.perf_counter()
        for n in range(args.events):
            due = started + n / args.rate
            pause = due - time.perf_counter()
            if pause > 0:
                time.sleep(pause)
            ev = copy.deepcopy(base)
            ev["identity_id"] = f"bench-{n}"
            ev["timestamp"] = stamp + n
            body = json.dumps(ev).encode()
            t0 = time.perf_counter()
            sent[f"bench-{n}"] = t0
            conn.request("POST", REALTIME, body, {"Content-Type": "application/json"})
            reply = conn.getresponse()
            reply.read()
            answered[f"bench-{n}"] = time.perf_counter()
            replies.append(answered[f"bench-{n}"] - t0)
            if reply.status != 200:
                raise RuntimeError(f"POST answered {reply.status}")
        conn.close()
        for v in viewers:
            v.done.wait(60)
        errors = [v.error for v in viewers if v.error is not None]
        if errors:
            raise RuntimeError(f"viewer failed: {errors[0]!r}")
    finally:
        if clock is not None:
            clock.stop.set()
            clock.join(2)
        poster_rec.stop()
        if viewed_rec is not poster_rec:
            viewed_rec.stop()
    pairs = [(v.seen[k] - t) * 1000 for v in viewers for k, t in sent.items() if k in v.seen]
    slowest = [max((v.seen[k] - t) * 1000 for v in viewers) for k, t in sent.items()]
    missing = sum(1 for v in viewers for k in sent if k not in v.seen)
    after_reply = [(v.seen[k] - answered[k]) * 1000 for v in viewers for k in sent if k in v.seen]
    commit_to_viewer: list[float] = []
    if clock is not None:
        for v in viewers:
            for k, at in v.seen.items():
                committed = clock.committed_at(v.ids[k])
                if committed is not None:
                    commit_to_viewer.append((at - committed) * 1000)
    return {
        "events": args.events,
        "rate_per_s": args.rate,
        "viewers": args.viewers,
        "store": "postgresql" if args.store else "sqlite",
        "relay": bool(args.relay),
        "missing": missing,
        "post_to_viewer_ms": {
            "p50": round(percentile(pairs, 50), 1),
            "p95": round(percentile(pairs, 95), 1),
            "p99": round(percentile(pairs, 99), 1),
            "max": round(max(pairs), 1),
        },
        "slowest_viewer_p95_ms": round(percentile(slowest, 95), 1),
        # From the 200 (sent after the commit) to the frame: a lower bound of
        # commit-to-viewer; negative when the frame arrived before the answer.
        "reply_to_viewer_ms": {
            "p50": round(percentile(after_reply, 50), 1),
            "p95": round(percentile(after_reply, 95), 1),
        },
        "post_reply_median_ms": round(statistics.median(replies) * 1000, 1),
        # PostgreSQL: from the commit's NOTIFY (heard by this process) to the frame.
        "commit_to_viewer_ms": {
            "p50": round(percentile(commit_to_viewer, 50), 1),
            "p95": round(percentile(commit_to_viewer, 95), 1),
            "p99": round(percentile(commit_to_viewer, 99), 1),
        }
        if commit_to_viewer
        else None,
        "machine": f"{platform.machine()} {platform.processor() or ''} cores={_cores()}".strip(),
        "python": platform.python_version(),
        "load_average": [round(v, 1) for v in _load()],
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
    }


def _load() -> tuple[float, float, float]:
    import os

    return os.getloadavg()


def _cores() -> int:
    import os

    return os.cpu_count() or 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=300)
    parser.add_argument("--rate", type=float, default=10.0, help="events per second")
    parser.add_argument("--viewers", type=int, default=5)
    parser.add_argument("--store", default=None, help="postgresql://... (default: SQLite)")
    parser.add_argument(
        "--pg",
        action="store_true",
        help="PostgreSQL in a throwaway durable cluster (scripts/pg-cluster.sh), a fresh database",
    )
    parser.add_argument("--relay", action="store_true", help="view a second receiver")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)
    if args.pg and args.store:
        parser.error("--pg starts its own server: give --pg or --store, not both")
    if args.relay and not (args.store or args.pg):
        parser.error("--relay needs --pg or --store postgresql://... (receivers share a database)")
    folder = ""
    if args.pg:
        from bench.pg_ingest_bench import new_database, start_cluster

        server, folder = start_cluster()
        args.store = new_database(server)
    try:
        result = run(args)
    finally:
        if folder:
            from bench.pg_ingest_bench import stop_cluster

            stop_cluster(folder)
    text = json.dumps(result, indent=2)
    print(text)
    if args.json is not None:
        args.json.write_text(text + "\n")
    measured = result["commit_to_viewer_ms"] or result["post_to_viewer_ms"]
    target = measured["p95"] < 250 and result["missing"] == 0
    what = "commit" if result["commit_to_viewer_ms"] else "POST (upper bound)"
    print(f"target p95 from {what} to viewer < 250 ms, nothing missing:",
          "met" if target else "MISSED")  # fmt: skip
    return 0 if target else 1


if __name__ == "__main__":
    raise SystemExit(main())
