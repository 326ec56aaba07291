"""In-app test sending: "Send test event", "Replay to…" and "Copy as curl" for stored events."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from gui.core import sender
from gui.ui.background import BackgroundWork
from gui.ui.installer.common import copy_text, plain_label, tr


def now_ms() -> int:
    return time.time_ns() // 1_000_000


def own_url(bridge: Any, path: str = sender.DEFAULT_EVENT_PATH) -> str:
    port = getattr(getattr(bridge, "receiver", None), "port", None) or 9528
    return f"http://127.0.0.1:{port}{path}"


def sample_words(name: str) -> str:
    """A sample event's name for people: ``employee_match`` -> "Employee (recognised)"."""
    return {
        "employee_match": tr("Employee (recognised)"),
        "blacklist": tr("Blacklist hit"),
        "stranger": tr("Stranger"),
        "seed_example": tr("Protocol document example"),
    }.get(name, name)


def shape_words(shape: str) -> str:
    """A payload shape for people; the version stays visible (it is what boxes call it)."""
    return {
        "1.0": tr("1.0 (V2R6, V5R4–V6R2)"),
        "legacy": tr("legacy (V2R3/V2R4)"),
        "2.0": tr("2.0"),
    }.get(shape, shape)


class SendTestDialog(QDialog):
    """Choose a sample and a shape, post it, see the reply and latency."""

    def __init__(self, bridge: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Send test event"))
        self.work = BackgroundWork(self, bridge)
        self.sent: sender.SendResult | None = None
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.url = QLineEdit(own_url(bridge))
        self.url.setMinimumWidth(460)
        # Shown in words, in the window's language; the data is the sample's file name.
        self.sample = QComboBox()
        for name in sender.sample_names():
            self.sample.addItem(sample_words(name), name)
        self.sample.setCurrentIndex(max(0, self.sample.findData("employee_match")))
        self.shape = QComboBox()
        for shape in sender.SHAPES:
            self.shape.addItem(shape_words(shape), shape)
        self.self_test = QCheckBox(tr("mark as self-test (kept out of statistics and alarms)"))
        self.self_test.setChecked(True)
        form.addRow(tr("URL"), self.url)
        form.addRow(tr("Sample"), self.sample)
        form.addRow(tr("Shape"), self.shape)
        form.addRow("", self.self_test)
        layout.addLayout(form)
        self.result_label = plain_label("", wrap=True)
        layout.addWidget(self.result_label)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.send_button = QPushButton(tr("Send"))
        self.send_button.setDefault(True)
        self.send_button.clicked.connect(self.send)
        close = QPushButton(tr("Close"))
        close.clicked.connect(self.close)
        buttons.addWidget(self.send_button)
        buttons.addWidget(close)
        layout.addLayout(buttons)

    def send(self) -> None:
        url = sender.with_path(self.url.text().strip())
        event = sender.to_shape(
            sender.refreshed(sender.load_sample(self.sample.currentData()), now_ms()),
            self.shape.currentData(),
        )
        self_test = self.self_test.isChecked()
        self.send_button.setEnabled(False)
        self.result_label.setText(tr("Sending to {url} …").format(url=url))
        self.work.core(
            lambda: sender.post_once(url, event, self_test=self_test),
            self._done,
            lambda exc: self._done(sender.SendResult(url, 0, "", 0.0, 1, str(exc))),
        )

    def _done(self, result: sender.SendResult) -> None:
        self.sent = result
        self.send_button.setEnabled(True)
        prefix = tr("OK") if result.ok else tr("FAILED")
        self.result_label.setText(f"{prefix}: {result.summary()}")

    def done(self, code: int) -> None:
        self.work.close()
        super().done(code)


def replay_event(
    parent: QWidget, bridge: Any, event_id: int, report: Callable[[str], None]
) -> None:
    """Ask for a URL and post the stored event there as it was received."""
    url, ok = QInputDialog.getText(
        parent, tr("Replay to…"), tr("Post event {id} to this URL:").format(id=event_id),
        text=own_url(bridge),
    )  # fmt: skip
    if not ok or not url.strip():
        return
    url = sender.with_path(url.strip())
    work = BackgroundWork(parent, bridge)

    def finish(result: sender.SendResult) -> None:
        report(tr("Replay of event {id} to {url}: {result}").format(
            id=event_id, url=url, result=result.summary()))  # fmt: skip
        work.deleteLater()

    def failed(exc: BaseException) -> None:
        finish(sender.SendResult(url, 0, "", 0.0, 0, str(exc)))

    def post(payload: Any) -> None:
        if payload is None:
            finish(sender.SendResult(
                url, 0, "", 0.0, 0, tr("event {id} not found").format(id=event_id)))  # fmt: skip
            return
        work.core(lambda: sender.post_once(url, payload), finish, failed)

    # The stored JSON is read on a worker thread, the POST awaited on the core loop.
    work.read(lambda reader: reader.event_raw(event_id), post, failed)


def copy_event_as_curl(
    parent: QWidget,
    bridge: Any,
    event_id: int,
    report: Callable[[str], None],
    folder: Path | None = None,
) -> None:
    """Write the event's JSON to a file and copy a curl command posting it."""
    work = BackgroundWork(parent, bridge)
    target = folder or bridge.data_dir / "curl"
    url = own_url(bridge)

    def write(reader: Any) -> str | None:
        payload = reader.event_raw(event_id)
        if payload is None:
            return None
        target.mkdir(parents=True, exist_ok=True)
        path = target / f"event-{event_id}.json"
        path.write_bytes(sender.encode(payload))
        return sender.curl_command(url, path)

    def done(command: str | None) -> None:
        if command is None:
            report(tr("event {id} not found").format(id=event_id))
        else:
            copy_text(command)
            report(tr("Copied: {command}").format(command=command))
        work.deleteLater()

    def failed(exc: BaseException) -> None:
        report(tr("Could not write the curl file: {error}").format(error=exc))
        work.deleteLater()

    work.read(write, done, failed)
