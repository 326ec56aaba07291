"""Which URLs to type into the box, and what could stop the box from reaching us.

An installer on site needs the exact URL per endpoint for each address this PC
has on the box's network, plus a plain warning when the receiver listens on
loopback only, the port is taken, or a firewall may drop the box's packets.
Everything here is pure given its sources (interface list, command runner), so
tests feed fakes and the GUI calls it off its thread.
"""

from __future__ import annotations

import ipaddress
import os
import re
import shutil
import socket
import subprocess
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

#: (key, label, path) of each endpoint a box is configured with.
ENDPOINTS: tuple[tuple[str, str, str], ...] = (
    ("history", "History events", "/EventServer/api/HistoryEvent"),
    ("realtime", "Real-time events", "/EventServer/api/RealTimeEvent"),
    ("device_status", "Device status", "/DeviceStatus"),
)

FIREWALL_RULE_NAME = "Gatewatch {port}"


@dataclass(frozen=True)
class EndpointUrl:
    key: str
    label: str
    url: str


@dataclass(frozen=True)
class LocalAddress:
    """One IPv4 address of this PC with the URLs a box on that network uses."""

    interface: str
    ip: str
    urls: tuple[EndpointUrl, ...]
    #: 169.254.x.x: the interface got no DHCP lease; a box rarely reaches it.
    link_local: bool = False


@dataclass(frozen=True)
class Notice:
    """A warning for the connect panel: stable ``code`` plus English text."""

    code: str
    message: str


@dataclass(frozen=True)
class ConnectInfo:
    addresses: tuple[LocalAddress, ...]
    port: int
    bind: str
    notices: tuple[Notice, ...] = ()

    @property
    def bind_label(self) -> str:
        return self.bind if self.bind not in ("", "0.0.0.0", "::") else "all interfaces"


@dataclass(frozen=True)
class FirewallStatus:
    """What we could learn about inbound filtering for the port.

    ``allowed`` is True (a rule lets the port in / no firewall active), False
    (a firewall is active with no rule for the port) or None (not checked).
    ``command`` is what to run to add a rule, when one is needed or unknown.
    """

    checked: bool
    allowed: bool | None
    message: str
    command: str | None = None
    details: tuple[str, ...] = field(default_factory=tuple)


AddrSource = Callable[[], Mapping[str, Sequence[Any]]]
Runner = Callable[[Sequence[str]], tuple[int, str]]


def _psutil_addrs() -> Mapping[str, Sequence[Any]]:
    import psutil

    return psutil.net_if_addrs()


def endpoint_urls(ip: str, port: int) -> tuple[EndpointUrl, ...]:
    host = f"[{ip}]" if ":" in ip else ip
    return tuple(
        EndpointUrl(key, label, f"http://{host}:{port}{path}") for key, label, path in ENDPOINTS
    )


def local_ipv4(source: AddrSource | None = None) -> list[tuple[str, str]]:
    """(interface, address) for each non-loopback IPv4 address; link-local ones last."""
    addrs = (source or _psutil_addrs)()
    found: list[tuple[str, str]] = []
    for name, entries in addrs.items():
        for entry in entries:
            family = getattr(entry, "family", None)
            address = getattr(entry, "address", None)
            if family != socket.AF_INET or not address:
                continue
            try:
                ip = ipaddress.IPv4Address(address)
            except ValueError:
                continue
            if ip.is_loopback or ip.is_unspecified:
                continue
            found.append((str(name), str(ip)))
    found.sort(key=lambda item: (ipaddress.IPv4Address(item[1]).is_link_local, item[0], item[1]))
    return found


