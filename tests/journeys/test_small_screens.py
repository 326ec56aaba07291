"""The window and the wall on the screens guard rooms have: 1280×720 and 1366×768."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QSize, Qt

from tests.journeys.harness import (
    App,
    alarms_of,
    fresh,
    menu_action,
    press,
    settle,
    shown_whole,
    until,
)

SCREENS = [(1280, 720), (1366, 768)]
#: A taskbar and a title bar take this much of the screen's height from a window.
TASKBAR, TITLE_BAR = 40, 30


def test_first_start_size_comes_from_the_screen(app: App) -> None:
    from gui.ui.main_window import default_size

    assert default_size(QSize(1280, 680)) == QSize(1177, 625)
    assert default_size(QSize(2560, 1400)) == QSize(1400, 860)
    # This (virtual) screen is 800 high: the window opened inside it.
    room = app.window.screen().availableGeometry()
    assert room.height() < 860
    assert app.window.height() <= room.height()
    assert app.window.width() <= max(room.width(), app.window.minimumSizeHint().width())


@pytest.mark.parametrize("screen", SCREENS, ids=lambda s: f"{s[0]}x{s[1]}")
def test_main_window_fits_with_an_alarm_showing(app: App, screen: tuple[int, int]) -> None:
    window = app.window
    width, height = screen
    windowed = QSize(width, height - TASKBAR - TITLE_BAR)

    async def journey() -> None:
        await app.post(fresh("blacklist"))
        banner = alarms_of(window).banner
        await until(banner.isVisible, what="the alarm banner")
        hint = window.minimumSizeHint()
        assert hint.width() <= windowed.width() and hint.height() <= windowed.height(), hint
        for size in (windowed, QSize(width, height - TASKBAR)):  # windowed and maximised
            window.resize(size)
            await settle(0.2)
            assert window.size() == size
            for page in ("live", "history", "alarms", "connect", "requests", "devices", "stats"):
                window.show_page(page)
                await settle(0.15)
                where = f"{page} at {size.width()}x{size.height()}"
                assert shown_whole(banner.button, window), f"Acknowledge cut off on {where}"
                assert shown_whole(window.statusBar(), window), f"status bar cut off on {where}"
                assert shown_whole(window.counts_label, window), where
                assert shown_whole(window.state_label, window), where
            window.show_page("live")
            await settle(0.2)
            registered = window.detail.reg_tile.view
            assert shown_whole(registered, window) and registered.height() >= 50

    app.run(journey)


@pytest.mark.parametrize("screen", SCREENS, ids=lambda s: f"{s[0]}x{s[1]}")
def test_wall_fits_with_an_alarm_showing(app: App, screen: tuple[int, int]) -> None:
    from gui.ui.wall import WallWindow

    width, height = screen

    async def journey() -> None:
        press(menu_action(app.window, "alarms", "Wall mode"))
        wall: Any = await until(lambda: WallWindow and alarms_of(app.window).wall, what="the wall")
        await until(wall.isVisible, what="the wall on screen")
        wall.setGeometry(0, 0, width, height)
        await app.post(fresh("blacklist"))
        await until(wall.banner.isVisible, what="the alarm on the wall")
        await until(lambda: wall.registered.has_picture(), what="the registered photo")
        await settle(0.3)
        assert wall.size() == QSize(width, height)
        for part in (wall.clock, wall.alarm_count, wall.banner.button, wall.registered,
                     wall.scene, wall.name, wall.score, *wall.tiles):  # fmt: skip
            assert shown_whole(part, wall), part
        assert wall.registered.height() >= height // 4

    app.run(journey)


class TestHistoryColumnsAt1280:
    """History at 1280×720: Face, Time, Name, Id, Type and Score whole, in either language
    (Score was pushed partly out of view and read "0.8…")."""

    @pytest.fixture(params=["en", "zh_CN"])
    def app_settings(self, tmp_path: Any, request: pytest.FixtureRequest) -> Any:
        from gui.ui import i18n
        from tests.journeys.harness import make_settings

        yield make_settings(tmp_path, language=request.param)
        i18n.install("en")  # later tests expect the source language

    def test_default_columns_fit(self, app: App) -> None:
        from gui.ui.history.model import COLUMNS, SORTABLE

        window = app.window
        size = QSize(1280, 720 - TASKBAR - TITLE_BAR)

        async def journey() -> None:
            window.resize(size)
            await app.post(fresh("employee_match"))
            await app.post(fresh("blacklist", score=82.05))
            window.show_page("history")
            page = window.page("history")
            await until(lambda: page.model.rowCount() == 2, what="history rows")
            await settle(0.3)
            table = page.table
            header = table.horizontalHeader()
            room = table.viewport().width()
            metrics = table.fontMetrics()
            for name in ("face", "time", "name", "identity_id", "type", "score"):
                column = COLUMNS.index(name)
                right = header.sectionViewportPosition(column) + header.sectionSize(column)
                assert right <= room, f"{name} ends at {right}, the table shows {room}"
                title = page.model.headerData(column, Qt.Orientation.Horizontal)
                # The title (and the sort arrow of a sortable column) fits.
                arrow = 24 if name in SORTABLE else 12
                needed = header.fontMetrics().horizontalAdvance(title) + arrow
                assert needed <= header.sectionSize(column), name
                if name == "face":
                    continue
                for row in range(2):
                    text = str(page.model.index(row, column).data() or "")
                    needed = metrics.horizontalAdvance(text) + 12
                    assert needed <= header.sectionSize(column), (name, text)

        app.run(journey)
