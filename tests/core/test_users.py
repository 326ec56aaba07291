"""Named API users: hashed tokens, `gatewatch users`, revocation in a running receiver,
and acknowledgements recording the token's user rather than a name the client sends."""

from __future__ import annotations

import asyncio
import copy
import json
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from aiohttp.test_utils import make_mocked_request

from gui import cli
from gui.core import alarms, server, users
from gui.core.receiver import Receiver, ReceiverConfig, ReceiverThread
from gui.core.store import DB_FILENAME, open_database
from gui.settings import Settings
from tests.conftest import Client

#: A reverse proxy on this PC: the request comes from loopback on behalf of another PC.
PROXIED = {"X-Forwarded-For": "192.168.1.77"}


def _users_cli(data_dir: Path, *args: str, capsys: Any) -> tuple[int, str, str]:
    code = cli.main(["users", "--data-dir", str(data_dir), *args])
    out, err = capsys.readouterr()
    return code, out, err


# -- the table ------------------------------------------------------------------------


def test_token_is_random_and_only_its_hash_is_stored(tmp_path: Path) -> None:
    conn = open_database(tmp_path / DB_FILENAME)
    try:
        token = users.add_user(conn, "  Guard Wang ")
        other = users.add_user(conn, "李明")
        assert token.startswith(users.TOKEN_PREFIX) and len(token) >= 43 + len(users.TOKEN_PREFIX)
        assert token != other
        rows = conn.execute("SELECT name, token_hash FROM users ORDER BY name").fetchall()
        assert [r[0] for r in rows] == ["Guard Wang", "李明"]
        dump = "\n".join(conn.iterdump())
        assert token not in dump and other not in dump
        assert users.hash_token(token) in dump
        assert users.user_for_token(conn, token) == "Guard Wang"
        assert users.user_for_token(conn, other) == "李明"
        assert users.user_for_token(conn, token[:-1] + ("A" if token[-1] != "A" else "B")) is None
        assert users.user_for_token(conn, users.hash_token(token)) is None  # the hash is no token
        assert [u.name for u in users.list_users(conn)] == ["Guard Wang", "李明"]
        with pytest.raises(users.UserError, match="exists already"):
            users.add_user(conn, "Guard Wang")
        users.remove_user(conn, "Guard Wang")
        assert users.user_for_token(conn, token) is None
        with pytest.raises(users.UserError, match="no user"):
            users.remove_user(conn, "Guard Wang")
    finally:
        conn.close()


@pytest.mark.parametrize(
    "name", ["", "   ", "x" * 65, "a\nb", "tab\there", "api-token", "API-TOKEN"]
)
def test_bad_user_names_are_refused(tmp_path: Path, name: str) -> None:
    conn = open_database(tmp_path / DB_FILENAME)
    try:
        with pytest.raises(users.UserError):
            users.add_user(conn, name)
        assert users.list_users(conn) == []
    finally:
        conn.close()


# -- the command ------------------------------------------------------------------------


def test_users_command_adds_lists_and_removes(tmp_path: Path, capsys: Any) -> None:
    data = tmp_path / "data"
    code, out, err = _users_cli(data, "add", "alice", capsys=capsys)
    assert code == 0, err
    token = out.strip()
    assert token.startswith(users.TOKEN_PREFIX) and "\n" not in token
    assert "shown this once" in err
    code, out, _ = _users_cli(data, "add", "alice", capsys=capsys)
    assert code == 1
    code, out, _ = _users_cli(data, "list", capsys=capsys)
    assert code == 0 and out.startswith("alice\tadded ")
    assert token not in out
    code, out, _ = _users_cli(data, "remove", "alice", capsys=capsys)
    assert code == 0 and "removed" in out
    code, _, err = _users_cli(data, "remove", "alice", capsys=capsys)
    assert code == 1 and "no user 'alice'" in err
    code, out, _ = _users_cli(data, "list", capsys=capsys)
    assert code == 0 and "no users" in out


def test_users_command_refuses_a_newer_database(tmp_path: Path, capsys: Any) -> None:
    data = tmp_path / "data"
    data.mkdir()
    conn = sqlite3.connect(data / DB_FILENAME)
    conn.execute("PRAGMA user_version = 999")
    conn.close()
    code, _, err = _users_cli(data, "list", capsys=capsys)
    assert code == 2 and "newer Gatewatch" in err


