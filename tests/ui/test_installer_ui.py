"""Installer pages: connect panel, request inspector, devices, test sending."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from collections import namedtuple
from collections.abc import Awaitable, Callable
from concurrent.futures import Future
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal

from gui.core import netinfo, sender
from gui.settings import Settings
from tests.conftest import load_sample

Addr = namedtuple("Addr", "family address netmask broadcast ptp")


def now_ms() -> int:
    return time.time_ns() // 1_000_000


def fake_firewall(port: int) -> netinfo.FirewallStatus:
    return netinfo.FirewallStatus(
        True, False, f"no inbound firewall rule allows TCP port {port}",
        netinfo.windows_rule_command(port),
    )  # fmt: skip


_core_loop: asyncio.AbstractEventLoop | None = None


def _fake_core_loop() -> asyncio.AbstractEventLoop:
    """A loop on its own thread, as the receiver thread runs one (started once)."""
    global _core_loop
    if _core_loop is None:
        _core_loop = asyncio.new_event_loop()
        threading.Thread(target=_core_loop.run_forever, name="fake-core", daemon=True).start()
    return _core_loop


class FakeBridge(QObject):
    """Just the signals, receiver facts and core loop the connect panel uses."""

    event_stored = Signal(object)
    request_logged = Signal(object)
    server_state_changed = Signal(object)
    health_report_stored = Signal(object)
    silence_levels_changed = Signal(object)

    def __init__(self, port: int, bind: str) -> None:
        super().__init__()

        class Config:
            pass

        class Rec:
            pass

        self.receiver = Rec()
        self.receiver.port = port  # type: ignore[attr-defined]
        self.receiver.config = Config()  # type: ignore[attr-defined]
        self.receiver.config.bind = bind  # type: ignore[attr-defined]
        self.last_state = None

    @property
    def reader(self) -> Any:
        raise RuntimeError("no store in this test")

    def in_core(self, coro_factory: Callable[[], Awaitable[Any]]) -> Future[Any]:
        return asyncio.run_coroutine_threadsafe(coro_factory(), _fake_core_loop())  # type: ignore[arg-type]


def fake_source() -> dict[str, list[Any]]:
    return {
        "lo": [Addr(socket.AF_INET, "127.0.0.1", "255.0.0.0", None, None)],
        "Ethernet 2": [Addr(socket.AF_INET, "192.168.1.50", "255.255.255.0", None, None)],
        "Wi-Fi": [Addr(socket.AF_INET, "10.0.0.7", "255.255.255.0", None, None)],
    }


# ------------------------------------------------------------------------- connect


def test_connect_panel_lists_the_addresses_with_urls(qtbot: Any) -> None:
    from gui.ui.installer.connect import ConnectPanel

    panel = ConnectPanel(FakeBridge(9528, ""), Settings(), netinfo_source=fake_source,
                         firewall=fake_firewall)  # fmt: skip
    qtbot.addWidget(panel)
    panel.show()  # pages refresh only while shown
    urls = [f.text() for f in panel.url_fields]
    assert urls == [
        "http://192.168.1.50:9528/EventServer/api/HistoryEvent",
        "http://192.168.1.50:9528/EventServer/api/RealTimeEvent",
        "http://192.168.1.50:9528/DeviceStatus",
        "http://10.0.0.7:9528/EventServer/api/HistoryEvent",
        "http://10.0.0.7:9528/EventServer/api/RealTimeEvent",
        "http://10.0.0.7:9528/DeviceStatus",
    ]
    assert "all interfaces" in panel.listening.text()
    assert panel.notices.isHidden()
    assert panel.traffic.text() == "Waiting for the first request…"
    assert panel.self_test_url() == "http://192.168.1.50:9528/EventServer/api/HistoryEvent"


def test_connect_panel_real_addresses(qtbot: Any) -> None:
    from gui.ui.installer.connect import ConnectPanel

    panel = ConnectPanel(FakeBridge(9528, ""), Settings(), firewall=fake_firewall)
    qtbot.addWidget(panel)
    panel.show()  # pages refresh only while shown
    real = netinfo.local_ipv4()
    assert len(panel.url_fields) == 3 * len(real)
    for (_name, ip), field in zip(real, panel.url_fields[::3], strict=True):
        assert field.text() == f"http://{ip}:9528/EventServer/api/HistoryEvent"


def test_loopback_warning_traffic_line_and_self_test(rig: Any, qtbot: Any) -> None:
    from gui.ui.installer.connect import ConnectPanel

    panel = ConnectPanel(
        rig.bridge, rig.settings, firewall=fake_firewall, is_local=lambda _ip: False
    )
    qtbot.addWidget(panel)
    panel.show()  # pages refresh only while shown
    assert not panel.notices.isHidden()
    assert "boxes cannot reach this PC" in panel.notices.text()
    assert panel.url_fields == []

    event = sender.refreshed(load_sample("employee_match"), now_ms())
    assert rig.client.post_json("/EventServer/api/HistoryEvent", event).status == 200
    qtbot.waitUntil(lambda: "connected" in panel.traffic.text(), timeout=5000)
    assert panel.traffic.text() == (
        "Box 127.0.0.1 (SE3-A1B2C3D4) connected, sending 1.0 history events"
    )
    qtbot.waitUntil(lambda: panel.verdicts_model.rowCount() > 0, timeout=5000)
    codes = {v.code for v in panel.verdicts_model.rows}
    assert "payload_shape" in codes and "ok" in codes

    # self-test: posts to our own address (loopback here), marked as a test
    panel.self_test_button.click()
    qtbot.waitUntil(lambda: panel.self_test_result is not None, timeout=10000)
    qtbot.waitUntil(lambda: panel.firewall_result is not None, timeout=5000)
    assert panel.self_test_result.ok, panel.self_test_result
    assert panel.self_test_label.text().startswith("Self-test passed: Gatewatch answered 200")
    assert not panel.firewall_command.isHidden()
    assert "localport=" in panel.firewall_command.text()
    flagged = rig.receiver.store.read_sync(
        lambda c: c.execute("SELECT count(*) FROM events WHERE self_test = 1").fetchone()[0]
    )
    assert flagged == 1


def test_self_test_reports_what_blocked_it(qtbot: Any) -> None:
    from gui.core.receiver import free_port
    from gui.ui.installer.connect import ConnectPanel

    port = free_port()
    panel = ConnectPanel(FakeBridge(port, "127.0.0.1"), Settings(), firewall=fake_firewall)
    qtbot.addWidget(panel)
    panel.show()  # pages refresh only while shown
    panel.run_self_test()
    qtbot.waitUntil(lambda: panel.self_test_result is not None, timeout=10000)
    assert not panel.self_test_result.ok
    assert "connection refused" in panel.self_test_label.text()


def test_rejected_request_shows_on_the_traffic_line(rig: Any, qtbot: Any) -> None:
    from gui.ui.installer.connect import ConnectPanel

    panel = ConnectPanel(
        rig.bridge, rig.settings, firewall=fake_firewall, is_local=lambda _ip: False
    )
    qtbot.addWidget(panel)
    panel.show()  # pages refresh only while shown
    rig.client.request("POST", "/EventServer/api/RealTimeEvent", b"[]")
    qtbot.waitUntil(lambda: "refused" in panel.traffic.text(), timeout=5000)
    assert "(400)" in panel.traffic.text() and "empty array" in panel.traffic.text()


# ------------------------------------------------------------------------- inspector


def test_bad_request_appears_in_the_inspector_with_our_answer(rig: Any, qtbot: Any) -> None:
    from gui.ui.installer.inspector import RequestInspector

    inspector = RequestInspector(rig.bridge)
    qtbot.addWidget(inspector)
    inspector.resize(1200, 700)
    reply = rig.client.request(
        "POST",
        "/EventServer/api/HistoryEvent",
        b'{"identity_id": 1,',
        {"Content-Type": "application/json"},
    )
    assert reply.status == 400
    model = inspector.model
    qtbot.waitUntil(lambda: model.rowCount() == 1, timeout=5000)
    row = model.rows[0]
    assert row["status"] == 400 and row["path"] == "/EventServer/api/HistoryEvent"
    status_col = model.COLUMNS.index("status")
    reply_col = model.COLUMNS.index("reply")
    assert model.index(0, status_col).data() == "400"
    assert "body is not JSON" in model.index(0, reply_col).data()

    inspector.select_row(0)
    qtbot.waitUntil(lambda: inspector.detail is not None, timeout=5000)
    text = inspector.body_view.toPlainText()
    assert '{"identity_id": 1,' in text
    assert "Our answer (400)" in text and "4002" in text
    assert "we answered 400" in inspector.summary.text()


def test_inspector_filters_pages_and_images(rig: Any, qtbot: Any, tmp_path: Path) -> None:
    from gui.ui.installer import inspector as insp

    for i in range(3):
        rig.client.get(f"/missing{i}")
    ir = load_sample("employee_match")["ir_pic"]
    rig.client.post_json("/EventServer/api/HistoryEvent", [{"photo": ir}])
    assert (
        rig.client.post_json(
            "/HistoryEvent", sender.refreshed(load_sample("stranger"), now_ms())
        ).status
        == 200
    )

    def logged() -> int:
        return rig.receiver.store.read_sync(
            lambda c: c.execute("SELECT count(*) FROM requests").fetchone()[0]
        )

    qtbot.waitUntil(lambda: logged() == 5, timeout=5000)
    view = insp.RequestInspector(rig.bridge, curl_dir=tmp_path / "curl")
    qtbot.addWidget(view)
    qtbot.waitUntil(lambda: view.model.rowCount() == 5, timeout=5000)
    view.status_filter.setCurrentIndex(insp.STATUSES.index("404"))
    qtbot.waitUntil(lambda: view.model.rowCount() == 3, timeout=5000)
    view.status_filter.setCurrentIndex(0)
    view.path_filter.setText("/EventServer/api/HistoryEvent")
    view.apply_filters()
    qtbot.waitUntil(lambda: view.model.rowCount() == 1, timeout=5000)
    view.select_row(0)
    qtbot.waitUntil(lambda: view.detail is not None, timeout=5000)
    assert "<JPEG " in view.body_view.toPlainText() and ir not in view.body_view.toPlainText()
    buttons = [view.images_row.itemAt(i).widget() for i in range(view.images_row.count())]
    assert [b.text() for b in buttons] == ["View 0.photo"]

    # copy as curl: the body goes to a file the command references
    view.copy_as_curl()
    qtbot.waitUntil(lambda: "curl" in view.summary.text(), timeout=5000)
    from PySide6.QtGui import QGuiApplication

    command = QGuiApplication.clipboard().text()
    assert "--data-binary @" in command
    path = Path(command.split("--data-binary @", 1)[1].split()[0].strip("'"))
    assert json.loads(path.read_bytes())[0]["photo"] == ir


def test_inspector_model_is_paged_and_bounded(rig: Any, qtbot: Any, monkeypatch: Any) -> None:
    from gui.ui.installer import inspector as insp

    monkeypatch.setattr(insp, "PAGE", 4)
    monkeypatch.setattr(insp, "MAX_ROWS", 6)
    for i in range(9):
        rig.client.get(f"/p{i}")
    qtbot.waitUntil(
        lambda: rig.receiver.store.read_sync(
            lambda c: c.execute("SELECT count(*) FROM requests").fetchone()[0]
        ) == 9,
        timeout=5000,
    )  # fmt: skip
    view = insp.RequestInspector(rig.bridge)
    qtbot.addWidget(view)
    model = view.model
    qtbot.waitUntil(lambda: model.rowCount() == 4, timeout=5000)
    assert model.canFetchMore()
    model.fetchMore()
    qtbot.waitUntil(lambda: model.rowCount() == 8, timeout=5000)
    model.fetchMore()
    assert model.rowCount() == 8  # bounded: no more fetched beyond MAX_ROWS
    ids = [r["id"] for r in model.rows]
    assert ids == sorted(ids, reverse=True) and len(set(ids)) == 8
    rig.client.get("/live")
    qtbot.waitUntil(lambda: model.rows[0]["path"] == "/live", timeout=5000)
    assert model.rowCount() == 6


# ------------------------------------------------------------------------- devices


def test_devices_panel_updates_from_device_status_and_events(rig: Any, qtbot: Any) -> None:
    import random

    from gui.core.simulator import FakeBox, FakeCamera, health_report
    from gui.ui.installer.devices import SPARK_ROLE, DevicesPanel

    panel = DevicesPanel(rig.bridge, rig.settings)
    qtbot.addWidget(panel)
    panel.show()  # pages refresh only while shown
    east_id = "0xe0a509261422__rtsp://192.168.1.100:8554/ch103"
    box = FakeBox("SE3-A1B2C3D4", "192.168.1.19", "1.0", [
        FakeCamera(east_id, "East gate", "192.168.1.100", "rtsp"),
        FakeCamera("SE3-A1B2C3D4__192.168.1.101", "West", "192.168.1.101", "photo"),
    ])  # fmt: skip
    report = health_report(box, random.Random(3), offline={"SE3-A1B2C3D4__192.168.1.101"})
    assert rig.client.post_json("/DeviceStatus", report).status == 200
    model = panel.model
    qtbot.waitUntil(lambda: model.row_of("SE3-A1B2C3D4") is not None, timeout=5000)
    box_row = model.row_of("SE3-A1B2C3D4")
    health = model.index(box_row, model.COLUMNS.index("health")).data()
    assert "CPU" in health and "°C" in health and "sw V6R2.1.0-sim" in health
    west = model.row_of("SE3-A1B2C3D4__192.168.1.101")
    assert "offline" in model.index(west, model.COLUMNS.index("status")).data()
    assert model.index(west, model.COLUMNS.index("status")).data(8) is not None  # red background

    event = sender.refreshed(load_sample("employee_match"), now_ms())
    assert rig.client.post_json("/EventServer/api/RealTimeEvent", event).status == 200

    def spark_of_east() -> list[int]:
        east = model.row_of(event["ep_info"]["ep_id"])
        return model.index(east, model.COLUMNS.index("spark")).data(SPARK_ROLE) or []

    # Not "one more load": the health report's own reload may be the one that ends next.
    qtbot.waitUntil(lambda: sum(spark_of_east()) == 1, timeout=6000)
    east = model.row_of(event["ep_info"]["ep_id"])
    spark = spark_of_east()
    assert sum(spark) == 1 and spark[-1] == 1
    assert "s ago" in model.index(east, model.COLUMNS.index("last_event_at")).data()
    panel.table.selectRow(model.row_of("SE3-A1B2C3D4"))
    assert "gateway_ext_data" in panel.detail.toPlainText()
    # paint the sparkline once (the delegate must not fail)
    panel.resize(1200, 500)
    panel.show()
    assert not panel.table.grab().isNull()


def test_devices_silence_colours(rig: Any, qtbot: Any) -> None:
    from gui.core import silence
    from gui.ui.installer import devices as dev

    event = sender.refreshed(load_sample("blacklist"), now_ms())
    assert rig.client.post_json("/EventServer/api/RealTimeEvent", event).status == 200
    reader = rig.bridge.reader
    later = now_ms() + 11 * 60_000
    rows = dev.load(reader, later, 10, [])
    gate = next(r for r in rows if r["key"] == "gate-2")
    assert gate["level"] == silence.AMBER
    model = dev.DevicesModel()
    model.set_rows(rows, later)
    idx = model.index(model.row_of("gate-2"), model.COLUMNS.index("traffic"))
    assert idx.data() == "silent"
    assert idx.data(8).color().name() == dev.LEVEL_BACKGROUND[silence.AMBER]
    rows = dev.load(reader, now_ms() + 25 * 60_000, 10, [])
    assert next(r for r in rows if r["key"] == "gate-2")["level"] == silence.RED


# ------------------------------------------------------------------------- sending + window


def test_send_test_event_dialog(rig: Any, qtbot: Any) -> None:
    from gui.ui.installer.send import SendTestDialog

    dialog = SendTestDialog(rig.bridge)
    qtbot.addWidget(dialog)
    dialog.shape.setCurrentText("legacy (V2R3/V2R4)")
    dialog.send_button.click()
    qtbot.waitUntil(lambda: dialog.sent is not None, timeout=10000)
    assert dialog.sent.ok and dialog.result_label.text().startswith("OK: 200")
    fmt = rig.receiver.store.read_sync(
        lambda c: c.execute("SELECT format, self_test FROM events").fetchall()
    )
    assert [tuple(r) for r in fmt] == [("legacy", 1)]


def test_pages_in_the_main_window_and_first_start(rig: Any, qtbot: Any) -> None:
    from gui.ui.main_window import MainWindow

    rig.settings.connect_panel_seen = False
    window = MainWindow(rig.settings, rig.bridge)
    qtbot.addWidget(window)
    assert window.page("connect") is not None
    assert window.page("requests") is not None and window.page("devices") is not None
    assert window.tabs.currentWidget() is window.page("connect")
    assert not window.page("connect").settings_button.isHidden()
    assert rig.settings.connect_panel_seen is True
    from gui import settings as settings_mod

    assert settings_mod.load().connect_panel_seen is True
    titles = [a.text() for a in window.menu("tools").actions()]
    assert "Send test event…" in titles and "Connect a box…" in titles

    again = MainWindow(rig.settings, rig.bridge)
    qtbot.addWidget(again)
    assert again.tabs.currentWidget() is not again.page("connect")


def test_traffic_from_this_pc_is_not_a_box(rig: Any, qtbot: Any) -> None:
    from gui.ui.installer.connect import ConnectPanel

    panel = ConnectPanel(rig.bridge, rig.settings, firewall=fake_firewall)
    qtbot.addWidget(panel)
    panel.show()  # pages refresh only while shown
    event = sender.refreshed(load_sample("stranger"), now_ms())
    assert rig.client.post_json("/EventServer/api/RealTimeEvent", event).status == 200
    qtbot.waitUntil(lambda: "this PC" in panel.traffic.text(), timeout=5000)
    assert panel.traffic.text() == (
        "Events from this PC (127.0.0.1) arrive: 1.0 real-time. No box has sent anything yet."
    )
    # the verdicts still cover it (a simulator on this PC is judged like a box)
    qtbot.waitUntil(lambda: panel.verdicts_model.rowCount() > 0, timeout=5000)
    assert panel.verdicts_empty.isHidden()


def test_copy_stored_event_as_curl(rig: Any, qtbot: Any, tmp_path: Path) -> None:
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QWidget

    from gui.ui.installer.send import copy_event_as_curl

    event = sender.refreshed(load_sample("employee_match"), now_ms())
    reply = rig.client.post_json("/EventServer/api/HistoryEvent", event)
    event_id = reply.json()["events"][0]["id"]
    parent = QWidget()
    qtbot.addWidget(parent)
    messages: list[str] = []
    copy_event_as_curl(parent, rig.bridge, event_id, messages.append, folder=tmp_path)
    qtbot.waitUntil(lambda: bool(messages), timeout=5000)
    assert messages[0].startswith("Copied: curl")
    assert QGuiApplication.clipboard().text() == messages[0].removeprefix("Copied: ")
    saved = json.loads((tmp_path / f"event-{event_id}.json").read_bytes())
    assert saved["spot_pic"] == event["spot_pic"] and saved["timestamp"] == event["timestamp"]


def test_quiet_at_night_is_a_per_camera_option(rig: Any, qtbot: Any) -> None:
    from gui import settings as settings_mod
    from gui.ui.installer.devices import DevicesPanel

    panel = DevicesPanel(rig.bridge, rig.settings)
    qtbot.addWidget(panel)
    panel.show()  # pages refresh only while shown
    panel.set_quiet_at_night("gate-2", True)
    assert rig.settings.quiet_at_night == ["gate-2"]
    assert settings_mod.load().quiet_at_night == ["gate-2"]
    panel.set_quiet_at_night("gate-2", False)
    assert rig.settings.quiet_at_night == [] and settings_mod.load().quiet_at_night == []


def test_new_addresses_show_up_by_themselves(qtbot: Any) -> None:
    from gui.ui.installer.connect import ConnectPanel

    current = {"lo": fake_source()["lo"]}
    panel = ConnectPanel(FakeBridge(9528, ""), Settings(), netinfo_source=lambda: dict(current),
                         firewall=fake_firewall)  # fmt: skip
    qtbot.addWidget(panel)
    panel.show()  # pages refresh only while shown
    panel.show()
    assert panel.url_fields == [] and "no IPv4 address" in panel.notices.text()
    current["Ethernet 2"] = fake_source()["Ethernet 2"]  # the installer plugs the cable in
    panel._address_timer.setInterval(50)
    qtbot.waitUntil(lambda: len(panel.url_fields) == 3, timeout=5000)
    assert panel.url_fields[0].text() == "http://192.168.1.50:9528/EventServer/api/HistoryEvent"
    assert panel.notices.isHidden()


def test_installer_screenshots(rig: Any, qtbot: Any) -> None:
    """Saved for people to look at (test-artifacts/screenshots/installer_*.png)."""
    from gui.ui.main_window import MainWindow

    shots = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    window = MainWindow(rig.settings, rig.bridge)
    qtbot.addWidget(window)
    window.resize(1400, 900)
    window.show()
    rig.client.request("POST", "/EventServer/api/HistoryEvent", b"{oops", {})
    rig.client.post_json("/EventServer/api/RealTimeEvent", sender.refreshed(
        load_sample("employee_match"), now_ms() + 8 * 3600 * 1000))  # fmt: skip
    inspector = window.page("requests")
    qtbot.waitUntil(lambda: inspector.model.rowCount() == 2, timeout=5000)
    connect = window.page("connect")
    connect.refresh_verdicts()
    qtbot.waitUntil(lambda: connect.verdicts_model.rowCount() > 0, timeout=5000)
    for key in ("connect", "requests", "devices"):
        window.show_page(key)
        if key == "requests":
            inspector.select_row(1)
            qtbot.waitUntil(lambda: inspector.detail is not None, timeout=5000)
        qtbot.wait(100)
        path = shots / f"installer_{key}.png"
        assert window.grab().save(str(path))
        assert path.stat().st_size > 10_000


def test_hidden_devices_page_waits_until_shown(rig: Any, qtbot: Any) -> None:
    """Hidden pages must not compete with the live feed for the GUI thread."""
    from gui.ui.installer.devices import DevicesPanel

    panel = DevicesPanel(rig.bridge, rig.settings)
    qtbot.addWidget(panel)
    assert not panel.isVisible()
    panel.reload()
    qtbot.wait(300)
    assert panel.loads == 0
    panel.show()
    qtbot.waitUntil(lambda: panel.loads == 1, timeout=5000)


def test_inspector_inserts_live_requests_per_batch(
    rig: Any, qtbot: Any, monkeypatch: Any
) -> None:
    """A burst of requests is one insert (one layout of the table), not one per request,
    and the empty state is not shown and hidden again for each."""
    from gui.ui.installer import inspector as insp

    # a window wide enough for a loaded machine to deliver the burst inside it
    monkeypatch.setattr(insp, "LIVE_BATCH_MS", 1000, raising=False)
    inspector = insp.RequestInspector(rig.bridge)
    qtbot.addWidget(inspector)
    model = inspector.model
    rig.client.get("/first")
    qtbot.waitUntil(lambda: model.rowCount() == 1, timeout=5000)
    inserts: list[tuple[int, int]] = []
    model.rowsInserted.connect(lambda _p, first, last: inserts.append((first, last)))
    shows: list[bool] = []
    inspector.empty.setVisible = lambda on: shows.append(on)  # type: ignore[method-assign]
    for i in range(5):
        rig.client.get(f"/burst{i}")
    qtbot.waitUntil(lambda: model.rowCount() == 6, timeout=5000)
    assert [r["path"] for r in model.rows[:5]] == [f"/burst{i}" for i in reversed(range(5))]
    assert len(inserts) < 5
    assert shows == []
