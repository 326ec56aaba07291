"""The Boxes section in the running app: add a box, point it here, see events, fill a gap.

The box is the emulator on an address of its own (127.x, chosen free for this
run so parallel runs never meet on the box's fixed ports), on its own thread
and loop like a real box on the LAN. Everything else is what a user presses in
the main window, inside the app's qasync loop.
"""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from gui.core.box.emulator import DEFAULT_PORTS
from tests.core.box_harness import BoxThread
from tests.journeys.harness import App, button, click, menu_action, press, top_level, until


def _free_address() -> str:
    """A 127.x address whose box ports nobody listens on (unique per process, then checked)."""
    pid = os.getpid()
    for n in range(200):
        address = f"127.{90 + (pid + n) % 100}.{(pid // 100 + n) % 250 + 2}.{n % 250 + 2}"
        try:
            for port in DEFAULT_PORTS.values():
                with socket.socket() as probe:
                    probe.bind((address, port))
        except OSError:
            continue
        return address
    raise RuntimeError("no free 127.x address for the box")


@pytest.fixture
def box(monkeypatch: pytest.MonkeyPatch) -> Iterator[BoxThread]:
    """A V6 box that pushes often, started before the app's loop (a box is another machine)."""
    import tests.core.box_harness as harness

    monkeypatch.setattr(harness, "next_address", _free_address)
    thread = BoxThread("v6", history_period=0.3, status_period=0.3)
    try:
        yield thread
    finally:
        thread.stop()


def cell(section: Any, row: int, column: int) -> str:
    model = section.model
    return str(model.data(model.index(row, column), Qt.ItemDataRole.DisplayRole) or "")


def test_installer_adds_points_and_fills_a_gap_from_the_main_window(
    app: App, box: BoxThread
) -> None:
    window = app.window

    async def journey() -> None:
        press(menu_action(window, "tools", "Connect a box…"))
        connect = window.page("connect")
        await until(connect.isVisible, what="the Connect page")
        section = connect.boxes
        assert section.empty.isVisible() and section.empty.text() == "No boxes added yet."

        # A wrong password: the user is told, nothing is added.
        section.address.setText(box.box.address)
        section.password.setText("wrong")
        click(button(section, "Add box"))
        await until(lambda: "password" in section.status.text(), timeout=15,
                    what="the wrong-password message")  # fmt: skip
        assert section.model.rowCount() == 0

        section.password.setText("admin")
        click(button(section, "Add box"))
        await until(lambda: section.model.rowCount() == 1, timeout=15, what="the box's row")
        # The row comes with the boxes' refresh, the status line with the add's own
        # answer: a loaded machine showed the row while the line still said "Contacting".
        await until(lambda: "Added " + box.box.address in section.status.text(), timeout=15,
                    what="the added message")  # fmt: skip
        assert box.box.serial in cell(section, 0, 0)
        assert "V6R2C01" in cell(section, 0, 1)
        assert not section.empty.isVisible()
        await until(lambda: cell(section, 0, 2) == "yes", timeout=15, what="reachable")
        assert cell(section, 0, 3) == "no"

        # Point it here: the box's history URL becomes this receiver, and its events arrive.
        section.view.selectRow(0)
        click(button(section, "Point at this PC"))
        await until(lambda: "now sends history events to" in section.status.text(),
                    timeout=15, what="the pointing result")  # fmt: skip
        url = box.call(lambda b: list(b.history_urls))[-1]
        assert url == f"http://127.0.0.1:{app.port}/EventServer/api/HistoryEvent"
        assert url in section.status.text()
        box.call(lambda b: b.generate(2, sample="employee_match"))
        await until(lambda: cell(section, 0, 3) == "yes, connected", timeout=15,
                    what="the box connected")  # fmt: skip
        await until(lambda: window.feed_model.rowCount() >= 2, timeout=15,
                    what="the box's events in the live feed")  # fmt: skip
        await until(lambda: cell(section, 0, 4) not in ("", "never"), timeout=5,
                    what="the box's last event time")  # fmt: skip

        # A gap: events the box stored while it was not pointed here, an hour ago.
        box.call(lambda b: b.history_urls.clear())
        box.call(lambda b: b.generate(25, t=time.time() - 1800, step=30))
        before = app.stored_count()
        section.range.setCurrentIndex(1)  # "the last hour"
        assert section.range.currentText() == "the last hour"
        click(button(section, "Fill gap"))
        await until(lambda: section.progress.isVisible(), timeout=15, what="the progress bar")
        await until(lambda: cell(section, 0, 7).startswith("done"), timeout=30,
                    what="the gap fill's result")  # fmt: skip
        assert "25 new" in cell(section, 0, 7), cell(section, 0, 7)
        assert "2 already stored" in cell(section, 0, 7), cell(section, 0, 7)
        assert section.progress.value() == section.progress.maximum() == 27
        assert section.progress.format().startswith("done 27/27")
        assert app.stored_count() == before + 25
        assert button(section, "Fill gap").isEnabled()
        assert not section.cancel_button.isEnabled()

        # Remove it, putting back the URLs it had (none): the user answers the question.
        click(button(section, "Remove…"))
        question = await until(lambda: top_level(QMessageBox), what="the remove question")
        assert box.box.address in question.text()
        click(question.button(QMessageBox.StandardButton.Yes))
        await until(lambda: section.model.rowCount() == 0, timeout=15, what="the row gone")
        assert section.empty.isVisible()
        assert "Removed " + box.box.address in section.status.text()
        assert box.call(lambda b: list(b.history_urls)) == []

    app.run(journey, timeout=120)


