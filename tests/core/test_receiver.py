"""The receiver's lifecycle: port clashes, moving the listener, tasks."""

from __future__ import annotations

import socket
from pathlib import Path

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
