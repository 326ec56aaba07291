"""`gatewatch --connect URL --pin sha256:...`: the fingerprint given up front is the one
accepted (this run only), a stored pin otherwise; bad or misplaced pins are one-line refusals."""

from __future__ import annotations

from typing import Any

import pytest

from gui import cli, preflight
from gui.core import pinning
from gui.settings import Settings

PIN = "sha256:" + "ab" * 32
STORED = "sha256:" + "cd" * 32


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """The desktop start replaced: records the arguments it would have run with."""
    import gui.ui.app

    calls: list[Any] = []
    monkeypatch.setattr(preflight, "no_display", lambda *a, **k: None)
    monkeypatch.setattr(gui.ui.app, "run_desktop", lambda current, args: calls.append(args) or 0)
    settings = Settings()
    settings.override(tls_pins={"10.20.0.5:9529": STORED})
    monkeypatch.setattr(cli, "effective_settings", lambda args: settings)
    return calls


def test_pin_given_up_front_is_used_for_this_run(started: list[Any]) -> None:
    typed = ":".join(["AB"] * 32)  # as people copy it from a screen
    assert cli.main(["--connect", "https://gate:9529", "--pin", typed]) == 0
    [args] = started
    assert args.remote_server.pinned_sha256 == PIN


def test_a_stored_pin_is_used_and_a_given_one_wins_over_it(started: list[Any]) -> None:
    assert cli.main(["--connect", "https://10.20.0.5:9529"]) == 0
    assert cli.main(["--connect", "https://10.20.0.5:9529", "--pin", PIN]) == 0
    assert [a.remote_server.pinned_sha256 for a in started] == [STORED, PIN]


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["--connect", "https://gate:9529", "--pin", "sha256:1234"], "--pin"),
        (["--connect", "http://gate:9528", "--pin", PIN], "https"),
        (["--pin", PIN], "go with --connect"),
    ],
)
def test_bad_or_misplaced_pins_are_refused_in_one_line(
    started: list[Any], capsys: Any, argv: list[str], words: str
) -> None:
    assert cli.main(argv) == cli.EXIT_BAD_ARGUMENTS
    err = capsys.readouterr().err
    assert words in err and err.count("\n") == 1
    assert started == []


def test_a_pinned_server_is_not_asked_about_again(monkeypatch: pytest.MonkeyPatch) -> None:
    from gui.core.remote_client import RemoteServer
    from gui.ui import startup
    from gui.ui.dialogs import connect_server

    def never(*_a: Any, **_k: Any) -> Any:
        raise AssertionError("a pinned server's certificate is not probed or asked about")

    monkeypatch.setattr(connect_server, "probe_certificate", never)
    monkeypatch.setattr(connect_server, "decide_pin", never)
    server = RemoteServer.parse("https://gate:9529").with_pin(PIN)
    assert startup.trust_attached(Settings(), server) is server
    assert pinning.parse_pin(server.pinned_sha256 or "") == PIN
