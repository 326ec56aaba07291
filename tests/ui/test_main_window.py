"""The main window against a real receiver: rows from real HTTP posts, detail, API, shutdown."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from tests.conftest import ROOT, SAMPLE_NAMES, load_sample
from tests.ui.desktop_fixtures import detail_shows, post, show_in_detail, variant

SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"


def _names(model: Any) -> list[str]:
    return [model.index(i).data() for i in range(model.rowCount())]


def _select(window: Any, qtbot: Any, event_id: int) -> None:
    assert window.feed_model.row_of(event_id) is not None
    show_in_detail(window, qtbot, event_id)


def test_posted_samples_appear_newest_first_with_their_text(window, core, qtbot) -> None:
    for name in SAMPLE_NAMES:
        post(core, load_sample(name))
    qtbot.waitUntil(lambda: window.feed_model.rowCount() == 4, timeout=5000)
    assert _names(window.feed_model) == [
        "Stranger #2036.38",  # the protocol document's example, another stranger
        "Blacklisted Person",
        "Stranger #0100.38",
        "张伟",
    ]
    rows = [window.feed_model.row_at(i) for i in range(4)]
    assert [r.person_type for r in rows] == [4, 3, 4, 1]
    assert rows[3].device == "东门闸机 East gate"
    assert window.feed_model.index(3).data(window.feed_model.TypeWordRole) == "employee"


def test_detail_pane_shows_name_score_type_and_placeholders(window, core, qtbot) -> None:
    employee = post(core, load_sample("employee_match"))
    stranger = post(core, load_sample("stranger"))
    qtbot.waitUntil(lambda: window.feed_model.rowCount() == 2, timeout=5000)

    _select(window, qtbot, employee)
    d = window.detail
    assert d.name_label.text() == "张伟"
    assert d.fields["score"].text() == "0.93"
    assert d.type_badge.text().strip() == "employee"
    assert d.fields["device"].text() == "东门闸机 East gate"
    assert d.fields["skew"].text().startswith("+")  # received long after the box's time
    assert d.fields["attributes"].text() == "age: youth, gender: female, mask: no, glasses: no"
    assert d.scene.pixmap() is not None and d.scene.pixmap().width() > 0
    assert d.reg_tile.view.pixmap() is not None
    assert "<JPEG " in d.raw_text.toPlainText()
    assert "/9j/" not in d.raw_text.toPlainText()  # no base64 in the raw tab

    _select(window, qtbot, stranger)
    assert d.type_badge.text().strip() == "stranger"
    assert d.fields["action"].text().startswith("new stranger registered")
    assert d.reg_tile.view.pixmap() is None
    assert d.reg_tile.view.placeholder() == "no registered photo — stranger"
    assert d.ir_tile.view.placeholder() == "no IR photo"


def test_box_strings_are_plain_text(window, core, qtbot) -> None:
    evil = "<img src=x><b>bold</b>"
    event_id = post(core, variant("employee_match", identity_name=evil))
    qtbot.waitUntil(lambda: window.feed_model.rowCount() == 1, timeout=5000)
    assert window.feed_model.index(0).data() == evil
    tooltip = window.feed_model.index(0).data(Qt.ItemDataRole.ToolTipRole)
    assert "<img" not in tooltip and "&lt;img src=x&gt;" in tooltip
    _select(window, qtbot, event_id)
    for label in (window.detail.name_label, window.detail.fields["name"]):
        assert label.textFormat() == Qt.TextFormat.PlainText
        assert label.text() == evil
    # Every label of the detail pane is plain text (box strings land in many of them).
    rich = [
        lbl.objectName() or lbl.text()
        for lbl in window.detail.findChildren(QLabel)
        if lbl.textFormat() != Qt.TextFormat.PlainText
    ]
    assert rich == []


def test_older_selection_is_not_yanked_and_new_indicator_counts(window, core, qtbot) -> None:
    ids = [post(core, variant("employee_match")) for _ in range(3)]
    qtbot.waitUntil(lambda: window.feed_model.rowCount() == 3, timeout=5000)
    _select(window, qtbot, ids[0])  # the oldest: the user is looking back
    assert not window.feed_model.following
    post(core, variant("stranger"))
    post(core, variant("blacklist"))
    qtbot.waitUntil(lambda: window.feed_model.pending == 2, timeout=5000)
    assert window.feed_model.rowCount() == 3
    assert window.detail.event_id == ids[0]
    current = window.feed.view.currentIndex()
    assert window.feed_model.row_at(current.row()).id == ids[0]
    assert window.feed.new_button.isVisible()
    assert "2" in window.feed.new_button.text()

    window.feed.new_button.click()
    qtbot.waitUntil(lambda: window.feed_model.rowCount() == 5, timeout=5000)
    assert window.feed_model.pending == 0
    assert not window.feed.new_button.isVisible()
    assert window.feed_model.row_at(0).name == "Blacklisted Person"


def test_following_selects_the_newest_event(window, core, qtbot) -> None:
    post(core, variant("employee_match"))
    qtbot.waitUntil(lambda: window.feed_model.rowCount() == 1, timeout=5000)
    newest = post(core, variant("blacklist"))
    qtbot.waitUntil(lambda: window.detail.event_id == newest, timeout=5000)
    assert window.feed.view.currentIndex().row() == 0


def test_show_event_and_page_menu_api(window, core, qtbot) -> None:
    first = post(core, variant("employee_match"))
    post(core, variant("stranger"))
    qtbot.waitUntil(lambda: window.feed_model.rowCount() == 2, timeout=5000)
    page = QWidget()
    window.add_page("history", "History", page)
    window.show_page("history")
    assert window.tabs.currentWidget() is page
    window.show_event(first)
    qtbot.waitUntil(lambda: detail_shows(window, first), timeout=10000)
    assert window.tabs.currentIndex() == 0
    assert window.feed_model.row_at(window.feed.view.currentIndex().row()).id == first
    tools = window.menu("tools")
    assert window.menu("tools") is tools
    extra = window.menu("alarms")  # unknown menus go before Help
    titles = [a.text() for a in window.menuBar().actions()]
    assert titles.index(extra.title()) < titles.index(window.menu("help").title())
    with pytest.raises(ValueError):
        window.add_page("history", "again", QWidget())


def test_screenshots_with_each_sample_selected(window, core, qtbot) -> None:
    """Saved for people to look at (test-artifacts/screenshots/), one per sample."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    ids = {name: post(core, load_sample(name)) for name in SAMPLE_NAMES}
    qtbot.waitUntil(lambda: window.feed_model.rowCount() == len(ids), timeout=5000)
    for name, event_id in ids.items():
        _select(window, qtbot, event_id)
        qtbot.waitUntil(lambda: window.feed_model.thumb_cache_size >= 3, timeout=5000)
        qtbot.wait(50)
        path = SCREENSHOTS / f"main_window_{name}.png"
        assert window.grab().save(str(path))
        assert path.stat().st_size > 10_000


