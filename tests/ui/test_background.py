"""The one off-GUI-thread mechanism: GUI-thread delivery, dead owners, the core loop, qasync."""

from __future__ import annotations

import asyncio
import gc
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtCore import QObject, QThread


def test_results_for_a_deleted_or_closed_owner_are_dropped(qtbot: Any) -> None:
    import shiboken6
    from PySide6.QtWidgets import QWidget

    from gui.ui.background import BackgroundWork

    got: list[Any] = []
    page = QWidget()
    work = BackgroundWork(page)
    work.run(lambda: (time.sleep(0.3), "late")[1], got.append)
    shiboken6.delete(page)  # the page goes away while the query runs
    alive = QWidget()
    qtbot.addWidget(alive)
    other = BackgroundWork(alive)
    other.run(lambda: "ok", got.append)
    qtbot.waitUntil(lambda: "ok" in got, timeout=5000)
    qtbot.wait(500)
    assert got == ["ok"]
    other.close()
    other.run(lambda: "after close", got.append)
    qtbot.wait(200)
    assert got == ["ok"]


def test_done_and_failed_run_on_the_gui_thread(qtbot: Any) -> None:
    from gui.ui.background import BackgroundWork

    owner = QObject()
    work = BackgroundWork(owner)
    seen: list[tuple[str, Any, bool]] = []
    gui = QThread.currentThread()

    def boom() -> None:
        raise ValueError("no such event")

    work.run(
        lambda: threading.current_thread().name,
        lambda r: seen.append(("done", r, QThread.currentThread() is gui)),
    )
    work.run(boom, None, lambda e: seen.append(("failed", str(e), QThread.currentThread() is gui)))
    qtbot.waitUntil(lambda: len(seen) == 2, timeout=5000)
    by_kind = {kind: (value, on_gui) for kind, value, on_gui in seen}
    assert by_kind["done"][0].startswith("gatewatch-ui") and by_kind["done"][1]
    assert by_kind["failed"] == ("no such event", True)
    work.close()


def test_what_the_work_captured_is_released_on_the_gui_thread(qtbot: Any) -> None:
    """A QObject captured by the work must never lose its last reference on a worker thread."""
    from gui.ui.background import BackgroundWork

    released_on: list[str] = []

    class Captured:
        def __del__(self) -> None:
            released_on.append(threading.current_thread().name)

    owner = QObject()
    work = BackgroundWork(owner)
    for _ in range(20):
        captured = Captured()
        # The GUI side lets go at once; only the work holds it, then the job, then nobody.
        work.run(lambda c=captured: (time.sleep(0.005), id(c))[1], lambda _r: None)
        del captured
    qtbot.waitUntil(lambda: len(released_on) == 20, timeout=5000)
    gc.collect()
    assert set(released_on) == {threading.main_thread().name}
    work.close()


def test_close_all_waits_for_work_in_flight(qtbot: Any) -> None:
    from gui.ui.background import BackgroundWork

    finished = threading.Event()

    def slow() -> None:
        time.sleep(0.3)
        finished.set()

    owner = QObject()
    work = BackgroundWork(owner)
    work.run(slow)
    time.sleep(0.05)  # running now
    BackgroundWork.close_all()
    assert finished.is_set()
    assert work.closed


def test_closing_forgets_work_that_never_ran(qtbot: Any) -> None:
    from gui.ui.background import BackgroundWork, _dispatcher

    jobs = _dispatcher().jobs
    base = len(jobs)
    owner = QObject()
    work = BackgroundWork(owner, threads=1)
    gate, started = threading.Event(), threading.Event()
    work.run(lambda: (started.set(), gate.wait(5)))  # holds the one thread
    assert started.wait(5)
    for _ in range(5):
        work.run(lambda: None)
    assert len(jobs) == base + 6
    work.close()
    assert len(jobs) == base + 1  # only the running one is left to come back
    gate.set()
    qtbot.waitUntil(lambda: len(jobs) == base, timeout=5000)


