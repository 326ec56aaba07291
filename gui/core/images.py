"""Decoding, re-encoding and thumbnailing of the base64 photos carried by events.

``decode_image`` runs for every image of every event before the box gets its
reply, so it only base64-decodes and reads the image *header*: pixels are
decoded later, and only when a thumbnail or an overlay is actually wanted.

Everything here treats the bytes as hostile: the pixel limit is checked on the
header's dimensions before anything is allocated, and only a handful of plain
raster formats are opened at all (no EPS/Ghostscript, no TIFF codecs).
"""

from __future__ import annotations

import binascii
import contextlib
import io
import math
import re
import threading
from collections.abc import Iterator, Sequence
from typing import Any

# Importing a plugin registers it with Image.OPEN; only these formats are ever opened.
from PIL import (  # noqa: F401
    BmpImagePlugin,
    GifImagePlugin,
    Image,
    ImageFile,
    JpegImagePlugin,
    PngImagePlugin,
)

from gui.core.model import DecodedImage, EventWarning, ImageSource

try:  # libwebp is optional in Pillow builds
    from PIL import WebPImagePlugin
except ImportError:  # pragma: no cover - depends on the Pillow build
    WebPImagePlugin = None  # type: ignore[assignment]

try:  # SIMD base64: ~15x faster than binascii on a 400 KB scene, which holds the GIL
    import pybase64
except ImportError:  # pragma: no cover - a dependency, but the fallback is exact
    pybase64 = None  # type: ignore[assignment]

__all__ = [
    "MAX_PIXELS",
    "ImageError",
    "ImageTooLarge",
    "content_type",
    "decode_image",
    "describe",
    "encode_image",
    "jpeg_size",
    "load_pixels",
    "make_thumbnail",
    "open_image",
]

#: Our own pixel limit. Pillow's default (~89 MP) only warns, and errors at twice that.
MAX_PIXELS = 50_000_000
#: A face crop no larger than this (px) is the feed's face thumbnail as it came.
FACE_CROP_AS_IS = 256

#: Formats we agree to open, in the order they are tried (JPEG first: it is what boxes send).
SUPPORTED_FORMATS: tuple[str, ...] = ("JPEG", "PNG", "GIF", "BMP", "WEBP")

_CONTENT_TYPES = {
    "JPEG": "image/jpeg",
    "MPO": "image/jpeg",
    "PNG": "image/png",
    "GIF": "image/gif",
    "BMP": "image/bmp",
    "WEBP": "image/webp",
}

_DATA_URL = re.compile(r"data:[^,;]*(?:;[^,;]*)*?;base64,", re.IGNORECASE)
_WHITESPACE = re.compile(r"\s+")
_URLSAFE_TO_STD = str.maketrans("-_", "+/")
_STD_TO_URLSAFE = bytes.maketrans(b"+/", b"-_")


class ImageError(ValueError):
    """The bytes are not an image we are willing to decode."""


class ImageTooLarge(ImageError):
    """The header claims more than ``MAX_PIXELS`` pixels (a likely decompression bomb)."""

    def __init__(self, width: int | None, height: int | None) -> None:
        self.width = width
        self.height = height
        if width is None or height is None:
            super().__init__(f"image exceeds the {MAX_PIXELS:,} pixel limit")
        else:
            super().__init__(
                f"image is {width}x{height} ({width * height:,} pixels), "
                f"over the {MAX_PIXELS:,} pixel limit"
            )


# --------------------------------------------------------------------------- opening


