"""Qt's own messages go to our log, not raw onto stderr.

Qt prints warnings straight to stderr; at every start Qt Multimedia alone
prints a dozen lines about libraries it looked for and did not need
(pipewire, VA-API), the FFmpeg version, and PulseAudio when there is no
sound server. A user reading the console or a service journal takes them for
errors. Every Qt message now goes through the logging setup (file, and stderr
when there is one) under a ``qt.*`` logger; the known start-up noise at
DEBUG level, so it is there with ``--log-level DEBUG`` and invisible otherwise.
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QMessageLogContext, QtMsgType, qInstallMessageHandler

#: Categories whose messages are start-up chatter (library probing, versions).
NOISY_CATEGORIES = ("qt.multimedia",)
#: Uncategorised messages that say nothing a user can act on; the alarm sound
#: says itself, once, when it cannot play (``gui.ui.sound``).
NOISY_PREFIXES = (
    "PulseAudioService:",
    "QSoundEffect:",
    "This plugin does not support",  # offscreen/minimal platforms, window hints
)

_LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}


def is_noise(category: str, message: str) -> bool:
    return category.startswith(NOISY_CATEGORIES) or message.startswith(NOISY_PREFIXES)


def level_for(kind: QtMsgType, category: str, message: str) -> int:
    if kind != QtMsgType.QtFatalMsg and is_noise(category, message):
        return logging.DEBUG
    return _LEVELS.get(kind, logging.WARNING)


#: The handler installed before ours (pytest-qt's in the tests); it still gets every message.
_previous: Any = None


def _handle(kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
    try:
        category = (context.category if context is not None else None) or "default"
        name = category if category.startswith("qt") else f"qt.{category}"
        logging.getLogger(name).log(level_for(kind, category, message), "%s", message)
    except Exception:  # a message handler must never raise into Qt
        pass
    if _previous is not None:
        _previous(kind, context, message)


def install() -> None:
    """Route Qt's messages into logging (call before the first Qt Multimedia use).

    A handler that was there before (pytest-qt's, which fails a test on a Qt
    warning) keeps receiving them: installing ours must not silence it.
    """
    global _previous
    previous = qInstallMessageHandler(_handle)
    if previous is not _handle:
        _previous = previous


def uninstall() -> None:
    global _previous
    qInstallMessageHandler(_previous)
    _previous = None