def test_core_work_runs_on_the_core_loop(rig: Any, qtbot: Any) -> None:
    from gui.ui.background import BackgroundWork

    async def where() -> str:
        await asyncio.sleep(0)
        return threading.current_thread().name

    owner = QObject()
    work = BackgroundWork(owner, rig.bridge)
    got: list[str] = []
    work.core(where, got.append)
    qtbot.waitUntil(lambda: got == ["gatewatch-core"], timeout=5000)
    work.close()


# -- inside qasync, as the app runs ---------------------------------------------------------


def _run_in_qasync(body: Callable[[], Any], timeout: float = 30.0) -> Any:
    """Run the coroutine ``body()`` the way ``gatewatch`` runs its window: ``qasync.run``.

    On Python < 3.12 that sets a policy making every new event loop a Qt loop,
    which is what broke ``asyncio.run()`` on worker threads.
    """
    import qasync

    async def main() -> Any:
        return await asyncio.wait_for(body(), timeout)

    try:
        return qasync.run(main())
    finally:
        gc.collect()  # the closed loop's Qt timers and notifiers go here, on the GUI thread


async def _until(check: Callable[[], bool], what: str, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)


def _stored(rig: Any, sql: str) -> Any:
    return rig.receiver.store.read_sync(lambda c: c.execute(sql).fetchall())


def test_self_test_send_and_replay_complete_inside_qasync(
    rig: Any, qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Under qasync on 3.11 the self-test failed, Send stayed "Sending…", replay did nothing."""
    from PySide6.QtWidgets import QInputDialog, QWidget

    from gui.ui.installer.connect import ConnectPanel
    from gui.ui.installer.send import SendTestDialog, replay_event

    panel = ConnectPanel(
        rig.bridge,
        rig.settings,
        firewall=lambda port: sender_free_firewall(port),
        is_local=lambda _ip: False,
    )
    qtbot.addWidget(panel)
    panel.show()
    dialog = SendTestDialog(rig.bridge)
    qtbot.addWidget(dialog)
    parent = QWidget()
    qtbot.addWidget(parent)
    messages: list[str] = []

    async def journey() -> None:
        # Connect page: Run self-test
        panel.self_test_button.click()
        await _until(lambda: panel.self_test_result is not None, "the self-test result")
        assert panel.self_test_result.ok, panel.self_test_result
        assert panel.self_test_label.text().startswith("Self-test passed: Gatewatch answered 200")

        # Tools -> Send test event…: Send
        dialog.self_test.setChecked(False)
        dialog.send_button.click()
        await _until(lambda: dialog.sent is not None, "the send result")
        assert dialog.sent.ok and dialog.result_label.text().startswith("OK: 200")

        # Replay selected event to… (this receiver)
        (event_id,) = [
            r[0] for r in _stored(rig, "SELECT id FROM events WHERE self_test = 0 ORDER BY id")
        ]
        url = f"http://127.0.0.1:{rig.receiver.port}/EventServer/api/HistoryEvent"
        monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: (url, True)))
        replay_event(parent, rig.bridge, event_id, messages.append)
        await _until(lambda: bool(messages), "the replay report")
        assert messages[0].startswith(f"Replay of event {event_id} to {url}: 200"), messages

    _run_in_qasync(journey)
    # All three reached the server: self-test, send, replay (a duplicate of the sent event).
    qtbot.waitUntil(
        lambda: [r[0] for r in _stored(rig, "SELECT status FROM requests")] == [200, 200, 200],
        timeout=5000,
    )
    assert len(_stored(rig, "SELECT id FROM events")) == 2  # the replay merged into its original


def sender_free_firewall(port: int) -> Any:
    from gui.core import netinfo

    return netinfo.FirewallStatus(True, True, f"TCP port {port} is allowed", None)


def test_send_reports_a_dead_url_inside_qasync(rig: Any, qtbot: Any) -> None:
    from gui.core.receiver import free_port
    from gui.ui.installer.send import SendTestDialog

    dialog = SendTestDialog(rig.bridge)
    qtbot.addWidget(dialog)
    dialog.url.setText(f"http://127.0.0.1:{free_port()}/")

    async def journey() -> None:
        dialog.send_button.click()
        await _until(lambda: dialog.sent is not None, "the send result")

    _run_in_qasync(journey)
    assert not dialog.sent.ok
    assert dialog.result_label.text().startswith("FAILED: FAILED connection refused")
