"""Journey tests: the app as it really runs, driven the way a user drives it.

``app`` builds what ``gatewatch`` builds (``gui/ui/app.py``): the QApplication
prepared by ``prepare_application``, the receiver with every core feature on
its own core thread, the bridge subscribed before the receiver starts, and the
main window with every desktop feature installed. A journey is a coroutine run
by ``app.run(journey)`` under ``qasync.run`` — the same loop, and on Python
3.11 the same event-loop policy, as the real app — so background work that
breaks there breaks here too.

Users press things from the event loop, not from inside a coroutine, so
``press``/``click`` deliver the press on the next loop turn; a modal dialog it
opens runs its own loop while the journey keeps polling with ``until``.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtGui import QAction
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractButton, QApplication, QWidget

from tests.conftest import Client, load_sample

EVENT_PATH = "/EventServer/api/HistoryEvent"


async def until(predicate: Callable[[], Any], timeout: float = 10.0, what: str = "") -> Any:
    """Let the loop run until ``predicate()`` is truthy; fail the journey after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up after {timeout} s waiting for {what or predicate}")
        await asyncio.sleep(0.02)


async def settle(seconds: float = 0.1) -> None:
    """Let queued signals and repaints run."""
    await asyncio.sleep(seconds)


def click(widget: QWidget, button: Qt.MouseButton = Qt.MouseButton.LeftButton) -> None:
    """A mouse click on ``widget``, delivered from the event loop like a real one."""
    assert widget.isVisible(), f"{widget!r} is not visible: a user cannot press it"
    assert widget.isEnabled(), f"{widget!r} is disabled: a user cannot press it"
    QTimer.singleShot(0, lambda: QTest.mouseClick(widget, button, pos=widget.rect().center()))


def double_click(widget: QWidget, pos: QPoint) -> None:
    """A double click as a mouse makes it: a click, then the double-click."""

    def both() -> None:
        QTest.mouseClick(widget, Qt.MouseButton.LeftButton, pos=pos)
        QTest.mouseDClick(widget, Qt.MouseButton.LeftButton, pos=pos)

    QTimer.singleShot(0, both)


def press(action: QAction) -> None:
    """A menu item chosen by the user (``QAction.trigger`` on the next loop turn)."""
    assert action.isEnabled(), f"{action.text()!r} is disabled"
    QTimer.singleShot(0, action.trigger)


def menu_action(window: Any, menu: str, text: str) -> QAction:
    """The action a user finds under ``menu`` by its visible text (``&`` and ``…`` ignored)."""

    def norm(s: str) -> str:
        return s.replace("&", "").strip()

    for action in window.menu(menu).actions():
        if norm(action.text()) == norm(text):
            return action
    names = [norm(a.text()) for a in window.menu(menu).actions() if a.text()]
    raise AssertionError(f"no {text!r} in the {menu} menu: {names}")


def button(parent: QWidget, text: str) -> QAbstractButton:
    """The visible button a user would read as ``text``."""
    found = [
        b
        for b in parent.findChildren(QAbstractButton)
        if b.text().replace("&", "") == text and b.isVisible()
    ]
    assert found, f"no visible {text!r} button in {parent!r}"
    return found[0]


def alarms_of(window: Any) -> Any:
    """The alarms feature of the main window (banner, centre, wall)."""
    from gui.ui.alarms.install import AlarmsFeature

    return window.feature(AlarmsFeature)


def top_level(kind: type, title: str | None = None) -> Any:
    """The visible top-level window of ``kind`` (a dialog a press opened), or None."""
    for w in QApplication.topLevelWidgets():
        if isinstance(w, kind) and w.isVisible() and (title is None or title in w.windowTitle()):
            return w
    return None


