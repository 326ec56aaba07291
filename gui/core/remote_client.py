"""The HTTP client of a window attached to a remote receiver (``gatewatch --connect``).

One ``aiohttp`` session, opened and used on the attached core's own asyncio
loop only (an aiohttp session belongs to one loop; worker threads reach it
through ``asyncio.run_coroutine_threadsafe``, never ``asyncio.run``). Every
answer the server refuses becomes a ``RemoteError`` carrying the status and
the server's own message (its JSON error shape), so the window can say
"wrong token" instead of a traceback; a server that cannot be reached at all
is ``Unreachable``.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import ssl
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import aiohttp

#: The receiver's conventional ports, used when a typed address names none: the
#: plain one, and the API over TLS (``--tls-port``) for https.
DEFAULT_PORT = 9528
DEFAULT_TLS_PORT = 9529
#: One read may take this long (a big export page, a photo over a slow LAN).
READ_TIMEOUT = 30.0
#: Connecting may take this long before the server counts as unreachable.
CONNECT_TIMEOUT = 5.0


class BadServerAddress(ValueError):
    """What was typed as the server is not an http(s) address."""


class RemoteError(Exception):
    """The server answered with an error (``status``) or could not be reached (0)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class Unreachable(RemoteError):
    """No answer: the server is down, the address is wrong, or the network is."""

    def __init__(self, message: str) -> None:
        super().__init__(0, message)


class ClientClosed(RemoteError):
    """The client was closed (its window is closing): no request is made any more."""

    def __init__(self) -> None:
        super().__init__(0, "the connection to the server is closed")


def normalize_url(text: str) -> str:
    """``server``, ``server:9528``, ``https://server`` -> ``scheme://host:port`` (no path).

    No scheme means ``http`` (what a receiver speaks unless it was given a
    certificate); no port means 9528 for http and 9529 (the API over TLS) for https.
    """
    text = text.strip()
    if not text:
        raise BadServerAddress("type the server's address, e.g. https://server:9528")
    if "://" not in text:
        text = "http://" + text
    parts = urlsplit(text)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise BadServerAddress(f"{parts.scheme}:// is not supported: use http:// or https://")
    if not parts.hostname:
        raise BadServerAddress(f"{text!r} names no server")
    try:
        port = parts.port or (DEFAULT_TLS_PORT if scheme == "https" else DEFAULT_PORT)
    except ValueError:
        raise BadServerAddress(f"{text!r} has a port that is not a number (1-65535)") from None
    host = parts.hostname
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    return urlunsplit((scheme, f"{host}:{port}", "", "", ""))


@dataclass(frozen=True)
class RemoteServer:
    """Where an attached window reads from, and how it proves who it is."""

    url: str
    token: str | None = None
    #: SHA-256 of the server's certificate the user accepted (self-signed servers).
    pinned_sha256: str | None = None

    @classmethod
    def parse(
        cls, text: str, token: str | None = None, pinned_sha256: str | None = None
    ) -> RemoteServer:
        return cls(normalize_url(text), (token or "").strip() or None, pinned_sha256 or None)

    @property
    def secure(self) -> bool:
        return self.url.startswith("https://")

    @property
    def host_port(self) -> tuple[str, int]:
        parts = urlsplit(self.url)
        return str(parts.hostname), int(parts.port or DEFAULT_PORT)

    @property
    def where(self) -> str:
        """``host:port``: how certificate pins are keyed (``gui.core.pinning.pin_key``)."""
        host, port = self.host_port
        return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"

    def with_pin(self, pin: str | None) -> RemoteServer:
        return RemoteServer(self.url, self.token, pin or None)


def _ssl_for(server: RemoteServer) -> ssl.SSLContext | bool | aiohttp.Fingerprint:
    """Normal verification, or the pinned certificate (a self-signed one) for https."""
    if not server.secure:
        return True  # (not used for http://)
    if server.pinned_sha256:
        # Exactly the certificate the user accepted (self-signed: no authority to ask).
        from gui.core.pinning import PREFIX, parse_pin

        return aiohttp.Fingerprint(bytes.fromhex(parse_pin(server.pinned_sha256)[len(PREFIX) :]))
    return True


def pin_refusal(exc: aiohttp.ServerFingerprintMismatch) -> RemoteError:
    """A pinned server presenting another certificate: refused, both fingerprints named."""
    from gui.core.pinning import PREFIX, PinMismatch, pin_key

    mismatch = PinMismatch(
        pin_key(exc.host, exc.port), PREFIX + exc.expected.hex(), PREFIX + exc.got.hex()
    )
    return RemoteError(495, str(mismatch))


