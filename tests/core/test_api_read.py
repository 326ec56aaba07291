"""The read API a remote window uses: each route answers what ``StoreReader`` answers locally."""

from __future__ import annotations

import copy
import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest

from gui.core import query, wire
from gui.core.reader import StoreReader
from tests.conftest import Client, load_sample, wait_for

HISTORY = "/EventServer/api/HistoryEvent"


@pytest.fixture
def rec(full_receiver: Any) -> Any:
    return full_receiver


@pytest.fixture
def http(rec: Any) -> Client:
    return Client(rec.port)


@pytest.fixture
def populated(rec: Any, http: Client) -> Client:
    """24 events, three person types, two cameras, two boxes; event 24 is a self-test."""
    base = load_sample("seed_example")
    batch = []
    for n in range(23):
        ev = copy.deepcopy(base)
        ev["timestamp"] = 1_700_000_000_000 + n * 1000
        ev["identity_id"] = f"id-{n:02d}"
        ev["identity_name"] = "张伟" if n % 5 == 0 else f"person {n}"
        ev["person_type"] = (1, 3, 4)[n % 3]
        ev["score"] = n / 30
        ev["ep_info"] = {**ev["ep_info"], "ep_id": f"cam-{n % 2}", "device_id": f"dev-{n % 2}"}
        ev["dev_sno"] = "BOX-A" if n < 12 else "BOX-B"
        batch.append(ev)
    assert http.post_json(HISTORY, batch).status == 200
    selftest = copy.deepcopy(base)
    selftest["identity_id"] = "self"
    selftest["timestamp"] = 1_700_000_100_000
    body = json.dumps(selftest).encode()
    headers = {"Content-Type": "application/json", "X-Gatewatch-Self-Test": "1"}
    assert http.request("POST", HISTORY, body, headers).status == 200
    return http


def local(rec: Any) -> StoreReader:
    return StoreReader(rec.store)


def test_briefs_newest_first_match_the_local_reader(rec: Any, populated: Client) -> None:
    got = populated.get_json("/api/briefs?limit=5")["events"]
    assert [wire.brief_from_json(b) for b in got] == local(rec).latest_events(5)
    page2 = populated.get_json(f"/api/briefs?limit=5&before={got[-1]['id']}")["events"]
    assert [b["id"] for b in page2] == [19, 18, 17, 16, 15]
    wall = populated.get_json("/api/briefs?limit=3&self_tests=0")["events"]
    assert [wire.brief_from_json(b) for b in wall] == local(rec).latest_events(3, self_tests=False)
    assert 24 not in [b["id"] for b in wall]


def test_briefs_after_an_id_ascending(populated: Client) -> None:
    got = populated.get_json("/api/briefs?after=20&limit=100")["events"]
    assert [b["id"] for b in got] == [21, 22, 23, 24]
    got = populated.get_json("/api/briefs?after=3&limit=4")["events"]
    assert [b["id"] for b in got] == [4, 5, 6, 7]
    got = populated.get_json("/api/briefs?after=20&self_tests=0")["events"]
    assert [b["id"] for b in got] == [21, 22, 23]
    assert populated.get_json("/api/briefs?after=24")["events"] == []


def test_arrivals_count_and_filters(rec: Any, populated: Client) -> None:
    got = wire.arrivals_from_json(populated.get_json("/api/arrivals?since=0"))
    assert got == local(rec).arrivals_since(0) and got.count == 24
    flt = query.EventFilter(person_types=(3,), device="cam-1")
    params = "&".join(f"{k}={v}" for k, v in wire.filter_to_query(flt).items())
    count = populated.get_json(f"/api/count?{params}")["count"]
    assert count == local(rec).count_events(flt) > 0
    names = wire.device_names_from_json(populated.get_json("/api/filters"))
    assert names == local(rec).device_names()
    assert {c[0] for c in names.cameras} >= {"cam-0", "cam-1"}


@pytest.mark.parametrize("sort,order", [("time", ""), ("score", "asc"), ("name", "")])
def test_history_pages_cover_everything_like_the_local_reader(
    rec: Any, populated: Client, sort: str, order: str
) -> None:
    url = f"/api/history?limit=7&sort={sort}" + (f"&order={order}" if order else "")
    rows = []
    cursor = None
    while True:
        page = populated.get_json(url + (f"&before={cursor}" if cursor else ""))
        decoded = wire.event_page_from_json(page)
        rows += decoded.rows
        cursor = page["next"]
        assert (cursor is not None) == decoded.more
        if cursor is None:
            break
    _, desc = query.parse_sort({"sort": sort, "order": order})
    expected = local(rec).events_page(query.EventFilter(), sort=sort, descending=desc, limit=100)
    assert rows == expected.rows and len(rows) == 24


def test_event_detail_routes(rec: Any, populated: Client) -> None:
    text = populated.get_json("/api/events/3/raw-text")
    assert text["text"] == local(rec).event_raw_text(3) and "BOX-A" in text["text"]
    box = populated.get_json("/api/events/3/box")["box"]
    event = local(rec).event(3)
    assert event is not None and box == json.loads(json.dumps(local(rec).event_box(event)))
    assert populated.post_json(HISTORY, load_sample("employee_match")).status == 200
    assert wait_for(lambda: local(rec).face_thumbnail(25))
    thumb = populated.get("/api/events/25/face-thumb")
    assert thumb.status == 200 and thumb.headers["Content-Type"] == "image/jpeg"
    assert thumb.body == local(rec).face_thumbnail(25)


