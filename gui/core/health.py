"""Status and health reports of every documented variant -> one normalised report.

FIRMWARE_VARIANTS.md §5 lists nine report shapes (V2R1, the flat V2R2 report,
the nested one of PROTOCOL.md, V5R7's system and camera-only reports, V6's
system and camera reports, the platform's camelCase device status and the
``/box/device/sync`` camera list). They differ in key names and units: CPU as
a percent, a fraction or a fraction over all cores; sizes as GB numbers or
``"30.54G"`` text; temperatures as ints or floats. This module recognises the
variant by its keys (never by the path it came to), and gives CPU / memory /
disk as fractions, sizes in bytes and temperatures in °C, every camera with an
``online`` / ``offline`` / ``unknown`` state, and the keys the box named itself
by. The raw report is always kept beside it. Pure and Qt-free.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "INFERRED_CODE", "VARIANTS", "CameraState", "HealthReport", "Inference", "normalise_report",
    "parse_size",
]

#: Variant names, in FIRMWARE_VARIANTS.md §5 order.
VARIANTS = (
    "v2r1", "flat", "nested", "v5r7_system", "camera_only", "v6_system", "v6_cameras",
    "platform_status", "device_sync",
)  # fmt: skip

_GB = 1024**3
_UNITS = {"": 1, "B": 1, "K": 1024, "M": 1024**2, "G": 1024**3, "T": 1024**4, "P": 1024**5}
_SIZE = re.compile(r"^\s*([0-9]+(?:\.[0-9]*)?)\s*([KMGTP]?)(?:I?B)?\s*$", re.IGNORECASE)
_NUMBER = re.compile(r"^\s*(-?[0-9]+(?:\.[0-9]*)?)")


@dataclass(frozen=True, slots=True)
class CameraState:
    """One camera as a report lists it. ``id`` is None when the report names none."""

    id: str | None
    name: str | None = None
    ip: str | None = None
    type: str | None = None
    status: str | None = None  # "online", "offline", "unknown" or None (not reported)
    location: str | None = None
    url: str | None = None
    direction: str | None = None  # "in" / "out" (device sync)
    box_key: str | None = None  # the licence code an entry carries itself (device sync)

    def to_json(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__slots__}


#: The stable code of a reading the vendor's docs do not state but this module infers.
INFERRED_CODE = "inferred_mapping"


@dataclass(frozen=True, slots=True)
class Inference:
    """A value read by a rule the vendor's docs do not state (for someone to confirm).

    Shown beside the reading so an installer knows it may be wrong; README lists them.
    """

    field: str
    message: str
    code: str = INFERRED_CODE

    def to_json(self) -> dict[str, str]:
        return {"code": self.code, "field": self.field, "message": self.message}


@dataclass(frozen=True, slots=True)
class HealthReport:
    """A report as understood: ``keys`` are the names the box gave itself (kind, value)."""

    variant: str
    keys: tuple[tuple[str, str], ...]
    name: str | None
    ips: tuple[str, ...]
    status: str | None
    metrics: dict[str, Any]
    cameras: tuple[CameraState, ...]
    raw: dict[str, Any] = field(repr=False, default_factory=dict)
    #: Readings made by an inferred rule (``Inference``), empty when none was needed.
    inferred: tuple[Inference, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """The normalised part (the raw report is stored separately)."""
        return {
            "variant": self.variant,
            "keys": [list(k) for k in self.keys],
            "name": self.name,
            "ips": list(self.ips),
            "status": self.status,
            "metrics": self.metrics,
            "cameras": [c.to_json() for c in self.cameras],
            "inferred": [i.to_json() for i in self.inferred],
        }


# ---------------------------------------------------------------- values


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, dict | list | bool):
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    text = str(value).strip()
    return text or None


def _num(value: Any) -> float | None:
    """A finite number from a number or a text starting with one (``"0r/min"``, ``"6.5%"``)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        try:
            number = float(value)
        except OverflowError:
            return None
        return number if math.isfinite(number) else None
    if isinstance(value, str):
        match = _NUMBER.match(value)
        if match:
            number = float(match.group(1))
            return number if math.isfinite(number) else None
    return None


