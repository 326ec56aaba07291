"""PostgreSQL connections that run the core's SQL as written for both engines.

``PgConnection`` wraps a psycopg 3 connection in autocommit mode (the writer
issues ``BEGIN``/``COMMIT`` itself, as with SQLite): it translates ``?``
placeholders to psycopg's ``%s`` (and a literal ``%`` to ``%%``), once per
statement text, and returns ``dbapi.Row`` rows (by index and by column name).
Text parameters lose NUL characters, which PostgreSQL text cannot hold.

Errors are classified by SQLSTATE into the store's failure kinds: a full
disk, a read-only database, a lost connection or a server shutting down make
the receiver answer 503 (boxes retry) and reconnect.

Imported only when a ``postgresql://`` store is used: psycopg takes a while to load.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import threading
import time
from collections.abc import Iterator, Sequence
from typing import Any

import psycopg
import psycopg.rows
from psycopg import pq

from gui.core.dbapi import POSTGRESQL, Dialect, row_class

log = logging.getLogger(__name__)

#: Failure kinds (the same names as gui.core.store's; that module imports this one).
FULL = "full"
READONLY = "readonly"
IO = "io"
CORRUPT = "corrupt"
BUSY = "busy"
CANTOPEN = "cantopen"
NOMEM = "nomem"
#: The connection to the server is gone (network, server restart): reconnect and retry.
DISCONNECTED = "disconnected"

#: SQLSTATE classes and codes -> failure kind. Anything else is the job's own error.
_BY_CODE = {
    "53100": FULL,  # disk_full
    "53200": NOMEM,  # out_of_memory
    "53300": BUSY,  # too_many_connections
    "25006": READONLY,  # read_only_sql_transaction
    "57P01": DISCONNECTED,  # admin_shutdown
    "57P02": DISCONNECTED,  # crash_shutdown
    "57P03": CANTOPEN,  # cannot_connect_now (starting up, recovering)
    "40001": BUSY,  # serialization_failure
    "40P01": BUSY,  # deadlock_detected
    "55P03": BUSY,  # lock_not_available
    "57014": BUSY,  # query_canceled (statement timeout)
    "58030": IO,  # io_error
    "XX001": CORRUPT,  # data_corrupted
    "XX002": CORRUPT,  # index_corrupted
    "3D000": CANTOPEN,  # invalid_catalog_name: the database does not exist
    "28000": CANTOPEN,  # invalid_authorization_specification
    "28P01": CANTOPEN,  # invalid_password
}
_BY_CLASS = {"08": DISCONNECTED, "53": FULL, "58": IO}


def failure_kind(exc: BaseException) -> str | None:
    """The storage failure a psycopg error stands for; None when it is the job's own error."""
    if not isinstance(exc, psycopg.Error):
        return None
    state = exc.sqlstate
    if state is None:
        # No answer from the server at all: the connection broke or never opened.
        if isinstance(exc, psycopg.OperationalError | psycopg.InterfaceError):
            return DISCONNECTED
        return None
    return _BY_CODE.get(state) or _BY_CLASS.get(state[:2])


@functools.lru_cache(maxsize=2048)
def translate(sql: str) -> str:
    """``?`` placeholders -> ``%s``, ``%`` -> ``%%``; quoted text and comments left alone.

    ``BEGIN IMMEDIATE`` (SQLite's write transaction) is PostgreSQL's ``BEGIN``.
    """
    if sql.strip().upper() == "BEGIN IMMEDIATE":
        return "BEGIN"
    out: list[str] = []
    i, n = 0, len(sql)
    while i < n:
        ch = sql[i]
        if ch in "'\"":
            end = i + 1
            while end < n:
                if sql[end] == ch:
                    if end + 1 < n and sql[end + 1] == ch:  # '' escapes a quote
                        end += 2
                        continue
                    break
                end += 1
            out.append(sql[i : end + 1].replace("%", "%%"))
            i = end + 1
        elif ch == "-" and sql.startswith("--", i):
            end = sql.find("\n", i)
            end = n if end < 0 else end
            out.append(sql[i:end].replace("%", "%%"))
            i = end
        elif ch == "?":
            out.append("%s")
            i += 1
        elif ch == "%":
            out.append("%%")
            i += 1
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def _clean(value: Any) -> Any:
    if type(value) is str and "\x00" in value:
        return value.replace("\x00", "\ufffd")
    return value


