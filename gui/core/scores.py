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

from collections.abc import Callable
from dataclasses import dataclass

from gui.core import identity
from gui.core.dbapi import Connection

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


def scale_book(conn: Connection) -> ScaleBook:
    """Every alias of every box with a configured scale or threshold (a handful of rows)."""
    rows = conn.execute(
        "SELECT a.alias, b.score_scale, b.threshold FROM box_aliases a JOIN boxes b"
        " ON a.sn = b.sn WHERE b.score_scale IS NOT NULL OR b.threshold IS NOT NULL"
    ).fetchall()
    book: ScaleBook = {}
    for alias, scale, threshold in rows:
        book[str(alias)] = BoxScale(scale, threshold)
    return book


class ScaleCache:
    """``scale_book`` for the ingest jobs of one writer batch, read again only when it may differ.

    A scored event needs its box's configured scale, and reading the book cost
    the writer one more statement per event. A job reuses the book the previous
    ingest job of the same batch held when no row changed on the connection
    since that job ended (``total_changes``: a box's configuration set by any
    other job in between changes rows), and reads it otherwise; a job that
    stored a health report (which may name boxes) leaves nothing to reuse.
    Connections without ``total_changes`` (PostgreSQL) read it in every job.
    Used on the writer thread only.
    """

    def __init__(self, batch: Callable[[], int]) -> None:
        #: The writer's batch number (``store.Writer.batches``).
        self._batch = batch
        self._book: ScaleBook | None = None
        #: Batch number and row changes when the last job ended with ``_book`` still true.
        self._valid_at: tuple[int, int] | None = None

    def _state(self, conn: Connection) -> tuple[int, int] | None:
        changes = getattr(conn, "total_changes", None)
        return None if changes is None else (self._batch(), changes)

    def job_started(self, conn: Connection) -> None:
        """A job begins: the book is kept only if nothing happened since the last one ended."""
        if self._valid_at is None or self._state(conn) != self._valid_at:
            self._book = None

    def book(self, conn: Connection) -> ScaleBook:
        if self._book is None:
            self._book = scale_book(conn)
        return self._book

    def job_ended(self, conn: Connection, *, boxes_changed: bool) -> None:
        """A job finished; one that may have changed boxes (a health report) drops the book."""
        if boxes_changed:
            self._book = None
        self._valid_at = self._state(conn)


def config_for(
    book: ScaleBook, dev_sno: str | None, ep_id: str | None, source_ip: str | None = None
) -> BoxScale | None:
    """The configuration of the box an event names, by the identity rules (``identity``).

    The licence code (``dev_sno``), else the box the ``ep_id`` prefix names (its
    MAC from V2R6 on; the licence code when the event has no ``dev_sno``), else —
    for an event naming no box at all (SE3 real-time pushes, WebSocket events) —
    the box its source address is.
    ``query.SCORE_PERCENT`` is the same rule in SQL.
    """
    if not book:
        return None
    named = False
    if dev_sno and dev_sno.strip():
        named = True
        hit = book.get(str(dev_sno).strip())
        if hit is not None:
            return hit
    key = identity.ep_id_key(ep_id)
    if key is not None and (key[0] == "mac" or not named):
        named = True
        alias = identity.alias_of(*key)
        if alias is not None and alias in book:
            return book[alias]
    if not named and source_ip:
        return book.get(f"ip:{source_ip}")
    return None


def percent_on(score: float | None, scale: str | None) -> float | None:
    """``score`` as a percentage when its scale is already known (an event's ``score_scale``)."""
    if score is None:
        return None
    if scale is None:
        return percent(score)
    return score if scale == SCALE_PERCENT else score * 100


def context_of(
    book: ScaleBook, score: float | None, dev_sno: str | None, ep_id: str | None,
    source_ip: str | None = None,
) -> tuple[str | None, float | None]:  # fmt: skip
    """``(scale, threshold)`` of one event, its box's configuration looked up in ``book``."""
    config = config_for(book, dev_sno, ep_id, source_ip)
    scale = event_scale(score, config)
    return scale, event_threshold(scale, config)
