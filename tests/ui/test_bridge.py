"""The bridge: one queued Qt signal per message the core announces, and nothing else."""

from __future__ import annotations

import dataclasses
import threading
from typing import Any

from PySide6.QtCore import Signal

from gui.core import messages
from gui.ui.bridge import CoreBridge, signal_name


def _signals() -> set[str]:
    return {name for name, value in vars(CoreBridge).items() if isinstance(value, Signal)}


def test_one_signal_per_message_type_and_no_catch_all() -> None:
    every = messages.MESSAGE_TYPES + messages.LOCAL_MESSAGE_TYPES
    expected = {signal_name(t) for t in every}
    assert len(expected) == len(every)
    assert _signals() == expected
    assert signal_name(messages.EventStored) == "event_stored"
    assert signal_name(messages.FaceThumbReady) == "face_thumb_ready"


def test_every_message_is_a_frozen_dataclass_listed_once() -> None:
    assert len(set(messages.MESSAGE_TYPES)) == len(messages.MESSAGE_TYPES)
    for message_type in messages.MESSAGE_TYPES:
        assert dataclasses.is_dataclass(message_type)
        assert message_type.__dataclass_params__.frozen, message_type  # type: ignore[attr-defined]
    announced = set(messages.Message.__args__)  # type: ignore[attr-defined]
    assert announced == set(messages.MESSAGE_TYPES)


def test_each_message_reaches_only_its_signal_on_the_gui_thread(core: Any, qtbot: Any) -> None:
    bridge = core.bridge
    seen: list[tuple[str, Any, bool]] = []
    gui_thread = threading.get_ident()
    for message_type in messages.MESSAGE_TYPES:
        name = signal_name(message_type)
        getattr(bridge, name).connect(
            lambda m, name=name: seen.append((name, m, threading.get_ident() == gui_thread))
        )
    sent = []
    for message_type in messages.MESSAGE_TYPES:
        fields = dataclasses.fields(message_type)
        message = message_type(*[f"{message_type.__name__}.{f.name}" for f in fields])
        sent.append((signal_name(message_type), message, True))

    async def announce() -> None:
        for _name, message, _ in sent:
            core.thread.receiver.publish(message)

    core.thread.call(announce)
    qtbot.waitUntil(lambda: len([s for s in seen if s[1] in {m for _, m, _ in sent}]) >= len(sent))
    assert [s for s in seen if s in sent] == sent


def test_the_readme_names_every_message_the_core_announces() -> None:
    from tests.conftest import ROOT

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Architecture") :]
    section = section[: section.index("\n## ", 1)]
    for message_type in messages.MESSAGE_TYPES:
        assert f"`{message_type.__name__}`" in section, message_type.__name__
