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

    history_page = HistoryPage(bridge, settings, window)
    window.add_page("history", tr("History"), history_page)
    window.add_page("stats", tr("Statistics"), StatsPage(bridge, settings, window))
    window.add_status_widget(StorageStatus(bridge, settings, window))

    def open_retention() -> None:
        from gui.ui.history.retention_dialog import RetentionDialog

        RetentionDialog(settings, window).open()

    def storage_section(parent: Any) -> Any:
        from gui.ui.dialogs.settings import embed_section
        from gui.ui.history.retention_dialog import RetentionDialog

        return embed_section(RetentionDialog(settings, parent))

    if getattr(bridge, "attached", False):
        # Retention is the remote receiver's own policy (its settings, its disk):
        # an attached window shows its disk status but has nothing here to change.
        history_page.storage_button.hide()
        return
    if hasattr(window, "add_settings_section"):
        window.add_settings_section("storage", tr("Storage"), storage_section)
    action = window.menu("tools").addAction(tr("Storage and retention…"))
    action.setObjectName("action_retention")
    action.triggered.connect(open_retention)
    history_page.storage_button.clicked.connect(open_retention)
