"""A backfill stays out of the pushes' way: its CPU work is niced, its thumbnails wait.

Counted, not timed: what runs on which thread at which nice value, what is made
while a push is in flight, and how many pictures a box is asked for.
"""

from __future__ import annotations

import asyncio
import json
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from gui.core import ingest, lowprio, messages
from gui.core import thumbnails as thumbnails_module
from gui.core.pipeline import Delivery, IngestPipeline
from gui.core.store import Store
from tests.conftest import load_sample
from tests.core.procs import unique_event

pytestmark = pytest.mark.timeout(90)
HISTORY = "/EventServer/api/HistoryEvent"
linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="per-thread nice")


class Rig:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.announced: list[Any] = []
        self.pipeline = IngestPipeline(store, self.announced.append)

    def ready(self) -> list[int]:
        return [m.event_id for m in self.announced if isinstance(m, messages.FaceThumbReady)]

    def thumbs(self, event_id: int) -> tuple[bool, set[str]]:
        """(face thumbnail stored, kinds whose per-image thumbnail is stored)."""
        conn = self.store.reader()
        face = conn.execute("SELECT 1 FROM face_thumbs WHERE event_id = ?", (event_id,))
        kinds = conn.execute(
            "SELECT kind FROM images WHERE event_id = ? AND thumb IS NOT NULL", (event_id,)
        )
        return face.fetchone() is not None, {k for (k,) in kinds.fetchall()}


@pytest.fixture
def rig(tmp_path: Path):
    store = Store(tmp_path)
    r = Rig(store)
    yield r
    r.pipeline.close()
    store.close()


def _delivery(value: Any, **kw: Any) -> Delivery:
    return Delivery(
        path=HISTORY, source_ip="10.0.0.7", received_at=int(time.time() * 1000),
        body=json.dumps(value).encode(), content_type="application/json", **kw,
    )  # fmt: skip


def _scene_only(tag: str, n: int) -> dict[str, Any]:
    """No face crop: the face thumbnail has to be cut from the 1080p scene (real CPU)."""
    event = unique_event(load_sample("employee_match"), tag, n)
    event.pop("recognize_face")
    return event


