"""Languages: English (the source strings) and Simplified Chinese, via Qt translators.

The ``.ts`` sources and compiled ``.qm`` files live in ``assets/i18n/``
(``gatewatch_zh_CN.ts`` -> ``gatewatch_zh_CN.qm`` with ``pyside6-lrelease``).
The language comes from the system locale unless settings say otherwise;
switching at run time sends ``LanguageChange`` to every widget.

Our modules translate through a module-level ``tr()`` that calls
``QCoreApplication.translate("", text)``: ``pyside6-lupdate`` files such calls
under the empty context, so that is the context they must be looked up in.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QObject, QTranslator

from gui.resources import asset_path

log = logging.getLogger(__name__)

I18N_DIR = asset_path("i18n")
#: Settings value -> name shown in the language picker (each in its own language).
LANGUAGES: dict[str, str] = {"en": "English", "zh_CN": "简体中文"}

_installed: list[QTranslator] = []
_current = "en"


def i18n_dir() -> Path:
    """The translations folder (in the checkout, or inside a frozen bundle)."""
    from gui.resources import asset_path

    return asset_path("i18n")


class _EmptyContextFallback(QTranslator):
    """Looks a source text up under the empty context when its own context has none."""

    def __init__(self, inner: QTranslator, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._inner = inner

    def translate(
        self,
        context: str,
        source_text: str,
        disambiguation: str | None = None,
        n: int = -1,
    ) -> str | None:
        # None (a null QString) means "not here": Qt then asks the next
        # translator or keeps the source text. An empty string would blank it.
        if not context:
            return None
        found = self._inner.translate("", source_text, disambiguation, n)
        return found or None

    def isEmpty(self) -> bool:
        return self._inner.isEmpty()


def resolve_language(setting: str, locale: QLocale | None = None) -> str:
    """``"en"`` or ``"zh_CN"``: the setting if it names one, else from the system locale."""
    if setting in LANGUAGES:
        return setting
    locale = locale or QLocale.system()
    if locale.language() == QLocale.Language.Chinese:
        return "zh_CN"
    return "en"


def current_language() -> str:
    return _current


def install(language_setting: str) -> str:
    """Install the translators for the chosen language (replacing any); returns the language."""
    global _current
    app = QCoreApplication.instance()
    language = resolve_language(language_setting)
    for t in _installed:
        if app is not None:
            app.removeTranslator(t)
    _installed.clear()
    _current = language
    if language == "en" or app is None:
        return language
    ours = QTranslator(app)
    if ours.load(f"gatewatch_{language}", str(i18n_dir())):
        # Installed first, so asked last: strings lupdate filed under the empty
        # context (module-level ``tr`` helpers) are found whatever context the
        # running code names.
        fallback = _EmptyContextFallback(ours, app)
        app.installTranslator(fallback)
        _installed.append(fallback)
        app.installTranslator(ours)
        _installed.append(ours)
    else:
        log.warning("no translation file for %s in %s", language, i18n_dir())
    qt = QTranslator(app)  # Qt's own dialogs (OK/Cancel, colour picker...)
    qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if qt.load(f"qtbase_{language}", qt_dir):
        app.installTranslator(qt)
        _installed.append(qt)
    return language


def _strings_lupdate_misses(sources: list[str]) -> str:
    """Python source re-stating the ``tr()`` calls lupdate cannot see.

    lupdate does not look inside f-strings, so ``f"{word} ({self.tr('late')})"``
    would never reach the ``.ts``; and it files ``window.tr("...")`` under a
    context named after the variable ("window"), which Qt never asks for. Each
    such call is written out as a plain ``QCoreApplication.translate(context,
    text)`` with a context that is found at run time: the enclosing class for
    ``self.tr``, else the empty one (see ``_EmptyContextFallback``).
    """
    import ast

    found: list[tuple[str, str]] = []

    def visit(node: ast.AST, cls: str, in_fstring: bool) -> None:
        if isinstance(node, ast.ClassDef):
            cls = node.name
        if isinstance(node, ast.JoinedStr):
            in_fstring = True
        if isinstance(node, ast.Call) and node.args:
            func, first = node.func, node.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                if isinstance(func, ast.Attribute) and func.attr == "tr":
                    is_self = isinstance(func.value, ast.Name) and func.value.id == "self"
                    if not is_self:
                        found.append(("", first.value))
                    elif in_fstring:
                        found.append((cls, first.value))
                elif in_fstring and isinstance(func, ast.Name) and func.id == "tr":
                    found.append(("", first.value))
        for child in ast.iter_child_nodes(node):
            visit(child, cls, in_fstring)

    for path in sources:
        visit(ast.parse(Path(path).read_text(encoding="utf-8")), "", False)
    lines = ["from PySide6.QtCore import QCoreApplication", ""]
    lines += [f"QCoreApplication.translate({c!r}, {t!r})" for c, t in sorted(set(found))]
    return "\n".join(lines) + "\n"


def update_translations() -> int:
    """Developer step: refresh the ``.ts`` from the sources, then compile the ``.qm``.

    ``python -m gui.ui.i18n`` — existing translations are kept; new strings
    appear unfinished in the ``.ts`` (open it with ``pyside6-linguist``).
    """
    import shutil
    import subprocess
    import sys

    bin_dir = Path(sys.executable).parent
    lupdate = shutil.which("pyside6-lupdate", path=str(bin_dir)) or "pyside6-lupdate"
    lrelease = shutil.which("pyside6-lrelease", path=str(bin_dir)) or "pyside6-lrelease"
    sources = sorted(str(p) for p in (I18N_DIR.parents[1] / "gui" / "ui").rglob("*.py"))
    # Next to the .ts (and removed afterwards) so its location there stays stable.
    extra = I18N_DIR / "strings_in_fstrings.py"
    extra.write_text(_strings_lupdate_misses(sources), encoding="utf-8")
    try:
        for language in LANGUAGES:
            if language == "en":
                continue
            ts = I18N_DIR / f"gatewatch_{language}.ts"
            args = [*sources, str(extra), "-no-obsolete", "-ts", str(ts)]
            subprocess.run([lupdate, *args], check=True)
            subprocess.run([lrelease, str(ts), "-qm", str(ts.with_suffix(".qm"))], check=True)
    finally:
        extra.unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(update_translations())
