"""Bytes per stored event, with and without photos, measured on a real SQLite database.

    ./dev.sh bench sizing                 # ingest the samples into a scratch database
    ./dev.sh bench sizing --db PATH       # also measure an existing gatewatch.sqlite3 (read-only)
    ./dev.sh bench sizing --pg URL        # also the same events in PostgreSQL (a scratch
                                          # database is created on that server and dropped)

Ingests the repo's sample events (assets/samples: real JPEGs, as boxes send
them) N times each through the real ingest path into a fresh database, then
measures the file and each part (photos, thumbnails, face thumbnails, event
rows with their raw JSON and indexes); then drops the full photos as retention
does (``keep_photos_days``), vacuums, and measures again. Prints JSON lines.
Deterministic: sizes, not times.
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import http.client
import json
import sqlite3
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from gui.core.receiver import Receiver, ReceiverConfig, ReceiverThread
from gui.core.store import DB_FILENAME, open_database
from gui.resources import asset_path

SAMPLES = ("employee_match", "stranger", "blacklist")


def _sample(name: str) -> dict[str, Any]:
    return json.loads(asset_path("samples", f"{name}.json").read_text(encoding="utf-8"))


def _post(port: int, event: dict[str, Any]) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(
            "POST", "/EventServer/api/RealTimeEvent", json.dumps(event).encode(),
            {"Content-Type": "application/json"},
        )  # fmt: skip
        reply = conn.getresponse()
        reply.read()
        if reply.status != 200:
            raise RuntimeError(f"the receiver answered {reply.status}")
    finally:
        conn.close()


def _wait_for_thumbnails(db: Path, timeout: float = 120.0) -> None:
    """Per-image thumbnails are made after the reply: wait until every image has one."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        try:
            missing = conn.execute("SELECT count(*) FROM images WHERE thumb IS NULL").fetchone()[0]
        finally:
            conn.close()
        if missing == 0:
            return
        time.sleep(0.2)
    raise TimeoutError("thumbnails not made in time")


def _parts(conn: sqlite3.Connection) -> dict[str, int]:
    one = lambda sql: int(conn.execute(sql).fetchone()[0] or 0)  # noqa: E731
    return {
        "events": one("SELECT count(*) FROM events"),
        "photo_bytes": one("SELECT sum(length(data)) FROM images"),
        "thumb_bytes": one("SELECT sum(length(thumb)) FROM images"),
        "face_thumb_bytes": one("SELECT sum(length(data)) FROM face_thumbs"),
        "raw_json_bytes": one("SELECT sum(length(raw)) FROM events"),
        "doc_bytes": one("SELECT sum(length(doc)) FROM events"),
    }


def _file_bytes(conn: sqlite3.Connection) -> int:
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    free = conn.execute("PRAGMA freelist_count").fetchone()[0]
    size = conn.execute("PRAGMA page_size").fetchone()[0]
    return int((pages - free) * size)


def measure_scratch(per_sample: int) -> dict[str, Any]:
    bodies = {name: len(json.dumps(_sample(name)).encode()) for name in SAMPLES}
    with tempfile.TemporaryDirectory(prefix="gatewatch-sizing-") as tmp:
        data_dir = Path(tmp)
        with contextlib.closing(open_database(data_dir / "empty.sqlite3")) as conn:
            empty = _file_bytes(conn)
        # the real receiver (ingest, thumbnails after the reply), as boxes reach it
        rec = Receiver(ReceiverConfig(data_dir=data_dir, port=0, bind="127.0.0.1"))
        thread = ReceiverThread(rec)
        thread.start()
        try:
            assert rec.port is not None
            at = 1_764_000_000_000
            for n in range(per_sample):
                for i, name in enumerate(SAMPLES):
                    ev = copy.deepcopy(_sample(name))
                    ev["timestamp"] = at + n * 1000 + i  # a new natural key each time
                    ev.pop("out_timestamp", None)
                    _post(rec.port, ev)
            _wait_for_thumbnails(data_dir / DB_FILENAME)
        finally:
            thread.stop()
        conn = open_database(data_dir / DB_FILENAME)
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        parts = _parts(conn)
        with_photos = _file_bytes(conn) - empty
        # what retention leaves once photos are older than keep_photos_days
        conn.execute("UPDATE images SET data = NULL")
        conn.execute("VACUUM")
        without_photos = _file_bytes(conn) - empty
        conn.close()
    count = parts["events"]
    return {
        "what": "scratch database, samples posted to a real receiver",
        "events": count,
        "sample_body_bytes": bodies,
        "stored_bytes_per_event_with_photos": round(with_photos / count),
        "stored_bytes_per_event_without_photos": round(without_photos / count),
        "photo_bytes_per_event": round(parts["photo_bytes"] / count),
        "thumb_bytes_per_event": round(parts["thumb_bytes"] / count),
        "face_thumb_bytes_per_event": round(parts["face_thumb_bytes"] / count),
        "raw_json_bytes_per_event": round(parts["raw_json_bytes"] / count),
        "doc_bytes_per_event": round(parts["doc_bytes"] / count),
    }


