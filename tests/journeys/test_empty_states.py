"""Empty pages say what to do."""

from __future__ import annotations

from tests.journeys.harness import App, alarms_of, click, fresh, until


def test_live_page_before_the_first_event_says_what_to_type(app: App) -> None:
    window = app.window

    async def journey() -> None:
        feed = window.feed
        window.show_page("live")  # (the very first start opens the Connect page)
        await until(feed.empty.isVisible, what="the empty state")
        assert feed.empty_title.text() == "Waiting for boxes"
        url = feed.empty_url.text()
        assert url.startswith("http://")
        assert url.endswith(f":{app.port}/EventServer/api/HistoryEvent")
        assert not feed.view.isVisible()
        click(feed.connect_button)
        connect = window.page("connect")
        await until(connect.isVisible, what="the Connect page")
        window.show_page("live")
        await app.post(fresh("employee_match"))
        await until(feed.view.isVisible, what="the feed once an event is in")
        assert not feed.empty.isVisible()

    app.run(journey)


def test_alarms_page_empty_then_double_click_opens_without_acknowledging(app: App) -> None:
    from PySide6.QtCore import QPoint

    from tests.journeys.harness import double_click

    window = app.window

    async def journey() -> None:
        page = window.page("alarms")
        window.show_page("alarms")
        await until(page.empty.isVisible, what="the empty alarms page")
        assert page.empty.text() == "No open alarms"
        event_id = await app.post(fresh("blacklist"))
        await until(lambda: page.model.rowCount() == 1, what="the alarm in the list")
        assert not page.empty.isVisible()
        rect = page.view.visualRect(page.model.index(0, 1))
        double_click(page.view.viewport(), QPoint(rect.center()))
        await until(lambda: window.tabs.currentWidget() is window.page("live"),
                    what="the alarm's event opened")  # fmt: skip
        assert window.detail.event_id == event_id
        assert alarms_of(window).center.open_count == 1  # opened, not acknowledged

    app.run(journey)


def test_empty_requests_page_says_what_to_do_and_tells_filters_from_no_traffic(app: App) -> None:
    window = app.window

    async def journey() -> None:
        page = window.page("requests")
        window.show_page("requests")
        await until(page.empty.isVisible, what="the empty Requests page")
        assert page.empty.title.text() == "No requests yet"
        assert "Send test event" in page.empty.text.text()
        text = page.empty.text  # wrapped over lines, all of them shown (not squashed into one)
        assert text.height() >= text.heightForWidth(text.width()) > text.fontMetrics().height()
        assert not page.table.isVisible()
        await app.post(fresh("employee_match"))
        await until(page.table.isVisible, what="the request in the list")
        assert page.model.rowCount() == 1 and not page.empty.isVisible()
        # A filter that matches nothing says so, not "no requests yet".
        page.status_filter.setCurrentIndex(page.status_filter.findData("404"))
        await until(page.empty.isVisible, what="the empty filtered list")
        assert page.empty.title.text() == "No request matches these filters"
        page.status_filter.setCurrentIndex(0)
        await until(page.table.isVisible, what="the list back")

    app.run(journey)


def test_empty_devices_page_says_what_to_do(app: App) -> None:
    window = app.window

    async def journey() -> None:
        page = window.page("devices")
        window.show_page("devices")
        await until(page.empty.isVisible, what="the empty Devices page")
        assert page.empty.title.text() == "No devices yet"
        assert "Connect" in page.empty.text.text()
        assert not page.table.isVisible()
        await app.post(fresh("employee_match"))
        await until(page.table.isVisible, timeout=15, what="the box in the list")
        assert page.model.rowCount() >= 1 and not page.empty.isVisible()

    app.run(journey)
