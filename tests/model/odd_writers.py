"""Synthetic writers the bundled model reads badly, for measuring instant
personal learning (``scripts/bench_personal.py``) and testing it: each
writer has a consistent unusual habit — strong slant, squeezed or wide
digits, angular (few-point) strokes, a bent baseline (top-heavy or
bottom-heavy digits), and the continental/open styles of
``digitpad.data.ink.digit_templates.STYLE_VARIANTS`` — applied to the pen
templates with a little random variation per digit. No real handwriting.
"""

from __future__ import annotations

import numpy as np

from digitpad.data.handwriting.collections import WrittenDigit
from digitpad.data.ink.digit_templates import template_paths
from digitpad.data.ink.strokes import evenly_spaced

# Each writer: styles for some digits, slant, width factor, points per digit
# height (None: smooth), vertical warp exponent (y -> y ** warp) and rotation.
ODD_WRITERS = {
    "slanted": {"styles": {1: "continental 1", 7: "continental 7"}, "slant": 0.6, "width": 0.8,
                "points": None, "warp": 1.0, "turn": 0.0},
    "squeezed": {"styles": {4: "open 4"}, "slant": -0.25, "width": 0.35, "points": 4, "warp": 1.0,
                 "turn": 0.0},
    "wide": {"styles": {2: "looped 2"}, "slant": 0.0, "width": 1.8, "points": None, "warp": 0.6,
             "turn": 0.0},
    "angular": {"styles": {1: "continental 1", 4: "open 4"}, "slant": 0.3, "width": 1.2, "points": 2.5,
                "warp": 1.6, "turn": 0.0},
    "tilted": {"styles": {7: "continental 7"}, "slant": 0.0, "width": 1.0, "points": None, "warp": 1.0,
               "turn": 0.45},
    "top-heavy": {"styles": {}, "slant": -0.45, "width": 1.3, "points": 3, "warp": 0.45, "turn": -0.2},
}


def odd_digit(label: int, writer: str, rng: np.random.Generator) -> WrittenDigit:
    """One digit ``label`` in ``writer``'s habit (see ``ODD_WRITERS``)."""
    habits = ODD_WRITERS[writer]
    style = habits["styles"].get(label, label)
    slant = habits["slant"] + rng.normal(0, 0.04)
    width = habits["width"] * rng.uniform(0.9, 1.1)
    turn = habits["turn"] + rng.normal(0, 0.04)
    cos, sin = np.cos(turn), np.sin(turn)
    strokes = []
    for path in template_paths(style):
        if habits["points"] is not None:
            path = evenly_spaced(path, habits["points"])
        knots, position = np.linspace(0, 1, 5), np.linspace(0, 1, len(path))
        wobble = [np.interp(position, knots, rng.normal(0, 0.03, 5)) for _ in range(2)]
        ys = np.clip(path[:, 1], 0, 1) ** habits["warp"] + wobble[1]
        xs = path[:, 0] * width + slant * (1.0 - ys) + wobble[0]
        xs, ys = cos * xs - sin * ys, sin * xs + cos * ys
        points = np.stack([xs * 100 + 200, ys * 100 + 200, np.ones(len(path))], axis=1)
        strokes.append(points.astype(np.float32))
    name = style if isinstance(style, str) else writer
    return WrittenDigit(label, writer, tuple(strokes), name, None)


def odd_writers(samples: int = 8, seed: int = 0, writers=tuple(ODD_WRITERS)) -> list[WrittenDigit]:
    """``samples`` of every digit by each of ``writers``; the same seed, the same digits."""
    rng = np.random.default_rng(seed)
    return [odd_digit(label, writer, rng) for writer in writers for label in range(10)
            for _ in range(samples)]
