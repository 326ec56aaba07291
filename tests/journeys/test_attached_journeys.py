"""A window attached to a remote receiver (``gatewatch --connect``), as a guard room uses it.

A real receiver runs on its own core thread (what ``--headless`` runs) with
its own data folder and an ephemeral port; the real main window is built as
``run_desktop`` builds it for ``--connect`` (an attached core on its loop
thread, the bridge, every feature) and driven inside the same qasync loop.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import shiboken6
from PySide6.QtWidgets import QApplication

from tests.conftest import Client
from tests.journeys.harness import (
    EVENT_PATH,
    alarms_of,
    click,
    fresh,
    make_settings,
    menu_action,
    press,
    settle,
    top_level,
    until,
)


class Server:
    """The remote receiver, a ``gatewatch --headless`` process: killed and started again."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.port = 0
        self.proc: Any = None

    def start(self) -> None:
        from tests.core.procs import Headless

        self.proc = Headless(self.data_dir, port=self.port)
        self.port = self.proc.wait_listening()

    def kill(self) -> None:
        """kill -9: no goodbye to the stream, sockets reset by the OS."""
        if self.proc is not None:
            self.proc.kill9()
            self.proc = None

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.ensure_dead()
            self.proc = None

    async def post(self, event: dict[str, Any]) -> int:
        loop = asyncio.get_running_loop()
        reply = await loop.run_in_executor(None, Client(self.port).post_json, EVENT_PATH, event)
        assert reply.status == 200, reply.body[:300]
        return int(reply.json()["events"][0]["id"])

    def alarm(self, alarm_id: int) -> dict[str, Any]:
        """The alarm as the receiver has it (its own API, from this PC)."""
        alarms = Client(self.port).get_json("/api/alarms?limit=100")["alarms"]
        return next(a for a in alarms if a["id"] == alarm_id)


class Attached:
    def __init__(self, window: Any, thread: Any, bridge: Any, server: Server) -> None:
        self.window = window
        self.thread = thread
        self.bridge = bridge
        self.server = server

    def run(self, journey: Any, timeout: float = 90.0) -> Any:
        import qasync

        async def main() -> Any:
            return await asyncio.wait_for(journey(), timeout)

        return qasync.run(main())


@pytest.fixture
def attached(qapp: Any, tmp_path: Path) -> Iterator[Attached]:
    from gui.core.remote_client import RemoteServer
    from gui.ui import app as app_mod
    from gui.ui.bridge import CoreBridge

    server = Server(tmp_path / "server")
    server.start()
    settings = make_settings(tmp_path, operator_name="Guard B")
    app_mod.prepare_application(settings)
    QApplication.instance().setQuitOnLastWindowClosed(False)
    thread = app_mod.build_attached(settings, RemoteServer.parse(f"127.0.0.1:{server.port}"))
    bridge = CoreBridge(thread)
    error = app_mod.start_receiver(thread)
    assert error is None
    window = app_mod.create_main_window(settings, thread, bridge=bridge)
    window.show()
    try:
        yield Attached(window, thread, bridge, server)
    finally:
        for w in QApplication.topLevelWidgets():
            if w is not window and w.isVisible():
                w.close()
        window.close()
        app_mod.shutdown(window, thread)
        window.deleteLater()
        QApplication.processEvents()
        server.stop()


