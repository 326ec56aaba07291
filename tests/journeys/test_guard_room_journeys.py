"""Guard-room journeys in the running app: the wall during an alarm, the alarm sound."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from tests.journeys.harness import App, click, fresh, menu_action, press, settle, top_level, until


def test_wall_shows_the_person_who_raised_the_alarm(app: App) -> None:
    from gui.ui.wall import BACKGROUND, WallWindow

    window = app.window

    async def journey() -> None:
        press(menu_action(window, "alarms", "Wall mode"))
        wall = await until(lambda: top_level(WallWindow), what="the wall")
        assert "wall" in wall.windowTitle().lower()
        await app.post(fresh("blacklist"))
        await until(wall.banner.isVisible, what="the alarm banner on the wall")
        assert wall.flashing  # noticed across the room
        await until(lambda: wall.name.text() == "Blacklisted Person", what="the alarm's person")
        # Other people keep passing: the big panel stays on the alarm's person.
        for _ in range(3):
            await app.post(fresh("employee_match"))
        await until(lambda: wall.tiles[0].item is not None and wall.tiles[0].item.name == "张伟",
                    what="the newer events in the tiles")  # fmt: skip
        await settle(0.5)
        assert wall.name.text() == "Blacklisted Person"
        assert wall.kind.text() == "BLACKLIST"
        # As the box sends it, two decimals, in its scale ("0.88 / 1" for a 0–1 box).
        assert wall.score.text().startswith("score 0.88"), wall.score.text()
        assert wall.alarm_caption.isVisible()
        await until(lambda: wall.scene.has_picture() and wall.registered.has_picture(),
                    what="both photos of the alarm's event")  # fmt: skip
        assert wall.scene_caption.text() == "Captured" and wall.scene_caption.isVisible()
        assert wall.registered_caption.text() == "Registered photo"
        await until(lambda: not wall.flashing, timeout=10, what="the flashing to end")
        assert wall.palette().color(wall.backgroundRole()).name() == BACKGROUND.lower()
        # Acknowledged: the big panel goes back to whoever came last.
        click(wall.banner.button)
        await until(lambda: not wall.banner.isVisible(), what="the banner to go")
        await until(lambda: wall.name.text() == "张伟", what="the latest event back")
        assert not wall.alarm_caption.isVisible()
        QTest.keyClick(wall, Qt.Key.Key_Escape)
        await until(lambda: not wall.isVisible(), what="leaving the wall")

    app.run(journey)


def test_alarm_sound_can_be_tested_from_the_alarm_settings(app: App) -> None:
    from gui.ui.alarms.rules import AlarmRulesDialog

    window = app.window

    async def journey() -> None:
        press(menu_action(window, "alarms", "Alarm settings…"))
        dialog = await until(lambda: top_level(AlarmRulesDialog), what="the alarm settings")
        sound = dialog.sound
        click(dialog.test_sound_button)
        await until(dialog.sound_status.isVisible, what="what the test did")
        assert sound.player.is_playing()
        problem = getattr(sound.player, "problem", None)
        if problem:  # no loudspeaker here: the guard is told, not left wondering
            assert dialog.sound_status.text().startswith("Nothing will be heard")
        else:
            assert dialog.sound_status.text().startswith("Playing the alarm sound")
        await until(lambda: not sound.player.is_playing(), timeout=5, what="the test to end")
        dialog.reject()

    app.run(journey)
