"""TLS for the API: a real self-signed certificate made in the test, the TLS port beside
the boxes' plain port, certificate pinning, and the `gatewatch tls` command."""

from __future__ import annotations

import http.client
import json
import ssl
import stat
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from gui import cli, preflight
from gui.core import pinning, tls
from gui.core.receiver import Receiver, ReceiverConfig, ReceiverThread
from tests.conftest import Client, load_sample

PROXIED = {"X-Forwarded-For": "192.168.1.77"}


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str]:
    """A self-signed certificate for localhost / 127.0.0.1: (cert, key, its pin)."""
    folder = tmp_path_factory.mktemp("tls")
    cert_pem, key_pem = tls.make_self_signed(["localhost", "127.0.0.1"])
    tls.write_pair(folder / "site.crt", folder / "site.key", cert_pem, key_pem)
    return folder / "site.crt", folder / "site.key", pinning.fingerprint(tls.pem_to_der(cert_pem))


@pytest.fixture
def rig(tmp_path: Path, pair: tuple[Path, Path, str]) -> Iterator[Any]:
    cert, key, _pin = pair
    rec = Receiver(
        ReceiverConfig(
            data_dir=tmp_path / "data", port=0, bind="127.0.0.1",
            tls_cert=str(cert), tls_key=str(key), tls_port=0,
        )
    )  # fmt: skip
    thread = ReceiverThread(rec)
    thread.start()
    rec.thread = thread  # type: ignore[attr-defined]
    rec.client = Client(rec.port)  # type: ignore[attr-defined]
    yield rec
    thread.stop()


def _https(port: int, context: ssl.SSLContext, method: str, path: str, **kw: Any) -> Any:
    conn = http.client.HTTPSConnection("127.0.0.1", port, context=context, timeout=10)
    try:
        conn.request(method, path, **kw)
        reply = conn.getresponse()
        return reply.status, reply.read()
    finally:
        conn.close()


def test_pinned_context_reads_the_api_over_tls(rig: Any, pair: tuple[Path, Path, str]) -> None:
    _cert, _key, pin = pair
    assert rig.tls_port and rig.tls_port != rig.port
    assert pinning.fetch_fingerprint("127.0.0.1", rig.tls_port) == pin
    context = pinning.pinned_context("127.0.0.1", rig.tls_port, pin)
    status, body = _https(rig.tls_port, context, "GET", "/api/health")
    assert status == 200 and json.loads(body)["status"] == "ok"
    # the TLS port takes events too (for clients that can do TLS)
    event = json.dumps(load_sample("stranger")).encode()
    status, body = _https(
        rig.tls_port, context, "POST", "/EventServer/api/RealTimeEvent", body=event,
        headers={"Content-Type": "application/json"},
    )  # fmt: skip
    assert status == 200 and json.loads(body)["code"] == 0
    # a client trusting the system's authorities refuses the self-signed certificate
    with pytest.raises(ssl.SSLCertVerificationError):
        _https(rig.tls_port, ssl.create_default_context(), "GET", "/api/health")


def test_a_pin_mismatch_is_refused_naming_both_fingerprints(
    rig: Any, pair: tuple[Path, Path, str], tmp_path: Path
) -> None:
    _cert, _key, pin = pair
    other_pem, _ = tls.make_self_signed(["localhost"])
    other = pinning.fingerprint(tls.pem_to_der(other_pem))
    with pytest.raises(pinning.PinMismatch) as caught:
        pinning.pinned_context("127.0.0.1", rig.tls_port, other)
    message = str(caught.value)
    assert other in message and pin in message and f"127.0.0.1:{rig.tls_port}" in message
    # a context built for another certificate fails the handshake with this server
    with pytest.raises(ssl.SSLCertVerificationError):
        _https(rig.tls_port, pinning.context_trusting(tls.pem_to_der(other_pem)), "GET", "/")


