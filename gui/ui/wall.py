"""Wall mode: a full-screen, unattended view for a guard room's big screen.

The latest event large (scene cropped around the face with box and landmarks,
the registered photo beside it, who, type, score, camera, time), the previous
N as tiles coloured by person type, a clock, the open-alarm count, and a
full-width alarm banner. It runs for weeks, so memory is bounded by
construction: a fixed set of tile widgets is reused, pixmaps are replaced
rather than accumulated, and image loads are coalesced (only the newest event
is decoded when events arrive faster than pictures can be).

Nothing here opens a dialog: errors go to the log and a small status line.
Sizes derive from the screen height, so the layout reads the same at 1080p
from 3 m and at 4K.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QPointF, QRect, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QCursor,
    QFont,
    QGuiApplication,
    QImage,
    QKeyEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QPixmap,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from gui.core import overlay, scores
from gui.core.messages import EventStored
from gui.core.model import EventBrief, EventSummary
from gui.core.reader import Reader
from gui.ui.alarms.banner import AlarmBanner, camera_of
from gui.ui.alarms.center import AlarmCenter
from gui.ui.background import BackgroundWork
from gui.ui.pictures import decode_picture
from gui.ui.views.elided import ElidedLabel
from gui.ui.views.words import (
    display_name,
    format_score_of,
    format_tile_time,
    person_type_colour,
    person_type_word,
)

log = logging.getLogger(__name__)

#: Screen height / this = the size unit every font and margin derives from.
UNIT_DIVISOR = 54
CURSOR_HIDE_MS = 3000
MAX_TILES = 24
#: Longest edge of a decoded face thumbnail for a tile.
TILE_THUMB_PX = 256
BACKGROUND = "#101214"
PANEL = "#1B1F24"
INK = "#ECEFF1"
DIM = "#90A4AE"
#: A new alarm flashes the wall this colour, this many times, so it is seen across a room.
FLASH_COLOUR = "#8E0000"
FLASHES = 6
FLASH_MS = 400


@dataclass(frozen=True, slots=True)
class WallItem:
    """What a tile or the big panel shows about one event (no pictures)."""

    id: int
    name: str | None
    identity_id: str | None
    person_type: int | None
    score: float | None
    device: str | None
    time: int
    #: The score's scale, ``"0-1"`` or ``"0-100"``, and the box's threshold in it.
    score_scale: str | None = None
    threshold: float | None = None

    @classmethod
    def from_brief(cls, e: EventBrief) -> WallItem:
        """A listed event or a fresh arrival (an ``EventSummary`` is a brief too)."""
        return cls(
            id=e.id,
            name=e.identity_name,
            identity_id=e.identity_id,
            person_type=e.person_type,
            score=e.score,
            device=e.ep_name or e.ep_id or e.device_id or e.dev_sno,
            time=e.timestamp if e.timestamp is not None else e.received_at,
            score_scale=e.score_scale,
            threshold=e.threshold,
        )


def item_of_event(event: dict[str, Any], box: dict[str, Any] | None = None) -> WallItem:
    """A stored event (``load_event``'s JSON) as the wall shows it.

    ``box`` is ``Reader.event_box(event)``: the box's scale and threshold for the score.
    """
    ep = event.get("ep_info") or {}
    device = ep.get("ep_name") or ep.get("ep_id") or ep.get("device_id") or event.get("dev_sno")
    ts = event.get("timestamp")
    context = (box or {}).get("score") or {}
    return WallItem(
        id=int(event["id"]),
        name=event.get("identity_name"),
        identity_id=event.get("identity_id"),
        person_type=event.get("person_type"),
        score=event.get("score"),
        device=device,
        time=int(ts if ts is not None else event.get("received_at") or 0),
        score_scale=context.get("scale") or scores.event_scale(event.get("score")),
        threshold=context.get("threshold"),
    )


@dataclass
class WallImages:
    """Decoded off the GUI thread (QImage is fine there; QPixmap is not)."""

    event_id: int
    scene: QImage | None = None
    #: Box and landmarks already mapped into ``scene``'s pixels.
    shapes: overlay.OverlayShapes | None = None
    registered: QImage | None = None
    face: QImage | None = None
    thumbs: dict[int, QImage] = field(default_factory=dict)
    #: The event's words, for an alarm's event that is not among the recent ones.
    item: WallItem | None = None


def _decode(data: bytes | None) -> QImage | None:
    # Pillow, not QImage.fromData: Qt decodes with the GIL held (GUI stalls).
    decoded = decode_picture(data) if data else None
    return None if decoded is None else decoded[0]


def crop_rect(
    picture: QSize, box: tuple[float, float, float, float] | None, aspect: float
) -> QRect:
    """The part of the scene to show: the face with room around it, at the view's aspect."""
    w, h = picture.width(), picture.height()
    if box is None or w <= 0 or h <= 0:
        return QRect(0, 0, w, h)
    x1, y1, x2, y2 = box
    cx, cy = (x1 + x2) / 2, (y1 + y2) / 2
    face = max(x2 - x1, y2 - y1, 1.0)
    ch = min(float(h), face * 3.2)
    cw = ch * aspect
    if cw > w:
        cw = float(w)
        ch = min(float(h), cw / aspect)
    left = min(max(cx - cw / 2, 0.0), w - cw)
    top = min(max(cy - ch / 2, 0.0), h - ch)
    return QRect(round(left), round(top), max(1, round(cw)), max(1, round(ch)))


def load_wall_images(
    reader: Reader,
    event_id: int,
    scene_size: tuple[int, int],
    registered_size: tuple[int, int],
    thumbs_for: list[int],
    colours: dict[str, str] | None = None,
) -> WallImages:
    """Scene crop with overlay, registered photo, face crop, and tile thumbnails."""
    out = WallImages(event_id)
    event = reader.event(event_id)
    if event is not None:
        out.item = item_of_event(event, reader.event_box(event))
        found = reader.image(event_id, "spot_pic")
        scene = _decode(found.data) if found else None
        box = event.get("face_box")
        box_t = tuple(float(v) for v in box) if box and len(box) == 4 else None
        if scene is not None:
            vw, vh = max(1, scene_size[0]), max(1, scene_size[1])
            rect = crop_rect(scene.size(), box_t, vw / vh)  # type: ignore[arg-type]
            cropped = scene.copy(rect)
            target = cropped.scaled(vw, vh, Qt.AspectRatioMode.KeepAspectRatio,
                                    Qt.TransformationMode.SmoothTransformation)  # fmt: skip
            k = target.width() / max(1, cropped.width())

            def move(x: float, y: float) -> tuple[float, float]:
                return (x - rect.left()) * k, (y - rect.top()) * k

            mapped_box = None
            if box_t is not None:
                a, b = move(box_t[0], box_t[1])
                c, d = move(box_t[2], box_t[3])
                mapped_box = (a, b, c, d)
            points = [move(float(p[0]), float(p[1])) for p in (event.get("landmarks") or [])
                      if len(p) >= 2]  # fmt: skip
            by_int = {int(k): v for k, v in (colours or {}).items() if str(k).isdigit()}
            out.shapes = overlay.shapes_for(
                mapped_box, points, event.get("person_type"),
                (target.width(), target.height()), colours=by_int,
            )  # fmt: skip
            out.scene = target
            if box_t is not None:
                face_rect = crop_rect(scene.size(), box_t, 1.0)
                out.face = scene.copy(face_rect).scaled(
                    TILE_THUMB_PX, TILE_THUMB_PX, Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.SmoothTransformation,
                )  # fmt: skip
        reg = reader.image(event_id, "reg_pic")
        registered = _decode(reg.data) if reg else None
        if registered is not None:
            out.registered = registered.scaled(
                max(1, registered_size[0]), max(1, registered_size[1]),
                Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation,
            )  # fmt: skip
        if out.face is None:
            out.face = _decode(reader.face_thumbnail(event_id))
    for tile_id in thumbs_for:
        thumb = _decode(reader.face_thumbnail(tile_id))
        if thumb is not None:
            out.thumbs[tile_id] = thumb
    return out


# -- widgets ----------------------------------------------------------------------------------


class PictureBox(QWidget):
    """A picture fitted into the widget, optionally with the overlay; a placeholder if none."""

    def __init__(self, placeholder: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._pixmap: QPixmap | None = None
        self._shapes: overlay.OverlayShapes | None = None
        self.placeholder = placeholder
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(40, 40)

    def set_image(self, image: QImage | None, shapes: overlay.OverlayShapes | None = None) -> None:
        """Replace (never keep) the pixmap: bounded memory over weeks."""
        self._pixmap = QPixmap.fromImage(image) if image is not None else None
        self._shapes = shapes
        self.update()

    def set_pixmap(self, pixmap: QPixmap | None) -> None:
        """A picture already made on the GUI thread (the tiles' cached thumbnails)."""
        self._pixmap = pixmap
        self._shapes = None
        self.update()

    def has_picture(self) -> bool:
        return self._pixmap is not None

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        p.fillRect(self.rect(), QColor(PANEL))
        if self._pixmap is None:
            p.setPen(QColor(DIM))
            p.drawText(self.rect(), int(Qt.AlignmentFlag.AlignCenter), self.placeholder)
            p.end()
            return
        pw, ph = self._pixmap.width(), self._pixmap.height()
        scale = min(self.width() / max(1, pw), self.height() / max(1, ph))
        w, h = pw * scale, ph * scale
        x, y = (self.width() - w) / 2, (self.height() - h) / 2
        p.drawPixmap(QRectF(x, y, w, h), self._pixmap, QRectF(0, 0, pw, ph))
        shapes = self._shapes
        if shapes is not None:
            colour = QColor(shapes.colour)
            if shapes.box is not None:
                x1, y1, x2, y2 = shapes.box
                pen = QPen(colour, max(3.0, shapes.stroke * scale * 1.5))
                pen.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
                p.setPen(pen)
                p.setBrush(Qt.BrushStyle.NoBrush)
                p.drawRect(QRectF(x + x1 * scale, y + y1 * scale, (x2 - x1) * scale,
                                  (y2 - y1) * scale))  # fmt: skip
            # Marks on the eyes, never blots over them (as in the photo view).
            from gui.ui.views.photo_view import landmark_radius_on_screen

            radius = landmark_radius_on_screen(shapes, scale)
            p.setPen(QPen(QColor(0, 0, 0, 160), 1.0))
            p.setBrush(colour)
            for lx, ly in shapes.landmarks:
                p.drawEllipse(QPointF(x + lx * scale, y + ly * scale), radius, radius)
        p.end()


#: Families with a real bold at every size (synthetic bold fades at large pixel sizes);
#: the app's own families (CJK fallbacks included) follow.
WALL_FAMILIES = ("Segoe UI", "DejaVu Sans", "Noto Sans")


def wall_families(font: QFont) -> list[str]:
    app_families = QApplication.font().families() or [QApplication.font().family()]
    return list(dict.fromkeys([*WALL_FAMILIES, *app_families, *font.families()]))


def set_ink(widget: QWidget, colour: str) -> None:
    """Text colour through the palette: cheap enough to change per event (style sheets aren't)."""
    pal = widget.palette()
    pal.setColor(pal.ColorRole.WindowText, QColor(colour))
    widget.setPalette(pal)


def _label(parent: QWidget, *, bold: bool = False, colour: str = INK) -> QLabel:
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)  # names come from boxes
    set_ink(label, colour)
    label.setProperty("bold", bold)
    return label


def _elided(parent: QWidget, *, bold: bool = False, colour: str = INK) -> ElidedLabel:
    label = ElidedLabel(parent=parent)
    set_ink(label, colour)
    label.setProperty("bold", bold)
    return label


class Tile(QFrame):
    """One of the previous events; a fixed widget whose content is replaced."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("wallTile")
        self.item: WallItem | None = None
        self._colour: str | None = None
        self.picture = PictureBox(self.tr("no photo"), self)
        self.name = _elided(self, bold=True)
        self.meta = _elided(self, colour=DIM)
        # Equal widths whatever the names: the row divides by stretch, not by text.
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(2)
        layout.addWidget(self.picture, 1)
        layout.addWidget(self.name)
        layout.addWidget(self.meta)
        self.set_item(None, None, {})

    def set_item(self, item: WallItem | None, thumb: QPixmap | None, colours: dict) -> None:
        self.item = item
        self.picture.placeholder = self.tr("no photo") if item is not None else ""
        if item is None:
            self._set_frame(None)
            self.name.setText("")
            self.meta.setText("")
            self.picture.set_pixmap(None)
            return
        self._set_frame(person_type_colour(item.person_type, colours))
        self.name.setText(
            display_name(item.name, item.identity_id, item.person_type)
            or person_type_word(item.person_type)
        )
        self.meta.setText(f"{format_tile_time(item.time)}  {item.device or ''}".strip())
        self.picture.set_pixmap(thumb)

    def _set_frame(self, colour: str | None) -> None:
        """Painted, not styled: a style sheet per event costs milliseconds."""
        if colour != self._colour:
            self._colour = colour
            self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        r = QRectF(self.rect())
        radius = max(4.0, r.height() / 40)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor(self._colour or PANEL))
        p.drawRoundedRect(r, radius, radius)
        if self._colour is not None:
            edge, top = max(2.0, r.height() / 90), max(6.0, r.height() / 30)
            p.setBrush(QColor(PANEL))
            p.drawRoundedRect(r.adjusted(edge, top, -edge, -edge), radius / 2, radius / 2)
        p.end()


class _StatusLog(logging.Handler):
    """Warnings while the wall is up go to its status line (thread-safe via a signal)."""

    def __init__(self, emit: Callable[[str], None]) -> None:
        super().__init__(logging.WARNING)
        self._emit = emit

    def emit(self, record: logging.LogRecord) -> None:
        with contextlib.suppress(Exception):  # the window is gone; logging must never raise
            self._emit(f"{record.levelname.lower()}: {record.getMessage()}"[:300])


class WallWindow(QWidget):
    """The full-screen wall. ``enter(screen)`` shows it; Esc or F11 leaves."""

    left = Signal()
    _status_text = Signal(str)

    def __init__(
        self, bridge: Any, settings: Any, center: AlarmCenter, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.bridge = bridge
        self.settings = settings
        self.center = center
        self.setWindowTitle(self.tr("Gatewatch — wall"))
        self.setObjectName("wall")
        self.setAutoFillBackground(True)
        pal = self.palette()
        pal.setColor(pal.ColorRole.Window, QColor(BACKGROUND))
        pal.setColor(pal.ColorRole.WindowText, QColor(INK))
        self.setPalette(pal)
        self.n_tiles = max(0, min(MAX_TILES, settings.wall_tiles))
        self._recent: deque[WallItem] = deque(maxlen=self.n_tiles + 1)
        self._thumbs: dict[int, QPixmap] = {}
        self._work = BackgroundWork(self, bridge, threads=1)
        self._loading = False
        self._pending: int | None = None
        self._closed = False
        self._unit = 20.0
        self._kind_colour: str | None = None
        #: While an alarm is open, the big panel shows its event (not the latest one).
        self._alarm_event_id: int | None = None
        self._alarm_item: WallItem | None = None
        self._flashes_left = 0
        self._build()
        self._status_text.connect(self.show_status)
        bridge.event_stored.connect(self._on_event_stored)
        center.changed.connect(self._update_alarm_count)
        center.changed.connect(self._alarm_changed)
        center.raised.connect(self.flash)
        self._flash_timer = QTimer(self)
        self._flash_timer.setInterval(FLASH_MS)
        self._flash_timer.timeout.connect(self._flash_step)

        self._clock_timer = QTimer(self)
        self._clock_timer.timeout.connect(self._tick)
        self._clock_timer.start(1000)
        self._cursor_timer = QTimer(self)
        self._cursor_timer.setSingleShot(True)
        self._cursor_timer.setInterval(CURSOR_HIDE_MS)
        self._cursor_timer.timeout.connect(self._hide_cursor)
        # Polling the pointer is cheaper than filtering every event of the application.
        self._cursor_poll = QTimer(self)
        self._cursor_poll.setInterval(250)
        self._cursor_poll.timeout.connect(self._poll_cursor)
        self._cursor_pos = QCursor.pos()
        self._status_timer = QTimer(self)
        self._status_timer.setSingleShot(True)
        self._status_timer.setInterval(60_000)
        self._status_timer.timeout.connect(lambda: self.status.setText(""))
        self._log_handler = _StatusLog(self._emit_status)
        self._reload_timer = QTimer(self)
        self._reload_timer.setSingleShot(True)
        self._reload_timer.setInterval(200)
        self._reload_timer.timeout.connect(self._reload_latest)
        self._tick()
        self._update_alarm_count()
        self._load_recent()
        self._alarm_changed()

    # -- layout ------------------------------------------------------------------

    def _build(self) -> None:
        self.title = _label(self, bold=True, colour=DIM)
        self.title.setText("Gatewatch")
        self.alarm_count = _label(self, bold=True)
        self.clock = _label(self, bold=True)
        top = QHBoxLayout()
        top.addWidget(self.title)
        top.addStretch(1)
        top.addWidget(self.alarm_count)
        top.addSpacing(24)
        top.addWidget(self.clock)

        self.banner = AlarmBanner(self.center, self)

        self.scene = PictureBox(self.tr("waiting for events…"), self)
        self.registered = PictureBox(self.tr("no registered photo"), self)
        self.scene_caption = _label(self, colour=DIM)
        self.scene_caption.setText(self.tr("Captured"))
        self.registered_caption = _label(self, colour=DIM)
        self.registered_caption.setText(self.tr("Registered photo"))
        self.alarm_caption = _label(self, bold=True, colour="#EF5350")
        self.name = _elided(self, bold=True)
        self.identity = _elided(self, colour=DIM)
        self.kind = _label(self, bold=True)
        self.score = _label(self)
        self.device = _elided(self)
        self.when = _label(self)
        info = QVBoxLayout()
        info.setSpacing(4)
        for w in (self.name, self.identity, self.kind, self.score, self.device, self.when):
            info.addWidget(w)
        info.addStretch(1)
        latest = QHBoxLayout()
        pictures = ((self.scene_caption, self.scene, 5),
                    (self.registered_caption, self.registered, 3))  # fmt: skip
        for caption, picture, stretch in pictures:
            column = QVBoxLayout()
            column.setSpacing(2)
            column.addWidget(caption)
            column.addWidget(picture, 1)
            latest.addLayout(column, stretch)
        info.insertWidget(0, self.alarm_caption)
        latest.addLayout(info, 4)

        self.tiles = [Tile(self) for _ in range(self.n_tiles)]
        tiles = QHBoxLayout()
        for t in self.tiles:
            tiles.addWidget(t, 1)

        self.status = _label(self, colour=DIM)
        self.root = QVBoxLayout(self)
        self.root.addLayout(top)
        self.root.addWidget(self.banner)
        self.root.addLayout(latest, 5)
        self.root.addLayout(tiles, 2)
        self.root.addWidget(self.status)
        self._latest_layout, self._tiles_layout, self._info_layout = latest, tiles, info
        self._show_latest(None)

    def _apply_scale(self) -> None:
        """Every size from the screen height: readable from 3 m at 1080p, same look at 4K."""
        u = max(8.0, self.height() / UNIT_DIVISOR)
        self._unit = u

        def font(label: QWidget, factor: float, bold: bool = False) -> None:
            f = QFont(label.font())
            f.setFamilies(wall_families(f))
            f.setPixelSize(max(8, int(u * factor)))
            f.setBold(bold)
            label.setFont(f)

        font(self.title, 1.2, True)
        font(self.alarm_count, 1.6, True)
        font(self.clock, 2.0, True)
        font(self.name, 2.6, True)
        font(self.identity, 1.1)
        font(self.kind, 2.0, True)
        for w in (self.score, self.device, self.when):
            font(w, 1.4)
        for w in (self.scene_caption, self.registered_caption):
            font(w, 0.9)
        font(self.alarm_caption, 1.2, True)
        font(self.status, 0.8)
        for picture in (self.scene, self.registered):
            font(picture, 1.2)
        for t in self.tiles:
            font(t.picture, 0.75)
            font(t.name, 0.95, True)
            font(t.meta, 0.75)
        m = int(u * 0.6)
        self.root.setContentsMargins(m, m, m, int(u * 0.3))
        self.root.setSpacing(m)
        self._latest_layout.setSpacing(m)
        self._tiles_layout.setSpacing(int(u * 0.4))
        self._info_layout.setContentsMargins(int(u * 0.5), 0, 0, 0)
        self.banner.set_scale(u)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._apply_scale()
        # The crop was cut for the old shape: cut it again once the size settles.
        if self._recent:
            self._reload_timer.start()

    # -- content -----------------------------------------------------------------

    def _tick(self) -> None:
        now = dt.datetime.now()
        self.clock.setText(now.strftime("%H:%M:%S"))
        self.clock.setToolTip(now.strftime("%Y-%m-%d"))

    def _update_alarm_count(self) -> None:
        n = self.center.open_count
        self.alarm_count.setText(self.tr("open alarms: %1").replace("%1", str(n)))
        colour = "#EF5350" if n else DIM
        if self.alarm_count.property("colour") != colour:
            self.alarm_count.setProperty("colour", colour)
            set_ink(self.alarm_count, colour)

    def show_status(self, text: str) -> None:
        """The small status line: where errors go in wall mode (never a dialog)."""
        self.status.setText(text)
        self._status_timer.start()

    def _emit_status(self, text: str) -> None:
        if not self._closed:
            self._status_text.emit(text)

    def _load_recent(self) -> None:
        limit = self.n_tiles + 1
        self._work.read(
            lambda reader: reader.latest_events(limit, self_tests=False),
            self._recent_loaded,
            lambda exc: log.warning("wall: cannot read recent events: %s", exc),
        )

    def _recent_loaded(self, events: list[EventBrief]) -> None:
        """The newest stored events; those that arrived live meanwhile stay in front."""
        live = {i.id for i in self._recent}
        items = [*self._recent, *(WallItem.from_brief(e) for e in events if e.id not in live)]
        items.sort(key=lambda i: i.id, reverse=True)
        self._recent = deque(items, maxlen=self.n_tiles + 1)
        self._refresh()
        if self._recent:
            self._request(self._recent[0].id)

    def _on_event_stored(self, message: EventStored) -> None:
        self.on_event(message.summary)

    def on_event(self, summary: EventSummary) -> None:
        """A freshly stored event (the bridge's signal)."""
        if summary.self_test or summary.merged:
            return
        if any(i.id == summary.id for i in self._recent):
            return  # the opening read listed it before its message came (a loaded machine)
        item = WallItem.from_brief(summary)
        self._recent.appendleft(item)
        if summary.id == self._alarm_event_id:
            self._alarm_item = item
        self._refresh()
        self._request(self.focus_id())

    # -- what the big panel shows --------------------------------------------------

    def focus_item(self) -> WallItem | None:
        """The open alarm's event while there is one, else the latest event."""
        if self._alarm_event_id is not None:
            return self._alarm_item
        return self._recent[0] if self._recent else None

    def focus_id(self) -> int | None:
        if self._alarm_event_id is not None:
            return self._alarm_event_id
        return self._recent[0].id if self._recent else None

    def _alarm_changed(self) -> None:
        """The alarm to handle changed: its event takes (or gives back) the big panel."""
        alarm = self.center.current()
        event_id = alarm.event_id if alarm is not None and alarm.kind == "face" else None
        if event_id == self._alarm_event_id:
            return
        self._alarm_event_id = event_id
        self._alarm_item = None
        if event_id is not None and alarm is not None:
            known = [i for i in self._recent if i.id == event_id]
            self._alarm_item = known[0] if known else WallItem(
                event_id, alarm.identity_name, alarm.identity_id, alarm.person_type, None,
                camera_of(alarm) or None, alarm.last_at,
            )  # fmt: skip
            self.scene.set_image(None)
            self.registered.set_image(None)
        self._refresh()
        focus = self.focus_id()
        if focus is not None:
            self._request(focus)

    def _tile_items(self) -> list[WallItem]:
        items = list(self._recent)
        focus = self.focus_item()
        return [i for i in items if focus is None or i.id != focus.id][: self.n_tiles]

    def _refresh(self) -> None:
        items = list(self._recent)
        focus = self.focus_item()
        self._show_latest(focus)
        keep = {i.id for i in items} | ({focus.id} if focus is not None else set())
        for stale in [k for k in self._thumbs if k not in keep]:
            del self._thumbs[stale]
        colours = self.settings.overlay_colours
        tile_items = self._tile_items()
        for i, tile in enumerate(self.tiles):
            item = tile_items[i] if i < len(tile_items) else None
            tile.set_item(item, self._thumbs.get(item.id) if item else None, colours)

    # -- flashing ------------------------------------------------------------------

    @property
    def flashing(self) -> bool:
        return self._flash_timer.isActive()

    def flash(self, alarm: Any = None) -> None:
        """A new alarm: the wall blinks a few times (late alarms stay quiet)."""
        if alarm is not None and getattr(alarm, "late", False):
            return
        self._flashes_left = FLASHES * 2
        self._flash_step()
        self._flash_timer.start()

    def _flash_step(self) -> None:
        self._flashes_left = max(0, self._flashes_left - 1)
        on = self._flashes_left % 2 == 1
        pal = self.palette()
        pal.setColor(pal.ColorRole.Window, QColor(FLASH_COLOUR if on else BACKGROUND))
        self.setPalette(pal)
        if self._flashes_left == 0:
            self._flash_timer.stop()

    def _show_latest(self, item: WallItem | None) -> None:
        if item is None:
            for w in (self.name, self.identity, self.kind, self.score, self.device, self.when):
                w.setText("")
            self.name.setText(self.tr("No events yet"))
            self.alarm_caption.hide()
            return
        colours = self.settings.overlay_colours
        alarm = self.center.current() if self._alarm_event_id is not None else None
        self.alarm_caption.setText(self.tr("ALARM — the person who raised it") if alarm else "")
        self.alarm_caption.setVisible(alarm is not None)
        self.name.setText(display_name(item.name, item.identity_id, item.person_type) or "—")
        self.identity.setText(item.identity_id if item.name and item.identity_id else "")
        self.kind.setText(person_type_word(item.person_type).upper())
        colour = person_type_colour(item.person_type, colours)
        if colour != self._kind_colour:
            self._kind_colour = colour
            set_ink(self.kind, colour)
        score = format_score_of(item.score, item.score_scale, item.threshold)
        self.score.setText(self.tr("score %1").replace("%1", score))
        self.device.setText(item.device or "")
        self.when.setText(format_tile_time(item.time))

    def _reload_latest(self) -> None:
        focus = self.focus_id()
        if focus is not None and not self._closed:
            self._request(focus)

    def _request(self, event_id: int) -> None:
        """Decode the pictures of ``event_id``; while one load runs, only the newest waits."""
        if self._loading:
            self._pending = event_id
            return
        self._loading = True
        self._pending = None
        scene = (max(64, self.scene.width()), max(64, self.scene.height()))
        reg = (max(64, self.registered.width()), max(64, self.registered.height()))
        missing = [i.id for i in self._tile_items() if i.id not in self._thumbs]
        colours = self.settings.overlay_colours
        self._work.read(
            lambda reader: load_wall_images(reader, event_id, scene, reg, missing, colours),
            self._on_loaded,
            self._on_loaded,
        )

    def _on_loaded(self, result: object) -> None:
        self._loading = False
        if isinstance(result, BaseException):
            log.warning("wall: could not load pictures: %s", result)
            self.show_status(self.tr("could not load pictures: %1").replace("%1", str(result)))
        elif isinstance(result, WallImages):
            ids = {i.id for i in self._recent}
            focus = self.focus_id()
            if focus is not None:
                ids.add(focus)
            if result.event_id == focus:
                self.scene.set_image(result.scene, result.shapes)
                self.registered.set_image(result.registered)
                if result.event_id == self._alarm_event_id and result.item is not None:
                    self._alarm_item = result.item  # the score and camera the alarm lacks
            if result.face is not None and result.event_id in ids:
                self._thumbs[result.event_id] = QPixmap.fromImage(result.face)
            for tile_id, image in result.thumbs.items():
                if tile_id in ids:
                    self._thumbs[tile_id] = QPixmap.fromImage(image)
            self._refresh()
        if self._pending is not None:
            self._request(self._pending)

    # -- entering and leaving --------------------------------------------------------

    def enter(self, screen_index: int | None = None) -> None:
        """Full screen on monitor ``screen_index`` (or the remembered one)."""
        screens = QGuiApplication.screens()
        index = screen_index
        if index is None or index < 0:
            index = self.settings.wall_screen
        screen = None
        if 0 <= index < len(screens):
            screen = screens[index]
            if screen_index is not None and screen_index >= 0:
                self.settings.wall_screen = screen_index
        elif screen_index is not None and screen_index >= 0:
            log.warning("wall: there is no screen %d (found %d); using this one",
                        screen_index, len(screens))  # fmt: skip
        if screen is not None:
            self.setScreen(screen)
        else:
            screen = self.screen() or QGuiApplication.primaryScreen()
        # Full screen is a window-manager request; a kiosk session without a window
        # manager ignores it, so cover the monitor ourselves as well.
        if screen is not None:
            self.setGeometry(screen.geometry())
        self.showFullScreen()
        self.raise_()
        self.activateWindow()
        self.setFocus()
        logging.getLogger().addHandler(self._log_handler)
        self._cursor_pos = QCursor.pos()
        self._cursor_poll.start()
        self._cursor_timer.start()

    def leave(self) -> None:
        logging.getLogger().removeHandler(self._log_handler)
        self._cursor_poll.stop()
        self._cursor_timer.stop()
        self.unsetCursor()
        self.hide()
        self.left.emit()

    def current_screen_index(self) -> int:
        screens = QGuiApplication.screens()
        screen = self.screen()
        return screens.index(screen) if screen in screens else -1

    def _hide_cursor(self) -> None:
        if self.isVisible():
            self.setCursor(QCursor(Qt.CursorShape.BlankCursor))

    @property
    def cursor_hidden(self) -> bool:
        return self.cursor().shape() == Qt.CursorShape.BlankCursor

    def _poll_cursor(self) -> None:
        pos = QCursor.pos()
        if pos != self._cursor_pos:
            self._cursor_pos = pos
            if self.cursor_hidden:
                self.unsetCursor()
            self._cursor_timer.start()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in (Qt.Key.Key_Escape, Qt.Key.Key_F11):
            self.leave()
            return
        if key in (Qt.Key.Key_Space, Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.banner.acknowledge_current()
            return
        super().keyPressEvent(event)

    def closeEvent(self, event: Any) -> None:
        if self.isVisible():
            self.leave()
        super().closeEvent(event)

    def shutdown(self) -> None:
        """Stop timers and the decoder thread (the app is quitting)."""
        self._closed = True
        self._clock_timer.stop()
        self._reload_timer.stop()
        self._cursor_poll.stop()
        self._cursor_timer.stop()
        logging.getLogger().removeHandler(self._log_handler)
        self._work.close()
