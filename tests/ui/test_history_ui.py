"""History, statistics and export pages against a real receiver."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from gui.core import export, retention
from gui.core.messages import DiskStatusMeasured, StorageStateChanged
from gui.ui.history import install as install_history
from gui.ui.history.export_dialog import ExportDialog
from gui.ui.history.model import COLUMNS
from gui.ui.history.page import time_range
from tests.ui.desktop_fixtures import core, post, variant, window  # noqa: F401


def fill(core: Any, n: int) -> list[int]:  # noqa: F811
    names = ["张伟", "李娜", "Alice"]
    return [
        post(core, variant("employee_match", identity_name=names[i % 3],
                           identity_id=f"E-{i:03d}", score=round(0.5 + i / 100, 2),
                           person_type=(1, 3, 4)[i % 3]))
        for i in range(n)
    ]  # fmt: skip


def test_history_page_filters_sorts_and_fetches_lazily(qtbot: Any, window: Any, core: Any) -> None:  # noqa: F811
    ids = fill(core, 9)
    install_history(window, core.bridge, core.settings)
    page = window.page("history")
    model = page.model
    window.show_page("history")
    qtbot.waitUntil(lambda: model.rowCount() == 9 and model.count == 9, timeout=5000)
    assert page.count_label.text() == "9 events"
    assert [model.row_at(i).id for i in range(9)] == sorted(ids, reverse=True)

    page.search.setText("伟")
    page.apply_filters()
    qtbot.waitUntil(lambda: model.count == 3 and model.rowCount() == 3, timeout=5000)
    assert {model.row_at(i).name for i in range(3)} == {"张伟"}

    page.search.clear()
    page.type_actions[3].setChecked(True)
    page.type_actions[4].setChecked(True)
    page.apply_filters()
    qtbot.waitUntil(lambda: model.count == 6, timeout=5000)

    page.reset_filters()
    qtbot.waitUntil(lambda: model.count == 9, timeout=5000)
    # Sort by score, ascending, through the header.
    page.table.horizontalHeader().setSortIndicator(
        COLUMNS.index("score"), __import__("PySide6.QtCore").QtCore.Qt.SortOrder.AscendingOrder
    )
    qtbot.waitUntil(lambda: model.sort_name == "score" and model.rowCount() == 9, timeout=5000)
    qtbot.waitUntil(lambda: model.row_at(0).score == 0.5, timeout=5000)
    scores = [model.row_at(i).score for i in range(9)]
    assert scores == sorted(scores)


def test_paging_to_the_end(qtbot: Any, window: Any, core: Any, monkeypatch: Any) -> None:  # noqa: F811
    from gui.ui.history import model as model_mod

    monkeypatch.setattr(model_mod, "PAGE_SIZE", 4)
    fill(core, 10)
    install_history(window, core.bridge, core.settings)
    model = window.page("history").model
    window.show_page("history")
    qtbot.waitUntil(lambda: model.rowCount() >= 4, timeout=5000)
    pages = 0
    while True:
        qtbot.waitUntil(lambda: not model._busy, timeout=5000)
        if not model.canFetchMore():
            break
        before = model.rowCount()
        model.fetchMore()
        pages += 1
        qtbot.waitUntil(lambda before=before: model.rowCount() > before, timeout=5000)
    assert model.rowCount() == 10
    assert len({model.row_at(i).id for i in range(10)}) == 10


def test_opening_a_row_shows_it_and_pin_keeps_it(qtbot: Any, window: Any, core: Any) -> None:  # noqa: F811
    ids = fill(core, 3)
    install_history(window, core.bridge, core.settings)
    page = window.page("history")
    window.show_page("history")
    qtbot.waitUntil(lambda: page.model.rowCount() == 3, timeout=5000)
    with qtbot.waitSignal(page.detail.event_shown, timeout=5000):
        page.select_row(1)
    assert page.detail.event_id == ids[1]
    row = page.current_row()
    assert row is not None and row.id == ids[1]
    page.pin_button.setChecked(True)
    with qtbot.waitSignal(page.pin_saved, timeout=5000) as saved:
        page._toggle_pin()
    assert saved.args == [ids[1], True]  # written by the core, told on the GUI thread
    store = core.thread.receiver.store

    def pinned() -> bool:
        # A fresh connection: the GUI thread's reader may sit in another widget's snapshot.
        conn = sqlite3.connect(store.path)
        try:
            return bool(
                conn.execute("SELECT pinned FROM events WHERE id = ?", (ids[1],)).fetchone()[0]
            )
        finally:
            conn.close()

    qtbot.waitUntil(pinned, timeout=5000)
    assert page.model.row_at(1).pinned

    # A pin the core cannot write is put back on the row and the button.
    page.pin_button.setChecked(False)
    store.close()  # the writer refuses from now on
    with qtbot.assertNotEmitted(page.pin_saved, wait=300):
        page._toggle_pin()
    qtbot.waitUntil(lambda: page.model.row_at(1).pinned, timeout=5000)
    assert page.pin_button.isChecked()


def test_stats_page_and_storage_status(qtbot: Any, window: Any, core: Any) -> None:  # noqa: F811
    install_history(window, core.bridge, core.settings)
    page = window.page("stats")
    window.show_page("stats")
    qtbot.waitUntil(lambda: page.result is not None, timeout=5000)
    assert page.chart.series()  # a stacked bar series even when empty
    from gui.ui.history.status import StorageStatus

    status = window.findChild(StorageStatus)
    disk = retention.DiskStatus("/data", 3 * 2**30, 50 * 2**30, 10 * 2**30, 2**30)
    core.bridge.disk_status_measured.emit(DiskStatusMeasured(disk))
    assert status.text() == "Data 3.0 GB · 50.0 GB free"
    core.bridge.storage_state_changed.emit(StorageStateChanged(False, "disk full"))
    assert status.failing and status.text().startswith("NOT STORING EVENTS")
    core.bridge.storage_state_changed.emit(StorageStateChanged(True, "ok"))
    assert not status.failing


def test_stats_charts_keep_their_count_labels_on_a_1280x720_screen(
    qtbot: Any,
    window: Any,  # noqa: F811
    core: Any,  # noqa: F811
) -> None:
    """Qt elides every label of a value axis to "…" when they do not fit one above
    another: on a 1280x720 screen both charts showed no numbers at all."""
    import time

    from PySide6.QtCharts import QValueAxis
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QFontMetrics

    now_ms = int(time.time() * 1000)
    for i in range(50):  # within the page's "last 7 days", half of them strangers
        post(core, variant("employee_match", timestamp=now_ms - 1000 * (i + 1),
                           identity_id=f"S-{i:03d}", person_type=(1, 4)[i % 2]))  # fmt: skip
    install_history(window, core.bridge, core.settings)
    page = window.page("stats")
    window.resize(1280, 720)
    window.show()
    window.show_page("stats")
    qtbot.waitUntil(lambda: page.result is not None and page.result.total >= 50, timeout=8000)
    for chart in (page.chart, page.strangers_chart):
        qtbot.waitUntil(lambda c=chart: c.plotArea().height() > 0, timeout=3000)
        qtbot.wait(50)
        axis = next(a for a in chart.axes(Qt.Orientation.Vertical) if isinstance(a, QValueAxis))
        label = QFontMetrics(axis.labelsFont()).height()
        room = chart.plotArea().height() / (axis.tickCount() - 1)
        assert room >= label, (chart.plotArea().height(), axis.tickCount(), label)


def test_export_dialog_runs_off_thread_and_can_cancel(
    qtbot: Any,
    core: Any,  # noqa: F811
    tmp_path: Path,
    monkeypatch: Any,
) -> None:
    fill(core, 6)
    from gui.core import query

    dialog = ExportDialog(core.bridge, query.EventFilter(), 6)
    qtbot.addWidget(dialog)
    out = tmp_path / "x.csv"
    dialog.out.setText(str(out))
    dialog.images.setCurrentIndex(2)  # zip
    with qtbot.waitSignal(dialog.finished_ok, timeout=10000):
        dialog.start()
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    assert Path(dialog.images_path.text()).exists()
    assert "Exported 6 events" in dialog.status.text()

    # Cancel after the first batch: the dialog says so and nothing is left behind.
    real = export.export_events

    def slow(conn, flt, out, fmt="csv", **kw):  # type: ignore[no-untyped-def]
        progress, cancel = kw.pop("progress"), kw["cancel"]

        def first_batch_then_cancel(done: int, total: int) -> None:
            progress(done, total)
            if done:
                cancel.set()

        return real(conn, flt, out, fmt, progress=first_batch_then_cancel, batch=2, **kw)

    monkeypatch.setattr(export, "export_events", slow)
    out2 = tmp_path / "y.jsonl"
    dialog.format.setCurrentIndex(1)
    dialog.out.setText(str(out2))
    with qtbot.waitSignal(dialog.finished_error, timeout=10000) as blocker:
        dialog.start()
    assert blocker.args == [""]
    assert "Cancelled" in dialog.status.text()
    assert not out2.exists()
    assert not list(tmp_path.glob(".*part*"))  # no temporary left either


def test_time_quick_picks() -> None:
    import datetime as dt

    now = dt.datetime(2026, 11, 24, 15, 30, tzinfo=dt.UTC)
    midnight = int(dt.datetime(2026, 11, 24, tzinfo=dt.UTC).timestamp() * 1000)
    assert time_range("today", now) == (midnight, None)
    assert time_range("yesterday", now) == (midnight - 86_400_000, midnight - 1)
    assert time_range("hour", now)[0] == int(now.timestamp() * 1000) - 3_600_000
    assert time_range("all", now) == (None, None)


def test_rows_in_memory_are_capped(qtbot: Any, window: Any, core: Any, monkeypatch: Any) -> None:  # noqa: F811
    from gui.ui.history import model as model_mod

    monkeypatch.setattr(model_mod, "PAGE_SIZE", 3)
    monkeypatch.setattr(model_mod, "MAX_ROWS", 6)
    fill(core, 10)
    install_history(window, core.bridge, core.settings)
    model = window.page("history").model
    window.show_page("history")
    qtbot.waitUntil(lambda: model.rowCount() >= 3 and model.count == 10, timeout=5000)
    while True:
        qtbot.waitUntil(lambda: not model._busy, timeout=5000)
        if not model.canFetchMore():
            break
        model.fetchMore()
    assert model.rowCount() == 6 and model.truncated
    assert "first 6" in window.page("history").count_label.text().replace(",", "")


def test_retention_dialog_saves_and_applies(qtbot: Any, window: Any, core: Any) -> None:  # noqa: F811
    from gui import settings as settings_mod
    from gui.ui.history.retention_dialog import RetentionDialog

    install_history(window, core.bridge, core.settings)
    assert window.findChild(__import__("PySide6.QtGui").QtGui.QAction, "action_retention")
    dialog = RetentionDialog(core.settings, window)
    qtbot.addWidget(dialog)
    assert dialog.values()["keep_events_days"] == 90
    dialog.events_days.setValue(14)
    dialog.max_gb.setValue(2.5)
    dialog.accept()
    assert core.settings.keep_events_days == 14 and core.settings.max_data_gb == 2.5
    stored = settings_mod.load()
    assert stored.keep_events_days == 14 and stored.max_data_gb == 2.5


def arrow_points_down(header: Any, section: int) -> bool:
    """Whether the sort arrow drawn on ``section`` is widest at its top (▼), read from pixels."""
    image = header.grab().toImage()
    left = header.sectionViewportPosition(section)
    background = image.pixelColor(left + 3, image.height() // 2).lightness()
    right = left + header.sectionSize(section)
    xs = range(right - 24, right - 3)  # the arrow's corner, short of the section's edge
    ink = [[abs(image.pixelColor(x, y).lightness() - background) > 40 for x in xs]
           for y in range(image.height())]  # fmt: skip
    # Leave out the section's borders: lines that run through the whole strip.
    lines = {i for i in range(len(xs)) if sum(row[i] for row in ink) > len(ink) * 0.7}
    widths = [sum(v for i, v in enumerate(row) if i not in lines) for row in ink]
    widths = [w for w in widths if 0 < w < len(xs) * 0.7]
    assert len(widths) >= 2, "no sort arrow drawn"
    return widths[0] > widths[-1]


def test_time_sort_arrow_points_down_for_newest_first(qtbot: Any, window: Any, core: Any) -> None:  # noqa: F811
    from PySide6.QtCore import Qt

    install_history(window, core.bridge, core.settings)
    page = window.page("history")
    window.show_page("history")
    header = page.table.horizontalHeader()
    qtbot.waitUntil(lambda: header.isVisible() and header.width() > 100, timeout=5000)
    time_column = COLUMNS.index("time")
    assert page.model.descending and header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
    assert arrow_points_down(header, time_column), "newest first must show ▼"
    header.setSortIndicator(time_column, Qt.SortOrder.AscendingOrder)
    qtbot.waitUntil(lambda: not page.model.descending, timeout=5000)
    assert not arrow_points_down(header, time_column), "oldest first must show ▲"
