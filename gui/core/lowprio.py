"""A worker thread the operating system runs after everything else (background work).

A backfill's CPU work (decoding the pictures it fetched, its thumbnails) runs
on this thread so that, when the machine is short of CPU, the boxes' pushes get
it first. On Linux a thread has its own nice value (``setpriority`` with the
thread's id; POSIX says per process, Linux's NPTL makes it per thread), so only
this thread is lowered, never the receiver's loop or writer. Elsewhere the
worker simply runs at normal priority: the pacing in the callers still holds.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
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
