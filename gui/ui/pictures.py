"""Decode event photos into QImages on worker threads without starving the GUI thread.

Qt's own decoding and scaling (``QImage.fromData``, ``QImage.scaled``) run with
the GIL held: a 1080p scene keeps every other Python thread, the GUI thread
included, waiting for 20-30 ms. Pillow decodes and resizes with the GIL
released, so the pixels are made here and only wrapped into a QImage at the
end (one copy). Opening goes through ``gui.core.images.open_image``: the same
formats and pixel limit as the receiver, whatever bytes a box sent.
"""

from __future__ import annotations

from dataclasses import dataclass

from PIL import Image
from PySide6.QtGui import QImage

from gui.core.images import ImageError, load_pixels, open_image

__all__ = ["Preview", "decode_fitted", "decode_picture", "decode_preview", "fit_size"]

_ALPHA_MODES = ("RGBA", "LA", "PA", "RGBa", "La")


def fit_size(width: int, height: int, box_w: int, box_h: int) -> tuple[int, int]:
    """The largest size with ``width:height``'s aspect inside ``box_w`` x ``box_h``.

    Rounds as ``QSize.scaled(..., KeepAspectRatio)`` does, so previews keep the
    sizes they had when Qt scaled them (but a side is never 0).
    """
    box_w, box_h = max(1, box_w), max(1, box_h)
    scaled_w = box_h * width // height
    if scaled_w <= box_w:
        return max(1, scaled_w), box_h
    return box_w, max(1, box_w * height // width)


def _has_alpha(picture: Image.Image) -> bool:
    return picture.mode in _ALPHA_MODES or (picture.mode == "P" and "transparency" in picture.info)


def _to_qimage(picture: Image.Image) -> QImage:
    """One copy into Qt's native 32-bit layout (cheap to turn into a QPixmap later)."""
    if picture.mode == "RGBA":
        data = picture.tobytes("raw", "BGRA")
        fmt = QImage.Format.Format_ARGB32
        width, height = picture.size
        return QImage(data, width, height, width * 4, fmt).copy()
    # Pillow pads "BGRX" with 0x00, but Qt's RGB32 wants 0xFF there: drawn onto a
    # transparent pixmap (the feed's framed face) such a picture came out invisible.
    # "RGBX" is padded with 0xFF; the conversion gives Qt's native layout.
    data = picture.tobytes("raw", "RGBX")
    width, height = picture.size
    image = QImage(data, width, height, width * 4, QImage.Format.Format_RGBX8888)
    return image.convertToFormat(QImage.Format.Format_RGB32)


def _fitted(picture: Image.Image, fit: tuple[int, int]) -> Image.Image | None:
    """``picture`` scaled down to fit ``fit`` (device pixels); None if it fits already."""
    if picture.width <= fit[0] and picture.height <= fit[1]:
        return None
    size = fit_size(picture.width, picture.height, fit[0], fit[1])
    return picture.resize(size, Image.Resampling.BILINEAR, reducing_gap=2.0)


def _decode(
    data: bytes, fit: tuple[int, int] | None, full: bool
) -> tuple[QImage | None, QImage | None] | None:
    """``(full size or None when not wanted and a preview exists, preview)``; None: no picture."""
    try:
        with open_image(data) as im:
            load_pixels(im)
            picture: Image.Image = im
            if picture.mode not in ("RGB", "RGBA"):
                picture = picture.convert("RGBA" if _has_alpha(picture) else "RGB")
            small = _fitted(picture, fit) if fit is not None else None
            preview = None if small is None else _to_qimage(small)
            whole = _to_qimage(picture) if full or preview is None else None
    except (ImageError, OSError, ValueError):
        return None
    return whole, preview


def decode_picture(
    data: bytes, fit: tuple[int, int] | None = None
) -> tuple[QImage, QImage | None] | None:
    """``(full, preview)``; ``preview`` fits ``fit`` (device pixels) when the picture is larger.

    None when the bytes are not a picture we open (corrupt, unsupported, too large).
    """
    decoded = _decode(data, fit, full=True)
    if decoded is None:
        return None
    whole, preview = decoded
    assert whole is not None
    return whole, preview


def decode_fitted(data: bytes, fit: tuple[int, int]) -> QImage | None:
    """The picture scaled down to fit ``fit``, or as it is when it fits (thumbnails).

    Unlike ``decode_picture`` it does not also convert the full-size picture.
    """
    decoded = _decode(data, fit, full=False)
    if decoded is None:
        return None
    whole, preview = decoded
    return preview if preview is not None else whole


@dataclass(frozen=True)
class Preview:
    """A picture decoded for the size it is shown at (``decode_preview``)."""

    #: The picture's own width and height: what overlay coordinates and 1:1 refer to.
    size: tuple[int, int]
    #: Fits the box it was asked for; the whole picture when that already fitted.
    image: QImage
    #: ``image`` is the full resolution: nothing more to decode for zooming in.
    whole: bool


def decode_preview(data: bytes, fit: tuple[int, int]) -> Preview | None:
    """The picture scaled down to fit ``fit`` (device pixels), decoded no larger than needed.

    JPEG's decoder scales by 1/2, 1/4 or 1/8 while it decodes (Pillow's
    ``draft``): a 1080p scene shown in a view about 900 pixels wide is decoded
    at 960x540, a quarter of the pixels, and its full-size copy into a QImage
    (with the GIL held) is never made. The detail pane decodes the full
    resolution (``decode_picture``) only when the user zooms in past this.
    None when the bytes are not a picture we open.
    """
    try:
        with open_image(data) as im:
            size = im.size
            wanted = fit_size(size[0], size[1], fit[0], fit[1])
            if wanted[0] < size[0] or wanted[1] < size[1]:
                im.draft("RGB", wanted)  # a no-op for formats other than JPEG
            load_pixels(im)
            picture: Image.Image = im
            if picture.mode not in ("RGB", "RGBA"):
                picture = picture.convert("RGBA" if _has_alpha(picture) else "RGB")
            small = _fitted(picture, fit)
            whole = small is None and picture.size == size
            image = _to_qimage(picture if small is None else small)
    except (ImageError, OSError, ValueError):
        return None
    return Preview(size, image, whole)
