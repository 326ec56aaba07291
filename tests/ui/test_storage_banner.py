"""The red banner while events cannot be stored, and its going away."""

from __future__ import annotations

from typing import Any

from gui.core.messages import StorageStateChanged


def test_banner_shows_while_storage_fails_and_hides_when_it_resumes(
    qtbot: Any, window: Any
) -> None:
    from gui.ui.views.storage_banner import install

    banner = install(window, window.bridge, window.settings)
    assert not banner.isVisible()
    window.bridge.receiver.publish(StorageStateChanged(False, "database or disk is full"))
    qtbot.waitUntil(banner.isVisible, timeout=2000)
    assert "database or disk is full" in banner.reason.text()
    assert banner.reason.textFormat().name == "PlainText"
    window.bridge.receiver.publish(StorageStateChanged(True, ""))
    qtbot.waitUntil(lambda: not banner.isVisible(), timeout=2000)
