"""A client for the box's own API, both families (BOX_API.md §2–§7).

Tolerant by design, because nothing here was checked against a real box: a
reply is judged by its body (an ``error`` key is a failure whatever the HTTP
status; a non-JSON body means the endpoint is not there), ``error.code`` may be
an int or a name, record times may be seconds or milliseconds. Every failure a
user can act on is a :class:`BoxError` with a plain message and a kind the API
maps to a status (unreachable 502, timeout 504, rejected login 401).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
import re
import socket
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol
from urllib.parse import quote, urlencode, urlsplit

import aiohttp
import yarl

DEFAULT_PORTS = {"face": 5555, "system": 8888, "ws": 5679}
PROBE_TIMEOUT = 2.5
CALL_TIMEOUT = 10.0
DESCRIBE_TIMEOUT = 9.5
_VERSION = re.compile(r"V(\d+)R(\d+)C(\d+)")

HISTORY_PATH = "/EventServer/api/HistoryEvent"
REALTIME_PATH = "/EventServer/api/RealTimeEvent"
STATUS_PATH = "/DeviceStatus"


class BoxError(Exception):
    """Something a user can act on. ``kind``: unreachable, timeout, auth, firmware, box."""

    STATUS: ClassVar[dict[str, int]] = {
        "unreachable": 502,
        "timeout": 504,
        "auth": 401,
        "firmware": 502,
        "box": 502,
    }

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message

    @property
    def http_status(self) -> int:
        return self.STATUS.get(self.kind, 502)


class NotPresent(Exception):
    """The endpoint answered with something that is not JSON (an HTML 404...)."""


@dataclass(frozen=True)
class Camera:
    """A camera as the box lists it; ``id`` is the uuid both families use in events."""

    id: str
    name: str
    type: str
    ip: str
    key: str  # camera IP (photo) or stream URL (rtsp): the tail of a V2–V5 ep_id

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "type": self.type, "ip": self.ip, "key": self.key}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Camera:
        return cls(*(str(data.get(k) or "") for k in ("id", "name", "type", "ip", "key")))


@dataclass
class BoxInfo:
    """What adding a box learns about it."""

    family: str  # "v5" (V2–V5 doc sets) or "v6"
    firmware: str  # "V5R7C01" or "" when only the family is known
    serial: str = ""  # hardware SN = gateway_sn in reports
    licence: str = ""  # dev_sno / mq_license_key
    mac: str = ""  # 12 hex digits
    push: dict[str, list[str]] = field(default_factory=dict)
    cameras: list[Camera] = field(default_factory=list)
    #: The match threshold and the scale it is on ("0-100" display score), when readable.
    threshold: float | None = None
    score_scale: str | None = None
    #: The camera list was still initialising (V6 DEVICE_INIT_ERROR): read it again later.
    cameras_pending: bool = False


def error_of(body: Any) -> tuple[str, str] | None:
    """``(code, message)`` of a box error reply (either family), else None."""
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        err = body["error"]
        return str(err.get("code", "")), str(err.get("message", ""))
    return None


def _looks_like_auth(code: str, message: str) -> bool:
    text = f"{code} {message}".lower()
    return any(w in text for w in ("password", "login", "auth", "401", "403", "permission"))


def firmware_of(text: Any) -> str:
    m = _VERSION.search(str(text or ""))
    return f"V{m.group(1)}R{m.group(2)}C{m.group(3).zfill(2)}" if m else ""


def normalise_mac(value: Any) -> str:
    text = str(value or "").lower().replace("0x", "").replace(":", "").replace("-", "").strip()
    return text if re.fullmatch(r"[0-9a-f]{12}", text) else ""


def split_urls(value: Any) -> list[str]:
    """A URL list as the box stores it: a JSON list, or one comma-separated string."""
    if isinstance(value, list):
        items = [str(v) for v in value]
    elif isinstance(value, str):
        items = value.split(",")
    else:
        items = []
    return [u.strip() for u in items if u and u.strip()]


def local_address_towards(host: str, port: int = 5555) -> str:
    """This PC's address on the interface that faces ``host`` (no packet is sent)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect((host, port))
            return s.getsockname()[0]
        except OSError:
            return "127.0.0.1"


