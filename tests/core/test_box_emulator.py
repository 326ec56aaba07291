"""The box emulator behaves like BOX_API.md on the points a receiver relies on."""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from gui.core.box.emulator import BoxEmulator
from tests.core.loopback import free_box_address  # each box its own address, real ports


def run(coro: Awaitable[Any]) -> Any:
    return asyncio.run(asyncio.wait_for(coro, 60))


class Sink:
    """A receiver stand-in that can fail, be slow, and records what it got."""

    def __init__(self) -> None:
        self.bodies: list[tuple[str, Any, float, str]] = []
        self.fail_next = 0
        self.delay = 0.0
        self.runner: web.AppRunner | None = None
        self.url = ""

    async def handle(self, request: web.Request) -> web.Response:
        body = json.loads(await request.read())
        if self.delay:
            await asyncio.sleep(self.delay)
        self.bodies.append((request.path, body, time.monotonic(), request.remote or ""))
        if self.fail_next > 0:
            self.fail_next -= 1
            return web.json_response({"code": 503}, status=503)
        return web.json_response({"code": 0, "status": 0, "message": "SUCCESS"})

    async def start(self) -> str:
        app = web.Application()
        app.router.add_post("/{tail:.*}", self.handle)
        self.runner = web.AppRunner(app)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{port}"
        return self.url

    async def stop(self) -> None:
        if self.runner is not None:
            await self.runner.cleanup()

    def paths(self, path: str) -> list[Any]:
        return [b for p, b, _t, _r in self.bodies if p == path]


async def until(predicate: Callable[[], Any], timeout: float = 10.0) -> Any:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            return predicate()
        await asyncio.sleep(0.02)
    return predicate()


def with_box(family: str, **options: Any):
    def deco(test: Callable[..., Awaitable[Any]]):
        def wrapper() -> None:
            async def main() -> None:
                box = BoxEmulator(family, free_box_address(), seed=7, **options)
                sink = Sink()
                await sink.start()
                await box.start()
                try:
                    await test(box, sink)
                finally:
                    await box.stop()
                    await sink.stop()

            run(main())

        wrapper.__name__ = test.__name__
        return wrapper

    return deco


async def get(url: str) -> tuple[int, Any]:
    async with aiohttp.ClientSession() as s, s.get(url) as r:
        body = await r.read()
        try:
            return r.status, json.loads(body)
        except ValueError:
            return r.status, body


async def post(url: str, body: Any) -> tuple[int, Any]:
    async with aiohttp.ClientSession() as s, s.post(url, json=body) as r:
        data = await r.read()
        try:
            return r.status, json.loads(data)
        except ValueError:
            return r.status, data


# ------------------------------------------------------------------ V2–V5


@with_box("v5", history_period=0.2)
async def test_v5_history_url_drives_pushes_retried_until_200(box: BoxEmulator, sink: Sink):
    base = f"http://{box.address}:5555"
    url = sink.url + "/EventServer/api/HistoryEvent"
    status, reply = await post(
        base + "/SophonFogSys/api/HistoryEventUrl",
        {"history_upload_event_url": ["http://127.0.0.1:9/other", url],
         "content-type": "json", "reported_peroid": 0.2},
    )  # fmt: skip
    assert status == 200 and reply["data"]["history_upload_event_url"][1] == url
    _, got = await get(base + "/SophonFogSys/api/HistoryEventUrl")
    assert got["data"]["history_upload_event_url"] == ["http://127.0.0.1:9/other", url]
    # When each cycle for the URL begins (the sink's arrival times add the network's jitter).
    cycles: list[float] = []
    push_history = box._push_history

    def recording_push_history(to: str) -> Awaitable[None]:
        if to == url:  # called as the cycle begins, before its coroutine is scheduled
            cycles.append(time.monotonic())
        return push_history(to)

    box._push_history = recording_push_history  # type: ignore[method-assign]
    sink.fail_next = 2
    made = box.generate(3)
    await until(lambda: len(sink.paths("/EventServer/api/HistoryEvent")) >= 5)
    bodies = sink.paths("/EventServer/api/HistoryEvent")
    # the first two were refused, and sent again next cycle
    assert [b["timestamp"] for b in bodies].count(made[0].ms) >= 2
    await until(lambda: all(url in e.delivered_to for e in made))
    delivered = [b["timestamp"] for b in sink.paths("/EventServer/api/HistoryEvent")]
    assert sorted(set(delivered)) == sorted(e.ms for e in made)
    first = bodies[0]
    assert first["api_version"] == "1.0" and first["spot_pic"].startswith("/9j/")
    assert first["ep_info"]["ep_id"].startswith("0x" + box.mac + "__")
    # pushes leave from the box's own address
    assert {r for *_x, r in sink.bodies} == {box.address}
    # the period holds between retries: cycles begin a full period apart
    assert len(cycles) >= 2
    assert all(later - earlier >= 0.199 for earlier, later in itertools.pairwise(cycles))  # to 1 ms


