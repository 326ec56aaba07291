"""Scores in their own box's scale: per-event rule, filters and the alarm minimum."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from gui.core import alarms, devices, query, scores
from gui.core.reader import StoreReader
from gui.core.store import Store
from gui.settings import Settings
from tests.conftest import make_summary
from tests.core.history_data import add, event, make_store

UNIT, PCT = scores.SCALE_UNIT, scores.SCALE_PERCENT


def test_scale_is_decided_per_event() -> None:
    """Above 1 is 0–100 whatever came before; else the configured scale; else 0–1."""
    assert scores.event_scale(0.93) == UNIT
    assert scores.event_scale(82.05) == PCT
    assert scores.event_scale(0.5, scores.BoxScale(PCT, None)) == PCT
    assert scores.event_scale(82.05, scores.BoxScale(UNIT, None)) == PCT
    assert scores.event_scale(None) is None
    assert scores.percent(0.93) == pytest.approx(93)
    assert scores.percent(82.05) == pytest.approx(82.05)


def test_threshold_follows_the_events_scale() -> None:
    cfg = scores.BoxScale(None, 82.0)
    assert scores.event_threshold(PCT, cfg) == 82.0
    assert scores.event_threshold(UNIT, cfg) == pytest.approx(0.82)
    assert scores.event_threshold(PCT, None) == scores.DEFAULT_THRESHOLD_100
    assert scores.event_threshold(UNIT, None) is None


@pytest.fixture
def mixed(tmp_path: Path) -> Iterator[Store]:
    """BOX-U sends 0–1 similarities, BOX-P the 0–100 display score (one low one)."""
    s = make_store(tmp_path)
    u, p = {"ep_id": "BOX-U__10.0.0.2"}, {"ep_id": "BOX-P__10.0.0.3"}
    add(s, [
        event(1, dev_sno="BOX-U", score=0.93, ep_info=u),
        event(2, dev_sno="BOX-U", score=0.40, ep_info=u),
        event(3, dev_sno="BOX-P", score=82.05, ep_info=p),
        event(4, dev_sno="BOX-P", score=45.0, ep_info=p),
        event(5, dev_sno="BOX-P", score=0.9, ep_info=p),
    ])  # fmt: skip
    yield s
    s.close()


def names(reader: StoreReader, flt: query.EventFilter) -> set[str | None]:
    return {r.identity_id for r in reader.events_page(flt, limit=100).rows}


def test_percent_filter_compares_each_box_in_its_own_scale(mixed: Store) -> None:
    reader = StoreReader(mixed)
    # Raw, 0.9 on a 0–100 box looks like a strong match; as percent of its scale it is not.
    assert names(reader, query.EventFilter(score_pct_min=80)) == {"id-001", "id-003", "id-005"}
    mixed.write_sync(
        lambda conn: devices.set_score_config(conn, "BOX-P", scale=PCT, threshold=82.0)
    )
    assert names(reader, query.EventFilter(score_pct_min=80)) == {"id-001", "id-003"}
    assert names(reader, query.EventFilter(score_pct_min=30, score_pct_max=50)) == {
        "id-002", "id-004",
    }  # fmt: skip
    assert query.count(mixed.reader(), query.EventFilter(score_pct_max=50)) == 3
    flt = query.parse_filter({"score_pct_min": "80"})
    assert flt.score_pct_min == 80


@pytest.mark.parametrize("narrow", [1, 10_000])
def test_percent_filter_same_rows_whichever_plan(
    mixed: Store, monkeypatch: pytest.MonkeyPatch, narrow: int
) -> None:
    monkeypatch.setattr(query, "NARROW_SCORE_RANGE", narrow)
    reader = StoreReader(mixed)
    assert names(reader, query.EventFilter(score_pct_min=42, score_pct_max=95)) == {
        "id-001", "id-003", "id-004", "id-005",
    }  # fmt: skip


def test_lists_carry_each_events_scale_and_threshold(mixed: Store) -> None:
    mixed.write_sync(
        lambda conn: devices.set_score_config(conn, "BOX-P", scale=PCT, threshold=82.0)
    )
    reader = StoreReader(mixed)
    by_id = {r.identity_id: r for r in reader.events_page(query.EventFilter(), limit=100).rows}
    assert (by_id["id-001"].score_scale, by_id["id-001"].threshold) == (UNIT, None)
    assert (by_id["id-003"].score_scale, by_id["id-003"].threshold) == (PCT, 82.0)
    assert by_id["id-005"].score_scale == PCT  # 0.9 from a box configured 0–100
    briefs = {b.identity_id: b for b in reader.latest_events(10)}
    assert briefs["id-003"].score_scale == PCT and briefs["id-001"].score_scale == UNIT


@pytest.mark.parametrize(
    ("stored", "score", "raises"),
    [(0.8, 0.85, True), (0.8, 0.75, False), (0.8, 85.0, True), (0.8, 79.0, False),
     (80.0, 0.85, True), (80.0, 79.0, False)],
)  # fmt: skip
def test_alarm_minimum_is_percent_of_each_boxs_scale(
    stored: float, score: float, raises: bool
) -> None:
    settings = Settings()
    settings.alarm_person_types = [1]
    settings.alarm_min_score = stored
    s = make_summary(received_at=1, timestamp=1, person_type=1, score=score, ep_id="cam")
    assert alarms.matches_rules(s, settings) is raises


def test_exports_carry_each_events_scale_and_threshold(mixed: Store, tmp_path: Path) -> None:
    import csv

    from gui.core import export

    mixed.write_sync(
        lambda conn: devices.set_score_config(conn, "BOX-P", scale=PCT, threshold=82.0)
    )
    out = tmp_path / "e.csv"
    export.export_events(mixed.reader(), query.EventFilter(), out)
    with open(out, encoding="utf-8-sig") as f:
        rows = {r["identity_id"]: r for r in csv.DictReader(f)}
    assert (rows["id-001"]["score_scale"], rows["id-001"]["score_threshold"]) == ("0-1", "")
    assert (rows["id-003"]["score_scale"], rows["id-003"]["score_threshold"]) == ("0-100", "82.0")
    assert rows["id-005"]["score_scale"] == PCT


def test_a_box_sending_both_scales_is_judged_per_event(tmp_path: Path) -> None:
    """One score above 1 no longer makes every later similarity of that box a 0–100 score."""
    s = make_store(tmp_path)
    try:
        ep = {"ep_id": "BOX-M__10.0.0.4"}
        low, high, sim = add(s, [
            event(1, dev_sno="BOX-M", score=0.62, ep_info=ep),
            event(2, dev_sno="BOX-M", score=82.05, ep_info=ep),
            event(3, dev_sno="BOX-M", score=0.93, ep_info=ep),
        ])  # fmt: skip
        reader = StoreReader(s)

        def context(event_id: int) -> dict[str, object]:
            box = reader.event_box(reader.event(event_id) or {})
            assert box is not None
            return box["score"]

        assert context(low)["scale"] == UNIT and context(sim)["scale"] == UNIT
        assert context(low)["threshold"] is None
        assert (context(high)["scale"], context(high)["threshold"]) == (PCT, 82.0)
        assert context(high)["threshold_source"] == "vendor_default"
        s.write_sync(lambda conn: devices.set_score_config(conn, "BOX-M", scale=PCT, threshold=80))
        assert (context(low)["scale"], context(low)["scale_source"]) == (PCT, "configured")
        assert (context(low)["threshold"], context(low)["threshold_source"]) == (80, "configured")
    finally:
        s.close()


def _add_from(store: Store, events: list[dict[str, object]], source_ip: str) -> list[object]:
    """Like ``history_data.add`` from another address; returns the stored summaries."""
    import json

    from gui.core import ingest
    from gui.core.event_rows import Arrival

    path = "/EventServer/api/HistoryEvent"
    parsed = ingest.parse_body(json.dumps(events).encode(), "application/json", None)
    prepared = ingest.prepare(parsed, path=path, received_at=1_700_000_000_000)
    stored = store.write_sync(
        ingest.store_job(prepared, Arrival(1_700_000_000_000, source_ip, path))
    )
    return [s.summary for s in stored]


@pytest.fixture
def named_three_ways(tmp_path: Path) -> Iterator[Store]:
    """Box BOX-Q, configured 0–100, named by licence, by MAC in ``ep_id`` and by address.

    Its first event names it twice (licence and MAC), so the identity rules link
    both; later events name it by the MAC only, by a licence-prefixed ``ep_id``
    only, and not at all (keyless, from its address). Each sends a 0.9: on a 0–100
    box that is 0.9 %, not 90 %.
    """
    s = make_store(tmp_path)
    ip = "10.9.9.9"
    mac_cam = {"ep_id": "0xe0a509261422__10.0.0.5"}
    _add_from(s, [event(1, dev_sno="BOX-Q", score=82.05, ep_info=mac_cam)], ip)
    s.write_sync(lambda conn: devices.set_score_config(conn, "BOX-Q", scale=PCT, threshold=80))
    mac_only, prefix_only, keyless = event(2, score=0.9), event(3, score=0.9), event(4, score=0.9)
    for ev in (mac_only, prefix_only, keyless):
        ev.pop("dev_sno", None)
    mac_only["ep_info"] = {"ep_id": "0xE0A509261422__10.0.0.6"}
    prefix_only["ep_info"] = {"ep_id": "BOX-Q__10.0.0.7"}
    keyless["ep_info"] = {"ep_id": "gate-9"}
    s.summaries = _add_from(s, [mac_only, prefix_only, keyless], ip)  # type: ignore[attr-defined]
    # The same 0.9 from a box nobody configured stays a 0–1 similarity (90 %).
    _add_from(s, [event(5, dev_sno="BOX-U", score=0.9, ep_info={"ep_id": "BOX-U__1"})], "10.8.8.8")
    yield s
    s.close()


def test_percent_filter_finds_the_boxs_scale_by_every_name(named_three_ways: Store) -> None:
    """Issue 13: the % filter resolves the box like the identity rules, not by dev_sno only."""
    reader = StoreReader(named_three_ways)
    assert names(reader, query.EventFilter(score_pct_min=80)) == {"id-001", "id-005"}
    assert names(reader, query.EventFilter(score_pct_max=1)) == {"id-002", "id-003", "id-004"}
    # The lists read the same box configuration for the same events.
    rows = {r.identity_id: r for r in reader.events_page(query.EventFilter(), limit=10).rows}
    for ident in ("id-002", "id-003", "id-004"):
        assert (rows[ident].score_scale, rows[ident].threshold) == (PCT, 80)
    assert (rows["id-005"].score_scale, rows["id-005"].threshold) == (UNIT, None)
    briefs = {b.identity_id: b for b in reader.latest_events(10)}
    assert briefs["id-004"].score_scale == PCT and briefs["id-005"].score_scale == UNIT


def test_live_arrivals_carry_the_boxs_configured_scale(named_three_ways: Store) -> None:
    """What the core announces (and the alarm rule reads) is in the box's configured scale."""
    summaries = named_three_ways.summaries  # type: ignore[attr-defined]
    assert [(s.score_scale, s.threshold) for s in summaries] == [(PCT, 80)] * 3
    settings = Settings()
    settings.alarm_person_types = [1]
    settings.alarm_min_score = 0.8
    # 0.9 on a 0–100 box is far below 80 %: no alarm; the same 0.9 read as 0–1 would raise.
    assert not any(alarms.matches_rules(s, settings) for s in summaries)
    assert alarms.matches_rules(make_summary(person_type=1, score=0.9), settings)


