"""The one doorway between the core thread and the GUI thread.

The core announces the typed messages of ``gui.core.messages`` on its own
thread; ``CoreBridge`` has one Qt signal per message type (``EventStored`` ->
``event_stored``) and re-emits each message on it. The bridge lives on the GUI
thread, so Qt queues those emissions onto the GUI thread's event loop: the core
never waits for a paint, and the GUI never touches the core's loop directly.
A widget connects to the signal of the one message it cares about.

Reads go through ``reader``, the core's typed ``Reader``, called off the GUI
thread by ``gui.ui.background.BackgroundWork``; coroutines for the core loop
go through ``in_core``. QPixmaps are made on the GUI thread from what comes back.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from concurrent.futures import Future
from pathlib import Path
from typing import Any, TypeVar

from PySide6.QtCore import QObject, Signal

from gui.core import messages
from gui.core.reader import Reader, StoreReader
from gui.core.receiver import Receiver, ReceiverThread

log = logging.getLogger(__name__)
T = TypeVar("T")


def signal_name(message_type: type) -> str:
    """``EventStored`` -> ``event_stored``: the bridge's signal for that message type."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", message_type.__name__).lower()


class CoreBridge(QObject):
    """One queued signal per core message type, the reader, and the door to the core loop."""

    event_stored = Signal(messages.EventStored)
    face_thumb_ready = Signal(messages.FaceThumbReady)
    health_report_stored = Signal(messages.HealthReportStored)
    request_logged = Signal(messages.RequestLogged)
    server_state_changed = Signal(messages.ServerStateChanged)
    storage_state_changed = Signal(messages.StorageStateChanged)
    disk_status_measured = Signal(messages.DiskStatusMeasured)
    retention_ran = Signal(messages.RetentionRan)
    alarm_changed = Signal(messages.AlarmChanged)
    silence_levels_changed = Signal(messages.SilenceLevelsChanged)
    connection_changed = Signal(messages.ConnectionChanged)

    def __init__(self, core: ReceiverThread, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.receiver_thread = core
        self.last_state: messages.ServerStateChanged | None = None
        self._reader: StoreReader | None = None
        # Runs on the core thread, before the queued emission: a window made later
        # starts from the current state.
        self._subscribed: list[tuple[type, Callable[[Any], None]]] = [
            (messages.ServerStateChanged, self._remember_state)
        ]
        for message_type in messages.MESSAGE_TYPES + messages.LOCAL_MESSAGE_TYPES:
            self._subscribed.append((message_type, getattr(self, signal_name(message_type)).emit))
        for message_type, handler in self._subscribed:
            core.receiver.subscribe(message_type, handler)

    def _remember_state(self, message: messages.ServerStateChanged) -> None:
        self.last_state = message

    @property
    def receiver(self) -> Receiver:
        return self.receiver_thread.receiver

    @property
    def attached(self) -> bool:
        """Whether this window reads a remote receiver (``gatewatch --connect``), not its own."""
        return bool(getattr(self.receiver_thread.receiver, "attached", False))

    @property
    def server_url(self) -> str | None:
        """The remote receiver's address when attached."""
        server = getattr(self.receiver_thread.receiver, "server", None)
        return getattr(server, "url", None)

    @property
    def store(self) -> Any:
        """The receiver's own store (unnamed here: the UI imports no storage module)."""
        if self.attached:
            raise RuntimeError("an attached window has no store of its own")
        return self.receiver_thread.receiver.store

    @property
    def reader(self) -> Reader:
        """The core's typed reader: the store's (open once the receiver starts), or the remote's."""
        if self.attached:
            return self.receiver_thread.receiver.reader
        store = self.store
        reader = self._reader
        if reader is None or reader.store is not store:
            reader = self._reader = StoreReader(store)
        return reader

    @property
    def readable(self) -> bool:
        """Whether reads can be made now (the store is open, or the remote is attached)."""
        if self.attached:
            return True
        try:
            return not self.store.closed
        except Exception:
            return False

    @property
    def data_dir(self) -> Path:
        """Where this receiver keeps its data (files the UI writes go beside it).

        Attached, this PC's own data folder: what the window writes stays here.
        """
        if self.attached:
            return Path(self.receiver_thread.receiver.data_dir)
        return Path(self.store.data_dir)

    def alarm_engine(self) -> Any:
        """What acknowledges alarms: the local engine, or the remote's API when attached."""
        if self.attached:
            from gui.core.attached import RemoteAlarms

            return RemoteAlarms(self.receiver_thread.receiver)
        from gui.core import alarms

        return alarms.engine_for(self.receiver)

    def pin_job(self, event_id: int, pinned: bool) -> Callable[[], Awaitable[Any]]:
        """Keep an event through retention (or stop), for ``BackgroundWork.core``: the
        core's writer (False: no such event), or the remote's API when attached."""
        if self.attached:
            core = self.receiver_thread.receiver
            return lambda: core.set_pinned(event_id, pinned)
        from gui.core import retention

        store = self.store
        job = retention.set_pinned_job(event_id, pinned)
        return lambda: store.write(job)

    def in_core(self, coro_factory: Callable[[], Awaitable[T]]) -> Future[T]:
        """Run a coroutine on the core loop (writes, relisten); returns a concurrent future."""
        return self.receiver_thread.submit(coro_factory)

    def close(self) -> None:
        for message_type, handler in self._subscribed:
            self.receiver_thread.receiver.unsubscribe(message_type, handler)
        self._subscribed.clear()
