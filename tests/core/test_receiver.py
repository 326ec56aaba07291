"""The receiver's lifecycle: port clashes, moving the listener, tasks."""

from __future__ import annotations

import socket
import threading
from pathlib import Path
from typing import Any

import pytest

from gui.core.receiver import PortInUse, Receiver, ReceiverConfig, ReceiverThread, free_port
from tests.conftest import Client


@pytest.fixture
def taken_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        yield s.getsockname()[1]


def test_a_taken_port_ends_a_plain_receiver_thread(tmp_path: Path, taken_port: int) -> None:
    thread = ReceiverThread(Receiver(ReceiverConfig(tmp_path, taken_port, "127.0.0.1")))
    with pytest.raises(PortInUse) as info:
        thread.start()
    assert str(taken_port) in info.value.strerror and "--port" in info.value.strerror
    thread.stop()
    assert not thread.alive


def test_surviving_a_taken_port_keeps_tasks_and_relisten_starts_listening(
    tmp_path: Path, taken_port: int
) -> None:
    ran: list[str] = []
    receiver = Receiver(ReceiverConfig(tmp_path, taken_port, "127.0.0.1"))

    async def task(_receiver: Receiver) -> None:
        ran.append("started")

    receiver.tasks.append(task)
    thread = ReceiverThread(receiver, survive_port_in_use=True)
    with pytest.raises(PortInUse):
        thread.start()
    try:
        assert thread.alive and isinstance(thread.error, PortInUse)
        assert receiver.store.read_sync(lambda c: c.execute("SELECT 1").fetchone()[0]) == 1
        new_port = free_port()
        thread.call(lambda: thread.relisten("127.0.0.1", new_port))
        assert thread.error is None and receiver.port == new_port
        assert Client(new_port).get_json("/api/health")["status"] == "ok"
        assert ran == ["started"]  # once, not again on relisten
    finally:
        thread.stop()


def test_relisten_to_a_taken_port_keeps_the_old_one(tmp_path: Path, taken_port: int) -> None:
    receiver = Receiver(ReceiverConfig(tmp_path, 0, "127.0.0.1"))
    thread = ReceiverThread(receiver)
    thread.start()
    try:
        old = receiver.port
        with pytest.raises(PortInUse):
            thread.call(lambda: receiver.relisten("127.0.0.1", taken_port))
        assert receiver.port == old and receiver.config.port != taken_port
        assert Client(old).get_json("/api/health")["status"] == "ok"
    finally:
        thread.stop()


def test_work_handed_to_a_stopping_core_ends_and_none_is_left_unawaited(tmp_path) -> None:
    """A window asking for something just as the core stops: cancelled or refused, not lost.

    The loop closed with the coroutine still scheduled: "coroutine was never awaited"
    (a window test failed at teardown on a loaded machine) and its future never ended.
    """
    import concurrent.futures
    import gc
    import warnings

    from gui.core.receiver import Receiver, ReceiverConfig, ReceiverThread

    thread = ReceiverThread(Receiver(ReceiverConfig(data_dir=tmp_path, port=0, bind="127.0.0.1")))
    thread.start()
    assert thread.loop is not None
    release = threading.Event()

    async def late() -> int:
        return 1

    def on_the_loop_as_it_stops() -> None:
        # Runs on the loop after _main has returned: hands over work it never ran.
        futures.append(thread.submit(late))

    futures: list[Any] = []
    stop = thread.receiver.stop

    async def stopping() -> None:
        await stop()
        thread.loop.call_soon(on_the_loop_as_it_stops)  # type: ignore[union-attr]
        release.set()

    thread.receiver.stop = stopping  # type: ignore[method-assign]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        thread.stop()
        assert release.wait(10)
        with pytest.raises(RuntimeError):
            thread.submit(late)  # after the stop: refused at once
        gc.collect()
    assert len(futures) in (0, 1)
    for future in futures:  # it ended (ran or was cancelled): nobody waits for it in vain
        assert concurrent.futures.wait([future], 5).done == {future}
    unawaited = [str(w.message) for w in caught if "never awaited" in str(w.message)]
    assert not unawaited, unawaited
