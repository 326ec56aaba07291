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


def stranger_at(camera: str, n: int) -> dict:
    event = fresh("stranger", identity_id=f"17640{n:05d}.{n:04d}")
    event["ep_info"] = {**event["ep_info"], "ep_id": camera, "ep_name": camera}
    return event


def test_acknowledging_shows_what_it_did_and_can_be_undone(app: App) -> None:
    from tests.journeys.harness import click

    window = app.window

    async def journey() -> None:
        alarms = alarms_of(window)
        banner, toast, center = alarms.banner, alarms.ack_toast, alarms.center
        for n, camera in enumerate(("gate-1", "gate-2", "gate-3")):
            await app.post(stranger_at(camera, n))
        await until(lambda: center.open_count == 3, what="three stranger alarms")
        await until(banner.all_button.isVisible, what="Acknowledge all like this")
        assert banner.all_button.text() == "Acknowledge all 3 like this"
        # One alarm: explicit button, visible feedback naming what was acknowledged.
        shown = banner.alarm
        assert shown is not None
        click(banner.button)
        await until(toast.isVisible, what="the acknowledgement feedback")
        assert toast.text.text().startswith("✓ Acknowledged by ")
        assert "Stranger #" in toast.text.text()
        assert center.open_count == 2
        # Undo brings it back.
        click(toast.undo_button)
        await until(lambda: center.open_count == 3, what="the alarm open again")
        await until(lambda: toast.text.text().startswith("Undone"), what="the undo feedback")
        assert not toast.undo_button.isVisible()
        # The whole flood in one press.
        await until(lambda: banner.all_button.isVisible() and "3" in banner.all_button.text(),
                    what="the bulk button back")  # fmt: skip
        click(banner.all_button)
        await until(lambda: center.open_count == 0, what="every stranger acknowledged")
        await until(lambda: toast.text.text().startswith("✓ 3 alarms acknowledged"),
                    what="the bulk feedback")  # fmt: skip
        assert not banner.isVisible()
        click(toast.undo_button)
        await until(lambda: center.open_count == 3, what="all three open again")

    app.run(journey)


def test_blacklist_alarms_are_never_offered_in_bulk(app: App) -> None:
    window = app.window

    async def journey() -> None:
        banner = alarms_of(window).banner
        first = fresh("blacklist")
        second = fresh("blacklist", identity_id="B-0008", identity_name="Another Person")
        await app.post(first)
        await app.post(second)
        await until(lambda: alarms_of(window).center.open_count == 2, what="two blacklist alarms")
        await until(banner.isVisible, what="the banner")
        assert not banner.all_button.isVisible()

    app.run(journey)


def test_stranger_rule_per_camera_and_time_of_day(app: App) -> None:
    import datetime as dt

    from PySide6.QtWidgets import QDialogButtonBox

    from gui.ui.alarms.rules import AlarmRulesDialog
    from tests.journeys.harness import menu_action, press, settle, top_level

    window = app.window
    now = dt.datetime.now()

    def hhmm(minutes_from_now: int) -> str:
        return (now + dt.timedelta(minutes=minutes_from_now)).strftime("%H:%M")

    async def set_rules(text: str) -> None:
        press(menu_action(window, "alarms", "Alarm settings…"))
        dialog = await until(lambda: top_level(AlarmRulesDialog), what="the alarm settings")
        dialog.stranger_rules.setPlainText(text)
        assert dialog.stranger_rules_status.text().startswith("Strangers raise alarms only")
        dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()
        await until(lambda: not dialog.isVisible(), what="the dialog to close")

    async def journey() -> None:
        center = alarms_of(window).center
        # Night watch at gate-1 only: now is outside the window, and gate-2 has no rule.
        await set_rules(f"gate-1 {hhmm(120)}-{hhmm(180)}")
        await app.post(stranger_at("gate-1", 1))
        await app.post(stranger_at("gate-2", 2))
        await settle(1.0)
        assert center.open_count == 0
        # Now inside the window at gate-1: that camera alarms, gate-2 still does not.
        await set_rules(f"gate-1 {hhmm(-60)}-{hhmm(60)}")
        await app.post(stranger_at("gate-2", 3))
        await app.post(stranger_at("gate-1", 4))
        await until(lambda: center.open_count == 1, what="the gate-1 stranger's alarm")
        await settle(0.5)
        (alarm,) = center.open_alarms()
        assert alarm.ep_id == "gate-1"
        # Blacklist hits are not affected by stranger rules.
        await app.post(fresh("blacklist"))
        await until(lambda: center.open_count == 2, what="the blacklist alarm")

    app.run(journey)


def test_alarm_rules_apply_as_ok_is_pressed(app: App) -> None:
    """A stranger stored the moment after OK meets the new rules.

    The dialog runs in a nested loop (``exec``); applying only once it had unwound let
    an event reach the receiver between OK and the rules taking effect (a stress-run
    flake of the test above).
    """
    from PySide6.QtWidgets import QDialogButtonBox

    from gui.ui.alarms.rules import AlarmRulesDialog
    from tests.journeys.harness import menu_action, press, top_level

    window = app.window

    async def journey() -> None:
        assert list(app.settings.alarm_stranger_rules or []) == []
        press(menu_action(window, "alarms", "Alarm settings…"))
        dialog = await until(lambda: top_level(AlarmRulesDialog), what="the alarm settings")
        dialog.stranger_rules.setPlainText("gate-1 01:00-02:00")
        dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()
        # No await in between: the loop has not turned since OK was pressed.
        assert list(app.settings.alarm_stranger_rules) == ["gate-1 01:00-02:00"]
        await until(lambda: not dialog.isVisible(), what="the dialog to close")

    app.run(journey)
