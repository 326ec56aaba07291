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
