"""Hostile input, HTTP class: every error is a JSON answer, logged; the browser next door.

Bad Content-Encoding, bogus multipart charsets and transfer encodings, headers
that are not UTF-8, request lines aiohttp's parser refuses: each gets a JSON
error with the right status and appears in the request log. The 64 MiB limit
covers the whole multipart request. A web page in the guard's browser can
neither read the API through DNS rebinding nor change anything, nor post events.
"""

from __future__ import annotations

import json
import socket
import time
import zlib
from types import SimpleNamespace
from typing import Any

import pytest

from gui.core import server
from tests.conftest import Client, load_sample, wait_for

pytestmark = pytest.mark.timeout(120)

HISTORY = "/EventServer/api/HistoryEvent"
REALTIME = "/EventServer/api/RealTimeEvent"
EVENT = json.dumps({"identity_id": "http-1", "timestamp": 1_700_000_000_000}).encode()


def _raw(port: int, request: bytes) -> tuple[int, dict[str, str], bytes]:
    """Send bytes as they are; (status, headers, body) of the answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(request)
        data = b""
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
            head, sep, body = data.partition(b"\r\n\r\n")
            if sep:
                headers = dict(
                    line.split(": ", 1) for line in head.decode("latin-1").split("\r\n")[1:]
                )
                length = int(headers.get("Content-Length", "-1"))
                if 0 <= length <= len(body):
                    break
    status = int(data.split(b" ", 2)[1])
    return status, headers, body


def _post(port: int, headers: dict[str, str] | bytes, body: bytes, path: str = HISTORY):
    lines = (
        headers
        if isinstance(headers, bytes)
        else "".join(f"{k}: {v}\r\n" for k, v in headers.items()).encode()
    )
    request = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {len(body)}\r\n".encode()
        + lines + b"\r\n" + body
    )  # fmt: skip
    return _raw(port, request)


def _json_error(answer: tuple[int, dict[str, str], bytes], status: int) -> dict[str, Any]:
    got, headers, body = answer
    assert got == status, (got, body[:300])
    assert headers["Content-Type"].startswith("application/json"), headers
    return json.loads(body)


def _logged(client: Client, status: int) -> list[dict[str, Any]]:
    return wait_for(
        lambda: [r for r in client.get_json("/api/requests")["requests"] if r["status"] == status]
    )


def _form(*parts: bytes) -> tuple[dict[str, str], bytes]:
    body = b"".join(b"--b\r\n" + p + b"\r\n" for p in parts) + b"--b--\r\n"
    return {"Content-Type": "multipart/form-data; boundary=b"}, body


def test_a_bad_content_encoding_is_a_json_400_in_the_log(client: Client) -> None:
    answer = _post(client.port, {"Content-Type": "application/json", "Content-Encoding": "gzip"},
                   EVENT)  # fmt: skip
    assert "cannot be read" in _json_error(answer, 400)["message"]
    _logged(client, 400)


def test_an_unknown_content_encoding_is_a_json_415(client: Client) -> None:
    headers = {"Content-Type": "application/json", "Content-Encoding": "x-bogus"}
    _json_error(_post(client.port, headers, EVENT), 415)
    _logged(client, 415)
    # and a real gzip body still works
    gzip = zlib.compressobj(wbits=31)
    packed = gzip.compress(EVENT) + gzip.flush()
    headers["Content-Encoding"] = "gzip"
    assert _post(client.port, headers, packed)[0] == 200


def test_multipart_with_a_bogus_charset_is_read_as_utf8(client: Client) -> None:
    headers, body = _form(
        b'Content-Disposition: form-data; name="identity_id"\r\n'
        b"Content-Type: text/plain; charset=bogus-42\r\n\r\nform-1",
        b'Content-Disposition: form-data; name="timestamp"\r\n\r\n1700000000001',
    )
    status, _h, reply = _post(client.port, headers, body)
    assert status == 200, reply
    assert json.loads(reply)["events"][0]["result"] == "new"


@pytest.mark.parametrize("encoding", [b"x-bogus", b"7bit\x00"])
def test_multipart_with_a_bogus_transfer_encoding_is_a_json_400(
    client: Client, encoding: bytes
) -> None:
    headers, body = _form(
        b'Content-Disposition: form-data; name="identity_id"\r\n'
        b"Content-Transfer-Encoding: " + encoding + b"\r\n\r\nform-2",
    )
    _json_error(_post(client.port, headers, body), 400)
    _logged(client, 400)


def test_headers_that_are_not_utf8_are_answered_and_logged(full_receiver: Any) -> None:
    client = Client(full_receiver.port)
    headers = b"Content-Type: application/json\r\nX-Camera: \xc4\xe3\xba\xc3\xff\r\n"
    assert _post(client.port, headers, EVENT)[0] == 200
    [record] = _logged(client, 200)
    detail = client.get_json(f"/api/requests/{record['id']}")
    assert "\ufffd" in detail["headers"]["X-Camera"]


@pytest.mark.parametrize(
    "request_bytes",
    [
        b"POST / HTTP/1.1\r\nHost: x\r\nBad Header\r\nContent-Length: 0\r\n\r\n",
        b"POST /x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
    ],
)
def test_requests_the_http_parser_refuses_get_json_and_a_log_line(
    client: Client, request_bytes: bytes
) -> None:
    reply = _json_error(_raw(client.port, request_bytes), 400)
    assert reply["message"].startswith("malformed HTTP request")
    _logged(client, 400)


def test_the_64_mib_limit_counts_every_multipart_part(client: Client) -> None:
    part = b"A" * (35 * 1024 * 1024)
    headers, body = _form(
        b'Content-Disposition: form-data; name="a"; filename="a.bin"\r\n\r\n' + part,
        b'Content-Disposition: form-data; name="b"; filename="b.bin"\r\n\r\n' + part,
        b'Content-Disposition: form-data; name="timestamp"\r\n\r\n1700000000009',
    )
    del part
    try:
        status, _h, reply = _post(client.port, headers, body)
    except ConnectionResetError:  # refused before we finished sending: also fine
        status, reply = 413, b'{"message": "over the limit"}'
    assert status == 413, reply[:200]
    assert client.get_json("/api/events")["events"] == []


# ------------------------------------------------------------------ the browser next door


def test_the_api_refuses_a_host_that_is_not_this_pc(client: Client) -> None:
    for host in ("evil.example", "attacker.test:9528", "127.0.0.1.nip.io"):
        reply = client.request("GET", "/api/events", headers={"Host": host})
        assert reply.status == 403, host
        assert "is not this PC" in reply.json()["message"]
    for host in ("127.0.0.1", f"127.0.0.1:{client.port}", "localhost", "[::1]:9528",
                 socket.gethostname()):  # fmt: skip
        assert client.request("GET", "/api/events", headers={"Host": host}).status == 200, host


def test_configured_api_hosts_are_answered(tmp_path: Any) -> None:
    from gui.core.receiver import Receiver, ReceiverConfig, ReceiverThread

    rec = Receiver(ReceiverConfig(data_dir=tmp_path, port=0, bind="127.0.0.1",
                                  api_hosts=["Gatewatch.Site.Lan"]))  # fmt: skip
    thread = ReceiverThread(rec)
    thread.start()
    try:
        client = Client(rec.port)
        assert (
            client.request("GET", "/api/events", headers={"Host": "gatewatch.site.lan"}).status
            == 200
        )
        assert client.request("GET", "/api/events", headers={"Host": "other.lan"}).status == 403
    finally:
        thread.stop()


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "http://evil.example"},
        {"Origin": "null"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},  # another port of localhost is another program
    ],
)
def test_state_changing_api_calls_from_a_web_page_are_refused(
    full_receiver: Any, headers: dict[str, str]
) -> None:
    client = Client(full_receiver.port)
    event_id = client.post_json(HISTORY, load_sample("stranger")).json()["events"][0]["id"]
    for method, path in (("POST", f"/api/events/{event_id}/pin"),
                         ("DELETE", f"/api/events/{event_id}/pin"),
                         ("POST", "/api/alarms/1/ack")):  # fmt: skip
        reply = client.request(method, path, b"{}",
                               {"Content-Type": "application/json", **headers})  # fmt: skip
        assert reply.status == 403, (method, path, reply.body)
    assert client.get_json(f"/api/events/{event_id}")["pinned"] is False
    assert client.request("GET", "/api/events", headers=headers).status == 403


def test_state_changing_api_calls_with_a_body_need_json(full_receiver: Any) -> None:
    client = Client(full_receiver.port)
    event_id = client.post_json(HISTORY, load_sample("stranger")).json()["events"][0]["id"]
    path = f"/api/events/{event_id}/pin"
    for content_type in ("text/plain", "application/x-www-form-urlencoded",
                         "multipart/form-data; boundary=x"):  # fmt: skip
        reply = client.request("POST", path, b"{}", {"Content-Type": content_type})
        assert reply.status == 415, content_type
    # Scripts and the window: plain JSON, or no body at all, and no extra header.
    assert client.request("POST", path, b"{}", {"Content-Type": "application/json"}).status == 200
    assert client.request("DELETE", path).status == 200
    [alarm] = client.get_json("/api/alarms")["alarms"]
    ack = client.request("POST", f"/api/alarms/{alarm['id']}/ack", b'{"by": "guard"}',
                         {"Content-Type": "application/json"})  # fmt: skip
    assert ack.status == 200


@pytest.mark.parametrize(
    "headers", [{"Origin": "http://evil.example"}, {"Sec-Fetch-Site": "cross-site"}]
)
def test_event_ingest_from_a_web_page_is_refused_and_logged(
    client: Client, headers: dict[str, str]
) -> None:
    body = json.dumps(load_sample("stranger")).encode()
    reply = client.request("POST", HISTORY, body, {"Content-Type": "text/plain", **headers})
    assert reply.status == 403 and "web page" in reply.json()["message"]
    assert client.get_json("/api/events")["events"] == []
    _logged(client, 403)


def _fake_request(remote: str, local: str) -> Any:
    transport = SimpleNamespace(get_extra_info=lambda name: (local, 9528))
    return SimpleNamespace(remote=remote, transport=transport)


def test_the_self_test_marker_counts_only_from_this_pc() -> None:
    assert server.from_this_pc(_fake_request("127.0.0.1", "127.0.0.1"))
    assert server.from_this_pc(_fake_request("192.168.1.50", "192.168.1.50"))
    assert server.from_this_pc(_fake_request("::ffff:192.168.1.50", "192.168.1.50"))
    assert not server.from_this_pc(_fake_request("192.168.1.7", "192.168.1.50"))


# ------------------------------------------------------------------ report + event


@pytest.mark.parametrize("path", ["/DeviceStatus", HISTORY, "/somewhere"])
def test_a_report_with_face_event_fields_is_stored_as_an_event(client: Client, path: str) -> None:
    event = load_sample("stranger")
    event.update(gateway_sn="SE3-BOTH", gateway_name="north gate", sub_devices=[])
    reply = client.post_json(path, event)
    assert reply.status == 200
    [stored] = reply.json()["events"]
    assert stored["result"] == "new"
    assert client.get_json(f"/api/events/{stored['id']}")["identity_id"] == event["identity_id"]


def test_the_report_part_of_an_event_updates_the_device(client: Client) -> None:
    event = load_sample("stranger")
    camera = {"ep_id": "SE3-BOTH__10.0.0.31", "ep_name": "North door", "ep_ip": "10.0.0.31",
              "ep_status": "offline", "ep_type": "2"}  # fmt: skip
    event.update(gateway_sn="SE3-BOTH", gateway_name="north gate", gateway_ip="10.0.0.19",
                 gateway_status="online", sub_devices=[camera])  # fmt: skip
    reply = client.post_json("/DeviceStatus", event)
    assert reply.status == 200
    assert reply.json()["device_status"] == "stored" and len(reply.json()["events"]) == 1
    devices = client.get_json("/api/devices")
    boxes = {b["sn"]: b for b in devices["boxes"]}
    assert boxes["SE3-BOTH"]["name"] == "north gate", boxes
    assert boxes["SE3-BOTH"]["last_report_at"]
    cameras = {c["ep_id"]: c for c in devices["cameras"]}
    assert cameras["SE3-BOTH__10.0.0.31"]["status"] == "offline", cameras


@pytest.mark.parametrize("path", ["/DeviceStatus", HISTORY])
def test_report_parts_of_events_inside_a_batch_update_their_devices(
    client: Client, path: str
) -> None:
    batch = []
    for n, state in ((1, "offline"), (2, "online")):
        event = load_sample("stranger")
        camera = {"ep_id": f"SE3-ARR{n}__10.0.1.3{n}", "ep_name": f"Door {n}",
                  "ep_ip": f"10.0.1.3{n}", "ep_status": state, "ep_type": "2"}  # fmt: skip
        event.update(identity_id=f"batch-report-{n}", ep_id=camera["ep_id"],
                     gateway_sn=f"SE3-ARR{n}", gateway_name=f"gate {n}",
                     gateway_ip=f"10.0.1.1{n}", gateway_status="online",
                     sub_devices=[camera])  # fmt: skip
        batch.append(event)
    reply = client.post_json(path, batch)
    assert reply.status == 200
    assert reply.json()["device_status"] == "stored"
    assert [e["result"] for e in reply.json()["events"]] == ["new", "new"]
    devices = client.get_json("/api/devices")
    boxes = {b["sn"]: b for b in devices["boxes"]}
    for n in (1, 2):
        assert boxes[f"SE3-ARR{n}"]["name"] == f"gate {n}", boxes
        assert boxes[f"SE3-ARR{n}"]["last_report_at"], boxes
    cameras = {c["ep_id"]: c for c in devices["cameras"]}
    assert cameras["SE3-ARR1__10.0.1.31"]["status"] == "offline", cameras
    assert cameras["SE3-ARR2__10.0.1.32"]["status"] == "online", cameras


# ------------------------------------------------------------------ bounded resources


def _start_upload(port: int, length: int, sent: int) -> socket.socket:
    """A large upload that has sent its headers and ``sent`` bytes of its body so far."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    sock.sendall(
        f"POST {HISTORY} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"Content-Length: {length}\r\n\r\n".encode()
        + b" " * sent
    )
    return sock


