"""``gatewatch tls``: a self-signed certificate for a site, and certificate fingerprints.

``self-signed`` writes a certificate and its key for this server's names and
addresses and prints the SHA-256 fingerprint: note it, windows show the same
fingerprint when they first connect, and the user confirms it matches.
``fingerprint`` prints a certificate file's or a running server's fingerprint.
Exit codes: 0 done, 1 cannot write / read / connect, 2 bad arguments.
"""

from __future__ import annotations

import argparse
import contextlib
import socket
import ssl
import sys
from pathlib import Path

from gui import settings
from gui.cli import SUBCOMMANDS
from gui.core import pinning, tls


def configure(p: argparse.ArgumentParser) -> None:
    p.description = (
        "TLS for the API on the network: make a self-signed certificate for this server, "
        "or print a certificate's SHA-256 fingerprint (what windows pin)."
    )
    sub = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    make = sub.add_parser("self-signed", help="write a self-signed certificate and key")
    make.add_argument(
        "--name",
        action="append",
        metavar="HOST",
        help="host name or IP address windows use to reach this server (repeatable; "
        "default: this PC's name and its IPv4 addresses)",
    )
    make.add_argument(
        "--out", type=Path, default=None, help="folder for gatewatch.crt and gatewatch.key "
        "(default: the data folder)"
    )  # fmt: skip
    make.add_argument("--days", type=int, default=3650, help="validity (default 10 years)")
    make.add_argument("--force", action="store_true", help="replace existing files")
    show = sub.add_parser("fingerprint", help="SHA-256 fingerprint of a certificate")
    show.add_argument("source", help="a PEM certificate file, or HOST:PORT / https://HOST:PORT")


def _default_names() -> list[str]:
    from gui.core import netinfo

    names = [socket.gethostname() or "localhost"]
    with contextlib.suppress(Exception):  # no interfaces to list: the host name alone
        names += [address for _iface, address in netinfo.local_ipv4()]
    return [*dict.fromkeys([*names, "localhost", "127.0.0.1"])]


def _self_signed(args: argparse.Namespace) -> int:
    out = args.out or settings.load().resolved_data_dir()
    cert_path, key_path = Path(out) / "gatewatch.crt", Path(out) / "gatewatch.key"
    if not args.force and (cert_path.exists() or key_path.exists()):
        print(
            f"gatewatch tls: {cert_path} or {key_path} exists already (--force replaces them; "
            "windows that pinned the old one must then confirm the new fingerprint)",
            file=sys.stderr,
        )
        return 1
    if args.days < 1:
        print("gatewatch tls: --days must be at least 1", file=sys.stderr)
        return 2
    names = [n.strip() for n in (args.name or _default_names()) if n.strip()]
    cert_pem, key_pem = tls.make_self_signed(names, days=args.days)
    try:
        tls.write_pair(cert_path, key_path, cert_pem, key_pem)
    except OSError as exc:
        print(f"gatewatch tls: cannot write the certificate: {exc}", file=sys.stderr)
        return 1
    pin = pinning.fingerprint(tls.pem_to_der(cert_pem))
    print(f"certificate: {cert_path}\nkey:         {key_path} (keep it private)")
    print(f"for:         {', '.join(names)}")
    print(f"fingerprint: {pin}\n             {pinning.readable(pin)}")
    print(
        f"start with:  gatewatch --headless --tls-cert {cert_path} --tls-key {key_path}\n"
        f"windows:     gatewatch --connect https://<this server>:{tls.DEFAULT_TLS_PORT} "
        f"--pin {pin}"
    )
    return 0


def _fingerprint(args: argparse.Namespace) -> int:
    source = args.source
    path = Path(source)
    try:
        if path.is_file():
            der = tls.pem_to_der(path.read_bytes())
        else:
            host, port = pinning.host_port(source, tls.DEFAULT_TLS_PORT)
            der = pinning.fetch_certificate(host, port)
    except (OSError, ValueError, ssl.SSLError) as exc:
        print(f"gatewatch tls: {exc}", file=sys.stderr)
        return 1
    pin = pinning.fingerprint(der)
    print(f"{pin}\n{pinning.readable(pin)}")
    return 0


def run(args: argparse.Namespace) -> int:
    if args.action == "self-signed":
        return _self_signed(args)
    return _fingerprint(args)


SUBCOMMANDS["tls"] = (configure, run)
