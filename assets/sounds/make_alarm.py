"""Writes ``alarm.wav``: a clean two-tone chime, 1 s, made to loop without a click.

Each tone fades in and out over 10 ms so the loop seam and the tone change are
silent edges rather than clicks. Run ``python assets/sounds/make_alarm.py``.
"""

from __future__ import annotations

import math
import struct
import wave
from pathlib import Path

RATE = 22050
TONES = ((880.0, 0.5), (660.0, 0.5))  # Hz, seconds
FADE_S = 0.01
LEVEL = 0.6


def samples() -> bytes:
    out = bytearray()
    for freq, seconds in TONES:
        n = int(RATE * seconds)
        fade = int(RATE * FADE_S)
        for i in range(n):
            env = min(1.0, i / fade, (n - 1 - i) / fade)
            wave_value = math.sin(2 * math.pi * freq * i / RATE)
            wave_value += 0.25 * math.sin(2 * math.pi * 2 * freq * i / RATE)  # a little brightness
            v = LEVEL * env * wave_value / 1.25
            out += struct.pack("<h", int(max(-1.0, min(1.0, v)) * 32767))
    return bytes(out)


def main() -> None:
    path = Path(__file__).with_name("alarm.wav")
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(samples())


if __name__ == "__main__":
    main()
