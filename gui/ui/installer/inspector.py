"""The request inspector: every HTTP request the server saw, newest first, live.

A paged table model over the ``requests`` table (bounded in memory), filters
by source, path and status, and a detail view with the headers and the body as
pretty JSON, pictures abbreviated with a click to view them.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QFontDatabase, QImage, QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from gui.core import sender
from gui.core.messages import RequestLogged
from gui.ui import plain
from gui.ui.background import BackgroundWork
from gui.ui.installer.common import EmptyState, copy_text, plain_label, tr
from gui.ui.models.table import ListTableModel

Index = QModelIndex | QPersistentModelIndex
PAGE = 200
#: Rows held in memory at most; older ones are fetched again when scrolled to.
MAX_ROWS = 5000
#: Live requests within this many ms are inserted together.
LIVE_BATCH_MS = 100
STATUSES = ("", "200", "400", "403", "404", "405", "413", "500", "503")


def _time_text(ms: int) -> str:
    return dt.datetime.fromtimestamp(ms / 1000).strftime("%Y-%m-%d %H:%M:%S")


def _reply_message(reply: Any) -> str:
    if isinstance(reply, dict):
        return str(reply.get("message", ""))
    return "" if reply is None else str(reply)


def record_row(record: Any) -> dict[str, Any]:
    """A live ``RequestRecord`` as the row dict ``list_requests`` gives."""
    try:
        reply: Any = json.loads(record.reply)
    except (ValueError, TypeError):
        reply = record.reply
    return {
        "id": record.id, "time": record.time, "source_ip": record.source_ip,
        "method": record.method, "path": record.path, "content_type": record.content_type,
        "length": record.length, "status": record.status, "reply": reply,
        "duration_ms": record.duration_ms, "events": record.events,
        "warnings": list(record.warnings),
    }  # fmt: skip


class RequestsModel(ListTableModel):
    """Newest first; ``fetchMore`` loads older pages; live rows arrive at the top."""

    COLUMNS = ("time", "source_ip", "method", "path", "status", "content_type", "length",
               "events", "duration_ms", "reply")  # fmt: skip
    loaded = Signal()

    def __init__(self, work: BackgroundWork, parent: Any = None) -> None:
        super().__init__(parent)
        self.work = work
        self.rows: list[dict[str, Any]] = []
        self.filters: dict[str, Any] = {"status": None, "source": None, "path": None}
        self._more = True
        self._loading = False
        self._generation = 0
        #: While paused, live rows wait here so the list does not move under the mouse.
        self.paused = False
        self.held: list[Any] = []
        #: Live rows that arrived within LIVE_BATCH_MS: inserted together (one layout).
        self._arriving: list[dict[str, Any]] = []
        self._arrivals = QTimer(self)
        self._arrivals.setSingleShot(True)
        self._arrivals.setInterval(LIVE_BATCH_MS)
        self._arrivals.timeout.connect(self.flush_live)

    # -- loading -----------------------------------------------------------------------

    def _query(self, before: int | None) -> Callable[[Any], list[dict[str, Any]]]:
        filters = dict(self.filters)
        return lambda reader: reader.requests(limit=PAGE, before=before, **filters)

    def set_filters(self, *, status: int | None, source: str | None, path: str | None) -> None:
        self.filters = {"status": status, "source": source or None, "path": path or None}
        self.reload()

    def reload(self) -> None:
        self._arriving.clear()  # the page read includes them
        self._arrivals.stop()
        self._generation += 1
        generation = self._generation
        self.beginResetModel()
        self.rows = []
        self._more = True
        self.endResetModel()
        self._loading = True
        self.work.read(self._query(None), lambda rows: self._page(generation, rows, True))

    def _page(self, generation: int, rows: list[dict[str, Any]], first: bool) -> None:
        if generation != self._generation:
            return
        self._loading = False
        self._more = len(rows) == PAGE
        if rows:
            start = len(self.rows)
            known = {r["id"] for r in self.rows}
            rows = [r for r in rows if r["id"] not in known]
            if rows:
                self.beginInsertRows(QModelIndex(), start, start + len(rows) - 1)
                self.rows.extend(rows)
                self.endInsertRows()
        self.loaded.emit()

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self._more and not self._loading and bool(self.rows)

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if not self.canFetchMore(parent):
            return
        if len(self.rows) >= MAX_ROWS:
            self._more = False
            return
        self._loading = True
        generation = self._generation
        before = self.rows[-1]["id"]
        self.work.read(self._query(before), lambda rows: self._page(generation, rows, False))

    def matches(self, row: dict[str, Any]) -> bool:
        f = self.filters
        if f["status"] is not None and row["status"] != f["status"]:
            return False
        if f["source"] and row["source_ip"] != f["source"]:
            return False
        return not (f["path"] and row["path"] != f["path"])

    def set_paused(self, paused: bool) -> None:
        """Pause: new requests wait (counted); resuming puts them in, newest on top."""
        self.paused = paused
        if not paused:
            held, self.held = self.held, []
            for record in held:
                self.add_live(record)

    def add_live(self, record: Any) -> None:
        """A request just logged; put in with the others that arrive within LIVE_BATCH_MS.

        One insert per batch, not per request: at 50 requests/s a row each kept
        the GUI thread laying out this table even while the page was hidden.
        """
        if self.paused:
            self.held.append(record)
            if len(self.held) > MAX_ROWS:
                del self.held[: len(self.held) - MAX_ROWS]
            return
        self._arriving.append(record_row(record))
        if not self._arrivals.isActive():
            self._arrivals.start()

    def flush_live(self) -> None:
        """Insert the live rows waiting now, newest on top."""
        self._arrivals.stop()
        arriving, self._arriving = self._arriving, []
        top = self.rows[0]["id"] if self.rows else None
        fresh: dict[int, dict[str, Any]] = {}
        for row in arriving:
            if row["id"] is None or not self.matches(row):
                continue
            if top is not None and row["id"] <= top:
                continue
            fresh[row["id"]] = row
        if not fresh:
            return
        rows = [fresh[i] for i in sorted(fresh, reverse=True)]
        self.beginInsertRows(QModelIndex(), 0, len(rows) - 1)
        self.rows[0:0] = rows
        self.endInsertRows()
        if len(self.rows) > MAX_ROWS:
            self.beginRemoveRows(QModelIndex(), MAX_ROWS, len(self.rows) - 1)
            del self.rows[MAX_ROWS:]
            self.endRemoveRows()
            self._more = True

    # -- model API ---------------------------------------------------------------------

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return (tr("Time"), tr("Source"), tr("Method"), tr("Path"), tr("Status"),
                    tr("Content type"), tr("Length"), tr("Events"), tr("ms"),
                    tr("Our answer"))[section]  # fmt: skip
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        col = self.COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            value = row.get(col)
            if col == "time":
                return _time_text(value)
            if col == "duration_ms":
                return f"{value:.1f}" if isinstance(value, int | float) else ""
            if col == "reply":
                text = _reply_message(value)
                if row.get("warnings"):
                    codes = sorted(
                        {w.get("code", "?") for w in row["warnings"] if isinstance(w, dict)}
                    )
                    text += "  [" + ", ".join(codes) + "]"
                return text
            return "" if value is None else str(value)
        if role == Qt.ItemDataRole.ForegroundRole and col == "status":
            status = row["status"]
            return QBrush(QColor("#c62828" if status >= 400 else "#2e7d32"))
        if role == Qt.ItemDataRole.ToolTipRole and col == "reply":
            return plain.tooltip(json.dumps(row.get("reply"), ensure_ascii=False, indent=2))
        if role == Qt.ItemDataRole.UserRole:
            return row["id"]
        return None


class ImageDialog(QDialog):
    """A picture from a logged body, full size in a scroll area."""

    def __init__(self, image: QImage, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        layout = QVBoxLayout(self)
        area = QScrollArea(self)
        label = QLabel()
        label.setPixmap(QPixmap.fromImage(image))
        area.setWidget(label)
        layout.addWidget(area)
        self.resize(min(image.width() + 40, 1200), min(image.height() + 60, 900))


class RequestInspector(QWidget):
    """Filters above, the requests table, and the selected request's detail."""

    def __init__(
        self,
        bridge: Any,
        *,
        show_event: Callable[[int], None] | None = None,
        curl_dir: Path | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("RequestInspector")
        self.bridge = bridge
        self.show_event = show_event
        self.curl_dir = curl_dir
        self.work = BackgroundWork(self, bridge)
        self.model = RequestsModel(self.work, self)
        self.detail: dict[str, Any] | None = None
        self._build()
        bridge.request_logged.connect(self._on_request_logged)
        self.model.reload()

    def _on_request_logged(self, message: RequestLogged) -> None:
        self.model.add_live(message.record)
        if self.model.paused:
            self._update_pause_text()

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        filters = QHBoxLayout()
        self.source_filter = QLineEdit()
        self.source_filter.setAccessibleName(tr("Source"))
        self.source_filter.setPlaceholderText(tr("source IP"))
        self.path_filter = QLineEdit()
        self.path_filter.setAccessibleName(tr("Path"))
        self.path_filter.setPlaceholderText(tr("path, e.g. /EventServer/api/HistoryEvent"))
        self.status_filter = QComboBox()
        for status in STATUSES:
            self.status_filter.addItem(status or tr("any status"), status)
        apply = QPushButton(tr("Filter"))
        self.pause_button = QPushButton(tr("Pause"))
        self.pause_button.setCheckable(True)
        self.pause_button.setToolTip(tr("Keep the list still while requests arrive"))
        self.pause_button.toggled.connect(self.set_paused)
        for w in (self.source_filter, self.path_filter):
            w.returnPressed.connect(self.apply_filters)
        self.status_filter.currentIndexChanged.connect(lambda _i: self.apply_filters())
        apply.clicked.connect(self.apply_filters)
        filters.addWidget(plain_label(tr("Source")))
        filters.addWidget(self.source_filter)
        filters.addWidget(plain_label(tr("Path")))
        filters.addWidget(self.path_filter, 2)
        filters.addWidget(plain_label(tr("Status")))
        filters.addWidget(self.status_filter)
        filters.addWidget(apply)
        filters.addWidget(self.pause_button)
        layout.addLayout(filters)

        splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.table = QTableView()
        self.table.setAccessibleName(tr("Requests"))
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(22)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for col, width in enumerate((140, 110, 60, 260, 55, 130, 70, 55, 55)):
            self.table.setColumnWidth(col, width)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        splitter.addWidget(self.table)

        detail = QWidget()
        d = QVBoxLayout(detail)
        d.setContentsMargins(0, 0, 0, 0)
        self.summary = plain_label("", wrap=True)
        d.addWidget(self.summary)
        buttons = QHBoxLayout()
        # One button per picture and event: a batch has dozens, so they scroll
        # sideways instead of widening the window past a 1280-wide screen.
        strip = QWidget()
        self.images_row = QHBoxLayout(strip)
        self.images_row.setContentsMargins(0, 0, 0, 0)
        self.images_strip = QScrollArea()
        self.images_strip.setWidget(strip)
        self.images_strip.setWidgetResizable(True)
        self.images_strip.setFrameShape(QScrollArea.Shape.NoFrame)
        self.images_strip.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.images_strip.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        scrollbar = self.images_strip.horizontalScrollBar().sizeHint().height()
        self.images_strip.setFixedHeight(QPushButton("View").sizeHint().height() + scrollbar + 4)
        buttons.addWidget(self.images_strip, 1)
        self.curl_button = QPushButton(tr("Copy as curl"))
        self.curl_button.setToolTip(tr("Save the body to a file and copy a curl command using it"))
        self.curl_button.clicked.connect(self.copy_as_curl)
        self.curl_button.setEnabled(False)
        buttons.addWidget(self.curl_button)
        d.addLayout(buttons)
        self.body_view = QPlainTextEdit()
        self.body_view.setAccessibleName(tr("Headers and body"))
        self.body_view.setReadOnly(True)
        self.body_view.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.body_view.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.body_view.setPlaceholderText(tr("Select a request to see its headers and body"))
        d.addWidget(self.body_view)
        splitter.addWidget(detail)
        splitter.setSizes([420, 320])
        layout.addWidget(splitter, 1)
        self.splitter = splitter
        self.empty = EmptyState(self._empty_texts, self)
        self.empty.setObjectName("requestsEmpty")
        layout.addWidget(self.empty, 1)
        self._shown_empty: bool | None = None
        for signal in (self.model.modelReset, self.model.rowsInserted, self.model.rowsRemoved,
                       self.model.loaded):  # fmt: skip
            signal.connect(self._update_empty)
        self._update_empty()

    def _filtered(self) -> bool:
        return any(v is not None for v in self.model.filters.values())

    def _empty_texts(self) -> tuple[str, str]:
        if self._filtered():
            return (
                tr("No request matches these filters"),
                tr("Clear Source and Path and choose “any status” to see every request."),
            )
        return (
            tr("No requests yet"),
            tr("Every request that reaches this receiver is listed here, refused and broken "
               "ones included, with its headers and body. Type the URL from the Connect page "
               "into the box, or send one yourself: Tools → Send test event…"),
        )  # fmt: skip

    def _update_empty(self, *_: Any) -> None:
        """An empty list says why and what to do, instead of bare column headers."""
        empty = self.model.rowCount() == 0 and not self.model._loading
        if empty:
            self.empty.refresh()  # its words follow the filters
        if empty == self._shown_empty:
            return  # no show/hide (and their events) per arrival
        self._shown_empty = empty
        self.empty.setVisible(empty)
        self.splitter.setVisible(not empty)

    # -- filters -----------------------------------------------------------------------

    def set_paused(self, paused: bool) -> None:
        self.model.set_paused(paused)
        self._update_pause_text()

    def _update_pause_text(self) -> None:
        if self.model.paused:
            held = len(self.model.held)
            text = tr("Paused — {n} new").format(n=held) if held else tr("Paused")
        else:
            text = tr("Pause")
        if self.pause_button.text() != text:
            self.pause_button.setText(text)

    def apply_filters(self) -> None:
        status_text = self.status_filter.currentData() or ""
        self.model.set_filters(
            status=int(status_text) if status_text else None,
            source=self.source_filter.text().strip() or None,
            path=self.path_filter.text().strip() or None,
        )

    # -- detail ------------------------------------------------------------------------

    def select_row(self, row: int) -> None:
        self.table.selectRow(row)

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid():
            return
        rid = self.model.rows[current.row()]["id"]
        self.work.read(lambda reader: reader.request(rid), self._detail_loaded)

    def _detail_loaded(self, detail: dict[str, Any] | None) -> None:
        self.detail = detail
        while self.images_row.count():
            item = self.images_row.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        if detail is None:
            self.summary.setText(tr("This request is no longer in the log."))
            self.body_view.setPlainText("")
            self.curl_button.setEnabled(False)
            return
        reply = detail.get("reply")
        self.summary.setText(
            tr("#{id} {method} {path} from {source} at {time}: we answered {status} — {reply}")
            .format(
                id=detail["id"], method=detail["method"], path=detail["path"],
                source=detail["source_ip"], time=_time_text(detail["time"]),
                status=detail["status"], reply=_reply_message(reply),
            )
        )  # fmt: skip
        self.body_view.setPlainText(detail_text(detail))
        for image in detail.get("images", []):
            if image.get("path") is None:
                continue
            button = QPushButton(tr("View {path}").format(path=image["path"]))
            button.setToolTip(plain.tooltip(image["description"]))
            button.clicked.connect(lambda _c=False, p=image["path"]: self.view_image(p))
            self.images_row.addWidget(button)
        for event_id in detail.get("event_ids", [])[:10]:
            button = QPushButton(tr("Open event {id}").format(id=event_id))
            button.setEnabled(self.show_event is not None)
            button.clicked.connect(
                lambda _c=False, e=event_id: self.show_event and self.show_event(e)
            )
            self.images_row.addWidget(button)
        self.curl_button.setEnabled(bool(detail.get("body_text") or detail.get("event_ids")))

    def view_image(self, json_path: str) -> None:
        if self.detail is None:
            return
        rid = self.detail["id"]

        def load(reader: Any) -> QImage | None:
            data = reader.request_image(rid, json_path)
            if data is None:
                return None
            image = QImage()
            return image if image.loadFromData(data) else None

        def show(image: QImage | None) -> None:
            if image is None:
                self.summary.setText(tr("That picture cannot be shown (cut off or not an image)."))
                return
            dialog = ImageDialog(image, json_path, self)
            dialog.show()

        self.work.read(load, show)

    # -- curl --------------------------------------------------------------------------

    def copy_as_curl(self) -> None:
        """Write the original body (or the stored events' JSON) to a file; copy curl for it."""
        if self.detail is None:
            return
        detail = self.detail
        folder = self.curl_dir or _default_curl_dir(self.bridge)
        url = f"http://127.0.0.1:{_port(self.bridge)}{detail['path']}"

        def write(reader: Any) -> str:
            body = reader.request_body(detail["id"])
            if body is None and detail.get("event_ids"):
                raws = [reader.event_raw(e) for e in detail["event_ids"]]
                raws = [r for r in raws if r is not None]
                payload: Any = raws[0] if len(raws) == 1 else raws
                body = sender.encode(payload)
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / f"request-{detail['id']}.json"
            path.write_bytes(body or b"")
            return sender.curl_command(url, path)

        def done(command: str) -> None:
            copy_text(command)
            self.summary.setText(tr("Copied: {command}").format(command=command))

        self.work.read(write, done)

    def close_worker(self) -> None:
        self.work.close()


def detail_text(detail: dict[str, Any]) -> str:
    """Headers, then the body (pretty JSON, pictures abbreviated), as plain text."""
    lines = [f"{detail['method']} {detail['path']}"]
    for key, value in (detail.get("headers") or {}).items():
        lines.append(f"{key}: {value}")
    lines.append("")
    if detail.get("warnings"):
        lines.append(tr("Warnings:"))
        for w in detail["warnings"]:
            lines.append(f"  [{w.get('index', '')}] {w.get('code')}: {w.get('message')}")
        lines.append("")
    lines.append(tr("Our answer ({status}):").format(status=detail["status"]))
    lines.append(json.dumps(detail.get("reply"), ensure_ascii=False, indent=2))
    lines.append("")
    if detail.get("body_rebuilt") and detail.get("body_text") is not None:
        lines.append(
            tr("Body (became events {ids}; shown as stored, pictures shortened):").format(
                ids=", ".join(str(e) for e in detail["event_ids"])
            )
        )
        lines.append(detail["body_text"])
    elif detail.get("body_text") is not None:
        size = detail.get("body_size") or 0
        note = tr("Body ({size} bytes{cut}):").format(
            size=size, cut=tr(", cut off at 64 KB") if detail.get("body_truncated") else ""
        )
        lines.append(note)
        lines.append(detail["body_text"])
    elif detail.get("event_ids"):
        lines.append(
            tr("The body became events {ids}: each is stored with its photos.").format(
                ids=", ".join(str(e) for e in detail["event_ids"])
            )
        )
    else:
        lines.append(tr("(no body)"))
    return "\n".join(lines)


def _port(bridge: Any) -> int:
    receiver = getattr(bridge, "receiver", None)
    return int(getattr(receiver, "port", None) or 9528)


def _default_curl_dir(bridge: Any) -> Path:
    try:
        return Path(bridge.data_dir) / "curl"
    except Exception:
        import tempfile

        return Path(tempfile.gettempdir()) / "gatewatch-curl"
