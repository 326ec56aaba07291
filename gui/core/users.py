"""Named API users: each token belongs to a person and is stored only as a hash.

A token is 32 random bytes. With that much entropy a single SHA-256 is the
right hash (a password hash's slowness guards guessable secrets; nobody guesses
256 random bits), and a leaked database gives away no token. Lookups go by the
hash, so the time a lookup takes says nothing about any stored token; the found
row is compared again with ``hmac.compare_digest`` all the same.

Users live in the database, so every receiver sharing a store knows the same
users, and removing one revokes its token at once everywhere: each request
carrying a token looks it up afresh.

Who acknowledged an alarm over the API is the token's user, never a name the
client sends (see ``Caller``).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol

from aiohttp import web

from gui.core.dbapi import Connection

#: Tokens start with this, so a leaked one is recognisable (and greppable) as ours.
TOKEN_PREFIX = "gw_"
TOKEN_BYTES = 32
MAX_NAME = 64
#: The name recorded for requests carrying the shared ``--api-token`` (not a user).
SHARED_TOKEN_NAME = "api-token"

_BAD_NAME_CHARS = re.compile(r"[\x00-\x1f\x7f]")


class UserError(ValueError):
    """A user name that cannot be used, or a user that does (not) exist; one line."""


@dataclass(frozen=True)
class User:
    name: str
    created_at: int


@dataclass(frozen=True)
class Caller:
    """Who made an API request, as the API guard established it.

    ``via``: ``"user"`` (a named user's token), ``"api-token"`` (the shared
    ``--api-token``), or ``"loopback"`` (this PC, trusted without a token).
    ``name`` is what acknowledgements record; None for loopback, which records
    the name the client sends, else the receiver's operator name.
    """

    via: str
    name: str | None = None

    @property
    def named(self) -> bool:
        """The name comes from a credential, so a name in the request body must not win."""
        return self.name is not None


LOOPBACK = Caller("loopback")

#: Where the API guard leaves the ``Caller`` on the request (``request[CALLER]``);
#: aiohttp before 3.13 has no typed request keys and takes the plain name.
CALLER: Any = getattr(web, "RequestKey", lambda name, _t: name)("gatewatch.caller", Caller)


def caller_of(request: Any) -> Caller:
    """The request's caller; loopback when the guard did not run (tests of bare handlers)."""
    found = request.get(CALLER) if hasattr(request, "get") else None
    return found if isinstance(found, Caller) else LOOPBACK


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(TOKEN_BYTES)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def clean_name(name: str) -> str:
    """A user name as stored: stripped, 1-64 characters, no control characters."""
    name = name.strip()
    if not name:
        raise UserError("a user name cannot be empty")
    if len(name) > MAX_NAME:
        raise UserError(f"a user name is at most {MAX_NAME} characters")
    if _BAD_NAME_CHARS.search(name):
        raise UserError("a user name cannot contain control characters")
    if name.lower() == SHARED_TOKEN_NAME:
        raise UserError(f"{SHARED_TOKEN_NAME!r} is the name recorded for the shared --api-token")
    return name


# -- on a connection (the writer's, a reader's, or the users command's) -------------------


def add_user(conn: Any, name: str, at_ms: int | None = None) -> str:
    """Create ``name`` and return its token: the only time the token exists in clear.

    Portable SQL (SQLite and PostgreSQL): a name taken already is no row returned.
    """
    name = clean_name(name)
    token = new_token()
    at = at_ms if at_ms is not None else time.time_ns() // 1_000_000
    added = conn.execute(
        "INSERT INTO users (name, token_hash, created_at) VALUES (?, ?, ?)"
        " ON CONFLICT (name) DO NOTHING RETURNING name",
        (name, hash_token(token), at),
    ).fetchall()
    if not added:
        raise UserError(f"user {name!r} exists already (remove it first to issue a new token)")
    return token


def remove_user(conn: Any, name: str) -> None:
    """Delete ``name``: its token stops working with the next request, on every receiver."""
    cur = conn.execute("DELETE FROM users WHERE name = ?", (name.strip(),))
    if cur.rowcount == 0:
        raise UserError(f"no user {name.strip()!r}")


def list_users(conn: Any) -> list[User]:
    rows = conn.execute("SELECT name, created_at FROM users ORDER BY name").fetchall()
    return [User(str(r[0]), int(r[1])) for r in rows]


def user_for_token(conn: Any, token: str) -> str | None:
    """The user whose token this is, or None."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    digest = hash_token(token)
    row = conn.execute("SELECT name, token_hash FROM users WHERE token_hash = ?", (digest,))
    found = row.fetchone()
    if found is None or not hmac.compare_digest(str(found[1]), digest):
        return None
    return str(found[0])


# -- for the API guard --------------------------------------------------------------------


class _Reads(Protocol):
    def read(self, fn: Callable[[Connection], Any]) -> Awaitable[Any]: ...


TokenLookup = Callable[[str], Awaitable[str | None]]


def token_lookup(store: _Reads) -> TokenLookup:
    """An async token -> user name lookup over ``store`` (fresh on every call: no cache)."""

    async def lookup(token: str) -> str | None:
        if not token.startswith(TOKEN_PREFIX):
            return None
        return await store.read(lambda conn: user_for_token(conn, token))

    return lookup


def same_secret(given: str, expected: str) -> bool:
    """Constant-time comparison of a presented secret with the configured one."""
    return hmac.compare_digest(given.encode("utf-8", "surrogatepass"), expected.encode("utf-8"))
