"""Counts per local hour/day: DST-correct buckets, splits, self-tests left out; /api/stats.

The counting tests run on both engines; ``test_engines_count_alike`` compares them.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from gui.core import stats
from gui.core.query import BadQuery
from gui.core.receiver import Receiver
from gui.core.store import Store
from tests.conftest import Client
from tests.core.history_data import add, event

BERLIN = ZoneInfo("Europe/Berlin")


def ms(*args: int, tz=BERLIN) -> int:
    return int(datetime(*args, tzinfo=tz).timestamp() * 1000)


@pytest.fixture
def store(engine_store: Store) -> Store:
    """Each test once per engine: PostgreSQL counts in one pass of its own (``stats``)."""
    return engine_store


def test_day_buckets_follow_local_midnight_across_dst(store: Store) -> None:
    # 2026-03-29: Berlin springs forward, that day has 23 hours.
    add(store, [
        event(1, timestamp=ms(2026, 3, 28, 23, 30), person_type=1),
        event(2, timestamp=ms(2026, 3, 29, 0, 10), person_type=4),
        event(3, timestamp=ms(2026, 3, 29, 23, 50), person_type=4),
        event(4, timestamp=ms(2026, 3, 30, 0, 5), person_type=3),
    ])  # fmt: skip
    result = stats.compute(
        store.reader(), since=ms(2026, 3, 28), until=ms(2026, 3, 31), bucket="day", tz=BERLIN
    )
    assert [b.start for b in result.buckets] == [
        ms(2026, 3, 28), ms(2026, 3, 29), ms(2026, 3, 30)
    ]  # fmt: skip
    # The DST day is 23 hours long: buckets are not fixed 24-hour steps.
    assert result.buckets[1].start - result.buckets[0].start == 24 * 3_600_000
    assert result.buckets[2].start - result.buckets[1].start == 23 * 3_600_000
    assert [b.total for b in result.buckets] == [1, 2, 1]
    assert result.buckets[1].by_person_type == {"4": 2}
    assert result.total == 4
    assert result.by_person_type == {"1": 1, "4": 2, "3": 1}


def test_the_repeated_autumn_hour_is_two_buckets(store: Store) -> None:
    # 2026-10-25 02:00-03:00 happens twice in Berlin (first at +02:00, then at +01:00).
    first = ms(2026, 10, 25, 0, 30, tz=ZoneInfo("UTC"))  # 02:30 CEST
    second = first + 3_600_000  # 02:30 CET
    add(store, [event(1, timestamp=first), event(2, timestamp=second)])
    result = stats.compute(
        store.reader(), since=first - 2 * 3_600_000, until=second + 3_600_000, tz=BERLIN
    )
    starts = [b.start for b in result.buckets]
    assert len(starts) == len(set(starts)) == 5
    totals = {b.start: b.total for b in result.buckets}
    assert totals[first - 30 * 60_000] == 1
    assert totals[second - 30 * 60_000] == 1
    assert result.strangers_by_hour_of_day == [0] * 24


def test_split_by_device_top_identities_and_self_tests_left_out(store: Store) -> None:
    cam = {"ep_id": "cam-A", "device_id": "dev-A"}
    add(store, [
        event(n, identity_id="E-1" if n < 3 else "E-2", person_type=1,
              ep_info={**event(0)["ep_info"], **(cam if n % 2 else {})})
        for n in range(5)
    ])  # fmt: skip
    add(store, [event(9, identity_id="E-9")], self_test=True)
    add(store, [event(20 + n, person_type=4, identity_id=f"s{n}") for n in range(3)])
    since = 1_700_000_000_000 - 3_600_000
    result = stats.compute(store.reader(), since=since, until=since + 3 * 3_600_000)
    assert result.total == 8
    assert result.by_device["cam-A"] == 2
    assert sum(result.by_device.values()) == 8
    assert [t["identity_id"] for t in result.top_identities] == ["E-1", "E-2"]
    assert [t["count"] for t in result.top_identities] == [3, 2]
    assert sum(result.strangers_by_hour_of_day) == 3


def test_bad_parameters() -> None:
    with pytest.raises(BadQuery):
        stats.parse_stats_query({"bucket": "week"}, 0)
    with pytest.raises(BadQuery):
        stats.parse_stats_query({"since": "10", "until": "5"}, 0)
    assert stats.parse_stats_query({}, 100_000_000) == (
        100_000_000 - 86_400_000,
        100_000_000,
        "hour",
    )


def test_api_stats_and_pin(full_receiver: Receiver) -> None:
    client = Client(full_receiver.port)
    assert client.post_json("/EventServer/api/HistoryEvent", [event(1), event(2)]).status == 200
    since = 1_700_000_000_000 - 3_600_000
    body = client.get_json(f"/api/stats?since={since}&until={since + 7_200_000}&bucket=hour")
    assert body["total"] == 2
    assert {"start", "total", "by_person_type", "by_device"} <= set(body["buckets"][0])
    assert client.get("/api/stats?bucket=fortnight").status == 400

    first = client.get_json("/api/events")["events"][0]["id"]
    reply = client.request("POST", f"/api/events/{first}/pin")
    assert reply.status == 200 and reply.json() == {"id": first, "pinned": True}
    assert client.get_json(f"/api/events/{first}")["pinned"] is True
    reply = client.request(
        "POST", f"/api/events/{first}/pin", b'{"pinned": false}',
        {"Content-Type": "application/json"},  # state-changing calls with a body take JSON
    )  # fmt: skip
    assert reply.json()["pinned"] is False
    client.request("POST", f"/api/events/{first}/pin")
    assert client.request("DELETE", f"/api/events/{first}/pin").json()["pinned"] is False
    assert client.get_json(f"/api/events/{first}")["pinned"] is False
    assert client.request("POST", "/api/events/999999/pin").status == 404
    assert client.request("POST", "/api/events/x/pin").status == 400


def test_api_events_sorted_pages(full_receiver: Receiver) -> None:
    client = Client(full_receiver.port)
    names = ["王伟", "Alice", "张伟"]
    evs = [event(n, identity_name=names[n], score=n / 10) for n in range(3)]
    assert client.post_json("/EventServer/api/HistoryEvent", evs).status == 200
    first = client.get_json("/api/events?sort=name&limit=2")
    assert [e["identity_name"] for e in first["events"]] == ["Alice", "张伟"]
    rest = client.get_json(f"/api/events?sort=name&limit=2&before={first['next']}")
    assert [e["identity_name"] for e in rest["events"]] == ["王伟"] and rest["next"] is None
    by_score = client.get_json("/api/events?sort=score&order=asc&person_type=1&score_min=0.1")
    assert [e["score"] for e in by_score["events"]] == [0.1, 0.2]
    assert client.get(f"/api/events?sort=score&before={first['next']}").status == 400
    assert client.get("/api/events?sort=colour").status == 400


KATHMANDU = ZoneInfo("Asia/Kathmandu")  # UTC+05:45: local hours are not UTC hours


def _mixed_events() -> list[dict[str, Any]]:
    """Events over three days around Berlin's spring DST change: every person type
    (and none), cameras named by ep_id or only by device_id, identities with and
    without names, strangers at many hours."""
    start = ms(2026, 3, 28, 0, 0)
    evs = []
    for n in range(90):
        ev = event(n, timestamp=start + n * 2_833_000)  # ~47 min apart: 70 hours
        ev["person_type"] = [1, 2, 3, 4, 5, None][n % 6]
        ev["identity_id"] = None if n % 11 == 0 else f"E-{n % 7}"
        ev["identity_name"] = None if n % 5 == 0 else f"name {n % 3}"
        info = dict(ev["ep_info"])
        if n % 4 == 0:
            info.pop("ep_id", None)
            info["device_id"] = f"dev-{n % 3}"
        else:
            info["ep_id"] = f"cam-{n % 3}"
        ev["ep_info"] = info
        evs.append(ev)
    return evs


def test_engines_count_alike(tmp_path: Path, pg_url: str) -> None:
    """The same events counted by SQLite and by PostgreSQL's one-pass query: every
    bucket, split, hour-of-day figure and identity ranking equal, across a DST
    change, in a zone whose hours are not UTC hours, by hour and by day, over
    ranges cut mid-hour."""
    sqlite = Store(tmp_path / "sqlite")
    postgres = Store(tmp_path / "pg", url=pg_url)
    try:
        evs = _mixed_events()
        for s in (sqlite, postgres):
            add(s, evs[:60])
            add(s, evs[60:])
            add(s, [event(500, identity_id="E-1", timestamp=ms(2026, 3, 29, 12))], self_test=True)
        start = ms(2026, 3, 28, 0, 0)
        cases = [
            (start, start + 3 * 86_400_000, "day", BERLIN, 10),
            (start, start + 3 * 86_400_000, "hour", BERLIN, 10),
            (start + 1_234_567, start + 50 * 3_600_000 + 7, "hour", BERLIN, 3),
            (start - 86_400_000, start + 4 * 86_400_000, "day", KATHMANDU, 5),
            (start + 600_000, start + 30 * 3_600_000, "hour", KATHMANDU, 10),
        ]
        for since, until, bucket, tz, top in cases:
            a = stats.compute(sqlite.reader(), since=since, until=until, bucket=bucket, tz=tz,
                              top=top)  # fmt: skip
            b = stats.compute(postgres.reader(), since=since, until=until, bucket=bucket, tz=tz,
                              top=top)  # fmt: skip
            assert a.total == 90 or since != start
            assert a.to_json() == b.to_json(), (bucket, tz)
            assert sum(a.strangers_by_hour_of_day) > 0
            assert a.top_identities and a.top_identities[0]["count"] > 1
    finally:
        sqlite.close()
        postgres.close()
