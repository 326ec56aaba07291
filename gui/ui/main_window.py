"""The main window: live feed beside the detail pane, status bar, menus.

Other pages plug in through ``gui/ui/features.py::install`` using this API:

* ``add_page(key, title, widget, icon=None)`` / ``show_page(key)`` — central tabs,
  "live" is the first page;
* ``menu(name)`` — "file", "view", "tools", "help" (created on first use);
* ``show_event(event_id)`` — open an event in the Live page's detail pane;
* ``add_status_widget(widget)`` — a permanent widget in the status bar;
* ``bridge`` (CoreBridge) and ``settings`` (gui.settings.Settings).

Pages that show text of their own should retranslate on ``QEvent.LanguageChange``.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import html
import logging
import time
from collections import deque
from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import (
    QByteArray,
    QCoreApplication,
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    QSize,
    Qt,
    QTimer,
    QUrl,
    Signal,
)
from PySide6.QtGui import QAction, QCloseEvent, QDesktopServices, QIcon, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from gui import settings as settings_mod
from gui.core.messages import ConnectionChanged, EventStored, ServerStateChanged
from gui.core.reader import Arrivals
from gui.settings import Change
from gui.ui.background import BackgroundWork
from gui.ui.models.feed import DEFAULT_MAX_ROWS, FeedModel
from gui.ui.settings_watch import watch
from gui.ui.views.detail_pane import DetailPane
from gui.ui.views.feed_delegate import ROW_HEIGHT as FEED_ROW_HEIGHT
from gui.ui.views.feed_delegate import THUMB as FEED_THUMB
from gui.ui.views.feed_delegate import FeedDelegate
from gui.ui.views.feed_view import FeedView
from gui.ui.views.tab_repaints import gate_layout_repaints

log = logging.getLogger(__name__)
F = TypeVar("F")

MENU_ORDER = ("file", "view", "tools", "help")
#: While following, the detail pane shows the newest event at once after a quiet spell,
#: then at most this often while events keep arriving: each update lays out and paints
#: the whole pane (~15-20 ms of the GUI thread on a 2-core PC).
FOLLOW_DETAIL_MS = 1000


def tr(text: str) -> str:
    return QCoreApplication.translate("", text)


def _b64(data: QByteArray) -> str:
    return base64.b64encode(bytes(data.data())).decode("ascii")


def _unb64(text: str) -> QByteArray | None:
    if not text:
        return None
    try:
        return QByteArray(base64.b64decode(text))
    except (ValueError, TypeError):
        return None


def local_addresses() -> list[str]:
    """IPv4 addresses of this PC (what to type into the box), loopback last."""
    try:
        import psutil

        found = []
        for addrs in psutil.net_if_addrs().values():
            for a in addrs:
                if getattr(a.family, "name", "") == "AF_INET" and a.address:
                    found.append(a.address)
    except Exception:
        return []
    found = list(dict.fromkeys(found))
    return sorted(found, key=lambda ip: (ip.startswith("127."), ip))


#: The size the window opens at on a big screen the first time (later: as it was left).
PREFERRED_SIZE = QSize(1400, 860)


def default_size(available: QSize) -> QSize:
    """The first-start size: the preferred one, shrunk to 92 % of a smaller screen's room."""
    return QSize(
        min(PREFERRED_SIZE.width(), int(available.width() * 0.92)),
        min(PREFERRED_SIZE.height(), int(available.height() * 0.92)),
    )


