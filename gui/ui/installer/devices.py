"""The devices page: every box and camera, its traffic over 24 h, health and silence.

Boxes come with their last ``/DeviceStatus`` report (CPU, memory, disk,
temperature, versions); cameras with online/offline from the box and a colour
when they have gone silent (amber, then red; see ``gui.core.silence``). The
table is a model over a read done off the GUI thread; it is small (one row per
device) and reloaded on traffic, at most every two seconds.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from typing import Any

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    QPointF,
    QRectF,
    Qt,
    QTimer,
)
from PySide6.QtGui import QBrush, QColor, QPainter, QPen
from PySide6.QtWidgets import (
    QHeaderView,
    QMenu,
    QPlainTextEdit,
    QSplitter,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from gui.core import sender, silence
from gui.ui import plain
from gui.ui.background import BackgroundWork
from gui.ui.installer.common import EmptyState, RefreshWhenShown, plain_label, tr
from gui.ui.models.table import ListTableModel
from gui.ui.views.words import ep_type_words

Index = QModelIndex | QPersistentModelIndex
SPARK_ROLE = Qt.ItemDataRole.UserRole + 1
LEVEL_BACKGROUND = {
    silence.AMBER: "#ffe0a3",
    silence.RED: "#ffcdd2",
    silence.QUIET: "#e0e0e0",
}


def now_ms() -> int:
    return time.time_ns() // 1_000_000


def load(reader: Any, now: int, minutes: int, quiet: list[str]) -> list[dict[str, Any]]:
    """Rows for the table: each box followed by its cameras, then cameras of unknown boxes."""
    found = reader.devices()
    activity = reader.device_activity(now, 24)
    state = silence.evaluate(
        [{"sn": b["sn"], "name": b["name"], "last_seen": b["last_seen"]} for b in found["boxes"]],
        found["cameras"], now, minutes, quiet,
    )  # fmt: skip
    levels = {d.key: d for d in state.devices}
    rows: list[dict[str, Any]] = []
    cameras_by_box: dict[str | None, list[dict[str, Any]]] = {}
    hidden = {sender.SELF_TEST_CAMERA, sender.SELF_TEST_BOX}
    found["boxes"] = [b for b in found["boxes"] if b["sn"] not in hidden]
    found["cameras"] = [c for c in found["cameras"] if c["ep_id"] not in hidden]
    for cam in found["cameras"]:
        cameras_by_box.setdefault(cam.get("box_sn"), []).append(cam)
    box_sns = {b["sn"] for b in found["boxes"]}

    reported_at = {b["sn"]: b.get("last_report_at") for b in found["boxes"]}

    def camera_row(cam: dict[str, Any]) -> dict[str, Any]:
        s = levels.get(cam["ep_id"])
        return {
            "kind": "camera", "key": cam["ep_id"], "name": cam.get("name") or cam["ep_id"],
            "ip": cam.get("ip"), "type": ep_type_words(cam.get("type")) or None,
            "status": cam.get("status"),
            "last_event_at": cam.get("last_event_at"), "event_count": cam.get("event_count"),
            "spark": activity["cameras"].get(cam["ep_id"]) or [0] * 24,
            "level": s.level if s else silence.OK, "reason": s.reason if s else "",
            "health": None, "detail": cam, "reported_at": reported_at.get(cam.get("box_sn")),
        }  # fmt: skip

    for box in found["boxes"]:
        s = levels.get(box["sn"])
        health = box.get("health")
        rows.append({
            "kind": "box", "key": box["sn"], "name": box.get("name") or box["sn"],
            "aliases": box.get("aliases") or [], "metrics": box.get("metrics") or {},
            "inferred": box.get("inferred") or [],
            "score": box.get("score") or {},
            "ip": " ".join(box.get("ips") or []) or box.get("source_ip"), "type": tr("box"),
            "status": box.get("status") or (health or {}).get("gateway_status"),
            "last_event_at": box.get("last_event_at"), "event_count": box.get("event_count"),
            "spark": activity["boxes"].get(box["sn"]) or [0] * 24,
            "level": s.level if s else silence.OK, "reason": s.reason if s else "",
            "health": health, "detail": box, "reported_at": box.get("last_report_at"),
        })  # fmt: skip
        rows.extend(camera_row(c) for c in cameras_by_box.get(box["sn"], []))
    for sn, cams in cameras_by_box.items():
        if sn not in box_sns:
            rows.extend(camera_row(c) for c in cams)
    return rows


def health_text(report: dict[str, Any] | None) -> str:
    """``CPU 35% · memory 52% · disk 40% · 58 °C · sw V6R2 · SDK 3.4``."""
    if not isinstance(report, dict):
        return ""
    ext = report.get("gateway_ext_data")
    if not isinstance(ext, dict):
        return ""
    parts = []

    def pct(value: Any) -> str | None:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return f"{value * 100:.0f}%" if value <= 1 else f"{value:.0f}%"
        return None

    def sub(key: str) -> dict[str, Any]:
        value = ext.get(key)
        return value if isinstance(value, dict) else {}

    for label, value in (
        (tr("CPU"), pct(sub("cpu_info").get("cpu_rate"))),
        (tr("memory"), pct(sub("memory_info").get("total_memory_scale"))),
        (tr("disk"), pct(sub("disk_info").get("disk_rate"))),
    ):
        if value:
            parts.append(f"{label} {value}")
    temp = ext.get("temperature")
    if isinstance(temp, int | float) and not isinstance(temp, bool):
        parts.append(f"{temp:g} °C")
    if ext.get("sw_version"):
        parts.append(f"sw {ext['sw_version']}")
    if ext.get("sdk_version"):
        parts.append(f"SDK {ext['sdk_version']}")
    return " · ".join(parts)


def metrics_text(metrics: dict[str, Any], score: dict[str, Any] | None = None) -> str:
    """A normalised report (fractions, bytes, °C) and the box's score scale, in one line."""
    parts = []
    for label, key in ((tr("CPU"), "cpu"), (tr("TPU"), "tpu"), (tr("memory"), "memory"),
                       (tr("disk"), "disk")):  # fmt: skip
        value = metrics.get(key)
        if isinstance(value, int | float) and not isinstance(value, bool):
            parts.append(f"{label} {value * 100:.0f}%")
    free = metrics.get("disk_free_bytes")
    if isinstance(free, int) and not isinstance(free, bool):
        parts.append(tr("{n} GB free").format(n=f"{free / 1024**3:.1f}"))
    for key in ("temperature_c", "board_temperature_c"):
        value = metrics.get(key)
        if isinstance(value, int | float) and not isinstance(value, bool):
            parts.append(f"{value:g} °C")
    if metrics.get("box_state") == "fault":
        parts.append(tr("fault: {text}").format(text=metrics.get("box_state_text") or "?"))
    if metrics.get("sw_version"):
        parts.append(f"sw {str(metrics['sw_version']).splitlines()[0]}")
    if metrics.get("sdk_version"):
        parts.append(f"SDK {metrics['sdk_version']}")
    if score and score.get("scale") == "mixed":
        # Its events come in both scales: each is shown in its own (History, the feed).
        text = tr("scores mixed (0–1 and 0–100)")
        if score.get("threshold") is not None:
            text += ", " + tr("threshold {t}").format(t=f"{score['threshold']:g}")
        parts.append(text)
    elif score and score.get("scale"):
        text = tr("scores {scale}").format(scale=score["scale"].replace("-", "–"))
        if score.get("threshold") is not None:
            text += ", " + tr("threshold {t}").format(t=f"{score['threshold']:g}")
        parts.append(text)
    return " · ".join(parts)


