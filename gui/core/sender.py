"""Build events in each payload shape and post them to a receiver.

Shared by ``gatewatch send``, ``gatewatch simulate`` and the app's "Send test
event" / "Replay to…": one place knows how a 1.0 event looks in the legacy and
2.0 dialects (PROTOCOL.md), and how to make copies that do not collapse into one
stored event (the receiver dedupes on camera + identity + timestamp).
"""

from __future__ import annotations

import asyncio
import copy
import errno
import json
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from gui.resources import asset_path

SAMPLES_DIR = asset_path("samples")  # from a checkout and from a frozen build
SHAPES = ("1.0", "legacy", "2.0")
SELF_TEST_HEADER = "X-Gatewatch-Self-Test"
DEFAULT_EVENT_PATH = "/EventServer/api/HistoryEvent"

_PERSON_WORDS = {1: "employee", 2: "visitor", 3: "blacklist", 4: "stranger", 5: "vip"}
#: 1.0 ``ep_type`` -> legacy ``device_type`` code.
_LEGACY_DEVICE_TYPE = {"photo": "1", "rtsp": "3", "card": "4"}


# ------------------------------------------------------------------------- samples


def sample_names(directory: Path | None = None) -> list[str]:
    return sorted(p.stem for p in (directory or SAMPLES_DIR).glob("*.json"))


def load_sample(name: str, directory: Path | None = None) -> dict[str, Any]:
    path = (directory or SAMPLES_DIR) / f"{name}.json"
    if not path.is_file():
        raise FileNotFoundError(
            f"no sample {name!r}; samples: {', '.join(sample_names(directory))}"
        )
    return json.loads(path.read_text(encoding="utf-8"))


# ------------------------------------------------------------------------- shapes


def _person_type(event: dict[str, Any]) -> int:
    value = event.get("person_type", 1)
    try:
        return int(value)
    except (TypeError, ValueError):
        return 1


def to_legacy(event: dict[str, Any]) -> dict[str, Any]:
    """A 1.0 event as firmware V2R3/V2R4 sends it: no api_version, camera facts in ext_data."""
    ep = event.get("ep_info") or {}
    attr = event.get("recognize_face_attr") or {}
    ext: dict[str, Any] = {
        "device_ip": ep.get("ep_ip", ""),
        "ep_id": ep.get("ep_id", ""),
        "spot_pic": event.get("spot_pic", ""),
        "recognize_face": event.get("recognize_face", ""),
        "person_type": _person_type(event),
        "device_type": _LEGACY_DEVICE_TYPE.get(str(ep.get("ep_type", "")), "1"),
        "dev_sno": event.get("dev_sno", ""),
        "box_fiqa_info": {
            "fiqa_result": True,
            "info": {"face_size": 1.0, "clarity": 0.9, "headpose": 0.95, "brightness": 0.8,
                     "partial": 1.0},
            "fails": [],
        },
    }  # fmt: skip
    box = attr.get("box")
    if isinstance(box, list) and len(box) == 4:
        left, top, right, bottom = box
        ext["grab_fiqa_info"] = {
            "rect": {"left": left, "top": top, "right": right, "bottom": bottom}
        }
    return {
        "identity_id": event.get("identity_id"),
        "identity_name": event.get("identity_name"),
        "group_name": "default",
        "reg_pic": event.get("reg_pic", ""),
        "timestamp": event.get("timestamp"),
        "score": event.get("score"),
        "want_action": event.get("want_action", "0"),
        "ext_data": ext,
    }


def _interleave(points: Any) -> Any:
    """1.0 lists five x then five y; 2.0 lists x,y pairs in a row."""
    if isinstance(points, list) and len(points) == 10:
        return [v for i in range(5) for v in (points[i], points[i + 5])]
    return points


def to_v2(event: dict[str, Any]) -> dict[str, Any]:
    """A 1.0 event as firmware V6 sends it (renamed fields, percentage score, word types)."""
    ep = event.get("ep_info") or {}
    attr = dict(event.get("recognize_face_attr") or {})
    attr["point"] = _interleave(attr.get("point"))
    attr.pop("feature", None)
    attr["feature_base64_str"] = ""
    score = event.get("score")
    if isinstance(score, int | float) and not isinstance(score, bool) and score <= 1.0:
        score = round(score * 100, 2)
    media_type = str(ep.get("ep_type", "photo"))
    return {
        "api_version": "2.0",
        "identity_id": event.get("identity_id"),
        "identity_name": event.get("identity_name"),
        "identity_info": event.get("identity_info", {}),
        "in_timestamp": event.get("timestamp"),
        "out_timestamp": event.get("out_timestamp"),
        "score": score,
        "post_action": event.get("want_action", "0"),
        "user_type": _PERSON_WORDS.get(_person_type(event), "employee"),
        "reg_image": event.get("reg_pic", ""),
        "spot_image": event.get("spot_pic", ""),
        "ir_image": event.get("ir_pic", ""),
        "recognize_face_image": event.get("recognize_face", ""),
        "media_device_info": {
            "media_device_id": ep.get("ep_id", ""),
            "media_device_type": media_type if media_type in ("photo", "rtsp") else "photo",
            "media_device_ip": ep.get("ep_ip", ""),
            "media_device_name": ep.get("ep_name", ""),
            "media_device_url": ep.get("ep_id", "").split("__", 1)[-1] if ep.get("ep_id") else "",
        },
        "mq_license_key": event.get("dev_sno", ""),
        "recognize_face_attr": attr,
    }


