"""A stream of realistic traffic from fake boxes, for demos and load tests.

Each fake box has a serial, some cameras and a payload shape; it pushes a mix
of person types with the sample photos, sends some events in real time and
uploads the rest in history batches (retrying a batch now and then, as real
boxes do when a reply is lost), and posts a ``/DeviceStatus`` report with its
cameras periodically. ``rate`` is events per second over all boxes.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from gui.core import sender

log = logging.getLogger(__name__)

REALTIME_PATH = "/EventServer/api/RealTimeEvent"
HISTORY_PATH = "/EventServer/api/HistoryEvent"
HEALTH_PATH = "/DeviceStatus"

#: (person type, weight, sample giving the photos)
PERSON_MIX: tuple[tuple[int, int, str], ...] = (
    (1, 60, "employee_match"),
    (2, 10, "employee_match"),
    (4, 20, "stranger"),
    (5, 5, "employee_match"),
    (3, 5, "blacklist"),
)
NAMES = ("张伟", "王芳", "李娜", "刘洋", "陈静", "Anna Schmidt", "Omar Haddad", "赵磊", "孙丽")


@dataclass
class FakeCamera:
    ep_id: str
    name: str
    ip: str
    ep_type: str


@dataclass
class FakeBox:
    sn: str
    ip: str
    shape: str
    cameras: list[FakeCamera]
    pending: list[dict[str, Any]] = field(default_factory=list)
    last_batch: Any = None
    inflight: Any = None


@dataclass
class SimStats:
    events: int = 0
    requests: int = 0
    failed: int = 0
    retries: int = 0
    health_reports: int = 0
    errors: list[str] = field(default_factory=list)

    def line(self) -> str:
        return (
            f"{self.events} events in {self.requests} requests, {self.health_reports} health "
            f"reports, {self.retries} retried batches, {self.failed} failed"
        )


def make_boxes(
    boxes: int, cameras: int, shapes: Sequence[str], rng: random.Random
) -> list[FakeBox]:
    out = []
    for b in range(boxes):
        sn = f"SE5-SIM{b + 1:05d}"
        box_ip = f"192.168.50.{10 + b}"
        cams = []
        for c in range(cameras):
            cam_ip = f"192.168.50.{100 + b * 20 + c}"
            ep_type = "rtsp" if c % 2 == 0 else "photo"
            url = f"rtsp://{cam_ip}:554/ch{c + 1}" if ep_type == "rtsp" else cam_ip
            cams.append(FakeCamera(f"{sn}__{url}", f"Gate {b + 1}-{c + 1}", cam_ip, ep_type))
        out.append(FakeBox(sn, box_ip, shapes[b % len(shapes)], cams))
    return out


def health_report(
    box: FakeBox, rng: random.Random, offline: set[str] | None = None
) -> dict[str, Any]:
    offline = offline or set()
    return {
        "gateway_ip": f"{box.ip} 10.0.0.{rng.randint(2, 250)}",
        "gateway_name": f"Simulated {box.sn}",
        "gateway_status": "online",
        "gateway_sn": box.sn,
        "dev_sno": box.sn,
        "gateway_port": 8080,
        "gateway_ext_data": {
            "sw_version": "V6R2.1.0-sim",
            "sdk_version": "3.4.1",
            # One MAC per box, as a real box has: it is one of the box's names.
            "gateway_mac": "00:16:3e:" + ":".join(
                hashlib.sha1(box.sn.encode()).hexdigest()[i : i + 2] for i in (0, 2, 4)
            ),
            "cpu_info": {
                "cpu_rate": round(rng.uniform(0.1, 0.7), 2),
                "info": {"cpu_type": "BM1684", "cpu_freq": "2.3GHz", "cpu_count": 8},
            },
            "memory_info": {"total_memory_scale": round(rng.uniform(0.3, 0.8), 2),
                            "total_memory": 12 * 1024},
            "disk_info": {"disk_rate": round(rng.uniform(0.2, 0.6), 2), "free_disk": 20_000,
                          "total_disk": 32_000},
            "temperature": round(rng.uniform(45, 70), 1),
        },
        "sub_devices": [
            {
                "ep_id": cam.ep_id,
                "ep_name": cam.name,
                "ep_ip": cam.ip,
                "ep_status": "offline" if cam.ep_id in offline else "online",
                "ep_location": "",
                "ep_type": cam.ep_type,
                "ep_url": cam.ep_id.split("__", 1)[-1],
            }
            for cam in box.cameras
        ],
    }  # fmt: skip


class Simulator:
    """Runs the fake boxes against ``base``; ``run()`` returns when ``duration`` is over."""

    def __init__(
        self,
        base: str,
        *,
        boxes: int = 2,
        cameras: int = 4,
        rate: float = 2.0,
        duration: float | None = None,
        shapes: Sequence[str] = ("1.0",),
        health_every: float = 30.0,
        realtime_share: float = 0.5,
        batch_every: float = 5.0,
        retry_chance: float = 0.1,
        self_test: bool = False,
        seed: int | None = None,
        on_result: Callable[[str, sender.SendResult], None] | None = None,
    ) -> None:
        for shape in shapes:
            if shape not in sender.SHAPES:
                raise ValueError(f"unknown shape {shape!r}; one of {', '.join(sender.SHAPES)}")
        self.base = sender.base_url(base)
        self.rate = rate
        self.duration = duration
        self.health_every = health_every
        self.realtime_share = realtime_share
        self.batch_every = batch_every
        self.retry_chance = retry_chance
        self.self_test = self_test
        self.rng = random.Random(seed)
        self.boxes = make_boxes(boxes, cameras, list(shapes), self.rng)
        self.stats = SimStats()
        self.on_result = on_result
        self._clock = sender.Clock()
        self._samples = {name: sender.load_sample(name) for _, _, name in PERSON_MIX}

    # -- building --------------------------------------------------------------

    def make_event(self, box: FakeBox, camera: FakeCamera) -> dict[str, Any]:
        """A 1.0 event from ``camera`` (converted to the box's shape when posted)."""
        person_type, sample = self.rng.choices(
            [(p, s) for p, _w, s in PERSON_MIX], weights=[w for _p, w, _s in PERSON_MIX]
        )[0]
        event = sender.refreshed(self._samples[sample], self._clock.next())
        event["person_type"] = person_type
        event["dev_sno"] = box.sn
        event["ep_info"] = {
            "ep_id": camera.ep_id, "ep_type": camera.ep_type, "ep_ip": camera.ip,
            "ep_name": camera.name, "device_id": camera.ep_id,
        }  # fmt: skip
        if person_type != 4:
            n = self.rng.randrange(200)
            prefix = {1: "E", 2: "V", 3: "B", 5: "VIP"}[person_type]
            event["identity_id"] = f"{prefix}-{n:04d}"
            event["identity_name"] = NAMES[n % len(NAMES)]
            event["score"] = round(self.rng.uniform(0.78, 0.99), 3)
        return event

    # -- posting ---------------------------------------------------------------

    async def _post(self, session: Any, path: str, payload: Any, what: str) -> sender.SendResult:
        events = len(payload) if isinstance(payload, list) else 1
        result = await sender.post(
            session, self.base + path, sender.encode(payload), events=events,
            self_test=self.self_test,
        )  # fmt: skip
        self.stats.requests += 1
        if not result.ok:
            self.stats.failed += 1
            if len(self.stats.errors) < 20:
                self.stats.errors.append(f"{what}: {result.summary()}")
        if self.on_result is not None:
            self.on_result(what, result)
        return result

    async def _events(
        self, session: Any, loop: asyncio.AbstractEventLoop, end: float | None
    ) -> None:
        interval = 1.0 / self.rate if self.rate > 0 else 1.0
        n = 0
        start = loop.time()
        while end is None or loop.time() < end:
            box = self.rng.choice(self.boxes)
            camera = self.rng.choice(box.cameras)
            event = self.make_event(box, camera)
            self.stats.events += 1
            if self.rng.random() < self.realtime_share:
                await self._post(
                    session, REALTIME_PATH, sender.to_shape(event, box.shape), "realtime"
                )
            else:
                box.pending.append(sender.to_shape(event, box.shape))
            n += 1
            delay = start + n * interval - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)

    async def _batches(self, session: Any, final: bool = False) -> None:
        for box in self.boxes:
            if final and box.inflight is not None:
                # cut off when the run ended: send it again, as a box retries (stored once)
                await self._post(session, HISTORY_PATH, box.inflight, "history")
                box.inflight = None
            if box.last_batch is not None and not final and self.rng.random() < self.retry_chance:
                self.stats.retries += 1
                await self._post(session, HISTORY_PATH, box.last_batch, "retry")
            while box.pending:
                batch, box.pending = box.pending[:100], box.pending[100:]
                box.last_batch = box.inflight = batch
                await self._post(session, HISTORY_PATH, batch, "history")
                box.inflight = None
                if not final:
                    break

    async def _batch_loop(self, session: Any) -> None:
        while True:
            await asyncio.sleep(self.batch_every)
            await self._batches(session)

    async def _health_loop(self, session: Any) -> None:
        while True:
            for box in self.boxes:
                offline = {c.ep_id for c in box.cameras if self.rng.random() < 0.05}
                result = await self._post(
                    session, HEALTH_PATH, health_report(box, self.rng, offline), "health"
                )
                if result.ok:
                    self.stats.health_reports += 1
            await asyncio.sleep(self.health_every)

    async def run(self) -> SimStats:
        import aiohttp

        loop = asyncio.get_running_loop()
        end = loop.time() + self.duration if self.duration else None
        async with aiohttp.ClientSession() as session:
            helpers = [
                asyncio.ensure_future(self._health_loop(session)),
                asyncio.ensure_future(self._batch_loop(session)),
            ]
            try:
                await self._events(session, loop, end)
            finally:
                for task in helpers:
                    task.cancel()
                await asyncio.gather(*helpers, return_exceptions=True)
                # what is still queued goes out as a last history upload
                await asyncio.shield(self._batches(session, final=True))
        return self.stats