# -- the API guard ------------------------------------------------------------------------


def _guarded(
    *, ip: str, headers: dict[str, str], api_token: str | None = None, known: dict[str, str]
) -> tuple[int, Any]:
    async def run() -> tuple[int, Any]:
        async def lookup(token: str) -> str | None:
            return known.get(token)

        ctx = server.ServerContext(store=mock.Mock(), api_token=api_token, user_tokens=lookup)
        app = server.build_app(ctx)
        transport = mock.Mock()
        transport.get_extra_info.side_effect = lambda name, default=None: (
            (ip, 40000) if name == "peername" else default
        )
        request = make_mocked_request(
            "GET", "/api/whoami", headers=headers, transport=transport, app=app
        )
        response = await server.api_guard(request, server.api_whoami)
        return response.status, json.loads(response.body)

    return asyncio.run(run())


def test_guard_names_the_caller_by_token_shared_token_or_loopback() -> None:
    known = {"gw_alice": "alice"}
    remote, local = "192.168.1.20", "127.0.0.1"
    assert _guarded(ip=remote, headers={"Authorization": "Bearer gw_alice"}, known=known) == (
        200, {"user": "alice", "via": "user"},
    )  # fmt: skip
    # the scheme is case-insensitive (RFC 7235)
    assert _guarded(ip=remote, headers={"Authorization": "bearer gw_alice"}, known=known)[0] == 200
    assert _guarded(
        ip=remote, headers={"Authorization": "Bearer s3cret"}, api_token="s3cret", known=known
    ) == (200, {"user": "api-token", "via": "api-token"})
    assert _guarded(ip=local, headers={}, known=known) == (200, {"user": None, "via": "loopback"})
    # a token from this PC still names its user (so a local script's acks say who)
    assert _guarded(ip=local, headers={"Authorization": "Bearer gw_alice"}, known=known)[1] == {
        "user": "alice", "via": "user",
    }  # fmt: skip
    for headers in ({}, {"Authorization": "Bearer gw_bob"}, {"Authorization": "Basic gw_alice"}):
        status, body = _guarded(ip=remote, headers=headers, known=known)
        assert status == 401 and "token" in body["message"], headers


def test_a_request_relayed_by_a_local_reverse_proxy_needs_a_token() -> None:
    for header in ("X-Forwarded-For", "Forwarded", "X-Real-IP"):
        status, _ = _guarded(ip="127.0.0.1", headers={header: "192.168.1.9"}, known={})
        assert status == 401, header
    status, body = _guarded(
        ip="127.0.0.1", headers={**PROXIED, "Authorization": "Bearer gw_a"}, known={"gw_a": "a"}
    )
    assert (status, body["user"]) == (200, "a")


def test_a_store_failure_while_checking_a_token_is_a_json_503() -> None:
    async def run() -> Any:
        async def broken(_token: str) -> str | None:
            raise sqlite3.OperationalError("disk I/O error")

        ctx = server.ServerContext(store=mock.Mock(), user_tokens=broken)
        request = make_mocked_request(
            "GET", "/api/whoami", headers={"Authorization": "Bearer gw_x"},
            app=server.build_app(ctx),
        )  # fmt: skip
        return await server.api_guard(request, server.api_whoami)

    response = asyncio.run(run())
    assert response.status == 503 and json.loads(response.body)["status"] == 503


# -- a running receiver ---------------------------------------------------------------


@pytest.fixture
def rig(tmp_path: Path) -> Iterator[Any]:
    from gui.core import features

    settings = Settings()
    settings.override(operator_name="Desk Operator")
    rec = Receiver(ReceiverConfig(data_dir=tmp_path / "data", port=0, bind="127.0.0.1"))
    features.install(rec, settings)
    thread = ReceiverThread(rec)
    thread.start()
    rec.thread = thread  # type: ignore[attr-defined]
    rec.client = Client(rec.port)  # type: ignore[attr-defined]
    rec.engine = alarms.engine_for(rec)  # type: ignore[attr-defined]
    yield rec
    thread.stop()


