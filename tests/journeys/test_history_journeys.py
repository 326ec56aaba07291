"""History and Statistics in the running app: live, counted, readable."""

from __future__ import annotations

import re
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from tests.journeys.harness import App, fresh, until


def open_tab(app: App, key: str) -> Any:
    """Click the page's tab, as a user does."""
    window = app.window
    page = window.page(key)
    bar = window.tabs.tabBar()
    rect = bar.tabRect(window.tabs.indexOf(page))
    QTest.mouseClick(bar, Qt.MouseButton.LeftButton, pos=rect.center())
    return page


def cell(page: Any, row: int, column: str) -> str:
    from gui.ui.history.model import COLUMNS

    return str(page.model.index(row, COLUMNS.index(column)).data())


def test_history_counts_and_reads_plainly(app: App) -> None:
    async def journey() -> None:
        await app.post(fresh("employee_match"))
        await app.post(fresh("blacklist"))
        page = open_tab(app, "history")
        await until(lambda: page.model.rowCount() == 2, what="the events in History")
        await until(lambda: page.count_label.text() == "2 events", what="the count")
        assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", cell(page, 0, "time"))
        assert cell(page, 0, "score").startswith("0.88")  # two decimals, the box's scale
        assert cell(page, 1, "score").startswith("0.93")
        await until(lambda: page.device.findData("gate-2") >= 0, what="the camera filter list")
        page.search.setText("张伟")
        await until(lambda: page.model.rowCount() == 1 and page.count_label.text() == "1 event",
                    what="the filtered list")  # fmt: skip
        page.search.setText("nobody-has-this-name")
        await until(lambda: page.count_label.text() == "0 events", what="the empty count")

    app.run(journey)


def test_history_and_statistics_stay_live(app: App) -> None:
    from tests.journeys.harness import click

    def at(camera: str) -> dict[str, Any]:
        event = fresh("employee_match")
        event["ep_info"] = {**event["ep_info"], "ep_id": camera, "ep_name": camera}
        return event

    async def journey() -> None:
        await app.post(fresh("employee_match"))
        page = open_tab(app, "history")
        await until(lambda: page.model.rowCount() == 1, what="the first event")
        # At the top of the newest-first list: a new event (new camera) just appears,
        # and its camera joins the filter list.
        await app.post(at("gate-9"))
        await until(lambda: page.model.rowCount() == 2, what="the new event in the list")
        await until(lambda: page.device.findData("gate-9") >= 0, what="the new camera listed")
        assert not page.new_bar.isVisible()
        # Reading a row: the list stays put and says what arrived.
        page.table.selectRow(1)
        await app.post(at("gate-9"))
        await app.post(at("gate-9"))
        await until(page.new_bar.isVisible, what="the N new bar")
        assert page.new_label.text() == "2 new events since this list was loaded"
        assert page.model.rowCount() == 2
        click(page.new_button)
        await until(lambda: page.model.rowCount() == 4, what="the new events shown")
        assert not page.new_bar.isVisible()

        # Statistics refreshes itself.
        stats = open_tab(app, "stats")
        await until(lambda: stats.summary.text() == "4 events", what="the statistics")
        await app.post(fresh("stranger"))
        await until(lambda: stats.summary.text() == "5 events", timeout=15,
                    what="the statistics to follow")  # fmt: skip

    app.run(journey, timeout=90)


def test_history_rows_show_face_thumbnails(app: App) -> None:
    from PySide6.QtGui import QPixmap

    from gui.ui.history.model import COLUMNS, THUMB_SIZE

    def face(row: int) -> Any:
        return page.model.index(row, COLUMNS.index("face")).data(Qt.ItemDataRole.DecorationRole)

    def loaded(row: int) -> bool:
        item = page.model.row_at(row)
        return item is not None and page.model.thumb_state(item.id) == "loaded"

    page: Any = None

    async def journey() -> None:
        nonlocal page
        first = await app.post(fresh("employee_match"))
        page = open_tab(app, "history")
        await until(lambda: page.model.rowCount() == 1, what="the first event")
        # The table paints the face column itself (the view asks for the picture);
        # the picture is read off the GUI thread and then painted in its cell.
        await until(lambda: loaded(0), what="the first row's thumbnail")
        thumb = face(0)
        assert isinstance(thumb, QPixmap) and not thumb.isNull()
        assert thumb is not page.model.placeholder()
        assert max(thumb.deviceIndependentSize().width(),
                   thumb.deviceIndependentSize().height()) <= THUMB_SIZE + 0.5  # fmt: skip
        assert page.model.row_at(0).id == first

        # A new arrival: its row shows a thumbnail too, loaded while the table is shown.
        second = await app.post(fresh("blacklist"))
        await until(lambda: page.model.rowCount() == 2, what="the new event in the list")
        assert page.model.row_at(0).id == second
        await until(lambda: loaded(0) and loaded(1), what="both rows' thumbnails")
        assert all(isinstance(face(r), QPixmap) and not face(r).isNull() for r in range(2))
        assert page.model.headerData(COLUMNS.index("face"), Qt.Orientation.Horizontal,
                                     Qt.ItemDataRole.DisplayRole) == "Face"  # fmt: skip

    app.run(journey)
