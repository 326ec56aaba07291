"""The one doorway between the core thread and the GUI thread.

The core publishes plain immutable objects on its own thread; ``CoreBridge``
re-emits each as a Qt signal. The bridge lives on the GUI thread, so Qt queues
those emissions onto the GUI thread's event loop: the core never waits for a
paint, and the GUI never touches the core's loop directly.

Reads go through ``read()``: a query runs on a worker thread against the
store's read-only connections and the awaiting coroutine (qasync) resumes on
the GUI thread with plain data. QPixmaps are then made on the GUI thread.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

from PySide6.QtCore import QObject, Signal

from gui.core.model import EventSummary
from gui.core.receiver import HealthReport, Receiver, ReceiverThread, ServerState
from gui.core.requestlog import RequestRecord
from gui.core.store import Store

log = logging.getLogger(__name__)
T = TypeVar("T")


class CoreBridge(QObject):
    """Signals carrying the core's plain objects, and helpers to read and act."""

    event_stored = Signal(object)  # EventSummary (new or merged)
    request_logged = Signal(object)  # RequestRecord (without body/headers)
    server_state = Signal(object)  # ServerState
    health_report = Signal(object)  # HealthReport
    #: Anything else features publish (alarms, retention, disk state...): the object itself.
    published = Signal(object)

    def __init__(self, thread: ReceiverThread, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.thread = thread
        self._pool = ThreadPoolExecutor(2, thread_name_prefix="gatewatch-gui-read")
        self.last_state: ServerState | None = None
        thread.receiver.subscribe(self._on_core_item)

    @property
    def receiver(self) -> Receiver:
        return self.thread.receiver

    @property
    def store(self) -> Store:
        return self.thread.receiver.store

    def _on_core_item(self, item: object) -> None:
        """Runs on the core thread: emitting is all it may do."""
        if isinstance(item, EventSummary):
            self.event_stored.emit(item)
        elif isinstance(item, RequestRecord):
            self.request_logged.emit(item)
        elif isinstance(item, ServerState):
            self.last_state = item
            self.server_state.emit(item)
        elif isinstance(item, HealthReport):
            self.health_report.emit(item)
        else:
            self.published.emit(item)

    async def read(self, fn: Callable[[Any], T]) -> T:
        """Run ``fn(read_connection)`` off the GUI thread; resumes on it with the result."""
        store = self.store
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, lambda: fn(store.reader()))

    def read_sync(self, fn: Callable[[Any], T]) -> T:
        """For small indexed lookups where a round trip through the loop costs more."""
        return fn(self.store.reader())

    def in_core(self, coro_factory: Callable[[], Awaitable[T]]) -> Future[T]:
        """Run a coroutine on the core loop (writes, relisten); returns a concurrent future."""
        return self.thread.submit(coro_factory)

    async def core(self, coro_factory: Callable[[], Awaitable[T]]) -> T:
        """``in_core`` awaited from a GUI coroutine."""
        return await asyncio.wrap_future(self.in_core(coro_factory))

    def close(self) -> None:
        self.thread.receiver.unsubscribe(self._on_core_item)
        self._pool.shutdown(wait=False, cancel_futures=True)
