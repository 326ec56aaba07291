"""The live feed: newest arrival first, bounded in memory, backed by the store.

Rows are small frozen records (no image bytes). The model holds at most
``max_rows`` of them: the newest page is loaded at start, older pages come on
scroll (``canFetchMore``/``fetchMore``) up to the cap, and inserting at the top
trims the tail. Older events than that are for the History page. Face
thumbnails are decoded off the GUI thread and kept as QPixmaps in a bounded LRU
cache: read from the store for rows loaded from it, taken from the core's
``FaceThumbReady`` message for new arrivals (made just after the box's reply).

Ordering is by arrival (``id``), not by the box's timestamp: a history upload
of yesterday's events shows at the top of the live feed, because it just arrived.
"""

from __future__ import annotations

import collections
import logging
import time
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QImage, QPixmap

from gui.core.messages import EventStored, FaceThumbReady
from gui.core.model import EventBrief, EventSummary
from gui.core.reader import Reader
from gui.ui import plain
from gui.ui.background import BackgroundWork
from gui.ui.pictures import decode_fitted
from gui.ui.views import words

log = logging.getLogger(__name__)

PAGE_SIZE = 100
DEFAULT_MAX_ROWS = 500
THUMB_CACHE_SIZE = 256
#: Arrivals within this many ms are inserted together (one repaint).
BATCH_MS = 40
_ROW_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
_NO_FLAGS = Qt.ItemFlag.NoItemFlags


def fetch_feed_rows(reader: Reader, *, before_id: int | None, limit: int) -> list[EventBrief]:
    """A page of feed rows, newest arrival first (a primary-key range scan)."""
    return reader.latest_events(limit, before_id=before_id)


def _decode_thumb(reader: Reader, event_id: int, size: int) -> QImage | None:
    """Runs on a worker thread: the face thumbnail, already scaled to the size it is drawn at."""
    data = reader.face_thumbnail(event_id)
    if data is None:
        return None
    # Pillow, not QImage.fromData: Qt decodes with the GIL held (GUI stalls).
    return decode_fitted(data, (size, size))