def parse_size(value: Any, *, bare_unit: int = _GB) -> int | None:
    """Bytes from ``"30.54G"``, ``"549.0M"``, ``"1.5 TB"`` or a bare number in ``bare_unit``."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        number = _num(value)
        return None if number is None or number < 0 else round(number * bare_unit)
    if isinstance(value, str):
        match = _SIZE.match(value)
        if not match:
            return None
        number = float(match.group(1))
        unit = match.group(2).upper()
        return round(number * (_UNITS[unit] if unit else bare_unit))
    return None


def _fraction(value: Any, *, percent: bool | None = None) -> float | None:
    """A usage as a 0–1 fraction; ``percent`` None guesses (above 1 means percent)."""
    number = _num(value)
    if number is None or number < 0:
        return None
    if isinstance(value, str) and value.strip().endswith("%"):
        percent = True
    if percent is True or (percent is None and number > 1):
        number /= 100
    return round(min(number, 1.0), 4)


def _celsius(value: Any) -> float | None:
    number = _num(value)
    if number is None:
        return None
    if number > 1000:  # millidegrees, as Linux thermal zones give them
        number /= 1000
    return round(number, 1)


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _put(metrics: dict[str, Any], key: str, value: Any) -> None:
    if value is not None and key not in metrics:
        metrics[key] = value


# ---------------------------------------------------------------- variant


def detect_variant(report: dict[str, Any]) -> str:
    """Which §5 variant ``report`` is, from its keys."""
    ext = _dict(report.get("gateway_ext_data"))
    if "deviceList" in report:
        return "device_sync"
    if any(k in report for k in ("deviceStatus", "cameraInfo", "deviceSN", "deviceId")):
        return "platform_status"
    if "reporter_id" in report or "emmc" in ext or "cur_cpu_usage" in _dict(ext.get("cpu_info")):
        return "v6_system"
    listed = report.get("media_devices", report.get("sub_devices"))
    if "media_devices" in report or (
        isinstance(listed, list)
        and any(isinstance(e, dict) and any(str(k).startswith("media_device") for k in e)
                for e in listed)
    ):  # fmt: skip
        return "v6_cameras"
    has_gateway = any(isinstance(k, str) and k.startswith("gateway_") for k in report)
    if not has_gateway and "sub_devices" in report:
        return "camera_only"
    if "cpu_use" in ext or "memory_use" in ext or "disk_use" in ext:
        return "v2r1"
    if "cpu_usage" in ext or "memory_usage" in ext or "disk_free_size" in ext:
        return "flat"
    if "sub_devices" not in report and any(
        k in ext for k in ("external_hard_drives_info", "tpu_info", "fan_speed", "box_usage",
                           "nnsdk_version", "board_temperature")
    ):  # fmt: skip
        return "v5r7_system"
    return "nested"


# ---------------------------------------------------------------- box keys


def _keys(report: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    """(kind, value) pairs: ``licence``, ``sn``, ``reporter``, ``mac``; values trimmed."""
    ext = _dict(report.get("gateway_ext_data"))
    found: list[tuple[str, str]] = []
    for kind, value in (
        ("licence", report.get("dev_sno")),
        ("licence", report.get("mq_license_key")),
        ("licence", report.get("deviceId")),
        ("licence", report.get("devSno")),
        ("sn", report.get("gateway_sn")),
        ("sn", report.get("deviceSN")),
        ("reporter", report.get("reporter_id")),
        ("mac", report.get("gateway_mac")),
        ("mac", ext.get("gateway_mac")),
        ("mac", report.get("deviceMac")),
    ):
        text = _text(value)
        if text and (kind, text) not in found:
            found.append((kind, text))
    return tuple(found)


# ---------------------------------------------------------------- metrics


def _metrics(variant: str, report: dict[str, Any]) -> dict[str, Any]:
    ext = _dict(report.get("gateway_ext_data"))
    m: dict[str, Any] = {}
    for key in ("sw_version", "sdk_version", "nnsdk_version", "uptime"):
        text = _text(ext.get(key))
        if text:
            m[key] = text
    cpu = _dict(ext.get("cpu_info"))
    mem = _dict(ext.get("memory_info"))
    disk = _dict(ext.get("disk_info"))
    if variant == "v2r1":
        _put(m, "cpu", _fraction(ext.get("cpu_use")))
        size = parse_size(ext.get("memory_size"))
        _put(m, "memory_total_bytes", size)
        _put(m, "memory", _used_fraction(ext.get("memory_use"), ext.get("memory_size")))
        _put(m, "disk_total_bytes", parse_size(ext.get("disk_size")))
        _put(m, "disk", _used_fraction(ext.get("disk_use"), ext.get("disk_size")))
        code = _text(ext.get("status"))
        if code is not None:
            m["box_state"] = {"0": "ok", "-1": "fault"}.get(code, code)
            if _text(ext.get("status_desc")):
                m["box_state_text"] = _text(ext.get("status_desc"))
    elif variant == "flat":
        _put(m, "cpu", _fraction(ext.get("cpu_usage"), percent=True))
        _put(m, "memory", _fraction(ext.get("memory_usage")))
        _put(m, "memory_total_bytes", parse_size(ext.get("memory_size")))
        total = parse_size(ext.get("disk_size"))
        free = parse_size(ext.get("disk_free_size"))
        _put(m, "disk_total_bytes", total)
        _put(m, "disk_free_bytes", free)
        if total and free is not None and free <= total:
            m["disk"] = round(1 - free / total, 4)
        _put(m, "temperature_c", _celsius(ext.get("temperature")))
    elif variant == "v6_system":
        _put(m, "cpu", _fraction(cpu.get("cur_cpu_usage"), percent=False))
        _put(m, "cpu_cores", _num(cpu.get("cpu_cores")))
        tpu = _dict(ext.get("tpu_info"))
        _put(m, "tpu", _fraction(tpu.get("tpu_usage")))
        _put(m, "memory", _fraction(mem.get("svt_memory_usage")))
        _put(m, "memory_total_bytes", parse_size(mem.get("total_memory") or mem.get("svt_memory"),
                                                 bare_unit=1024**2))  # fmt: skip
        for store in ("emmc", "hdd"):
            part = _dict(ext.get(store))
            if not part:
                continue
            _put(m, f"{store}", _fraction(part.get("disk_usage")))
            _put(m, f"{store}_total_bytes", parse_size(part.get("total_disk"), bare_unit=1024**2))
            _put(m, f"{store}_free_bytes", parse_size(part.get("free_disk"), bare_unit=1024**2))
            if _text(part.get("mount_status")):
                m[f"{store}_mount"] = _text(part.get("mount_status"))
        _put(m, "disk", m.get("emmc"))
        _put(m, "disk_total_bytes", m.get("emmc_total_bytes"))
        _put(m, "disk_free_bytes", m.get("emmc_free_bytes"))
        _put(m, "temperature_c", _celsius(ext.get("core_temperature")))
        _put(m, "board_temperature_c", _celsius(ext.get("board_temperature")))
        _put(m, "fan_rpm", _num(ext.get("fan_speed")))
    elif variant == "platform_status":
        _put(m, "cpu", _fraction(report.get("cpuUsage")))
        _put(m, "memory", _fraction(report.get("memoryUsage")))
        _put(m, "memory_total_bytes", parse_size(report.get("memorySize")))
        total = parse_size(report.get("diskSize"))
        free = parse_size(report.get("diskFreeSize"))
        _put(m, "disk_total_bytes", total)
        _put(m, "disk_free_bytes", free)
        if total and free is not None and free <= total:
            m["disk"] = round(1 - free / total, 4)
        for key, name in (("swVersion", "sw_version"), ("sdkVersion", "sdk_version")):
            if _text(report.get(key)):
                m[name] = _text(report.get(key))
        _put(m, "camera_count", _num(report.get("cameraNum")))
    elif variant in ("nested", "v5r7_system"):
        _put(m, "cpu", _fraction(cpu.get("cpu_rate")))
        _put(m, "memory", _fraction(mem.get("total_memory_scale")))
        _put(
            m,
            "memory_total_bytes",
            parse_size(
                mem.get("hardware_total_memory") or mem.get("total_memory"), bare_unit=1024**2
            ),
        )
        _put(m, "disk", _fraction(disk.get("disk_rate")))
        _put(
            m,
            "disk_total_bytes",
            parse_size(
                disk.get("hardware_total_disk") or disk.get("total_disk"), bare_unit=1024**2
            ),
        )
        _put(m, "disk_free_bytes", parse_size(disk.get("free_disk"), bare_unit=1024**2))
        _put(m, "temperature_c", _celsius(ext.get("temperature")))
        _put(m, "board_temperature_c", _celsius(ext.get("board_temperature")))
        _put(m, "fan_rpm", _num(ext.get("fan_speed")))
        tpu = _dict(ext.get("tpu_info"))
        _put(m, "tpu", _fraction(tpu.get("tpu_rate")))
        drive = _dict(ext.get("external_hard_drives_info"))
        if drive:
            state = _text(drive.get("external_hard_state"))
            m["external_disk"] = {
                "present": {"1": True, "0": False}.get(state or ""),
                "usage": _fraction(drive.get("external_hard_disk_rate")),
                "total_bytes": parse_size(drive.get("external_hard_total_disk"), bare_unit=1024**2),
                "free_bytes": parse_size(drive.get("external_hard_free_disk"), bare_unit=1024**2),
            }  # fmt: skip
    return m


def _used_fraction(used: Any, size: Any) -> float | None:
    """V2R1's ``memory_use`` / ``disk_use`` (unit undocumented): up to 1 a fraction, up to
    the size beside it GB used of that size (the size is in GB), otherwise a percent."""
    number = _num(used)
    if number is None or number < 0:
        return None
    total = _num(size)
    if number <= 1:
        return round(number, 4)
    if total and number <= total:
        return round(number / total, 4)
    return round(number / 100, 4) if number <= 100 else None


# ---------------------------------------------------------------- cameras


_STATUS_WORDS = {"online": "online", "offline": "offline", "unknown": "unknown"}


def _status(value: Any, codes: dict[str, str]) -> str | None:
    text = _text(value)
    if text is None:
        return None
    word = _STATUS_WORDS.get(text.lower())
    if word:
        return word
    return codes.get(text, "unknown")


#: SophonSight: 0 online, 1 offline, -1 unknown (doc).
_PLATFORM_CODES = {"0": "online", "1": "offline", "-1": "unknown"}
#: ``/box/device/sync`` ``epStatus``: the table says online/offline, the example "1"
#: for a working camera (inferred: 1 online, 0 offline).
_SYNC_CODES = {"1": "online", "0": "offline", "-1": "unknown"}
#: ``ep_status`` codes in the oldest reports (same as the box's own status codes).
_EP_CODES = {"0": "online", "-1": "offline", "1": "online"}


def _camera_type(value: Any) -> str | None:
    from gui.core.protocol import EP_TYPE_WORDS, LEGACY_DEVICE_TYPES

    text = _text(value)
    if text is None:
        return None
    if text in LEGACY_DEVICE_TYPES:
        return LEGACY_DEVICE_TYPES[text]
    return text.lower() if text.lower() in EP_TYPE_WORDS else text


def _cameras(variant: str, report: dict[str, Any]) -> tuple[CameraState, ...]:
    out: list[CameraState] = []
    if variant == "device_sync":
        for e in _list(report.get("deviceList")):
            if not isinstance(e, dict):
                continue
            direction = _text(e.get("direction"))
            out.append(CameraState(
                id=_text(e.get("epId")), name=_text(e.get("epName")), ip=_text(e.get("epIp")),
                type=_camera_type(e.get("epType")), status=_status(e.get("epStatus"), _SYNC_CODES),
                url=_text(e.get("epStreamUrl")),
                direction={"0": "in", "1": "out"}.get(direction or "", direction),
                box_key=_text(e.get("devSno")),
            ))  # fmt: skip
        return tuple(out)
    if variant == "platform_status":
        for e in _list(report.get("cameraInfo")):
            if not isinstance(e, dict):
                continue
            out.append(CameraState(
                id=_text(e.get("cameraId")), name=_text(e.get("name", e.get("Name"))),
                ip=_text(e.get("ip", e.get("Ip"))), status=_status(e.get("state"), _PLATFORM_CODES),
            ))  # fmt: skip
        return tuple(out)
    entries: list[Any] = []
    for key in ("sub_devices", "media_devices"):
        if isinstance(report.get(key), list):
            entries.extend(report[key])
    for e in entries:
        if not isinstance(e, dict):
            continue
        if any(str(k).startswith("media_device") for k in e):
            out.append(CameraState(
                id=_text(e.get("media_device_id")), name=_text(e.get("media_device_name")),
                ip=_text(e.get("media_device_ip")), type=_camera_type(e.get("media_device_type")),
                status=_status(e.get("media_device_status"), _EP_CODES),
                url=_text(e.get("media_device_url")),
            ))  # fmt: skip
        else:
            out.append(CameraState(
                id=_text(e.get("ep_id")), name=_text(e.get("ep_name")), ip=_text(e.get("ep_ip")),
                type=_camera_type(e.get("ep_type")), status=_status(e.get("ep_status"), _EP_CODES),
                location=_text(e.get("ep_location")), url=_text(e.get("ep_url")),
            ))  # fmt: skip
    return tuple(out)


# ---------------------------------------------------------------- entry point


def _inferences(variant: str, report: dict[str, Any]) -> tuple[Inference, ...]:
    """The inferred rules this report needed (see ``_used_fraction`` and ``_SYNC_CODES``)."""
    out: list[Inference] = []
    if variant == "v2r1":
        ext = _dict(report.get("gateway_ext_data"))
        for used_key, size_key in (("memory_use", "memory_size"), ("disk_use", "disk_size")):
            used, total = _num(ext.get(used_key)), _num(ext.get(size_key))
            if used is None or used <= 1:
                continue  # a 0–1 fraction: what the other variants send, nothing inferred
            if total and used <= total:
                how = f"read as GB used of {size_key} ({used:g} of {total:g} GB)"
            elif used <= 100:
                how = f"read as a percent ({used:g} %)"
            else:
                continue  # not read at all
            out.append(Inference(
                f"gateway_ext_data.{used_key}",
                f"{used_key} has no documented unit; {how} (inferred)",
            ))  # fmt: skip
    elif variant == "device_sync":
        codes = sorted({
            text for e in _list(report.get("deviceList")) if isinstance(e, dict)
            for text in [_text(e.get("epStatus"))]
            if text is not None and text.lower() not in _STATUS_WORDS and text in _SYNC_CODES
        })  # fmt: skip
        if codes:
            read = ", ".join(f'"{c}" as {_SYNC_CODES[c]}' for c in codes)
            out.append(Inference(
                "deviceList[].epStatus",
                f"epStatus codes are not documented (the table says online/offline, the"
                f" example sends \"1\"); read {read} (inferred)",
            ))  # fmt: skip
    return tuple(out)


def normalise_report(report: dict[str, Any]) -> HealthReport:
    """Understand one report of any documented variant; never raises on odd values."""
    variant = detect_variant(report)
    ips_text = report.get("gateway_ip")
    ips = tuple(str(ips_text).split()) if isinstance(ips_text, str | int | float) else ()
    status: str | None
    if variant == "platform_status":
        status = _status(report.get("deviceStatus"), _PLATFORM_CODES)
        name = _text(report.get("deviceName"))
    else:
        status = _status(report.get("gateway_status"), _EP_CODES)
        name = _text(report.get("gateway_name"))
    metrics = _metrics(variant, report)
    if metrics.get("box_state") == "fault":
        status = "fault"
    return HealthReport(
        variant=variant,
        keys=_keys(report),
        name=name,
        ips=ips,
        status=status,
        metrics=metrics,
        cameras=_cameras(variant, report),
        raw=report,
        inferred=_inferences(variant, report),
    )
