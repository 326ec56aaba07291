"""The detail pane's update stays cheap: pictures at the size shown, labels without documents."""

from __future__ import annotations

import threading
from typing import Any

from PySide6.QtCore import QPoint, QSize, Qt

from tests.conftest import load_sample
from tests.ui.desktop_fixtures import post, variant


def _show(window: Any, qtbot: Any, event_id: int) -> Any:
    with qtbot.waitSignal(
        window.detail.event_shown, timeout=5000, check_params_cb=lambda shown: shown == event_id
    ):
        window.show_event(event_id)
    return window.detail


def test_scene_is_decoded_at_its_view_size_and_in_full_only_when_zoomed(window, core, qtbot):
    """Following a busy feed, every event's 1080p scene was decoded and converted at full
    size on a worker (competing with the GUI and receiver threads for two cores) only
    to be shown at fit size."""
    d = _show(window, qtbot, post(core, load_sample("employee_match")))
    scene = d.scene
    assert scene.picture_size() == QSize(1920, 1080)
    assert not scene.has_full_resolution()
    preview = d.detail.pictures["spot_pic"]
    assert not preview.whole
    assert preview.image.width() <= scene.width() * scene.devicePixelRatioF() + 1
    scene.grab()  # a paint at fit size needs no more than the preview
    qtbot.wait(50)
    assert not scene.has_full_resolution()

    scene.zoom_actual()  # 1:1 needs the full resolution: decoded off the GUI thread
    scene.grab()
    qtbot.waitUntil(scene.has_full_resolution, timeout=5000)
    pixmap = scene.pixmap()
    assert pixmap is not None and pixmap.size() == QSize(1920, 1080)


def test_full_resolution_of_an_older_event_never_lands_on_a_newer_one(
    window, core, qtbot, monkeypatch
):
    from gui.ui.views import detail_pane

    decode = detail_pane._full_resolution
    started, second_shown = threading.Event(), threading.Event()
    decoded: list[int] = []

    def late_decode(data: bytes) -> Any:
        started.set()
        second_shown.wait(5)
        decoded.append(len(data))
        return decode(data)

    monkeypatch.setattr(detail_pane, "_full_resolution", late_decode)
    first = post(core, load_sample("employee_match"))
    second = post(core, load_sample("blacklist"))
    d = _show(window, qtbot, first)
    d.scene.zoom_actual()
    d.scene.grab()  # asks for the first event's full resolution...
    qtbot.waitUntil(started.is_set, timeout=5000)  # (its worker busy: the load takes the other)
    _show(window, qtbot, second)
    second_shown.set()  # ...which arrives after the second event is shown
    qtbot.waitUntil(lambda: len(decoded) == 1, timeout=5000)
    qtbot.wait(200)
    assert d.event_id == second
    assert not d.scene.has_full_resolution()
    assert d.scene.picture_size() == QSize(1920, 1080)


def test_field_labels_hold_no_text_document_until_pressed(window, core, qtbot):
    """A selectable QLabel rebuilds a text document on every new text; the pane's fields
    stay plain until the user presses one, and then select as before."""
    d = _show(window, qtbot, post(core, load_sample("employee_match")))
    labels = [*d.fields.values(), d.type_badge, d.score_label, d.action_label]
    assert all(
        label.textInteractionFlags() == Qt.TextInteractionFlag.NoTextInteraction for label in labels
    )
    d.tabs.setCurrentIndex(0)
    label = d.fields["name"]
    qtbot.waitExposed(label)
    text = label.text()
    qtbot.mouseDClick(label, Qt.MouseButton.LeftButton, pos=QPoint(4, label.height() // 2))
    assert label.textInteractionFlags() & Qt.TextInteractionFlag.TextSelectableByMouse
    assert label.hasSelectedText() and label.selectedText() in text
    assert label.text() == text

    other = post(core, load_sample("stranger"))
    _show(window, qtbot, other)
    assert label.textInteractionFlags() == Qt.TextInteractionFlag.NoTextInteraction
    assert label.textFormat() == Qt.TextFormat.PlainText


def test_hidden_raw_json_is_filled_when_its_tab_opens(window, core, qtbot):
    """Following a busy feed, the raw JSON tab (hidden) was filled for every event shown:
    a document rebuilt a line at a time, for nobody."""
    first = post(core, load_sample("employee_match"))
    d = _show(window, qtbot, first)
    d.tabs.setCurrentIndex(0)
    second = post(core, load_sample("stranger"))
    _show(window, qtbot, second)
    assert d.raw_text.document().toPlainText() == ""  # nothing built while hidden
    d.tabs.setCurrentIndex(2)
    assert '"identity_name"' in d.raw_text.document().toPlainText()
    assert "stranger" in d.raw_text.document().toPlainText()
    _show(window, qtbot, first)  # open: filled as each event is shown, as before
    assert "张伟" in d.raw_text.document().toPlainText()
    d.tabs.setCurrentIndex(0)
    _show(window, qtbot, second)
    assert "stranger" in d.raw_text.toPlainText()  # read while hidden: the newest text


def test_showing_events_does_not_repaint_the_panes_tabs(window, core, qtbot):
    """``QTabWidget.setTabText`` repaints the whole tab widget (frame, tab bar, scroll
    bars) even when the text is the same; the pane set its Warnings title for every
    event shown, which was most of its paint."""
    from tests.ui.test_tab_repaints import PaintCounter

    ids = [post(core, variant("employee_match")) for _ in range(2)]  # pages of one height
    qtbot.waitUntil(lambda: window.feed_model.rowCount() == 2, timeout=5000)
    d = _show(window, qtbot, ids[0])
    counter = PaintCounter(d.tabs, d.tabs.tabBar())
    # The first show's own repaints (its layout, late on a loaded machine) are not
    # what is counted: wait until the tabs have been quiet for 300 ms, then count.
    for _ in range(30):
        before = counter.paints
        qtbot.wait(300)
        if counter.paints == before:
            break
    counter.paints = 0
    for event_id in (ids[1], ids[0], ids[1]):
        _show(window, qtbot, event_id)
        qtbot.wait(30)
    assert counter.paints == 0
    assert d.tabs.tabText(1).startswith("Warnings")
