"""Named API users on each engine: a user added in the store opens the API at once,
its removal closes it at once, and its acknowledgements carry its name."""

from __future__ import annotations

import time
from typing import Any

from gui.core import alarms, users
from tests.core.conformance.conftest import REALTIME, event, wait_until

#: A reverse proxy on this PC: loopback, but on behalf of another PC (needs a token).
PROXIED = {"X-Forwarded-For": "192.168.1.77"}


def _as(site: Any, method: str, path: str, token: str, body: bytes | None = None) -> Any:
    headers = {**PROXIED, "Authorization": f"Bearer {token}"}
    if body is not None:
        headers["Content-Type"] = "application/json"
    return site.client.request(method, path, body, headers)


def test_users_open_and_close_the_api_and_sign_acknowledgements(site: Any) -> None:
    token = site.store.write_sync(lambda c: users.add_user(c, "Gatehouse 2"))
    assert site.store.read_sync(lambda c: [u.name for u in users.list_users(c)]) == ["Gatehouse 2"]
    me = _as(site, "GET", "/api/whoami", token)
    assert me.status == 200 and me.json() == {"user": "Gatehouse 2", "via": "user"}
    site.post(event("blacklist", timestamp=time.time_ns() // 1_000_000), REALTIME)
    [alarm] = wait_until(lambda: site.store.read_sync(lambda c: alarms.list_alarms(c, "open")))
    acked = _as(site, "POST", f"/api/alarms/{alarm.id}/ack", token, b'{"by": "someone"}')
    assert acked.status == 200 and acked.json()["acked_by"] == "Gatehouse 2"
    site.store.write_sync(lambda c: users.remove_user(c, "Gatehouse 2"))
    assert _as(site, "GET", "/api/whoami", token).status == 401