@pytest.mark.parametrize(
    "path",
    ["/api/events/999/raw-text", "/api/events/999/face-thumb", "/api/events/999/box",
     "/api/requests/99999/body", "/api/requests/99999/image?path=spot_pic"],
)  # fmt: skip
def test_missing_things_are_json_404s(populated: Client, path: str) -> None:
    reply = populated.get(path)
    assert reply.status == 404 and reply.json()["status"] == 404


@pytest.mark.parametrize(
    "path,param",
    [
        ("/api/briefs?limit=0", "limit"),
        ("/api/briefs?limit=99999999999999999999999", "limit"),
        ("/api/briefs?before=abc", "before"),
        ("/api/briefs?after=1e400", "after"),
        ("/api/briefs?after=1&before=5", "after"),
        ("/api/briefs?self_tests=maybe", "self_tests"),
        ("/api/arrivals", "since"),
        ("/api/arrivals?since=" + "9" * 5000, "since"),
        ("/api/history?sort=colour", "sort"),
        ("/api/history?before=garbage", "before"),
        ("/api/count?score_min=nan", "score_min"),
        ("/api/events/12345678901234567890123/face-thumb", "id"),
        ("/api/events/-1/box", "id"),
        ("/api/export?format=xlsx", "format"),
        ("/api/requests/1/image", "path"),
        ("/api/requests/1/image?path=" + "a" * 600, "path"),
    ],
)
def test_invalid_or_huge_values_are_400_naming_the_parameter(
    populated: Client, path: str, param: str
) -> None:
    reply = populated.get(path)
    assert reply.status == 400, (path, reply.body[:200])
    body = reply.json()
    assert body["status"] == 400 and body["param"] == param


def _file_export(rec: Any, tmp_path: Path, fmt: str, flt: query.EventFilter) -> bytes:
    out = tmp_path / f"local.{fmt}"
    local(rec).export(flt, out, fmt)
    return out.read_bytes()


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_export_streams_the_same_file_as_a_local_export(
    rec: Any, populated: Client, tmp_path: Path, fmt: str
) -> None:
    reply = populated.get(f"/api/export?format={fmt}&person_type=3")
    assert reply.status == 200
    assert "attachment" in reply.headers["Content-Disposition"]
    assert reply.body == _file_export(rec, tmp_path, fmt, query.EventFilter(person_types=(3,)))
    if fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(reply.body.decode("utf-8-sig"))))
        assert len(rows) == 8 and {r["person_type"] for r in rows} == {"3"}


def test_export_of_nothing_is_a_header_only_csv(rec: Any, http: Client) -> None:
    reply = http.get("/api/export?q=nobody")
    assert reply.status == 200
    assert reply.body.startswith(b"\xef\xbb\xbf") and reply.body.count(b"\n") == 1


def test_disk_and_retention_status(rec: Any, http: Client) -> None:
    data = http.get_json("/api/disk")
    disk = wire.disk_status_from_json(data["disk"])
    assert disk.data_bytes > 0 and disk.free_bytes > 0
    assert data["policy"]["keep_events_days"] > 0
    assert "last_retention" in data


def test_request_body_and_image_of_a_logged_request(rec: Any, http: Client) -> None:
    reply = http.request("POST", "/Somewhere", b"not json {", {"Content-Type": "application/json"})
    assert reply.status == 400
    rid = wait_for(lambda: local(rec).requests(limit=1))[0]["id"]
    body = http.get(f"/api/requests/{rid}/body")
    assert body.status == 200 and body.body == local(rec).request_body(rid) == b"not json {"
    assert http.post_json(HISTORY, load_sample("employee_match")).status == 200
    rid = wait_for(lambda: [r for r in local(rec).requests(limit=1) if r["id"] != rid])[0]["id"]
    assert http.get(f"/api/requests/{rid}/body").status == 404  # it became an event
    image = http.get(f"/api/requests/{rid}/image?path=spot_pic")
    assert image.status == 200 and image.headers["Content-Type"] == "image/jpeg"
    assert image.body == local(rec).request_image(rid, "spot_pic")


def test_alarms_page_below_an_id(rec: Any, http: Client) -> None:
    base = load_sample("blacklist")
    batch = []
    for n in range(4):
        ev = copy.deepcopy(base)
        ev["identity_id"] = f"b-{n}"
        ev["timestamp"] += n
        batch.append(ev)
    assert http.post_json(HISTORY, batch).status == 200
    first = http.get_json("/api/alarms?limit=2")["alarms"]
    assert [a["id"] for a in first] == [4, 3]
    rest = http.get_json("/api/alarms?limit=10&before=3")["alarms"]
    assert [a["id"] for a in rest] == [2, 1]
    decoded = [wire.alarm_from_json(a) for a in first + rest]
    assert decoded == local(rec).alarms()