def _get(rig: Any, path: str, token: str | None) -> Any:
    headers = dict(PROXIED)
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return rig.client.request("GET", path, None, headers)


def _blacklist_alarm(rig: Any, samples: Any) -> int:
    ev = copy.deepcopy(samples["blacklist"])
    ev["timestamp"] = time.time_ns() // 1_000_000
    ev.pop("out_timestamp", None)
    reply = rig.client.request(
        "POST", "/EventServer/api/RealTimeEvent", json.dumps(ev).encode(),
        {"Content-Type": "application/json"},
    )  # fmt: skip
    assert reply.status == 200, reply.body
    rig.thread.call(lambda: rig.engine.drain())
    (alarm,) = rig.store.read_sync(lambda c: alarms.list_alarms(c, alarms.STATE_OPEN))
    return alarm.id


def test_removing_a_user_revokes_its_token_in_the_running_receiver(
    rig: Any, capsys: Any
) -> None:
    data = rig.config.data_dir
    code, out, _ = _users_cli(data, "add", "gatehouse-2", capsys=capsys)
    assert code == 0
    token = out.strip()
    assert _get(rig, "/api/health", None).status == 401
    assert _get(rig, "/api/health", "gw_" + "x" * 43).status == 401
    ok = _get(rig, "/api/whoami", token)
    assert ok.status == 200 and ok.json() == {"user": "gatehouse-2", "via": "user"}
    assert _get(rig, "/api/events", token).status == 200
    code, _, _ = _users_cli(data, "remove", "gatehouse-2", capsys=capsys)
    assert code == 0
    refused = _get(rig, "/api/events", token)
    assert refused.status == 401 and refused.json()["status"] == 401


