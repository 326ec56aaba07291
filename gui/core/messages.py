"""Every message the core announces, each a frozen dataclass.

The core announces these on its own loop (``Receiver.publish``); subscribers
register per type (``Receiver.subscribe(EventStored, handler)``) and must
return quickly. The desktop app's bridge turns each type into one queued Qt
signal (``gui.ui.bridge``), so the GUI thread gets them without the core ever
waiting on it. Messages carry plain immutable data, never image decoders,
connections or Qt objects.

Adding a message: define it here, add it to ``MESSAGE_TYPES``, give the bridge
its signal (a test checks the two lists match).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from gui.core.model import EventSummary
from gui.core.requestlog import RequestRecord

if TYPE_CHECKING:  # payloads defined by the features that announce them
    from gui.core.alarms import Alarm
    from gui.core.retention import DiskStatus, RetentionReport
    from gui.core.silence import SilenceState


@dataclass(frozen=True)
class EventStored:
    """An event was committed: a new one, or an arrival that filled one in (``merged``)."""

    summary: EventSummary


@dataclass(frozen=True)
class FaceThumbReady:
    """The feed's face thumbnail of an event was committed (JPEG bytes, about 128 px)."""

    event_id: int
    thumb: bytes


@dataclass(frozen=True)
class HealthReportStored:
    """A box's ``/DeviceStatus`` report was committed."""

    source_ip: str
    received_at: int
    report: Mapping[str, Any]


@dataclass(frozen=True)
class RequestLogged:
    """A request was written to the request log (without its body and headers)."""

    record: RequestRecord


@dataclass(frozen=True)
class ServerStateChanged:
    """Listening started or stopped, for status bars."""

    state: str  # "listening" | "stopped" | "port_in_use" | "error"
    bind: str
    port: int
    message: str = ""


@dataclass(frozen=True)
class StorageStateChanged:
    """The database stopped (``ok=False``) or started again accepting writes."""

    ok: bool
    message: str


@dataclass(frozen=True)
class DiskStatusMeasured:
    """How big the data dir is and how much disk is left (every minute)."""

    status: DiskStatus


@dataclass(frozen=True)
class RetentionRan:
    """A retention run finished (it may have removed nothing)."""

    report: RetentionReport


@dataclass(frozen=True)
class AlarmChanged:
    """An alarm was ``raised`` (new), ``folded`` (its count grew) or ``acked``.

    ``seq`` numbers the change in the store's ``alarm_changes`` (ascending, never
    reused): a stream client that missed changes asks for those after the last
    ``seq`` it saw. 0 for a change that was not stored.
    """

    change: str
    alarm: Alarm
    seq: int = 0


@dataclass(frozen=True)
class SilenceLevelsChanged:
    """Some device's silence level (ok / amber / red) changed."""

    state: SilenceState


@dataclass(frozen=True)
class ConnectionChanged:
    """A window attached to a remote receiver got or lost its live stream.

    ``state``: ``connecting``, ``live`` (streaming, caught up), ``behind``
    (reconnected, replaying what was missed), ``disconnected`` (retrying in
    ``retry_in`` seconds) or ``refused`` (the server said no: token, certificate).
    Announced only by an attached window's own core, never by a receiver.
    """

    state: str
    url: str
    message: str = ""
    retry_in: float | None = None
    #: Events replayed so far while catching up (``behind``).
    caught_up: int = 0
    #: The stream started without resuming (first connect, or the server did not know
    #: where this window stopped): what the window shows must be read again.
    fresh: bool = False


#: Every message type, in the order the README lists them.
MESSAGE_TYPES: tuple[type, ...] = (
    EventStored,
    FaceThumbReady,
    HealthReportStored,
    RequestLogged,
    ServerStateChanged,
    StorageStateChanged,
    DiskStatusMeasured,
    RetentionRan,
    AlarmChanged,
    SilenceLevelsChanged,
)

#: Messages an attached window's own core announces about itself; they never
#: cross the network (the bridge has a signal for each all the same).
LOCAL_MESSAGE_TYPES: tuple[type, ...] = (ConnectionChanged,)

Message = (
    EventStored
    | FaceThumbReady
    | HealthReportStored
    | RequestLogged
    | ServerStateChanged
    | StorageStateChanged
    | DiskStatusMeasured
    | RetentionRan
    | AlarmChanged
    | SilenceLevelsChanged
)
