"""Settings as a user opens it from the File menu: the port in use, TLS for other PCs."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QDialogButtonBox, QLabel

from gui import settings as settings_mod
from tests.journeys.harness import App, menu_action, press, settle, top_level, until


async def open_settings(app: App) -> object:
    from gui.ui.dialogs.settings import SettingsDialog

    press(menu_action(app.window, "file", "Settings…"))
    return await until(lambda: top_level(SettingsDialog), what="the Settings dialog")


def ok_button(dialog: object) -> object:
    return dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)


def test_started_on_port_0_settings_shows_the_port_in_use_and_keeps_0(app: App) -> None:
    """``--port 0`` (the system picks a port): the dialog showed "1", the spin box's minimum."""

    async def journey() -> None:
        await until(lambda: app.window.state_label.text() == "Listening", what="listening")
        assert app.settings.port == 0 and app.port > 0
        dialog = await open_settings(app)
        assert dialog.port.value() == app.port
        note = dialog.findChild(QLabel, "portInUse")
        assert note.isVisible() and str(app.port) in note.text()
        # Something else changed, OK: the port stays "any free port", nothing moves.
        dialog.theme.setCurrentIndex(dialog.theme.findData("dark"))
        ok_button(dialog).click()
        await until(lambda: not dialog.isVisible(), what="the dialog closed")
        await settle(0.3)
        assert app.settings.port == 0
        assert settings_mod.load().port == 0
        assert app.thread.receiver.port == app.port_before  # type: ignore[attr-defined]

        again = await open_settings(app)
        again.theme.setCurrentIndex(again.theme.findData("light"))
        ok_button(again).click()
        await until(lambda: not again.isVisible(), what="closed again")

    app.port_before = app.port  # type: ignore[attr-defined]
    app.run(journey)


def _pair(folder: Path, name: str) -> tuple[Path, Path, str]:
    from gui.core.pinning import fingerprint, readable
    from gui.core.tls import make_self_signed, pem_to_der, write_pair

    cert_pem, key_pem = make_self_signed(["127.0.0.1", name])
    cert, key = folder / f"{name}.crt", folder / f"{name}.key"
    write_pair(cert, key, cert_pem, key_pem)
    return cert, key, readable(fingerprint(pem_to_der(cert_pem)))


def test_tls_fields_check_the_pair_show_the_fingerprint_and_apply_at_next_start(
    app: App, tmp_path: Path
) -> None:
    from gui.headless import receiver_config

    cert, key, shown = _pair(tmp_path, "gate-server")
    _other_cert, other_key, _ = _pair(tmp_path, "other")

    async def journey() -> None:
        dialog = await open_settings(app)
        tabs = dialog.tabs
        titles = [tabs.tabText(i) for i in range(tabs.count())]
        tabs.setCurrentIndex(titles.index("TLS"))
        section = dialog.tls
        assert "TLS is off" in section.verdict.text()

        # A file that is not there: said at once, and OK refuses.
        section.cert.setText(str(tmp_path / "missing.crt"))
        section.cert.editingFinished.emit()
        assert "does not exist" in section.verdict.text()
        # The key of another certificate: refused, named.
        section.cert.setText(str(cert))
        section.key.setText(str(other_key))
        section.key.editingFinished.emit()
        assert "does the key belong to the certificate" in section.verdict.text()
        ok_button(dialog).click()
        await settle(0.2)
        assert dialog.isVisible() and "does the key belong" in dialog.warning_box.text()
        dialog.warning_box.close()
        assert settings_mod.load().tls_cert == ""

        # The right key: the fingerprint other PCs pin is shown.
        section.key.setText(str(key))
        section.key.editingFinished.emit()
        assert "match" in section.verdict.text() and shown in section.verdict.text()
        section.port.setValue(19529)
        ok_button(dialog).click()
        await until(lambda: not dialog.isVisible(), what="the dialog closed")
        await until(lambda: app.settings.tls_cert == str(cert), what="applied")
        stored = settings_mod.load()
        assert (stored.tls_cert, stored.tls_key, stored.tls_port) == (str(cert), str(key), 19529)
        # What the next start listens with (as --tls-cert/--tls-key/--tls-port give it).
        config = receiver_config(stored)
        assert (config.tls_cert, config.tls_key, config.tls_port) == (str(cert), str(key), 19529)

    app.run(journey)


def test_settings_apply_as_ok_is_pressed(app: App) -> None:
    """What the dialog changed holds the moment OK is pressed, not once its nested loop ends."""

    async def journey() -> None:
        dialog = await open_settings(app)
        theme = "dark" if app.settings.theme != "dark" else "light"
        dialog.theme.setCurrentIndex(dialog.theme.findData(theme))
        ok_button(dialog).click()
        # No await in between: the loop has not turned since OK was pressed.
        assert app.settings.theme == theme
        await until(lambda: not dialog.isVisible(), what="the dialog closed")

    app.run(journey)
