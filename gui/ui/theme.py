"""Light and dark themes (Fusion palettes) and the font fallback for Chinese text.

Box users type names and device names in Chinese; the UI font falls back to a
CJK font so those never render as empty boxes.
"""

from __future__ import annotations

import logging

from PySide6.QtGui import QColor, QFont, QFontDatabase, QPalette
from PySide6.QtWidgets import QApplication, QStyleFactory

log = logging.getLogger(__name__)

#: Tried in order after the platform's UI font, for glyphs it lacks.
CJK_FALLBACKS = (
    "Microsoft YaHei",
    "Microsoft YaHei UI",
    "PingFang SC",
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "SimHei",
)


def available_cjk_families() -> list[str]:
    have = set(QFontDatabase.families())
    return [f for f in CJK_FALLBACKS if f in have]


def apply_fonts(app: QApplication) -> QFont:
    """Keep the platform's UI font, with the installed CJK fonts as fallbacks."""
    font = QFont(app.font())
    base = font.families() or [font.family()]
    cjk = available_cjk_families()
    if not cjk:
        log.warning(
            "no Chinese-capable font found: Chinese names may show as empty boxes "
            "(Debian/Ubuntu: install fonts-wqy-microhei or fonts-noto-cjk)"
        )
    families = list(dict.fromkeys([*base, *cjk]))
    font.setFamilies(families)
    app.setFont(font)
    return font


def _dark_palette() -> QPalette:
    p = QPalette()
    window = QColor(37, 40, 44)
    base = QColor(28, 30, 33)
    text = QColor(230, 230, 230)
    disabled = QColor(127, 127, 127)
    p.setColor(QPalette.ColorRole.Window, window)
    p.setColor(QPalette.ColorRole.WindowText, text)
    p.setColor(QPalette.ColorRole.Base, base)
    p.setColor(QPalette.ColorRole.AlternateBase, QColor(44, 47, 52))
    p.setColor(QPalette.ColorRole.ToolTipBase, QColor(50, 53, 58))
    p.setColor(QPalette.ColorRole.ToolTipText, text)
    p.setColor(QPalette.ColorRole.Text, text)
    p.setColor(QPalette.ColorRole.Button, QColor(50, 53, 58))
    p.setColor(QPalette.ColorRole.ButtonText, text)
    p.setColor(QPalette.ColorRole.BrightText, QColor(255, 255, 255))
    p.setColor(QPalette.ColorRole.Mid, QColor(70, 74, 80))
    p.setColor(QPalette.ColorRole.Link, QColor(100, 170, 255))
    p.setColor(QPalette.ColorRole.Highlight, QColor(42, 110, 200))
    p.setColor(QPalette.ColorRole.HighlightedText, QColor(255, 255, 255))
    p.setColor(QPalette.ColorRole.PlaceholderText, disabled)
    for role in (
        QPalette.ColorRole.Text,
        QPalette.ColorRole.WindowText,
        QPalette.ColorRole.ButtonText,
    ):
        p.setColor(QPalette.ColorGroup.Disabled, role, disabled)
    return p


def apply_theme(app: QApplication, theme: str) -> None:
    """``"light"`` or ``"dark"``; Fusion on both so they look the same on every OS."""
    style = QStyleFactory.create("Fusion")
    if style is not None:
        app.setStyle(style)
    if theme == "dark":
        app.setPalette(_dark_palette())
    else:
        palette = app.style().standardPalette()
        palette.setColor(QPalette.ColorRole.BrightText, QColor(255, 255, 255))
        app.setPalette(palette)
