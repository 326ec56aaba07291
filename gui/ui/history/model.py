"""The history table: a filter's events, fetched page by page from the store.

The store filters and sorts (``core.query``, keyset cursors for every sort),
this model only holds the rows fetched so far. Pages are read on worker
threads (``BackgroundWork`` asking the core's ``Reader``), so scrolling to the
end of a million events never blocks the GUI thread: each ``fetchMore`` asks for one more page and
returns at once. The total count is a second, slower query that arrives later.

The first column shows each row's face thumbnail. Like the live feed, the bytes
are read (``Reader.face_thumbnail``, so attached windows work too) and decoded
off the GUI thread; the QPixmap is made on the GUI thread when the decoded
image arrives and kept in a bounded LRU cache. Until then the cell paints a
placeholder, so scrolling never waits for a picture.
"""

from __future__ import annotations

import collections
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor, QImage, QPixmap

from gui.core.reader import EventFilter, EventPage, HistoryItem, Reader
from gui.ui.background import BackgroundWork
from gui.ui.pictures import decode_fitted
from gui.ui.views.words import (
    display_name,
    format_ms,
    format_score_of,
    person_type_colour,
    person_type_word,
)

PAGE_SIZE = 200
#: Rows kept in memory at most (about 80 MB). Beyond it the table says to narrow
#: the filter or export: nobody reads 200,000 rows, and the count stays exact.
MAX_ROWS = 200_000
Index = QModelIndex | QPersistentModelIndex
COLUMNS = (
    "face", "time", "name", "identity_id", "type", "score", "camera", "box", "warnings", "pinned",
)  # fmt: skip
#: Columns the header can sort by, and the core sort each one means.
SORTABLE = {"time": "time", "score": "score", "name": "name"}
#: Face thumbnails kept as QPixmaps at most (a few screens of rows).
THUMB_CACHE_SIZE = 512
#: Side of the face thumbnail in logical pixels (the rows are a little taller).
THUMB_SIZE = 32


def _load_thumb(reader: Reader, event_id: int, px: int) -> QImage | None:
    """Runs on a worker thread: the face thumbnail scaled to ``px``, or None (no face)."""
    data = reader.face_thumbnail(event_id)
    if data is None:
        return None
    # Pillow (inside decode_fitted), not QImage.fromData: Qt decodes with the GIL held.
    return decode_fitted(data, (px, px))


