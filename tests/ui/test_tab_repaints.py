"""Tab widgets are not repainted whole when a label on one of their pages changes text."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QLabel, QTabWidget, QVBoxLayout, QWidget

from gui.ui.views.tab_repaints import gate_layout_repaints


class PaintCounter(QObject):
    def __init__(self, *widgets: QWidget) -> None:
        super().__init__()
        self.paints = 0
        for w in widgets:
            w.installEventFilter(self)

    def eventFilter(self, _obj: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.paints += 1
        return False


def _tabs_with_a_label(qtbot: Any, gated: bool) -> tuple[QWidget, QTabWidget, QLabel]:
    top = QWidget()
    qtbot.addWidget(top)
    tabs = QTabWidget(top)
    if gated:
        gate_layout_repaints(tabs)
    page = QWidget()
    label = QLabel("0", page)
    label.setFixedWidth(300)  # its text changes, the page's size hint does not
    layout = QVBoxLayout(page)
    layout.addWidget(label)
    layout.addWidget(QWidget(page), 1)
    tabs.addTab(page, "Page")
    tabs.addTab(QWidget(), "Other")
    QVBoxLayout(top).addWidget(tabs)
    top.resize(600, 400)
    top.show()
    qtbot.waitExposed(top)
    qtbot.wait(50)
    return top, tabs, label


def _paints_of_the_tab_bar_while_text_changes(qtbot: Any, tabs: QTabWidget, label: QLabel) -> int:
    counter = PaintCounter(tabs.tabBar())
    for n in range(1, 6):
        label.setText("x" * n * 7)  # a new size hint for the label: a layout request
        qtbot.wait(30)
    return counter.paints


def test_a_label_changing_text_repaints_a_plain_tab_widget_whole(qtbot) -> None:
    """What the gate is for (if Qt stops doing this, the gate can go)."""
    _top, tabs, label = _tabs_with_a_label(qtbot, gated=False)
    assert _paints_of_the_tab_bar_while_text_changes(qtbot, tabs, label) >= 3


def test_a_gated_tab_widget_is_not_repainted_for_a_label_on_its_page(qtbot) -> None:
    _top, tabs, label = _tabs_with_a_label(qtbot, gated=True)
    assert _paints_of_the_tab_bar_while_text_changes(qtbot, tabs, label) == 0
    assert label.text() == "x" * 35 and label.isVisible()


def test_a_gated_tab_widget_still_lays_out_what_changes_its_layout(qtbot) -> None:
    top, tabs, label = _tabs_with_a_label(qtbot, gated=True)
    narrow = tabs.tabBar().tabRect(0).width()
    tabs.setTabText(0, "A much longer page title than before")
    qtbot.waitUntil(lambda: tabs.tabBar().tabRect(0).width() > narrow, timeout=2000)
    assert tabs.widget(0).geometry().bottom() <= tabs.height()

    # A page that needs more room: the tab widget asks its parent for it.
    before = top.minimumSizeHint().height()
    label.setMinimumHeight(500)
    qtbot.waitUntil(lambda: top.minimumSizeHint().height() > before, timeout=2000)
    qtbot.waitUntil(lambda: top.height() >= 500, timeout=2000)
    qtbot.waitUntil(lambda: tabs.widget(0).height() >= 500, timeout=2000)


def test_the_live_page_does_not_repaint_the_window_for_new_text(window, qtbot) -> None:
    """The "N new" pill and the detail pane's header change with every event while
    the user looks elsewhere: the main tabs and the detail tabs stay as they are,
    also when a longer name makes the pane prefer more room."""
    window.resize(1280, 800)
    window.show()
    qtbot.waitExposed(window)

    def new_text(n: int) -> None:
        window.feed.show_pending(11 * n)
        window.detail.name_label.setText("Name " + "x" * 9 * n)  # its size hint grows
        window.detail.score_label.setText(f"score {n}.{n}")
        window.detail.action_label.setText(f"action {n}")
        qtbot.wait(30)

    new_text(1)  # the first layout after showing goes through
    qtbot.wait(200)
    counter = PaintCounter(window.tabs.tabBar(), window.detail.tabs.tabBar())
    for n in range(2, 9):
        new_text(n)
    assert "88" in window.feed.new_button.text()
    assert counter.paints == 0
