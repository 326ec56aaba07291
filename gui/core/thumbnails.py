"""Thumbnails, made after the box has its reply.

The live feed's face thumbnail is made at once on its own thread and announced
(``FaceThumbReady``) when it is committed; when the box sent a small face crop it
was already committed with the event and is announced straight away. The
per-image thumbnails (history, ``?thumb=1``) wait until no upload is being
handled: a 1080p scene's thumbnail costs more CPU than storing the event.

A backfill's events (low-priority deliveries) are not held in memory for this:
their thumbnails are deferred by event id and made from the stored photos, on
the low-OS-priority thread, once no box has pushed for ``DEFER_QUIET`` seconds
(while boxes keep pushing, still one event per ``DEFER_LIVE_EVERY`` seconds, so
they are always made); their face thumbnails are announced (``FaceThumbReady``)
like the others once committed. Until then the reader makes a per-image
thumbnail on demand (``?thumb=1``) and the feed shows the row without a face.
Face thumbnails still missing when the receiver stopped are made after it starts.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import functools
import logging
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from gui.core import images, lowprio
from gui.core.dbapi import Connection, rerunnable
from gui.core.event_rows import StoredEvent, load_doc, store_face_thumb
from gui.core.ingest import PreparedEvent
from gui.core.messages import FaceThumbReady, Message
from gui.core.model import DecodedImage
from gui.core.portable import dialect_of
from gui.core.store import Store, StoreClosed

log = logging.getLogger(__name__)

#: Face thumbnails waiting beyond this are skipped (made on demand later instead).
MAX_PENDING_THUMBS = 500
#: Per-image thumbnails wait for a moment with no upload being handled (the boxes'
#: replies come first); under a flood, still one event's worth per this many seconds.
THUMB_IDLE_EVERY = 1.0
#: Events whose per-image thumbnails may wait; beyond this the oldest are skipped
#: (each holds its decoded photos in memory until then).
MAX_IDLE_THUMBS = 200
#: The same bound in photo bytes: 200 events of 40 MB PNGs would be 8 GB. Skipped
#: thumbnails are made on demand (``?thumb=1``) instead.
MAX_IDLE_BYTES = 128 * 1024 * 1024
#: Photo bytes the waiting face thumbnails may hold.
MAX_PENDING_BYTES = 128 * 1024 * 1024
#: A backfill's thumbnails wait until no box has pushed for this many seconds...
DEFER_QUIET = 2.0  # pipeline.LIVE_QUIET
#: ...or, while boxes keep pushing, one event's worth per this many seconds (never
#: while a push is being handled), so a site that never stops pushing still gets them.
DEFER_LIVE_EVERY = 1.0
#: Deferred events kept (ids only); beyond, the oldest are left to on-demand thumbnails.
MAX_DEFERRED = 200_000
#: At start, the newest this many events are checked for a missing face thumbnail.
RESUME_RECENT = 10_000


def _photo_bytes(images: Sequence[DecodedImage]) -> int:
    return sum(len(i.data) for i in images)


WriterJob = Callable[[Connection], None]


class Thumbnailer:
    """Makes and stores an event's thumbnails off the reply path; runs on the core loop."""

    def __init__(
        self,
        store: Store,
        announce: Callable[[Message], None],
        busy: Callable[[], bool] = lambda: False,
        live_recently: Callable[[float], bool] = lambda _seconds: False,
        background: Callable[[], ThreadPoolExecutor] | None = None,
        lower_thread: bool = False,
    ) -> None:
        self._store = store
        #: Run the face-thumbnail thread at low OS priority (``lowprio``): in the
        #: desktop app it competes with the GUI thread for the PC's cores.
        self._lower_thread = lower_thread
        self._announce = announce
        self._busy = busy
        #: Whether a live (pushed) delivery is in flight or ended within N seconds.
        self._live_recently = live_recently
        #: Where deferred thumbnails are made (the low-OS-priority thread).
        self._background = background
        #: Backfilled events whose thumbnails wait: (event id, face thumbnail needed).
        self.deferred: collections.deque[tuple[int, bool]] = collections.deque()
        #: What the look at the start found (events an earlier run left without a face
        #: thumbnail), and the lowest event id stored since: from there on an event's own
        #: ``after_store`` makes its thumbnails, whatever that look saw of it.
        self._resumed: set[int] = set()
        self._first_stored: int | None = None
        self._deferred_wake: asyncio.Event | None = None
        self._pool: ThreadPoolExecutor | None = None
        self._pending = 0
        self._pending_bytes = 0
        #: Face thumbnails submitted and not yet announced or given up (core loop only).
        self._faces_unsettled = 0
        self._idle: collections.deque[tuple[Sequence[DecodedImage], int]] = collections.deque()
        self._idle_bytes = 0
        self._wake: asyncio.Event | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    @property
    def pool(self) -> ThreadPoolExecutor:
        if self._pool is None:
            lower = lowprio.lower_this_thread if self._lower_thread else None
            self._pool = ThreadPoolExecutor(
                1, thread_name_prefix="gatewatch-thumbs", initializer=lower
            )
        return self._pool

    def after_store(
        self,
        stored: Sequence[StoredEvent],
        prepared: Sequence[PreparedEvent],
        *,
        deferred: bool = False,
    ) -> None:
        """Called on the core loop once ``stored`` (made from ``prepared``) is committed.

        ``deferred`` (a backfill's delivery): thumbnails later, see the module's docstring.
        """
        self._loop = asyncio.get_running_loop()
        for result, p in zip(stored, prepared, strict=True):
            if result.outcome == "duplicate":
                continue
            event_id = result.summary.id
            if self._first_stored is None or event_id < self._first_stored:
                self._first_stored = event_id
            if not p.images:
                continue
            if deferred:
                if p.face_thumb is not None:  # committed with the event
                    self._announce(FaceThumbReady(event_id, p.face_thumb))
                self._defer(event_id, needs_face=p.face_thumb is None)
                continue
            size = _photo_bytes(p.images)
            self._queue_idle(p.images, event_id, size)
            if p.face_thumb is not None:  # committed with the event
                self._announce(FaceThumbReady(event_id, p.face_thumb))
                continue
            if self._pending >= MAX_PENDING_THUMBS or (
                self._pending and self._pending_bytes + size > MAX_PENDING_BYTES
            ):
                continue
            self._pending += 1
            self._pending_bytes += size
            self._faces_unsettled += 1
            fut = self.pool.submit(face_thumbnail, p.images, p.event.face_box)
            fut.add_done_callback(functools.partial(self._face_thumb_made, event_id, size))
        if self._idle and self._wake is not None:
            self._wake.set()
        if self.deferred and self._deferred_wake is not None:
            self._deferred_wake.set()

    def _defer(self, event_id: int, *, needs_face: bool) -> None:
        self.deferred.append((event_id, needs_face))
        if len(self.deferred) > MAX_DEFERRED:
            dropped, _ = self.deferred.popleft()
            log.warning("too many deferred thumbnails: event %d's left to on-demand", dropped)

    def _queue_idle(self, images: Sequence[DecodedImage], event_id: int, size: int) -> None:
        """Keep an event for its per-image thumbnails; the oldest go beyond the bounds."""
        self._idle.append((images, event_id))
        self._idle_bytes += size
        while len(self._idle) > 1 and (
            len(self._idle) > MAX_IDLE_THUMBS or self._idle_bytes > MAX_IDLE_BYTES
        ):
            dropped, _ = self._idle.popleft()
            self._idle_bytes -= _photo_bytes(dropped)

    @property
    def faces_in_flight(self) -> int:
        """Face thumbnails being made, stored or announced: zero once every one is shown
        or given up (tests wait for it; a row painted before then may still change)."""
        return self._faces_unsettled

    def _face_settled(self, message: FaceThumbReady | None = None) -> None:
        """On the core loop: announce (if there is a thumbnail), then count it settled."""
        if message is not None:
            self._announce(message)
        self._faces_unsettled -= 1

    def _settle_on_loop(self, message: FaceThumbReady | None = None) -> None:
        loop = self._loop
        if loop is None:
            return
        with contextlib.suppress(RuntimeError):  # the loop is closed: stopping
            loop.call_soon_threadsafe(self._face_settled, message)

    def _face_thumb_made(self, event_id: int, size: int, fut: Future[bytes | None]) -> None:
        """On the thumbnail thread: store it; announce on the core loop once committed."""
        self._pending -= 1
        self._pending_bytes -= size
        if fut.cancelled():
            self._settle_on_loop()
            return
        if fut.exception() is not None:
            log.warning("thumbnail failed: %s", fut.exception())
            self._settle_on_loop()
            return
        thumb = fut.result()
        if thumb is None:
            self._settle_on_loop()
            return
        committed = self._store.submit(
            rerunnable(lambda conn: store_face_thumb(conn, event_id, thumb))
        )

        def announce(f: Future[None]) -> None:
            stored = not f.cancelled() and f.exception() is None
            self._settle_on_loop(FaceThumbReady(event_id, thumb) if stored else None)

        committed.add_done_callback(announce)

    async def run(self) -> None:
        """Thumbnails left for later: pushed events' when idle, backfilled ones' when quiet."""
        await asyncio.gather(self._run_idle(), self._run_deferred())

    async def _run_idle(self) -> None:
        """Per-image thumbnails (history, ``?thumb=1``), newest event first, when idle."""
        self._wake = asyncio.Event()
        loop = asyncio.get_running_loop()
        last = loop.time()
        while True:
            if not self._idle:
                self._wake.clear()
                await self._wake.wait()
                continue
            if self._busy() and loop.time() - last < THUMB_IDLE_EVERY:
                await asyncio.sleep(0.02)
                continue
            decoded, event_id = self._idle.pop()
            self._idle_bytes -= _photo_bytes(decoded)
            try:
                job = await loop.run_in_executor(self.pool, _image_thumbs_job, decoded, event_id)
            except RuntimeError:  # the pool was shut down: stopping
                return
            except Exception as exc:
                log.warning("thumbnails of event %d failed: %s", event_id, exc)
                continue
            last = loop.time()
            self._store.submit(job)

    def _may_make_deferred(self, since_last: float) -> bool:
        if not self._live_recently(DEFER_QUIET):
            return True  # no box pushed for a while
        return not self._live_recently(0.0) and since_last >= DEFER_LIVE_EVERY

    async def _run_deferred(self) -> None:
        """A backfill's thumbnails, newest event first, from the stored photos."""
        self._deferred_wake = asyncio.Event()
        loop = asyncio.get_running_loop()
        last = float("-inf")
        with contextlib.suppress(Exception):  # a store that cannot be read: nothing to resume
            missing = await loop.run_in_executor(
                None, self._store.read_sync, _recent_without_face_thumb
            )
            self.deferred.extendleft((event_id, True) for event_id in reversed(missing))
            self._resumed.update(missing)
        while True:
            if not self.deferred:
                self._deferred_wake.clear()
                await self._deferred_wake.wait()
                continue
            if not self._may_make_deferred(loop.time() - last):
                await asyncio.sleep(0.05)
                continue
            event_id, needs_face = self.deferred.pop()
            if event_id in self._resumed:
                self._resumed.discard(event_id)
                if self._first_stored is not None and event_id >= self._first_stored:
                    # Committed by this run just before the look at the start read (a
                    # loaded machine): its own thumbnails are under way already.
                    continue
            last = loop.time()
            pool = self._background() if self._background is not None else self.pool
            try:
                job, face = await loop.run_in_executor(
                    pool, _deferred_thumbs_job, self._store, event_id, needs_face
                )
                if job is None:
                    continue
                await self._store.write(job, bulk=True)
            except (RuntimeError, StoreClosed):  # the pool or the store closed: stopping
                return
            except Exception as exc:
                log.warning("thumbnails of event %d failed: %s", event_id, exc)
                continue
            if face is not None:
                self._announce(FaceThumbReady(event_id, face))

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)