def _post_samples(port: int, per_sample: int) -> None:
    at = 1_764_000_000_000
    for n in range(per_sample):
        for i, name in enumerate(SAMPLES):
            ev = copy.deepcopy(_sample(name))
            ev["timestamp"] = at + n * 1000 + i  # a new natural key each time
            ev.pop("out_timestamp", None)
            _post(port, ev)


def measure_postgresql(per_sample: int, server_url: str) -> dict[str, Any]:
    """The same events through a receiver on PostgreSQL: relation sizes with and without photos.

    Photos live in the day partitions of ``photos`` (retention drops whole
    partitions), so "without photos" is everything but those partitions.
    """
    import secrets
    from urllib.parse import urlsplit, urlunsplit

    import psycopg

    from gui.core.store import open_store

    name = f"gatewatch_sizing_{secrets.token_hex(4)}"
    with psycopg.connect(server_url, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    parts = urlsplit(server_url)
    url = urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))
    try:
        with tempfile.TemporaryDirectory(prefix="gatewatch-sizing-pg-") as tmp:
            store = open_store(Path(tmp), url)
            rec = Receiver(
                ReceiverConfig(data_dir=Path(tmp), port=0, bind="127.0.0.1"), store=store
            )
            thread = ReceiverThread(rec)
            thread.start()
            try:
                assert rec.port is not None
                _post_samples(rec.port, per_sample)
                deadline = time.monotonic() + 120
                while time.monotonic() < deadline:
                    missing = store.read_sync(
                        lambda c: c.execute(
                            "SELECT count(*) FROM images WHERE thumb IS NULL"
                        ).fetchone()[0]
                    )
                    if missing == 0:
                        break
                    time.sleep(0.2)
            finally:
                thread.stop()
                store.close()
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("VACUUM ANALYZE")
            rows = conn.execute(
                "SELECT c.relname, pg_total_relation_size(c.oid) FROM pg_class c"
                " JOIN pg_namespace n ON n.oid = c.relnamespace"
                " WHERE n.nspname = 'public' AND c.relkind IN ('r', 'm')"
            ).fetchall()
            count = conn.execute("SELECT count(*) FROM events").fetchone()[0]
    finally:
        with psycopg.connect(server_url, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    sizes = {str(r[0]): int(r[1]) for r in rows}
    photos = sum(v for k, v in sizes.items() if k.startswith("photos"))
    total = sum(sizes.values())
    # an empty schema's own pages (indexes, catalogue-free tables) are not the events'
    top = sorted(sizes.items(), key=lambda kv: -kv[1])[:6]
    return {
        "what": "PostgreSQL database, samples posted to a real receiver",
        "events": count,
        "stored_bytes_per_event_with_photos": round(total / count),
        "stored_bytes_per_event_without_photos": round((total - photos) / count),
        "largest_relations_bytes": dict(top),
    }


def measure_existing(path: Path) -> dict[str, Any]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        parts = _parts(conn)
        photos_kept = int(
            conn.execute(
                "SELECT count(DISTINCT event_id) FROM images WHERE data IS NOT NULL"
            ).fetchone()[0]
        )
        used = _file_bytes(conn)
    finally:
        conn.close()
    count = max(1, parts["events"])
    return {
        "what": f"existing database {path}",
        "events": parts["events"],
        "events_with_photos": photos_kept,
        "file_bytes_used": used,
        "bytes_per_event": round(used / count),
        "photo_bytes_per_event_with_photos": round(parts["photo_bytes"] / max(1, photos_kept)),
        "non_photo_bytes_per_event": round((used - parts["photo_bytes"]) / count),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--per-sample", type=int, default=100, help="copies of each sample")
    parser.add_argument("--db", type=Path, help="also measure this database (read-only)")
    parser.add_argument(
        "--pg",
        metavar="URL",
        nargs="?",
        const="",
        help="also measure on PostgreSQL: this server, or (no URL) a throwaway cluster",
    )
    args = parser.parse_args(argv)
    print(json.dumps(measure_scratch(args.per_sample)))
    if args.pg is not None:
        from bench.pg_ingest_bench import start_cluster, stop_cluster

        url, folder = (args.pg, "") if args.pg else start_cluster()
        try:
            print(json.dumps(measure_postgresql(args.per_sample, url)))
        finally:
            if folder:
                stop_cluster(folder)
    if args.db:
        print(json.dumps(measure_existing(args.db)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
