"""Tests for gui.core.overlay: colours, shape geometry and pixel-exact Pillow rendering."""

from __future__ import annotations

import base64
import io
import json
import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image

from gui.core.images import ImageError, ImageTooLarge
from gui.core.model import PersonType
from gui.core.overlay import (
    PERSON_TYPE_COLOURS,
    UNKNOWN_COLOUR,
    OverlayShapes,
    colour_for,
    render_overlay,
    shapes_for,
)

SAMPLES = Path(__file__).resolve().parents[2] / "assets" / "samples"
GREY = (128, 128, 128)


def rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def close(a: tuple[int, ...], b: tuple[int, ...], tol: int) -> bool:
    return max(abs(x - y) for x, y in zip(a[:3], b[:3], strict=True)) < tol


def grey_picture(fmt: str, size: tuple[int, int] = (400, 300), mode: str = "RGB") -> bytes:
    out = io.BytesIO()
    colour = (*GREY, 255) if mode == "RGBA" else GREY
    Image.new(mode, size, colour).save(out, fmt, **({"quality": 95} if fmt == "JPEG" else {}))
    return out.getvalue()


def edge_points(box: tuple[float, float, float, float]) -> list[tuple[int, int]]:
    x1, y1, x2, y2 = (round(v) for v in box)
    mx, my = (x1 + x2) // 2, (y1 + y2) // 2
    return [(x1, my), (x2, my), (mx, y1), (mx, y2)]


def opened(data: bytes) -> Image.Image:
    return Image.open(io.BytesIO(data))


# ----------------------------------------------------------------- colours


def test_colours_by_person_type() -> None:
    assert set(PERSON_TYPE_COLOURS) == set(PersonType)
    r, g, b = rgb(colour_for(1))
    assert g > r and g > b  # employee green
    r, g, b = rgb(colour_for(2))
    assert b > r and b > g  # visitor blue
    r, g, b = rgb(colour_for(3))
    assert r > 180 and g < 80 and b < 80  # blacklist red
    r, g, b = rgb(colour_for(4))
    assert r > 200 and 100 < g < 200 and b < 60  # stranger amber
    r, g, b = rgb(colour_for(5))
    assert r > g and b > g  # VIP purple
    assert len(set(PERSON_TYPE_COLOURS.values()) | {UNKNOWN_COLOUR}) == 6


@pytest.mark.parametrize("value", [None, 0, 6, 99, -1])
def test_unknown_person_type_is_grey(value: int | None) -> None:
    assert colour_for(value) == UNKNOWN_COLOUR


def test_colour_overrides() -> None:
    assert colour_for(1, {1: "#00ff00"}) == "#00FF00"
    assert colour_for(1, {1: "00ff00"}) == "#00FF00"
    assert colour_for(2, {1: "#00ff00"}) == PERSON_TYPE_COLOURS[PersonType.VISITOR]
    assert colour_for(1, {1: "green"}) == PERSON_TYPE_COLOURS[PersonType.EMPLOYEE]
    assert colour_for(None, {1: "#00ff00"}) == UNKNOWN_COLOUR


# ----------------------------------------------------------------- shapes


def test_shapes_for_sample_geometry() -> None:
    point = [1302, 1347, 1324, 1308, 1342, 101, 100, 125, 146, 145]
    shapes = shapes_for(
        [1272, 66, 1376, 186], list(zip(point[:5], point[5:], strict=True)), 1, (1920, 1080)
    )
    assert shapes.box == (1272.0, 66.0, 1376.0, 186.0)
    assert shapes.landmarks[0] == (1302.0, 101.0) and len(shapes.landmarks) == 5
    assert shapes.colour == PERSON_TYPE_COLOURS[PersonType.EMPLOYEE]
    assert shapes.stroke == pytest.approx(4.0)
    assert shapes.landmark_radius >= shapes.stroke
    assert shapes.label is None


def test_shapes_stroke_scales_with_picture() -> None:
    small = shapes_for(None, None, None, (320, 240))
    big = shapes_for(None, None, None, (3840, 2160))
    unknown = shapes_for(None, None, None, None)
    assert small.stroke == 2.0 and big.stroke == pytest.approx(8.0)
    assert unknown.stroke == 2.0 and unknown.landmark_radius > 0
    assert small.box is None and small.landmarks == ()
    assert small.colour == UNKNOWN_COLOUR


