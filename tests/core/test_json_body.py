"""``json_body.loads`` gives exactly what ``json.loads`` gives: same values, same errors."""

from __future__ import annotations

import base64
import json
import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gui.core import json_body
from tests.conftest import SAMPLES_DIR


def _same(body: bytes) -> None:
    try:
        expected = json.loads(body)
    except (ValueError, RecursionError) as exc:
        with pytest.raises(type(exc)):
            json_body.loads(body)
        return
    got = json_body.loads(body)
    assert repr(got) == repr(expected)  # NaN != NaN, but its repr is the same
    assert json.dumps(got, ensure_ascii=False) == json.dumps(expected, ensure_ascii=False)


def _b64(size: int) -> str:
    return base64.b64encode(os.urandom(size)).decode()


PHOTO = _b64(6000)


@pytest.mark.parametrize("path", sorted(SAMPLES_DIR.glob("*.json")), ids=lambda p: p.name)
def test_every_sample(path) -> None:
    _same(path.read_bytes())


def test_the_photo_strings_are_cut_out_of_the_parse() -> None:
    """What makes it fast: the long strings never reach json.loads."""
    body = json.dumps({"name": "张三", "spot_pic": PHOTO, "reg_pic": PHOTO[:-8]}).encode()
    spans = json_body._long_strings(body)
    assert [body[s:e].decode() for s, e, _ in spans] == [PHOTO, PHOTO[:-8]]
    _same(body)


@pytest.mark.parametrize(
    "body",
    [
        # an escaped quote and escaped backslashes before a photo
        f'{{"a": "x\\"y\\\\", "p": "{PHOTO}"}}',
        f'{{"a": "\\\\\\"", "p": "{PHOTO}", "b": "\\\\"}}',
        # a photo as a key, in arrays, nested, twice
        f'{{"{PHOTO}": 1, "l": ["{PHOTO}", {{"q": "{PHOTO}"}}]}}',
        # escaped slashes and line-wrapped base64: stays with json.loads
        '{{"p": "{}"}}'.format(PHOTO.replace("/", "\\/")),
        '{{"p": "{}"}}'.format("\\n".join(PHOTO[i : i + 76] for i in range(0, len(PHOTO), 76))),
        # a data URL prefix, padding in the middle, a string that only looks long
        f'{{"p": "data:image/jpeg;base64,{PHOTO}"}}',
        f'{{"p": "{PHOTO[:4000]}=={PHOTO[:4000]}"}}',
        # a string that merely contains a marker-like prefix
        f'{{"m": "\\u001fcut-0000000000000000-0", "p": "{PHOTO}"}}',
        # batches
        json.dumps([{"i": i, "p": PHOTO} for i in range(5)]),
    ],
)
def test_valid_bodies(body: str) -> None:
    _same(body.encode())


@pytest.mark.parametrize(
    "body",
    [
        # a raw line break inside a photo: invalid JSON, and must stay so
        f'{{"p": "{PHOTO}\n{PHOTO}"}}',
        # base64 characters outside any string, between two strings
        f'{{"a": "b"{PHOTO}"c": 1}}',
        f'["x"{PHOTO}"]',
        # unterminated
        f'{{"p": "{PHOTO}',
        f'{{"p": "{PHOTO}"',
        f'{{"p": "{PHOTO}", }}',
        f'{{"p": {PHOTO}}}',
        "NaN" + " " * 5000,
    ],
)
def test_invalid_bodies_fail_like_json_loads(body: str) -> None:
    _same(body.encode())


def test_other_encodings_and_bom() -> None:
    value = {"name": "李四", "p": PHOTO}
    _same(json.dumps(value).encode("utf-16"))
    _same(b"\xef\xbb\xbf" + json.dumps(value).encode())
    _same(json.dumps(value, ensure_ascii=False).encode())


def test_deep_nesting_behaves_like_json_loads() -> None:
    _same((f'{{"p": "{PHOTO}", "d": ' + "[" * 5000 + "]" * 5000 + "}").encode())
    _same(("[" * 400 + f'"{PHOTO}"' + "]" * 400).encode())


_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**80), max_value=2**80)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20)
    | st.sampled_from([PHOTO, PHOTO[:1100], PHOTO[:1023], _b64(900), PHOTO + "="])
)
_values = st.recursive(
    _scalars,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(max_size=8) | st.sampled_from([PHOTO[:1200]]), inner, max_size=4)
    ),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(_values, st.booleans(), st.sampled_from([None, 1, 2]))
def test_any_json_value(value, ascii_only: bool, indent) -> None:
    _same(json.dumps(value, ensure_ascii=ascii_only, indent=indent).encode())


