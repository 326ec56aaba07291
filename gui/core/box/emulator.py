"""A Sophon box as the receiver sees it, for tests and installer demos (BOX_API.md §10).

Both families: V2–V5 (``SophonFogSys``/``SophonConfig``, modelled on V5R7, the
doc set that has every call) and V6 (``sophon/v2``). It binds the box's real
ports (5555 face/application API, 8888 system API, 5679 real-time WebSocket) on
an address of its own, so several boxes run side by side on 127.x addresses.

What matters to the receiver is real here: the configured URLs drive where it
pushes; history pushes resend every event not yet acknowledged, each cycle,
until the receiver answers 200; every generated event is kept with its JPEGs
and served by the query API; the WebSocket stays silent until subscribed.
Where the docs contradict themselves the emulator can do both (record time in
seconds or milliseconds, ``sub_devices`` or ``media_devices``).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import itertools
import json
import logging
import math
import random
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web

from gui.resources import asset_path

log = logging.getLogger(__name__)

FAMILIES = ("v5", "v6")
DEFAULT_PORTS = {"face": 5555, "system": 8888, "ws": 5679}
V5_VERSION = "V5R7C01_0a1b2c3"
V6_VERSION = "V6R2C01_4d5e6f7"
MAX_BATCH = 100
REALTIME_TIMEOUT = 0.5
#: Paths that serve a stored picture (V5 event and registered images, V6 getspot/getregister).
_PICTURE_PATHS = ("/event_images/", "/api/images/", "/getspotimage/", "/getregisterimage/")
PUSH_TIMEOUT = 10.0
_SAMPLES = ("employee_match", "stranger", "blacklist")
_PERSON_WORDS = {1: "employee", 2: "visitor", 3: "blacklist", 4: "stranger", 5: "vip"}


def _blank_jpeg() -> bytes:
    """The uniform picture a V6 box returns for an unknown registered photo."""
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (64, 64), (128, 128, 128)).save(out, "JPEG")
    return out.getvalue()


@dataclass(frozen=True)
class SamplePhotos:
    """One sample person: their photos as JPEG bytes and who they are."""

    name: str
    person_type: int
    identity_id: str
    identity_name: str
    image_id: str
    spot: bytes
    face: bytes
    reg: bytes
    box: list[float]
    point: list[float]


def load_samples() -> list[SamplePhotos]:
    out = []
    for name in _SAMPLES:
        data = json.loads((asset_path("samples") / f"{name}.json").read_text("utf-8"))

        def pic(key: str, data: dict[str, Any] = data) -> bytes:
            text = data.get(key) or ""
            return base64.b64decode(text) if text else b""

        out.append(
            SamplePhotos(
                name=name,
                person_type=int(data.get("person_type", 1)),
                identity_id=str(data.get("identity_id") or ""),
                identity_name=str(data.get("identity_name") or ""),
                image_id=str((data.get("identity_info") or {}).get("image_id") or ""),
                spot=pic("spot_pic"),
                face=pic("recognize_face"),
                reg=pic("reg_pic"),
                box=list(data["recognize_face_attr"]["box"]),
                point=list(data["recognize_face_attr"]["point"]),
            )
        )
    return out


@dataclass(frozen=True)
class Camera:
    device_id: str
    name: str
    type: str  # photo | rtsp
    ip: str
    key: str  # camera IP for photo, stream URL for rtsp

    def ep_id(self, mac: str) -> str:
        """How V2–V5 pushes name the camera: ``0x<MAC>__<ip or rtsp URL>``."""
        return f"0x{mac}__{self.key}"


@dataclass
class BoxEvent:
    """One event the box saw, kept with its pictures like the box's own store."""

    seq: int
    t: float  # seconds, the box's clock
    camera: Camera
    sample: SamplePhotos
    identity_id: str
    score: float
    delivered_to: set[str] = field(default_factory=set)

    @property
    def ms(self) -> int:
        """What a push carries: the time truncated to whole milliseconds."""
        return int(self.t * 1000)

    @property
    def event_id(self) -> str:
        return str(int(self.t * 1_000_000))

    @property
    def spot_id(self) -> str:
        return f"{self.t:.6f}1"

    @property
    def face_id(self) -> str:
        return f"{self.t:.6f}2"

    @property
    def record_seconds(self) -> float:
        """Stored records keep six decimals (the vendor's examples): may differ by 1 ms."""
        return round(self.t, 6)


@dataclass
class Faults:
    """Switches for the failures a receiver must survive."""

    #: The next N query/picture requests are cut off without a reply.
    drop_requests: int = 0
    #: Only requests whose path contains this are cut (empty = any query or picture).
    drop_path: str = ""
    #: Count of requests served before the drops start.
    drop_after: int = 0
    #: The next N history pushes the receiver answered are taken as lost (the reply
    #: never came back): the box sends those events again, the receiver has them already.
    lose_replies: int = 0
    #: Until this ``time.monotonic()`` the receiver is down as the box sees it: every push
    #: fails to connect, and the box keeps the events to send once it is back.
    receiver_down_until: float = 0.0

    def receiver_down(self, seconds: float) -> None:
        """The receiver is unreachable for the next ``seconds`` (minutes on a real site)."""
        self.receiver_down_until = time.monotonic() + seconds


#: Per family, the config keys that are the box's push settings: name -> (attribute, kind).
_PUSH_CONFIGS: dict[str, dict[str, tuple[str, str]]] = {
    "v5": {
        "HISTORY_UPLOAD_EVENT_URL": ("history_urls", "urls"),
        "REPORTED_PEROID": ("history_period", "period"),
        "WEB_HEART_URL": ("status_url", "url"),
        "WEB_HEART_TIME": ("status_period", "period"),
    },
    "v6": {
        "HISTORY_EVENT_UPLOAD_URL": ("history_urls", "urls"),
        "HISTORY_REPORT_PEROID": ("history_period", "period"),
        "MEDIA_DEVICE_MONITOR_URL": ("status_url", "url"),
        "MEDIA_DEVICE_MONITOR_REPORT_PEROID": ("status_period", "period"),
    },
}
#: How each family writes a URL list (V5 ends every URL with a comma, BOX_API.md §4).
_URL_LIST_JOIN: dict[str, Callable[[list[str]], str]] = {
    "v5": lambda urls: "".join(u + "," for u in urls),
    "v6": ",".join,
}
#: Configs a box refuses to change.
_READ_ONLY = {"v5": {"DEV_SNO", "BOX_MAC", "PRODUCT_TYPE"}, "v6": {"MQ_LICENSE_KEY"}}