def test_shapes_tidy_bad_input() -> None:
    shapes = shapes_for(
        (300, 200, 100, 50),
        [(1, 2), (float("nan"), 3), (float("inf"), 1), (4, 5)],
        3,
        (640, 480),
        label="x",
        colours={3: "#123456"},
    )
    assert shapes.box == (100.0, 50.0, 300.0, 200.0)
    assert shapes.landmarks == ((1.0, 2.0), (4.0, 5.0))
    assert shapes.colour == "#123456" and shapes.label == "x"
    assert shapes_for((1, 2, 3), None, 1, None).box is None
    assert shapes_for((0, 0, float("nan"), 1), None, 1, None).box is None


def test_shapes_are_frozen() -> None:
    shapes = shapes_for(None, None, 1, None)
    with pytest.raises(AttributeError):
        shapes.colour = "#000000"  # type: ignore[misc]


# ----------------------------------------------------------------- rendering


BOX = (100.0, 80.0, 300.0, 220.0)
LANDMARKS = ((150.0, 120.0), (250.0, 120.0), (200.0, 150.0), (160.0, 190.0), (240.0, 190.0))
INSIDE = (120, 200)  # inside the box, away from edges and landmarks


@pytest.mark.parametrize("person_type", [1, 3, None])
def test_render_on_png_is_pixel_exact(person_type: int | None) -> None:
    shapes = shapes_for(BOX, LANDMARKS, person_type, (400, 300))
    out = opened(render_overlay(grey_picture("PNG"), shapes))
    assert out.format == "PNG" and out.size == (400, 300)
    want = rgb(shapes.colour)
    for xy in edge_points(BOX):
        assert out.getpixel(xy)[:3] == want, xy
    for x, y in LANDMARKS:
        assert out.getpixel((round(x), round(y)))[:3] == want
    assert out.getpixel(INSIDE)[:3] == GREY
    # The outline straddles the edge: stroke 2 covers x1-1..x1, not x1+2 or x1-3.
    x1, my = int(BOX[0]), 150
    assert out.getpixel((x1 - 1, my))[:3] == want
    assert out.getpixel((x1 + 2, my))[:3] == GREY
    assert out.getpixel((x1 - 3, my))[:3] == GREY
    assert out.getpixel((20, 20))[:3] == GREY


def test_render_thick_stroke_centred_on_edge() -> None:
    shapes = OverlayShapes(box=BOX, landmarks=(), colour="#FF0000", stroke=6.0, landmark_radius=3.0)
    out = opened(render_overlay(grey_picture("PNG"), shapes)).convert("RGB")
    row = [out.getpixel((x, 150)) == (255, 0, 0) for x in range(90, 111)]
    coloured = [90 + i for i, c in enumerate(row) if c]
    assert coloured == [97, 98, 99, 100, 101, 102]  # 6 px, 3 each side of x1=100


def test_render_fractional_box() -> None:
    box = (100.4, 80.6, 299.5, 219.2)
    shapes = shapes_for(box, (), 2, (400, 300))
    out = opened(render_overlay(grey_picture("PNG"), shapes))
    want = rgb(shapes.colour)
    for xy in [(100, 150), (299, 150), (200, 80), (200, 219)]:
        assert out.getpixel(xy)[:3] == want, xy


def test_render_on_grey_jpeg() -> None:
    shapes = shapes_for(BOX, LANDMARKS, 3, (400, 300))
    out = opened(render_overlay(grey_picture("JPEG"), shapes)).convert("RGB")
    want = rgb(shapes.colour)
    for xy in edge_points(BOX):
        assert close(out.getpixel(xy), want, 40), xy
    for x, y in LANDMARKS:
        assert close(out.getpixel((round(x), round(y))), want, 40)
    assert close(out.getpixel(INSIDE), GREY, 10)


def test_jpeg_in_jpeg_out_png_in_png_out() -> None:
    shapes = shapes_for(BOX, LANDMARKS, 1, (400, 300))
    assert opened(render_overlay(grey_picture("JPEG"), shapes)).format == "JPEG"
    assert opened(render_overlay(grey_picture("PNG"), shapes)).format == "PNG"
    assert opened(render_overlay(grey_picture("GIF"), shapes)).format == "PNG"