@settings(max_examples=300, deadline=None)
@given(_values, st.integers(min_value=0, max_value=10_000), st.sampled_from(list(b'"\\\n,:[]{} x')))
def test_any_corrupted_body(value, where: int, byte: int) -> None:
    """One byte changed anywhere: still json.loads's answer, value or error."""
    body = bytearray(json.dumps({"p": PHOTO, "v": value}).encode())
    where %= len(body)
    body[where] = byte
    _same(bytes(body))


@pytest.mark.parametrize(
    "before",
    ['"x\\"y\\\\"', '"\\\\\\""', '"\\\\"', '"a\\\\\\\\"', '"\\"\\"\\""', '"\\u0022"'],
)
def test_escaped_quotes_before_a_photo_do_not_hide_it(before: str) -> None:
    body = f'{{"a": {before}, "p": "{PHOTO}", "b": {before}}}'.encode()
    spans = json_body._long_strings(body)
    assert [body[s:e].decode() for s, e, _ in spans] == [PHOTO]
    _same(body)


def test_cut_photos_carry_their_bytes_and_decode_the_same() -> None:
    """The image code takes the bytes decoded while parsing; they must be the photo's."""
    from gui.core import images, protocol

    raw = (SAMPLES_DIR / "employee_match.json").read_bytes()
    fast = protocol.normalise(json_body.loads(raw), received_at=0)
    slow = protocol.normalise(json.loads(raw), received_at=0)
    assert fast.images and len(fast.images) == len(slow.images)
    for a, b in zip(fast.images, slow.images, strict=True):
        assert isinstance(a.text, json_body.Base64Text)
        assert a.text.decoded == base64.b64decode(b.text)
        assert images.decode_image(a) == images.decode_image(b)


HUGE = json_body.HUGE


@pytest.mark.parametrize(
    "huge",
    [
        "QUJD" * (HUGE // 4 + 300_000),  # a few pieces, the last one short
        "QUJD" * (2 * json_body.PIECE // 4) + "QQ==",  # padding at the very end
        "QUJD" * (json_body.PIECE // 4 - 1) + "QQ==" + "QUJD" * 300_000,  # padding ends a piece
        "QUJD" * (HUGE // 4 + 10) + "Q",  # not a whole quantum
        "QUJD" * (HUGE // 4 + 10) + "\\/QUJD",  # an escape: stays with json.loads
        "QUJD" * (json_body.PIECE // 4) + "QU!D" + "QUJD" * 1000,  # bad byte in the 2nd piece
    ],
    ids=["pieces", "padded", "padding-mid", "partial", "escaped", "bad-byte"],
)
def test_huge_strings_read_back_the_same(huge: str) -> None:
    """Strings over ``HUGE`` are checked and copied in pieces: same value as json.loads."""
    body = f'{{"a": "x", "blob": "{huge}", "l": ["{PHOTO}"]}}'.encode()
    _same(body)
    _same(bytearray(body))  # a large upload is read into a bytearray
    value = json_body.loads(bytearray(body))
    assert type(value["blob"]) is str or "\\" in huge  # plain str: decoded only when needed


def test_huge_strings_are_filled_without_holding_the_gil() -> None:
    """On CPython the copy into the new str runs piece by piece with the GIL released."""
    import platform

    body = b'{"blob": "' + b"QUJD" * (3 * json_body.PIECE // 4) + b'"}'
    spans = json_body._long_strings(body)
    assert [(s, e, d) for s, e, d in spans] == [(10, len(body) - 2, None)]
    if platform.python_implementation() == "CPython":
        assert json_body._ascii_text is json_body._ascii_text_in_pieces
    text = json_body._ascii_text(body, 10, len(body) - 2)
    assert type(text) is str and text == body[10:-2].decode() and text.isascii()
    assert hash(text) == hash(body[10:-2].decode())


def test_a_huge_photo_decodes_from_the_plain_str() -> None:
    """Its bytes were not kept while parsing: the image code decodes them."""
    from gui.core import images, protocol
    from tests.conftest import load_sample

    event = load_sample("stranger")
    photo = event["spot_pic"]
    padding = base64.b64encode(b"\0" * (HUGE * 3 // 4 + 3000)).decode()
    big = base64.b64encode(base64.b64decode(photo) + base64.b64decode(padding)).decode()
    event["spot_pic"] = big
    body = json.dumps(event).encode()
    fast = protocol.normalise(json_body.loads(body), received_at=0)
    slow = protocol.normalise(json.loads(body), received_at=0)
    assert [type(i.text) for i in fast.images if i.kind == "spot_pic"] == [str]
    for a, b in zip(fast.images, slow.images, strict=True):
        assert images.decode_image(a) == images.decode_image(b)
