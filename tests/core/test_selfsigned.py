"""The self-signed certificate made with the standard library: right numbers, right DER,
accepted by OpenSSL (through ``ssl``) and read back by ``cryptography`` as what was asked."""

from __future__ import annotations

import datetime as dt
import socket
import ssl
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from gui.core import selfsigned, tls
from tests.core.loopback import free_box_address as random_loopback

# RFC 6979, A.2.5: ECDSA, 256 bits (prime field), SHA-256, message "sample".
RFC6979_KEY = 0xC9AFA9D845BA75166B5C215767B1D6934E50C3DB36E89B127B8A622B120F6721
RFC6979_PUBLIC = (
    0x60FED4BA255A9D31C961EB74C6356D68C049B8923B61FA6CE669622E60F29FB6,
    0x7903FE1008B8BC99A41AE9E95628BC64F2F1B20C2D7E9F5177A3C294D4462299,
)
RFC6979_SIGNATURE = (
    0xEFD48B2AACB6A8FD1140DD9CD45E81D69D2C877B56AAF991C34D0EA84EAF3716,
    0xF7CB1C942D657C41D436C7A1B6E29F65F3E900DBB9AFF4064DC4AB2F843ACDA8,
)


def test_p256_and_ecdsa_match_the_rfc_6979_vector() -> None:
    assert selfsigned.on_curve(selfsigned.G)
    assert selfsigned.multiply(RFC6979_KEY) == RFC6979_PUBLIC
    assert selfsigned.sign(RFC6979_KEY, b"sample") == RFC6979_SIGNATURE
    assert selfsigned.verify(RFC6979_PUBLIC, b"sample", RFC6979_SIGNATURE)
    assert not selfsigned.verify(RFC6979_PUBLIC, b"simple", RFC6979_SIGNATURE)
    r, s = RFC6979_SIGNATURE
    assert not selfsigned.verify(RFC6979_PUBLIC, b"sample", (r, s ^ 1))
    # n * G is the point at infinity: the order is right
    with pytest.raises(ValueError):
        selfsigned.multiply(selfsigned.N)
    last = selfsigned.multiply(selfsigned.N - 1)
    assert last == (selfsigned.G[0], selfsigned.P - selfsigned.G[1])


def test_certificate_reads_back_as_asked() -> None:
    x509 = pytest.importorskip("cryptography.x509")
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    now = dt.datetime(2026, 12, 2, 6, 30, tzinfo=dt.UTC)
    names = ["gate.example", "192.168.1.5", "::1", "büro.local"]
    cert_pem, key_pem = tls.make_self_signed(names, days=365, now=now)
    cert = x509.load_pem_x509_certificate(cert_pem)
    key = serialization.load_pem_private_key(key_pem, None)

    assert cert.version == x509.Version.v3
    assert cert.subject == cert.issuer
    assert cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "gate.example"
    assert cert.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)[0].value == "Gatewatch"
    assert cert.not_valid_before_utc == now - dt.timedelta(hours=1)
    assert cert.not_valid_after_utc == now - dt.timedelta(hours=1) + dt.timedelta(days=365)
    assert 0 < cert.serial_number < 2**159
    alt = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert alt.get_values_for_type(x509.DNSName) == ["gate.example", "xn--bro-hoa.local"]
    assert [str(a) for a in alt.get_values_for_type(x509.IPAddress)] == ["192.168.1.5", "::1"]
    basic = cert.extensions.get_extension_for_class(x509.BasicConstraints)
    assert basic.critical and basic.value.ca is False
    eku = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert list(eku) == [ExtendedKeyUsageOID.SERVER_AUTH]
    assert isinstance(key, ec.EllipticCurvePrivateKey) and key.curve.name == "secp256r1"
    assert key.public_key().public_numbers() == cert.public_key().public_numbers()
    cert.public_key().verify(  # type: ignore[call-arg, union-attr]
        cert.signature, cert.tbs_certificate_bytes, ec.ECDSA(hashes.SHA256())
    )
    # Two certificates never share a key or a serial number.
    again = x509.load_pem_x509_certificate(tls.make_self_signed(["gate.example"])[0])
    assert again.serial_number != cert.serial_number
    assert again.public_key().public_numbers() != cert.public_key().public_numbers()


def test_dates_after_2049_are_generalized_time() -> None:
    x509 = pytest.importorskip("cryptography.x509")
    now = dt.datetime(2045, 1, 1, tzinfo=dt.UTC)
    cert = x509.load_pem_x509_certificate(tls.make_self_signed(["a"], days=3650, now=now)[0])
    assert cert.not_valid_after_utc.year == 2054
    assert b"\x18\x0f2054" in cert.tbs_certificate_bytes  # GeneralizedTime, 15 characters


@pytest.mark.parametrize("names", [[], ["two words"], ["a..b"]])
def test_names_that_cannot_be_in_a_certificate(names: list[str]) -> None:
    with pytest.raises(ValueError):
        tls.make_self_signed(names)


@pytest.mark.parametrize("by", ["dns", "ip"])
def test_openssl_verifies_it_and_matches_the_names(tmp_path: Path, by: str) -> None:
    """A client trusting only this certificate verifies its signature and its names."""
    address = random_loopback()
    cert_pem, key_pem = tls.make_self_signed(["gate.example", address])
    tls.write_pair(tmp_path / "c.pem", tmp_path / "k.pem", cert_pem, key_pem)
    server = tls.server_context(tmp_path / "c.pem", tmp_path / "k.pem")
    client = ssl.create_default_context(cadata=cert_pem.decode())
    with socket.socket() as listener:
        listener.bind((address, 0))
        listener.listen(1)
        port = listener.getsockname()[1]

        def serve() -> None:
            conn, _ = listener.accept()
            with server.wrap_socket(conn, server_side=True) as tls_conn:
                tls_conn.sendall(b"hello")

        thread = threading.Thread(target=serve, daemon=True)
        thread.start()
        host = "gate.example" if by == "dns" else address
        with (
            socket.create_connection((address, port), timeout=10) as raw,
            client.wrap_socket(raw, server_hostname=host) as conn,
        ):
            assert conn.recv(5) == b"hello"
        thread.join(10)
    # and a name it was not made for is refused
    with socket.socket() as listener:
        listener.bind((address, 0))
        listener.listen(1)
        port = listener.getsockname()[1]
        thread = threading.Thread(target=lambda: _accept_quietly(listener, server), daemon=True)
        thread.start()
        with (
            socket.create_connection((address, port), timeout=10) as raw,
            pytest.raises(ssl.SSLCertVerificationError),
        ):
            client.wrap_socket(raw, server_hostname="other.example")
        thread.join(10)


def _accept_quietly(listener: socket.socket, server: ssl.SSLContext) -> None:
    conn, _ = listener.accept()
    try:
        server.wrap_socket(conn, server_side=True).close()
    except (ssl.SSLError, OSError):
        pass
    finally:
        conn.close()


def test_made_without_cryptography_installed() -> None:
    """The packaged app leaves ``cryptography`` out: ``tls self-signed`` must not need it."""
    code = (
        "import sys; sys.modules['cryptography'] = None\n"
        "from gui.core import tls\n"
        "cert, key = tls.make_self_signed(['localhost', '127.0.0.1'])\n"
        "assert cert.startswith(b'-----BEGIN CERTIFICATE-----') and b'PRIVATE KEY' in key\n"
        "print('made')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0 and done.stdout.strip() == "made", done.stderr[-2000:]
