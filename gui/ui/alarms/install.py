"""Attaches alarms, the alarms page, the tray icon and wall mode to the main window."""

from __future__ import annotations

import contextlib
import logging
from typing import Any

from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QVBoxLayout, QWidget

from gui.settings import Change
from gui.ui.alarms.ack_toast import AckToast
from gui.ui.alarms.banner import AlarmBanner
from gui.ui.alarms.center import AlarmCenter
from gui.ui.alarms.page import AlarmsPage

log = logging.getLogger(__name__)

#: F11 alone is the main window's plain full screen.
WALL_SHORTCUT = "Ctrl+F11"
#: Acknowledge from anywhere in the window (Space only works on the banner itself).
ACK_SHORTCUT = "Ctrl+Return"


def tr(text: str) -> str:
    return QCoreApplication.translate("Alarms", text)


class AlarmsFeature:
    """Everything alarms and wall add to one main window, and their shutdown."""

    def __init__(self, window: Any, bridge: Any, settings: Any, player: Any = None) -> None:
        self.window = window
        self.bridge = bridge
        self.settings = settings
        self.center = AlarmCenter(bridge, settings, player=player, window=window)
        self.wall: Any = None

        # The banner sits above every page: wrap the central widget.
        self.banner = AlarmBanner(self.center)
        self.ack_toast = AckToast(self.center)
        central = window.takeCentralWidget()
        host = QWidget(window)
        layout = QVBoxLayout(host)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.banner)
        layout.addWidget(self.ack_toast)
        if central is not None:
            layout.addWidget(central, 1)
        window.setCentralWidget(host)

        self.page = AlarmsPage(self.center, settings, open_event=window.show_event)
        window.add_page("alarms", tr("Alarms"), self.page)
        self.center.changed.connect(self._update_title)
        self._update_title()

        from gui.ui.tray import AlarmTray

        self.tray = AlarmTray(window, self.center, settings)

        menu = window.menu("alarms")
        menu.setTitle(tr("&Alarms"))
        self.ack_action = QAction(tr("&Acknowledge current alarm"), window)
        self.ack_action.setShortcut(QKeySequence(ACK_SHORTCUT))
        self.ack_action.triggered.connect(self.banner.acknowledge_current)
        menu.addAction(self.ack_action)
        show = QAction(tr("&Open alarms"), window)
        show.triggered.connect(lambda: window.show_page("alarms"))
        menu.addAction(show)
        self.mute_action = QAction(tr("&Mute alarm sound"), window, checkable=True)
        self.mute_action.setChecked(bool(settings.alarm_muted))
        self.mute_action.toggled.connect(self.set_muted)
        menu.addAction(self.mute_action)
        menu.addSeparator()
        self.wall_action = QAction(tr("&Wall mode"), window)
        self.wall_action.setShortcut(QKeySequence(WALL_SHORTCUT))
        self.wall_action.triggered.connect(lambda: self.enter_wall())
        menu.addAction(self.wall_action)
        rules = QAction(tr("Alarm &settings…"), window)
        rules.triggered.connect(self.open_rules)
        menu.addAction(rules)

        if hasattr(window, "add_settings_section"):
            window.add_settings_section("alarms", tr("Alarms"), self._rules_section)
        if hasattr(window, "closing"):
            window.closing.connect(self.shutdown)
        from gui.ui.settings_watch import watch

        watch(settings, window, self.apply_rules)
        if settings.start_in_wall:
            remembered = settings.wall_screen
            QTimer.singleShot(0, lambda: self.enter_wall(remembered if remembered >= 0 else None))

    def _update_title(self) -> None:
        n = self.center.open_count
        title = tr("Alarms (%1)").replace("%1", str(n)) if n else tr("Alarms")
        with contextlib.suppress(Exception):
            self.window.set_page_title("alarms", title)

    def set_muted(self, muted: bool) -> None:
        self.center.sound.set_muted(muted)

    def open_rules(self) -> None:
        from gui.ui.alarms.rules import AlarmRulesDialog

        dialog = AlarmRulesDialog(self.settings, self.window, sound=self.center.sound)
        self._mark_remote(dialog)
        # Applied as OK is pressed, not when exec()'s nested loop unwinds: an event the
        # receiver stores in between already meets the new rules.
        dialog.accepted.connect(dialog.apply)
        dialog.exec()

    def _rules_section(self, parent: QWidget) -> Any:
        from gui.ui.alarms.rules import AlarmRulesDialog
        from gui.ui.dialogs.settings import embed_section

        dialog = AlarmRulesDialog(self.settings, parent, sound=self.center.sound)
        self._mark_remote(dialog)
        return embed_section(dialog)

    def _mark_remote(self, dialog: Any) -> None:
        if getattr(self.bridge, "attached", False):
            dialog.rules_on_server(getattr(self.bridge, "server_url", "") or "")

    def apply_rules(self, change: Change) -> None:
        """Make changed options take effect now (the core reads the rules per event)."""
        changed = change.names
        if "alarm_muted" in changed:
            self.mute_action.blockSignals(True)
            self.mute_action.setChecked(change.new.alarm_muted)
            self.mute_action.blockSignals(False)
        if "operator_name" in changed and self.page.operator.text() != change.new.operator_name:
            self.page.operator.setText(change.new.operator_name)
        if "wall_tiles" in changed and self.wall is not None and not self.wall.isVisible():
            self.wall.shutdown()
            self.wall.deleteLater()
            self.wall = None  # rebuilt with the new tile count on next entry

    def enter_wall(self, screen: int | None = None) -> Any:
        """Full-screen wall on ``screen`` (None = the remembered one)."""
        from gui.ui.wall import WallWindow

        if self.wall is None:
            self.wall = WallWindow(self.bridge, self.settings, self.center)
        self.wall.enter(screen)  # a chosen screen is kept for the next start
        return self.wall

    def shutdown(self) -> None:
        self.center.sound.set_alarming(False)
        if self.wall is not None:
            self.wall.shutdown()
            self.wall.close()
        self.page.close_reader()
        self.tray.hide()


def install(window: Any, bridge: Any, settings: Any) -> AlarmsFeature:
    feature = AlarmsFeature(window, bridge, settings)
    window.keep(feature)
    return feature
