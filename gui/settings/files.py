"""Where the settings files live, and reading and writing them whole and atomically.

Settings sit in the platform's per-user config dir — not in the data dir, so
the data dir itself can be a setting. Two files: ``settings.json`` (what the
user chose) and ``window-state.json`` (what the app remembers about its
windows), so saving a window's geometry never rewrites the user's choices.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import tempfile
from pathlib import Path
from typing import Any

import platformdirs

log = logging.getLogger(__name__)

APP_NAME = "Gatewatch"
#: Environment override of the config dir (tests, portable installs, services).
CONFIG_DIR_ENV = "GATEWATCH_CONFIG_DIR"


def config_dir() -> Path:
    override = os.environ.get(CONFIG_DIR_ENV)
    if override:
        return Path(override)
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def settings_path() -> Path:
    return config_dir() / "settings.json"


def window_state_path(settings_file: Path | None = None) -> Path:
    """Beside ``settings_file`` (the default one when not given)."""
    return (settings_file or settings_path()).with_name("window-state.json")


def read_json(path: Path) -> dict[str, Any] | None:
    """The file's object; None when it does not exist, {} (logged) when it is unreadable."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        log.warning("cannot read settings %s (%s); using defaults", path, exc)
        return {}
    if not isinstance(data, dict):
        log.warning("settings %s hold no JSON object; using defaults", path)
        return {}
    return data


def write_json(path: Path, data: dict[str, Any]) -> None:
    """Atomic: a crash mid-save leaves the old file, never half a new one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".settings-", suffix=".json")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(data, f, ensure_ascii=False, indent=2)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
