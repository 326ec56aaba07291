"""A language switch re-says every UI text already on screen, without a restart.

Qt's way is a ``retranslateUi`` per widget, re-setting each text on
``LanguageChange``. Most pages set their words once when they are built, so
instead the window walks every widget and action after a switch and re-says
each text that *is* one of our UI strings, looked up in the translation
catalogue (``assets/i18n/*.ts``): plain texts by exact match, texts with
placeholders (``{n}``, ``%1``, ``%n``) by pattern. Anything else — names,
cameras, box text — matches no catalogue entry and is left as it is; editable
text and elided payload labels are never looked at.
"""

from __future__ import annotations

import logging
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QObject, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPlainTextEdit,
    QTabWidget,
    QTextEdit,
    QWidget,
)

log = logging.getLogger(__name__)

#: ``{name}``, ``{n:,}``, ``%1``…``%9`` and ``%n``: parts a text fills in at run time.
PLACEHOLDER = re.compile(r"\{[^{}]*\}|%[1-9n]")


@dataclass
class _Template:
    literal: int  # how many fixed characters: the larger, the more specific
    prefix: str
    pattern: re.Pattern[str]
    target: str


@dataclass
class Catalogue:
    """One direction of the catalogue: texts in the old language -> the new one."""

    exact: dict[str, str] = field(default_factory=dict)
    templates: list[_Template] = field(default_factory=list)

    def add(self, old: str, new: str) -> None:
        if not old or not new or old == new:
            return
        if PLACEHOLDER.search(old):
            self.templates.append(_compile(old, new))
        else:
            self.exact.setdefault(old, new)

    def say(self, text: str) -> str | None:
        """``text`` in the new language, or None when it is not one of our strings."""
        if not text:
            return None
        found = self.exact.get(text)
        if found is not None:
            return found
        for t in self.templates:
            if text.startswith(t.prefix):
                m = t.pattern.fullmatch(text)
                if m is not None:
                    # "Colour: blacklist": the filled-in part may be one of our words too
                    values = {k: self.say(v) or v for k, v in m.groupdict().items()}
                    return _fill_in(t.target, values)
        return None


def _fill_in(target: str, values: dict[str, str]) -> str:
    return PLACEHOLDER.sub(lambda p: values.get(_group(p.group(0)), p.group(0)), target)


def _group(token: str) -> str:
    return "g" + "".join(c if c.isalnum() else f"_{ord(c)}" for c in token)


def _compile(old: str, new: str) -> _Template:
    parts: list[str] = []
    seen: set[str] = set()
    last = 0
    prefix_end = None
    for m in PLACEHOLDER.finditer(old):
        parts.append(re.escape(old[last : m.start()]))
        if prefix_end is None:
            prefix_end = m.start()
        name = _group(m.group(0))
        parts.append(f"(?P={name})" if name in seen else f"(?P<{name}>.+?)")
        seen.add(name)
        last = m.end()
    parts.append(re.escape(old[last:]))
    literal = len(PLACEHOLDER.sub("", old))
    return _Template(literal, old[: prefix_end or 0], re.compile("".join(parts), re.DOTALL), new)


def catalogue_path(language: str) -> Path:
    from gui.ui.i18n import i18n_dir

    return i18n_dir() / f"gatewatch_{language}.ts"


@cache
def _pairs(language: str) -> tuple[tuple[str, str], ...]:
    """(English source, translation) for every finished message of ``language``."""
    path = catalogue_path(language)
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError) as exc:
        log.warning(
            "no translation catalogue for %s (%s): texts switch as pages refresh", language, exc
        )
        return ()
    pairs: list[tuple[str, str]] = []
    for message in root.iter("message"):
        source = message.findtext("source") or ""
        node = message.find("translation")
        if node is None or node.get("type") in ("obsolete", "vanished"):
            continue
        forms = [f.text or "" for f in node.findall("numerusform")]
        text = forms[0] if forms else (node.text or "")
        if source and text:
            pairs.append((source, text))
    return tuple(pairs)


@cache
def catalogue(old: str, new: str) -> Catalogue:
    """How to re-say texts of language ``old`` in ``new`` ("en" is the source language)."""
    found = Catalogue()
    if old == new:
        return found
    _fill(found, old, new)
    # The most specific pattern first: "Data %1 · %2 free" before "%1 free".
    found.templates.sort(key=lambda t: -t.literal)
    return found


