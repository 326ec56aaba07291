"""Typed, versioned settings shared by the headless receiver and the desktop app.

- ``options``: every option declared once (type, default, one-line doc);
  ``Settings`` (the user's choices) and ``WindowState`` (remembered geometry).
- ``live``: how they are read (typed attributes over an immutable mapping,
  safe from the core thread), changed (``update`` keeps, ``override`` is for
  this run only) and watched (``subscribe`` per option).
- ``upgrade``: named steps from each older file version to this one.
- ``stored`` and ``files``: where the files live; patched key by key, atomically.

Unknown keys are kept, so a downgrade-then-upgrade does not lose what a newer
version wrote; command-line values are overrides and are never written.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from gui.settings import stored
from gui.settings.files import (
    APP_NAME,
    CONFIG_DIR_ENV,
    config_dir,
    default_data_dir,
    settings_path,
    window_state_path,
)
from gui.settings.live import Change, LiveOptions, Option
from gui.settings.options import Settings, WindowState
from gui.settings.upgrade import SETTINGS_VERSION

__all__ = [
    "APP_NAME",
    "CONFIG_DIR_ENV",
    "SETTINGS_VERSION",
    "Change",
    "LiveOptions",
    "Option",
    "Settings",
    "WindowState",
    "config_dir",
    "default_data_dir",
    "load",
    "load_window_state",
    "save",
    "settings_path",
    "window_state_path",
]

log = logging.getLogger(__name__)


def _known_values(cls: type[LiveOptions], data: dict[str, Any]) -> dict[str, Any]:
    """The values ``data`` holds for ``cls``'s options; a bad one falls back to its default."""
    values: dict[str, Any] = {}
    for name, option in cls.options().items():
        if name not in data:
            continue
        try:
            values[name] = option.coerce(data[name])
        except ValueError as exc:
            log.warning("%s; using %r", exc, option.default)
    return values


def load(path: Path | None = None) -> Settings:
    """The stored settings (upgraded); user changes to them are written back to ``path``."""
    found = stored.read(path)
    settings = Settings(**_known_values(Settings, found.settings))
    settings.path = path
    return settings


def load_window_state(path: Path | None = None) -> WindowState:
    """The remembered window state stored beside the settings file at ``path``."""
    found = stored.read(path)
    state = WindowState(**_known_values(WindowState, found.window))
    state.path = path
    return state


def save(settings: Settings, path: Path | None = None) -> None:
    """Write every value of ``settings`` except this run's overrides (other keys are kept)."""
    values = settings.values()
    stored.patch_settings(
        {n: v for n, v in values.items() if n not in settings.overridden}, path or settings.path
    )
