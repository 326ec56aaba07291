"""The database goes away and comes back: every page reads again by itself.

A real outage of the local store is simulated: every read fails (as reads of a
PostgreSQL server that went down do) and the core announces the storage state
as its storage watch does; then reads work again and it announces "ok". The
attached window's server really restarts in ``test_attached_journeys``.
"""

from __future__ import annotations

from typing import Any

import pytest

from gui.core.messages import StorageStateChanged
from tests.journeys.harness import App, alarms_of, fresh, settle, until
from tests.journeys.test_history_journeys import open_tab


class DatabaseDown(OSError):
    pass


class FailingReader:
    """Every read fails, as against a database server that went down."""

    def __getattr__(self, name: str) -> Any:
        def fail(*_args: Any, **_kwargs: Any) -> Any:
            raise DatabaseDown("connection to the database server was lost")

        return fail


@pytest.fixture
def outage(app: App, monkeypatch: pytest.MonkeyPatch) -> Any:
    from gui.ui.bridge import CoreBridge

    real = CoreBridge.reader
    state = {"down": False}

    def reader(self: Any) -> Any:
        return FailingReader() if state["down"] else real.fget(self)  # type: ignore[attr-defined]

    monkeypatch.setattr(CoreBridge, "reader", property(reader))

    async def announce(ok: bool) -> None:
        async def publish() -> None:
            message = "storage is writable again" if ok else "events cannot be stored (lost)"
            app.thread.receiver.publish(StorageStateChanged(ok, message))

        state["down"] = not ok
        await app.in_core(publish)

    return announce


def test_pages_read_again_when_the_database_is_back(app: App, outage: Any) -> None:
    window = app.window

    def at(camera: str, sample: str = "employee_match") -> dict[str, Any]:
        event = fresh(sample)
        event["ep_info"] = {**event["ep_info"], "ep_id": camera, "ep_name": camera}
        return event

    async def journey() -> None:
        await app.post(fresh("employee_match"))
        await app.post(fresh("stranger"))
        history = open_tab(app, "history")
        await until(lambda: history.model.rowCount() == 2, what="history rows")
        devices = open_tab(app, "devices")
        await until(lambda: devices.model.rowCount() > 0, what="the devices")
        cameras_before = devices.model.rowCount()
        alarms_page = open_tab(app, "alarms")
        await settle(0.5)
        alarms_before = alarms_page.model.rowCount()

        await outage(False)  # the database goes down
        history = open_tab(app, "history")
        history.search.setText("张伟")  # the user narrows the list meanwhile
        history.apply_filters()
        await until(lambda: history.count_label.text().startswith("Error"), what="the error")
        # An alarm raised from a camera never seen (the receiver wrote it; reads fail).
        alarms_page = open_tab(app, "alarms")
        await app.post(at("gate-outage", "blacklist"))
        await until(lambda: alarms_page.status.text().startswith("Cannot read the alarms"),
                    what="the alarms page says it cannot read")  # fmt: skip
        open_tab(app, "devices")
        await settle(0.5)
        stats = open_tab(app, "stats")
        await until(lambda: "lost" in stats.summary.text(), what="statistics cannot count")

        await outage(True)  # back
        await until(lambda: stats.summary.text() == "3 events", what="statistics again")
        alarms_page = open_tab(app, "alarms")
        await until(lambda: alarms_page.model.rowCount() == alarms_before + 1,
                    what="the alarm raised meanwhile")  # fmt: skip
        assert alarms_page.status.text() == ""
        devices = open_tab(app, "devices")
        await until(lambda: devices.model.row_of("gate-outage") is not None,
                    what="the new camera on Devices")  # fmt: skip
        assert devices.model.rowCount() > cameras_before
        history = open_tab(app, "history")
        await until(lambda: history.count_label.text() == "1 event", what="history again")
        assert history.search.text() == "张伟"  # the user's filter kept
        assert history.model.rowCount() == 1
        assert alarms_of(window).center is not None

    app.run(journey, timeout=90)
