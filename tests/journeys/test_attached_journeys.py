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
from PySide6.QtWidgets import QApplication, QLabel

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
def attached(qapp: Any, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Attached]:
    """The window attached to a fresh receiver; ``{"before": [events]}`` (indirect) stores
    those first, then kills the receiver, so the window opens while it is down."""
    from gui.core.remote_client import RemoteServer
    from gui.ui import app as app_mod
    from gui.ui.bridge import CoreBridge

    server = Server(tmp_path / "server")
    server.start()
    before = getattr(request, "param", {}).get("before")
    if before:
        replies = [Client(server.port).post_json(EVENT_PATH, event) for event in before]
        server.stored = [r.json()["events"][0]["id"] for r in replies]  # type: ignore[attr-defined]
        server.kill()
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
        # Before the first event: no URL to type into a box here, no "Connect a box".
        assert window.feed.empty_title.text() == "No events yet"
        assert window.feed.empty_url.text() == f"http://127.0.0.1:{server.port}"
        assert not window.feed.connect_button.isVisible()

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
        # Undo (a mis-click): taken back on the server, open here again.
        toast = alarms.ack_toast
        await until(toast.undo_button.isVisible, what="the Undo strip")
        click(toast.undo_button)
        await until(lambda: server.alarm(alarm_id)["state"] == "open", what="undone on the server")
        await until(lambda: any(a.id == alarm_id for a in center.open_alarms()),
                    what="the alarm open again here")  # fmt: skip

        # History reads the server too; keeping an event is stored there.
        window.show_page("history")
        history = window.page("history")
        await until(lambda: history.model.rowCount() == 2, what="history rows")
        history.select_row(0)
        await until(history.pin_button.isEnabled, what="the keep button")
        kept = history.current_row().id
        click(history.pin_button)
        await until(lambda: Client(server.port).get_json(f"/api/events/{kept}")["pinned"],
                    what="the event kept on the server")  # fmt: skip
        assert not history.storage_button.isVisible()  # retention is the server's

        # Which events raise alarms is the server's rule: shown, not editable here.
        from gui.ui.alarms.rules import AlarmRulesDialog

        press(menu_action(window, "alarms", "Alarm settings…"))
        rules = await until(lambda: top_level(AlarmRulesDialog), what="alarm settings")
        assert not rules.types[3].isEnabled() and rules.volume.isEnabled()
        assert str(server.port) in rules.findChild(QLabel, "rulesOnServer").text()
        rules.reject()

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

        states: list[str] = []
        attached.bridge.connection_changed.connect(lambda m: states.append(m.state))
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
        # On the way back it said it was behind (replaying from the store) before live.
        back = states[states.index("disconnected") :]
        assert "behind" in back and back.index("behind") < len(back) - 1 - back[::-1].index("live")

    attached.run(journey)


@pytest.mark.parametrize(
    "attached", [{"before": [fresh("blacklist"), fresh("employee_match")]}], indirect=True
)
def test_a_window_opened_while_the_receiver_is_down_reads_everything_once_it_is_up(
    attached: Attached,
) -> None:
    window, server = attached.window, attached.server
    model = window.feed_model

    async def journey() -> None:
        await until(lambda: window.state_label.text() == "Disconnected", what="disconnected")
        assert model.rowCount() == 0
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, server.start)
        await until(lambda: window.state_label.text() == "Connected", timeout=30,
                    what="connected")  # fmt: skip
        stored = server.stored  # type: ignore[attr-defined]
        await until(lambda: model.rowCount() == 2, what="the events stored before")
        assert [model.row_at(i).id for i in range(2)] == stored[::-1]
        center = alarms_of(window).center
        await until(lambda: center.open_count >= 1, what="the open blacklist alarm")

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


