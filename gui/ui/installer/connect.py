"""The connect page: which URL to type into the box, is it sending, is it right.

Shown on first start (as a page of the main window, never a modal dialog) and
one click away afterwards. Everything slow runs off the GUI thread: the
firewall command and verdict queries on worker threads, the self-test POST on
the core's loop.
"""

from __future__ import annotations

import functools
import ipaddress
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, QTimer
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from gui.core import netinfo, sender, verdicts
from gui.core.messages import EventStored, RequestLogged
from gui.ui import plain
from gui.ui.background import BackgroundWork
from gui.ui.installer.common import (
    RefreshWhenShown,
    chinese,
    copy_button,
    plain_label,
    tr,
)
from gui.ui.models.table import ListTableModel

Index = QModelIndex | QPersistentModelIndex
LEVEL_COLOURS = {"ok": "#2e7d32", "warn": "#b26a00", "error": "#c62828"}


def now_ms() -> int:
    return time.time_ns() // 1_000_000


def _json_message(reply: str) -> str:
    import json

    try:
        data = json.loads(reply)
    except (ValueError, TypeError):
        return reply or ""
    return str(data.get("message", "")) if isinstance(data, dict) else str(data)


def endpoint_label(key: str) -> str:
    return {
        "history": tr("History events"),
        "realtime": tr("Real-time events"),
        "device_status": tr("Device status"),
    }.get(key, key)


def notice_text(notice: netinfo.Notice, info: netinfo.ConnectInfo) -> str:
    """The listener warnings in the app's language (the core gives English)."""
    texts = {
        "loopback_only": tr(
            "Listening on {bind} only: boxes cannot reach this PC. "
            "Set the bind address to all interfaces."
        ),
        "no_network": tr(
            "This PC has no IPv4 address besides loopback: connect it to the box's network."
        ),
        "link_local_only": tr(
            "Only a 169.254.x.x address: the network gave this PC no address (no DHCP?). "
            "Give it a fixed address on the box's subnet."
        ),
    }
    if notice.code == "port_in_use":
        return tr(
            "Port {port} is already in use by another program: boxes reach that program, "
            "not Gatewatch. Stop it or choose another port in the settings."
        ).format(port=info.port)
    text = texts.get(notice.code)
    return text.format(bind=info.bind) if text else notice.message


def listening_text(state: Any, info: netinfo.ConnectInfo) -> str:
    """The listener line: says "Listening" only while the receiver really listens."""
    bind = tr("all interfaces") if info.bind_label == "all interfaces" else info.bind_label
    kind = getattr(state, "state", None)
    if kind == "listening":
        return tr("Listening on port {port}, {bind}.").format(port=info.port, bind=bind)
    if kind == "port_in_use":
        return tr("NOT receiving: port {port} is in use by another program.").format(port=info.port)
    if kind == "error":
        return tr("NOT receiving: the server could not start ({message}). "
                  "Check the port and bind address in the settings.").format(
            message=getattr(state, "message", "") or "?"
        )  # fmt: skip
    if kind == "stopped":
        return tr("NOT receiving: the server is stopped.")
    return tr("Port {port}, {bind}.").format(port=info.port, bind=bind)  # state not known yet


def _kind_word(kind: str) -> str:
    return tr("real-time") if kind == "realtime" else tr("history")


def _shapes_text(shapes: list[tuple[str, str]]) -> str:
    """``[("1.0", "history"), ("1.0", "realtime")]`` -> "1.0 history and real-time"."""
    by_format: dict[str, list[str]] = {}
    for fmt, kind in shapes:
        by_format.setdefault(fmt, []).append(_kind_word(kind))
    parts = [f"{fmt} " + tr(" and ").join(kinds) for fmt, kinds in by_format.items()]
    return ", ".join(parts)


