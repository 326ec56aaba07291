"""Paints one feed row: face thumbnail, name, person-type badge, score, device, time.

Painting (not widgets per row) keeps thousands of rows cheap; ``drawText`` never
interprets markup, so box strings stay plain text.
"""

from __future__ import annotations

import collections
import datetime as dt
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


class FeedDelegate(QStyledItemDelegate):
    """Fonts and metrics are made once per base font, not per row per paint."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._font_key: str | None = None
        self._font_cache: tuple[QFont, QFontMetrics, QFont, QFontMetrics, QFont] | None = None
        self._rows: collections.OrderedDict[tuple[Any, ...], QPixmap] = collections.OrderedDict()
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
        """Blit the row from a cache; render it only when something it shows changed.

        With ``render`` False a row not in the cache gets a stand-in of one or
        two Qt calls (its person-type stripe) and False is returned: the view
        paints it again on the next turn of the event loop, so one paint never
        renders a whole screenful of new rows while the receiver keeps the CPU
        busy.

        Few Qt calls per row matter: each one may hand the GIL to the core
        thread, and a busy receiver would then stretch every paint.
        """
        model = index.model()
        r = index.row()
        row = model.row_at(r) if isinstance(model, FeedModel) else None
        if row is None:
            return True
        rect = option.rect
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        thumb = model.thumb_for(row.id)
        colour = model.colour_of(row)
        key = (
            row, selected, rect.width(), rect.height(), colour, i18n.current_language(),
            option.palette.cacheKey(), option.font.key(), dt.date.today(),
        )  # fmt: skip
        pixmap = self._rows.get(key)
        if pixmap is not None:
            self._rows.move_to_end(key)
            painter.drawPixmap(rect.topLeft(), pixmap)
        elif render:
            dpr = painter.device().devicePixelRatioF()
            pixmap = QPixmap(round(rect.width() * dpr), round(rect.height() * dpr))
            pixmap.setDevicePixelRatio(dpr)
            pixmap.fill(option.palette.base().color())
            p = QPainter(pixmap)
            self._render(p, QRect(0, 0, rect.width(), rect.height()), option, row,
                         QColor(colour), words.person_type_word(row.person_type),
                         selected)  # fmt: skip
            p.end()
            self.renders += 1
            self._rows[key] = pixmap
            while len(self._rows) > ROW_CACHE_SIZE:
                self._rows.popitem(last=False)
            painter.drawPixmap(rect.topLeft(), pixmap)
        else:
            if selected:
                painter.fillRect(rect, option.palette.highlight())
            painter.fillRect(QRect(rect.left(), rect.top(), 4, rect.height()), QColor(colour))
            return False
        # The face goes on top, so its late arrival does not re-render the row.
        self._paint_thumb(painter, rect, option, row, thumb, QColor(colour))
        return True

    def _paint_thumb(
        self,
        painter: QPainter,
        rect: QRect,
        option: QStyleOptionViewItem,
        row: EventBrief,
        pixmap: QPixmap | None,
        colour: QColor,
    ) -> None:
        thumb_rect = QRect(
            rect.left() + 10, rect.top() + (rect.height() - THUMB) // 2, THUMB, THUMB
        )
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if pixmap is not None and not pixmap.isNull():
            # Already scaled off-thread to THUMB device-independent pixels: a plain blit.
            size = pixmap.deviceIndependentSize()
            x = thumb_rect.left() + (THUMB - size.width()) / 2
            y = thumb_rect.top() + (THUMB - size.height()) / 2
            if size.width() <= THUMB + 1 and size.height() <= THUMB + 1:
                painter.drawPixmap(QPointF(round(x), round(y)), pixmap)
            else:
                painter.drawPixmap(QRectF(thumb_rect), pixmap, QRectF(pixmap.rect()))
        else:
            initial = (words.row_name(row) or "?")[:1].upper()
            painter.setFont(self._fonts(option.font)[4])
            painter.setPen(QColor("white"))
            painter.drawText(thumb_rect, int(Qt.AlignmentFlag.AlignCenter), initial)
        painter.setPen(colour)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRoundedRect(QRectF(thumb_rect).adjusted(0.5, 0.5, -0.5, -0.5), 6, 6)
        painter.restore()

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
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(palette.mid())
        painter.drawRoundedRect(QRectF(thumb_rect), 6, 6)  # shows until the face arrives

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
