"""The installer pages' queries on a busy site: verdicts, activity, request log.

Run: ``python -m bench.installer_bench [--events 200000] [--requests 20000]``.

Builds a database with the real migrations holding ``--events`` events spread
over the last 24 h (6 boxes x 4 cameras, 3 image rows each, some warnings) and
a full request log (``--requests`` rows, the log's default bound), then times
what the connect, inspector and devices pages ask for: ``verdicts.build``,
``installer.events_per_hour`` (sparklines), the devices list with silence
levels, a request-log page, one request's detail, and a prune of the log.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import tempfile
import time
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from gui.core import devices, installer, requestlog, silence, verdicts
from gui.core.store import open_database

HOUR = 3_600_000


def _fill(conn: Any, events: int, requests: int, now: int, rng: random.Random) -> None:
    boxes = [f"SE5-B{b:03d}" for b in range(6)]
    cams = [(b, f"{b}__rtsp://10.0.{i}.{c}/ch1") for i, b in enumerate(boxes) for c in range(4)]
    raw = zlib.compress(b"{}")
    conn.execute("BEGIN")
    for n in range(events):
        box, ep = rng.choice(cams)
        ts = now - rng.randrange(24 * HOUR)
        path = rng.choice(("/EventServer/api/RealTimeEvent", "/EventServer/api/HistoryEvent"))
        codes = rng.choice(("", "", "", "", "box_outside_picture", "timestamp_in_future"))
        cur = conn.execute(
            "INSERT INTO events (natural_key, ts, timestamp, received_at, identity_id,"
            " person_type, ep_id, dev_sno, format, source_ip, path, warning_codes, doc, raw)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (f"k{n}", ts, ts, ts + rng.randrange(2000), f"E-{n % 5000}", rng.choice((1, 1, 4, 3)),
             ep, box, "1.0", f"192.168.1.{10 + boxes.index(box)}", path, codes, "{}", raw),
        )  # fmt: skip
        for kind in ("spot_pic", "recognize_face", "reg_pic")[: rng.choice((1, 2, 3, 3))]:
            conn.execute(
                "INSERT INTO images (event_id, kind, json_path, encoding, format, width, height,"
                " bytes) VALUES (?, ?, '[]', '{}', 'JPEG', 1920, 1080, 130000)",
                (cur.lastrowid, kind),
            )
    for box in boxes:
        conn.execute(
            "INSERT INTO boxes (sn, source_ip, first_seen, last_seen, last_event_at,"
            " last_report_at, event_count, report) VALUES (?, ?, ?, ?, ?, ?, 0, '{}')",
            (box, f"192.168.1.{10 + boxes.index(box)}", now - 24 * HOUR, now, now, now - 60_000),
        )
    for box, ep in cams:
        conn.execute(
            "INSERT INTO cameras (ep_id, box_sn, first_seen, last_seen, last_event_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (ep, box, now - 24 * HOUR, now, now - rng.randrange(40 * 60_000)),
        )
    warnings = json.dumps([{"index": 0, "code": "duplicate", "field": None, "message": "again"}])
    headers = json.dumps({"Content-Type": "application/json", "X-Gatewatch-Body-Format": "json"})
    for n in range(requests):
        status = rng.choice((200,) * 30 + (400, 404))
        conn.execute(
            "INSERT INTO requests (time, source_ip, method, path, content_type, length, status,"
            " reply, duration_ms, events, warnings, headers, body) VALUES"
            " (?, ?, 'POST', '/EventServer/api/HistoryEvent', 'application/json', 150000, ?,"
            " ?, 3.2, ?, ?, ?, ?)",
            (now - (requests - n) * 4000, f"192.168.1.{10 + n % 6}", status,
             '{"code": 0, "message": "SUCCESS"}' if status == 200 else '{"code": 4002}',
             1 if status == 200 else 0, warnings if n % 50 == 0 else "[]", headers,
             None if status == 200 else b'{"broken": ' + b"x" * 2000),
        )  # fmt: skip
    conn.execute("COMMIT")


def _time(fn: Callable[[], Any], runs: int = 5) -> tuple[float, float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), max(times)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--requests", type=int, default=requestlog.MAX_REQUESTS)
    args = parser.parse_args(argv)
    rng = random.Random(1)
    now = time.time_ns() // 1_000_000
    with tempfile.TemporaryDirectory() as tmp:
        conn = open_database(Path(tmp) / "bench.sqlite3")
        started = time.perf_counter()
        _fill(conn, args.events, args.requests, now, rng)
        print(f"filled {args.events} events, {args.requests} requests in "
              f"{time.perf_counter() - started:.1f} s")  # fmt: skip

        def devices_page() -> None:
            found = devices.list_devices(conn)
            installer.events_per_hour(conn, now, 24)
            silence.evaluate(found["boxes"], found["cameras"], now, 10)

        last_id = conn.execute("SELECT max(id) FROM requests WHERE body IS NOT NULL").fetchone()[0]
        rows = [
            ("verdicts.build (24 h window)", lambda: verdicts.build(conn, now)),
            ("events_per_hour, all devices, 24 h", lambda: installer.events_per_hour(conn, now)),
            ("devices page read (list + sparklines + silence)", devices_page),
            ("request log page (200, newest)", lambda: requestlog.list_requests(conn, limit=200)),
            ("request log page, status=400 filter",
             lambda: requestlog.list_requests(conn, limit=200, status=400)),
            ("one request's detail", lambda: installer.request_detail(conn, last_id)),
        ]  # fmt: skip
        print("| query | median ms | max ms |\n| --- | --- | --- |")
        for name, fn in rows:
            median, worst = _time(fn)
            print(f"| {name} | {median:.1f} | {worst:.1f} |")
        log = requestlog.RequestLog()
        conn.execute("BEGIN")
        median, worst = _time(lambda: log.prune(conn), runs=3)
        conn.execute("COMMIT")
        print(f"| request log prune at {args.requests} rows | {median:.1f} | {worst:.1f} |")
        conn.close()


if __name__ == "__main__":
    main()
