"""The alarms page: open (or acknowledged, or all) alarms in a table, and acknowledging them.

A ``QAbstractTableModel`` over the ``alarms`` table, read page by page off the
GUI thread (the acknowledged history grows for ever). Strangers can be
acknowledged in bulk; a selection holding a blacklist alarm can't — the core
enforces that too, this page just says so up front.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from gui.core import alarms as core_alarms
from gui.core.alarms import Alarm
from gui.ui.alarms.banner import camera_of
from gui.ui.alarms.center import AlarmCenter
from gui.ui.background import BackgroundWork
from gui.ui.models.table import ListTableModel
from gui.ui.views.words import display_name, format_ms, person_type_colour, person_type_word

PAGE_SIZE = 200
Index = QModelIndex | QPersistentModelIndex


class AlarmTableModel(ListTableModel):
    """Alarms, newest first, fetched ``PAGE_SIZE`` rows at a time."""

    COLUMNS = (
        "state", "kind", "who", "camera", "count", "seen", "first", "last", "acked_by", "note",
    )  # fmt: skip
    loaded = Signal()
    failed = Signal(str)

    def __init__(self, work: BackgroundWork, parent: Any = None) -> None:
        super().__init__(parent)
        self.work = work
        self.state: str | None = "open"
        self.rows: list[Alarm] = []
        self._more = True
        self._busy = False
        self._generation = 0

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        titles = {
            "state": self.tr("State"), "kind": self.tr("Alarm"), "who": self.tr("Who"),
            "camera": self.tr("Camera"), "count": self.tr("Count"), "seen": self.tr("Seen"),
            "first": self.tr("First arrived"), "last": self.tr("Last arrived"),
            "acked_by": self.tr("Acknowledged"), "note": self.tr("Note"),
        }  # fmt: skip
        return titles[self.COLUMNS[section]]

    def alarm_at(self, row: int) -> Alarm | None:
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def data(self, index: Index, role: int = 0) -> Any:
        alarm = self.alarm_at(index.row())
        if alarm is None:
            return None
        column = self.COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(alarm, column)
        if role == Qt.ItemDataRole.ForegroundRole and column == "kind" and alarm.kind == "face":
            return QColor(person_type_colour(alarm.person_type))
        if role == Qt.ItemDataRole.UserRole:
            return alarm
        return None

    def _text(self, a: Alarm, column: str) -> str:
        if column == "state":
            return self.tr("open") if a.is_open else self.tr("acknowledged")
        if column == "kind":
            word = person_type_word(a.person_type) if a.kind == "face" else a.kind
            return f"{word} ({self.tr('late')})" if a.late else word
        if column == "who":
            if a.kind == "face":
                name = display_name(a.identity_name, a.identity_id, a.person_type)
                return f"{name} [{a.identity_id}]" if a.identity_id else name
            return a.detail or ""
        if column == "camera":
            return camera_of(a)
        if column == "count":
            return str(a.count)
        if column == "seen":
            # when the box saw the person: differs from the arrival only for late alarms
            return format_ms(a.seen_at, millis=False) if a.late and a.seen_at is not None else ""
        if column == "first":
            return format_ms(a.first_at)
        if column == "last":
            return format_ms(a.last_at)
        if column == "acked_by":
            return f"{a.acked_by} · {format_ms(a.acked_at)}" if a.acked_by else ""
        return a.note or ""

    # -- loading -------------------------------------------------------------------

    def set_state(self, state: str | None) -> None:
        self.state = state
        self.reload()

    def reload(self) -> None:
        self._generation += 1
        generation = self._generation
        state = self.state
        self._busy = True
        limit = max(PAGE_SIZE, len(self.rows))
        self.work.read(
            lambda reader: reader.alarms(state, limit=limit),
            lambda rows: self._replace(rows, generation, limit),
            lambda exc: self._failed(exc, generation),
        )

    def _failed(self, exc: BaseException, generation: int) -> None:
        """A read that failed (database or server down) must not leave the list "busy"."""
        if generation == self._generation:
            self._busy = False
            self.failed.emit(str(exc))

    def _replace(self, rows: list[Alarm], generation: int, limit: int) -> None:
        if generation != self._generation:
            return
        self._busy = False
        self.beginResetModel()
        self.rows = rows
        self._more = len(rows) >= limit
        self.endResetModel()
        self.loaded.emit()

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self._more and not self._busy and bool(self.rows)

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if not self.canFetchMore(parent):
            return
        self._busy = True
        generation, state, before = self._generation, self.state, self.rows[-1].id
        self.work.read(
            lambda reader: reader.alarms(state, before_id=before, limit=PAGE_SIZE),
            lambda rows: self._append(rows, generation),
            lambda exc: self._failed(exc, generation),
        )

    def _append(self, rows: list[Alarm], generation: int) -> None:
        if generation != self._generation:
            return
        self._busy = False
        self._more = len(rows) >= PAGE_SIZE
        if rows:
            first = len(self.rows)
            self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
            self.rows.extend(rows)
            self.endInsertRows()


class AlarmsPage(QWidget):
    """Open alarms list with acknowledge / bulk acknowledge and the shift's operator name."""

    def __init__(
        self,
        center: AlarmCenter,
        settings: Any,
        parent: QWidget | None = None,
        *,
        open_event: Any = None,
    ) -> None:
        super().__init__(parent)
        self.center = center
        #: Double-click opens the alarm's event (photos, details); never acknowledges.
        self.open_event = open_event
        self.settings = settings
        self.work = BackgroundWork(self, center.bridge)
        self.model = AlarmTableModel(self.work, self)

        self.state = QComboBox(self)
        for text, value in ((self.tr("Open"), "open"), (self.tr("Acknowledged"), "acked"),
                            (self.tr("All"), None)):  # fmt: skip
            self.state.addItem(text, value)
        self.state.currentIndexChanged.connect(
            lambda _i: self.model.set_state(self.state.currentData())
        )
        self.operator = QLineEdit(self)
        self.operator.setAccessibleName(self.tr("Operator"))
        self.operator.setPlaceholderText(core_alarms.default_operator(None))
        self.operator.setProperty("payload", True)  # the OS user's name
        self.operator.setText(settings.operator_name)
        self.operator.setToolTip(self.tr("Who acknowledges: type your name once per shift"))
        self.operator.editingFinished.connect(self._operator_changed)
        self.note = QLineEdit(self)
        self.note.setAccessibleName(self.tr("Note"))
        self.note.setPlaceholderText(self.tr("note (optional)"))
        self.ack_button = QPushButton(self.tr("Acknowledge"), self)
        self.ack_button.clicked.connect(self.acknowledge_selected)
        self.status = QLabel(self)
        self.status.setTextFormat(Qt.TextFormat.PlainText)

        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Show"), self))
        top.addWidget(self.state)
        top.addSpacing(16)
        top.addWidget(QLabel(self.tr("Operator"), self))
        top.addWidget(self.operator)
        top.addStretch(1)
        top.addWidget(self.note, 2)
        top.addWidget(self.ack_button)

        self.view = QTableView(self)
        self.view.setAccessibleName(self.tr("Alarms"))
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.verticalHeader().hide()
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.view.selectionModel().selectionChanged.connect(self._selection_changed)
        self.view.doubleClicked.connect(self._open)
        self.empty = QLabel(self)
        self.empty.setTextFormat(Qt.TextFormat.PlainText)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setObjectName("alarmsEmpty")

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.empty, 1)
        layout.addWidget(self.status)

        center.changed.connect(self.model.reload)
        center.ack_failed.connect(self.status.setText)
        self._read_error = ""
        self.model.failed.connect(self._read_failed)
        self.model.loaded.connect(self._read_ok)
        from gui.ui.recovery import storage_back

        # The database (or the server) is back: read again, same filter, as many rows.
        storage_back(center.bridge).back.connect(self.model.reload)
        self.model.loaded.connect(self._selection_changed)
        self.model.loaded.connect(self._update_empty)
        self.model.reload()
        self._update_empty()

    def _read_failed(self, message: str) -> None:
        self._read_error = self.tr("Cannot read the alarms: %1").replace("%1", message)
        self.status.setText(self._read_error)

    def _read_ok(self) -> None:
        if self._read_error and self.status.text() == self._read_error:
            self.status.setText("")
        self._read_error = ""

    def _update_empty(self, *_: Any) -> None:
        """An empty list says so ("No open alarms") instead of showing bare headers."""
        empty = self.model.rowCount() == 0
        state = self.state.currentData()
        self.empty.setText(
            self.tr("No open alarms") if state == "open"
            else self.tr("No acknowledged alarms") if state == "acked"
            else self.tr("No alarms yet")
        )  # fmt: skip
        self.empty.setVisible(empty)
        self.view.setVisible(not empty)

    def _open(self, index: Any) -> None:
        alarm = self.model.alarm_at(index.row())
        if alarm is not None and alarm.event_id is not None and self.open_event is not None:
            self.open_event(alarm.event_id)

    def _operator_changed(self) -> None:
        """Who is on duty now: for this run (Alarm settings keep a default operator)."""
        self.settings.override(operator_name=self.operator.text().strip())

    def selected_alarms(self) -> list[Alarm]:
        rows = sorted({i.row() for i in self.view.selectionModel().selectedRows()})
        return [a for a in (self.model.alarm_at(r) for r in rows) if a is not None and a.is_open]

    def _selection_changed(self, *_: Any) -> None:
        chosen = self.selected_alarms()
        blacklist_in_bulk = len(chosen) > 1 and any(a.is_blacklist for a in chosen)
        self.ack_button.setEnabled(bool(chosen) and not blacklist_in_bulk)
        if blacklist_in_bulk:
            self.status.setText(self.tr("Blacklist alarms are acknowledged one at a time."))
        elif len(chosen) > 1:
            self.ack_button.setText(self.tr("Acknowledge %1").replace("%1", str(len(chosen))))
            self.status.clear()
        else:
            self.ack_button.setText(self.tr("Acknowledge"))
            self.status.clear()

    def acknowledge_selected(self) -> None:
        chosen = self.selected_alarms()
        if not chosen:
            return
        self._operator_changed()
        note = self.note.text().strip()
        if len(chosen) == 1:
            self.center.acknowledge(chosen[0].id, note)
        elif any(a.is_blacklist for a in chosen):
            self.status.setText(self.tr("Blacklist alarms are acknowledged one at a time."))
            return
        else:
            self.center.acknowledge_many([a.id for a in chosen], note)
        self.note.clear()

    def close_reader(self) -> None:
        self.work.close()
