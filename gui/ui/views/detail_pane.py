"""Everything about one event: photos with the overlay, identity, device, times, raw JSON.

``DetailPane(bridge)`` is reusable (the Live page, History, the request
inspector): call ``show_event(event_id)``. Loading and JPEG decoding happen off
the GUI thread, each photo decoded at the size its view shows it (the full
resolution only when the user zooms in); only the QPixmap conversion happens
here. Every string that came from a box is shown as plain text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, QSize, Qt, Signal
from PySide6.QtGui import QFont, QGuiApplication, QImage, QMouseEvent, QShowEvent
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from gui.core.model import IMAGE_KINDS
from gui.core.overlay import OverlayShapes, shapes_for
from gui.core.reader import Reader
from gui.ui.background import BackgroundWork
from gui.ui.pictures import Preview, decode_picture, decode_preview
from gui.ui.views import words
from gui.ui.views.elided import ElidedLabel
from gui.ui.views.photo_view import FullSizeDialog, PhotoView
from gui.ui.views.tab_repaints import gate_layout_repaints


def tr(text: str) -> str:
    return QCoreApplication.translate("", text)


def plain_label(text: str = "", parent: QWidget | None = None) -> QLabel:
    """A QLabel that never interprets markup (box strings are untrusted)."""
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setText(text)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class PressToSelectLabel(QLabel):
    """A plain-text label that becomes selectable when it is pressed.

    A selectable QLabel holds a text document that it rebuilds and lays out
    again on every new text; the pane gives ~27 labels a new text per event
    shown, which was a large part of its update on the GUI thread. These draw
    their text plainly until the user presses one; from then on Qt's own
    selection works as before (drag, double-click, Ctrl+C, the context menu),
    and the next new text makes the label plain again.
    """

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setCursor(Qt.CursorShape.IBeamCursor)
        self.setText(text)

    @property
    def selectable(self) -> bool:
        return self.textInteractionFlags() != Qt.TextInteractionFlag.NoTextInteraction

    def setText(self, text: str) -> None:
        if self.selectable and text != self.text():
            self.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        super().setText(text)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if not self.selectable:
            # Focus is given before a press is delivered, by the policy of that moment.
            self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.setFocus(Qt.FocusReason.MouseFocusReason)
        super().mousePressEvent(event)


class DeferredPlainText(QPlainTextEdit):
    """Read-only plain text whose document is filled when it is shown or read.

    Filling a QPlainTextEdit rebuilds its document, a block per line. The raw
    JSON and warnings tabs are hidden while the pane follows a busy feed, and
    filling them for every event shown was about a third of the pane's update
    on the GUI thread; now the newest text waits until the tab is opened (or
    ``toPlainText`` asks for it), and the same text is never set twice.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setReadOnly(True)
        self._text = ""
        self._pending: str | None = None

    def set_text(self, text: str) -> None:
        if text == self._text:
            return
        self._text = text
        self._pending = text
        if self.isVisible():
            self._fill()

    def _fill(self) -> None:
        if self._pending is not None:
            text, self._pending = self._pending, None
            self.setPlainText(text)

    def showEvent(self, event: QShowEvent) -> None:
        self._fill()
        super().showEvent(event)

    def toPlainText(self) -> str:
        self._fill()
        return super().toPlainText()


@dataclass
class EventDetail:
    """What the pane shows, as read off the GUI thread (QImages, not QPixmaps)."""

    event: dict[str, Any]
    #: Each picture decoded for the size its view shows it at (device pixels).
    pictures: dict[str, Preview] = field(default_factory=dict)
    #: The bytes of pictures held as a preview only: their full resolution is
    #: decoded when the user zooms in past it.
    sources: dict[str, bytes] = field(default_factory=dict)
    raw_text: str = ""
    #: The box the event came from, with its score scale and threshold (or None).
    box: dict[str, Any] | None = None


def load_detail(
    reader: Reader, event_id: int, sizes: dict[str, tuple[int, int]] | None = None
) -> EventDetail | None:
    """Runs on a worker thread: the event, its decoded pictures and its raw JSON.

    ``sizes`` (kind -> device pixels) asks for pictures decoded to fit there
    (a 1080p scene at a quarter of its pixels, ``decode_preview``): the GUI
    thread neither converts nor smooth-scales a full frame per event, and the
    worker does not decode one on a core the GUI and receiver threads need.
    """
    ev = reader.event(event_id)
    if ev is None:
        return None
    detail = EventDetail(ev)
    for kind in IMAGE_KINDS:
        got = reader.image(event_id, kind)
        if got is None:
            continue
        size = (sizes or {}).get(kind)
        # Pillow, not QImage.fromData: Qt decodes with the GIL held (GUI stalls).
        picture = (
            decode_preview(got.data, (max(1, size[0]), max(1, size[1])))
            if size
            else _whole_picture(got.data)
        )
        if picture is None:
            continue
        detail.pictures[kind] = picture
        if not picture.whole:
            detail.sources[kind] = got.data
    detail.raw_text = reader.event_raw_text(event_id)
    detail.box = reader.event_box(ev)
    return detail