def test_devices_say_mixed_for_a_box_sending_both_scales(tmp_path: Path) -> None:
    """Issue 13: history in one scale, real-time in the other: Devices says "mixed"."""
    s = make_store(tmp_path)
    try:
        add(s, [
            event(1, dev_sno="BOX-M", score=0.62, ep_info={"ep_id": "BOX-M__1"}),
            event(2, dev_sno="BOX-M", score=82.05, ep_info={"ep_id": "BOX-M__1"}),
            event(3, dev_sno="BOX-U", score=0.93, ep_info={"ep_id": "BOX-U__1"}),
            event(4, dev_sno="BOX-P", score=91.0, ep_info={"ep_id": "BOX-P__1"}),
            event(5, dev_sno="BOX-P", score=0.0, ep_info={"ep_id": "BOX-P__1"}),  # no match
        ])  # fmt: skip

        def scales() -> dict[str, object]:
            found = devices.list_devices(s.reader())["boxes"]
            return {b["sn"]: (b["score"]["scale"], b["score"]["threshold"]) for b in found}

        assert scales() == {"BOX-M": ("mixed", 82.0), "BOX-U": (UNIT, None), "BOX-P": (PCT, 82.0)}
        # Configured 0–100, its low scores are 0–100 scores too: one scale, not mixed.
        s.write_sync(lambda c: devices.set_score_config(c, "BOX-M", scale=PCT, threshold=80))
        assert scales()["BOX-M"] == (PCT, 80)
    finally:
        s.close()


