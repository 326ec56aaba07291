"""The Statistics page: events per local hour or day as stacked bars, a table, top people.

Numbers come from ``core.stats.compute`` (the same as ``GET /api/stats``),
read off the GUI thread. Bars are QtCharts, split by person type in the
person-type colours; the table below has one row per bucket.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSet,
    QCategoryAxis,
    QChart,
    QChartView,
    QStackedBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, QTimer
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from gui.core import stats
from gui.ui.background import BackgroundWork
from gui.ui.views.words import display_name, person_type_colour, person_type_word

Index = QModelIndex | QPersistentModelIndex
TYPES = ("1", "2", "3", "4", "5", "")
RANGES = {"today": 1, "7days": 7, "30days": 30, "90days": 90}


def stats_range(key: str, bucket: str, now: dt.datetime | None = None) -> tuple[int, int]:
    """``(since, until)`` ending now: whole local days back from today's midnight."""
    now = now or dt.datetime.now().astimezone()
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    start = midnight - dt.timedelta(days=RANGES[key] - 1)
    return int(start.timestamp() * 1000), int(now.timestamp() * 1000) + 1


#: Statistics refresh this long after arrivals stop (a burst is one query).
STATS_SETTLE_MS = 3000


def bucket_label(start: int, bucket: str) -> str:
    t = dt.datetime.fromtimestamp(start / 1000)
    return t.strftime("%m-%d %H:00") if bucket == "hour" else t.strftime("%m-%d")


def count_axis(largest: int, max_ticks: int = 6) -> QValueAxis:
    """A 0-based axis for counts whose ticks fall on whole numbers.

    ``applyNiceNumbers`` on a small range puts ticks at 0.2, 0.4...; printed with
    ``%d`` they read "0, 0, 0, 1".
    """
    axis = QValueAxis()
    axis.setLabelFormat("%d")
    fit_count_axis(axis, largest, max_ticks)
    return axis


