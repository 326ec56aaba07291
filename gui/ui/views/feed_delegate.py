"""Paints one feed row: face thumbnail, name, person-type badge, score, device, time.

Painting (not widgets per row) keeps thousands of rows cheap; ``drawText`` never
interprets markup, so box strings stay plain text.
"""

from __future__ import annotations

import collections
import datetime as dt
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPointF, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPixmap
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from gui.core.model import EventBrief
from gui.ui import i18n
from gui.ui.models.feed import FeedModel
from gui.ui.views import words

ROW_HEIGHT = 64
THUMB = 52
#: Rendered rows kept for blitting (a screenful or two; ~100 KB each at 1x).
ROW_CACHE_SIZE = 96
_SELECTED = QStyle.StateFlag.State_Selected


@dataclass(frozen=True)
class PaintContext:
    """Per paint: the style option, the row size, the device pixel ratio, the cache key part."""

    option: QStyleOptionViewItem
    left: int
    width: int
    height: int
    dpr: float
    key: tuple[Any, ...]


class FeedDelegate(QStyledItemDelegate):
    """Fonts and metrics are made once per base font, not per row per paint."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._font_key: str | None = None
        self._font_cache: tuple[QFont, QFontMetrics, QFont, QFontMetrics, QFont] | None = None
        self._rows: collections.OrderedDict[tuple[Any, ...], QPixmap] = collections.OrderedDict()
        #: Framed face thumbnails: key -> (the model's thumbnail, framed copy).
        self._thumbs: collections.OrderedDict[tuple[Any, ...], tuple[QPixmap, QPixmap]] = (
            collections.OrderedDict()
        )
        #: Rows rendered so far (the view budgets renders per paint with it).
        self.renders = 0

    def _fonts(self, base: QFont) -> tuple[QFont, QFontMetrics, QFont, QFontMetrics, QFont]:
        key = base.key()
        if self._font_cache is None or key != self._font_key:
            bold = QFont(base)
            bold.setBold(True)
            bold.setPointSizeF(base.pointSizeF() * 1.1)
            small = QFont(base)
            small.setPointSizeF(base.pointSizeF() * 0.9)
            big = QFont(base)
            big.setPointSizeF(base.pointSizeF() * 1.8)
            big.setBold(True)
            self._font_cache = (bold, QFontMetrics(bold), small, QFontMetrics(small), big)
            self._font_key = key
        return self._font_cache

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        return QSize(max(option.rect.width(), 280), ROW_HEIGHT)

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        self.paint_row(painter, option, index, render=True)

    def paint_row(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
        render: bool,
    ) -> bool:
        """One row through the per-paint path (``begin``/``blit_row``); see ``blit_row``."""
        model = index.model()
        if not isinstance(model, FeedModel):
            return True
        rect = option.rect
        selected = bool(option.state & _SELECTED)
        context = self.begin(painter, option, rect.left(), rect.width(), rect.height())
        return self.blit_row(painter, context, model, index.row(), rect.top(), selected, render)

    def begin(
        self, painter: QPainter, option: QStyleOptionViewItem, left: int, width: int, height: int
    ) -> PaintContext:
        """What every row of one paint shares, asked of Qt once per paint, not per row."""
        palette = option.palette
        return PaintContext(
            option=option,
            left=left,
            width=width,
            height=height,
            dpr=painter.device().devicePixelRatioF(),
            key=(width, height, i18n.current_language(), palette.cacheKey(), option.font.key(),
                 dt.date.today()),
        )  # fmt: skip

    def blit_row(
        self,
        painter: QPainter,
        context: PaintContext,
        model: FeedModel,
        r: int,
        y: int,
        selected: bool,
        render: bool,
    ) -> bool:
        """Blit row ``r`` at ``y`` from a cache; render it only when something it shows changed.

        With ``render`` False a row not in the cache gets a stand-in and False
        is returned: the view paints it again on the next turn of the event
        loop, so one paint never renders a whole screenful of new rows while the
        receiver keeps the CPU busy. The stand-in is the row as rendered with
        the other selection state when the cache has it (a row that just lost
        or gained the selection keeps its text for that turn), else one or two
        Qt calls (its person-type stripe).

        Few Qt calls per row matter: each one may hand the GIL to the core
        thread, and a busy receiver would then stretch every paint. A cached
        row costs one blit, plus one for its face thumbnail (framed once, kept).
        """
        row = model.row_at(r)
        if row is None:
            return True
        thumb = model.thumb_for(row.id)
        colour = model.colour_of(row)
        key = (row, selected, colour, context.key)
        pixmap = self._rows.get(key)
        finished = True
        if pixmap is not None:
            self._rows.move_to_end(key)
        elif render:
            pixmap = self._render_row(context, row, colour, selected)
            self.renders += 1
            self._rows[key] = pixmap
            while len(self._rows) > ROW_CACHE_SIZE:
                self._rows.popitem(last=False)
        else:
            finished = False
            pixmap = self._rows.get((row, not selected, colour, context.key))
            if pixmap is None:
                option = context.option
                left = context.left
                if selected:
                    painter.fillRect(QRect(left, y, context.width, context.height),
                                     option.palette.highlight())  # fmt: skip
                painter.fillRect(QRect(left, y, 4, context.height), QColor(colour))
                return False
        painter.drawPixmap(context.left, y, pixmap)
        # The face goes on top, so its late arrival does not re-render the row.
        if thumb is not None:
            framed = self._framed_thumb(context, row.id, thumb, colour)
            if framed is not None:
                painter.drawPixmap(context.left + 10, y + (context.height - THUMB) // 2, framed)
        return finished

    def _render_row(
        self, context: PaintContext, row: EventBrief, colour: str, selected: bool
    ) -> QPixmap:
        option, dpr = context.option, context.dpr
        width, height = context.width, context.height
        pixmap = QPixmap(round(width * dpr), round(height * dpr))
        pixmap.setDevicePixelRatio(dpr)
        pixmap.fill(option.palette.base().color())
        p = QPainter(pixmap)
        self._render(p, QRect(0, 0, width, height), option, row, QColor(colour),
                     words.person_type_word(row.person_type), selected)  # fmt: skip
        p.end()
        return pixmap

    def _framed_thumb(
        self, context: PaintContext, event_id: int, thumb: QPixmap, colour: str
    ) -> QPixmap | None:
        """The face thumbnail on its tile with the person-type frame, made once per face.

        Transparent outside the rounded tile, so it suits selected rows too.
        """
        key = (event_id, colour, context.dpr, context.key[3])
        entry = self._thumbs.get(key)
        if entry is not None and entry[0] is thumb:
            self._thumbs.move_to_end(key)
            return entry[1]
        if thumb.isNull():
            return None
        dpr = context.dpr
        framed = QPixmap(round(THUMB * dpr), round(THUMB * dpr))
        framed.setDevicePixelRatio(dpr)
        framed.fill(Qt.GlobalColor.transparent)
        p = QPainter(framed)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        tile = QRectF(0, 0, THUMB, THUMB)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(context.option.palette.mid())
        p.drawRoundedRect(tile, 6, 6)
        # Already scaled off-thread to THUMB device-independent pixels: a plain blit.
        size = thumb.deviceIndependentSize()
        if size.width() <= THUMB + 1 and size.height() <= THUMB + 1:
            x = (THUMB - size.width()) / 2
            y = (THUMB - size.height()) / 2
            p.drawPixmap(QPointF(round(x), round(y)), thumb)
        else:
            p.drawPixmap(tile, thumb, QRectF(thumb.rect()))
        p.setPen(QColor(colour))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawRoundedRect(tile.adjusted(0.5, 0.5, -0.5, -0.5), 6, 6)
        p.end()
        self._thumbs[key] = (thumb, framed)
        while len(self._thumbs) > ROW_CACHE_SIZE:
            self._thumbs.popitem(last=False)
        return framed

    def _render(
        self,
        painter: QPainter,
        rect: QRect,
        option: QStyleOptionViewItem,
        row: EventBrief,
        colour: QColor,
        word: str,
        selected: bool,
    ) -> None:
        """Everything but the face thumbnail (painted on top per paint)."""
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = option.palette
        if selected:
            painter.fillRect(rect, palette.highlight())
        else:
            # a hairline between rows (alternating colours would re-render every row
            # each time an odd number of events is inserted above them)
            painter.fillRect(QRect(rect.left(), rect.bottom(), rect.width(), 1), palette.midlight())
        text_colour = palette.highlightedText().color() if selected else palette.text().color()

        # person-type stripe on the left edge
        painter.fillRect(QRect(rect.left(), rect.top(), 4, rect.height()), colour)

        thumb_rect = QRect(
            rect.left() + 10, rect.top() + (rect.height() - THUMB) // 2, THUMB, THUMB
        )
        # The tile with the name's initial shows until the face arrives (drawn over it).
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(palette.mid())
        painter.drawRoundedRect(QRectF(thumb_rect), 6, 6)
        painter.setFont(self._fonts(option.font)[4])
        painter.setPen(QColor("white"))
        initial = (words.row_name(row) or "?")[:1].upper()
        painter.drawText(thumb_rect, int(Qt.AlignmentFlag.AlignCenter), initial)
        painter.setPen(colour)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRoundedRect(QRectF(thumb_rect).adjusted(0.5, 0.5, -0.5, -0.5), 6, 6)

        left = thumb_rect.right() + 10
        right = rect.right() - 8
        bold, fm_bold, small, fm_small, _big = self._fonts(option.font)

        # right column: time and score
        time_text = words.format_feed_time(row.timestamp or row.received_at)
        score_text = words.format_score_of(row.score, row.score_scale, row.threshold)
        painter.setFont(small)
        painter.setPen(text_colour)
        time_w = max(fm_small.horizontalAdvance(time_text), fm_small.horizontalAdvance(score_text))
        top_line = QRect(left, rect.top() + 8, right - left, fm_bold.height())
        painter.drawText(
            QRect(right - time_w, top_line.top(), time_w, top_line.height()),
            int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
            time_text,
        )

        # badge
        badge_w = fm_small.horizontalAdvance(word) + 12
        name_w = right - time_w - 12 - badge_w - 8 - left
        painter.setFont(bold)
        shown = words.row_name(row) or "—"
        name = fm_bold.elidedText(shown, Qt.TextElideMode.ElideRight, max(name_w, 20))
        painter.drawText(
            QRect(left, top_line.top(), max(name_w, 20), top_line.height()),
            int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
            name,
        )
        badge_x = left + min(fm_bold.horizontalAdvance(name), max(name_w, 20)) + 8
        badge = QRectF(badge_x, top_line.top() + 2, badge_w, top_line.height() - 4)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colour)
        painter.drawRoundedRect(badge, 4, 4)
        painter.setFont(small)
        painter.setPen(QColor("white"))
        painter.drawText(badge, int(Qt.AlignmentFlag.AlignCenter), word)

        # second line: device ... score
        painter.setPen(text_colour)
        second = QRect(left, top_line.bottom() + 6, right - left, fm_small.height())
        painter.drawText(
            QRect(right - time_w, second.top(), time_w, second.height()),
            int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
            score_text,
        )
        device = row.device
        if row.warning_count:
            device = f"⚠ {row.warning_count}  {device}"
        device = fm_small.elidedText(
            device, Qt.TextElideMode.ElideRight, second.width() - time_w - 12
        )
        painter.drawText(
            second, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), device
        )
        painter.restore()
