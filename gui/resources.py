"""Where the bundled assets are: wheel, editable install, source tree or frozen build.

The files live in the checkout's top-level ``assets/`` folder and are
installed as the package ``gui.assets`` (setup.py maps one onto the other,
``pyproject.toml`` lists the files). Every module that needs one of them
(translations, the alarm sound, sample events, icons) asks here, so:

* a wheel or ``pipx`` install finds them inside its ``site-packages/gui/assets``;
* an editable install finds the checkout's ``assets/`` through the same import;
* a PyInstaller build (which unpacks to ``sys._MEIPASS``) finds its ``assets/``;
* a bare source tree (``python -m gui`` with nothing installed) falls back to
  the ``assets/`` beside ``gui/``.

Qt-free: the core and the script subcommands use it too.
"""

from __future__ import annotations

import importlib.resources
import sys
from pathlib import Path

ASSETS_PACKAGE = "gui.assets"
#: The checkout (``gui/..``), for a source tree run without installing.
_SOURCE_ROOT = Path(__file__).resolve().parent.parent


def is_frozen() -> bool:
    return bool(getattr(sys, "frozen", False))


def assets_dir() -> Path:
    """The folder holding ``i18n/``, ``icons/``, ``samples/`` and ``sounds/``."""
    meipass = getattr(sys, "_MEIPASS", None)
    if is_frozen() and meipass:
        return Path(meipass) / "assets"
    try:
        found = importlib.resources.files(ASSETS_PACKAGE)
    except ModuleNotFoundError:
        found = None
    if isinstance(found, Path) and found.is_dir():
        return found
    return _SOURCE_ROOT / "assets"


def asset_path(*parts: str) -> Path:
    """``asset_path("sounds", "alarm.wav")`` -> the file, wherever the program runs from."""
    return assets_dir().joinpath(*parts)


def icon_path(size: int | None = None) -> Path:
    """The app icon: a PNG of ``size`` pixels, or the SVG source when ``size`` is None."""
    if size is None:
        return asset_path("icons", "gatewatch.svg")
    return asset_path("icons", f"gatewatch-{size}.png")
