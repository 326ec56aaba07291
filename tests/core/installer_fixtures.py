"""A receiver with the installer features (routes, silence watch) and the alarm engine."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from gui.settings import Settings


@pytest.fixture
def full_receiver(tmp_path: Path) -> Iterator[Any]:
    from gui.core import features
    from gui.core.receiver import Receiver, ReceiverConfig, ReceiverThread

    rec = Receiver(ReceiverConfig(data_dir=tmp_path / "data", port=0, bind="127.0.0.1"))
    rec.settings = Settings()  # type: ignore[attr-defined]
    features.install(rec, rec.settings)  # type: ignore[attr-defined]
    thread = ReceiverThread(rec)
    thread.start()
    rec.thread = thread  # type: ignore[attr-defined]
    yield rec
    thread.stop()
