"""``gatewatch migrate --to postgresql://...``: copy this PC's history into PostgreSQL.

Events with their photos, alarms with their acknowledgements, and the device
registry (``gui.core.pg_migrate``). Safe to interrupt and to run again: a
second run resumes after the last copied batch and copies nothing twice.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from gui import settings
from gui.cli import SUBCOMMANDS
from gui.core.store import DB_FILENAME


def configure(p: argparse.ArgumentParser) -> None:
    p.description = (
        "Copy this PC's database (events, photos, alarms and acknowledgements, devices)"
        " into a PostgreSQL database. Resumable: run it again after an interruption."
    )
    p.add_argument(
        "--to", required=True, metavar="URL", help="postgresql://user[:password]@host[:port]/db"
    )
    p.add_argument(
        "--data-dir", type=Path, default=argparse.SUPPRESS, help="data dir (default: settings)"
    )
    p.add_argument("--batch", type=int, default=200, help="events per transaction (default 200)")
    p.add_argument("--quiet", action="store_true", help="no progress on stderr")


def run(args: argparse.Namespace) -> int:
    from gui.core import pg_migrate

    url = str(args.to)
    if not url.startswith(("postgresql://", "postgres://")):
        print("gatewatch migrate: --to takes a postgresql://user@host/db URL", file=sys.stderr)
        return 2
    if args.batch < 1:
        print("gatewatch migrate: --batch must be at least 1", file=sys.stderr)
        return 2
    data_dir = getattr(args, "data_dir", None) or settings.load().resolved_data_dir()
    source = Path(data_dir) / DB_FILENAME
    show = not args.quiet and sys.stderr is not None
    tty = show and sys.stderr.isatty()
    last_shown = [-1]

    def progress(stage: str, done: int, total: int) -> None:
        if not show:
            return
        pct = 100 * done // total if total else 100
        if tty:
            end = "\n" if done >= total else ""
            print(f"\r{stage}: {done:,} / {total:,} ({pct}%)", end=end, file=sys.stderr, flush=True)
        elif pct // 10 != last_shown[0] or done >= total:  # a log file: every 10 %
            last_shown[0] = pct // 10
            print(f"{stage}: {done:,} / {total:,} ({pct}%)", file=sys.stderr, flush=True)

    try:
        report = pg_migrate.migrate(source, url, batch=args.batch, progress=progress)
    except pg_migrate.MigrationError as exc:
        print(f"gatewatch migrate: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(
            "\ngatewatch migrate: interrupted; what was copied is kept, run the same command"
            " again to go on",
            file=sys.stderr,
        )
        return 130
    except Exception as exc:  # the database refused or went away: one line, not a traceback
        from gui.core.dbapi import redact_url

        print(f"gatewatch migrate: cannot copy to {redact_url(url)}: {exc}", file=sys.stderr)
        return 1
    resumed = f" (resumed after event {report.resumed_after})" if report.resumed_after else ""
    print(
        f"copied {report.events_copied:,} events ({report.events_present:,} were there already)"
        f" with {report.photos_copied:,} photos, {report.alarms_copied:,} alarms"
        f" ({report.alarms_updated:,} updated), {report.devices_copied:,} device rows,"
        f" {report.users_copied:,} users, {report.requests_copied:,} logged requests"
        f" in {report.seconds:.1f} s{resumed}"
    )
    return 0


SUBCOMMANDS["migrate"] = (configure, run)
