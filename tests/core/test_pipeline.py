"""The ingest pipeline without HTTP: plain data in, a typed outcome and messages out.

Pullers (a box's WebSocket, its event query) hand deliveries straight to the
pipeline, so everything a push gets — committed before the outcome, duplicates
recognised, messages announced, thumbnails — must hold without aiohttp.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest

from gui.core import ingest, messages
from gui.core.pipeline import CHANNEL_REALTIME, Delivery, IngestPipeline
from gui.core.store import Store
from tests.conftest import load_sample
from tests.core.procs import unique_event

pytestmark = pytest.mark.timeout(60)
HISTORY = "/EventServer/api/HistoryEvent"


class Rig:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.announced: list[Any] = []
        self.pipeline = IngestPipeline(store, self.announced.append)

    def run(self, *deliveries: Delivery, settle: float = 0.0) -> list[Any]:
        async def go() -> list[Any]:
            outcomes = [await self.pipeline.ingest(d) for d in deliveries]
            deadline = asyncio.get_running_loop().time() + settle
            while asyncio.get_running_loop().time() < deadline:
                await asyncio.sleep(0.02)
            return outcomes

        return asyncio.run(go())

    def of(self, kind: type) -> list[Any]:
        return [m for m in self.announced if isinstance(m, kind)]


@pytest.fixture
def rig(tmp_path: Path):
    store = Store(tmp_path)
    r = Rig(store)
    yield r
    r.pipeline.close()
    store.close()


def _bytes(value: Any, path: str = HISTORY, **kw: Any) -> Delivery:
    return Delivery(
        path=path, source_ip="10.0.0.7", received_at=1_764_000_000_500,
        body=json.dumps(value).encode(), content_type="application/json", **kw,
    )  # fmt: skip


def test_bytes_in_committed_events_out(rig: Rig) -> None:
    (out,) = rig.run(_bytes(load_sample("employee_match")))
    assert out.ok and out.status == 200 and out.body_format == "json"
    assert out.reply["events"][0]["result"] == "new"
    (event_id,) = out.event_ids
    # Committed by the time the outcome exists.
    row = rig.store.reader().execute("SELECT source_ip FROM events WHERE id = ?", (event_id,))
    assert row.fetchone()[0] == "10.0.0.7"
    (stored,) = rig.of(messages.EventStored)
    assert stored.summary.id == event_id and stored.summary.identity_id == "E-10086"


def test_an_already_parsed_value_is_stored_like_the_same_bytes(rig: Rig) -> None:
    value = unique_event(load_sample("stranger"), "ws", 1)
    parsed = Delivery(
        path=CHANNEL_REALTIME, source_ip="10.0.0.8", received_at=1_764_000_000_500,
        parsed=ingest.ParsedBody(value, "json"),
    )  # fmt: skip
    first, again = rig.run(parsed, _bytes(value, path=CHANNEL_REALTIME))
    assert first.ok and first.reply["events"][0]["result"] == "new"
    assert again.ok and again.reply["events"][0]["result"] == "duplicate"
    assert again.event_ids == first.event_ids
    assert [w["code"] for w in again.warnings] == ["duplicate"]
    # The retry announces nothing new.
    assert len(rig.of(messages.EventStored)) == 1


def test_not_an_event_is_a_400_outcome_and_stores_nothing(rig: Rig) -> None:
    (out,) = rig.run(_bytes({"hello": "world"}))
    assert out.status == 400 and not out.ok and out.stored == ()
    assert out.reply["code"] == ingest.ERR_NOT_EVENT
    assert rig.store.reader().execute("SELECT count(*) FROM events").fetchone()[0] == 0
    assert rig.announced == []


def test_a_closed_store_is_a_503_outcome(rig: Rig) -> None:
    rig.store.close()
    (out,) = rig.run(_bytes(load_sample("employee_match")))
    assert out.status == 503 and "retry later" in out.reply["message"]
    assert rig.of(messages.EventStored) == []


def test_a_health_report_is_announced(rig: Rig) -> None:
    report = {"gateway_sno": "SE3-X", "gateway_cpu": 12, "sub_devices": []}
    (out,) = rig.run(_bytes(report, path="/DeviceStatus"))
    assert out.ok and out.health_report and out.reply["device_status"] == "stored"
    (health,) = rig.of(messages.HealthReportStored)
    assert health.source_ip == "10.0.0.7" and health.report == report


def test_the_face_thumbnail_is_announced_once_committed(rig: Rig) -> None:
    """Made from the scene (no face crop sent): announced only after its write commits."""
    event = unique_event(load_sample("employee_match"), "thumb", 1)
    event.pop("recognize_face")

    async def go() -> tuple[Any, Any]:
        out = await rig.pipeline.ingest(_bytes(event))
        for _ in range(500):
            if rig.of(messages.FaceThumbReady):
                break
            await asyncio.sleep(0.02)
        (ready,) = rig.of(messages.FaceThumbReady)
        return out, ready

    out, ready = asyncio.run(go())
    assert ready.event_id == out.event_ids[0] and ready.thumb[:2] == b"\xff\xd8"
    stored = (
        rig.store.reader()
        .execute("SELECT data FROM face_thumbs WHERE event_id = ?", (ready.event_id,))
        .fetchone()
    )
    assert stored is not None and bytes(stored[0]) == ready.thumb


def test_a_sent_face_crop_is_announced_with_the_event(rig: Rig) -> None:
    (out,) = rig.run(_bytes(load_sample("employee_match")))
    (ready,) = rig.of(messages.FaceThumbReady)
    assert ready.event_id == out.event_ids[0]
    kinds = [type(m) for m in rig.announced]
    assert kinds.index(messages.EventStored) < kinds.index(messages.FaceThumbReady)


def test_a_low_priority_delivery_is_written_after_live_ones_and_is_not_live(rig: Rig) -> None:
    """A backfill's delivery queued before a box's push is still written after it."""
    import threading

    gate = threading.Event()

    async def go() -> tuple[Any, Any, int, int]:
        rig.store.writer.submit(lambda _conn: gate.wait(10))  # the writer is busy
        background = asyncio.ensure_future(rig.pipeline.ingest(
            _bytes(unique_event(load_sample("stranger"), "bg", 1), low_priority=True)))  # fmt: skip
        await asyncio.sleep(0.05)
        live_while_background = rig.pipeline.live_in_flight
        pushed = _bytes(unique_event(load_sample("stranger"), "push", 2))
        push = asyncio.ensure_future(rig.pipeline.ingest(pushed))
        await asyncio.sleep(0.05)
        live_with_push = rig.pipeline.live_in_flight
        gate.set()
        return await background, await push, live_while_background, live_with_push

    background, push, live_before, live_after = asyncio.run(go())
    assert background.ok and push.ok
    assert (live_before, live_after) == (0, 1)
    assert push.event_ids[0] < background.event_ids[0]  # the push was written first


def _batch(tag: str, count: int) -> list[dict[str, Any]]:
    return [
        {"identity_id": f"{tag}-{n}", "person_type": 4, "timestamp": 1_764_000_000_000 + n,
         "ep_info": {"ep_id": "gate-1"}}
        for n in range(count)
    ]  # fmt: skip


def test_a_real_time_event_waits_for_one_piece_of_a_large_batch_not_the_whole_batch(
    tmp_path: Path,
) -> None:
    """A history batch is written a piece at a time: the real-time event queued while the
    batch's first piece is being written is committed right after that piece (it waited
    for all 150 events of the batch, one transaction, before)."""
    import threading

    from gui.core.pipeline import PIECE_EVENTS

    store = Store(tmp_path)
    writer_queue = store.writer._jobs
    first_written = threading.Event()
    batch_written_before_realtime: list[int] = []
    written = [0]

    def hook(_conn: Any, result: Any) -> None:
        if result.summary.identity_id.startswith("batch-"):
            written[0] += 1
            if written[0] == 1:
                first_written.set()
                # Hold the batch's transaction until the real-time job is queued behind it.
                for _ in range(5000):
                    if not writer_queue.empty():
                        break
                    threading.Event().wait(0.001)
        else:
            batch_written_before_realtime.append(written[0])

    pipeline = IngestPipeline(store, event_hooks=[hook])
    total = 3 * PIECE_EVENTS

    async def go() -> tuple[Any, Any]:
        batch = asyncio.ensure_future(pipeline.ingest(_bytes(_batch("batch", total))))
        await asyncio.get_running_loop().run_in_executor(None, first_written.wait, 5)
        realtime = await pipeline.ingest(
            _bytes(unique_event(load_sample("stranger"), "rt", 1),
                   path="/EventServer/api/RealTimeEvent")
        )  # fmt: skip
        return await batch, realtime

    try:
        batch, realtime = asyncio.run(go())
        assert batch.ok and realtime.ok
        assert batch_written_before_realtime == [PIECE_EVENTS]  # one piece, not all 150
        assert [e["result"] for e in batch.reply["events"]] == ["new"] * total
        count = store.read_sync(lambda c: c.execute("SELECT count(*) FROM events").fetchone()[0])
        assert count == total + 1
    finally:
        pipeline.close()
        store.close()


def test_a_batch_failing_after_some_pieces_is_stored_once_when_sent_again(tmp_path: Path) -> None:
    """Pieces committed before a storage failure stay (503, the box resends); the resend
    stores the rest and finds the committed ones as duplicates: nothing twice, nothing lost."""
    import sqlite3

    from gui.core.pipeline import PIECE_EVENTS

    store = Store(tmp_path)
    failing = [True]

    def hook(_conn: Any, result: Any) -> None:
        if failing[0] and result.summary.identity_id == f"batch-{PIECE_EVENTS + 3}":
            full = sqlite3.OperationalError("database or disk is full")
            full.sqlite_errorcode = 13  # type: ignore[attr-defined]
            raise full

    announced: list[Any] = []
    pipeline = IngestPipeline(store, announced.append, event_hooks=[hook])
    total = 2 * PIECE_EVENTS + 10
    delivery = _bytes(_batch("batch", total))

    async def go() -> tuple[Any, Any]:
        first = await pipeline.ingest(delivery)
        failing[0] = False
        return first, await pipeline.ingest(delivery)

    try:
        first, again = asyncio.run(go())
        assert first.status == 503 and first.stored == ()
        assert f"{PIECE_EVENTS} of {total} events stored" in first.reply["message"]
        assert again.ok
        results = [e["result"] for e in again.reply["events"]]
        assert results == ["duplicate"] * PIECE_EVENTS + ["new"] * (total - PIECE_EVENTS)
        ids = store.read_sync(lambda c: [r[0] for r in c.execute("SELECT identity_id FROM events")])
        assert sorted(ids) == sorted(f"batch-{n}" for n in range(total))  # each exactly once
        stored_messages = [m for m in announced if isinstance(m, messages.EventStored)]
        assert len(stored_messages) == total  # the first piece announced when it committed
    finally:
        pipeline.close()
        store.close()


def test_a_batch_is_cut_by_events_and_by_bytes_and_its_report_goes_last(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from gui.core import pipeline as pipeline_mod

    parsed = ingest.parse_body(json.dumps(_batch("b", 120)).encode(), "application/json", None)
    prepared = ingest.prepare(parsed, path=HISTORY, received_at=0)
    prepared.health_report = {"dev_sno": "X"}
    cut = pipeline_mod.pieces(prepared)
    assert [len(p.events) for p in cut] == [50, 50, 20]
    assert [p.health_report for p in cut] == [None, None, {"dev_sno": "X"}]
    assert [p.events[0].index for p in cut] == [0, 50, 100]
    assert all(p.after_commit is not prepared.after_commit for p in cut)

    photos = [unique_event(load_sample("stranger"), "photo", n) for n in range(12)]
    parsed = ingest.parse_body(json.dumps(photos).encode(), "application/json", None)
    prepared = ingest.prepare(parsed, path=HISTORY, received_at=0)
    size = pipeline_mod._event_bytes(prepared.events[0])
    assert size > 100_000  # the photos count, not only the raw JSON
    monkeypatch.setattr(pipeline_mod, "PIECE_BYTES", 3 * size + size // 2)
    cut = pipeline_mod.pieces(prepared)
    assert [len(p.events) for p in cut] == [3, 3, 3, 3]
    monkeypatch.setattr(pipeline_mod, "PIECE_BYTES", size // 2)  # one event over the bound
    assert [len(p.events) for p in pipeline_mod.pieces(prepared)] == [1] * 12
    small = ingest.prepare(
        ingest.parse_body(json.dumps(_batch("s", 3)).encode(), "application/json", None),
        path=HISTORY, received_at=0,
    )  # fmt: skip
    assert pipeline_mod.pieces(small) == [small]


def test_a_push_waits_for_one_backfilled_record_not_the_whole_piece(tmp_path: Path) -> None:
    """A backfill's piece stops after the record being written when a push is queued; the
    push is written in the same transaction (one COMMIT) and the rest of the piece after
    it: every record stored once, in order, each announced once (before, the push waited
    for all five records and their COMMIT, then made its own)."""
    import threading

    store = Store(tmp_path)
    writer_queue = store.writer._jobs
    first_written = threading.Event()
    written: list[tuple[str, int]] = []  # (identity, the writer's batch number)

    def hook(_conn: Any, result: Any) -> None:
        written.append((result.summary.identity_id, store.writer.batches))
        if result.summary.identity_id == "bf-0":
            first_written.set()
            # Hold the record until the push's job is queued behind it.
            for _ in range(5000):
                if not writer_queue.empty():
                    break
                threading.Event().wait(0.001)

    announced: list[Any] = []
    pipeline = IngestPipeline(store, announced.append, event_hooks=[hook])
    push_event = {"identity_id": "push-0", "person_type": 4, "timestamp": 1_764_000_100_000,
                  "ep_info": {"ep_id": "gate-2"}}  # fmt: skip

    async def go() -> tuple[Any, Any]:
        backfill = asyncio.ensure_future(
            pipeline.ingest(_bytes(_batch("bf", 5), low_priority=True))
        )
        await asyncio.get_running_loop().run_in_executor(None, first_written.wait, 5)
        push = await pipeline.ingest(_bytes(push_event))
        return await backfill, push

    try:
        backfill, push = asyncio.run(go())
        assert backfill.ok and push.ok
        order = [identity for identity, _batch in written]
        assert order == ["bf-0", "push-0", "bf-1", "bf-2", "bf-3", "bf-4"]
        batch_of = dict(written)
        assert batch_of["push-0"] == batch_of["bf-0"]  # one transaction, one COMMIT
        assert batch_of["bf-1"] > batch_of["push-0"]
        assert [e["result"] for e in backfill.reply["events"]] == ["new"] * 5
        assert [e["index"] for e in backfill.reply["events"]] == [0, 1, 2, 3, 4]
        assert [s.summary.identity_id for s in backfill.stored] == [f"bf-{n}" for n in range(5)]
        count = store.read_sync(lambda c: c.execute("SELECT count(*) FROM events").fetchone()[0])
        assert count == 6
        stored_messages = [m for m in announced if isinstance(m, messages.EventStored)]
        assert sorted(m.summary.identity_id for m in stored_messages) == sorted(order)
        assert not store.writer.live_pending()
    finally:
        pipeline.close()
        store.close()


def test_a_backfill_piece_with_no_push_on_its_way_is_one_transaction(rig: Rig) -> None:
    """No push: the piece is written whole, as before (the 10 records/s floor)."""
    batches: list[int] = []
    rig.pipeline.event_hooks = [lambda _conn, _result: batches.append(rig.store.writer.batches)]
    (out,) = rig.run(_bytes(_batch("bf", 5), low_priority=True))
    assert out.ok and len(set(batches)) == 1 and len(batches) == 5


def test_a_push_that_is_not_stored_leaves_no_live_write_pending(rig: Rig) -> None:
    """A bad body, a closed store: the push announced to the writer is withdrawn, so
    backfills stop giving way to it."""
    bad, good = rig.run(_bytes({"hello": "world"}), _bytes(load_sample("employee_match")))
    assert bad.status == 400 and good.ok
    assert not rig.store.writer.live_pending()
    rig.store.close()
    (closed,) = rig.run(_bytes(load_sample("employee_match")))
    assert closed.status == 503 and not rig.store.writer.live_pending()


def test_a_resolver_that_names_the_camera_is_what_the_stored_doc_says(rig: Rig) -> None:
    """The doc column is packed before the writer's job; a resolver runs after that and
    may replace the event (a box's camera list naming an ``ep_id``): the row must say so."""
    import dataclasses

    from gui.core.event_rows import load_doc

    def name_camera(_delivery: Delivery, prepared: ingest.Prepared) -> None:
        for p in prepared.events:
            ep_info = {**p.event.ep_info, "ep_id": "resolved-camera"}
            p.event = dataclasses.replace(p.event, ep_info=ep_info)

    rig.pipeline.resolvers.append(name_camera)
    (out,) = rig.run(_bytes(unique_event(load_sample("employee_match"), "doc", 1)))
    assert out.ok
    (event_id,) = out.event_ids
    doc = rig.store.reader().execute("SELECT doc FROM events WHERE id = ?", (event_id,))
    assert load_doc(doc.fetchone()[0])["ep_info"]["ep_id"] == "resolved-camera"


def test_the_doc_packed_before_the_job_is_the_one_the_writer_would_pack() -> None:
    from gui.core import warnings as W
    from gui.core.event_rows import pack_event_doc

    parsed = ingest.parse_body(
        json.dumps(load_sample("employee_match")).encode(), "application/json", None
    )
    (p,) = ingest.prepare(parsed, path=HISTORY, received_at=1_764_000_000_500).events
    assert p.packed_doc == pack_event_doc(p.event, p.warnings)
    p.warnings.append(W.make(W.UNKNOWN_PATH, "path", path="/elsewhere"))
    assert p.packed_doc is None  # a warning added since: packed again by the writer