def _params(parameters: Any) -> Any:
    if not parameters:
        return None
    if isinstance(parameters, dict):
        return {k: _clean(v) for k, v in parameters.items()}
    return [_clean(v) for v in parameters]


def _row_factory(cursor: Any) -> Any:
    description = cursor.description
    if description is None:
        return psycopg.rows.tuple_row(cursor)
    cls = row_class([column.name for column in description])
    return cls


class PgConnection:
    """A psycopg connection speaking the core's SQL; see the module docstring."""

    dialect: Dialect = POSTGRESQL

    def __init__(self, raw: psycopg.Connection[Any]) -> None:
        self.raw = raw
        #: Highest event id written in the writer's current batch (``note_event_id``).
        self.max_event_id: int | None = None

    def execute(self, sql: str, parameters: Any = (), /) -> psycopg.Cursor[Any]:
        cur = self.raw.cursor()
        cur.execute(translate(sql), _params(parameters))
        return cur

    def execute_planned(self, sql: str, parameters: Any = (), /) -> psycopg.Cursor[Any]:
        """``execute``, planned for these very values every time: never prepared, so the
        server never settles on a generic plan. For the history's reads, whose best plan
        depends on the values (a frequent name is read newest first, a rare one through
        its index): a generic plan chosen after a few rare searches read 300,000 rows
        for a frequent one (``bench/pg_history_bench.py``)."""
        cur = self.raw.cursor()
        cur.execute(translate(sql), _params(parameters), prepare=False)
        return cur

    def executemany(self, sql: str, parameters: Any, /) -> psycopg.Cursor[Any]:
        cur = self.raw.cursor()
        cur.executemany(translate(sql), [_params(p) for p in parameters])
        return cur

    def copy_rows(
        self,
        table: str,
        columns: Sequence[str],
        rows: Sequence[Sequence[Any]],
        types: Sequence[str] | None = None,
    ) -> int:
        """``COPY table (columns) FROM STDIN``: many rows, or large ones, at a fraction of
        the cost of INSERTs. With ``types`` (PostgreSQL type names, one per column) in
        binary: photos go as they are instead of as hex text (3-5 times faster)."""
        statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
        if types is not None:
            statement += " (FORMAT BINARY)"
        with self.raw.cursor() as cur, cur.copy(statement) as copy:
            if types is not None:
                copy.set_types(list(types))
            for row in rows:
                copy.write_row([_clean(v) for v in row])
        return len(rows)

    @property
    def in_transaction(self) -> bool:
        return self.raw.info.transaction_status in (
            pq.TransactionStatus.INTRANS,
            pq.TransactionStatus.INERROR,
            pq.TransactionStatus.ACTIVE,
        )

    @property
    def broken(self) -> bool:
        """The connection is gone: open a new one."""
        return self.raw.closed or self.raw.broken

    def cancel(self) -> None:
        """Stop the statement running on another thread (``sqlite3``'s ``interrupt``)."""
        with contextlib.suppress(psycopg.Error, AttributeError):
            self.raw.cancel_safe(timeout=2)

    def close(self) -> None:
        self.raw.close()

    def __enter__(self) -> PgConnection:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def __iter__(self) -> Iterator[Any]:  # pragma: no cover - not a cursor
        raise TypeError("PgConnection is not iterable")


#: Seconds a connection attempt may take before the database counts as down.
CONNECT_TIMEOUT_S = 5
#: After a failed reconnection, the writer's next attempt waits this long (batches
#: meanwhile are answered 503 at once).
RECONNECT_PAUSE_S = 1.0


def _connect_options(application_name: str) -> dict[str, Any]:
    return {
        "autocommit": True,
        "row_factory": _row_factory,
        "connect_timeout": CONNECT_TIMEOUT_S,
        "application_name": application_name,
        # A server that vanished without closing the connection (power cut, cable)
        # is noticed within ~20 s instead of the OS's two hours: the writer then
        # answers 503 and reconnects rather than holding every box's request.
        "keepalives": 1,
        "keepalives_idle": 10,
        "keepalives_interval": 5,
        "keepalives_count": 2,
        "tcp_user_timeout": 20_000,
    }