async def _until(check: Any, seconds: float = 20.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        await asyncio.sleep(0.02)
    return bool(check())


@linux_only
def test_a_backfills_cpu_work_runs_on_a_niced_thread_while_boxes_push(
    rig: Rig, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Preparing its photos (niced only while boxes push) and its deferred thumbnails."""
    before = lowprio.thread_nice()
    prepared_on: list[tuple[str, int | None]] = []
    thumbs_on: list[tuple[str, int | None]] = []

    def where() -> tuple[str, int | None]:
        return threading.current_thread().name.rsplit("_", 1)[0], lowprio.thread_nice()

    real_prepare, real_thumbs = ingest.prepare, thumbnails_module._deferred_thumbs_job
    monkeypatch.setattr(
        ingest, "prepare", lambda *a, **kw: (prepared_on.append(where()), real_prepare(*a, **kw))[1]
    )
    monkeypatch.setattr(
        thumbnails_module,
        "_deferred_thumbs_job",
        lambda *a: (thumbs_on.append(where()), real_thumbs(*a))[1],
    )

    async def go() -> list[int]:
        runner = asyncio.ensure_future(rig.pipeline.thumbnails.run())
        try:
            with rig.pipeline.receiving():  # a box's push in flight
                one = await rig.pipeline.ingest(
                    _delivery(_scene_only("nice", 1), low_priority=True)
                )
            rig.pipeline.live_ended_at = float("-inf")  # no box pushed for a while
            two = await rig.pipeline.ingest(_delivery(_scene_only("nice", 2), low_priority=True))
            ids = [*one.event_ids, *two.event_ids]
            await _until(lambda: set(ids) <= set(rig.ready()))
            return ids
        finally:
            runner.cancel()

    ids = asyncio.run(go())
    assert sorted(rig.ready()) == sorted(ids)
    niced = ("gatewatch-background", lowprio.BACKGROUND_NICE)
    assert prepared_on == [niced, ("gatewatch-parse", before)]
    assert thumbs_on == [niced, niced]
    # the receiver's own threads are untouched
    assert lowprio.thread_nice() == before


@linux_only
def test_lowering_a_thread_leaves_the_process_and_other_threads_alone() -> None:
    seen: list[int | None] = []

    def worker() -> None:
        assert lowprio.lower_this_thread(12)
        seen.append(lowprio.thread_nice())

    before = lowprio.thread_nice()
    t = threading.Thread(target=worker)
    t.start()
    t.join()
    assert seen == [12] and lowprio.thread_nice() == before


def test_where_threads_have_no_nice_value_the_worker_still_runs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(lowprio.sys, "platform", "win32")
    assert lowprio.lower_this_thread() is False
    pool = lowprio.background_executor("gatewatch-test")
    try:
        assert pool.submit(lambda: 42).result(10) == 42
    finally:
        pool.shutdown()


def test_a_backfills_thumbnails_wait_while_boxes_push_and_are_made_afterwards(
    rig: Rig, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(thumbnails_module, "DEFER_LIVE_EVERY", 3600.0)

    async def go() -> tuple[int, int, tuple[bool, set[str]], tuple[bool, set[str]]]:
        runner = asyncio.ensure_future(rig.pipeline.thumbnails.run())
        try:
            with rig.pipeline.receiving():  # a box's push is being handled throughout
                backfilled = await rig.pipeline.ingest(
                    _delivery(_scene_only("bf", 1), low_priority=True)
                )
                pushed = await rig.pipeline.ingest(_delivery(_scene_only("push", 2)))
                # the pushed event's face thumbnail comes at once, as always
                assert await _until(lambda: pushed.event_ids[0] in rig.ready())
                await asyncio.sleep(0.6)
                during = rig.thumbs(backfilled.event_ids[0])
            # pushes stopped: the backfilled event's thumbnails are made and announced
            assert await _until(lambda: backfilled.event_ids[0] in rig.ready())
            assert await _until(lambda: len(rig.thumbs(backfilled.event_ids[0])[1]) == 3)
            after = rig.thumbs(backfilled.event_ids[0])
            return backfilled.event_ids[0], pushed.event_ids[0], during, after
        finally:
            runner.cancel()

    backfilled, pushed, during, after = asyncio.run(go())
    assert during == (False, set())
    assert after == (True, {"spot_pic", "reg_pic", "ir_pic"})
    (ready,) = [m for m in rig.announced if getattr(m, "event_id", None) == backfilled
                and isinstance(m, messages.FaceThumbReady)]  # fmt: skip
    stored = (
        rig.store.reader()
        .execute("SELECT data FROM face_thumbs WHERE event_id = ?", (backfilled,))
        .fetchone()
    )
    assert ready.thumb[:2] == b"\xff\xd8" and bytes(stored[0]) == ready.thumb
    assert not rig.pipeline.thumbnails.deferred
    assert pushed != backfilled


def test_a_site_that_never_stops_pushing_still_gets_a_backfills_thumbnails(
    rig: Rig, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pushes ending every few ms keep the site "live"; one deferred event per period is made."""
    monkeypatch.setattr(thumbnails_module, "DEFER_LIVE_EVERY", 0.2)

    async def go() -> tuple[list[int], list[int]]:
        runner = asyncio.ensure_future(rig.pipeline.thumbnails.run())
        try:
            ids = []
            for n in range(3):
                out = await rig.pipeline.ingest(
                    _delivery(_scene_only("steady", n), low_priority=True)
                )
                ids.extend(out.event_ids)
            stop = time.monotonic() + 20
            while time.monotonic() < stop and not set(ids) <= set(rig.ready()):
                with rig.pipeline.receiving():  # a push every 20 ms, 10 ms each
                    await asyncio.sleep(0.01)
                await asyncio.sleep(0.01)
                assert rig.pipeline.live_recently(thumbnails_module.DEFER_QUIET)
            return ids, rig.ready()
        finally:
            runner.cancel()

    ids, ready = asyncio.run(go())
    assert sorted(ready) == sorted(ids)


def test_an_already_stored_backfilled_event_is_not_thumbnailed_again(rig: Rig) -> None:
    event = _scene_only("dup", 1)

    async def go() -> list[Any]:
        runner = asyncio.ensure_future(rig.pipeline.thumbnails.run())
        try:
            first = await rig.pipeline.ingest(_delivery(event))
            await _until(lambda: first.event_ids[0] in rig.ready())
            again = await rig.pipeline.ingest(_delivery(event, low_priority=True))
            await asyncio.sleep(0.3)
            return [first, again]
        finally:
            runner.cancel()

    first, again = asyncio.run(go())
    assert again.stored[0].outcome == "duplicate"
    assert rig.ready() == [first.event_ids[0]]
    assert not rig.pipeline.thumbnails.deferred


def test_an_event_stored_as_the_thumbnailer_starts_gets_one_face_thumbnail(
    rig: Rig, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The start's look for events an earlier run left without a face thumbnail ran (on a
    loaded machine) after this run's first event was committed, before its thumbnail was:
    that event was made a second face thumbnail, announced twice."""
    made = threading.Event()
    real = thumbnails_module.face_thumbnail

    def slow_face_thumbnail(*args: Any) -> bytes | None:
        made.wait(10)  # still being made when the thumbnailer looks
        return real(*args)

    monkeypatch.setattr(thumbnails_module, "face_thumbnail", slow_face_thumbnail)
    event = _scene_only("start", 1)

    async def go() -> int:
        stored = await rig.pipeline.ingest(_delivery(event))
        runner = asyncio.ensure_future(rig.pipeline.thumbnails.run())
        try:
            await asyncio.sleep(1.0)  # the look at the start is done, its finds handled
            made.set()
            await _until(lambda: stored.event_ids[0] in rig.ready())
            await asyncio.sleep(0.3)
            return stored.event_ids[0]
        finally:
            runner.cancel()

    event_id = asyncio.run(go())
    assert rig.ready() == [event_id]
    assert rig.thumbs(event_id)[0]


def test_face_thumbnails_still_deferred_when_the_receiver_stopped_are_made_after_a_start(
    tmp_path: Path,
) -> None:
    store = Store(tmp_path)
    first = Rig(store)

    async def backfill_while_pushing() -> int:
        runner = asyncio.ensure_future(first.pipeline.thumbnails.run())
        try:
            with first.pipeline.receiving():  # boxes push until the receiver stops
                out = await first.pipeline.ingest(
                    _delivery(_scene_only("restart", 1), low_priority=True)
                )
                await asyncio.sleep(0.3)
            return out.event_ids[0]
        finally:
            runner.cancel()

    try:
        event_id = asyncio.run(backfill_while_pushing())
        assert first.ready() == [] and first.thumbs(event_id) == (False, set())
        first.pipeline.close()
        second = Rig(store)  # the receiver started again on the same database

        async def start() -> None:
            runner = asyncio.ensure_future(second.pipeline.thumbnails.run())
            try:
                await _until(lambda: second.ready() == [event_id])
            finally:
                runner.cancel()

        asyncio.run(start())
        assert second.ready() == [event_id] and second.thumbs(event_id)[0]
        second.pipeline.close()
    finally:
        store.close()


def test_while_boxes_push_a_backfill_is_paced_to_its_live_rate(tmp_path: Path) -> None:
    """However fast fetching and storing are, a backfill stores at most
    ``BACKFILL_RATE_WHILE_LIVE`` records a second per box while boxes push (it ran at ~47)."""
    from types import SimpleNamespace

    from gui.core.box import service as service_module

    class Pushing:
        async def live_quiet(self, _seconds: float) -> None:
            return None

        def live_recently(self, _seconds: float) -> bool:
            return True

        async def ingest(self, _delivery: Delivery) -> Any:
            return SimpleNamespace(ok=True, stored=[], reply={})

    pushing = Pushing()
    boxes = service_module.BoxService(tmp_path, lambda: pushing)  # type: ignore[arg-type, return-value]
    box = service_module.Box(id="b1", address="127.0.0.9")
    job = service_module.Job(id="j1", box_id="b1", since=0, until=1)
    chunk = [{"n": n} for n in range(service_module.DELIVERY_SIZE)]

    async def three_deliveries() -> float:
        began = time.monotonic()
        for _ in range(3):
            await boxes._deliver(box, chunk, service_module.CHANNEL_HISTORY, "src", job)
        return time.monotonic() - began

    took = asyncio.run(three_deliveries())
    # The first delivery starts the pace; the next two wait for their share of time.
    least = 2 * service_module.DELIVERY_SIZE / service_module.BACKFILL_RATE_WHILE_LIVE
    assert took >= least * 0.95, took


def test_a_backfills_records_become_events_off_the_loop(
    rig: Rig, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The base64 of a record's pictures and a V6 box's blank-photo check ran on the loop
    (py-spy: 10 % of the time the loop held the GIL during a backfill, while pushes waited);
    now where the delivery is prepared, and the blank photo is still left out and counted."""
    from gui.core import records as records_module
    from gui.core.box import client as client_module
    from gui.core.box import service as service_module
    from gui.core.box.emulator import BoxEmulator

    emulator = BoxEmulator("v6", "127.0.0.1", seed=1)  # never started: its records only
    ev = emulator.generate(1, t=time.time() - 60, sample="employee_match", push_realtime=False)[0]
    record = emulator.record(ev)
    assert record["register_image_id"], "a record naming a registered photo"
    pictures = {"spot_pic": ev.sample.spot, "recognize_face": ev.sample.face,
                "reg_pic": emulator.blank}  # fmt: skip
    ran_on: list[tuple[str, threading.Thread]] = []
    real_make, real_uniform = records_module.record_to_event, client_module.is_uniform

    def make(*a: Any, **kw: Any) -> Any:
        ran_on.append(("make", threading.current_thread()))
        return real_make(*a, **kw)

    def uniform(data: bytes) -> bool:
        ran_on.append(("blank check", threading.current_thread()))
        return real_uniform(data)

    monkeypatch.setattr(records_module, "record_to_event", make)
    monkeypatch.setattr(client_module, "is_uniform", uniform)
    boxes = service_module.BoxService(tmp_path / "boxes", lambda: rig.pipeline)
    box = service_module.Box(id="b1", address="127.0.0.9", family="v6")
    job = service_module.Job(id="j1", box_id="b1", since=0, until=1)
    fetched = service_module._Records([service_module._Fetched(record, pictures)])

    async def go() -> threading.Thread:
        with rig.pipeline.receiving():  # a box pushing: prepared on the niced thread
            pass
        await boxes._deliver(box, fetched, service_module.CHANNEL_HISTORY, "src", job)
        return threading.current_thread()

    loop_thread = asyncio.run(go())
    assert {what for what, _t in ran_on} == {"make", "blank check"}
    assert all(t is not loop_thread for _what, t in ran_on), ran_on
    assert (job.new, job.missing_pictures) == (1, 1)
    kinds = rig.store.reader().execute("SELECT kind FROM images").fetchall()
    assert {k for (k,) in kinds} == {"spot_pic", "recognize_face"}


def test_a_backfills_write_waits_for_a_push_that_came_in_while_it_was_prepared(
    rig: Rig,
) -> None:
    """Queued first, the backfill's transaction of photos would delay the push's reply."""
    order: list[str] = []

    async def go() -> None:
        async def push() -> None:
            with rig.pipeline.receiving():  # the push's body still arriving
                await asyncio.sleep(0.1)
                order.append("push written")

        pushing = asyncio.ensure_future(push())
        await asyncio.sleep(0.01)
        outcome = await rig.pipeline.ingest(
            _delivery(unique_event(load_sample("employee_match"), "gate", 1), low_priority=True)
        )
        assert outcome.ok
        order.append("backfill written")
        await pushing

    asyncio.run(go())
    assert order == ["push written", "backfill written"]


def test_while_a_backfill_runs_the_gil_is_handed_over_in_short_slices() -> None:
    """A nice value does not reach the GIL: the loop waited up to 5 ms for it at each wake-up."""
    before = sys.getswitchinterval()
    with lowprio.short_gil_slices():
        assert sys.getswitchinterval() <= lowprio.BACKGROUND_SWITCH_INTERVAL
        with lowprio.short_gil_slices():  # two backfills at once
            pass
        assert sys.getswitchinterval() <= lowprio.BACKGROUND_SWITCH_INTERVAL
    assert sys.getswitchinterval() == before
    # An interval already shorter (set by someone else) is left as it is.
    sys.setswitchinterval(0.0001)
    try:
        with lowprio.short_gil_slices():
            assert sys.getswitchinterval() == pytest.approx(0.0001)
        assert sys.getswitchinterval() == pytest.approx(0.0001)
    finally:
        sys.setswitchinterval(before)


def test_a_backfill_job_runs_with_short_gil_slices(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from gui.core.box import service as service_module

    seen: list[float] = []

    async def backfill(self: Any, job: Any, box: Any, client: Any) -> None:
        seen.append(sys.getswitchinterval())

    monkeypatch.setattr(service_module.BoxService, "_backfill", backfill)
    boxes = service_module.BoxService(tmp_path, lambda: None)
    boxes.boxes["b1"] = service_module.Box(id="b1", address="127.0.0.9", family="v5")
    job = service_module.Job(id="j1", box_id="b1", since=0, until=1)
    before = sys.getswitchinterval()
    asyncio.run(boxes._run_job(job))
    assert job.state == "done"
    assert seen and seen[0] <= lowprio.BACKGROUND_SWITCH_INTERVAL < before
    assert sys.getswitchinterval() == before


@pytest.mark.parametrize("family", ["v5", "v6"])
def test_a_backfills_pictures_are_downloaded_on_niced_threads_not_the_loop(
    family: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Downloaded on the loop, they were a fifth of the GIL time the loop held during a
    backfill (py-spy), between the steps of the pushes it answered."""
    import http.client

    from gui.core.box.client import BoxClient
    from gui.core.box.downloads import PictureDownloads
    from gui.core.box.emulator import BoxEmulator
    from tests.core.loopback import free_box_address

    fetched_on: list[tuple[str, int | None]] = []
    real_request = http.client.HTTPConnection.request

    def request(self: http.client.HTTPConnection, *a: Any, **kw: Any) -> None:
        fetched_on.append(
            (threading.current_thread().name.rsplit("_", 1)[0], lowprio.thread_nice())
        )
        real_request(self, *a, **kw)

    monkeypatch.setattr(http.client.HTTPConnection, "request", request)

    async def not_on_the_loop(self: Any, url: str) -> bytes:
        raise AssertionError(f"{url} downloaded on the loop")

    monkeypatch.setattr(BoxClient, "_bytes", not_on_the_loop)
    downloads = PictureDownloads()

    async def go() -> list[tuple[dict[str, bytes], Any]]:
        async with BoxEmulator(family, free_box_address(), seed=2) as box:
            made = box.generate(2, t=time.time() - 60, sample="employee_match",
                                push_realtime=False)  # fmt: skip
            async with BoxClient(box.address) as client:
                await client.describe()
                out = []
                for ev in made:
                    record = box.record(ev)
                    pics = await client.pictures(record, record["timestamp"], downloads=downloads)
                    out.append((pics, ev))
                # the box closes the kept-alive connection: the next download opens another
                downloads.release(box.address)
                pics = await client.pictures(box.record(made[0]), box.record(made[0])["timestamp"],
                                             downloads=downloads)  # fmt: skip
                out.append((pics, made[0]))
            return out

    try:
        got = asyncio.run(go())
    finally:
        downloads.close()
    for pics, ev in got:
        assert pics == {"spot_pic": ev.sample.spot, "recognize_face": ev.sample.face,
                        "reg_pic": ev.sample.reg}  # fmt: skip
    assert len(fetched_on) == 9
    if sys.platform.startswith("linux"):
        assert set(fetched_on) == {("gatewatch-pictures", lowprio.BACKGROUND_NICE)}


def test_a_box_that_stops_answering_a_download_is_a_box_error_the_backfill_resumes_from() -> None:
    """Unreachable and timeout are what ``_retrying`` resumes after (a dropped connection)."""
    import socket

    from gui.core.box.client import BoxError
    from gui.core.box.downloads import PictureDownloads
    from tests.core.loopback import free_box_address

    silent = socket.socket()
    silent.bind((free_box_address(), 0))
    silent.listen()
    host, port = silent.getsockname()
    closed = socket.socket()
    closed.bind((free_box_address(), 0))
    closed_host, closed_port = closed.getsockname()
    closed.close()  # nothing listens there
    downloads = PictureDownloads(timeout=0.3)

    async def go() -> list[Any]:
        return await downloads.fetch(
            [f"http://{host}:{port}/SophonFace/api/images/1",
             f"http://{closed_host}:{closed_port}/SophonFace/api/images/1"]
        )  # fmt: skip

    try:
        slow, refused = asyncio.run(go())
    finally:
        downloads.close()
        silent.close()
    assert isinstance(slow, BoxError) and slow.kind == "timeout"
    assert isinstance(refused, BoxError) and refused.kind == "unreachable"


def test_a_box_trickling_a_picture_does_not_hold_a_download_thread() -> None:
    """Each read within the timeout, the whole download over it: still a timeout."""
    import socket

    from gui.core.box.client import BoxError
    from gui.core.box.downloads import PictureDownloads
    from tests.core.loopback import free_box_address

    server = socket.socket()
    server.bind((free_box_address(), 0))
    server.listen()
    host, port = server.getsockname()
    stop = threading.Event()

    def trickle() -> None:
        conn, _ = server.accept()
        with conn:
            conn.recv(4096)
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: image/jpeg\r\n"
                         b"Content-Length: 100000\r\n\r\n\xff\xd8")  # fmt: skip
            while not stop.is_set():
                try:
                    conn.sendall(b"\0")
                except OSError:
                    return
                time.sleep(0.05)

    feeder = threading.Thread(target=trickle, daemon=True)
    feeder.start()
    downloads = PictureDownloads(timeout=0.5)
    started = time.monotonic()
    try:
        [answer] = asyncio.run(downloads.fetch([f"http://{host}:{port}/SophonFace/api/images/1"]))
    finally:
        stop.set()
        downloads.close()
        server.close()
        feeder.join(5)
    assert isinstance(answer, BoxError) and answer.kind == "timeout"
    assert time.monotonic() - started < 2.0