@with_box("v5")
async def test_v5_realtime_push_gives_up_after_half_a_second(box: BoxEmulator, sink: Sink):
    base = f"http://{box.address}:5555"
    await post(base + "/SophonFogSys/api/EventServerUrl",
               {"event_server_url": [sink.url + "/EventServer/api/RealTimeEvent"],
                "content-type": "json"})  # fmt: skip
    sink.delay = 1.5
    started = time.monotonic()
    box.generate(1)
    await until(lambda: box.realtime_posts == 1)
    await asyncio.sleep(0.8)
    assert box.realtime_posts == 1  # no retry
    await until(lambda: sink.bodies)
    body = sink.bodies[0][1]
    assert "ep_id" not in body["ext_data"] and "dev_sno" not in body["ext_data"]
    assert body["ext_data"]["device_ip"].startswith("192.0.2.")
    assert time.monotonic() - started < 5


@with_box("v5", status_period=0.2)
async def test_v5_monitor_url_drives_flat_health_reports(box: BoxEmulator, sink: Sink):
    base = f"http://{box.address}:5555"
    _status, reply = await post(base + "/SophonFogSys/api/MonitorServerUrl",
                               {"monitor_server_url": sink.url + "/DeviceStatus",
                                "content-type": "json", "reported_peroid": 0.2})  # fmt: skip
    assert reply == {"data": "ok"}
    await until(lambda: len(sink.paths("/DeviceStatus")) >= 2)
    report = sink.paths("/DeviceStatus")[0]
    assert report["gateway_sn"] == box.serial and report["sub_devices"]
    box.reports_enabled = False
    seen = len(sink.paths("/DeviceStatus"))
    await asyncio.sleep(0.5)
    assert len(sink.paths("/DeviceStatus")) <= seen + 1


@with_box("v5")
async def test_v5_configs_and_login(box: BoxEmulator, sink: Sink):
    face, system = f"http://{box.address}:5555", f"http://{box.address}:8888"
    status, reply = await post(system + "/SophonSystem/api/login",
                               {"username": "admin", "password": "nope"})  # fmt: skip
    assert "error" in reply and isinstance(reply["error"]["code"], int)
    _, reply = await post(system + "/SophonSystem/api/login",
                          {"username": "admin", "password": "admin"})  # fmt: skip
    assert reply == {"data": {"success": True}}
    change = {"config_dict": {"HISTORY_UPLOAD_EVENT_URL": "http://a/x,http://b/y,", "NOPE": 1}}
    async with (
        aiohttp.ClientSession() as s,
        s.put(face + "/SophonConfig/api/Configs", json=change) as r,
    ):
        reply = await r.json()
    assert reply["data"] == {"failed_configs": ["NOPE"],
                             "success_configs": ["HISTORY_UPLOAD_EVENT_URL"]}  # fmt: skip
    assert box.history_urls == ["http://a/x", "http://b/y"]
    _, got = await get(face + "/SophonConfig/api/Configs/HISTORY_UPLOAD_EVENT_URL")
    assert got == {"data": {"HISTORY_UPLOAD_EVENT_URL": "http://a/x,http://b/y,"}}
    status, body = await get(face + "/sophon/v2/face/getconfigs")
    assert status == 404 and not isinstance(body, dict)  # not a V6 box
    _, bad = await post(face + "/SophonFogSys/api/HistoryEventUrl", "not an object")
    assert "error" in bad