def open_image(data: bytes) -> ImageFile.ImageFile:
    """Open ``data`` lazily (header only) and enforce ``MAX_PIXELS``.

    This replays what ``Image.open`` does, restricted to ``SUPPORTED_FORMATS`` and
    without its global decompression-bomb check, which would warn or raise before we
    could look at the size ourselves (and tweaking ``Image.MAX_IMAGE_PIXELS`` or the
    warnings filters is process-global, hence not thread-safe).

    Raises ``ImageTooLarge`` or ``ImageError``.
    """
    fp = io.BytesIO(data)
    prefix = data[:16]
    for fmt in SUPPORTED_FORMATS:
        entry = Image.OPEN.get(fmt)
        if entry is None:
            continue
        factory, accept = entry
        if accept is not None:
            verdict = accept(prefix)
            if not verdict or isinstance(verdict, str):  # a str explains a missing codec
                continue
        if fmt == "WEBP" and not _webp_size_ok(data):
            raise ImageTooLarge(*_webp_size(data))
        fp.seek(0)
        try:
            im = factory(fp, "")
        except Image.DecompressionBombError as exc:  # a plugin checked before we could
            raise ImageTooLarge(None, None) from exc
        except Exception:  # hostile bytes can make a plugin fail in any way
            continue
        width, height = im.size
        if width <= 0 or height <= 0:
            raise ImageError(f"{fmt} header gives an empty size {width}x{height}")
        if width * height > MAX_PIXELS:
            raise ImageTooLarge(width, height)
        return im
    raise ImageError("not a JPEG, PNG, GIF, BMP or WebP image")


#: JPEG markers the header reader below follows as Pillow does (anything else: Pillow).
_JPEG_SOF = frozenset(
    {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF, 0xDE}
)
_JPEG_SKIPPED = frozenset({0xC4, 0xCC, 0xDC, 0xDD, 0xDF, 0xFE})  # DHT, DAC, DNL, DRI, EXP, COM
_JPEG_SOS = 0xDA
_JPEG_DQT = 0xDB
_JPEG_APP0 = 0xE0


def jpeg_size(data: bytes) -> tuple[int, int] | None:
    """Width and height of a plain JPEG, read the way Pillow's JPEG plugin reads them.

    ``decode_image`` opens every photo of every event before the reply, and
    Pillow's header parser costs ~200 Python calls per photo. This walks the
    same segments up to the start of scan (SOI, APP0, DQT, DHT, SOF, SOS...) and
    answers only where Pillow's ``open`` is known to succeed with that size: on
    anything else (other APPn segments such as Exif, ICC or MPO data, fill bytes,
    a truncated or malformed segment, no scan) it returns None and the caller asks
    Pillow, so every verdict stays Pillow's.
    """
    if data[:3] != b"\xff\xd8\xff":
        return None
    end = len(data)
    at = 2
    size: tuple[int, int] | None = None
    while at + 4 <= end:
        if data[at] != 0xFF:
            return None
        marker = data[at + 1]
        length = (data[at + 2] << 8) | data[at + 3]
        start = at + 4
        at = start + length - 2 if length > 2 else start  # under 2: Pillow reads nothing
        if at > end:
            return None  # truncated segment: Pillow raises
        if marker in _JPEG_SKIPPED:
            continue
        if marker == _JPEG_SOS:
            return size if size is not None and size[0] > 0 and size[1] > 0 else None
        if marker == _JPEG_DQT:
            offset = start
            while offset < at:
                table = 65 if data[offset] < 16 else 129  # 8- or 16-bit entries
                if at - offset < table:
                    return None
                offset += table
        elif marker in _JPEG_SOF:
            # bits 8, 1/3/4 layers, whole 3-byte component entries: Pillow's conditions
            count = at - start
            if count < 6 or data[start] != 8 or data[start + 5] not in (1, 3, 4):
                return None
            if (count - 6) % 3:
                return None
            size = (
                (data[start + 3] << 8) | data[start + 4],
                (data[start + 1] << 8) | data[start + 2],
            )
        elif marker == _JPEG_APP0:
            if at - start < 7 and data.startswith(b"JFIF", start, at):
                return None
        else:
            return None
    return None


def _webp_size(data: bytes) -> tuple[int | None, int | None]:
    get_size = getattr(WebPImagePlugin, "_get_size", None)
    size = get_size(data[:30]) if get_size is not None else None
    return (size[0], size[1]) if size else (None, None)


def _webp_size_ok(data: bytes) -> bool:
    """WebP's plugin builds the decoder (allocating the canvas) inside ``open``: check first."""
    width, height = _webp_size(data)
    return width is None or height is None or width * height <= MAX_PIXELS


