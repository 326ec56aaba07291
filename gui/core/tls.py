"""TLS for the API on the network: the server's context, and a self-signed certificate.

Face photos and tokens cross the LAN, so other PCs use the API over TLS
(``--tls-cert``/``--tls-key``), on a port of its own: the boxes cannot do TLS
and keep posting plain HTTP to the main port, which then answers the API to
this PC only (see ``server.api_guard``).
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import ssl
from pathlib import Path

#: The TLS listener's port unless set (the boxes' plain port is 9528 by convention).
DEFAULT_TLS_PORT = 9529


class TlsConfigError(ValueError):
    """A certificate or key that cannot be used; the message says which and why in one line."""


def server_context(cert: str | Path, key: str | Path | None = None) -> ssl.SSLContext:
    """A server context with ``cert`` (PEM, chain allowed) and ``key`` (PEM, or in ``cert``)."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    for path, what in ((cert, "certificate"), (key, "key")):
        if path is not None and not Path(path).is_file():
            raise TlsConfigError(f"the TLS {what} {path} does not exist or is not a file")
    try:
        ctx.load_cert_chain(str(cert), str(key) if key else None)
    except ssl.SSLError as exc:
        raise TlsConfigError(
            f"cannot use the TLS certificate {cert} with the key {key or cert}: "
            f"{exc.reason or exc} (both PEM; does the key belong to the certificate?)"
        ) from None
    except OSError as exc:
        raise TlsConfigError(f"cannot read the TLS certificate or key: {exc}") from None
    return ctx


def make_self_signed(
    names: list[str], *, days: int = 3650, now: dt.datetime | None = None
) -> tuple[bytes, bytes]:
    """A self-signed certificate for ``names`` (host names and IP addresses): (cert, key) PEM.

    ECDSA P-256 (small, fast, every TLS client has it); valid ``days`` from now.
    Windows pin it on first use (``pinning``), so no certificate authority is needed.
    """
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    if not names:
        raise ValueError("a certificate needs at least one host name or address")
    alt: list[x509.GeneralName] = []
    for name in names:
        try:
            alt.append(x509.IPAddress(ipaddress.ip_address(name)))
        except ValueError:
            alt.append(x509.DNSName(name))
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, names[0][:64]),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Gatewatch"),
        ]
    )
    start = (now or dt.datetime.now(dt.UTC)) - dt.timedelta(hours=1)  # clocks differ a little
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + dt.timedelta(days=days))
        .add_extension(x509.SubjectAlternativeName(alt), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_pem = cert.public_bytes(serialization.Encoding.PEM)
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return cert_pem, key_pem


def write_pair(cert_path: Path, key_path: Path, cert_pem: bytes, key_pem: bytes) -> None:
    """Write the certificate (readable) and the key (owner only, 0600 from its creation)."""
    cert_path.parent.mkdir(parents=True, exist_ok=True)
    key_path.parent.mkdir(parents=True, exist_ok=True)
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0)
    fd = os.open(key_path, flags, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(key_pem)
    cert_path.write_bytes(cert_pem)


def pem_to_der(pem: bytes) -> bytes:
    """The first certificate of a PEM file, as DER (what fingerprints are taken of)."""
    text = pem.decode("ascii", "replace")
    begin = text.find("-----BEGIN CERTIFICATE-----")
    end = text.find("-----END CERTIFICATE-----", begin)
    if begin < 0 or end < 0:
        raise TlsConfigError("no PEM certificate (-----BEGIN CERTIFICATE-----) in the file")
    return ssl.PEM_cert_to_DER_cert(text[begin : end + len("-----END CERTIFICATE-----")] + "\n")
