"""Screenshots of every page and dialog of the real app on a real (virtual) screen.

    xvfb-run -n 98 -s "-screen 0 1920x1080x24" \\
        .venv/bin/python -m tests.journeys.screenshot_tour --lang zh_CN --out DIR

Builds the app as ``gatewatch`` does, on a throw-away data folder, feeds it the
bundled samples (``gatewatch send``), a simulated stream (``gatewatch
simulate``) and one refused request, then opens each page and dialog in turn
and saves what the screen shows: ``<lang>-<W>x<H>-<name>.png``. Look at them.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

PAGES = ("live", "history", "stats", "alarms", "connect", "requests", "devices")


def _gatewatch(*args: str) -> list[str]:
    return [sys.executable, "-m", "gui", *args]


async def _run(*cmd: str) -> None:
    proc = await asyncio.create_subprocess_exec(
        *cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    await proc.wait()


async def _menu_dialog(window: Any, menu: str, index: int, name: str, shot: Any) -> None:
    """Choose the ``index``-th item of ``menu`` (it opens a modal question), shoot, cancel."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QDialog

    action = [a for a in window.menu(menu).actions() if a.text()][index]
    QTimer.singleShot(0, action.trigger)
    await asyncio.sleep(1.0)
    shot(name)
    for w in QApplication.topLevelWidgets():
        if isinstance(w, QDialog) and w.isVisible():
            w.reject()
    await asyncio.sleep(0.2)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lang", default="en")
    parser.add_argument("--out", type=Path, default=Path("test-artifacts/screenshots/tour"))
    parser.add_argument("--simulate", type=float, default=6.0, help="seconds of simulated stream")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="gatewatch-tour-"))
    os.environ["GATEWATCH_CONFIG_DIR"] = str(work / "config")

    from PySide6.QtWidgets import QApplication

    from gui.settings import Settings
    from gui.ui import app as app_mod

    current = Settings(port=0, bind="0.0.0.0", data_dir=str(work / "data"), language=args.lang)
    app = app_mod.prepare_application(current)
    app.setQuitOnLastWindowClosed(False)
    import qasync

    from gui.ui.bridge import CoreBridge

    thread = app_mod.build_receiver(current)
    bridge = CoreBridge(thread)
    error = app_mod.start_receiver(thread)
    window = app_mod.create_main_window(current, thread, start_error=error, bridge=bridge)
    screen = app.primaryScreen().geometry()
    size = f"{screen.width()}x{screen.height()}"
    window.setGeometry(app.primaryScreen().availableGeometry())
    window.show()
    url = f"http://127.0.0.1:{thread.receiver.port}"

    def shot(name: str) -> None:
        path = args.out / f"{args.lang}-{size}-{name}.png"
        app.primaryScreen().grabWindow(0).save(str(path))
        print(path)

    async def show(widget: Any, name: str, wait: float = 0.8) -> None:
        widget.show()
        widget.raise_()
        await asyncio.sleep(wait)
        shot(name)
        widget.close()

    async def tour() -> None:
        await asyncio.sleep(1.0)
        shot("first-start")
        window.show_page("live")
        await asyncio.sleep(0.5)
        shot("live-empty")
        for page in ("requests", "devices"):  # empty pages say what to do
            window.show_page(page)
            await asyncio.sleep(0.6)
            shot(f"{page}-empty")
        await _run(*_gatewatch("send", url, "--sample", "all", "--quiet"))
        await _run(*_gatewatch("simulate", url, "--rate", "4", "--duration",
                               str(args.simulate), "--seed", "7"))  # fmt: skip
        await _run(*_gatewatch("send", url, "--file", os.devnull, "--quiet"))
        await asyncio.sleep(2.5)
        for page in PAGES:
            window.show_page(page)
            await asyncio.sleep(1.2)
            if page == "requests":
                inspector = window.page("requests")
                inspector.table.selectRow(0)
                await asyncio.sleep(0.8)
            shot(page)

        from gui.ui.alarms.rules import AlarmRulesDialog
        from gui.ui.dialogs.about import AboutDialog
        from gui.ui.history.export_dialog import ExportDialog
        from gui.ui.history.retention_dialog import RetentionDialog
        from gui.ui.installer.send import SendTestDialog
        from tests.journeys.harness import alarms_of

        alarms = alarms_of(window)
        page = window.page("history")
        dialogs = {
            "settings": lambda: window.settings_dialog(),  # with the Alarms and Storage tabs
            "settings-tls": lambda: window.settings_dialog("tls"),  # certificate, key, TLS port
            "alarm-settings": lambda: AlarmRulesDialog(current, window, sound=alarms.center.sound),
            "send-test": lambda: SendTestDialog(bridge, window),
            "about": lambda: AboutDialog(current.resolved_data_dir(), window),
            "export": lambda: ExportDialog(bridge, page.build_filter(), page.model.count, window),
            "retention": lambda: RetentionDialog(current, window),
        }
        from gui.ui.dialogs.connect_server import ConnectServerDialog

        dialogs["connect-server"] = lambda: ConnectServerDialog(
            bridge, window, launch=lambda _s: None
        )
        for name, make in dialogs.items():
            await show(make(), f"dialog-{name}")
        await _menu_dialog(window, "tools", 4, "dialog-replay", shot)  # Replay selected event to…
        window.show_page("live")
        await asyncio.sleep(0.5)
        window.detail._open_full_size()  # what a double-click on the photo does
        await asyncio.sleep(1.0)
        shot("dialog-full-size-photo")
        for w in QApplication.topLevelWidgets():
            if w is not window and w.isVisible():
                w.close()
        window.show_page("alarms")
        alarms.banner.acknowledge_current()  # the acknowledgement strip with Undo
        await asyncio.sleep(0.8)
        shot("acknowledged")
        wall = alarms.enter_wall()
        await asyncio.sleep(2.0)
        shot("wall")
        wall.leave()
        await asyncio.sleep(0.3)
        alarms.banner.hide()

    try:
        qasync.run(tour())
    finally:
        window.close()
        app_mod.shutdown(window, thread)
        QApplication.processEvents()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
