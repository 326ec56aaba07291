"""Tests marked ``alone`` run with nothing else of the test run beside them.

``./dev.sh test`` runs the suite in several pytest-xdist workers at once. A test
with a timing budget (the window answers within 0.5 s, a thread is never starved
for longer than ...) measures the machine as much as the code when other workers
compute beside it, so it is marked ``@pytest.mark.alone``: it waits until the
tests running in other workers end, and no new test starts until it is done.

Every worker holds a shared lock around each of its tests; an ``alone`` test
takes the same lock exclusively. A gate in front (taken briefly by every test,
held by an ``alone`` one while it waits) makes new tests queue behind a waiting
``alone`` test instead of starving it. The waits happen before pytest-timeout's
timer starts (this wrapper is outermost), so waiting never counts as a hang.
Without xdist (one process) nothing is locked.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import pytest

_FOLDER_KEY = "gatewatch_alone_folder"
_FOLDER = pytest.StashKey[str]()
_LOCK = pytest.StashKey["RunLock"]()


class RunLock:
    """A writer-preferring readers/writer lock between the worker processes of one run."""

    def __init__(self, folder: Path) -> None:
        self._gate: IO[str] = open(folder / "gate.lock", "a+")  # noqa: SIM115 - held for the run
        self._room: IO[str] = open(folder / "room.lock", "a+")  # noqa: SIM115

    @staticmethod
    def _flock(file: IO[str], how: int) -> None:
        import fcntl

        fcntl.flock(file.fileno(), how)

    @contextlib.contextmanager
    def shared(self) -> Iterator[None]:
        import fcntl

        self._flock(self._gate, fcntl.LOCK_EX)  # queue behind an alone test that waits
        self._flock(self._gate, fcntl.LOCK_UN)
        self._flock(self._room, fcntl.LOCK_SH)
        try:
            yield
        finally:
            self._flock(self._room, fcntl.LOCK_UN)

    @contextlib.contextmanager
    def exclusive(self) -> Iterator[None]:
        import fcntl

        self._flock(self._gate, fcntl.LOCK_EX)
        try:
            self._flock(self._room, fcntl.LOCK_EX)
            try:
                yield
            finally:
                self._flock(self._room, fcntl.LOCK_UN)
        finally:
            self._flock(self._gate, fcntl.LOCK_UN)

    def close(self) -> None:
        self._gate.close()
        self._room.close()


def configure(config: pytest.Config) -> None:
    """In a worker: open the run's lock (the controller named its folder)."""
    workerinput: dict[str, Any] | None = getattr(config, "workerinput", None)
    if workerinput and workerinput.get(_FOLDER_KEY):
        config.stash[_LOCK] = RunLock(Path(workerinput[_FOLDER_KEY]))


def configure_node(node: Any) -> None:
    """In the controller, for each worker it starts: the folder of this run's lock."""
    config: pytest.Config = node.config
    if _FOLDER not in config.stash:
        config.stash[_FOLDER] = tempfile.mkdtemp(prefix="gatewatch-alone-")
    node.workerinput[_FOLDER_KEY] = config.stash[_FOLDER]


def unconfigure(config: pytest.Config) -> None:
    lock = config.stash.get(_LOCK, None)
    if lock is not None:
        lock.close()
    folder = config.stash.get(_FOLDER, None)  # set in the controller only
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)


def guard(item: pytest.Item) -> contextlib.AbstractContextManager[None]:
    """What this test holds while it runs: nothing, the shared or the exclusive lock."""
    lock = item.config.stash.get(_LOCK, None)
    if lock is None:
        return contextlib.nullcontext()
    return lock.exclusive() if item.get_closest_marker("alone") else lock.shared()