def test_attached_window_shows_live_events_photos_and_acknowledges_on_the_server(
    attached: Attached,
) -> None:
    window, server = attached.window, attached.server
    model = window.feed_model

    async def journey() -> None:
        await until(lambda: window.state_label.text() == "Connected", what="connected")
        assert f"127.0.0.1:{server.port}" in window.windowTitle()
        assert "live" in window.listen_label.text()
        # No local receiver: nothing of "this PC" that would mislead.
        assert window.page("connect") is None and attached.bridge.attached
        tools = [a.text().replace("&", "") for a in window.menu("tools").actions()]
        assert "Send test event…" not in tools and "Storage and retention…" not in tools

        stranger = await server.post(fresh("stranger"))
        await until(lambda: model.rowCount() == 1, what="the first event in the feed")
        hit = await server.post(fresh("blacklist"))
        await until(lambda: model.row_at(0) is not None and model.row_at(0).id == hit,
                    what="the blacklist hit on top")  # fmt: skip
        assert [model.row_at(i).id for i in range(2)] == [hit, stranger]
        await until(lambda: model.thumb_for(hit) is not None, what="its face thumbnail")

        # The detail pane follows the newest event, photos and overlay included.
        detail = window.detail
        await until(lambda: detail.event_id == hit, what="the detail pane on the hit")
        await until(lambda: detail.scene.has_picture() and detail.reg_tile.view.has_picture(),
                    what="scene and registered photos")  # fmt: skip

        # The hit raised an alarm on the server; the attached window shows and sounds it.
        alarms = alarms_of(window)
        banner = alarms.banner
        await until(banner.isVisible, what="the alarm banner")
        alarm_id = banner.alarm.id
        assert server.alarm(alarm_id)["state"] == "open"
        banner.note.setText("seen on camera 3, <b>guard</b> sent")
        click(banner.button)
        await until(lambda: server.alarm(alarm_id)["state"] == "acked",
                    what="the acknowledgement stored on the server")  # fmt: skip
        acked = server.alarm(alarm_id)
        note = "seen on camera 3, <b>guard</b> sent"  # stored as typed, never markup
        assert (acked["acked_by"], acked["note"]) == ("Guard B", note)
        # ... and it comes back through the stream: the hit is no longer open here.
        center = alarms.center
        await until(lambda: all(a.id != alarm_id for a in center.open_alarms()),
                    what="the alarm closed in the attached window")  # fmt: skip
        assert banner.alarm is None or banner.alarm.id != alarm_id

        # History reads the server too.
        window.show_page("history")
        history = window.page("history")
        await until(lambda: history.model.rowCount() == 2, what="history rows")
        await settle(0.2)

    attached.run(journey)


def test_attached_window_says_disconnected_and_catches_up_after_a_restart(
    attached: Attached,
) -> None:
    window, server = attached.window, attached.server
    model = window.feed_model

    async def journey() -> None:
        await until(lambda: window.state_label.text() == "Connected", what="connected")
        first = await server.post(fresh("employee_match"))
        await until(lambda: model.rowCount() == 1, what="the first event")

        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, server.kill)  # the receiver PC goes down hard
        await until(lambda: window.state_label.text() == "Disconnected", what="disconnected")
        text = window.listen_label.text()
        assert f"Not connected to http://127.0.0.1:{server.port}" in text
        assert "Trying again in" in text

        await loop.run_in_executor(None, server.start)  # back, same port and data
        # Stored before the window is back on the stream: caught up, not lost.
        missed = [await server.post(fresh("stranger")) for _ in range(2)]
        await until(lambda: window.state_label.text() == "Connected", timeout=30,
                    what="connected again")  # fmt: skip
        later = await server.post(fresh("employee_match"))
        await until(lambda: model.rowCount() == 4, timeout=20, what="every event in the feed")
        assert [model.row_at(i).id for i in range(4)] == [later, *missed[::-1], first]
        await settle(1.0)
        assert model.rowCount() == 4  # nothing twice

    attached.run(journey)


def test_connect_dialog_checks_the_server_then_opens_its_window(
    attached: Attached, monkeypatch: pytest.MonkeyPatch
) -> None:
    from gui.ui.dialogs import connect_server

    window, server = attached.window, attached.server
    opened: list[Any] = []
    monkeypatch.setattr(connect_server, "launch_attached", opened.append)

    async def journey() -> None:
        press(menu_action(window, "file", "Connect to a server…"))
        dialog = await until(lambda: top_level(connect_server.ConnectServerDialog),
                             what="the dialog")  # fmt: skip
        dialog.launch = opened.append
        dialog.url_edit.setText("ftp://nowhere")
        click(dialog.connect_button)
        await until(lambda: "use http:// or https://" in dialog.result_label.text(),
                    what="a bad address explained")  # fmt: skip
        from gui.core.receiver import free_port

        dialog.url_edit.setText(f"127.0.0.1:{free_port()}")
        click(dialog.connect_button)
        await until(lambda: dialog.result_label.text().startswith("No answer"), timeout=15,
                    what="an absent server explained")  # fmt: skip
        assert not opened
        dialog.url_edit.setText(f"http://127.0.0.1:{server.port}/")
        dialog.token_edit.setText("  secret  ")
        click(dialog.connect_button)
        await until(lambda: opened, what="the attached window launched")
        assert opened[0].url == f"http://127.0.0.1:{server.port}" and opened[0].token == "secret"
        await until(lambda: not shiboken6.isValid(dialog) or not dialog.isVisible(),
                    what="the dialog to close")  # fmt: skip

    attached.run(journey)
