"""Typed, versioned settings shared by the headless receiver and the desktop app.

Stored as JSON in the platform's per-user config dir — not in the data dir,
so the data dir itself can be a setting. Each stored file carries
``settings_version``; ``UPGRADES`` turns an older file into the current shape
step by step (never edit a step, append one). Unknown keys are kept, so a
downgrade-then-upgrade does not lose what a newer version wrote.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import logging
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, get_type_hints

import platformdirs

log = logging.getLogger(__name__)

APP_NAME = "Gatewatch"
SETTINGS_VERSION = 1
#: Environment override of the config dir (tests, portable installs).
CONFIG_DIR_ENV = "GATEWATCH_CONFIG_DIR"


def config_dir() -> Path:
    override = os.environ.get(CONFIG_DIR_ENV)
    if override:
        return Path(override)
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


@dataclass
class Settings:
    """Every persisted setting with its default. Types are enforced on load."""

    # receiver
    port: int = 9528
    bind: str = ""
    data_dir: str = ""  # "" = the platform default
    allow: list[str] = field(default_factory=list)
    api_token: str = ""
    log_level: str = "INFO"
    # desktop
    language: str = ""  # "" = from the system locale; "en" or "zh_CN"
    theme: str = "light"  # "light" | "dark"
    overlays: bool = True
    overlay_colours: dict[str, str] = field(default_factory=dict)  # person type -> "#rrggbb"
    window_geometry: str = ""  # base64 of QWidget.saveGeometry()
    window_state: str = ""
    splitter_state: str = ""
    layout: str = "side"  # feed beside detail ("side") or above it ("stacked")
    connect_panel_seen: bool = False
    # alarms
    alarm_person_types: list[int] = field(default_factory=lambda: [3, 4])
    alarm_devices: list[str] = field(default_factory=list)  # empty = every device
    alarm_min_score: float | None = None
    alarm_cooldown_s: int = 30
    alarm_late_after_s: int = 600
    alarm_volume: float = 0.8
    alarm_muted: bool = False
    operator_name: str = ""
    # wall
    wall_tiles: int = 8
    wall_screen: int = -1  # -1 = the screen the window is on
    start_in_wall: bool = False
    close_to_tray: bool = False
    # retention
    keep_events_days: int = 90
    keep_photos_days: int = 30
    max_data_gb: float = 10.0
    min_free_gb: float = 1.0
    # devices
    silence_minutes: int = 10
    quiet_at_night: list[str] = field(default_factory=list)  # ep_ids expected quiet at night
    silence_alarms: bool = True  # a device turning red raises a 'silence' alarm
    #: Keys this version does not know (written by a newer one); kept on save.
    unknown: dict[str, Any] = field(default_factory=dict, repr=False)

    def resolved_data_dir(self) -> Path:
        return Path(self.data_dir).expanduser() if self.data_dir else default_data_dir()


#: ``UPGRADES[n]`` turns a version-n dict into version n+1.
UPGRADES: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {
    0: lambda d: d,  # files written before versioning had the same keys
}


def _coerce(name: str, value: Any, kind: Any, default: Any) -> Any:
    """Value as the declared type, or the default (with a log line) when it cannot be."""
    origin = getattr(kind, "__origin__", None)
    try:
        if kind is bool:
            if isinstance(value, bool):
                return value
            raise TypeError
        if kind is int:
            if isinstance(value, bool):
                raise TypeError
            return int(value)
        if kind is float:
            return float(value)
        if kind is str:
            if not isinstance(value, str):
                raise TypeError
            return value
        if origin is list:
            if not isinstance(value, list):
                raise TypeError
            (item_type,) = kind.__args__
            return [item_type(v) for v in value]
        if origin is dict:
            if not isinstance(value, dict):
                raise TypeError
            return {str(k): str(v) for k, v in value.items()}
        if value is None or (isinstance(value, int | float) and not isinstance(value, bool)):
            return value  # float | None
        raise TypeError
    except (TypeError, ValueError):
        log.warning("setting %s=%r is not a valid %s; using %r", name, value, kind, default)
        return default


def from_dict(data: dict[str, Any]) -> Settings:
    version = data.get("settings_version", 0)
    if not isinstance(version, int) or version > SETTINGS_VERSION:
        log.warning("settings written by a newer Gatewatch (v%s); reading what we know", version)
        version = SETTINGS_VERSION
    while version < SETTINGS_VERSION:
        data = UPGRADES[version](dict(data))
        version += 1
    hints = get_type_hints(Settings)
    defaults = Settings()
    values: dict[str, Any] = {}
    known = {f.name for f in fields(Settings)} - {"unknown"}
    for name in known:
        if name in data:
            values[name] = _coerce(name, data[name], hints[name], getattr(defaults, name))
    unknown = {k: v for k, v in data.items() if k not in known and k != "settings_version"}
    return Settings(**values, unknown=unknown)


def to_dict(settings: Settings) -> dict[str, Any]:
    data = dataclasses.asdict(settings)
    unknown = data.pop("unknown")
    return {"settings_version": SETTINGS_VERSION, **unknown, **data}


def settings_path() -> Path:
    return config_dir() / "settings.json"


def load(path: Path | None = None) -> Settings:
    path = path or settings_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Settings()
    except (OSError, ValueError) as exc:
        log.warning("cannot read settings %s (%s); using defaults", path, exc)
        return Settings()
    if not isinstance(data, dict):
        return Settings()
    return from_dict(data)


def save(settings: Settings, path: Path | None = None) -> None:
    """Atomic: a crash mid-save leaves the old file, never half a new one."""
    path = path or settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".settings-", suffix=".json")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(to_dict(settings), f, ensure_ascii=False, indent=2)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
