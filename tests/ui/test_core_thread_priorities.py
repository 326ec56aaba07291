"""In the desktop app the thumbnail thread gives way to the GUI thread.

On a two-core PC the GUI thread's longest waits were spent runnable without a
core, most often behind the face-thumbnail thread. Thumbnails are background
work (the feed shows the face once it is made), so in the app that thread runs
at low OS priority; the receiver's loop and writer (what a box's reply waits
for) do not. Headless keeps it at normal priority (see tests/core/test_thumbnails.py).
"""

from __future__ import annotations

import sys
from typing import Any

import pytest

from gui.core import lowprio

pytestmark = [
    pytest.mark.timeout(60),
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="per-thread nice: Linux"),
]


def test_the_desktop_apps_thumbnail_thread_runs_at_low_priority(core: Any) -> None:
    pipeline = core.thread.receiver.pipeline
    nice = pipeline.thumbnails.pool.submit(lowprio.thread_nice).result(10)
    assert nice == max(lowprio.BACKGROUND_NICE, lowprio.thread_nice() or 0)
    # What the reply waits for is not lowered.
    writer_nice = core.thread.receiver.store.submit(lambda _conn: lowprio.thread_nice()).result(10)
    assert writer_nice == lowprio.thread_nice()