def test_connect_dialog_pins_a_self_signed_server_once_the_user_trusts_it(
    attached: Attached, tmp_path: Path
) -> None:
    from PySide6.QtWidgets import QMessageBox

    from gui.core import pinning, tls
    from gui.core.receiver import free_port
    from gui.ui.dialogs.connect_server import ConnectServerDialog
    from tests.core.procs import Headless

    cert_pem, key_pem = tls.make_self_signed(["127.0.0.1"])
    tls.write_pair(tmp_path / "s.crt", tmp_path / "s.key", cert_pem, key_pem)
    pin = pinning.fingerprint(tls.pem_to_der(cert_pem))
    tls_port = free_port()
    secure = Headless(tmp_path / "secure", extra=(
        "--tls-cert", str(tmp_path / "s.crt"), "--tls-key", str(tmp_path / "s.key"),
        "--tls-port", str(tls_port),
    ))  # fmt: skip
    window = attached.window
    settings = window.settings
    opened: list[Any] = []
    asked: list[tuple[str, str]] = []
    answers = [False, True]

    def confirm(_parent: Any, where: str, fingerprint: str) -> bool:
        asked.append((where, fingerprint))
        return answers.pop(0)

    try:
        secure.wait_listening()

        async def journey() -> None:
            dialog = ConnectServerDialog(attached.bridge, window, launch=opened.append,
                                         settings=settings)  # fmt: skip
            dialog.confirm = confirm
            dialog.show()
            dialog.url_edit.setText(f"https://127.0.0.1:{tls_port}")
            click(dialog.connect_button)
            await until(lambda: "not trusted" in dialog.result_label.text(), timeout=15,
                        what="a declined certificate said")  # fmt: skip
            assert asked == [(f"127.0.0.1:{tls_port}", pin)] and not opened
            assert settings.tls_pins == {}
            click(dialog.connect_button)
            await until(lambda: opened, timeout=15, what="the window launched once trusted")
            assert opened[0].pinned_sha256 == pin
            assert settings.tls_pins == {f"127.0.0.1:{tls_port}": pin}

            # Another certificate later: refused, both fingerprints named, nothing opened.
            other = pinning.fingerprint(b"another certificate")
            settings.tls_pins = {f"127.0.0.1:{tls_port}": other}
            again = ConnectServerDialog(attached.bridge, window, launch=opened.append,
                                        settings=settings)  # fmt: skip
            again.show()
            again.url_edit.setText(f"https://127.0.0.1:{tls_port}")
            click(again.connect_button)
            box = await until(lambda: top_level(QMessageBox, "Certificate refused"),
                              timeout=15, what="the mismatch named")  # fmt: skip
            assert pinning.readable(pin) in box.text() and pinning.readable(other) in box.text()
            box.close()
            await until(lambda: "another certificate" in again.result_label.text(),
                        what="the refusal in the dialog")  # fmt: skip
            assert len(opened) == 1 and len(asked) == 2
            again.reject()

        attached.run(journey)
    finally:
        secure.ensure_dead()


def test_attached_settings_show_the_server_not_this_pcs_receiver(attached: Attached) -> None:
    """Port, address and TLS of this PC do not apply to the server the window reads."""
    from PySide6.QtWidgets import QDialogButtonBox

    from gui.ui.dialogs.settings import SettingsDialog

    window, server = attached.window, attached.server

    async def journey() -> None:
        await until(lambda: window.state_label.text() == "Connected", what="connected")
        press(menu_action(window, "file", "Settings…"))
        dialog = await until(lambda: top_level(SettingsDialog), what="the Settings dialog")
        assert not dialog.port.isVisible() and not dialog.bind.isVisible()
        titles = [dialog.tabs.tabText(i) for i in range(dialog.tabs.count())]
        assert "TLS" not in titles
        rows = dialog.server_rows
        assert rows["url"].text() == f"http://127.0.0.1:{server.port}"
        assert "plain HTTP" in rows["certificate"].text()
        # The server says whom acknowledgements from here record (this PC: no token).
        await until(lambda: "this PC, no token" in rows["user"].text(), what="who we are")
        dialog.show_user("Gatehouse 2", "user")
        assert rows["user"].text() == "Gatehouse 2 (this window's token)"
        dialog.theme.setCurrentIndex(dialog.theme.findData("light"))
        ok = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
        ok.click()
        await until(lambda: not dialog.isVisible(), what="the dialog closed")
        await settle(0.3)
        assert window.settings.port == 0  # untouched

    attached.run(journey)


