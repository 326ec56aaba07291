"""History, statistics and export pages, and the disk/storage status in the status bar."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication


def tr(text: str) -> str:
    return QCoreApplication.translate("History", text)


def install(window: Any, bridge: Any, settings: Any) -> None:
    """Add the History and Statistics pages and the storage status label to ``window``."""
    from gui.ui.history.page import HistoryPage
    from gui.ui.history.stats_page import StatsPage
    from gui.ui.history.status import StorageStatus

    window.history_page = HistoryPage(bridge, settings, window)
    window.add_page("history", tr("History"), window.history_page)
    window.stats_page = StatsPage(bridge, settings, window)
    window.add_page("stats", tr("Statistics"), window.stats_page)
    window.storage_status = StorageStatus(bridge, settings, window)
    window.add_status_widget(window.storage_status)
