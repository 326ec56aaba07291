"""Fixtures for main-window tests: a real receiver thread on an ephemeral port plus the window.

Import the fixtures into a test module with
``from tests.ui.desktop_fixtures import core, window  # noqa: F401``.
"""

from __future__ import annotations

import copy
import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Client, load_sample

EVENT_PATH = "/EventServer/api/HistoryEvent"
_unique = itertools.count(1)


@dataclass
class Core:
    thread: Any
    bridge: Any
    settings: Any
    client: Client

    @property
    def port(self) -> int:
        return self.thread.receiver.port


def make_settings(tmp_path: Path) -> Any:
    from gui.settings import Settings

    return Settings(port=0, bind="127.0.0.1", data_dir=str(tmp_path / "data"))


@pytest.fixture
def core(qapp: Any, tmp_path: Path) -> Iterator[Core]:
    """A started desktop receiver thread (features installed) and its bridge."""
    from gui.ui import app as app_mod
    from gui.ui.bridge import CoreBridge

    settings = make_settings(tmp_path)
    thread = app_mod.build_receiver(settings)
    bridge = CoreBridge(thread)
    error = app_mod.start_receiver(thread)
    assert error is None, error
    yield Core(thread, bridge, settings, Client(thread.receiver.port))
    from gui.ui.background import BackgroundWork

    BackgroundWork.close_all()  # no read may be running when the store closes
    thread.stop(5)
    bridge.close()


@pytest.fixture
def window(qtbot: Any, core: Core) -> Iterator[Any]:
    from gui.ui.app import create_main_window

    w = create_main_window(core.settings, core.thread, bridge=core.bridge, install_features=False)
    qtbot.addWidget(w)
    w.resize(1400, 860)
    w.show()
    qtbot.waitUntil(lambda: w.feed_model._loaded, timeout=5000)
    yield w
    w.close()


def variant(name: str, **changes: Any) -> dict[str, Any]:
    """A sample with a fresh timestamp (so it is a new event) and optional field changes."""
    event = copy.deepcopy(load_sample(name))
    event["timestamp"] = 1_800_000_000_000 + next(_unique) * 1000
    event.update(changes)
    return event


def post(core: Core, event: dict[str, Any]) -> int:
    """POST over real HTTP; returns the stored event id."""
    reply = core.client.post_json(EVENT_PATH, event)
    assert reply.status == 200, reply.body[:300]
    return reply.json()["events"][0]["id"]


def detail_shows(window: Any, event_id: int) -> bool:
    """The detail pane has loaded and shows ``event_id`` (no load of it still running).

    Not ``event_shown``: following the feed, the pane may already have shown the new
    event before a test selects it, and then nothing is shown again.
    """
    pane = window.detail
    shown = pane.detail
    return (
        pane.event_id == event_id
        and not pane._loading
        and shown is not None
        and shown.event.get("id") == event_id
    )


def show_in_detail(window: Any, qtbot: Any, event_id: int) -> None:
    """Select ``event_id`` in the feed as a user would and wait for the pane to show it."""
    from PySide6.QtCore import QItemSelectionModel

    qtbot.waitUntil(lambda: window.feed_model.row_of(event_id) is not None, timeout=5000)
    row = window.feed_model.row_of(event_id)
    window.feed.view.selectionModel().setCurrentIndex(
        window.feed_model.index(row), QItemSelectionModel.SelectionFlag.ClearAndSelect
    )
    qtbot.waitUntil(lambda: detail_shows(window, event_id), timeout=10000)
