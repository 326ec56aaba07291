"""Where the bundled assets are, from a source checkout and from a frozen build.

Every module that needs a file under ``assets/`` (translations, the alarm
sound, sample events, icons) asks here, so a PyInstaller build (which unpacks
to ``sys._MEIPASS``) and a checkout behave the same. Qt-free: the core and the
script subcommands use it too.
"""

from __future__ import annotations

import sys
from pathlib import Path

#: The checkout (``gui/..``); in a frozen build the bundle's root instead.
_SOURCE_ROOT = Path(__file__).resolve().parent.parent


def bundle_root() -> Path:
    """The folder that holds ``assets/``."""
    meipass = getattr(sys, "_MEIPASS", None)
    if getattr(sys, "frozen", False) and meipass:
        return Path(meipass)
    return _SOURCE_ROOT


def asset_path(*parts: str) -> Path:
    """``asset_path("sounds", "alarm.wav")`` -> the file, wherever the program runs from."""
    return bundle_root().joinpath("assets", *parts)


def is_frozen() -> bool:
    return bool(getattr(sys, "frozen", False))


def icon_path(size: int | None = None) -> Path:
    """The app icon: a PNG of ``size`` pixels, or the SVG source when ``size`` is None."""
    if size is None:
        return asset_path("icons", "gatewatch.svg")
    return asset_path("icons", f"gatewatch-{size}.png")