class HistoryModel(QAbstractTableModel):
    """Rows of the current filter and sort; ``set_query`` starts over."""

    count_changed = Signal(object)  # int, or None while counting
    loaded = Signal()
    failed = Signal(str)

    def __init__(self, work: BackgroundWork, parent: Any = None) -> None:
        super().__init__(parent)
        self.work = work
        self.filter = EventFilter()
        self.sort_name = "time"
        self.descending = True
        self.count: int | None = None
        self._rows: list[HistoryItem] = []
        self._row_of: dict[int, int] = {}  # event id -> row, to repaint a loaded thumbnail
        self._more = False
        self._busy = False
        self._generation = 0
        self.colours: dict[str, str] = {}
        #: False until the first query: header set-up must not start reads of its own.
        self.active = False
        #: event id -> its thumbnail, or None when the event has no face picture.
        self._thumbs: collections.OrderedDict[int, QPixmap | None] = collections.OrderedDict()
        self._thumb_pending: set[int] = set()
        self._placeholder: QPixmap | None = None
        #: Device pixel ratio of the view (thumbnails are decoded at device pixels).
        self.thumb_dpr = 1.0

    # -- Qt model API --------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        titles = {
            "face": self.tr("Face"), "time": self.tr("Time"), "name": self.tr("Name"),
            "identity_id": self.tr("ID"),
            "type": self.tr("Type"), "score": self.tr("Score"), "camera": self.tr("Camera"),
            "box": self.tr("Box"), "warnings": self.tr("Warnings"), "pinned": self.tr("Kept"),
        }  # fmt: skip
        return titles[COLUMNS[section]]

    def row_at(self, row: int) -> HistoryItem | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def data(self, index: Index, role: int = 0) -> Any:
        r = self.row_at(index.row())
        if r is None:
            return None
        column = COLUMNS[index.column()]
        if column == "face":
            if role == Qt.ItemDataRole.DecorationRole:
                return self._thumb(r.id)
            if role == Qt.ItemDataRole.UserRole:
                return r
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(r, column)
        if role == Qt.ItemDataRole.ForegroundRole and column == "type":
            return QColor(person_type_colour(r.person_type, self.colours))
        if role == Qt.ItemDataRole.UserRole:
            return r
        if role == Qt.ItemDataRole.TextAlignmentRole and column == "score":
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _text(self, r: HistoryItem, column: str) -> str:
        if column == "time":
            return format_ms(r.ts, millis=False)
        if column == "name":
            return display_name(r.name, r.identity_id, r.person_type)
        if column == "identity_id":
            return r.identity_id or ""
        if column == "type":
            return person_type_word(r.person_type)
        if column == "score":
            return format_score_of(r.score, r.score_scale, r.threshold)
        if column == "camera":
            return r.camera or ""
        if column == "box":
            return r.box or ""
        if column == "warnings":
            return r.warnings.replace(" ", ", ")
        return "★" if r.pinned else ""

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Header clicks: the store sorts (only by time, score and name: those have indexes)."""
        name = SORTABLE.get(COLUMNS[column])
        if name is None:
            return
        descending = order == Qt.SortOrder.DescendingOrder
        if (name, descending) == (self.sort_name, self.descending):
            return
        self.sort_name = name
        self.descending = descending
        if self.active:
            self.reload()

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self._more and not self._busy and len(self._rows) < MAX_ROWS

    @property
    def truncated(self) -> bool:
        """More rows match than the table will hold."""
        return self._more and len(self._rows) >= MAX_ROWS

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if not self.canFetchMore(parent) or not self._rows:
            return
        self._busy = True
        generation = self._generation
        flt, sort, desc, before = self.filter, self.sort_name, self.descending, self._rows[-1].key
        self.work.read(
            lambda reader: reader.events_page(
                flt, sort=sort, descending=desc, before=before, limit=PAGE_SIZE
            ),
            lambda page: self._append(page, generation),
            lambda exc: self._failed(exc, generation),
        )

    # -- loading ---------------------------------------------------------------------------

    def set_query(self, flt: EventFilter) -> None:
        self.filter = flt
        self.reload()

    def reload(self) -> None:
        """Start over with the current filter and sort: first page, then the count."""
        self.active = True
        self._generation += 1
        generation = self._generation
        flt, sort, desc = self.filter, self.sort_name, self.descending
        self._busy = True
        self.count = None
        self.count_changed.emit(None)
        self.work.read(
            lambda reader: reader.events_page(flt, sort=sort, descending=desc, limit=PAGE_SIZE),
            lambda page: self._replace(page, generation),
            lambda exc: self._failed(exc, generation),
        )
        self.work.read(
            lambda reader: reader.count_events(flt),
            lambda n: self._counted(n, generation),
            lambda exc: self._failed(exc, generation),
        )

    def _replace(self, page: EventPage, generation: int) -> None:
        if generation != self._generation:
            return
        self._busy = False
        self.beginResetModel()
        self._rows = list(page.rows)
        self._row_of = {r.id: i for i, r in enumerate(self._rows)}
        self._more = page.more
        self.endResetModel()
        self.loaded.emit()

    def _append(self, page: EventPage, generation: int) -> None:
        if generation != self._generation:
            return
        self._busy = False
        self._more = page.more
        if page.rows:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(page.rows) - 1)
            self._rows.extend(page.rows)
            self._row_of.update((r.id, first + i) for i, r in enumerate(page.rows))
            self.endInsertRows()

    def _counted(self, n: int, generation: int) -> None:
        if generation == self._generation:
            self.count = n
            self.count_changed.emit(n)

    def _failed(self, exc: BaseException, generation: int) -> None:
        if generation == self._generation:
            self._busy = False
            self.failed.emit(str(exc))

    # -- face thumbnails -------------------------------------------------------------------------

    def thumb_state(self, event_id: int) -> str:
        """``"loaded"``, ``"none"`` (the event has no face picture) or ``"loading"``."""
        if event_id in self._thumbs:
            return "none" if self._thumbs[event_id] is None else "loaded"
        return "loading"

    def _thumb(self, event_id: int) -> QPixmap | None:
        """The cached thumbnail; the placeholder while it loads (the load starts here)."""
        if event_id in self._thumbs:
            self._thumbs.move_to_end(event_id)
            return self._thumbs[event_id]
        if event_id not in self._thumb_pending:
            self._thumb_pending.add(event_id)
            px = max(1, round(THUMB_SIZE * self.thumb_dpr))
            self.work.read(
                lambda reader: _load_thumb(reader, event_id, px),
                lambda image: self._thumb_loaded(event_id, image),
                lambda _exc: self._thumb_pending.discard(event_id),
            )
        return self.placeholder()

    def placeholder(self) -> QPixmap:
        """A plain tile the size of a thumbnail, shown while the picture loads."""
        if self._placeholder is None:
            self._placeholder = QPixmap(THUMB_SIZE, THUMB_SIZE)
            self._placeholder.fill(QColor(128, 128, 128, 60))
        return self._placeholder

    def _thumb_loaded(self, event_id: int, image: QImage | None) -> None:
        """On the GUI thread: the QPixmap is made here, cached, and its cell repainted."""
        self._thumb_pending.discard(event_id)
        pixmap = None
        if image is not None and not image.isNull():
            pixmap = QPixmap.fromImage(image)
            pixmap.setDevicePixelRatio(self.thumb_dpr)
        self._thumbs[event_id] = pixmap
        while len(self._thumbs) > THUMB_CACHE_SIZE:
            self._thumbs.popitem(last=False)
        column = COLUMNS.index("face")
        row = self._row_of.get(event_id)
        if row is not None and row < len(self._rows) and self._rows[row].id == event_id:
            index = self.index(row, column)
            self.dataChanged.emit(index, index, [Qt.ItemDataRole.DecorationRole])

    def set_pinned(self, event_id: int, pinned: bool) -> None:
        """Reflect a pin change made elsewhere without reloading."""
        for i, r in enumerate(self._rows):
            if r.id == event_id:
                from dataclasses import replace

                self._rows[i] = replace(r, pinned=pinned)
                column = COLUMNS.index("pinned")
                self.dataChanged.emit(self.index(i, column), self.index(i, column))
                return
