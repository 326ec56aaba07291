"""Versioned upgrades of the settings files: named steps, each tested, never edited.

A file carries ``settings_version``. Loading an older file runs every step
from its version to ``SETTINGS_VERSION`` in order, on both files at once
(a step may move keys from one to the other). To change the shape: append a
step, bump nothing else — ``SETTINGS_VERSION`` follows the list.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

log = logging.getLogger(__name__)

VERSION_KEY = "settings_version"


@dataclass
class ConfigFiles:
    """The raw JSON objects of ``settings.json`` and ``window-state.json``."""

    settings: dict[str, Any]
    window: dict[str, Any]


def unversioned_files_had_the_same_keys(files: ConfigFiles) -> None:
    """v0 -> v1: files written before versioning need nothing."""


#: Keys v1 kept in settings.json that are remembered window state, with their v2 names.
WINDOW_KEYS_V1 = {
    "window_geometry": "geometry",
    "window_state": "state",
    "splitter_state": "splitters",
}


def window_state_to_its_own_file(files: ConfigFiles) -> None:
    """v1 -> v2: geometry, dock state and splitters move to window-state.json."""
    for old, new in WINDOW_KEYS_V1.items():
        if old in files.settings:
            value = files.settings.pop(old)
            files.window.setdefault(new, value)


@dataclass(frozen=True)
class Step:
    from_version: int
    run: Callable[[ConfigFiles], None]

    @property
    def name(self) -> str:
        return self.run.__name__


#: ``STEPS[n]`` turns version n into version n + 1.
STEPS: tuple[Step, ...] = (
    Step(0, unversioned_files_had_the_same_keys),
    Step(1, window_state_to_its_own_file),
)
SETTINGS_VERSION = len(STEPS)
assert all(step.from_version == n for n, step in enumerate(STEPS))


def file_version(data: dict[str, Any]) -> int:
    version = data.get(VERSION_KEY, 0)
    if not isinstance(version, int) or isinstance(version, bool) or version < 0:
        log.warning("settings carry an odd %s=%r; reading them as version 0", VERSION_KEY, version)
        return 0
    return version


def upgrade(files: ConfigFiles) -> bool:
    """Bring ``files`` up to ``SETTINGS_VERSION`` in place; True if any step ran.

    A file from a newer Gatewatch is left as it is (we read what we know and
    keep the rest).
    """
    version = file_version(files.settings)
    if version > SETTINGS_VERSION:
        log.warning("settings written by a newer Gatewatch (v%s); reading what we know", version)
        return False
    for step in STEPS[version:]:
        log.info("upgrading settings: %s (v%d -> v%d)", step.name, step.from_version,
                 step.from_version + 1)  # fmt: skip
        step.run(files)
    files.settings[VERSION_KEY] = max(version, SETTINGS_VERSION)
    return version < SETTINGS_VERSION
