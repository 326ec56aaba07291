"""A self-signed X.509 certificate (ECDSA P-256, SHA-256) from the standard library alone.

``gatewatch tls self-signed`` is the one thing that needs to *make* a key and a
certificate; serving and checking them is the ``ssl`` module's job. Doing it
here instead of through ``cryptography`` keeps 11 MB (its Rust library with its
own OpenSSL) out of the packaged app. The pieces are small and fixed: P-256
arithmetic (FIPS 186-4 / SEC 2 curve), ECDSA signing with RFC 6979 nonces (no
dependence on the random source for the signature), and the DER of one
certificate shape (RFC 5280) and its PKCS#8 key (RFC 5208, RFC 5915).

The key is made once, on the installer's own PC; Python's integers are not
constant-time, which matters for a long-lived signing service under a remote
timing attacker, not for one signature made offline.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import ipaddress
import secrets
from collections.abc import Iterator

# -- P-256 (secp256r1) -------------------------------------------------------------------

P = 0xFFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFF
A = P - 3
B = 0x5AC635D8AA3A93E7B3EBBD55769886BC651D06B0CC53B0F63BCE3C3E27D2604B
N = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
G = (
    0x6B17D1F2E12C4247F8BCE6E563A440F277037D812DEB33A0F4A13945D898C296,
    0x4FE342E2FE1A7F9B8EE7EB4A7C0F9E162BCE33576B315ECECBB6406837BF51F5,
)

_Jacobian = tuple[int, int, int]
_INFINITY: _Jacobian = (0, 1, 0)


def _double(pt: _Jacobian) -> _Jacobian:
    x, y, z = pt
    if z == 0 or y == 0:
        return _INFINITY
    yy = y * y % P
    s = 4 * x * yy % P
    zz = z * z % P
    m = 3 * (x - zz) * (x + zz) % P  # a = -3
    x3 = (m * m - 2 * s) % P
    return x3, (m * (s - x3) - 8 * yy * yy) % P, 2 * y * z % P


def _add(p1: _Jacobian, p2: _Jacobian) -> _Jacobian:
    if p1[2] == 0:
        return p2
    if p2[2] == 0:
        return p1
    x1, y1, z1 = p1
    x2, y2, z2 = p2
    z1z1, z2z2 = z1 * z1 % P, z2 * z2 % P
    u1, u2 = x1 * z2z2 % P, x2 * z1z1 % P
    s1, s2 = y1 * z2 * z2z2 % P, y2 * z1 * z1z1 % P
    h, r = (u2 - u1) % P, (s2 - s1) % P
    if h == 0:
        return _double(p1) if r == 0 else _INFINITY
    hh = h * h % P
    hhh = h * hh % P
    v = u1 * hh % P
    x3 = (r * r - hhh - 2 * v) % P
    return x3, (r * (v - x3) - s1 * hhh) % P, h * z1 * z2 % P


def _affine(pt: _Jacobian) -> tuple[int, int]:
    x, y, z = pt
    if z == 0:
        raise ValueError("the point at infinity has no affine coordinates")
    zi = pow(z, -1, P)
    zi2 = zi * zi % P
    return x * zi2 % P, y * zi2 * zi % P


def multiply(k: int, point: tuple[int, int] = G) -> tuple[int, int]:
    """``k * point`` on P-256 (a Montgomery ladder: one add and one double per bit)."""
    if not 0 < k < N:
        raise ValueError("scalar out of range")
    r0, r1 = _INFINITY, (point[0], point[1], 1)
    for i in reversed(range(N.bit_length())):
        if (k >> i) & 1:
            r0, r1 = _add(r0, r1), _double(r1)
        else:
            r0, r1 = _double(r0), _add(r0, r1)
    return _affine(r0)


def on_curve(point: tuple[int, int]) -> bool:
    x, y = point
    return (y * y - (x * x * x + A * x + B)) % P == 0


def _rfc6979_nonces(d: int, digest: bytes) -> Iterator[int]:
    """The RFC 6979 (3.2) nonce generator for HMAC-SHA256 and the curve order ``N``."""
    x = d.to_bytes(32, "big")
    h = (int.from_bytes(digest, "big") % N).to_bytes(32, "big")
    v, k = b"\x01" * 32, b"\x00" * 32
    k = hmac.new(k, v + b"\x00" + x + h, hashlib.sha256).digest()
    v = hmac.new(k, v, hashlib.sha256).digest()
    k = hmac.new(k, v + b"\x01" + x + h, hashlib.sha256).digest()
    v = hmac.new(k, v, hashlib.sha256).digest()
    while True:
        v = hmac.new(k, v, hashlib.sha256).digest()
        candidate = int.from_bytes(v, "big")
        if 0 < candidate < N:
            yield candidate
        k = hmac.new(k, v + b"\x00", hashlib.sha256).digest()
        v = hmac.new(k, v, hashlib.sha256).digest()


def sign(d: int, message: bytes) -> tuple[int, int]:
    """ECDSA-with-SHA256 signature ``(r, s)`` of ``message`` with private key ``d``."""
    digest = hashlib.sha256(message).digest()
    z = int.from_bytes(digest, "big")  # 256-bit hash, 256-bit order: no truncation
    for k in _rfc6979_nonces(d, digest):
        r = multiply(k)[0] % N
        if r == 0:
            continue
        s = pow(k, -1, N) * (z + r * d) % N
        if s != 0:
            return r, s
    raise AssertionError("unreachable")


def verify(public: tuple[int, int], message: bytes, signature: tuple[int, int]) -> bool:
    """True when ``signature`` is ``public``'s ECDSA-with-SHA256 signature of ``message``."""
    r, s = signature
    if not (0 < r < N and 0 < s < N) or not on_curve(public):
        return False
    z = int.from_bytes(hashlib.sha256(message).digest(), "big")
    w = pow(s, -1, N)
    u1, u2 = z * w % N, r * w % N
    total = _INFINITY
    if u1:
        gx, gy = multiply(u1)
        total = _add(total, (gx, gy, 1))
    if u2:
        qx, qy = multiply(u2, public)
        total = _add(total, (qx, qy, 1))
    if total[2] == 0:
        return False
    return _affine(total)[0] % N == r


