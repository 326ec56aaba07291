"""Long names, camera ids and box names never widen anything: cut with "…", whole on hover."""

from __future__ import annotations

from PySide6.QtCore import QSize

from gui.ui import plain
from tests.journeys.harness import App, alarms_of, fresh, menu_action, press, settle, until

LONG_NAME = "Wolfeschlegelsteinhausenbergerdorff<b>" + "x" * 260
LONG_CAMERA = "North-gate-turnstile-camera-" + "7" * 200
LONG_BOX = "SE5-" + "F" * 180


def long_event(name: str = "blacklist") -> dict:
    event = fresh(name, identity_name=LONG_NAME, dev_sno=LONG_BOX)
    event["ep_info"] = {**event["ep_info"], "ep_name": LONG_CAMERA, "ep_id": LONG_CAMERA}
    return event


def test_long_text_is_elided_in_the_window_and_on_the_wall(app: App) -> None:
    window = app.window

    async def journey() -> None:
        window.resize(QSize(1280, 650))
        event_id = await app.post(long_event())
        await until(lambda: window.detail.event_id == event_id, what="the event in the detail")
        await until(lambda: window.detail.name_label.text() == LONG_NAME, what="the name")
        await settle(0.3)
        assert window.width() == 1280  # nothing pushed the window wider
        assert window.minimumSizeHint().width() <= 1280
        header = window.detail.name_label
        assert header.elided and header.shown_text().endswith("…")
        assert header.toolTip() == plain.tooltip(LONG_NAME)  # shown literally on hover
        banner = alarms_of(window).banner
        await until(banner.isVisible, what="the alarm banner")
        assert banner.detail.elided and banner.detail.shown_text().endswith("…")
        assert banner.button.isVisible() and banner.button.geometry().right() <= banner.width()

        press(menu_action(window, "alarms", "Wall mode"))
        wall = await until(lambda: alarms_of(window).wall, what="the wall")
        wall.setGeometry(0, 0, 1280, 720)
        for _ in range(2):
            await app.post(long_event("employee_match"))
        await app.post(fresh("employee_match"))
        await until(lambda: all(t.item is not None for t in wall.tiles[:3]), what="tiles")
        await settle(0.3)
        widths = [t.width() for t in wall.tiles]
        assert max(widths) - min(widths) <= 1, widths
        long_tiles = [t for t in wall.tiles if t.item is not None and t.item.name == LONG_NAME]
        assert long_tiles
        for tile in long_tiles:
            assert tile.name.elided and tile.name.toolTip() == plain.tooltip(LONG_NAME)
            assert tile.meta.elided
        assert wall.name.elided  # the alarm's person, in the big panel
        assert wall.width() == 1280
        wall.leave()

    app.run(journey)