class FeedModel(QAbstractListModel):
    """Newest-first events; one row each. ``RowRole`` gives the ``EventBrief``."""

    RowRole = Qt.ItemDataRole.UserRole + 1
    ThumbRole = Qt.ItemDataRole.UserRole + 2
    ColourRole = Qt.ItemDataRole.UserRole + 3
    TypeWordRole = Qt.ItemDataRole.UserRole + 4

    #: New events arrived while not following; the count since the user stopped following.
    pending_changed = Signal(int)
    #: The first page is in.
    loaded = Signal()

    def __init__(
        self,
        work: BackgroundWork,
        *,
        max_rows: int = DEFAULT_MAX_ROWS,
        colours: dict[str, str] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._work = work  # pages: never queued behind thumbnails (their own lane below)
        self._thumb_work = work.lane(self)
        self.max_rows = max_rows
        self.colours = colours or {}
        self._rows: list[EventBrief] = []
        self._index: dict[int, EventBrief] = {}
        self._exhausted = False  # no older rows in the store
        self._fetching = False
        self._following = True
        self._pending = 0
        self._loaded = False
        self._generation = 0
        #: Arrivals while the newest page is being read (a reload): merged into that page
        #: when it comes, since the read may have run before they were committed.
        self._reloading = False
        self._arrived_during_reload: dict[int, EventSummary] = {}
        self._colour_cache: dict[int | None, str] = {}
        self._incoming: list[EventSummary] = []
        self._batch_timer = QTimer(self)
        self._batch_timer.setSingleShot(True)
        self._batch_timer.timeout.connect(self.flush)
        self._thumbs: collections.OrderedDict[int, QPixmap | None] = collections.OrderedDict()
        self._thumb_pending: set[int] = set()
        #: Announced thumbnails waiting to be decoded together (one job, one repaint).
        self._thumbs_incoming: list[tuple[int, bytes]] = []
        self._thumb_timer = QTimer(self)
        self._thumb_timer.setSingleShot(True)
        self._thumb_timer.timeout.connect(self._decode_announced)
        #: received_at of rows as they were inserted (for "last seen" figures).
        self.last_insert_at: float | None = None
        #: Thumbnails are scaled off-thread to this many device pixels (the delegate's size).
        self.thumb_px = 52
        self.thumb_dpr = 1.0

    # -- Qt model API -------------------------------------------------------------

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return words.row_name(row)
        if role == self.RowRole:
            return row
        if role == self.ThumbRole:
            return self._thumb(row.id)
        if role == self.ColourRole:
            return self.colour_of(row)
        if role == self.TypeWordRole:
            return words.person_type_word(row.person_type)
        if role == Qt.ItemDataRole.ToolTipRole:
            # Qt guesses whether a tooltip is rich text: escape box strings so a name
            # like "<img src=...>" shows literally.
            when = words.format_ms(row.timestamp)
            return plain.tooltip(f"{words.row_name(row)}\n{row.device}\n{when}")
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{words.row_name(row)}, {words.person_type_word(row.person_type)}"
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        # Asked by the selection model per row: constants, not enum arithmetic per call.
        return _ROW_FLAGS if index.isValid() else _NO_FLAGS

    def canFetchMore(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> bool:  # noqa: B008
        if parent.isValid():
            return False
        return (
            self._loaded
            and not self._exhausted
            and not self._fetching
            and len(self._rows) < self.max_rows
        )

    def fetchMore(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> None:  # noqa: B008
        if not self.canFetchMore(parent):
            return
        self._fetching = True
        before = self._rows[-1].id if self._rows else None
        limit = min(PAGE_SIZE, self.max_rows - len(self._rows))
        generation = self._generation
        self._work.read(
            lambda reader: fetch_feed_rows(reader, before_id=before, limit=limit),
            lambda rows: self._append_page(rows, generation, limit),
            lambda exc: self._fetch_failed(exc, generation),
        )

    # -- loading --------------------------------------------------------------------

    def reload(self) -> None:
        """Drop everything and load the newest page (also "jump to newest")."""
        self._generation += 1
        generation = self._generation
        self._fetching = True
        self._reloading = True
        self._batch_timer.stop()
        for summary in self._incoming:  # queued before the read starts: kept for its merge
            self._arrived_during_reload[summary.id] = summary
        self._incoming.clear()
        limit = min(PAGE_SIZE, self.max_rows)
        self._work.read(
            lambda reader: fetch_feed_rows(reader, before_id=None, limit=limit),
            lambda rows: self._replace(rows, generation, limit),
            lambda exc: self._fetch_failed(exc, generation),
        )

    def _fetch_failed(self, exc: BaseException, generation: int) -> None:
        if generation == self._generation:
            self._fetching = False
            if self._reloading:
                # The rows shown stay: what arrived meanwhile goes on top of them (or, with
                # nothing loaded yet, waits for the next newest page, which will hold it).
                self._incoming[0:0] = list(self._end_reload().values())
                self.flush()
        log.warning("feed read failed: %s", exc)

    def _replace(self, rows: list[EventBrief], generation: int, limit: int) -> None:
        if generation != self._generation:
            return
        self._exhausted = len(rows) < limit
        rows = self._with_arrivals(rows, exhausted=self._exhausted)
        self.beginResetModel()
        self._rows = rows
        self._index = {r.id: r for r in self._rows}
        self.endResetModel()
        self._fetching = False
        self._loaded = True
        self._following = True
        self._set_pending(0)
        self.loaded.emit()

    def _end_reload(self) -> dict[int, EventSummary]:
        """The reload is over (read or failed): hand over what arrived while it ran."""
        self._reloading = False
        held, self._arrived_during_reload = self._arrived_during_reload, {}
        return held

    def _with_arrivals(self, page: list[EventBrief], *, exhausted: bool) -> list[EventBrief]:
        """The newest page with what was announced while it was read, newest first.

        An arrival the page holds replaces its row (it may be newer: merged into); a new
        one goes in by id unless it is older than the whole page of a store with more.
        """
        held = self._end_reload()
        if not held:
            return list(page)
        by_id: dict[int, EventBrief] = {r.id: r for r in page}
        oldest = page[-1].id if page and not exhausted else None
        for summary in held.values():
            known = summary.id in by_id
            if known or (not summary.merged and (oldest is None or summary.id > oldest)):
                by_id[summary.id] = summary
        rows = sorted(by_id.values(), key=lambda r: r.id, reverse=True)
        return rows[: self.max_rows]

    def _append_page(self, rows: list[EventBrief], generation: int, limit: int) -> None:
        if generation != self._generation:
            return
        self._fetching = False
        known = self._index
        rows = [r for r in rows if r.id not in known]
        if self._rows:
            rows = [r for r in rows if r.id < self._rows[-1].id]
        self._exhausted = len(rows) < limit
        room = self.max_rows - len(self._rows)
        rows = rows[:room]
        if not rows:
            return
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
        self._rows.extend(rows)
        for r in rows:
            known[r.id] = r
        self.endInsertRows()

    # -- live arrivals ----------------------------------------------------------------

    @property
    def following(self) -> bool:
        return self._following

    @property
    def pending(self) -> int:
        return self._pending

    def set_following(self, following: bool) -> None:
        """The view says whether the user is at the top (following) or looking at older rows."""
        if following == self._following:
            return
        self._following = following
        if following and self._pending:
            self.reload()

    def _set_pending(self, n: int) -> None:
        if n != self._pending:
            self._pending = n
            self.pending_changed.emit(n)

    def on_event_stored(self, message: EventStored) -> None:
        self.add_event(message.summary)

    def add_event(self, summary: EventSummary) -> None:
        """A stored event from the bridge; applied with others that arrive within BATCH_MS.

        One insert (and one repaint) per batch instead of per event keeps the GUI
        thread light when boxes send bursts.
        """
        self._incoming.append(summary)
        if not self._batch_timer.isActive():
            self._batch_timer.start(BATCH_MS)

    def flush(self) -> None:
        """Apply the queued arrivals now: merged rows update in place, new ones go on top."""
        self._batch_timer.stop()
        items, self._incoming = self._incoming, []
        if self._reloading:
            for summary in items:
                self._arrived_during_reload[summary.id] = summary
            return
        fresh: dict[int, EventBrief] = {}
        for summary in items:
            if summary.id in self._index:
                self._update_row(summary)
                continue
            if summary.id in fresh:
                fresh[summary.id] = summary
                continue
            if summary.merged or not self._loaded:
                continue  # not held / the first page read will include it
            if self._rows and summary.id < self._rows[0].id:
                continue  # arrived out of order; already covered by a page read
            if not self._following:
                self._set_pending(self._pending + 1)
                continue
            fresh[summary.id] = summary
        if not fresh:
            return
        rows = sorted(fresh.values(), key=lambda r: r.id, reverse=True)
        self.beginInsertRows(QModelIndex(), 0, len(rows) - 1)
        self._rows[0:0] = rows
        for row in rows:
            self._index[row.id] = row
        self.endInsertRows()
        self.last_insert_at = time.monotonic()
        if len(self._rows) > self.max_rows:
            first = self.max_rows
            self.beginRemoveRows(QModelIndex(), first, len(self._rows) - 1)
            for r in self._rows[first:]:
                self._index.pop(r.id, None)
            del self._rows[first:]
            self.endRemoveRows()
            self._exhausted = False

    def _update_row(self, row: EventBrief) -> None:
        i = self._row_of(row.id)
        if i is None:
            return
        self._rows[i] = row
        self._index[row.id] = row
        if row.id in self._thumbs and self._thumbs[row.id] is None:
            del self._thumbs[row.id]  # a merged copy may bring the picture
        ix = self.index(i)
        self.dataChanged.emit(ix, ix)

    def _row_of(self, event_id: int) -> int | None:
        """Rows are in descending id order: binary search."""
        lo, hi = 0, len(self._rows)
        while lo < hi:
            mid = (lo + hi) // 2
            mid_id = self._rows[mid].id
            if mid_id == event_id:
                return mid
            if mid_id > event_id:
                lo = mid + 1
            else:
                hi = mid
        return None

    def row_of(self, event_id: int) -> int | None:
        return self._row_of(event_id)

    def row_at(self, row: int) -> EventBrief | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def set_colours(self, colours: dict[str, str]) -> None:
        self.colours = dict(colours)
        self._colour_cache.clear()
        if self._rows:
            self.dataChanged.emit(self.index(0), self.index(len(self._rows) - 1))

    # -- thumbnails --------------------------------------------------------------------

    def thumb_for(self, event_id: int) -> QPixmap | None:
        """The cached thumbnail, or None while it loads (loading starts here)."""
        return self._thumb(event_id)

    def colour_of(self, row: EventBrief) -> str:
        colour = self._colour_cache.get(row.person_type)
        if colour is None:
            colour = words.person_type_colour(row.person_type, self.colours)
            self._colour_cache[row.person_type] = colour
        return colour

    def _thumb(self, event_id: int) -> QPixmap | None:
        if event_id in self._thumbs:
            self._thumbs.move_to_end(event_id)
            return self._thumbs[event_id]
        if event_id not in self._thumb_pending:
            self._thumb_pending.add(event_id)
            size = self.thumb_px
            self._thumb_work.read(
                lambda reader: _decode_thumb(reader, event_id, size),
                lambda image: self._thumb_loaded(event_id, image),
                lambda _exc: self._thumb_pending.discard(event_id),
            )
        return None

    def on_face_thumb_ready(self, message: FaceThumbReady) -> None:
        """The core committed an event's face thumbnail: show it (decoded off the GUI thread).

        A row painted before that found no thumbnail and shows the placeholder
        until this arrives; nothing polls the store for it. Announcements within
        BATCH_MS are decoded in one job and shown with one repaint.
        """
        event_id = message.event_id
        if event_id not in self._index and all(s.id != event_id for s in self._incoming):
            return  # not shown: read when it is (scrolling back)
        self._thumb_pending.add(event_id)
        self._thumbs_incoming.append((event_id, message.thumb))
        if not self._thumb_timer.isActive():
            self._thumb_timer.start(BATCH_MS)

    def _decode_announced(self) -> None:
        batch, self._thumbs_incoming = self._thumbs_incoming, []
        if not batch:
            return
        size = self.thumb_px
        ids = [event_id for event_id, _data in batch]

        def decode_all() -> list[tuple[int, QImage | None]]:
            return [(event_id, decode_fitted(data, (size, size))) for event_id, data in batch]

        def failed(_exc: BaseException) -> None:
            self._thumb_pending.difference_update(ids)

        self._thumb_work.run(decode_all, self._thumbs_decoded, failed)

    def _thumbs_decoded(self, decoded: list[tuple[int, QImage | None]]) -> None:
        rows = [r for r in (self._store_thumb(i, image) for i, image in decoded) if r is not None]
        if rows:
            self.dataChanged.emit(self.index(min(rows)), self.index(max(rows)), [self.ThumbRole])

    def _thumb_loaded(self, event_id: int, image: QImage | None) -> None:
        i = self._store_thumb(event_id, image)
        if i is not None:
            ix = self.index(i)
            self.dataChanged.emit(ix, ix, [self.ThumbRole])

    def _store_thumb(self, event_id: int, image: QImage | None) -> int | None:
        """Keep a decoded thumbnail as a QPixmap; the row it shows on, if any."""
        self._thumb_pending.discard(event_id)
        if image is None:
            if self._thumbs.get(event_id) is not None:
                return None  # a read that began before the announced thumbnail was committed
            pixmap = None
        else:
            pixmap = QPixmap.fromImage(image)
            pixmap.setDevicePixelRatio(self.thumb_dpr)
        self._thumbs[event_id] = pixmap
        while len(self._thumbs) > THUMB_CACHE_SIZE:
            self._thumbs.popitem(last=False)
        return self._row_of(event_id)

    @property
    def thumbs_settling(self) -> bool:
        """Thumbnails being read or decoded for rows: a repaint after them will differ."""
        return bool(self._thumb_pending or self._thumbs_incoming)

    @property
    def thumb_cache_size(self) -> int:
        return len(self._thumbs)
