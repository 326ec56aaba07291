"""Every feature, the same on each storage engine (see ``conftest.py``)."""

from __future__ import annotations

import asyncio
import csv
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from gui.core import alarms, query, retention
from gui.core.reader import StoreReader
from gui.settings import Settings
from tests.core.conformance.conftest import (
    HISTORY,
    REALTIME,
    Site,
    age_event,
    event,
    thirty_events,
    wait_until,
)

T0 = 1_700_000_000_000
JSON = {"Content-Type": "application/json"}


def ids(events: list[dict[str, Any]]) -> list[str]:
    return [e["identity_id"] for e in events]


# -- ingest ---------------------------------------------------------------------------


def test_ingest_stores_once_and_refuses_bad_input_without_a_row(site: Site) -> None:
    ev = event("employee_match")
    site.post(ev)
    site.post(ev)  # a retry
    site.post(ev, REALTIME)  # the same event by the other URL
    assert len(site.events()) == 1
    bad = site.client.request("POST", HISTORY, b'{"identity_id": "x", ', JSON)
    assert bad.status == 400 and bad.json()["status"] == 400
    assert site.client.get_json("/api/health")["events"] == 1


def test_photos_come_back_byte_for_byte(site: Site) -> None:
    import base64

    ev = event("employee_match")
    site.post(ev)
    (stored,) = site.events()
    for kind in ("spot_pic", "reg_pic", "recognize_face", "ir_pic"):
        reply = site.client.get(f"/api/events/{stored['id']}/images/{kind}")
        assert reply.status == 200
        assert reply.body == base64.b64decode(ev[kind])
    thumb = site.client.get(f"/api/events/{stored['id']}/images/spot_pic?thumb=1")
    assert thumb.status == 200 and thumb.body[:2] == b"\xff\xd8"
    raw = site.client.get_json(f"/api/events/{stored['id']}/raw")
    assert raw["spot_pic"] == ev["spot_pic"] and raw["identity_id"] == ev["identity_id"]


# -- read API and history -------------------------------------------------------------


def test_read_api_filters_and_cursors(site: Site) -> None:
    site.post(thirty_events())
    assert ids(site.events()) == [f"id-{n:02d}" for n in reversed(range(30))]
    assert ids(site.events("person_type=2&device=cam-1")) == [
        f"id-{n:02d}" for n in reversed(range(30)) if n % 3 == 1 and n % 2 == 1
    ]
    assert len(site.events("device=dev-0")) == 15
    since, until = T0 + 10_000, T0 + 12_000
    assert ids(site.events(f"since={since}&until={until}")) == ["id-12", "id-11", "id-10"]
    assert ids(site.events("box=BOX-B&score_min=0.9")) == ["id-29", "id-28", "id-27"]
    assert ids(site.events("score_pct_min=90")) == ["id-29", "id-28", "id-27"]


def test_search_is_substring_case_insensitive_and_literal(site: Site) -> None:
    site.post(thirty_events())
    assert ids(site.events("q=%E5%BC%A0")) == [f"id-{n:02d}" for n in (25, 20, 15, 10, 5, 0)]
    assert ids(site.events("q=person%2001")) == ["id-01"]  # "Person 01": ASCII case ignored
    assert ids(site.events("q=ID-1")) == [f"id-{n}" for n in range(19, 9, -1)]
    assert ids(site.events("q=%25")) == []  # % is literal
    assert ids(site.events("q=_")) == []  # so is _


def test_sorts_by_score_and_name_page_through_everything(site: Site) -> None:
    site.post(thirty_events())
    by_score = ids(site.events("sort=score"))
    assert by_score == [f"id-{n:02d}" for n in reversed(range(30))]
    by_score_asc = ids(site.events("sort=score&order=asc"))
    assert by_score_asc == list(reversed(by_score))
    by_name = site.events("sort=name")
    names = [(e["identity_name"], e["identity_id"]) for e in by_name]
    assert len(names) == 30
    latin = [n for n in names if n[0] != "张伟"]
    assert latin == sorted(latin)


def test_sorts_within_several_person_types_page_through_them_in_order(site: Site) -> None:
    site.post(thirty_events())
    types_1_and_5 = [n for n in range(30) if n % 3 in (0, 2)]
    by_score = ids(site.events("sort=score&person_type=5,1"))
    assert by_score == [f"id-{n:02d}" for n in reversed(types_1_and_5)]
    by_score_asc = ids(site.events("sort=score&order=asc&person_type=1,5"))
    assert by_score_asc == list(reversed(by_score))
    by_name = site.events("sort=name&person_type=1,5&device=cam-0")
    keys = [(e["identity_name"], e["identity_id"]) for e in by_name]
    assert keys == sorted(keys)
    assert len(keys) == len([n for n in types_1_and_5 if n % 2 == 0])


