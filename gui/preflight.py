"""Checks before a receiver starts, each answering with one line a user can act on.

Both modes run them (``--headless`` prints the line and exits, the desktop app
shows it in a dialog): a database written by a newer Gatewatch, a data folder
another Gatewatch holds (``gui.folder_lock``), no display for a window. No
traceback reaches the user from any of them.

Qt-free: it runs before the QApplication exists (Qt aborts the whole process
when it cannot reach a display).
"""

from __future__ import annotations

import os
import sqlite3
import sys
from collections.abc import Mapping
from pathlib import Path

from gui import __version__

#: Exit codes, documented in the README's command-line section.
EXIT_REFUSED = 2  # newer database (the port-in-use code too)
EXIT_FOLDER_IN_USE = 3
EXIT_NO_DISPLAY = 4
EXIT_DATA_DIR = 5
EXIT_TLS = 6  # the TLS certificate or key cannot be used
EXIT_STORE = 7  # the PostgreSQL store cannot be opened (server down, no such database)


def tls_problem(cert: str, key: str) -> str | None:
    """Why ``--tls-cert``/``--tls-key`` cannot be used, or None (also None when TLS is off)."""
    if not cert:
        return "--tls-key needs --tls-cert (the certificate to go with it)" if key else None
    from gui.core.tls import TlsConfigError, server_context

    try:
        server_context(cert, key or None)
    except TlsConfigError as exc:
        return str(exc)
    return None


def stored_schema_version(db_path: Path) -> int | None:
    """The database's schema version, read without changing anything (None: no database)."""
    if not db_path.exists() or db_path.stat().st_size == 0:
        return None
    try:
        conn = sqlite3.connect(f"{db_path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            return int(conn.execute("PRAGMA user_version").fetchone()[0])
        finally:
            conn.close()
    except sqlite3.Error:
        return None  # not a database: the store says so when it opens it


def newer_database(data_dir: Path) -> str | None:
    """Why the database cannot be used by this version, or None when it can."""
    from gui.core import schema
    from gui.core.store import DB_FILENAME

    db_path = Path(data_dir) / DB_FILENAME
    found = stored_schema_version(db_path)
    if found is None or found <= schema.SCHEMA_VERSION:
        return None
    return newer_database_message(db_path, found, schema.SCHEMA_VERSION)


def newer_database_message(db_path: Path, found: int, understood: int) -> str:
    return (
        f"the database {db_path} was written by a newer Gatewatch (schema v{found}; "
        f"this Gatewatch {__version__} knows up to v{understood}) and is left untouched: "
        "install the newer Gatewatch, or start this one with another --data-dir"
    )


def no_display(
    environ: Mapping[str, str] | None = None,
    platform: str | None = None,
    x11_socket_dir: Path = Path("/tmp/.X11-unix"),
) -> str | None:
    """Why a window cannot open here, or None when it (probably) can.

    Linux and the BSDs only: Windows and macOS always have their own display.
    A ``DISPLAY`` naming a local X server whose socket is missing counts as
    none (an SSH session that lost its forwarding, a stopped Xvfb).
    """
    env = os.environ if environ is None else environ
    platform = platform or sys.platform
    if platform.startswith(("win", "darwin")):
        return None
    qpa = env.get("QT_QPA_PLATFORM", "")
    if qpa and not qpa.startswith(("xcb", "wayland")):
        return None  # offscreen, vnc, eglfs...: Qt needs no display server
    display = env.get("DISPLAY", "")
    if env.get("WAYLAND_DISPLAY"):
        return None
    if display:
        host, _, rest = display.rpartition(":")
        number = rest.split(".")[0]
        local = host in ("", "unix")
        if not local or not number.isdigit() or _x_server_answers(x11_socket_dir, number):
            return None
        why = f"DISPLAY={display} names no running X server"
    else:
        why = "no display (DISPLAY is not set)"
    return (
        f"{why}: run the receiver without a window with `gatewatch --headless`, "
        "or the window on a virtual screen with `xvfb-run gatewatch`"
    )


def _x_server_answers(socket_dir: Path, number: str) -> bool:
    path = socket_dir / f"X{number}"
    if path.exists():
        return True
    import socket

    # Linux X servers also listen on an abstract socket (seen in containers without the file).
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(0.5)
            sock.connect(f"\0{path}")
        return True
    except (OSError, AttributeError):
        return False


def say(line: str) -> None:
    """The one line, on stderr when there is one (a windowed build has none)."""
    if sys.stderr is not None:
        print(f"gatewatch: {line}", file=sys.stderr, flush=True)