def test_attached_pages_read_again_when_the_server_is_back(attached: Attached) -> None:
    """History and Statistics showed the error from while the server was down, for good."""
    from tests.journeys.test_history_journeys import open_tab

    window, server = attached.window, attached.server

    async def journey() -> None:
        await until(lambda: window.state_label.text() == "Connected", what="connected")
        await server.post(fresh("employee_match"))
        await server.post(fresh("stranger"))
        history = open_tab(attached, "history")  # type: ignore[arg-type]
        await until(lambda: history.model.rowCount() == 2, what="history rows")

        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, server.kill)
        await until(lambda: window.state_label.text() == "Disconnected", what="disconnected")
        history.search.setText("张伟")  # the user narrows the list meanwhile
        history.apply_filters()
        await until(lambda: history.count_label.text().startswith("Error"), timeout=30,
                    what="history cannot read")  # fmt: skip
        stats = open_tab(attached, "stats")  # type: ignore[arg-type]
        await until(lambda: stats.summary.text() not in ("", "counting…"), timeout=30,
                    what="statistics cannot count")  # fmt: skip
        assert stats.summary.text() != "2 events"

        await loop.run_in_executor(None, server.start)  # back, same port and data
        await until(lambda: window.state_label.text() == "Connected", timeout=30,
                    what="connected again")  # fmt: skip
        await until(lambda: stats.summary.text() == "2 events", what="statistics again")
        history = open_tab(attached, "history")  # type: ignore[arg-type]
        await until(lambda: history.count_label.text() == "1 event", what="history again")
        assert history.search.text() == "张伟" and history.model.rowCount() == 1

    attached.run(journey)


def test_attached_export_brings_the_photos(attached: Attached, tmp_path: Path) -> None:
    """Export… in an attached window: the events' text and their photos, from the server."""
    import zipfile

    from gui.ui.history.export_dialog import ExportDialog
    from tests.journeys.test_history_journeys import open_tab

    window, server = attached.window, attached.server

    async def journey() -> None:
        await until(lambda: window.state_label.text() == "Connected", what="connected")
        ids = [await server.post(fresh(name)) for name in ("employee_match", "blacklist")]
        history = open_tab(attached, "history")  # type: ignore[arg-type]
        await until(lambda: history.count_label.text() == "2 events", what="history")
        click(history.export_button)
        dialog = await until(lambda: top_level(ExportDialog), what="the export dialog")
        assert dialog.images.isEnabled()
        dialog.out.setText(str(tmp_path / "events.csv"))
        dialog.images.setCurrentIndex(dialog.images.findData("zip"))
        click(dialog.start_button)
        await until(lambda: "Exported 2 events" in dialog.status.text(), timeout=30,
                    what="the export done")  # fmt: skip
        photos = Path(dialog.images_path.text())
        assert "photos to" in dialog.status.text() and photos.suffix == ".zip"
        with zipfile.ZipFile(photos) as z:
            names = z.namelist()
            # Every photo the server holds for these events, byte for byte.
            for event_id in ids:
                event = Client(server.port).get_json(f"/api/events/{event_id}")
                for kind in event["images"]:
                    body = Client(server.port).get(f"/api/events/{event_id}/images/{kind}").body
                    assert any(z.read(n) == body for n in names if n.endswith(f"_{kind}.jpg"))
        assert len(names) >= 4
        dialog.reject()

    attached.run(journey)
