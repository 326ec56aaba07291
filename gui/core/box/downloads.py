"""A backfill's picture downloads, on low-priority threads instead of the receiver's loop.

Three pictures per record, tens of records a second: downloaded on the loop
(aiohttp), each one's callbacks and the copying of its bytes ran between the
steps of the pushes being answered, and delayed their replies (py-spy during a
two-box backfill: a fifth of the time the loop held the GIL was the backfill's
downloads). Here a record's pictures are fetched one after another over a
blocking ``http.client`` connection (kept alive, per box), on threads at
the background nice value; the loop awaits one future per record. Blocking reads
release the GIL, and what Python work remains runs on a niced thread in short
slices (``lowprio.short_gil_slices``).
"""

from __future__ import annotations

import asyncio
import http.client
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

from gui.core import lowprio
from gui.core.box.client import CALL_TIMEOUT, BoxError

#: Download threads for every box at once (each box still fetches at most
#: ``service.PICTURE_CONCURRENCY`` records at a time).
WORKERS = 8
#: Bytes read at a time (the total time of a download is checked between reads).
CHUNK = 256 * 1024


class PictureDownloads:
    """Blocking GETs of pictures on a pool of niced threads over kept-alive connections."""

    def __init__(self, workers: int = WORKERS, timeout: float = CALL_TIMEOUT) -> None:
        self.workers = workers
        self.timeout = timeout
        self._pool: ThreadPoolExecutor | None = None
        self._lock = threading.Lock()
        #: Connections not in use, by (host, port); one in use belongs to its thread.
        self._idle: dict[tuple[str, int], list[http.client.HTTPConnection]] = {}
        self._closed = False

    def _executor(self) -> ThreadPoolExecutor:
        if self._pool is None:
            self._pool = ThreadPoolExecutor(
                self.workers, thread_name_prefix="gatewatch-pictures",
                initializer=lowprio.lower_this_thread,
            )  # fmt: skip
        return self._pool

    async def fetch(
        self, urls: list[str], headers: dict[str, str] | None = None
    ) -> list[tuple[int, bytes] | BoxError]:
        """Each URL's (HTTP status, body), or the BoxError that ended it, in order."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor(), self._fetch_all, urls, headers or {})

    def _fetch_all(
        self, urls: list[str], headers: dict[str, str]
    ) -> list[tuple[int, bytes] | BoxError]:
        out: list[tuple[int, bytes] | BoxError] = []
        for url in urls:
            try:
                out.append(self._get(url, headers))
            except BoxError as exc:
                out.append(exc)
        return out

    def _take(self, where: tuple[str, int]) -> http.client.HTTPConnection | None:
        with self._lock:
            idle = self._idle.get(where)
            return idle.pop() if idle else None

    def _give_back(self, where: tuple[str, int], conn: http.client.HTTPConnection) -> None:
        with self._lock:
            if not self._closed:
                self._idle.setdefault(where, []).append(conn)
                return
        conn.close()

    def _get(self, url: str, headers: dict[str, str]) -> tuple[int, bytes]:
        parts = urlsplit(url)
        where = (parts.hostname or "", parts.port or 80)
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        while True:
            conn = self._take(where)
            reused = conn is not None
            if conn is None:
                conn = http.client.HTTPConnection(*where, timeout=self.timeout)
            try:
                conn.request("GET", target, headers=headers)
                response = conn.getresponse()
                data = self._read(conn, response, time.monotonic() + self.timeout)
            except TimeoutError:
                conn.close()
                raise BoxError("timeout", f"{url}: no answer within {self.timeout:g} s") from None
            except (OSError, http.client.HTTPException) as exc:
                conn.close()
                if reused:  # the box closed a kept-alive connection meanwhile: a new one
                    continue
                raise BoxError("unreachable", f"{url}: {exc}") from None
            if response.will_close:
                conn.close()
            else:
                self._give_back(where, conn)
            return response.status, data

    def _read(
        self, conn: http.client.HTTPConnection, response: http.client.HTTPResponse, deadline: float
    ) -> bytes:
        """The body, within ``timeout`` in all: a box trickling bytes must not hold a thread."""
        chunks: list[bytes] = []
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError
            if conn.sock is not None:
                conn.sock.settimeout(min(left, self.timeout))
            chunk = response.read1(CHUNK)
            chunks.append(chunk)
            if not chunk or response.length == 0:
                break
        if not response.isclosed():
            response.close()  # all read: the connection takes the next request
        if conn.sock is not None:
            conn.sock.settimeout(self.timeout)  # the next request's own
        return b"".join(chunks)

    def release(self, host: str) -> None:
        """Close the idle connections to ``host`` (its backfill ended)."""
        with self._lock:
            gone = [c for where in list(self._idle) if where[0] == host
                    for c in self._idle.pop(where)]  # fmt: skip
        for conn in gone:
            conn.close()

    def close(self) -> None:
        """Stop the threads and close every connection (one in use closes when given back)."""
        with self._lock:
            self._closed = True
            gone = [c for conns in self._idle.values() for c in conns]
            self._idle.clear()
        for conn in gone:
            conn.close()
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None
