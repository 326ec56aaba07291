"""The Devices page in the running app: the box's word and our traffic, side by side."""

from __future__ import annotations

import random
from typing import Any

from PySide6.QtCore import Qt

from tests.journeys.harness import App, alarms_of, fresh, menu_action, press, until

CAMERA = "gate-2"  # the blacklist sample's camera
BOX = "SE3-A1B2C3D4"


async def open_devices(app: App) -> Any:
    press(menu_action(app.window, "tools", "Devices"))
    page = app.window.page("devices")
    await until(page.isVisible, what="the Devices page")
    return page


def cell(page: Any, key: str, column: str, role: int = 0) -> Any:
    model = page.model
    row = model.row_of(key)
    return None if row is None else model.index(row, model.COLUMNS.index(column)).data(role)


def header(page: Any, column: str) -> str:
    section = page.model.COLUMNS.index(column)
    return page.model.headerData(section, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole)


def test_a_camera_that_sends_is_not_called_offline_and_silent(app: App) -> None:
    from gui.core import silence
    from gui.core.simulator import FakeBox, FakeCamera, health_report
    from gui.ui.installer.devices import LEVEL_BACKGROUND

    camera = FakeCamera(CAMERA, "West", "192.168.1.101", "photo")
    box = FakeBox(BOX, "192.168.1.19", "1.0", [camera])
    report = health_report(box, random.Random(1), offline={CAMERA})  # the box says: offline

    async def journey() -> None:
        page = await open_devices(app)
        assert app.box.post_json("/DeviceStatus", report).status == 200
        for _ in range(3):
            await app.post(fresh("blacklist"))  # ... while its events keep arriving
        await until(lambda: cell(page, CAMERA, "traffic") == "sending", timeout=10,
                    what="the camera's traffic")  # fmt: skip
        assert cell(page, CAMERA, "status") == "offline"  # what the box said, labelled so
        assert header(page, "status") == "Box reports"
        assert header(page, "traffic") == "Events received"
        tip = cell(page, CAMERA, "status", 3)
        assert "health report" in tip and "arrive nevertheless" in tip
        # Not painted as an outage: the contradiction is amber, not red.
        brush = cell(page, CAMERA, "status", 8)
        assert brush.color().name() == LEVEL_BACKGROUND[silence.AMBER]
        texts = [page.model.index(r, c).data() for r in range(page.model.rowCount())
                 for c in range(page.model.columnCount())]  # fmt: skip
        assert not any("silent" in str(t) for t in texts)

        # The silence watch, run now and again later: no alarm for a camera that sends.
        watch = silence.watch_for(app.thread.receiver)
        await app.in_core(watch.check)
        await app.post(fresh("blacklist"))
        state = await app.in_core(watch.check)
        assert state.level_of(CAMERA) == silence.OK
        center = alarms_of(app.window).center
        assert not [a for a in center.open_alarms() if a.kind == silence.ALARM_KIND]

    app.run(journey)
