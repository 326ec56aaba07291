"""The core of a window attached to a remote receiver: no receiver, no store here.

``AttachedCore`` stands where a ``Receiver`` stands for the desktop app: it
runs on its own asyncio loop in a thread (``ReceiverThread`` runs it, the
same class the local receiver uses), announces typed messages through the
same ``subscribe``/``publish`` (those of the remote's ``/api/stream``, plus
its own ``ConnectionChanged``), and offers a ``reader``, a ``RemoteReader``
over the remote's read API. The bridge and every window therefore work
unchanged; what only a receiver can do (listen, write the store) is absent,
and the writes a window makes (acknowledging an alarm, keeping an event)
are calls to the remote's API, whose answer arrives back through the stream.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from gui.core import messages, wire
from gui.core.remote_client import RemoteClient, RemoteError, RemoteServer
from gui.core.remote_reader import RemoteReader
from gui.core.remote_stream import StreamFollower

if TYPE_CHECKING:
    from gui.core.alarms import Alarm

log = logging.getLogger(__name__)
M = TypeVar("M")


class AttachedCore:
    """Receiver-shaped: ``subscribe``, ``start``/``stop`` on its loop, a ``reader``."""

    #: No listener in this process (the settings' port means nothing here).
    port: int | None = None
    attached = True

    def __init__(self, server: RemoteServer, *, data_dir: Path | None = None) -> None:
        self.server = server
        #: This PC's folder for files the window writes (exports, curl scripts).
        self.data_dir = data_dir
        self.client = RemoteClient(server)
        self._handlers: dict[type, list[Callable[[Any], None]]] = {}
        self._reader: RemoteReader | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self.follower = StreamFollower(self.client, self.publish)
        self._task: asyncio.Task[None] | None = None
        #: The last ConnectionChanged, for windows made after it was announced.
        self.connection: messages.ConnectionChanged | None = None
        self.subscribe(messages.ConnectionChanged, self._remember)
        self.event_hooks: list[Any] = []
        self.extensions: list[Any] = []
        self.tasks: list[Any] = []

    def _remember(self, message: messages.ConnectionChanged) -> None:
        self.connection = message

    # -- listeners (as Receiver) -------------------------------------------------------

    def subscribe(self, message_type: type[M], handler: Callable[[M], None]) -> None:
        self._handlers.setdefault(message_type, []).append(handler)

    def unsubscribe(self, message_type: type[M], handler: Callable[[M], None]) -> None:
        with contextlib.suppress(ValueError):
            self._handlers.get(message_type, []).remove(handler)

    def publish(self, message: Any) -> None:
        for handler in list(self._handlers.get(type(message), ())):
            try:
                handler(message)
            except Exception:
                log.exception("handler %r of %s failed", handler, type(message).__name__)

    # -- lifecycle -------------------------------------------------------------------------

    @property
    def reader(self) -> RemoteReader:
        if self._reader is None:
            raise RuntimeError("not started")
        return self._reader

    async def start(self) -> None:
        """Start following the stream; never fails for an unreachable server (it retries)."""
        self._loop = asyncio.get_running_loop()
        self._reader = RemoteReader(self.client, self._loop)
        self._task = asyncio.ensure_future(self.follower.run())

    def start_tasks(self) -> None:
        return None

    async def stop(self) -> None:
        """End the stream and every request in flight (a read waiting on them gets cancelled)."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
            self._task = None
        # Refused from now on: a read handed over while the others are cancelled below
        # would otherwise open a new session after the close (left open at exit).
        self.client.refuse_requests()
        others = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for task in others:
            task.cancel()
        await asyncio.gather(*others, return_exceptions=True)
        await self.client.close()

    def reconnect_now(self) -> None:
        """Skip the wait before the next try (on the core loop)."""
        self.follower.retry_now()

    # -- what a window writes -------------------------------------------------------------

    async def acknowledge(self, alarm_id: int, by: str | None, note: str | None) -> Alarm:
        from gui.core.alarms import AlarmError, AlarmNotFound, AlreadyAcknowledged

        try:
            data = await self.client.post_json(
                f"/api/alarms/{int(alarm_id)}/ack", {"by": by, "note": note}
            )
        except RemoteError as exc:
            error = {404: AlarmNotFound, 409: AlreadyAcknowledged}.get(exc.status, AlarmError)
            raise error(exc.message) from None
        return wire.alarm_from_json(data)

    async def acknowledge_many(
        self, alarm_ids: list[int], by: str | None, note: str | None
    ) -> list[Alarm]:
        """One by one; the server refuses blacklist alarms in bulk, so ask before sending any."""
        from gui.core.alarms import BulkNotAllowed

        data = await self.client.get_json("/api/alarms", {"state": "open", "limit": 5000})
        blacklist = {
            a["id"] for a in data["alarms"] if a.get("person_type") == 3 and a["id"] in alarm_ids
        }
        if blacklist:
            raise BulkNotAllowed("blacklist alarms are acknowledged one by one")
        return [await self.acknowledge(i, by, note) for i in alarm_ids]

    async def undo_acknowledge(self, alarm_ids: list[int]) -> list[Alarm]:
        from gui.core.alarms import AlarmError

        done = []
        for alarm_id in alarm_ids:
            try:
                data = await self.client.post_json(f"/api/alarms/{int(alarm_id)}/undo", {})
            except RemoteError as exc:
                raise AlarmError(exc.message) from None
            done.append(wire.alarm_from_json(data))
        return done

    async def set_pinned(self, event_id: int, pinned: bool) -> None:
        path = f"/api/events/{int(event_id)}/pin"
        if pinned:
            await self.client.post_json(path)
        else:
            await self.client.delete(path)


class RemoteAlarms:
    """What the alarm centre calls to acknowledge: the ``AlarmEngine`` API, over HTTP."""

    def __init__(self, core: AttachedCore) -> None:
        self.core = core

    async def acknowledge(self, alarm_id: int, by: str | None = None,
                          note: str | None = None) -> Alarm:  # fmt: skip
        return await self.core.acknowledge(alarm_id, by, note)

    async def acknowledge_many(
        self, alarm_ids: list[int], by: str | None = None, note: str | None = None
    ) -> list[Alarm]:
        return await self.core.acknowledge_many(alarm_ids, by, note)

    async def undo_acknowledge(self, alarm_ids: list[int]) -> list[Alarm]:
        return await self.core.undo_acknowledge(alarm_ids)
