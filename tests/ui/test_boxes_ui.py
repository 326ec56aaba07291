"""The Connect page's Boxes section against an emulated box: what an installer presses."""

from __future__ import annotations

import time
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from tests.core.box_harness import BoxThread, next_address


def _cell(section: Any, row: int, column: int) -> str:
    model = section.model
    return model.data(model.index(row, column), Qt.ItemDataRole.DisplayRole)


def test_add_point_backfill_pull_remove_from_the_window(rig: Any, qtbot: Any, monkeypatch: Any):
    from gui.ui.installer import boxes as boxes_ui
    from gui.ui.installer.boxes import BoxesSection

    box = BoxThread("v6", history_period=0.3, status_period=0.3)
    try:
        section = BoxesSection(rig.bridge)
        qtbot.addWidget(section)
        section.show()
        assert section.empty.isVisible()
        # a wrong password says so, and adds nothing
        section.address.setText(box.box.address)
        section.password.setText("wrong")
        qtbot.mouseClick(section.add_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: "password" in section.status.text(), timeout=15000)
        assert section.model.rowCount() == 0
        section.password.setText("admin")
        qtbot.mouseClick(section.add_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: section.model.rowCount() == 1, timeout=15000)
        assert "V6R2C01" in _cell(section, 0, 1) and box.box.serial in _cell(section, 0, 0)
        section.view.selectRow(0)
        qtbot.mouseClick(section.point_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: _cell(section, 0, 3).startswith("yes"), timeout=15000)
        assert box.box.history_urls[-1].endswith("/EventServer/api/HistoryEvent")
        qtbot.waitUntil(lambda: _cell(section, 0, 3) == "yes, connected", timeout=15000)
        # a gap the box could not push: the receiver was not pointed yet
        box.call(lambda x: x.history_urls.clear())
        box.call(lambda x: x.generate(30, t=time.time() - 1800, step=30))
        section.range.setCurrentIndex(1)  # the last hour
        qtbot.mouseClick(section.backfill_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: _cell(section, 0, 7).startswith("done"), timeout=30000)
        assert "30 new" in _cell(section, 0, 7)
        assert section.progress.isVisible() and section.progress.value() == 30
        assert rig.client.get_json("/api/events?limit=100")["events"].__len__() == 30
        # real-time pull on and off
        qtbot.mouseClick(section.pull_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: _cell(section, 0, 6).startswith("receiving"), timeout=15000)
        qtbot.mouseClick(section.pull_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: _cell(section, 0, 6) == "off", timeout=15000)
        # remove, putting back what the box had (nothing)
        monkeypatch.setattr(boxes_ui, "ask_remove_box", lambda *a: QMessageBox.StandardButton.Yes)
        qtbot.mouseClick(section.remove_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: section.model.rowCount() == 0, timeout=15000)
        assert box.call(lambda x: x.history_urls) == []
        section.close_worker()
    finally:
        box.stop()


@pytest.mark.alone  # a 0.5 s budget: measured with no other test beside it
def test_unreachable_box_is_a_message_not_a_freeze(rig: Any, qtbot: Any):
    from gui.ui.installer.boxes import BoxesSection

    section = BoxesSection(rig.bridge)
    qtbot.addWidget(section)
    section.show()
    section.address.setText(next_address())
    started = time.monotonic()
    qtbot.mouseClick(section.add_button, Qt.MouseButton.LeftButton)
    assert time.monotonic() - started < 0.5  # the window never waits for the box
    qtbot.waitUntil(lambda: "refuses" in section.status.text(), timeout=15000)
    assert section.add_button.isEnabled()
    section.close_worker()


def test_the_connect_page_has_the_boxes_section(rig: Any, qtbot: Any):
    from gui.ui.installer.connect import ConnectPanel

    panel = ConnectPanel(rig.bridge, rig.settings)
    qtbot.addWidget(panel)
    assert panel.boxes.title() == "Boxes"
    # the automatic gap fill is a setting the section shows and changes
    assert rig.settings.box_gap_fill and panel.boxes.auto_fill.isChecked()
    panel.boxes.auto_fill.click()
    assert rig.settings.box_gap_fill is False
    from gui.core.box.api import service_for

    assert service_for(rig.receiver).gap_fill_enabled() is False  # the core reads it live
    # turned back on in the Settings dialog: the checkbox follows
    rig.settings.update(box_gap_fill=True)
    qtbot.waitUntil(panel.boxes.auto_fill.isChecked, timeout=2000)
    assert service_for(rig.receiver).gap_fill_enabled() is True
    panel.close_worker()


def test_the_remove_confirmation_shows_the_address_as_text(qtbot: Any) -> None:
    from gui.ui.installer.boxes import remove_box_question

    address = "<img src='file:///dev/zero'>"
    box = remove_box_question(None, address)
    qtbot.addWidget(box)
    assert box.textFormat() == Qt.TextFormat.PlainText
    assert address in box.text()


def test_a_box_still_starting_its_camera_list_is_said_so_then_filled_in(rig: Any, qtbot: Any):
    """Issue 16: the Boxes section tells the installer the cameras come later, and they do."""
    from gui.ui.installer.boxes import BoxesSection

    box = BoxThread("v6", devices_init_seconds=7)
    try:
        section = BoxesSection(rig.bridge)
        qtbot.addWidget(section)
        section.show()
        section.address.setText(box.box.address)
        section.password.setText("admin")
        qtbot.mouseClick(section.add_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: section.model.rowCount() == 1, timeout=15000)
        assert "0 camera(s)" in section.status.text()
        assert "still starting its camera list" in section.status.text()
        assert "cameras: still starting" in _cell(section, 0, 0)
        qtbot.waitUntil(lambda: "still starting" not in _cell(section, 0, 0), timeout=30000)
        [listed] = rig.client.get_json("/api/boxes")["boxes"]
        assert [c["id"] for c in listed["cameras"]] == [c.device_id for c in box.box.cameras]
    finally:
        box.stop()
