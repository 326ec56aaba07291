"""Box times in seconds, milliseconds or microseconds -> milliseconds, per field.

Firmware disagrees with its own tables (FIRMWARE_VARIANTS.md §6): pushed
``timestamp`` is milliseconds, ``identity_info.addTime`` and pulled records are
float seconds, V6 ``event_id`` looks like microseconds. The magnitude decides:
below 1e11 is seconds, above 1e14 microseconds, otherwise milliseconds — but
only when the result is a plausible date (years 2000 to 2100). Anything else is
kept as sent, so a broken clock is shown as broken rather than silently "fixed".
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal, InvalidOperation
from typing import Any

__all__ = ["MAX_MS", "MICROS", "MILLIS", "MIN_MS", "SECONDS", "TimeValue", "read_time"]

#: 2000-01-01T00:00:00Z and 2100-01-01T00:00:00Z in ms: the plausible range.
MIN_MS = 946_684_800_000
MAX_MS = 4_102_444_800_000

SECONDS, MILLIS, MICROS = "s", "ms", "us"
_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1


@dataclass(frozen=True, slots=True)
class TimeValue:
    """One time field read: ``ms`` to store, the ``unit`` it was in, and the raw value.

    ``plausible`` is False when no unit gives a date in 2000–2100; ``ms`` is
    then the value as sent (as an integer), or None when it does not fit 64 bits.
    """

    ms: int | None
    unit: str | None
    plausible: bool
    raw: Any


def _number(value: Any) -> int | float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, str):
        text = value.strip()
        try:
            return int(text)
        except ValueError:
            pass
        try:
            number = float(text)
        except ValueError:
            return None
        return number if math.isfinite(number) else None
    return None


def _seconds_to_ms(value: Any, number: int | float) -> int:
    """Whole milliseconds, truncated from the decimal text as the box truncates when it pushes.

    A record's ``1700000123.4569`` is the push's ``1700000123456``: rounding would
    give ...457, and ``number * 1000`` in binary floats can give ...455.999.
    """
    text = value.strip() if isinstance(value, str) else repr(number)
    try:
        exact = Decimal(text) * 1000
    except InvalidOperation:
        return math.floor(number * 1000)
    return int(exact.to_integral_value(rounding=ROUND_FLOOR))


def read_time(value: Any) -> TimeValue | None:
    """Read a time field; None when it is not a number at all (or does not fit 64 bits)."""
    number = _number(value)
    if number is None:
        return None
    magnitude = abs(number)
    if magnitude < 1e11:
        unit, ms = SECONDS, _seconds_to_ms(value, number)
    elif magnitude > 1e14:
        unit, ms = MICROS, int(number // 1000)
    else:
        unit, ms = MILLIS, int(number)
    if MIN_MS <= ms <= MAX_MS:
        return TimeValue(ms, unit, True, value)
    as_sent = int(number)
    if not _INT64_MIN <= as_sent <= _INT64_MAX:
        return None
    return TimeValue(as_sent, None, False, value)
