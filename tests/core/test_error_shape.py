"""Every JSON error the receiver answers has one shape: ``code``, ``status``, ``message``.

``status`` is the HTTP status; ``code`` is the same or a finer number (the 400x
codes a box gets for a body it cannot parse); ``message`` says what to do.
Each error path that can be reached from outside is tried here.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from aiohttp.test_utils import make_mocked_request

from gui.core import server
from tests.conftest import Client, load_sample

HISTORY = "/EventServer/api/HistoryEvent"


def assert_error_shape(status: int, body: bytes, content_type: str, what: str) -> dict[str, Any]:
    assert content_type.startswith("application/json"), (what, content_type)
    reply = json.loads(body)
    assert isinstance(reply, dict), what
    assert {"code", "status", "message"} <= reply.keys(), (what, reply)
    assert reply["status"] == status, (what, reply)
    assert isinstance(reply["code"], int) and reply["code"] >= 400, (what, reply)
    assert isinstance(reply["message"], str) and reply["message"].strip(), (what, reply)
    return reply


def check(client: Client, method: str, path: str, status: int, body: bytes | None = None,
          headers: dict[str, str] | None = None) -> dict[str, Any]:  # fmt: skip
    reply = client.request(method, path, body, headers or {})
    assert reply.status == status, (method, path, reply.status, reply.body[:300])
    ctype = reply.headers.get("Content-Type", "")
    return assert_error_shape(status, reply.body, ctype, f"{method} {path}")


@pytest.fixture
def api(full_receiver) -> Client:
    return Client(full_receiver.port)


@pytest.fixture
def stored_id(api: Client) -> int:
    assert api.post_json(HISTORY, load_sample("blacklist")).status == 200
    return api.get_json("/api/events?limit=1")["events"][0]["id"]


READ_API_ERRORS = [
    ("GET", "/api/nothing", 404),
    ("POST", "/api/nothing", 404),
    ("GET", "/api/events/999999", 404),
    ("GET", "/api/events/999999/raw", 404),
    ("GET", "/api/events/999999/images/spot_pic", 404),
    ("GET", "/api/events/999999/images/spot_pic?thumb=1&overlay=1", 404),
    ("GET", "/api/events/abc", 400),
    ("GET", "/api/events?limit=abc", 400),
    ("GET", "/api/events?person_type=9", 400),
    ("GET", "/api/events?since=yesterday", 400),
    ("GET", "/api/events?before=!!notacursor", 400),
    ("GET", "/api/events?sort=colour", 400),
    ("GET", "/api/requests?status=abc", 400),
    ("GET", "/api/requests/999999", 404),
    ("GET", "/api/devices/activity?hours=abc", 400),
    ("GET", "/api/stats?bucket=week", 400),
    ("GET", "/api/alarms?state=closed", 400),
    ("GET", "/api/alarms?limit=x", 400),
    ("POST", "/api/alarms/abc/ack", 400),
    ("POST", "/api/alarms/999999/ack", 404),
    ("POST", "/api/events/999999/pin", 404),
    ("DELETE", "/api/events/999999/pin", 404),
]


@pytest.mark.parametrize(("method", "path", "status"), READ_API_ERRORS)
def test_read_api_errors_have_one_shape(api: Client, method: str, path: str, status: int):
    check(api, method, path, status)


def test_bodies_the_api_cannot_use_have_the_same_shape(api: Client, stored_id: int) -> None:
    check(api, "POST", f"/api/events/{stored_id}/pin", 400, b"{not json",
          {"Content-Type": "application/json"})  # fmt: skip
    check(api, "POST", f"/api/events/{stored_id}/pin", 400, b'{"pinned": "yes"}',
          {"Content-Type": "application/json"})  # fmt: skip
    alarm = api.get_json("/api/alarms?state=open")["alarms"][0]["id"]
    check(api, "POST", f"/api/alarms/{alarm}/ack", 400, b"[1, 2]",
          {"Content-Type": "application/json"})  # fmt: skip
    check(api, "POST", f"/api/alarms/{alarm}/ack", 400, b"{oops",
          {"Content-Type": "application/json"})  # fmt: skip
    ok = api.request("POST", f"/api/alarms/{alarm}/ack", b'{"by": "guard"}',
                     {"Content-Type": "application/json"})  # fmt: skip
    assert ok.status == 200
    check(api, "POST", f"/api/alarms/{alarm}/ack", 409, b'{"by": "guard"}',
          {"Content-Type": "application/json"})  # fmt: skip


INGEST_ERRORS = [
    (b"", "application/json", 4001),
    (b"{not json", "application/json", 4002),
    (b'"a string"', "application/json", 4003),
    (b"[]", "application/json", 4004),
    (b'{"hello": "world"}', "application/json", 4005),
    (b"[1, 2]", "application/json", None),
    (b"--x\r\nbroken", "multipart/form-data; boundary=x", 4002),
]


@pytest.mark.parametrize(("body", "ctype", "code"), INGEST_ERRORS)
def test_ingest_errors_have_the_same_shape(api: Client, body: bytes, ctype: str, code):
    reply = check(api, "POST", HISTORY, 400, body, {"Content-Type": ctype})
    if code is not None:
        assert reply["code"] == code  # the finer code boxes and scripts already know


def test_a_body_over_the_limit_has_the_same_shape(api: Client) -> None:
    # Announced too large: refused before reading.
    reply = api.request(
        "POST",
        HISTORY,
        b"{}",
        {"Content-Type": "application/json", "Content-Length": str(server.MAX_BODY + 1)},
    )
    assert reply.status == 413
    assert_error_shape(413, reply.body, reply.headers["Content-Type"], "413")


def test_a_source_outside_allow_has_the_same_shape(tmp_path: Path) -> None:
    from gui.core.receiver import Receiver, ReceiverConfig, ReceiverThread

    rec = Receiver(ReceiverConfig(data_dir=tmp_path / "data", port=0, bind="127.0.0.1",
                                  allow=["10.99.0.0/16"]))  # fmt: skip
    thread = ReceiverThread(rec)
    thread.start()
    try:
        check(Client(rec.port), "POST", HISTORY, 403, json.dumps(load_sample("stranger")).encode(),
              {"Content-Type": "application/json"})  # fmt: skip
    finally:
        thread.stop()


def _from(ip: str) -> mock.Mock:
    transport = mock.Mock()
    transport.get_extra_info.side_effect = lambda name, default=None: (
        (ip, 40000) if name == "peername" else default
    )
    return transport


@pytest.mark.parametrize(
    ("token", "auth", "status"),
    [(None, None, 403), ("s3cret", None, 401), ("s3cret", "Bearer wrong", 401)],
)
def test_api_refusals_have_the_same_shape(token: str | None, auth: str | None, status: int):
    async def run() -> Any:
        ctx = server.ServerContext(store=mock.Mock(), api_token=token)
        app = server.build_app(ctx)
        request = make_mocked_request(
            "GET", "/api/health", headers={"Authorization": auth} if auth else {},
            transport=_from("192.168.1.20"), app=app,
        )  # fmt: skip

        async def ok(_request: Any):
            return server.json_response({"ok": True})

        return await server.api_guard(request, ok)

    response = asyncio.run(run())
    assert response.status == status
    assert_error_shape(status, response.body, response.content_type, f"{status}")


def test_an_unexpected_failure_in_an_api_handler_is_a_json_500() -> None:
    async def run() -> Any:
        ctx = server.ServerContext(store=mock.Mock())
        app = server.build_app(ctx)
        request = make_mocked_request("GET", "/api/health", app=app, transport=_from("127.0.0.1"))

        async def broken(_request: Any):
            raise KeyError("surprise")

        return await server.api_guard(request, broken)

    response = asyncio.run(run())
    assert response.status == 500
    reply = assert_error_shape(500, response.body, response.content_type, "500")
    assert "surprise" not in reply["message"] or "internal" in reply["message"]


def test_aiohttp_http_errors_raised_in_api_handlers_have_the_same_shape() -> None:
    from aiohttp import web

    async def run() -> Any:
        ctx = server.ServerContext(store=mock.Mock())
        app = server.build_app(ctx)
        request = make_mocked_request("GET", "/api/health", app=app, transport=_from("127.0.0.1"))

        async def refuses(_request: Any):
            raise web.HTTPMethodNotAllowed("GET", ["POST"])

        return await server.api_guard(request, refuses)

    response = asyncio.run(run())
    assert response.status == 405
    assert_error_shape(405, response.body, response.content_type, "405")
