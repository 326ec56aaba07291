"""Paints one feed row: face thumbnail, name, person-type badge, score, device, time.

Painting (not widgets per row) keeps thousands of rows cheap; ``drawText`` never
interprets markup, so box strings stay plain text.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPixmap
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from gui.ui.models.feed import FeedModel, FeedRow
from gui.ui.views import words

ROW_HEIGHT = 64
THUMB = 52


class FeedDelegate(QStyledItemDelegate):
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
        row: FeedRow | None = index.data(FeedModel.RowRole)
        if row is None:
            return
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = option.rect
        palette = option.palette
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        if selected:
            painter.fillRect(rect, palette.highlight())
        elif index.row() % 2:
            painter.fillRect(rect, palette.alternateBase())
        text_colour = palette.highlightedText().color() if selected else palette.text().color()
        colour = QColor(index.data(FeedModel.ColourRole) or "#9E9E9E")

        # person-type stripe on the left edge
        painter.fillRect(QRect(rect.left(), rect.top(), 4, rect.height()), colour)

        thumb_rect = QRect(
            rect.left() + 10, rect.top() + (rect.height() - THUMB) // 2, THUMB, THUMB
        )
        pixmap: QPixmap | None = index.data(FeedModel.ThumbRole)
        if pixmap is not None and not pixmap.isNull():
            scaled = pixmap.scaled(
                thumb_rect.size(),
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
            x = thumb_rect.left() + (THUMB - scaled.width()) // 2
            y = thumb_rect.top() + (THUMB - scaled.height()) // 2
            painter.drawPixmap(x, y, scaled)
        else:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(palette.mid())
            painter.drawRoundedRect(QRectF(thumb_rect), 6, 6)
            initial = (row.name or "?")[:1].upper()
            big = QFont(option.font)
            big.setPointSizeF(option.font.pointSizeF() * 1.8)
            big.setBold(True)
            painter.setFont(big)
            painter.setPen(QColor("white"))
            painter.drawText(thumb_rect, int(Qt.AlignmentFlag.AlignCenter), initial)
        painter.setPen(colour)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRoundedRect(QRectF(thumb_rect).adjusted(0.5, 0.5, -0.5, -0.5), 6, 6)

        left = thumb_rect.right() + 10
        right = rect.right() - 8
        base = QFont(option.font)
        bold = QFont(base)
        bold.setBold(True)
        bold.setPointSizeF(base.pointSizeF() * 1.1)
        fm_bold = QFontMetrics(bold)
        small = QFont(base)
        small.setPointSizeF(base.pointSizeF() * 0.9)
        fm_small = QFontMetrics(small)

        # right column: time and score
        time_text = words.format_ms(row.timestamp or row.received_at, with_date=False)
        score_text = words.format_score(row.score)
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
        word = index.data(FeedModel.TypeWordRole) or ""
        badge_w = fm_small.horizontalAdvance(word) + 12
        name_w = right - time_w - 12 - badge_w - 8 - left
        painter.setFont(bold)
        name = fm_bold.elidedText(row.name or "—", Qt.TextElideMode.ElideRight, max(name_w, 20))
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
