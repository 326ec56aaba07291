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


#: Names boxes give every stranger (not a person's name).
_STRANGER_NAMES = {"stranger", "strangers", "unknown", "陌生人", "陌生"}


def short_id(identity_id: str | None) -> str:
    """A stranger id people can read out: ``1764000100.3828533`` -> ``#0100.38``.

    Boxes number strangers with the float timestamp of their first sighting: the
    last four digits of its seconds and the first two of its fraction tell the
    strangers of a shift apart (the full id stays in the details).
    """
    text = (identity_id or "").strip()
    if not text:
        return ""
    whole, _dot, fraction = text.partition(".")
    if whole.isdigit() and len(whole) >= 8 and (not fraction or fraction.isdigit()):
        return "#" + whole[-4:] + (f".{fraction[:2]}" if fraction else "")
    return "#" + (text if len(text) <= 8 else text[-6:])


def display_name(
    identity_name: str | None, identity_id: str | None, person_type: int | None = None
) -> str:
    """The name to show for an event: a stranger is "Stranger #8533", never a timestamp."""
    name = (identity_name or "").strip()
    stranger = person_type == 4 or name.lower() in _STRANGER_NAMES
    if stranger and (not name or name.lower() in _STRANGER_NAMES or name == identity_id):
        short = short_id(identity_id)
        return tr("Stranger %1").replace("%1", short).strip() if short else tr("Stranger")
    return name or (identity_id or "")


def row_name(row: object) -> str:
    """``display_name`` of anything with ``identity_name``/``identity_id``/``person_type``."""
    return display_name(
        getattr(row, "identity_name", None),
        getattr(row, "identity_id", None),
        getattr(row, "person_type", None),
    )


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
        # legacy string codes (FIRMWARE_VARIANTS.md, section 8)
        "0": tr("gate"),
        "1": tr("snapshot camera"),
        "2": tr("IP camera, still"),
        "3": tr("IP camera, stream"),
        "4": tr("door access"),
    }
    return words.get(str(ep_type), str(ep_type))


def attribute_value_words(key: str, value: object) -> str:
    """A face attribute's value in words: age groups, gender, yes/no for mask, glasses, hat.

    Boxes send words (``"youth"``, ``"female"``, ``"no"``) or codes (``0``/``1``);
    anything unknown is shown as sent.
    """
    text = str(value).strip().lower()
    if key == "age":
        ages = {
            "child": tr("child"), "juvenile": tr("juvenile"), "youth": tr("youth"),
            "middle-aged": tr("middle-aged"), "middle_aged": tr("middle-aged"),
            "aged": tr("aged"), "old": tr("aged"), "elderly": tr("aged"),
        }  # fmt: skip
        return ages.get(text, str(value))
    if key in ("gender", "sex"):
        genders = {"male": tr("male"), "man": tr("male"), "m": tr("male"),
                   "female": tr("female"), "woman": tr("female"), "f": tr("female"),
                   "0": tr("male"), "1": tr("female")}  # fmt: skip
        return genders.get(text, str(value))
    if isinstance(value, bool) or key in ("mask", "glasses", "hat", "quality_passed"):
        if text in ("true", "1", "yes", "y"):
            return tr("yes")
        if text in ("false", "0", "no", "n", "none"):
            return tr("no")
    return str(value)


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