def test_port_in_use_keeps_the_window_and_relisten_fixes_it(qtbot, tmp_path: Path) -> None:
    from gui.core.receiver import free_port
    from gui.ui import app as app_mod
    from gui.ui.bridge import CoreBridge
    from gui.ui.dialogs.settings import relisten
    from tests.ui.desktop_fixtures import make_settings

    blocker = socket.socket()
    blocker.bind(("127.0.0.1", 0))
    blocker.listen()
    taken = blocker.getsockname()[1]
    settings = make_settings(tmp_path)
    settings.port = taken
    thread = app_mod.build_receiver(settings)
    bridge = CoreBridge(thread)
    try:
        error = app_mod.start_receiver(thread)
        assert error is not None and "in use" in str(error)
        w = app_mod.create_main_window(settings, thread, start_error=error, bridge=bridge)
        qtbot.addWidget(w)
        w.show()
        assert w.state_label.text() == f"Port {taken} in use"
        assert w.what_button.isVisible()
        assert thread.alive  # the store stays open: history still readable

        new_port = free_port()
        relisten(w, "127.0.0.1", new_port).result(5)
        qtbot.waitUntil(lambda: w.state_label.text() == "Listening", timeout=5000)
        assert str(new_port) in w.listen_label.text() or "127.0.0.1" in w.listen_label.text()
        from tests.conftest import Client

        reply = Client(new_port).post_json("/EventServer/api/HistoryEvent", variant("stranger"))
        assert reply.status == 200
        qtbot.waitUntil(lambda: w.feed_model.rowCount() == 1, timeout=5000)
        w.close()
    finally:
        blocker.close()
        thread.stop(5)
        bridge.close()


