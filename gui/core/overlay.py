"""Face-box and landmark overlay: the geometry, and a Pillow renderer for it.

The GUI's painter and ``render_overlay`` both draw from the same ``OverlayShapes``
so an exported picture and the screen agree to the pixel on where the box is.
All coordinates are in picture pixels; outlines are centred on the box edges.
"""

from __future__ import annotations

import functools
import io
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from PIL import Image, ImageDraw, ImageFont

from gui.core.images import decode_budget, decoded_bytes, load_pixels, open_image, reduced
from gui.core.model import PersonType

__all__ = [
    "PERSON_TYPE_COLOURS",
    "UNKNOWN_COLOUR",
    "OverlayShapes",
    "colour_for",
    "render_overlay",
    "shapes_for",
]

#: One colour per person type, chosen to read at a glance (red = blacklist).
PERSON_TYPE_COLOURS: dict[PersonType, str] = {
    PersonType.EMPLOYEE: "#2E7D32",  # green
    PersonType.VISITOR: "#1565C0",  # blue
    PersonType.BLACKLIST: "#D32F2F",  # red
    PersonType.STRANGER: "#FF8F00",  # amber
    PersonType.VIP: "#7B1FA2",  # purple
}
#: Missing or unrecognised person type.
UNKNOWN_COLOUR = "#9E9E9E"

_HEX = re.compile(r"#?([0-9A-Fa-f]{6})")


def _normalise_hex(value: str) -> str | None:
    m = _HEX.fullmatch(value.strip()) if isinstance(value, str) else None
    return f"#{m.group(1).upper()}" if m else None


def colour_for(person_type: int | None, overrides: dict[int, str] | None = None) -> str:
    """``#RRGGBB`` for a person type; user ``overrides`` (by type number) win if well-formed."""
    if overrides and person_type is not None and person_type in overrides:
        colour = _normalise_hex(overrides[person_type])
        if colour is not None:
            return colour
    try:
        return PERSON_TYPE_COLOURS[PersonType(person_type)]  # type: ignore[arg-type]
    except (ValueError, TypeError):
        return UNKNOWN_COLOUR


@dataclass(frozen=True)
class OverlayShapes:
    """What to draw over a picture, already scaled to it (all values in picture pixels)."""

    box: tuple[float, float, float, float] | None
    landmarks: tuple[tuple[float, float], ...]
    colour: str
    stroke: float
    landmark_radius: float
    label: str | None = None


def _finite(values: Iterable[float]) -> bool:
    return all(math.isfinite(v) for v in values)


def shapes_for(
    face_box: Sequence[float] | None,
    landmarks: Iterable[Sequence[float]] | None,
    person_type: int | None,
    picture_size: tuple[int, int] | None,
    label: str | None = None,
    colours: dict[int, str] | None = None,
) -> OverlayShapes:
    """Build the overlay for an event; line widths scale with the picture so they stay visible.

    Non-finite coordinates are dropped rather than drawn; a reversed box is reordered.
    """
    box: tuple[float, float, float, float] | None = None
    if face_box is not None and len(face_box) == 4:
        x1, y1, x2, y2 = (float(v) for v in face_box)
        if _finite((x1, y1, x2, y2)):
            box = (min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2))
    points = tuple(
        (float(p[0]), float(p[1]))
        for p in (landmarks or ())
        if len(p) >= 2 and _finite((float(p[0]), float(p[1])))
    )
    if picture_size is not None and min(picture_size) > 0:
        short = min(picture_size)
        stroke = max(2.0, short / 270)
        radius = max(2.5, short / 216)
    else:
        stroke, radius = 2.0, 3.0
    return OverlayShapes(
        box=box,
        landmarks=points,
        colour=colour_for(person_type, colours),
        stroke=stroke,
        landmark_radius=radius,
        label=label,
    )


def _band(centre: float, width: float) -> tuple[int, int]:
    """Inclusive pixel range of a line ``width`` wide centred on ``centre`` (contains it)."""
    n = max(1, round(width))
    lo = math.floor(centre + 0.5 - n / 2)
    return lo, lo + n - 1


def _rgb(colour: str) -> tuple[int, int, int]:
    value = _normalise_hex(colour) or UNKNOWN_COLOUR
    return int(value[1:3], 16), int(value[3:5], 16), int(value[5:7], 16)


def _draw(im: Image.Image, shapes: OverlayShapes) -> None:
    draw = ImageDraw.Draw(im)
    fill = _rgb(shapes.colour)
    if im.mode == "RGBA":
        fill = (*fill, 255)  # type: ignore[assignment]
    width, height = im.size
    # Anything further out than this is off the picture: clamp so huge values can't overflow.
    limit = 4 * max(width, height) + 16

    def clamp(v: float) -> float:
        return min(max(v, -limit), limit)

    if shapes.box is not None:
        x1, y1, x2, y2 = (clamp(v) for v in shapes.box)
        lx1, hx1 = _band(x1, shapes.stroke)
        lx2, hx2 = _band(x2, shapes.stroke)
        ly1, hy1 = _band(y1, shapes.stroke)
        ly2, hy2 = _band(y2, shapes.stroke)
        # Four filled bars, so the outline straddles each edge instead of lying inside it.
        for bar in (
            (lx1, ly1, hx2, hy1),  # top
            (lx1, ly2, hx2, hy2),  # bottom
            (lx1, ly1, hx1, hy2),  # left
            (lx2, ly1, hx2, hy2),  # right
        ):
            if bar[2] >= 0 and bar[3] >= 0 and bar[0] < width and bar[1] < height:
                draw.rectangle(bar, fill=fill)
        if shapes.label:
            _draw_label(draw, shapes.label, lx1, ly1, fill, shapes.stroke)

    r = shapes.landmark_radius
    for x, y in shapes.landmarks:
        x, y = clamp(x), clamp(y)
        if -r <= x <= width + r and -r <= y <= height + r:
            draw.ellipse((x - r, y - r, x + r, y + r), fill=fill)


