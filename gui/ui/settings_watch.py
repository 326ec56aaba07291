"""Qt side of settings change notification: a slot called on its owner's thread.

``watch(settings, owner, slot, names)`` calls ``slot(change)`` after any of
``names`` changes, on ``owner``'s thread (queued when the change was made on
another one), and unsubscribes when ``owner`` is destroyed — so a closed page
is never called and nobody has to know every consumer of an option.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from PySide6.QtCore import QObject, Signal

from gui.settings import Change, LiveOptions


class _Relay(QObject):
    changed = Signal(object)


def watch(
    settings: LiveOptions,
    owner: QObject,
    slot: Callable[[Change], Any],
    names: Iterable[str] = (),
) -> Callable[[], None]:
    """Subscribe ``slot`` for ``owner``'s lifetime; returns the function that unsubscribes."""
    relay = _Relay(owner)  # a child: lives on owner's thread and dies with it
    relay.changed.connect(slot)
    unsubscribe = settings.subscribe(relay.changed.emit, names)
    relay.destroyed.connect(lambda *_: unsubscribe())
    return unsubscribe
