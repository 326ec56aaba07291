"""A worker thread the operating system runs after everything else (background work).

A backfill's CPU work (decoding the pictures it fetched, its thumbnails) runs
on this thread so that, when the machine is short of CPU, the boxes' pushes get
it first. On Linux a thread has its own nice value (``setpriority`` with the
thread's id; POSIX says per process, Linux's NPTL makes it per thread), so only
this thread is lowered, never the receiver's loop or writer. Elsewhere the
worker simply runs at normal priority: the pacing in the callers still holds.

A nice value does not reach the GIL: a niced thread running Python keeps it
until the interpreter's switch interval (5 ms by default) makes it let go, and
the receiver's loop waits that long each time it wakes up to take it back (a
push's bytes arrived, its write committed: several times per push). While
background work runs, ``short_gil_slices`` shortens the interval.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

log = logging.getLogger(__name__)

#: The nice value of the background worker (0 normal, 19 lowest; raising it needs no rights).
BACKGROUND_NICE = 10


def lower_this_thread(nice: int = BACKGROUND_NICE) -> bool:
    """Raise the calling thread's nice value to ``nice``; False where that cannot be done."""
    if not sys.platform.startswith("linux") or not hasattr(os, "setpriority"):
        return False
    try:
        tid = threading.get_native_id()
        if os.getpriority(os.PRIO_PROCESS, tid) < nice:
            os.setpriority(os.PRIO_PROCESS, tid, nice)
        return True
    except OSError as exc:  # a sandbox that forbids it: run at normal priority
        log.debug("could not lower the background thread's priority: %s", exc)
        return False


def thread_nice() -> int | None:
    """The calling thread's nice value (Linux), else None."""
    if not sys.platform.startswith("linux") or not hasattr(os, "getpriority"):
        return None
    try:
        return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    except OSError:
        return None


def background_executor(name: str = "gatewatch-background") -> ThreadPoolExecutor:
    """One worker thread at low OS priority: background work runs there, one job at a time."""
    return ThreadPoolExecutor(1, thread_name_prefix=name, initializer=lower_this_thread)


#: The GIL switch interval (seconds) while background work runs (Python's default: 0.005).
BACKGROUND_SWITCH_INTERVAL = 0.0005

_slices_lock = threading.Lock()
_slices_users = 0
#: The interval before the first user shortened it, and the one it set.
_slices_saved: tuple[float, float] | None = None


@contextlib.contextmanager
def short_gil_slices(interval: float | None = None) -> Iterator[None]:
    """While inside, threads hand the GIL over at least every ``interval`` seconds
    (default ``BACKGROUND_SWITCH_INTERVAL``).

    Nested and concurrent users share it; the last one out puts the previous
    interval back, unless something else changed it meanwhile (then that stays).
    Never lengthens an interval already shorter (the desktop app sets its own).
    """
    global _slices_users, _slices_saved
    if interval is None:
        interval = BACKGROUND_SWITCH_INTERVAL
    with _slices_lock:
        _slices_users += 1
        if _slices_users == 1:
            before = sys.getswitchinterval()
            if interval < before:
                sys.setswitchinterval(interval)
                _slices_saved = (before, sys.getswitchinterval())
            else:
                _slices_saved = None
    try:
        yield
    finally:
        with _slices_lock:
            _slices_users -= 1
            if _slices_users == 0 and _slices_saved is not None:
                before, ours = _slices_saved
                if sys.getswitchinterval() == ours:
                    sys.setswitchinterval(before)
                _slices_saved = None