def test_reader_pages_counts_and_single_events(site: Site) -> None:
    site.post(thirty_events())
    reader = StoreReader(site.store)
    flt = query.EventFilter(person_types=(1,))
    assert reader.count_events(flt) == 10
    page = reader.events_page(flt, limit=4)
    assert [r.identity_id for r in page.rows] == ["id-27", "id-24", "id-21", "id-18"]
    assert page.more
    rest = reader.events_page(flt, limit=10, before=page.rows[-1].key)
    assert [r.identity_id for r in rest.rows][:2] == ["id-15", "id-12"] and not rest.more
    latest = reader.latest_events(3)
    assert [e.identity_id for e in latest] == ["id-29", "id-28", "id-27"]
    one = reader.event(latest[0].id)
    assert one is not None and one["identity_id"] == "id-29"
    assert reader.arrivals_since(0).count == 30
    assert reader.count_events(query.EventFilter(device="cam-0")) == 15


def test_pin_and_unpin(site: Site) -> None:
    site.post(event("employee_match"))
    (stored,) = site.events()
    reply = site.client.request("POST", f"/api/events/{stored['id']}/pin", b"", JSON)
    assert reply.status == 200 and reply.json()["pinned"] is True
    assert site.client.get_json(f"/api/events/{stored['id']}")["pinned"] is True
    reply = site.client.request("DELETE", f"/api/events/{stored['id']}/pin")
    assert reply.status == 200
    assert site.client.get_json(f"/api/events/{stored['id']}")["pinned"] is False
    missing = site.client.request("POST", "/api/events/999999/pin", b"", JSON)
    assert missing.status == 404


# -- statistics -----------------------------------------------------------------------


def test_statistics_buckets_and_top_identities(site: Site) -> None:
    evs = thirty_events()
    for ev in evs[:6]:
        ev["identity_id"] = "id-top"
    site.post(evs)
    since = T0 // 3_600_000 * 3_600_000
    stats = site.client.get_json(f"/api/stats?since={since}&until={since + 7_200_000}&bucket=hour")
    assert stats["total"] == 30
    assert sum(b["total"] for b in stats["buckets"]) == 30
    assert stats["by_person_type"] == {"1": 10, "2": 10, "5": 10}
    assert stats["by_device"] == {"cam-0": 15, "cam-1": 15}
    top = stats["top_identities"][0]
    assert (top["identity_id"], top["count"]) == ("id-top", 6)


# -- alarms and acknowledgements ------------------------------------------------------


def test_alarm_raised_folded_acknowledged_and_filterable(site: Site) -> None:
    now = int(time.time() * 1000)
    site.post(event("blacklist", timestamp=now), REALTIME)
    site.post(event("blacklist", timestamp=now + 1000), REALTIME)
    listed = wait_until(lambda: site.client.get_json("/api/alarms")["alarms"])
    assert len(listed) == 1
    alarm = listed[0]
    assert alarm["state"] == "open" and alarm["count"] == 2 and alarm["kind"] == "face"
    reply = site.client.post_json(f"/api/alarms/{alarm['id']}/ack", {"by": "guard 1", "note": "ok"})
    assert reply.status == 200, reply.body
    again = site.client.post_json(f"/api/alarms/{alarm['id']}/ack", {"by": "guard 2"})
    assert again.status == 409
    (acked,) = site.client.get_json("/api/alarms")["alarms"]
    assert (acked["state"], acked["acked_by"], acked["note"]) == ("acked", "guard 1", "ok")
    assert len(site.events("acked=true")) == 2
    assert site.events("acked=false") == []


def test_alarm_writer_job_folds_by_key(site: Site) -> None:
    first = site.store.write_sync(
        alarms.raise_job(kind="disk", at=1, detail="a", fold_within_ms=None)
    )
    second = site.store.write_sync(
        alarms.raise_job(kind="disk", at=5, detail="b", fold_within_ms=None)
    )
    assert (first.change, second.change) == ("raised", "folded")
    assert second.alarm.id == first.alarm.id and second.alarm.count == 2
    assert second.alarm.last_at == 5
    older = site.store.write_sync(alarms.raise_job(kind="disk", at=3, fold_within_ms=None))
    assert older.alarm.last_at == 5  # the later time stays


