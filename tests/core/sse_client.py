"""A small blocking server-sent-events reader for tests (frames, comments, ids)."""

from __future__ import annotations

import contextlib
import http.client
import json
import socket
import struct
import time
from dataclasses import dataclass
from typing import Any


@dataclass
class Frame:
    event: str
    data: Any
    id: str | None


class SseReader:
    """``GET /api/stream`` over a real socket; ``next()`` returns the next frame."""

    def __init__(
        self,
        port: int,
        *,
        last_event_id: str | None = None,
        host: str = "127.0.0.1",
        path: str = "/api/stream",
        timeout: float = 10.0,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.conn = http.client.HTTPConnection(host, port, timeout=timeout)
        sent = dict(headers or {})
        if last_event_id is not None:
            sent["Last-Event-ID"] = last_event_id
        self.conn.request("GET", path, headers=sent)
        self.response = self.conn.getresponse()
        self.status = self.response.status
        self.comments: list[str] = []
        self.last_id: str | None = last_event_id

    def next(self, timeout: float = 10.0) -> Frame:
        """The next frame (comments are collected in ``comments``); raises on timeout/EOF."""
        deadline = time.monotonic() + timeout
        event, data, fid = "message", [], None
        while True:
            if time.monotonic() > deadline:
                raise TimeoutError("no frame in time")
            line = self.response.fp.readline()
            if not line:
                raise EOFError("stream ended")
            text = line.decode("utf-8").rstrip("\n")
            if text == "":
                if data or fid is not None or event != "message":
                    if fid is not None:
                        self.last_id = fid
                    return Frame(event, json.loads("\n".join(data)) if data else None, fid)
                continue
            if text.startswith(":"):
                self.comments.append(text[1:].strip())
                continue
            name, _, value = text.partition(":")
            value = value[1:] if value.startswith(" ") else value
            if name == "event":
                event = value
            elif name == "data":
                data.append(value)
            elif name == "id":
                fid = value

    def frames(self, count: int, timeout: float = 10.0) -> list[Frame]:
        return [self.next(timeout) for _ in range(count)]

    def until(self, event: str, timeout: float = 10.0) -> list[Frame]:
        """Frames up to and including the first ``event`` frame."""
        out = []
        while True:
            f = self.next(timeout)
            out.append(f)
            if f.event == event:
                return out

    def drop(self) -> None:
        """Cut the connection abruptly (as a network failure would)."""
        sock = self.response.fp.raw._sock if hasattr(self.response.fp, "raw") else None
        if isinstance(sock, socket.socket):
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close()

    def close(self) -> None:
        try:
            self.response.close()
        finally:
            self.conn.close()