def connect(url: str, *, application_name: str = "gatewatch") -> PgConnection:
    """A new autocommit connection to ``url`` (``postgresql://user@host/db``)."""
    return PgConnection(psycopg.connect(url, **_connect_options(application_name)))


#: Read connections a receiver keeps at most / at least (``GATEWATCH_PG_READERS``,
#: "MAX" or "MIN,MAX"): the API's reads, the relay and stream catch-ups share them.
READERS_MAX = 8
READERS_MIN = 1
#: A read waits this long for a free (or new) connection before it answers 503.
READER_WAIT_S = float(CONNECT_TIMEOUT_S)
#: ... and only this long while the last wait found none (the server is down).
READER_WAIT_FAILING_S = 0.5
#: An idle read connection beyond the minimum is closed after this.
READER_MAX_IDLE_S = 300.0


def reader_pool_sizes(text: str | None = None) -> tuple[int, int]:
    """``(min, max)`` read connections from ``GATEWATCH_PG_READERS`` ("8" or "2,8")."""
    text = os.environ.get("GATEWATCH_PG_READERS", "") if text is None else text
    if not text.strip():
        return READERS_MIN, READERS_MAX
    try:
        parts = [int(p) for p in text.split(",")]
    except ValueError:
        log.warning("GATEWATCH_PG_READERS=%r is not MAX or MIN,MAX: using the defaults", text)
        return READERS_MIN, READERS_MAX
    low, high = (min(READERS_MIN, parts[0]), parts[0]) if len(parts) == 1 else parts[:2]
    high = max(1, min(high, 100))
    return max(0, min(low, high)), high


class ReaderPool:
    """The read connections: a ``psycopg_pool.ConnectionPool``, bounded and checked.

    Each read takes a connection for its query and gives it back, so a few
    connections serve every reader thread. The pool checks a connection before
    handing it out (one that the server dropped, e.g. at a restart, is replaced),
    closes idle ones beyond the minimum, and keeps trying to reconnect while the
    server is down; a read that gets no connection in ``READER_WAIT_S`` fails
    like a lost connection (503, the client retries).
    """

    def __init__(self, url: str, sizes: tuple[int, int] | None = None) -> None:
        from psycopg_pool import ConnectionPool

        low, high = sizes or reader_pool_sizes()
        self.url = url
        self.pool: ConnectionPool[Any] = ConnectionPool(
            url,
            kwargs=_connect_options("gatewatch-reader"),
            min_size=low,
            max_size=high,
            open=False,
            check=ConnectionPool.check_connection,
            timeout=READER_WAIT_S,
            max_idle=READER_MAX_IDLE_S,
            # Never give up on the server: a receiver outlives the database's restarts.
            reconnect_timeout=24 * 3600.0,
            name="gatewatch-readers",
        )
        self._opened = False
        self._failing = False
        # Reads at once, whether on a pooled connection or the direct fallback below:
        # the pool alone bounds only its own connections, and while it is still growing
        # (or reconnecting) the fallback would add more.
        self._slots = threading.BoundedSemaphore(high)

    @contextlib.contextmanager
    def connection(self) -> Iterator[PgConnection]:
        """A connection for one read, given back (or dropped, if broken) after it."""
        from psycopg_pool import PoolTimeout

        if not self._opened:
            self.pool.open(wait=False)
            self._opened = True
        # While the server is down, reads fail fast (503 at once) after the first wait.
        wait = READER_WAIT_S if not self._failing else READER_WAIT_FAILING_S
        started = time.monotonic()
        if not self._slots.acquire(timeout=wait):
            raise PoolTimeout(f"all {self.pool.max_size} read connections busy for {wait:.1f} s")
        try:
            remaining = max(0.05, wait - (time.monotonic() - started))
            with self._pooled_or_direct(remaining) as conn:
                yield conn
        finally:
            self._slots.release()

    @contextlib.contextmanager
    def _pooled_or_direct(self, wait: float) -> Iterator[PgConnection]:
        from psycopg_pool import PoolTimeout

        try:
            raw = self.pool.getconn(timeout=wait)
        except PoolTimeout:
            # None could be made: the server was down and the pool's reconnection backs
            # off. One direct attempt, so the first read after the server is back succeeds.
            try:
                direct = connect(self.url, application_name="gatewatch-reader")
            except psycopg.Error:
                self._failing = True
                raise
            self._failing = False
            try:
                yield direct
            finally:
                direct.close()
            return
        self._failing = False
        try:
            yield PgConnection(raw)
        finally:
            self.pool.putconn(raw)

    def close(self) -> None:
        if self._opened:
            self.pool.close(timeout=2.0)


