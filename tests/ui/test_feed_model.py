"""The live feed model: Qt's model checks, paging, the memory bound, thumbnails."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from gui.core import thumbnails
from gui.core.messages import FaceThumbReady
from gui.ui.background import BackgroundWork
from gui.ui.models import feed as feed_mod
from gui.ui.models.feed import FeedModel
from tests.ui.desktop_fixtures import post, variant


def _model(core: Any, qtbot: Any, **kwargs: Any) -> FeedModel:
    # Owned by the bridge (as the window owns it in the app): a worker thread handing a
    # result back never drops the last reference to a parentless QObject.
    work = BackgroundWork(None, core.bridge)
    model = FeedModel(work, parent=core.bridge, **kwargs)
    work.setParent(model)  # lives and dies with the model
    core.bridge.event_stored.connect(model.on_event_stored)
    core.bridge.face_thumb_ready.connect(model.on_face_thumb_ready)
    with qtbot.waitSignal(model.loaded, timeout=5000):
        model.reload()
    return model


def test_feed_model_passes_qt_model_checks(core, qtbot, qtmodeltester) -> None:
    for name in ("employee_match", "stranger", "blacklist"):
        post(core, variant(name))
    model = _model(core, qtbot)
    assert model.rowCount() == 3
    qtmodeltester.check(model)
    post(core, variant("seed_example"))
    qtbot.waitUntil(lambda: model.rowCount() == 4, timeout=5000)
    qtmodeltester.check(model)


def test_pages_are_fetched_on_demand_until_exhausted(core, qtbot, monkeypatch) -> None:
    monkeypatch.setattr(feed_mod, "PAGE_SIZE", 3)
    ids = [post(core, variant("employee_match")) for _ in range(7)]
    model = _model(core, qtbot, max_rows=100)
    assert [model.row_at(i).id for i in range(3)] == ids[::-1][:3]
    assert model.canFetchMore()
    model.fetchMore()
    qtbot.waitUntil(lambda: model.rowCount() == 6, timeout=5000)
    model.fetchMore()
    qtbot.waitUntil(lambda: model.rowCount() == 7, timeout=5000)
    qtbot.waitUntil(lambda: not model._fetching, timeout=5000)
    assert not model.canFetchMore()
    assert [model.row_at(i).id for i in range(7)] == ids[::-1]


def test_an_older_page_is_read_while_thumbnails_wait_to_be_decoded(
    core, qtbot, monkeypatch
) -> None:
    """Scrolling down during a burst: the page is not queued behind the burst's thumbnails.

    They shared two reader threads; on a loaded machine a page waited behind dozens of
    decodes (the window's older-pages scroll took seconds instead of a moment).
    """
    monkeypatch.setattr(feed_mod, "PAGE_SIZE", 3)
    ids = [post(core, variant("employee_match")) for _ in range(7)]
    model = _model(core, qtbot, max_rows=100)
    gate = threading.Event()
    decode = feed_mod.decode_fitted
    monkeypatch.setattr(feed_mod, "decode_fitted", lambda *a: gate.wait(10) and decode(*a))
    try:
        for event_id in ids[-3:]:  # the rows shown: their thumbnails read, decodes stuck
            assert model.thumb_for(event_id) is None
        model.on_face_thumb_ready(FaceThumbReady(ids[-1], b"announced too"))
        model.fetchMore()
        qtbot.waitUntil(lambda: model.rowCount() == 6, timeout=5000)
        assert model._thumb_pending >= set(ids[-3:])  # still waiting: the page did not
    finally:
        gate.set()


def test_memory_is_bounded_however_many_events_arrive(core, qtbot, monkeypatch) -> None:
    monkeypatch.setattr(feed_mod, "THUMB_CACHE_SIZE", 3)
    for _ in range(6):
        post(core, variant("employee_match"))
    model = _model(core, qtbot, max_rows=5)
    assert model.rowCount() == 5
    assert not model.canFetchMore()  # the cap: older events are for History
    newest = [post(core, variant("stranger")) for _ in range(4)]
    qtbot.waitUntil(lambda: model.row_at(0).id == newest[-1], timeout=5000)
    assert model.rowCount() == 5
    assert len(model._index) == 5
    for i in range(model.rowCount()):
        model.index(i).data(FeedModel.ThumbRole)
    qtbot.waitUntil(lambda: not model._thumb_pending, timeout=5000)
    assert model.thumb_cache_size <= 3


def test_face_thumbnail_is_loaded_off_thread_into_a_pixmap(core, qtbot) -> None:
    post(core, variant("employee_match"))
    model = _model(core, qtbot)
    assert model.index(0).data(FeedModel.ThumbRole) is None  # requested, not yet there
    qtbot.waitUntil(lambda: model.index(0).data(FeedModel.ThumbRole) is not None, timeout=8000)
    pixmap = model.index(0).data(FeedModel.ThumbRole)
    assert 0 < pixmap.width() <= 128


def test_not_following_counts_pending_instead_of_inserting(core, qtbot) -> None:
    post(core, variant("employee_match"))
    model = _model(core, qtbot)
    seen: list[int] = []
    model.pending_changed.connect(seen.append)
    model.set_following(False)
    post(core, variant("stranger"))
    post(core, variant("stranger"))
    qtbot.waitUntil(lambda: model.pending == 2, timeout=5000)
    assert model.rowCount() == 1
    assert seen == [1, 2]
    with qtbot.waitSignal(model.loaded, timeout=5000):
        model.set_following(True)
    assert model.rowCount() == 3 and model.pending == 0


@pytest.mark.parametrize("merged_known", [True, False])
def test_merged_copy_updates_in_place(core, qtbot, merged_known: bool) -> None:
    first = variant("stranger", spot_pic="")
    event_id = post(core, first)
    model = _model(core, qtbot)
    if not merged_known:
        model.beginResetModel()
        model._rows, model._index = [], {}
        model.endResetModel()
    richer = dict(first)
    richer["spot_pic"] = variant("stranger")["spot_pic"]
    with qtbot.waitSignal(core.bridge.event_stored, timeout=5000) as blocker:
        assert post(core, richer) == event_id
    assert blocker.args[0].summary.merged  # the model saw it first (connected earlier)
    assert model.rowCount() == (1 if merged_known else 0)


def test_a_new_events_thumbnail_comes_with_its_message_not_by_polling(
    core, qtbot, monkeypatch
) -> None:
    """No face crop sent: the thumbnail is made after the reply and announced when stored.

    The row is painted before that (its read finds nothing); the announcement,
    not a retry timer, brings the picture. The store is read once for it.
    """
    reads: list[int] = []
    decode = feed_mod._decode_thumb
    monkeypatch.setattr(
        feed_mod, "_decode_thumb", lambda conn, i, size: reads.append(i) or decode(conn, i, size)
    )
    model = _model(core, qtbot)
    gate = threading.Event()
    slow = thumbnails.face_thumbnail
    monkeypatch.setattr(
        thumbnails, "face_thumbnail", lambda *a: gate.wait(10) and slow(*a)
    )  # the core makes it only once the row has been painted without one
    with qtbot.waitSignal(core.bridge.face_thumb_ready, timeout=8000) as ready:
        event_id = post(core, variant("stranger", recognize_face=""))
        qtbot.waitUntil(lambda: model.rowCount() == 1, timeout=5000)
        assert model.index(0).data(FeedModel.ThumbRole) is None
        qtbot.waitUntil(lambda: model._thumb_pending == set(), timeout=5000)
        assert model.index(0).data(FeedModel.ThumbRole) is None  # nothing stored yet
        gate.set()
    assert ready.args[0].event_id == event_id
    qtbot.waitUntil(lambda: model.index(0).data(FeedModel.ThumbRole) is not None, timeout=5000)
    assert 0 < model.index(0).data(FeedModel.ThumbRole).width() <= 128
    qtbot.wait(400)  # the old schedule retried after 300 ms
    assert reads == [event_id]


def test_announced_thumbnails_are_decoded_and_shown_per_batch(core, qtbot, monkeypatch) -> None:
    """Thumbnails announced together are one worker job and one repaint, not one per event."""
    from gui.core.messages import FaceThumbReady

    ids = [post(core, variant("stranger")) for _ in range(4)]
    model = _model(core, qtbot)
    qtbot.waitUntil(lambda: not model._thumb_pending, timeout=5000)
    model._thumbs.clear()
    jobs: list[Any] = []
    run = model._thumb_work.run  # the thumbnails' own lane
    monkeypatch.setattr(model._thumb_work, "run", lambda fn, *a: jobs.append(fn) or run(fn, *a))
    changes: list[tuple[int, int]] = []
    model.dataChanged.connect(lambda a, b, roles=(): changes.append((a.row(), b.row())))
    thumb = core.bridge.reader.face_thumbnail(ids[0])
    assert thumb
    for event_id in ids:
        model.on_face_thumb_ready(FaceThumbReady(event_id, thumb))
    qtbot.waitUntil(lambda: not model._thumb_pending, timeout=5000)
    assert len(jobs) == 1
    assert changes == [(0, 3)]
    assert all(model.thumb_for(i) is not None for i in ids)


@pytest.mark.parametrize("shown_before", [True, False], ids=["jump-to-newest", "first-page"])
def test_an_event_stored_while_the_newest_page_is_read_is_shown(
    core, qtbot, monkeypatch, shown_before: bool
) -> None:
    """The page was read before the event's commit and arrived after its announcement.

    The reload dropped the announced row (first page: "the read will include it"; later
    reloads: the page replaced it), so a live event was missing from the feed until the
    next reload. A stress run caught it as the window that comes back from an
    unreachable database missing the first event stored after.
    """
    first = post(core, variant("employee_match"))
    work = BackgroundWork(None, core.bridge)
    model = FeedModel(work, parent=core.bridge)
    work.setParent(model)
    core.bridge.event_stored.connect(model.on_event_stored)
    if shown_before:
        with qtbot.waitSignal(model.loaded, timeout=5000):
            model.reload()
        assert model.rowCount() == 1
    page_read, gate = threading.Event(), threading.Event()
    fetch = feed_mod.fetch_feed_rows

    def read_then_wait(reader: Any, **kwargs: Any) -> Any:
        rows = fetch(reader, **kwargs)
        page_read.set()
        gate.wait(10)
        return rows

    monkeypatch.setattr(feed_mod, "fetch_feed_rows", read_then_wait)
    try:
        model.reload()
        assert page_read.wait(5)
        with qtbot.waitSignal(core.bridge.event_stored, timeout=5000):
            second = post(core, variant("stranger"))
        model.flush()  # the announcement is applied before the page comes back
    finally:
        gate.set()
    qtbot.waitSignal(model.loaded, timeout=5000).wait()
    qtbot.waitUntil(lambda: not model._fetching, timeout=5000)
    assert [model.row_at(i).id for i in range(model.rowCount())] == [second, first]