def _image_thumbs_job(decoded: Sequence[DecodedImage], event_id: int) -> WriterJob:
    """A thumbnail of each image of the event, and the writer job storing them."""
    thumbs = {}
    for img in decoded:
        try:
            thumbs[img.kind] = images.make_thumbnail(img.data)
        except Exception as exc:  # a picture Pillow cannot decode fully: no thumbnail
            log.debug("no thumbnail for %s of event %d: %s", img.kind, event_id, exc)

    def job(conn: Connection) -> None:
        if not thumbs:
            return
        if dialect_of(conn).is_postgres:
            # PostgreSQL's ``images`` is a view: the thumbnail lives in ``image_meta`` there.
            for kind, data in thumbs.items():
                conn.execute(
                    "UPDATE image_meta SET thumb = ? WHERE event_id = ? AND kind = ?",
                    (data, event_id, kind),
                )
            return
        # One statement for all of the event's thumbnails: each costs the writer, which
        # every box's event waits for, a hand-over of the GIL.
        kinds = list(thumbs)
        conn.execute(
            "UPDATE images SET thumb = CASE kind" + " WHEN ? THEN ?" * len(kinds) + " END"
            " WHERE event_id = ? AND kind IN (" + ",".join("?" * len(kinds)) + ")",
            [*(v for kind in kinds for v in (kind, thumbs[kind])), event_id, *kinds],
        )

    return rerunnable(job)


