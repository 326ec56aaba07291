"""The one way the UI runs work off the GUI thread.

``BackgroundWork(owner, bridge)`` gives its owner three doors, each delivering
the result back on the GUI thread as a queued Qt signal (so it works with or
without a running asyncio loop: pytest-qt has none, the app runs qasync):

- ``read(fn, done)``: ``fn(reader)`` on a worker thread, where ``reader`` is
  the core's typed reader interface (``gui.core.reader.Reader``);
- ``run(fn, done)``: any other blocking call (a file written, a firewall
  command) on a worker thread;
- ``core(coro_factory, done)``: a coroutine on the core's own asyncio loop
  (network posts, writes). Never ``asyncio.run()`` on a worker thread: under
  qasync on Python < 3.12 every new event loop is a Qt loop and breaks there.

Why it is shaped like this:

- The GUI thread never waits: there is no blocking variant.
- A QObject whose last reference drops on a worker thread can crash the process
  later. The submitted callable (and whatever it captured) is held on the GUI
  thread until its result is delivered; the worker drops its own reference
  before it hands the result over, so the last reference always goes on the
  GUI thread. Results must be plain data or QImages (QPixmaps only on the GUI
  thread).
- Results for an owner that was closed or deleted are dropped, never delivered
  into a dead widget; the emitter is one object that lives as long as the app.
- Worker threads run niced (Linux) so picture decoding loses the CPU to the
  GUI and receiver threads.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import os
import queue
import sys
import threading
import weakref
from collections.abc import Awaitable, Callable
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any, ClassVar, TypeVar

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, Signal

log = logging.getLogger(__name__)
T = TypeVar("T")

#: Niceness added to the worker threads (Linux): see ``_lower_priority``.
WORKER_NICENESS = 10
#: How long ``close_all`` waits for one owner's work in flight.
CLOSE_TIMEOUT = 10.0


def _lower_priority() -> None:
    """Let the GUI and receiver threads win the CPU over background work.

    On two cores the readers' Pillow work (thumbnails, the detail pane's photos)
    would otherwise take CPU time from the GUI thread just when a scroll or a
    new selection asks for both. Linux gives each thread its own niceness;
    elsewhere this does nothing.
    """
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError):
            tid = threading.get_native_id()
            os.setpriority(
                os.PRIO_PROCESS, tid, os.getpriority(os.PRIO_PROCESS, tid) + WORKER_NICENESS
            )


@dataclass(eq=False)
class _Job:
    """One submitted piece of work, held on the GUI thread until it is delivered."""

    owner: weakref.ref[BackgroundWork]
    work: Any  # the callable or coroutine factory, kept so it is released on the GUI thread
    done: Callable[[Any], None] | None
    failed: Callable[[BaseException], None] | None


class _Dispatcher(QObject):
    """Carries results to the GUI thread; created once, never deleted.

    Emitting on an object the GUI thread may be deleting at that moment (a page
    closed mid-query) is a race inside Qt, so the worker threads emit on this
    one and the owner is checked for life on arrival.
    """

    finished = Signal(int, object, object)  # job id, result, error

    def __init__(self) -> None:
        super().__init__(None)
        #: Jobs in flight by id; touched on the GUI thread only.
        self.jobs: dict[int, _Job] = {}
        self._ids = itertools.count(1)
        self.finished.connect(self._deliver)

    def add(self, job: _Job) -> int:
        job_id = next(self._ids)
        self.jobs[job_id] = job
        return job_id

    def _deliver(self, job_id: int, result: Any, error: Any) -> None:
        job = self.jobs.pop(job_id, None)
        if job is None:
            return
        owner = job.owner()
        if owner is None or owner.closed or not shiboken6.isValid(owner):
            return
        if error is not None:
            if job.failed is None:
                log.warning("background work failed: %s", error)
            else:
                job.failed(error)
        elif job.done is not None:
            job.done(result)


_DISPATCHER: _Dispatcher | None = None


def _dispatcher() -> _Dispatcher:
    """Created on first use (on the GUI thread, where work is submitted)."""
    global _DISPATCHER
    if _DISPATCHER is None:
        _DISPATCHER = _Dispatcher()
        app = QCoreApplication.instance()
        if app is not None and _DISPATCHER.thread() is not app.thread():
            _DISPATCHER.moveToThread(app.thread())
    return _DISPATCHER


class _Threads:
    """A few lazily started worker threads taking ``(job id, fn)`` from a queue."""

    def __init__(self, size: int, name: str) -> None:
        self._size = size
        self._name = name
        self._queue: queue.SimpleQueue[tuple[int, Callable[[], Any]] | None] = queue.SimpleQueue()
        self._threads: list[threading.Thread] = []
        self._idle = 0
        self._lock = threading.Lock()

    def put(self, job_id: int, fn: Callable[[], Any]) -> None:
        with self._lock:
            if self._idle == 0 and len(self._threads) < self._size:
                thread = threading.Thread(
                    target=self._loop, name=f"{self._name}-{len(self._threads)}", daemon=True
                )
                self._threads.append(thread)
                thread.start()
        self._queue.put((job_id, fn))

    def _loop(self) -> None:
        _lower_priority()
        emit = _dispatcher().finished.emit
        while True:
            with self._lock:
                self._idle += 1
            item = self._queue.get()
            with self._lock:
                self._idle -= 1
            if item is None:
                return
            job_id, fn = item
            del item
            result: Any = None
            error: BaseException | None = None
            try:
                result = fn()
            except BaseException as exc:  # delivered to ``failed`` on the GUI thread
                log.debug("background work failed", exc_info=True)
                # The traceback's frames hold what ``fn`` captured: drop it here.
                error = exc.with_traceback(None)
            del fn  # the GUI thread's job still holds it: the last reference goes there
            with contextlib.suppress(RuntimeError):  # the app is gone at exit
                emit(job_id, result, error)
            del result, error

    def close(self, wait: bool, timeout: float = CLOSE_TIMEOUT) -> list[int]:
        """Drop queued work, end the threads; with ``wait``, let the running ones finish.

        Returns the ids of the jobs dropped before they ran.
        """
        dropped = []
        with contextlib.suppress(queue.Empty):
            while True:
                item = self._queue.get_nowait()
                if item is not None:
                    dropped.append(item[0])
        with self._lock:
            threads = list(self._threads)
        for _ in threads:
            self._queue.put(None)
        if wait:
            me = threading.current_thread()
            for thread in threads:
                if thread is not me:
                    thread.join(timeout)
        return dropped


class BackgroundWork(QObject):
    """An owner's door to worker threads, the core loop and the reader (see the module).

    ``bridge`` provides ``reader`` (the core's ``Reader``) and ``in_core(coro_factory)``
    (a concurrent future from the core loop); pages that only ``run`` need none.
    ``done`` is not called when the work raised: ``failed(exc)`` is, or the error
    is logged.
    """

    #: Every open owner, so shutdown can wait for reads in flight before the store closes.
    _open: ClassVar[weakref.WeakSet[BackgroundWork]] = weakref.WeakSet()

    def __init__(self, parent: QObject | None, bridge: Any = None, *, threads: int = 2) -> None:
        super().__init__(parent)
        self._bridge = bridge
        self._dispatch = _dispatcher()
        self._threads = _Threads(threads, "gatewatch-ui")
        self.closed = False
        BackgroundWork._open.add(self)
        pool = self._threads
        self.destroyed.connect(lambda *_: pool.close(wait=False))

    def lane(self, parent: QObject) -> BackgroundWork:
        """Another owner over the same core, with threads of its own.

        For work that must not queue behind this owner's: a page the user scrolled
        to is read at once even while dozens of thumbnails wait to be decoded.
        """
        return BackgroundWork(parent, self._bridge)

    def run(
        self,
        fn: Callable[[], T],
        done: Callable[[T], None] | None = None,
        failed: Callable[[BaseException], None] | None = None,
    ) -> None:
        """``fn()`` on a worker thread, then ``done(result)`` on the GUI thread."""
        if self.closed:
            return
        job_id = self._dispatch.add(_Job(weakref.ref(self), fn, done, failed))
        self._threads.put(job_id, fn)

    def read(
        self,
        fn: Callable[[Any], T],
        done: Callable[[T], None] | None = None,
        failed: Callable[[BaseException], None] | None = None,
    ) -> None:
        """``fn(reader)`` on a worker thread, then ``done(result)`` on the GUI thread."""
        bridge = self._bridge
        self.run(lambda: fn(bridge.reader), done, failed)

    def core(
        self,
        coro_factory: Callable[[], Awaitable[T]],
        done: Callable[[T], None] | None = None,
        failed: Callable[[BaseException], None] | None = None,
    ) -> None:
        """Await ``coro_factory()`` on the core's loop, then ``done(result)`` on the GUI thread.

        The coroutine runs on the core thread: it must hold plain data only.
        """
        if self.closed:
            return
        job_id = self._dispatch.add(_Job(weakref.ref(self), coro_factory, done, failed))
        emit = self._dispatch.finished.emit
        try:
            future: Future[T] = self._bridge.in_core(coro_factory)
        except Exception as exc:  # the core loop is not running
            emit(job_id, None, exc)
            return

        def finished(f: Future[T]) -> None:  # on the core thread
            if f.cancelled():
                return
            error = f.exception()
            with contextlib.suppress(RuntimeError):
                emit(job_id, None if error is not None else f.result(), error)

        future.add_done_callback(finished)

    def close(self, wait: bool = False) -> None:
        """Stop taking work and drop results still to come.

        ``wait`` lets work already running finish first: closing the store under
        a running query crashes SQLite.
        """
        self.closed = True
        BackgroundWork._open.discard(self)
        for job_id in self._threads.close(wait):
            self._dispatch.jobs.pop(job_id, None)  # never ran: nothing will deliver it

    @classmethod
    def close_all(cls) -> None:
        """Close every owner and wait for its work: call before the store closes."""
        for owner in list(cls._open):
            owner.close(wait=True)
