"""The store: one writer thread, read connections for everyone else, on either engine.

A store location is a data dir (SQLite, ``<dir>/gatewatch.sqlite3``, the
default) or a ``postgresql://user@host/db`` URL (``Store(data_dir, url=...)``).
The interface is the same: ``write``/``submit`` run a job on the writer
connection, ``read``/``reader``/``snapshot`` read.

Why one writer: SQLite allows one writer at a time anyway, and funnelling all
writes through one thread lets us *group-commit* — every job that queued up
while the previous commit was syncing goes into the next transaction, so
durability (``synchronous=FULL``: a commit is on disk before we answer) costs
one fsync per batch, not per event. On PostgreSQL each receiver has one
writer connection doing the same; several receivers write one database at
once (the natural key's unique constraint stores an event delivered to two
of them once). Its batches end with ``NOTIFY gatewatch_events, '<max id>'``
(delivered on commit only) so other receivers can relay what this one stored.

Each job runs inside its own SAVEPOINT: a job that raises is rolled back alone
and its caller gets the exception; the others in the batch still commit.

Background jobs (a backfill's records) give way to live ones (a box's push): a
background job stops between records while a live write is on its way
(``live_pending``), and the live writes queued by then, or arriving within
``LIVE_JOIN_WAIT``, are written in its transaction and share its one COMMIT, so
a push waits for one record's statements, not for a whole piece and its fsync.
Storage failures (disk full, read-only, database unreachable...) become a
``StorageError`` of one kind whatever the engine: the box gets 503 and retries.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import logging
import queue
import sqlite3
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from gui.core import schema
from gui.core.dbapi import (
    SQLITE,
    Connection,
    SqliteConnection,
    is_postgresql_url,
    is_rerunnable,
    redact_url,
)
from gui.core.phases import PhaseClock

if TYPE_CHECKING:
    from gui.core.pg import PgEngine

log = logging.getLogger(__name__)

T = TypeVar("T")
H = TypeVar("H")
Job = Callable[[Connection], T]

DB_FILENAME = "gatewatch.sqlite3"
#: Page size of new databases (an existing database keeps the one it was made with).
PAGE_SIZE = 16384
#: How long a connection waits for a lock before giving up with "database is locked".
BUSY_TIMEOUT_MS = 5000
#: Page cache of the writer's connection, KiB.
WRITER_CACHE_KIB = 16 * 1024
#: WAL length (frames, i.e. pages) at which the checkpointer starts the WAL over.
RESTART_FRAMES = 4096
#: How long a WAL restart waits for readers of an older snapshot before trying later.
RESTART_BUSY_MS = 20
#: Longest the writer keeps collecting jobs into one transaction.
MAX_BATCH_JOBS = 256
#: Times a PostgreSQL job that lost a deadlock to another receiver is run again.
JOB_RETRIES = 2
#: After a background job, how long its transaction stays open for a live write still
#: on its way (its delivery being parsed) to join it, seconds (``Writer.expect_live``).
LIVE_JOIN_WAIT = 0.01


class StoreClosed(RuntimeError):
    """The store was closed; nothing more can be written."""


#: Why the database could not be written, from SQLite's primary result code.
FULL = "full"  # SQLITE_FULL: the disk (or max_page_count) is full
READONLY = "readonly"  # SQLITE_READONLY: file, folder or mount is read-only
IO = "io"  # SQLITE_IOERR: the OS failed a read, write or fsync
CORRUPT = "corrupt"  # SQLITE_CORRUPT, SQLITE_NOTADB: the file is damaged
BUSY = "busy"  # SQLITE_BUSY, SQLITE_LOCKED: another connection holds the lock (transient)
CANTOPEN = "cantopen"  # SQLITE_CANTOPEN: the file or its journal cannot be opened
NOMEM = "nomem"  # SQLITE_NOMEM
OTHER = "other"  # a failure of the transaction itself (BEGIN, COMMIT) of another kind
DISCONNECTED = "disconnected"  # PostgreSQL: the server cannot be reached (reconnects by itself)

#: What each kind means, for people (status bar, the box's 503 reply, /api/health).
WORDS = {
    FULL: "the disk is full",
    READONLY: "the database is read-only",
    IO: "the disk reported an I/O error",
    CORRUPT: "the database file is damaged",
    BUSY: "the database is busy (another program holds its lock)",
    CANTOPEN: "the database file cannot be opened",
    NOMEM: "out of memory",
    DISCONNECTED: "the database server cannot be reached",
    OTHER: "the database cannot be written",
}

_KINDS = {13: FULL, 8: READONLY, 10: IO, 11: CORRUPT, 26: CORRUPT, 5: BUSY, 6: BUSY,
          14: CANTOPEN, 7: NOMEM}  # fmt: skip


def storage_failure_kind(exc: BaseException) -> str | None:
    """The storage failure an SQLite error stands for; None when it is the job's own error.

    Classified by SQLite's result code (``sqlite_errorcode``; extended codes
    carry the primary one in their low byte), never by the message: "database
    is locked" is a busy database, not a full disk, and a constraint named
    ``disk_full`` is a constraint.
    """
    if not isinstance(exc, sqlite3.Error):
        pg = sys.modules.get("gui.core.pg")  # loaded when a PostgreSQL store is open
        return None if pg is None else pg.failure_kind(exc)
    code = getattr(exc, "sqlite_errorcode", None)
    if code is None:
        return None
    return _KINDS.get(code & 0xFF)


def database_errors() -> tuple[type[BaseException], ...]:
    """The exception classes of the engines in use (psycopg's once it is loaded)."""
    psycopg = sys.modules.get("psycopg")
    return (sqlite3.Error,) if psycopg is None else (sqlite3.Error, psycopg.Error)


class StorageError(RuntimeError):
    """The database could not be written; ``kind`` says why (``FULL``, ``BUSY``...).

    ``code`` and ``name`` are SQLite's (``13``, ``SQLITE_FULL``) when SQLite said it,
    PostgreSQL's SQLSTATE (``name``, e.g. ``53100``) when PostgreSQL did.
    """

    def __init__(
        self, message: str, kind: str = OTHER, code: int | None = None, name: str | None = None
    ) -> None:
        super().__init__(message)
        self.kind = kind
        self.code = code
        self.name = name

    @classmethod
    def from_sqlite(cls, exc: BaseException, prefix: str = "") -> StorageError:
        """From an engine's error (SQLite's or PostgreSQL's; the name is historical)."""
        return cls(
            f"{prefix}{exc}".strip(),
            storage_failure_kind(exc) or OTHER,
            getattr(exc, "sqlite_errorcode", None),
            getattr(exc, "sqlite_errorname", None) or getattr(exc, "sqlstate", None),
        )

    from_error = from_sqlite

    def describe(self) -> str:
        """Plain words first, SQLite's own message after: ``the disk is full (...)``."""
        return f"{WORDS.get(self.kind, WORDS[OTHER])} ({self})"

    @property
    def transient(self) -> bool:
        """Busy or unreachable: retrying soon will likely work without anyone doing anything."""
        return self.kind in (BUSY, DISCONNECTED)


def _configure(conn: sqlite3.Connection) -> None:
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")


def _tune_writer(conn: sqlite3.Connection) -> None:
    """Settings of the writer's connection that are not stored in the file.

    A bigger page cache keeps the tables' and indexes' pages in memory while a
    batch's photos stream through it (the default 2 MB holds about four
    events' photos, so every batch read its B-tree pages back from the OS);
    statement journals of the per-job savepoints stay in memory instead of
    temporary files. Together about +10% ingest (bench/RESULTS.md).
    """
    conn.execute(f"PRAGMA cache_size = -{WRITER_CACHE_KIB}")
    conn.execute("PRAGMA temp_store = MEMORY")
    # The Checkpointer does it, beside the writer instead of inside its commits.
    conn.execute("PRAGMA wal_autocheckpoint = 0")


def connect(path: Path, *, readonly: bool = False) -> SqliteConnection:
    """Open ``path`` in autocommit mode (we issue BEGIN ourselves)."""
    if readonly:
        conn = sqlite3.connect(
            f"file:{path}?mode=ro",
            uri=True,
            isolation_level=None,
            check_same_thread=False,
            factory=SqliteConnection,
        )
    else:
        conn = sqlite3.connect(
            path, isolation_level=None, check_same_thread=False, factory=SqliteConnection
        )
    _configure(conn)
    return conn


def backup_database(
    src: sqlite3.Connection,
    dest_path: Path,
    progress: Callable[[int, int], None] | None = None,
) -> None:
    """Copy a live database with SQLite's online backup, page by page."""
    dest = sqlite3.connect(dest_path)
    try:
        src.backup(
            dest,
            pages=256,
            progress=(lambda _status, remaining, total: progress(total - remaining, total))
            if progress
            else None,
        )
    finally:
        dest.close()


def open_database(
    path: Path, *, backup_progress: Callable[[int, int], None] | None = None
) -> SqliteConnection:
    """Open (creating if needed) and migrate the database; the writer's connection.

    Before a migration changes an existing database's schema, the old file is
    backed up beside it (``<name>.v<old>.bak``) so an upgrade can be undone.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    is_new = not path.exists() or path.stat().st_size == 0
    conn = connect(path)
    if is_new:
        # Both must precede the first table. 16 KB pages: an event's photos are a few
        # hundred KB of overflow pages, and SQLite's cost is per page (0.94 ms of CPU
        # per 330 KB photo with 4 KB pages, 0.50 ms with 16 KB; bench/RESULTS.md).
        conn.execute(f"PRAGMA page_size = {PAGE_SIZE}")
        # Lets retention hand pages back to the OS.
        conn.execute("PRAGMA auto_vacuum = INCREMENTAL")
    conn.execute("PRAGMA journal_mode = WAL")
    # FULL: a commit is on disk before we answer 200, power cut included.
    conn.execute("PRAGMA synchronous = FULL")
    _tune_writer(conn)
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if not is_new and version < schema.SCHEMA_VERSION:
        backup = path.with_name(f"{path.name}.v{version}.bak")
        log.info("backing up %s to %s before upgrading its schema", path, backup)
        backup_database(conn, backup, backup_progress)
    try:
        old = schema.migrate(conn)
    except BaseException:
        conn.close()  # a refused (newer) or failed database must not stay open
        raise
    if is_new:
        log.info("database created at %s (schema v%d)", path, schema.SCHEMA_VERSION)
    elif old != schema.SCHEMA_VERSION:
        log.info("database schema upgraded from v%d to v%d", old, schema.SCHEMA_VERSION)
    return conn


class Checkpointer:
    """Copies the WAL into the database on its own thread, beside the writer.

    SQLite's automatic checkpoint runs inside the COMMIT that crosses its
    threshold: under a flood of uploads every ~60th event's reply waited ~20 ms
    while 16 MB of photos were copied, a fifth of the writer's time, with the
    other core idle. Here PASSIVE checkpoints (which never block the writer)
    copy frames soon after they are committed; once the WAL is long, a RESTART
    between two of the writer's transactions copies the few frames left, so the
    next transaction writes the WAL from its start again.
    """

    def __init__(self, path: Path, writer_lock: threading.Lock) -> None:
        self._path = path
        self._writer_lock = writer_lock
        self._wake = threading.Event()
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="gatewatch-checkpoint", daemon=True)
        self._thread.start()

    def poke(self) -> None:
        """Something was committed."""
        self._wake.set()

    def stop(self, timeout: float = 5.0) -> None:
        self._stopping = True
        self._wake.set()
        self._thread.join(timeout)

    def _run(self) -> None:
        try:
            conn = connect(self._path)
        except sqlite3.Error as exc:  # the writer checkpoints when it closes, at least
            log.warning("no checkpoint thread: %s", exc)
            return
        try:
            while not self._stopping:
                self._wake.wait()  # a commit or stop(): nothing to copy otherwise
                self._wake.clear()
                if self._stopping:
                    break
                try:
                    self._checkpoint(conn)
                except sqlite3.Error as exc:  # disk full and the like: the WAL keeps it
                    log.debug("checkpoint failed: %s", exc)
        finally:
            conn.close()

    def _checkpoint(self, conn: SqliteConnection) -> None:
        _busy, frames, _copied = conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        if frames < RESTART_FRAMES:
            return
        with self._writer_lock:
            # A reader on an older snapshot would hold the writer up: try again later.
            conn.execute(f"PRAGMA busy_timeout = {RESTART_BUSY_MS}")
            try:
                conn.execute("PRAGMA wal_checkpoint(RESTART)").fetchone()
            finally:
                conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")


class LiveWrite:
    """A live write on its way to the writer: from its delivery's parse until the
    writer takes its job (``Writer.expect_live``); ``close()`` when it will not come."""

    __slots__ = ("_writer", "open")

    def __init__(self, writer: Writer) -> None:
        self._writer = writer
        self.open = True

    def close(self) -> None:
        """No (more) job will come for it: background jobs stop waiting for it."""
        self._writer._live_arrived(self)


class Writer:
    """The one thread that writes; see the module docstring for why."""

    def __init__(
        self, conn: Connection, path: Path | None = None, *, engine: PgEngine | None = None
    ) -> None:
        self._conn: Any = conn
        #: The PostgreSQL engine (reconnects, partitions, NOTIFY); None for SQLite.
        self._engine = engine
        self._errors = database_errors()
        #: Held from BEGIN to COMMIT: the checkpointer restarts the WAL between them.
        self._transaction_lock = threading.Lock()
        self._checkpointer = (
            Checkpointer(path, self._transaction_lock) if path is not None else None
        )
        self._batch_hooks: dict[str, Any] = {}
        self._jobs: queue.SimpleQueue[tuple[Job[Any], Future[Any] | _LoopFuture] | None] = (
            queue.SimpleQueue()
        )
        #: Futures (by id) of the queued bulk jobs: see ``_run``.
        self._bulk_ids: set[int] = set()
        #: Live writes expected or queued, not yet taken (``expect_live``).
        self._live_pending = 0
        self._live_lock = threading.Lock()
        #: When the last batch's COMMIT started and ended (None: it did not commit).
        self._commit_times: tuple[float, float] | None = None
        self._closed = False
        #: Batches begun so far: a job tells by it whether it shares its batch with another.
        self.batches = 0
        self._thread = threading.Thread(target=self._run, name="gatewatch-writer", daemon=True)
        self._thread.start()
        #: Last storage failure, for status displays; None when writes succeed.
        self.last_error: str | None = None
        #: Failures so far: a watcher comparing counts sees failures that a later
        #: small successful write already cleared from ``last_error`` (disk nearly full).
        self.failures = 0
        self.last_failure: str | None = None

    def submit(self, job: Job[T]) -> Future[T]:
        fut: Future[T] = Future()
        if self._closed:
            fut.set_exception(StoreClosed("store is closed"))
            return fut
        self._jobs.put((job, fut))
        return fut

    def batch_hook(self, name: str, factory: Callable[[], H]) -> H:
        """The batch hook registered as ``name``, made by ``factory`` the first time.

        A hook gathers what a batch's jobs tell it (``begin()`` when a batch
        starts) and writes it once, inside the batch's transaction, just before
        COMMIT (``before_commit(conn)``): work shared by many jobs costs one
        statement per batch instead of one per job. Only jobs (on the writer
        thread) may feed a hook.
        """
        hook = self._batch_hooks.get(name)
        if hook is None:
            hook = self._batch_hooks.setdefault(name, factory())
        return hook

    def expect_live(self) -> LiveWrite:
        """Announce a live write (a push being parsed): background jobs give way to it.

        Hand the result to ``submit_async(live=...)`` with its job, or ``close()`` it
        when no job comes (a bad body, a large upload written in bulk).
        """
        with self._live_lock:
            self._live_pending += 1
        return LiveWrite(self)

    def _live_arrived(self, live: LiveWrite) -> None:
        with self._live_lock:
            if live.open:
                live.open = False
                self._live_pending -= 1

    def live_pending(self) -> bool:
        """A live write is on its way or queued: a background job stops at its next record."""
        return self._live_pending > 0

    def submit_async(
        self,
        job: Job[T],
        *,
        bulk: bool = False,
        clock: PhaseClock | None = None,
        live: LiveWrite | None = None,
        background: bool = False,
    ) -> asyncio.Future[T]:
        """Like ``submit``, for a coroutine on the running loop.

        ``bulk`` (a large upload) runs after the other queued jobs, alone in its
        transaction, so small real-time writes never wait behind several of them.
        ``background`` (a backfill's records; implies ``bulk``): the jobs queued
        while it runs, and a ``live`` one (see ``expect_live``) arriving within
        ``LIVE_JOIN_WAIT`` after it, are written in its transaction, each in its
        own SAVEPOINT, with one COMMIT. ``live`` marks this job as the one announced.

        The writer settles all of a batch's futures of one loop with a single
        wake-up of that loop, where one ``concurrent.futures.Future`` each would
        wake it once per job (and take the GIL back from it once per job).

        ``clock`` gets the writer's instants (batch started, COMMIT started and
        ended) before the future is settled.
        """
        handle = _LoopFuture(asyncio.get_running_loop())
        handle.clock = clock
        handle.live = live
        handle.background = background
        if self._closed:
            handle.future.set_exception(StoreClosed("store is closed"))
            if live is not None:
                live.close()
        else:
            if bulk or background:
                self._bulk_ids.add(id(handle))
            self._jobs.put((job, handle))
        return handle.future

    def close(self, timeout: float = 5.0) -> None:
        """Finish the queued jobs, then stop the thread."""
        if self._closed:
            return
        self._closed = True
        if self._checkpointer is not None:
            self._checkpointer.stop(timeout)
        self._jobs.put(None)
        self._thread.join(timeout)

    def _run(self) -> None:
        """Batches of the jobs queued so far; bulk jobs only when none other waits, one each.

        A bulk job (a large upload, a history batch) runs alone in its own
        transaction, after every other job queued before it finished: a small
        real-time event never shares a transaction with, or queues behind more
        than one, large upload. Each job still commits before its caller hears.
        A background job (a backfill's few records) is the exception: the jobs
        queued while it ran join its transaction (``_join_live``).
        """
        bulk: collections.deque[tuple[Job[Any], Any]] = collections.deque()
        stop = False

        def join_live() -> list[tuple[Job[Any], Any]]:
            nonlocal stop
            joining: list[tuple[Job[Any], Any]] = []
            if not stop:
                stop = self._join_live(joining, bulk)
            joined = time.perf_counter()
            for _job, handle in joining:
                if isinstance(handle, _LoopFuture):
                    handle.picked = joined
            return joining

        while True:
            urgent: list[tuple[Job[Any], Any]] = []
            if not bulk and not stop:
                first = self._jobs.get()
                if first is None:
                    stop = True
                else:
                    self._sort(first, urgent, bulk)
            if not stop:
                stop = self._take_queued(urgent, bulk)
            join: Callable[[], list[tuple[Job[Any], Any]]] | None = None
            if urgent:
                batch = urgent
            elif bulk:
                batch = [bulk.popleft()]
                if getattr(batch[0][1], "background", False):
                    join = join_live
            else:
                break
            picked = time.perf_counter()
            self._commit_times = None
            try:
                with self._transaction_lock:
                    self._run_batch(batch, join)
            finally:
                _LoopFuture.clock_batch(batch, picked, self._commit_times)
                _LoopFuture.settle(batch)
            if self._checkpointer is not None:
                self._checkpointer.poke()
        self._conn.close()

    def _take_queued(
        self,
        urgent: list[tuple[Job[Any], Any]],
        bulk: collections.deque[tuple[Job[Any], Any]],
    ) -> bool:
        """Sort the jobs queued right now (up to ``MAX_BATCH_JOBS`` urgent ones); True
        when the queue's end (``close``) was among them."""
        while len(urgent) < MAX_BATCH_JOBS:
            try:
                item = self._jobs.get_nowait()
            except queue.Empty:
                return False
            if item is None:
                return True
            self._sort(item, urgent, bulk)
        return False

    def _join_live(
        self,
        joining: list[tuple[Job[Any], Any]],
        bulk: collections.deque[tuple[Job[Any], Any]],
    ) -> bool:
        """After a background job: the jobs queued meanwhile join its transaction, and
        when none of them is live, a live write still on its way is waited for (up to
        ``LIVE_JOIN_WAIT``), so the push shares this COMMIT instead of waiting for it
        and then making its own. A live job that joined is never held for another
        one still being parsed. True when the queue's end came."""
        deadline = time.perf_counter() + LIVE_JOIN_WAIT
        while True:
            if self._take_queued(joining, bulk):
                return True
            left = deadline - time.perf_counter()
            if (
                not self.live_pending()
                or left <= 0
                or len(joining) >= MAX_BATCH_JOBS
                or any(getattr(handle, "live", None) is not None for _job, handle in joining)
            ):
                return False
            try:
                item = self._jobs.get(timeout=min(left, 0.001))
            except queue.Empty:
                continue
            if item is None:
                return True
            self._sort(item, joining, bulk)

    def _sort(
        self,
        item: tuple[Job[Any], Any],
        urgent: list[tuple[Job[Any], Any]],
        bulk: collections.deque[tuple[Job[Any], Any]],
    ) -> None:
        fut = item[1]
        live = getattr(fut, "live", None)
        if live is not None:
            self._live_arrived(live)
        if id(fut) in self._bulk_ids:
            self._bulk_ids.discard(id(fut))
            bulk.append(item)
        else:
            urgent.append(item)

    def _run_batch(
        self,
        batch: list[tuple[Job[Any], Any]],
        join: Callable[[], list[tuple[Job[Any], Any]]] | None = None,
    ) -> None:
        """One transaction: ``batch``'s jobs, then (``join``) the ones that join it."""
        if join is None and self._engine is None and all(is_rerunnable(j) for j, _ in batch):
            running = [item for item in batch if item[1].set_running_or_notify_cancel()]
            failed = self._run_batch_at_once(running) if running else None
            if failed is not None:
                self._run_batch_carefully(running, started=True, failed=failed)
            return
        self._run_batch_carefully(batch, join)

    def _run_batch_at_once(
        self, batch: list[tuple[Job[Any], Any]]
    ) -> dict[int, BaseException] | None:
        """The batch's jobs and hooks in one transaction, without a savepoint each.

        SQLite only, and only for jobs marked ``rerunnable``. None when the batch is
        settled (committed, or failed as a whole: BEGIN or COMMIT). Otherwise a job
        or a hook raised and the transaction was rolled back: the batch must be run
        again carefully (``_run_batch_carefully``), and the dict holds the job that
        raised (its index) with its error, which it gets without being run again
        (empty when a hook raised).
        """
        opened = self._open_batch(batch, started=True)
        if opened is None:
            return None
        conn, hooks = opened
        errors = self._errors
        results: list[Any] = []
        try:
            for job, _fut in batch:
                results.append(job(conn))
            for hook in hooks:
                hook.before_commit(conn)
        except BaseException as exc:
            with contextlib.suppress(*errors):
                conn.execute("ROLLBACK")
            return {len(results): exc} if len(results) < len(batch) else {}
        if not self._commit(conn, [fut for _job, fut in batch]):
            return None
        self.last_error = None
        for (_job, fut), result in zip(batch, results, strict=True):
            fut.set_result(result)
        return None

    def _commit(self, conn: Any, futures: list[Any]) -> bool:
        """COMMIT; on failure roll back, fail ``futures`` with the error, and return False."""
        try:
            if self._engine is not None:
                self._engine.before_commit(conn)
            commit_started = time.perf_counter()
            conn.execute("COMMIT")
            self._commit_times = (commit_started, time.perf_counter())
        except self._errors as exc:
            with contextlib.suppress(*self._errors):
                conn.execute("ROLLBACK")
            self.last_error = StorageError.from_sqlite(exc).describe()
            self.failures += 1
            self.last_failure = self.last_error
            log.error("commit failed: %s", exc)
            for fut in futures:
                fut.set_exception(StorageError.from_sqlite(exc))
            return False
        return True

    def _run_batch_carefully(
        self,
        batch: list[tuple[Job[Any], Any]],
        join: Callable[[], list[tuple[Job[Any], Any]]] | None = None,
        *,
        started: bool = False,
        failed: dict[int, BaseException] | None = None,
    ) -> None:
        """Each job in a savepoint: a failing job loses its own writes only.

        ``started``: ``batch``'s futures were already told they run (and the
        cancelled ones left out) by a first try of the batch; ``failed``: the jobs
        (by index) that raised then, which fail with that error and are not run again.
        """
        opened = self._open_batch(batch, started=started)
        if opened is None:
            return
        conn, hooks = opened
        errors = self._errors
        done: list[tuple[Future[Any], Any]] = []
        #: Jobs before this index were started by the first try (none of them joined).
        started_upto = len(batch) if started else 0
        first = 0
        while True:
            for index in range(first, len(batch)):
                job, fut = batch[index]
                if index >= started_upto and not fut.set_running_or_notify_cancel():
                    continue
                attempt = 0
                while True:
                    try:
                        conn.execute("SAVEPOINT job")
                        if failed and index in failed:
                            raise failed[index]
                        result = job(conn)
                        conn.execute("RELEASE job")
                        done.append((fut, result))
                        break
                    except BaseException as exc:
                        try:
                            conn.execute("ROLLBACK TO job")
                            conn.execute("RELEASE job")
                        except errors:
                            pass
                        kind = storage_failure_kind(exc) if isinstance(exc, errors) else None
                        if (
                            kind == BUSY
                            and self._engine is not None
                            and conn.in_transaction
                            and attempt < JOB_RETRIES
                        ):
                            # PostgreSQL: a deadlock or serialization failure with another
                            # receiver's writer rolled this job back alone; run it again.
                            attempt += 1
                            continue
                        if kind is not None:
                            exc = StorageError.from_sqlite(exc)
                            self.last_error = exc.describe()
                            self.failures += 1
                            self.last_failure = self.last_error
                        fut.set_exception(exc)
                        if not conn.in_transaction:
                            # SQLite rolled the whole transaction back (SQLITE_FULL, I/O
                            # errors), or the PostgreSQL connection broke: the jobs before
                            # this one are lost, the ones after must not run outside a
                            # transaction.
                            lost = StorageError(f"transaction rolled back: {exc}")
                            if isinstance(exc, StorageError):
                                lost = StorageError(str(lost), exc.kind, exc.code, exc.name)
                            for other, _ in done:
                                other.set_exception(lost)
                            for later in range(index + 1, len(batch)):
                                other = batch[later][1]
                                if later < started_upto or other.set_running_or_notify_cancel():
                                    other.set_exception(lost)
                            return
                        break
            if join is None:
                break
            # A background job's transaction: the live writes queued meanwhile join it.
            first = len(batch)
            batch.extend(join())
            join = None
        for hook in hooks:
            self._run_hook(conn, hook)
        if not self._commit(conn, [fut for fut, _ in done]):
            return
        if done:
            self.last_error = None
        for fut, result in done:
            fut.set_result(result)

    def _open_batch(
        self, batch: list[tuple[Job[Any], Any]], *, started: bool
    ) -> tuple[Any, list[Any]] | None:
        """Count the batch, reset its hooks and BEGIN: the connection and the hooks, or
        None when BEGIN failed (every job of ``batch`` then failed with that error)."""
        self.batches += 1
        hooks = list(self._batch_hooks.values())
        for hook in hooks:
            hook.begin()
        try:
            return self._begin(), hooks
        except self._errors as exc:
            self._fail_all(batch, exc, started=started)
            return None

    def _begin(self) -> Any:
        """BEGIN on the writer's connection; PostgreSQL: on a new one if it broke meanwhile.

        A connection that broke while idle (the server restarted at night) is only
        found out by using it: BEGIN fails, and is tried once more on a new one.
        """
        if self._engine is None:
            self._conn.execute("BEGIN IMMEDIATE")
            return self._conn
        self._conn = self._engine.writer_ready(self._conn)
        try:
            self._conn.execute("BEGIN")
        except self._errors:
            if not self._conn.broken:
                raise
            self._conn = self._engine.writer_ready(self._conn)
            self._conn.execute("BEGIN")
        return self._conn

    def _run_hook(self, conn: Connection, hook: Any) -> None:
        """A failing hook loses its own writes only, never the batch's jobs."""
        try:
            conn.execute("SAVEPOINT hook")
            hook.before_commit(conn)
            conn.execute("RELEASE hook")
        except self._errors as exc:
            log.error("batch hook %r failed: %s", hook, exc)
            with contextlib.suppress(*self._errors):
                conn.execute("ROLLBACK TO hook")
                conn.execute("RELEASE hook")

    def _fail_all(
        self, batch: list[tuple[Job[Any], Any]], exc: BaseException, *, started: bool = False
    ) -> None:
        error = exc if isinstance(exc, StorageError) else StorageError.from_sqlite(exc)
        self.last_error = error.describe()
        self.failures += 1
        self.last_failure = self.last_error
        log.error("cannot start a write transaction: %s", exc)
        for _, fut in batch:
            if started or fut.set_running_or_notify_cancel():
                fut.set_exception(StorageError(str(error), error.kind, error.code, error.name))


class _LoopFuture:
    """A job's outcome for an asyncio caller, with the writer-side ``Future`` methods.

    The writer thread records the outcome here; ``settle`` then hands a whole
    batch's outcomes to each loop in one ``call_soon_threadsafe``.
    """

    __slots__ = ("background", "clock", "future", "live", "loop", "outcome", "picked")

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.future: asyncio.Future[Any] = loop.create_future()
        self.outcome: tuple[bool, Any] | None = None
        self.clock: PhaseClock | None = None
        #: The live write this job is (``Writer.expect_live``), if any.
        self.live: LiveWrite | None = None
        #: A background job: the live writes queued while it runs join its transaction.
        self.background = False
        #: When a job that joined a background job's transaction was taken.
        self.picked: float | None = None

    def set_running_or_notify_cancel(self) -> bool:
        # Read from the writer thread: at worst a job cancelled this instant still runs.
        return not self.future.cancelled()

    def set_result(self, result: Any) -> None:
        self.outcome = (True, result)

    def set_exception(self, exc: BaseException) -> None:
        self.outcome = (False, exc)

    @staticmethod
    def clock_batch(
        batch: list[tuple[Job[Any], Any]],
        picked: float,
        commit_times: tuple[float, float] | None,
    ) -> None:
        """Tell the batch's clocks when it started and committed."""
        for _job, handle in batch:
            clock = getattr(handle, "clock", None)
            if clock is not None:
                clock.picked = getattr(handle, "picked", None) or picked
                if commit_times is not None:
                    clock.commit_started, clock.committed = commit_times

    @staticmethod
    def settle(batch: list[tuple[Job[Any], Any]]) -> None:
        by_loop: dict[asyncio.AbstractEventLoop, list[_LoopFuture]] = {}
        for _job, handle in batch:
            if isinstance(handle, _LoopFuture) and handle.outcome is not None:
                by_loop.setdefault(handle.loop, []).append(handle)
        for loop, handles in by_loop.items():
            with contextlib.suppress(RuntimeError):  # the loop is closed: nobody waits
                loop.call_soon_threadsafe(_LoopFuture._deliver, handles)

    @staticmethod
    def _deliver(handles: list[_LoopFuture]) -> None:
        for handle in handles:
            if handle.future.done() or handle.outcome is None:
                continue
            ok, value = handle.outcome
            if ok:
                handle.future.set_result(value)
            else:
                handle.future.set_exception(value)


class Store:
    """The database of a receiver: the writer plus per-thread read connections.

    ``Store(data_dir)`` keeps SQLite's file in the data dir; ``Store(data_dir,
    url="postgresql://...")`` uses that PostgreSQL database instead (the data dir
    still holds logs, the folder lock and box credentials). See ``open_store``.
    """

    def __init__(
        self,
        data_dir: Path,
        *,
        url: str | None = None,
        backup_progress: Callable[[int, int], None] | None = None,
    ) -> None:
        self.data_dir = Path(data_dir)
        #: The SQLite file (also with PostgreSQL: where SQLite would keep it).
        self.path = self.data_dir / DB_FILENAME
        self.url = url or None
        self.engine: PgEngine | None = None
        if self.url is not None:
            if not is_postgresql_url(self.url):
                raise ValueError(f"not a PostgreSQL URL: {redact_url(self.url)}")
            from gui.core.pg import PgEngine

            self.engine = PgEngine(self.url)
            self.writer = Writer(self.engine.open_writer(), engine=self.engine)
            self.dialect = self.engine.dialect
        else:
            self.writer = Writer(
                open_database(self.path, backup_progress=backup_progress), self.path
            )
            self.dialect = SQLITE
        self._local = threading.local()
        #: Every thread's read connection, with the thread that owns it.
        self._readers: list[tuple[int, Any]] = []
        self._readers_lock = threading.Lock()
        self._closed = False

    @property
    def location(self) -> str:
        """Where the events are, for people: the SQLite file or the URL without password."""
        return redact_url(self.url) if self.url is not None else str(self.path)

    # -- writing -------------------------------------------------------------

    def submit(self, job: Job[T]) -> Future[T]:
        return self.writer.submit(job)

    async def write(
        self,
        job: Job[T],
        *,
        bulk: bool = False,
        clock: PhaseClock | None = None,
        live: LiveWrite | None = None,
        background: bool = False,
    ) -> T:
        """Run ``job`` in the writer's next transaction; returns once it is committed.

        ``bulk`` for large uploads: they yield to the other queued writes (``Writer._run``).
        ``clock`` gets the writer's instants (see ``phases``). ``live`` and
        ``background``: see ``Writer.submit_async``.
        """
        return await self.writer.submit_async(
            job, bulk=bulk, clock=clock, live=live, background=background
        )

    def write_sync(self, job: Job[T], timeout: float | None = 30) -> T:
        return self.writer.submit(job).result(timeout)

    # -- reading -------------------------------------------------------------

    def reader(self) -> Connection:
        """This thread's read connection (SQLite WAL, PostgreSQL MVCC: readers never
        block the writer). Rows answer ``row[0]`` and ``row["column"]``."""
        if self._closed:
            raise StoreClosed("store is closed")
        conn = getattr(self._local, "conn", None)
        if conn is not None and self.engine is not None and conn.broken:
            conn.close()  # the server restarted or the network broke: open a new one
            conn = None
        if conn is None:
            if self.engine is not None:
                conn = self.engine.connect("gatewatch-reader")
            else:
                conn = connect(self.path, readonly=True)
                conn.row_factory = sqlite3.Row
            self._local.conn = conn
            with self._readers_lock:
                self._readers = [(t, c) for t, c in self._readers if t != threading.get_ident()]
                self._readers.append((threading.get_ident(), conn))
        return conn

    @contextlib.contextmanager
    def snapshot(self) -> Iterator[Connection]:
        """A consistent view across several queries."""
        conn = self.reader()
        conn.execute("BEGIN" if self.engine is None else "BEGIN ISOLATION LEVEL REPEATABLE READ")
        try:
            yield conn
        finally:
            conn.execute("COMMIT")

    async def read(self, fn: Callable[[Connection], T]) -> T:
        """Run a query in the default executor, off the event loop."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(None, lambda: self.read_sync(fn))

    def read_sync(self, fn: Callable[[Connection], T]) -> T:
        """``fn`` on this thread's read connection.

        PostgreSQL: on a connection from the readers' pool, given back after
        ``fn``; a read whose connection broke (the server restarted) runs once more
        on another; reads change nothing, so that is safe.
        """
        if self.engine is None:
            return fn(self.reader())
        if self._closed:
            raise StoreClosed("store is closed")
        # A connection from the pool for this read (``pg.ReaderPool``).
        for attempt in (1, 2):
            with self.engine.readers.connection() as conn:
                try:
                    return fn(conn)
                except database_errors():
                    if attempt == 2 or not conn.broken:
                        raise
            log.info("read connection lost; reading again on another one")
        raise AssertionError("unreachable")

    # -- lifecycle -----------------------------------------------------------

    @property
    def closed(self) -> bool:
        """Closed at shutdown: reads raise ``StoreClosed`` from then on."""
        return self._closed

    def size_bytes(self) -> int:
        if self.engine is not None:
            try:
                return self.engine.size_bytes(self.reader())  # type: ignore[arg-type]
            except database_errors():
                return 0
        total = 0
        for suffix in ("", "-wal", "-shm"):
            p = self.path.with_name(self.path.name + suffix)
            with contextlib.suppress(OSError):
                total += p.stat().st_size
        return total

    def close(self) -> None:
        if self._closed:
            return
        started = time.monotonic()
        self.writer.close()
        self._closed = True
        # Closing a connection another thread is stepping through crashes SQLite's
        # Python binding. Only this thread's is closed; the others are interrupted
        # (a query in progress ends with "interrupted") and close when their last
        # reference goes, which cannot happen mid-query. PostgreSQL's are cancelled
        # and closed (psycopg connections are thread-safe).
        me = threading.get_ident()
        errors = database_errors()
        with self._readers_lock:
            for owner, conn in self._readers:
                with contextlib.suppress(*errors):
                    if owner == me or self.engine is not None:
                        if owner != me:
                            conn.cancel()
                        conn.close()
                    else:
                        conn.interrupt()
            self._readers.clear()
        if self.engine is not None:
            with contextlib.suppress(*errors):
                self.engine.close_readers()
        self._local = threading.local()
        log.debug("store closed in %.0f ms", (time.monotonic() - started) * 1000)


SQLITE_LOCATIONS = ("", "sqlite")


def store_location_problem(location: str | None) -> str | None:
    """What is wrong with a store location (``--store``, ``GATEWATCH_STORE``), or None."""
    if location is None or location.strip().lower() in SQLITE_LOCATIONS:
        return None
    if is_postgresql_url(location):
        from urllib.parse import urlsplit

        try:
            urlsplit(location).port  # noqa: B018 - raises for a bad port
        except ValueError as exc:
            return f"store {redact_url(location)}: {exc}"
        return None
    return (
        f"store {redact_url(location)!r}: expected postgresql://user@host/database "
        "(or nothing, or 'sqlite', for SQLite in the data folder)"
    )


#: SQLSTATE of a server that is starting up or recovering: it will accept us soon.
_STARTING_UP = "57P03"
#: What a server starting up, recovering or shutting down answers a new connection.
_SERVER_NOT_READY = ("starting up", "shutting down", "in recovery mode", "not yet accepting")


def store_unreachable(exc: BaseException) -> bool:
    """Whether opening a PostgreSQL store failed only because the server cannot be reached now.

    Down, starting up, restarting, network gone: trying again later works without
    anyone doing anything, so receivers retry by themselves. A refused password,
    a database that does not exist or a bad URL are not: someone must fix them.
    """
    seen: set[int] = set()
    link: BaseException | None = exc
    while link is not None and id(link) not in seen:
        seen.add(id(link))
        if type(link).__module__.startswith("psycopg"):
            from gui.core import pg

            state = getattr(link, "sqlstate", None)
            if state is None and "FATAL:" in str(link):
                # psycopg gives no SQLSTATE for a refused connection: the server answered,
                # so it is reachable, unless it answered that it is starting or stopping.
                return any(hint in str(link) for hint in _SERVER_NOT_READY)
            return state == _STARTING_UP or pg.failure_kind(link) == pg.DISCONNECTED
        link = link.__cause__ or link.__context__
    return False


def unreachable_message(location: str, exc: BaseException) -> str:
    """One plain line naming the database (never its password) and why it cannot be reached."""
    from urllib.parse import urlsplit

    reason = " ".join(str(exc).split()) or type(exc).__name__
    with contextlib.suppress(ValueError):
        password = urlsplit(location).password
        if password:
            reason = reason.replace(password, "***")
    return f"the shared database {redact_url(location)} cannot be reached: {reason}"


#: In the data folder: the PostgreSQL stores (passwords removed) this folder's receiver
#: has opened. A headless receiver waits for one of these when it is down at start
#: (it worked before: the server is restarting, or booting after us); a store never
#: reached is more likely a mistake in the URL, refused at once with exit 7.
STORES_REACHED_FILENAME = "stores-reached.txt"


def remember_store_reached(data_dir: Path, location: str) -> None:
    """Note in ``data_dir`` that the store at ``location`` was opened (best effort)."""
    if store_reached_before(data_dir, location):
        return
    with (
        contextlib.suppress(OSError),
        open(Path(data_dir) / STORES_REACHED_FILENAME, "a", encoding="utf-8") as f,
    ):
        f.write(redact_url(location) + "\n")


def store_reached_before(data_dir: Path, location: str) -> bool:
    """Whether this data folder's receiver has opened the store at ``location`` before."""
    try:
        text = (Path(data_dir) / STORES_REACHED_FILENAME).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    return redact_url(location) in text.splitlines()


def open_store(
    data_dir: Path,
    location: str | None = None,
    *,
    backup_progress: Callable[[int, int], None] | None = None,
) -> Store:
    """The store a location names: a ``postgresql://`` URL, else SQLite in ``data_dir``.

    ``location`` is the ``--store`` option / ``GATEWATCH_STORE`` / the ``store``
    setting; empty, None or ``sqlite`` mean SQLite.
    """
    problem = store_location_problem(location)
    if problem:
        raise ValueError(problem)
    if location and is_postgresql_url(location):
        return Store(data_dir, url=location)
    return Store(data_dir, backup_progress=backup_progress)