def fit_count_axis(axis: QValueAxis, largest: int, max_ticks: int) -> None:
    top = max(1, int(largest))
    step = 1
    while top / step > max_ticks - 1:
        for factor in (2, 2.5, 2):  # 1, 2, 5, 10, 20, 50, ...
            step = int(step * factor)
            if top / step <= max_ticks - 1:
                break
    axis.setRange(0, -(-top // step) * step)
    axis.setTickCount(-(-top // step) + 1)


def ticks_that_fit(plot_height: float, label_height: int) -> int:
    """How many count labels fit one above another (2 to 6).

    Qt elides every label of a value axis to "…" when they do not fit, which left
    both charts without numbers on a 1280x720 screen.
    """
    if plot_height <= 0:
        return 6
    return max(2, min(6, int(plot_height // (label_height * 1.6)) + 1))


class BucketTable(QAbstractTableModel):
    """One row per bucket: start, total, then each person type (bounded: a range's buckets)."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.result: stats.Stats | None = None

    def set_result(self, result: stats.Stats) -> None:
        self.beginResetModel()
        self.result = result
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() or self.result is None else len(self.result.buckets)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 2 + len(TYPES)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        if section == 0:
            return self.tr("From")
        if section == 1:
            return self.tr("Total")
        ptype = TYPES[section - 2]
        return person_type_word(int(ptype)) if ptype else person_type_word(None)

    def data(self, index: Index, role: int = 0) -> Any:
        if self.result is None or role != Qt.ItemDataRole.DisplayRole:
            return None
        b = self.result.buckets[index.row()]
        if index.column() == 0:
            return bucket_label(b.start, self.result.bucket)
        if index.column() == 1:
            return str(b.total)
        return str(b.by_person_type.get(TYPES[index.column() - 2], 0))


class StatsPage(QWidget):
    def __init__(self, bridge: Any, settings: Any = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.settings = settings
        self.work = BackgroundWork(self, bridge)
        self.result: stats.Stats | None = None
        self._request = 0

        self.range = QComboBox(self)
        ranges = (
            ("today", self.tr("Today")),
            ("7days", self.tr("Last 7 days")),
            ("30days", self.tr("Last 30 days")),
            ("90days", self.tr("Last 90 days")),
        )
        for key, text in ranges:
            self.range.addItem(text, key)
        self.range.setCurrentIndex(1)
        self.bucket = QComboBox(self)
        self.bucket.addItem(self.tr("Per hour"), "hour")
        self.bucket.addItem(self.tr("Per day"), "day")
        self.bucket.setCurrentIndex(1)
        self.refresh_button = QPushButton(self.tr("Refresh"), self)
        for combo in (self.range, self.bucket):
            combo.currentIndexChanged.connect(self.refresh)
        self.refresh_button.clicked.connect(self.refresh)
        self.summary = QLabel(self)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)

        self.chart = QChart()
        self.chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        self.chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        self.chart_view = QChartView(self.chart, self)
        self.chart_view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.chart_view.setMinimumHeight(180)

        self.table_model = BucketTable(self)
        self.table = QTableView(self)
        self.table.setAccessibleName(self.tr("Counts per period"))
        self.table.setModel(self.table_model)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)

        self.top = QLabel(self)
        self.top.setTextFormat(Qt.TextFormat.PlainText)
        self.top.setProperty("payload", True)  # people's names
        self.top.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.strangers_chart = QChart()
        self.strangers_chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        self.strangers_chart.legend().hide()
        self.strangers_view = QChartView(self.strangers_chart, self)
        self.strangers_view.setMinimumHeight(140)
        self._largest: dict[int, int] = {}
        for chart in (self.chart, self.strangers_chart):
            chart.plotAreaChanged.connect(lambda _area, c=chart: self._refit_counts(c))

        bar = QHBoxLayout()
        bar.addWidget(self.range)
        bar.addWidget(self.bucket)
        bar.addWidget(self.refresh_button)
        bar.addWidget(self.summary, 1)
        lower = QSplitter(Qt.Orientation.Horizontal, self)
        lower.addWidget(self.table)
        side = QWidget(self)
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.addWidget(QLabel(self.tr("Most seen people")))
        side_layout.addWidget(self.top)
        side_layout.addWidget(QLabel(self.tr("Strangers by hour of day")))
        side_layout.addWidget(self.strangers_view, 1)
        lower.addWidget(side)
        main = QSplitter(Qt.Orientation.Vertical, self)
        main.addWidget(self.chart_view)
        main.addWidget(lower)
        main.setStretchFactor(0, 3)
        main.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(main, 1)
        self._loaded_once = False
        # Refreshes itself: after arrivals (settled), and each minute (the hour turns over).
        self._stale = False
        self._soon = QTimer(self)
        self._soon.setSingleShot(True)
        self._soon.setInterval(STATS_SETTLE_MS)
        self._soon.timeout.connect(self.refresh)
        self._tick = QTimer(self)
        self._tick.setInterval(60_000)
        self._tick.timeout.connect(self.refresh)
        bridge.event_stored.connect(self._on_event_stored)
        from gui.ui.recovery import storage_back

        storage_back(bridge).back.connect(self._storage_back)

    def _storage_back(self) -> None:
        """The database (or the server) is back: count again now if shown, else when shown."""
        self._stale = True
        if self.isVisible():
            self.refresh()

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        if not self._loaded_once or self._stale:
            self._loaded_once = True
            self.refresh()
        self._tick.start()

    def hideEvent(self, event: Any) -> None:
        super().hideEvent(event)
        self._tick.stop()

    def _on_event_stored(self, _message: Any) -> None:
        """Counts follow arrivals: a few seconds after a burst while shown, else when shown."""
        self._stale = True
        if self.isVisible() and not self._soon.isActive():
            self._soon.start()

    def refresh(self) -> None:
        bucket = self.bucket.currentData()
        since, until = stats_range(self.range.currentData(), bucket)
        if bucket == "hour" and until - since > 8 * stats.DAY:
            bucket = "day"
        self._stale = False
        self._request += 1
        request = self._request
        self.summary.setText(self.tr("counting…"))
        self.work.read(
            lambda reader: reader.statistics(since=since, until=until, bucket=bucket),
            lambda result: self._show(result, request),
            lambda exc: self.summary.setText(str(exc)),
        )

    def _show(self, result: stats.Stats, request: int) -> None:
        if request != self._request:
            return
        self.result = result
        self.table_model.set_result(result)
        self.summary.setText(self.tr("%1 events").replace("%1", f"{result.total:,}"))
        colours = self.settings.overlay_colours if self.settings is not None else {}
        self._fill_chart(result, colours)
        lines = [
            f"{t['count']:>6,}  {display_name(t['identity_name'], t['identity_id'])}"
            f" [{t['identity_id']}]"
            f" · {person_type_word(t['person_type'])}"
            for t in result.top_identities
        ]
        self.top.setText("\n".join(lines) or self.tr("nobody yet"))
        self._fill_strangers(result)

    def _fill_chart(self, result: stats.Stats, colours: dict[str, str]) -> None:
        self.chart.removeAllSeries()
        for axis in self.chart.axes():
            self.chart.removeAxis(axis)
        series = QStackedBarSeries()
        for ptype in TYPES:
            if not any(b.by_person_type.get(ptype) for b in result.buckets):
                continue
            label = person_type_word(int(ptype)) if ptype else person_type_word(None)
            bar_set = QBarSet(label)
            bar_set.setColor(QColor(person_type_colour(int(ptype) if ptype else None, colours)))
            bar_set.append([float(b.by_person_type.get(ptype, 0)) for b in result.buckets])
            series.append(bar_set)
        series.setBarWidth(0.9)
        self.chart.addSeries(series)
        categories = QBarCategoryAxis()
        labels = [bucket_label(b.start, result.bucket) for b in result.buckets]
        # Every label would be unreadable for 168 hourly bars: keep about 24.
        step = max(1, len(labels) // 24)
        # Category names must be unique: hidden ones are distinct runs of zero-width spaces.
        categories.append(
            [lab if i % step == 0 else "\u200b" * (i + 1) for i, lab in enumerate(labels)]
        )
        categories.setLabelsAngle(-90 if result.bucket == "hour" else 0)
        largest = max(b.total for b in result.buckets) if result.buckets else 0
        self._largest[id(self.chart)] = largest
        values = count_axis(largest, self._ticks_that_fit(self.chart))
        self.chart.addAxis(categories, Qt.AlignmentFlag.AlignBottom)
        self.chart.addAxis(values, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(categories)
        series.attachAxis(values)

    def _ticks_that_fit(self, chart: QChart) -> int:
        axes = chart.axes(Qt.Orientation.Vertical)
        font = axes[0].labelsFont() if axes else chart.font()
        return ticks_that_fit(chart.plotArea().height(), QFontMetrics(font).height())

    def _refit_counts(self, chart: QChart) -> None:
        """The count axis again once the chart has its size (a short chart, fewer ticks)."""
        for axis in chart.axes(Qt.Orientation.Vertical):
            if isinstance(axis, QValueAxis) and id(chart) in self._largest:
                ticks = self._ticks_that_fit(chart)
                if ticks != axis.property("fitted_ticks"):
                    axis.setProperty("fitted_ticks", ticks)
                    fit_count_axis(axis, self._largest[id(chart)], ticks)

    def _fill_strangers(self, result: stats.Stats) -> None:
        self.strangers_chart.removeAllSeries()
        for axis in self.strangers_chart.axes():
            self.strangers_chart.removeAxis(axis)
        series = QStackedBarSeries()
        bar_set = QBarSet(person_type_word(4))
        bar_set.setColor(QColor(person_type_colour(4)))
        bar_set.append([float(n) for n in result.strangers_by_hour_of_day])
        series.append(bar_set)
        self.strangers_chart.addSeries(series)
        # A category axis gives each of the 24 labels one bar's width, and Qt elides
        # them all to "…" on a narrow chart: label every third hour on a value axis
        # (bar i sits at x = i), each label with three bars' room.
        hours = QCategoryAxis()
        hours.setLabelsPosition(QCategoryAxis.AxisLabelsPosition.AxisLabelsPositionOnValue)
        hours.setRange(-0.5, 23.5)
        hours.setStartValue(-0.5)
        for h in range(0, 24, 3):
            hours.append(f"{h:02d}", h)
        hours.setGridLineVisible(False)
        largest = max(result.strangers_by_hour_of_day, default=0)
        self._largest[id(self.strangers_chart)] = largest
        values = count_axis(largest, self._ticks_that_fit(self.strangers_chart))
        small = QFont(self.font())
        small.setPointSizeF(max(6.0, small.pointSizeF() * 0.75))
        hours.setLabelsFont(small)
        self.strangers_chart.addAxis(hours, Qt.AlignmentFlag.AlignBottom)
        self.strangers_chart.addAxis(values, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(hours)
        series.attachAxis(values)
