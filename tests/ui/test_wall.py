"""Wall mode: latest event large, previous ones as tiles, alarm banner, leaving, bounded state."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import make_summary
from tests.ui.test_alarms_ui import FakePlayer, now_ms, post


@pytest.fixture
def wall(rig: Any, qtbot: Any) -> Any:
    from gui.ui.alarms.center import AlarmCenter
    from gui.ui.wall import WallWindow

    rig.settings.wall_tiles = 4
    center = AlarmCenter(rig.bridge, rig.settings, player=FakePlayer())
    w = WallWindow(rig.bridge, rig.settings, center)
    qtbot.addWidget(w)
    w.resize(1280, 720)
    w.enter()
    yield w
    w.shutdown()


def test_latest_event_large_with_pictures_and_tiles(
    rig: Any, wall: Any, samples: Any, qtbot: Any
) -> None:
    base = now_ms()
    post(rig, samples, "employee_match", base)
    post(rig, samples, "stranger", base + 1)
    post(rig, samples, "blacklist", base + 2)
    qtbot.waitUntil(lambda: wall.name.text() == "Blacklisted Person")
    assert wall.kind.text() == "BLACKLIST"
    assert "0.88" in wall.score.text()
    qtbot.waitUntil(lambda: wall.scene.has_picture() and wall.registered.has_picture())
    assert wall.scene._shapes is not None and wall.scene._shapes.box is not None
    shown = [t.item.id if t.item else None for t in wall.tiles]
    assert shown[0] is not None and shown[1] is not None and shown[2:] == [None, None]
    assert wall.tiles[0].name.text() != ""
    # the blacklist hit raised an alarm: banner and count on the wall
    qtbot.waitUntil(lambda: wall.banner.isVisible())
    assert "BLACKLIST" in wall.banner.title.text()
    assert wall.alarm_count.text().endswith("2")  # the stranger alarms too


def test_tiles_stay_fixed_and_thumbnails_bounded(
    rig: Any, wall: Any, samples: Any, qtbot: Any
) -> None:
    tiles_before = list(wall.tiles)
    base = now_ms()
    for i in range(40):
        wall.on_event(
            make_summary(
                id=10_000 + i,
                received_at=base,
                timestamp=base + i,
                identity_id=f"p{i}",
                identity_name=f"Person {i}",
                person_type=1 + i % 5,
                score=0.9,
                ep_id="cam",
                ep_name="Gate",
            )
        )
    assert wall.tiles == tiles_before and len(wall.tiles) == 4
    assert wall.name.text() == "Person 39"
    assert [t.item.id for t in wall.tiles] == [10_038, 10_037, 10_036, 10_035]
    assert len(wall._recent) == 5 and len(wall._thumbs) <= 5
    qtbot.waitUntil(lambda: not wall._loading)


def test_an_event_the_wall_read_at_start_is_not_shown_twice_when_its_message_comes_late(
    rig: Any, samples: Any, qtbot: Any
) -> None:
    """The wall reads the newest events off the GUI thread when it opens; on a loaded
    machine the EventStored of an event committed before that read reaches the wall after
    the read's result. It is on the wall already: a second tile of the same face would
    stay there until newer events push it out."""
    from gui.ui.alarms.center import AlarmCenter
    from gui.ui.wall import WallWindow

    late: list[Any] = []
    rig.bridge.event_stored.connect(late.append)
    base = now_ms()
    post(rig, samples, "employee_match", base)
    # a second employee, not a stranger: no alarm takes the big panel, the latest event does
    post(rig, samples, "employee_match", base + 1, identity_id="E-2", identity_name="Li Na")
    qtbot.waitUntil(lambda: len(late) == 2, timeout=5000)
    rig.bridge.event_stored.disconnect(late.append)
    rig.settings.wall_tiles = 4
    w = WallWindow(
        rig.bridge, rig.settings, AlarmCenter(rig.bridge, rig.settings, player=FakePlayer())
    )
    qtbot.addWidget(w)
    w.resize(1280, 720)
    w.enter()
    first, newest = (m.summary.id for m in late)
    qtbot.waitUntil(lambda: w.focus_id() == newest, timeout=5000)
    for message in late:  # both messages, after the read
        rig.bridge.event_stored.emit(message)
        assert w.focus_id() == newest  # an older face never takes the big panel back
    assert [t.item.id if t.item else None for t in w.tiles] == [first, None, None, None]
    assert [i.id for i in w._recent] == [newest, first]
    qtbot.waitUntil(lambda: not w._loading, timeout=5000)
    w.shutdown()


def test_self_test_events_do_not_reach_the_wall(rig: Any, wall: Any, qtbot: Any) -> None:
    wall.on_event(make_summary(identity_id="t", identity_name="Test", self_test=True))
    assert wall.name.text() != "Test"


def test_escape_leaves_and_space_acknowledges(
    rig: Any, wall: Any, samples: Any, qtbot: Any
) -> None:
    from PySide6.QtCore import Qt

    from gui.core import alarms

    post(rig, samples, "blacklist")
    qtbot.waitUntil(lambda: wall.center.open_count == 1)
    qtbot.keyClick(wall, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: wall.center.open_count == 0)
    (alarm,) = rig.receiver.store.read_sync(lambda c: alarms.list_alarms(c))
    assert alarm.state == "acked" and alarm.acked_by
    with qtbot.waitSignal(wall.left, timeout=2000):
        qtbot.keyClick(wall, Qt.Key.Key_Escape)
    assert not wall.isVisible()


def test_cursor_hides_after_idle_and_errors_go_to_the_status_line(wall: Any, qtbot: Any) -> None:
    import logging

    wall._cursor_timer.setInterval(50)
    wall._cursor_timer.start()
    qtbot.waitUntil(lambda: wall.cursor_hidden)
    logging.getLogger("gui.test").error("disk is full")
    qtbot.waitUntil(lambda: "disk is full" in wall.status.text())


def test_remembers_the_chosen_screen(wall: Any) -> None:
    wall.leave()
    wall.enter(0)
    assert wall.settings.wall_screen == 0


def test_crop_keeps_the_face_inside_at_the_view_aspect() -> None:
    from PySide6.QtCore import QSize

    from gui.ui.wall import crop_rect

    rect = crop_rect(QSize(1920, 1080), (900.0, 400.0, 1000.0, 520.0), 4 / 3)
    assert (
        rect.left() <= 900 and rect.right() >= 1000 and rect.top() <= 400 and rect.bottom() >= 520
    )
    assert abs(rect.width() / rect.height() - 4 / 3) < 0.02
    whole = crop_rect(QSize(640, 480), None, 2.0)
    assert (whole.width(), whole.height()) == (640, 480)


def test_covers_the_whole_screen_even_without_a_window_manager(wall: Any) -> None:
    """Full screen is only a request to the window manager; a kiosk session has none."""
    from unittest import mock

    wall.leave()
    wall.showNormal()
    wall.resize(400, 300)
    wall.hide()
    wall.settings.wall_screen = -1
    with mock.patch.object(type(wall), "showFullScreen", lambda self: self.show()):
        wall.enter()
    assert wall.size() == wall.screen().geometry().size()


def test_wall_shows_the_score_with_the_boxs_threshold(rig: Any, wall: Any, qtbot: Any) -> None:
    """Issue 13: the wall's score is in the box's scale with the threshold it uses."""
    from tests.core import firmware_payloads as P

    reply = rig.client.post_json("/EventServer/api/RealTimeEvent", P.v6_ws(now_ms()))
    assert reply.status == 200, reply.body[:300]
    qtbot.waitUntil(lambda: "82.05" in wall.score.text())
    assert wall.score.text().endswith("82.05 / 100 (≥82)")