# -- devices --------------------------------------------------------------------------


def test_devices_from_events_and_health_reports(site: Site) -> None:
    site.post(thirty_events())
    report = {
        "gateway_sn": "BOX-A",
        "device_name": "Gate box",
        "cpu_usage": 12,
        "mem_usage": 40,
    }
    reply = site.client.post_json("/DeviceStatus", report)
    assert reply.status == 200
    devices = site.client.get_json("/api/devices")
    boxes = {b["sn"]: b for b in devices["boxes"]}
    assert "BOX-A" in boxes and "BOX-B" in boxes
    assert boxes["BOX-A"]["event_count"] == 15 and boxes["BOX-B"]["event_count"] == 15
    assert boxes["BOX-A"]["last_report_at"] is not None
    cams = {c["ep_id"]: c for c in devices["cameras"]}
    assert cams["cam-0"]["event_count"] == 15 and cams["cam-1"]["event_count"] == 15
    assert cams["cam-0"]["device_id"] == "dev-0"
    names = StoreReader(site.store).device_names()
    assert {"BOX-A", "BOX-B"} <= set(names.boxes)


def test_device_activity_and_verdicts(site: Site) -> None:
    now = int(time.time() * 1000)
    site.post([event("employee_match", timestamp=now - 60_000)], REALTIME)
    reader = StoreReader(site.store)
    activity = reader.device_activity(now + 1000, 2)
    assert sum(sum(v) for v in activity["cameras"].values()) == 1
    verdicts = site.client.get_json("/api/verdicts")["verdicts"]
    found = {(v["box"], v["code"], v["level"]) for v in verdicts}
    assert ("SE3-A1B2C3D4", "ok", "ok") in found
    assert ("SE3-A1B2C3D4", "payload_shape", "ok") in found


# -- request log ----------------------------------------------------------------------


def test_request_log_lists_every_post(site: Site) -> None:
    site.post(event("employee_match"))
    site.client.request("POST", HISTORY, b"not json", JSON)
    rows = wait_until(
        lambda: (r := site.client.get_json("/api/requests")["requests"]) and len(r) >= 2 and r
    )
    assert [r["status"] for r in rows[:2]] == [400, 200]
    assert rows[0]["id"] > rows[1]["id"]
    detail = site.client.get_json(f"/api/requests/{rows[1]['id']}")
    assert detail["path"] == HISTORY and detail["status"] == 200
    only_bad = site.client.get_json("/api/requests?status=400")["requests"]
    assert [r["id"] for r in only_bad] == [rows[0]["id"]]


# -- retention ------------------------------------------------------------------------


def test_retention_deletes_old_photos_and_events_but_never_pinned(
    make_store: Callable[..., Any], tmp_path: Path
) -> None:
    # The receiver's own retention pass (at start, then hourly) must not purge by age
    # between the test's ageing steps (it did on a busy machine: (0, 4) deleted/purged):
    # its age rules are off here, the test's own worker applies them.
    site = Site(make_store("data"), tmp_path / "data",
                Settings(keep_events_days=0, keep_photos_days=0))  # fmt: skip
    try:
        now = int(time.time() * 1000)
        site.post([event("employee_match", timestamp=now - n * 1000) for n in range(3)])
        evs = sorted(site.events(), key=lambda e: e["id"])
        pin = evs[0]["id"]
        site.store.write_sync(retention.set_pinned_job(pin, True))
        age_event(site.store, evs[0]["id"], 40)  # photos expire, the event stays (pinned)
        age_event(site.store, evs[1]["id"], 100)  # expires entirely
        age_event(site.store, evs[2]["id"], 40)  # photos expire, the event stays
        worker = retention.Retention(
            site.store,
            retention.Policy(keep_events_days=90, keep_photos_days=30, max_data_bytes=10**12,
                             min_free_bytes=0),
            usage=lambda: (0, 10**12),
        )  # fmt: skip
        report = asyncio.run(worker.run_once())
        assert (report.events_deleted, report.photos_purged) == (1, 8)
        left = {e["id"]: e for e in site.events()}
        assert set(left) == {evs[0]["id"], evs[2]["id"]}
        for kind in ("spot_pic", "reg_pic", "recognize_face", "ir_pic"):
            pinned_photo = site.client.get(f"/api/events/{pin}/images/{kind}")
            assert pinned_photo.status == 200 and pinned_photo.body[:2] == b"\xff\xd8"  # kept
            purged = site.client.get(f"/api/events/{evs[2]['id']}/images/{kind}")
            assert purged.status == 404
        thumb = site.client.get(f"/api/events/{evs[2]['id']}/images/spot_pic?thumb=1")
        assert thumb.status == 200  # history still shows it
        assert left[evs[2]["id"]]["images"]["spot_pic"]["purged"] is True
        again = asyncio.run(worker.run_once())  # nothing more to do; the pinned photos stay
        assert (again.events_deleted, again.photos_purged) == (0, 0)
        assert site.client.get(f"/api/events/{pin}/images/spot_pic").status == 200
        # unpinned, its photos go by the same rule
        site.store.write_sync(retention.set_pinned_job(pin, False))
        assert asyncio.run(worker.run_once()).photos_purged == 4
        assert site.client.get(f"/api/events/{pin}/images/spot_pic").status == 404

    finally:
        site.stop()


