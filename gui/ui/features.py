"""Where each desktop feature attaches its pages, menus and status widgets.

Each feature adds ONE line below, calling its own ``install(window, bridge,
settings)``. ``window`` is the ``MainWindow`` (``add_page``, ``menu``,
``show_event``, ``add_status_widget``); ``bridge`` the ``CoreBridge``.
A feature that fails to install is logged and the window runs without it.
"""

from __future__ import annotations

from typing import Any


def install(window: Any, bridge: Any, settings: Any) -> None:
    """Attach every desktop feature to ``window``."""
    from gui.ui.alarms.install import install as install_alarms

    install_alarms(window, bridge, settings)
    from gui.ui.installer import install as install_installer

    install_installer(window, bridge, settings)
    from gui.ui.history import install as install_history

    install_history(window, bridge, settings)
    from gui.ui.views.storage_banner import install as install_storage_banner

    install_storage_banner(window, bridge, settings)
    return None
