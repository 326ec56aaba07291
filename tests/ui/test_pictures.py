"""Photos decoded with Pillow into QImages (off the GUI thread, GIL released)."""

from __future__ import annotations

import base64
import io
import json
from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QColor, QImage

from gui.ui.pictures import decode_fitted, decode_picture, decode_preview, fit_size

SAMPLES = Path(__file__).resolve().parents[2] / "assets" / "samples"


def _encoded(mode: str, size: tuple[int, int], colour: object, fmt: str) -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, colour).save(out, fmt)
    return out.getvalue()


@pytest.mark.parametrize(
    ("size", "box"),
    [((1920, 1080), (800, 600)), ((1080, 1920), (300, 300)), ((177, 204), (52, 52)),
     ((1000, 100), (52, 52)), ((640, 480), (641, 481))],
)  # fmt: skip
def test_fit_size_matches_qt_keep_aspect_ratio(size: tuple[int, int], box: tuple[int, int]) -> None:
    expected = QSize(*size).scaled(QSize(*box), Qt.AspectRatioMode.KeepAspectRatio)
    assert fit_size(*size, *box) == (expected.width(), expected.height())


def test_fit_size_never_collapses_to_nothing() -> None:
    assert fit_size(1000, 10, 52, 52) == (52, 1)  # Qt would give 52x0, a null image


def test_scene_decodes_full_size_with_a_preview_that_fits() -> None:
    event = json.loads((SAMPLES / "employee_match.json").read_text(encoding="utf-8"))
    data = base64.b64decode(event["spot_pic"])
    reference = QImage.fromData(data)
    full, preview = decode_picture(data, (800, 600))
    assert full.size() == reference.size()
    assert full.format() == QImage.Format.Format_RGB32
    assert preview is not None
    assert (preview.width(), preview.height()) == fit_size(
        reference.width(), reference.height(), 800, 600
    )
    # same pixels as Qt's decoder gives (JPEG decoders may differ by a step or two)
    for x, y in ((10, 10), (960, 540), (1900, 1070)):
        a, b = QColor(full.pixel(x, y)), QColor(reference.pixel(x, y))
        assert abs(a.red() - b.red()) <= 8 and abs(a.green() - b.green()) <= 8
        assert abs(a.blue() - b.blue()) <= 8


def test_scene_preview_is_decoded_at_a_reduced_size(monkeypatch: pytest.MonkeyPatch) -> None:
    """The detail pane's scene: JPEG scales while decoding, so a 1080p frame shown in
    an 800x600 view is decoded at 960x540 and never converted at full size."""
    from gui.ui import pictures

    event = json.loads((SAMPLES / "employee_match.json").read_text(encoding="utf-8"))
    data = base64.b64decode(event["spot_pic"])
    decoded: list[tuple[int, int]] = []
    load = pictures.load_pixels
    monkeypatch.setattr(pictures, "load_pixels", lambda im: decoded.append(im.size) or load(im))
    preview = decode_preview(data, (800, 600))
    assert preview is not None
    assert decoded == [(960, 540)]
    assert preview.size == (1920, 1080) and not preview.whole
    assert (preview.image.width(), preview.image.height()) == fit_size(1920, 1080, 800, 600)
    assert preview.image.format() == QImage.Format.Format_RGB32
    full, reference = decode_picture(data)[0], decode_picture(data, (800, 600))[1]
    assert reference is not None and full.size() == QSize(1920, 1080)
    # the same picture as scaling the full decode gives, give or take the resampling
    differences = [
        abs(a - b)
        for x in range(5, 800, 40)
        for y in range(5, 450, 40)
        for a, b in zip(
            QColor(preview.image.pixel(x, y)).getRgb()[:3],
            QColor(reference.pixel(x, y)).getRgb()[:3],
            strict=True,
        )
    ]
    assert sum(differences) / len(differences) < 6


def test_preview_of_a_picture_that_fits_is_the_whole_picture() -> None:
    small = decode_preview(_encoded("RGB", (40, 30), (200, 10, 20), "PNG"), (52, 52))
    assert small is not None and small.whole and small.size == (40, 30)
    assert QColor(small.image.pixel(5, 5)).getRgb()[:3] == (200, 10, 20)
    big = decode_preview(_encoded("RGBA", (400, 200), (0, 0, 255, 128), "PNG"), (52, 52))
    assert big is not None and not big.whole and big.size == (400, 200)
    assert (big.image.width(), big.image.height()) == (52, 26) and big.image.hasAlphaChannel()
    assert decode_preview(b"not a picture", (52, 52)) is None


def test_small_picture_has_no_preview_and_keeps_its_colour() -> None:
    full, preview = decode_picture(_encoded("RGB", (40, 30), (200, 10, 20), "PNG"), (52, 52))
    assert preview is None
    assert full.size() == QSize(40, 30)
    assert QColor(full.pixel(5, 5)).getRgb()[:3] == (200, 10, 20)


def test_transparency_and_grey_pictures() -> None:
    full, _ = decode_picture(_encoded("RGBA", (8, 8), (0, 0, 255, 128), "PNG"))
    assert full.hasAlphaChannel()
    assert QColor.fromRgba(full.pixel(1, 1)).alpha() == 128
    grey, _ = decode_picture(_encoded("L", (8, 8), 77, "JPEG"))
    assert abs(QColor(grey.pixel(1, 1)).red() - 77) <= 2


@pytest.mark.parametrize("data", [b"", b"not a picture", b"\xff\xd8\xff\xe0" + b"\0" * 40])
def test_garbage_is_none(data: bytes) -> None:
    assert decode_picture(data, (52, 52)) is None


def test_fitted_thumbnail_is_the_preview_or_the_picture_itself() -> None:
    data = _encoded("RGB", (400, 200), (10, 200, 30), "PNG")
    _full, preview = decode_picture(data, (52, 52))
    fitted = decode_fitted(data, (52, 52))
    assert fitted is not None and preview is not None and fitted == preview
    small = _encoded("RGB", (40, 30), (200, 10, 20), "PNG")
    assert decode_fitted(small, (52, 52)) == decode_picture(small)[0]
    assert decode_fitted(b"not a picture", (52, 52)) is None


def test_an_opaque_picture_stays_opaque_drawn_on_a_transparent_pixmap(qapp: object) -> None:
    """Qt's RGB32 wants 0xFF in the pad byte; with Pillow's 0x00 the feed's framed face
    (a thumbnail drawn onto a transparent tile) came out invisible."""
    import io

    from PIL import Image
    from PySide6.QtGui import QImage, QPainter

    from gui.ui.pictures import decode_fitted

    buffer = io.BytesIO()
    Image.new("RGB", (200, 100), (200, 120, 40)).save(buffer, "JPEG")
    picture = decode_fitted(buffer.getvalue(), (52, 52))
    assert picture is not None
    tile = QImage(52, 52, QImage.Format.Format_ARGB32_Premultiplied)
    tile.fill(0)
    painter = QPainter(tile)
    painter.drawImage(0, 0, picture)
    painter.end()
    colour = tile.pixelColor(10, 10)
    assert colour.alpha() == 255, colour.name(colour.NameFormat.HexArgb)
    assert abs(colour.red() - 200) < 12 and abs(colour.green() - 120) < 12
