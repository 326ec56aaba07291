"""The feed view's paint budget: rows over it show a stand-in, then are finished."""

from __future__ import annotations

import time
from typing import Any

from PySide6.QtCore import QRect

from tests.conftest import SAMPLE_NAMES
from tests.ui.desktop_fixtures import post, variant


def _feed_with_rows(window: Any, core: Any, qtbot: Any) -> Any:
    thumbnails = core.thread.receiver.pipeline.thumbnails
    # Face thumbnails made after the reply come late, as on a loaded machine with the
    # thumbnail thread at low priority: a row cached as "no face yet" changes later.
    thumbnails.pool.submit(time.sleep, 1.0)
    for name in SAMPLE_NAMES:
        post(core, variant(name))
    qtbot.waitUntil(lambda: window.feed_model.rowCount() == len(SAMPLE_NAMES), timeout=5000)
    # Every row's thumbnail settled: the core has none left to make or announce (each
    # announcement is queued to this thread before the count drops), and the model has
    # none left to read or decode (seed_example has no face: cached as None). With one
    # still on its way the reference grab would lack it and the last grab not.
    qtbot.waitUntil(lambda: thumbnails.faces_in_flight == 0, timeout=15000)
    qtbot.wait(50)  # the queued announcements reach the model
    qtbot.waitUntil(
        lambda: not window.feed_model.thumbs_settling
        and window.feed_model.thumb_cache_size == len(SAMPLE_NAMES),
        timeout=10000,
    )
    qtbot.wait(100)  # selection, thumbnails and their repaints settle
    return window.feed.view


def test_rows_over_the_budget_are_finished_by_later_paints(window, core, qtbot, monkeypatch):
    from gui.ui.views import feed_view

    view = _feed_with_rows(window, core, qtbot)
    viewport = view.viewport()
    delegate = view.itemDelegate()
    reference = viewport.grab().toImage()
    assert not view.rows_deferred

    delegate._rows.clear()  # as after a jump of the scrollbar: nothing rendered yet
    monkeypatch.setattr(feed_view, "RENDER_BUDGET_S", 0.0)  # one new row per paint
    before = delegate.renders
    first = viewport.grab().toImage()
    assert delegate.renders == before + 1
    assert view.rows_deferred
    assert first != reference  # the other rows are stand-ins for now

    # No further grabs: only the view's own follow-up paints may finish the rows.
    qtbot.waitUntil(lambda: not view.rows_deferred, timeout=5000)
    assert delegate.renders == before + len(SAMPLE_NAMES)
    assert viewport.grab().toImage() == reference
    assert delegate.renders == before + len(SAMPLE_NAMES)  # all blitted from the cache now


def test_cached_rows_are_never_deferred(window, core, qtbot, monkeypatch):
    from gui.ui.views import feed_view

    view = _feed_with_rows(window, core, qtbot)
    monkeypatch.setattr(feed_view, "RENDER_BUDGET_S", 0.0)
    before = view.itemDelegate().renders
    view.viewport().grab()
    assert view.itemDelegate().renders == before
    assert not view.rows_deferred


def test_stand_ins_moved_by_scrolling_are_still_finished(window, core, qtbot, monkeypatch):
    from gui.ui.views import feed_view

    view = _feed_with_rows(window, core, qtbot)
    view.itemDelegate()._rows.clear()
    monkeypatch.setattr(feed_view, "RENDER_BUDGET_S", 0.0)
    view.viewport().grab()
    deferred = QRect(view._deferred)
    view.scrollContentsBy(0, -5)
    assert view._deferred == deferred.translated(0, -5)
    view.scrollContentsBy(0, 5)
    qtbot.waitUntil(lambda: not view.rows_deferred, timeout=5000)


def _qt_calls(fn: Any) -> tuple[int, dict[str, int]]:
    """Calls from Python into Qt (PySide6 methods) while ``fn`` runs on this thread."""
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    profiler.enable()
    try:
        fn()
    finally:
        profiler.disable()
    table = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    qt = {key[2]: v[1] for key, v in table.items() if "PySide6" in key[2]}
    return sum(qt.values()), qt


def test_repainting_cached_rows_costs_a_few_qt_calls_per_row(window, core, qtbot):
    """Each call into Qt from the GUI thread can wait for the GIL behind a busy receiver.

    A repaint of rows already rendered used to make ~25 calls per row (an index,
    ``isSelected`` calling back into the model's ``flags``, the thumbnail's pen,
    brush and frame...), so every insert at 50 events/s cost hundreds of GIL
    hand-overs. Now a row is a blit and its framed face another.
    """
    view = _feed_with_rows(window, core, qtbot)
    viewport = view.viewport()
    viewport.grab()  # every visible row and framed face is in the caches now
    rows = window.feed_model.rowCount()
    assert rows == len(SAMPLE_NAMES)
    renders = view.itemDelegate().renders
    flags: list[int] = []
    model = window.feed_model
    original = model.flags
    model.flags = lambda index: flags.append(index.row()) or original(index)  # type: ignore[method-assign]
    try:
        total, by_method = _qt_calls(lambda: viewport.repaint())
    finally:
        del model.flags
    assert view.itemDelegate().renders == renders  # nothing rendered again
    assert len(flags) <= 2, "the selection is read once per paint, not per row"
    # A fixed part per paint (~30: painter, option, selection), then two blits a row at most.
    assert total <= 35 + 2 * rows, by_method


def test_a_row_whose_selection_changed_keeps_its_text_until_rendered_again(
    window, core, qtbot, monkeypatch
):
    """Over the budget, a row that lost or gained the selection is drawn as it was (its
    text, its face), not as a blank stand-in, for the turn until it is rendered again."""
    from PySide6.QtCore import QItemSelectionModel

    from gui.ui.views import feed_view

    view = _feed_with_rows(window, core, qtbot)
    viewport = view.viewport()
    viewport.grab()  # every row rendered as it is now: the newest selected
    model = window.feed_model
    assert view.selectionModel().isRowSelected(0)
    height = view.verticalHeader().defaultSectionSize()
    view.selectionModel().setCurrentIndex(
        model.index(2), QItemSelectionModel.SelectionFlag.ClearAndSelect
    )
    monkeypatch.setattr(feed_view, "RENDER_BUDGET_S", 0.0)  # one new row per paint
    before = view.itemDelegate().renders
    image = viewport.grab().toImage()
    assert view.itemDelegate().renders == before + 1
    assert view.rows_deferred
    top = 2 * height - view.verticalOffset()  # row 0 (now unselected) was rendered first
    assert view._deferred.contains(QRect(0, top, viewport.width(), height))
    colours = {image.pixel(x, top + y) for x in range(70, 300, 3) for y in range(4, height - 4, 2)}
    assert len(colours) > 8  # text drawn, not a stripe on a plain fill
    qtbot.waitUntil(lambda: not view.rows_deferred, timeout=5000)


def test_the_rows_are_settled_only_once_a_late_face_thumbnail_is_shown(window, core, qtbot):
    """blacklist has no face crop: its face is cut from the scene after the reply,
    and here comes a second late; the helper must wait for it, not for a "no face yet"."""
    _feed_with_rows(window, core, qtbot)
    model = window.feed_model
    faces = [model.index(row).data(model.ThumbRole) for row in range(model.rowCount())]
    assert sum(face is not None for face in faces) == len(SAMPLE_NAMES) - 1  # not seed_example
