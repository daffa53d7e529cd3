"""Percentages never round a probability to certainty or to impossibility."""

import pytest

from digitpad.gui.common.percent import percent


@pytest.mark.parametrize("probability, decimals, shown", [
    (0.934, 1, "93.4%"), (1.0, 1, "100.0%"), (0.0, 1, "0.0%"), (0.99996, 1, ">99.9%"),
    (0.00004, 1, "<0.1%"), (0.9996, 0, ">99%"), (0.004, 0, "<1%"), (0.5, 0, "50%"), (0.9994, 1, "99.9%"),
])
def test_percent(probability, decimals, shown):
    assert percent(probability, decimals) == shown
