"""``json.loads`` for event bodies, without parsing the photos character by character.

An event body is a few KB of fields around a few hundred KB of base64 photos.
``json.loads`` decodes the whole body to ``str`` first — to two bytes per
character as soon as one Chinese name is in it — and then scans and copies
every photo string again. That was most of the receiver's CPU per event on
the event loop (about 1 ms of a 447 KB body).

So long strings that are strict base64 are cut out of the bytes
before parsing (finding them costs a ``bytes.find`` per quote), the small rest
goes through ``json.loads``, and the cut strings are put back as ``str`` (that
also carry their decoded bytes, see ``Base64Text``). The
result is exactly what ``json.loads`` gives: a cut string holds no escapes or
non-ASCII by construction, and any body the cut version cannot parse is parsed
again whole, so errors read as ``json.loads``'s own.

A huge string (a 60 MB history upload) is handled in pieces, so the thread
parsing it never holds the GIL for long and the event loop keeps answering
other boxes: base64 is checked a megabyte at a time (the decoder releases the
GIL), nothing is decoded ahead of need, and the ``str`` is filled by a copy
that runs without the GIL (``_ascii_text``). Making it the plain way — one
60 MB copy, twice for a ``str`` subclass — held the GIL 0.3-0.7 s per upload
on a busy 2-core machine, during which no other request was answered.
"""

from __future__ import annotations

import binascii
import ctypes
import json
import random
import sys
from typing import Any

try:
    import pybase64
except ImportError:  # pragma: no cover - a declared dependency; without it, plain json
    pybase64 = None  # type: ignore[assignment]

#: Strings shorter than this are left to ``json.loads`` (not worth cutting).
MIN_CUT = 1024
#: Strings at least this long are checked and copied in pieces of ``PIECE`` bytes,
#: and become a plain ``str`` whose bytes are decoded only if an image needs them.
HUGE = 1024 * 1024
PIECE = 1024 * 1024

_BACKSLASH = ord("\\")
_PAD = ord("=")

#: Markers' random tags: a PRNG seeded from the OS, because ``os.urandom`` releases
#: the GIL for its system call and the event loop then waits to get it back from
#: the writer thread (a switch interval) on every body.
_tags = random.Random()


def random_tag() -> str:
    """16 random hex digits, to make a marker no body holds by chance."""
    return f"{_tags.getrandbits(64):016x}"


class Base64Text(str):
    """A JSON string that is strict base64, with the bytes it stands for.

    Checking that a string is base64 decodes it anyway, so the image code
    takes ``decoded`` instead of decoding the photo a second time.
    """

    decoded: bytes


def _decode_base64(chunk: bytes | memoryview) -> bytes | None:
    """The bytes of strict base64 (no quote, backslash, control or non-ASCII byte).

    The SIMD decoder checks that faster than any byte-class test Python offers
    (18 µs for 400 KB, ``bytes.translate`` takes 140 µs).
    """
    try:
        return pybase64.b64decode(chunk, validate=True)
    except (binascii.Error, ValueError):
        return None


def is_strict_base64(chunk: bytes | memoryview) -> bool:
    """Whether ``chunk`` is strict base64, checked without holding the GIL.

    Strict base64 holds nothing JSON escapes (no quote, backslash or control
    character), so text that passes needs no escaping either.
    """
    return pybase64 is not None and _decode_base64(chunk) is not None


def _is_base64_in_pieces(view: memoryview) -> bool:
    """Whether a huge string is strict base64, checked ``PIECE`` bytes at a time.

    Pieces are whole quanta (``PIECE`` is a multiple of 4), and only the last may
    end in padding: exactly what strict decoding of the whole accepts. The decoder
    runs without the GIL; the decoded bytes are not kept (an image decodes again).
    """
    end = len(view)
    for at in range(0, end, PIECE):
        piece = view[at : at + PIECE]
        if at + PIECE < end and piece[-1] == _PAD:
            return False
        if _decode_base64(piece) is None:
            return False
    return True


_BodyBytes = bytes | bytearray


def _long_strings(body: _BodyBytes) -> list[tuple[int, int, bytes | None]]:
    """(start, end, decoded) of the content of each long plain-base64 JSON string.

    ``decoded`` is None for huge strings (checked in pieces, decoded when needed).

    Strings that are not strict base64 (escapes, line breaks, bad padding) stay
    in the body for ``json.loads``. Walks the quotes in order: outside strings,
    valid JSON has no quote, and inside one a quote is escaped — so consecutive
    unescaped quotes pair up.
    """
    spans: list[tuple[int, int, bytes | None]] = []
    find = body.find
    view = memoryview(body)  # slices without copying (a photo string can be 60 MB)
    pos = 0
    while True:
        start = find(b'"', pos)
        if start < 0:
            return spans
        end = find(b'"', start + 1)
        while end > 0 and body[end - 1] == _BACKSLASH:
            slashes = 1
            while body[end - 1 - slashes] == _BACKSLASH:
                slashes += 1
            if slashes % 2 == 0:
                break
            end = find(b'"', end + 1)
        if end < 0:
            return spans  # unterminated: json.loads will say so
        length = end - start - 1
        if length >= HUGE:
            if _is_base64_in_pieces(view[start + 1 : end]):
                spans.append((start + 1, end, None))
        elif length >= MIN_CUT:
            decoded = _decode_base64(view[start + 1 : end])
            if decoded is not None:
                spans.append((start + 1, end, decoded))
        pos = end + 1


