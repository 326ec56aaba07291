"""This PC's database as files in a data folder: their size, and the schema upgrade.

For the desktop's start-up (upgrade with a visible backup) and About dialog,
which must not know the database's file name or its migrations. Each call
touches the disk: run it off the GUI thread.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path

from gui.core import schema
from gui.core.store import DB_FILENAME, open_database

__all__ = ["database_bytes", "database_path", "needs_upgrade", "upgrade"]


def database_path(data_dir: Path | str) -> Path:
    """The database file of a data folder."""
    return Path(data_dir) / DB_FILENAME


def database_bytes(data_dir: Path | str) -> int:
    """Bytes on disk of the database, its WAL and shared-memory files (0 when absent)."""
    total = 0
    for suffix in ("", "-wal", "-shm"):
        with contextlib.suppress(OSError):
            total += Path(f"{database_path(data_dir)}{suffix}").stat().st_size
    return total


def needs_upgrade(db_path: Path) -> bool:
    """An existing database older than this program's schema (opening it migrates it)."""
    return schema.needs_upgrade(db_path)


def upgrade(data_dir: Path | str, progress: Callable[[int, int], None] | None = None) -> None:
    """Back up and migrate the folder's database; ``progress(done, total)`` during the backup."""
    open_database(database_path(data_dir), backup_progress=progress).close()
