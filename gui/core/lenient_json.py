"""Event bodies that ``json.loads`` reads but SQLite and ``str.encode`` refuse, made storable.

A box retries a 5xx forever and a 4xx never: an event that cannot be stored
either blocks the box's whole upload queue or is lost. So whatever a box
sends that is almost JSON is read, and every value that cannot be stored as
it is gets a storable stand-in and a warning:

- lone surrogates (``"\\ud800"`` escapes, raw ``ED A0 80`` bytes) -> U+FFFD;
- bytes that are not UTF-8 inside a UTF-8 body (GBK names from old firmware)
  -> decoded as GB18030 when that reads them, else U+FFFD;
- ``NaN``, ``Infinity``, ``1e999`` and integers longer than Python converts
  -> null;
- containers nested deeper than :data:`MAX_DEPTH` -> null.

Two values come out: ``clean`` (what the normaliser, the columns and the
device tables see) and ``raw`` (what ``/raw`` gives back: the original, with
only what JSON itself cannot hold written as text — numbers as their digits
or ``"NaN"``, too-deep containers as their JSON text). Strings in ``raw`` keep
their surrogates; :func:`dumps` writes them as ``\\uXXXX`` escapes.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from json.encoder import encode_basestring as _escape
from typing import Any

from gui.core import json_body
from gui.core import warnings as W

#: Deeper containers are not events: they are dropped from the clean value.
MAX_DEPTH = 64
#: Integers longer than this stay text (Python refuses to convert beyond 4300 digits).
MAX_INT_DIGITS = 4000

UNSTORABLE_TEXT = W.UNSTORABLE_TEXT
LEGACY_ENCODING = W.LEGACY_ENCODING
NUMBER_OUT_OF_RANGE = W.NUMBER_OUT_OF_RANGE
NESTED_TOO_DEEP = W.NESTED_TOO_DEEP


@dataclass(frozen=True, slots=True)
class Note:
    """One value that was replaced: ``path`` is its place in the body (keys and indexes)."""

    code: str
    path: tuple[str | int, ...]
    detail: str = ""


@dataclass
class Lenient:
    """A parsed body: the storable value, the value as received, and what was replaced."""

    clean: Any
    raw: Any
    notes: list[Note] = field(default_factory=list)

    def notes_under(self, index: int | None) -> list[Note]:
        """The notes of one element of an array body (``None``: the whole body)."""
        if index is None:
            return list(self.notes)
        return [Note(n.code, n.path[1:], n.detail) for n in self.notes if n.path[:1] == (index,)]


class _BigInt(str):
    """The digits of an integer too long to convert (kept as text)."""


def _lenient_int(digits: str) -> int | str:
    if len(digits.lstrip("-")) > MAX_INT_DIGITS:
        return _BigInt(digits)
    return int(digits)


def _decode(body: bytes | bytearray) -> str:
    """The body as text; bytes that are not UTF-8 become surrogate escapes (recoverable)."""
    encoding = json.detect_encoding(body)
    if encoding.startswith("utf-8"):
        return body.decode(encoding, "surrogateescape")
    return body.decode(encoding, "surrogatepass")


def loads(body: bytes | bytearray) -> Lenient:
    """Parse ``body`` like ``json.loads``, and make every value storable.

    Raises ``ValueError`` (or ``RecursionError``) only for what is not JSON at all.
    """
    try:
        value = json_body.loads(body)
    except UnicodeDecodeError:
        value = json.loads(_decode(body), parse_int=_lenient_int)
    except ValueError as exc:
        if "integer string conversion" not in str(exc):
            raise
        value = json.loads(_decode(body), parse_int=_lenient_int)
    return sanitise(value)


def sanitise(value: Any) -> Lenient:
    """``clean`` and ``raw`` of an already parsed value (form fields too)."""
    if _storable_as_is(value):
        return Lenient(value, value)
    notes: list[Note] = []
    clean, raw = _walk(value, (), notes)
    return Lenient(clean, raw, notes)


#: Values ``_walk`` keeps as they are, whatever they hold.
_KEPT = frozenset({int, bool, type(None)})


def _storable_as_is(value: Any) -> bool:
    """Whether ``_walk`` would change nothing in ``value`` (what nearly every body is).

    One flat pass, a level of nesting at a time, with no call per value: the
    walk itself costs a call per value and builds a path for each. Anything
    unusual (a type other than JSON's own, a non-ASCII string that may not
    encode, a float that is not finite, nesting at ``MAX_DEPTH``) says no,
    and the walk decides.
    """
    texts: list[str] = []
    level: list[Any] = [[value]]  # the root, as the item of a list above it
    depth = -1
    while level:
        deeper: list[Any] = []
        for node in level:
            if type(node) is dict:
                try:
                    texts.append("".join(node))
                except TypeError:  # a key that is not text
                    return False
                items: Any = node.values()
            else:
                items = node
            for item in items:
                kind = type(item)
                if kind is str:
                    texts.append(item)
                elif kind is dict or kind is list:
                    deeper.append(item)
                elif kind is float:
                    if not math.isfinite(item):
                        return False
                elif kind not in _KEPT and kind is not json_body.Base64Text:
                    return False
        depth += 1
        if deeper and depth >= MAX_DEPTH:
            return False
        level = deeper
    if all(map(str.isascii, texts)):
        return True
    try:
        for text in texts:
            if not text.isascii():
                text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _walk(value: Any, path: tuple[str | int, ...], notes: list[Note]) -> tuple[Any, Any]:
    if isinstance(value, str):
        if isinstance(value, _BigInt):
            notes.append(Note(NUMBER_OUT_OF_RANGE, path, f"{len(value)}-digit integer"))
            return None, str(value)
        if value.isascii():
            return value, value
        return _text(value, path, notes), value
    if isinstance(value, float):
        if math.isfinite(value):
            return value, value
        notes.append(Note(NUMBER_OUT_OF_RANGE, path, repr(value)))
        return None, {"nan": "NaN", "inf": "Infinity", "-inf": "-Infinity"}[repr(value)]
    if isinstance(value, dict | list):
        if len(path) >= MAX_DEPTH:
            notes.append(Note(NESTED_TOO_DEEP, path, f"over {MAX_DEPTH} levels"))
            return None, _as_text(value)
        if isinstance(value, list):
            return _walk_list(value, path, notes)
        return _walk_dict(value, path, notes)
    return value, value


def _walk_list(value: list[Any], path: tuple[str | int, ...], notes: list[Note]) -> tuple[Any, Any]:
    clean: list[Any] | None = None
    raw: list[Any] | None = None
    for index, item in enumerate(value):
        c, r = _walk(item, (*path, index), notes)
        if c is not item and clean is None:
            clean = value[:index]
        if r is not item and raw is None:
            raw = value[:index]
        if clean is not None:
            clean.append(c)
        if raw is not None:
            raw.append(r)
    return (value if clean is None else clean), (value if raw is None else raw)


def _walk_dict(
    value: dict[str, Any], path: tuple[str | int, ...], notes: list[Note]
) -> tuple[Any, Any]:
    clean: dict[str, Any] | None = None
    raw: dict[str, Any] | None = None
    for position, (key, item) in enumerate(value.items()):
        clean_key = key
        if not key.isascii():
            clean_key = _text(key, (*path, key), notes)
        c, r = _walk(item, (*path, clean_key), notes)
        if (c is not item or clean_key is not key) and clean is None:
            clean = dict(list(value.items())[:position])
        if r is not item and raw is None:
            raw = dict(list(value.items())[:position])
        if clean is not None:
            clean[clean_key] = c
        if raw is not None:
            raw[key] = r
    return (value if clean is None else clean), (value if raw is None else raw)


_ESCAPED_RUN = re.compile("[\udc80-\udcff]+")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _text(value: str, path: tuple[str | int, ...], notes: list[Note]) -> str:
    """``value`` if it can be encoded, else its storable stand-in (and a note).

    Runs of bytes that were not UTF-8 (``surrogateescape``) are read as GB18030,
    the superset of GBK that old firmware writes names in; what that cannot
    read either, and lone surrogates, become U+FFFD.
    """
    try:
        value.encode("utf-8")
        return value
    except UnicodeEncodeError:
        pass
    legacy = failed = False

    def from_legacy(match: re.Match[str]) -> str:
        nonlocal legacy, failed
        data = match.group().encode("utf-8", "surrogateescape")
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            failed = True
            return data.decode("gb18030", "replace")
        legacy = True
        return text

    text = _ESCAPED_RUN.sub(from_legacy, value)
    text, lone = _SURROGATE.subn("\ufffd", text)
    if legacy:
        notes.append(Note(LEGACY_ENCODING, path, "GBK"))
    if lone or failed:
        notes.append(Note(UNSTORABLE_TEXT, path, "lone surrogate or undecodable bytes"))
    return text


def _as_text(value: Any) -> str:
    try:
        return dumps(value)
    except (RecursionError, ValueError):
        return "<nested too deep>"


def dumps(value: Any, **kwargs: Any) -> str:
    """JSON text of a value that may hold lone surrogates: those as ``\\uXXXX`` escapes.

    Never writes ``NaN``/``Infinity`` (not JSON): non-finite numbers become null.
    The text is always encodable as UTF-8.
    """
    return dumps_bytes(value, **kwargs).decode("utf-8")


def dumps_bytes(value: Any, **kwargs: Any) -> bytes:
    """UTF-8 of :func:`dumps` (the usual case costs one ``json.dumps`` and one encode)."""
    try:
        text = json.dumps(value, ensure_ascii=False, allow_nan=False, **kwargs)
    except ValueError:
        value = _finite_only(value)
        text = json.dumps(value, ensure_ascii=False, allow_nan=False, **kwargs)
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(value, ensure_ascii=True, allow_nan=False, **kwargs).encode("ascii")


#: ASCII strings at least this long (base64 photos and blobs, mostly) are spliced
#: into the JSON text by :func:`dumps_pieces` instead of going through the encoder,
#: which holds the GIL for the whole string (about 2 s for a 60 MB one on a 2-core VM).
SPLICE_MIN = 64 * 1024
#: Spliced strings are encoded in pieces this large, so other threads get the GIL between them.
SPLICE_PIECE = 1024 * 1024


def dumps_pieces(value: Any, **kwargs: Any) -> tuple[int, list[bytes | str]]:
    """:func:`dumps_bytes` of ``value`` as pieces to write or compress one after the other.

    Returns the total length and the pieces (``bytes``; ``str`` ones are encoded as
    ASCII by whoever writes them). A strict base64 string cut out by the parser
    (``json_body.Base64Text``), or a piece that is strict base64, needs no
    escaping; any other long ASCII string is escaped piece by piece (JSON escapes
    one character at a time, so the pieces join to the whole string's escape).
    Whoever writes them never holds the GIL for a whole long string at once.
    """
    if not _has_long(value):
        text = dumps_bytes(value, **kwargs)
        return len(text), [text]
    long_strings: list[str] = []
    tag = f"\x1fsplice-{json_body.random_tag()}-"
    text = dumps_bytes(_cut_long(value, long_strings, tag), **kwargs)
    pieces: list[bytes | str] = []
    rest = text
    total = len(text)
    for index, long in enumerate(long_strings):
        marker = dumps_bytes(f"{tag}{index}")[1:-1]
        at = rest.index(marker)
        pieces.append(rest[:at])
        rest = rest[at + len(marker) :]
        known_clean = type(long) is json_body.Base64Text
        for i in range(0, len(long), SPLICE_PIECE):
            chars = long[i : i + SPLICE_PIECE]
            piece = chars.encode("ascii")
            # A piece of base64 (a blob the parser did not keep as Base64Text) needs no
            # escapes, and the check runs without the GIL; other text is scanned, which
            # held it ~2 ms per megabyte.
            if not known_clean and not json_body.is_strict_base64(piece) and _needs_escape(chars):
                piece = _escape(chars)[1:-1].encode("ascii")
            pieces.append(piece)
            total += len(piece)
        total -= len(marker)
    pieces.append(rest)
    return total, pieces


def _needs_escape(ascii_text: str) -> bool:
    """Whether JSON escapes any character of an ASCII string (three scans, no copy)."""
    return not ascii_text.isprintable() or '"' in ascii_text or "\\" in ascii_text


def _is_long(value: Any) -> bool:
    return isinstance(value, str) and len(value) >= SPLICE_MIN and value.isascii()


def _has_long(value: Any) -> bool:
    """Whether a long ASCII string is anywhere in ``value`` (a flat walk: no call per node)."""
    todo = [value]
    texts: list[str] = []
    for item in todo:  # grows while walked
        kind = type(item)
        if kind is dict:
            todo += item.values()
        elif kind is list:
            todo += item
        elif kind is str or (kind not in _KEPT and kind is not float and isinstance(item, str)):
            texts.append(item)
    if max(map(len, texts), default=0) < SPLICE_MIN:
        return False
    return any(len(text) >= SPLICE_MIN and text.isascii() for text in texts)


def _cut_long(value: Any, out: list[str], tag: str) -> Any:
    """``value`` with each long ASCII string replaced by a marker (containers copied)."""
    if _is_long(value) and not isinstance(value, _BigInt):
        out.append(value)
        return f"{tag}{len(out) - 1}"
    if isinstance(value, dict):
        return {k: _cut_long(v, out, tag) for k, v in value.items()}
    if isinstance(value, list):
        return [_cut_long(v, out, tag) for v in value]
    return value


def _finite_only(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite_only(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite_only(v) for v in value]
    return value
