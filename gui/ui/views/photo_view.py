"""A picture with the face box and landmarks painted on as vectors.

The overlay geometry comes from ``gui.core.overlay.shapes_for`` (the same as the
API's Pillow renderer); here it is painted through the view transform with
cosmetic pens, so lines stay crisp and visible at any zoom. Fit / 1:1 / wheel
zoom around the cursor / drag to pan; double-click opens the picture full size.

A picture may come as a preview only (``set_preview``): a copy decoded off the
GUI thread at the size it is shown, with a function that decodes the full
resolution. That one runs (off the GUI thread too) only when the user zooms in
past the preview; until it arrives the preview is drawn enlarged.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QImage,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QPixmap,
    QResizeEvent,
    QTransform,
    QWheelEvent,
)
from PySide6.QtWidgets import QDialog, QSizePolicy, QVBoxLayout, QWidget

from gui.core.overlay import OverlayShapes

if TYPE_CHECKING:
    from gui.ui.background import BackgroundWork

MIN_SCALE = 0.02
MAX_SCALE = 16.0


class PhotoView(QWidget):
    """Shows one picture; ``set_shapes`` adds the overlay (in picture pixels)."""

    double_clicked = Signal()

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        placeholder: str = "",
        work: BackgroundWork | None = None,
    ) -> None:
        super().__init__(parent)
        self._pixmap: QPixmap | None = None  # full resolution (made lazily from _image)
        self._image: QImage | None = None
        self._preview: QPixmap | None = None  # downscaled off-thread for the fit size
        self._size: QSize | None = None  # picture size in picture pixels
        #: Decodes the full resolution of a picture given by ``set_preview`` (None: no need).
        self._decode_full: Callable[[], QImage | None] | None = None
        self._work = work  # where ``_decode_full`` runs when a paint needs it
        self._full_pending = False
        self._picture = 0  # counts pictures set: a late full decode of an old one is dropped
        self._shapes: OverlayShapes | None = None
        self.overlays_visible = True
        self._placeholder = placeholder
        self._fit = True
        self._scale = 1.0
        self._offset = QPointF(0, 0)  # picture origin in widget coordinates
        self._drag_from: QPointF | None = None
        self.setMinimumSize(120, 90)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMouseTracking(False)
        self.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)  # paintEvent fills it all

    # -- content ---------------------------------------------------------------

    def _new_picture(self) -> None:
        self._picture += 1
        self._decode_full = None
        self._full_pending = False

    def set_pixmap(self, pixmap: QPixmap | None, shapes: OverlayShapes | None = None) -> None:
        self._new_picture()
        self._pixmap = pixmap if pixmap is not None and not pixmap.isNull() else None
        self._image = None
        self._preview = None
        self._size = self._pixmap.size() if self._pixmap is not None else None
        self._shapes = shapes
        self._fit = True
        self._layout()
        self.update()

    def set_image(
        self,
        image: QImage | None,
        shapes: OverlayShapes | None = None,
        preview: QImage | None = None,
    ) -> None:
        """A decoded picture, plus optionally a copy already scaled (off-thread) to fit.

        The full-resolution QPixmap is only made when zooming in needs it, so a
        busy feed does not convert a 1080p frame on the GUI thread per event.
        """
        self._new_picture()
        ok = image is not None and not image.isNull()
        self._image = image if ok else None
        self._pixmap = None
        self._preview = QPixmap.fromImage(preview) if ok and preview is not None else None
        self._size = image.size() if ok else None
        self._shapes = shapes
        self._fit = True
        self._layout()
        self.update()

    def set_preview(
        self,
        size: QSize,
        preview: QImage,
        shapes: OverlayShapes | None,
        decode_full: Callable[[], QImage | None],
    ) -> None:
        """A picture of ``size`` known by a copy that fits the view (decoded off-thread).

        ``decode_full`` gives the full resolution; it runs on a worker thread
        (``work``) the first time a paint needs more than the preview, so a
        busy feed never decodes a 1080p frame it only shows at fit size.
        """
        self.set_image(None)
        self._decode_full = decode_full
        self._preview = QPixmap.fromImage(preview) if not preview.isNull() else None
        self._size = QSize(size) if self._preview is not None else None
        self._shapes = shapes
        self._layout()
        self.update()

    def set_shapes(self, shapes: OverlayShapes | None) -> None:
        self._shapes = shapes
        self.update()

    def set_placeholder(self, text: str) -> None:
        self._placeholder = text
        self.update()

    def set_overlays_visible(self, visible: bool) -> None:
        self.overlays_visible = visible
        self.update()

    def pixmap(self) -> QPixmap | None:
        """The picture at full resolution (converted on first use).

        Of a picture given by ``set_preview`` it is decoded here and now if no
        paint has needed it yet (a double-click opening it full size); the
        preview stands in if the full decode fails.
        """
        if self._pixmap is None and self._image is None and self._decode_full is not None:
            self._full_decoded(self._picture, self._decode_full())
        if self._pixmap is None and self._image is not None:
            self._pixmap = QPixmap.fromImage(self._image)
        return self._pixmap if self._pixmap is not None else self._preview

    def has_full_resolution(self) -> bool:
        """The full resolution is decoded (False while only a preview is held)."""
        return self._pixmap is not None or self._image is not None

    def _full_or_ask(self) -> QPixmap | None:
        """The full resolution for a paint; None while it is decoded off the GUI thread."""
        if self._pixmap is None and self._image is None and self._decode_full is not None:
            if self._work is None:
                return self.pixmap()
            if not self._full_pending:
                self._full_pending = True
                picture = self._picture
                self._work.run(
                    self._decode_full,
                    lambda image: self._full_decoded(picture, image),
                    lambda _exc: self._full_decoded(picture, None),
                )
            return None
        return self.pixmap()

    def _full_decoded(self, picture: int, image: QImage | None) -> None:
        if picture != self._picture:
            return  # another picture is shown now
        self._decode_full = None
        self._full_pending = False
        if image is not None and not image.isNull():
            self._image = image
            self._pixmap = None
            self.update()

    def has_picture(self) -> bool:
        return self._size is not None

    def picture_size(self) -> QSize | None:
        return self._size

    def shapes(self) -> OverlayShapes | None:
        return self._shapes

    def placeholder(self) -> str:
        return self._placeholder

    # -- zoom ------------------------------------------------------------------

    @property
    def scale(self) -> float:
        return self._scale

    def zoom_fit(self) -> None:
        self._fit = True
        self._layout()
        self.update()

    def zoom_actual(self) -> None:
        """1:1 — one picture pixel per device-independent pixel, centred on the face."""
        self._fit = False
        self._scale = 1.0
        if self._size is not None:
            centre = self.face_centre()
            if centre is None:
                centre = QPointF(self._size.width() / 2, self._size.height() / 2)
            self._offset = QPointF(self.width() / 2, self.height() / 2) - centre
        self.update()

    def face_centre(self) -> QPointF | None:
        """The face box's centre in picture pixels (None without a box)."""
        box = self._shapes.box if self._shapes is not None else None
        if box is None:
            return None
        x1, y1, x2, y2 = box
        return QPointF((x1 + x2) / 2, (y1 + y2) / 2)

    def _set_scale(self, scale: float, anchor: QPointF) -> None:
        scale = min(max(scale, MIN_SCALE), MAX_SCALE)
        # Keep the picture point under ``anchor`` where it is.
        px = (anchor - self._offset) / self._scale
        self._scale = scale
        self._offset = anchor - px * scale
        self.update()

    def _layout(self) -> None:
        if self._size is None or not self._fit:
            return
        w, h = self._size.width(), self._size.height()
        if w <= 0 or h <= 0:
            return
        self._scale = min(self.width() / w, self.height() / h)
        self._offset = QPointF(
            (self.width() - w * self._scale) / 2, (self.height() - h * self._scale) / 2
        )

    def transform(self) -> QTransform:
        """Picture pixels -> widget coordinates."""
        t = QTransform()
        t.translate(self._offset.x(), self._offset.y())
        t.scale(self._scale, self._scale)
        return t

    def map_to_widget(self, x: float, y: float) -> QPointF:
        return self.transform().map(QPointF(x, y))

    # -- events ----------------------------------------------------------------

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._layout()
        super().resizeEvent(event)

    def wheelEvent(self, event: QWheelEvent) -> None:
        if self._size is None:
            return
        steps = event.angleDelta().y() / 120
        if not steps:
            return
        self._fit = False
        self._set_scale(self._scale * (1.25**steps), event.position())
        event.accept()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self._size is not None:
            self._drag_from = event.position()
            self.setCursor(Qt.CursorShape.ClosedHandCursor)
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._drag_from is not None:
            delta = event.position() - self._drag_from
            self._drag_from = event.position()
            self._fit = False
            self._offset += delta
            self.update()
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        self._drag_from = None
        self.unsetCursor()
        super().mouseReleaseEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        if self._size is not None:
            self.double_clicked.emit()
        super().mouseDoubleClickEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        pal = self.palette()
        p.fillRect(self.rect(), pal.color(pal.ColorRole.Mid).darker(150))
        if self._size is None:
            p.setPen(pal.color(pal.ColorRole.BrightText))
            p.drawText(
                QRectF(self.rect()).adjusted(8, 8, -8, -8),
                int(Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap),
                self._placeholder,
            )
            return
        t = self.transform()
        target = t.mapRect(QRectF(0, 0, self._size.width(), self._size.height()))
        dpr = self.devicePixelRatioF()
        source = self._preview
        if source is None or target.width() * dpr > source.width() * 1.05:
            # zoomed in past the preview: full resolution (the preview enlarged until then)
            full = self._full_or_ask()
            source = full if full is not None else self._preview
        assert source is not None
        sw, sh = source.width() / dpr, source.height() / dpr
        if abs(target.width() - sw) < 1 and abs(target.height() - sh) < 1:
            source.setDevicePixelRatio(dpr)
            p.drawPixmap(QPointF(round(target.x()), round(target.y())), source)  # a plain blit
        else:
            p.drawPixmap(target, source, QRectF(source.rect()))
        if self.overlays_visible and self._shapes is not None:
            paint_shapes(p, self._shapes, t)
        p.end()


