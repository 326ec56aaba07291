"""The desktop side of alarms: banner, sound (faked player), acknowledgement, list page."""

from __future__ import annotations

import copy
import json
import time
from typing import Any

import pytest

from gui.core import alarms


class FakePlayer:
    """Stands in for QSoundEffect: records what it was asked to do."""

    def __init__(self) -> None:
        self.playing = False
        self.loops_started = 0
        self.volume: float | None = None

    def play_loop(self) -> None:
        self.playing = True
        self.loops_started += 1

    def stop(self) -> None:
        self.playing = False

    def set_volume(self, volume: float) -> None:
        self.volume = volume

    def is_playing(self) -> bool:
        return self.playing


def now_ms() -> int:
    return time.time_ns() // 1_000_000


def post(rig: Any, samples: Any, name: str, ts: int | None = None, **changes: Any) -> None:
    ev = copy.deepcopy(samples[name])
    ev["timestamp"] = now_ms() if ts is None else ts
    ev.pop("out_timestamp", None)
    ev.update(changes)
    reply = rig.client.post_json("/EventServer/api/RealTimeEvent", ev)
    assert reply.status == 200, reply.body


def stored(rig: Any) -> list[alarms.Alarm]:
    return rig.receiver.store.read_sync(lambda c: alarms.list_alarms(c))


def make_banner(center: Any, qtbot: Any) -> Any:
    """A banner inside a shown window, as it sits above a page."""
    from PySide6.QtWidgets import QVBoxLayout, QWidget

    from gui.ui.alarms.banner import AlarmBanner

    host = QWidget()
    qtbot.addWidget(host)
    banner = AlarmBanner(center, host)
    QVBoxLayout(host).addWidget(banner)
    host.show()
    banner.host = host  # keep the window alive as long as the test holds the banner
    return banner


@pytest.fixture
def center(rig: Any, qtbot: Any) -> Any:
    from gui.ui.alarms.center import AlarmCenter

    player = FakePlayer()
    c = AlarmCenter(rig.bridge, rig.settings, player=player)
    c.player = player  # type: ignore[attr-defined]
    return c


def test_blacklist_alarm_shows_banner_loops_sound_and_ack_stops_and_stores(
    rig: Any, center: Any, samples: Any, qtbot: Any
) -> None:
    banner = make_banner(center, qtbot)
    assert not banner.isVisible()
    post(rig, samples, "blacklist")
    qtbot.waitUntil(lambda: banner.isVisible())
    assert "BLACKLIST" in banner.title.text()
    assert "Blacklisted Person" in banner.detail.text()
    assert center.player.playing and center.player.loops_started == 1
    assert center.player.volume == pytest.approx(0.8)

    banner.setFocus()
    banner.note.setText("called security")
    banner.button.click()
    qtbot.waitUntil(lambda: not banner.isVisible())
    assert not center.player.playing
    (alarm,) = stored(rig)
    assert alarm.state == "acked" and alarm.acked_at is not None
    assert alarm.acked_by == alarms.default_operator(rig.settings)
    assert alarm.note == "called security"


def test_space_on_banner_acknowledges_and_queue_shows(
    rig: Any, center: Any, samples: Any, qtbot: Any
) -> None:
    from PySide6.QtCore import Qt

    banner = make_banner(center, qtbot)
    base = now_ms()
    post(rig, samples, "stranger", base)
    post(rig, samples, "blacklist", base + 1)
    qtbot.waitUntil(lambda: center.open_count == 2)
    assert "BLACKLIST" in banner.title.text()  # blacklist first
    assert banner.queue.isVisibleTo(banner) and "1" in banner.queue.text()
    qtbot.keyClick(banner, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: center.open_count == 1)
    assert "STRANGER" in banner.title.text()
    assert [a.state for a in stored(rig)] == ["acked", "open"]


def test_cooldown_folds_into_one_banner_with_count(
    rig: Any, center: Any, samples: Any, qtbot: Any
) -> None:
    banner = make_banner(center, qtbot)
    base = now_ms()
    for i in range(3):
        post(rig, samples, "blacklist", base + i)
    qtbot.waitUntil(lambda: "×3" in banner.detail.text())
    assert center.open_count == 1
    assert center.player.loops_started == 1


def test_late_alarm_is_shown_but_silent(rig: Any, center: Any, samples: Any, qtbot: Any) -> None:
    banner = make_banner(center, qtbot)
    post(rig, samples, "blacklist", now_ms() - 2 * 3600_000)
    qtbot.waitUntil(
        lambda: banner.isVisibleTo(banner.parentWidget() or banner) and center.open_count == 1
    )
    assert "LATE" in banner.title.text()
    assert not center.player.playing and center.player.loops_started == 0