def _put_back(value: Any, marker: str, cut: list[str]) -> Any:
    """``value`` (fresh from ``json.loads``) with each marker replaced by its cut string.

    Patched in place, walking the containers in a flat loop (no call per value),
    and done as soon as every cut string is back: a photo body's few markers are
    values among its first containers. Keys are looked at only when some marker
    was not found among the values (a photo used as a key).
    """
    if type(value) is str:
        return cut[int(value[len(marker) :])] if value.startswith(marker) else value
    left = len(cut)
    todo = [value]
    for node in todo:  # grows while walked
        if type(node) is dict:
            for key, item in node.items():
                kind = type(item)
                if kind is str:
                    if item.startswith(marker):
                        node[key] = cut[int(item[len(marker) :])]
                        left -= 1
                elif kind is dict or kind is list:
                    todo.append(item)
        else:
            for index, item in enumerate(node):
                kind = type(item)
                if kind is str:
                    if item.startswith(marker):
                        node[index] = cut[int(item[len(marker) :])]
                        left -= 1
                elif kind is dict or kind is list:
                    todo.append(item)
        if not left:
            return value
    for node in todo:  # every container was walked: the rest are keys
        if type(node) is dict and any(key.startswith(marker) for key in node):
            items = list(node.items())
            node.clear()
            for key, item in items:
                if key.startswith(marker):
                    key = cut[int(key[len(marker) :])]
                node[key] = item
    return value


def _address(body: _BodyBytes) -> int:
    """Where ``body``'s bytes are in memory (kept alive by the caller)."""
    if isinstance(body, bytearray):
        return ctypes.addressof(ctypes.c_char.from_buffer(body))
    address = ctypes.cast(ctypes.c_char_p(body), ctypes.c_void_p).value
    assert address is not None
    return address


def _ascii_text_with_gil(body: _BodyBytes, start: int, end: int) -> str:
    return str(memoryview(body)[start:end], "ascii")


def _ascii_text_in_pieces(body: _BodyBytes, start: int, end: int) -> str:
    """``body[start:end]`` (ASCII) as a ``str``, copied ``PIECE`` bytes at a time without the GIL.

    A new compact ASCII ``str`` keeps its characters as one byte each, and
    ``PyUnicode_AsUTF8AndSize`` returns where (its UTF-8 form is its data). Nobody
    else holds the new string while it is filled, and ``ctypes.memmove`` releases
    the GIL for each piece.
    """
    length = end - start
    text = _new_ascii(length, 127)
    target = _utf8_of(text, None)
    source = _address(body) + start
    for at in range(0, length, PIECE):
        ctypes.memmove(target + at, source + at, min(PIECE, length - at))
    return text


def _ascii_text_works() -> bool:
    """Whether the C API calls are there and make the right strings (CPython only)."""
    global _new_ascii, _utf8_of
    if sys.implementation.name != "cpython":
        return False
    try:
        # Own prototypes (PYFUNCTYPE: called with the GIL held, as the C API needs),
        # not attributes set on the shared ``ctypes.pythonapi`` functions.
        new = ctypes.PYFUNCTYPE(ctypes.py_object, ctypes.c_ssize_t, ctypes.c_uint32)
        _new_ascii = new(("PyUnicode_New", ctypes.pythonapi))
        utf8 = ctypes.PYFUNCTYPE(ctypes.c_void_p, ctypes.py_object, ctypes.c_void_p)
        _utf8_of = utf8(("PyUnicode_AsUTF8AndSize", ctypes.pythonapi))
        sample = bytearray(b"x" * 3 + bytes(range(32, 127)) * 3)
        made = _ascii_text_in_pieces(sample, 3, len(sample) - 2)
        plain = _ascii_text_in_pieces(bytes(sample), 3, len(sample) - 2)
    except Exception:
        return False
    expected = sample[3:-2].decode("ascii")
    return made == expected and plain == expected and type(made) is str


_new_ascii: Any = None
_utf8_of: Any = None
_ascii_text = _ascii_text_in_pieces if _ascii_text_works() else _ascii_text_with_gil


def loads(body: _BodyBytes) -> Any:
    """Same value and same errors as ``json.loads(body)``, much faster on photo bodies."""
    if len(body) < 4 * MIN_CUT or pybase64 is None:
        return json.loads(body)
    if json.detect_encoding(body) != "utf-8":
        # UTF-16/32 (and a BOM): a quote byte is not a quote there, and cutting
        # byte ranges out could change characters. Rare enough to parse whole.
        return json.loads(body)
    spans = _long_strings(body)
    if not spans:
        return json.loads(body)
    # The marker cannot occur in the body by chance: a fresh random tag per body
    # (written as the JSON escape of the control character it starts with).
    tag = f"cut-{random_tag()}-"
    marker = "\x1f" + tag
    pieces: list[bytes | bytearray] = []
    cut: list[str] = []
    view = memoryview(body)
    previous = 0
    for index, (start, end, decoded) in enumerate(spans):
        pieces.append(body[previous:start])
        pieces.append(f"\\u001f{tag}{index}".encode())
        if decoded is None:  # huge: a plain str, copied without holding the GIL
            cut.append(_ascii_text(body, start, end))
            previous = end
            continue
        text = str.__new__(Base64Text, view[start:end], "ascii")
        text.decoded = decoded
        cut.append(text)
        previous = end
    pieces.append(body[previous:])
    try:
        return _put_back(json.loads(b"".join(pieces)), marker, cut)
    except (ValueError, RecursionError):
        return json.loads(body)  # the caller gets json.loads's own error (or value)