def landmark_radius_on_screen(shapes: OverlayShapes, scale: float) -> float:
    """A landmark dot's radius in screen pixels: it grows and shrinks with the zoom.

    It stays a small mark on the eye, never a blot over it: at most a tenth of
    the distance between the eyes as drawn (the first two of the five points),
    and at least 1 px so it can still be seen on a face a few pixels wide.
    """
    radius = shapes.landmark_radius * scale
    if len(shapes.landmarks) >= 2:
        (ax, ay), (bx, by) = shapes.landmarks[0], shapes.landmarks[1]
        eyes = ((ax - bx) ** 2 + (ay - by) ** 2) ** 0.5 * scale
        if eyes > 0:
            radius = min(radius, eyes * 0.1)
    return max(1.0, min(radius, 12.0))


def paint_shapes(p: QPainter, shapes: OverlayShapes, t: QTransform) -> None:
    """Draw the overlay in widget space: geometry mapped through ``t``, widths in screen pixels."""
    colour = QColor(shapes.colour)
    scale = t.m11()
    if shapes.box is not None:
        x1, y1, x2, y2 = shapes.box
        rect = t.mapRect(QRectF(QPointF(x1, y1), QPointF(x2, y2)))
        pen = QPen(colour, max(2.0, shapes.stroke * scale))
        pen.setCosmetic(True)
        pen.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
        p.setPen(pen)
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawRect(rect)
    if shapes.landmarks:
        radius = landmark_radius_on_screen(shapes, scale)
        p.setPen(QPen(QColor(0, 0, 0, 160), 1.0 if radius >= 2 else 0.5))
        p.setBrush(colour)
        for x, y in shapes.landmarks:
            p.drawEllipse(t.map(QPointF(x, y)), radius, radius)


class FullSizeDialog(QDialog):
    """The picture at 1:1 in its own resizable window (double-click in the detail pane)."""

    def __init__(
        self,
        pixmap: QPixmap,
        shapes: OverlayShapes | None,
        overlays: bool,
        title: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.view = PhotoView(self)
        self.view.set_overlays_visible(overlays)
        self.view.set_pixmap(pixmap, shapes)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view)
        screen = self.screen().availableGeometry() if self.screen() else None
        w, h = pixmap.width(), pixmap.height()
        if screen is not None:
            w, h = min(w, int(screen.width() * 0.9)), min(h, int(screen.height() * 0.9))
        self.resize(max(w, 320), max(h, 240))

    def showEvent(self, event) -> None:
        super().showEvent(event)
        # The whole picture first (nothing cut off); 1:1 and the wheel centre on the face.
        self.view.zoom_fit()