def test_self_test_raises_no_banner(rig: Any, center: Any, samples: Any, qtbot: Any) -> None:
    ev = copy.deepcopy(samples["blacklist"])
    ev["timestamp"] = now_ms()
    body = json.dumps(ev).encode()
    rig.client.request(
        "POST", "/EventServer/api/RealTimeEvent", body,
        {"Content-Type": "application/json", "X-Gatewatch-Self-Test": "1"},
    )  # fmt: skip
    post(rig, samples, "employee_match")  # a later event: the self-test was handled before it
    with qtbot.waitSignal(rig.bridge.event_stored, timeout=5000, raising=False):
        pass
    qtbot.wait(200)
    assert center.open_count == 0 and stored(rig) == []
    assert not center.player.playing


def test_mute_silences_but_keeps_the_alarm(rig: Any, center: Any, samples: Any, qtbot: Any) -> None:
    post(rig, samples, "blacklist")
    qtbot.waitUntil(lambda: center.player.playing)
    center.sound.set_muted(True)
    assert not center.player.playing and center.open_count == 1
    center.sound.set_muted(False)
    assert center.player.playing


def test_open_alarms_are_loaded_at_start(rig: Any, samples: Any, qtbot: Any) -> None:
    from gui.ui.alarms.center import AlarmCenter

    post(rig, samples, "blacklist")
    qtbot.waitUntil(lambda: len(stored(rig)) == 1)
    player = FakePlayer()
    late_comer = AlarmCenter(rig.bridge, rig.settings, player=player)
    # read off the GUI thread: it arrives a moment later
    qtbot.waitUntil(lambda: late_comer.open_count == 1 and player.playing, timeout=5000)


def test_an_alarm_the_start_read_found_does_not_restart_the_sound_when_its_message_comes(
    rig: Any, samples: Any, qtbot: Any
) -> None:
    """The open alarms are read off the GUI thread at start; on a loaded machine an alarm
    raised just before that read reaches the window in the read's result first and its
    "raised" message after. The sound is already looping for it: starting it again would
    cut it off and begin anew, though it is still the one alarm. The raise is still told."""
    from gui.ui.alarms.center import AlarmCenter

    messages: list[Any] = []
    rig.bridge.alarm_changed.connect(messages.append)
    post(rig, samples, "blacklist")
    qtbot.waitUntil(lambda: len(messages) == 1, timeout=5000)
    rig.bridge.alarm_changed.disconnect(messages.append)
    player = FakePlayer()
    center = AlarmCenter(rig.bridge, rig.settings, player=player)
    qtbot.waitUntil(lambda: center.open_count == 1 and player.playing, timeout=5000)
    raised: list[Any] = []
    center.raised.connect(raised.append)
    rig.bridge.alarm_changed.emit(messages[0])  # the raise, after the read's result
    assert player.playing and player.loops_started == 1
    assert [a.id for a in raised] == [messages[0].alarm.id] and center.open_count == 1
    post(rig, samples, "blacklist", identity_id="B-other", identity_name="Another Person")
    qtbot.waitUntil(lambda: center.open_count == 2, timeout=5000)
    assert player.playing and player.loops_started == 2  # a new alarm starts it afresh


def test_twice_acknowledged_reports_instead_of_crashing(
    rig: Any, center: Any, samples: Any, qtbot: Any
) -> None:
    post(rig, samples, "blacklist")
    qtbot.waitUntil(lambda: center.open_count == 1)
    alarm_id = center.current().id
    center.acknowledge(alarm_id)
    qtbot.waitUntil(lambda: center.open_count == 0)
    with qtbot.waitSignal(center.ack_failed, timeout=5000) as blocker:
        center.acknowledge(alarm_id)
    assert "already" in blocker.args[0]


def test_main_window_gets_banner_page_and_wall(rig: Any, samples: Any, qtbot: Any) -> None:
    from gui.ui.alarms.install import AlarmsFeature
    from gui.ui.main_window import MainWindow

    window = MainWindow(rig.settings, rig.bridge)
    qtbot.addWidget(window)
    feature = window.feature(AlarmsFeature)
    assert feature is not None
    feature.center.sound.player = player = FakePlayer()
    window.show()
    assert window.page("alarms") is feature.page
    assert not feature.banner.isVisible()
    post(rig, samples, "blacklist")
    qtbot.waitUntil(lambda: feature.banner.isVisible())
    assert player.playing
    assert window.tabs.tabText(window.tabs.indexOf(feature.page)).endswith("(1)")
    qtbot.waitUntil(lambda: feature.page.model.rowCount() == 1)

    wall = feature.enter_wall(0)
    assert wall.isVisible() and rig.settings.wall_screen == 0
    qtbot.waitUntil(lambda: wall.banner.isVisible())
    wall.leave()
    assert feature.ack_action.shortcut().toString() == "Ctrl+Return"
    feature.ack_action.trigger()  # Alarms menu / Ctrl+Return, from any page
    qtbot.waitUntil(lambda: not feature.banner.isVisible())
    assert not player.playing
    window.close()