def _whole_picture(data: bytes) -> Preview | None:
    decoded = decode_picture(data)
    if decoded is None:
        return None
    image = decoded[0]
    return Preview((image.width(), image.height()), image, whole=True)


def _full_resolution(data: bytes) -> QImage | None:
    """Runs on a worker thread when the user zooms in past a preview."""
    decoded = decode_picture(data)
    return decoded[0] if decoded is not None else None


def show_picture(
    view: PhotoView, detail: EventDetail, kind: str, shapes: OverlayShapes | None
) -> None:
    """One of the event's pictures into ``view`` (a preview when that is all that was decoded)."""
    picture = detail.pictures.get(kind)
    data = detail.sources.get(kind)
    if picture is None:
        view.set_image(None, shapes)
    elif data is None:
        view.set_image(picture.image, shapes)
    else:
        view.set_preview(
            QSize(*picture.size), picture.image, shapes, lambda: _full_resolution(data)
        )


class ImageTile(QWidget):
    """A small titled picture with a clear placeholder when there is none."""

    def __init__(
        self, title: str, parent: QWidget | None = None, *, work: BackgroundWork | None = None
    ) -> None:
        super().__init__(parent)
        self.title = plain_label(title)
        self.title.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.view = PhotoView(self, work=work)
        self.view.setMinimumSize(56, 56)  # three fit beside the scene on a 720-line screen
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.title)
        layout.addWidget(self.view, 1)


