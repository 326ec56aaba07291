"""Readable numbers and lists: the "▲ N new" pill never covers a row; the stats axes read."""

from __future__ import annotations

from PySide6.QtCharts import QChart
from PySide6.QtCore import QPoint, QRect
from PySide6.QtGui import QFontMetricsF

from tests.journeys.harness import App, click, fresh, settle, until


def test_new_events_pill_never_covers_a_row_and_the_rows_stay_put(app: App) -> None:
    window = app.window

    async def journey() -> None:
        window.show_page("live")
        window.resize(1280, 720)
        for _ in range(25):
            await app.post(fresh("employee_match"))
        feed, view = window.feed, window.feed.view
        await until(lambda: window.feed_model.rowCount() == 25, what="the events in the feed")
        bar = view.verticalScrollBar()
        await until(lambda: bar.maximum() > 200, what="a feed long enough to scroll")
        bar.setValue(bar.maximum() // 2)  # the user looks at older rows
        await until(lambda: not window.feed_model.following, what="the feed to stop following")
        top_row = view.indexAt(QPoint(5, 5)).row()
        top_y = view.visualRect(view.model().index(top_row, 0)).y()
        row_on_screen = view.viewport().mapTo(window, QPoint(0, top_y)).y()
        for _ in range(2):  # (no alarm: its banner would move the whole page)
            await app.post(fresh("employee_match"))
        await until(feed.new_button.isVisible, what="the ▲ N new pill")
        # Both posts are answered; their announcements may reach the window a moment apart.
        await until(lambda: feed.new_button.text() == "▲ 2 new", what="the pill counting both")
        await settle(0.3)  # and no more than two
        assert feed.new_button.text() == "▲ 2 new"
        pill = QRect(feed.new_button.mapTo(window, QPoint(0, 0)), feed.new_button.size())
        rows = QRect(view.viewport().mapTo(window, QPoint(0, 0)), view.viewport().size())
        assert not pill.intersects(rows), (pill, rows)  # no row under the pill
        # ...and the row the user was reading did not move on the screen.
        y = view.visualRect(view.model().index(top_row, 0)).y()
        assert abs(view.viewport().mapTo(window, QPoint(0, y)).y() - row_on_screen) <= 2
        click(feed.new_button)
        await until(lambda: not feed.new_button.isVisible(), what="the pill to go")
        assert window.feed_model.rowCount() == 27

    app.run(journey)


#: QGraphicsTextItem::Type (PySide hides the enum; the items are private subclasses).
TEXT_ITEM = 8


def _label_widths_under_the_plot(chart: QChart) -> list[float]:
    """Widths of the texts a chart draws below its plot area (the x axis labels), as drawn.

    Qt Charts keeps its labels in private text items: their drawn width tells a
    whole "03" from one elided to "…" (or a hidden zero-width one).
    """
    bottom = chart.mapToScene(chart.plotArea().bottomLeft()).y()
    return [
        item.boundingRect().width()
        for item in chart.scene().items()
        if item.type() == TEXT_ITEM and item.isVisible()
        and item.sceneBoundingRect().top() >= bottom - 1
    ]  # fmt: skip


def test_strangers_by_hour_axis_shows_hour_labels(app: App) -> None:
    window = app.window

    async def journey() -> None:
        window.resize(1280, 720)
        for _ in range(3):
            await app.post(fresh("stranger"))
        page = window.page("stats")
        window.show_page("stats")
        await until(lambda: page.strangers_chart.axes(), what="the strangers chart")
        await settle(0.5)
        hours = page.strangers_chart.axes()[0]
        assert hours.categoriesLabels() == [f"{h:02d}" for h in range(0, 24, 3)]
        widths = _label_widths_under_the_plot(page.strangers_chart)
        whole = QFontMetricsF(hours.labelsFont()).horizontalAdvance("00")
        drawn_whole = [w for w in widths if w >= whole]
        assert len(drawn_whole) == 8, (widths, whole)  # 00, 03 … 21, none elided to "…"

    app.run(journey)
