"""Language switching (English <-> Simplified Chinese) and Chinese glyphs that are not tofu."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QLocale, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QImage, QPainter
from PySide6.QtWidgets import QApplication

from gui.ui import i18n, theme


@pytest.fixture
def english(qapp) -> Iterator[None]:
    yield
    i18n.install("en")


def test_language_from_locale_with_setting_override() -> None:
    assert (
        i18n.resolve_language("", QLocale(QLocale.Language.Chinese, QLocale.Country.China))
        == "zh_CN"
    )
    assert i18n.resolve_language("", QLocale(QLocale.Language.German)) == "en"
    assert i18n.resolve_language("en", QLocale(QLocale.Language.Chinese)) == "en"
    assert i18n.resolve_language("zh_CN", QLocale(QLocale.Language.English)) == "zh_CN"


def test_compiled_translation_is_shipped() -> None:
    assert (i18n.i18n_dir() / "gatewatch_zh_CN.qm").is_file()
    assert (i18n.i18n_dir() / "gatewatch_zh_CN.ts").is_file()


def test_switching_language_retranslates_the_open_window(window, qtbot, english) -> None:
    assert window.menu("file").title() == "&File"
    assert window.tabs.tabText(0) == "Live"
    i18n.install("zh_CN")
    qtbot.waitUntil(lambda: window.menu("file").title() == "文件(&F)", timeout=3000)
    assert window.tabs.tabText(0) == "实时"
    assert window.state_label.text() == "正在监听"
    assert window.detail.name_label.text() in ("未选择事件",) or window.detail.event_id
    assert window.detail.tabs.tabText(0) == "详情"
    from gui.ui.views import words

    assert words.person_type_word(3) == "黑名单"
    assert words.want_action_words("1001") == "新陌生人已注册"
    i18n.install("en")
    qtbot.waitUntil(lambda: window.menu("file").title() == "&File", timeout=3000)
    assert window.tabs.tabText(0) == "Live"


def _render(text: str, font: QFont) -> QImage:
    image = QImage(64, 64, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    p = QPainter(image)
    p.setFont(font)
    p.setPen(QColor("black"))
    p.drawText(image.rect(), int(Qt.AlignmentFlag.AlignCenter), text)
    p.end()
    return image


def test_chinese_names_render_with_real_glyphs(qapp: QApplication) -> None:
    theme.apply_fonts(qapp)
    font = QApplication.font()
    families = font.families()
    cjk = theme.available_cjk_families()
    assert cjk, "no CJK font installed (Debian: fonts-wqy-microhei)"
    assert any(f in families for f in cjk)
    name = "张伟东门闸机"
    covered = [any(QFontMetrics(QFont(f)).inFontUcs4(ord(ch)) for f in families) for ch in name]
    assert all(covered)
    font.setPointSize(28)
    # Tofu boxes all look alike; real glyphs of different characters do not.
    images = [_render(ch, font) for ch in "张伟门"]
    assert images[0] != images[1] and images[1] != images[2]
    ink = sum(
        1 for x in range(64) for y in range(64) if images[0].pixelColor(x, y).lightness() < 128
    )
    assert ink > 20


def test_dark_theme_changes_the_palette(qapp: QApplication) -> None:
    theme.apply_theme(qapp, "dark")
    dark = qapp.palette().window().color().lightness()
    theme.apply_theme(qapp, "light")
    light = qapp.palette().window().color().lightness()
    assert dark < 100 < light


def test_any_context_finds_strings_filed_under_the_empty_one(qapp, english) -> None:
    from PySide6.QtCore import QCoreApplication

    i18n.install("zh_CN")
    # lupdate files module-level tr() helpers under ""; pages ask with their own context
    assert QCoreApplication.translate("History", "History") == "历史"
    assert QCoreApplication.translate("AnyPage", "Live") == "实时"
    # not translated anywhere: the source text, never an empty string
    assert QCoreApplication.translate("AnyPage", "no such text 42") == "no such text 42"
    assert QCoreApplication.translate("", "no such text 42") == "no such text 42"
    i18n.install("en")
    assert QCoreApplication.translate("History", "History") == "History"
