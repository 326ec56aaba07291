from __future__ import annotations

import socket
from collections import namedtuple

from gui.core import netinfo

Addr = namedtuple("Addr", "family address netmask broadcast ptp")


def fake_source():
    return {
        "lo": [Addr(socket.AF_INET, "127.0.0.1", "255.0.0.0", None, None)],
        "eth0": [
            Addr(socket.AF_INET, "192.168.1.50", "255.255.255.0", None, None),
            Addr(socket.AF_INET6, "fe80::1", None, None, None),
        ],
        "wlan0": [Addr(socket.AF_INET, "10.0.0.7", "255.255.255.0", None, None)],
        "usb0": [Addr(socket.AF_INET, "169.254.3.4", "255.255.0.0", None, None)],
    }


def test_lists_ipv4_without_loopback_link_local_last():
    assert netinfo.local_ipv4(fake_source) == [
        ("eth0", "192.168.1.50"),
        ("wlan0", "10.0.0.7"),
        ("usb0", "169.254.3.4"),
    ]


def test_exact_urls_per_address_and_endpoint():
    info = netinfo.connect_info(9528, "", source=fake_source)
    eth0 = info.addresses[0]
    assert eth0.interface == "eth0"
    assert [u.url for u in eth0.urls] == [
        "http://192.168.1.50:9528/EventServer/api/HistoryEvent",
        "http://192.168.1.50:9528/EventServer/api/RealTimeEvent",
        "http://192.168.1.50:9528/DeviceStatus",
    ]
    assert info.bind_label == "all interfaces"
    assert info.notices == ()


def test_loopback_bind_warns_and_lists_nothing():
    info = netinfo.connect_info(9528, "127.0.0.1", source=fake_source)
    assert info.addresses == ()
    assert [n.code for n in info.notices] == ["loopback_only"]


def test_specific_bind_lists_that_address_only():
    info = netinfo.connect_info(9600, "10.0.0.7", source=fake_source)
    assert [(a.interface, a.ip) for a in info.addresses] == [("wlan0", "10.0.0.7")]
    assert info.addresses[0].urls[2].url == "http://10.0.0.7:9600/DeviceStatus"


def test_port_taken_and_no_network_warnings():
    info = netinfo.connect_info(9528, "", state="port_in_use", source=lambda: {})
    codes = [n.code for n in info.notices]
    assert codes == ["port_in_use", "no_network"]
    link_local = netinfo.connect_info(9528, "", source=lambda: {"usb0": fake_source()["usb0"]})
    assert [n.code for n in link_local.notices] == ["link_local_only"]


def test_real_machine_addresses_exclude_loopback():
    found = netinfo.local_ipv4()
    assert all(not ip.startswith("127.") for _name, ip in found)
    info = netinfo.connect_info(9528, "")
    assert len(info.addresses) == len(found)


def test_port_free_sees_a_listener():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        assert not netinfo.port_free(port, "127.0.0.1")


NETSH = """
Rule Name:                            Gatewatch 9528
----------------------------------------------------------------------
Enabled:                              Yes
Direction:                            In
Profiles:                             Domain,Private,Public
LocalIP:                              Any
RemoteIP:                             Any
Protocol:                             TCP
LocalPort:                            9528
RemotePort:                           Any
Action:                               Allow

Rule Name:                            Web
----------------------------------------------------------------------
Enabled:                              Yes
Direction:                            In
Protocol:                             TCP
LocalPort:                            80,443
Action:                               Allow

Ok.
"""


def runner(code: int, out: str):
    calls = []

    def run(args):
        calls.append(list(args))
        return code, out

    run.calls = calls  # type: ignore[attr-defined]
    return run


def test_windows_rule_found():
    run = runner(0, NETSH)
    status = netinfo.firewall_status(9528, platform="win32", run=run)
    assert run.calls == [["netsh", "advfirewall", "firewall", "show", "rule", "name=all", "dir=in"]]
    assert status.checked and status.allowed is True
    assert status.details == ("Gatewatch 9528",)


def test_windows_no_rule_gives_the_command():
    status = netinfo.firewall_status(9600, platform="win32", run=runner(0, NETSH))
    assert status.allowed is False
    assert status.command == (
        'netsh advfirewall firewall add rule name="Gatewatch 9600" dir=in action=allow '
        "protocol=TCP localport=9600"
    )


def test_windows_range_and_block_rules():
    text = NETSH.replace("LocalPort:                            80,443", "LocalPort: 9000-9999")
    assert netinfo.firewall_status(9600, platform="win32", run=runner(0, text)).allowed is True
    blocked = text.replace("Action:                               Allow", "Action: Block", 1)
    status = netinfo.firewall_status(9528, platform="win32", run=runner(0, blocked))
    assert status.allowed is False and "blocks" in status.message


def test_windows_netsh_failure_is_not_checked():
    status = netinfo.firewall_status(9528, platform="win32", run=runner(1, ""))
    assert not status.checked and status.allowed is None and status.command


def test_linux_ufw():
    which = {"ufw": "/usr/sbin/ufw"}.get
    active = "Status: active\n\nTo Action From\n22/tcp ALLOW Anywhere\n"
    status = netinfo.firewall_status(9528, platform="linux", run=runner(0, active), which=which)
    assert status.allowed is False and status.command == "sudo ufw allow 9528/tcp"
    ok = active + "9528/tcp ALLOW Anywhere\n"
    assert netinfo.firewall_status(9528, platform="linux", run=runner(0, ok), which=which).allowed
    off = netinfo.firewall_status(
        9528, platform="linux", run=runner(0, "Status: inactive\n"), which=which
    )
    assert off.allowed is True


def test_linux_nothing_readable_says_not_checked():
    status = netinfo.firewall_status(
        9528, platform="linux", run=runner(1, ""), which=lambda _n: None
    )
    assert not status.checked and "not checked" in status.message


def test_linux_root_with_no_firewall_tool_does_not_ask_for_administrator_rights():
    status = netinfo.linux_firewall(9528, runner(1, ""), lambda _n: None, is_admin=True)
    assert not status.checked
    assert "administrator" not in status.message
    assert "no firewall tool" in status.message


def test_linux_unreadable_tool_needs_administrator_rights_only_when_not_root():
    which = {"nft": "/usr/sbin/nft"}.get
    user = netinfo.linux_firewall(9528, runner(1, ""), which, is_admin=False)
    assert "needs administrator rights" in user.message and "nft" in user.message
    root = netinfo.linux_firewall(9528, runner(1, ""), which, is_admin=True)
    assert "administrator" not in root.message and "nft" in root.message


def test_connect_api(full_receiver, monkeypatch):
    from tests.conftest import Client

    monkeypatch.setattr(
        netinfo, "firewall_status",
        lambda port: netinfo.FirewallStatus(True, True, f"port {port} allowed"),
    )  # fmt: skip
    client = Client(full_receiver.port)
    data = client.get_json("/api/connect")
    assert data["port"] == full_receiver.port and data["bind"] == "127.0.0.1"
    assert data["addresses"] == []
    assert [n["code"] for n in data["notices"]] == ["loopback_only"]
    assert "firewall" not in data
    checked = client.get_json("/api/connect?firewall=1")
    assert checked["firewall"]["allowed"] is True
    assert checked["firewall"]["message"] == f"port {full_receiver.port} allowed"
