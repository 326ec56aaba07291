"""Hostile input, GUI class: the window shows payload text as text, never as markup.

A camera id ``<img src='file:///dev/zero'>`` sent to ``/DeviceStatus`` took the
GUI to 2.5 GB when the operator hovered its row: Qt guesses that a tooltip is
rich text and fetched the "image". Every place that shows text from a box or
a request — labels, table cells, tooltips, the tray notification — must show
it literally. The journey feeds markup through every channel a box has (event
fields, device reports, a rejected body's keys, request paths), opens every
page, and checks every label and every model's tooltips; a second journey opens
the dialogs (event detail and raw JSON, the picture full size, the request
detail, the alarm banner and its acknowledgement note) and checks window titles.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import Qt as QtGui
from PySide6.QtWidgets import QAbstractItemView, QApplication, QLabel, QWidget

from gui.ui import plain
from tests.journeys.harness import App, fresh, settle, until

MARK = "<img src='file:///dev/zero'>"
BOLD = "<b>bold</b>"


def _markup(text: str) -> bool:
    """Whether Qt would render ``text`` as rich text while it holds our raw markup."""
    return (MARK in text or BOLD in text) and QtGui.mightBeRichText(text)


def _rows(model: Any, index: QModelIndex) -> int:
    try:
        return model.rowCount(index)
    except TypeError:
        return 0


def _walk_models(view: QAbstractItemView, seen: list[str]) -> list[str]:
    """Tooltips and cells of a view's model that Qt would render as markup."""
    bad = []
    model = view.model()
    if model is None:
        return bad

    def columns(parent: QModelIndex) -> int:
        try:
            return model.columnCount(parent)
        except TypeError:  # a list model: one column
            return 1

    def visit(parent: QModelIndex) -> None:
        for row in range(min(model.rowCount(parent), 200)):
            for col in range(columns(parent)):
                index = model.index(row, col, parent)
                for role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.DisplayRole):
                    value = model.data(index, role)
                    if not isinstance(value, str):
                        continue
                    if "&lt;img" in value or MARK in value:
                        seen.append(f"{type(model).__name__}:{role.name}")
                    if role == Qt.ItemDataRole.ToolTipRole and _markup(value):
                        bad.append(f"{type(model).__name__}[{row},{col}] tooltip {value!r}")
                if col == 0 and not parent.isValid() and columns(index) and _rows(model, index):
                    visit(index)

    visit(QModelIndex())
    return bad


def _problems(seen: list[str]) -> list[str]:
    bad = []
    for top in QApplication.topLevelWidgets():
        widgets = [top, *top.findChildren(QWidget)]
        for w in widgets:
            if isinstance(w, QLabel) and (MARK in w.text() or BOLD in w.text()):
                seen.append(f"label {w.objectName() or type(w.parent()).__name__}")
                if w.textFormat() != Qt.TextFormat.PlainText:
                    bad.append(f"label {w!r} shows {w.text()!r} as {w.textFormat()}")
            if _markup(w.toolTip()):
                bad.append(f"tooltip of {w!r}: {w.toolTip()!r}")
            if isinstance(w, QAbstractItemView):
                bad.extend(_walk_models(w, seen))
    return bad


def test_markup_from_boxes_is_shown_as_text_everywhere(app: App) -> None:
    async def journey() -> None:
        report = {
            "gateway_sn": f"SE3-{BOLD}",
            "gateway_name": MARK,
            "sub_devices": [
                {"ep_id": MARK, "ep_name": MARK, "ep_ip": "192.168.1.9", "ep_status": "offline"}
            ],
        }
        loop = asyncio.get_running_loop()
        reply = await loop.run_in_executor(None, app.box.post_json, "/DeviceStatus", report)
        assert reply.status == 200
        event = fresh("blacklist", identity_name=MARK, identity_id=BOLD)
        event["ep_info"] = {**event["ep_info"], "ep_id": MARK, "ep_name": MARK}
        await app.post(event)
        await app.post(fresh("stranger", identity_name=MARK), f"/{BOLD}")
        bad_body = json.dumps({MARK: 1, BOLD: [2]}).encode()
        reply = await loop.run_in_executor(
            None, lambda: app.box.request("POST", "/", bad_body, {"Content-Type": "text/json"})
        )
        assert reply.status == 400
        await until(lambda: app.stored_count() == 2, what="the events stored")
        seen: list[str] = []
        bad: list[str] = []
        window = app.window
        for index in range(window.tabs.count()):
            window.tabs.setCurrentIndex(index)
            await settle(0.4)
            bad.extend(_problems(seen))

        def models_seen() -> set[str]:
            return {s.split(":")[0] for s in seen if ":" in s}

        def reached() -> bool:  # pages read their rows in the background: a slow one late
            bad.extend(_problems(seen))
            return all(any(k in m for m in models_seen()) for k in ("Feed", "Device", "Request"))

        await until(reached, what="the markup in the feed, devices and requests")
        assert not bad, "\n".join(bad[:20])
        # Not vacuous: the markup reached the places it must be checked in.
        models = models_seen()
        assert any("Feed" in m for m in models), seen
        assert any("Device" in m for m in models), seen
        assert any("Request" in m for m in models), seen

    app.run(journey)


