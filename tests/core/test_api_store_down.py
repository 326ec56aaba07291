"""The database goes down under a running receiver: the API answers 503 saying so (an
attached window shows it and retries), then answers again once the database is back."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from gui.core.receiver import Receiver, ReceiverConfig, ReceiverThread
from gui.core.store import Store
from tests.conftest import Client
from tests.core.test_store_engines import _cluster_script, own_cluster  # noqa: F401


def test_api_answers_503_while_the_database_is_down(own_cluster: Any, tmp_path: Path) -> None:  # noqa: F811
    url, folder = own_cluster
    store = Store(tmp_path / "data", url=url)
    rec = Receiver(
        ReceiverConfig(data_dir=tmp_path / "data", port=0, bind="127.0.0.1"), store=store
    )
    thread = ReceiverThread(rec)
    thread.start()
    try:
        client = Client(rec.port)
        assert client.get("/api/events").status == 200
        stop = _cluster_script("pg_cluster_pause", folder)
        assert stop.returncode == 0, stop.stderr
        for path in ("/api/events", "/api/health"):
            down = client.get(path)
            assert down.status == 503, (path, down.status, down.body[:300])
            assert "retry later" in down.json()["message"] and down.json()["status"] == 503
            assert down.headers.get("Retry-After")
        start = _cluster_script("pg_cluster_resume", folder)
        assert start.returncode == 0, start.stderr
        assert client.get("/api/events").status == 200
    finally:
        thread.stop()
        store.close()
