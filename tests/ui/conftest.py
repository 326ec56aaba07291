"""UI test fixtures.

``core`` and ``window``: a real receiver thread built as the app builds it, and
the main window. ``rig``: a receiver with every core feature installed and the
bridge, for testing one page or widget on its own.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from gui.settings import Settings
from tests.conftest import Client
from tests.ui.desktop_fixtures import core, window  # noqa: F401


@pytest.fixture
def settings() -> Settings:
    return Settings()


@pytest.fixture
def rig(tmp_path: Path, settings: Settings, qtbot: Any) -> Iterator[Any]:
    """Receiver on its thread with features installed, and the bridge, as the app has them."""
    from gui.core import features
    from gui.core.receiver import Receiver, ReceiverConfig, ReceiverThread
    from gui.ui.bridge import CoreBridge

    rec = Receiver(ReceiverConfig(data_dir=tmp_path / "data", port=0, bind="127.0.0.1"))
    features.install(rec, settings)
    thread = ReceiverThread(rec)
    thread.start()
    bridge = CoreBridge(thread)

    class Rig:
        pass

    r = Rig()
    r.receiver, r.thread, r.bridge, r.settings = rec, thread, bridge, settings
    r.client = Client(rec.port)
    yield r
    bridge.close()
    thread.stop()