def _message(status: int, body: bytes) -> str:
    """The server's error text (its JSON shape), else a short form of the body."""
    try:
        data = json.loads(body)
        if isinstance(data, dict) and isinstance(data.get("message"), str):
            return str(data["message"])
    except ValueError:
        pass
    text = body[:200].decode("utf-8", "replace").strip()
    return text or f"HTTP {status}"


#: A TLS connection aiohttp closes on its own (a refused pin) waits for the server's
#: close_notify; on Python before 3.12.8 one the server never answers stays open past
#: the loop (CPython gh-118950). Then the connector keeps such connections and aborts
#: them when the session closes (elsewhere aiohttp warns the option is not needed).
_CLEANUP_CLOSED = bool(getattr(aiohttp.connector, "NEEDS_CLEANUP_CLOSED", False))


class RemoteClient:
    """GET/POST against one receiver's ``/api``; open, use and close on one loop."""

    def __init__(self, server: RemoteServer) -> None:
        self.server = server
        self._session: aiohttp.ClientSession | None = None
        self._closed = False

    @property
    def headers(self) -> dict[str, str]:
        if self.server.token:
            return {"Authorization": f"Bearer {self.server.token}"}
        return {}

    @property
    def closed(self) -> bool:
        """Closing or closed: every request fails at once (see ``refuse_requests``)."""
        return self._closed

    def session(self) -> aiohttp.ClientSession:
        """The session, created on first use (on the running loop).

        Raises ``ClientClosed`` once the client is closing: a request arriving then (a
        page refreshing as the window closes) must not open a session nobody closes.
        """
        if self._closed:
            raise ClientClosed()
        if self._session is None:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(enable_cleanup_closed=_CLEANUP_CLOSED),
                headers=self.headers,
                timeout=aiohttp.ClientTimeout(
                    total=None, connect=CONNECT_TIMEOUT, sock_read=READ_TIMEOUT
                ),
            )
        return self._session

    def refuse_requests(self) -> None:
        """From now on every request fails with ``ClientClosed`` (the window is closing)."""
        self._closed = True

    async def close(self) -> None:
        """Close the session; the client takes no request after this (``refuse_requests``).

        Refusing comes first: a request started while the session was closing used to
        find it closed and open a new one, which this method then dropped unclosed
        ("Unclosed client session" when it was collected).
        """
        self.refuse_requests()
        session, self._session = self._session, None
        if session is not None:
            await session.close()
            # aiohttp's sockets close a moment after their session (TLS ones need a short
            # wait, as its docs on graceful shutdown say); a loop stopped sooner leaves
            # their transports unclosed.
            await asyncio.sleep(0.25 if self.server.url.startswith("https") else 0)

    def url(self, path: str) -> str:
        return self.server.url + path

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        body: Any = None,
        timeout: float | None = READ_TIMEOUT,
    ) -> tuple[int, bytes, str]:
        """``(status, body, content type)`` of a 2xx answer; raises RemoteError otherwise."""
        kwargs: dict[str, Any] = {"ssl": _ssl_for(self.server)}
        if params:
            kwargs["params"] = {k: str(v) for k, v in params.items() if v is not None}
        if body is not None:
            kwargs["data"] = json.dumps(body, ensure_ascii=False).encode()
            kwargs["headers"] = {"Content-Type": "application/json"}
        if timeout is not None:
            kwargs["timeout"] = aiohttp.ClientTimeout(
                total=timeout, connect=CONNECT_TIMEOUT, sock_read=timeout
            )
        with _as_remote_failures():
            async with self.session().request(method, self.url(path), **kwargs) as resp:
                data = await resp.read()
                if resp.status >= 400:
                    raise RemoteError(resp.status, _message(resp.status, data))
                return resp.status, data, resp.content_type

    async def open_stream(
        self, path: str, params: Mapping[str, Any] | None = None, *, read_timeout: float | None
    ) -> aiohttp.ClientResponse:
        """A GET whose 2xx body the caller reads in pieces, then ``release()``s.

        The certificate is checked as for every other request (a pinned self-signed
        one too) and failures raise the same ``RemoteError``/``Unreachable``;
        ``read_timeout`` bounds each wait for more bytes (None: no bound).
        """
        kwargs: dict[str, Any] = {
            "ssl": _ssl_for(self.server),
            "timeout": aiohttp.ClientTimeout(
                total=None, connect=CONNECT_TIMEOUT, sock_read=read_timeout
            ),
        }
        if params:
            kwargs["params"] = {k: str(v) for k, v in params.items() if v is not None}
        with _as_remote_failures():
            resp = await self.session().get(self.url(path), **kwargs)
        if resp.status >= 400:
            try:
                data = await resp.read()
            except (TimeoutError, aiohttp.ClientError, OSError):
                data = b""
            finally:
                resp.release()
            raise RemoteError(resp.status, _message(resp.status, data))
        return resp

    async def get_json(
        self, path: str, params: Mapping[str, Any] | None = None, *, timeout: float = READ_TIMEOUT
    ) -> Any:
        _status, data, _ctype = await self.request("GET", path, params=params, timeout=timeout)
        return json.loads(data)

    async def get_json_or_none(
        self, path: str, params: Mapping[str, Any] | None = None
    ) -> Any | None:
        """``get_json``, with None for a 404 (an event retention removed meanwhile)."""
        try:
            return await self.get_json(path, params)
        except RemoteError as exc:
            if exc.status == 404:
                return None
            raise

    async def get_bytes(
        self, path: str, params: Mapping[str, Any] | None = None
    ) -> tuple[bytes, str] | None:
        """``(body, content type)``; None for a 404."""
        try:
            _status, data, ctype = await self.request("GET", path, params=params)
        except RemoteError as exc:
            if exc.status == 404:
                return None
            raise
        return data, ctype

    async def post_json(self, path: str, body: Any = None) -> Any:
        _status, data, _ctype = await self.request("POST", path, body={} if body is None else body)
        return json.loads(data) if data.strip() else None

    async def delete(self, path: str) -> Any:
        _status, data, _ctype = await self.request("DELETE", path)
        return json.loads(data) if data.strip() else None