def test_migration_learns_each_boxs_lowest_score(tmp_path: Path) -> None:
    """Schema v11: a database from before it says "mixed" for a box that sent both."""
    from gui.core import schema

    s = make_store(tmp_path)
    try:
        add(s, [
            event(1, dev_sno="BOX-M", score=0.62, ep_info={"ep_id": "BOX-M__1"}),
            event(2, dev_sno="BOX-M", score=82.05, ep_info={"ep_id": "BOX-M__1"}),
        ])  # fmt: skip

        s.write_sync(lambda c: c.execute("ALTER TABLE boxes DROP COLUMN score_min"))
        s.write_sync(lambda c: schema.MIGRATIONS[10](c))
        [box] = devices.list_devices(s.reader())["boxes"]
        assert box["score"]["scale"] == "mixed"
    finally:
        s.close()


def test_box_scale_rules_on_both_engines(engine_store: Store) -> None:
    """The % filter's SQL, the live scale, "mixed" and the report/event camera merge run
    the same on SQLite and PostgreSQL (the SQL is in their shared subset)."""
    s = engine_store
    ip = "10.9.9.9"
    _add_from(s, [event(1, dev_sno="BOX-Q", score=82.05,
                        ep_info={"ep_id": "0xe0a509261422__10.0.0.5"})], ip)  # fmt: skip
    s.write_sync(lambda conn: devices.set_score_config(conn, "BOX-Q", scale=PCT, threshold=80))
    mac_only, keyless = event(2, score=0.9), event(3, score=0.9)
    for ev in (mac_only, keyless):
        ev.pop("dev_sno", None)
    mac_only["ep_info"] = {"ep_id": "0xE0A509261422__10.0.0.6"}
    keyless["ep_info"] = {"ep_id": "gate-9", "ep_ip": "10.0.0.9"}
    summaries = _add_from(s, [mac_only, keyless], ip)
    assert [(x.score_scale, x.threshold) for x in summaries] == [(PCT, 80)] * 2  # type: ignore[attr-defined]
    _add_from(s, [event(4, dev_sno="BOX-M", score=0.62, ep_info={"ep_id": "BOX-M__1"}),
                  event(5, dev_sno="BOX-M", score=82.0, ep_info={"ep_id": "BOX-M__1"})],
              "10.8.8.8")  # fmt: skip
    reader = StoreReader(s)
    assert names(reader, query.EventFilter(score_pct_min=80)) == {"id-001", "id-005"}
    assert names(reader, query.EventFilter(score_pct_max=1)) == {"id-002", "id-003"}
    boxes = {b["sn"]: b["score"]["scale"] for b in s.read_sync(devices.list_devices)["boxes"]}
    assert boxes["BOX-M"] == "mixed" and boxes["BOX-Q"] == PCT


