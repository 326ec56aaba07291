"""``gatewatch --connect https://...`` before the window opens: a self-signed server is
pinned on first use (its fingerprint confirmed), a stored pin is used as it is."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from gui.core import pinning, tls
from gui.core.receiver import Receiver, ReceiverConfig, ReceiverThread
from gui.core.remote_client import RemoteServer
from gui.settings import Settings


@pytest.fixture
def secure(tmp_path: Path) -> Iterator[tuple[str, str]]:
    """A receiver with a self-signed certificate: (its https URL, its pin)."""
    cert_pem, key_pem = tls.make_self_signed(["127.0.0.1"])
    tls.write_pair(tmp_path / "s.crt", tmp_path / "s.key", cert_pem, key_pem)
    rec = Receiver(ReceiverConfig(
        data_dir=tmp_path / "server", port=0, bind="127.0.0.1",
        tls_cert=str(tmp_path / "s.crt"), tls_key=str(tmp_path / "s.key"), tls_port=0,
    ))  # fmt: skip
    thread = ReceiverThread(rec)
    thread.start()
    try:
        yield f"https://127.0.0.1:{rec.tls_port}", pinning.fingerprint(tls.pem_to_der(cert_pem))
    finally:
        thread.stop()


def test_first_use_asks_then_keeps_the_pin(
    qapp: Any, secure: tuple[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from gui.ui import startup
    from gui.ui.dialogs import pin as pin_dialog

    url, pin = secure
    asked: list[tuple[str, str]] = []
    answers = [False, True]

    def confirm(_parent: Any, where: str, fingerprint: str) -> bool:
        asked.append((where, fingerprint))
        return answers.pop(0)

    monkeypatch.setattr(pin_dialog, "confirm_pin", confirm)
    settings = Settings()
    server = RemoteServer.parse(url)
    assert startup.trust_attached(settings, server) is None  # declined: no window
    assert settings.tls_pins == {}
    trusted = startup.trust_attached(settings, server)
    assert trusted is not None and trusted.pinned_sha256 == pin
    assert settings.tls_pins == {server.where: pin}
    assert asked == [(server.where, pin)] * 2
    # Pinned: the next start asks nothing.
    assert startup.trust_attached(settings, server).pinned_sha256 == pin  # type: ignore[union-attr]
    assert len(asked) == 2


def test_plain_http_and_an_absent_server_are_left_as_they_are(qapp: Any) -> None:
    from gui.core.receiver import free_port
    from gui.ui import startup

    plain = RemoteServer.parse("http://127.0.0.1:9528")
    assert startup.trust_attached(Settings(), plain) is plain
    absent = RemoteServer.parse(f"https://127.0.0.1:{free_port()}")
    assert startup.trust_attached(Settings(), absent) is absent  # the window says it is down
