"""Run store reads on worker threads and get the result back on the GUI thread.

Works with or without a running asyncio loop (pytest-qt has none), because the
hand-back is a queued Qt signal rather than an awaited future. Results must be
plain data or QImages (QPixmaps only on the GUI thread).
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import threading
import weakref
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, ClassVar

from PySide6.QtCore import QObject, Signal

log = logging.getLogger(__name__)

#: Niceness added to the reader threads (Linux): see ``_lower_priority``.
READER_NICENESS = 10


def _lower_priority() -> None:
    """Let the GUI and receiver threads win the CPU over picture decoding.

    On two cores the readers' Pillow work (thumbnails, the detail pane's
    photos) would otherwise take CPU time from the GUI thread just when a
    scroll or a new selection asks for both. Linux gives each thread its own
    niceness; elsewhere this does nothing.
    """
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError):
            tid = threading.get_native_id()
            os.setpriority(
                os.PRIO_PROCESS, tid, os.getpriority(os.PRIO_PROCESS, tid) + READER_NICENESS
            )


class BackgroundReader(QObject):
    """``submit(fn, done)``: ``fn(read_conn)`` off-thread, then ``done(result)`` on the GUI thread.

    ``done`` is not called when ``fn`` raised (the error is logged) unless
    ``failed`` is given.
    """

    _finished = Signal(object, object, object)  # callback, result, error
    #: Every open reader, so shutdown can wait for reads in flight before the store closes.
    _open: ClassVar[weakref.WeakSet[BackgroundReader]] = weakref.WeakSet()

    def __init__(self, store_getter: Callable[[], Any], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._store_getter = store_getter
        self._pool = ThreadPoolExecutor(
            2, thread_name_prefix="gatewatch-ui-read", initializer=_lower_priority
        )
        self._finished.connect(self._deliver)
        self._closed = False
        BackgroundReader._open.add(self)

    def submit(
        self,
        fn: Callable[[Any], Any],
        done: Callable[[Any], None],
        failed: Callable[[BaseException], None] | None = None,
    ) -> None:
        if self._closed:
            return

        def work() -> Any:
            return fn(self._store_getter().reader())

        try:
            fut = self._pool.submit(work)
        except RuntimeError:  # pool shut down
            return

        def finished(f: Future[Any]) -> None:
            if f.cancelled() or self._closed:
                return
            exc = f.exception()
            try:
                if exc is not None:
                    self._finished.emit(failed, None, exc)
                else:
                    self._finished.emit(done, f.result(), None)
            except RuntimeError:  # the QObject is already gone at shutdown
                pass

        fut.add_done_callback(finished)

    def _deliver(self, callback: Any, result: Any, error: Any) -> None:
        if self._closed:
            return
        if error is not None:
            if callback is None:
                log.warning("background read failed: %s", error)
                return
            callback(error)
            return
        callback(result)

    def close(self, wait: bool = True) -> None:
        """Stop taking work; by default wait for a read in flight (they are short).

        Waiting matters: closing the store under a running query crashes SQLite.
        """
        self._closed = True
        BackgroundReader._open.discard(self)
        self._pool.shutdown(wait=wait, cancel_futures=True)

    @classmethod
    def close_all(cls) -> None:
        """Close every reader and wait for their reads: call before the store closes."""
        for reader in list(cls._open):
            reader.close(wait=True)
