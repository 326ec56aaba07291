"""``gatewatch users``: the named users whose tokens open the API to other PCs.

Users live in the database, so this works beside a running receiver (and, on a
shared store, for every receiver at once). ``add`` prints the token on stdout,
once: only its hash is kept. Exit codes: 0 done, 1 no such user / exists
already / bad name, 2 a database from a newer Gatewatch.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
from datetime import datetime
from pathlib import Path

from gui import preflight, settings
from gui.cli import SUBCOMMANDS
from gui.core import schema, users
from gui.core.store import DB_FILENAME, open_database


def configure(p: argparse.ArgumentParser) -> None:
    p.description = (
        "Named users of the API: each gets a token (shown once) that a window or script on "
        "another PC sends; acknowledgements record the user. Removing a user revokes its "
        "token at once, also in running receivers."
    )
    p.add_argument(
        "--data-dir", type=Path, default=argparse.SUPPRESS, help="data dir (default: settings)"
    )
    sub = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = sub.add_parser("add", help="add a user and print its token (once)")
    add.add_argument("name")
    sub.add_parser("list", help="the users and when they were added")
    remove = sub.add_parser("remove", help="remove a user: its token stops working at once")
    remove.add_argument("name")


def _open(args: argparse.Namespace) -> sqlite3.Connection | int:
    data_dir = getattr(args, "data_dir", None) or settings.load().resolved_data_dir()
    db = Path(data_dir) / DB_FILENAME
    try:
        return open_database(db)
    except schema.NewerDatabase as exc:
        print(
            "gatewatch users: " + preflight.newer_database_message(db, exc.found, exc.understood),
            file=sys.stderr,
        )
        return preflight.EXIT_REFUSED
    except (OSError, sqlite3.Error) as exc:
        print(f"gatewatch users: cannot open the database {db}: {exc}", file=sys.stderr)
        return 1


def run(args: argparse.Namespace) -> int:
    conn = _open(args)
    if isinstance(conn, int):
        return conn
    try:
        if args.action == "add":
            token = users.add_user(conn, args.name)
            name = users.clean_name(args.name)
            print(
                f"user {name!r} added; its token follows, shown this once (only a hash is kept):",
                file=sys.stderr,
            )
            print(token, flush=True)
        elif args.action == "remove":
            users.remove_user(conn, args.name)
            print(f"user {args.name.strip()!r} removed: its token no longer works")
        else:
            found = users.list_users(conn)
            if not found:
                print("no users (`gatewatch users add NAME` makes one)")
            for user in found:
                added = datetime.fromtimestamp(user.created_at / 1000).strftime("%Y-%m-%d %H:%M")
                print(f"{user.name}\tadded {added}")
    except users.UserError as exc:
        print(f"gatewatch users: {exc}", file=sys.stderr)
        return 1
    finally:
        conn.close()
    return 0


SUBCOMMANDS["users"] = (configure, run)
