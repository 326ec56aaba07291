"""Text from boxes and requests, shown as text: never as Qt rich text.

Qt decides by guessing (``Qt::mightBeRichText``) whether a tooltip is HTML,
and Linux desktop notifications read markup: a camera named
``<img src='file:///dev/zero'>`` would be fetched and rendered. Labels use
``Qt.TextFormat.PlainText``; tooltips and notifications go through here.
"""

from __future__ import annotations

import html
import sys


def tooltip(text: str | None) -> str:
    """A tooltip that shows ``text`` literally (line breaks kept)."""
    if not text:
        return ""
    return f"<p style='white-space:pre-wrap'>{html.escape(text)}</p>"


def notification(text: str | None) -> str:
    """Text for a desktop notification: escaped where the notifier reads markup.

    Freedesktop notification servers (Linux) interpret a subset of HTML in the
    body; Windows and macOS show the text as it is.
    """
    if not text:
        return ""
    if sys.platform.startswith(("win", "darwin")):
        return text
    return html.escape(text, quote=False)