def test_large_uploads_beyond_the_cap_get_503_and_small_ones_never_wait(receiver: Any) -> None:
    ctx = receiver.ctx
    ctx.large_in_flight.limit = 6 * 1024 * 1024
    port = receiver.port
    holders = [_start_upload(port, 5 * 1024 * 1024, 1024)]
    try:
        wait_for(lambda: ctx.large_in_flight.used > 0)
        status, headers, body = _post(port, {"Content-Type": "application/json"},
                                      b" " * (3 * 1024 * 1024))  # fmt: skip
        assert status == 503 and headers["Retry-After"] == "5", body[:200]
        assert json.loads(body)["code"] == 503
        small = json.dumps(load_sample("stranger")).encode()
        assert _post(port, {"Content-Type": "application/json"}, small, REALTIME)[0] == 200
    finally:
        for sock in holders:
            sock.close()
    wait_for(lambda: ctx.large_in_flight.used == 0)


def test_a_stalled_body_is_given_up_with_a_json_408(
    receiver: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(server, "BODY_STALL_S", 0.5)
    sock = _start_upload(receiver.port, 10_000, 100)
    try:
        data = b""
        while b"\r\n\r\n" not in data or not data.rstrip().endswith(b"}"):
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
    finally:
        sock.close()
    assert data.startswith(b"HTTP/1.1 408"), data[:200]
    assert b"stopped arriving" in data


def _closed(sock: socket.socket, timeout: float = 5.0) -> bool:
    sock.settimeout(timeout)
    try:
        return sock.recv(1) == b""
    except (ConnectionResetError, TimeoutError, OSError):
        return True


def test_a_request_head_must_arrive_within_the_deadline(
    receiver: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(server, "HEADERS_WITHIN_S", 0.5)
    sock = socket.create_connection(("127.0.0.1", receiver.port), timeout=5)
    try:
        sock.sendall(b"POST /EventServer/api/HistoryEvent HTTP/1.1\r\nHost: 127.")
        assert _closed(sock)
    finally:
        sock.close()


def test_every_request_head_on_a_kept_alive_connection_has_the_deadline(
    receiver: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(server, "HEADERS_WITHIN_S", 0.5)
    body = json.dumps(load_sample("stranger")).encode()
    sock = socket.create_connection(("127.0.0.1", receiver.port), timeout=5)
    try:
        sock.sendall(
            f"POST {REALTIME} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n".encode()
            + body
        )
        answer = b""
        while not answer.rstrip().endswith(b"}"):
            answer += sock.recv(65536)
        assert answer.startswith(b"HTTP/1.1 200"), answer[:200]
        time.sleep(0.8)  # idle between requests is the keep-alive timeout's business
        sock.sendall(b"POST /EventServer/api/HistoryEvent HTTP/1.1\r\nHost: 127.")
        started = time.monotonic()
        assert _closed(sock)
        assert time.monotonic() - started < 4
    finally:
        sock.close()


def test_a_multipart_body_that_stalls_is_given_up_with_a_json_408(
    receiver: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(server, "BODY_STALL_S", 0.5)
    head, body = _form(b'Content-Disposition: form-data; name="identity_id"\r\n\r\nmp-stall')
    sock = socket.create_connection(("127.0.0.1", receiver.port), timeout=10)
    try:
        sock.sendall(
            f"POST {HISTORY} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {head['Content-Type']}"
            f"\r\nContent-Length: {len(body) + 100}\r\n\r\n".encode()
            + body[:30]
        )
        data = b""
        while b"\r\n\r\n" not in data or not data.rstrip().endswith(b"}"):
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
    finally:
        sock.close()
    assert data.startswith(b"HTTP/1.1 408"), data[:200]
    assert b"stopped arriving" in data


def test_a_slow_multipart_body_that_never_stalls_is_received(
    receiver: Any, client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(server, "BODY_STALL_S", 0.6)
    head, body = _form(
        b'Content-Disposition: form-data; name="identity_id"\r\n\r\nmp-slow',
        b'Content-Disposition: form-data; name="timestamp"\r\n\r\n1700000000000',
    )
    sock = socket.create_connection(("127.0.0.1", receiver.port), timeout=10)
    try:
        sock.sendall(
            f"POST {HISTORY} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {head['Content-Type']}"
            f"\r\nContent-Length: {len(body)}\r\n\r\n".encode()
        )
        step = max(1, len(body) // 6)
        for i in range(0, len(body), step):  # ~1.5 s in all, each gap well under the stall limit
            sock.sendall(body[i : i + step])
            time.sleep(0.25)
        data = b""
        while not data.rstrip().endswith(b"}"):
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
    finally:
        sock.close()
    assert data.startswith(b"HTTP/1.1 200"), data[:300]


def test_connections_beyond_the_cap_evict_incomplete_ones_and_a_box_gets_through(
    receiver: Any,
) -> None:
    receiver._runner.server.cap = 20
    idle = [socket.create_connection(("127.0.0.1", receiver.port), timeout=5) for _ in range(60)]
    try:
        body = json.dumps(load_sample("stranger")).encode()
        assert _post(receiver.port, {"Content-Type": "application/json"}, body, REALTIME)[0] == 200
        closed = sum(_closed(s, 0.2) for s in idle[:30])
        assert closed >= 30  # the oldest half: evicted to stay under the cap
        assert len(receiver._runner.server._connections) <= 21
    finally:
        for s in idle:
            s.close()


def test_accept_errors_are_logged_once_per_interval(caplog: pytest.LogCaptureFixture) -> None:
    import asyncio

    loop = asyncio.new_event_loop()
    try:
        server.quiet_accept_errors(loop)
        handler = loop.get_exception_handler()
        assert handler is not None
        context = {"message": "socket.accept() out of system resource",
                   "exception": OSError(24, "Too many open files")}  # fmt: skip
        with caplog.at_level("ERROR", logger="gui.core.server"):
            for _ in range(1000):
                handler(loop, context)
        assert len([r for r in caplog.records if "cannot accept" in r.message]) == 1
    finally:
        loop.close()