def face_thumbnail(decoded: Sequence[DecodedImage], face_box: Any) -> bytes | None:
    """The face crop if the box sent one, else the box region of the scene."""
    try:
        as_is = images.face_crop_as_is(list(decoded))
    except Exception as exc:
        log.debug("no face thumbnail: %s", exc)
        return None
    if as_is is not None:
        return as_is
    return _face_thumbnail_of({i.kind: i.data for i in decoded}, face_box)


def _face_thumbnail_of(by_kind: dict[str, bytes], face_box: Any) -> bytes | None:
    """The face thumbnail from the photos' bytes by kind (crop, scene region, registered)."""
    try:
        if "recognize_face" in by_kind:
            return images.make_thumbnail(by_kind["recognize_face"], size=128)
        if "spot_pic" in by_kind:
            box = tuple(face_box) if face_box else None
            return images.make_thumbnail(by_kind["spot_pic"], box=box, size=128)
        if "reg_pic" in by_kind:
            return images.make_thumbnail(by_kind["reg_pic"], size=128)
    except Exception as exc:
        log.debug("no face thumbnail: %s", exc)
    return None


def _recent_without_face_thumb(conn: Connection) -> list[int]:
    """Recent events with photos but no face thumbnail (the receiver stopped before it
    was made, or it was skipped under a flood): made again after a restart, oldest first."""
    top = conn.execute("SELECT max(id) FROM events").fetchone()[0] or 0
    rows = conn.execute(
        "SELECT e.id FROM events e WHERE e.id > ? AND NOT EXISTS"
        " (SELECT 1 FROM face_thumbs f WHERE f.event_id = e.id) AND EXISTS"
        " (SELECT 1 FROM images i WHERE i.event_id = e.id AND i.data IS NOT NULL)"
        " ORDER BY e.id",
        (top - RESUME_RECENT,),
    ).fetchall()
    return [int(r[0]) for r in rows]


