"""How the step-through writes numbers: short enough for a table cell (three
significant figures), a little longer in the explanations, with a real minus
sign, subscripts for indices (``x₃₅₀``) and powers of ten instead of ``e``
notation, which learners rarely know. Qt-free, so the explanations can be
built and tested as plain strings.
"""

from __future__ import annotations

import math

MINUS = "−"
_SUBSCRIPTS = str.maketrans("0123456789-", "₀₁₂₃₄₅₆₇₈₉₋")
_SUPERSCRIPTS = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def subscript(index: int | str) -> str:
    """``350`` → ``₃₅₀``."""
    return str(index).translate(_SUBSCRIPTS)


def number(value: float, significant: int = 3) -> str:
    """``value`` to ``significant`` figures: ``3.21``, ``−0.0412``, ``123``,
    ``4.5×10⁻⁹`` for the very small and very large."""
    value = float(value)
    if value == 0 or not math.isfinite(value):
        return "0" if value == 0 else str(value)
    magnitude = abs(value)
    if magnitude < 1e-3 or magnitude >= 1e6:
        mantissa, exponent = f"{value:.{significant - 1}e}".split("e")
        text = f"{mantissa}×10{str(int(exponent)).translate(_SUPERSCRIPTS)}"
    else:
        decimals = max(0, significant - 1 - math.floor(math.log10(magnitude)))
        text = f"{value:.{decimals}f}"
        if float(text) == 0:
            text = f"{value:.{significant - 1}e}"
    return text.replace("-", MINUS)


def cell(value: float) -> str:
    """For a cell of a layer's table, where the numbers line up: three
    significant figures from 1 up, three decimals below (``0.342``,
    ``−0.011``), so a column of weights reads at a glance."""
    value = float(value)
    if abs(value) >= 1 or value == 0 or not math.isfinite(value):
        return number(value)
    return f"{value:.3f}".replace("-", MINUS)


def precise(value: float) -> str:
    """For the explanations: four significant figures."""
    return number(value, 4)


def signed(value: float, significant: int = 3) -> str:
    """With its sign always written: ``+0.25``, ``−0.18``."""
    text = number(value, significant)
    return text if text.startswith(MINUS) else f"+{text}"


def bracketed(value: float, significant: int = 3) -> str:
    """A number to put after an operator: negative ones in brackets, ``× (−0.31)``."""
    text = number(value, significant)
    return f"({text})" if text.startswith(MINUS) else text


def percent(probability: float) -> str:
    """``0.0164`` → ``1.64%``; tiny ones stay readable (``3.1×10⁻⁶%``)."""
    return f"{number(probability * 100, 3)}%"


# Qt wraps a rich-text tooltip narrowly, into a tall column; explanations of
# a few sentences read better at about 60 characters a line.
TIP_WIDTH = 380


def wide_tip(rich_text: str) -> str:
    """``rich_text`` laid out as a tooltip about ``TIP_WIDTH`` pixels wide."""
    return f"<table width='{TIP_WIDTH}' cellpadding='0'><tr><td>{rich_text}</td></tr></table>"

