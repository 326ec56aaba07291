"""``images.jpeg_size`` answers only where Pillow's JPEG ``open`` gives the same answer.

Every photo of every event is opened before the reply; the plain JPEGs boxes
send are read by our own header walk, everything else by Pillow. These tests
hold the walk to Pillow: on real files of every kind, and on segment streams and
corruptions made up by hypothesis, whenever it answers, Pillow opens the bytes as
a JPEG of that size, and ``decode_image`` gives the same result and warnings.
"""

from __future__ import annotations

import base64
import io
import json
import struct
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from gui.core import images
from gui.core.model import ImageSource
from tests.conftest import SAMPLES_DIR


def _pillow(data: bytes) -> tuple[str, tuple[int, int]] | None:
    """What ``images.open_image`` (Pillow) makes of ``data``: format and size, or None."""
    try:
        im = images.open_image(data)
    except images.ImageError:
        return None
    try:
        return ("JPEG" if im.format == "MPO" else str(im.format)), im.size
    finally:
        im.close()


def _agrees(data: bytes) -> bool:
    """Whether the walk answered; when it did, it must be Pillow's answer."""
    size = images.jpeg_size(data)
    if size is None:
        return False
    assert _pillow(data) == ("JPEG", size)
    return True


def _jpeg(mode: str = "RGB", size: tuple[int, int] = (64, 48), **save: Any) -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, "white" if mode != "CMYK" else (0, 0, 0, 0)).save(out, "JPEG", **save)
    return out.getvalue()


def _sample_photos() -> list[bytes]:
    photos = []
    for path in sorted(SAMPLES_DIR.glob("*.json")):
        event = json.loads(path.read_text(encoding="utf-8"))
        for key in ("spot_pic", "reg_pic", "recognize_face", "register_face"):
            value = event.get(key)
            if isinstance(value, str) and len(value) > 100:
                photos.append(base64.b64decode(value))
    return photos


def test_the_photos_boxes_send_are_read_without_pillow() -> None:
    """The fast path is taken for the samples and what encoders usually write."""
    photos = _sample_photos()
    assert photos
    for data in photos:
        assert _agrees(data)
    assert _agrees(_jpeg())
    assert _agrees(_jpeg("L", (17, 5)))
    assert _agrees(_jpeg(quality=95, optimize=True))
    assert _agrees(_jpeg(progressive=True))
    assert _agrees(_jpeg(size=(1920, 1080), subsampling=0))


