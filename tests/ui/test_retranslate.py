"""The live language switch: catalogue look-ups, patterns, and what is never touched."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QLabel, QLineEdit, QVBoxLayout, QWidget

from gui.ui import retranslate


def test_the_catalogue_says_plain_texts_and_patterns_both_ways() -> None:
    to_zh = retranslate.catalogue("en", "zh_CN")
    assert to_zh.say("No open alarms") == "没有未处理的告警"
    assert to_zh.say("seen 2026-12-01 10:00:00") == "抓拍于 2026-12-01 10:00:00"
    # the more specific pattern wins, and a filled-in part that is one of our words follows
    assert to_zh.say("Data 1.2 MB · 3 GB free") == "数据 1.2 MB · 剩余 3 GB"
    assert to_zh.say("Colour: blacklist") == "颜色：黑名单"
    back = retranslate.catalogue("zh_CN", "en")
    assert back.say("抓拍于 2026-12-01 10:00:00") == "seen 2026-12-01 10:00:00"
    assert to_zh.say("West turnstile") is None  # not one of ours: left alone


def test_payload_and_typed_text_are_never_re_said(qtbot: Any) -> None:
    from gui.ui.views.elided import ElidedLabel

    root = QWidget()
    qtbot.addWidget(root)
    layout = QVBoxLayout(root)
    ours, theirs, marked, typed = (
        QLabel("Seen"),
        ElidedLabel(parent=root),
        QLabel("Seen"),
        QLineEdit(),
    )
    theirs.setText("Seen")  # a camera someone named "Seen"
    marked.setProperty("payload", True)
    typed.setText("Seen")
    typed.setPlaceholderText("Seen")
    for w in (ours, theirs, marked, typed):
        layout.addWidget(w)
    retranslate.retranslate_all("en", "zh_CN", roots=[root])
    assert ours.text() == "抓拍时间"
    assert theirs.text() == "Seen" and marked.text() == "Seen" and typed.text() == "Seen"
    assert typed.placeholderText() == "抓拍时间"
