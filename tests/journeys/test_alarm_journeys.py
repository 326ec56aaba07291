"""Alarm journeys in the running app: late alarms, acknowledging, undo, stranger rules."""

from __future__ import annotations

import time

from PySide6.QtCore import Qt

from tests.journeys.harness import App, alarms_of, fresh, until


def test_late_alarm_shows_when_seen_and_when_it_arrived_both_labelled(app: App) -> None:
    from gui.ui.views.words import format_ms

    window = app.window
    seen = int(time.time() * 1000) - 3 * 3600 * 1000  # the box sends it three hours late

    async def journey() -> None:
        banner = alarms_of(window).banner
        await app.post(fresh("blacklist", timestamp=seen))
        await until(banner.isVisible, what="the late alarm's banner")
        assert banner.title.text().startswith("LATE")
        text = banner.detail.text()
        assert f"seen {format_ms(seen, millis=False)}" in text, text
        alarm = banner.alarm
        assert alarm is not None and alarm.seen_at == seen
        assert f"arrived {format_ms(alarm.first_at, millis=False)}" in text, text
        # The alarms page: a "Seen" column beside the arrival columns.
        page = window.page("alarms")
        window.show_page("alarms")
        await until(lambda: page.model.rowCount() == 1, what="the alarm in the list")
        model = page.model
        columns = range(model.columnCount())
        header = [model.headerData(c, Qt.Orientation.Horizontal, 0) for c in columns]
        assert "Seen" in header and "First arrived" in header, header
        row = {h: model.index(0, c).data() for c, h in enumerate(header)}
        assert row["Seen"] == format_ms(seen, millis=False)
        assert row["First arrived"].startswith(format_ms(alarm.first_at, millis=False))

    app.run(journey)
