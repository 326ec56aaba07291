"""The settings as stored: read (upgraded), patched key by key, written atomically.

Changes are written as a patch onto the file as it is on disk — only the
keys that changed — so keys a newer Gatewatch wrote, and values this run
holds only from the command line, are never clobbered.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Any

from gui.settings import files
from gui.settings.upgrade import SETTINGS_VERSION, VERSION_KEY, ConfigFiles, upgrade

log = logging.getLogger(__name__)

#: One writer at a time in this process (the GUI thread normally; tests use threads too).
_write_lock = threading.Lock()


def read(path: Path | None = None) -> ConfigFiles:
    """Both files, upgraded to this version; an upgrade is written back when it can be."""
    path = path or files.settings_path()
    settings = files.read_json(path)
    window = files.read_json(files.window_state_path(path)) or {}
    found = ConfigFiles(settings or {}, window)
    if settings and upgrade(found):
        try:
            # The window file first: should the second write fail, the next load
            # upgrades again from the old settings file and loses nothing.
            files.write_json(files.window_state_path(path), found.window)
            files.write_json(path, found.settings)
        except OSError as exc:
            log.warning("cannot write the upgraded settings to %s: %s", path, exc)
    elif not settings:
        found.settings[VERSION_KEY] = SETTINGS_VERSION  # a new file starts current
    return found


def patch_settings(changes: dict[str, Any], path: Path | None = None) -> None:
    """Write ``changes`` onto the stored settings file, keeping every other key."""
    path = path or files.settings_path()
    with _write_lock:
        data = read(path).settings
        data.update(changes)
        files.write_json(path, data)


def patch_window_state(changes: dict[str, Any], path: Path | None = None) -> None:
    """Write ``changes`` onto window-state.json (beside the settings file at ``path``)."""
    path = path or files.settings_path()
    with _write_lock:
        data = read(path).window
        data.update(changes)
        files.write_json(files.window_state_path(path), data)