def to_shape(event: dict[str, Any], shape: str) -> dict[str, Any]:
    """``event`` (1.0) in ``shape``; a non-1.0 input is returned unchanged."""
    if shape not in SHAPES:
        raise ValueError(f"unknown shape {shape!r}; one of {', '.join(SHAPES)}")
    is_v1 = str(event.get("api_version", "")) == "1.0" or (
        "ep_info" in event and "ext_data" not in event and "media_device_info" not in event
    )
    if shape == "1.0" or not is_v1:
        return event
    return to_legacy(event) if shape == "legacy" else to_v2(event)


# ------------------------------------------------------------------------- variation


def refreshed(event: dict[str, Any], timestamp: int) -> dict[str, Any]:
    """A copy of a 1.0 event happening at ``timestamp`` (a stranger gets a new identity).

    The receiver keys events on camera + identity + timestamp: copies with the
    original time would all be "already stored".
    """
    out = copy.copy(event)
    old = event.get("timestamp")
    out["timestamp"] = timestamp
    out_ts = event.get("out_timestamp")
    if isinstance(out_ts, int) and isinstance(old, int):
        out["out_timestamp"] = timestamp + max(0, out_ts - old)
    elif "out_timestamp" in event:
        out["out_timestamp"] = timestamp + 400
    if _person_type(event) == 4:
        out["identity_id"] = f"{timestamp / 1000:.7f}"
    return out


#: The camera and box the app's self-test posts as, so no real device's counts move.
SELF_TEST_CAMERA = "gatewatch-self-test"
SELF_TEST_BOX = "GATEWATCH-SELF-TEST"


def self_test_event(timestamp: int, sample: str = "employee_match") -> dict[str, Any]:
    """A sample event from the self-test's own camera (flag it with the header too)."""
    event = refreshed(load_sample(sample), timestamp)
    event["dev_sno"] = SELF_TEST_BOX
    event["ep_info"] = {
        "ep_id": SELF_TEST_CAMERA, "ep_type": "photo", "ep_ip": "127.0.0.1",
        "ep_name": "Gatewatch self-test", "device_id": SELF_TEST_CAMERA,
    }  # fmt: skip
    return event


class Clock:
    """Strictly increasing millisecond timestamps, so fast sends never collide."""

    def __init__(self) -> None:
        self._last = 0

    def next(self) -> int:
        now = time.time_ns() // 1_000_000
        self._last = max(now, self._last + 1)
        return self._last


def with_path(url: str, default_path: str = DEFAULT_EVENT_PATH) -> str:
    """``http://host:9528`` -> ``http://host:9528/EventServer/api/HistoryEvent``."""
    if "://" not in url:
        url = "http://" + url
    parts = urlsplit(url)
    if parts.path in ("", "/"):
        parts = parts._replace(path=default_path)
    return urlunsplit(parts)


def base_url(url: str) -> str:
    if "://" not in url:
        url = "http://" + url
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "", "", ""))


# ------------------------------------------------------------------------- posting


@dataclass(frozen=True)
class SendResult:
    """One POST's outcome: ``status`` 0 when no HTTP answer came back."""

    url: str
    status: int
    reply: str
    latency_ms: float
    events: int
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and 200 <= self.status < 300 and _reply_ok(self.reply)

    def summary(self) -> str:
        if self.error:
            return f"FAILED {self.error} ({self.latency_ms:.0f} ms)"
        reply = " ".join(self.reply.split())
        if len(reply) > 300:
            reply = reply[:300] + "…"
        return f"{self.status} in {self.latency_ms:.1f} ms: {reply}"


def _reply_ok(reply: str) -> bool:
    """A 200 whose body says ``code``/``status`` non-zero is a refusal too."""
    try:
        data = json.loads(reply)
    except ValueError:
        return True
    if isinstance(data, dict):
        for key in ("code", "status"):
            value = data.get(key)
            if isinstance(value, int) and not isinstance(value, bool) and value != 0:
                return False
    return True


def encode(payload: Any) -> bytes:
    return json.dumps(payload, ensure_ascii=False).encode("utf-8")


def explain_error(exc: BaseException) -> str:
    """Say what blocked a post in words an installer can act on."""
    import aiohttp

    if isinstance(exc, asyncio.TimeoutError | TimeoutError):
        return "timed out: nothing answered (a firewall dropping packets, or a wrong address)"
    if isinstance(exc, aiohttp.ClientConnectorError):
        os_error = getattr(exc, "os_error", None)
        text = str(os_error or exc)
        refused = getattr(os_error, "errno", None) in (errno.ECONNREFUSED, 10061)
        if refused or "refused" in text.lower():
            return f"connection refused: nothing listens there ({text})"
        return f"cannot connect: {text}"
    if isinstance(exc, aiohttp.ClientError):
        return f"{type(exc).__name__}: {exc}"
    return f"{type(exc).__name__}: {exc}"


