"""The History page: filters over every stored event, a lazy table, the detail pane.

Filters become one ``core.reader.EventFilter`` (the same builder the API and
``gatewatch export`` use). Typing is debounced; the table shows the first page
as soon as it is read and the count follows when it is ready.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from PySide6.QtCore import QDateTime, QItemSelectionModel, QModelIndex, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateTimeEdit,
    QDoubleSpinBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QSplitter,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from gui.core.reader import DeviceNames, EventFilter, HistoryItem
from gui.ui.background import BackgroundWork
from gui.ui.history import model as history_model
from gui.ui.history.model import COLUMNS, SORTABLE, THUMB_SIZE, HistoryModel
from gui.ui.views.detail_pane import DetailPane
from gui.ui.views.sort_arrow import point_sort_arrow_with_order
from gui.ui.views.words import person_type_word, want_action_words

log = logging.getLogger(__name__)

QUICK_PICKS = ("all", "hour", "today", "yesterday", "7days", "custom")
#: Typing in the name box waits this long before querying.
DEBOUNCE_MS = 300


#: New arrivals are acted on once they stop coming for this long (a burst is one reload).
ARRIVALS_SETTLE_MS = 1000


def time_range(pick: str, now: dt.datetime | None = None) -> tuple[int | None, int | None]:
    """``(since, until)`` in ms for a quick pick, local days (``until`` inclusive)."""
    now = now or dt.datetime.now().astimezone()
    ms = lambda d: int(d.timestamp() * 1000)  # noqa: E731
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    if pick == "hour":
        return ms(now) - 3_600_000, None
    if pick == "today":
        return ms(midnight), None
    if pick == "yesterday":
        start = (midnight - dt.timedelta(days=1)).replace(hour=0)
        return ms(start), ms(midnight) - 1
    if pick == "7days":
        return ms(now) - 7 * 86_400_000, None
    return None, None


class HistoryPage(QWidget):
    """Filter bar + lazy table + the live view's detail pane."""

    #: An event's keep flag was written by the core (event id, pinned).
    pin_saved = Signal(int, bool)

    def __init__(self, bridge: Any, settings: Any = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.settings = settings
        self.work = BackgroundWork(self, bridge)
        self.model = HistoryModel(self.work, self)
        self.model.colours = settings.overlay_colours if settings is not None else {}
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self.apply_filters)
        self._build()
        self.model.count_changed.connect(self._show_count)
        self.model.failed.connect(
            lambda msg: self.count_label.setText(self.tr("Error: %1").replace("%1", msg))
        )
        self._loaded_once = False
        # Live: arrivals since the list was loaded, settled for a second before acting.
        self._new = 0
        self._known_devices: set[str] = set()
        self._lists_stale = False
        self._arrivals = QTimer(self)
        self._arrivals.setSingleShot(True)
        self._arrivals.setInterval(ARRIVALS_SETTLE_MS)
        self._arrivals.timeout.connect(self._arrivals_settled)
        bridge.event_stored.connect(self._on_event_stored)
        from gui.ui.recovery import storage_back

        storage_back(bridge).back.connect(self.reload_after_outage)
        #: (scroll position, selected event id) to put back once a reload is in.
        self._place: tuple[int, int | None] | None = None
        self.model.loaded.connect(self._restore_place)

    def reload_after_outage(self) -> None:
        """The database (or the server) is back: read again with the user's filter and sort,
        and put the scroll position and the selected row back."""
        if not self._loaded_once:
            return  # loads when first shown
        row = self.current_row()
        self._place = (self.table.verticalScrollBar().value(), row.id if row else None)
        self._new = 0
        self.new_bar.hide()
        self.refresh_lists()
        self.model.reload()

    def _restore_place(self) -> None:
        place, self._place = self._place, None
        if place is None:
            return
        scroll, selected = place
        if selected is not None:
            row = self.model._row_of.get(selected)
            if row is not None:
                self.select_row(row)
        self.table.verticalScrollBar().setValue(scroll)

    # -- live --------------------------------------------------------------------------------

    def _on_event_stored(self, message: Any) -> None:
        summary = message.summary
        if summary.merged:
            return
        self._new += 1
        names = {summary.ep_id, summary.dev_sno} - {None, ""}
        if not names <= self._known_devices:
            self._lists_stale = True
        if not self._arrivals.isActive():
            self._arrivals.start()

    def _arrivals_settled(self) -> None:
        """New rows at once while the user looks at the top of the newest-first list; else a bar.

        Rows never jump under someone reading further down, a selection or another
        sort: they get "N new events — Show" instead.
        """
        if not self._loaded_once:
            return
        if self._lists_stale:
            self._lists_stale = False
            self.refresh_lists()
        if not self._new:
            return
        at_top = self.table.verticalScrollBar().value() == 0
        newest_first = self.model.sort_name == "time" and self.model.descending
        if at_top and newest_first and not self.table.selectionModel().hasSelection():
            self.show_new()
            return
        self.new_label.setText(
            self.tr("1 new event since this list was loaded") if self._new == 1
            else self.tr("%1 new events since this list was loaded").replace("%1", str(self._new))
        )  # fmt: skip
        self.new_bar.show()

    def show_new(self) -> None:
        """Reload with the same filter and sort: the new events appear."""
        self._new = 0
        self.new_bar.hide()
        self.model.reload()

    # -- building ----------------------------------------------------------------------------

    def _build(self) -> None:
        changed = self._debounce.start

        self.time_pick = QComboBox(self)
        for key, text in zip(QUICK_PICKS, (
            self.tr("All time"), self.tr("Last hour"), self.tr("Today"), self.tr("Yesterday"),
            self.tr("Last 7 days"), self.tr("Custom…"),
        ), strict=True):  # fmt: skip
            self.time_pick.addItem(text, key)
        self.since_edit = QDateTimeEdit(QDateTime.currentDateTime().addDays(-1), self)
        self.since_edit.setAccessibleName(self.tr("From"))
        self.until_edit = QDateTimeEdit(QDateTime.currentDateTime(), self)
        self.until_edit.setAccessibleName(self.tr("Until"))
        for edit in (self.since_edit, self.until_edit):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd HH:mm")
            edit.setVisible(False)
            edit.dateTimeChanged.connect(changed)
        self.time_pick.currentIndexChanged.connect(self._time_pick_changed)

        self.types_button = QToolButton(self)
        self.types_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.types_menu = QMenu(self.types_button)
        self.type_actions: dict[int, QAction] = {}
        for ptype in (1, 2, 3, 4, 5):
            action = self.types_menu.addAction(person_type_word(ptype))
            action.setCheckable(True)
            action.toggled.connect(self._types_changed)
            action.toggled.connect(changed)
            self.type_actions[ptype] = action
        self.types_button.setMenu(self.types_menu)
        self._types_changed()

        self.device = QComboBox(self)
        self.device.setEditable(True)
        self.device.setMinimumContentsLength(16)
        self.device.addItem(self.tr("All cameras"), None)
        self.device.currentIndexChanged.connect(changed)
        self.device.lineEdit().textEdited.connect(changed)
        self.box = QComboBox(self)
        self.box.setEditable(True)
        self.box.addItem(self.tr("All boxes"), None)
        self.box.currentIndexChanged.connect(changed)
        self.box.lineEdit().textEdited.connect(changed)

        self.search = QLineEdit(self)
        self.search.setAccessibleName(self.tr("Name or ID"))
        self.search.setPlaceholderText(self.tr("Name or ID contains…"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(changed)

        self.score_min = QDoubleSpinBox(self)
        self.score_min.setAccessibleName(self.tr("Minimum score"))
        self.score_max = QDoubleSpinBox(self)
        self.score_max.setAccessibleName(self.tr("Maximum score"))
        for spin in (self.score_min, self.score_max):
            spin.setRange(-1, 100)
            spin.setDecimals(1)
            spin.setSingleStep(5)
            spin.setSuffix(" %")
            spin.setSpecialValueText(self.tr("any"))
            spin.setValue(-1)
            spin.setToolTip(self.tr(
                "Percent of each box's own scale: 90 % finds 0.90 from a box that scores"
                " 0–1 and 90 from a box that scores 0–100."
            ))
            spin.valueChanged.connect(changed)

        self.want_action = QComboBox(self)
        self.want_action.addItem(self.tr("Any action"), None)
        for code in ("0", "1001", "1002"):
            self.want_action.addItem(want_action_words(code), code)
        self.want_action.currentIndexChanged.connect(changed)
        self.warnings = QComboBox(self)
        for text, value in ((self.tr("Warnings: any"), None), (self.tr("With warnings"), True),
                            (self.tr("Without warnings"), False)):  # fmt: skip
            self.warnings.addItem(text, value)
        self.warnings.currentIndexChanged.connect(changed)
        self.acked = QComboBox(self)
        for text, value in ((self.tr("Alarms: any"), None), (self.tr("Acknowledged"), True),
                            (self.tr("Not acknowledged"), False)):  # fmt: skip
            self.acked.addItem(text, value)
        self.acked.currentIndexChanged.connect(changed)

        self.count_label = QLabel(self)
        self.count_label.setTextFormat(Qt.TextFormat.PlainText)
        self.reset_button = QPushButton(self.tr("Reset"), self)
        self.reset_button.clicked.connect(self.reset_filters)
        self.pin_button = QPushButton(self.tr("Keep"), self)
        self.pin_button.setCheckable(True)
        self.pin_button.setEnabled(False)
        self.pin_button.setToolTip(self.tr("Kept events are never deleted by retention"))
        self.pin_button.clicked.connect(self._toggle_pin)
        self.export_button = QPushButton(self.tr("Export…"), self)
        self.export_button.clicked.connect(self.open_export)
        self.storage_button = QPushButton(self.tr("Retention…"), self)
        self.storage_button.setToolTip(self.tr("How long events and photos are kept"))

        grid = QGridLayout()
        grid.setContentsMargins(0, 0, 0, 0)
        row1 = [self.time_pick, self.since_edit, self.until_edit, self.types_button, self.device,
                self.box, self.search]  # fmt: skip
        score_label = QLabel(self.tr("Score (% of box scale)"))
        row2 = [score_label, self.score_min, QLabel("–"), self.score_max,
                self.want_action, self.warnings, self.acked]  # fmt: skip
        # Three short lines rather than two long ones: the page fits a 1280-wide screen.
        line1, line2, line3 = QHBoxLayout(), QHBoxLayout(), QHBoxLayout()
        for w in row1:
            line1.addWidget(w)
        line1.setStretchFactor(self.search, 1)
        for w in row2:
            line2.addWidget(w)
        line2.addWidget(self.reset_button)
        line2.addStretch(1)
        line3.addWidget(self.count_label, 1)
        for w in (self.pin_button, self.export_button, self.storage_button):
            line3.addWidget(w)
        grid.addLayout(line1, 0, 0)
        grid.addLayout(line2, 1, 0)
        grid.addLayout(line3, 2, 0)

        self.table = QTableView(self)
        self.table.setAccessibleName(self.tr("Events"))
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicator(
            COLUMNS.index("time"), Qt.SortOrder.DescendingOrder
        )
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setSortIndicatorShown(True)
        point_sort_arrow_with_order(self.table.horizontalHeader())  # ▼ while newest first
        self.table.horizontalHeader().sortIndicatorChanged.connect(self._sort_indicator)
        self.table.verticalHeader().setVisible(False)
        # Tall enough for the face thumbnail in the first column.
        self.table.verticalHeader().setDefaultSectionSize(THUMB_SIZE + 4)
        self.table.setIconSize(QSize(THUMB_SIZE, THUMB_SIZE))
        self.model.thumb_dpr = self.devicePixelRatioF()
        # Fixed heights: appending a page never measures rows.
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        for column, width in self._default_widths().items():
            self.table.setColumnWidth(COLUMNS.index(column), width)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)

        self.detail = DetailPane(self.bridge, self, settings=self.settings)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(self.table)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setChildrenCollapsible(False)

        self.new_bar = QWidget(self)
        self.new_bar.setObjectName("historyNewBar")
        self.new_label = QLabel(self.new_bar)
        self.new_label.setTextFormat(Qt.TextFormat.PlainText)
        self.new_button = QPushButton(self.tr("Show"), self.new_bar)
        self.new_button.setAccessibleName(self.tr("Show the new events"))
        self.new_button.clicked.connect(self.show_new)
        bar = QHBoxLayout(self.new_bar)
        bar.setContentsMargins(6, 2, 6, 2)
        bar.addWidget(self.new_label)
        bar.addWidget(self.new_button)
        bar.addStretch(1)
        self.new_bar.setStyleSheet("#historyNewBar { background: #E3F2FD; }")
        self.new_bar.hide()

        layout = QVBoxLayout(self)
        layout.addLayout(grid)
        layout.addWidget(self.new_bar)
        layout.addWidget(splitter, 1)

    # -- filters -----------------------------------------------------------------------------

    def _time_pick_changed(self) -> None:
        custom = self.time_pick.currentData() == "custom"
        self.since_edit.setVisible(custom)
        self.until_edit.setVisible(custom)
        self._debounce.start()

    def _types_changed(self) -> None:
        chosen = [p for p, a in self.type_actions.items() if a.isChecked()]
        if not chosen:
            self.types_button.setText(self.tr("All types"))
        else:
            self.types_button.setText(", ".join(person_type_word(p) for p in chosen))

    def _combo_value(self, combo: QComboBox) -> str | None:
        data = combo.currentData()
        text = combo.currentText().strip()
        if (
            combo.currentIndex() > 0
            and data is not None
            and combo.itemText(combo.currentIndex()) == text
        ):
            return str(data)
        if combo.currentIndex() == 0 and text == combo.itemText(0):
            return None
        return text or None

    def build_filter(self) -> EventFilter:
        pick = self.time_pick.currentData()
        if pick == "custom":
            since: int | None = self.since_edit.dateTime().toMSecsSinceEpoch()
            until: int | None = self.until_edit.dateTime().toMSecsSinceEpoch()
        else:
            since, until = time_range(pick)
        score_min = self.score_min.value()
        score_max = self.score_max.value()
        return EventFilter(
            since=since,
            until=until,
            person_types=tuple(p for p, a in self.type_actions.items() if a.isChecked()),
            device=self._combo_value(self.device),
            box=self._combo_value(self.box),
            q=self.search.text().strip() or None,
            score_pct_min=None if score_min < 0 else score_min,
            score_pct_max=None if score_max < 0 else score_max,
            want_action=self.want_action.currentData(),
            has_warnings=self.warnings.currentData(),
            acked=self.acked.currentData(),
        )

    def apply_filters(self) -> None:
        self._debounce.stop()
        self._new = 0
        self.new_bar.hide()
        self.model.set_query(self.build_filter())

    def reset_filters(self) -> None:
        widgets = (self.time_pick, self.device, self.box, self.want_action, self.warnings,
                   self.acked)  # fmt: skip
        for w in widgets:
            w.setCurrentIndex(0)
        for a in self.type_actions.values():
            a.setChecked(False)
        self.search.clear()
        self.score_min.setValue(-1)
        self.score_max.setValue(-1)
        self.apply_filters()

    def _show_count(self, n: int | None) -> None:
        if n is None:
            self.count_label.setText(self.tr("counting…"))
        else:
            one = self.tr("1 event")
            text = one if n == 1 else self.tr("%1 events").replace("%1", f"{n:,}")
            cap = history_model.MAX_ROWS
            if n > cap:
                text += " " + self.tr("(the table lists the first %1: narrow the filter or export)")
                text = text.replace("%1", f"{cap:,}")
            self.count_label.setText(text)

    def _default_widths(self) -> dict[str, int]:
        """Widths from the font, not fixed pixels: at 1280 wide, in English or Chinese, Face
        to Score stay in view whole (fixed widths pushed Score off, read "0.8…").

        Each column is as wide as its title (with the sort arrow) or a typical value,
        whichever is wider; names, ids and places get a typical length, not their longest.
        """
        from gui.ui.views.words import format_score_of

        cell = self.table.fontMetrics()
        head = self.table.horizontalHeader().fontMetrics()
        pad = 14
        em = cell.horizontalAdvance("M")

        def title(column: str) -> int:
            text = self.model.headerData(COLUMNS.index(column), Qt.Orientation.Horizontal)
            arrow = 26 if column in SORTABLE else pad
            return head.horizontalAdvance(str(text or "")) + arrow

        def fits(column: str, *samples: str, least: int = 0) -> int:
            values = [cell.horizontalAdvance(t) + pad for t in samples]
            return max(title(column), least, *values)

        return {
            "face": max(THUMB_SIZE + 12, title("face")),
            "time": fits("time", "2026-12-31 23:59:59"),
            "name": fits("name", least=11 * em),
            "identity_id": fits("identity_id", "E-20231015", least=6 * em),
            "type": fits("type", *(person_type_word(t) for t in range(1, 7))),
            "score": fits("score", format_score_of(82.05, "0-100", 82.0)),
            "camera": fits("camera", least=10 * em),
            "box": fits("box", least=8 * em),
        }

    def _sort_indicator(self, column: int, order: Qt.SortOrder) -> None:
        if COLUMNS[column] not in SORTABLE:
            # Only indexed sorts: put the indicator back where the data is sorted.
            header = self.table.horizontalHeader()
            current = next(c for c, s in SORTABLE.items() if s == self.model.sort_name)
            header.blockSignals(True)
            header.setSortIndicator(
                COLUMNS.index(current),
                Qt.SortOrder.DescendingOrder
                if self.model.descending
                else Qt.SortOrder.AscendingOrder,
            )
            header.blockSignals(False)

    # -- lifecycle -----------------------------------------------------------------------------

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        if not self._loaded_once:
            self._loaded_once = True
            self.refresh_lists()
            self.apply_filters()
        elif self._new or self._lists_stale:
            self._arrivals_settled()

    def refresh_lists(self) -> None:
        self.work.read(lambda reader: reader.device_names(), self._lists_loaded)

    def _lists_loaded(self, names: DeviceNames) -> None:
        cams = [(ep_id, f"{name} ({ep_id})" if name else ep_id) for ep_id, name in names.cameras]
        boxes = names.boxes
        self._known_devices = {ep_id for ep_id, _name in names.cameras} | set(boxes)
        for combo, items in ((self.device, cams), (self.box, [(b, b) for b in boxes])):
            # Filled again as devices appear: keep what the user chose or typed.
            chosen, typed = combo.currentData(), combo.currentText()
            combo.blockSignals(True)
            while combo.count() > 1:
                combo.removeItem(1)
            for value, label in items:
                combo.addItem(label, value)
            index = combo.findData(chosen) if chosen is not None else 0
            combo.setCurrentIndex(max(0, index))
            if combo.isEditable() and chosen is None and typed != combo.itemText(0):
                combo.setEditText(typed)
            combo.blockSignals(False)

    # -- selection, pin, export -------------------------------------------------------------------

    def current_row(self) -> HistoryItem | None:
        index = self.table.selectionModel().currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        row = self.model.row_at(current.row())
        self.pin_button.setEnabled(row is not None)
        if row is None:
            return
        self.pin_button.setChecked(row.pinned)
        self.detail.show_event(row.id)

    def select_row(self, row: int) -> None:
        index = self.model.index(row, 0)
        self.table.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )

    def _toggle_pin(self) -> None:
        row = self.current_row()
        if row is not None:
            self.set_pinned(row.id, self.pin_button.isChecked())

    def set_pinned(self, event_id: int, pinned: bool) -> None:
        """Keep (or stop keeping) an event through the core's writer.

        The row shows the new flag at once; ``pin_saved`` says it was written, and a
        write that fails (or finds the event gone) puts the old flag back.
        """
        write = self.bridge.pin_job(event_id, pinned)
        self.model.set_pinned(event_id, pinned)

        def written(found: bool) -> None:
            if found is not False:  # False: no such event (None: the remote's API said ok)
                self.pin_saved.emit(event_id, pinned)
            else:
                failed(LookupError(f"event {event_id} is gone"))

        def failed(exc: BaseException) -> None:
            log.warning("could not change the keep flag of event %d: %s", event_id, exc)
            self.model.set_pinned(event_id, not pinned)
            row = self.current_row()
            if row is not None and row.id == event_id:
                self.pin_button.blockSignals(True)
                self.pin_button.setChecked(not pinned)
                self.pin_button.blockSignals(False)

        self.work.core(write, written, failed)

    def open_export(self) -> None:
        from gui.ui.history.export_dialog import ExportDialog

        dialog = ExportDialog(self.bridge, self.build_filter(), self.model.count, self)
        dialog.open()