def test_a_writer_batch_reads_the_scale_book_once_while_nothing_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Jobs of one batch share the book; a box configured in between, a health report
    or the next batch make the next job read it again (and see the change)."""
    import json

    from gui.core import ingest
    from gui.core.event_rows import Arrival

    s = make_store(tmp_path)
    ip = "10.9.9.9"
    _add_from(s, [event(1, dev_sno="BOX-Q", score=0.5, ep_info={"ep_id": "BOX-Q__1"})], ip)
    reads: list[int] = []
    real = scores.scale_book

    def counted(conn: object) -> scores.ScaleBook:
        reads.append(1)
        return real(conn)  # type: ignore[arg-type]

    monkeypatch.setattr(scores, "scale_book", counted)
    batch = [1]
    cache = scores.ScaleCache(lambda: batch[0])
    path = "/EventServer/api/HistoryEvent"

    def job(n: int, report: bool = False) -> Callable[..., list[object]]:
        body = event(n, dev_sno="BOX-Q", score=0.9, ep_info={"ep_id": "BOX-Q__1"})
        if report:
            body["gateway_sn"] = "BOX-Q"
        parsed = ingest.parse_body(json.dumps(body).encode(), "application/json", None)
        prepared = ingest.prepare(parsed, path=path, received_at=1_700_000_000_000 + n)
        return ingest.store_job(prepared, Arrival(1_700_000_000_000, ip, path), scales=cache)

    def scale(stored: list[object]) -> object:
        return stored[0].summary.score_scale  # type: ignore[attr-defined]

    def batch_one(conn: object) -> list[object]:
        out = [scale(job(2)(conn)), scale(job(3)(conn))]
        assert len(reads) == 1  # the second job reused the first one's book
        devices.set_score_config(conn, "BOX-Q", scale=PCT, threshold=80)  # type: ignore[arg-type]
        out.append(scale(job(4)(conn)))
        assert len(reads) == 2  # rows changed in between: read again, and the change seen
        out.append(scale(job(5, report=True)(conn)))
        assert len(reads) == 2
        out.append(scale(job(6)(conn)))
        assert len(reads) == 3  # a health report may name boxes: the next job reads again
        return out

    try:
        assert s.write_sync(batch_one) == [UNIT, UNIT, PCT, PCT, PCT]
        batch[0] = 2
        assert scale(s.write_sync(job(7))) == PCT
        assert len(reads) == 4  # a new batch reads it again
    finally:
        s.close()