#: Fonts with CJK glyphs (names are Chinese), looked up in the system font folders.
_CJK_FONTS = (
    "msyh.ttc",  # Windows: Microsoft YaHei
    "simhei.ttf",
    "NotoSansCJK-Regular.ttc",
    "NotoSansSC-Regular.otf",
    "wqy-microhei.ttc",
    "PingFang.ttc",
)


@functools.lru_cache(maxsize=8)
def _label_font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """A CJK-capable system font if one is installed, else Pillow's built-in font."""
    for name in _CJK_FONTS:
        try:
            return ImageFont.truetype(name, size)
        except OSError:
            continue
    return ImageFont.load_default(size=size)


def _draw_label(
    draw: ImageDraw.ImageDraw,
    text: str,
    left: int,
    top: int,
    fill: tuple[int, ...],
    stroke: float,
) -> None:
    """Label on a colour tab just above the box (inside the top edge if there is no room)."""
    font = _label_font(round(max(10.0, stroke * 4)))
    x0, y0, x1, y1 = draw.textbbox((0, 0), text, font=font)
    pad = max(2, round(stroke))
    tab_w, tab_h = x1 - x0 + 2 * pad, y1 - y0 + 2 * pad
    tab_top = top - tab_h if top - tab_h >= 0 else max(top, 0)
    tab_left = max(left, 0)
    draw.rectangle((tab_left, tab_top, tab_left + tab_w - 1, tab_top + tab_h - 1), fill=fill)
    luminance = 0.299 * fill[0] + 0.587 * fill[1] + 0.114 * fill[2]
    ink: tuple[int, ...] = (0, 0, 0) if luminance > 150 else (255, 255, 255)
    if len(fill) == 4:
        ink = (*ink, 255)
    draw.text((tab_left + pad - x0, tab_top + pad - y0), text, fill=ink, font=font)


def render_overlay(image_bytes: bytes, shapes: OverlayShapes) -> bytes:
    """Draw ``shapes`` onto the picture: JPEG (quality 90) for JPEG input, PNG otherwise.

    A box partly or wholly outside the picture is clipped, never an error. Raises
    ``ImageTooLarge`` / ``ImageError`` (from ``gui.core.images``) for unusable bytes.
    """
    with open_image(image_bytes) as src:
        is_jpeg = src.format in ("JPEG", "MPO")
        width, height = src.size
        factor = _reduction(width, height)
        if factor > 1 and is_jpeg:
            src.draft("RGB", (width // factor, height // factor))
        # Held until the picture is encoded: every copy below is at most the decoded size.
        with decode_budget.hold(2 * decoded_bytes(src)):
            load_pixels(src)
            picture: Image.Image = src
            if factor > 1:
                # Bounded work: an overlay is for looking at, not a 49 MP re-encode.
                step = max(1, min(src.size[0] * factor // width, src.size[1] * factor // height))
                picture = reduced(src, step)
                shapes = _scaled(shapes, picture.size[0] / width, picture.size[1] / height)
            if is_jpeg or picture.mode not in ("RGB", "RGBA"):
                keep_alpha = not is_jpeg and (
                    picture.mode in ("RGBA", "LA", "PA") or "transparency" in src.info
                )
                im = picture.convert("RGBA" if keep_alpha else "RGB")
            else:
                im = picture.copy() if picture is src else picture
            del picture
            _draw(im, shapes)
            out = io.BytesIO()
            if is_jpeg:
                # 4:4:4 keeps thin coloured outlines from bleeding into the picture.
                im.save(out, "JPEG", quality=90, subsampling=0)
            else:
                im.save(out, "PNG")
            return out.getvalue()


#: Overlays of bigger pictures are drawn on a reduced copy (integer factor).
OVERLAY_MAX_PIXELS = 16_000_000


def _reduction(width: int, height: int) -> int:
    """The integer factor that brings a picture under ``OVERLAY_MAX_PIXELS`` (1: none)."""
    factor = 1
    while (width // factor) * (height // factor) > OVERLAY_MAX_PIXELS:
        factor += 1
    return factor


def _scaled(shapes: OverlayShapes, fx: float, fy: float) -> OverlayShapes:
    box = shapes.box
    scale = min(fx, fy)
    return replace(
        shapes,
        box=None if box is None else (box[0] * fx, box[1] * fy, box[2] * fx, box[3] * fy),
        landmarks=tuple((x * fx, y * fy) for x, y in shapes.landmarks),
        stroke=max(2.0, shapes.stroke * scale),
        landmark_radius=max(2.5, shapes.landmark_radius * scale),
    )
