"""Thumbnails come after the reply: the face one at once, the per-image ones when idle.

A 1080p scene's thumbnail costs more CPU than storing the event, so the
per-image thumbnails wait while uploads are being handled; the face thumbnail
the live feed shows does not.
"""

from __future__ import annotations

import socket
import sys
from typing import Any

import pytest

from gui.core import lowprio
from tests.conftest import Client, load_sample, wait_for
from tests.core.procs import unique_event

pytestmark = pytest.mark.timeout(60)


def _thumbs(receiver: Any, event_id: int) -> tuple[bool, set[str]]:
    """(face thumbnail made, kinds whose image thumbnail is made)."""
    conn = receiver.store.reader()
    face = conn.execute("SELECT 1 FROM face_thumbs WHERE event_id = ?", (event_id,)).fetchone()
    kinds = conn.execute(
        "SELECT kind FROM images WHERE event_id = ? AND thumb IS NOT NULL", (event_id,)
    ).fetchall()
    return face is not None, {k for (k,) in kinds}


def _post(client: Client, n: int) -> int:
    reply = client.post_json(
        "/EventServer/api/HistoryEvent", unique_event(load_sample("employee_match"), "t", n)
    )
    assert reply.status == 200, reply.body[:300]
    return reply.json()["events"][0]["id"]


def test_all_thumbnails_are_made_after_the_reply(client: Client, receiver: Any) -> None:
    event_id = _post(client, 1)
    kinds = {"spot_pic", "reg_pic", "ir_pic", "recognize_face"}
    assert wait_for(lambda: _thumbs(receiver, event_id) == (True, kinds))


def test_image_thumbnails_wait_while_an_upload_is_in_flight(
    client: Client, receiver: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import gui.core.thumbnails as thumbnails_module

    monkeypatch.setattr(thumbnails_module, "THUMB_IDLE_EVERY", 3600.0)
    # A box in the middle of a long upload.
    slow = socket.create_connection(("127.0.0.1", receiver.port), timeout=10)
    try:
        slow.sendall(
            b"POST /EventServer/api/HistoryEvent HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: application/json\r\nContent-Length: 1000000\r\n\r\n["
        )
        assert wait_for(lambda: receiver.pipeline.in_flight == 1)
        event_id = _post(client, 2)
        # The feed's face thumbnail does not wait...
        assert wait_for(lambda: _thumbs(receiver, event_id)[0])
        # ...the per-image ones do.
        assert _thumbs(receiver, event_id)[1] == set()
        assert receiver.pipeline.in_flight == 1
    finally:
        slow.close()
    assert wait_for(lambda: receiver.pipeline.in_flight == 0)
    assert wait_for(lambda: "spot_pic" in _thumbs(receiver, event_id)[1])


def test_a_thumbnail_sized_face_crop_is_committed_with_the_event(
    client: Client, receiver: Any
) -> None:
    """No second write for it: it is in the database when the box gets its 200."""
    from gui.core import images, protocol

    event = protocol.normalise(load_sample("employee_match"), received_at=0)
    crop = images.decode_image(next(s for s in event.images if s.kind == "recognize_face"))[0]
    assert crop is not None and max(crop.width, crop.height) <= images.FACE_CROP_AS_IS
    event_id = _post(client, 2)
    face = (
        receiver.store.reader()
        .execute("SELECT data FROM face_thumbs WHERE event_id = ?", (event_id,))
        .fetchone()
    )
    assert face is not None and bytes(face[0]) == crop.data


def test_an_events_image_thumbnails_are_stored_with_one_statement(tmp_path: Any) -> None:
    """Each image gets its own thumbnail; the writer runs one UPDATE for all of them."""
    import json

    from gui.core import images, ingest, thumbnails
    from gui.core.event_rows import Arrival
    from gui.core.store import Store

    store = Store(tmp_path)
    try:
        path = "/EventServer/api/HistoryEvent"
        parsed = ingest.parse_body(
            json.dumps(load_sample("employee_match")).encode(), "application/json", None
        )
        prepared = ingest.prepare(parsed, path=path, received_at=1_764_000_000_000)
        [stored] = store.write_sync(
            ingest.store_job(prepared, Arrival(1_764_000_000_000, "10.0.0.9", path))
        )
        decoded = prepared.events[0].images
        assert len(decoded) >= 2
        event_id = stored.summary.id
        job = thumbnails._image_thumbs_job(decoded, event_id)
        statements: list[str] = []

        def traced(conn: Any) -> None:
            conn.set_trace_callback(statements.append)
            try:
                job(conn)
            finally:
                conn.set_trace_callback(None)

        store.write_sync(traced)
        assert len([s for s in statements if s.startswith("UPDATE images")]) == 1
        rows = store.reader().execute(
            "SELECT kind, thumb FROM images WHERE event_id = ?", (event_id,)
        ).fetchall()
        expected = {img.kind: images.make_thumbnail(img.data) for img in decoded}
        assert dict(rows) == expected  # each image its own thumbnail
    finally:
        store.close()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="per-thread nice: Linux")
def test_headless_the_thumbnail_thread_keeps_normal_priority(receiver: Any) -> None:
    # Headless nothing waits for a core behind it, and the feed's faces come first
    # (the desktop app lowers it: tests/ui/test_core_thread_priorities.py).
    nice = receiver.pipeline.thumbnails.pool.submit(lowprio.thread_nice).result(10)
    assert nice == lowprio.thread_nice()