# -- export ---------------------------------------------------------------------------


def test_export_csv_jsonl_and_photos(site: Site, tmp_path: Path) -> None:
    site.post(thirty_events()[:5])
    site.post(event("employee_match"))
    reader = StoreReader(site.store)
    result = reader.export(query.EventFilter(), tmp_path / "all.csv", "csv")
    assert result.events == 6
    with (tmp_path / "all.csv").open(encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 6 and rows[0]["identity_id"] == "E-10086"
    result = reader.export(
        query.EventFilter(q="zhang"), tmp_path / "none.jsonl", "jsonl", images=tmp_path / "img"
    )
    assert result.events == 0
    result = reader.export(
        query.EventFilter(person_types=(1,)), tmp_path / "p1.jsonl", "jsonl",
        images=tmp_path / "img",
    )  # fmt: skip
    lines = (tmp_path / "p1.jsonl").read_text(encoding="utf-8").splitlines()
    assert result.events == len(lines) == 3
    assert {json.loads(line)["person_type"] for line in lines} == {1}
    assert result.images == 4  # the employee's four photos; the seed events carry none

    # What an attached window's export reads them through: one streamed request.
    ids = [b.id for b in reader.latest_events(10)]
    reply = site.client.get("/api/export/photos?ids=" + ",".join(map(str, ids)))
    assert reply.status == 200
    body, frames = reply.body, []
    while True:
        line, body = body.split(b"\n", 1)
        head = json.loads(line)
        if head.get("end"):
            break
        frames.append((head, body[: head["size"]]))
        body = body[head["size"] :]
    assert len(frames) == head["photos"] == 4
    for head, data in frames:
        image = reader.image(head["id"], head["kind"])
        assert image is not None and (image.data, image.format) == (data, head["format"])


# -- backfill jobs --------------------------------------------------------------------


def test_backfill_job_stores_a_box_history_once(site: Site) -> None:
    from tests.core.box_harness import BoxThread

    box = BoxThread("v6", history_period=0.3, status_period=0.3)
    try:
        reply = site.client.post_json(
            "/api/boxes", {"address": box.box.address, "username": "admin", "password": "admin"}
        )
        assert reply.status == 201, reply.body
        added = reply.json()
        base = float(int(time.time()) - 3600)
        box.call(lambda b: b.generate(6, t=base, step=5.0))  # the box stored them, nobody heard
        window = {"since": int(base * 1000) - 1000, "until": int((base + 100) * 1000)}

        def run_job() -> dict[str, Any]:
            reply = site.client.post_json(f"/api/boxes/{added['id']}/backfill", window)
            assert reply.status == 202, reply.body
            job_id = reply.json()["job"]
            return wait_until(
                lambda: (
                    (j := site.client.get_json(f"/api/jobs/{job_id}"))["state"] != "running" and j
                ),
                timeout=60,
            )

        job = run_job()
        assert job["state"] == "done", job
        assert (job["new"], job["duplicates"]) == (6, 0)
        stored = site.events()
        assert len(stored) == 6
        assert all(e["source_ip"] == box.box.address for e in stored)
        photo = site.client.get(f"/api/events/{stored[0]['id']}/images/spot_pic")
        assert photo.status == 200 and photo.body[:2] == b"\xff\xd8"
        again = run_job()
        assert (again["new"], again["duplicates"]) == (0, 6)
        assert len(site.events()) == 6
    finally:
        box.stop()
