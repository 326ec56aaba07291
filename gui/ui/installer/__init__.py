"""The installer's pages: connect a box, request inspector, devices; test sending.

``install(window, bridge, settings)`` adds them to the main window and the
Tools menu; the connect page opens by itself on the first start.
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtGui import QAction

from gui.ui.installer.common import tr

log = logging.getLogger(__name__)


def install(window: Any, bridge: Any, settings: Any) -> None:
    from gui.ui.installer.connect import ConnectPanel
    from gui.ui.installer.devices import DevicesPanel
    from gui.ui.installer.inspector import RequestInspector
    from gui.ui.installer.send import SendTestDialog, copy_event_as_curl, replay_event

    # Attached to a remote receiver, the boxes post to that receiver, not to this PC:
    # the Connect page (this PC's URLs, its firewall, boxes pointed here, self-test)
    # and "Send test event" (to this PC's port) are left out. Requests and Devices
    # read the remote's request log and devices.
    attached = bool(getattr(bridge, "attached", False))
    connect = None
    if not attached:
        connect = ConnectPanel(bridge, settings, open_settings=window.open_settings, parent=window)
    inspector = RequestInspector(bridge, show_event=window.show_event, parent=window)
    devices = DevicesPanel(bridge, settings, parent=window)
    if connect is not None:
        window.add_page("connect", tr("Connect"), connect)
    window.add_page("requests", tr("Requests"), inspector)
    window.add_page("devices", tr("Devices"), devices)

    def status(text: str) -> None:
        window.statusBar().showMessage(text, 15_000)

    def current_event() -> int | None:
        return window.detail.event_id

    tools = window.menu("tools")
    actions = []
    if connect is not None:
        a = QAction(tr("Connect a box…"), window)
        a.triggered.connect(lambda: window.show_page("connect"))
        actions.append(a)
    a = QAction(tr("Request inspector"), window)
    a.triggered.connect(lambda: window.show_page("requests"))
    actions.append(a)
    a = QAction(tr("Devices"), window)
    a.triggered.connect(lambda: window.show_page("devices"))
    actions.append(a)
    if not attached:
        a = QAction(tr("Send test event…"), window)
        a.triggered.connect(lambda: SendTestDialog(bridge, window).show())
        actions.append(a)

    def replay() -> None:
        event_id = current_event()
        if event_id is None:
            status(tr("Select an event first"))
            return
        replay_event(window, bridge, event_id, status)

    def curl() -> None:
        event_id = current_event()
        if event_id is None:
            status(tr("Select an event first"))
            return
        copy_event_as_curl(window, bridge, event_id, status)

    a = QAction(tr("Replay selected event to…"), window)
    a.triggered.connect(replay)
    actions.append(a)
    a = QAction(tr("Copy selected event as curl"), window)
    a.triggered.connect(curl)
    actions.append(a)
    tools.addSeparator()
    for action in actions:
        tools.addAction(action)

    def shutdown() -> None:
        for page in (connect, inspector, devices):
            if page is not None:
                page.close_worker()

    closing = getattr(window, "closing", None)
    if closing is not None:
        closing.connect(shutdown)

    if connect is not None and not settings.connect_panel_seen:
        window.show_page("connect")
        settings.connect_panel_seen = True