def _deferred_thumbs_job(
    store: Store, event_id: int, needs_face: bool
) -> tuple[WriterJob | None, bytes | None]:
    """On the background thread: a stored event's missing thumbnails, and the job storing them.

    Reads the photos back (the deferred queue holds ids, not pictures); returns
    ``(None, None)`` when the event is gone (retention) or has nothing left to make.
    """

    def read(conn: Connection) -> tuple[list[tuple[str, bytes, bool]], Any, bool]:
        rows = conn.execute(
            "SELECT kind, data, thumb IS NULL FROM images WHERE event_id = ?", (event_id,)
        ).fetchall()
        doc = conn.execute("SELECT doc FROM events WHERE id = ?", (event_id,)).fetchone()
        has_face = (
            needs_face
            and conn.execute("SELECT 1 FROM face_thumbs WHERE event_id = ?", (event_id,)).fetchone()
            is not None
        )
        photos = [(r[0], bytes(r[1]), bool(r[2])) for r in rows if r[1] is not None]
        return photos, (load_doc(doc[0]).get("face_box") if doc else None), has_face

    photos, face_box, has_face = store.read_sync(read)
    if not photos:
        return None, None
    face = None
    if needs_face and not has_face:
        face = _face_thumbnail_of({kind: data for kind, data, _ in photos}, face_box)
    thumbs = {}
    for kind, data, thumb_missing in photos:
        if not thumb_missing:
            continue
        try:
            thumbs[kind] = images.make_thumbnail(data)
        except Exception as exc:  # a picture Pillow cannot decode fully: no thumbnail
            log.debug("no thumbnail for %s of event %d: %s", kind, event_id, exc)
    if not thumbs and face is None:
        return None, None

    def job(conn: Connection) -> None:
        table = "image_meta" if dialect_of(conn).is_postgres else "images"
        for kind, data in thumbs.items():
            conn.execute(
                f"UPDATE {table} SET thumb = ? WHERE event_id = ? AND kind = ?",
                (data, event_id, kind),
            )
        if (
            face is not None
            and conn.execute("SELECT 1 FROM events WHERE id = ?", (event_id,)).fetchone()
            is not None
        ):
            store_face_thumb(conn, event_id, face)

    return job, face