def test_window_with_every_feature_installed(qtbot, core) -> None:
    """The pages other features add must not break the window (smoke test)."""
    from gui.ui.app import create_main_window

    w = create_main_window(core.settings, core.thread, bridge=core.bridge)
    qtbot.addWidget(w)
    w.show()
    post(core, variant("blacklist"))
    qtbot.waitUntil(lambda: w.feed_model.rowCount() == 1, timeout=5000)
    assert w.tabs.tabText(0) == "Live"
    w.close()


def test_help_menu_has_about_and_log_folder(window, qtbot) -> None:
    from gui.ui.dialogs.about import AboutDialog

    texts = [a.text() for a in window.menu("help").actions()]
    assert "&About Gatewatch" in texts and "Open &log folder" in texts
    window.menu_actions["about"].trigger()
    dialogs = [w for w in window.findChildren(AboutDialog)]
    assert dialogs and dialogs[0].isVisible()
    dialogs[0].close()


def test_view_menu_toggles_layout_and_overlays(window) -> None:
    from PySide6.QtCore import Qt as QtNs

    window.menu_actions["stacked"].setChecked(True)
    assert window.live_splitter.orientation() == QtNs.Orientation.Vertical
    assert window.settings.layout == "stacked"
    window.menu_actions["stacked"].setChecked(False)
    assert window.live_splitter.orientation() == QtNs.Orientation.Horizontal
    window.menu_actions["overlays"].setChecked(False)
    assert not window.detail.scene.overlays_visible
    assert window.settings.overlays is False
    window.menu_actions["overlays"].setChecked(True)
    assert window.detail.scene.overlays_visible


def test_scrolling_to_the_bottom_fetches_older_pages(window, core, qtbot, monkeypatch) -> None:
    from gui.ui.models import feed as feed_mod

    monkeypatch.setattr(feed_mod, "PAGE_SIZE", 4)
    for _ in range(30):
        post(core, variant("employee_match"))
    with qtbot.waitSignal(window.feed_model.loaded, timeout=5000):
        window.feed_model.reload()
    assert window.feed_model.rowCount() == 4
    window.resize(1400, 400)
    bar = window.feed.view.verticalScrollBar()
    for _ in range(10):
        qtbot.wait(50)
        bar.setValue(bar.maximum())
        if window.feed_model.rowCount() >= 12:
            break
    assert window.feed_model.rowCount() >= 12


def test_double_click_opens_the_scene_full_size(window, core, qtbot) -> None:
    from PySide6.QtCore import QPointF
    from PySide6.QtGui import QMouseEvent

    from gui.ui.views.photo_view import FullSizeDialog

    event_id = post(core, load_sample("employee_match"))
    window.show_event(event_id)
    qtbot.waitUntil(lambda: detail_shows(window, event_id), timeout=10000)
    scene = window.detail.scene
    centre = QPointF(scene.width() / 2, scene.height() / 2)
    click = QMouseEvent(
        QMouseEvent.Type.MouseButtonDblClick, centre, centre, Qt.MouseButton.LeftButton,
        Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
    )  # fmt: skip
    scene.mouseDoubleClickEvent(click)
    dialogs = window.findChildren(FullSizeDialog)
    assert len(dialogs) == 1
    qtbot.waitExposed(dialogs[0])
    view = dialogs[0].view
    # Opens fitted: the whole picture in view (1:1 showed a corner of a 1920×1080 scene).
    size = view.picture_size()
    assert view.scale < 1.0
    assert view.width() >= size.width() * view.scale - 1
    assert view.height() >= size.height() * view.scale - 1
    assert view.shapes() is scene.shapes()
    dialogs[0].close()


def test_status_bar_counts_today_once_each(core, qtbot) -> None:
    from gui.ui.app import create_main_window

    post(core, variant("employee_match"))
    post(core, variant("stranger"))
    w = create_main_window(core.settings, core.thread, bridge=core.bridge, install_features=False)
    qtbot.addWidget(w)
    w.show()
    post(core, variant("blacklist"))  # may race the window's own count of today
    qtbot.waitUntil(lambda: w.feed_model.rowCount() == 3, timeout=5000)
    qtbot.waitUntil(lambda: w._early_ids is None, timeout=5000)
    w._update_counts()
    text = w.counts_label.text()
    assert text.startswith("Today: 3 "), text
    assert "Last minute: 1" in text  # only what arrived while the window was open
    w.close()


