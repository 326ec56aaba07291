"""One receiver per data folder, whatever the mode (desktop or ``--headless``).

Two receivers writing one database would fight over it (and over the port);
the second must be told who holds the folder. The first takes an OS lock on
``<data dir>/gatewatch.lock`` and writes who it is into it; the lock goes away
with the process, also after ``kill -9`` or a power cut, so a stale file never
blocks a start. Read-only commands (``export``) take no lock: they keep
working while a receiver runs.

Qt-free: ``--headless`` runs it, the desktop app too (after its single-instance
check has had the chance to raise an already open window).
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import sys
import time
from pathlib import Path
from typing import IO, Any

LOCK_FILENAME = "gatewatch.lock"
#: Windows locks a byte range and hides it from readers: lock a byte past the text.
_WINDOWS_LOCK_OFFSET = 1 << 20


class FolderInUse(Exception):
    """Another Gatewatch holds the data folder."""

    def __init__(self, folder: Path, holder: dict[str, Any]) -> None:
        self.folder = folder
        self.holder = holder
        super().__init__(self.message())

    def message(self) -> str:
        """One line: which folder, which process, what to do."""
        h = self.holder
        who = []
        if h.get("pid"):
            who.append(f"pid {h['pid']}")
        if h.get("host") and h.get("host") != socket.gethostname():
            who.append(f"on {h['host']}")
        if h.get("mode"):
            who.append(str(h["mode"]))
        if h.get("started"):
            who.append(f"since {h['started']}")
        detail = f" ({', '.join(who)})" if who else ""
        return (
            f"the data folder {self.folder} is in use by another Gatewatch{detail}; "
            "stop that one first, or start this one with another --data-dir"
        )


class FolderLock:
    """The held lock; ``release()`` (or process exit) gives the folder back."""

    def __init__(self, path: Path, handle: IO[str]) -> None:
        self.path = path
        self._handle: IO[str] | None = handle

    def release(self) -> None:
        handle, self._handle = self._handle, None
        if handle is None:
            return
        with contextlib.suppress(OSError):
            handle.seek(0)
            handle.truncate()
            handle.flush()
        _unlock(handle)
        handle.close()

    @property
    def held(self) -> bool:
        return self._handle is not None


def read_holder(folder: Path) -> dict[str, Any]:
    """What the holder wrote about itself (empty when unreadable)."""
    try:
        text = (Path(folder) / LOCK_FILENAME).read_text("utf-8", errors="replace")
        found = json.loads(text.strip("\0 \n") or "{}")
    except (OSError, ValueError):
        return {}
    return found if isinstance(found, dict) else {}


def acquire(folder: Path, mode: str, **about: Any) -> FolderLock:
    """Lock ``folder`` for this process or raise ``FolderInUse`` (never blocks)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / LOCK_FILENAME
    handle = open(path, "a+", encoding="utf-8")  # noqa: SIM115 - held for the process's life
    if not _try_lock(handle):
        handle.close()
        # The holder may be writing its details this very moment: give it a moment.
        holder = read_holder(folder)
        for _ in range(10):
            if holder:
                break
            time.sleep(0.05)
            holder = read_holder(folder)
        raise FolderInUse(folder, holder)
    info = {
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "mode": mode,
        "started": time.strftime("%Y-%m-%d %H:%M:%S"),
        **about,
    }
    handle.seek(0)
    handle.truncate()
    handle.write(json.dumps(info) + "\n")
    handle.flush()
    return FolderLock(path, handle)


_held: list[FolderLock] = []


def hold(folder: Path, mode: str, **about: Any) -> FolderLock:
    """``acquire`` and keep the lock until the process ends."""
    lock = acquire(folder, mode, **about)
    _held.append(lock)
    return lock


def release_all() -> None:
    while _held:
        _held.pop().release()


if sys.platform == "win32":
    import msvcrt

    def _try_lock(handle: IO[str]) -> bool:
        try:
            handle.seek(_WINDOWS_LOCK_OFFSET)
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        finally:
            handle.seek(0)
        return True

    def _unlock(handle: IO[str]) -> None:
        with contextlib.suppress(OSError):
            handle.seek(_WINDOWS_LOCK_OFFSET)
            msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(handle: IO[str]) -> bool:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False
        return True

    def _unlock(handle: IO[str]) -> None:
        with contextlib.suppress(OSError):
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
