"""Tests for gui.core.images: lenient base64, exact re-encoding, header sniffing, thumbnails."""

from __future__ import annotations

import base64
import io
import json
import struct
import time
import tracemalloc
import warnings
import zlib
from pathlib import Path

import pytest
from PIL import Image, ImageFile

from gui.core.images import (
    MAX_PIXELS,
    ImageError,
    ImageTooLarge,
    content_type,
    decode_image,
    describe,
    encode_image,
    make_thumbnail,
)
from gui.core.model import ImageSource

SAMPLES = Path(__file__).resolve().parents[2] / "assets" / "samples"
FACE_BOX = (1272, 66, 1376, 186)


@pytest.fixture(scope="module")
def sample() -> dict:
    return json.loads((SAMPLES / "employee_match.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def spot_b64(sample: dict) -> str:
    return sample["spot_pic"]


@pytest.fixture(scope="module")
def spot_bytes(spot_b64: str) -> bytes:
    return base64.b64decode(spot_b64)


def src(text: str, path: tuple[str, ...] = ("ext_data", "spot_pic")) -> ImageSource:
    return ImageSource(kind="spot_pic", json_path=path, text=text)


def image_bytes(fmt: str, size: tuple[int, int] = (8, 6), colour=(200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, fmt)
    return out.getvalue()


def wrap(text: str, width: int, sep: str, final: bool = False) -> str:
    lines = [text[i : i + width] for i in range(0, len(text), width)]
    return sep.join(lines) + (sep if final else "")


# ----------------------------------------------------------------- round trips


def test_sample_decodes_header(spot_b64: str, spot_bytes: bytes) -> None:
    img, warns = decode_image(src(spot_b64))
    assert warns == []
    assert img is not None
    assert (img.format, img.width, img.height) == ("JPEG", 1920, 1080)
    assert img.data == spot_bytes
    assert img.kind == "spot_pic" and img.json_path == ("ext_data", "spot_pic")
    assert img.encoding == {"prefix": "", "urlsafe": False, "padding_stripped": False}
    assert encode_image(img.data, img.encoding) == spot_b64


@pytest.mark.parametrize(
    "variant",
    [
        "bare",
        "data_url",
        "data_url_upper",
        "wrap76_lf",
        "wrap76_crlf",
        "wrap76_lf_final",
        "wrap64_crlf_final_data_url",
        "wrap_spaces",
        "urlsafe",
        "urlsafe_unpadded",
        "unpadded",
        "unpadded_wrapped",
    ],
)
def test_round_trip_exact(variant: str, spot_bytes: bytes) -> None:
    # Drop one byte so the canonical encoding has padding to strip.
    data = spot_bytes[:-1] if "unpadded" in variant else spot_bytes
    b64 = base64.b64encode(data).decode()
    text = {
        "bare": b64,
        "data_url": "data:image/jpeg;base64," + b64,
        "data_url_upper": "DATA:image/JPEG;BASE64," + b64,
        "wrap76_lf": wrap(b64, 76, "\n"),
        "wrap76_crlf": wrap(b64, 76, "\r\n"),
        "wrap76_lf_final": wrap(b64, 76, "\n", final=True),
        "wrap64_crlf_final_data_url": "data:image/jpeg;base64," + wrap(b64, 64, "\r\n", True),
        "wrap_spaces": wrap(b64, 100, " "),
        "urlsafe": base64.urlsafe_b64encode(data).decode(),
        "urlsafe_unpadded": base64.urlsafe_b64encode(data).decode().rstrip("="),
        "unpadded": b64.rstrip("="),
        "unpadded_wrapped": wrap(b64.rstrip("="), 76, "\n"),
    }[variant]
    if "urlsafe" in variant:
        assert "-" in text or "_" in text  # the sample really exercises the alphabet
    if "unpadded" in variant:
        assert b64.endswith("=")

    img, warns = decode_image(src(text))
    assert warns == []
    assert img is not None and img.data == data
    assert (img.width, img.height) == (1920, 1080)
    assert "lossy" not in img.encoding
    assert encode_image(img.data, img.encoding) == text


def test_encoding_keys_for_wrapped_data_url(spot_bytes: bytes) -> None:
    b64 = base64.b64encode(spot_bytes).decode()
    img, _ = decode_image(src("data:image/jpeg;base64," + wrap(b64, 76, "\r\n")))
    assert img is not None
    assert img.encoding == {
        "prefix": "data:image/jpeg;base64,",
        "urlsafe": False,
        "padding_stripped": False,
        "wrap": 76,
        "sep": "\r\n",
        "final_sep": False,
    }


def test_irregular_layout_is_lossy_but_decodes(spot_bytes: bytes) -> None:
    b64 = base64.b64encode(spot_bytes).decode()
    text = "data:image/jpeg;base64," + b64[:50] + "\n" + wrap(b64[50:], 76, "\n")
    img, warns = decode_image(src(text))
    assert warns == [] and img is not None and img.data == spot_bytes
    assert img.encoding["lossy"] is True
    # Lossy means canonical base64 (keeping the prefix), not the original string.
    assert encode_image(img.data, img.encoding) == "data:image/jpeg;base64," + b64


def test_non_canonical_spare_bits_are_lossy() -> None:
    png = image_bytes("PNG")
    b64 = base64.b64encode(png).decode()
    assert b64.endswith("=")
    # Flip a spare bit in the last significant character: still decodes to the same bytes.
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    stripped = b64.rstrip("=")
    last = alphabet[alphabet.index(stripped[-1]) | 1]
    odd = stripped[:-1] + last + b64[len(stripped) :]
    assert odd != b64 and base64.b64decode(odd) == png
    img, warns = decode_image(src(odd))
    assert warns == [] and img is not None and img.data == png
    assert img.encoding.get("lossy") is True
    assert encode_image(img.data, img.encoding) == b64


def test_encode_image_defaults_to_canonical() -> None:
    assert encode_image(b"\xff\xd8\xff\xe0", {}) == "/9j/4A=="


# ----------------------------------------------------------------- failures


@pytest.mark.parametrize(
    "text",
    [
        "this is not base64!",
        "/9j/4AAQ*kZJRg==",
        "A",  # one lone character cannot encode a byte
        "QUJD=QUJD",  # padding in the middle
        "data:image/jpeg,/9j/4AAQ",  # data URL without ;base64
    ],
)
def test_bad_base64(text: str) -> None:
    img, warns = decode_image(src(text))
    assert img is None
    assert [(w.code, w.field) for w in warns] == [("bad_base64", "ext_data.spot_pic")]
    assert warns[0].message


def test_not_an_image() -> None:
    text = base64.b64encode(b"hello, this is plain text and not a picture").decode()
    img, warns = decode_image(src(text, ("spot_pic",)))
    assert img is None
    assert [(w.code, w.field) for w in warns] == [("undecodable_image", "spot_pic")]


def test_truncated_header_is_undecodable(spot_bytes: bytes) -> None:
    text = base64.b64encode(spot_bytes[:40]).decode()
    img, warns = decode_image(src(text))
    assert img is None and [w.code for w in warns] == ["undecodable_image"]


@pytest.mark.parametrize("text", ["", "   ", "\r\n", "data:image/jpeg;base64,"])
def test_empty_means_no_image(text: str) -> None:
    assert decode_image(src(text)) == (None, [])


# ----------------------------------------------------------------- decompression bombs


def png_claiming(width: int, height: int) -> bytes:
    """A real 1x1 PNG whose IHDR (with a valid CRC) claims ``width`` x ``height``."""
    png = bytearray(image_bytes("PNG", (1, 1)))
    assert png[12:16] == b"IHDR"
    png[16:24] = struct.pack(">II", width, height)
    png[29:33] = struct.pack(">I", zlib.crc32(bytes(png[12:29])))
    return bytes(png)


def jpeg_claiming(width: int, height: int) -> bytes:
    """A real small JPEG whose SOF0 segment claims ``width`` x ``height``."""
    jpg = bytearray(image_bytes("JPEG", (16, 16)))
    sof = jpg.index(b"\xff\xc0")
    jpg[sof + 5 : sof + 9] = struct.pack(">HH", height, width)
    return bytes(jpg)


@pytest.mark.parametrize(
    "bomb",
    [
        png_claiming(20000, 20000),  # past Pillow's own error threshold
        png_claiming(10000, 6000),  # past ours, under Pillow's warning threshold
        png_claiming(MAX_PIXELS + 1, 1),
        jpeg_claiming(30000, 30000),
    ],
)
def test_bomb_is_too_large_without_allocating(bomb: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    assert len(bomb) < 2000
    text = base64.b64encode(bomb).decode()

    def no_pixels(*args: object, **kwargs: object) -> None:
        raise AssertionError("pixels must not be decoded or allocated")

    # Pillow allocates in C (invisible to tracemalloc): make any allocation path fail loudly.
    monkeypatch.setattr(ImageFile.ImageFile, "load", no_pixels)
    monkeypatch.setattr(Image.core, "new", no_pixels)
    monkeypatch.setattr(Image.core, "fill", no_pixels)
    tracemalloc.start()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # no DecompressionBombWarning either
            img, warns = decode_image(src(text))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert img is None
    assert [(w.code, w.field) for w in warns] == [("image_too_large", "ext_data.spot_pic")]
    assert "pixel limit" in warns[0].message
    assert peak < 1_000_000

    with pytest.raises(ImageTooLarge):
        make_thumbnail(bomb)


def test_exactly_at_limit_is_accepted() -> None:
    img, warns = decode_image(src(base64.b64encode(png_claiming(10000, 5000)).decode()))
    assert warns == [] and img is not None and img.width * img.height == MAX_PIXELS


# ----------------------------------------------------------------- formats


@pytest.mark.parametrize(
    ("fmt", "mime"),
    [
        ("JPEG", "image/jpeg"),
        ("PNG", "image/png"),
        ("GIF", "image/gif"),
        ("BMP", "image/bmp"),
        ("WEBP", "image/webp"),
    ],
)
def test_other_formats(fmt: str, mime: str) -> None:
    img, warns = decode_image(src(base64.b64encode(image_bytes(fmt, (7, 5))).decode()))
    assert warns == [] and img is not None
    assert (img.format, img.width, img.height) == (fmt, 7, 5)
    assert content_type(img.format) == mime


def test_unsupported_format_is_undecodable() -> None:
    out = io.BytesIO()
    Image.new("RGB", (4, 4)).save(out, "TIFF")
    img, warns = decode_image(src(base64.b64encode(out.getvalue()).decode()))
    assert img is None and [w.code for w in warns] == ["undecodable_image"]


def test_content_type() -> None:
    assert content_type("JPEG") == "image/jpeg"
    assert content_type("jpeg") == "image/jpeg"
    assert content_type("MPO") == "image/jpeg"
    assert content_type("PNG") == "image/png"
    assert content_type("GIF") == "image/gif"
    assert content_type("BMP") == "image/bmp"
    assert content_type("WEBP") == "image/webp"
    assert content_type("TIFF") == "application/octet-stream"
    assert content_type("") == "application/octet-stream"


def test_describe() -> None:
    assert describe("JPEG", 1920, 1080, 137_216) == "<JPEG 1920x1080, 134 KB>"
    assert describe("PNG", 1, 1, 67) == "<PNG 1x1, 67 B>"
    assert describe("JPEG", 4000, 3000, 3 * 1024 * 1024 + 200_000) == "<JPEG 4000x3000, 3.2 MB>"


# ----------------------------------------------------------------- thumbnails


def thumb(data: bytes) -> Image.Image:
    im = Image.open(io.BytesIO(data))
    assert im.format == "JPEG"
    return im.convert("RGB")


def test_thumbnail_whole_picture(spot_bytes: bytes) -> None:
    assert thumb(make_thumbnail(spot_bytes)).size == (160, 90)
    assert thumb(make_thumbnail(spot_bytes, size=64)).size == (64, 36)
    assert thumb(make_thumbnail(spot_bytes, size=400)).size == (400, 225)


def test_thumbnail_face_crop_of_sample(spot_bytes: bytes) -> None:
    im = thumb(make_thumbnail(spot_bytes, FACE_BOX))
    assert im.size == (160, 160)
    # The face box is ~1/1.4 of the crop: its middle must be the face, not the grey wall.
    full = Image.open(io.BytesIO(spot_bytes)).convert("RGB")
    face_centre = full.getpixel((1324, 126))
    got = im.getpixel((80, 80))
    assert max(abs(a - b) for a, b in zip(got, face_centre, strict=True)) < 40


def marked_picture(fmt: str, size: tuple[int, int], box: tuple[int, int, int, int]) -> bytes:
    im = Image.new("RGB", size, (128, 128, 128))
    im.paste((220, 20, 20), box)
    out = io.BytesIO()
    im.save(out, fmt, quality=95) if fmt == "JPEG" else im.save(out, fmt)
    return out.getvalue()


def is_red(px: tuple[int, ...]) -> bool:
    return px[0] > 170 and px[1] < 80 and px[2] < 80


def is_grey(px: tuple[int, ...]) -> bool:
    return all(abs(c - 128) < 30 for c in px[:3])


@pytest.mark.parametrize("fmt", ["PNG", "JPEG"])
def test_face_crop_has_margin(fmt: str) -> None:
    box = (400, 300, 500, 400)
    data = marked_picture(fmt, (1000, 800), box)
    im = thumb(make_thumbnail(data, box))
    assert im.size == (140, 140)  # 100 px face + 40% margin, never enlarged
    w, h = im.size
    assert is_red(im.getpixel((w // 2, h // 2)))
    for corner in [(2, 2), (w - 3, 2), (2, h - 3), (w - 3, h - 3)]:
        assert is_grey(im.getpixel(corner))


def test_face_crop_uses_draft_and_stays_centred() -> None:
    box = (200, 200, 1800, 1400)  # big face: the JPEG decoder can downscale
    data = marked_picture("JPEG", (2000, 1600), box)
    t0 = time.perf_counter()
    im = thumb(make_thumbnail(data, box))
    elapsed = time.perf_counter() - t0
    assert max(im.size) == 160
    assert is_red(im.getpixel((im.width // 2, im.height // 2)))
    print(f"\nface thumbnail of a 2000x1600 JPEG: {elapsed * 1000:.1f} ms")


def test_face_crop_clamped_at_corner() -> None:
    box = (950, -20, 1040, 60)  # hangs over the top-right corner
    data = marked_picture("PNG", (1000, 800), (950, 0, 1000, 60))
    im = thumb(make_thumbnail(data, box))
    assert im.size == (126, 126)  # shifted inside, still square
    assert is_red(im.getpixel((im.width - 3, 3)))
    assert is_grey(im.getpixel((3, im.height - 3)))


@pytest.mark.parametrize(
    "box",
    [
        (5000, 5000, 5100, 5100),
        (-300, -300, -10, -10),
        (float("nan"), 0, 10, 10),
    ],
)
def test_face_crop_outside_gives_whole_picture(box: tuple[float, ...]) -> None:
    data = marked_picture("PNG", (1000, 800), (0, 0, 10, 10))
    assert thumb(make_thumbnail(data, box)).size == (160, 128)


def test_face_crop_on_small_picture() -> None:
    # A gate-mode snapshot smaller than the margin: the crop is the whole picture.
    data = marked_picture("JPEG", (120, 90), (20, 10, 100, 80))
    assert thumb(make_thumbnail(data, (20, 10, 100, 80))).size == (90, 90)


def test_thumbnail_of_rgba_png() -> None:
    out = io.BytesIO()
    Image.new("RGBA", (50, 40), (0, 0, 0, 0)).save(out, "PNG")
    im = thumb(make_thumbnail(out.getvalue()))
    assert im.size == (50, 40)
    assert im.getpixel((25, 20))[0] > 240  # transparency flattened on white


def test_thumbnail_rejects_garbage() -> None:
    with pytest.raises(ImageError):
        make_thumbnail(b"definitely not an image")


def test_truncated_pixels_raise_image_error(spot_bytes: bytes) -> None:
    with pytest.raises(ImageError):
        make_thumbnail(spot_bytes[: len(spot_bytes) // 3])


# ----------------------------------------------------------------- timing (printed only)


def test_timing_on_1080p_sample(spot_b64: str, spot_bytes: bytes) -> None:
    source = src(spot_b64)

    def per_call(fn, n: int = 50) -> float:
        fn()
        t0 = time.perf_counter()
        for _ in range(n):
            fn()
        return (time.perf_counter() - t0) / n * 1000

    decode_ms = per_call(lambda: decode_image(source))
    thumb_ms = per_call(lambda: make_thumbnail(spot_bytes))
    face_ms = per_call(lambda: make_thumbnail(spot_bytes, FACE_BOX))
    print(
        f"\n1080p sample ({len(spot_bytes) // 1024} KB JPEG): decode_image {decode_ms:.2f} ms, "
        f"make_thumbnail {thumb_ms:.2f} ms, face crop {face_ms:.2f} ms"
    )


def test_decode_reads_header_only(spot_b64: str, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_pixels(*args: object, **kwargs: object) -> None:
        raise AssertionError("decode_image must not decode pixels")

    monkeypatch.setattr(ImageFile.ImageFile, "load", no_pixels)
    img, warns = decode_image(src(spot_b64))
    assert warns == [] and img is not None and img.width == 1920