def test_plain_port_keeps_ingest_and_this_pc_but_sends_other_pcs_to_tls(
    rig: Any, pair: tuple[Path, Path, str]
) -> None:
    body = json.dumps(load_sample("employee_match")).encode()
    stored = rig.client.request(
        "POST", "/EventServer/api/RealTimeEvent", body, {"Content-Type": "application/json"}
    )
    assert stored.status == 200, stored.body  # the boxes' plain HTTP
    assert rig.client.get("/api/health").status == 200  # this PC, plain
    refused = rig.client.request("GET", "/api/events", None, PROXIED)
    assert refused.status == 403
    assert f":{rig.tls_port}/" in refused.json()["message"]
    assert "HTTPS" in refused.json()["message"]
    # a token sent in clear is refused just the same (and not even looked up)
    refused = rig.client.request(
        "GET", "/api/events", None, {**PROXIED, "Authorization": "Bearer gw_whatever"}
    )
    assert refused.status == 403
    # over TLS, another PC needs a token like before
    context = pinning.pinned_context("127.0.0.1", rig.tls_port, pair[2])
    status, _ = _https(rig.tls_port, context, "GET", "/api/events", headers=PROXIED)
    assert status == 401


def test_bad_certificate_or_key_is_a_one_line_refusal(
    tmp_path: Path, pair: tuple[Path, Path, str], capsys: Any
) -> None:
    cert, key, _ = pair
    garbage = tmp_path / "garbage.pem"
    garbage.write_text("not a certificate\n")
    _other_cert, other_key = tls.make_self_signed(["elsewhere"])
    wrong_key = tmp_path / "wrong.key"
    wrong_key.write_bytes(other_key)
    assert preflight.tls_problem("", "") is None
    assert preflight.tls_problem(str(cert), str(key)) is None
    for cert_arg, key_arg, words in (
        (str(tmp_path / "missing.crt"), str(key), "does not exist"),
        (str(garbage), str(key), "cannot use"),
        (str(cert), str(wrong_key), "cannot use"),
        ("", str(key), "needs --tls-cert"),
    ):
        problem = preflight.tls_problem(cert_arg, key_arg)
        assert problem is not None and words in problem and "\n" not in problem
    args = ["--headless", "--data-dir", str(tmp_path / "d"), "--port", "0"]
    code = cli.main([*args, "--tls-cert", str(garbage), "--tls-key", str(key)])
    assert code == preflight.EXIT_TLS
    err = capsys.readouterr().err
    assert "garbage.pem" in err and "Traceback" not in err


def test_pins_parse_in_every_form_people_type() -> None:
    hexdigits = "ab" * 32
    canonical = f"sha256:{hexdigits}"
    for typed in (canonical, hexdigits.upper(), ":".join(["AB"] * 32), f" SHA256:{hexdigits} "):
        assert pinning.parse_pin(typed) == canonical
    assert pinning.readable(canonical) == "SHA-256 " + ":".join(["AB"] * 32)
    for bad in ("", "sha256:abc", "md5:" + hexdigits, "zz" * 32):
        with pytest.raises(pinning.BadPin):
            pinning.parse_pin(bad)
    assert pinning.host_port("https://10.0.0.5:9529/x") == ("10.0.0.5", 9529)
    assert pinning.host_port("gate-pc:9600") == ("gate-pc", 9600)
    assert pinning.pin_key("fd00::1", 9529) == "[fd00::1]:9529"


def test_tls_command_makes_a_usable_pair_and_prints_its_fingerprint(
    tmp_path: Path, capsys: Any
) -> None:
    out = tmp_path / "site"
    code = cli.main(["tls", "self-signed", "--out", str(out), "--name", "gate-pc",
                     "--name", "192.168.1.50"])  # fmt: skip
    printed = capsys.readouterr().out
    assert code == 0
    cert, key = out / "gatewatch.crt", out / "gatewatch.key"
    assert preflight.tls_problem(str(cert), str(key)) is None
    pin = pinning.fingerprint(tls.pem_to_der(cert.read_bytes()))
    assert pin in printed and "gate-pc, 192.168.1.50" in printed
    if sys.platform != "win32":
        assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert cli.main(["tls", "self-signed", "--out", str(out)]) == 1  # never overwrites silently
    assert "exists already" in capsys.readouterr().err
    assert cli.main(["tls", "fingerprint", str(cert)]) == 0
    assert capsys.readouterr().out.splitlines()[0] == pin
    assert cli.main(["tls", "fingerprint", str(tmp_path / "nothing.crt")]) == 1


def test_tls_fingerprint_of_a_running_server(rig: Any, pair: Any, capsys: Any) -> None:
    assert cli.main(["tls", "fingerprint", f"https://127.0.0.1:{rig.tls_port}"]) == 0
    assert capsys.readouterr().out.splitlines()[0] == pair[2]