class App:
    """The running app: window, bridge, receiver thread, and a client for boxes."""

    def __init__(self, window: Any, thread: Any, bridge: Any, settings: Any) -> None:
        self.window = window
        self.thread = thread
        self.bridge = bridge
        self.settings = settings

    @property
    def port(self) -> int:
        return int(self.thread.receiver.port)

    @property
    def box(self) -> Client:
        return Client(self.port)

    def run(self, journey: Callable[[], Awaitable[Any]], timeout: float = 60.0) -> Any:
        """Run ``journey()`` inside the app's qasync loop, as ``run_desktop`` does."""
        import qasync

        async def main() -> Any:
            return await asyncio.wait_for(journey(), timeout)

        return qasync.run(main())

    async def post(self, event: dict[str, Any], path: str = EVENT_PATH) -> int:
        """A box posts ``event`` (from another thread, like a real box); returns the stored id."""
        loop = asyncio.get_running_loop()
        reply = await loop.run_in_executor(None, self.box.post_json, path, event)
        assert reply.status == 200, reply.body[:300]
        return int(reply.json()["events"][0]["id"])

    async def in_core(self, coro_factory: Callable[[], Awaitable[Any]]) -> Any:
        """Await a coroutine on the core's loop (what a core task would do)."""
        return await asyncio.wrap_future(self.bridge.in_core(coro_factory))

    def stored_count(self) -> int:
        conn = self.bridge.receiver.store.reader()
        return int(conn.execute("SELECT count(*) FROM events").fetchone()[0])


_unique = iter(range(1, 10**9))


def fresh(name: str, **changes: Any) -> dict[str, Any]:
    """A sample with a fresh, recent timestamp (a new event for the store)."""
    import copy

    event = copy.deepcopy(load_sample(name))
    event["timestamp"] = int(time.time() * 1000) - 1000 - next(_unique)
    event.update(changes)
    return event


def make_settings(tmp_path: Path, **changes: Any) -> Any:
    from gui.settings import Settings

    values: dict[str, Any] = {"port": 0, "bind": "127.0.0.1", "data_dir": str(tmp_path / "data")}
    values.update(changes)
    return Settings(**values)


@pytest.fixture
def app_settings(tmp_path: Path) -> Any:
    """Override in a test module to start the app with other settings."""
    return make_settings(tmp_path)


@pytest.fixture
def app(qapp: Any, app_settings: Any) -> Iterator[App]:
    """The whole desktop app, built as ``run_desktop`` builds it, on an ephemeral port."""
    from gui.ui import app as app_mod
    from gui.ui.bridge import CoreBridge

    app_mod.prepare_application(app_settings)
    QApplication.instance().setQuitOnLastWindowClosed(False)  # as run_desktop
    thread = app_mod.build_receiver(app_settings)
    bridge = CoreBridge(thread)
    error = app_mod.start_receiver(thread)
    window = app_mod.create_main_window(app_settings, thread, start_error=error, bridge=bridge)
    window.show()
    running = App(window, thread, bridge, app_settings)
    try:
        yield running
    finally:
        for w in QApplication.topLevelWidgets():
            if w is not window and w.isVisible():
                w.close()
        window.close()
        app_mod.shutdown(window, thread)
        window.deleteLater()
        QApplication.processEvents()
        _drop_work_left_for_the_stopped_core()


def _drop_work_left_for_the_stopped_core() -> None:
    """Collect what the closed window left queued for the core, here and not in a later test.

    A page that refreshed while the window closed leaves a coroutine the stopped
    core loop never started (the app drops it the same way at exit). Cyclic
    garbage collection would otherwise find it during some later test, whose
    strict warnings turn "never awaited" into that test's error.
    """
    import gc
    import warnings

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "coroutine .* was never awaited", RuntimeWarning)
        gc.collect()


def shown_whole(widget: QWidget, top: QWidget) -> bool:
    """``widget`` is visible and not cut by any parent up to ``top`` (a user sees all of it)."""
    from PySide6.QtCore import QRect

    if not widget.isVisible() or widget.width() <= 0 or widget.height() <= 0:
        return False
    parent = widget.parentWidget()
    while parent is not None:
        rect = QRect(widget.mapTo(parent, QPoint(0, 0)), widget.size())
        if not parent.rect().contains(rect):
            return False
        if parent is top:
            return True
        parent = parent.parentWidget()
    return False
