"""Hostile input, command-line class: ``--allow`` and ``--bind`` say what they do.

A malformed ``--allow`` is a one-line error and exit code 2 (not a traceback);
``--allow ''`` (a script's empty variable) is refused rather than meaning
"everyone"; IPv4-mapped forms match their IPv4 source; ``--bind ::`` takes
IPv4 boxes too where the OS allows dual-stack.
"""

from __future__ import annotations

import http.client
import json
import socket
from pathlib import Path

import pytest

from gui import cli
from gui.core.receiver import Receiver, ReceiverConfig, ReceiverThread
from gui.core.server import _ip_in, parse_networks
from tests.conftest import load_sample


@pytest.mark.parametrize(
    "values",
    [["nonsense"], [""], ["   "], ["10.0.0.0/33"], ["192.168.1.0/24,bad"], [","]],
)
def test_a_malformed_allow_is_one_line_and_exit_2(
    values: list[str], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    argv = ["--headless", "--data-dir", str(tmp_path)]
    for value in values:
        argv += ["--allow", value]
    assert cli.main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("gatewatch: --allow")
    assert "Traceback" not in err
    assert not (tmp_path / "gatewatch.sqlite3").exists()  # nothing was started


def test_ipv4_mapped_allow_matches_its_ipv4_source() -> None:
    nets = parse_networks(["::ffff:127.0.0.2", "::ffff:10.1.0.0/112"])
    assert _ip_in("127.0.0.2", nets) and _ip_in("::ffff:127.0.0.2", nets)
    assert _ip_in("10.1.200.3", nets)
    assert not _ip_in("127.0.0.3", nets) and not _ip_in("10.2.0.1", nets)


def _post_from(source: str, host: str, port: int) -> int:
    conn = http.client.HTTPConnection(host, port, timeout=10, source_address=(source, 0))
    try:
        body = json.dumps(load_sample("stranger")).encode()
        conn.request("POST", "/EventServer/api/HistoryEvent", body,
                     {"Content-Type": "application/json"})  # fmt: skip
        return conn.getresponse().status
    finally:
        conn.close()


def test_a_receiver_allows_a_mapped_address_over_tcp(tmp_path: Path) -> None:
    rec = Receiver(
        ReceiverConfig(data_dir=tmp_path, port=0, bind="127.0.0.1", allow=["::ffff:127.0.0.2"])
    )
    thread = ReceiverThread(rec)
    thread.start()
    try:
        assert _post_from("127.0.0.2", "127.0.0.1", rec.port) == 200
        assert _post_from("127.0.0.3", "127.0.0.1", rec.port) == 403
    finally:
        thread.stop()


@pytest.mark.skipif(not socket.has_dualstack_ipv6(), reason="no dual-stack IPv6 here")
def test_bind_any_ipv6_takes_ipv4_boxes_too(tmp_path: Path) -> None:
    try:
        probe = socket.socket(socket.AF_INET6)
        probe.bind(("::1", 0))
        probe.close()
    except OSError:
        pytest.skip("no IPv6 loopback here")
    rec = Receiver(ReceiverConfig(data_dir=tmp_path, port=0, bind="::"))
    thread = ReceiverThread(rec)
    thread.start()
    try:
        assert _post_from("127.0.0.1", "127.0.0.1", rec.port) == 200
        assert _post_from("::1", "::1", rec.port) == 200
    finally:
        thread.stop()
