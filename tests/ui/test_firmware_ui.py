"""What the firmware variants look like to a user: attributes, pass records, the box's scale,
a missing scene, and one Devices row per physical box with all its names."""

from __future__ import annotations

from typing import Any

from tests.conftest import ROOT
from tests.core import firmware_payloads as P
from tests.ui.desktop_fixtures import show_in_detail

SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"


def _post(core: Any, path: str, payload: dict[str, Any]) -> int:
    reply = core.client.post_json(path, payload)
    assert reply.status == 200, reply.body[:300]
    return reply.json()["events"][0]["id"]


def _select(window: Any, qtbot: Any, event_id: int) -> None:
    show_in_detail(window, qtbot, event_id)


def test_detail_pane_shows_firmware_attributes_and_crop_box(window, core, qtbot) -> None:
    event_id = _post(core, "/EventServer/api/HistoryEvent", P.legacy_attributes(P.now_ms()))
    _select(window, qtbot, event_id)
    d = window.detail
    attrs = d.fields["attributes"].text()
    assert "age: youth" in attrs and "gender: male" in attrs and "glasses: no" in attrs
    assert "head pose: yaw 3.25° pitch -2° roll 1.5°" in attrs
    assert d.scene.shapes() is not None and d.scene.shapes().box is not None
    crop = d.face_tile.view.shapes()  # rel_rect drawn on the face crop
    assert crop is not None and crop.box == (10.0, 12.0, 90.0, 110.0)
    assert d.fields["score_scale"].text() == "0–1 similarity"
    window.resize(1600, 1000)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    window.grab().save(str(SCREENSHOTS / "firmware_legacy_attributes.png"))


def test_detail_pane_v6_realtime_says_there_is_no_scene(window, core, qtbot) -> None:
    event_id = _post(core, "/EventServer/api/RealTimeEvent", P.v6_ws(P.now_ms()))
    _select(window, qtbot, event_id)
    d = window.detail
    assert d.scene.pixmap() is None and "no scene photo" in d.scene.placeholder()
    assert "face box is not drawn" in d.scene.placeholder()
    assert d.reg_tile.view.pixmap() is not None  # register_image is the registered photo
    assert d.fields["score_scale"].text() == "0–100 display score · threshold 82 (vendor default)"
    assert d.fields["ep_type"].text().startswith("GB/T 28181")
    window.resize(1600, 1000)
    window.grab().save(str(SCREENSHOTS / "firmware_v6_realtime.png"))


def test_detail_pane_shows_a_pass_record(window, core, qtbot) -> None:
    event_id = _post(core, "/gatewatch/platform", P.pass_record(P.now_ms()))
    _select(window, qtbot, event_id)
    text = window.detail.fields["pass_info"].text()
    assert text == "building 3, room 1502, address Garden Road 8, floor 15"


def test_devices_page_one_row_per_box_with_its_names(rig: Any, qtbot: Any) -> None:
    from gui.ui.installer.devices import DevicesPanel

    panel = DevicesPanel(rig.bridge, rig.settings)
    qtbot.addWidget(panel)
    panel.show()
    assert rig.client.post_json("/DeviceStatus", P.report_flat()).status == 200
    event = P.v1_without_version(P.now_ms() - 5000)
    assert rig.client.post_json("/EventServer/api/HistoryEvent", event).status == 200
    assert rig.client.post_json("/DeviceStatus", P.report_v6_system()).status == 200
    model = panel.model
    qtbot.waitUntil(lambda: model.row_of(P.LICENCE) is not None, timeout=5000)
    qtbot.waitUntil(
        lambda: "TPU" in model.index(model.row_of(P.LICENCE), model.COLUMNS.index("health")).data(),
        timeout=6000,
    )
    boxes = [r for r in model.rows if r["kind"] == "box"]
    assert len(boxes) == 1
    row = model.row_of(P.LICENCE)
    name = model.index(row, model.COLUMNS.index("name")).data()
    assert name.startswith("V6 box") and P.SN in name and P.MAC in name
    health = model.index(row, model.COLUMNS.index("health")).data()
    assert "CPU 18%" in health and "61.5 °C" in health and "scores 0–100, threshold 82" in health
    panel.resize(1500, 500)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    panel.grab().save(str(SCREENSHOTS / "firmware_devices.png"))


def test_feed_shows_live_scores_in_the_boxs_configured_scale_with_its_threshold(
    window: Any, core: Any, qtbot: Any
) -> None:
    """Issue 13: a live arrival is read with its box's configuration, threshold included."""
    from gui.core import devices
    from gui.ui.views.words import format_score_of

    first = P.v1_without_version(P.now_ms(), dev_sno="BOX-CONF")
    first["person_type"] = 1
    _post(core, "/EventServer/api/HistoryEvent", first)
    store = core.thread.receiver.store
    assert store.write_sync(
        lambda c: devices.set_score_config(c, "BOX-CONF", scale="0-100", threshold=75.0)
    )
    later = P.v1_without_version(P.now_ms() + 1000, dev_sno="BOX-CONF")
    later.update(person_type=1, score=0.9, identity_id="conf-2")
    event_id = _post(core, "/EventServer/api/HistoryEvent", later)
    qtbot.waitUntil(lambda: window.feed_model.row_of(event_id) is not None, timeout=5000)
    row = window.feed_model.row_at(window.feed_model.row_of(event_id))
    # Straight from the core's announcement: 0.9 on a box configured 0–100, not "0.90 / 1".
    assert (row.score_scale, row.threshold) == ("0-100", 75.0)
    assert format_score_of(row.score, row.score_scale, row.threshold) == "0.90 / 100 (≥75)"


def test_devices_page_says_which_readings_are_inferred(rig: Any, qtbot: Any) -> None:
    from PySide6.QtCore import Qt

    from gui.ui.installer.devices import DevicesPanel

    panel = DevicesPanel(rig.bridge, rig.settings)
    qtbot.addWidget(panel)
    panel.show()
    assert rig.client.post_json("/DeviceStatus", P.report_v2r1()).status == 200
    model = panel.model
    qtbot.waitUntil(lambda: model.row_of(P.LICENCE) is not None, timeout=5000)
    index = model.index(model.row_of(P.LICENCE), model.COLUMNS.index("health"))
    assert "disk 25%" in index.data() and index.data().endswith("1 inferred")
    tip = index.data(Qt.ItemDataRole.ToolTipRole)
    assert "disk_use has no documented unit" in tip and "(inferred)" in tip


def test_devices_health_line_says_mixed_scales() -> None:
    from gui.ui.installer.devices import metrics_text

    text = metrics_text({}, {"scale": "mixed", "threshold": 82.0})
    assert text == "scores mixed (0–1 and 0–100), threshold 82"
    assert metrics_text({}, {"scale": "0-100", "threshold": 82.0}) == "scores 0–100, threshold 82"
