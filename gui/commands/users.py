"""``gatewatch users``: the named users whose tokens open the API to other PCs.

Users live in the database, so this works beside a running receiver, and on a
shared PostgreSQL store (``--store``, ``GATEWATCH_STORE`` or the ``store``
setting, as the receivers use) for every receiver at once. ``add`` prints the token on stdout,
once: only its hash is kept. Exit codes: 0 done, 1 no such user / exists
already / bad name, 2 a database from a newer Gatewatch.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from gui import preflight, settings
from gui.cli import STORE_ENV, SUBCOMMANDS
from gui.core import schema, users
from gui.core.dbapi import is_postgresql_url, redact_url
from gui.core.store import DB_FILENAME, open_database, open_store, store_location_problem

T = TypeVar("T")


def configure(p: argparse.ArgumentParser) -> None:
    p.description = (
        "Named users of the API: each gets a token (shown once) that a window or script on "
        "another PC sends; acknowledgements record the user. Removing a user revokes its "
        "token at once, also in running receivers."
    )
    p.add_argument(
        "--data-dir", type=Path, default=argparse.SUPPRESS, help="data dir (default: settings)"
    )
    p.add_argument(
        "--store",
        metavar="LOCATION",
        default=argparse.SUPPRESS,
        help="postgresql://user@host/db of a shared store (default: $GATEWATCH_STORE, the "
        "settings, else SQLite in the data dir)",
    )
    sub = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = sub.add_parser("add", help="add a user and print its token (once)")
    add.add_argument("name")
    sub.add_parser("list", help="the users and when they were added")
    remove = sub.add_parser("remove", help="remove a user: its token stops working at once")
    remove.add_argument("name")


class _Done(Exception):
    """Stop with this exit code (the reason was printed)."""

    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


def _say(text: str) -> None:
    print(f"gatewatch users: {text}", file=sys.stderr)


def _location(args: argparse.Namespace, current: settings.Settings) -> str:
    return str(getattr(args, "store", None) or os.environ.get(STORE_ENV) or current.store or "")


def _in_sqlite(db: Path, job: Callable[[Any], T]) -> T:
    try:
        conn = open_database(db)
    except schema.NewerDatabase as exc:
        _say(preflight.newer_database_message(db, exc.found, exc.understood))
        raise _Done(preflight.EXIT_REFUSED) from None
    except (OSError, sqlite3.Error) as exc:
        _say(f"cannot open the database {db}: {exc}")
        raise _Done(1) from None
    try:
        return job(conn)
    finally:
        conn.close()


def _in_store(data_dir: Path, location: str, job: Callable[[Any], T]) -> T:
    """``job`` in one transaction of the shared store (PostgreSQL)."""
    try:
        store = open_store(data_dir, location)
    except ValueError as exc:
        _say(str(exc))
        raise _Done(2) from None
    except Exception as exc:  # cannot connect, newer schema, ...: one line
        _say(f"cannot open the store {redact_url(location)}: {exc}")
        raise _Done(1) from None
    try:
        return store.write_sync(job)
    finally:
        store.close()


def run(args: argparse.Namespace) -> int:
    current = settings.load()
    data_dir = Path(getattr(args, "data_dir", None) or current.resolved_data_dir())
    location = _location(args, current)

    def on_store(job: Callable[[Any], T]) -> T:
        if is_postgresql_url(location):
            return _in_store(data_dir, location, job)
        problem = store_location_problem(location)
        if problem:
            _say(problem)
            raise _Done(2)
        return _in_sqlite(data_dir / DB_FILENAME, job)

    try:
        if args.action == "add":
            name = users.clean_name(args.name)
            token = on_store(lambda conn: users.add_user(conn, name))
            print(
                f"user {name!r} added; its token follows, shown this once (only a hash is kept):",
                file=sys.stderr,
            )
            print(token, flush=True)
        elif args.action == "remove":
            on_store(lambda conn: users.remove_user(conn, args.name))
            print(f"user {args.name.strip()!r} removed: its token no longer works")
        else:
            found = on_store(users.list_users)
            if not found:
                print("no users (`gatewatch users add NAME` makes one)")
            for user in found:
                added = datetime.fromtimestamp(user.created_at / 1000).strftime("%Y-%m-%d %H:%M")
                print(f"{user.name}\tadded {added}")
    except users.UserError as exc:
        _say(str(exc))
        return 1
    except _Done as done:
        return done.code
    return 0


SUBCOMMANDS["users"] = (configure, run)