class FeedPanel(QWidget):
    """The feed list with a floating "N new" button (like chat apps)."""

    def __init__(self, model: FeedModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.view = FeedView(FEED_ROW_HEIGHT, self)
        self.view.setAccessibleName(tr("Live events"))
        self.view.setModel(model)
        self.view.setItemDelegate(FeedDelegate(self.view))
        self.view.setMinimumWidth(300)
        self.new_button = QPushButton(self)
        self.new_button.setAccessibleName(tr("Show the new events"))
        self.new_button.setObjectName("newEventsButton")
        self.new_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.new_button.hide()
        self.new_button.setStyleSheet(
            "QPushButton#newEventsButton { background: #1565C0; color: white; border-radius: 12px;"
            " padding: 4px 14px; font-weight: bold; }"
        )
        # The pill sits in a strip of its own above the list, never over a row.
        self.pill_strip = QWidget(self)
        strip = QHBoxLayout(self.pill_strip)
        strip.setContentsMargins(0, 4, 0, 4)
        strip.addStretch(1)
        strip.addWidget(self.new_button)
        strip.addStretch(1)
        self.pill_strip.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.pill_strip)
        layout.addWidget(self.view)
        self.empty = self._build_empty()
        layout.addWidget(self.empty)
        model.pending_changed.connect(self.show_pending)
        for signal in (model.modelReset, model.rowsInserted, model.rowsRemoved):
            signal.connect(self._update_empty)
        self._update_empty()

    def _build_empty(self) -> QWidget:
        """Before the first event: what to do, not a blank list."""
        box = QWidget(self)
        box.setObjectName("feedEmpty")
        layout = QVBoxLayout(box)
        layout.setContentsMargins(16, 24, 16, 16)
        self.empty_title = QLabel(box)
        self.empty_title.setTextFormat(Qt.TextFormat.PlainText)
        font = self.empty_title.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        self.empty_title.setFont(font)
        self.empty_text = QLabel(box)
        self.empty_text.setTextFormat(Qt.TextFormat.PlainText)
        self.empty_text.setWordWrap(True)
        self.empty_url = QLabel(box)
        self.empty_url.setTextFormat(Qt.TextFormat.PlainText)
        self.empty_url.setWordWrap(True)
        self.empty_url.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.empty_url.setStyleSheet("font-family: monospace;")
        self.connect_button = QPushButton(box)
        for w in (self.empty_title, self.empty_text, self.empty_url):
            layout.addWidget(w)
        layout.addWidget(self.connect_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addStretch(1)
        self._url = ""
        self._server = ""
        self.retranslate_empty()
        return box

    def retranslate_empty(self) -> None:
        if self._server:
            # Attached: the boxes post to that receiver, not to this PC.
            self.empty_title.setText(tr("No events yet"))
            self.empty_text.setText(tr("The receiver this window is attached to has stored no "
                                       "event yet; they appear here as they arrive:"))  # fmt: skip
            self.empty_url.setText(self._server)
            self.connect_button.hide()
            return
        self.empty_title.setText(tr("Waiting for boxes"))
        self.empty_text.setText(tr("No event has arrived yet. Type this URL into the box's "
                                   "event settings (history and real-time events):"))  # fmt: skip
        self.empty_url.setText(self._url or "—")
        self.connect_button.setText(tr("Connect a box…"))

    def set_attached(self, server_url: str) -> None:
        """The empty state of a window attached to ``server_url`` (no URL to type here)."""
        self._server = server_url
        self.retranslate_empty()

    def set_url(self, url: str) -> None:
        """The event URL the empty state tells people to type (from the listener's state)."""
        self._url = url
        self.empty_url.setText(url or "—")

    def _update_empty(self, *_: Any) -> None:
        empty = self.model.rowCount() == 0
        self.empty.setVisible(empty)
        self.view.setVisible(not empty)

    def show_pending(self, n: int) -> None:
        """The "▲ N new" button for arrivals not shown while the user looks elsewhere."""
        if n <= 0:
            self._show_strip(False)
            return
        self.new_button.setText(tr("▲ %1 new").replace("%1", str(n)))
        self.new_button.show()
        self._show_strip(True)

    def _show_strip(self, shown: bool) -> None:
        """Show or hide the pill's strip; the rows stay where they were on screen."""
        if shown == self.pill_strip.isVisible() or not self.isVisible():
            self.pill_strip.setVisible(shown)
            return
        view_top = self.view.y()
        bar = self.view.verticalScrollBar()
        before = bar.value()
        self.pill_strip.setVisible(shown)
        self.layout().activate()  # the list moves now, not on the next layout pass
        # The list's top moved by the strip's height: scroll by as much, rows stay put.
        bar.setValue(before + self.view.y() - view_top)


class MainWindow(QMainWindow):
    """Live feed + detail pane + status bar + menus; other pages plug in (see module doc)."""

    #: The window is really closing (not hidden): the app shuts the core down.
    closing = Signal()

    def __init__(
        self,
        settings: settings_mod.Settings,
        bridge: Any,
        *,
        start_error: BaseException | None = None,
        install_features: bool = True,
        max_feed_rows: int = DEFAULT_MAX_ROWS,
    ) -> None:
        super().__init__()
        self.settings = settings
        self.bridge = bridge
        self.start_error = start_error
        #: Attached to a remote receiver (``gatewatch --connect``): its stream's state.
        self.attached = bool(getattr(bridge, "attached", False))
        self._connection: ConnectionChanged | None = None
        self._pages: dict[str, QWidget] = {}
        #: Feature objects (not widgets) that live as long as the window: see ``keep``.
        self._features: list[object] = []
        self._page_titles: dict[str, str] = {}
        self._menus: dict[str, QMenu] = {}
        #: Feature pages of the Settings dialog by key: (title, factory).
        self.settings_sections: dict[str, tuple[str, Callable[[QWidget], Any]]] = {}
        self._section_language: dict[str, str] = {}
        self._recent: deque[float] = deque()
        self._events_today = 0
        #: Ids that arrived before today's count was read (None once it is in).
        self._early_ids: list[int] | None = []
        #: The newest id in today's count as read (None: none, or not read yet): an
        #: event's message that reaches the window after the read is counted already.
        self._counted_through: int | None = None
        self._today = dt.date.today()
        self._last_event_at: float | None = None
        self._state: Any = None
        self._closed = False
        self.setObjectName("MainWindow")
        self._set_icon()
        self.resize(default_size(self.screen().availableGeometry().size()))

        self.work = BackgroundWork(self, bridge)
        self.feed_model = FeedModel(
            self.work, max_rows=max_feed_rows, colours=settings.overlay_colours, parent=self
        )
        self.feed = FeedPanel(self.feed_model, self)
        dpr = self.devicePixelRatioF()
        self.feed_model.thumb_dpr = dpr
        self.feed_model.thumb_px = round(FEED_THUMB * dpr)
        self.detail = DetailPane(bridge, self, settings=settings)
        self.live_splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.live_splitter.setObjectName("liveSplitter")
        self.live_splitter.addWidget(self.feed)
        self.live_splitter.addWidget(self.detail)
        self.live_splitter.setStretchFactor(0, 0)
        self.live_splitter.setStretchFactor(1, 1)
        self.live_splitter.setSizes([380, 1000])
        self.live_splitter.setChildrenCollapsible(False)

        # Repainted whole on a label's new text anywhere below, several times a second.
        self.tabs = gate_layout_repaints(QTabWidget(self))
        self.tabs.setDocumentMode(True)
        self.setCentralWidget(self.tabs)
        self.add_page("live", tr("Live"), self.live_splitter)

        self._build_menus()
        self._build_status_bar()
        self._follow_timer = QTimer(self)
        self._follow_timer.setSingleShot(True)
        self._follow_timer.setTimerType(Qt.TimerType.PreciseTimer)  # a coarse one fires 5 % early
        self._follow_timer.timeout.connect(self._show_followed)
        self._followed_at = float("-inf")  # when following last updated the detail pane

        view = self.feed.view
        view.selectionModel().currentChanged.connect(self._current_changed)
        view.verticalScrollBar().valueChanged.connect(self._update_following)
        self.feed.new_button.clicked.connect(self.jump_to_newest)
        self.feed.connect_button.clicked.connect(lambda: self.show_page("connect"))
        self.feed_model.loaded.connect(self._feed_loaded)
        self.feed_model.rowsInserted.connect(self._rows_inserted)

        bridge.event_stored.connect(self.feed_model.on_event_stored)
        bridge.face_thumb_ready.connect(self.feed_model.on_face_thumb_ready)
        bridge.event_stored.connect(self._on_event)
        bridge.server_state_changed.connect(self._on_server_state)
        if self.attached:
            self.feed.set_attached(getattr(bridge, "server_url", None) or "")
            bridge.connection_changed.connect(self._on_connection)
            self._connection = getattr(bridge.receiver, "connection", None)

        self._tick = QTimer(self)
        self._tick.setInterval(1000)
        self._tick.timeout.connect(self._update_counts)
        self._tick.start()

        self._apply_layout(settings.layout)
        self._restore_geometry()
        watch(settings, self, self._settings_changed)
        self.retranslate()
        if self.store_available():
            self.feed_model.reload()
            self._count_today()
        initial = getattr(bridge, "last_state", None)
        if start_error is not None and (initial is None or initial.state == "listening"):
            initial = _state_from_error(start_error, settings)
        if initial is not None:
            self._on_server_state(initial)
        if install_features:
            from gui.ui import features

            try:
                features.install(self, bridge, settings)
            except Exception:
                log.exception("a feature failed to install; the window runs without it")

    def _set_icon(self) -> None:
        from gui.resources import icon_path

        icon = QIcon()
        for size in (16, 32, 48, 256):
            path = icon_path(size)
            if path.is_file():
                icon.addFile(str(path))
        if not icon.isNull():
            self.setWindowIcon(icon)

    # -- integration API ------------------------------------------------------------

    def add_page(self, key: str, title: str, widget: QWidget, *, icon: QIcon | None = None) -> None:
        """Add a central tab; ``key`` names it for ``show_page``."""
        if key in self._pages:
            raise ValueError(f"page {key!r} exists already")
        self._pages[key] = widget
        self._page_titles[key] = title
        if icon is not None:
            self.tabs.addTab(widget, icon, title)
        else:
            self.tabs.addTab(widget, title)

    def show_page(self, key: str) -> None:
        widget = self._pages.get(key)
        if widget is not None:
            self.tabs.setCurrentWidget(widget)

    def page(self, key: str) -> QWidget | None:
        return self._pages.get(key)

    def keep(self, feature: object) -> None:
        """Hold a feature's own (non-Qt) object for as long as the window lives."""
        self._features.append(feature)

    def feature(self, kind: type[F]) -> F | None:
        """The kept feature object of that type (``keep``), if it is installed."""
        return next((f for f in self._features if isinstance(f, kind)), None)

    @property
    def receiver_thread(self) -> Any:
        """The core's thread (settings relisten on it; the crash handler hooks its loop)."""
        return self.bridge.receiver_thread

    def set_page_title(self, key: str, title: str) -> None:
        widget = self._pages.get(key)
        if widget is not None:
            self._page_titles[key] = title
            index = self.tabs.indexOf(widget)
            if self.tabs.tabText(index) != title:  # a new text repaints the whole window
                self.tabs.setTabText(index, title)

    def menu(self, name: str) -> QMenu:
        """The named top-level menu, created (in File/View/Tools/Help order) if absent."""
        if name in self._menus:
            return self._menus[name]
        m = QMenu(self._menu_title(name), self)
        m.setObjectName(f"menu_{name}")
        bar = self.menuBar()
        before = None
        if name in MENU_ORDER:
            for later in MENU_ORDER[MENU_ORDER.index(name) + 1 :]:
                if later in self._menus:
                    before = self._menus[later].menuAction()
                    break
        elif "help" in self._menus:
            before = self._menus["help"].menuAction()
        if before is not None:
            bar.insertMenu(before, m)
        else:
            bar.addMenu(m)
        self._menus[name] = m
        return m

    def add_status_widget(self, widget: QWidget, stretch: int = 0) -> None:
        self.statusBar().addPermanentWidget(widget, stretch)

    def show_event(self, event_id: int) -> None:
        """Open ``event_id`` in the Live page's detail pane (selecting it in the feed if there)."""
        self.show_page("live")
        row = self.feed_model.row_of(event_id)
        view = self.feed.view
        if row is not None:
            index = self.feed_model.index(row)
            view.selectionModel().setCurrentIndex(
                index, QItemSelectionModel.SelectionFlag.ClearAndSelect
            )
            view.scrollTo(index)
        else:
            view.selectionModel().clearSelection()
            self.feed_model.set_following(False)
        self.detail.show_event(event_id)

    def store_available(self) -> bool:
        readable = getattr(self.bridge, "readable", None)
        if readable is not None:
            return bool(readable)
        try:
            store = self.bridge.receiver.store
        except Exception:
            return False
        return not store.closed

    # -- menus ------------------------------------------------------------------------

    def _menu_title(self, name: str) -> str:
        return {
            "file": tr("&File"),
            "view": tr("&View"),
            "tools": tr("&Tools"),
            "help": tr("&Help"),
            "alarms": tr("&Alarms"),
        }.get(name, name.capitalize())

    def _build_menus(self) -> None:
        self.menu_actions: dict[str, QAction] = {}
        file = self.menu("file")
        a = QAction(self)
        a.triggered.connect(self.open_connect_dialog)
        file.addAction(a)
        self.menu_actions["connect_server"] = a
        a = QAction(self)
        a.triggered.connect(self.open_data_folder)
        file.addAction(a)
        self.menu_actions["open_data"] = a
        a = QAction(self)
        a.setMenuRole(QAction.MenuRole.PreferencesRole)
        a.setShortcut(QKeySequence.StandardKey.Preferences)
        a.triggered.connect(self.open_settings)
        file.addAction(a)
        self.menu_actions["settings"] = a
        file.addSeparator()
        a = QAction(self)
        a.setShortcut(QKeySequence.StandardKey.Quit)
        a.setMenuRole(QAction.MenuRole.QuitRole)
        a.triggered.connect(self.close)
        file.addAction(a)
        self.menu_actions["quit"] = a

        view = self.menu("view")
        a = QAction(self, checkable=True)
        a.setChecked(self.settings.layout == "stacked")
        a.toggled.connect(lambda on: self.set_layout("stacked" if on else "side"))
        view.addAction(a)
        self.menu_actions["stacked"] = a
        a = QAction(self, checkable=True)
        a.setChecked(self.settings.overlays)
        a.setShortcut(QKeySequence("O"))
        a.toggled.connect(self.set_overlays)
        view.addAction(a)
        self.menu_actions["overlays"] = a
        a = QAction(self, checkable=True)
        a.setShortcut(QKeySequence(Qt.Key.Key_F11))
        a.toggled.connect(self.set_full_screen)
        view.addAction(a)
        self.menu_actions["full_screen"] = a
        view.addSeparator()
        a = QAction(self)
        a.setShortcut(QKeySequence("Home"))
        a.triggered.connect(self.jump_to_newest)
        view.addAction(a)
        self.menu_actions["newest"] = a

        self.menu("tools")
        helpm = self.menu("help")
        a = QAction(self)
        a.setMenuRole(QAction.MenuRole.AboutRole)
        a.triggered.connect(self.show_about)
        helpm.addAction(a)
        self.menu_actions["about"] = a
        from gui.ui.dialogs.about import add_help_actions

        self.menu_actions["log_folder"] = add_help_actions(self, helpm)

    def _retranslate_actions(self) -> None:
        texts = {
            "connect_server": tr("&Connect to a server…"),
            "open_data": tr("Open &data folder"),
            "settings": tr("&Settings…"),
            "quit": tr("&Quit"),
            "stacked": tr("Feed &above details"),
            "overlays": tr("Face box and &landmarks"),
            "full_screen": tr("&Full screen"),
            "newest": tr("Jump to &newest"),
            "about": tr("&About Gatewatch"),
        }
        for key, text in texts.items():
            self.menu_actions[key].setText(text)
        for name, m in self._menus.items():
            m.setTitle(self._menu_title(name))

    # -- status bar ------------------------------------------------------------------

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.listen_label = QLabel(self)
        self.listen_label.setTextFormat(Qt.TextFormat.PlainText)
        self.listen_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.state_label = QLabel(self)
        self.state_label.setTextFormat(Qt.TextFormat.PlainText)
        self.state_label.setObjectName("serverState")
        self.what_button = QToolButton(self)
        self.what_button.setAccessibleName(tr("Why is it not receiving?"))
        self.what_button.setAutoRaise(True)
        self.what_button.clicked.connect(self._explain_state)
        self.what_button.hide()
        self.counts_label = QLabel(self)
        self.counts_label.setTextFormat(Qt.TextFormat.PlainText)
        bar.addWidget(self.state_label)
        bar.addWidget(self.what_button)
        bar.addWidget(self.listen_label, 1)
        bar.addPermanentWidget(self.counts_label)

    def _on_server_state(self, state: ServerStateChanged) -> None:
        was = self._state.state if self._state is not None else None
        self._state = state
        self._render_state()
        if was == "store_unreachable" and state.state == "listening" and self.store_available():
            # The shared database is back: what it holds can be shown now.
            self.feed_model.reload()
            self._count_today()

    def _render_state(self) -> None:
        if self.attached:
            self._render_connection()
            return
        state = self._state
        if state is None:
            self.state_label.setText(tr("Starting…"))
            return
        colours = {
            "listening": "#2E7D32",
            "stopped": "#757575",
            "port_in_use": "#D32F2F",
            "error": "#D32F2F",
            "store_unreachable": "#D32F2F",
        }
        self.state_label.setStyleSheet(
            "QLabel#serverState { color: white;"
            f" background: {colours.get(state.state, '#757575')};"
            " border-radius: 3px; padding: 1px 6px; font-weight: bold; }"
        )
        self.listen_label.setToolTip("")
        if state.state == "listening":
            self.state_label.setText(tr("Listening"))
            self.what_button.hide()
            if state.bind and state.bind not in ("0.0.0.0", "::"):
                hosts = [state.bind]
            else:
                hosts = [ip for ip in local_addresses() if not ip.startswith("127.")] or [
                    "127.0.0.1"
                ]
            urls = "   ".join(f"http://{h}:{state.port}" for h in hosts[:3])
            more = len(hosts) - 3
            if more > 0:
                urls += "  " + tr("(+%1 more)").replace("%1", str(more))
            self.listen_label.setText(tr("Boxes post to %1").replace("%1", urls))
            self.feed.set_url(f"http://{hosts[0]}:{state.port}/EventServer/api/HistoryEvent")
        elif state.state == "port_in_use":
            self.state_label.setText(tr("Port %1 in use").replace("%1", str(state.port)))
            self.what_button.setText(tr("What to do…"))
            self.what_button.show()
            self.listen_label.setText(
                tr("Not receiving: another program uses port %1.").replace("%1", str(state.port))
                + " "
                + tr("Close it, or pick another port in Settings.")
            )
        elif state.state == "store_unreachable":
            self.state_label.setText(tr("Database unreachable"))
            self.what_button.hide()
            # "the shared database <url without password> cannot be reached: <why>": the
            # status bar names the database; the reason (long) is in the tooltip.
            where = state.message.split(": ", 1)[0]
            where = where.removeprefix("the shared database ").removesuffix(" cannot be reached")
            text = tr(
                "Not receiving: the shared database %1 cannot be reached. "
                "Trying again by itself; boxes retry meanwhile."
            )
            self.listen_label.setText(text.replace("%1", where))
            self.listen_label.setToolTip(html.escape(state.message))
        elif state.state == "error":
            self.state_label.setText(tr("Server error"))
            self.what_button.setText(tr("What to do…"))
            self.what_button.show()
            self.listen_label.setText(state.message)
        else:
            self.state_label.setText(tr("Stopped"))
            self.what_button.hide()
            self.listen_label.setText("")

    # -- attached to a remote receiver -------------------------------------------------

    def _on_connection(self, message: ConnectionChanged) -> None:
        was = self._connection.state if self._connection is not None else None
        self._connection = message
        self._render_connection()
        if message.fresh:
            # Nothing was resumed (first connect, or the server lost our place): read the
            # feed again, or events stored while this window was not following are missing.
            self.feed_model.reload()
        if message.fresh or (message.state in ("live", "behind")
                             and was in ("disconnected", "refused")):  # fmt: skip
            # Missed events are replayed, but today's count is read again.
            self._early_ids = []
            self._count_today()

    def _render_connection(self) -> None:
        """Plain words for the stream: live, catching up, or disconnected (and retrying)."""
        c = self._connection
        url = getattr(self.bridge, "server_url", None) or ""
        state = c.state if c is not None else "connecting"
        colours = {"live": "#2E7D32", "behind": "#EF6C00", "connecting": "#757575",
                   "disconnected": "#D32F2F", "refused": "#D32F2F"}  # fmt: skip
        self.state_label.setStyleSheet(
            "QLabel#serverState { color: white;"
            f" background: {colours.get(state, '#757575')};"
            " border-radius: 3px; padding: 1px 6px; font-weight: bold; }"
        )
        titles = {
            "live": tr("Connected"),
            "behind": tr("Catching up"),
            "connecting": tr("Connecting…"),
            "disconnected": tr("Disconnected"),
            "refused": tr("Refused"),
        }
        self.state_label.setText(titles.get(state, state))
        self.what_button.hide()
        if state == "live":
            text = tr("Attached to %1: live").replace("%1", url)
        elif state == "behind":
            text = tr("Attached to %1: behind, receiving what was missed (%2 events so far)")
            text = text.replace("%1", url).replace("%2", str(c.caught_up if c else 0))
        elif state == "connecting":
            text = tr("Connecting to %1…").replace("%1", url)
        else:
            retry = c.retry_in if c is not None else None
            text = tr("Not connected to %1: %2.").replace("%1", url)
            text = text.replace("%2", (c.message if c else "") or "—")
            if retry is not None:
                text += " " + tr("Trying again in %1 s.").replace("%1", f"{retry:g}")
        self.listen_label.setText(text)

    def _explain_state(self) -> None:
        state = self._state
        if state is None:
            return
        if state.state == "port_in_use":
            lines = [
                tr("Port %1 is already in use, so boxes cannot reach Gatewatch."),
                "",
                "• " + tr("Is another Gatewatch already running (maybe in the tray)? Close it."),
                "• " + tr("Or choose another port in Settings, and set the boxes to it."),
            ]
        else:
            lines = [
                tr("The receiver could not start, so boxes cannot reach Gatewatch."),
                "",
                tr("Check the bind address and data folder in Settings, then try again."),
            ]
        lines += ["", tr("Details: %2")]
        text = "\n".join(lines)
        text = text.replace("%1", str(state.port)).replace("%2", state.message or "—")
        box = QMessageBox(QMessageBox.Icon.Warning, tr("Not receiving events"), text, parent=self)
        box.setTextFormat(Qt.TextFormat.PlainText)
        settings_button = box.addButton(tr("Open Settings…"), QMessageBox.ButtonRole.ActionRole)
        box.addButton(QMessageBox.StandardButton.Close)
        box.exec()
        if box.clickedButton() is settings_button:
            self.open_settings()

    def _count_today(self) -> None:
        midnight = dt.datetime.combine(dt.date.today(), dt.time()).timestamp() * 1000
        self.work.read(lambda reader: reader.arrivals_since(int(midnight)), self._today_counted)

    def _today_counted(self, arrivals: Arrivals) -> None:
        count, last, max_id = arrivals.count, arrivals.last_received_at, arrivals.last_id
        # Arrivals counted live while the query ran may be in its count too.
        early = self._early_ids or []
        self._early_ids = None
        later = sum(1 for i in early if max_id is None or i > max_id)
        self._events_today = int(count or 0) + later
        self._counted_through = max_id
        if last is not None and self._last_event_at is None:
            self._last_event_at = time.time() - max(0.0, time.time() - last / 1000)
        self._update_counts()

    def _update_counts(self) -> None:
        now = time.time()
        if dt.date.today() != self._today:
            self._today = dt.date.today()
            self._events_today = 0
            self._counted_through = None
        while self._recent and self._recent[0] < now - 60:
            self._recent.popleft()
        if self._last_event_at is None:
            last = tr("no events yet")
        else:
            ago = max(0, int(now - self._last_event_at))
            if ago < 60:
                last = tr("last %1 s ago").replace("%1", str(ago))
            elif ago < 3600:
                last = tr("last %1 min ago").replace("%1", str(ago // 60))
            elif ago < 86400:
                last = tr("last %1 h ago").replace("%1", str(ago // 3600))
            else:
                last = tr("last %1 days ago").replace("%1", str(ago // 86400))
        self.counts_label.setText(
            tr("Today: %1   Last minute: %2   %3")
            .replace("%1", str(self._events_today))
            .replace("%2", str(len(self._recent)))
            .replace("%3", last)
        )

    # -- live feed --------------------------------------------------------------------

    def _on_event(self, message: EventStored) -> None:
        summary = message.summary
        if not summary.merged:
            now = time.time()
            if self._counted_through is None or summary.id > self._counted_through:
                self._events_today += 1  # until the read is in, its result replaces this
            if self._early_ids is not None:
                self._early_ids.append(summary.id)
            self._recent.append(now)
            self._last_event_at = now
        if summary.merged and self.detail.event_id == summary.id:
            self.detail.refresh()

    def _feed_loaded(self) -> None:
        view = self.feed.view
        view.scrollToTop()
        if self.feed_model.rowCount():
            view.selectionModel().setCurrentIndex(
                self.feed_model.index(0), QItemSelectionModel.SelectionFlag.ClearAndSelect
            )

    def _rows_inserted(self, parent: QModelIndex, first: int, last: int) -> None:
        """While following, the newest event becomes the selected one (detail debounced)."""
        if first != 0 or not self.feed_model.following:
            return
        view = self.feed.view
        current = view.currentIndex()
        if not current.isValid() or current.row() == last + 1:
            self._auto_selecting = True
            try:
                view.selectionModel().setCurrentIndex(
                    self.feed_model.index(0), QItemSelectionModel.SelectionFlag.ClearAndSelect
                )
            finally:
                self._auto_selecting = False
            view.scrollToTop()

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self._update_following()
        if not current.isValid():
            return
        if getattr(self, "_auto_selecting", False):
            self._follow_newest()
            return
        self._follow_timer.stop()
        self._show_current()

    def _follow_newest(self) -> None:
        """The newest event into the detail pane: at once after a quiet spell, then at
        most once per ``FOLLOW_DETAIL_MS`` (the last wish wins) while events keep coming."""
        if self._follow_timer.isActive():
            return  # it shows whatever is newest when it fires
        waited_ms = (time.monotonic() - self._followed_at) * 1000
        if waited_ms >= FOLLOW_DETAIL_MS:
            self._show_followed()
        else:
            self._follow_timer.start(max(1, round(FOLLOW_DETAIL_MS - waited_ms)))

    def _show_followed(self) -> None:
        self._followed_at = time.monotonic()
        self._show_current()

    def _show_current(self) -> None:
        row = self.feed_model.row_at(self.feed.view.currentIndex().row())
        if row is not None and row.id != self.detail.event_id:
            self.detail.show_event(row.id)

    def _update_following(self, *_: Any) -> None:
        view = self.feed.view
        at_top = view.verticalScrollBar().value() == 0
        current = view.currentIndex()
        newest_or_none = not current.isValid() or current.row() == 0
        self.feed_model.set_following(at_top and newest_or_none)

    def jump_to_newest(self) -> None:
        self.feed.view.selectionModel().clearSelection()
        self.feed.view.setCurrentIndex(QModelIndex())
        self.feed.view.scrollToTop()
        self.feed_model.set_following(True)
        self.feed_model.reload()

    # -- view actions ------------------------------------------------------------------

    def set_layout(self, layout: str) -> None:
        self.settings.layout = layout
        self._apply_layout(layout)

    def _apply_layout(self, layout: str) -> None:
        vertical = layout == "stacked"
        self.live_splitter.setOrientation(
            Qt.Orientation.Vertical if vertical else Qt.Orientation.Horizontal
        )
        if "stacked" in getattr(self, "menu_actions", {}):
            self.menu_actions["stacked"].setChecked(vertical)

    def set_overlays(self, on: bool) -> None:
        self.settings.overlays = on
        self.detail.set_overlays_visible(on)

    def set_full_screen(self, on: bool) -> None:
        if on:
            self.showFullScreen()
        else:
            self.showNormal()

    def open_connect_dialog(self) -> Any:
        """File → Connect to a server…: a window on another receiver, in its own process."""
        from gui.ui.dialogs.connect_server import open_connect_dialog

        return open_connect_dialog(self)

    def open_data_folder(self) -> None:
        path = self.settings.resolved_data_dir()
        path.mkdir(parents=True, exist_ok=True)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

    def _settings_changed(self, change: Change) -> None:
        """Make a changed option take effect in this window without a restart."""
        new = change.new
        if {"port", "bind"} & change.names and not self.attached:
            from gui.ui.dialogs.settings import relisten

            relisten(self, new.bind, new.port)
        if "language" in change.names:
            from gui.ui import i18n
            from gui.ui.retranslate import retranslate_all

            before = i18n.current_language()
            after = i18n.install(new.language)
            # Pages that set their words once are re-said here; the rest follow
            # ``LanguageChange`` (or their next refresh) on their own.
            retranslate_all(before, after)
        if "theme" in change.names:
            from gui.ui import theme

            app = QApplication.instance()
            if isinstance(app, QApplication):
                theme.apply_theme(app, new.theme)
        if "overlay_colours" in change.names:
            self.feed_model.set_colours(new.overlay_colours)
            self.detail.refresh()
        if "layout" in change.names:
            self._apply_layout(new.layout)

    def add_settings_section(self, key: str, title: str, make: Callable[[QWidget], Any]) -> None:
        """A feature's page in the Settings dialog: ``make(parent)`` -> widget with ``apply()``."""
        from gui.ui.i18n import current_language

        self.settings_sections[key] = (title, make)
        self._section_language[key] = current_language()  # the language ``title`` is in

    def settings_dialog(self, show: str = "general") -> Any:
        from gui.ui.dialogs.settings import SettingsDialog
        from gui.ui.i18n import current_language
        from gui.ui.retranslate import catalogue

        # Titles were said when the feature installed; the language may have changed since.
        now = current_language()
        sections = {}
        for key, (title, make) in self.settings_sections.items():
            said_in = self._section_language.get(key, now)
            sections[key] = (catalogue(said_in, now).say(title) or title, make)
        state = self._state
        listening = state.port if state is not None and state.state == "listening" else None
        core = self.bridge.receiver if self.attached else None
        server = getattr(core, "server", None)
        dialog = SettingsDialog(
            self.settings, self, sections=sections, show=show,
            listening_port=listening, server=server,
        )  # fmt: skip
        if core is not None and server is not None:
            client = core.client
            self.work.core(
                lambda: client.get_json("/api/whoami"),
                lambda who: dialog.show_user(who.get("user"), who.get("via")),
                lambda _exc: dialog.show_user(None),
            )
        return dialog

    def open_settings(self, show: str = "general") -> None:
        dialog = self.settings_dialog(show)
        # Applied as OK is pressed (see ``AlarmsFeature.open_rules``), not after exec() returns.
        dialog.accepted.connect(lambda: dialog.apply_to(self))
        dialog.exec()

    def show_about(self) -> None:
        """Version, where the data and logs are (``gui/ui/dialogs/about.py``)."""
        from gui.ui.dialogs.about import show_about

        show_about(self)

    # -- translation ---------------------------------------------------------------------

    def retranslate(self) -> None:
        if self.attached:
            url = getattr(self.bridge, "server_url", None) or ""
            self.setWindowTitle(tr("Gatewatch — %1").replace("%1", url))
        else:
            self.setWindowTitle(tr("Gatewatch"))
        self._retranslate_actions()
        self.set_page_title("live", tr("Live"))
        self._render_state()
        self._update_counts()
        self.feed.show_pending(self.feed_model.pending)
        self.feed.retranslate_empty()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        elif event.type() == QEvent.Type.WindowStateChange and "full_screen" in self.menu_actions:
            a = self.menu_actions["full_screen"]
            a.blockSignals(True)
            a.setChecked(self.isFullScreen())
            a.blockSignals(False)
        super().changeEvent(event)

    # -- geometry and closing -------------------------------------------------------------

    def _restore_geometry(self) -> None:
        remembered = settings_mod.load_window_state(self.settings.path)
        geometry = _unb64(remembered.geometry)
        if geometry is not None:
            self.restoreGeometry(geometry)
        state = _unb64(remembered.state)
        if state is not None:
            self.restoreState(state)
        for splitter, text in zip(self._splitters(), remembered.splitters.split(";"), strict=False):
            state = _unb64(text)
            if state is not None:
                splitter.restoreState(state)
        self._apply_layout(self.settings.layout)

    def _splitters(self) -> list[QSplitter]:
        """Splitters whose positions persist, in the order ``splitter_state`` lists them."""
        return [self.live_splitter, self.detail.vsplit, self.detail.photo_splitter]

    def save_ui_state(self) -> None:
        """Remember geometry and splitters (window-state.json, apart from the user's settings)."""
        settings_mod.load_window_state(self.settings.path).update(
            geometry=_b64(self.saveGeometry()),
            state=_b64(self.saveState()),
            splitters=";".join(_b64(sp.saveState()) for sp in self._splitters()),
        )

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._closed:
            self._closed = True
            self.save_ui_state()
            self._tick.stop()
            self._follow_timer.stop()
            with contextlib.suppress(RuntimeError, TypeError):
                self.bridge.event_stored.disconnect(self._on_event)
                self.bridge.event_stored.disconnect(self.feed_model.on_event_stored)
                self.bridge.face_thumb_ready.disconnect(self.feed_model.on_face_thumb_ready)
                self.bridge.server_state_changed.disconnect(self._on_server_state)
                if self.attached:
                    self.bridge.connection_changed.disconnect(self._on_connection)
            self.work.close()
            self.detail.close_reader()
            self.closing.emit()
        super().closeEvent(event)


def _state_from_error(exc: BaseException, settings: settings_mod.Settings) -> ServerStateChanged:
    from gui.core.receiver import PortInUse, StoreUnreachable

    if isinstance(exc, PortInUse):
        return ServerStateChanged("port_in_use", settings.bind, exc.port, str(exc.strerror))
    if isinstance(exc, StoreUnreachable):
        return ServerStateChanged("store_unreachable", settings.bind, settings.port, str(exc))
    return ServerStateChanged("error", settings.bind, settings.port, str(exc))
