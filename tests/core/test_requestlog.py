from __future__ import annotations

import json
import sqlite3
from typing import Any

from gui.core import installer, requestlog, schema
from gui.core.requestlog import RequestLog, RequestRecord
from tests.conftest import Client, load_sample, wait_for


def _db() -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:")
    schema.migrate(conn)
    return conn


def _record(n: int, body: bytes | None = None) -> RequestRecord:
    return RequestRecord(
        time=1000 + n, source_ip="192.168.1.19", method="POST", path="/x", content_type="",
        length=0, status=400, reply='{"code": 4002}', duration_ms=1.0, body=body,
    )  # fmt: skip


def test_count_bound_keeps_the_newest():
    conn = _db()
    log = RequestLog(max_requests=50, max_bytes=10**9)
    for n in range(130):
        log.insert_job(_record(n))(conn)
    log.prune(conn)
    ids = [r[0] for r in conn.execute("SELECT id FROM requests ORDER BY id")]
    assert len(ids) == 50 and ids[-1] == 130 and ids[0] == 81


def test_byte_bound_drops_oldest_bodies():
    conn = _db()
    log = RequestLog(max_requests=10**6, max_bytes=100_000)
    for n in range(40):
        log.insert_job(_record(n, b"x" * 10_000))(conn)
    log.prune(conn)
    size = conn.execute(
        "SELECT sum(length(body) + length(reply) + length(headers) + length(warnings) + 200)"
        " FROM requests"
    ).fetchone()[0]
    assert size <= 100_000
    assert conn.execute("SELECT max(id) FROM requests").fetchone()[0] == 40
    assert conn.execute("SELECT count(*) FROM requests").fetchone()[0] < 40


def test_records_queue_up_for_one_flush_job_in_order():
    conn = _db()
    log = RequestLog()
    scheduled = [log.add(_record(n)) for n in range(5)]
    assert scheduled == [True, False, False, False, False]  # one job for all five
    written = log.flush_job()(conn)
    assert [r.time for r in written] == [1000, 1001, 1002, 1003, 1004]
    assert [r.id for r in written] == [1, 2, 3, 4, 5]
    assert log.flush_job()(conn) == []
    assert log.add(_record(5)) is True  # the job ran: the next record schedules again


def test_a_flush_writes_its_records_with_one_statement_per_insert_rows():
    """Under load a flush holds a batch's worth of records: each INSERT costs the writer."""
    conn = _db()
    conn.execute("INSERT INTO requests (time, reply, headers, warnings) VALUES (1, '', '', '')")
    statements: list[str] = []
    conn.set_trace_callback(statements.append)
    log = RequestLog()
    count = requestlog.INSERT_ROWS * 2 + 3
    for n in range(count):
        log.add(_record(n, body=f"body {n}".encode()))
    written = log.flush_job()(conn)
    inserts = [sql for sql in statements if sql.startswith("INSERT INTO requests")]
    assert len(inserts) == 3
    assert [r.time for r in written] == [1000 + n for n in range(count)]
    assert [r.id for r in written] == list(range(2, count + 2))
    stored = dict(conn.execute("SELECT id, body FROM requests WHERE id > 1"))
    assert all(stored[r.id] == r.body for r in written)


def test_a_flush_that_never_ran_does_not_stop_the_log():
    """Disk full: the job failed before running; once the disk is back, logging goes on."""
    conn = _db()
    log = RequestLog()
    assert log.add(_record(0)) is True
    log.flush_failed()
    assert log.add(_record(1)) is True
    assert [r.time for r in log.flush_job()(conn)] == [1000, 1001]


def test_waiting_records_are_bounded():
    log = RequestLog()
    for n in range(requestlog.MAX_WAITING + 10):
        log.add(_record(n))
    written = log.flush_job()(_db())
    assert len(written) == requestlog.MAX_WAITING and written[0].time == 1010


def test_big_bodies_are_truncated_unless_they_became_events():
    body = b"y" * (requestlog.MAX_BODY + 10)
    kept, truncated = requestlog.body_for_log(body, became_events=False)
    assert kept is not None and len(kept) == requestlog.MAX_BODY and truncated
    assert requestlog.body_for_log(body, became_events=True) == (None, False)


