"""Language switch in the running app: File → Settings…, 简体中文, OK — every text follows."""

from __future__ import annotations

import re
from typing import Any

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QComboBox,
    QDialogButtonBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QTabWidget,
    QWidget,
)

from tests.journeys.harness import (
    App,
    alarms_of,
    fresh,
    menu_action,
    press,
    settle,
    top_level,
    until,
)

#: A word of three or more Latin letters: English left in the Chinese window.
ENGLISH = re.compile(r"[A-Za-z]{3,}")
#: Words that are the same in Chinese: names, formats, protocol words, units.
ALLOWED = {
    "Gatewatch", "JSON", "CSV", "JPEG", "PNG", "HTTP", "HTTPS", "URL", "URLs", "curl", "API",
    "GET", "POST", "PUT", "DELETE", "PATCH", "EventServer", "HistoryEvent", "http", "https",
    "localhost", "Sophon", "WebSocket", "UTC", "SQLite", "PostgreSQL", "JSONL", "Lines",
    "Space", "Ctrl", "Shift", "Esc", "Enter", "Tab", "SE3", "SE5", "Python", "Qt", "PySide6",
    "VIP", "English",  # "VIP" is written so in Chinese; each language is named in its own
    "GB", "TLS", "PEM",  # the protocol and the certificate file format
    "Linux", "Windows", "macOS",  # About's version line names the system
    "Excel", "zip",  # the export formats, named so in Chinese too
}  # fmt: skip


def english_in(text: str) -> list[str]:
    # URLs, paths, addresses, file names and protocol field names (``dev_sno``) are what
    # they are in any language; tooltips may be wrapped in markup to show literally.
    text = re.sub(r"<[^>]+>", " ", text)
    text = re.sub(r"`[^`]*`", " ", text)  # a command to type, quoted as code
    text = re.sub(r"\b[A-Za-z0-9]+_[A-Za-z0-9_]+\b", " ", text)
    text = re.sub(r"(https?://|/|~|[A-Za-z]:\\)\S*", " ", text)
    text = re.sub(r"\S+\.(json|jpg|jpeg|png|csv|log|db|wav|ts|qm)\b", " ", text)
    return [w for w in ENGLISH.findall(text) if w not in ALLOWED]


def ui_texts(root: QWidget) -> list[tuple[str, str]]:
    """(where, text) for every text a user can see or hover in ``root``'s window."""
    from gui.ui.views.elided import ElidedLabel

    found: list[tuple[str, str]] = []
    widgets = [root, *root.findChildren(QWidget)]
    actions: set[QAction] = set()
    for w in widgets:
        if w.objectName().startswith(("qt_", "ScrollLeft", "ScrollRight")):
            continue  # Qt's own parts (their words come from Qt's translations)
        where = f"{type(w).__name__}({w.objectName() or ''})"
        actions.update(w.actions())
        if isinstance(w, ElidedLabel) or w.property("payload"):
            continue  # what boxes sent (its tooltip is the full text)
        if w.toolTip():
            found.append((where + ".toolTip", w.toolTip()))
        if w.accessibleName():
            found.append((where + ".accessibleName", w.accessibleName()))
        if isinstance(w, QLabel | QAbstractButton):
            found.append((where, w.text()))
        elif isinstance(w, QLineEdit):
            found.append((where + ".placeholder", w.placeholderText()))
        elif isinstance(w, QGroupBox):
            found.append((where, w.title()))
        elif isinstance(w, QComboBox) and not w.isEditable():
            found += [(where, w.itemText(i)) for i in range(w.count())]
        elif isinstance(w, QTabWidget):
            found += [(where + ".tab", w.tabText(i)) for i in range(w.count())]
        elif isinstance(w, QAbstractItemView) and w.model() is not None:
            m = w.model()
            try:
                columns = m.columnCount(QModelIndex())
            except TypeError:  # Qt's internal models
                continue
            for c in range(columns):
                header = m.headerData(c, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole)
                if isinstance(header, str):
                    found.append((where + ".header", header))
    for a in actions:
        if a.text():
            found.append((f"action {a.objectName()}", a.text()))
    return [(where, text) for where, text in found if text]