#: Pixel memory all image work may hold at once (thumbnails, overlays, API reads):
#: a 49 MP RGBA PNG decodes to 196 MB, and four posters' worth at once would not fit
#: beside the uploads in flight. Work beyond it waits its turn (one oversized job
#: may run alone).
DECODE_BUDGET_BYTES = 256 * 1024 * 1024


class _DecodeBudget:
    """A counting gate in bytes for decoded pixels, shared by every thread."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.in_use = 0
        self._cond = threading.Condition()

    @contextlib.contextmanager
    def hold(self, nbytes: int) -> Iterator[None]:
        nbytes = max(0, min(int(nbytes), self.total))
        with self._cond:
            self._cond.wait_for(lambda: self.in_use + nbytes <= self.total)
            self.in_use += nbytes
        try:
            yield
        finally:
            with self._cond:
                self.in_use -= nbytes
                self._cond.notify_all()


decode_budget = _DecodeBudget(DECODE_BUDGET_BYTES)


def decoded_bytes(im: Image.Image) -> int:
    """What decoding ``im`` at its current (draft) size costs in memory."""
    bands = len(im.getbands()) if im.mode else 4
    return im.size[0] * im.size[1] * max(1, bands)


def reduced(im: Image.Image, factor: int) -> Image.Image:
    """``im.reduce(factor)`` without the extra full-size copy Pillow makes for alpha.

    Pillow premultiplies RGBA/LA into a full-size copy before reducing; one band
    at a time costs a quarter of that (and transparent pixels' colour does not
    matter for what we make: thumbnails on white, overlays).
    """
    if factor < 2:
        return im
    if im.mode in ("RGBA", "LA"):
        bands = [im.getchannel(i).reduce(factor) for i in range(len(im.getbands()))]
        return Image.merge(im.mode, bands)
    return im.reduce(factor)


def load_pixels(im: ImageFile.ImageFile) -> None:
    """Decode the pixels of an image from ``open_image``, as ``ImageError`` on corrupt data."""
    try:
        im.load()
    except Exception as exc:  # truncated or corrupt pixel data
        raise ImageError(f"cannot decode {im.format} pixels: {exc}") from exc


# --------------------------------------------------------------------------- base64


def _strict_b64decode(text: str) -> bytes:
    """``binascii.a2b_base64(text, strict_mode=True)``, faster.

    pybase64's ``validate=True`` accepts a subset of what strict binascii does, with
    the same bytes; whatever it refuses is left to binascii, so results are identical.
    """
    decoded = getattr(text, "decoded", None)  # json_body.Base64Text: decoded when parsed
    if decoded is not None:
        return decoded
    if pybase64 is not None:
        try:
            return pybase64.b64decode(text, validate=True)
        except ValueError:  # binascii.Error is a ValueError
            pass
    return binascii.a2b_base64(text, strict_mode=True)


def _parse_base64(text: str) -> tuple[bytes, dict[str, Any], bool] | None:
    """Decode ``text`` leniently; return the bytes, how the string was laid out, and
    whether the layout is already known to rebuild ``text`` exactly."""
    prefix = ""
    body = text
    if text[:5].lower() == "data:":
        m = _DATA_URL.match(text)
        if m is None:
            return None
        prefix = m.group(0)
        body = text[m.end() :]

    encoding: dict[str, Any] = {"prefix": prefix, "urlsafe": False, "padding_stripped": False}

    # Fast path: canonical, unwrapped standard base64 (what the boxes send).
    try:
        data = _strict_b64decode(body)
    except (binascii.Error, ValueError):
        pass
    else:
        # Strict decoding leaves one freedom: non-zero spare bits in the last quantum.
        # Checking just that quantum is cheaper than re-encoding the whole image.
        tail = data[len(data) - (len(data) % 3 or 3) :]
        return data, encoding, binascii.b2a_base64(tail, newline=False) == body[-4:].encode()

    ws = _WHITESPACE.search(body)
    if ws is not None:
        encoding["wrap"] = ws.start()
        encoding["sep"] = ws.group(0)
        encoding["final_sep"] = body.endswith(ws.group(0))
        body = "".join(body.split())
    if "-" in body or "_" in body:
        encoding["urlsafe"] = True
        body = body.translate(_URLSAFE_TO_STD)
    if not body.endswith("="):
        missing = -len(body) % 4
        if missing == 3:  # one lone character can't encode anything
            return None
        if missing:
            encoding["padding_stripped"] = True
            body += "=" * missing
    try:
        data = binascii.a2b_base64(body, strict_mode=True)
    except (binascii.Error, ValueError):
        return None
    return data, encoding, False


def encode_image(data: bytes, encoding: dict[str, Any]) -> str:
    """Rebuild an image string in the layout ``decode_image`` recorded, for ``/raw``.

    Missing keys mean canonical bare base64. With ``encoding["lossy"]`` the original
    layout could not be described, and the result is canonical base64 plus what was
    recorded (prefix, alphabet), not the original string.
    """
    raw = binascii.b2a_base64(data, newline=False)
    if encoding.get("urlsafe"):
        raw = raw.translate(_STD_TO_URLSAFE)
    if encoding.get("padding_stripped"):
        raw = raw.rstrip(b"=")
    body = raw.decode("ascii")
    width = encoding.get("wrap")
    if width and not encoding.get("lossy"):
        sep = encoding.get("sep", "\n")
        body = sep.join(body[i : i + width] for i in range(0, len(body), width))
        if encoding.get("final_sep"):
            body += sep
    return encoding.get("prefix", "") + body


def _warning(code: str, message: str, source: ImageSource) -> EventWarning:
    return EventWarning(code=code, message=message, field=".".join(source.json_path) or None)


def decode_image(source: ImageSource) -> tuple[DecodedImage | None, list[EventWarning]]:
    """Base64-decode ``source`` and read its header; never decodes pixels.

    Returns ``(None, [])`` for an empty string (the protocol's "no image"), and
    ``(None, [warning])`` with code ``bad_base64``, ``undecodable_image`` or
    ``image_too_large`` when the image can't be used. ``encoding`` on the result
    rebuilds the original string with ``encode_image``; if the layout was too
    irregular for that (mixed line widths, stray spaces, ...) it carries
    ``lossy: True`` and ``/raw`` shows canonical base64 for that image.
    """
    text = source.text
    if not text or text.isspace():
        return None, []
    parsed = _parse_base64(text)
    if parsed is None:
        return None, [
            _warning("bad_base64", f"The {source.kind} image is not valid base64.", source)
        ]
    data, encoding, exact = parsed
    if not data:
        return None, []
    try:
        size = jpeg_size(data)
        if size is None:
            im = open_image(data)
            fmt = "JPEG" if im.format == "MPO" else (im.format or "unknown")
            width, height = im.size
            im.close()
        else:
            fmt = "JPEG"
            width, height = size
            if width * height > MAX_PIXELS:
                raise ImageTooLarge(width, height)
    except ImageTooLarge as exc:
        msg = f"The {source.kind} image was not decoded: {exc}."
        return None, [_warning("image_too_large", msg, source)]
    except ImageError:
        msg = f"The {source.kind} image decodes from base64 but is not a readable image."
        return None, [_warning("undecodable_image", msg, source)]

    if not exact and encode_image(data, encoding) != text:
        encoding["lossy"] = True
    return (
        DecodedImage(
            kind=source.kind,
            json_path=source.json_path,
            data=data,
            format=fmt,
            width=width,
            height=height,
            encoding=encoding,
        ),
        [],
    )


# --------------------------------------------------------------------------- thumbnails


def _face_crop(
    box: tuple[float, float, float, float], width: int, height: int
) -> tuple[int, int, int, int] | None:
    """Square region around ``box`` with a 40% margin, clamped to the picture; None if outside."""
    x1, y1, x2, y2 = (float(v) for v in box)
    if not all(math.isfinite(v) for v in (x1, y1, x2, y2)):
        return None
    x1, x2 = min(x1, x2), max(x1, x2)
    y1, y2 = min(y1, y2), max(y1, y2)
    # Clip the face box itself first: no overlap with the picture means no face to show.
    if x2 <= 0 or y2 <= 0 or x1 >= width or y1 >= height:
        return None
    side = max(x2 - x1, y2 - y1, 1.0) * 1.4
    side = min(side, float(width), float(height))
    cx, cy = (x1 + x2) / 2, (y1 + y2) / 2
    left = min(max(cx - side / 2, 0.0), width - side)
    top = min(max(cy - side / 2, 0.0), height - side)
    region = (
        math.floor(left),
        math.floor(top),
        min(width, math.ceil(left + side)),
        min(height, math.ceil(top + side)),
    )
    if region[2] - region[0] < 1 or region[3] - region[1] < 1:
        return None
    return region


def _to_rgb(im: Image.Image) -> Image.Image:
    if im.mode == "RGB":
        return im
    if im.mode in ("RGBA", "LA", "PA") or (im.mode == "P" and "transparency" in im.info):
        rgba = im.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(background, rgba).convert("RGB")
    return im.convert("RGB")


def face_crop_as_is(decoded: Sequence[DecodedImage]) -> bytes | None:
    """The box's face crop when it can be the feed's thumbnail untouched.

    A JPEG already thumbnail-sized: re-encoding it would cost a millisecond of
    CPU per event and gain nothing, and taking it as it is lets the thumbnail be
    stored with the event itself.
    """
    for image in decoded:
        if image.kind == "recognize_face":
            if image.format == "JPEG" and max(image.width, image.height) <= FACE_CROP_AS_IS:
                return image.data
            return None
    return None


def make_thumbnail(
    data: bytes, box: tuple[float, float, float, float] | None = None, size: int = 160
) -> bytes:
    """JPEG thumbnail fitting ``size`` x ``size``, of the whole picture or of the face ``box``.

    The face crop stands in for a missing ``recognize_face`` in the feed. JPEGs are
    downscaled while decoding (``draft``), so a 1080p scene costs a fraction of a
    full decode. Coordinates are raw pixels: EXIF orientation is deliberately ignored,
    as the box's coordinates are. Raises ``ImageTooLarge`` / ``ImageError``.
    """
    if size < 1:
        raise ValueError("thumbnail size must be positive")
    with open_image(data) as im:
        width, height = im.size
        region = _face_crop(box, width, height) if box is not None else None
        rw, rh = (region[2] - region[0], region[3] - region[1]) if region else (width, height)
        # Ask the JPEG decoder for the largest reduction that still leaves the
        # region at least `size` pixels on its shorter side.
        im.draft("RGB", (math.ceil(width * size / rw), math.ceil(height * size / rh)))
        with decode_budget.hold(decoded_bytes(im)):
            load_pixels(im)
            picture: Image.Image = im
            fx, fy = im.size[0] / width, im.size[1] / height
            if region is not None:
                crop = (
                    math.floor(region[0] * fx),
                    math.floor(region[1] * fy),
                    max(math.floor(region[0] * fx) + 1, math.ceil(region[2] * fx)),
                    max(math.floor(region[1] * fy) + 1, math.ceil(region[3] * fy)),
                )
                picture = im.crop(crop)
            # Formats without draft (PNG...) decode whole: shrink by an integer factor
            # in the decoded mode before any conversion copies the full picture.
            factor = min(picture.size[0], picture.size[1]) // (2 * size)
            picture = reduced(picture, factor)
            picture = _to_rgb(picture)
        picture.thumbnail((size, size), Image.Resampling.BICUBIC, reducing_gap=2.0)
        out = io.BytesIO()
        picture.save(out, "JPEG", quality=80)
        return out.getvalue()


# --------------------------------------------------------------------------- small helpers


def content_type(fmt: str) -> str:
    """MIME type for a Pillow format name, for serving image bytes over HTTP."""
    return _CONTENT_TYPES.get(fmt.upper(), "application/octet-stream")


def describe(fmt: str, width: int, height: int, nbytes: int) -> str:
    """Short stand-in for an image in raw-JSON displays, e.g. ``<JPEG 1920x1080, 134 KB>``."""
    if nbytes < 1024:
        amount = f"{nbytes} B"
    elif nbytes < 1024 * 1024:
        amount = f"{round(nbytes / 1024)} KB"
    else:
        amount = f"{nbytes / (1024 * 1024):.1f} MB"
    return f"<{fmt} {width}x{height}, {amount}>"
