"""Certificate pinning for windows attached to a server with a self-signed certificate.

A site has no certificate authority; its receiver has a self-signed
certificate (``gatewatch tls self-signed``). The first time a window connects,
it fetches the certificate's SHA-256 fingerprint and shows it; once the user
confirmed it matches the one the server's installer noted, the fingerprint is
the pin (kept in the settings, ``tls_pins``), and from then on the window
accepts exactly that certificate: ``pinned_context`` trusts that one
certificate and nothing else, with no host name check (sites use addresses).
A different certificate is refused with both fingerprints named.
"""

from __future__ import annotations

import hashlib
import ipaddress
import re
import socket
import ssl
from collections.abc import Mapping
from urllib.parse import urlsplit

PREFIX = "sha256:"
_HEX = re.compile(r"^[0-9a-f]{64}$")


class BadPin(ValueError):
    """A ``--pin`` value that is not a SHA-256 fingerprint."""


class PinMismatch(ssl.SSLError):
    """The server presents another certificate than the pinned one."""

    def __init__(self, where: str, expected: str, found: str) -> None:
        self.where = where
        self.expected = expected
        self.found = found
        super().__init__(
            f"refused: the server at {where} presents the certificate {found}, not the pinned "
            f"{expected}. If its certificate was replaced on purpose, check the new fingerprint "
            "with the server's administrator and pin it again; otherwise something between "
            "this PC and the server is impersonating it."
        )

    def __str__(self) -> str:
        return str(self.args[0])


def fingerprint(der: bytes) -> str:
    """``sha256:<64 lower-case hex>`` of a DER certificate: the pin's canonical form."""
    return PREFIX + hashlib.sha256(der).hexdigest()


def parse_pin(text: str) -> str:
    """A pin as typed (``sha256:`` optional, colons/spaces, any case) -> canonical form."""
    value = text.strip().lower()
    if value.startswith(PREFIX):
        value = value[len(PREFIX) :]
    value = re.sub(r"[\s:]", "", value)
    if not _HEX.match(value):
        raise BadPin(
            f"{text.strip()[:80]!r} is not a SHA-256 certificate fingerprint "
            "(sha256: then 64 hex digits, colons allowed)"
        )
    return PREFIX + value


def readable(pin: str) -> str:
    """The fingerprint as people compare it: ``SHA-256 AB:CD:...`` in upper case."""
    digits = parse_pin(pin)[len(PREFIX) :].upper()
    return "SHA-256 " + ":".join(digits[i : i + 2] for i in range(0, len(digits), 2))


def _server_name(host: str) -> str | None:
    """SNI name: host names only (an address as SNI is not allowed)."""
    try:
        ipaddress.ip_address(host.strip("[]"))
        return None
    except ValueError:
        return host


def host_port(url: str, default_port: int = 443) -> tuple[str, int]:
    """``https://host:port/...`` (or ``host:port``) -> (host, port)."""
    parts = urlsplit(url if "://" in url else f"https://{url}")
    if not parts.hostname:
        raise ValueError(f"no host in {url!r}")
    return parts.hostname, parts.port or default_port


def pin_key(host: str, port: int) -> str:
    """How pins are keyed in the settings: ``host:port`` (IPv6 in brackets)."""
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def fetch_certificate(host: str, port: int, timeout: float = 10.0) -> bytes:
    """The DER certificate the server at ``host:port`` presents (nothing verified).

    Blocking: call it off the GUI thread (``BackgroundWork``) or from a command.
    """
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    with (
        socket.create_connection((host, port), timeout=timeout) as sock,
        ctx.wrap_socket(sock, server_hostname=_server_name(host)) as tls,
    ):
        der = tls.getpeercert(binary_form=True)
    if not der:
        raise ssl.SSLError(f"the server at {pin_key(host, port)} sent no certificate")
    return der


def fetch_fingerprint(host: str, port: int, timeout: float = 10.0) -> str:
    """The server's certificate fingerprint, for the user to confirm (pin on first use)."""
    return fingerprint(fetch_certificate(host, port, timeout))


def expected_pin(
    where: str, presented: str, pins: Mapping[str, str], *, given: str | None = None
) -> str | None:
    """The pin that applies to ``where`` (``given`` first, else the stored one), checked.

    Raises ``PinMismatch`` when the server ``presented`` another certificate;
    None when nothing is pinned yet: first use, the user must confirm.
    """
    pinned = given or pins.get(where)
    if not pinned:
        return None
    expected = parse_pin(pinned)
    found = parse_pin(presented)
    if found != expected:
        raise PinMismatch(where, expected, found)
    return expected


def context_trusting(der: bytes) -> ssl.SSLContext:
    """A client context that accepts exactly this certificate (self-signed allowed).

    The certificate is the only trust anchor (partial chain: it need not be a
    CA's), the system's authorities are not loaded, and host names are not
    checked: the pin already says which server this is.
    """
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_REQUIRED
    ctx.verify_flags |= ssl.VERIFY_X509_PARTIAL_CHAIN
    ctx.load_verify_locations(cadata=der)
    return ctx


def check(host: str, port: int, pin: str, timeout: float = 10.0) -> bytes:
    """Fetch the server's certificate and raise ``PinMismatch`` unless it is the pinned one."""
    expected = parse_pin(pin)
    der = fetch_certificate(host, port, timeout)
    found = fingerprint(der)
    if found != expected:
        raise PinMismatch(pin_key(host, port), expected, found)
    return der


def pinned_context(host: str, port: int, pin: str, timeout: float = 10.0) -> ssl.SSLContext:
    """A client context for ``host:port`` accepting only the pinned certificate.

    Raises ``PinMismatch`` (naming both fingerprints) if the server presents
    another one now; a certificate swapped later fails the handshake, and
    ``check`` then says why in the same words.
    """
    return context_trusting(check(host, port, pin, timeout))
