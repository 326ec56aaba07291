"""Screenshots of a window attached to a remote receiver (``gatewatch --connect``).

    xvfb-run -n 94 -s "-screen 0 1920x1080x24" \\
        .venv/bin/python -m tests.journeys.attached_tour --lang en --out DIR

Starts ``gatewatch --headless`` on a throw-away data folder, feeds it the
bundled samples and a simulated stream, builds the attached window as
``gatewatch --connect`` does, and saves each page, the wall, the connect
dialog, and the status bar while the receiver is down and after it is back:
``attached-<lang>-<W>x<H>-<name>.png``. Look at them.
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

PAGES = ("live", "history", "stats", "alarms", "requests", "devices")


def _gatewatch(*args: str) -> list[str]:
    return [sys.executable, "-m", "gui", *args]


async def _run(*cmd: str) -> None:
    proc = await asyncio.create_subprocess_exec(
        *cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    await proc.wait()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lang", default="en")
    parser.add_argument("--out", type=Path, default=Path("test-artifacts/screenshots/attached"))
    parser.add_argument("--simulate", type=float, default=6.0, help="seconds of simulated stream")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="gatewatch-attached-tour-"))
    os.environ["GATEWATCH_CONFIG_DIR"] = str(work / "config")

    from tests.core.procs import Headless

    server = Headless(work / "server")
    port = server.wait_listening()
    url = f"http://127.0.0.1:{port}"

    from PySide6.QtWidgets import QApplication

    from gui.core.remote_client import RemoteServer
    from gui.settings import Settings
    from gui.ui import app as app_mod

    current = Settings(data_dir=str(work / "me"), language=args.lang)
    app = app_mod.prepare_application(current)
    app.setQuitOnLastWindowClosed(False)
    import qasync

    from gui.ui.bridge import CoreBridge

    thread = app_mod.build_attached(current, RemoteServer.parse(url))
    bridge = CoreBridge(thread)
    app_mod.start_receiver(thread)
    window = app_mod.create_main_window(current, thread, bridge=bridge)
    screen = app.primaryScreen().geometry()
    size = f"{screen.width()}x{screen.height()}"
    window.setGeometry(app.primaryScreen().availableGeometry())
    window.show()

    def shot(name: str) -> None:
        path = args.out / f"attached-{args.lang}-{size}-{name}.png"
        app.primaryScreen().grabWindow(0).save(str(path))
        print(path)

    async def tour() -> None:
        nonlocal server
        await asyncio.sleep(1.5)
        shot("empty")
        await _run(*_gatewatch("send", url, "--sample", "all", "--quiet"))
        await _run(*_gatewatch("simulate", url, "--rate", "4", "--duration",
                               str(args.simulate), "--seed", "7"))  # fmt: skip
        await asyncio.sleep(2.5)
        for page in PAGES:
            window.show_page(page)
            await asyncio.sleep(1.5)
            if page == "requests":
                window.page("requests").table.selectRow(0)
                await asyncio.sleep(0.8)
            shot(page)
        window.show_page("live")
        from tests.journeys.harness import alarms_of

        alarms = alarms_of(window)
        wall = alarms.enter_wall()
        await asyncio.sleep(2.5)
        shot("wall")
        wall.leave()
        await asyncio.sleep(0.5)

        from gui.ui.dialogs.connect_server import ConnectServerDialog

        dialog: Any = ConnectServerDialog(bridge, window, launch=lambda _s: None)
        dialog.url_edit.setText("https://gatehouse-2:9528")
        dialog.show()
        await asyncio.sleep(0.8)
        shot("dialog-connect")
        dialog.reject()
        settings = window.settings_dialog()  # the server's address, certificate, user
        settings.show()
        await asyncio.sleep(1.5)
        shot("dialog-settings")
        settings.reject()
        window.show_page("stats")

        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, server.kill9)
        await asyncio.sleep(3.0)
        window.page("stats").refresh()  # a read while the server is down
        await asyncio.sleep(2.0)
        shot("disconnected")
        server = await loop.run_in_executor(None, lambda: Headless(work / "server", port=port))
        await loop.run_in_executor(None, server.wait_listening)
        await _run(*_gatewatch("send", url, "--sample", "blacklist", "--quiet"))
        await asyncio.sleep(8.0)
        shot("reconnected")  # Statistics counted again by itself

    try:
        qasync.run(tour())
    finally:
        window.close()
        app_mod.shutdown(window, thread)
        QApplication.processEvents()
        server.ensure_dead()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
