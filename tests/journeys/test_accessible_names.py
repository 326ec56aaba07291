"""Every control has a name screen readers and UI automation find it by."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSlider,
    QAbstractSpinBox,
    QComboBox,
    QHeaderView,
    QLineEdit,
    QPlainTextEdit,
    QScrollBar,
    QTabBar,
    QTextEdit,
    QWidget,
)

from tests.journeys.harness import (
    App,
    alarms_of,
    click,
    fresh,
    menu_action,
    press,
    settle,
    top_level,
    until,
)

CONTROLS = (QAbstractButton, QLineEdit, QComboBox, QAbstractSpinBox, QAbstractSlider,
            QAbstractItemView, QTabBar, QPlainTextEdit, QTextEdit)  # fmt: skip


def accessible_name(w: QWidget) -> str:
    """The name assistive technology reads: Qt's accessible interface (text, buddy, set name)."""
    iface = QAccessible.queryAccessibleInterface(w)
    return iface.text(QAccessible.Text.Name).strip() if iface is not None else ""


def _inside(w: QWidget, kind: Any) -> bool:
    parent = w.parentWidget()
    while parent is not None:
        if isinstance(parent, kind):
            return True
        parent = parent.parentWidget()
    return False


def unnamed(root: QWidget) -> list[str]:
    found = []
    for w in [root, *root.findChildren(QWidget)]:
        if not isinstance(w, CONTROLS) or w.objectName().startswith("qt_"):
            continue
        parts_of = QComboBox | QAbstractSpinBox | QLineEdit
        if isinstance(w, QScrollBar | QHeaderView) or _inside(w, parts_of):
            continue  # parts of a control, named through it (and headers name their sections)
        if not accessible_name(w):
            parent = w.parentWidget()
            where = type(parent).__name__ if parent is not None else "-"
            hint = getattr(w, "placeholderText", lambda: "")() or w.toolTip()[:40]
            found.append(f"{type(w).__name__}({w.objectName()}) in {where} {hint!r}")
    return sorted(found)


def test_every_control_of_the_window_wall_and_dialogs_has_a_name(app: App) -> None:
    from gui.ui.alarms.rules import AlarmRulesDialog
    from gui.ui.dialogs.settings import SettingsDialog
    from gui.ui.history.export_dialog import ExportDialog
    from gui.ui.history.retention_dialog import RetentionDialog
    from gui.ui.wall import WallWindow

    window = app.window
    missing: dict[str, list[str]] = {}

    async def journey() -> None:
        await app.post(fresh("blacklist"))
        await until(alarms_of(window).banner.isVisible, what="the banner")
        for i in range(window.tabs.count()):
            window.tabs.setCurrentIndex(i)
            await settle(0.1)
        missing["main window"] = unnamed(window)
        for menu, item, kind, title in (
            ("file", "Settings…", SettingsDialog, None),
            ("alarms", "Alarm settings…", AlarmRulesDialog, None),
            ("tools", "Send test event…", QWidget, "Send test event"),
            ("tools", "Storage and retention…", RetentionDialog, None),
        ):
            press(menu_action(window, menu, item))
            dialog: Any = await until(lambda k=kind, t=title: top_level(k, t), what=item)
            await settle(0.2)
            missing[item] = unnamed(dialog)
            dialog.close()
        window.show_page("history")
        click(window.page("history").export_button)
        export = await until(lambda: top_level(ExportDialog), what="the export dialog")
        missing["Export…"] = unnamed(export)
        export.close()
        press(menu_action(window, "alarms", "Wall mode"))
        wall = await until(lambda: top_level(WallWindow), what="the wall")
        await settle(0.3)
        missing["wall"] = unnamed(wall)
        wall.close()

    app.run(journey, timeout=90)
    problems = {k: v for k, v in missing.items() if v}
    report = "\n".join(f"{k}: {len(v)}\n  " + "\n  ".join(v) for k, v in problems.items())
    assert not problems, report