def describe_os_error(exc: OSError) -> str:
    """``describe_failure`` for a blocking socket's error."""
    import errno
    import socket

    if isinstance(exc, socket.gaierror):
        return "the server's name is not known on this network (check the address)"
    if isinstance(exc, ConnectionRefusedError) or exc.errno == errno.ECONNREFUSED:
        return "nothing answers at that port (is the receiver running? is the port right?)"
    if isinstance(exc, TimeoutError):
        return "no answer in time (a slow network, or a firewall dropping the connection)"
    return f"cannot connect: {exc.strerror or exc}"


def verifies(server: RemoteServer, timeout: float = 10.0) -> bool:
    """Whether ``server``'s certificate passes normal verification (blocking).

    False for a self-signed one: the window then offers to pin it. Other
    failures (down, refused) are raised as ``Unreachable``.
    """
    import socket

    host, port = server.host_port
    ctx = ssl.create_default_context()
    try:
        with (
            socket.create_connection((host, port), timeout=timeout) as sock,
            ctx.wrap_socket(sock, server_hostname=host),
        ):
            return True
    except ssl.SSLCertVerificationError:
        return False
    except OSError as exc:
        raise Unreachable(describe_os_error(exc)) from None


def describe_failure(exc: BaseException, url: str = "") -> str:
    """Plain words for why a server did not answer (the status bar names the server)."""
    import errno
    import socket

    if isinstance(exc, asyncio.TimeoutError | TimeoutError):
        return "no answer in time (a slow network, or a firewall dropping the connection)"
    if isinstance(exc, aiohttp.ClientConnectorError):
        os_error = exc.os_error
        if isinstance(os_error, socket.gaierror):
            return "the server's name is not known on this network (check the address)"
        if isinstance(os_error, ConnectionRefusedError) or os_error.errno == errno.ECONNREFUSED:
            return "nothing answers at that port (is the receiver running? is the port right?)"
        if os_error.errno in (errno.EHOSTUNREACH, errno.ENETUNREACH):
            return "no route to the server (network down, or the address is wrong)"
        return f"cannot connect: {os_error.strerror or os_error}"
    if isinstance(exc, aiohttp.ServerDisconnectedError):
        return "the server closed the connection"
    return f"the connection failed: {exc or type(exc).__name__}"


@contextlib.contextmanager
def _as_remote_failures() -> Iterator[None]:
    """A request's failures as this module's: a refused pin or certificate, or unreachable."""
    try:
        yield
    except RemoteError:
        raise
    except aiohttp.ServerFingerprintMismatch as exc:
        raise pin_refusal(exc) from None
    except aiohttp.ClientSSLError as exc:
        raise RemoteError(495, f"the server's certificate was refused: {exc}") from None
    except (TimeoutError, aiohttp.ClientError, OSError) as exc:
        raise Unreachable(describe_failure(exc)) from None