def test_installer_cancels_a_backfill_and_pulls_real_time_from_the_main_window(
    app: App, box: BoxThread
) -> None:
    """Issue 16: Cancel and Pull real-time pressed in the running window, inside qasync."""
    window = app.window

    async def journey() -> None:
        press(menu_action(window, "tools", "Connect a box…"))
        connect = window.page("connect")
        await until(connect.isVisible, what="the Connect page")
        section = connect.boxes
        section.address.setText(box.box.address)
        section.password.setText("admin")
        click(button(section, "Add box"))
        await until(lambda: section.model.rowCount() == 1, timeout=15, what="the box's row")
        section.view.selectRow(0)

        # A long gap (the box was never pointed here): start filling it, then Cancel.
        box.call(lambda b: b.generate(300, t=time.time() - 3500, step=10, push_realtime=False))
        section.range.setCurrentIndex(1)  # "the last hour"
        click(button(section, "Fill gap"))
        await until(lambda: section.cancel_button.isEnabled(), timeout=15, what="Cancel enabled")
        await until(lambda: cell(section, 0, 7).startswith("running")
                    and not cell(section, 0, 7).startswith("running 0/"),
                    timeout=30, what="the first events filled")  # fmt: skip
        click(section.cancel_button)
        await until(lambda: cell(section, 0, 7).startswith("cancelled"), timeout=15,
                    what="the backfill cancelled")  # fmt: skip
        await until(lambda: not section.cancel_button.isEnabled(), timeout=5,
                    what="Cancel disabled again")  # fmt: skip
        assert button(section, "Fill gap").isEnabled()
        stored = app.stored_count()
        assert 0 < stored < 300, stored
        await until(lambda: app.stored_count() == stored, timeout=5, what="nothing more stored")

        # Pull real-time: the box cannot reach us (not pointed), so its events come by
        # WebSocket; pressing again stops it.
        assert not section.pull_button.isChecked()
        click(section.pull_button)
        await until(lambda: cell(section, 0, 6).startswith("receiving"), timeout=15,
                    what="the pull subscribed")  # fmt: skip
        assert section.pull_button.isChecked()
        box.call(lambda b: b.generate(2, sample="blacklist"))
        await until(lambda: app.stored_count() == stored + 2, timeout=15,
                    what="the pulled events stored")  # fmt: skip
        await until(lambda: cell(section, 0, 6) == "receiving (2 events)", timeout=5,
                    what="the pull's count")  # fmt: skip
        click(section.pull_button)
        await until(lambda: cell(section, 0, 6) == "off", timeout=15, what="the pull stopped")
        assert not section.pull_button.isChecked()

    app.run(journey, timeout=150)
