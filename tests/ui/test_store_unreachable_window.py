"""The window started on a shared database that is down: it opens, says so, and receives once
the database is back, with no dialog and no restart."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Client
from tests.core.test_store_engines import _cluster_script, own_cluster  # noqa: F401
from tests.ui.desktop_fixtures import make_settings, variant


def test_window_says_the_database_is_unreachable_then_receives(
    qtbot: Any, tmp_path: Path, own_cluster: Any, monkeypatch: pytest.MonkeyPatch  # noqa: F811
) -> None:
    from gui.core import receiver
    from gui.core.receiver import StoreUnreachable
    from gui.ui import app as app_mod
    from gui.ui.bridge import CoreBridge

    url, folder = own_cluster
    monkeypatch.setattr(receiver, "STORE_RETRY_DELAYS", (0.3,))
    assert _cluster_script("pg_cluster_pause", folder).returncode == 0
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    settings = make_settings(tmp_path)
    settings.port = port
    settings.store = url.replace("postgres@", "postgres:hunter2@")
    thread = app_mod.build_receiver(settings)
    bridge = CoreBridge(thread)
    try:
        error = app_mod.start_receiver(thread)
        assert isinstance(error, StoreUnreachable)
        w = app_mod.create_main_window(settings, thread, start_error=error, bridge=bridge)
        qtbot.addWidget(w)
        w.show()
        assert w.state_label.text() == "Database unreachable"
        text = w.listen_label.text()
        assert "127.0.0.1" in text and "/postgres" in text and "Trying again" in text
        assert "cannot be reached" in text and "Connection refused" in w.listen_label.toolTip()
        assert "hunter2" not in text + w.state_label.text() + w.listen_label.toolTip()
        assert thread.alive
        assert _cluster_script("pg_cluster_resume", folder).returncode == 0
        qtbot.waitUntil(lambda: w.state_label.text() == "Listening", timeout=20000)
        assert w.listen_label.toolTip() == ""
        reply = Client(port).post_json("/EventServer/api/HistoryEvent", variant("stranger"))
        assert reply.status == 200
        qtbot.waitUntil(lambda: w.feed_model.rowCount() == 1, timeout=5000)
        w.close()
    finally:
        thread.stop(5)
        bridge.close()
