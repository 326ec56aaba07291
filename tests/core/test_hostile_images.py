"""Hostile input, image class: a picture under the pixel limit is stored and served, cheaply.

A 49 MP RGBA PNG is legal (under ``MAX_PIXELS``) and compresses to under a MB;
thumbnailing it used to take about 1 GB. Decoding is reduced or bounded (a
shared budget in bytes), the waiting thumbnail work is bounded in bytes, and
overlays of huge pictures are drawn on a reduced copy.
"""

from __future__ import annotations

import base64
import copy
import io
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from PIL import Image

from gui.core import images, overlay, thumbnails
from gui.core.model import DecodedImage
from tests.conftest import Client, load_sample

pytestmark = pytest.mark.timeout(180)

SIDE = 7000  # 49 MP


@pytest.fixture(scope="module")
def big_png(tmp_path_factory: pytest.TempPathFactory) -> Path:
    gradient = Image.linear_gradient("L").resize((SIDE, SIDE))
    rgba = Image.merge("RGBA", (gradient, gradient.rotate(90), gradient, gradient))
    path = tmp_path_factory.mktemp("png") / "big.png"
    rgba.save(path, "PNG", compress_level=1)
    return path


_MEASURE = """
import resource, sys
data = open(sys.argv[1], "rb").read()
from gui.core import images, overlay
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
if sys.argv[2] == "thumb":
    out = images.make_thumbnail(data)
else:
    shapes = overlay.shapes_for([3000, 3000, 3500, 3600], [[3100, 3100]] * 5, 3, (7000, 7000))
    out = overlay.render_overlay(data, shapes)
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print((peak - base) // 1024, len(out))
"""


def _extra_memory_mb(path: Path, what: str) -> tuple[int, int]:
    done = subprocess.run(
        [sys.executable, "-c", _MEASURE, str(path), what],
        capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    mb, size = done.stdout.split()
    return int(mb), int(size)


def test_thumbnail_of_a_49_mp_rgba_png_stays_small(big_png: Path) -> None:
    mb, size = _extra_memory_mb(big_png, "thumb")
    # The decoded picture alone is 196 MB; it used to take ~930 MB more.
    assert mb < 320, f"{mb} MB to thumbnail a 49 MP PNG"
    assert size > 0


def test_overlay_of_a_49_mp_png_is_drawn_reduced(big_png: Path) -> None:
    mb, _size = _extra_memory_mb(big_png, "overlay")
    assert mb < 360, f"{mb} MB to draw an overlay on a 49 MP PNG"
    shapes = overlay.shapes_for([3000, 3000, 3500, 3600], None, 3, (SIDE, SIDE))
    with Image.open(io.BytesIO(overlay.render_overlay(big_png.read_bytes(), shapes))) as out:
        assert out.size[0] * out.size[1] <= overlay.OVERLAY_MAX_PIXELS
        assert out.size[0] >= SIDE // 2


def test_a_49_mp_png_is_stored_and_served(client: Client, big_png: Path) -> None:
    event = copy.deepcopy(load_sample("stranger"))
    event["timestamp"] = 1_700_000_123_000
    event["spot_pic"] = base64.b64encode(big_png.read_bytes()).decode()
    reply = client.post_json("/EventServer/api/HistoryEvent", event)
    assert reply.status == 200 and reply.json()["events"][0]["warnings"] == []
    event_id = reply.json()["events"][0]["id"]
    base = f"/api/events/{event_id}/images/spot_pic"
    original = client.get(base)
    assert original.status == 200 and original.body == big_png.read_bytes()
    thumb = client.get(base + "?thumb=1")
    assert thumb.status == 200
    with Image.open(io.BytesIO(thumb.body)) as im:
        assert max(im.size) <= 160
    drawn = client.get(base + "?overlay=1")
    assert drawn.status == 200 and drawn.body[:4] == b"\x89PNG"


def test_the_decode_budget_is_never_exceeded() -> None:
    budget = images._DecodeBudget(100)
    peak = [0]
    lock = threading.Lock()

    def work(n: int) -> None:
        with budget.hold(n):
            with lock:
                peak[0] = max(peak[0], budget.in_use)
            time.sleep(0.01)

    threads = [threading.Thread(target=work, args=(n,)) for n in (60, 50, 40, 30, 500, 10) * 3]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert peak[0] <= 100 and budget.in_use == 0


def test_waiting_thumbnail_work_is_bounded_in_bytes() -> None:
    maker = thumbnails.Thumbnailer(store=None, announce=lambda _m: None)  # type: ignore[arg-type]
    photo = bytes(40 * 1024 * 1024)
    for event_id in range(20):
        image = DecodedImage("spot_pic", ("spot_pic",), photo, "PNG", SIDE, SIDE)
        maker._queue_idle([image], event_id, len(photo))
    assert maker._idle_bytes <= thumbnails.MAX_IDLE_BYTES
    assert [event_id for _images, event_id in maker._idle][-1] == 19  # the newest kept
    assert maker._idle_bytes == sum(len(i[0][0].data) for i in maker._idle)


def test_reduced_keeps_the_mode_and_size(tmp_path: Path) -> None:
    im = Image.new("RGBA", (1000, 600), (10, 20, 30, 40))
    small = images.reduced(im, 4)
    assert small.mode == "RGBA" and small.size == (250, 150)
    assert small.getpixel((10, 10)) == (10, 20, 30, 40)