def english_left(root: QWidget, ignore: set[str] = frozenset()) -> list[str]:
    return sorted(
        {f"{where}: {text!r}" for where, text in ui_texts(root)
         if any(w not in ignore for w in english_in(text))}
    )  # fmt: skip


async def choose_language(app: App, name: str, settings_item: str = "Settings") -> None:
    from gui.ui.dialogs.settings import SettingsDialog

    press(action_starting(app.window, "file", settings_item))
    dialog = await until(lambda: top_level(SettingsDialog), what="the Settings dialog")
    index = dialog.language.findText(name)
    assert index >= 0, [dialog.language.itemText(i) for i in range(dialog.language.count())]
    dialog.language.setCurrentIndex(index)
    ok = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
    ok.click()
    await until(lambda: not dialog.isVisible(), what="the dialog to close")
    await settle(0.3)


def action_starting(window: Any, menu: str, prefix: str) -> QAction:
    """The menu item whose visible text starts with ``prefix`` ("大屏模式(&W)")."""
    for action in window.menu(menu).actions():
        if action.text().replace("&", "").startswith(prefix):
            return action
    raise AssertionError([a.text() for a in window.menu(menu).actions()])


CJK = re.compile(r"[\u4e00-\u9fff]")


def test_language_switch_takes_effect_at_once_everywhere(app: App) -> None:
    from gui.ui.alarms.rules import AlarmRulesDialog
    from gui.ui.wall import WallWindow

    window = app.window

    async def journey() -> None:
        await app.post(fresh("employee_match"))
        stranger_id = await app.post(fresh("stranger"))
        await app.post(fresh("blacklist"))
        banner = alarms_of(window).banner
        await until(banner.isVisible, what="the alarm banner")
        assert banner.title.text() == "BLACKLIST"
        await settle(0.5)

        await choose_language(app, "简体中文")
        # Menus, tabs, the banner and the status bar switched without a restart.
        titles = [a.text() for a in window.menuBar().actions()]
        assert titles[0].startswith("文件"), titles
        assert window.tabs.tabText(window.tabs.indexOf(window.page("live"))) == "实时"
        assert banner.title.text() == "黑名单"
        assert banner.button.text() == "确认"
        assert CJK.search(window.statusBar().findChild(QLabel, "storageStatus").text())
        # Visit every page, as a user would after switching.
        for i in range(window.tabs.count()):
            window.tabs.setCurrentIndex(i)
            await settle(0.2)
        left = english_left(window)
        assert not left, f"{len(left)} English texts left:\n" + "\n".join(left)
        # A camera's type is said in words ("photo" is what the box sends).
        devices = window.page("devices").model
        window.show_page("devices")
        await until(lambda: devices.rowCount() >= 2, what="the devices")
        column = devices.COLUMNS.index("type")
        types = [devices.index(r, column).data() or "" for r in range(devices.rowCount())]
        assert not any(english_in(t) for t in types), types
        table = window.page("devices").table
        cut = [t for t in types
               if table.fontMetrics().horizontalAdvance(t) + 8 > table.columnWidth(column)]
        assert not cut, f"cut off in a {table.columnWidth(column)} px column: {cut}"

        # A stranger is "陌生人" with a short id, not a float timestamp.
        window.show_page("live")
        rows = window.feed_model
        names = [rows.index(r, 0).data(Qt.ItemDataRole.AccessibleTextRole) or ""
                 for r in range(rows.rowCount())]  # fmt: skip
        assert any(n.startswith("陌生人 #0100.38") for n in names), names
        assert not any("1764000100" in n for n in names), names
        # Face attribute values and device type in words.
        window.show_event(stranger_id)
        await until(lambda: window.detail.event_id == stranger_id, what="the stranger's details")
        fields = window.detail.fields
        await until(lambda: fields["name"].text() == "陌生人 #0100.38", what="the stranger's name")
        assert "青年" in fields["attributes"].text() and "女" in fields["attributes"].text()

        # Dialogs opened after the switch: Send test event (sample names), alarm settings.
        press(menu_action(window, "tools", "发送测试事件…"))
        send = await until(lambda: top_level(QWidget, "发送测试事件"), what="Send test event")
        samples = [send.sample.itemText(i) for i in range(send.sample.count())]
        assert "黑名单命中" in samples, samples
        assert not english_left(send), english_left(send)
        send.close()
        press(action_starting(window, "alarms", "告警设置"))
        rules = await until(lambda: top_level(AlarmRulesDialog), what="the alarm settings")
        assert not english_left(rules), english_left(rules)
        rules.reject()
        # The wall, too.
        press(action_starting(window, "alarms", "大屏模式"))
        wall = await until(lambda: top_level(WallWindow), what="the wall")
        await settle(0.5)
        assert not english_left(wall), english_left(wall)
        wall.close()
        await until(lambda: not wall.isVisible(), what="the wall to close")

        # And back: no Chinese left in the English window.
        await choose_language(app, "English", settings_item="设置")
        assert window.menuBar().actions()[0].text().replace("&", "") == "File"
        assert banner.title.text() == "BLACKLIST"
        chinese = sorted(
            {f"{where}: {text!r}" for where, text in ui_texts(window)
             if CJK.search(text) and "简体中文" not in text}
        )  # fmt: skip
        assert not chinese, "\n".join(chinese)

    app.run(journey, timeout=150)


