"""The read API: filters, cursors, errors and who may read."""

from __future__ import annotations

import copy
from typing import Any
from unittest import mock

import pytest
from aiohttp.test_utils import make_mocked_request

from gui.core import server
from tests.conftest import Client, load_sample

HISTORY = "/EventServer/api/HistoryEvent"


@pytest.fixture
def populated(client: Client) -> Client:
    """30 events: 3 person types x 2 cameras, names with Chinese, distinct timestamps."""
    base = load_sample("seed_example")
    batch = []
    for n in range(30):
        ev = copy.deepcopy(base)
        ev["timestamp"] = 1_700_000_000_000 + n * 1000
        ev["identity_id"] = f"id-{n:02d}"
        ev["identity_name"] = "张伟" if n % 5 == 0 else f"person {n}"
        ev["person_type"] = (1, 3, 4)[n % 3]
        ev["score"] = n / 30
        ev["ep_info"] = {**ev["ep_info"], "ep_id": f"cam-{n % 2}", "device_id": f"dev-{n % 2}"}
        ev["dev_sno"] = "BOX-A" if n < 15 else "BOX-B"
        batch.append(ev)
    assert client.post_json(HISTORY, batch).status == 200
    return client


def ids(page: dict[str, Any]) -> list[str]:
    return [e["identity_id"] for e in page["events"]]


def test_health(client: Client) -> None:
    health = client.get_json("/api/health")
    assert health["status"] == "ok" and health["events"] == 0 and health["version"]


def test_events_are_newest_first_and_cursor_pages_cover_everything(populated: Client) -> None:
    seen: list[str] = []
    url = "/api/events?limit=7"
    while True:
        page = populated.get_json(url)
        seen += ids(page)
        if page["next"] is None:
            break
        url = f"/api/events?limit=7&before={page['next']}"
    assert seen == [f"id-{n:02d}" for n in reversed(range(30))]


def test_filters_combine(populated: Client) -> None:
    got = ids(populated.get_json("/api/events?person_type=3&device=cam-1&limit=100"))
    expected = [f"id-{n:02d}" for n in reversed(range(30)) if n % 3 == 1 and n % 2 == 1]
    assert got == expected
    got = ids(populated.get_json("/api/events?person_type=1,3&limit=100"))
    assert len(got) == 20
    got = ids(populated.get_json("/api/events?device=dev-0&limit=100"))
    assert len(got) == 15
    since, until = 1_700_000_000_000 + 10_000, 1_700_000_000_000 + 12_000
    got = ids(populated.get_json(f"/api/events?since={since}&until={until}"))
    assert got == ["id-12", "id-11", "id-10"]
    got = ids(populated.get_json("/api/events?box=BOX-B&score_min=0.9&limit=100"))
    assert got == ["id-29", "id-28", "id-27"]


def test_substring_search_finds_chinese_names_and_ids(populated: Client) -> None:
    got = ids(populated.get_json("/api/events?q=%E5%BC%A0&limit=100"))  # 张
    assert got == ["id-25", "id-20", "id-15", "id-10", "id-05", "id-00"]
    assert ids(populated.get_json("/api/events?q=id-1")) == [f"id-{n}" for n in range(19, 9, -1)]
    assert ids(populated.get_json("/api/events?q=%25")) == []  # % is literal, not a wildcard


@pytest.mark.parametrize(
    ("qs", "param"),
    [
        ("limit=0", "limit"),
        ("limit=5000", "limit"),
        ("limit=abc", "limit"),
        ("since=yesterday", "since"),
        ("person_type=employee", "person_type"),
        ("person_type=9", "person_type"),
        ("before=not-a-cursor", "before"),
        ("score_min=nan", "score_min"),
        ("has_warnings=maybe", "has_warnings"),
    ],
)
def test_bad_query_parameters_are_400_naming_the_parameter(
    client: Client, qs: str, param: str
) -> None:
    reply = client.get(f"/api/events?{qs}")
    assert reply.status == 400
    assert reply.json()["param"] == param and param in reply.json()["message"]


def test_unknown_ids_and_endpoints_are_404_json(client: Client) -> None:
    for path in ("/api/events/999", "/api/events/999/raw", "/api/events/999/images/spot_pic",
                 "/api/nothing"):  # fmt: skip
        reply = client.get(path)
        assert reply.status == 404, path
        assert reply.json()["code"] != 0
    assert client.get("/api/events/abc").status == 400


@pytest.mark.parametrize(
    ("ip", "token", "auth", "status"),
    [
        ("127.0.0.1", None, None, 200),
        ("::1", None, None, 200),
        ("::ffff:127.0.0.1", None, None, 200),
        ("192.168.1.20", None, None, 403),
        ("192.168.1.20", "s3cret", None, 401),
        ("192.168.1.20", "s3cret", "Bearer wrong", 401),
        ("192.168.1.20", "s3cret", "Bearer s3cret", 200),
    ],
)
def test_api_serves_loopback_or_token_holders_only(
    ip: str, token: str | None, auth: str | None, status: int
) -> None:
    import asyncio

    async def run() -> int:
        ctx = server.ServerContext(store=mock.Mock(), api_token=token)
        app = server.build_app(ctx)
        transport = mock.Mock()
        transport.get_extra_info.side_effect = lambda name, default=None: (
            (ip, 40000) if name == "peername" else default
        )
        request = make_mocked_request(
            "GET", "/api/health", headers={"Authorization": auth} if auth else {},
            transport=transport, app=app,
        )  # fmt: skip

        async def ok(_request: Any):
            return server.json_response({"ok": True})

        response = await server.api_guard(request, ok)
        return response.status

    assert asyncio.run(run()) == status