class BoxClient:
    """One box at one address. Use as ``async with BoxClient(...) as box``."""

    def __init__(
        self,
        address: str,
        username: str = "admin",
        password: str = "admin",
        *,
        ports: dict[str, int] | None = None,
        family: str | None = None,
    ) -> None:
        self.address = address
        self.username = username
        self.password = password
        self.ports = {**DEFAULT_PORTS, **(ports or {})}
        self.family = family
        self.firmware = ""
        self._session: aiohttp.ClientSession | None = None
        self._logged_in = False
        self._login_path: tuple[str, str] | None = None
        #: The last ``cameras()`` found the box's camera list still initialising.
        self.cameras_pending = False

    async def __aenter__(self) -> BoxClient:
        self.session()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    def session(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            # unsafe=True keeps cookies from a plain IP address (a login might set one)
            self._session = aiohttp.ClientSession(
                cookie_jar=aiohttp.CookieJar(unsafe=True),
                connector=aiohttp.TCPConnector(limit=8),
            )
        return self._session

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    def url(self, service: str, path: str) -> str:
        return f"http://{self.address}:{self.ports[service]}{path}"

    @property
    def ws_url(self) -> str:
        return f"ws://{self.address}:{self.ports['ws']}"

    # -- raw calls -------------------------------------------------------------------

    async def _call(
        self,
        method: str,
        service: str,
        path: str,
        body: Any = None,
        *,
        timeout: float = CALL_TIMEOUT,
        params: dict[str, Any] | None = None,
        retry_auth: bool = True,
    ) -> Any:
        """JSON in, JSON out; raises BoxError (failure), NotPresent (no such endpoint)."""
        url = self.url(service, path)
        try:
            async with self.session().request(
                method, url, json=body, params=params,
                timeout=aiohttp.ClientTimeout(total=timeout),
            ) as resp:  # fmt: skip
                raw = await resp.read()
                status = resp.status
        except TimeoutError:
            raise BoxError("timeout", f"{url}: no answer within {timeout:g} s") from None
        except aiohttp.ClientConnectorError as exc:
            raise BoxError("unreachable", f"cannot connect to {url}: {exc.os_error}") from None
        except (aiohttp.ClientError, OSError) as exc:
            raise BoxError("unreachable", f"{url}: connection lost ({exc})") from None
        try:
            value = json.loads(raw)
        except ValueError:
            raise NotPresent(f"{url} answered {status} without JSON") from None
        err = error_of(value)
        if err is not None or status in (401, 403):
            code, message = err or (str(status), "")
            if (status in (401, 403) or _looks_like_auth(code, message)) and retry_auth:
                self._logged_in = False
                await self.login()
                return await self._call(method, service, path, body, timeout=timeout,
                                        params=params, retry_auth=False)  # fmt: skip
            if status in (401, 403) or _looks_like_auth(code, message):
                raise BoxError("auth", f"the box refused the credentials ({code} {message})")
            raise BoxError("box", f"{path}: the box answered error {code} {message}".strip())
        return value

    async def _bytes(self, url: str) -> bytes:
        """A picture; raises BoxError when the box answers with an error instead."""
        try:
            async with self.session().get(
                url, timeout=aiohttp.ClientTimeout(total=CALL_TIMEOUT)
            ) as resp:
                data = await resp.read()
                status = resp.status
        except TimeoutError:
            raise BoxError("timeout", f"{url}: no answer within {CALL_TIMEOUT:g} s") from None
        except (aiohttp.ClientError, OSError) as exc:
            raise BoxError("unreachable", f"{url}: {exc}") from None
        return _picture(url, status, data)

    # -- who is there ----------------------------------------------------------------

    async def _port_open(self, port: int) -> str:
        """ "open", "refused" or "timeout"."""
        try:
            _reader, writer = await asyncio.wait_for(
                asyncio.open_connection(self.address, port), PROBE_TIMEOUT
            )
        except TimeoutError:
            return "timeout"
        except OSError:
            return "refused"
        writer.close()
        with contextlib.suppress(Exception):
            await writer.wait_closed()
        return "open"

    async def probe(self) -> tuple[str, str]:
        """``(family, firmware)`` by BOX_API.md §3's order; the first positive answer decides."""
        face, system = await asyncio.gather(
            self._port_open(self.ports["face"]), self._port_open(self.ports["system"])
        )
        if face != "open" and system != "open":
            if "timeout" in (face, system):
                raise BoxError(
                    "timeout",
                    f"nothing answers at {self.address} (ports {self.ports['face']} and "
                    f"{self.ports['system']} timed out): check the address and the network",
                )
            raise BoxError(
                "unreachable",
                f"{self.address} refuses connections on ports {self.ports['face']} and "
                f"{self.ports['system']}: not a Sophon box, or its services are down",
            )
        t = PROBE_TIMEOUT
        family = firmware = ""
        steps: tuple[tuple[str, str, str, dict[str, Any] | None], ...] = (
            (
                "POST",
                "face",
                "/sophon/v2/face/getconfigs",
                {"config_name": "HISTORY_REPORT_PEROID"},
            ),
            ("POST", "system", "/sophon/v2/system/getsoftwareversion", {}),
            ("GET", "system", "/SophonSystem/api/systemVersion", None),
            ("GET", "face", "/SophonConfig/api/Configs/PRODUCT_TYPE", None),
            ("GET", "face", "/SophonFogSys/api/HistoryEventUrl", None),
            ("GET", "face", "/SophonMQ/api/DevSno", None),
        )
        for method, service, path, body in steps:
            if (face if service == "face" else system) != "open":
                continue
            try:
                value = await self._call(method, service, path, body, timeout=t, retry_auth=False)
            except NotPresent:
                continue
            except BoxError as exc:
                if "sophon/v2" in path and exc.kind in ("box", "auth"):
                    family = "v6"  # a V6 error (string code) still says V6
                    break
                if exc.kind == "auth":
                    family = "v5"
                    break
                continue
            if "sophon/v2" in path:
                family = "v6"
                firmware = (
                    firmware_of(value.get("app_gate_version")) if isinstance(value, dict) else ""
                )
                if firmware:
                    break
                continue
            if isinstance(value, dict) and "data" in value:
                family = "v5"
                data = value["data"]
                if path.endswith("systemVersion") and isinstance(data, dict):
                    firmware = firmware_of(data.get("version"))
                elif path.endswith("PRODUCT_TYPE"):
                    firmware = "V5R7C01"
                break
        if family == "v6" and not firmware:
            with contextlib.suppress(BoxError, NotPresent):
                value = await self._call("POST", "system", "/sophon/v2/system/getsoftwareversion",
                                         {}, timeout=t, retry_auth=False)  # fmt: skip
                firmware = firmware_of(value.get("app_gate_version"))
        if not family:
            raise BoxError(
                "firmware",
                f"{self.address} answers, but not like any Sophon firmware we know "
                "(V2R1 … V6R2): no version, config or event-URL call worked",
            )
        self.family, self.firmware = family, firmware
        return family, firmware

    async def login(self) -> None:
        """Log in where the family has a login; harmless where it has none."""
        if self.family is None:
            await self.probe()
        creds = {"username": self.username, "password": self.password}
        candidates = (
            [("face", "/sophon/v2/face/login"), ("system", "/sophon/v2/system/login")]
            if self.family == "v6"
            else [("system", "/SophonSystem/api/login"), ("system", "/SophonConfig/api/login")]
        )
        if self._login_path is not None:
            candidates = [self._login_path]
        for service, path in candidates:
            try:
                value = await self._call("POST", service, path, creds, timeout=PROBE_TIMEOUT,
                                         retry_auth=False)  # fmt: skip
            except NotPresent:
                continue
            except BoxError as exc:
                if exc.kind in ("box", "auth"):
                    raise BoxError(
                        "auth", f"the box at {self.address} rejected the user name or password"
                    ) from None
                if exc.kind == "unreachable":
                    continue
                raise
            ok = (
                value.get("result")
                if self.family == "v6"
                else (value.get("data") or {}).get("success")
            )
            if ok is False:
                raise BoxError(
                    "auth", f"the box at {self.address} rejected the user name or password"
                )
            self._login_path = (service, path)
            self._logged_in = True
            return
        self._logged_in = True  # older firmware documents no login at all

    # -- reads -----------------------------------------------------------------------

    async def identity(self) -> tuple[str, str, str]:
        """``(serial, licence code, mac)``; whatever this firmware tells."""
        serial = licence = mac = ""
        if self.family == "v6":
            with contextlib.suppress(BoxError, NotPresent):
                sn = await self._call("POST", "system", "/sophon/v2/system/getdevicesn", {})
                serial = str(sn.get("device_sn") or "")
            with contextlib.suppress(BoxError, NotPresent):
                licence = str((await self._call("POST", "face", "/sophon/v2/face/getconfigs",
                                                {"config_name": "MQ_LICENSE_KEY"})
                               ).get("MQ_LICENSE_KEY") or "")  # fmt: skip
            return serial, licence, mac
        with contextlib.suppress(BoxError, NotPresent):
            data = (await self._call("GET", "system", "/SophonSystem/api/deviceSN")).get("data")
            serial = str((data or {}).get("device_sn") or "") if isinstance(data, dict) else ""
        with contextlib.suppress(BoxError, NotPresent):
            data = (await self._call("GET", "face", "/SophonMQ/api/DevSno")).get("data")
            licence = str((data or {}).get("dev_sno") or "") if isinstance(data, dict) else ""
        with contextlib.suppress(BoxError, NotPresent):
            data = (await self._call("GET", "face", "/SophonConfig/api/Configs/BOX_MAC")).get(
                "data"
            )
            mac = normalise_mac((data or {}).get("BOX_MAC")) if isinstance(data, dict) else ""
        return serial, licence, mac

    async def score_config(self) -> tuple[float | None, str | None]:
        """``(threshold, scale)``: V6 ``MATCH_THRESHOLD``, V5R7 ``THRESHOLD`` /
        ``THRESHOLD_RANGE``, else ``PrettyScore``'s ``threshold_range [low, knee, high]``
        (FIRMWARE_VARIANTS.md §9). Both are on the 0–100 display scale."""

        def number(value: Any) -> float | None:
            try:
                result = float(value)
            except (TypeError, ValueError):
                return None
            return result if math.isfinite(result) else None

        if self.family == "v6":
            with contextlib.suppress(BoxError, NotPresent):
                values = await self._call(
                    "POST", "face", "/sophon/v2/face/getconfigs", {"config_name": "MATCH_THRESHOLD"}
                )
                found = number(values.get("MATCH_THRESHOLD")) if isinstance(values, dict) else None
                if found is not None:
                    return found, "0-100"
            return None, None
        with contextlib.suppress(BoxError, NotPresent):
            data = (await self._call("GET", "face", "/SophonConfig/api/Configs/THRESHOLD")).get(
                "data"
            )
            found = number((data or {}).get("THRESHOLD")) if isinstance(data, dict) else None
            if found is not None:
                return found, "0-100"
        with contextlib.suppress(BoxError, NotPresent):
            data = (await self._call("GET", "face", "/SophonFogSys/api/PrettyScore")).get("data")
            knees = (data or {}).get("threshold_range") if isinstance(data, dict) else None
            if isinstance(knees, list) and len(knees) == 3:
                high, knee = number(knees[2]), number(knees[1])
                if knee is not None:
                    return knee, "0-100" if high is not None and high > 1 else "0-1"
        return None, None

    async def cameras(self) -> list[Camera]:
        if self.family == "v6":
            for _attempt in range(3):
                try:
                    value = await self._call("POST", "face", "/sophon/v2/face/getmediadevices", {})
                    break
                except BoxError as exc:
                    if "DEVICE_INIT_ERROR" not in exc.message:
                        raise
                    await asyncio.sleep(1.0)
            else:
                # Still initialising after ~3 s: say so rather than "no cameras".
                self.cameras_pending = True
                return []
            self.cameras_pending = False
            return [
                Camera(str(d.get("media_device_id") or ""), str(d.get("media_device_name") or ""),
                       str(d.get("media_device_type") or ""), str(d.get("media_device_ip") or ""),
                       str(d.get("media_device_url") or d.get("media_device_ip") or ""))
                for d in value.get("devices") or [] if isinstance(d, dict)
            ]  # fmt: skip
        try:
            value = await self._call("GET", "face", "/SophonDevice/api/Devices")
        except NotPresent:
            return []
        data = value.get("data") if isinstance(value, dict) else None
        items = (data or {}).get("devices_list") if isinstance(data, dict) else None
        return [
            Camera(str(d.get("device_id") or ""), str(d.get("device_name") or ""),
                   str(d.get("device_type") or ""), str(d.get("device_ip") or ""),
                   str(d.get("device_key") or d.get("device_ip") or ""))
            for d in items or [] if isinstance(d, dict)
        ]  # fmt: skip

    async def push_urls(self) -> dict[str, list[str]]:
        """The box's current push targets: ``history``, ``realtime``, ``status``, ``system``."""
        out: dict[str, list[str]] = {}
        if self.family == "v6":
            values = await self._call("POST", "face", "/sophon/v2/face/getconfigs", {})
            out["history"] = split_urls(values.get("HISTORY_EVENT_UPLOAD_URL"))
            status = values.get("MEDIA_DEVICE_MONITOR_URL", values.get("WEB_HEART_URL"))
            out["status"] = split_urls(status)
            with contextlib.suppress(BoxError, NotPresent):
                mon = await self._call(
                    "POST", "system", "/sophon/v2/system/getsystemmonitorconfig", {}
                )
                out["system"] = split_urls(
                    mon.get("device_monitor_url", mon.get("monitor_address_list"))
                )
            return out
        for key, path, field_name in (
            ("history", "/SophonFogSys/api/HistoryEventUrl", "history_upload_event_url"),
            ("realtime", "/SophonFogSys/api/EventServerUrl", "event_server_url"),
            ("status", "/SophonFogSys/api/MonitorServerUrl", "monitor_server_url"),
        ):
            with contextlib.suppress(NotPresent, BoxError):
                data = (await self._call("GET", "face", path)).get("data")
                if isinstance(data, dict):
                    out[key] = split_urls(data.get(field_name))
        with contextlib.suppress(NotPresent, BoxError):
            data = (await self._call("GET", "system", "/SophonSystem/api/monitor")).get("data")
            if isinstance(data, dict):
                out["system"] = split_urls(data.get("monitor_address_list"))
        if "history" not in out:
            data = (await self._call("GET", "face", "/SophonConfig/api/Configs")).get("data") or {}
            out["history"] = split_urls(data.get("HISTORY_UPLOAD_EVENT_URL"))
        return out

    async def describe(self) -> BoxInfo:
        """Probe, log in, read the identity, push URLs and cameras: all within 10 s."""

        async def work() -> BoxInfo:
            family, firmware = await self.probe()
            await self.login()
            serial, licence, mac = await self.identity()
            push = await self.push_urls()
            cameras = await self.cameras()
            threshold, scale = await self.score_config()
            return BoxInfo(family, firmware, serial, licence, mac, push, cameras, threshold, scale,
                           cameras_pending=self.cameras_pending)  # fmt: skip

        try:
            return await asyncio.wait_for(work(), DESCRIBE_TIMEOUT)
        except TimeoutError:
            raise BoxError(
                "timeout", f"the box at {self.address} did not answer everything within 10 s"
            ) from None

    # -- pointing ----------------------------------------------------------------------

    async def set_push_urls(
        self, receiver: str, *, keep_others: bool = True, period: int = 5, status_period: int = 20
    ) -> dict[str, list[str]]:
        """Point history, real-time (V2–V5) and status pushes at ``receiver``; read back."""
        receiver = receiver.rstrip("/")
        ours = {
            "history": receiver + HISTORY_PATH,
            "realtime": receiver + REALTIME_PATH,
            "status": receiver + STATUS_PATH,
            "system": receiver + STATUS_PATH,
        }
        current = await self.push_urls()

        def merged(key: str) -> list[str]:
            others = [u for u in current.get(key, []) if u != ours[key]]
            return [*others, ours[key]] if keep_others else [ours[key]]

        if self.family == "v6":
            await self._v6_set("HISTORY_EVENT_UPLOAD_URL", ",".join(merged("history")))
            await self._v6_set("MEDIA_DEVICE_MONITOR_URL", ",".join(merged("status")))
            with contextlib.suppress(NotPresent):
                await self._call("POST", "system", "/sophon/v2/system/setsystemmonitorconfig", {
                    "device_monitor_url": ", ".join(merged("system")),
                    "device_monitor_report_period": status_period,
                })  # fmt: skip
        else:
            await self._call("POST", "face", "/SophonFogSys/api/HistoryEventUrl", {
                "history_upload_event_url": merged("history"), "history_need_reg_pic": True,
                "history_need_spot_pic": True, "history_need_recognize_face": True,
                "content-type": "json", "reported_peroid": period,
            })  # fmt: skip
            with contextlib.suppress(NotPresent, BoxError):
                await self._call("POST", "face", "/SophonFogSys/api/EventServerUrl", {
                    "event_server_url": merged("realtime"), "real_need_reg_pic": True,
                    "content-type": "json",
                })  # fmt: skip
            with contextlib.suppress(NotPresent, BoxError):
                # one URL only: the status report has a single target
                await self._call("POST", "face", "/SophonFogSys/api/MonitorServerUrl", {
                    "monitor_server_url": ours["status"], "content-type": "json",
                    "reported_peroid": status_period,
                })  # fmt: skip
        after = await self.push_urls()
        if ours["history"] not in after.get("history", []):
            raise BoxError("box", "the box did not keep the history URL it was given")
        return after

    async def _v6_set(self, name: str, value: Any) -> None:
        """One key per call: a failing key fails the call but the others still apply."""
        await self._call(
            "POST", "face", "/sophon/v2/face/setconfigs", {"config_dict": {name: value}}
        )

    async def restore_push_urls(self, before: dict[str, list[str]]) -> dict[str, list[str]]:
        """Put back the URLs the box had before it was pointed here."""
        if self.family == "v6":
            await self._v6_set("HISTORY_EVENT_UPLOAD_URL", ",".join(before.get("history", [])))
            await self._v6_set("MEDIA_DEVICE_MONITOR_URL", ",".join(before.get("status", [])))
            with contextlib.suppress(NotPresent, BoxError):
                await self._call("POST", "system", "/sophon/v2/system/setsystemmonitorconfig", {
                    "device_monitor_url": ", ".join(before.get("system", [])),
                    "device_monitor_report_period": 20,
                })  # fmt: skip
        else:
            await self._call("POST", "face", "/SophonFogSys/api/HistoryEventUrl", {
                "history_upload_event_url": before.get("history", []),
                "content-type": "json", "reported_peroid": 5,
            })  # fmt: skip
            with contextlib.suppress(NotPresent, BoxError):
                await self._call("POST", "face", "/SophonFogSys/api/EventServerUrl", {
                    "event_server_url": before.get("realtime", []), "content-type": "json",
                })  # fmt: skip
            with contextlib.suppress(NotPresent, BoxError):
                await self._call("POST", "face", "/SophonFogSys/api/MonitorServerUrl", {
                    "monitor_server_url": (before.get("status") or [""])[0],
                    "content-type": "json", "reported_peroid": 20,
                })  # fmt: skip
        return await self.push_urls()

    # -- the event store ---------------------------------------------------------------

    async def events_page(
        self, since_s: float, until_s: float, page: int, per_page: int, *, unit: str = "s"
    ) -> tuple[list[dict[str, Any]], int]:
        """One page of stored records (newest first on the emulator) and the total count."""
        if self.family == "v6":
            scale = 1000 if unit == "ms" else 1
            value = await self._call("POST", "face", "/sophon/v2/face/getevents", {
                "filters": {"datetime_gte": since_s * scale, "datetime_lte": until_s * scale},
                "page_limit": per_page, "page_index": page,
            })  # fmt: skip
            records = [r for r in value.get("events") or [] if isinstance(r, dict)]
            total = int((value.get("pagination") or {}).get("total_count") or 0)
            return records, total
        value = await self._call("GET", "face", "/SophonFace/api/events", params={
            "datetime_gte": f"{since_s:.3f}", "datetime_lte": f"{until_s:.3f}",
            "page": page, "per_page": per_page,
        })  # fmt: skip
        records = [r for r in value.get("data") or [] if isinstance(r, dict)]
        total = int((value.get("pagination") or {}).get("total_count") or 0)
        return records, total

    async def detect_window_unit(self) -> str:
        """V6: the query window's unit, learnt from a record (BOX_API.md §7 step 2)."""
        if self.family != "v6":
            return "s"
        value = await self._call("POST", "face", "/sophon/v2/face/getevents",
                                 {"page_limit": 1, "page_index": 0})  # fmt: skip
        events = value.get("events") or []
        if not events:
            return "s"
        ts = events[0].get("timestamp")
        if not isinstance(ts, int | float):
            return "s"
        guess = "s" if ts < 1e11 else "ms"
        seconds = ts if ts < 1e11 else ts / 1000
        for unit in (guess, "ms" if guess == "s" else "s"):
            records, _total = await self.events_page(seconds - 2, seconds + 2, 0, 10, unit=unit)
            if any(r.get("event_id") == events[0].get("event_id") for r in records):
                return unit
        return guess

    def picture_urls(self, record: dict[str, Any], record_ts: Any) -> list[tuple[str, str]]:
        """``(1.0 kind, URL)`` of each picture a stored record names."""
        if self.family == "v6":
            face_id = record.get("recognize_face_image_id")
            wanted = [
                ("spot_pic", f"/sophon/v2/face/getspotimage/{record.get('spot_image_id')}",
                 record.get("spot_image_id"), {"timestamp": record_ts}),
                ("recognize_face", f"/sophon/v2/face/getspotimage/{face_id}",
                 face_id, {"timestamp": record_ts}),
                ("reg_pic", f"/sophon/v2/face/getregisterimage/{record.get('register_image_id')}",
                 record.get("register_image_id"), None),
            ]  # fmt: skip
        else:
            common = record.get("common") or {}
            image_id = (common.get("identity_info") or {}).get("image_id")
            face_id = common.get("recognize_face_pic_id")
            wanted = [
                ("spot_pic", f"/SophonFace/api/event_images/{common.get('spot_pic_id')}",
                 common.get("spot_pic_id"), {"datetime": record_ts}),
                ("recognize_face", f"/SophonFace/api/event_images/{face_id}",
                 face_id, {"datetime": record_ts}),
                ("reg_pic", f"/SophonFace/api/images/{image_id}", image_id, None),
            ]  # fmt: skip
        base = self.url("face", "")
        return [
            (kind, base + quote(path) + (f"?{urlencode(params)}" if params else ""))
            for kind, path, ident, params in wanted
            if ident
        ]

    async def pictures(
        self,
        record: dict[str, Any],
        record_ts: Any,
        *,
        keep_blank: bool = False,
        downloads: PictureFetcher | None = None,
    ) -> dict[str, bytes]:
        """The record's pictures by 1.0 kind; a picture that cannot be had is left out.

        A V6 box's blank answer for an unknown registered photo is left out too,
        unless ``keep_blank``: then the caller drops it (``drop_blank``), e.g. off
        the event loop, since telling means decoding the picture. ``downloads``
        fetches them instead of this client's session (off the loop: ``downloads``).
        """
        wanted = self.picture_urls(record, record_ts)
        results: list[Any]
        if downloads is not None:
            jar = self.session().cookie_jar
            cookies = jar.filter_cookies(yarl.URL(self.url("face", "/"))) if len(jar) else {}
            cookie = "; ".join(f"{k}={m.value}" for k, m in cookies.items())
            answers = await downloads.fetch(
                [url for _kind, url in wanted], {"Cookie": cookie} if cookie else None
            )
            results = []
            for (_kind, url), answer in zip(wanted, answers, strict=True):
                if isinstance(answer, BoxError):
                    results.append(answer)
                    continue
                try:
                    results.append(_picture(url, *answer))
                except BoxError as exc:
                    results.append(exc)
        else:
            results = await asyncio.gather(
                *(self._bytes(url) for _kind, url in wanted), return_exceptions=True
            )
        out: dict[str, bytes] = {}
        for (kind, _url), result in zip(wanted, results, strict=True):
            if isinstance(result, BoxError) and result.kind in ("unreachable", "timeout"):
                raise result  # the connection dropped: the caller resumes
            if isinstance(result, bytes):
                out[kind] = result
        return out if keep_blank else drop_blank(out)


class PictureFetcher(Protocol):
    """Fetches picture URLs somewhere else than the loop (``downloads.PictureDownloads``)."""

    async def fetch(
        self, urls: list[str], headers: dict[str, str] | None = None
    ) -> list[tuple[int, bytes] | BoxError]: ...


def _picture(url: str, status: int, data: bytes) -> bytes:
    """A picture's bytes, or BoxError("box") when the box answered with an error instead."""
    if status != 200 or data[:1] in (b"{", b"["):
        raise BoxError("box", f"{urlsplit(url).path}: no picture (HTTP {status})")
    return data


def drop_blank(pictures: dict[str, bytes]) -> dict[str, bytes]:
    """``pictures`` without a blank registered photo (a V6 box's answer for an unknown one)."""
    reg = pictures.get("reg_pic")
    if reg is None or not is_uniform(reg):
        return pictures
    return {kind: data for kind, data in pictures.items() if kind != "reg_pic"}


def is_uniform(data: bytes) -> bool:
    """A V6 box answers an unknown registered photo with a blank picture."""
    import io

    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as im:
            im.draft("L", (32, 32))
            lo, hi = im.convert("L").getextrema()
    except Exception:
        return False
    return isinstance(lo, int | float) and isinstance(hi, int | float) and hi - lo <= 2


def page_count(total: int, per_page: int) -> int:
    return max(0, math.ceil(total / per_page))


def unique(items: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(items))
