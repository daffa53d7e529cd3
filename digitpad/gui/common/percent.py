"""Probabilities as a person reads them: a percentage with a fixed number of
decimals that never claims certainty the network does not have. Calibrated
probabilities of a clear digit are 0.9999 and more, which rounds to
"100.0%": shown as ">99.9%" instead, and a probability that is small but not
zero as "<0.1%", so "100%" and "0%" mean exactly that."""

from __future__ import annotations


def percent(probability: float, decimals: int = 1) -> str:
    """``probability`` in [0, 1] as ``"93.4%"``, ``">99.9%"`` or ``"<0.1%"``."""
    value = float(probability) * 100
    shown = f"{value:.{decimals}f}"
    step = 10.0 ** -decimals
    if float(shown) >= 100 and probability < 1:
        return f">{100 - step:.{decimals}f}%"
    if float(shown) <= 0 and probability > 0:
        return f"<{step:.{decimals}f}%"
    return f"{shown}%"