async def post(
    session: Any,
    url: str,
    body: bytes,
    *,
    events: int = 1,
    self_test: bool = False,
    timeout: float = 10.0,
    content_type: str = "application/json",
) -> SendResult:
    """POST ``body``; never raises for network trouble (it is in the result)."""
    import aiohttp

    headers = {"Content-Type": content_type}
    if self_test:
        headers[SELF_TEST_HEADER] = "1"
    started = time.perf_counter()
    try:
        async with session.post(
            url, data=body, headers=headers, timeout=aiohttp.ClientTimeout(total=timeout)
        ) as resp:
            text = await resp.text(errors="replace")
            status = resp.status
    except (TimeoutError, aiohttp.ClientError, OSError) as exc:
        return SendResult(url, 0, "", (time.perf_counter() - started) * 1000, events,
                          explain_error(exc))  # fmt: skip
    return SendResult(url, status, text, (time.perf_counter() - started) * 1000, events)


async def post_once(
    url: str, payload: Any, *, self_test: bool = False, timeout: float = 10.0
) -> SendResult:
    """One POST with its own session (the app's "Send test event", self-test, replay)."""
    import aiohttp

    events = len(payload) if isinstance(payload, list) else 1
    async with aiohttp.ClientSession() as session:
        return await post(
            session, url, encode(payload), events=events, self_test=self_test, timeout=timeout
        )


def build_payloads(
    events: Sequence[dict[str, Any]],
    *,
    shape: str,
    count: int,
    batch: int,
    repeat: bool,
    clock: Clock | None = None,
) -> Iterable[Any]:
    """``count`` request bodies of ``batch`` events each, cycling through ``events``.

    Unless ``repeat``, every event gets its own timestamp (so none is a duplicate).
    """
    clock = clock or Clock()
    index = 0
    for _ in range(count):
        items = []
        for _ in range(max(1, batch)):
            source = events[index % len(events)]
            index += 1
            event = source if repeat else _fresh(source, clock)
            items.append(to_shape(event, shape))
        yield items if batch > 1 else items[0]


def _fresh(event: dict[str, Any], clock: Clock) -> dict[str, Any]:
    """A new timestamp in whatever shape ``event`` is."""
    from gui.core.protocol import looks_like_event

    if not looks_like_event(event):
        return event  # not ours to change: send it as it is
    ts = clock.next()
    if "ext_data" in event and "api_version" not in event:  # legacy file
        out = dict(event, timestamp=ts)
        return out
    if "in_timestamp" in event or str(event.get("api_version")) == "2.0":
        out = dict(event, in_timestamp=ts)
        if isinstance(event.get("out_timestamp"), int):
            out["out_timestamp"] = ts + 400
        return out
    return refreshed(event, ts)


async def send_many(
    url: str,
    payloads: Iterable[Any],
    *,
    rate: float | None = None,
    self_test: bool = False,
    timeout: float = 10.0,
    on_result: Any = None,
) -> list[SendResult]:
    """Post each payload in turn, ``rate`` requests per second at most."""
    import aiohttp

    results: list[SendResult] = []
    interval = 1.0 / rate if rate and rate > 0 else 0.0
    loop = asyncio.get_running_loop()
    start = loop.time()
    async with aiohttp.ClientSession() as session:
        for n, payload in enumerate(payloads):
            if interval:
                delay = start + n * interval - loop.time()
                if delay > 0:
                    await asyncio.sleep(delay)
            events = len(payload) if isinstance(payload, list) else 1
            result = await post(
                session, url, encode(payload), events=events, self_test=self_test, timeout=timeout
            )
            results.append(result)
            if on_result is not None:
                on_result(n, result)
    return results


def curl_command(
    url: str, body_file: str | Path, *, self_test: bool = False, windows: bool | None = None
) -> str:
    """A curl line posting a body saved to a file (a 450 KB argument breaks shells).

    Quoted for cmd.exe on Windows (double quotes), for POSIX shells elsewhere.
    """
    import sys

    if windows is None:
        windows = sys.platform.startswith("win")
    quote = _cmd_quote if windows else _shell_quote
    header = quote("Content-Type: application/json")
    extra = f" -H {quote(SELF_TEST_HEADER + ': 1')}" if self_test else ""
    return (
        f"curl -sS -X POST -H {header}{extra} --data-binary @{quote(str(body_file))} {quote(url)}"
    )


def _shell_quote(text: str) -> str:
    if text and all(c.isalnum() or c in "@%+=:,./-_" for c in text):
        return text
    return "'" + text.replace("'", "'\"'\"'") + "'"


def _cmd_quote(text: str) -> str:
    if text and all(c.isalnum() or c in "@%+=:,./-_\\" for c in text):
        return text
    return '"' + text.replace('"', '\\"') + '"'
