"""The desktop app: QApplication, the core on its own thread, the main window, qasync.

Order matters: the QApplication exists before qasync is imported (qasync
picks its Qt binding at import), the bridge subscribes before the receiver
starts (so it sees the first ``ServerStateChanged``), and shutdown is explicit:
closing the window stops the receiver thread (listener stopped, in-flight
uploads given a short grace, store closed), then the loop ends.

A port already in use does not end the app: the window opens and says what
to do; choosing another port in Settings starts listening without a restart.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import sys
import time
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from gui import logs
from gui.core.receiver import Receiver, ReceiverThread
from gui.settings import Settings

log = logging.getLogger(__name__)

#: The receiver thread gets this long to stop when the window closes.
STOP_TIMEOUT = 2.5


class DesktopReceiverThread(ReceiverThread):
    """The core thread of the desktop app: it stays up when the port is taken.

    The store stays open (the feed and history still work) and ``relisten``
    can bring the listener up on another port later. A shared database that
    cannot be reached is retried by the thread itself; the window says so.
    """

    def __init__(self, receiver: Receiver) -> None:
        super().__init__(receiver, survive_port_in_use=True, wait_for_store=True)


def build_receiver(current: Settings) -> DesktopReceiverThread:
    """The receiver with every core feature installed, on its (not yet started) thread."""
    from gui.core import features
    from gui.headless import receiver_config

    config = receiver_config(current)
    # The window's GUI thread shares the cores with the receiver's threads: the
    # thumbnail thread (background work) gives way to it.
    config.lower_thumbnails = True
    receiver = Receiver(config)
    features.install(receiver, current)
    return DesktopReceiverThread(receiver)


def build_attached(current: Settings, server: Any) -> ReceiverThread:
    """The core of a window attached to ``server`` (a ``RemoteServer``): no receiver here.

    It runs on its own loop thread like a receiver; files the window writes
    (exports, curl scripts) go to this PC's data folder.
    """
    from gui.core.attached import AttachedCore

    return ReceiverThread(AttachedCore(server, data_dir=current.resolved_data_dir()))


def start_receiver(thread: ReceiverThread) -> BaseException | None:
    """Start listening; the error (port in use, unwritable data dir...) is returned, not raised."""
    try:
        thread.start()
    except Exception as exc:
        log.error("receiver did not start: %s", exc)
        return exc
    return None


#: How long a thread may hold the GIL while another waits (Python's default is 5 ms).
GIL_SWITCH_INTERVAL = 0.001


def prepare_application(current: Settings, argv: list[str] | None = None) -> QApplication:
    """The QApplication with theme, CJK-capable font and translators installed.

    Also shortens the GIL switch interval: every time Qt calls into Python (a
    paint, a slot) the GUI thread must take the GIL from the busy core thread,
    and the wait is up to one interval each time.
    """
    from gui.ui import i18n, qt_messages, theme

    qt_messages.install()
    sys.setswitchinterval(GIL_SWITCH_INTERVAL)

    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("Gatewatch")
    app.setOrganizationName("Gatewatch")
    with contextlib.suppress(Exception):
        from gui import __version__

        app.setApplicationVersion(__version__)
    theme.apply_theme(app, current.theme)
    theme.apply_fonts(app)
    i18n.install(current.language)
    return app


def create_main_window(
    current: Settings,
    receiver_thread: ReceiverThread,
    *,
    start_error: BaseException | None = None,
    bridge: Any = None,
    install_features: bool = True,
) -> Any:
    """The main window on an (already started) receiver thread; usable from pytest-qt."""
    from gui.ui.bridge import CoreBridge
    from gui.ui.main_window import MainWindow

    if bridge is None:
        bridge = CoreBridge(receiver_thread)
    return MainWindow(current, bridge, start_error=start_error, install_features=install_features)


def shutdown(window: Any, receiver_thread: ReceiverThread, timeout: float = STOP_TIMEOUT) -> float:
    """Stop the core (listener, tasks, store) and the bridge; returns the seconds it took."""
    started = time.monotonic()
    from gui.ui.background import BackgroundWork

    bridge = getattr(window, "bridge", None)
    if getattr(bridge, "attached", False):
        # Attached: stopping the core first cancels the requests the reads wait on
        # (a server that stopped answering must not hold the window's closing).
        with contextlib.suppress(Exception):
            receiver_thread.stop(timeout)
    # Reads in flight must finish before the store closes its connections under them.
    BackgroundWork.close_all()
    with contextlib.suppress(Exception):
        receiver_thread.stop(timeout)
    if bridge is not None:
        with contextlib.suppress(Exception):
            bridge.close()
    took = time.monotonic() - started
    log.info("core stopped in %.2f s", took)
    return took


def stop_on_signals(holder: dict[str, Any]) -> QTimer:
    """Ctrl+C / SIGTERM close the window (the normal, clean path).

    Installed before the receiver starts; a signal that arrives before the
    window exists is remembered and honoured as soon as it does. Python only
    runs signal handlers when it gets control, so a light timer gives it some.
    """
    import signal

    def handler(*_: Any) -> None:
        holder["stop"] = True
        window = holder.get("window")
        if window is not None:
            QTimer.singleShot(0, window.close)

    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(ValueError, OSError):  # not the main thread / not supported
            signal.signal(sig, handler)
    timer = QTimer()
    timer.setInterval(250)
    timer.timeout.connect(lambda: None)
    timer.start()
    return timer


def run_desktop(current: Settings, args: argparse.Namespace) -> int:
    """``gatewatch`` without ``--headless``: the window, the core thread, the qasync loop."""
    started = time.monotonic()
    from gui import preflight

    try:
        logs.setup(current.resolved_data_dir(), current.log_level)
    except OSError as exc:
        preflight.say(f"cannot use the data folder {current.resolved_data_dir()}: {exc}")
        return preflight.EXIT_DATA_DIR
    app = prepare_application(current)
    from gui.ui.gui_gc import GuiThreadGarbageCollector

    GuiThreadGarbageCollector(app)  # never a QObject freed by the collector on a worker
    from gui.ui import startup

    server = getattr(args, "remote_server", None)
    if server is not None:
        refused = startup.prepare_attached(app, current)
        server = startup.trust_attached(current, server)
        if server is None:
            url = args.remote_server.url
            preflight.say(f"not connected to {url}: its certificate was not trusted")
            return 1
    else:
        refused = startup.prepare(app, current, args)
    if refused is not None:
        return refused  # 0: another instance was raised instead
    import qasync  # after the QApplication (qasync binds to the running Qt)

    app.setQuitOnLastWindowClosed(False)  # closing is explicit: see ``main`` below
    holder: dict[str, Any] = {}
    signal_timer = stop_on_signals(holder)
    thread = build_receiver(current) if server is None else build_attached(current, server)
    from gui.ui.bridge import CoreBridge

    bridge = CoreBridge(thread)  # subscribe before start: the first ServerStateChanged is seen
    error = start_receiver(thread)
    window = create_main_window(current, thread, start_error=error, bridge=bridge)
    window.show()
    from gui.ui.gui_gc import set_startup_heap_aside

    log.debug("startup heap set aside from collection: %d objects", set_startup_heap_aside())
    log.info(
        "window up and %s in %.2f s",
        ("attached to " + server.url) if server is not None
        else "listening" if error is None else "NOT listening",
        time.monotonic() - started,
    )  # fmt: skip

    holder["window"] = window
    # A close before ``main`` below runs (Qt can process events before the loop
    # starts) must not be lost: the app would then only end on app.quit.
    window.closing.connect(lambda: holder.__setitem__("closed", True))

    async def main() -> int:
        closed = asyncio.get_running_loop().create_future()

        def on_closing() -> None:
            if not closed.done():
                closed.set_result(None)

        window.closing.connect(on_closing)
        app.aboutToQuit.connect(on_closing)
        if holder.get("stop"):  # a signal came while starting up
            window.close()
        if holder.get("closed"):  # closed while starting up
            on_closing()
        await closed
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, shutdown, window, thread)
        return 0

    try:
        code = qasync.run(main())
    except (KeyboardInterrupt, RuntimeError) as exc:
        if isinstance(exc, RuntimeError) and "Event loop stopped" not in str(exc):
            raise
        shutdown(window, thread)
        code = 0
    signal_timer.stop()
    QTimer.singleShot(0, app.quit)
    return int(code or 0)
