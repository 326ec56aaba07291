"""Logging to rotating files in the data dir, and to stderr when there is one.

A windowed build has no stdout, so the file is the only record; a hard crash
(segfault in a native library) leaves a faulthandler dump beside it.
"""

from __future__ import annotations

import atexit
import contextlib
import faulthandler
import logging
import logging.handlers
import sys
from pathlib import Path
from typing import IO

LOG_DIRNAME = "logs"
CRASH_DUMP = "crash-dump.txt"
_fault_file: IO[str] | None = None


def log_dir(data_dir: Path) -> Path:
    return Path(data_dir) / LOG_DIRNAME


def setup(data_dir: Path, level: str = "INFO", *, to_stderr: bool = True) -> Path:
    """Configure the root logger; returns the log folder."""
    global _fault_file
    folder = log_dir(data_dir)
    folder.mkdir(parents=True, exist_ok=True)
    root = logging.getLogger()
    root.setLevel(getattr(logging, str(level).upper(), logging.INFO))
    for handler in list(root.handlers):
        if getattr(handler, "_gatewatch", False):
            root.removeHandler(handler)
            handler.close()
    fmt = logging.Formatter("%(asctime)s %(levelname)-7s %(name)s: %(message)s")
    file_handler = logging.handlers.RotatingFileHandler(
        folder / "gatewatch.log", maxBytes=5 * 1024 * 1024, backupCount=5, encoding="utf-8"
    )
    file_handler.setFormatter(fmt)
    file_handler._gatewatch = True  # type: ignore[attr-defined]
    root.addHandler(file_handler)
    if to_stderr and sys.stderr is not None:
        stream = logging.StreamHandler(sys.stderr)
        stream.setFormatter(fmt)
        stream._gatewatch = True  # type: ignore[attr-defined]
        root.addHandler(stream)
    if _fault_file is None:
        # faulthandler needs the file open before a crash; one that stayed empty
        # is removed at exit, so the folder holds a dump only after a real crash.
        _fault_file = open(folder / CRASH_DUMP, "a", encoding="utf-8")  # noqa: SIM115
        faulthandler.enable(_fault_file)
        atexit.register(close_crash_dump)
    return folder


def close_crash_dump() -> None:
    """Stop the fault handler; delete its file if no crash was written to it."""
    global _fault_file
    handle, _fault_file = _fault_file, None
    if handle is None:
        return
    with contextlib.suppress(Exception):
        faulthandler.disable()
    path = Path(handle.name)
    with contextlib.suppress(OSError):
        handle.close()
        if path.stat().st_size == 0:
            path.unlink()
