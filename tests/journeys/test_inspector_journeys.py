"""The request inspector in the running app: every body viewable, Pause, filters."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontInfo
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractButton, QDialog

from tests.journeys.harness import (
    App,
    button,
    click,
    fresh,
    menu_action,
    press,
    settle,
    top_level,
    until,
)

REALTIME_PATH = "/EventServer/api/RealTimeEvent"


async def open_inspector(app: App) -> Any:
    press(menu_action(app.window, "tools", "Request inspector"))
    page = app.window.page("requests")
    await until(page.isVisible, what="the Requests page")
    return page


def click_row(page: Any, row: int) -> None:
    index = page.model.index(row, 0)
    page.table.scrollTo(index)
    rect = page.table.visualRect(index)
    QTest.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_accepted_body_is_viewable_with_photos_shortened(app: App) -> None:
    async def journey() -> None:
        page = await open_inspector(app)
        await app.post(fresh("employee_match"))
        await until(lambda: page.model.rows and page.model.rows[0]["status"] == 200,
                    what="the accepted request")  # fmt: skip
        click_row(page, 0)
        body = page.body_view
        await until(lambda: '"identity_id": "E-10086"' in body.toPlainText(),
                    what="the accepted body as pretty JSON")  # fmt: skip
        text = body.toPlainText()
        assert "<JPEG 1920×1080" in text or "<JPEG " in text
        assert "KB>" in text
        assert "Content-Type: application/json" in text  # the headers, above the body
        assert QFontInfo(body.font()).fixedPitch()  # JSON and headers line up
        # The shortened photo can be looked at.
        # A button added to a shown layout is shown on the next turn of the event loop.
        await until(lambda: any(b.text() == "View spot_pic" and b.isVisible()
                                for b in page.findChildren(QAbstractButton)),
                    what="the photo's View button")  # fmt: skip
        click(button(page, "View spot_pic"))
        dialog = await until(lambda: top_level(QDialog, "spot_pic"), what="the photo")
        dialog.close()

    app.run(journey)


def test_pause_keeps_rows_still_and_filters_by_status_and_source(app: App) -> None:
    async def journey() -> None:
        page = await open_inspector(app)
        await app.post(fresh("employee_match"))
        await until(lambda: len(page.model.rows) == 1, what="the first request")
        click(page.pause_button)
        await until(lambda: page.model.paused, what="paused")
        shown = [r["id"] for r in page.model.rows]
        for name in ("blacklist", "stranger", "employee_match"):
            await app.post(fresh(name), REALTIME_PATH)
        await until(lambda: page.pause_button.text() == "Paused — 3 new", what="the count")
        assert [r["id"] for r in page.model.rows] == shown  # nothing moved
        click(page.pause_button)
        await until(lambda: len(page.model.rows) == 4, what="the held rows")
        assert page.pause_button.text() == "Pause"
        assert page.model.rows[-1]["id"] == shown[0]

        # Filters: status, then source.
        assert app.box.request("POST", REALTIME_PATH, b"[]").status == 400
        await until(lambda: len(page.model.rows) == 5, what="the refused request")
        page.status_filter.setCurrentText("400")
        await until(lambda: [r["status"] for r in page.model.rows] == [400], what="400s only")
        page.status_filter.setCurrentIndex(0)
        await until(lambda: len(page.model.rows) == 5, what="all again")
        page.source_filter.setText("10.9.9.9")
        click(button(page, "Filter"))
        await until(lambda: page.model.rows == [] and not page.model._loading,
                    what="nothing from that source")  # fmt: skip
        page.source_filter.setText("127.0.0.1")
        click(button(page, "Filter"))
        await until(lambda: len(page.model.rows) == 5, what="this PC's requests")
        await settle(0.1)

    app.run(journey)


def test_a_big_batch_does_not_widen_the_window(app: App) -> None:
    from PySide6.QtCore import QSize

    from tests.journeys.harness import shown_whole

    window = app.window

    async def journey() -> None:
        window.resize(QSize(1280, 650))
        page = await open_inspector(app)
        batch = [fresh(name) for name in ("employee_match", "blacklist", "stranger") * 3]
        reply = app.box.post_json("/EventServer/api/HistoryEvent", batch)
        assert reply.status == 200
        await until(lambda: page.model.rows, what="the batch request")
        click_row(page, 0)
        await until(lambda: page.images_row.count() > 12, what="a button per picture")
        await settle(0.3)
        assert window.minimumSizeHint().width() <= 1280
        assert window.width() == 1280
        assert shown_whole(page.curl_button, window)
        assert shown_whole(page.pause_button, window)

    app.run(journey)
