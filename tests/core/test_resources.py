"""Bundled assets are found from the checkout, an install and a frozen build alike."""

from __future__ import annotations

import importlib.resources
import sys
import tomllib
from pathlib import Path

import pytest

from gui import resources
from gui.resources import asset_path, assets_dir, icon_path

ROOT = Path(__file__).resolve().parents[2]

#: What the program loads at run time, by the pattern it is found with.
LOADED_AT_RUN_TIME = {
    "i18n": "*.qm",
    "icons": "*.png",
    "samples": "*.json",
    "sounds": "*.wav",
}


def test_the_checkout_assets_are_found_through_the_package() -> None:
    # Tests run on an editable install: the import maps gui.assets to assets/.
    assert assets_dir() == ROOT / "assets"
    assert Path(str(importlib.resources.files("gui.assets"))) == ROOT / "assets"
    assert asset_path("samples", "stranger.json").is_file()
    assert asset_path("sounds", "alarm.wav").is_file()
    assert asset_path("i18n", "gatewatch_zh_CN.qm").is_file()
    for size in (16, 32, 48, 64, 128, 256, 512):
        assert icon_path(size).is_file()
    assert icon_path().suffix == ".svg"
    assert asset_path("icons", "gatewatch.ico").is_file()


def test_a_frozen_bundle_uses_its_own_folder(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert asset_path("sounds", "alarm.wav") == tmp_path / "assets" / "sounds" / "alarm.wav"
    assert resources.is_frozen()


def test_an_installed_package_is_used_wherever_it_is(tmp_path: Path, monkeypatch) -> None:
    installed = tmp_path / "site-packages" / "gui" / "assets"
    installed.mkdir(parents=True)
    monkeypatch.setattr(importlib.resources, "files", lambda name: installed)
    assert asset_path("samples") == installed / "samples"


def test_a_bare_source_tree_falls_back_to_the_folder_beside_gui(monkeypatch) -> None:
    def missing(name: str):
        raise ModuleNotFoundError(name=name)

    monkeypatch.setattr(importlib.resources, "files", missing)
    assert assets_dir() == ROOT / "assets"


@pytest.mark.parametrize(("folder", "pattern"), sorted(LOADED_AT_RUN_TIME.items()))
def test_every_file_loaded_at_run_time_ships_in_the_wheel(folder: str, pattern: str) -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    shipped = config["tool"]["setuptools"]["package-data"].get(f"gui.assets.{folder}", [])
    files = sorted((ROOT / "assets" / folder).glob(pattern))
    assert files, f"assets/{folder}/{pattern} matches nothing"
    for path in files:
        assert any(path.match(glob) for glob in shipped), f"{path.name} is not in package-data"