def _requests(client: Client, **params: str) -> list[dict[str, Any]]:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return client.get_json(f"/api/requests?{query}")["requests"]


def test_bad_request_appears_with_our_400_and_reason(full_receiver):
    client = Client(full_receiver.port)
    reply = client.request(
        "POST", "/EventServer/api/HistoryEvent", b"{not json", {"Content-Type": "application/json"}
    )
    assert reply.status == 400
    rows = wait_for(lambda: _requests(client, status="400"))
    assert len(rows) == 1
    row = rows[0]
    assert row["source_ip"] == "127.0.0.1" and row["path"] == "/EventServer/api/HistoryEvent"
    assert row["reply"]["code"] == 4002 and "not JSON" in row["reply"]["message"]
    detail = client.get_json(f"/api/requests/{row['id']}")
    assert detail["body_text"] == "{not json"
    assert detail["headers"]["Content-Type"] == "application/json"
    assert detail["event_ids"] == []
    assert client.get(f"/api/requests/{row['id'] + 100}").status == 404


def test_detail_abbreviates_images_in_pretty_json(full_receiver):
    client = Client(full_receiver.port)
    ir = load_sample("employee_match")["ir_pic"]  # small enough to be kept whole
    reply = client.post_json("/EventServer/api/HistoryEvent", [{"camera": "x", "photo": ir}])
    assert reply.status == 400
    row = wait_for(lambda: _requests(client, status="400"))[0]
    detail = client.get_json(f"/api/requests/{row['id']}")
    assert detail["body_json"] is True
    assert ir not in detail["body_text"]
    [image] = detail["images"]
    assert image["path"] == "0.photo"
    assert image["description"].startswith("<JPEG ") and " KB>" in image["description"]
    assert json.loads(detail["body_text"])[0]["photo"] == image["description"]
    data = full_receiver.store.read_sync(lambda c: installer.body_image(c, row["id"], "0.photo"))
    assert data is not None and data[:2] == b"\xff\xd8"


def test_event_request_lists_its_events_and_filters(full_receiver):
    client = Client(full_receiver.port)
    assert client.post_json("/EventServer/api/HistoryEvent", load_sample("stranger")).status == 200
    client.get("/nothing-here")
    rows = wait_for(lambda: len(_requests(client)) >= 2 and _requests(client))
    ok = _requests(client, status="200")
    assert len(ok) == 1 and ok[0]["events"] == 1
    detail = client.get_json(f"/api/requests/{ok[0]['id']}")
    assert len(detail["event_ids"]) == 1
    # An accepted body is viewable too: rebuilt from its event, pictures shortened.
    assert detail["body_rebuilt"] is True
    body = json.loads(detail["body_text"])
    assert body["identity_id"] == load_sample("stranger")["identity_id"]
    assert body["spot_pic"].startswith("<JPEG ") and "KB>" in body["spot_pic"]
    assert any(i["path"] == "spot_pic" for i in detail["images"])
    assert detail["body_format"] == "json"
    assert [r["status"] for r in _requests(client, path="/nothing-here")] == [404]
    assert {r["status"] for r in rows} == {200, 404}


def test_a_flush_run_again_after_its_batch_was_rolled_back_writes_the_same_records():
    """The writer may roll back a batch of ``rerunnable`` jobs and run them again."""
    from gui.core.dbapi import is_rerunnable

    conn = _db()
    conn.isolation_level = None
    log = RequestLog()
    for n in range(3):
        log.add(_record(n))
    job = log.flush_job()
    assert is_rerunnable(job)
    conn.execute("BEGIN")
    job(conn)
    conn.execute("ROLLBACK")
    log.add(_record(3))  # arrives meanwhile: the next flush's
    written = job(conn)
    assert [r.time for r in written] == [1000, 1001, 1002]
    assert [r.time for r in log.flush_job()(conn)] == [1003]
    assert conn.execute("SELECT count(*) FROM requests").fetchone()[0] == 4