def _ago(ms: int | None, now: int) -> str:
    if not ms:
        return tr("never")
    seconds = max(0, (now - ms) // 1000)
    if seconds < 60:
        return tr("{n} s ago").format(n=seconds)
    if seconds < 3600:
        return tr("{n} min ago").format(n=seconds // 60)
    if seconds < 48 * 3600:
        return tr("{n} h ago").format(n=seconds // 3600)
    return dt.datetime.fromtimestamp(ms / 1000).strftime("%Y-%m-%d %H:%M")


class DevicesModel(ListTableModel):
    #: "status" is what the box says in its health report; "traffic" what we receive.
    COLUMNS = ("name", "ip", "type", "status", "traffic", "last_event_at", "spark", "health")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.rows: list[dict[str, Any]] = []
        self.now = now_ms()

    def set_rows(self, rows: list[dict[str, Any]], now: int) -> None:
        self.beginResetModel()
        self.rows = rows
        self.now = now
        self.endResetModel()

    def row_of(self, key: str) -> int | None:
        for i, row in enumerate(self.rows):
            if row["key"] == key:
                return i
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return (tr("Device"), tr("IP"), tr("Type"), tr("Box reports"),
                    tr("Events received"), tr("Last event"), tr("Events / hour, 24 h"),
                    tr("Health"))[section]  # fmt: skip
        return None

    def status_text(self, row: dict[str, Any]) -> str:
        """What the box itself said about the device in its last health report."""
        if not row["status"]:
            return "—"
        return {"online": tr("online"), "offline": tr("offline")}.get(
            str(row["status"]).lower(), str(row["status"])
        )

    def traffic_text(self, row: dict[str, Any]) -> str:
        """What Gatewatch receives from the device, whatever the box reports."""
        level = row["level"]
        if level != silence.OK:
            return {silence.AMBER: tr("silent"), silence.RED: tr("silent (red)"),
                    silence.QUIET: tr("quiet at night")}[level]  # fmt: skip
        if not row["last_event_at"]:
            return tr("reports only") if row["kind"] == "box" else tr("no events yet")
        return tr("sending")

    @staticmethod
    def sending(row: dict[str, Any]) -> bool:
        return row["level"] == silence.OK and bool(row["last_event_at"])

    def status_tooltip(self, row: dict[str, Any]) -> str:
        if not row["status"]:
            return tr("No health report from the box mentions this device.")
        text = tr("The box's own health report, {ago}.").format(
            ago=_ago(row.get("reported_at"), self.now)
        )
        if str(row["status"]).lower() == "offline" and self.sending(row):
            text += " " + tr(
                "Its events arrive nevertheless: the report is out of date, or the box "
                "names this camera differently in its reports."
            )
        return text

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        col = self.COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            if col == "name":
                if row["kind"] == "camera":
                    return "    " + str(row["name"])
                names = [a for a in row.get("aliases") or [] if a != row["name"]]
                shown = [str(row["key"])] if row["key"] != row["name"] else []
                shown += names
                return str(row["name"]) + (f"  ({', '.join(shown)})" if shown else "")
            if col == "status":
                return self.status_text(row)
            if col == "traffic":
                return self.traffic_text(row)
            if col == "last_event_at":
                return _ago(row["last_event_at"], self.now)
            if col == "spark":
                return ""
            if col == "health":
                if row.get("metrics") or row.get("score", {}).get("scale"):
                    text = metrics_text(row["metrics"], row.get("score"))
                    if row.get("inferred"):
                        # Read by a rule the vendor's docs do not state: say so (tooltip: which).
                        text += " · " + tr("{n} inferred").format(n=len(row["inferred"]))
                    return text
                return health_text(row["health"])
            value = row.get(col)
            return "" if value is None else str(value)
        if role == SPARK_ROLE and col == "spark":
            return row["spark"]
        if role == Qt.ItemDataRole.BackgroundRole and col == "traffic":
            colour = LEVEL_BACKGROUND.get(row["level"])
            return QBrush(QColor(colour)) if colour else None
        if role == Qt.ItemDataRole.BackgroundRole and col == "status":
            if str(row["status"]).lower() != "offline":
                return None
            # Offline by the box's word, yet sending: a contradiction to look at, not an outage.
            level = silence.AMBER if self.sending(row) else silence.RED
            return QBrush(QColor(LEVEL_BACKGROUND[level]))
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == "spark":
                return tr("{n} events in the last 24 h (oldest hour on the left)").format(
                    n=sum(row["spark"])
                )
            if col == "status":
                return plain.tooltip(self.status_tooltip(row))
            if col == "traffic":
                return plain.tooltip(str(row["reason"] or tr("Events arrive.")))
            if col == "health" and row.get("inferred"):
                return plain.tooltip("\n".join(str(i.get("message")) for i in row["inferred"]))
            if col == "name" and row["kind"] == "box":
                return plain.tooltip("\n".join([str(row["key"]), *(row.get("aliases") or [])]))
            return plain.tooltip(str(row["key"]))
        if role == Qt.ItemDataRole.UserRole:
            return row["key"]
        return None


class SparklineDelegate(QStyledItemDelegate):
    """Bars of events per hour; the newest hour on the right."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        values = index.data(SPARK_ROLE)
        if option.state & QStyle.StateFlag.State_Selected:
            painter.fillRect(option.rect, option.palette.highlight())
        if not values:
            return
        rect = QRectF(option.rect).adjusted(4, 4, -4, -4)
        top = max(values) or 1
        n = len(values)
        width = rect.width() / n
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor("#1e88e5"))
        for i, value in enumerate(values):
            if value <= 0:
                continue
            h = max(1.0, rect.height() * value / top)
            painter.drawRect(
                QRectF(rect.left() + i * width, rect.bottom() - h, max(1.0, width - 1), h)
            )
        painter.setPen(QPen(QColor("#9e9e9e")))
        painter.drawLine(QPointF(rect.left(), rect.bottom()), QPointF(rect.right(), rect.bottom()))
        painter.restore()


class DevicesPanel(QWidget):
    def __init__(self, bridge: Any, settings: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("DevicesPanel")
        self.bridge = bridge
        self.settings = settings
        self.work = BackgroundWork(self, bridge)
        self.model = DevicesModel(self)
        self.loads = 0
        layout = QVBoxLayout(self)
        self.note = plain_label(
            tr("A device that sends nothing for {n} minutes turns amber, then red after {m}.")
            .format(n=self._minutes(), m=2 * self._minutes()),
            wrap=True,
        )  # fmt: skip
        layout.addWidget(self.note)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.table = QTableView()
        self.table.setAccessibleName(tr("Devices"))
        self.table.setModel(self.model)
        self.table.setItemDelegateForColumn(
            DevicesModel.COLUMNS.index("spark"), SparklineDelegate(self.table)
        )
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        # The type column fits the common camera types in words ("gate / snapshot camera").
        metrics = self.table.fontMetrics()
        words = [ep_type_words(t) for t in ("photo", "rtsp", "card")] + [tr("box")]
        type_width = max(60, *(metrics.horizontalAdvance(w) + 16 for w in words))
        for col, width in enumerate((240, 120, type_width, 100, 110, 100, 180)):
            self.table.setColumnWidth(col, width)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)
        splitter.addWidget(self.table)
        self.detail = QPlainTextEdit()
        self.detail.setAccessibleName(tr("Health report"))
        self.detail.setReadOnly(True)
        self.detail.setPlaceholderText(tr("Select a box to see its last health report"))
        splitter.addWidget(self.detail)
        splitter.setSizes([450, 220])
        layout.addWidget(splitter, 1)
        self.splitter = splitter
        self.empty = EmptyState(
            lambda: (
                tr("No devices yet"),
                tr("A box and its cameras appear here as soon as it sends an event or a status "
                   "report. Type the URL from the Connect page into the box, or add the box "
                   "under Connect → Boxes to point it here."),
            ),
            self,
        )  # fmt: skip
        self.empty.setObjectName("devicesEmpty")
        layout.addWidget(self.empty, 1)
        self._show_empty(self.model.rowCount() == 0 and self.loads > 0)

        self._refresh = RefreshWhenShown(self, self._load)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(2000)
        self._debounce.timeout.connect(self.reload)
        self._tick = QTimer(self)
        self._tick.setInterval(30_000)
        self._tick.timeout.connect(self.reload)
        self._tick.start()
        bridge.event_stored.connect(lambda _s: self.schedule())
        bridge.health_report_stored.connect(lambda _h: self.reload())
        bridge.silence_levels_changed.connect(lambda _s: self.schedule())
        from gui.ui.recovery import storage_back

        # The database (or the server) is back: read again now, not at the next tick.
        storage_back(bridge).back.connect(self.reload)
        self.reload()

    def _minutes(self) -> int:
        return max(1, self.settings.silence_minutes)

    def schedule(self) -> None:
        if not self._debounce.isActive():
            self._debounce.start()

    def reload(self) -> None:
        self._refresh.request()

    def _load(self) -> None:
        now = now_ms()
        minutes = self._minutes()
        quiet = self.settings.quiet_at_night
        self.work.read(lambda reader: load(reader, now, minutes, quiet),
                       lambda rows: self._loaded(rows, now))  # fmt: skip

    def _loaded(self, rows: list[dict[str, Any]], now: int) -> None:
        current = self.table.currentIndex()
        key = self.model.rows[current.row()]["key"] if current.isValid() else None
        self.model.set_rows(rows, now)
        self.loads += 1
        self._show_empty(not rows)
        if key is not None:
            row = self.model.row_of(key)
            if row is not None:
                self.table.selectRow(row)

    def _show_empty(self, empty: bool) -> None:
        self.empty.setVisible(empty)
        self.splitter.setVisible(not empty)

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid():
            return
        row = self.model.rows[current.row()]
        if row["kind"] == "box" and row["health"]:
            text = json.dumps(row["health"], ensure_ascii=False, indent=2)
        else:
            text = json.dumps(row["detail"], ensure_ascii=False, indent=2)
        self.detail.setPlainText(text)

    def _context_menu(self, pos: Any) -> None:
        index = self.table.indexAt(pos)
        if not index.isValid():
            return
        row = self.model.rows[index.row()]
        if row["kind"] != "camera":
            return
        menu = QMenu(self)
        action = menu.addAction(tr("Expected quiet at night (20:00–07:00)"))
        action.setCheckable(True)
        action.setChecked(row["key"] in self.settings.quiet_at_night)
        action.toggled.connect(lambda on, key=row["key"]: self.set_quiet_at_night(key, on))
        menu.exec(self.table.viewport().mapToGlobal(pos))

    def set_quiet_at_night(self, ep_id: str, on: bool) -> None:
        """Per camera: not judged silent at night. Kept; the core watch reads it live."""
        current = [k for k in self.settings.quiet_at_night if k != ep_id]
        if on:
            current.append(ep_id)
        self.settings.quiet_at_night = current
        self.reload()

    def close_worker(self) -> None:
        self.work.close()