def _fill(found: Catalogue, old: str, new: str) -> None:
    if old == "en":
        for source, text in _pairs(new):
            found.add(source, text)
    elif new == "en":
        for source, text in _pairs(old):
            found.add(text, source)
    else:  # between two translations, through English
        back = {text: source for source, text in _pairs(old)}
        forward = dict(_pairs(new))
        for text, source in back.items():
            if source in forward:
                found.add(text, forward[source])


def _skip(widget: QWidget) -> bool:
    """Payload shown to people (names, cameras) is never re-said."""
    from gui.ui.views.elided import ElidedLabel

    return isinstance(widget, ElidedLabel) or bool(widget.property("payload"))


def _each(getter: object, setter: object, say: Catalogue) -> int:
    text = getter()  # type: ignore[operator]
    new = say.say(text) if isinstance(text, str) else None
    if new is None:
        return 0
    setter(new)  # type: ignore[operator]
    return 1


_PLAIN_TIP = re.compile(r"<p style='white-space:pre-wrap'>(.*)</p>", re.DOTALL)


def _tooltip(w: QWidget | QAction, say: Catalogue) -> int:
    """Tooltips, including those ``plain.tooltip`` wrapped so they show literally."""
    tip = w.toolTip()
    m = _PLAIN_TIP.fullmatch(tip) if tip else None
    if m is None:
        return _each(w.toolTip, w.setToolTip, say)
    import html

    from gui.ui import plain

    new = say.say(html.unescape(m.group(1)))
    if new is None:
        return 0
    w.setToolTip(plain.tooltip(new))
    return 1


def retranslate_widget(w: QWidget, say: Catalogue) -> int:
    """Re-say one widget's own texts; returns how many changed."""
    n = _tooltip(w, say)
    n += _each(w.accessibleName, w.setAccessibleName, say)
    if w.isWindow():
        n += _each(w.windowTitle, w.setWindowTitle, say)
    if _skip(w):
        return n
    if isinstance(w, QLabel | QAbstractButton):
        n += _each(w.text, w.setText, say)
    elif isinstance(w, QLineEdit | QPlainTextEdit | QTextEdit):
        n += _each(w.placeholderText, w.setPlaceholderText, say)
    elif isinstance(w, QGroupBox):
        n += _each(w.title, w.setTitle, say)
    elif isinstance(w, QComboBox) and not w.isEditable():
        for i in range(w.count()):
            n += _each(lambda i=i: w.itemText(i), lambda t, i=i: w.setItemText(i, t), say)
    elif isinstance(w, QTabWidget):
        for i in range(w.count()):
            n += _each(lambda i=i: w.tabText(i), lambda t, i=i: w.setTabText(i, t), say)
            n += _each(lambda i=i: w.tabToolTip(i), lambda t, i=i: w.setTabToolTip(i, t), say)
    elif isinstance(w, QAbstractItemView):
        _refresh_model(w.model())
        w.viewport().update()
    elif isinstance(w, QMainWindow) and w.statusBar() is not None:
        bar = w.statusBar()
        n += _each(bar.currentMessage, bar.showMessage, say)
    return n


def _refresh_model(model: QAbstractItemModel | None) -> None:
    """Headers and cells say their words through ``tr()`` when painted: ask again."""
    if model is None:
        return
    try:
        columns, rows = model.columnCount(QModelIndex()), model.rowCount(QModelIndex())
    except TypeError:  # Qt's own internal models (combo popups, empty models)
        return
    if columns > 0:
        model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, columns - 1)
        if rows > 0:
            model.dataChanged.emit(model.index(0, 0), model.index(rows - 1, columns - 1))


def retranslate_all(old: str, new: str, roots: list[QObject] | None = None) -> int:
    """Re-say every UI text of every widget and action from ``old`` into ``new``."""
    say = catalogue(old, new)
    if not say.exact and not say.templates:
        return 0
    widgets: list[QWidget] = []
    for root in roots if roots is not None else QApplication.topLevelWidgets():
        if isinstance(root, QWidget):
            widgets.append(root)
        widgets.extend(root.findChildren(QWidget))
    changed = 0
    actions: dict[int, QAction] = {}
    for w in widgets:
        changed += retranslate_widget(w, say)
        for a in w.actions():
            actions[id(a)] = a
        for a in w.findChildren(QAction, options=Qt.FindChildOption.FindDirectChildrenOnly):
            actions[id(a)] = a
    for a in actions.values():
        changed += _each(a.text, a.setText, say)
        changed += _tooltip(a, say)
        changed += _each(a.statusTip, a.setStatusTip, say)
    log.info("language %s -> %s: %d texts re-said", old, new, changed)
    return changed
