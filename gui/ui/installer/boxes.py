"""The Connect page's Boxes section: add a box by address, point it here, fill gaps, pull.

The same actions as ``/api/boxes`` and ``gatewatch box``, on the core's
``BoxService``: every call runs as a coroutine on the core loop (through the
bridge) and its answer comes back on the GUI thread; nothing here blocks the
window, not even a box that takes its 10 s to time out.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any, ClassVar

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, QTimer
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from gui.ui.background import BackgroundWork
from gui.ui.installer.common import plain_label, tr
from gui.ui.models.table import ListTableModel

Index = QModelIndex | QPersistentModelIndex
HOUR_MS = 3_600_000


def _when(ms: int | None) -> str:
    if not ms:
        return tr("never")
    return datetime.fromtimestamp(ms / 1000).strftime("%Y-%m-%d %H:%M:%S")


def _pull_text(pull: dict[str, Any]) -> str:
    state = pull.get("state", "stopped")
    words = {
        "subscribed": tr("receiving"),
        "connecting": tr("connecting…"),
        "retrying": tr("reconnecting"),
        "stopped": tr("off"),
    }
    text = words.get(state, state)
    if state == "subscribed":
        text += " " + tr("({n} events)").format(n=pull.get("events", 0))
    if pull.get("error") and state != "subscribed":
        text += f" ({pull['error']})"
    return text


def gap_text(note: dict[str, Any] | None) -> str:
    """The automatic gap fill's last word, in the app's language."""
    if not note:
        return ""
    code = note.get("code")
    if code == "silence":
        return tr("reporting again after a silence: filling the gap")
    if code == "no_events":
        return tr("nothing stored yet to measure a gap from")
    if code == "filling":
        return tr("filling the gap since the last stored event ({minutes} min)").format(
            minutes=note.get("minutes", 0)
        )
    if code == "filled":
        return tr("gap filled: {n} new event(s)").format(n=note.get("new", 0))
    if code == "failed":
        return tr("gap fill failed: {error}").format(error=note.get("error", ""))
    return str(note.get("text", ""))


def job_text(job: dict[str, Any] | None) -> str:
    if not job:
        return ""
    state = {
        "running": tr("running"),
        "done": tr("done"),
        "failed": tr("failed"),
        "cancelled": tr("cancelled"),
    }.get(job["state"], job["state"])
    counts = tr("{done}/{total}: {new} new, {dup} already stored").format(
        done=job["done"], total=job["total"], new=job["new"], dup=job["duplicates"]
    )
    return f"{state} {counts}"


class BoxesModel(ListTableModel):
    """One row per box, from ``BoxService.list_boxes()``."""

    COLUMNS: ClassVar[tuple[str, ...]] = (
        "Box", "Firmware", "Reachable", "Pointed at us", "Last event", "Gap", "Real-time pull",
        "Backfill",
    )  # fmt: skip

    def set_boxes(self, rows: list[dict[str, Any]]) -> None:
        if [r["id"] for r in rows] == [r["id"] for r in self.rows]:
            self.rows = rows
            if rows:
                self.dataChanged.emit(
                    self.index(0, 0), self.index(len(rows) - 1, len(self.COLUMNS) - 1)
                )
            return
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    @staticmethod
    def headers() -> list[str]:
        return [tr("Box"), tr("Firmware"), tr("Reachable"), tr("Pointed at us"), tr("Last event"),
                tr("Gap"), tr("Real-time pull"), tr("Backfill")]  # fmt: skip

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers()[section]
        return None

    def cell(self, box: dict[str, Any], column: int) -> str:
        st = box["state"]
        if column == 0:
            serial = box.get("serial") or "?"
            text = f"{box['address']}  ({serial})"
            if box.get("cameras_pending"):
                text += " · " + tr("cameras: still starting, read again shortly")
            return text
        if column == 1:
            family = "V2–V5" if box["family"] == "v5" else "V6"
            return f"{box.get('firmware') or '?'} ({family})"
        if column == 2:
            if st.get("reachable") is None:
                return tr("checking…")
            return tr("yes") if st["reachable"] else tr("no") + f" ({st.get('reach_message', '')})"
        if column == 3:
            if not st["pointed"]:
                return tr("no")
            return (
                tr("yes, connected") if st["connected"] else tr("yes, waiting for the first event")
            )
        if column == 4:
            return _when(st.get("last_event_at"))
        if column == 5:
            return gap_text(st.get("gap_fill"))
        if column == 6:
            return _pull_text(st.get("pulling") or {})
        if column == 7:
            return job_text(box.get("job"))
        return ""

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        box = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:  # item views show display text as plain text
            return self.cell(box, index.column())
        if role == Qt.ItemDataRole.ForegroundRole:
            st = box["state"]
            bad = (index.column() == 2 and st.get("reachable") is False) or (
                index.column() == 7 and (box.get("job") or {}).get("state") == "failed"
            )
            good = index.column() == 3 and st["connected"]
            if bad:
                return QBrush(QColor("#c62828"))
            if good:
                return QBrush(QColor("#2e7d32"))
        return None


def remove_box_question(parent: QWidget | None, address: str) -> QMessageBox:
    """The confirmation for removing a box; the address is shown as text, never markup."""
    box = QMessageBox(
        QMessageBox.Icon.Question, tr("Remove box"),
        tr("Remove {address}? Gatewatch can also put back the push URLs the box had "
           "before it was pointed here.").format(address=address),
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No
        | QMessageBox.StandardButton.Cancel,
        parent,
    )  # fmt: skip
    box.setTextFormat(Qt.TextFormat.PlainText)
    return box


def ask_remove_box(parent: QWidget | None, address: str) -> QMessageBox.StandardButton:
    """Yes (remove and put back the box's push URLs), No (just remove) or Cancel."""
    box = remove_box_question(parent, address)
    box.exec()
    answer = box.standardButton(box.clickedButton()) if box.clickedButton() else None
    box.deleteLater()
    return answer or QMessageBox.StandardButton.Cancel


class BoxesSection(QGroupBox):
    """Boxes Gatewatch talks to: add, point, backfill with progress, pull, remove."""

    #: Backfill ranges: None = since the box's last stored event (minus 5 min).
    SPANS: ClassVar[tuple[int | None, ...]] = (None, HOUR_MS, 24 * HOUR_MS, 7 * 24 * HOUR_MS)

    @staticmethod
    def span_labels() -> list[str]:
        return [tr("since the last stored event"), tr("the last hour"), tr("the last 24 hours"),
                tr("the last 7 days")]  # fmt: skip

    def __init__(self, bridge: Any, parent: QWidget | None = None, settings: Any = None) -> None:
        super().__init__(tr("Boxes"), parent)
        self.setObjectName("BoxesSection")
        self.bridge = bridge
        self.settings = settings
        self.work = BackgroundWork(self, bridge)
        self._busy = False
        self._build()
        self.timer = QTimer(self)
        self.timer.setInterval(1000)
        self.timer.timeout.connect(self.refresh)
        self.timer.start()
        self.refresh()

    # -- the core ----------------------------------------------------------------------

    def service(self) -> Any:
        from gui.core.box.api import service_for

        receiver = getattr(self.bridge, "receiver", None)
        return service_for(receiver) if receiver is not None else None

    def _call(
        self,
        work: Callable[[Any], Awaitable[Any]],
        done: Callable[[Any], None],
        failed: Callable[[BaseException], None] | None = None,
        timeout: float = 30.0,
    ) -> None:
        service = self.service()
        if service is None:
            self.set_status(tr("Box features are not running in this receiver."))
            return

        self.work.core(
            lambda: asyncio.wait_for(work(service), timeout), done, failed or self._failed
        )

    def _failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        message = getattr(exc, "message", None) or str(exc) or type(exc).__name__
        self.set_status(message, error=True)

    # -- building ----------------------------------------------------------------------

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        hint = plain_label(
            tr("Add a box by its address: Gatewatch reads its firmware, serial, push URLs and "
               "cameras, can point it at this PC, fill gaps from the box's own store, and pull "
               "real-time events when the box cannot reach this PC."),
            wrap=True,
        )  # fmt: skip
        layout.addWidget(hint)
        add_row = QHBoxLayout()
        self.address = QLineEdit()
        self.address.setPlaceholderText(tr("Box address, e.g. 192.168.1.19"))
        self.username = QLineEdit("admin")
        self.username.setPlaceholderText(tr("User"))
        self.username.setMaximumWidth(120)
        self.password = QLineEdit("admin")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(tr("Password"))
        self.password.setMaximumWidth(140)
        self.add_button = QPushButton(tr("Add box"))
        self.add_button.clicked.connect(self.add_box)
        self.address.returnPressed.connect(self.add_box)
        add_row.addWidget(self.address, 2)
        add_row.addWidget(self.username)
        add_row.addWidget(self.password)
        add_row.addWidget(self.add_button)
        layout.addLayout(add_row)

        self.model = BoxesModel(self)
        self.view = QTableView()
        self.view.setAccessibleName(tr("Boxes"))
        self.view.setObjectName("boxesView")
        self.view.setModel(self.model)
        self.view.verticalHeader().hide()
        self.view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self._fit_height()
        self.view.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        layout.addWidget(self.view)
        self.empty = plain_label(tr("No boxes added yet."))
        layout.addWidget(self.empty)

        actions = QHBoxLayout()
        self.point_button = QPushButton(tr("Point at this PC"))
        self.point_button.setToolTip(
            tr("Set the box's history, real-time and status URLs to this receiver, keeping "
               "the other URLs it has")
        )  # fmt: skip
        self.point_button.clicked.connect(self.point_box)
        self.range = QComboBox()
        for label in self.span_labels():
            self.range.addItem(label)
        self.backfill_button = QPushButton(tr("Fill gap"))
        self.backfill_button.setToolTip(tr("Import the events stored on the box, with photos"))
        self.backfill_button.clicked.connect(self.backfill)
        self.cancel_button = QPushButton(tr("Cancel"))
        self.cancel_button.clicked.connect(self.cancel_backfill)
        self.pull_button = QPushButton(tr("Pull real-time"))
        self.pull_button.setCheckable(True)
        self.pull_button.setToolTip(tr("Receive real-time events over the box's WebSocket "
                                       "(for a box that cannot reach this PC)"))  # fmt: skip
        self.pull_button.clicked.connect(self.toggle_pull)
        self.remove_button = QPushButton(tr("Remove…"))
        self.remove_button.clicked.connect(self.remove_box)
        for w in (self.point_button, self.range, self.backfill_button, self.cancel_button,
                  self.pull_button, self.remove_button):  # fmt: skip
            actions.addWidget(w)
        actions.addStretch(1)
        layout.addLayout(actions)
        self.auto_fill = QCheckBox(
            tr("Fill gaps automatically: on start, and when a silent box reports again")
        )
        self.auto_fill.setVisible(self.settings is not None)
        if self.settings is not None:
            self.auto_fill.setChecked(bool(self.settings.box_gap_fill))
            from gui.ui.settings_watch import watch

            # the Settings dialog changes it too: the checkbox follows
            watch(self.settings, self, self._gap_fill_changed, ("box_gap_fill",))
        self.auto_fill.toggled.connect(self._auto_fill_toggled)
        layout.addWidget(self.auto_fill)
        self.progress = QProgressBar()
        self.progress.setObjectName("backfillProgress")
        self.progress.setTextVisible(True)
        self.progress.hide()
        layout.addWidget(self.progress)
        self.status = plain_label("", wrap=True)
        self.status.setObjectName("boxesStatus")
        layout.addWidget(self.status)
        self._update_buttons()

    def _gap_fill_changed(self, _change: Any) -> None:
        if self.settings is not None:
            self.auto_fill.setChecked(bool(self.settings.box_gap_fill))

    def _auto_fill_toggled(self, on: bool) -> None:
        if self.settings is not None and bool(self.settings.box_gap_fill) != on:
            self.settings.box_gap_fill = on  # kept in settings.json; the core reads it live

    # -- state -------------------------------------------------------------------------

    def set_status(self, text: str, *, error: bool = False) -> None:
        self.status.setText(text)
        self.status.setStyleSheet("color: #c62828;" if error else "")

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self._update_buttons()

    def selected(self) -> dict[str, Any] | None:
        rows = self.view.selectionModel().selectedRows()
        if not rows and len(self.model.rows) == 1:
            return self.model.rows[0]
        return self.model.rows[rows[0].row()] if rows else None

    def _update_buttons(self) -> None:
        box = self.selected()
        has = box is not None and not self._busy
        running = bool(box and (box.get("job") or {}).get("state") == "running")
        for button in (self.point_button, self.backfill_button, self.pull_button,
                       self.remove_button, self.range):  # fmt: skip
            button.setEnabled(has)
        self.backfill_button.setEnabled(has and not running)
        self.cancel_button.setEnabled(bool(box) and running)
        self.add_button.setEnabled(not self._busy)
        self.pull_button.setChecked(bool(box and box.get("pull_realtime")))
        job = (box or {}).get("job")
        if job:
            self.progress.show()
            self.progress.setMaximum(max(1, job["total"]))
            self.progress.setValue(min(job["done"], max(1, job["total"])))
            self.progress.setFormat(job_text(job))
        else:
            self.progress.hide()

    def refresh(self) -> None:
        if not self.isVisible() and self.model.rows:
            return

        async def snapshot(service: Any) -> list[dict[str, Any]]:
            return service.list_boxes()

        self._call(snapshot, self._loaded, lambda _exc: None, timeout=5)

    def _fit_height(self) -> None:
        """As tall as its rows (2 to 8): the page below stays in view on a 720p screen."""
        rows = min(max(self.model.rowCount(), 2), 8)
        row_height = self.view.verticalHeader().defaultSectionSize()
        header = self.view.horizontalHeader().sizeHint().height()
        frame = 2 * self.view.frameWidth()
        scrollbar = self.view.horizontalScrollBar().sizeHint().height()
        self.view.setFixedHeight(header + rows * row_height + frame + scrollbar)

    def _loaded(self, rows: list[dict[str, Any]]) -> None:
        chosen = self.selected()
        self.model.set_boxes(rows)
        self._fit_height()
        self.empty.setVisible(not rows)
        if chosen is not None:
            for i, row in enumerate(rows):
                if row["id"] == chosen["id"] and not self.view.selectionModel().selectedRows():
                    self.view.selectRow(i)
        self._update_buttons()

    # -- actions -----------------------------------------------------------------------

    def add_box(self) -> None:
        address = self.address.text().strip()
        if not address:
            self.set_status(tr("Type the box's address first."), error=True)
            return
        user, password = self.username.text(), self.password.text()
        self._set_busy(True)
        self.set_status(tr("Contacting {address}…").format(address=address))

        async def work(service: Any) -> dict[str, Any]:
            box = await service.add(address, user, password)
            return service.public(box)

        def done(box: dict[str, Any]) -> None:
            self._set_busy(False)
            self.address.clear()
            text = tr("Added {address}: {firmware}, serial {serial}, {n} camera(s).").format(
                address=box["address"],
                firmware=box["firmware"] or box["family"],
                serial=box["serial"] or "?",
                n=len(box["cameras"]),
            )
            if box.get("cameras_pending"):
                text += " " + tr(
                    "The box is still starting its camera list; Gatewatch reads it again "
                    "in a few seconds."
                )
            self.set_status(text)
            self.refresh()

        self._call(work, done)

    def point_box(self) -> None:
        box = self.selected()
        if box is None:
            return
        self._set_busy(True)
        self.set_status(tr("Pointing {address} at this PC…").format(address=box["address"]))

        async def work(service: Any) -> dict[str, list[str]]:
            return await service.point(box["id"])

        def done(push: dict[str, list[str]]) -> None:
            self._set_busy(False)
            history = ", ".join(push.get("history", []))
            self.set_status(
                tr("The box now sends history events to: {urls}. Waiting for the first event "
                   "or report…").format(urls=history)
            )  # fmt: skip
            self.refresh()

        self._call(work, done)

    def backfill(self) -> None:
        box = self.selected()
        if box is None:
            return
        span = self.SPANS[self.range.currentIndex()]

        async def work(service: Any) -> dict[str, Any]:
            now = time.time_ns() // 1_000_000
            if span is None:
                last = await service.last_stored_event(service.get(box["id"]))
                since = last - 5 * 60_000 if last is not None else now - 24 * HOUR_MS
            else:
                since = now - span
            return service.start_backfill(box["id"], since, now).to_json()

        def done(job: dict[str, Any]) -> None:
            self.set_status(tr("Filling the gap from {address}…").format(address=box["address"]))
            self.refresh()

        self._call(work, done)

    def cancel_backfill(self) -> None:
        box = self.selected()
        job = (box or {}).get("job")
        if not job:
            return

        async def work(service: Any) -> Any:
            return service.cancel(job["id"])

        self._call(work, lambda _j: self.refresh())

    def toggle_pull(self) -> None:
        box = self.selected()
        if box is None:
            return
        on = self.pull_button.isChecked()

        async def work(service: Any) -> None:
            await service.set_pull(box["id"], on)

        self._call(work, lambda _r: self.refresh())

    def remove_box(self) -> None:
        box = self.selected()
        if box is None:
            return
        restore = False
        if box.get("restore_available"):
            answer = ask_remove_box(self, str(box["address"]))
            if answer == QMessageBox.StandardButton.Cancel:
                return
            restore = answer == QMessageBox.StandardButton.Yes
        self._set_busy(True)

        async def work(service: Any) -> dict[str, Any]:
            return await service.remove(box["id"], restore=restore)

        def done(_result: dict[str, Any]) -> None:
            self._set_busy(False)
            self.set_status(tr("Removed {address}.").format(address=box["address"]))
            self.refresh()

        self._call(work, done)

    def close_worker(self) -> None:
        self.timer.stop()
        self.work.close()