def test_tray_notifications_escape_markup_where_the_notifier_reads_it(
    app: App, monkeypatch: Any
) -> None:
    import sys

    from gui.core.alarms import Alarm
    from gui.ui import tray as tray_mod

    shown: list[tuple[str, str]] = []

    class FakeIcon:
        def showMessage(self, title: str, text: str, *_args: Any) -> None:
            shown.append((title, text))

        def __getattr__(self, _name: str) -> Any:  # hide(), setIcon()... at shutdown
            return lambda *_args: None

    [tray] = app.window.findChildren(tray_mod.AlarmTray)
    monkeypatch.setattr(tray, "icon", FakeIcon())
    monkeypatch.setattr(app.window, "isVisible", lambda: False)
    alarm = Alarm(1, "face", False, 1, 3, BOLD, MARK, MARK, 1, 0, 0, "open", None, None, None)
    monkeypatch.setattr(sys, "platform", "linux")
    tray.notify(alarm)
    [(title, text)] = shown
    for part in (title, text):
        assert MARK not in part and BOLD not in part
    assert "&lt;img" in title + text


def test_plain_tooltip_is_never_rich_text_of_its_input() -> None:
    for text in (MARK, BOLD, "a < b & c > d", "line 1\nline 2"):
        wrapped = plain.tooltip(text)
        assert MARK not in wrapped and BOLD not in wrapped
    assert plain.tooltip("") == ""


def _windows_showing(text: str) -> list[QWidget]:
    return [w for w in QApplication.topLevelWidgets() if w.isVisible() and text in w.windowTitle()]


def test_dialogs_and_window_titles_show_markup_as_text(app: App) -> None:
    """The event's detail and raw JSON, its full-size picture, the request detail,
    the alarm banner and its acknowledgement note: all literal, never markup."""
    from PySide6.QtCore import QPointF
    from PySide6.QtGui import QMouseEvent
    from PySide6.QtWidgets import QPlainTextEdit

    from gui.ui.views.photo_view import FullSizeDialog
    from tests.journeys.harness import menu_action, press

    async def journey() -> None:
        window = app.window
        loop = asyncio.get_running_loop()
        event = fresh("blacklist", identity_name=MARK, identity_id=BOLD)
        event["ep_info"] = {**event["ep_info"], "ep_id": MARK, "ep_name": MARK}
        reply = await loop.run_in_executor(
            None, app.box.post_json, "/EventServer/api/RealTimeEvent", event
        )
        assert reply.status == 200
        [stored] = reply.json()["events"]
        bad: list[str] = []
        seen: list[str] = []

        # The alarm banner (the ack "dialog"): labels plain; a note with markup acknowledged.
        banner = await until(
            lambda: next(
                (b for b in window.findChildren(QWidget) if type(b).__name__ == "AlarmBanner"
                 and b.isVisible()), None),
            what="the alarm banner",
        )  # fmt: skip
        bad.extend(_problems(seen))
        assert any(s.startswith("label") for s in seen), seen
        banner.note.setText(MARK)
        banner.acknowledge_current()
        await until(lambda: not banner.isVisible(), what="the acknowledged banner hidden")

        # The event's detail pane and raw JSON, then its picture full size.
        window.show_event(stored["id"])
        detail = window.detail
        await until(lambda: MARK in detail.name_label.text(), what="the event in the detail")
        raw = detail.findChildren(QPlainTextEdit)
        await until(lambda: any(MARK in r.toPlainText() for r in raw), what="the raw JSON")
        bad.extend(_problems(seen))
        scene = detail.scene
        await until(scene.has_picture, what="the scene picture")
        centre = QPointF(scene.width() / 2, scene.height() / 2)
        scene.mouseDoubleClickEvent(
            QMouseEvent(
                QMouseEvent.Type.MouseButtonDblClick, centre, centre, Qt.MouseButton.LeftButton,
                Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
            )
        )  # fmt: skip
        [dialog] = window.findChildren(FullSizeDialog)
        await until(dialog.isVisible, what="the full-size dialog")
        assert MARK in dialog.windowTitle()  # literal: a title is never markup, never escaped
        assert _windows_showing(MARK) == [dialog]
        bad.extend(_problems(seen))
        dialog.close()

        # The alarm's note on the Alarms page, and the request's detail in the inspector.
        # (The list shows open alarms: the acknowledged one, with its note, is under
        # "Acknowledged". Before, the check passed only when the list had read the alarm
        # while it was still open, before the acknowledgement: a race it lost under load.)
        window.show_page("alarms")
        alarms_page = window.page("alarms")
        alarms_page.state.setCurrentIndex(alarms_page.state.findData("acked"))

        def note_shown() -> bool:  # the page reads its rows in the background
            bad.extend(_problems(seen))
            rows = alarms_page.model.rows
            return any(MARK in (a.note or "") for a in rows) and any(
                s.startswith("AlarmTableModel") for s in seen
            )

        await until(note_shown, what="the acknowledgement note on the Alarms page")
        press(menu_action(window, "tools", "Request inspector"))
        page = window.page("requests")
        await until(lambda: page.isVisible() and page.model.rows, what="the Requests page")
        page.select_row(0)
        await until(lambda: MARK in page.body_view.toPlainText(), what="the request body")
        bad.extend(_problems(seen))
        for top in QApplication.topLevelWidgets():  # no window title ever escaped
            assert "&lt;img" not in top.windowTitle(), top
        assert not bad, "\n".join(bad[:20])

    app.run(journey)
