"""The fast base64 path decodes exactly what strict binascii decodes, and nothing else.

``images._strict_b64decode`` uses pybase64 when installed; the protocol's
promises (bad base64 is a warning, ``/raw`` gives back the same string) rest on
it behaving like ``binascii.a2b_base64(strict_mode=True)``.
"""

from __future__ import annotations

import base64
import binascii
import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gui.core import images
from gui.core.model import ImageSource
from tests.conftest import load_sample

_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/="


def _binascii(text: str) -> bytes | None:
    try:
        return binascii.a2b_base64(text, strict_mode=True)
    except ValueError:
        return None


def _fast(text: str) -> bytes | None:
    try:
        return images._strict_b64decode(text)
    except ValueError:
        return None


def test_the_fast_path_is_installed() -> None:
    """A dependency: without it each 400 KB scene costs ~1 ms of GIL before the reply."""
    assert images.pybase64 is not None


@settings(max_examples=2000, deadline=None)
@given(
    st.text(alphabet=st.sampled_from(_ALPHABET), max_size=24)
    | st.text(alphabet=st.sampled_from(_ALPHABET + "-_ \n\r\t.:é\udc80\x00"), max_size=24)
)
def test_same_result_as_strict_binascii(text: str) -> None:
    assert _fast(text) == _binascii(text)


@pytest.mark.parametrize("size", [0, 1, 2, 3, 1000, 311_600])
def test_canonical_strings_of_any_length(size: int) -> None:
    data = os.urandom(size)
    text = base64.b64encode(data).decode()
    assert _fast(text) == data
    assert _fast(text + "=") == _binascii(text + "=")
    assert _fast(text[:-1] + "\n") is None


def test_sample_images_decode_the_same_with_and_without_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    event = load_sample("employee_match")
    sources = [
        ImageSource(kind=kind, json_path=(kind,), text=event[kind])
        for kind in ("spot_pic", "reg_pic", "ir_pic", "recognize_face")
    ]
    fast = [images.decode_image(s) for s in sources]
    monkeypatch.setattr(images, "pybase64", None)
    assert [images.decode_image(s) for s in sources] == fast