def connect_info(
    port: int,
    bind: str = "",
    *,
    state: str | None = "listening",
    state_message: str = "",
    source: AddrSource | None = None,
) -> ConnectInfo:
    """The addresses and URLs for the current listener, with warnings.

    ``state`` is the receiver's ``ServerStateChanged.state`` (``port_in_use`` gives the
    port-taken warning; None means unknown).
    """
    everywhere = bind in ("", "0.0.0.0", "::")
    pairs = local_ipv4(source)
    if not everywhere:
        pairs = [(name, ip) for name, ip in pairs if ip == bind] or (
            [] if _is_loopback(bind) else [("(bind address)", bind)]
        )
    addresses = tuple(
        LocalAddress(name, ip, endpoint_urls(ip, port), ipaddress.IPv4Address(ip).is_link_local)
        for name, ip in pairs
        if _is_ipv4(ip)
    )
    notices: list[Notice] = []
    if state == "port_in_use":
        notices.append(
            Notice(
                "port_in_use",
                state_message
                or f"port {port} is already in use by another program: boxes reach that "
                "program, not Gatewatch. Stop it or choose another port.",
            )
        )
    elif state in ("stopped", "error"):
        notices.append(Notice("not_listening", state_message or "the receiver is not listening"))
    if not everywhere and _is_loopback(bind):
        notices.append(
            Notice(
                "loopback_only",
                f"listening on {bind} only: boxes cannot reach this PC. "
                "Set the bind address to all interfaces.",
            )
        )
    if not addresses and not _is_loopback(bind):
        notices.append(
            Notice(
                "no_network",
                "this PC has no IPv4 address besides loopback: connect it to the box's network",
            )
        )
    if addresses and all(a.link_local for a in addresses):
        notices.append(
            Notice(
                "link_local_only",
                "only a 169.254.x.x address: the network gave this PC no address (no DHCP?). "
                "Give it a fixed address on the box's subnet.",
            )
        )
    return ConnectInfo(addresses, port, bind, tuple(notices))


def _is_loopback(ip: str) -> bool:
    try:
        return ipaddress.ip_address(ip).is_loopback
    except ValueError:
        return ip == "localhost"


def _is_ipv4(ip: str) -> bool:
    try:
        ipaddress.IPv4Address(ip)
    except ValueError:
        return False
    return True