@with_box("v5")
async def test_v5_store_pages_and_pictures(box: BoxEmulator, sink: Sink):
    face = f"http://{box.address}:5555"
    made = box.generate(25, t=1_700_000_000.0, step=10)
    _, page0 = await get(face + "/SophonFace/api/events?per_page=10&page=0")
    assert page0["pagination"] == {"num_pages": 3, "page": 0, "per_page": 10, "total_count": 25}
    _, page2 = await get(face + "/SophonFace/api/events?per_page=10&page=2")
    assert len(page2["data"]) == 5
    _, window = await get(
        face + "/SophonFace/api/events?per_page=50&page=0"
        "&datetime_gte=1700000050&datetime_lte=1700000100"
    )
    assert window["pagination"]["total_count"] == 6
    record = window["data"][0]
    assert isinstance(record["timestamp"], float) and "common" in record
    ev = next(e for e in made if f"{e.t:.6f}" == record["_id"])
    status, spot = await get(
        f"{face}/SophonFace/api/event_images/{record['common']['spot_pic_id']}"
        f"?datetime={record['timestamp']}"
    )
    assert status == 200 and spot == ev.sample.spot
    crop_id = record["common"]["recognize_face_pic_id"]
    if ev.sample.face:
        _, crop = await get(f"{face}/SophonFace/api/event_images/{crop_id}")
        assert crop == ev.sample.face
    else:
        assert crop_id == ""  # no face crop: the record names none
    _, missing = await get(face + "/SophonFace/api/event_images/nope")
    assert "error" in missing
    cam = box.cameras[0].device_id
    _, one_cam = await get(face + f"/SophonFace/api/events?per_page=50&page=0&streams={cam}")
    assert all(r["common"]["ep_info"]["device_id"] == cam for r in one_cam["data"])
    _, devices = await get(face + "/SophonDevice/api/Devices")
    assert [d["device_id"] for d in devices["data"]["devices_list"]] == [
        c.device_id for c in box.cameras
    ]


@with_box("v5")
async def test_v5_websocket_silent_until_subscribed(box: BoxEmulator, sink: Sink):
    async with aiohttp.ClientSession() as s, s.ws_connect(f"http://{box.address}:5679") as ws:
        box.generate(1)
        with pytest.raises(asyncio.TimeoutError):
            await ws.receive(timeout=0.3)
        cam = box.cameras[0]
        await ws.send_str(json.dumps({"need_face": True, "need_register": False,
                                      "event_list": [cam.device_id]}))  # fmt: skip
        await until(lambda: box.subscribers == 1)
        box.generate(1, camera=1)  # not subscribed
        ev = box.generate(1, camera=0)[0]
        msg = json.loads((await ws.receive(timeout=3)).data)
        assert msg["device_id"] == cam.device_id and msg["timestamp"] == ev.ms
        assert msg["ext_data"]["recognize_face"] and "ep_id" not in msg
        await box.drop_websockets()
        closed = await ws.receive(timeout=3)
        assert closed.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED)


# ------------------------------------------------------------------ V6


@with_box("v6", history_period=0.2, status_period=0.2, camera_list_key="media_devices")
async def test_v6_configs_drive_2_0_pushes_and_reports(box: BoxEmulator, sink: Sink):
    face, system = f"http://{box.address}:5555", f"http://{box.address}:8888"
    _, reply = await post(face + "/sophon/v2/face/setconfigs", {"config_dict": {
        "HISTORY_EVENT_UPLOAD_URL": sink.url + "/EventServer/api/HistoryEvent"}})  # fmt: skip
    assert reply == {"HISTORY_EVENT_UPLOAD_URL": sink.url + "/EventServer/api/HistoryEvent"}
    await post(
        face + "/sophon/v2/face/setconfigs",
        {"config_dict": {"MEDIA_DEVICE_MONITOR_URL": sink.url + "/DeviceStatus"}},
    )
    monitor = {"device_monitor_url": sink.url + "/DeviceStatus",
               "device_monitor_report_period": 0.2, "reporter_id": "BOX-1"}  # fmt: skip
    _, reply = await post(system + "/sophon/v2/system/setsystemmonitorconfig", monitor)
    assert reply["reporter_id"] == "BOX-1"
    _, bad = await post(face + "/sophon/v2/face/setconfigs", {"config_dict": {"NOPE": 1}})
    assert bad == {"error": {"code": "INVALID_ARGUMENTS", "message": "NOPE"}}
    ev = box.generate(1)[0]
    await until(lambda: sink.paths("/EventServer/api/HistoryEvent"))
    pushed = sink.paths("/EventServer/api/HistoryEvent")[0]
    assert pushed["api_version"] == "2.0" and pushed["timestamp"] == ev.ms
    assert pushed["media_device_info"]["media_device_id"] == ev.camera.device_id
    await until(lambda: len(sink.paths("/DeviceStatus")) >= 2)
    reports = sink.paths("/DeviceStatus")
    assert any("media_devices" in r for r in reports)
    assert any(r.get("reporter_id") == "BOX-1" and r.get("gateway_sn") == box.serial
               for r in reports)  # fmt: skip


