"""Words for the codes boxes send (person type, want_action, ep_type), translatable.

Kept in one module so the feed, the detail pane and other pages agree, and
so ``pyside6-lupdate`` finds every string in one context.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QCoreApplication

from gui.core.overlay import colour_for


def tr(text: str) -> str:
    return QCoreApplication.translate("", text)


def person_type_word(person_type: int | None) -> str:
    words = {
        1: tr("employee"),
        2: tr("visitor"),
        3: tr("blacklist"),
        4: tr("stranger"),
        5: tr("VIP"),
        6: tr("vehicle"),
    }
    if person_type is None:
        return tr("unknown type")
    return words.get(person_type, tr("type %1").replace("%1", str(person_type)))


def person_type_colour(person_type: int | None, overrides: dict[str, str] | None = None) -> str:
    """Colour by person type; settings keep overrides keyed by the type number as text."""
    by_int = {int(k): v for k, v in (overrides or {}).items() if str(k).isdigit()}
    return colour_for(person_type, by_int)


def want_action_words(want_action: str | None) -> str:
    if want_action in (None, ""):
        return ""
    words = {
        "0": tr("recognised"),
        "1001": tr("new stranger registered"),
        "1002": tr("library photo updated"),
    }
    return words.get(str(want_action), tr("action %1").replace("%1", str(want_action)))


def ep_type_words(ep_type: str | None) -> str:
    if not ep_type:
        return ""
    words = {
        "photo": tr("gate / snapshot camera"),
        "rtsp": tr("video stream"),
        "card": tr("ID-card check"),
        "file": tr("file"),
        "gb28181": tr("GB/T 28181 camera"),
    }
    return words.get(ep_type, ep_type)


def _local_time(ms: int | None) -> dt.datetime | str:
    """The local time of ``ms``, or the text to show instead (no time, or out of range)."""
    if ms is None:
        return "—"
    try:
        return dt.datetime.fromtimestamp(ms / 1000)
    except (OverflowError, OSError, ValueError):
        return str(ms)


def format_ms(ms: int | None, *, with_date: bool = True, millis: bool = True) -> str:
    """Local time of a millisecond timestamp, e.g. ``2026-11-24 21:03:55.150``.

    ``millis=False`` for lists people scan (History): ``2026-11-24 21:03:55``.
    """
    t = _local_time(ms)
    if isinstance(t, str):
        return t
    text = t.strftime("%Y-%m-%d %H:%M:%S" if with_date else "%H:%M:%S")
    return f"{text}.{t.microsecond // 1000:03d}" if with_date and millis else text


def format_feed_time(ms: int | None, today: dt.date | None = None) -> str:
    """Short time for a feed row: ``16:03:20`` today, ``10-13 18:00`` another day this year."""
    t = _local_time(ms)
    if isinstance(t, str):
        return t
    today = today or dt.date.today()
    if t.date() == today:
        return t.strftime("%H:%M:%S")
    if t.year == today.year:
        return t.strftime("%m-%d %H:%M")
    return t.strftime("%Y-%m-%d")


def format_tile_time(ms: int | None) -> str:
    """Time on the wall: ``16:03:20`` today, ``10-13 16:03:20`` another day."""
    t = _local_time(ms)
    if isinstance(t, str):
        return t
    if t.date() == dt.date.today():
        return t.strftime("%H:%M:%S")
    return t.strftime("%m-%d %H:%M:%S")


def format_duration_ms(ms: int) -> str:
    """Signed, human duration for clock skew: ``+2.4 s``, ``-3 min 10 s``, ``+1 h 5 min``."""
    sign = "+" if ms >= 0 else "-"
    a = abs(ms) / 1000
    if a < 60:
        return f"{sign}{a:.1f} s"
    if a < 3600:
        return f"{sign}{int(a // 60)} min {int(a % 60)} s"
    if a < 86400 * 2:
        return f"{sign}{int(a // 3600)} h {int(a % 3600 // 60)} min"
    return f"{sign}{a / 86400:.1f} d"


def format_score(score: float | None) -> str:
    """Two decimals always, so a column of scores lines up: ``0.90``, ``6.58``, ``82.00``."""
    if score is None:
        return "—"
    return f"{score:.2f}"


def format_score_of(
    score: float | None, scale: str | None, threshold: float | None = None
) -> str:
    """A score with its scale and the box's threshold, short enough for a list:
    ``0.93 / 1``, ``82.05 / 100 (≥82)`` — never a bare number of unknown unit."""
    text = format_score(score)
    if score is None:
        return text
    if scale == "0-100":
        text = f"{text} / 100"
    elif scale == "0-1":
        text = f"{text} / 1"
    if threshold is not None:
        text += f" (≥{format_threshold(threshold)})"
    return text


def format_score_in_scale(score: float | None, scale: str | None, threshold: float | None) -> str:
    """A score as its box means it: ``0.93 (0–1)`` or ``82.05 / 100``, never mixed up.

    Boxes send either a 0–1 similarity or the 0–100 display score; the scale is
    the box's (see ``gui.core.devices.score_context``). With ``threshold`` the
    box's match threshold follows.
    """
    text = format_score(score)
    if score is None:
        return text
    if scale == "0-100":
        text = f"{text} / 100"
    elif scale == "0-1":
        text = f"{text} (0–1)"
    if threshold is not None:
        text += " · " + tr("threshold %1").replace("%1", format_threshold(threshold))
    return text


def format_threshold(threshold: float) -> str:
    """A box's match threshold as it is configured: ``82``, ``0.55``."""
    return f"{threshold:g}"
