"""History at scale: 1,000,000 events, then the queries the history view makes.

Run: ``python -m bench.history_bench [--events 1000000] [--db PATH] [--retention]``
(``--sorts-only``: just the sorts by time, score and name with broad filters);
on PostgreSQL: ``python -m bench.history_bench --pg postgresql://user@host/db`` (an
empty database is filled first, by COPY; a filled one is measured as it is).

Rows are written straight into a database built by the real migrations, in the
exact shape ``event_rows.store_event`` writes (doc JSON, zlib raw, image
metadata rows with their bytes purged), with a realistic spread: 60 days, 24
cameras on 6 boxes, person types weighted like a real site, 5,000 identities
(most with Chinese names, two characters being common), strangers with
timestamp ids. Image bytes are left out: the target is the database *without*
images (photos are bounded by retention, not by the event count).
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import statistics
import sys
import tempfile
import time
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from gui.core import event_rows, export, query, stats
from gui.core.store import open_database

DAY = 86_400_000
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐"
    "许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
)
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红鹏飞斌宇浩凯健俊帆帅旭宁龙林欣怡佳琪"
LATIN = ["Alice Smith", "Bob Jones", "Carlos Diaz", "Dana Lee", "Eve Martin", "Frank Wu"]
PERSON_TYPE_WEIGHTS = {1: 55, 2: 10, 3: 2, 4: 30, 5: 3}
WARNINGS = ["", "", "", "", "", "", "", "", "timestamp_in_past", "missing_reg_pic"]


def _identities(rng: random.Random, n: int = 5000) -> list[tuple[str, str, int]]:
    out = []
    for i in range(n):
        if i % 25 == 0:
            name = rng.choice(LATIN) + f" {i}"
        elif rng.random() < 0.5:
            name = rng.choice(SURNAMES) + rng.choice(GIVEN)
        else:
            name = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)
        ptype = rng.choices([1, 2, 3, 5], weights=[85, 10, 2, 3])[0]
        out.append((f"{'EBVX'[[1, 2, 3, 5].index(ptype)]}-{10000 + i}", name, ptype))
    return out


def _cameras() -> list[tuple[str, str, str, str]]:
    cams = []
    for b in range(6):
        sno = f"SE5-{0xA1B2C3 + b:08X}"
        for c in range(4):
            ip = f"192.168.{b + 1}.{100 + c}"
            ep_id = f"0xe0a50926{b:02x}{c:02x}__rtsp://{ip}:8554/ch10{c}"
            cams.append(
                (ep_id, f"{b:08x}-b736-48fb-a29f-95bb9d23ff{c:02x}", f"{b + 1}号门 Gate {c}", sno)
            )
    return cams


def _doc(
    name: str | None, ident: str | None, cam: tuple[str, str, str, str], warning: str
) -> bytes:
    ep_id, device_id, ep_name, _sno = cam
    doc = {
        "identity_info": {"face_ids": [f"f-{ident}"], "image_id": f"img-{ident}"} if ident else {},
        "recognize_face_attr": {
            "point": [1302, 1347, 1324, 1308, 1342, 101, 100, 125, 146, 145],
            "box": [1272, 66, 1376, 186], "age": "youth", "gender": "female", "mask": "0",
            "glasses": "no", "feature": [], "hat": None, "expression": None,
        },
        "ep_info": {"ep_id": ep_id, "ep_type": "rtsp", "ep_ip": "192.168.1.100",
                    "ep_name": ep_name, "device_id": device_id},
        "face_box": [1272.0, 66.0, 1376.0, 186.0],
        "landmarks": [[1302.0, 101.0], [1347.0, 100.0], [1324.0, 125.0], [1308.0, 146.0],
                      [1342.0, 145.0]],
        "landmark_layout": "x5y5",
        "warnings": [{"code": warning, "field": "timestamp", "message": "box clock is behind"}]
        if warning else [],
        "extra": {},
    }  # fmt: skip
    return event_rows.pack_doc(doc)


EVENT_INSERT_COLUMNS = (
    "id", "natural_key", "ts", "timestamp", "out_timestamp", "received_at", "identity_id",
    "identity_name", "person_type", "score", "want_action", "ep_id", "device_id", "ep_name",
    "ep_type", "ep_ip", "dev_sno", "format", "api_version", "source_ip", "path",
    "warning_codes", "self_test", "pinned", "doc", "raw",
)  # fmt: skip
IMAGE_ENCODING = '{"prefix": "", "urlsafe": false, "padding_stripped": false}'


def generate_rows(
    n: int, *, seed: int = 7, now: int | None = None, batch_size: int = 50_000
) -> Iterator[tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]]:
    """Batches of ``(event rows, image rows)``: events as ``EVENT_INSERT_COLUMNS``,
    images as ``(event_id, kind, json_path, encoding, width, height, bytes, received_at)``."""
    rng = random.Random(seed)
    idents = _identities(rng)
    cams = _cameras()
    now = now or int(time.time() * 1000)
    start = now - 60 * DAY
    span = now - start
    types = list(PERSON_TYPE_WEIGHTS)
    weights = list(PERSON_TYPE_WEIGHTS.values())
    raw_blobs = [
        zlib.compress(
            json.dumps(
                {
                    "identity_id": f"E-{i}",
                    "spot_pic": {"__gatewatch_image__": "spot_pic"},
                    "reg_pic": {"__gatewatch_image__": "reg_pic"},
                    "score": 0.9,
                    "ep_info": {"ep_id": cams[i % 24][0]},
                    "attrs": rng.randbytes(rng.randint(250, 320)).hex(),
                    "noise": rng.random(),
                }
            ).encode(),
            6,
        )
        for i in range(500)
    ]
    doc_cache: dict[tuple[Any, ...], bytes] = {}
    enc = IMAGE_ENCODING
    # Times sorted so ids grow with time, as they do in the field (mostly).
    times = sorted(start + int(rng.random() * span) for _ in range(n))
    batch: list[tuple[Any, ...]] = []
    images: list[tuple[Any, ...]] = []
    for i, ts in enumerate(times, start=1):
        ptype = rng.choices(types, weights)[0]
        if ptype == 4:
            ident, name = f"{ts / 1000:.7f}", "stranger"
            score = round(rng.uniform(3, 9), 2)
        else:
            candidates = idents[rng.randrange(len(idents))]
            ident, name = candidates[0], candidates[1]
            score = round(rng.uniform(0.6, 0.99), 3)
        cam = cams[rng.randrange(len(cams))]
        warning = rng.choice(WARNINGS)
        key = (ident if ptype != 4 else None, cam[0], warning)
        doc = doc_cache.get(key)
        if doc is None:
            doc = _doc(name if ptype != 4 else None, key[0], cam, warning)
            if len(doc_cache) < 200_000:
                doc_cache[key] = doc
        received = ts + rng.randint(50, 900)
        batch.append((
            i, f"{i:040x}", ts, ts, ts + 150, received, ident, name, ptype,
            score, rng.choice(("0", "0", "0", "1001")), cam[0], cam[1], cam[2], "rtsp",
            "192.168.1.100", cam[3], "1.0", "1.0", "192.168.1.20",
            "/EventServer/api/RealTimeEvent", warning, 0, 0, doc, raw_blobs[i % 500],
        ))  # fmt: skip
        images.append((i, "spot_pic", '["spot_pic"]', enc, 1920, 1080, 102818, received))
        if ptype != 4:
            images.append((i, "reg_pic", '["reg_pic"]', enc, 480, 640, 15295, received))
        if len(batch) >= batch_size:
            yield batch, images
            batch, images = [], []
            print(f"  {i:,} events", file=sys.stderr, end="\r")
    if batch:
        yield batch, images


def generate(path: Path, n: int, *, seed: int = 7, now: int | None = None) -> float:
    """Write ``n`` events into a fresh database at ``path``; returns seconds taken."""
    started = time.perf_counter()
    conn = open_database(path)
    conn.execute("PRAGMA synchronous = OFF")
    sql = (
        f"INSERT INTO events ({', '.join(EVENT_INSERT_COLUMNS)})"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
    )
    img_sql = (
        "INSERT INTO images (event_id, kind, json_path, encoding, format, width, height, bytes,"
        " data, thumb) VALUES (?,?,?,?,'JPEG',?,?,?,NULL,NULL)"
    )
    for batch, images in generate_rows(n, seed=seed, now=now):
        conn.execute("BEGIN")
        conn.executemany(sql, batch)
        conn.executemany(img_sql, [img[:-1] for img in images])
        conn.execute("COMMIT")
    conn.execute("PRAGMA optimize")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return time.perf_counter() - started


def generate_pg(url: str, n: int, *, seed: int = 7, now: int | None = None) -> float:
    """The same ``n`` events into the PostgreSQL database at ``url`` (COPY); seconds taken.

    Image metadata rows carry their photo day; the photo bytes are left out as
    for SQLite (retention bounds them, not the event count).
    """
    from gui.core import pg, pg_schema

    started = time.perf_counter()
    with pg.connect(url, application_name="gatewatch-bench") as conn:
        pg_schema.migrate(conn)
        conn.execute("SET synchronous_commit = off")
        conn.execute("SET maintenance_work_mem = '256MB'")
        # A million rows go in far faster with the secondary indexes built once at the
        # end than kept up row by row (the trigram ones above all): the same indexes.
        indexes = conn.execute(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i"
            " WHERE i.schemaname = current_schema() AND i.tablename = 'events'"
            " AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)"
        ).fetchall()
        for name, _ in indexes:
            conn.execute(f'DROP INDEX "{name}"')
        for batch, images in generate_rows(n, seed=seed, now=now):
            conn.execute("BEGIN")
            conn.copy_rows("events", EVENT_INSERT_COLUMNS, batch)
            conn.copy_rows(
                "image_meta",
                ("event_id", "kind", "json_path", "encoding", "format", "width", "height",
                 "bytes", "day"),
                [(*img[:4], "JPEG", *img[4:7], pg_schema.day_of(img[7])) for img in images],
            )  # fmt: skip
            conn.execute("COMMIT")
        # Explicit ids were given: the identity goes on after them.
        conn.execute(
            "SELECT setval(pg_get_serial_sequence('events', 'id'), (SELECT max(id) FROM events))"
        )
        for _, definition in indexes:
            conn.execute(definition)
        conn.execute("VACUUM ANALYZE events")
        conn.execute("VACUUM ANALYZE image_meta")
    return time.perf_counter() - started


def _time(fn: Callable[[], Any], repeat: int = 3) -> tuple[float, Any]:
    """Best-of wall time in ms (first run warms the page cache like a second look would)."""
    best, result = float("inf"), None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        best = min(best, (time.perf_counter() - t) * 1000)
    return best, result


def _cold(fn: Callable[[], Any]) -> float:
    t = time.perf_counter()
    fn()
    return (time.perf_counter() - t) * 1000


def run(path: Path, n: int) -> list[str]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, isolation_level=None)
    conn.row_factory = sqlite3.Row
    try:
        lines = run_queries(conn, n, path.parent)
    finally:
        conn.close()
    size = path.stat().st_size
    total = n
    lines.append(
        f"Database size: {size / 2**20:.0f} MiB for {total:,} events ="
        f" {size / total:.0f} bytes per event (image metadata rows included, image bytes not)."
    )
    return lines


def run_pg(url: str, n: int) -> list[str]:
    from gui.core import pg

    with pg.connect(url, application_name="gatewatch-bench") as conn:
        lines = run_queries(conn, n, Path(tempfile.mkdtemp(prefix="gatewatch-bench-")))
        size = conn.execute("SELECT pg_database_size(current_database())").fetchone()[0]
    lines.append(
        f"Database size: {size / 2**20:.0f} MiB for {n:,} events ="
        f" {size / n:.0f} bytes per event (image metadata rows included, image bytes not)."
    )
    return lines


#: Filters the sorts are timed with: none, and broad ones (half the events and more).
def sort_filters(week: int) -> dict[str, query.EventFilter]:
    return {
        "": query.EventFilter(),
        " + type 1": query.EventFilter(person_types=(1,)),
        " + types 1,4": query.EventFilter(person_types=(1, 4)),
        " + types 1,2,3,5": query.EventFilter(person_types=(1, 2, 3, 5)),
        " + 7 days": query.EventFilter(since=week),
    }


def sort_lines(conn: Any, week: int) -> list[str]:
    """Each sort with each of ``sort_filters``: first page (cold, warm) and page 50."""
    lines = []
    for sort in ("time", "score", "name"):
        for flt_label, flt in sort_filters(week).items():
            cold = _cold(
                lambda flt=flt, sort=sort: query.fetch_page(conn, flt, limit=100, sort=sort)
            )
            first, page = _time(
                lambda flt=flt, sort=sort: query.fetch_page(conn, flt, limit=100, sort=sort)
            )
            cursor = page.next
            for _ in range(49):
                page = query.fetch_page(conn, flt, limit=100, before=cursor, sort=sort)
                cursor = page.next
            fiftieth, _ = _time(
                lambda flt=flt, sort=sort, c=cursor: query.fetch_page(
                    conn, flt, limit=100, before=c, sort=sort
                )
            )
            lines.append(f"| {sort}{flt_label} | {cold:.1f} / {first:.1f} | {fiftieth:.1f} |")
    return lines


def run_queries(conn: Any, n: int, work_dir: Path) -> list[str]:
    """The history view's queries on ``conn`` (either engine); Markdown lines of figures."""
    lines = []
    total = conn.execute("SELECT count(*) FROM events").fetchone()[0]
    lo, hi = conn.execute("SELECT min(ts), max(ts) FROM events").fetchone()
    cam = conn.execute("SELECT ep_id, dev_sno FROM events WHERE id = 1").fetchone()
    week = hi - 7 * DAY
    today = hi - DAY
    filters: dict[str, query.EventFilter] = {
        "no filter": query.EventFilter(),
        "last 7 days": query.EventFilter(since=week),
        "today": query.EventFilter(since=today),
        "person type 3": query.EventFilter(person_types=(3,)),
        "person types 3,4 + 7 days": query.EventFilter(since=week, person_types=(3, 4)),
        "device": query.EventFilter(device=cam["ep_id"]),
        "device + person type 3": query.EventFilter(device=cam["ep_id"], person_types=(3,)),
        "box + today": query.EventFilter(box=cam["dev_sno"], since=today),
        "box + type 5 + 7 days": query.EventFilter(box=cam["dev_sno"], since=week,
                                                   person_types=(5,)),
        "score 0.95-0.99": query.EventFilter(score_min=0.95, score_max=0.99),
        "score >= 8.9 (rare)": query.EventFilter(score_min=8.9),
        "score > 100 (none)": query.EventFilter(score_min=100),
        "type 3 + score >= 0.98": query.EventFilter(person_types=(3,), score_min=0.98),
        "type 2 + device + 7 days + score>=0.9": query.EventFilter(
            person_types=(2,), device=cam["ep_id"], since=week, score_min=0.9),
        "has warnings": query.EventFilter(has_warnings=True),
        "want_action 1001 + type 4": query.EventFilter(want_action="1001", person_types=(4,)),
    }  # fmt: skip
    lines.append("| filter | first page (ms, cold / warm) | count (ms) | matches |")
    lines.append("| --- | --- | --- | --- |")
    for label, flt in filters.items():
        cold = _cold(lambda flt=flt: query.fetch_page(conn, flt, limit=100))
        warm, _ = _time(lambda flt=flt: query.fetch_page(conn, flt, limit=100))
        ct, cnt = _time(lambda flt=flt: query.count(conn, flt), repeat=1)
        lines.append(f"| {label} | {cold:.1f} / {warm:.1f} | {ct:.0f} | {cnt:,} |")
    lines.append("")
    lines.append("| substring search | first page (ms, cold / warm) | count (ms) | matches |")
    lines.append("| --- | --- | --- | --- |")
    for q in ("王伟", "张", "李娜", "Smith", "E-1234", "10086", "no such name", "王伟 + 7 days"):
        flt = query.EventFilter(q=q.split(" + ")[0], since=week if "7 days" in q else None)
        cold = _cold(lambda flt=flt: query.fetch_page(conn, flt, limit=100))
        warm, _ = _time(lambda flt=flt: query.fetch_page(conn, flt, limit=100))
        ct, cnt = _time(lambda flt=flt: query.count(conn, flt), repeat=1)
        lines.append(f"| `{q}` | {cold:.1f} / {warm:.1f} | {ct:.0f} | {cnt:,} |")
    lines.append("")
    lines.append("| sort | first page (ms, cold / warm) | page 50 via cursor (ms) |")
    lines.append("| --- | --- | --- |")
    lines.extend(sort_lines(conn, week))
    lines.append("")
    # Scrolling to the end: every page of the unfiltered list via cursors.
    times: list[float] = []
    cursor = None
    rows = 0
    t0 = time.perf_counter()
    while True:
        t = time.perf_counter()
        page = query.fetch_page(conn, query.EventFilter(), limit=200, before=cursor)
        times.append((time.perf_counter() - t) * 1000)
        rows += len(page.events)
        cursor = page.next
        if cursor is None:
            break
    walk = time.perf_counter() - t0
    times.sort()
    lines.append(
        f"Scrolling all {rows:,} rows in pages of 200 through the cursor: {len(times):,} pages"
        f" in {walk:.1f} s; per page median {statistics.median(times):.1f} ms,"
        f" p99 {times[int(len(times) * 0.99)]:.1f} ms, max {times[-1]:.1f} ms."
    )
    st, result = _time(lambda: stats.compute(conn, since=week, until=hi, bucket="hour"), repeat=1)
    # the longest range the Statistics tab offers (longer ones are a 400)
    since = max(lo, hi - 90 * 86_400_000)
    sd, _ = _time(lambda: stats.compute(conn, since=since, until=hi, bucket="day"), repeat=1)
    lines.append(
        f"Statistics: 7 days by hour {st:.0f} ms ({len(result.buckets)} buckets),"
        f" all {n:,} events by day {sd:.0f} ms."
    )
    # Export: the newest ~100,000 events to CSV, as the history view's dialog would.
    out = work_dir / "bench-export.csv"
    since = conn.execute(
        "SELECT ts FROM events ORDER BY ts DESC LIMIT 1 OFFSET ?", (min(99_999, total - 1),)
    ).fetchone()[0]
    result = export.export_events(conn, query.EventFilter(since=since), out, "csv")
    lines.append(
        f"Export: {result.events:,} events to CSV in {result.seconds:.1f} s"
        f" ({result.events / result.seconds:,.0f} events/s, {out.stat().st_size / 2**20:.0f} MiB)."
    )
    out.unlink()
    lines.append(f"{total:,} events.")
    return lines