class VerdictsModel(ListTableModel):
    """Verdicts per box: level, source, message (bounded by the number of boxes)."""

    COLUMNS = ("level", "source", "message")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.rows: list[verdicts.Verdict] = []

    def set_verdicts(self, rows: list[verdicts.Verdict]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return (tr("Level"), tr("Box"), tr("What we see"))[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        v = self.rows[index.row()]
        col = self.COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            if col == "level":
                return {"ok": tr("OK"), "warn": tr("Warning"), "error": tr("Error")}[v.level]
            if col == "source":
                box = v.box_label or v.box
                return f"{v.source_ip} ({box})" if box else v.source_ip
            return v.message_zh if chinese() else v.message
        if role == Qt.ItemDataRole.ForegroundRole and col == "level":
            return QBrush(QColor(LEVEL_COLOURS[v.level]))
        if role == Qt.ItemDataRole.ToolTipRole:
            return plain.tooltip(f"{v.code}: {v.message}\n{v.message_zh}")
        if role == Qt.ItemDataRole.UserRole:
            return v.code
        return None


@functools.lru_cache(maxsize=256)
def _is_loopback(ip: str) -> bool | None:
    """Whether ``ip`` is a loopback address (None: not an address); asked per arrival."""
    try:
        return ipaddress.ip_address(ip).is_loopback
    except ValueError:
        return None


class ConnectPanel(QWidget):
    """URLs with copy buttons, listener warnings, live first-request line, self-test, verdicts."""

    def __init__(
        self,
        bridge: Any,
        settings: Any,
        *,
        netinfo_source: netinfo.AddrSource | None = None,
        firewall: Callable[[int], netinfo.FirewallStatus] | None = None,
        is_local: Callable[[str], bool] | None = None,
        open_settings: Callable[[], None] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("ConnectPanel")
        self.bridge = bridge
        self.settings = settings
        self._source = netinfo_source
        self._firewall = firewall or (lambda port: netinfo.firewall_status(port))
        self._is_local = is_local or self._default_is_local
        self._open_settings = open_settings
        self.work = BackgroundWork(self, bridge)
        self.info: netinfo.ConnectInfo | None = None
        self.url_fields: list[QLineEdit] = []
        self.self_test_result: sender.SendResult | None = None
        self.firewall_result: netinfo.FirewallStatus | None = None
        self._events_seen = False
        self._local_seen = False
        #: source ip -> {"who": "ip (serial)", "shapes": [(format, kind), ...]}
        self._boxes: dict[str, dict[str, Any]] = {}
        #: source ip -> the last refusal it got, while other boxes are sending
        self._problems: dict[str, str] = {}
        self._build()
        self._verdicts_refresh = RefreshWhenShown(self, self._load_verdicts)
        self._verdict_timer = QTimer(self)
        self._verdict_timer.setSingleShot(True)
        self._verdict_timer.setInterval(3000)
        self._verdict_timer.timeout.connect(self.refresh_verdicts)
        bridge.server_state_changed.connect(lambda _s: self.refresh_addresses())
        self._address_timer = QTimer(self)
        self._address_timer.setInterval(5000)
        self._address_timer.timeout.connect(self._watch_addresses)
        self._address_timer.start()
        bridge.event_stored.connect(self._on_event)
        bridge.request_logged.connect(self._on_request)
        self.refresh_addresses()
        self.refresh_verdicts()

    # -- building ----------------------------------------------------------------------

    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        outer.addWidget(scroll)
        body = QWidget()
        scroll.setWidget(body)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(18, 14, 18, 14)
        layout.setSpacing(10)

        title = plain_label(tr("Connect a box"))
        font = QFont(title.font())
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        title.setFont(font)
        layout.addWidget(title)

        self.traffic = plain_label(tr("Waiting for the first request…"), wrap=True)
        self.traffic.setObjectName("trafficLine")
        tfont = QFont(self.traffic.font())
        tfont.setPointSizeF(tfont.pointSizeF() * 1.2)
        self.traffic.setFont(tfont)
        self.traffic.setStyleSheet("QLabel#trafficLine { padding: 8px; border-radius: 4px;"
                                   " background: palette(alternate-base); }")  # fmt: skip
        layout.addWidget(self.traffic)
        self.problem = plain_label("", wrap=True)
        self.problem.setObjectName("trafficProblem")
        self.problem.setStyleSheet("QLabel#trafficProblem { padding: 6px; border-radius: 4px;"
                                   " background: #fdecea; color: #8e1b1b; }")  # fmt: skip
        self.problem.hide()
        layout.addWidget(self.problem)

        self.listening = plain_label("", wrap=True)
        layout.addWidget(self.listening)
        self.notices = plain_label("", wrap=True)
        self.notices.setObjectName("connectNotices")
        self.notices.setStyleSheet(
            "QLabel#connectNotices { color: #8a4b00; background: #fff4e0; padding: 8px;"
            " border: 1px solid #f0c36d; border-radius: 4px; }"
        )
        layout.addWidget(self.notices)

        hint = plain_label(
            tr("Type these URLs into the box's event and device-status settings. Use the "
               "address on the same network as the box."),
            wrap=True,
        )  # fmt: skip
        layout.addWidget(hint)
        self.addresses_box = QWidget()
        self.addresses_layout = QVBoxLayout(self.addresses_box)
        self.addresses_layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.addresses_box)

        row = QHBoxLayout()
        self.refresh_button = QPushButton(tr("Refresh addresses"))
        self.refresh_button.clicked.connect(self.refresh_addresses)
        self.self_test_button = QPushButton(tr("Run self-test"))
        self.self_test_button.setToolTip(
            tr("Post a sample event to this PC's own address, and check the firewall")
        )
        self.self_test_button.clicked.connect(self.run_self_test)
        row.addWidget(self.self_test_button)
        row.addWidget(self.refresh_button)
        self.settings_button = QPushButton(tr("Change port or address…"))
        self.settings_button.setVisible(self._open_settings is not None)
        self.settings_button.clicked.connect(lambda: self._open_settings and self._open_settings())
        row.addWidget(self.settings_button)
        row.addStretch(1)
        layout.addLayout(row)
        self.self_test_label = plain_label("", wrap=True)
        self.self_test_label.hide()  # shown once there is something to say
        layout.addWidget(self.self_test_label)
        fw_row = QHBoxLayout()
        self.firewall_label = plain_label("", wrap=True)
        self.firewall_label.hide()
        fw_row.addWidget(self.firewall_label, 1)
        layout.addLayout(fw_row)
        cmd_row = QHBoxLayout()
        self.firewall_command = QLineEdit()
        self.firewall_command.setAccessibleName(tr("Firewall command"))
        self.firewall_command.setReadOnly(True)
        self.firewall_copy = copy_button(self.firewall_command.text)
        cmd_row.addWidget(self.firewall_command, 1)
        cmd_row.addWidget(self.firewall_copy)
        self.firewall_command.hide()
        self.firewall_copy.hide()
        layout.addLayout(cmd_row)

        from gui.ui.installer.boxes import BoxesSection

        self.boxes = BoxesSection(self.bridge, body, settings=self.settings)
        layout.addWidget(self.boxes)

        group = QGroupBox(tr("What each box sends"))
        g = QVBoxLayout(group)
        self.verdicts_model = VerdictsModel(self)
        self.verdicts_view = QTableView()
        self.verdicts_view.setAccessibleName(tr("What each box is doing"))
        self.verdicts_view.setModel(self.verdicts_model)
        self.verdicts_view.verticalHeader().hide()
        self.verdicts_view.setWordWrap(True)
        self.verdicts_view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        header = self.verdicts_view.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.verdicts_view.setMinimumHeight(160)
        g.addWidget(self.verdicts_view)
        self.verdicts_empty = plain_label(tr("Nothing received yet."))
        g.addWidget(self.verdicts_empty)
        layout.addWidget(group, 1)

    # -- addresses ---------------------------------------------------------------------

    def port(self) -> int:
        receiver = getattr(self.bridge, "receiver", None)
        port = getattr(receiver, "port", None)
        return int(port or self.settings.port)

    def bind(self) -> str:
        receiver = getattr(self.bridge, "receiver", None)
        config = getattr(receiver, "config", None)
        return getattr(config, "bind", None) or self.settings.bind

    def _default_is_local(self, ip: str) -> bool:
        """Traffic from this PC (self-tests, curl) is not "a box connected"."""
        loopback = _is_loopback(ip)
        if loopback is None:
            return False
        if loopback:
            return True
        return any(a.ip == ip for a in (self.info.addresses if self.info else ()))

    def _current_info(self) -> netinfo.ConnectInfo:
        state = getattr(self.bridge, "last_state", None)
        return netinfo.connect_info(
            self.port(), self.bind(),
            state=getattr(state, "state", "listening"),
            state_message=getattr(state, "message", ""),
            source=self._source,
        )  # fmt: skip

    def _watch_addresses(self) -> None:
        """A cable plugged in or a DHCP lease arriving shows up without a click."""
        if not self.isVisible():
            return
        if self._current_info() != self.info:
            self.refresh_addresses()

    def refresh_addresses(self) -> None:
        info = self._current_info()
        self.info = info
        bind = info.bind_label
        if bind == "all interfaces":
            bind = tr("all interfaces")
        self.listening.setText(listening_text(getattr(self.bridge, "last_state", None), info))
        self.notices.setText("\n".join(notice_text(n, info) for n in info.notices))
        self.notices.setVisible(bool(info.notices))
        while self.addresses_layout.count():
            item = self.addresses_layout.takeAt(0)
            widget = item.widget()
            if widget is not None:
                widget.deleteLater()
        self.url_fields = []
        for address in info.addresses:
            title = f"{address.interface} — {address.ip}"
            if address.link_local:
                title += "  " + tr("(no DHCP lease: link-local)")
            box = QGroupBox(title)
            grid = QGridLayout(box)
            for row, url in enumerate(address.urls):
                grid.addWidget(plain_label(endpoint_label(url.key)), row, 0)
                field = QLineEdit(url.url)
                field.setAccessibleName(tr("URL to type into the box"))
                field.setReadOnly(True)
                field.setObjectName(f"url_{address.ip}_{url.key}")
                field.setMinimumWidth(420)
                self.url_fields.append(field)
                grid.addWidget(field, row, 1)
                grid.addWidget(copy_button(field.text), row, 2)
            grid.setColumnStretch(1, 1)
            self.addresses_layout.addWidget(box)

    # -- live traffic ------------------------------------------------------------------

    def _on_event(self, message: EventStored) -> None:
        """The top line changes only when it learns something (a new box or kind of event)."""
        summary = message.summary
        if summary.self_test:
            return
        kind = "realtime" if verdicts.channel_of(summary.path) == "realtime" else "history"
        if self._is_local(summary.source_ip):
            if not self._boxes and not self._local_seen:  # a simulator or curl on this PC
                self._local_seen = True
                self.traffic.setText(
                    tr("Events from this PC ({ip}) arrive: {format} {kind}. "
                       "No box has sent anything yet.").format(
                        ip=summary.source_ip, format=summary.format, kind=_kind_word(kind)
                    )
                )  # fmt: skip
            return
        box = verdicts.box_named_by(summary.dev_sno, summary.ep_id)
        who = f"{summary.source_ip} ({box})" if box else summary.source_ip
        seen = self._boxes.setdefault(summary.source_ip, {"who": who, "shapes": []})
        if self._problems.pop(summary.source_ip, None) is not None:
            self._render_problem()
        shape = (summary.format, kind)
        if shape in seen["shapes"] and (seen["who"] == who or not box):
            return
        if box:
            seen["who"] = who
        if shape not in seen["shapes"]:
            seen["shapes"].append(shape)
        self._events_seen = True
        self._render_traffic()

    def _render_traffic(self) -> None:
        boxes = list(self._boxes.values())
        if len(boxes) == 1:
            self.traffic.setText(
                tr("Box {who} connected, sending {what} events").format(
                    who=boxes[0]["who"], what=_shapes_text(boxes[0]["shapes"])
                )
            )
        else:
            names = ", ".join(b["who"] for b in boxes[:3])
            if len(boxes) > 3:
                names += " " + tr("(+{n} more)").format(n=len(boxes) - 3)
            self.traffic.setText(
                tr("{n} boxes connected: {names}").format(n=len(boxes), names=names)
            )
        self._set_traffic_style("ok")

    def _on_request(self, message: RequestLogged) -> None:
        record = message.record
        if not self._verdict_timer.isActive():
            self._verdict_timer.start()
        if self._is_local(record.source_ip):
            return
        path = record.path.split("?", 1)[0]
        if record.status >= 400:
            text = tr(
                "Box {ip} is sending to {path}, but its request was refused ({status}): {reason}"
            ).format(
                ip=record.source_ip, path=path, status=record.status,
                reason=_json_message(record.reply),
            )  # fmt: skip
            if not self._boxes:  # nothing works yet: this is the news
                self.traffic.setText(text)
                self._set_traffic_style("error")
            else:  # boxes are sending: the top line stays, the problem goes below it
                self._problems[record.source_ip] = text
                self._render_problem()
        elif verdicts.channel_of(path) == "health" and not record.events and not self._events_seen:
            self.traffic.setText(
                tr("Box {ip} connected, sending health reports (no events yet)").format(
                    ip=record.source_ip
                )
            )
            self._set_traffic_style("ok")

    def _render_problem(self) -> None:
        texts = list(self._problems.values())
        self.problem.setText("\n".join(texts[-3:]))
        self.problem.setVisible(bool(texts))

    def _set_traffic_style(self, level: str) -> None:
        colour = {"ok": "#e8f5e9", "error": "#fdecea"}.get(level, "palette(alternate-base)")
        self.traffic.setStyleSheet(
            f"QLabel#trafficLine {{ padding: 8px; border-radius: 4px; background: {colour}; }}"
        )

    # -- verdicts ----------------------------------------------------------------------

    def refresh_verdicts(self) -> None:
        self._verdicts_refresh.request()

    def _load_verdicts(self) -> None:
        now = now_ms()
        self.work.read(lambda reader: reader.verdicts(now), self._verdicts_loaded)

    def _verdicts_loaded(self, found: list[verdicts.Verdict]) -> None:
        self.verdicts_model.set_verdicts(found)
        self.verdicts_view.resizeRowsToContents()
        self.verdicts_empty.setVisible(not found)
        if found and self.traffic.text() == tr("Waiting for the first request…"):
            boxes = [
                v for v in found if v.code == "payload_shape" and not self._is_local(v.source_ip)
            ]
            if boxes:
                v = boxes[0]
                box = v.box_label or v.box
                who = f"{v.source_ip} ({box})" if box else v.source_ip
                self.traffic.setText(
                    tr("Box {who} has sent events recently: {what}").format(
                        who=who, what=v.message_zh if chinese() else v.message
                    )
                )

    # -- self-test ---------------------------------------------------------------------

    def self_test_url(self) -> str:
        """The history URL on this PC's own LAN address (loopback when that is all we have)."""
        info = self.info
        ip = "127.0.0.1"
        if info is not None:
            usable = [a for a in info.addresses if not a.link_local] or list(info.addresses)
            if usable:
                ip = usable[0].ip
        return netinfo.endpoint_urls(ip, self.port())[0].url

    def run_self_test(self) -> None:
        url = self.self_test_url()
        self.self_test_button.setEnabled(False)
        self.self_test_label.setText(tr("Posting a sample event to {url} …").format(url=url))
        self.firewall_label.setText(tr("Checking the firewall…"))
        self.self_test_label.show()
        self.firewall_label.show()
        event = sender.self_test_event(now_ms())
        self.work.core(
            lambda: sender.post_once(url, event, self_test=True, timeout=5.0),
            self._self_test_done,
            lambda exc: self._self_test_done(sender.SendResult(url, 0, "", 0.0, 1, str(exc))),
        )
        port = self.port()
        firewall = self._firewall
        self.work.run(
            lambda: firewall(port),
            self._firewall_done,
            lambda exc: self._firewall_done(
                netinfo.FirewallStatus(False, None, tr("firewall check failed: {e}").format(e=exc))
            ),
        )

    def _self_test_done(self, result: sender.SendResult) -> None:
        self.self_test_result = result
        self.self_test_button.setEnabled(True)
        if result.ok:
            text = tr(
                "Self-test passed: Gatewatch answered {status} in {ms:.0f} ms at {url}. "
                "(It is marked as a test and kept out of statistics and alarms.) A post from "
                "this PC does not prove the box gets through the firewall: see below."
            ).format(status=result.status, ms=result.latency_ms, url=result.url)
        elif result.error:
            text = tr("Self-test failed: {url}: {error}").format(url=result.url, error=result.error)
        else:
            text = tr("Self-test failed: {url} answered {status}: {reply}").format(
                url=result.url, status=result.status, reply=_json_message(result.reply)
            )
        self.self_test_label.setText(text)

    def _firewall_done(self, status: netinfo.FirewallStatus) -> None:
        self.firewall_result = status
        prefix = tr("Firewall:") + " "
        self.firewall_label.setText(prefix + status.message)
        has_command = bool(status.command) and status.allowed is not True
        self.firewall_command.setText(status.command or "")
        self.firewall_command.setVisible(has_command)
        self.firewall_copy.setVisible(has_command)

    def close_worker(self) -> None:
        self.work.close()
        self.boxes.close_worker()
