"""Settings: the dialog saves what it shows, and a new port moves the listener live."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication

from gui import settings as settings_mod
from gui.core.receiver import free_port
from gui.ui.dialogs.settings import SettingsDialog
from tests.conftest import Client
from tests.ui.desktop_fixtures import variant


def test_round_trip_and_relisten_without_restart(window, core, qtbot, tmp_path) -> None:
    dialog = SettingsDialog(window.settings, window)
    qtbot.addWidget(dialog)
    new_port = free_port()
    dialog.port.setValue(new_port)
    dialog.bind.setText("127.0.0.1")
    dialog.data_dir.setText(str(tmp_path / "elsewhere"))
    dialog.theme.setCurrentIndex(dialog.theme.findData("dark"))
    dialog.colour_buttons["3"].set_colour("#112233")
    assert dialog.box_gap_fill.isChecked()  # on by default
    dialog.box_gap_fill.click()
    dialog.apply_to(window)

    stored = settings_mod.load()
    assert stored.port == new_port
    assert stored.bind == "127.0.0.1"
    assert stored.data_dir == str(tmp_path / "elsewhere")
    assert stored.theme == "dark"
    assert stored.overlay_colours == {"3": "#112233"}
    assert stored.box_gap_fill is False
    assert window.settings.port == new_port
    assert window.settings.box_gap_fill is False

    qtbot.waitUntil(lambda: core.thread.receiver.port == new_port, timeout=5000)
    reply = Client(new_port).post_json("/EventServer/api/HistoryEvent", variant("blacklist"))
    assert reply.status == 200
    qtbot.waitUntil(lambda: window.feed_model.rowCount() == 1, timeout=5000)
    assert window.feed_model.index(0).data(window.feed_model.ColourRole) == "#112233"

    again = SettingsDialog(settings_mod.load(), window)
    qtbot.addWidget(again)
    assert again.values() == {
        "port": new_port,
        "bind": "127.0.0.1",
        "data_dir": str(tmp_path / "elsewhere"),
        "language": "",
        "theme": "dark",
        "overlay_colours": {"3": "#112233"},
        "box_gap_fill": False,
    }
    from gui.ui import theme

    theme.apply_theme(QApplication.instance(), "light")


def test_window_state_is_saved_without_one_off_command_line_values(window, core, qtbot) -> None:
    from gui.ui.app import create_main_window

    settings_mod.save(settings_mod.Settings(port=9528))
    window.settings.override(port=12345)  # as if started with --port 12345
    window.set_layout("stacked")
    window.live_splitter.setSizes([250, 550])
    window.detail.photo_splitter.setSizes([700, 200])
    before = (window.live_splitter.sizes(), window.detail.photo_splitter.sizes())
    window.save_ui_state()
    stored = settings_mod.load()
    assert stored.port == 9528
    assert stored.layout == "stacked"
    remembered = settings_mod.load_window_state()
    assert remembered.geometry and remembered.splitters.count(";") == 2

    again = create_main_window(stored, core.thread, bridge=core.bridge, install_features=False)
    qtbot.addWidget(again)
    again.resize(window.size())
    again.show()
    qtbot.waitExposed(again)
    assert again.live_splitter.orientation() == window.live_splitter.orientation()
    assert (again.live_splitter.sizes(), again.detail.photo_splitter.sizes()) == before
    again.close()


def test_a_taken_port_is_refused_and_the_listener_stays(window, core, qtbot) -> None:
    import socket

    from PySide6.QtWidgets import QDialog

    from gui.ui.dialogs.settings import relisten

    blocker = socket.socket()
    blocker.bind(("127.0.0.1", 0))
    blocker.listen()
    taken = blocker.getsockname()[1]
    try:
        dialog = SettingsDialog(window.settings, window)
        qtbot.addWidget(dialog)
        dialog.port.setValue(taken)
        dialog.accept()
        assert dialog.result() != QDialog.DialogCode.Accepted
        assert str(taken) in dialog.warning_box.text()

        # Even if the port is taken between the check and the move: back to the old one.
        old = core.port
        future = relisten(window, "127.0.0.1", taken)
        assert isinstance(future.exception(5), OSError)
        assert core.thread.receiver.port == old
        reply = Client(old).post_json("/EventServer/api/HistoryEvent", variant("stranger"))
        assert reply.status == 200
    finally:
        blocker.close()


def test_changing_only_the_theme_keeps_no_command_line_port_or_bind(core, qtbot, tmp_path) -> None:
    """``--port 21529 --bind 127.0.0.1``, then only the theme: the next start still listens
    where the stored settings say, on every interface."""
    from gui import cli
    from gui.ui.alarms.rules import AlarmRulesDialog
    from gui.ui.app import create_main_window
    from gui.ui.history.retention_dialog import RetentionDialog

    settings_mod.save(settings_mod.Settings(port=9528))
    args = cli.build_parser().parse_args(
        ["--port", "21529", "--bind", "127.0.0.1", "--data-dir", str(tmp_path), "--wall"]
    )
    current = cli.effective_settings(args)
    w = create_main_window(current, core.thread, bridge=core.bridge, install_features=False)
    qtbot.addWidget(w)
    dialog = SettingsDialog(w.settings, w)
    qtbot.addWidget(dialog)
    assert (dialog.port.value(), dialog.bind.text()) == (21529, "127.0.0.1")
    dialog.theme.setCurrentIndex(dialog.theme.findData("dark"))
    dialog.apply_to(w)
    try:
        rules = AlarmRulesDialog(w.settings, w)
        qtbot.addWidget(rules)
        rules.volume.setValue(35)
        rules.apply()
        storage = RetentionDialog(w.settings, w)
        qtbot.addWidget(storage)
        storage.events_days.setValue(12)
        storage.accept()

        stored = settings_mod.load()
        assert (stored.port, stored.bind, stored.data_dir) == (9528, "", "")
        assert (stored.theme, stored.alarm_volume, stored.keep_events_days) == ("dark", 0.35, 12)
        assert stored.start_in_wall is False
        # This run still uses its command-line values.
        assert (w.settings.port, w.settings.bind, w.settings.start_in_wall) == (
            21529, "127.0.0.1", True,
        )  # fmt: skip
    finally:
        from gui.ui import theme

        theme.apply_theme(QApplication.instance(), "light")


def test_one_dialog_holds_the_general_alarm_and_storage_sections(rig, qtbot) -> None:
    from gui.ui.main_window import MainWindow

    window = MainWindow(rig.settings, rig.bridge)
    qtbot.addWidget(window)
    dialog = window.settings_dialog()
    qtbot.addWidget(dialog)
    tabs = dialog.tabs
    assert [tabs.tabText(i) for i in range(tabs.count())] == ["General", "Alarms", "Storage", "TLS"]
    alarms, storage = dialog.sections["alarms"], dialog.sections["storage"]
    assert alarms.parent() is not None and not alarms.isWindow() and alarms.buttons.isHidden()
    assert not storage.isWindow() and storage.buttons.isHidden()
    assert hasattr(alarms, "test_sound_button")  # the same section as Alarms → Alarm settings…

    tabs.setCurrentIndex(1)
    alarms.cooldown.setValue(7)
    tabs.setCurrentIndex(2)
    storage.events_days.setValue(21)
    dialog.apply_to(window)
    assert (rig.settings.alarm_cooldown_s, rig.settings.keep_events_days) == (7, 21)
    stored = settings_mod.load()
    assert (stored.alarm_cooldown_s, stored.keep_events_days) == (7, 21)

    again = window.settings_dialog("storage")
    qtbot.addWidget(again)
    assert again.tabs.currentIndex() == 2
    assert again.sections["storage"].events_days.value() == 21


def test_an_attached_dialog_shows_the_pinned_certificate(qtbot, tmp_path) -> None:
    from gui.core.remote_client import RemoteServer

    server = RemoteServer.parse("https://gate-server:9529", "tok", "sha256:" + "ab" * 32)
    dialog = SettingsDialog(settings_mod.Settings(port=9528), None, server=server)
    qtbot.addWidget(dialog)
    rows = dialog.server_rows
    assert rows["url"].text() == "https://gate-server:9529"
    assert rows["certificate"].text() == "pinned: SHA-256 " + ":".join(["AB"] * 32)
    assert dialog.port.isHidden() and dialog.bind.isHidden() and dialog.box_gap_fill.isHidden()
    assert "tls" not in dialog._keys
    dialog.show_user(None)
    assert rows["user"].text() == "unknown (the server did not answer)"
