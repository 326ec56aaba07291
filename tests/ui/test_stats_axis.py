"""The statistics charts' count axis: ticks on whole numbers at any scale."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.mark.parametrize("largest", [0, 1, 2, 3, 5, 7, 12, 37, 180, 999, 12345])
def test_count_axis_ticks_are_whole_numbers_covering_the_largest(qapp: Any, largest: int) -> None:
    from gui.ui.history.stats_page import count_axis

    axis = count_axis(largest)
    assert axis.min() == 0 and axis.max() >= max(1, largest)
    step = (axis.max() - axis.min()) / (axis.tickCount() - 1)
    assert step == int(step) and step >= 1
    assert 2 <= axis.tickCount() <= 6