def test_every_dialog_speaks_chinese_after_the_switch(app: App) -> None:
    """Each dialog the menus and pages open, after 简体中文: no English left in it."""
    from PySide6.QtWidgets import QDialog, QInputDialog

    from gui.ui.alarms.rules import AlarmRulesDialog
    from gui.ui.dialogs.about import AboutDialog
    from gui.ui.dialogs.connect_server import ConnectServerDialog
    from gui.ui.dialogs.settings import SettingsDialog
    from gui.ui.history.export_dialog import ExportDialog
    from gui.ui.history.retention_dialog import RetentionDialog
    from gui.ui.installer.send import SendTestDialog
    from gui.ui.views.photo_view import FullSizeDialog
    from tests.journeys.harness import click, double_click

    window = app.window
    left: dict[str, list[str]] = {}

    async def check(name: str, kind: type, open_it: Any) -> None:
        open_it()
        dialog = await until(lambda: top_level(kind), what=name)
        await settle(0.3)
        left[name] = english_left(dialog)
        dialog.close() if not isinstance(dialog, QDialog) else dialog.reject()
        await until(lambda: not dialog.isVisible(), what=f"{name} to close")

    async def journey() -> None:
        event_id = await app.post(fresh("employee_match"))
        await until(lambda: window.detail.event_id == event_id, what="the event in the detail")
        await choose_language(app, "简体中文")

        def file_item(prefix: str) -> Any:
            return lambda: press(action_starting(window, "file", prefix))

        await check("Settings", SettingsDialog, file_item("设置"))
        await check("Connect to a server", ConnectServerDialog, file_item("连接到服务器"))
        await check("Alarm settings", AlarmRulesDialog,
                    lambda: press(action_starting(window, "alarms", "告警设置")))  # fmt: skip
        await check("About", AboutDialog, lambda: press(window.menu("help").actions()[0]))
        tools = window.menu("tools").actions()
        send, replay, retention = (next(a for a in tools if a.text().startswith(p))
                                   for p in ("发送测试事件", "将所选事件重放", "存储"))  # fmt: skip
        await check("Send test event", SendTestDialog, lambda: press(send))
        await check("Replay", QInputDialog, lambda: press(replay))
        await check("Storage and retention", RetentionDialog, lambda: press(retention))
        window.show_page("history")
        page = window.page("history")
        await until(lambda: page.model.rowCount() >= 1, what="the history rows")
        await check("Export", ExportDialog, lambda: click(page.export_button))
        window.show_page("live")
        scene = window.detail.scene
        await until(scene.has_picture, what="the scene photo")
        await check("Full size photo", FullSizeDialog,
                    lambda: double_click(scene, scene.rect().center()))  # fmt: skip

        await choose_language(app, "English", settings_item="设置")
        missing = {name: texts for name, texts in left.items() if texts}
        report = "\n".join(f"{name}:\n  " + "\n  ".join(t) for name, t in missing.items())
        assert not missing, report

    try:
        app.run(journey, timeout=150)
    finally:
        from gui.ui import i18n

        i18n.install("en")  # later tests expect the source language