def test_rgba_png_keeps_alpha() -> None:
    shapes = shapes_for(BOX, (), 1, (400, 300))
    out = opened(render_overlay(grey_picture("PNG", mode="RGBA"), shapes))
    assert out.mode == "RGBA"
    assert out.getpixel((100, 150)) == (*rgb(shapes.colour), 255)
    assert out.getpixel(INSIDE) == (*GREY, 255)


@pytest.fixture(scope="module")
def sample() -> dict:
    return json.loads((SAMPLES / "employee_match.json").read_text(encoding="utf-8"))


def test_render_on_employee_sample(sample: dict) -> None:
    spot = base64.b64decode(sample["spot_pic"])
    attr = sample["recognize_face_attr"]
    point = attr["point"]
    landmarks = list(zip(point[:5], point[5:], strict=True))
    original = opened(spot).convert("RGB")
    shapes = shapes_for(attr["box"], landmarks, sample["person_type"], original.size)
    data = render_overlay(spot, shapes)
    out = opened(data)
    assert out.format == "JPEG" and out.size == (1920, 1080)
    out = out.convert("RGB")
    want = rgb(shapes.colour)
    for xy in edge_points(tuple(attr["box"])):
        assert close(out.getpixel(xy), want, 40), (xy, out.getpixel(xy))
    for x, y in landmarks:
        assert close(out.getpixel((x, y)), want, 40), (x, y)
    for xy in [(1290, 175), (1330, 80), (1360, 160)]:  # inside, away from shapes
        assert close(out.getpixel(xy), original.getpixel(xy), 16), xy
    assert close(out.getpixel((200, 900)), original.getpixel((200, 900)), 16)


def test_label_drawn_above_box() -> None:
    shapes = shapes_for(BOX, (), 1, (400, 300), label="张伟 0.93")
    out = opened(render_overlay(grey_picture("PNG"), shapes))
    want = rgb(shapes.colour)
    # The tab sits on the top edge's left end, above the box.
    assert out.getpixel((101, 70))[:3] != GREY
    assert out.getpixel(INSIDE)[:3] == GREY
    assert out.getpixel((100, 150))[:3] == want


def test_label_at_top_of_picture_does_not_crash() -> None:
    shapes = shapes_for((10, 0, 100, 80), (), 4, (400, 300), label="stranger")
    render_overlay(grey_picture("PNG"), shapes)


@pytest.mark.parametrize(
    "box",
    [
        (-50.0, -50.0, 100.0, 100.0),
        (350.0, 250.0, 600.0, 500.0),
        (-1e12, -1e12, 1e12, 1e12),
        (1000.0, 1000.0, 1200.0, 1100.0),
        (-500.0, -500.0, -100.0, -100.0),
    ],
)
def test_box_outside_picture_does_not_crash(box: tuple[float, float, float, float]) -> None:
    shapes = shapes_for(box, [(-20, -20), (5000, 10), (1e15, 1e15)], 4, (400, 300), label="x")
    out = opened(render_overlay(grey_picture("PNG"), shapes))
    assert out.size == (400, 300)


def test_partly_outside_box_draws_visible_edges() -> None:
    shapes = shapes_for((-50, -50, 100, 100), (), 3, (400, 300))
    out = opened(render_overlay(grey_picture("PNG"), shapes))
    want = rgb(shapes.colour)
    assert out.getpixel((100, 25))[:3] == want  # right edge
    assert out.getpixel((25, 100))[:3] == want  # bottom edge
    assert out.getpixel((25, 25))[:3] == GREY


def test_render_without_box_or_landmarks_is_unchanged() -> None:
    shapes = shapes_for(None, None, 1, (400, 300))
    out = opened(render_overlay(grey_picture("PNG"), shapes))
    assert out.getcolors() == [(400 * 300, GREY)]


def test_render_rejects_bad_bytes() -> None:
    shapes = shapes_for(BOX, (), 1, None)
    with pytest.raises(ImageError):
        render_overlay(b"not an image", shapes)
    png = bytearray(grey_picture("PNG", (1, 1)))
    png[16:24] = struct.pack(">II", 30000, 30000)
    png[29:33] = struct.pack(">I", zlib.crc32(bytes(png[12:29])))
    with pytest.raises(ImageTooLarge):
        render_overlay(bytes(png), shapes)
