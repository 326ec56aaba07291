"""Which scale one event's score is on, and a score as a percentage of that scale.

Boxes send either a 0–1 similarity or the vendor's 0–100 display score
(FIRMWARE_VARIANTS.md §9) and one box can send both (its history records in
one, its real-time events in the other). So the scale is decided per event:

1. a score above 1 is on the 0–100 scale (a similarity never exceeds 1);
2. otherwise the box's configured scale, when known (``set_score_config``:
   ``PrettyScore``, ``THRESHOLD``, ``MATCH_THRESHOLD``);
3. otherwise 0–1.

Filters and the alarm rule's minimum compare *percent of the event's own
scale*: 0.93 on a 0–1 box and 93 on a 0–100 box are both 93 %.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from gui.core import identity

SCALE_UNIT, SCALE_PERCENT = "0-1", "0-100"
#: The vendor's default match threshold on the 0–100 display score (V5R7, V6).
DEFAULT_THRESHOLD_100 = 82.0


@dataclass(frozen=True, slots=True)
class BoxScale:
    """A box's configured score scale and match threshold (either may be unknown)."""

    scale: str | None
    threshold: float | None


#: Alias (as ``box_aliases`` holds it) -> that box's configuration.
ScaleBook = dict[str, BoxScale]


def event_scale(score: float | None, config: BoxScale | None = None) -> str | None:
    """The scale ``score`` is on (None when there is no score and nothing configured)."""
    if score is not None and score > 1:
        return SCALE_PERCENT
    if config is not None and config.scale:
        return config.scale
    return SCALE_UNIT if score is not None else None


def event_threshold(scale: str | None, config: BoxScale | None = None) -> float | None:
    """The threshold the box compares a score on ``scale`` with, in that scale."""
    threshold = config.threshold if config is not None else None
    if threshold is not None:
        threshold_scale = SCALE_PERCENT if threshold > 1 else SCALE_UNIT
        if scale is None or threshold_scale == scale:
            return threshold
        return threshold / 100 if scale == SCALE_UNIT else threshold * 100
    if scale == SCALE_PERCENT:
        return DEFAULT_THRESHOLD_100
    return None


def percent(score: float | None, config: BoxScale | None = None) -> float | None:
    """``score`` as a percentage of its own scale: 0.93 -> 93.0, 82.05 -> 82.05."""
    if score is None:
        return None
    return score if event_scale(score, config) == SCALE_PERCENT else score * 100


def scale_book(conn: sqlite3.Connection) -> ScaleBook:
    """Every alias of every box with a configured scale or threshold (a handful of rows)."""
    rows = conn.execute(
        "SELECT a.alias, b.score_scale, b.threshold FROM box_aliases a JOIN boxes b"
        " ON a.sn = b.sn WHERE b.score_scale IS NOT NULL OR b.threshold IS NOT NULL"
    ).fetchall()
    book: ScaleBook = {}
    for alias, scale, threshold in rows:
        book[str(alias)] = BoxScale(scale, threshold)
    return book


def config_for(book: ScaleBook, dev_sno: str | None, ep_id: str | None) -> BoxScale | None:
    """The configuration of the box an event names (by licence code or ``ep_id`` prefix)."""
    if not book:
        return None
    if dev_sno and dev_sno.strip():
        hit = book.get(str(dev_sno).strip())
        if hit is not None:
            return hit
    key = identity.ep_id_key(ep_id)
    if key is not None:
        alias = identity.alias_of(*key)
        if alias is not None:
            return book.get(alias)
    return None
