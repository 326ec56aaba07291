"""Installer journeys in the running app: self-test, test sending, replay, copy as curl."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QApplication, QDialog, QInputDialog, QLineEdit

from tests.journeys.harness import (
    App,
    button,
    click,
    fresh,
    menu_action,
    press,
    top_level,
    until,
)


def request_rows(app: App) -> list[dict[str, Any]]:
    """What the Requests page lists (the user opens it from the Tools menu)."""
    return list(app.window.page("requests").model.rows)


async def open_requests_page(app: App) -> Any:
    press(menu_action(app.window, "tools", "Request inspector"))
    page = app.window.page("requests")
    await until(page.isVisible, what="the Requests page")
    return page


def test_self_test_passes_with_round_trip_time(app: App) -> None:
    window = app.window

    async def journey() -> None:
        press(menu_action(window, "tools", "Connect a box…"))
        connect = window.page("connect")
        await until(connect.isVisible, what="the Connect page")
        click(button(connect, "Run self-test"))
        label = connect.self_test_label
        await until(lambda: "Self-test passed" in label.text() or "failed" in label.text(),
                    timeout=15, what="a self-test verdict")  # fmt: skip
        assert "Self-test passed" in label.text(), label.text()
        assert " ms " in label.text()
        assert button(connect, "Run self-test").isEnabled()
        # The post really reached this receiver: the Requests page lists it.
        await open_requests_page(app)
        await until(lambda: any(r["status"] == 200 for r in request_rows(app)),
                    what="the self-test request on the Requests page")  # fmt: skip

    app.run(journey)


def test_send_test_event_shows_ok_and_stores_the_event(app: App) -> None:
    window = app.window

    async def journey() -> None:
        press(menu_action(window, "tools", "Send test event…"))
        dialog = await until(lambda: top_level(QDialog, "Send test event"), what="the dialog")
        assert f":{app.port}/" in dialog.url.text()  # defaults to this receiver
        dialog.sample.setCurrentText("Blacklist hit")  # what the user reads
        dialog.shape.setCurrentText("2.0")
        dialog.self_test.setChecked(False)
        click(button(dialog, "Send"))
        await until(lambda: dialog.result_label.text().startswith(("OK", "FAILED")),
                    timeout=15, what="a result line")  # fmt: skip
        assert dialog.result_label.text().startswith("OK"), dialog.result_label.text()
        await until(lambda: app.stored_count() == 1, what="the stored event")
        # It shows in the live feed like any box's event.
        await until(lambda: window.feed_model.rowCount() == 1, what="the feed row")
        click(button(dialog, "Close"))

    app.run(journey)


def test_send_test_event_to_a_dead_url_fails_visibly(app: App) -> None:
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        dead = s.getsockname()[1]

    async def journey() -> None:
        press(menu_action(app.window, "tools", "Send test event…"))
        dialog = await until(lambda: top_level(QDialog, "Send test event"), what="the dialog")
        dialog.url.setText(f"http://127.0.0.1:{dead}")
        click(button(dialog, "Send"))
        await until(lambda: dialog.result_label.text().startswith(("OK", "FAILED")),
                    timeout=15, what="a result line")  # fmt: skip
        assert dialog.result_label.text().startswith("FAILED"), dialog.result_label.text()
        assert button(dialog, "Send").isEnabled()
        dialog.close()

    app.run(journey)


def test_replay_selected_event_posts_it_again(app: App, tmp_path: Any) -> None:
    window = app.window

    async def journey() -> None:
        event_id = await app.post(fresh("employee_match"))
        await until(lambda: window.detail.event_id == event_id, what="the event in the detail")
        before = len(request_rows(app))
        press(menu_action(window, "tools", "Replay selected event to…"))
        ask = await until(lambda: top_level(QInputDialog), what="the URL question")
        field = ask.findChild(QLineEdit)
        assert f":{app.port}/" in field.text()  # defaults to this receiver
        click(button(ask, "OK"))
        await until(lambda: "Replay of event" in window.statusBar().currentMessage(),
                    timeout=15, what="the replay result")  # fmt: skip
        message = window.statusBar().currentMessage()
        assert "OK" in message or "200" in message, message
        # The replayed post reached the receiver (a retry: no duplicate stored).
        await open_requests_page(app)
        await until(lambda: len(request_rows(app)) > before, what="the replayed request")
        assert app.stored_count() == 1

    app.run(journey)


def test_copy_selected_event_as_curl(app: App) -> None:
    window = app.window

    async def journey() -> None:
        event_id = await app.post(fresh("stranger"))
        await until(lambda: window.detail.event_id == event_id, what="the event in the detail")
        QApplication.clipboard().clear()
        press(menu_action(window, "tools", "Copy selected event as curl"))
        await until(lambda: QApplication.clipboard().text().startswith("curl"),
                    timeout=15, what="the curl command on the clipboard")  # fmt: skip
        command = QApplication.clipboard().text()
        path = command.split("@", 1)[1].split()[0].strip("'\"")
        body = json.loads(Path(path).read_text(encoding="utf-8"))
        assert body["timestamp"]

    app.run(journey)


def test_send_test_event_to_a_silent_receiver_times_out_visibly(app: App) -> None:
    import socket

    with socket.socket() as silent:  # accepts connections, never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        port = silent.getsockname()[1]

        async def journey() -> None:
            press(menu_action(app.window, "tools", "Send test event…"))
            dialog = await until(lambda: top_level(QDialog, "Send test event"), what="dialog")
            dialog.url.setText(f"http://127.0.0.1:{port}")
            click(button(dialog, "Send"))
            await until(lambda: dialog.result_label.text().startswith("Sending"), what="sending")
            await until(lambda: dialog.result_label.text().startswith(("OK", "FAILED")),
                        timeout=20, what="the timeout to be reported")  # fmt: skip
            assert dialog.result_label.text().startswith("FAILED"), dialog.result_label.text()
            assert "time" in dialog.result_label.text().lower()
            assert button(dialog, "Send").isEnabled()
            dialog.close()

        app.run(journey)
