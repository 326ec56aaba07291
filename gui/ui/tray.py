"""The system-tray icon: open-alarm count, desktop notifications, close to tray.

With ``close_to_tray`` on, closing the window hides it and the receiver keeps
running; Quit in the tray menu really quits. Desktops without a tray (some
Linux sessions) simply get no icon, and closing closes.
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QEvent, QObject, QRect, Qt
from PySide6.QtGui import QAction, QColor, QFont, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import QMenu, QSystemTrayIcon, QWidget

from gui.core.alarms import Alarm
from gui.resources import icon_path
from gui.ui import plain
from gui.ui.alarms.banner import describe, headline
from gui.ui.alarms.center import AlarmCenter

log = logging.getLogger(__name__)


def badge_icon(base: QPixmap, count: int) -> QIcon:
    """The app icon with a red count in the corner (nothing drawn when zero)."""
    pixmap = QPixmap(base)
    if count > 0 and not pixmap.isNull():
        p = QPainter(pixmap)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        size = pixmap.width()
        d = int(size * 0.6)
        rect = QRect(size - d, size - d, d, d)
        p.setBrush(QColor("#D32F2F"))
        p.setPen(Qt.PenStyle.NoPen)
        p.drawEllipse(rect)
        f = QFont()
        f.setPixelSize(int(d * 0.62))
        f.setBold(True)
        p.setFont(f)
        p.setPen(QColor("white"))
        p.drawText(rect, int(Qt.AlignmentFlag.AlignCenter), str(count) if count < 100 else "99+")
        p.end()
    return QIcon(pixmap)


class AlarmTray(QObject):
    """Tray icon for ``window``; shows the open-alarm count and notifies while hidden."""

    def __init__(self, window: QWidget, center: AlarmCenter, settings: Any) -> None:
        super().__init__(window)
        self.window = window
        self.center = center
        self.settings = settings
        self.quitting = False
        self._base = QPixmap(str(icon_path(64)))
        self.icon: QSystemTrayIcon | None = None
        if QSystemTrayIcon.isSystemTrayAvailable():
            self.icon = QSystemTrayIcon(badge_icon(self._base, 0), self)
            menu = QMenu(window)
            show = QAction(self.tr("Show Gatewatch"), menu)
            show.triggered.connect(self.show_window)
            menu.addAction(show)
            self.mute = QAction(self.tr("Mute alarm sound"), menu, checkable=True)
            self.mute.setChecked(settings.alarm_muted)
            self.mute.toggled.connect(center.sound.set_muted)
            from gui.ui.settings_watch import watch

            watch(settings, self, lambda c: self.mute.setChecked(c.new.alarm_muted),
                  ("alarm_muted",))  # fmt: skip
            menu.addAction(self.mute)
            menu.addSeparator()
            quit_action = QAction(self.tr("Quit"), menu)
            quit_action.triggered.connect(self.quit)
            menu.addAction(quit_action)
            self.icon.setContextMenu(menu)
            self.icon.activated.connect(self._activated)
            self.icon.show()
        else:
            log.info("no system tray on this desktop: no tray icon, closing the window quits")
        center.changed.connect(self.refresh)
        center.raised.connect(self.notify)
        window.installEventFilter(self)
        self.refresh()

    @property
    def available(self) -> bool:
        return self.icon is not None

    def refresh(self) -> None:
        n = self.center.open_count
        if self.icon is not None:
            self.icon.setIcon(badge_icon(self._base, n))
            self.icon.setToolTip(
                self.tr("Gatewatch — %1 open alarm(s)").replace("%1", str(n)) if n else "Gatewatch"
            )

    def notify(self, alarm: Alarm) -> None:
        """A desktop notification, only when nobody can see the window."""
        if self.icon is None or alarm.late:
            return
        if self.window.isVisible() and not self.window.isMinimized():
            return
        kind = (
            QSystemTrayIcon.MessageIcon.Critical
            if alarm.is_blacklist
            else QSystemTrayIcon.MessageIcon.Warning
        )
        self.icon.showMessage(
            plain.notification(headline(alarm)), plain.notification(describe(alarm)), kind, 15_000
        )

    def _activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason in (
            QSystemTrayIcon.ActivationReason.Trigger,
            QSystemTrayIcon.ActivationReason.DoubleClick,
        ):
            self.show_window()

    def show_window(self) -> None:
        self.window.showNormal()
        self.window.raise_()
        self.window.activateWindow()

    def quit(self) -> None:
        self.quitting = True
        self.window.close()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Close to tray: hide instead of closing while the option is on."""
        if (
            watched is self.window
            and event.type() == QEvent.Type.Close
            and not self.quitting
            and self.icon is not None
            and self.settings.close_to_tray
        ):
            event.ignore()
            self.window.hide()
            if self.icon is not None:
                self.icon.showMessage(
                    "Gatewatch",
                    self.tr("Still receiving events; quit from this icon's menu."),
                    QSystemTrayIcon.MessageIcon.Information,
                    4000,
                )
            return True
        return False

    def hide(self) -> None:
        if self.icon is not None:
            self.icon.hide()
