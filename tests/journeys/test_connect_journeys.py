"""The Connect page in the running app: honest listener line, a top line that stays put."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.journeys.harness import App, fresh, make_settings, menu_action, press, settle, until

REALTIME_PATH = "/EventServer/api/RealTimeEvent"


async def open_connect_page(app: App) -> Any:
    press(menu_action(app.window, "tools", "Connect a box…"))
    page = app.window.page("connect")
    await until(page.isVisible, what="the Connect page")
    return page


@pytest.fixture
def taken_port() -> Iterator[int]:
    """A port another program listens on."""
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        yield other.getsockname()[1]


class TestPortInUse:
    @pytest.fixture
    def app_settings(self, tmp_path: Path, taken_port: int) -> Any:
        return make_settings(tmp_path, port=taken_port)

    def test_connect_page_never_says_listening(self, app: App, taken_port: int) -> None:
        async def journey() -> None:
            page = await open_connect_page(app)
            await until(lambda: "NOT receiving" in page.listening.text(), what="the verdict")
            assert "Listening" not in page.listening.text()
            assert str(taken_port) in page.listening.text()
            # ... and says what to do.
            assert page.notices.isVisible()
            assert "another port" in page.notices.text()
            assert page.settings_button.isVisible()
            assert "Listening" not in app.window.state_label.text()

        app.run(journey)


def test_top_line_does_not_reword_itself_with_every_request(app: App) -> None:
    async def journey() -> None:
        page = await open_connect_page(app)
        assert "Listening on port" in page.listening.text()
        page._is_local = lambda _ip: False  # this test's posts stand in for a box on the LAN
        await app.post(fresh("employee_match"))
        await until(lambda: "connected" in page.traffic.text(), what="the box line")
        first = page.traffic.text()
        assert first == "Box 127.0.0.1 (SE3-A1B2C3D4) connected, sending 1.0 history events"
        for name in ("blacklist", "employee_match", "blacklist"):
            await app.post(fresh(name))
        await settle(0.3)
        assert page.traffic.text() == first
        # Something new is learned once, then the line stays again.
        await app.post(fresh("employee_match"), REALTIME_PATH)
        await until(lambda: page.traffic.text() != first, what="the new kind of events")
        second = page.traffic.text()
        assert second.endswith("sending 1.0 history and real-time events"), second
        await app.post(fresh("blacklist"))
        await app.post(fresh("employee_match"), REALTIME_PATH)
        # A refused request is shown below, not instead of the connected line.
        reply = app.box.request("POST", REALTIME_PATH, b"[]")
        assert reply.status == 400
        await until(page.problem.isVisible, what="the refusal below the top line")
        assert "refused (400)" in page.problem.text()
        await settle(0.3)
        assert page.traffic.text() == second

    app.run(journey)
