"""One signal for "what this window reads is back": pages reload by themselves.

Pages read the store (or an attached window's server) on demand; while the
database or the server is down those reads fail and a page keeps showing an
error or old rows. Three core messages say it is back, each in its own way:

- ``StorageStateChanged(ok=True)`` after ``ok=False``: the database accepts
  writes again (the receiver's storage watch);
- ``ServerStateChanged("listening")`` after ``"store_unreachable"``: a shared
  PostgreSQL database that was down at start answered;
- ``ConnectionChanged`` live or behind after disconnected or refused: an
  attached window's server is back.

``storage_back(bridge)`` folds them into one ``back`` signal (one object per
bridge, on the GUI thread), so History, Statistics, Alarms and Devices each
need one connection, and each keeps the user's filters when it reloads.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Signal

from gui.core.messages import ConnectionChanged, ServerStateChanged, StorageStateChanged

#: Connection states in which an attached window cannot read its server.
_LOST = frozenset({"disconnected", "refused"})
_BACK = frozenset({"live", "behind"})


class StorageRecovery(QObject):
    """Emits ``back`` once each time reads work again after they could not."""

    back = Signal()
    #: True while the store or server is known to be down (pages may say so).
    lost = Signal()

    def __init__(self, bridge: Any) -> None:
        super().__init__(bridge if isinstance(bridge, QObject) else None)
        self.down = False
        last = getattr(bridge, "last_state", None)  # a window opened while the store is down
        if isinstance(last, ServerStateChanged) and last.state == "store_unreachable":
            self.down = True
        for name, slot in (
            ("storage_state_changed", self._on_storage),
            ("server_state_changed", self._on_server),
            ("connection_changed", self._on_connection),
        ):
            signal = getattr(bridge, name, None)
            if signal is not None:
                signal.connect(slot)

    def _set(self, down: bool) -> None:
        if down == self.down:
            return
        self.down = down
        (self.lost if down else self.back).emit()

    def _on_storage(self, message: StorageStateChanged) -> None:
        self._set(not message.ok)

    def _on_server(self, message: ServerStateChanged) -> None:
        if message.state == "store_unreachable":
            self._set(True)
        elif message.state == "listening":
            self._set(False)

    def _on_connection(self, message: ConnectionChanged) -> None:
        if message.state in _LOST:
            self._set(True)
        elif message.state in _BACK:
            self._set(False)


def storage_back(bridge: Any) -> StorageRecovery:
    """The bridge's one ``StorageRecovery`` (made on first use, a child of the bridge)."""
    found: StorageRecovery | None = getattr(bridge, "_storage_recovery", None)
    if found is None:
        found = StorageRecovery(bridge)
        bridge._storage_recovery = found
    return found