class PgEngine:
    """A PostgreSQL store's connections: the writer's (migrated, reconnected), readers'.

    The writer's hooks around each batch: photo partitions for the days about to
    be written are created before the transaction (DDL on the partitioned table
    takes a lock readers would queue behind); ``NOTIFY gatewatch_events`` with
    the highest event id the batch wrote goes out inside it, so listeners hear
    of committed events only.
    """

    #: The channel other receivers LISTEN on; the payload is the batch's highest event id.
    CHANNEL = "gatewatch_events"
    dialect: Dialect = POSTGRESQL

    def __init__(self, url: str) -> None:
        self.url = url
        self._partition_days: set[int] = set()
        self._checked_day: int | None = None
        self._failed_at = 0.0
        self._retry_at = 0.0
        self._readers: ReaderPool | None = None
        self._readers_made = threading.Lock()

    def connect(self, application_name: str = "gatewatch") -> PgConnection:
        return connect(self.url, application_name=application_name)

    @property
    def readers(self) -> ReaderPool:
        """The pool of read connections (made on first use)."""
        if self._readers is None:
            # Reader threads ask at once: made twice, each pool would bound only its
            # own share (twelve threads saw five reads at once with a limit of three).
            with self._readers_made:
                if self._readers is None:
                    self._readers = ReaderPool(self.url)
        return self._readers

    def close_readers(self) -> None:
        if self._readers is not None:
            self._readers.close()

    def open_writer(self) -> PgConnection:
        """The writer's connection, the schema migrated first."""
        from gui.core import pg_schema

        conn = self.connect("gatewatch-writer")
        try:
            old = pg_schema.migrate(conn)
            if old != pg_schema.SCHEMA_VERSION:
                log.info(
                    "PostgreSQL schema at %s: v%d -> v%d", self.url, old, pg_schema.SCHEMA_VERSION
                )
            self._ensure_partitions(conn)
        except BaseException:
            conn.close()
            raise
        return conn

    def writer_ready(self, conn: PgConnection) -> PgConnection:
        """``conn``, or a new connection when it broke (server restart, network).

        While the server cannot be reached, a new attempt is made at most every
        ``RECONNECT_PAUSE_S``: the batches in between fail at once (503, the boxes
        retry) instead of each waiting for a connection timeout.
        """
        if conn.broken:
            now = time.monotonic()
            if now < self._retry_at:
                raise psycopg.OperationalError(
                    f"the database server could not be reached {now - self._failed_at:.1f} s"
                    f" ago; trying again in {self._retry_at - now:.1f} s"
                )
            log.warning("reconnecting the writer to the database")
            conn.close()
            try:
                conn = self.connect("gatewatch-writer")
            except psycopg.Error:
                self._failed_at = time.monotonic()
                self._retry_at = self._failed_at + RECONNECT_PAUSE_S
                raise
            self._retry_at = 0.0
            self._checked_day = None
        self._ensure_partitions(conn)
        return conn

    def _ensure_partitions(self, conn: PgConnection) -> None:
        from gui.core import pg_schema

        today = pg_schema.day_of(int(time.time() * 1000))
        if today == self._checked_day:
            return
        for day in (today - 1, today, today + 1):
            if day not in self._partition_days:
                try:
                    pg_schema.ensure_photo_partition(conn, day)
                except psycopg.Error as exc:  # photos of that day go to the default partition
                    if conn.broken:
                        raise
                    log.warning("cannot create photo partition of day %d: %s", day, exc)
                    continue
                self._partition_days.add(day)
        self._checked_day = today

    def before_commit(self, conn: PgConnection) -> None:
        """Announce the batch's events to listeners (sent on commit only)."""
        top = conn.max_event_id
        if top is None:
            return
        conn.max_event_id = None
        conn.execute("SELECT pg_notify(?, ?)", (self.CHANNEL, str(top)))

    def size_bytes(self, conn: PgConnection) -> int:
        row = conn.execute("SELECT pg_database_size(current_database())").fetchone()
        return int(row[0]) if row else 0
