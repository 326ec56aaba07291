"""Wires the optional core features (alarms, retention, ...) into a receiver.

One place both the headless runner and the desktop app call, so the two run
exactly the same core.
"""

from __future__ import annotations

from typing import Any

from gui.core.receiver import Receiver


def install(receiver: Receiver, settings: Any) -> None:
    """Attach every feature's routes, listeners and background tasks to ``receiver``."""
    from gui.core import alarms

    alarms.install(receiver, settings)
    from gui.core import history

    history.install(receiver, settings)
    from gui.core import installer

    installer.install(receiver, settings)
    from gui.core.box import api as boxes

    boxes.install(receiver, settings)
    from gui.core import api_read, relay, stream

    api_read.install(receiver, settings)
    stream.install(receiver, settings)
    relay.install(receiver)  # runs on a shared (PostgreSQL) store only
    return None