# -- DER ----------------------------------------------------------------------------------


def _tlv(tag: int, body: bytes) -> bytes:
    n = len(body)
    if n < 0x80:
        return bytes([tag, n]) + body
    size = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([tag, 0x80 | len(size)]) + size + body


def _seq(*items: bytes) -> bytes:
    return _tlv(0x30, b"".join(items))


def _set(*items: bytes) -> bytes:
    return _tlv(0x31, b"".join(items))


def _int(value: int) -> bytes:
    if value < 0:
        raise ValueError("only non-negative integers are encoded here")
    body = value.to_bytes(value.bit_length() // 8 + 1, "big")  # a leading 0 keeps it positive
    return _tlv(0x02, body)


def _oid(dotted: str) -> bytes:
    parts = [int(p) for p in dotted.split(".")]
    body = bytearray([40 * parts[0] + parts[1]])
    for part in parts[2:]:
        chunk = [part & 0x7F]
        part >>= 7
        while part:
            chunk.append(0x80 | (part & 0x7F))
            part >>= 7
        body += bytes(reversed(chunk))
    return _tlv(0x06, bytes(body))


def _bits(data: bytes) -> bytes:
    return _tlv(0x03, b"\x00" + data)


def _octets(data: bytes) -> bytes:
    return _tlv(0x04, data)


def _time(when: dt.datetime) -> bytes:
    """UTCTime through 2049, GeneralizedTime after (RFC 5280 4.1.2.5)."""
    when = when.astimezone(dt.UTC)
    if when.year < 2050:
        return _tlv(0x17, when.strftime("%y%m%d%H%M%SZ").encode("ascii"))
    return _tlv(0x18, when.strftime("%Y%m%d%H%M%SZ").encode("ascii"))


OID_EC_PUBLIC_KEY = "1.2.840.10045.2.1"
OID_P256 = "1.2.840.10045.3.1.7"
OID_ECDSA_SHA256 = "1.2.840.10045.4.3.2"
OID_COMMON_NAME = "2.5.4.3"
OID_ORGANIZATION = "2.5.4.10"
OID_SUBJECT_ALT_NAME = "2.5.29.17"
OID_BASIC_CONSTRAINTS = "2.5.29.19"
OID_EXTENDED_KEY_USAGE = "2.5.29.37"
OID_SERVER_AUTH = "1.3.6.1.5.5.7.3.1"


def _name(common_name: str, organization: str) -> bytes:
    def attribute(oid: str, text: str) -> bytes:
        return _set(_seq(_oid(oid), _tlv(0x0C, text.encode("utf-8"))))  # UTF8String

    return _seq(attribute(OID_COMMON_NAME, common_name), attribute(OID_ORGANIZATION, organization))


def _alt_name(name: str) -> bytes:
    """A SubjectAltName entry: iPAddress [7] for an address, dNSName [2] otherwise."""
    try:
        return _tlv(0x87, ipaddress.ip_address(name).packed)
    except ValueError:
        pass
    try:
        ascii_name = name.encode("idna")
    except UnicodeError:
        raise ValueError(f"{name[:80]!r} is neither an IP address nor a host name") from None
    if not ascii_name or b" " in ascii_name:
        raise ValueError(f"{name[:80]!r} is neither an IP address nor a host name")
    return _tlv(0x82, ascii_name)


def _extension(oid: str, value: bytes, *, critical: bool = False) -> bytes:
    flag = _tlv(0x01, b"\xff") if critical else b""
    return _seq(_oid(oid), flag, _octets(value))


def _pem(label: str, der: bytes) -> str:
    text = base64.b64encode(der).decode("ascii")
    lines = "\n".join(text[i : i + 64] for i in range(0, len(text), 64))
    return f"-----BEGIN {label}-----\n{lines}\n-----END {label}-----\n"


def certificate(
    names: list[str],
    *,
    not_before: dt.datetime,
    not_after: dt.datetime,
    organization: str = "Gatewatch",
    private_key: int | None = None,
) -> tuple[bytes, bytes]:
    """A self-signed server certificate for ``names`` and its key, both PEM: ``(cert, key)``.

    The subject (and issuer) is ``CN=<first name>, O=<organization>``; the
    extensions: subjectAltName (every name), basicConstraints ``CA:FALSE``
    (critical) and extendedKeyUsage ``serverAuth``.
    """
    if not names:
        raise ValueError("a certificate needs at least one host name or address")
    alt = b"".join(_alt_name(n) for n in names)
    d = private_key if private_key is not None else secrets.randbelow(N - 1) + 1
    qx, qy = multiply(d)
    point = b"\x04" + qx.to_bytes(32, "big") + qy.to_bytes(32, "big")
    ec_p256 = _seq(_oid(OID_EC_PUBLIC_KEY), _oid(OID_P256))
    signature_algorithm = _seq(_oid(OID_ECDSA_SHA256))
    subject = _name(names[0][:64], organization)
    tbs = _seq(
        _tlv(0xA0, _int(2)),  # [0] version: v3
        _int(secrets.randbits(159) | 1 << 158),  # positive, at most 20 octets
        signature_algorithm,
        subject,  # issuer: itself
        _seq(_time(not_before), _time(not_after)),
        subject,
        _seq(ec_p256, _bits(point)),
        _tlv(
            0xA3,  # [3] extensions
            _seq(
                _extension(OID_SUBJECT_ALT_NAME, _seq(alt)),
                _extension(OID_BASIC_CONSTRAINTS, _seq(), critical=True),
                _extension(OID_EXTENDED_KEY_USAGE, _seq(_oid(OID_SERVER_AUTH))),
            ),
        ),
    )
    r, s = sign(d, tbs)
    cert = _seq(tbs, signature_algorithm, _bits(_seq(_int(r), _int(s))))
    ec_private_key = _seq(
        _int(1),
        _octets(d.to_bytes(32, "big")),
        _tlv(0xA1, _bits(point)),  # RFC 5915
    )
    pkcs8 = _seq(_int(0), ec_p256, _octets(ec_private_key))
    return _pem("CERTIFICATE", cert).encode("ascii"), _pem("PRIVATE KEY", pkcs8).encode("ascii")
