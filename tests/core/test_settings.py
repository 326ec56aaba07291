"""Settings: declared once, typed, upgraded by named steps, safe between threads, watched."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import pytest

from gui import settings as settings_mod
from gui.settings import Settings, WindowState, upgrade
from gui.settings.live import Change

ROOT = Path(__file__).resolve().parents[2]

#: A settings.json as version 1 (every release before window-state.json) wrote it.
V1_FILE = {
    "settings_version": 1,
    "port": 9600,
    "bind": "",
    "theme": "dark",
    "alarm_person_types": [4],
    "alarm_min_score": 0.9,
    "overlay_colours": {"4": "#FF0000"},
    "window_geometry": "AdnQywADAAA=",
    "window_state": "AAAA/wAAAAE=",
    "splitter_state": "AAAA;BBBB;CCCC",
    "layout": "stacked",
    "connect_panel_seen": True,
    "from_the_future": {"kept": True},
}


def write(path: Path, data: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data), encoding="utf-8")


def read(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def test_every_option_is_declared_once_with_type_default_and_doc() -> None:
    options = Settings.options()
    assert len(options) >= 30
    for name, option in options.items():
        assert option.name == name
        assert option.doc and "\n" not in option.doc, name
        assert option.coerce(option.default) == option.default, name
    assert Settings().port == 9528 and Settings().alarm_person_types == [3, 4]
    assert not {"window_geometry", "window_state", "splitter_state"} & set(options)
    assert set(WindowState.options()) == {"geometry", "state", "splitters"}


def test_no_defaults_repeated_around_the_code() -> None:
    """Defaults live in the declaration: no ``getattr(settings, "name", default)`` anywhere."""
    offenders = []
    for path in sorted((ROOT / "gui").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        for needle in ("getattr(settings,", "getattr(self.settings,", "getattr(current,"):
            if needle in text:
                offenders.append(f"{path.relative_to(ROOT)}: {needle}")
        if path.parent.name != "settings" and ("settings_mod.save(" in text):
            offenders.append(f"{path.relative_to(ROOT)}: load-patch-save")
    assert offenders == []


def test_a_version_1_file_loads_and_is_upgraded(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    write(path, V1_FILE)
    s = settings_mod.load(path)
    assert (s.port, s.theme, s.alarm_person_types, s.alarm_min_score) == (9600, "dark", [4], 0.9)
    assert s.overlay_colours == {"4": "#FF0000"} and s.layout == "stacked"
    remembered = settings_mod.load_window_state(path)
    assert remembered.geometry == "AdnQywADAAA=" and remembered.state == "AAAA/wAAAAE="
    assert remembered.splitters == "AAAA;BBBB;CCCC"
    on_disk = read(path)
    assert on_disk["settings_version"] == settings_mod.SETTINGS_VERSION
    assert "window_geometry" not in on_disk and on_disk["from_the_future"] == {"kept": True}
    assert read(tmp_path / "window-state.json")["geometry"] == "AdnQywADAAA="
    # Loading again changes nothing (the upgrade ran once).
    assert settings_mod.load(path) == s
    assert settings_mod.load_window_state(path).geometry == "AdnQywADAAA="


def test_unversioned_files_load_as_version_0(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    write(path, {"port": 9700, "window_geometry": "Zm9v"})
    assert settings_mod.load(path).port == 9700
    assert settings_mod.load_window_state(path).geometry == "Zm9v"


def test_each_upgrade_step_by_name() -> None:
    names = [step.name for step in upgrade.STEPS]
    assert names == ["unversioned_files_had_the_same_keys", "window_state_to_its_own_file"]
    assert len(upgrade.STEPS) == upgrade.SETTINGS_VERSION

    files = upgrade.ConfigFiles({"port": 1}, {})
    upgrade.unversioned_files_had_the_same_keys(files)
    assert files == upgrade.ConfigFiles({"port": 1}, {})

    files = upgrade.ConfigFiles(dict(V1_FILE), {"geometry": "newer"})
    upgrade.window_state_to_its_own_file(files)
    assert files.window == {"geometry": "newer", "state": "AAAA/wAAAAE=",
                            "splitters": "AAAA;BBBB;CCCC"}  # fmt: skip
    assert not set(upgrade.WINDOW_KEYS_V1) & set(files.settings)
    assert files.settings["theme"] == "dark"


def test_a_newer_file_keeps_its_keys_and_version(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    newer = settings_mod.SETTINGS_VERSION + 3
    write(path, {"settings_version": newer, "port": 9601, "shiny_new_option": [1, 2]})
    s = settings_mod.load(path)
    assert s.port == 9601
    s.theme = "dark"
    on_disk = read(path)
    assert on_disk == {"settings_version": newer, "port": 9601, "shiny_new_option": [1, 2],
                       "theme": "dark"}  # fmt: skip


def test_bad_values_fall_back_to_their_defaults(tmp_path: Path, caplog) -> None:
    path = tmp_path / "settings.json"
    write(path, {"settings_version": 2, "port": "not a port", "overlays": "yes",
                 "alarm_person_types": 3, "theme": "dark"})  # fmt: skip
    s = settings_mod.load(path)
    assert (s.port, s.overlays, s.alarm_person_types, s.theme) == (9528, True, [3, 4], "dark")
    assert "port" in caplog.text
    (tmp_path / "broken.json").write_text("{not json", encoding="utf-8")
    assert settings_mod.load(tmp_path / "broken.json") == Settings()
    with pytest.raises(ValueError):
        Settings().update(port="twelve")


def test_command_line_values_are_never_written(tmp_path: Path) -> None:
    """Started with --port 21529 --bind 127.0.0.1, changing the theme keeps only the theme."""
    path = tmp_path / "settings.json"
    write(path, {"settings_version": 2, "port": 9528, "bind": ""})
    s = settings_mod.load(path)
    s.override(port=21529, bind="127.0.0.1")
    assert (s.port, s.bind) == (21529, "127.0.0.1")
    s.theme = "dark"
    s.update_from_form({"port": 21529, "bind": "127.0.0.1", "theme": "dark"},
                       {"port": 21529, "bind": "127.0.0.1", "theme": "dark"})  # fmt: skip
    assert read(path) == {"settings_version": 2, "port": 9528, "bind": "", "theme": "dark"}
    assert settings_mod.load(path).port == 9528
    # A port the user picks is kept, and is no longer a one-off.
    s.update_from_form({"port": 21529}, {"port": 21600})
    assert read(path)["port"] == 21600 and s.overridden == frozenset({"bind"})


def test_the_cli_turns_its_flags_into_overrides(tmp_path: Path) -> None:
    from gui import cli

    args = cli.build_parser().parse_args(
        ["--port", "21529", "--bind", "127.0.0.1", "--wall", "--screen", "1"]
    )
    s = cli.effective_settings(args)
    assert (s.port, s.bind, s.start_in_wall, s.wall_screen) == (21529, "127.0.0.1", True, 1)
    assert s.overridden == {"port", "bind", "start_in_wall", "wall_screen"}
    s.alarm_volume = 0.5
    assert read(settings_mod.settings_path()) == {
        "settings_version": settings_mod.SETTINGS_VERSION, "alarm_volume": 0.5,
    }  # fmt: skip


def test_subscribers_hear_only_their_options() -> None:
    s = Settings()
    heard: list[Change] = []
    every: list[frozenset[str]] = []
    unsubscribe = s.subscribe(heard.append, ["theme"])
    s.subscribe(lambda c: every.append(c.names))
    s.port = 1
    s.update(theme="dark", language="en")
    s.theme = "dark"  # unchanged: nobody is told
    assert [c.names for c in heard] == [{"theme", "language"}]
    assert heard[0].old.theme == "light" and heard[0].new.theme == "dark"
    assert every == [{"port"}, {"theme", "language"}]
    unsubscribe()
    s.theme = "light"
    assert len(heard) == 1
    with pytest.raises(AttributeError):
        s.subscribe(heard.append, ["no_such_option"])


def test_a_failing_subscriber_does_not_stop_the_others(caplog) -> None:
    s = Settings()
    heard: list[int] = []

    def broken(_c: Change) -> None:
        raise RuntimeError("consumer bug")

    s.subscribe(broken, ["port"])
    s.subscribe(lambda c: heard.append(c.new.port), ["port"])
    s.port = 2
    assert heard == [2] and "consumer bug" in caplog.text


def test_values_cannot_be_changed_in_place_or_through_a_snapshot() -> None:
    s = Settings()
    s.alarm_person_types.append(1)
    s.overlay_colours["1"] = "#000000"
    assert s.alarm_person_types == [3, 4] and s.overlay_colours == {}
    frozen = s.snapshot()
    with pytest.raises(AttributeError):
        frozen.port = 1
    s.port = 5
    assert frozen.port == 9528 and s.port == 5
    with pytest.raises(AttributeError):
        s.update(no_such_option=1)


def test_readers_on_another_thread_never_see_half_a_change() -> None:
    """The core thread reads while the GUI thread changes two options together."""
    s = Settings(port=0, bind="0")
    stop = threading.Event()
    torn: list[tuple[int, str]] = []
    reads = 0

    def reader() -> None:
        nonlocal reads
        while not stop.is_set():
            snap = s.snapshot()
            if str(snap.port) != snap.bind:
                torn.append((snap.port, snap.bind))
            reads += 1

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        for i in range(1, 3000):
            s.override(port=i, bind=str(i))
    finally:
        stop.set()
        thread.join()
    assert torn == [] and reads > 0


def test_window_state_is_kept_apart_from_the_settings(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    s = settings_mod.load(path)
    s.theme = "dark"
    before = path.read_bytes()
    settings_mod.load_window_state(path).update(geometry="R0VP", splitters="a;b;c")
    assert path.read_bytes() == before
    assert read(tmp_path / "window-state.json") == {"geometry": "R0VP", "splitters": "a;b;c"}
    assert settings_mod.load_window_state(path).splitters == "a;b;c"