class DetailPane(QWidget):
    """One event in full. ``show_event(event_id)``; ``event_id`` is what is shown now."""

    #: Emitted once an event's data is on screen (tests, screenshots).
    event_shown = Signal(int)

    def __init__(self, bridge: Any, parent: QWidget | None = None, *, settings: Any = None) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.settings = settings
        self.event_id: int | None = None
        self.detail: EventDetail | None = None
        self._work = BackgroundWork(self, bridge)
        self._request = 0
        self._loading = False
        self._build()
        self.clear()

    # -- building ------------------------------------------------------------------

    def _build(self) -> None:
        self.name_label = ElidedLabel(parent=self)
        self.name_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = QFont(self.font())
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        self.name_label.setFont(font)
        self.type_badge = PressToSelectLabel()
        self.type_badge.setObjectName("typeBadge")
        self.score_label = PressToSelectLabel()
        self.action_label = PressToSelectLabel()
        header = QHBoxLayout()
        header.addWidget(self.name_label)
        header.addWidget(self.type_badge)
        header.addWidget(self.score_label)
        header.addWidget(self.action_label)
        header.addStretch(1)

        self.scene = PhotoView(self, work=self._work)
        self.scene.double_clicked.connect(self._open_full_size)
        self.fit_button = QPushButton(self)
        self.fit_button.clicked.connect(self.scene.zoom_fit)
        self.actual_button = QPushButton(self)
        self.actual_button.clicked.connect(self.scene.zoom_actual)
        zoom_row = QHBoxLayout()
        zoom_row.addWidget(self.fit_button)
        zoom_row.addWidget(self.actual_button)
        self.zoom_hint = plain_label()
        self.zoom_hint.setEnabled(False)
        zoom_row.addWidget(self.zoom_hint, 1)
        scene_box = QWidget(self)
        sl = QVBoxLayout(scene_box)
        sl.setContentsMargins(0, 0, 0, 0)
        sl.addWidget(self.scene, 1)
        sl.addLayout(zoom_row)

        self.reg_tile = ImageTile("", self, work=self._work)
        self.face_tile = ImageTile("", self, work=self._work)
        self.ir_tile = ImageTile("", self, work=self._work)
        side = QWidget(self)
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        for tile in (self.reg_tile, self.face_tile, self.ir_tile):
            side_layout.addWidget(tile, 1)
        side.setMinimumWidth(140)
        side.setMaximumWidth(260)

        self.photo_splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.photo_splitter.addWidget(scene_box)
        self.photo_splitter.addWidget(side)
        self.photo_splitter.setStretchFactor(0, 4)
        self.photo_splitter.setStretchFactor(1, 1)
        self.photo_splitter.setChildrenCollapsible(False)

        # Details form
        self.fields: dict[str, PressToSelectLabel] = {}
        self.field_titles: dict[str, QLabel] = {}
        form_widget = QWidget(self)
        self.form = QFormLayout(form_widget)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for key in self._field_keys():
            title = plain_label()
            value = PressToSelectLabel()
            # what the box sent (names, ids, addresses): never re-said in another language
            value.setProperty("payload", key in PAYLOAD_FIELDS)
            value.setWordWrap(True)
            value.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
            self.fields[key] = value
            self.field_titles[key] = title
            self.form.addRow(title, value)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(form_widget)

        self.warnings_text = DeferredPlainText(self)
        self.warnings_text.setAccessibleName(tr("Warnings"))

        raw_page = QWidget(self)
        raw_layout = QVBoxLayout(raw_page)
        raw_layout.setContentsMargins(0, 0, 0, 0)
        self.raw_text = DeferredPlainText(self)
        self.raw_text.setAccessibleName(tr("Raw JSON"))
        self.raw_text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        mono = QFont("monospace")
        mono.setStyleHint(QFont.StyleHint.Monospace)
        self.raw_text.setFont(mono)
        self.copy_button = QPushButton(self)
        self.copy_button.clicked.connect(self.copy_raw)
        raw_layout.addWidget(self.raw_text, 1)
        copy_row = QHBoxLayout()
        copy_row.addStretch(1)
        copy_row.addWidget(self.copy_button)
        raw_layout.addLayout(copy_row)

        self.tabs = gate_layout_repaints(QTabWidget(self))  # fields change on every event
        self.tabs.addTab(scroll, "")
        self.tabs.addTab(self.warnings_text, "")
        self.tabs.addTab(raw_page, "")

        self.vsplit = QSplitter(Qt.Orientation.Vertical, self)
        self.vsplit.addWidget(self.photo_splitter)
        self.vsplit.addWidget(self.tabs)
        self.vsplit.setStretchFactor(0, 3)
        self.vsplit.setStretchFactor(1, 2)
        self.vsplit.setChildrenCollapsible(False)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(header)
        layout.addWidget(self.vsplit, 1)
        self.retranslate()

    @staticmethod
    def _field_keys() -> tuple[str, ...]:
        return (
            "name", "identity_id", "image_id", "face_ids", "person_type", "score", "score_scale",
            "action",
            "attributes", "pass_info", "device", "ep_type", "ep_ip", "ep_id", "device_id",
            "dev_sno", "box", "event_id", "event_time", "leave_time", "received", "skew",
            "source", "format",
        )  # fmt: skip

    def _field_title(self, key: str) -> str:
        return {
            "name": tr("Name"),
            "identity_id": tr("Identity id"),
            "image_id": tr("Image id"),
            "face_ids": tr("Face ids"),
            "person_type": tr("Person type"),
            "score": tr("Score"),
            "score_scale": tr("Score scale"),
            "action": tr("Action"),
            "attributes": tr("Face attributes"),
            "pass_info": tr("Resident (platform)"),
            "device": tr("Device"),
            "ep_type": tr("Device type"),
            "ep_ip": tr("Camera IP"),
            "ep_id": tr("Camera id (ep_id)"),
            "device_id": tr("Device id"),
            "dev_sno": tr("Box serial (dev_sno)"),
            "box": tr("Box"),
            "event_id": tr("Box event id"),
            "event_time": tr("Event time"),
            "leave_time": tr("Leave time"),
            "received": tr("Received"),
            "skew": tr("Clock skew (PC − box)"),
            "source": tr("Sent from"),
            "format": tr("Format"),
        }[key]

    def retranslate(self) -> None:
        self.fit_button.setText(tr("Fit"))
        self.actual_button.setText(tr("1:1"))
        self.zoom_hint.setText(tr("wheel: zoom · drag: pan · double-click: full size"))
        self.reg_tile.title.setText(tr("Registered photo"))
        self.face_tile.title.setText(tr("Face crop"))
        self.ir_tile.title.setText(tr("IR photo"))
        self.tabs.setTabText(0, tr("Details"))
        self.tabs.setTabText(2, tr("Raw JSON"))
        self.copy_button.setText(tr("Copy JSON"))
        for key, label in self.field_titles.items():
            label.setText(self._field_title(key))
        self._set_warnings_tab_title()
        if self.detail is not None:
            self._populate(self.detail)
        elif self.event_id is None:
            self.clear()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    # -- showing -------------------------------------------------------------------

    def clear(self) -> None:
        self.event_id = None
        self.detail = None
        self.name_label.setText(tr("No event selected"))
        self.type_badge.setText("")
        self.type_badge.setStyleSheet("")
        self.score_label.setText("")
        self.action_label.setText("")
        self.scene.set_pixmap(None)
        self.scene.set_placeholder(tr("Select an event to see its photos"))
        for tile in (self.reg_tile, self.face_tile, self.ir_tile):
            tile.view.set_pixmap(None)
            tile.view.set_placeholder("")
        for label in self.fields.values():
            label.setText("")
        self.warnings_text.set_text("")
        self.raw_text.set_text("")
        self._set_warnings_tab_title()

    def show_event(self, event_id: int) -> None:
        """Load and show one event (asynchronously; ``event_shown`` fires when done).

        One load at a time: asked again while one runs (a busy feed being
        followed), the newest wish is loaded when it ends, and the ones between
        are never read or decoded.
        """
        self._request += 1
        self.event_id = event_id
        if self._loading:
            return  # ``_settled`` starts the newest request
        self._start(self._request, event_id)

    def _start(self, request: int, event_id: int) -> None:
        self._loading = True
        dpr = self.devicePixelRatioF()
        sizes = {
            kind: (round(view.width() * dpr), round(view.height() * dpr))
            for kind, view in (
                ("spot_pic", self.scene),
                ("reg_pic", self.reg_tile.view),
                ("recognize_face", self.face_tile.view),
                ("ir_pic", self.ir_tile.view),
            )
        }
        self._work.read(
            lambda reader: load_detail(reader, event_id, sizes),
            lambda detail: self._settled(request) and self._loaded(request, event_id, detail),
            lambda exc: self._settled(request) and self._failed(request, exc),
        )

    def _settled(self, request: int) -> bool:
        """A load ended: True to show its outcome, False when a newer one was asked for."""
        self._loading = False
        if request == self._request:
            return True
        if self.event_id is not None:
            self._start(self._request, self.event_id)
        return False

    def refresh(self) -> None:
        if self.event_id is not None:
            self.show_event(self.event_id)

    def _failed(self, request: int, exc: BaseException) -> None:
        if request != self._request:
            return
        self.name_label.setText(tr("Cannot read this event: %1").replace("%1", str(exc)))

    def _loaded(self, request: int, event_id: int, detail: EventDetail | None) -> None:
        if request != self._request:
            return  # the user already moved on
        if detail is None:
            self.clear()
            self.name_label.setText(tr("Event %1 is no longer stored").replace("%1", str(event_id)))
            return
        self.detail = detail
        self._populate(detail)
        self.event_shown.emit(event_id)

    def _colours(self) -> dict[str, str]:
        return self.settings.overlay_colours if self.settings is not None else {}

    def overlays_visible(self) -> bool:
        return self.settings.overlays if self.settings is not None else True

    def set_overlays_visible(self, visible: bool) -> None:
        self.scene.set_overlays_visible(visible)

    def _populate(self, detail: EventDetail) -> None:
        ev = detail.event
        pt = ev.get("person_type")
        name = words.display_name(
            ev.get("identity_name"), ev.get("identity_id"), ev.get("person_type")
        ) or tr("(no name)")
        self.name_label.setText(str(name))
        colour = words.person_type_colour(pt, self._colours())
        self.type_badge.setText(f" {words.person_type_word(pt)} ")
        style = (
            f"QLabel#typeBadge {{ background: {colour}; color: white; border-radius: 4px;"
            " padding: 2px 8px; font-weight: bold; }"
        )
        if self.type_badge.styleSheet() != style:  # a new style sheet re-polishes the label
            self.type_badge.setStyleSheet(style)
        score_context = (detail.box or {}).get("score") or {}
        score_text = words.format_score_in_scale(
            ev.get("score"), score_context.get("scale"), score_context.get("threshold")
        )
        self.score_label.setText(tr("score %1").replace("%1", score_text))
        self.action_label.setText(words.want_action_words(ev.get("want_action")))

        pictures = detail.pictures
        meta = ev.get("images") or {}
        spot = pictures.get("spot_pic")
        shapes = None
        if spot is not None:
            shapes = shapes_for(
                ev.get("face_box"),
                ev.get("landmarks"),
                pt,
                spot.size,
                colours={int(k): v for k, v in self._colours().items() if str(k).isdigit()},
            )
        self.scene.set_overlays_visible(self.overlays_visible())
        show_picture(self.scene, detail, "spot_pic", shapes)
        geometry = ev.get("geometry") or {}
        placeholder = self._missing("spot_pic", meta, pt)
        if spot is None and ev.get("face_box") and "spot_pic" not in meta:
            # The box belongs on a scene picture this event does not carry: say so
            # rather than draw it on another picture.
            placeholder = (
                tr("V6 real-time events carry no scene photo: the face box is not drawn")
                if geometry.get("scene_note") == "v6_realtime_has_no_scene"
                else tr("no scene photo in this event: the face box is not drawn")
            )
        self.scene.set_placeholder(placeholder)
        face = pictures.get("recognize_face")
        crop_shapes = None
        if face is not None and geometry.get("crop_box"):
            crop_shapes = shapes_for(
                geometry["crop_box"], None, pt, face.size,
                colours={int(k): v for k, v in self._colours().items() if str(k).isdigit()},
            )  # fmt: skip
        for kind, tile in (
            ("reg_pic", self.reg_tile),
            ("recognize_face", self.face_tile),
            ("ir_pic", self.ir_tile),
        ):
            tile.view.set_overlays_visible(self.overlays_visible())
            tile_shapes = crop_shapes if kind == "recognize_face" else None
            show_picture(tile.view, detail, kind, tile_shapes)
            tile.view.set_placeholder(self._missing(kind, meta, pt))

        info = ev.get("identity_info") or {}
        ep = ev.get("ep_info") or {}
        attrs = ev.get("recognize_face_attr") or {}
        received = ev.get("received_at")
        ts = ev.get("timestamp")
        skew = (
            words.format_duration_ms(received - ts)
            if received is not None and ts is not None
            else "—"
        )
        values = {
            "name": words.display_name(
                ev.get("identity_name"), ev.get("identity_id"), ev.get("person_type")
            )
            or "—",
            "identity_id": ev.get("identity_id") or "—",
            "image_id": _text(info.get("image_id")),
            "face_ids": _text(info.get("face_ids")),
            "person_type": words.person_type_word(pt) + (f" ({pt})" if pt is not None else ""),
            "score": words.format_score(ev.get("score")),
            "score_scale": _scale_field(score_context),
            "action": _join(words.want_action_words(ev.get("want_action")), ev.get("want_action")),
            "attributes": _attributes({**attrs, **(ev.get("face_attributes") or {})}),
            "pass_info": _pass_info(info.get("ext_info")),
            "device": ep.get("ep_name") or "—",
            "ep_type": _join(words.ep_type_words(ep.get("ep_type")), ep.get("ep_type")),
            "ep_ip": _text(ep.get("ep_ip")),
            "ep_id": _text(ep.get("ep_id")),
            "device_id": _text(ep.get("device_id")),
            "dev_sno": _text(ev.get("dev_sno")),
            "box": _box_field(detail.box),
            "event_id": _text(ev.get("event_id")),
            "event_time": words.format_ms(ts),
            "leave_time": words.format_ms(ev.get("out_timestamp")),
            "received": words.format_ms(received),
            "skew": skew,
            "source": f"{ev.get('source_ip') or '—'}  {ev.get('path') or ''}".strip(),
            "format": _text(ev.get("format")),
        }
        for key, value in values.items():
            self.fields[key].setText(str(value))
        warnings = ev.get("warnings") or []
        lines = []
        for w in warnings:
            where = f" [{w.get('field')}]" if w.get("field") else ""
            lines.append(f"• {w.get('code')}{where}: {w.get('message', '')}")
        self.warnings_text.set_text(
            "\n".join(lines) or tr("No warnings: the event is well-formed.")
        )
        self._warning_count = len(warnings)
        self._set_warnings_tab_title()
        self.raw_text.set_text(detail.raw_text)

    def _set_warnings_tab_title(self) -> None:
        n = getattr(self, "_warning_count", 0) if self.detail is not None else 0
        title = tr("Warnings") + (f" ({n})" if n else "")
        if self.tabs.tabText(1) != title:
            # QTabWidget.setTabText repaints the whole tab widget, frame and scroll bars
            # included, even with the same text: per event shown, the largest part of
            # the pane's paint.
            self.tabs.setTabText(1, title)

    def _missing(self, kind: str, meta: dict[str, Any], person_type: int | None) -> str:
        m = meta.get(kind)
        if m is not None and m.get("purged"):
            return tr("photo removed by the retention policy")
        if m is not None:
            return tr("this picture could not be decoded")
        if kind == "spot_pic":
            return tr("no scene photo in this event")
        if kind == "reg_pic":
            if person_type == 4:
                return tr("no registered photo — stranger")
            return tr("no registered photo")
        if kind == "recognize_face":
            return tr("no face crop")
        return tr("no IR photo")

    def copy_raw(self) -> None:
        QGuiApplication.clipboard().setText(self.raw_text.toPlainText())

    def _open_full_size(self) -> None:
        if not self.scene.has_picture():
            return
        pixmap = self.scene.pixmap()
        assert pixmap is not None
        title = self.name_label.text()
        dialog = FullSizeDialog(
            pixmap, self.scene.shapes(), self.scene.overlays_visible, title, self.window()
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()

    def close_reader(self) -> None:
        self._work.close()


def _text(value: Any) -> str:
    if value in (None, "", [], {}):
        return "—"
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


def _join(words_text: str, code: Any) -> str:
    """The words for a code; the code itself only when there are no words for it."""
    if not words_text:
        return _text(code)
    return words_text


#: Detail fields that show what the box sent as it is (the rest are our words for codes).
PAYLOAD_FIELDS = frozenset({
    "name", "identity_id", "image_id", "face_ids", "device", "ep_ip", "ep_id", "device_id",
    "dev_sno", "box", "event_id", "source", "format",
})  # fmt: skip

_SKIP_ATTRS = {"point", "box", "feature", "feature_binary", "feature_base64_str"}


def _attributes(attrs: dict[str, Any]) -> str:
    """Age, gender, glasses… and head pose, from wherever the firmware put them."""
    labels = {
        "age": tr("age"),
        "age_code": tr("age code"),
        "gender": tr("gender"),
        "mask": tr("mask"),
        "glasses": tr("glasses"),
        "hat": tr("hat"),
        "expression": tr("expression"),
        "quality_passed": tr("quality check passed"),
    }
    parts = []
    for key, value in attrs.items():
        if key in _SKIP_ATTRS or value in (None, "") or isinstance(value, list):
            continue
        if key == "head_pose" and isinstance(value, dict):
            words_of = {"yaw": tr("yaw"), "pitch": tr("pitch"), "roll": tr("roll")}
            angles = [
                f"{words_of[name]} {value[name]:g}°"
                for name in ("yaw", "pitch", "roll")
                if isinstance(value.get(name), int | float)
            ]
            if angles:
                parts.append(tr("head pose") + ": " + " ".join(angles))
            continue
        if key == "quality" and isinstance(value, dict):
            parts.append(tr("quality") + ": " + ", ".join(f"{k} {v}" for k, v in value.items()))
            continue
        if isinstance(value, dict):
            continue
        parts.append(f"{labels.get(key, key)}: {words.attribute_value_words(key, value)}")
    return ", ".join(parts) or "—"


def _pass_info(ext_info: Any) -> str:
    """A pass record's building / room / floor / address (forwarded by the platform)."""
    if not isinstance(ext_info, dict) or not ext_info:
        return "—"
    labels = {
        "building_no": tr("building"), "room": tr("room"), "floor": tr("floor"),
        "address": tr("address"),
    }  # fmt: skip
    parts = [
        f"{labels.get(str(k), str(k))} {v}"
        for k, v in ext_info.items()
        if v not in (None, "") and not isinstance(v, dict | list)
    ]
    return ", ".join(parts) or "—"


def _scale_field(context: dict[str, Any]) -> str:
    """The box's score scale and the threshold it compares scores with."""
    scale = context.get("scale")
    if not scale:
        return "—"
    text = {"0-100": tr("0–100 display score"), "0-1": tr("0–1 similarity")}.get(scale, scale)
    threshold = context.get("threshold")
    if threshold is None:
        return text
    note = {
        "vendor_default": tr("threshold %1 (vendor default)"),
        "configured": tr("threshold %1 (box setting)"),
    }.get(context.get("threshold_source") or "", tr("threshold %1"))
    return f"{text} · {note.replace('%1', words.format_threshold(threshold))}"


def _box_field(box: dict[str, Any] | None) -> str:
    if not box:
        return "—"
    name = box.get("name")
    return f"{name} ({box['sn']})" if name and name != box["sn"] else str(box["sn"])