def test_an_event_counted_by_the_query_is_not_counted_again_when_its_message_comes_late(
    core, qtbot
) -> None:
    """The window's count of today is read off the GUI thread; the EventStored of an
    event committed before that read can reach the window after its result (a loaded
    machine): that event is in the read's count already and must not be added again."""
    from gui.ui.app import create_main_window

    late: list[Any] = []
    core.bridge.event_stored.connect(late.append)
    for name in ("employee_match", "stranger", "blacklist"):
        post(core, variant(name))
    qtbot.waitUntil(lambda: len(late) == 3, timeout=5000)
    core.bridge.event_stored.disconnect(late.append)
    w = create_main_window(core.settings, core.thread, bridge=core.bridge, install_features=False)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w._early_ids is None, timeout=5000)
    core.bridge.event_stored.emit(late[-1])  # the blacklist hit's message, after the read
    w._update_counts()
    text = w.counts_label.text()
    assert text.startswith("Today: 3 "), text
    post(core, variant("employee_match"))  # a new event is still counted
    qtbot.waitUntil(lambda: w.counts_label.text().startswith("Today: 4 "), timeout=5000)
    w.close()


def test_detail_pane_loads_one_event_at_a_time_and_ends_on_the_newest(
    window, core, qtbot, monkeypatch
) -> None:
    """Asked for event after event while a load runs (a busy feed being followed), the pane
    reads and decodes only the newest wish once the running load ends, not every one."""
    from gui.ui.views import detail_pane

    ids = [post(core, variant(name)) for name in SAMPLE_NAMES]
    qtbot.waitUntil(lambda: window.feed_model.rowCount() == len(ids), timeout=5000)
    qtbot.waitUntil(lambda: not window.detail._loading, timeout=5000)
    loads: list[int] = []
    load = detail_pane.load_detail
    monkeypatch.setattr(
        detail_pane, "load_detail", lambda r, i, s=None: loads.append(i) or load(r, i, s)
    )
    shown: list[int] = []
    window.detail.event_shown.connect(shown.append)
    for event_id in ids:
        window.detail.show_event(event_id)
    qtbot.waitUntil(lambda: shown == [ids[-1]], timeout=5000)
    qtbot.wait(200)
    assert loads == [ids[0], ids[-1]]
    assert shown == [ids[-1]]
    assert window.detail.name_label.text() == window.feed_model.index(0).data()


def test_following_shows_a_lone_event_at_once(window, core, qtbot) -> None:
    """After a quiet spell the newest event goes to the detail pane as it arrives (it
    waited half a second before)."""
    first = post(core, variant("employee_match"))
    qtbot.waitUntil(lambda: window.feed_model.rowCount() == 1, timeout=5000)
    assert window.detail.event_id == first  # asked for with the insert, not later
    qtbot.waitUntil(lambda: window.detail.detail is not None, timeout=5000)


def test_following_a_busy_feed_updates_the_detail_pane_once_a_second(
    window, core, qtbot, monkeypatch
) -> None:
    """Each update lays out and paints the whole pane: a burst of arrivals is one
    update at once, then at most one per FOLLOW_DETAIL_MS, ending on the newest."""
    import itertools
    import time

    asked: list[tuple[float, int]] = []
    show = window.detail.show_event
    monkeypatch.setattr(
        window.detail, "show_event", lambda i: asked.append((time.monotonic(), i)) or show(i)
    )
    ids = []
    started = time.monotonic()
    while time.monotonic() < started + 2.5 or len(ids) < 8:  # arrivals, as fast as they go
        ids.append(post(core, variant("stranger")))
        qtbot.wait(20)
    burst = time.monotonic() - started
    qtbot.waitUntil(lambda: asked and asked[-1][1] == ids[-1], timeout=5000)
    gaps = [b - a for (a, _), (b, _) in itertools.pairwise(asked)]
    assert all(gap >= 0.9 for gap in gaps), gaps  # at most once a second
    # at once, then once a second, and once more after the last arrival
    assert len(asked) <= 2 + int(burst), (burst, asked)
    qtbot.waitUntil(lambda: window.detail.event_id == ids[-1], timeout=5000)