def port_free(port: int, bind: str = "") -> bool:
    """True when nothing listens on ``port`` (check before starting or changing the port)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        try:
            s.bind((bind or "0.0.0.0", port))
        except OSError:
            return False
    return True


# ------------------------------------------------------------------------- firewall


def windows_rule_command(port: int) -> str:
    name = FIREWALL_RULE_NAME.format(port=port)
    return (
        f'netsh advfirewall firewall add rule name="{name}" dir=in action=allow '
        f"protocol=TCP localport={port}"
    )


def _port_matches(spec: str, port: int) -> bool:
    """``LocalPort`` values: ``Any``, ``9528``, ``80,443``, ``9000-9999``."""
    spec = spec.strip()
    if spec.lower() == "any":
        return True
    for part in spec.split(","):
        part = part.strip()
        if "-" in part:
            lo, _, hi = part.partition("-")
            if lo.strip().isdigit() and hi.strip().isdigit() and int(lo) <= port <= int(hi):
                return True
        elif part.isdigit() and int(part) == port:
            return True
    return False


def parse_netsh_rules(text: str) -> list[dict[str, str]]:
    """Rule blocks of ``netsh advfirewall firewall show rule`` as dicts of ``Key: value``."""
    rules: list[dict[str, str]] = []
    current: dict[str, str] = {}
    for line in text.splitlines():
        if not line.strip() or set(line.strip()) <= {"-"}:
            if current and not line.strip():
                rules.append(current)
                current = {}
            continue
        key, sep, value = line.partition(":")
        if not sep:
            continue
        key = key.strip()
        if key.lower() == "rule name" and current:
            rules.append(current)
            current = {}
        current[key] = value.strip()
    if current:
        rules.append(current)
    return [r for r in rules if "Rule Name" in r]


def windows_firewall(port: int, run: Runner) -> FirewallStatus:
    command = windows_rule_command(port)
    code, out = run(["netsh", "advfirewall", "firewall", "show", "rule", "name=all", "dir=in"])
    if code != 0 or not out.strip():
        return FirewallStatus(
            False, None, "could not read the Windows firewall rules (netsh failed)", command
        )
    rules = parse_netsh_rules(out)
    if not rules:
        # A non-English Windows prints translated keys: we cannot tell.
        return FirewallStatus(
            False, None, "could not read the Windows firewall rules (unknown output language)",
            command,
        )  # fmt: skip
    allowing: list[str] = []
    blocking: list[str] = []
    for rule in rules:
        if rule.get("Enabled", "Yes").lower() != "yes":
            continue
        if rule.get("Protocol", "TCP").upper() not in ("TCP", "ANY"):
            continue
        if not _port_matches(rule.get("LocalPort", ""), port):
            continue
        if rule.get("LocalPort", "").strip().lower() == "any" and rule.get("Action", "") == "Allow":
            continue  # program rules with any port say nothing about us
        (allowing if rule.get("Action", "").lower() == "allow" else blocking).append(
            rule.get("Rule Name", "?")
        )
    if blocking:
        return FirewallStatus(
            True, False, f"an inbound rule blocks TCP port {port}: {', '.join(blocking)}",
            command, tuple(blocking),
        )  # fmt: skip
    if allowing:
        return FirewallStatus(
            True, True, f"inbound TCP port {port} is allowed by: {', '.join(allowing)}",
            None, tuple(allowing),
        )  # fmt: skip
    return FirewallStatus(
        True, False,
        f"no inbound firewall rule allows TCP port {port}: boxes may be blocked. "
        "Run this in an administrator command prompt:",
        command,
    )  # fmt: skip


def linux_firewall(
    port: int,
    run: Runner,
    which: Callable[[str], str | None],
    is_admin: bool | None = None,
) -> FirewallStatus:
    if which("ufw"):
        code, out = run(["ufw", "status"])
        if code == 0 and out:
            lowered = out.lower()
            if "status: inactive" in lowered:
                return FirewallStatus(True, True, "ufw is inactive: nothing filters the port")
            if "status: active" in lowered:
                allowed = any(
                    re.match(rf"^\s*{port}(/tcp)?\b.*\bALLOW", line) for line in out.splitlines()
                )
                if allowed:
                    return FirewallStatus(True, True, f"ufw allows port {port}")
                return FirewallStatus(
                    True, False, f"ufw is active with no rule for port {port}:",
                    f"sudo ufw allow {port}/tcp",
                )  # fmt: skip
    if which("nft"):
        code, out = run(["nft", "list", "ruleset"])
        if code == 0:
            if not out.strip():
                return FirewallStatus(True, True, "nftables has no rules: nothing filters the port")
            if re.search(rf"dport\s+{{?[^}}\n]*\b{port}\b", out):
                return FirewallStatus(True, True, f"an nftables rule mentions port {port}")
            if "policy drop" in out or " drop" in out:
                return FirewallStatus(
                    True, None, f"nftables drops some traffic and no rule names port {port}",
                    f"sudo nft add rule inet filter input tcp dport {port} accept",
                )  # fmt: skip
            return FirewallStatus(True, True, "nftables rules found, none drop by default")
    return _linux_not_checked(which, is_admin)


def _running_as_admin() -> bool:
    geteuid = getattr(os, "geteuid", None)
    return geteuid is not None and geteuid() == 0


def _linux_not_checked(which: Callable[[str], str | None], is_admin: bool | None) -> FirewallStatus:
    """Why nothing could be said: no tool, not allowed to ask, or the tool failed."""
    tools = [t for t in ("ufw", "nft") if which(t)]
    if not tools:
        return FirewallStatus(
            False, None, "not checked: no firewall tool (ufw, nft) is installed on this PC"
        )
    if not (_running_as_admin() if is_admin is None else is_admin):
        return FirewallStatus(
            False, None, f"not checked: reading {'/'.join(tools)} needs administrator rights"
        )
    return FirewallStatus(False, None, f"not checked: {'/'.join(tools)} gave no readable status")


def _default_runner(args: Sequence[str]) -> tuple[int, str]:
    try:
        done = subprocess.run(
            list(args), capture_output=True, text=True, timeout=10, check=False,
            creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0),
        )  # fmt: skip
    except (OSError, subprocess.SubprocessError) as exc:
        return 127, str(exc)
    return done.returncode, done.stdout


def firewall_status(
    port: int,
    *,
    platform: str | None = None,
    run: Runner | None = None,
    which: Callable[[str], str | None] | None = None,
) -> FirewallStatus:
    """Whether a box can get through this PC's firewall to ``port`` (slow: runs a command)."""
    platform = platform or sys.platform
    run = run or _default_runner
    if platform.startswith("win"):
        return windows_firewall(port, run)
    if platform.startswith("linux"):
        return linux_firewall(port, run, which or shutil.which)
    if platform == "darwin":
        return FirewallStatus(
            False, None, "not checked: on macOS see System Settings > Network > Firewall"
        )
    return FirewallStatus(False, None, "not checked on this system")
