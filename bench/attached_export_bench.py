"""Export with photos from an attached window: events per second, per-event vs streamed.

Starts ``gatewatch --headless`` (its own data dir, an ephemeral port), posts
``--events`` events each carrying the employee sample's photos, then exports
them all with photos into a zip from an attached core (``AttachedCore``, the
code ``gatewatch --connect`` runs) over loopback, alternating the two ways the
photos can come:

- ``per-event``: one image request per photo, an event's photos together (the
  only way before ``/api/export/photos``; still the way for older servers);
- ``streamed``: ``GET /api/export/photos`` for ``PHOTO_BATCH`` events at a time.

Reported per way: the median and best of ``--rounds`` runs in events/s and
photos/s, the CPU time the window's process and the server's spent per event
(user + system, steadier than wall-clock on a busy machine), and the HTTP
requests one export made (a deterministic count).
Both zips are checked to hold the same photos.

    ./dev.sh bench attached_export_bench [--events 400] [--rounds 3] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.stream_bench import SAMPLES, Receiver  # noqa: E402

HISTORY = "/EventServer/api/HistoryEvent"


def post_events(port: int, n: int) -> int:
    """``n`` events with the employee sample's photos; the photos stored in all."""
    import http.client

    base = json.loads((SAMPLES / "employee_match.json").read_text("utf-8"))
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    for i in range(n):
        event = dict(base, timestamp=1_764_200_000_000 + i * 1000, identity_id=f"bench-{i}")
        body = json.dumps(event).encode()
        conn.request("POST", HISTORY, body, {"Content-Type": "application/json"})
        reply = conn.getresponse()
        reply.read()
        if reply.status != 200:
            raise RuntimeError(f"POST answered {reply.status}")
    conn.close()
    return n


class Counting:
    """Counts the HTTP requests the attached core's aiohttp session sends."""

    def __init__(self) -> None:
        import aiohttp

        self.count = 0
        self._original = aiohttp.ClientSession._request
        counter = self

        async def counting(session: Any, *args: Any, **kwargs: Any) -> Any:
            counter.count += 1
            return await counter._original(session, *args, **kwargs)

        aiohttp.ClientSession._request = counting  # type: ignore[method-assign]


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def export_once(
    reader: Any, way: str, out: Path, counter: Counting, server_pid: int
) -> dict[str, Any]:
    from gui.core import query

    reader._photo_stream = False if way == "per-event" else None
    before = counter.count
    server_cpu = cpu_seconds(server_pid)
    client_cpu = time.process_time()
    started = time.perf_counter()
    result = reader.export(
        query.EventFilter(), out / f"{way}.csv", "csv", images=out / f"{way}.zip"
    )
    seconds = time.perf_counter() - started
    cpu = time.process_time() - client_cpu + cpu_seconds(server_pid) - server_cpu
    return {
        "cpu_ms_per_event": 1000 * cpu / max(1, result.events),
        "events": result.events,
        "photos": result.images,
        "seconds": seconds,
        "events_per_s": result.events / seconds,
        "photos_per_s": result.images / seconds,
        "requests": counter.count - before,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=400)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json", type=Path, help="write the figures here too")
    args = parser.parse_args(argv)

    from gui.core.attached import AttachedCore
    from gui.core.receiver import ReceiverThread
    from gui.core.remote_client import RemoteServer

    with tempfile.TemporaryDirectory(prefix="gatewatch-export-bench-") as name:
        tmp = Path(name)
        # The receiver's settings are its own, not this user's (a store set there, say).
        os.environ["GATEWATCH_CONFIG_DIR"] = str(tmp / "config")
        server = Receiver(tmp)
        thread = None
        try:
            t0 = time.perf_counter()
            post_events(server.port, args.events)
            print(f"posted {args.events} events in {time.perf_counter() - t0:.1f} s")
            counter = Counting()
            core = AttachedCore(RemoteServer.parse(f"127.0.0.1:{server.port}"), data_dir=tmp / "w")
            thread = ReceiverThread(core)
            thread.start()
            runs: dict[str, list[dict[str, Any]]] = {"per-event": [], "streamed": []}
            for round_no in range(args.rounds):
                for way in (
                    ("per-event", "streamed") if round_no % 2 == 0 else ("streamed", "per-event")
                ):
                    out = tmp / f"out-{round_no}"
                    out.mkdir(exist_ok=True)
                    run = export_once(core.reader, way, out, counter, server.proc.pid)
                    runs[way].append(run)
                    ev, ph, cpu = run["events_per_s"], run["photos_per_s"], run["cpu_ms_per_event"]
                    rates = f"{ev:7.1f} events/s {ph:7.1f} photos/s {cpu:5.2f} CPU ms/event"
                    print(f"round {round_no + 1} {way:9}: {rates}, {run['requests']} requests")
                with (
                    zipfile.ZipFile(out / "per-event.zip") as a,
                    zipfile.ZipFile(out / "streamed.zip") as b,
                ):
                    if {n: a.read(n) for n in a.namelist()} != {n: b.read(n) for n in b.namelist()}:
                        raise SystemExit("the two exports differ")
        finally:
            if thread is not None:
                thread.stop()
            server.stop()

    summary = {}
    for way, found in runs.items():
        rates = [r["events_per_s"] for r in found]
        summary[way] = {
            "events_per_s_median": statistics.median(rates),
            "events_per_s_best": max(rates),
            "photos_per_s_median": statistics.median(r["photos_per_s"] for r in found),
            "cpu_ms_per_event_median": statistics.median(r["cpu_ms_per_event"] for r in found),
            "requests": found[-1]["requests"],
            "events": found[-1]["events"],
            "photos": found[-1]["photos"],
        }
    print(f"\n{args.events} events, {summary['streamed']['photos']} photos, "
          f"{args.rounds} rounds alternating; {platform.machine()}, Python "
          f"{platform.python_version()}")  # fmt: skip
    for way, s in summary.items():
        print(f"  {way:9}: median {s['events_per_s_median']:7.1f} events/s "
              f"(best {s['events_per_s_best']:.1f}), {s['photos_per_s_median']:.1f} photos/s, "
              f"{s['requests']} requests per export, "
              f"{s['cpu_ms_per_event_median']:.2f} CPU ms per event (window + server)")  # fmt: skip
    speedup = (
        summary["streamed"]["events_per_s_median"] / summary["per-event"]["events_per_s_median"]
    )
    print(f"  streamed / per-event: {speedup:.2f}x")
    if args.json:
        args.json.write_text(json.dumps({"runs": runs, "summary": summary}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