@pytest.mark.parametrize(
    "data",
    [
        _jpeg("CMYK"),  # APP14 Adobe: Pillow's
        _jpeg(exif=b"Exif\x00\x00MM\x00*\x00\x00\x00\x08\x00\x00"),
        _jpeg(icc_profile=b"\x00" * 200),
        _jpeg(comment=b"a comment"),
        _jpeg(dpi=(300, 300)),
        _jpeg(restart_marker_blocks=1),
    ],
    ids=["cmyk", "exif", "icc", "comment", "dpi", "restart"],
)
def test_other_jpegs_get_pillows_answer(data: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    _agrees(data)
    source = ImageSource("spot_pic", ("spot_pic",), base64.b64encode(data).decode())
    either = images.decode_image(source)
    monkeypatch.setattr(images, "jpeg_size", lambda _data: None)
    assert images.decode_image(source) == either


def test_what_pillow_refuses_is_never_answered() -> None:
    good = _jpeg()
    sof = good.index(b"\xff\xc0")
    twelve_bit = bytearray(good)
    twelve_bit[sof + 4] = 12
    two_layers = bytearray(good)
    two_layers[sof + 9] = 2
    for data in [
        good[:3],
        good[: sof + 6],  # cut inside the frame header
        good[: good.index(b"\xff\xda")],  # headers, no scan: left to Pillow
        bytes(twelve_bit),
        bytes(two_layers),
        good[:2] + b"\xff\x00" + good[2:],
        b"\xff\xd8\xff\xdb\x00\x10" + b"\x00" * 14 + good[2:],  # short quantisation table
    ]:
        assert images.jpeg_size(data) is None
        _agrees(data)


def test_zero_size_is_pillows_verdict() -> None:
    good = bytearray(_jpeg())
    sof = good.index(b"\xff\xc0")
    good[sof + 5 : sof + 7] = b"\x00\x00"  # height 0
    assert images.jpeg_size(bytes(good)) is None
    assert _pillow(bytes(good)) is None


def test_a_huge_header_is_too_large_either_way(monkeypatch: pytest.MonkeyPatch) -> None:
    data = bytearray(_jpeg())
    sof = data.index(b"\xff\xc0")
    data[sof + 5 : sof + 9] = struct.pack(">HH", 60000, 60000)
    assert images.jpeg_size(bytes(data)) == (60000, 60000)
    source = ImageSource("spot_pic", ("spot_pic",), base64.b64encode(bytes(data)).decode())
    fast = images.decode_image(source)
    monkeypatch.setattr(images, "jpeg_size", lambda _data: None)
    assert images.decode_image(source) == fast
    assert fast[0] is None and fast[1][0].code == "image_too_large"


# -- made-up segment streams ------------------------------------------------------

#: Markers the walk follows, often; and others it must leave to Pillow.
_MARKERS = [0xC0, 0xC0, 0xC0, 0xC2, 0xDE, 0xC4, 0xC4, 0xCC, 0xDB, 0xDB, 0xDD, 0xE0, 0xE0, 0xFE,
            0xC3, 0xC8, 0xD0, 0xD8, 0xD9, 0xDA, 0xE1, 0xE2, 0xEE, 0xF0, 0xFF, 0x00]  # fmt: skip


@st.composite
def _segment(draw: st.DrawFn) -> bytes:
    marker = draw(st.sampled_from(_MARKERS))
    if marker in (0xC0, 0xC1, 0xC2, 0xC3, 0xDE):
        components = draw(st.integers(0, 4))
        payload = bytes(
            [draw(st.sampled_from([8, 8, 8, 12])), *struct.pack(">HH", *draw(
                st.tuples(st.integers(0, 70), st.integers(0, 70)))),
             draw(st.sampled_from([1, 3, 3, 4, 2, components]))]
        ) + bytes(3 * components) + draw(st.sampled_from([b"", b"", b"", b"\x00"]))  # fmt: skip
    elif marker == 0xDB:
        tables = draw(st.lists(st.sampled_from([0, 1, 0x10, 0x11]), max_size=3))
        payload = b"".join(bytes([t]) + bytes(64 if t < 16 else 128) for t in tables)
        payload += draw(st.sampled_from([b"", b"", b"", b"\x00\x01"]))
    elif marker == 0xE0:
        payload = draw(st.sampled_from([b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00",
                                        b"JFIF\x00\x01", b"JFXX\x00", b""]))  # fmt: skip
    else:
        payload = draw(st.binary(max_size=20))
    length = len(payload) + 2 + draw(st.sampled_from([0] * 12 + [-1, 1, -5]))
    return bytes([0xFF, marker]) + struct.pack(">H", max(0, length)) + payload


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_segment(), max_size=5), st.binary(max_size=8), st.booleans())
def test_made_up_headers_agree_with_pillow(segments: list[bytes], tail: bytes, sos: bool) -> None:
    scan = b"\xff\xda\x00\x08\x01\x01\x00\x00\x3f\x00" if sos else b""
    frame = b"\xff\xc0\x00\x0b\x08\x00\x10\x00\x20\x01\x01\x11\x00"  # 32x16, grey
    _agrees(b"\xff\xd8" + b"".join(segments) + scan + tail)
    _agrees(b"\xff\xd8" + frame + b"".join(segments) + scan + tail)


@settings(max_examples=600, deadline=None)
@given(st.integers(0, 10_000), st.integers(0, 255), st.integers(0, 700))
def test_corrupted_real_headers_agree_with_pillow(where: int, byte: int, cut: int) -> None:
    good = _jpeg(size=(40, 30))
    data = bytearray(good)
    data[where % 700 % len(data)] = byte
    _agrees(bytes(data))
    _agrees(bytes(data[: len(data) - cut]))