def test_acknowledgement_records_the_tokens_user_not_the_name_sent(
    rig: Any, samples: Any, capsys: Any
) -> None:
    _, out, _ = _users_cli(rig.config.data_dir, "add", "Guard Wang", capsys=capsys)
    token = out.strip()
    alarm_id = _blacklist_alarm(rig, samples)
    reply = rig.client.request(
        "POST", f"/api/alarms/{alarm_id}/ack",
        json.dumps({"by": "Somebody Else", "note": "checked at gate 2"}).encode(),
        {**PROXIED, "Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )  # fmt: skip
    assert reply.status == 200, reply.body
    assert reply.json()["acked_by"] == "Guard Wang"
    assert reply.json()["note"] == "checked at gate 2"
    stored = rig.store.read_sync(lambda c: alarms.get_alarm(c, alarm_id))
    assert stored.acked_by == "Guard Wang"
    listed = _get(rig, "/api/alarms?state=acked", token).json()["alarms"]
    assert [(a["id"], a["acked_by"]) for a in listed] == [(alarm_id, "Guard Wang")]


def test_loopback_acknowledgement_records_the_name_sent_else_the_operator(
    rig: Any, samples: Any
) -> None:
    first = _blacklist_alarm(rig, samples)
    reply = rig.client.post_json(f"/api/alarms/{first}/ack", {"by": "Night Shift"})
    assert reply.status == 200 and reply.json()["acked_by"] == "Night Shift"
    second = _blacklist_alarm(rig, samples)
    reply = rig.client.post_json(f"/api/alarms/{second}/ack", {})
    assert reply.status == 200 and reply.json()["acked_by"] == "Desk Operator"


def test_removing_a_user_ends_its_open_event_stream(
    rig: Any, capsys: Any, monkeypatch: Any
) -> None:
    from gui.core import stream
    from tests.core.sse_client import SseReader

    monkeypatch.setattr(stream, "REVALIDATE_S", 0.2)
    _, out, _ = _users_cli(rig.config.data_dir, "add", "control-room", capsys=capsys)
    _, other, _ = _users_cli(rig.config.data_dir, "add", "gatehouse-1", capsys=capsys)
    watched = SseReader(rig.port, headers={**PROXIED, "Authorization": f"Bearer {out.strip()}"})
    kept = SseReader(rig.port, headers={**PROXIED, "Authorization": f"Bearer {other.strip()}"})
    try:
        assert watched.status == 200 and kept.status == 200
        assert watched.next().event == "hello" and kept.next().event == "hello"
        time.sleep(0.5)  # a few re-checks pass while the user still exists
        _users_cli(rig.config.data_dir, "remove", "control-room", capsys=capsys)
        cut = watched.until("cut", timeout=5.0)[-1]
        assert "revoked" in cut.data["reason"]
        deadline = time.monotonic() + 5
        while len(rig.stream_hub.clients) != 1 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(rig.stream_hub.clients) == 1  # the revoked stream has ended
        # the other user's stream goes on: an event still reaches it
        body = json.dumps({**_sample_event(), "timestamp": time.time_ns() // 1_000_000})
        reply = rig.client.request(
            "POST", "/EventServer/api/RealTimeEvent", body.encode(),
            {"Content-Type": "application/json"},
        )  # fmt: skip
        assert reply.status == 200
        assert kept.until("event_stored", timeout=5.0)[-1].event == "event_stored"
    finally:
        watched.close()
        kept.close()


def _sample_event() -> dict[str, Any]:
    from tests.conftest import load_sample

    ev = copy.deepcopy(load_sample("employee_match"))
    ev.pop("out_timestamp", None)
    return ev


def test_a_user_takes_back_only_its_own_acknowledgement(
    rig: Any, samples: Any, capsys: Any
) -> None:
    _, first, _ = _users_cli(rig.config.data_dir, "add", "Gatehouse 1", capsys=capsys)
    _, second, _ = _users_cli(rig.config.data_dir, "add", "Gatehouse 2", capsys=capsys)
    alarm_id = _blacklist_alarm(rig, samples)

    def call(token: str, action: str) -> Any:
        return rig.client.request(
            "POST", f"/api/alarms/{alarm_id}/{action}", b"{}",
            {**PROXIED, "Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )  # fmt: skip

    assert call(first.strip(), "ack").status == 200
    refused = call(second.strip(), "undo")
    assert refused.status == 403 and "Gatehouse 1" in refused.json()["message"]
    assert rig.store.read_sync(lambda c: alarms.get_alarm(c, alarm_id)).acked_by == "Gatehouse 1"
    undone = call(first.strip(), "undo")
    assert undone.status == 200 and undone.json()["state"] == "open"


def test_users_command_on_a_shared_postgresql_store(
    pg_url: str, tmp_path: Path, capsys: Any, monkeypatch: Any
) -> None:
    """`--store` (or GATEWATCH_STORE) names the shared database: a user added from any PC
    is known to every receiver on it, and removed from all of them at once."""
    from gui.core.store import open_store

    data = tmp_path / "data"
    code, out, err = _users_cli(data, "--store", pg_url, "add", "control room", capsys=capsys)
    assert code == 0, err
    token = out.strip()
    monkeypatch.setenv("GATEWATCH_STORE", pg_url)
    code, out, _ = _users_cli(data, "list", capsys=capsys)
    assert code == 0 and out.startswith("control room\tadded ")
    assert not (data / DB_FILENAME).exists()  # nothing went to SQLite
    store = open_store(tmp_path / "receiver", pg_url)
    try:
        assert store.read_sync(lambda c: users.user_for_token(c, token)) == "control room"
        code, _, err = _users_cli(data, "add", "control room", capsys=capsys)
        assert code == 1 and "exists already" in err
        code, _, _ = _users_cli(data, "remove", "control room", capsys=capsys)
        assert code == 0
        assert store.read_sync(lambda c: users.user_for_token(c, token)) is None
        code, _, err = _users_cli(data, "remove", "control room", capsys=capsys)
        assert code == 1 and "no user" in err
    finally:
        store.close()


def test_users_command_refuses_a_store_it_cannot_use(tmp_path: Path, capsys: Any) -> None:
    data = tmp_path / "data"
    code, _, err = _users_cli(data, "--store", "mysql://x/y", "list", capsys=capsys)
    assert code == 2 and "postgresql://" in err
    code, _, err = _users_cli(
        data, "--store", "postgresql://nobody@127.0.0.1:1/none", "list", capsys=capsys
    )
    assert code == 1 and "cannot open the store" in err and "Traceback" not in err
