"""Pin on first use: a server's certificate fingerprint, shown and confirmed by the user.

A site's receiver has a self-signed certificate, so no authority vouches for
it: the user compares the fingerprint shown here with the one the server's
installer noted (``gatewatch tls self-signed`` / ``gatewatch tls fingerprint``
print it) and only then trusts it. Cancel is the default button: Enter alone
never trusts a certificate. Everything shown is plain text.
"""

from __future__ import annotations

from collections.abc import Callable, MutableMapping

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from gui.core import pinning


def tr(text: str) -> str:
    return QCoreApplication.translate("", text)


def _plain(text: str, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    return label


class PinDialog(QDialog):
    """The fingerprint of ``where``'s certificate; accepted = the user trusts it."""

    def __init__(self, where: str, pin: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("pinDialog")
        self.setWindowTitle(self.tr("Trust this server's certificate?"))
        self.where = where
        self.pin = pinning.parse_pin(pin)
        layout = QVBoxLayout(self)
        self.intro = _plain(
            self.tr(
                "The server at %1 presents a certificate this PC has not seen before. "
                "Compare its fingerprint with the one noted when the server's certificate "
                "was made (gatewatch tls self-signed, or gatewatch tls fingerprint on the "
                "server). Trust it only if every character matches."
            ).replace("%1", where),
            self,
        )
        layout.addWidget(self.intro)
        self.fingerprint = _plain(self._grouped(), self)
        self.fingerprint.setObjectName("pinFingerprint")
        self.fingerprint.setWordWrap(False)  # 16 pairs a line, as printed by the server
        self.fingerprint.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.fingerprint.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.fingerprint)
        self.after = _plain(
            self.tr(
                "Once trusted, this PC accepts only this certificate from %1; a different "
                "one is refused with both fingerprints shown."
            ).replace("%1", where),
            self,
        )
        layout.addWidget(self.after)
        self.buttons = QDialogButtonBox(self)
        self.trust_button = self.buttons.addButton(
            self.tr("Trust this certificate"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.trust_button.setAutoDefault(False)
        self.cancel_button.setDefault(True)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        # room for the fingerprint's lines with a margin, whatever the font
        self.setMinimumWidth(self.fingerprint.sizeHint().width() + 80)

    def _grouped(self) -> str:
        """``SHA-256`` and the 32 byte pairs on two lines of 16, as people read them aloud."""
        pairs = pinning.readable(self.pin).split(" ", 1)[1].split(":")
        return "SHA-256\n" + ":".join(pairs[:16]) + "\n" + ":".join(pairs[16:])


Confirm = Callable[[str, str], bool]


def confirm_pin(parent: QWidget | None, where: str, pin: str) -> bool:
    """Show ``PinDialog`` modally; True when the user trusts the certificate."""
    dialog = PinDialog(where, pin, parent)
    try:
        return dialog.exec() == QDialog.DialogCode.Accepted
    finally:
        dialog.deleteLater()


def show_mismatch(parent: QWidget | None, mismatch: pinning.PinMismatch) -> None:
    """The refusal, naming both fingerprints, as plain text."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Critical)
    box.setWindowTitle(tr("Certificate refused"))
    box.setTextFormat(Qt.TextFormat.PlainText)
    # All in the plain-text label: the informative one guesses its format.
    box.setText(
        tr("The server at %1 presents a different certificate than the one trusted.")
        .replace("%1", mismatch.where)
        + "\n\n"
        + tr("trusted: %1").replace("%1", pinning.readable(mismatch.expected))
        + "\n"
        + tr("presented: %1").replace("%1", pinning.readable(mismatch.found))
        + f"\n\n{mismatch}"
    )
    box.exec()
    box.deleteLater()


def pin_for(
    where: str,
    presented: str,
    pins: MutableMapping[str, str],
    confirm: Confirm,
    *,
    given: str | None = None,
) -> str | None:
    """The pin to connect to ``where`` with, asking the user on first use (GUI thread).

    ``presented``: the fingerprint the server presents now (``pinning.fetch_fingerprint``,
    fetched off the GUI thread). ``given`` (``--pin``) wins; else the pin stored
    for ``where``; else ``presented`` is shown through ``confirm`` and stored in
    ``pins`` once confirmed. None: the user declined. Raises ``PinMismatch``
    when the server presents another certificate than a given or stored pin.
    """
    expected = pinning.expected_pin(where, presented, pins, given=given)
    if expected is not None:
        return expected
    if not confirm(where, presented):
        return None
    pins[where] = pinning.parse_pin(presented)
    return pins[where]
