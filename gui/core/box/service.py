"""Boxes Gatewatch knows by address: add, point at this PC, backfill, pull real-time.

One :class:`BoxService` per receiver, living on the core loop. Boxes are kept
in ``boxes.json`` in the data folder (passwords are not: ``credentials``).
Pulled events (backfill, WebSocket) go through the receiver's ingest pipeline
exactly like pushed ones, so the same event arriving both ways is one row.

Backfill and pulling run at low priority: a bounded number of picture fetches
per box, small deliveries, and a pause while pushed uploads are being handled,
so live ingest never waits behind a backfill. A backfill's pictures are
downloaded on low-OS-priority threads (``downloads``), its CPU work runs on the
pipeline's low-OS-priority thread and its thumbnails wait until the boxes stop
pushing (``thumbnails``); a record already stored with all its pictures (same
natural key, ±1 ms) is not downloaded again.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import itertools
import json
import logging
import os
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

from gui.core import devices, identity, ingest, lowprio, records
from gui.core.box.client import (
    BoxClient,
    BoxError,
    Camera,
    NotPresent,
    drop_blank,
    local_address_towards,
)
from gui.core.box.credentials import CredentialStore
from gui.core.box.downloads import PictureDownloads
from gui.core.messages import EventStored, HealthReportStored
from gui.core.model import EventSummary
from gui.core.pipeline import CHANNEL_HISTORY, CHANNEL_REALTIME, Delivery, IngestPipeline
from gui.core.protocol import natural_key

log = logging.getLogger(__name__)

FILE_NAME = "boxes.json"
PAGE_SIZE = 50
#: Records whose pictures are fetched at once, per box (each record: up to 3 pictures).
PICTURE_CONCURRENCY = 4
#: Records stored per delivery: small, so a pushed upload never waits long behind one.
DELIVERY_SIZE = 5
#: After each backfill delivery, pause this many times as long as it took (low
#: priority): more while boxes are pushing (a live delivery in the last
#: ``LIVE_RECENTLY`` seconds), so their replies stay as fast as without a backfill.
BACKFILL_YIELD = 0.25
BACKFILL_YIELD_LIVE = 1.0
LIVE_RECENTLY = 2.0
#: While boxes are pushing, a backfill stores at most this many records a second per
#: box (above the 10 a second it promises): with pauses alone it still ran at ~47 a
#: second per box, and its CPU (downloads, decoding, storing) came from the pushes.
BACKFILL_RATE_WHILE_LIVE = 12.0
#: How long a backfill waits for pushed uploads in flight before storing anyway.
YIELD_TO_LIVE_MAX = 0.5
#: A box that drops the connection is retried this many times (backoff 0.5 s .. 8 s).
RESUME_ATTEMPTS = 8
#: The gap starts this long before the box's last stored event (BOX_API.md §7).
GAP_MARGIN_MS = 5 * 60 * 1000
#: A backfill's default end reaches this far past this PC's clock (besides how far the
#: box's events show its clock runs ahead): a box cannot store an event later than its
#: own clock, so the extra window costs nothing, and a box whose clock runs ahead loses
#: none of its newest events.
CLOCK_AHEAD_ALLOWANCE_MS = 24 * 3600 * 1000
#: A box silent this long that reports again gets its gap filled.
SILENCE_MS = 2 * 60 * 1000
WS_BACKOFF_MAX = 30.0
#: Seconds a V6 WebSocket may stay silent while the box stores events before the
#: other subscribe message is tried.
WS_SILENT_CHECK = 30.0
#: Seconds between reachability checks of every box.
REACH_EVERY = 30.0
#: A camera list still initialising (V6 DEVICE_INIT_ERROR) is read again after these
#: pauses (seconds; the last one repeats) for up to ``CAMERAS_RETRY_FOR``.
CAMERAS_RETRY_DELAYS = (2.0, 4.0, 8.0, 15.0, 30.0)
CAMERAS_RETRY_FOR = 15 * 60.0
#: What the API and the Boxes section say while the camera list is not read yet.
CAMERAS_PENDING_TEXT = (
    "the box is still starting its camera list (DEVICE_INIT_ERROR); Gatewatch reads it"
    " again in a few seconds"
)


def now_ms() -> int:
    return time.time_ns() // 1_000_000


@dataclass
class Job:
    """A backfill of one box over ``[since, until]`` (ms)."""

    id: str
    box_id: str
    since: int
    until: int
    auto: bool = False
    state: str = "running"  # running | done | failed | cancelled
    done: int = 0
    total: int = 0
    new: int = 0
    duplicates: int = 0
    missing_pictures: int = 0
    #: Records already stored with every picture they name: not downloaded again.
    fetches_skipped: int = 0
    message: str = ""
    started: int = field(default_factory=now_ms)
    finished: int | None = None
    task: asyncio.Task[Any] | None = field(default=None, repr=False)
    #: When its current fetch-and-store cycle began (monotonic): the pace while boxes push.
    cycle_began: float | None = field(default=None, repr=False)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "box": self.box_id, "since": self.since, "until": self.until,
            "auto": self.auto, "state": self.state, "done": self.done, "total": self.total,
            "new": self.new, "duplicates": self.duplicates,
            "missing_pictures": self.missing_pictures,
            "fetches_skipped": self.fetches_skipped, "message": self.message,
            "started": self.started, "finished": self.finished,
        }  # fmt: skip


@dataclass
class Box:
    """What Gatewatch keeps about one box (no password)."""

    id: str
    address: str
    username: str = "admin"
    ports: dict[str, int] = field(default_factory=dict)
    family: str = ""
    firmware: str = ""
    serial: str = ""
    licence: str = ""
    mac: str = ""
    cameras: list[dict[str, Any]] = field(default_factory=list)
    push: dict[str, list[str]] = field(default_factory=dict)
    push_before: dict[str, list[str]] | None = None
    receiver: str = ""
    pointed_at: int | None = None
    connected_at: int | None = None
    last_event_at: int | None = None
    last_report_at: int | None = None
    pull_realtime: bool = False
    #: Camera uuid -> push ep_id, learnt from records and stored pushes (V2–V5).
    ep_ids: dict[str, str] = field(default_factory=dict)
    added_at: int = field(default_factory=now_ms)
    #: The device registry's key of this box (``/api/devices``), once linked.
    device: str = ""
    #: The box's configured match threshold and its scale ("0-100"), when readable.
    threshold: float | None = None
    score_scale: str | None = None

    STORED = (
        "id", "address", "username", "ports", "family", "firmware", "serial", "licence", "mac",
        "cameras", "push", "push_before", "receiver", "pointed_at", "connected_at",
        "last_event_at", "last_report_at", "pull_realtime", "ep_ids", "added_at", "device",
        "threshold", "score_scale",
    )  # fmt: skip

    def to_stored(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.STORED}

    @classmethod
    def from_stored(cls, data: dict[str, Any]) -> Box:
        return cls(**{k: data[k] for k in cls.STORED if k in data})

    def camera_ep_ids(self) -> dict[str, str]:
        """V2–V5: camera uuid -> the ``ep_id`` its pushes carry (``0x<MAC>__<ip or URL>``)."""
        derived = {
            c["id"]: f"0x{self.mac}__{c['key']}"
            for c in self.cameras
            if self.mac and c.get("id") and c.get("key")
        }
        return {**derived, **self.ep_ids}


@dataclass
class PullState:
    state: str = "stopped"  # connecting | subscribed | retrying | stopped
    since: int | None = None
    events: int = 0
    error: str = ""
    task: asyncio.Task[Any] | None = field(default=None, repr=False)
    dropped_at: int | None = None
    #: Which subscribe message the box gets: its family's ("v6"/"v5"), or for a V6 box
    #: that stays silent with it, the V5 one its platform chapter documents.
    style: str = ""
    last_message_at: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {"state": self.state, "since": self.since, "events": self.events,
                "error": self.error, "subscribe": self.style}  # fmt: skip


class BoxService:
    """The boxes of one receiver; every method runs on the core loop."""

    def __init__(
        self,
        data_dir: Path | str,
        pipeline: Callable[[], IngestPipeline | None],
        *,
        store_read: Callable[[Callable[[Any], Any]], Awaitable[Any]] | None = None,
        store_write: Callable[[Callable[[Any], Any]], Awaitable[Any]] | None = None,
        receiver_url: Callable[[str], str] | None = None,
        gap_fill: Callable[[], bool] = lambda: True,
        credentials: CredentialStore | None = None,
    ) -> None:
        self.data_dir = Path(data_dir)
        self.path = self.data_dir / FILE_NAME
        self._pipeline = pipeline
        self._store_read = store_read
        self._store_write = store_write
        self._receiver_url = receiver_url or (lambda address: "")
        self.gap_fill_enabled = gap_fill
        self.credentials = credentials or CredentialStore(self.data_dir)
        self.boxes: dict[str, Box] = {}
        self.jobs: dict[str, Job] = {}
        self.pulls: dict[str, PullState] = {}
        #: box id -> what the automatic gap fill did last: a stable ``code`` (silence,
        #: no_events, filling, filled, failed), its numbers, and English ``text``.
        self.gap_notes: dict[str, dict[str, Any]] = {}
        #: box id -> (reachable, when checked in ms, what was seen)
        self.reachability: dict[str, tuple[bool, int, str]] = {}
        #: Boxes whose camera list was still initialising when last read (retried).
        self.cameras_pending: set[str] = set()
        #: A backfill's pictures are downloaded on niced threads, not on the loop.
        self.downloads = PictureDownloads()
        self._camera_retries: set[str] = set()
        self._job_ids = itertools.count(1)
        self._tasks: set[asyncio.Task[Any]] = set()
        self._load()

    # ------------------------------------------------------------------ persistence

    def _load(self) -> None:
        try:
            data = json.loads(self.path.read_text("utf-8"))
        except (OSError, ValueError):
            return
        for item in data.get("boxes", []) if isinstance(data, dict) else []:
            with contextlib.suppress(TypeError, KeyError):
                box = Box.from_stored(item)
                self.boxes[box.id] = box

    def _save(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        payload = {"boxes": [b.to_stored() for b in self.boxes.values()]}
        tmp.write_text(json.dumps(payload, ensure_ascii=False, indent=1), "utf-8")
        os.replace(tmp, self.path)

    # ------------------------------------------------------------------ views

    def public(self, box: Box) -> dict[str, Any]:
        """A box as the API and the window show it: never its password."""
        running = self.running_job(box.id)
        last_job = max(
            (j for j in self.jobs.values() if j.box_id == box.id), key=lambda j: j.started,
            default=None,
        )  # fmt: skip
        shown = running or last_job
        pull = self.pulls.get(box.id)
        ours = box.receiver.rstrip("/")
        pointed = bool(ours) and any(u.startswith(ours + "/") for u in box.push.get("history", []))
        return {
            "id": box.id, "address": box.address, "username": box.username,
            "family": box.family, "firmware": box.firmware, "serial": box.serial,
            "licence": box.licence, "mac": box.mac, "push": box.push, "device": box.device,
            "cameras": box.cameras, "receiver": box.receiver or None,
            "cameras_pending": box.id in self.cameras_pending,
            "cameras_message": CAMERAS_PENDING_TEXT if box.id in self.cameras_pending else "",
            "state": {
                "pointed": pointed, "pointed_at": box.pointed_at,
                "connected": box.connected_at is not None, "connected_at": box.connected_at,
                "last_event_at": box.last_event_at, "last_report_at": box.last_report_at,
                "pulling": pull.to_json() if pull is not None else {"state": "stopped"},
                "gap": self.gap_notes.get(box.id, {}).get("text", ""),
                "gap_fill": self.gap_notes.get(box.id),
                "reachable": self.reachability.get(box.id, (None, None, ""))[0],
                "checked_at": self.reachability.get(box.id, (None, None, ""))[1],
                "reach_message": self.reachability.get(box.id, (None, None, ""))[2],
            },
            "pull_realtime": box.pull_realtime,
            "job": shown.to_json() if shown is not None else None,
            "restore_available": box.push_before is not None,
        }  # fmt: skip

    def list_boxes(self) -> list[dict[str, Any]]:
        return [self.public(b) for b in sorted(self.boxes.values(), key=lambda b: b.added_at)]

    def get(self, box_id: str) -> Box | None:
        return self.boxes.get(box_id)

    def running_job(self, box_id: str) -> Job | None:
        return next(
            (j for j in self.jobs.values() if j.box_id == box_id and j.state == "running"), None
        )

    def client(self, box: Box) -> BoxClient:
        creds = self.credentials.get(box.id) or (box.username, "admin")
        return BoxClient(box.address, creds[0], creds[1], ports=box.ports or None,
                         family=box.family or None)  # fmt: skip

    # ------------------------------------------------------------------ add / remove

    async def add(
        self, address: str, username: str = "admin", password: str = "admin",
        *, ports: dict[str, int] | None = None,
    ) -> Box:  # fmt: skip
        """Probe, log in, read identity, URLs and cameras; raises BoxError."""
        address = address.strip()
        async with BoxClient(address, username, password, ports=ports) as client:
            info = await client.describe()
        existing = next(
            (b for b in self.boxes.values()
             if b.address == address or (info.serial and b.serial == info.serial)),
            None,
        )  # fmt: skip
        box = existing or Box(id=uuid.uuid4().hex[:12], address=address)
        box.address, box.username, box.ports = address, username, dict(ports or {})
        box.family, box.firmware = info.family, info.firmware
        box.serial, box.licence, box.mac = info.serial, info.licence, info.mac
        box.cameras = [c.to_json() for c in info.cameras]
        box.push = info.push
        box.threshold, box.score_scale = info.threshold, info.score_scale
        self.credentials.set(box.id, username, password)
        self.boxes[box.id] = box
        self.reachability[box.id] = (True, now_ms(), "")
        await self._register_identity(box)
        await self._learn_ep_ids(box)
        self._save()
        self._cameras_read(box, pending=info.cameras_pending)
        return box

    def _cameras_read(self, box: Box, *, pending: bool) -> None:
        """Note whether the camera list was still initialising; if so, read it again later."""
        if not pending:
            self.cameras_pending.discard(box.id)
            return
        self.cameras_pending.add(box.id)
        if box.id not in self._camera_retries:
            self._camera_retries.add(box.id)
            self._spawn(self._fetch_cameras_later(box.id))

    async def _fetch_cameras_later(self, box_id: str) -> None:
        """Read a camera list that was still initialising until the box has one ready.

        Gives up after ``CAMERAS_RETRY_FOR``, the box still marked pending (a refresh
        tries again).
        """
        try:
            await self._retry_cameras(box_id)
        finally:
            self._camera_retries.discard(box_id)

    async def _retry_cameras(self, box_id: str) -> None:
        started = time.monotonic()
        delays = iter(CAMERAS_RETRY_DELAYS)
        delay = CAMERAS_RETRY_DELAYS[0]
        while box_id in self.cameras_pending and time.monotonic() - started < CAMERAS_RETRY_FOR:
            delay = next(delays, delay)
            await asyncio.sleep(delay)
            box = self.boxes.get(box_id)
            if box is None:
                break
            try:
                async with self.client(box) as client:
                    await client.login()
                    cameras = await client.cameras()
                    if client.cameras_pending:
                        continue
            except BoxError as exc:
                log.info("camera list of %s: %s", box.address, exc.message)
                continue
            box.cameras = [c.to_json() for c in cameras]
            self.cameras_pending.discard(box_id)
            await self._learn_ep_ids(box)
            self._save()
            return

    async def _register_identity(self, box: Box) -> None:
        """One device: the box's names (licence, SN, MAC, address) joined in the registry.

        Its pushes name it by licence code, its reports by SN and MAC, keyless
        real-time pushes by address: linked here, the Devices page shows one box.
        """
        if self._store_write is None:
            return
        names = [("licence", box.licence), ("sn", box.serial), ("mac", box.mac)]
        address, at = box.address, now_ms()

        threshold, scale = box.threshold, box.score_scale

        def job(conn: Any) -> str | None:
            sn = identity.resolve(conn, names, address, at)
            if sn is not None and (threshold is not None or scale is not None):
                # The box's own threshold: scores are compared with it, not with a guess.
                devices.set_score_config(conn, sn, scale=scale, threshold=threshold)
            return sn

        try:
            box.device = await self._store_write(job) or ""
        except Exception as exc:  # the registry is a view: adding the box still counts
            log.warning("could not register box %s in the device registry: %s", address, exc)

    async def remove(self, box_id: str, *, restore: bool = False) -> dict[str, Any]:
        box = self.boxes[box_id]
        restored = None
        if restore and box.push_before is not None:
            async with self.client(box) as client:
                restored = await client.restore_push_urls(box.push_before)
        await self.set_pull(box_id, False, save=False)
        job = self.running_job(box_id)
        if job is not None:
            self.cancel(job.id)
        del self.boxes[box_id]
        self.credentials.delete(box_id)
        self._save()
        return {"removed": box_id, "restored": restored}

    async def refresh(self, box: Box) -> None:
        """Re-read URLs and cameras (the box may have been changed from its web page)."""
        async with self.client(box) as client:
            await client.login()
            box.push = await client.push_urls()
            cameras = await client.cameras()
            if cameras or not client.cameras_pending:
                box.cameras = [c.to_json() for c in cameras]
            pending = client.cameras_pending
        self._save()
        self._cameras_read(box, pending=pending)

    # ------------------------------------------------------------------ pointing

    def default_receiver(self, box: Box) -> str:
        return self._receiver_url(box.address)

    async def point(
        self, box_id: str, receiver: str | None = None, *, keep_others: bool = True
    ) -> dict[str, list[str]]:
        box = self.boxes[box_id]
        target = (receiver or self.default_receiver(box)).rstrip("/")
        if not target:
            raise BoxError("box", "this receiver is not listening: no URL to give the box")
        async with self.client(box) as client:
            await client.login()
            before = await client.push_urls()
            after = await client.set_push_urls(target, keep_others=keep_others)
        if box.push_before is None:
            box.push_before = before
        box.push = after
        box.receiver = target
        box.pointed_at = now_ms()
        box.connected_at = None
        self._save()
        return after

    # ------------------------------------------------------------------ what arrives

    def resolve(self, delivery: Delivery, prepared: ingest.Prepared) -> None:
        """Pipeline resolver: name the camera of a V2–V5 event that came without ``ep_id``.

        A real-time POST knows its camera only by IP, a WebSocket event only by
        ``device_id``; the history upload names it by ``ep_id``. With the box's
        camera list the three get one natural key. The raw JSON stays as received.
        """
        box = self.box_for(delivery.source_ip)
        if box is None or box.family != "v5" or not prepared.events:
            return
        by_device = box.camera_ep_ids()
        by_ip: dict[str, str | None] = {}
        for cam in box.cameras:
            ep = by_device.get(cam.get("id") or "")
            ip = cam.get("ip") or ""
            if ep and ip:
                by_ip[ip] = None if ip in by_ip and by_ip[ip] != ep else ep
        for p in prepared.events:
            ev = p.event
            if ev.ep_info.get("ep_id"):
                continue
            ep_id = by_device.get(str(ev.ep_info.get("device_id") or "")) or by_ip.get(
                str(ev.ep_info.get("ep_ip") or "").strip()
            )
            if not ep_id:
                continue
            ep_info = {**ev.ep_info, "ep_id": ep_id}
            dev_sno = ev.dev_sno or box.licence or None
            key = natural_key(
                ep_id=ep_id, device_id=ep_info.get("device_id"), dev_sno=dev_sno,
                identity_id=ev.identity_id, timestamp=ev.timestamp, raw=ev.raw,
            )  # fmt: skip
            p.event = dataclasses.replace(ev, ep_info=ep_info, dev_sno=dev_sno, natural_key=key)

    def box_for(self, source_ip: str, dev_sno: str | None = None) -> Box | None:
        for box in self.boxes.values():
            if box.address == source_ip:
                return box
        if dev_sno:
            for box in self.boxes.values():
                if dev_sno in (box.licence, box.serial):
                    return box
        return None

    def on_message(self, item: object) -> None:
        """Receiver listener: "connected" after pointing, and gap fill after a silence."""
        if isinstance(item, EventStored):
            item = item.summary
        if isinstance(item, EventSummary):
            box = self.box_for(item.source_ip, item.dev_sno)
            if box is None or item.self_test:
                return
            self._heard(box, item.received_at, event=True)
        elif isinstance(item, HealthReportStored):
            report = item.report if isinstance(item.report, dict) else {}
            box = self.box_for(item.source_ip, str(report.get("gateway_sn") or "") or None)
            if box is not None:
                self._heard(box, item.received_at, event=False)

    def _heard(self, box: Box, at: int, *, event: bool) -> None:
        last = max(box.last_event_at or 0, box.last_report_at or 0)
        if event:
            box.last_event_at = at
        else:
            box.last_report_at = at
        changed = False
        if box.pointed_at is not None and box.connected_at is None:
            box.connected_at = at
            changed = True
        if last and at - last > SILENCE_MS and self.gap_fill_enabled():
            self._note(box.id, "silence", "reporting again after a silence: filling the gap")
            self._spawn(self.fill_gap(box.id))
        if changed or not last:
            self._save()

    # ------------------------------------------------------------------ backfill

    def start_backfill(self, box_id: str, since: int, until: int, *, auto: bool = False) -> Job:
        """A running job for this box is returned as it is (one backfill per box at a time)."""
        running = self.running_job(box_id)
        if running is not None:
            return running
        job = Job(id=f"j{next(self._job_ids)}-{uuid.uuid4().hex[:6]}", box_id=box_id,
                  since=since, until=until, auto=auto)  # fmt: skip
        self.jobs[job.id] = job
        job.task = asyncio.get_running_loop().create_task(self._run_job(job))
        return job

    def cancel(self, job_id: str) -> Job | None:
        job = self.jobs.get(job_id)
        if job is not None and job.state == "running" and job.task is not None:
            job.task.cancel()
            job.state = "cancelled"
            job.message = f"cancelled after {job.done} of {job.total}"
            job.finished = now_ms()
        return job

    def _note(self, box_id: str, code: str, text: str, **numbers: Any) -> None:
        self.gap_notes[box_id] = {"code": code, "text": text, "at": now_ms(), **numbers}

    async def last_stored_event(self, box: Box) -> int | None:
        if self._store_read is None:
            return None

        def query(conn: Any) -> int | None:
            row = conn.execute(
                "SELECT max(timestamp) FROM events WHERE self_test = 0 AND "
                "(source_ip = ? OR (dev_sno IS NOT NULL AND dev_sno != '' AND dev_sno IN (?, ?)))",
                (box.address, box.licence or "\x00", box.serial or "\x00"),
            ).fetchone()
            return row[0] if row and row[0] is not None else None

        return await self._store_read(query)

    async def clock_ahead_ms(self, box: Box) -> int:
        """How far the box's clock runs ahead of this PC's (0 when behind or unknown).

        Its latest events' time minus their arrival time: a real-time push arrives
        within a second, so the largest difference is the clock offset.
        """
        if self._store_read is None:
            return 0

        def query(conn: Any) -> int:
            row = conn.execute(
                "SELECT max(timestamp - received_at) FROM (SELECT timestamp, received_at"
                " FROM events WHERE self_test = 0 AND timestamp IS NOT NULL AND (source_ip = ?"
                " OR (dev_sno IS NOT NULL AND dev_sno != '' AND dev_sno IN (?, ?)))"
                " ORDER BY id DESC LIMIT 50) recent",
                (box.address, box.licence or "\x00", box.serial or "\x00"),
            ).fetchone()
            return max(0, int(row[0])) if row and row[0] is not None else 0

        return int(await self._store_read(query))

    async def default_until(self, box: Box) -> int:
        """The end of a backfill nobody gave one: past this PC's clock and the box's."""
        return now_ms() + await self.clock_ahead_ms(box) + CLOCK_AHEAD_ALLOWANCE_MS

    async def fill_gap(self, box_id: str) -> Job | None:
        """Backfill from the box's last stored event (minus a margin) to now."""
        box = self.boxes.get(box_id)
        if box is None or self.running_job(box_id) is not None:
            return None
        last = await self.last_stored_event(box)
        if last is None:
            self._note(box_id, "no_events", "no event stored yet: nothing to measure a gap from")
            return None
        since, until = last - GAP_MARGIN_MS, await self.default_until(box)
        minutes = max(0, (now_ms() - last) // 60000)
        self._note(box_id, "filling",
                   f"filling the gap since the last stored event ({minutes} min)",
                   minutes=minutes)  # fmt: skip
        return self.start_backfill(box_id, since, until, auto=True)

    async def fill_all_gaps(self) -> None:
        """On start: every known box's gap since its last stored event."""
        if not self.gap_fill_enabled():
            return
        for box_id in list(self.boxes):
            with contextlib.suppress(Exception):
                await self.fill_gap(box_id)

    async def _retrying(self, job: Job, what: str, call: Callable[[], Awaitable[Any]]) -> Any:
        """Resume after the box drops the connection: retry with backoff, then give up."""
        delay = 0.5
        for attempt in range(1, RESUME_ATTEMPTS + 1):
            try:
                return await call()
            except BoxError as exc:
                if exc.kind not in ("unreachable", "timeout") or attempt == RESUME_ATTEMPTS:
                    raise
                job.message = f"{what}: {exc.message}; resuming (attempt {attempt + 1})"
                await asyncio.sleep(delay)
                delay = min(delay * 2, 8.0)
        raise AssertionError("unreachable")

    async def _run_job(self, job: Job) -> None:
        box = self.boxes.get(job.box_id)
        if box is None:
            job.state, job.message, job.finished = "failed", "box removed", now_ms()
            return
        try:
            # The backfill's Python work (its own, the writer's, the niced thread's)
            # lets the loop take the GIL back within a short slice: pushes first.
            with lowprio.short_gil_slices():
                async with self.client(box) as client:
                    await self._backfill(job, box, client)
            job.state = "done"
            job.message = f"{job.new} new, {job.duplicates} already stored" + (
                f", {job.missing_pictures} pictures unavailable" if job.missing_pictures else ""
            )
            if job.auto:
                self._note(box.id, "filled", f"gap filled: {job.new} new event(s)", new=job.new)
        except asyncio.CancelledError:
            job.state = "cancelled"
            job.message = job.message if job.message.startswith("cancelled") else (
                f"cancelled after {job.done} of {job.total}"
            )  # fmt: skip
        except BoxError as exc:
            job.state, job.message = "failed", exc.message
            if job.auto:
                self._note(box.id, "failed", f"gap fill failed: {exc.message}",
                           error=exc.message)  # fmt: skip
        except Exception as exc:
            log.exception("backfill of %s failed", box.address)
            job.state, job.message = "failed", f"internal error: {exc}"
        finally:
            job.finished = job.finished or now_ms()
            if not any(j.state == "running" and j.box_id == box.id for j in self.jobs.values()):
                self.downloads.release(box.address)

    async def _backfill(self, job: Job, box: Box, client: BoxClient) -> None:
        await self._retrying(job, "logging in", client.login)
        unit = await self._retrying(job, "reading the store", client.detect_window_unit)
        since_s, until_s = job.since / 1000, job.until / 1000
        source = (
            client.url("face", "/sophon/v2/face/getevents") if box.family == "v6"
            else client.url("face", "/SophonFace/api/events")
        )  # fmt: skip
        page = 0
        seen: set[str] = set()
        fetch_limit = asyncio.Semaphore(PICTURE_CONCURRENCY)
        while True:

            def read_page(p: int = page) -> Awaitable[tuple[list[dict[str, Any]], int]]:
                return client.events_page(since_s, until_s, p, PAGE_SIZE, unit=unit)

            records_page, total = await self._retrying(job, f"reading page {page + 1}", read_page)
            job.total = max(job.total, total)
            fresh = [r for r in records_page if _record_id(r) not in seen]
            seen.update(_record_id(r) for r in fresh)
            for start in range(0, len(fresh), DELIVERY_SIZE):
                chunk = fresh[start : start + DELIVERY_SIZE]
                stored_kinds = await self.stored_picture_kinds(box, chunk)

                async def fetch(record: dict[str, Any], have: set[str] | None) -> _Fetched:
                    self._learn_camera(box, record)
                    if have is not None and _picture_kinds(record) <= have:
                        # Stored with all its pictures (pushed, or backfilled before):
                        # fetching them again would change nothing. The record still
                        # goes through the pipeline for any field the stored copy lacks.
                        job.fetches_skipped += 1
                        return _Fetched(record, {}, count_missing=False)
                    async with fetch_limit:
                        await self._yield_to_live()
                        pics = await self._retrying(
                            job, "fetching pictures",
                            lambda: client.pictures(record, record.get("timestamp"),
                                                    keep_blank=True, downloads=self.downloads),
                        )  # fmt: skip
                    return _Fetched(record, pics)

                fetched = await asyncio.gather(
                    *(fetch(r, k) for r, k in zip(chunk, stored_kinds, strict=True))
                )
                await self._deliver(box, _Records(fetched), CHANNEL_HISTORY, source, job)
                job.done += len(chunk)
            page += 1
            if not records_page or page * PAGE_SIZE >= total:
                break
        job.total = max(job.total, job.done)

    @staticmethod
    def _learn_camera(box: Box, record: dict[str, Any]) -> None:
        """A V5 record names its camera both ways (uuid and push ep_id): remember the pair."""
        ep = ((record.get("common") or {}).get("ep_info")) or {}
        if ep.get("device_id") and ep.get("ep_id"):
            box.ep_ids[str(ep["device_id"])] = str(ep["ep_id"])

    async def stored_picture_kinds(
        self, box: Box, chunk: list[dict[str, Any]]
    ) -> list[set[str] | None]:
        """Per record: the picture kinds of its stored copy, None when it is not stored.

        The record's natural key is made exactly as storing it would (normalised,
        the box's camera names resolved), and matched with ±1 ms: a record's float
        seconds can land 1 ms from the push's milliseconds (``event_rows``).
        """
        pipeline = self._pipeline()
        if self._store_read is None or pipeline is None or not chunk:
            return [None] * len(chunk)
        received = now_ms()

        def prepare() -> list[ingest.Prepared | None]:
            out: list[ingest.Prepared | None] = []
            for record in chunk:
                try:
                    out.append(ingest.prepare(
                        ingest.ParsedBody.of(records.record_to_event(record, {}), "json"),
                        path=CHANNEL_HISTORY, received_at=received,
                    ))  # fmt: skip
                except (ingest.BadBody, ValueError):
                    out.append(None)
            return out

        loop = asyncio.get_running_loop()
        try:
            preparedlist = await loop.run_in_executor(pipeline.background_pool(), prepare)
        except RuntimeError:  # the pool is shut down: stopping
            return [None] * len(chunk)
        delivery = Delivery(path=CHANNEL_HISTORY, source_ip=box.address, received_at=received)
        keys: list[list[str]] = []
        for prepared in preparedlist:
            if prepared is None or not prepared.events:
                keys.append([])
                continue
            self.resolve(delivery, prepared)
            keys.append(_keys_within_1ms(prepared.events[0].event))

        def query(conn: Any) -> list[set[str] | None]:
            wanted = sorted({k for ks in keys for k in ks})
            if not wanted:
                return [None] * len(chunk)
            marks = ",".join("?" * len(wanted))
            found = dict(conn.execute(
                f"SELECT natural_key, id FROM events WHERE natural_key IN ({marks})", wanted
            ).fetchall())  # fmt: skip
            kinds: dict[int, set[str]] = {}
            if found:
                ids = sorted(set(found.values()))
                for event_id, kind in conn.execute(
                    f"SELECT event_id, kind FROM images WHERE event_id IN "
                    f"({','.join('?' * len(ids))})", ids,
                ).fetchall():  # fmt: skip
                    kinds.setdefault(event_id, set()).add(kind)
            out: list[set[str] | None] = []
            for ks in keys:
                hit = next((found[k] for k in ks if k in found), None)
                out.append(None if hit is None else kinds.get(hit, set()))
            return out

        try:
            return list(await self._store_read(query))
        except Exception:  # cannot tell: fetch the pictures as if nothing were stored
            log.debug("checking stored records failed", exc_info=True)
            return [None] * len(chunk)

    async def _yield_to_live(self) -> None:
        """Before fetching a record's pictures: let pushed uploads in flight finish first."""
        pipeline = self._pipeline()
        if pipeline is not None:
            await pipeline.live_quiet(YIELD_TO_LIVE_MAX)

    async def _deliver(
        self,
        box: Box,
        events: list[dict[str, Any]] | _Records,
        channel: str,
        source: str,
        job: Job | None,
    ) -> None:
        """Store ``events`` (a backfill's ``_Records`` become events where they are prepared)."""
        pipeline = self._pipeline()
        if pipeline is None:
            raise BoxError("box", "the receiver is stopping")
        if job is not None:
            await pipeline.live_quiet(YIELD_TO_LIVE_MAX)  # pushed uploads first
        started = time.monotonic()
        outcome = await pipeline.ingest(Delivery(
            path=channel, source_ip=box.address, received_at=now_ms(),
            parsed=ingest.ParsedBody(events, "json") if isinstance(events, list) else None,
            build=events.parsed if isinstance(events, _Records) else None,
            recorded_path=source, approximate_time=channel == CHANNEL_HISTORY,
            prepare_off_loop=True, low_priority=job is not None,
        ))  # fmt: skip
        if job is not None and isinstance(events, _Records):
            job.missing_pictures += events.missing
        if job is not None:
            # A backfill takes at most about half of the receiver: as long again as
            # this delivery took, the loop and the writer are left to the pushes.
            live = pipeline.live_recently(LIVE_RECENTLY)
            factor = BACKFILL_YIELD_LIVE if live else BACKFILL_YIELD
            now = time.monotonic()
            wait = min(now - started, 1.0) * factor
            if live and job.cycle_began is not None:  # fetch + store + pause, paced
                wait = max(wait, len(events) / BACKFILL_RATE_WHILE_LIVE - (now - job.cycle_began))
            await asyncio.sleep(wait)
            job.cycle_began = time.monotonic()
        if not outcome.ok:
            raise BoxError("box", f"storing failed: {outcome.reply.get('message')}")
        if job is not None:
            for s in outcome.stored:
                if s.outcome == "new":
                    job.new += 1
                else:
                    job.duplicates += 1

    async def _learn_ep_ids(self, box: Box) -> None:
        """V2–V5: camera uuid -> push ep_id, from pushes already stored (they carry both)."""
        if self._store_read is None or box.family != "v5":
            return

        def query(conn: Any) -> list[tuple[str, str]]:
            return conn.execute(
                "SELECT DISTINCT device_id, ep_id FROM events WHERE source_ip = ? "
                "AND device_id IS NOT NULL AND device_id != '' AND ep_id IS NOT NULL "
                "AND ep_id != '' AND ep_id != device_id LIMIT 200",
                (box.address,),
            ).fetchall()

        with contextlib.suppress(Exception):
            for device_id, ep_id in await self._store_read(query):
                box.ep_ids.setdefault(device_id, ep_id)

    # ------------------------------------------------------------------ real-time pull

    async def set_pull(self, box_id: str, on: bool, *, save: bool = True) -> None:
        box = self.boxes[box_id]
        box.pull_realtime = on
        state = self.pulls.get(box_id)
        if on and (state is None or state.task is None or state.task.done()):
            state = PullState(state="connecting", since=now_ms())
            self.pulls[box_id] = state
            state.task = asyncio.get_running_loop().create_task(self._pull(box, state))
        elif not on and state is not None:
            if state.task is not None:
                state.task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await state.task
            state.state, state.task = "stopped", None
        if save:
            self._save()

    def subscribe_message(self, box: Box, style: str = "") -> dict[str, Any]:
        ids = [c["id"] for c in box.cameras if c.get("id")]
        if (style or box.family) == "v6":
            return {"with_face_image": True, "with_register_image": True, "media_device_ids": ids}
        return {"need_face": True, "need_register": True, "event_list": ids}

    async def _pull(self, box: Box, state: PullState) -> None:
        """Connect, subscribe, store each event; reconnect with backoff; fill the outage."""
        delay = 1.0
        client = self.client(box)
        try:
            while True:
                try:
                    state.state = "connecting"
                    await client.login()
                    cameras = await client.cameras()
                    if cameras:
                        box.cameras = [c.to_json() for c in cameras]
                    await self._learn_ep_ids(box)
                    state.style = state.style or box.family
                    async with client.session().ws_connect(
                        client.ws_url, heartbeat=30, timeout=aiohttp.ClientWSTimeout(ws_close=5),
                    ) as ws:  # fmt: skip
                        await ws.send_str(json.dumps(self.subscribe_message(box, state.style)))
                        state.state, state.error = "subscribed", ""
                        if box.family == "v6":
                            self._spawn(self._watch_silence(box, state, client, ws, now_ms()))
                        reconnected_after = state.dropped_at
                        state.dropped_at = None
                        delay = 1.0
                        if reconnected_after is not None and self.gap_fill_enabled():
                            # no replay after a reconnect: what the box saw meanwhile
                            self.start_backfill(box.id, reconnected_after - 60_000, now_ms(),
                                                auto=True)  # fmt: skip
                        async for msg in ws:
                            if msg.type in (aiohttp.WSMsgType.TEXT, aiohttp.WSMsgType.BINARY):
                                await self._pulled(box, state, msg.data, client.ws_url)
                            elif msg.type == aiohttp.WSMsgType.ERROR:
                                break
                    state.error = "the box closed the connection"
                except (TimeoutError, BoxError, aiohttp.ClientError, OSError) as exc:
                    state.error = getattr(exc, "message", None) or str(exc) or type(exc).__name__
                state.state = "retrying"
                state.dropped_at = state.dropped_at or now_ms()
                await asyncio.sleep(delay)
                delay = min(delay * 2, WS_BACKOFF_MAX)
        finally:
            await client.close()

    async def _watch_silence(
        self, box: Box, state: PullState, client: BoxClient, ws: Any, subscribed_at: int
    ) -> None:
        """V6: nothing arrives, yet the store has new events -> the other subscribe message.

        The V6 docs give two subscribe messages (BOX_API.md §6.6): send the V6 one,
        and if the box stays silent while ``getevents`` shows new records, reconnect
        with the V5 one (and back, should that stay silent too).
        """
        try:
            unit = await client.detect_window_unit()
            while not ws.closed:
                await asyncio.sleep(WS_SILENT_CHECK)
                if state.last_message_at is not None and state.last_message_at >= subscribed_at:
                    return  # the box speaks: this message was the right one
                _records, total = await client.events_page(
                    subscribed_at / 1000, time.time(), 0, 1, unit=unit
                )
                if total:
                    state.style = "v5" if state.style == "v6" else "v6"
                    state.error = "no events with this subscribe message: trying the other one"
                    await ws.close()
                    return
        except (BoxError, NotPresent, aiohttp.ClientError, OSError, TimeoutError):
            return

    async def _pulled(self, box: Box, state: PullState, data: Any, url: str) -> None:
        text = data if isinstance(data, str) else bytes(data).decode("utf-8", "replace")
        try:
            message = json.loads(text)
        except ValueError:
            log.debug("box %s sent a non-JSON WebSocket frame", box.address)
            return
        if not isinstance(message, dict):
            return
        state.last_message_at = now_ms()
        # As received: the normaliser reads both families' WebSocket events; a V2–V5
        # one names its camera by device_id only, and the resolver adds the ep_id.
        try:
            await self._deliver(box, [message], CHANNEL_REALTIME, url, None)
        except BoxError as exc:
            state.error = exc.message
            return
        state.events += 1

    async def start_pulls(self) -> None:
        for box in list(self.boxes.values()):
            if box.pull_realtime:
                await self.set_pull(box.id, True, save=False)

    # ------------------------------------------------------------------ lifecycle

    def _spawn(self, coro: Awaitable[Any]) -> None:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def check_reachable(self, box: Box) -> bool:
        """A TCP connect to the box's API port: cheap enough to repeat every half minute."""
        port = (box.ports or {}).get("face", 5555)
        try:
            _r, writer = await asyncio.wait_for(asyncio.open_connection(box.address, port), 3)
        except (TimeoutError, OSError) as exc:
            why = "no answer" if isinstance(exc, asyncio.TimeoutError) else "connection refused"
            self.reachability[box.id] = (False, now_ms(), f"{why} on port {port}")
            return False
        writer.close()
        with contextlib.suppress(Exception):
            await writer.wait_closed()
        self.reachability[box.id] = (True, now_ms(), "")
        return True

    async def _watch_reachability(self) -> None:
        while True:
            for box in list(self.boxes.values()):
                with contextlib.suppress(Exception):
                    await self.check_reachable(box)
            await asyncio.sleep(REACH_EVERY)

    async def run(self) -> None:
        """The receiver task: pulls, start-up gap fill, reachability; all stop when cancelled."""
        try:
            self._spawn(self._watch_reachability())
            await self.start_pulls()
            await self.fill_all_gaps()
            await asyncio.Event().wait()
        finally:
            await self.shutdown()

    async def shutdown(self) -> None:
        for state in self.pulls.values():
            if state.task is not None:
                state.task.cancel()
        for job in self.jobs.values():
            if job.task is not None and not job.task.done():
                job.task.cancel()
        for task in list(self._tasks):
            task.cancel()
        pending = [s.task for s in self.pulls.values() if s.task is not None]
        pending += [j.task for j in self.jobs.values() if j.task is not None]
        for task in pending + list(self._tasks):
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self.downloads.close()


@dataclass
class _Fetched:
    """A box's stored record with the pictures downloaded for it."""

    record: dict[str, Any]
    pictures: dict[str, bytes]
    #: False for a record not fetched again (stored with all its pictures).
    count_missing: bool = True


class _Records:
    """Fetched records that become events where the pipeline prepares them (off the loop).

    Making the events base64-encodes every picture and, for a V6 box, decodes the
    registered photo to tell a blank one: CPU that, on the loop, delayed the pushes.
    """

    def __init__(self, fetched: list[_Fetched]) -> None:
        self.fetched = fetched
        #: Pictures the records name that the box could not give (known once made).
        self.missing = 0

    def __len__(self) -> int:
        return len(self.fetched)

    def events(self) -> list[dict[str, Any]]:
        out = []
        for item in self.fetched:
            pics = drop_blank(item.pictures)
            if item.count_missing:
                self.missing += max(0, _picture_ids(item.record) - len(pics))
            out.append(records.record_to_event(item.record, pics))
        return out

    def parsed(self) -> ingest.ParsedBody:
        return ingest.ParsedBody(self.events(), "json")


def _record_id(record: dict[str, Any]) -> str:
    return str(record.get("event_id") or record.get("_id") or id(record))


def _keys_within_1ms(ev: Any) -> list[str]:
    """The event's natural key, then the keys of the same event 1 ms either side."""
    if ev.timestamp is None:
        return [ev.natural_key]
    return [ev.natural_key] + [
        natural_key(
            ep_id=_text(ev.ep_info.get("ep_id")), device_id=_text(ev.ep_info.get("device_id")),
            dev_sno=ev.dev_sno, identity_id=ev.identity_id, timestamp=ev.timestamp + delta,
        )
        for delta in (-1, 1)
    ]  # fmt: skip


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _picture_kinds(record: dict[str, Any]) -> set[str]:
    """The picture kinds (1.0 names) the record names an id for."""
    if "common" in record:
        common = record.get("common") or {}
        ids = {"spot_pic": common.get("spot_pic_id"),
               "recognize_face": common.get("recognize_face_pic_id"),
               "reg_pic": (common.get("identity_info") or {}).get("image_id")}  # fmt: skip
    else:
        ids = {"spot_pic": record.get("spot_image_id"),
               "recognize_face": record.get("recognize_face_image_id"),
               "reg_pic": record.get("register_image_id")}  # fmt: skip
    return {kind for kind, ident in ids.items() if ident}


def _picture_ids(record: dict[str, Any]) -> int:
    """How many pictures the record names (scene, face crop, registered photo)."""
    if "common" in record:
        common = record.get("common") or {}
        ids = [common.get("spot_pic_id"), common.get("recognize_face_pic_id"),
               (common.get("identity_info") or {}).get("image_id")]  # fmt: skip
    else:
        ids = [record.get("spot_image_id"), record.get("recognize_face_image_id"),
               record.get("register_image_id")]  # fmt: skip
    return sum(1 for i in ids if i)


def receiver_url_for(receiver: Any) -> Callable[[str], str]:
    """This receiver's base URL as the box at ``address`` reaches it."""

    def url(address: str) -> str:
        port = receiver.port or receiver.config.port
        bind = receiver.config.bind
        host = bind if bind not in ("", "0.0.0.0", "::") else local_address_towards(address)
        return f"http://{host}:{port}"

    return url


__all__ = ["Box", "BoxService", "Camera", "Job"]