class BoxEmulator:
    """One emulated box. ``await start()``, ``generate()``, ``await stop()``."""

    def __init__(
        self,
        family: str = "v5",
        address: str = "127.0.0.1",
        *,
        ports: dict[str, int] | None = None,
        username: str = "admin",
        password: str = "admin",
        cameras: int = 2,
        seed: int | None = None,
        record_unit: str = "s",
        window_unit: str = "s",
        camera_list_key: str = "sub_devices",
        history_framing: str = "single",
        delivered_rule: str = "200",
        require_login: bool = False,
        generate_every: float | None = None,
        ws_subscribe: str = "native",
        history_period: float = 5.0,
        status_period: float = 20.0,
        clock_offset: float = 0.0,
        push_encoding: str = "json",
        history_shape: str = "1.0",
        devices_init_seconds: float = 0.0,
    ) -> None:
        if family not in FAMILIES:
            raise ValueError(f"family must be one of {FAMILIES}")
        self.family = family
        self.address = address
        self.ports = {**DEFAULT_PORTS, **(ports or {})}
        self.username, self.password = username, password
        self.rng = random.Random(seed)
        self.record_unit = record_unit
        self.window_unit = window_unit
        self.camera_list_key = camera_list_key
        self.history_framing = history_framing
        self.delivered_rule = delivered_rule
        self.require_login = require_login
        #: Seconds the box's clock is ahead (+) or behind (-): its event times carry it.
        self.clock_offset = clock_offset
        #: "json" or "form-data" (the box's ``content-type`` field): in form-data each
        #: top-level field is a form field, nested objects JSON text (PROTOCOL.md).
        self.push_encoding = push_encoding
        #: V2–V5 history uploads: "1.0" or "legacy" (no ``api_version``; photos, camera and
        #: person type inside ``ext_data``, as V2R2–V5 firmware before 1.0 sends).
        self.history_shape = history_shape
        #: V6: ``getmediadevices`` answers DEVICE_INIT_ERROR this long after start-up.
        self.devices_init_seconds = devices_init_seconds
        self.started_at = time.monotonic()
        self.devices_init_errors = 0
        self.generate_every = generate_every
        #: "native" (the family's own subscribe message) or "v5": a V6 box that only
        #: understands the V5 message its platform chapter documents (BOX_API.md §6.6).
        self.ws_subscribe = ws_subscribe
        octets = [self.rng.randrange(256) for _ in range(3)]
        self.mac = "e0a509" + "".join(f"{o:02x}" for o in octets)
        self.serial = "HQDZKE5BJJFJH" + "".join(str(self.rng.randrange(10)) for _ in range(4))
        self.dev_sno = "ZKZCPI" + "".join(str(self.rng.randrange(10)) for _ in range(18))
        self.cameras = [
            Camera(
                device_id=str(uuid.UUID(int=self.rng.getrandbits(128), version=4)),
                name=f"camera {i + 1}",
                type="photo" if i % 2 == 0 else "rtsp",
                ip=f"192.0.2.{31 + i}",
                key=f"192.0.2.{31 + i}" if i % 2 == 0 else f"rtsp://192.0.2.{31 + i}:554/ch1",
            )
            for i in range(cameras)
        ]
        self.samples = load_samples()
        self.blank = _blank_jpeg()
        self.events: list[BoxEvent] = []
        self._seq = itertools.count(1)
        # configuration that drives the pushers
        self.history_urls: list[str] = []
        self.history_period = history_period
        self.realtime_urls: list[str] = []
        self.status_url = ""  # V5 flat report / V6 camera report
        self.status_period = status_period
        self.system_urls: list[str] = []  # V5R7 :8888 monitor / V6 system report
        self.system_period = status_period
        self.reporter_id = ""
        self.configs: dict[str, Any] = self._initial_configs()
        self.faults = Faults()
        self.reports_enabled = True
        self.camera_status = {c.device_id: "online" for c in self.cameras}
        # bookkeeping a test reads
        self.logged_in: set[str] = set()
        self.login_attempts = 0
        self.history_posts = 0
        self.realtime_posts = 0
        self.status_posts = 0
        self.requests_served = 0
        #: Picture downloads served (scene, face crop, registered photo), both families.
        self.pictures_served = 0
        self._runners: list[web.AppRunner] = []
        self._tasks: list[asyncio.Task[Any]] = []
        self._session: aiohttp.ClientSession | None = None
        self._sockets: list[tuple[web.WebSocketResponse, dict[str, Any]]] = []
        self._wakes: list[asyncio.Event] = []

    # ------------------------------------------------------------------ identity

    @property
    def version(self) -> str:
        return V5_VERSION if self.family == "v5" else V6_VERSION

    def camera_ep_id(self, camera: Camera) -> str:
        return camera.ep_id(self.mac) if self.family == "v5" else camera.device_id

    def _initial_configs(self) -> dict[str, Any]:
        if self.family == "v5":
            return {
                "DEV_SNO": self.dev_sno, "BOX_MAC": "0x" + self.mac, "PRODUCT_TYPE": "SE5",
                "WORK_MODE": "local", "THRESHOLD": 82, "THRESHOLD_RANGE": "0.0,82.0,100.0",
                "HISTORY_CONTENT_TYPE": "json", "HISTORY_EVENT_NEED_REG_PIC": True,
                "HISTORY_EVENT_NEED_SPOT_PIC": True, "HISTORY_EVENT_NEED_RECOGNIZE_FACE": True,
                "DEVICE_LIST_INFO_UPLOAD_ADDR": "", "DEVICE_MONITOR_ADDR": "",
                "EVENTOPLAD_URL": "",
            }  # fmt: skip
        return {
            "MATCH_THRESHOLD": 82, "GATE_WORK_MODE": "local", "MQ_LICENSE_KEY": self.dev_sno,
            "MQ_LOGIN_URL": "", "MEDIA_DEVICE_MONITOR_REPORT_PEROID": 60,
        }  # fmt: skip

    def config_values(self) -> dict[str, Any]:
        """Every config the box answers, its push settings read from where they live."""
        values = dict(self.configs)
        for name, (attr, kind) in _PUSH_CONFIGS[self.family].items():
            value = getattr(self, attr)
            if kind == "urls":
                value = _URL_LIST_JOIN[self.family](value)
            values[name] = value
        return values

    def apply_configs(self, changes: dict[str, Any]) -> tuple[list[str], list[str]]:
        """Set configs as the box does: push URLs and periods really move its pushes.

        Returns ``(set, refused)`` names: unknown, read-only or wrongly typed ones refused.
        """
        ok, failed = [], []
        push = _PUSH_CONFIGS[self.family]
        for name, value in changes.items():
            attr, kind = push.get(name, ("", ""))
            is_number = isinstance(value, int | float) and not isinstance(value, bool)
            if kind == "urls" and isinstance(value, str):
                setattr(self, attr, [u.strip() for u in value.split(",") if u.strip()])
            elif kind == "url" and isinstance(value, str):
                setattr(self, attr, value)
            elif kind == "period" and is_number:
                setattr(self, attr, max(0.05, float(value)))
            elif not kind and name in self.configs and name not in _READ_ONLY[self.family]:
                self.configs[name] = value
            else:
                failed.append(name)
                continue
            ok.append(name)
        self._notify()
        return ok, failed

    # ------------------------------------------------------------------ lifecycle

    async def start(self) -> None:
        self.started_at = time.monotonic()
        self._wakes = [asyncio.Event(), asyncio.Event()]
        # pushes leave from the box's own address, as a receiver sees a real box
        connector = aiohttp.TCPConnector(local_addr=(self.address, 0))
        self._session = aiohttp.ClientSession(connector=connector)
        face = web.Application(middlewares=[self._middleware])
        system = web.Application(middlewares=[self._middleware])
        if self.family == "v5":
            self._v5_routes(face, system)
        else:
            self._v6_routes(face, system)
        ws = web.Application()
        ws.router.add_get("/{tail:.*}", self._ws_handler)
        try:
            for app, port in ((face, "face"), (system, "system"), (ws, "ws")):
                runner = web.AppRunner(app, access_log=None, handle_signals=False)
                await runner.setup()
                self._runners.append(runner)
                site = web.TCPSite(runner, self.address, self.ports[port], reuse_address=True)
                await site.start()
        except BaseException:
            await self.stop()
            raise
        loop = asyncio.get_running_loop()
        self._tasks = [
            loop.create_task(self._history_loop()),
            loop.create_task(self._status_loop()),
        ]
        if self.generate_every:
            self._tasks.append(loop.create_task(self._generate_loop()))

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._tasks = []
        await self.drop_websockets()
        for runner in self._runners:
            await runner.cleanup()
        self._runners = []
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def __aenter__(self) -> BoxEmulator:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    # ------------------------------------------------------------------ events

    def generate(
        self,
        n: int = 1,
        *,
        t: float | None = None,
        step: float = 0.137,
        camera: int | None = None,
        sample: str | None = None,
        push_realtime: bool = True,
    ) -> list[BoxEvent]:
        """``n`` new events (from now, or from ``t`` seconds, ``step`` apart), stored and sent."""
        start = time.time() + self.clock_offset if t is None else t
        made = []
        for i in range(n):
            when = start + i * step
            cam = self.cameras[
                camera if camera is not None else self.rng.randrange(len(self.cameras))
            ]
            pick = (
                next(s for s in self.samples if s.name == sample)
                if sample
                else self.rng.choice(self.samples)
            )
            identity = pick.identity_id if pick.person_type != 4 else f"{when:.7f}"
            score = round(
                self.rng.uniform(83, 99) if pick.person_type != 4 else self.rng.uniform(5, 40), 2
            )
            ev = BoxEvent(next(self._seq), when, cam, pick, identity, score)
            self.events.append(ev)
            made.append(ev)
        self.events.sort(key=lambda e: e.t)
        if push_realtime:
            for ev in made:
                self._broadcast(ev)
                if self.realtime_urls and self._session is not None:
                    self._spawn(self._push_realtime(ev))
        self._notify()
        return made

    def _spawn(self, coro: Any) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.append(task)
        task.add_done_callback(self._forget)

    def _forget(self, task: asyncio.Task[Any]) -> None:
        if task in self._tasks:
            self._tasks.remove(task)

    async def _generate_loop(self) -> None:
        assert self.generate_every
        while True:
            await asyncio.sleep(self.generate_every * self.rng.uniform(0.5, 1.5))
            self.generate()

    # -- payload shapes

    def push_payload(self, ev: BoxEvent) -> dict[str, Any]:
        """The history upload of one event: 1.0 (V2–V5) or 2.0 (V6), photos as base64."""
        s = ev.sample
        reg = s.reg if s.person_type != 4 else b""
        if self.family == "v5" and self.history_shape == "legacy":
            cam = ev.camera
            return {
                "identity_id": ev.identity_id, "identity_name": s.identity_name,
                "group_name": _PERSON_WORDS[s.person_type], "reg_pic": _b64(reg),
                "timestamp": ev.ms, "score": ev.score,
                "want_action": "1001" if s.person_type == 4 else "0",
                "ext_data": {
                    "device_ip": cam.ip, "ep_id": cam.ep_id(self.mac), "dev_sno": self.dev_sno,
                    "spot_pic": _b64(s.spot), "recognize_face": _b64(s.face),
                    "person_type": s.person_type, "device_type": "1",
                    "info": {"box": s.box, "feature": []},
                },
            }  # fmt: skip
        if self.family == "v5":
            return {
                "api_version": "1.0",
                "identity_id": ev.identity_id, "identity_name": s.identity_name,
                "identity_info": {"face_ids": [], "image_id": s.image_id} if s.image_id else {},
                "timestamp": ev.ms, "score": ev.score,
                "want_action": "1001" if s.person_type == 4 else "0",
                "reg_pic": _b64(reg), "spot_pic": _b64(s.spot), "ir_pic": "",
                "recognize_face": _b64(s.face), "person_type": s.person_type,
                "out_timestamp": ev.ms + 400,
                "ep_info": self._ep_info(ev.camera),
                "dev_sno": self.dev_sno,
                "recognize_face_attr": {"point": s.point, "box": s.box, "feature": []},
            }  # fmt: skip
        return {
            "api_version": "2.0",
            "event_id": ev.event_id,
            "identity_id": ev.identity_id, "identity_name": s.identity_name,
            "identity_info": {},
            "timestamp": ev.ms, "in_timestamp": ev.ms, "out_timestamp": ev.ms + 400,
            "score": ev.score, "post_action": "1001" if s.person_type == 4 else "0",
            "user_type": _PERSON_WORDS[s.person_type],
            "reg_image": _b64(reg), "spot_image": _b64(s.spot), "ir_image": "",
            "recognize_face_image": _b64(s.face),
            "media_device_info": self._media_info(ev.camera),
            "mq_license_key": self.dev_sno,
            "recognize_face_attr": {"point": _interleave(s.point), "box": s.box,
                                    "feature_base64_str": ""},
        }  # fmt: skip

    def _ep_info(self, cam: Camera) -> dict[str, Any]:
        return {
            "ep_id": cam.ep_id(self.mac), "ep_type": cam.type, "ep_ip": cam.ip,
            "ep_name": cam.name, "device_id": cam.device_id,
        }  # fmt: skip

    def _media_info(self, cam: Camera) -> dict[str, Any]:
        return {
            "media_device_id": cam.device_id, "media_device_type": cam.type,
            "media_device_ip": cam.ip, "media_device_name": cam.name,
            "media_device_url": cam.key if cam.type == "rtsp" else "",
        }  # fmt: skip

    def realtime_payload(self, ev: BoxEvent) -> dict[str, Any]:
        """SE3 real-time POST: legacy, no ``ep_id`` or ``dev_sno``; only the camera's IP."""
        s = ev.sample
        return {
            "identity_id": ev.identity_id, "identity_name": s.identity_name,
            "group_name": "default", "reg_pic": "", "timestamp": ev.ms, "score": ev.score,
            "ext_data": {
                "device_ip": ev.camera.ip,
                "spot_pic": base64.b64encode(s.spot).decode(),
                "recognize_face": base64.b64encode(s.face).decode(),
                "person_type": s.person_type,
                "device_type": "1" if ev.camera.type == "photo" else "3",
                "grab_fiqa_info": {}, "box_fiqa_info": {},
            },
        }  # fmt: skip

    def ws_message(self, ev: BoxEvent, config: dict[str, Any]) -> dict[str, Any]:
        s = ev.sample
        if self.family == "v5":
            face = base64.b64encode(s.face).decode() if config.get("need_face") else ""
            reg = s.reg if s.person_type != 4 and config.get("need_register") else b""
            return {
                "identity_id": ev.identity_id, "identity_name": s.identity_name,
                "reg_pic": base64.b64encode(reg).decode() if reg else "",
                "timestamp": ev.ms, "score": ev.score, "device_id": ev.camera.device_id,
                "event_id": ev.event_id,
                "identity_info": {"addTime": int(ev.t) - 86400, "image_id": s.image_id,
                                  "name": s.identity_name, "type": s.person_type},
                "ext_data": {"person_type": s.person_type, "device_ip": ev.camera.ip,
                             "device_type": "1" if ev.camera.type == "photo" else "3",
                             "spot_pic": "", "recognize_face": face},
            }  # fmt: skip
        prefix = "data:image/jpeg;base64,"
        face = prefix + base64.b64encode(s.face).decode() if config.get("with_face_image") else ""
        reg_text = (
            prefix + base64.b64encode(s.reg).decode()
            if s.person_type != 4 and s.reg and config.get("with_register_image")
            else ""
        )
        return {
            "event_id": ev.event_id, "timestamp": ev.ms, "identity_id": ev.identity_id,
            "identity_name": s.identity_name, "user_type": _PERSON_WORDS[s.person_type],
            "score": ev.score, "media_device_id": ev.camera.device_id,
            "media_device_ip": ev.camera.ip, "media_device_type": ev.camera.type,
            "register_image": reg_text, "recognize_face_image": face,
            "recognize_face_attr": {"box": s.box, "point": _interleave(s.point)},
            "reg_pic": "",
        }  # fmt: skip

    def record(self, ev: BoxEvent) -> dict[str, Any]:
        """The event as the query API returns it."""
        s = ev.sample
        face_id = ev.face_id if s.face else ""
        if self.family == "v5":
            return {
                "_id": f"{ev.t:.6f}",
                "timestamp": ev.record_seconds,
                "common": {
                    "identity_id": ev.identity_id, "identity_name": s.identity_name,
                    "identity_info": {"face_ids": [], "image_id": s.image_id}
                    if s.person_type != 4 and s.image_id else {},
                    "person_type": s.person_type, "score": ev.score,
                    "want_action": "1001" if s.person_type == 4 else "0",
                    "is_send": 1 if ev.delivered_to else 0,
                    "ep_info": self._ep_info(ev.camera),
                    "recognize_face_attr": {"box": s.box, "point": s.point, "feature": []},
                    "spot_pic_id": ev.spot_id, "recognize_face_pic_id": face_id,
                    "frame_id": ev.seq,
                },
                "gate_data": {}, "grab_data": {},
                "video_data": {"in_timestamp": ev.record_seconds,
                               "out_timestamp": round(ev.t + 0.4, 6)},
            }  # fmt: skip
        ts: float = ev.record_seconds if self.record_unit == "s" else round(ev.t * 1000, 3)
        out_after = 0.4 if self.record_unit == "s" else 400
        return {
            "event_id": ev.event_id, "timestamp": ts,
            "identity_id": ev.identity_id, "identity_name": s.identity_name,
            "user_type": _PERSON_WORDS[s.person_type], "score": ev.score,
            "post_action": "1001" if s.person_type == 4 else "0", "frame_id": ev.seq,
            "is_send": 1 if ev.delivered_to else 0,
            "media_device_info": {
                "media_device_id": ev.camera.device_id, "media_device_ip": ev.camera.ip,
                "media_device_name": ev.camera.name, "media_device_type": ev.camera.type,
            },
            "spot_image_id": "00" + ev.spot_id,
            "recognize_face_image_id": "00" + face_id if face_id else "",
            "register_image_id": s.image_id if s.person_type != 4 else "",
            "recognize_face_attr": {"box": s.box, "point": _interleave(s.point),
                                    "feature_binary": ""},
            "ext_data": {"in_timestamp": ts, "out_timestamp": ts + out_after},
        }  # fmt: skip

    # ------------------------------------------------------------------ HTTP plumbing

    @web.middleware
    async def _middleware(self, request: web.Request, handler: Any) -> web.StreamResponse:
        self.requests_served += 1
        if any(k in request.path for k in _PICTURE_PATHS):
            self.pictures_served += 1
        f = self.faults
        cuttable = any(
            k in request.path
            for k in ("events", "event_images", "images", "getevent", "getspotimage",
                      "getregisterimage")
        )  # fmt: skip
        if f.drop_requests > 0 and cuttable and (not f.drop_path or f.drop_path in request.path):
            if f.drop_after > 0:
                f.drop_after -= 1
            else:
                f.drop_requests -= 1
                if request.transport is not None:
                    request.transport.abort()
                raise asyncio.CancelledError
        if (
            (
                self.require_login
                and "login" not in request.path
                and request.remote not in self.logged_in
            )
            and "version" not in request.path.lower()
            and "getconfigs" not in request.path
        ):
            return self._error(40100, "login first", "UNAUTHORIZED", 401)
        return await handler(request)

    def _error(
        self, code: int | str, message: str, status: str = "", http: int = 400
    ) -> web.Response:
        if self.family == "v5":
            body: dict[str, Any] = {"error": {"code": code, "message": message, "status": status}}
        else:
            body = {"error": {"code": code, "message": message}}
        return web.json_response(body, status=http)

    async def _json(self, request: web.Request) -> dict[str, Any] | web.Response:
        raw = await request.read()
        if not raw.strip():
            return self._error(
                40002 if self.family == "v5" else "EMPTY_REQUEST_JSON", "empty body",
                "EMPTY_REQUEST_JSON",
            )  # fmt: skip
        if "json" not in request.headers.get("Content-Type", "") and self.family == "v6":
            return self._error("UNSUPPORT_CONTENT_TYPE", request.headers.get("Content-Type", ""))
        try:
            value = json.loads(raw)
        except ValueError:
            return self._error(
                40001 if self.family == "v5" else "INVALID_REQUEST_JSON", "invalid JSON",
                "UNSUPPORT_CONTENT_TYPE",
            )  # fmt: skip
        if not isinstance(value, dict):
            return self._error(40000 if self.family == "v5" else "INVALID_REQUEST_JSON",
                               "expected an object", "BAD_REQUEST")  # fmt: skip
        return value

    def _login(self, body: dict[str, Any], remote: str | None) -> bool:
        self.login_attempts += 1
        ok = body.get("username") == self.username and body.get("password") == self.password
        if ok and remote:
            self.logged_in.add(remote)
        return ok

    # ------------------------------------------------------------------ V2–V5

    def _v5_routes(self, face: web.Application, system: web.Application) -> None:
        r = face.router
        r.add_get("/SophonFogSys/api/HistoryEventUrl", self._v5_get_history)
        r.add_post("/SophonFogSys/api/HistoryEventUrl", self._v5_set_history)
        r.add_get("/SophonFogSys/api/EventServerUrl", self._v5_get_realtime)
        r.add_post("/SophonFogSys/api/EventServerUrl", self._v5_set_realtime)
        r.add_get("/SophonFogSys/api/MonitorServerUrl", self._v5_get_monitor)
        r.add_post("/SophonFogSys/api/MonitorServerUrl", self._v5_set_monitor)
        r.add_get("/SophonConfig/api/Configs", self._v5_configs)
        r.add_get("/SophonConfig/api/Configs/{name}", self._v5_configs)
        r.add_put("/SophonConfig/api/Configs", self._v5_put_configs)
        r.add_get("/SophonFace/api/events", self._v5_events)
        r.add_get("/SophonFace/api/event_images/{id}", self._v5_event_image)
        r.add_get("/SophonFace/api/images/{id}", self._v5_register_image)
        r.add_get("/SophonDevice/api/Devices", self._v5_devices)
        r.add_get("/SophonMQ/api/DevSno", self._v5_devsno)
        s = system.router
        s.add_post("/SophonSystem/api/login", self._v5_login)
        s.add_post("/SophonConfig/api/login", self._v5_login)
        s.add_get("/SophonSystem/api/systemVersion", self._v5_version)
        s.add_get("/SophonSystem/api/deviceSN", self._v5_device_sn)
        s.add_get("/SophonSystem/api/monitor", self._v5_get_system_monitor)
        s.add_post("/SophonSystem/api/monitor", self._v5_set_system_monitor)

    @staticmethod
    def _data(value: Any) -> web.Response:
        return web.json_response({"data": value})

    async def _v5_login(self, request: web.Request) -> web.Response:
        body = await self._json(request)
        if isinstance(body, web.Response):
            return body
        if self._login(body, request.remote):
            return self._data({"success": True})
        return self._error(40100, "username or password error", "UNAUTHORIZED")

    async def _v5_version(self, _r: web.Request) -> web.Response:
        return self._data({"version": self.version, "mcu_version": "0x23",
                           "details": "name:sophon-gate revision:1"})  # fmt: skip

    async def _v5_device_sn(self, _r: web.Request) -> web.Response:
        return self._data({"device_sn": self.serial})

    async def _v5_devsno(self, _r: web.Request) -> web.Response:
        return self._data({"dev_sno": self.dev_sno})

    def _v5_history_state(self) -> dict[str, Any]:
        return {
            "history_upload_event_url": list(self.history_urls),
            "history_need_reg_pic": True, "content-type": "json",
            "reported_peroid": self.history_period,
        }  # fmt: skip

    async def _v5_get_history(self, _r: web.Request) -> web.Response:
        return self._data(self._v5_history_state())

    async def _v5_set_history(self, request: web.Request) -> web.Response:
        body = await self._json(request)
        if isinstance(body, web.Response):
            return body
        urls = body.get("history_upload_event_url")
        if not isinstance(urls, list) or not all(isinstance(u, str) for u in urls):
            return self._error(40000, "history_upload_event_url must be a list", "BAD_REQUEST")
        self.history_urls = [u for u in urls if u]
        if isinstance(body.get("reported_peroid"), int | float):
            self.history_period = max(0.05, float(body["reported_peroid"]))
        self._notify()
        return self._data({"message": "ok", **self._v5_history_state()})

    async def _v5_get_realtime(self, _r: web.Request) -> web.Response:
        return self._data({"event_server_url": list(self.realtime_urls),
                           "real_need_reg_pic": False, "content-type": "json"})  # fmt: skip

    async def _v5_set_realtime(self, request: web.Request) -> web.Response:
        body = await self._json(request)
        if isinstance(body, web.Response):
            return body
        urls = body.get("event_server_url")
        if not isinstance(urls, list):
            return self._error(40000, "event_server_url must be a list", "BAD_REQUEST")
        self.realtime_urls = [u for u in urls if isinstance(u, str) and u]
        return await self._v5_get_realtime(request)

    async def _v5_get_monitor(self, _r: web.Request) -> web.Response:
        return self._data({"monitor_server_url": self.status_url,
                           "reported_peroid": self.status_period})  # fmt: skip

    async def _v5_set_monitor(self, request: web.Request) -> web.Response:
        body = await self._json(request)
        if isinstance(body, web.Response):
            return body
        url = body.get("monitor_server_url")
        if not isinstance(url, str):
            return self._error(40000, "monitor_server_url must be a string", "BAD_REQUEST")
        self.status_url = url
        if isinstance(body.get("reported_peroid"), int | float):
            self.status_period = max(0.05, float(body["reported_peroid"]))
        self._notify()
        return self._data("ok")

    async def _v5_configs(self, request: web.Request) -> web.Response:
        values = self.config_values()
        name = request.match_info.get("name")
        if name is None:
            return self._data(values)
        if name not in values:
            return self._error(40401, f"no config {name}", "ID_NOT_FOUND")
        return self._data({name: values[name]})

    async def _v5_put_configs(self, request: web.Request) -> web.Response:
        body = await self._json(request)
        if isinstance(body, web.Response):
            return body
        changes = body.get("config_dict")
        if not isinstance(changes, dict):
            return self._error(40000, "config_dict must be an object", "BAD_REQUEST")
        ok, failed = self.apply_configs(changes)
        return self._data({"failed_configs": failed, "success_configs": ok})

    async def _v5_get_system_monitor(self, _r: web.Request) -> web.Response:
        return self._data({"monitor_address_list": list(self.system_urls),
                           "report_period": self.system_period,
                           "dev_sno": self.reporter_id})  # fmt: skip

    async def _v5_set_system_monitor(self, request: web.Request) -> web.Response:
        body = await self._json(request)
        if isinstance(body, web.Response):
            return body
        urls = body.get("monitor_address_list")
        period = body.get("report_period")
        if not isinstance(urls, list) or not isinstance(period, int | float):
            return self._error(40000, "monitor_address_list and report_period are required",
                               "BAD_REQUEST")  # fmt: skip
        self.system_urls = [u for u in urls if isinstance(u, str) and u]
        self.system_period = max(0.05, float(period))
        self.reporter_id = str(body.get("dev_sno") or "")
        self._notify()
        return await self._v5_get_system_monitor(request)

    async def _v5_devices(self, request: web.Request) -> web.Response:
        wanted = request.query.get("device_id")
        devices = [
            {
                "device_id": c.device_id,
                "device_name": c.name,
                "device_type": c.type,
                "device_ip": c.ip,
                "device_key": c.key,
                "group_id": "g-1",
                "permission_id": "p-1",
                "netRelay": {},
            }
            for c in self.cameras
            if wanted is None or c.device_id == wanted
        ]
        return self._data({"devices_list": devices})

    async def _v5_events(self, request: web.Request) -> web.Response:
        q = request.query
        try:
            page = int(q.get("page", "0"))
            per_page = max(1, int(q.get("per_page", "10")))
            gte = float(q["datetime_gte"]) if "datetime_gte" in q else None
            lte = float(q["datetime_lte"]) if "datetime_lte" in q else None
        except ValueError:
            return self._error(40000, "bad query", "BAD_REQUEST")
        streams = _list_param(q.getall("streams", []))
        selected = self._select(gte, lte, streams)
        total = len(selected)
        chunk = selected[page * per_page : (page + 1) * per_page]
        return web.json_response({
            "data": [self.record(e) for e in chunk],
            "pagination": {"num_pages": math.ceil(total / per_page), "page": page,
                           "per_page": per_page, "total_count": total},
        })  # fmt: skip

    def _select(
        self, gte: float | None, lte: float | None, cameras: Iterable[str]
    ) -> list[BoxEvent]:
        """Newest first, like the box's own web page."""
        wanted = set(cameras)
        out = [
            e for e in self.events
            if (gte is None or e.record_seconds >= gte) and (lte is None or e.record_seconds <= lte)
            and (not wanted or e.camera.device_id in wanted)
        ]  # fmt: skip
        out.sort(key=lambda e: e.t, reverse=True)
        return out

    def _by_picture_id(self, pic_id: str) -> tuple[BoxEvent, str] | None:
        for ev in self.events:
            for kind, ident in (("spot", ev.spot_id), ("face", ev.face_id)):
                if pic_id in (ident, "00" + ident):
                    return ev, kind
        return None

    async def _v5_event_image(self, request: web.Request) -> web.Response:
        found = self._by_picture_id(request.match_info["id"])
        if found is None:
            return self._error(40401, "image not found", "ID_NOT_FOUND", 404)
        ev, kind = found
        if not (ev.sample.spot if kind == "spot" else ev.sample.face):
            return self._error(40401 if self.family == "v5" else "ID_NOT_FOUND", "no picture",
                               "ID_NOT_FOUND", 404)  # fmt: skip
        return web.Response(body=ev.sample.spot if kind == "spot" else ev.sample.face,
                            content_type="image/jpeg")  # fmt: skip

    def _register_bytes(self, image_id: str) -> bytes | None:
        for s in self.samples:
            if s.image_id and s.image_id == image_id and s.reg:
                return s.reg
        return None

    async def _v5_register_image(self, request: web.Request) -> web.Response:
        data = self._register_bytes(request.match_info["id"])
        if data is None:
            return self._error(40401, "image not found", "ID_NOT_FOUND", 404)
        return web.Response(body=data, content_type="image/jpeg")

    # ------------------------------------------------------------------ V6

    def _v6_routes(self, face: web.Application, system: web.Application) -> None:
        base = "/sophon/v2/face/"
        r = face.router
        for verb, handler in (
            ("login", self._v6_login), ("getconfigs", self._v6_getconfigs),
            ("setconfigs", self._v6_setconfigs), ("getevents", self._v6_getevents),
            ("getevent", self._v6_getevent), ("getmediadevices", self._v6_devices),
            ("checkeventimagepath", self._v6_image_path),
        ):  # fmt: skip
            r.add_post(base + verb, handler)
        r.add_get(base + "getspotimage/{id}", self._v6_spot)
        r.add_get(base + "getregisterimage/{id}", self._v6_register)
        sbase = "/sophon/v2/system/"
        s = system.router
        s.add_post(sbase + "login", self._v6_login)
        s.add_post(sbase + "getsoftwareversion", self._v6_version)
        s.add_post(sbase + "getdevicesn", self._v6_device_sn)
        s.add_post(sbase + "setsystemmonitorconfig", self._v6_set_monitor)
        s.add_post(sbase + "getsystemmonitorconfig", self._v6_get_monitor)

    async def _v6_login(self, request: web.Request) -> web.Response:
        body = await self._json(request)
        if isinstance(body, web.Response):
            return body
        if self._login(body, request.remote):
            return web.json_response({"result": True})
        return self._error("PASSWORD_ERROR", "username or password error")

    async def _v6_version(self, _r: web.Request) -> web.Response:
        return web.json_response({"nnsdk_version": "2.4.0_20210604_042200",
                                  "app_gate_version": self.version,
                                  "app_version_details": "sophon-gate"})  # fmt: skip

    async def _v6_device_sn(self, _r: web.Request) -> web.Response:
        return web.json_response({"device_sn": self.serial})

    async def _v6_getconfigs(self, request: web.Request) -> web.Response:
        body = await self._json(request)
        if isinstance(body, web.Response):
            return body
        values = self.config_values()
        name = body.get("config_name")
        if name is None:
            return web.json_response(values)
        if name not in values:
            return self._error("INVALID_ARGUMENTS", str(name))
        return web.json_response({name: values[name]})

    async def _v6_setconfigs(self, request: web.Request) -> web.Response:
        body = await self._json(request)
        if isinstance(body, web.Response):
            return body
        changes = body.get("config_dict")
        if not isinstance(changes, dict) or not changes:
            return self._error("MISSING_ARGUMENTS", "config_dict")
        _ok, failed = self.apply_configs(changes)
        if failed:
            return self._error("INVALID_ARGUMENTS", failed[-1])
        values = self.config_values()
        return web.json_response({k: values[k] for k in changes})

    async def _v6_set_monitor(self, request: web.Request) -> web.Response:
        body = await self._json(request)
        if isinstance(body, web.Response):
            return body
        url, period = body.get("device_monitor_url"), body.get("device_monitor_report_period")
        if not isinstance(url, str):
            return self._error("MISSING_ARGUMENTS", "device_monitor_url")
        if not isinstance(period, int | float):
            return self._error("MISSING_ARGUMENTS", "device_monitor_report_period")
        self.system_urls = [u.strip() for u in url.split(",") if u.strip()]
        self.system_period = max(0.05, float(period))
        self.reporter_id = str(body.get("reporter_id") or "")
        self._notify()
        # the doc's example reply names the keys differently from its table
        return web.json_response({"monitor_address_list": list(self.system_urls),
                                  "report_period": self.system_period,
                                  "reporter_id": self.reporter_id})  # fmt: skip

    async def _v6_get_monitor(self, _r: web.Request) -> web.Response:
        return web.json_response({"reporter_id": self.reporter_id,
                                  "device_monitor_url": ", ".join(self.system_urls),
                                  "device_monitor_report_period": self.system_period})  # fmt: skip

    async def _v6_devices(self, request: web.Request) -> web.Response:
        body = await self._json(request)
        if isinstance(body, web.Response):
            return body
        if time.monotonic() - self.started_at < self.devices_init_seconds:
            self.devices_init_errors += 1
            return self._error("DEVICE_INIT_ERROR", "device list is initialising")
        wanted = body.get("media_device_id")
        return web.json_response({"devices": [
            {**self._media_info(c), "media_device_url": c.key, "net_relay": {},
             "permission_id": "p-1"}
            for c in self.cameras if wanted in (None, c.device_id)
        ]})  # fmt: skip

    async def _v6_image_path(self, _r: web.Request) -> web.Response:
        return web.json_response({"event_image_path": "/data2/events", "available": True})

    async def _v6_getevents(self, request: web.Request) -> web.Response:
        body = await self._json(request)
        if isinstance(body, web.Response):
            return body
        filters = body.get("filters") or {}
        if not isinstance(filters, dict):
            return self._error("INVALID_ARGUMENTS", "filters")
        limit, index = body.get("page_limit", 10), body.get("page_index", 0)
        if not isinstance(limit, int) or limit < 1:
            return self._error("INVALID_ARGUMENTS", "page_limit")
        if not isinstance(index, int) or index < 0:
            return self._error("INVALID_ARGUMENTS", "page_index")
        scale = 1.0 if self.window_unit == "s" else 1000.0
        gte, lte = filters.get("datetime_gte"), filters.get("datetime_lte")
        selected = self._select(
            gte / scale if isinstance(gte, int | float) else None,
            lte / scale if isinstance(lte, int | float) else None,
            filters.get("media_device_ids") or [],
        )
        chunk = selected[index * limit : (index + 1) * limit]
        return web.json_response({
            "events": [self.record(e) for e in chunk],
            "pagination": {"page_index": index, "page_limit": limit, "total_count": len(selected)},
        })  # fmt: skip

    async def _v6_getevent(self, request: web.Request) -> web.Response:
        body = await self._json(request)
        if isinstance(body, web.Response):
            return body
        event_id = body.get("event_id")
        if not event_id:
            return self._error("MISSING_ARGUMENTS", "event_id")
        for ev in self.events:
            if ev.event_id == event_id:
                return web.json_response(self.record(ev))
        return self._error("ID_NOT_FOUND", str(event_id))

    async def _v6_spot(self, request: web.Request) -> web.Response:
        found = self._by_picture_id(request.match_info["id"])
        if found is None:
            return self._error("ID_NOT_FOUND", request.match_info["id"])
        ev, kind = found
        if not (ev.sample.spot if kind == "spot" else ev.sample.face):
            return self._error(40401 if self.family == "v5" else "ID_NOT_FOUND", "no picture",
                               "ID_NOT_FOUND", 404)  # fmt: skip
        return web.Response(body=ev.sample.spot if kind == "spot" else ev.sample.face,
                            content_type="image/jpeg")  # fmt: skip

    async def _v6_register(self, request: web.Request) -> web.Response:
        data = self._register_bytes(request.match_info["id"])
        return web.Response(body=data or self.blank, content_type="image/jpeg")

    # ------------------------------------------------------------------ WebSocket 5679

    async def _ws_handler(self, request: web.Request) -> web.StreamResponse:
        ws = web.WebSocketResponse(heartbeat=None)
        await ws.prepare(request)
        entry: tuple[web.WebSocketResponse, dict[str, Any]] | None = None
        try:
            async for msg in ws:
                if msg.type not in (aiohttp.WSMsgType.TEXT, aiohttp.WSMsgType.BINARY):
                    continue
                text = (
                    msg.data if isinstance(msg.data, str) else msg.data.decode("utf-8", "replace")
                )
                try:
                    config = json.loads(text)
                except ValueError:
                    continue  # the box ignores what it does not understand
                if not isinstance(config, dict) or not self._is_subscribe(config):
                    continue
                if entry is not None:
                    self._sockets.remove(entry)
                entry = (ws, config)
                self._sockets.append(entry)
        finally:
            if entry is not None and entry in self._sockets:
                self._sockets.remove(entry)
        return ws

    @property
    def _subscribe_key(self) -> str:
        v5_style = self.family == "v5" or self.ws_subscribe == "v5"
        return "event_list" if v5_style else "media_device_ids"

    def _is_subscribe(self, config: dict[str, Any]) -> bool:
        return isinstance(config.get(self._subscribe_key), list)

    def _broadcast(self, ev: BoxEvent) -> None:
        key = self._subscribe_key
        for ws, config in list(self._sockets):
            if ev.camera.device_id not in config.get(key, []) or ws.closed:
                continue
            text = json.dumps(self.ws_message(ev, config))
            self._spawn(_send_quietly(ws, text))

    @property
    def subscribers(self) -> int:
        return len(self._sockets)

    async def drop_websockets(self) -> None:
        """Cut every WebSocket client, as a box reboot or a network hiccup would."""
        for ws, _config in list(self._sockets):
            with contextlib.suppress(Exception):
                await ws.close()
        self._sockets.clear()

    # ------------------------------------------------------------------ pushers

    def _notify(self) -> None:
        """A config change or a new event: the pushers look again."""
        for wake in self._wakes:
            wake.set()

    async def _wait(self, which: int, seconds: float) -> None:
        wake = self._wakes[which]
        wake.clear()
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(wake.wait(), seconds)

    def _delivered(self, status: int, text: str) -> bool:
        if self.delivered_rule == "2xx":
            return 200 <= status < 300
        if self.delivered_rule == "code0":
            try:
                return status == 200 and json.loads(text).get("code") == 0
            except (ValueError, AttributeError):
                return False
        return status == 200

    async def _post(self, url: str, payload: Any, timeout: float) -> tuple[int, str] | None:
        assert self._session is not None
        if time.monotonic() < self.faults.receiver_down_until:
            return None  # connection refused: nothing reached the receiver
        data: Any = json.dumps(payload)
        headers = {"Content-Type": "application/json"}
        if self.push_encoding == "form-data" and isinstance(payload, dict):
            data, headers = aiohttp.FormData(default_to_multipart=True), {}
            for key, value in payload.items():
                text = value if isinstance(value, str) else json.dumps(value)
                data.add_field(key, text)
        try:
            async with self._session.post(
                url, data=data, headers=headers, timeout=aiohttp.ClientTimeout(total=timeout),
            ) as resp:  # fmt: skip
                return resp.status, await resp.text()
        except (TimeoutError, aiohttp.ClientError, OSError, ValueError) as exc:
            log.debug("box %s: post to %s failed: %s", self.address, url, exc)
            return None

    async def _history_loop(self) -> None:
        """Each period: every event not yet acknowledged by a URL, up to 100, to that URL."""
        next_at = time.monotonic()
        while True:
            await self._wait(0, max(0.0, next_at - time.monotonic()))
            if time.monotonic() < next_at:
                continue  # woken by a config change or a new event: keep the period
            next_at = time.monotonic() + self.history_period
            await asyncio.gather(*(self._push_history(url) for url in list(self.history_urls)))

    async def _push_history(self, url: str) -> None:
        """One cycle for one URL: a slow or dead URL does not hold up the others."""
        pending = [e for e in self.events if url not in e.delivered_to][:MAX_BATCH]
        if not pending:
            return
        if self.history_framing == "array":
            payloads = [self.push_payload(e) for e in pending]
            result = await self._post(url, payloads, PUSH_TIMEOUT)
            self.history_posts += 1
            if result is not None and self._delivered(*result):
                for e in pending:
                    e.delivered_to.add(url)
            return
        for e in pending:
            result = await self._post(url, self.push_payload(e), PUSH_TIMEOUT)
            self.history_posts += 1
            if result is None:
                return  # receiver down: the rest waits for the next cycle
            if self.faults.lose_replies > 0:
                self.faults.lose_replies -= 1
                continue  # stored by the receiver, but the box never saw the 200
            if self._delivered(*result):
                e.delivered_to.add(url)

    async def _push_realtime(self, ev: BoxEvent) -> None:
        for url in list(self.realtime_urls):
            self.realtime_posts += 1
            await self._post(url, self.realtime_payload(ev), REALTIME_TIMEOUT)

    def status_report(self) -> dict[str, Any]:
        """V2–V5: the flat report with cameras; V6: the camera report."""
        if self.family == "v5":
            return {
                "gateway_ip": self.address + " ", "gateway_name": "SE5", "gateway_status": "online",
                "gateway_sn": self.serial, "dev_sno": self.dev_sno, "gateway_port": 80,
                "gateway_ext_data": {
                    "sw_version": self.version, "sdk_version": " 2.4.0",
                    "gateway_mac": ":".join(self.mac[i : i + 2] for i in range(0, 12, 2)),
                    "cpu_usage": 6.5, "memory_size": 4.0, "memory_usage": 0.41,
                    "disk_size": 28.0, "disk_free_size": 17.5, "temperature": 51,
                },
                "sub_devices": [
                    {"ep_id": c.ep_id(self.mac), "ep_name": c.name, "ep_ip": c.ip,
                     "ep_status": self.camera_status[c.device_id], "ep_location": "",
                     "ep_type": "2"}
                    for c in self.cameras
                ],
            }  # fmt: skip
        return {
            "mq_license_key": self.dev_sno,
            self.camera_list_key: [
                {**self._media_info(c), "media_device_url": c.key,
                 "media_device_status": self.camera_status[c.device_id], "permission_id": "p-1"}
                for c in self.cameras
            ],
        }  # fmt: skip

    def system_report(self) -> dict[str, Any]:
        mac = ":".join(self.mac[i : i + 2] for i in range(0, 12, 2))
        if self.family == "v5":
            return {
                "gateway_ip": self.address, "gateway_name": "SE5", "gateway_status": "online",
                "gateway_sn": self.serial, "dev_sno": self.reporter_id or self.dev_sno,
                "gateway_port": 80,
                "gateway_ext_data": {"sw_version": self.version, "sdk_version": "2.4.0",
                                     "gateway_mac": mac, "cpu_info": {"cpu_rate": 0.12},
                                     "temperature": 50},
            }  # fmt: skip
        return {
            "gateway_ip": self.address, "gateway_name": "SE5", "gateway_status": "online",
            "gateway_sn": self.serial, "reporter_id": self.reporter_id, "gateway_mac": mac,
            "gateway_port": 80,
            "gateway_ext_data": {"cpu_info": {"cur_cpu_usage": 0.12, "cpu_cores": 8},
                                 "core_temperature": 52.5, "board_temperature": 44.0,
                                 "uptime": "3 days"},
        }  # fmt: skip

    async def _status_loop(self) -> None:
        """Each report channel at its period; a changed period counts from the last report."""
        sent: dict[str, float] = {}
        while True:
            channels = []
            if self.status_url:
                channels.append(
                    ("status", [self.status_url], self.status_period, self.status_report)
                )
            if self.system_urls:
                channels.append(
                    ("system", self.system_urls, self.system_period, self.system_report)
                )
            for name, urls, period, build in channels:
                if not self.reports_enabled or time.monotonic() < sent.get(name, -1e9) + period:
                    continue
                sent[name] = time.monotonic()
                for url in urls:
                    self.status_posts += 1
                    await self._post(url, build(), PUSH_TIMEOUT)
            waits = [sent.get(n, -1e9) + p - time.monotonic() for n, _u, p, _b in channels]
            await self._wait(1, min(1.0, max(0.02, min(waits, default=1.0))))


async def _send_quietly(ws: web.WebSocketResponse, text: str) -> None:
    with contextlib.suppress(Exception):
        await ws.send_str(text)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode() if data else ""


def _interleave(points: list[Any]) -> list[Any]:
    if len(points) == 10:
        return [v for i in range(5) for v in (points[i], points[i + 5])]
    return points


def _list_param(values: list[str]) -> list[str]:
    """``streams`` as repeated keys or one JSON array (the encoding is undocumented)."""
    out: list[str] = []
    for v in values:
        if v.startswith("["):
            with contextlib.suppress(ValueError):
                out.extend(str(x) for x in json.loads(v))
                continue
        out.extend(p for p in v.split(",") if p)
    return out
