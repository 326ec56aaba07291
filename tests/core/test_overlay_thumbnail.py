"""``?overlay=1&thumb=1``: a thumbnail with the face box and landmarks drawn on."""

from __future__ import annotations

import io

from PIL import Image, ImageChops

from gui.core import images
from tests.conftest import Client, load_sample

HISTORY = "/EventServer/api/HistoryEvent"


def _jpeg(client: Client, path: str) -> bytes:
    reply = client.get(path)
    assert reply.status == 200, (path, reply.body[:200])
    assert reply.headers["Content-Type"] == "image/jpeg"
    return reply.body


def test_thumbnail_with_overlay_is_the_overlay_picture_made_small(client: Client) -> None:
    assert client.post_json(HISTORY, load_sample("blacklist")).status == 200
    event_id = client.get_json("/api/events?limit=1")["events"][0]["id"]
    base = f"/api/events/{event_id}/images/spot_pic"

    drawn_thumb = _jpeg(client, base + "?overlay=1&thumb=1")
    plain_thumb = _jpeg(client, base + "?thumb=1")
    drawn_full = _jpeg(client, base + "?overlay=1")

    small = Image.open(io.BytesIO(drawn_thumb))
    assert max(small.size) <= 160
    assert small.size == Image.open(io.BytesIO(plain_thumb)).size
    # Exactly the thumbnail of the full picture with the overlay...
    assert drawn_thumb == images.make_thumbnail(drawn_full)
    # ...which is not the plain thumbnail: the box and landmarks are on it.
    diff = ImageChops.difference(small.convert("RGB"),
                                 Image.open(io.BytesIO(plain_thumb)).convert("RGB"))  # fmt: skip
    assert max(channel[1] for channel in diff.getextrema()) > 30


def test_overlay_applies_to_the_scene_photo_only(client: Client) -> None:
    assert client.post_json(HISTORY, load_sample("blacklist")).status == 200
    event_id = client.get_json("/api/events?limit=1")["events"][0]["id"]
    base = f"/api/events/{event_id}/images/reg_pic"
    if client.get(base).status == 200:
        assert _jpeg(client, base + "?overlay=1&thumb=1") == _jpeg(client, base + "?thumb=1")
