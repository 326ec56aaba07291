"""``gatewatch export``: a filter's events to CSV or JSON Lines, photos optional.

Reads through a read-only connection, so it works while the app is running
(WAL: the running receiver keeps writing, the export sees a consistent batch
at a time).
"""

from __future__ import annotations

import argparse
import sys
import threading
from pathlib import Path
from typing import Any

from gui import preflight, settings
from gui.cli import SUBCOMMANDS
from gui.core import export, query, schema
from gui.core.store import DB_FILENAME, connect


def configure(p: argparse.ArgumentParser) -> None:
    p.description = "Export stored events (newest first) for scripts and spreadsheets."
    p.add_argument("--format", choices=export.FORMATS, default="csv")
    p.add_argument("--out", type=Path, required=True, help="file to write (replaced atomically)")
    p.add_argument(
        "--images", type=Path, help="also write the original photos to this folder (or .zip)"
    )
    p.add_argument("--since", type=int, help="event time from, ms since the epoch (inclusive)")
    p.add_argument("--until", type=int, help="event time to, ms since the epoch (inclusive)")
    p.add_argument(
        "--person-type", action="append", metavar="N", help="1-5, repeatable or comma separated"
    )
    p.add_argument("--device", help="camera ep_id or device_id")
    p.add_argument("--box", help="box serial number")
    p.add_argument("--q", help="substring of the name or id")
    p.add_argument(
        "--data-dir", type=Path, default=argparse.SUPPRESS, help="data dir (default: settings)"
    )
    p.add_argument(
        "--store",
        metavar="URL",
        help="export from this PostgreSQL database (default: $GATEWATCH_STORE, the setting,"
        " else the data dir's SQLite)",
    )
    p.add_argument("--quiet", action="store_true", help="no progress on stderr")


def build_filter(args: argparse.Namespace) -> query.EventFilter:
    types = query.parse_person_types(",".join(args.person_type or []), "--person-type")
    return query.EventFilter(
        since=args.since,
        until=args.until,
        person_types=types,
        device=args.device or None,
        box=getattr(args, "box", None) or None,
        q=args.q or None,
    )


def _store_url(args: argparse.Namespace) -> str | None:
    """The PostgreSQL store to export from (``--store``, ``GATEWATCH_STORE``, the setting)."""
    import os

    from gui.cli import STORE_ENV
    from gui.core.dbapi import is_postgresql_url

    url = getattr(args, "store", None) or os.environ.get(STORE_ENV) or settings.load().store
    return url if is_postgresql_url(url) else None


def run(args: argparse.Namespace) -> int:
    try:
        flt = build_filter(args)
    except query.BadQuery as exc:
        print(f"gatewatch export: {exc}", file=sys.stderr)
        return 2
    url = _store_url(args)
    if url is not None:
        return _export_postgresql(url, flt, args)
    data_dir = getattr(args, "data_dir", None) or settings.load().resolved_data_dir()
    db = Path(data_dir) / DB_FILENAME
    if not db.exists():
        print(f"gatewatch export: no database at {db}", file=sys.stderr)
        return 1
    conn = connect(db, readonly=True)
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version > schema.SCHEMA_VERSION:
            print(
                "gatewatch export: "
                + preflight.newer_database_message(db, version, schema.SCHEMA_VERSION),
                file=sys.stderr,
            )
            return preflight.EXIT_REFUSED
        if version < schema.SCHEMA_VERSION:
            print(
                f"gatewatch export: the database is schema v{version}; start this Gatewatch"
                " version once to upgrade it",
                file=sys.stderr,
            )
            return 1
        return _export(conn, flt, args)
    finally:
        conn.close()


def _export_postgresql(url: str, flt: query.EventFilter, args: argparse.Namespace) -> int:
    from gui.core import pg, pg_schema
    from gui.core.dbapi import redact_url

    try:
        conn = pg.connect(url, application_name="gatewatch-export")
    except Exception as exc:  # server down, wrong password: one line
        print(f"gatewatch export: cannot open {redact_url(url)}: {exc}", file=sys.stderr)
        return 1
    try:
        version = pg_schema.current_version(conn)
        if version != pg_schema.SCHEMA_VERSION:
            print(
                f"gatewatch export: the database at {redact_url(url)} is schema v{version},"
                f" this Gatewatch reads v{pg_schema.SCHEMA_VERSION}: use the Gatewatch that"
                " its receivers run",
                file=sys.stderr,
            )
            return 1
        return _export(conn, flt, args)
    finally:
        conn.close()


def _export(conn: Any, flt: query.EventFilter, args: argparse.Namespace) -> int:
    show = not args.quiet and sys.stderr is not None and sys.stderr.isatty()

    def progress(done: int, total: int) -> None:
        if show:
            print(f"\r{done:,} / {total:,} events", end="", file=sys.stderr, flush=True)

    cancel = threading.Event()
    try:
        result = export.export_events(
            conn, flt, args.out, args.format, images=args.images, progress=progress,
            cancel=cancel,
        )  # fmt: skip
    except KeyboardInterrupt:
        print("\ngatewatch export: cancelled, nothing written", file=sys.stderr)
        return 130
    if show:
        print(file=sys.stderr)
    extra = f" and {result.images:,} photos to {result.images_path}" if args.images else ""
    print(f"exported {result.events:,} events to {result.path}{extra} in {result.seconds:.1f} s")
    return 0


SUBCOMMANDS["export"] = (configure, run)
