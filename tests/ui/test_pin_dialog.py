"""Pin on first use: the fingerprint shown as plain text, trusted only when the user says so,
stored per server; a stored or given pin that no longer matches is refused naming both."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QLabel

from gui.core import pinning
from gui.ui.dialogs import pin as pin_dialog
from gui.ui.dialogs.pin import PinDialog, pin_for

FIRST = "sha256:" + "0a" * 32
OTHER = "sha256:" + "f1" * 32


def test_dialog_shows_server_and_fingerprint_as_plain_text(qtbot: Any) -> None:
    where = "<b>gate</b>:9529"
    dialog = PinDialog(where, FIRST)
    qtbot.addWidget(dialog)
    labels = dialog.findChildren(QLabel)
    assert labels and all(lb.textFormat() == Qt.TextFormat.PlainText for lb in labels)
    assert where in dialog.intro.text()
    shown = dialog.fingerprint.text().replace("\n", ":")
    assert ":".join(["0A"] * 32) in shown
    assert dialog.cancel_button.isDefault() and not dialog.trust_button.isDefault()
    dialog.show()
    qtbot.mouseClick(dialog.trust_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted


def test_enter_alone_does_not_trust(qtbot: Any) -> None:
    dialog = PinDialog("gate:9529", FIRST)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClick(dialog, Qt.Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Rejected


def test_first_use_asks_once_then_uses_the_stored_pin() -> None:
    pins: dict[str, str] = {}
    asked: list[tuple[str, str]] = []

    def confirm(where: str, presented: str) -> bool:
        asked.append((where, presented))
        return True

    assert pin_for("gate:9529", FIRST, pins, confirm) == FIRST
    assert pins == {"gate:9529": FIRST} and asked == [("gate:9529", FIRST)]
    assert pin_for("gate:9529", FIRST, pins, confirm) == FIRST
    assert len(asked) == 1  # not asked again
    with pytest.raises(pinning.PinMismatch) as caught:
        pin_for("gate:9529", OTHER, pins, confirm)
    assert FIRST in str(caught.value) and OTHER in str(caught.value)
    assert pins == {"gate:9529": FIRST}  # a mismatch never replaces the pin


def test_declining_stores_nothing_and_a_given_pin_wins() -> None:
    pins: dict[str, str] = {}
    assert pin_for("gate:9529", FIRST, pins, lambda *_: False) is None
    assert pins == {}

    def never(*_: Any) -> bool:
        raise AssertionError("a --pin is not asked about")

    given = ":".join(["0A"] * 32)
    assert pin_for("gate:9529", FIRST, pins, never, given=given) == FIRST
    with pytest.raises(pinning.PinMismatch):
        pin_for("gate:9529", FIRST, {"gate:9529": FIRST}, never, given=OTHER)


def test_mismatch_box_names_both_fingerprints(qtbot: Any, monkeypatch: Any) -> None:
    from PySide6.QtWidgets import QMessageBox

    seen: dict[str, Any] = {}

    def fake_exec(box: QMessageBox) -> int:
        seen["text"] = box.text()
        seen["format"] = box.textFormat()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", fake_exec)
    pin_dialog.show_mismatch(None, pinning.PinMismatch("<i>gate</i>:9529", FIRST, OTHER))
    assert seen["format"] == Qt.TextFormat.PlainText
    assert "<i>gate</i>:9529" in seen["text"]
    assert pinning.readable(FIRST) in seen["text"] and pinning.readable(OTHER) in seen["text"]