@with_box("v6", record_unit="ms", window_unit="ms")
async def test_v6_store_in_milliseconds_when_switched(box: BoxEmulator, sink: Sink):
    face = f"http://{box.address}:5555"
    made = box.generate(12, t=1_700_000_000.0, step=1)
    _, page = await post(face + "/sophon/v2/face/getevents", {
        "filters": {"datetime_gte": 1_700_000_003_000, "datetime_lte": 1_700_000_006_000},
        "page_limit": 2, "page_index": 1})  # fmt: skip
    assert page["pagination"] == {"page_index": 1, "page_limit": 2, "total_count": 4}
    record = page["events"][0]
    assert record["timestamp"] > 1e11
    ev = next(e for e in made if e.event_id == record["event_id"])
    _, one = await post(face + "/sophon/v2/face/getevent", {"event_id": ev.event_id})
    assert one["event_id"] == ev.event_id
    status, spot = await get(f"{face}/sophon/v2/face/getspotimage/{record['spot_image_id']}"
                             f"?timestamp={record['timestamp']}")  # fmt: skip
    assert spot == ev.sample.spot
    status, blank = await get(face + "/sophon/v2/face/getregisterimage/unknown")
    assert status == 200 and blank[:2] == b"\xff\xd8"
    _, err = await post(face + "/sophon/v2/face/getevent", {"event_id": "nope"})
    assert err["error"]["code"] == "ID_NOT_FOUND"


@with_box("v6")
async def test_v6_websocket_flat_message(box: BoxEmulator, sink: Sink):
    async with aiohttp.ClientSession() as s, s.ws_connect(f"http://{box.address}:5679") as ws:
        await ws.send_str(
            json.dumps(
                {
                    "with_face_image": True,
                    "with_register_image": True,
                    "media_device_ids": [c.device_id for c in box.cameras],
                }
            )
        )
        await until(lambda: box.subscribers == 1)
        ev = box.generate(1, sample="employee_match")[0]
        msg = json.loads((await ws.receive(timeout=3)).data)
        assert msg["timestamp"] == ev.ms and msg["media_device_id"] == ev.camera.device_id
        assert msg["recognize_face_image"].startswith("data:image/jpeg;base64,")
        assert msg["register_image"].startswith("data:image/jpeg;base64,")
        assert "media_device_info" not in msg


def test_simulate_box_command_parses() -> None:
    from gui.cli import build_parser

    args = build_parser().parse_args(["simulate", "--box", "v6", "--address", "127.0.0.9"])
    assert args.box == "v6" and args.address == "127.0.0.9" and args.base_url is None


@pytest.mark.parametrize(
    ("family", "urls_key", "period_key", "status_key", "read_only", "joined"),
    [
        ("v5", "HISTORY_UPLOAD_EVENT_URL", "REPORTED_PEROID", "WEB_HEART_URL", "DEV_SNO",
         "http://a/h,http://b/h,"),
        ("v6", "HISTORY_EVENT_UPLOAD_URL", "HISTORY_REPORT_PEROID", "MEDIA_DEVICE_MONITOR_URL",
         "MQ_LICENSE_KEY", "http://a/h,http://b/h"),
    ],
)  # fmt: skip
def test_one_config_table_per_family(
    family: str, urls_key: str, period_key: str, status_key: str, read_only: str, joined: str
) -> None:
    """Both families set configs through one table: push settings really move, read-only
    and wrongly typed values are refused, and reading back shows the family's spelling."""
    box = BoxEmulator(family, "127.0.0.1", seed=7)
    ok, failed = box.apply_configs({
        urls_key: " http://a/h , http://b/h,", period_key: 7, status_key: "http://s/",
        read_only: "X", "NO_SUCH": 1,
    })  # fmt: skip
    assert ok == [urls_key, period_key, status_key] and failed == [read_only, "NO_SUCH"]
    assert box.history_urls == ["http://a/h", "http://b/h"] and box.history_period == 7.0
    assert box.status_url == "http://s/"
    values = box.config_values()
    assert values[urls_key] == joined and values[period_key] == 7.0
    assert values[read_only] == box.dev_sno
    assert box.apply_configs({period_key: True}) == ([], [period_key])  # a bool is no period