def run_retention(path: Path, keep_days: int = 50) -> list[str]:
    """Delete the oldest events (10 of the 60 days: about 160,000) with writes going on."""
    import asyncio
    import threading

    from gui.core import retention
    from gui.core.store import Store

    store = Store(path.parent)
    try:
        newest = store.reader().execute("SELECT max(received_at) FROM events").fetchone()[0]
        policy = retention.Policy(keep_days, 0, max_data_bytes=2**50, min_free_bytes=0)
        ret = retention.Retention(store, policy, now_ms=lambda: newest)
        stop = threading.Event()
        latencies: list[float] = []

        def writer_probe() -> None:
            # A stand-in for ingest: a small write every 20 ms; how long does it wait?
            while not stop.is_set():
                t = time.perf_counter()
                store.write_sync(lambda c: c.execute("PRAGMA user_version").fetchone())
                latencies.append((time.perf_counter() - t) * 1000)
                time.sleep(0.02)

        probe = threading.Thread(target=writer_probe)
        probe.start()
        try:
            report = asyncio.run(ret.run_once())
            t = time.perf_counter()
            vacuumed = asyncio.run(ret._vacuum(30))
            vacuum_s = time.perf_counter() - t
        finally:
            stop.set()
            probe.join()
        latencies.sort()
        return [
            f"Retention: deleted {report.events_deleted:,} events in {report.seconds:.0f} s;"
            " longest single"
            f" writer job {ret._rows.longest * 1000:.0f} ms (deletes),"
            f" {ret._pages.longest * 1000:.0f} ms (incremental vacuum, {vacuumed:,} pages in"
            f" {vacuum_s:.0f} s). A write issued every"
            f" 20 ms meanwhile waited median {statistics.median(latencies):.0f} ms,"
            f" max {latencies[-1]:.0f} ms (includes its own fsync)."
        ]
    finally:
        store.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--db", type=Path, help="reuse or create this database file")
    parser.add_argument(
        "--pg",
        metavar="URL",
        help="PostgreSQL instead: postgresql://user@host/db (filled when it has no events)",
    )
    parser.add_argument(
        "--retention", action="store_true", help="finally run retention on it (deletes rows)"
    )
    parser.add_argument(
        "--sorts-only", action="store_true", help="only the sorts (score/name with broad filters)"
    )
    args = parser.parse_args(argv)
    if args.pg:
        from gui.core import pg, pg_schema

        with pg.connect(args.pg) as conn:
            pg_schema.migrate(conn)
            have = conn.execute("SELECT count(*) FROM events").fetchone()[0]
        if not have:
            secs = generate_pg(args.pg, args.events)
            print(
                f"generated {args.events:,} events in {secs:.0f} s into PostgreSQL", file=sys.stderr
            )
        for line in run_pg(args.pg, have or args.events):
            print(line)
        return 0
    path = args.db or Path(tempfile.mkdtemp(prefix="gatewatch-bench-")) / "gatewatch.sqlite3"
    if not path.exists():
        secs = generate(path, args.events)
        print(f"generated {args.events:,} events in {secs:.0f} s into {path}", file=sys.stderr)
    if args.sorts_only:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, isolation_level=None)
        conn.row_factory = sqlite3.Row
        hi = conn.execute("SELECT max(ts) FROM events").fetchone()[0]
        print("| sort | first page (ms, cold / warm) | page 50 via cursor (ms) |")
        print("| --- | --- | --- |")
        for line in sort_lines(conn, hi - 7 * DAY):
            print(line)
        conn.close()
        return 0
    for line in run(path, args.events):
        print(line)
    if args.retention:
        for line in run_retention(path):
            print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