def test_page_bulk_acknowledges_strangers_but_not_blacklist(
    rig: Any, center: Any, samples: Any, qtbot: Any
) -> None:
    from PySide6.QtCore import QItemSelectionModel

    from gui.ui.alarms.page import AlarmsPage

    page = AlarmsPage(center, rig.settings)
    qtbot.addWidget(page)
    base = now_ms()
    post(rig, samples, "stranger", base)
    post(rig, samples, "stranger", base + 1, identity_id="face-2")
    post(rig, samples, "blacklist", base + 2)
    qtbot.waitUntil(lambda: page.model.rowCount() == 3)
    sel = page.view.selectionModel()
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    for row in range(3):
        sel.select(page.model.index(row, 0), flags)
    assert not page.ack_button.isEnabled()  # a blacklist alarm is in the selection
    sel.clearSelection()
    strangers = [r for r in range(3) if page.model.alarm_at(r).person_type == 4]
    for row in strangers:
        sel.select(page.model.index(row, 0), flags)
    assert page.ack_button.isEnabled()
    page.operator.setText("Shift B")
    page.acknowledge_selected()
    qtbot.waitUntil(lambda: center.open_count == 1)
    acked = [a for a in stored(rig) if a.state == "acked"]
    assert len(acked) == 2 and {a.acked_by for a in acked} == {"Shift B"}
    qtbot.waitUntil(lambda: page.model.rowCount() == 1)
    page.close_reader()


def test_tray_badge_notification_and_close_to_tray(
    rig: Any, center: Any, samples: Any, qtbot: Any, monkeypatch: Any
) -> None:
    from PySide6.QtWidgets import QSystemTrayIcon, QWidget

    from gui.ui import tray as tray_mod

    monkeypatch.setattr(QSystemTrayIcon, "isSystemTrayAvailable", staticmethod(lambda: True))
    messages: list[tuple[str, str]] = []
    monkeypatch.setattr(
        QSystemTrayIcon,
        "showMessage",
        lambda _self, title, text, *_a: messages.append((title, text)),
    )
    window = QWidget()
    qtbot.addWidget(window)
    rig.settings.close_to_tray = True
    tray = tray_mod.AlarmTray(window, center, rig.settings)
    assert tray.available
    plain = tray.icon.icon().pixmap(64).toImage()
    window.hide()  # nobody looking: a blacklist hit must notify
    post(rig, samples, "blacklist")
    qtbot.waitUntil(lambda: center.open_count == 1)
    assert messages and "BLACKLIST" in messages[-1][0]
    assert tray.icon.icon().pixmap(64).toImage() != plain  # the count badge
    assert "1 open alarm" in tray.icon.toolTip()

    window.show()
    assert window.close() is False  # close to tray: the close is refused, the window hidden
    assert not window.isVisible() and "Still receiving" in messages[-1][1]
    tray.quit()  # Quit from the tray menu really closes
    assert tray.quitting and not window.isVisible()
    tray.hide()


def test_rules_dialog_applies_live_to_the_core(
    rig: Any, center: Any, samples: Any, qtbot: Any
) -> None:
    from gui.ui.alarms.rules import AlarmRulesDialog

    dialog = AlarmRulesDialog(rig.settings)
    qtbot.addWidget(dialog)
    dialog.types[3].setChecked(False)  # no more blacklist alarms
    dialog.cooldown.setValue(5)
    dialog.volume.setValue(40)
    dialog.operator.setText("  Night shift ")
    changed = dialog.apply()
    assert rig.settings.alarm_person_types == [4]
    assert changed["alarm_cooldown_s"] == 5 and rig.settings.alarm_volume == pytest.approx(0.4)
    assert rig.settings.operator_name == "Night shift"
    assert "alarm_late_after_s" not in changed  # untouched fields stay as they were
    post(rig, samples, "blacklist")
    post(rig, samples, "stranger")
    qtbot.waitUntil(lambda: center.open_count == 1)
    assert center.current().person_type == 4


def test_page_shows_the_user_who_acknowledged_from_another_window(
    rig: Any, center: Any, samples: Any, qtbot: Any
) -> None:
    """An acknowledgement made over the API with a user's token (another guard room's
    window) appears in this window's trail under that user, not the name it claimed."""
    from gui.core import users
    from gui.ui.alarms.page import AlarmsPage

    page = AlarmsPage(center, rig.settings)
    qtbot.addWidget(page)
    page.state.setCurrentIndex(page.state.findData(None))  # "All"
    post(rig, samples, "blacklist")
    qtbot.waitUntil(lambda: page.model.rowCount() == 1)
    [alarm] = stored(rig)
    token = rig.receiver.store.write_sync(lambda c: users.add_user(c, "Gatehouse 2"))
    reply = rig.client.request(
        "POST", f"/api/alarms/{alarm.id}/ack", json.dumps({"by": "<b>someone</b>"}).encode(),
        {"Authorization": f"Bearer {token}", "X-Forwarded-For": "10.20.0.9",
         "Content-Type": "application/json"},
    )  # fmt: skip
    assert reply.status == 200, reply.body
    column = page.model.COLUMNS.index("acked_by")
    qtbot.waitUntil(
        lambda: (page.model.data(page.model.index(0, column)) or "").startswith("Gatehouse 2 · ")
    )
    page.close_reader()
