"""Pen trajectories of the ten digits as a person might write them, defined
by a few control points each (smoothed with Catmull-Rom splines) in a unit
box, and turned into ``Stroke`` objects at any position, size, slant and pen
width. The self-test draws one on the real canvas; tests and the evaluation
scripts use them to exercise the whole drawing-to-prediction pipeline.
"""

from __future__ import annotations

import numpy as np

from digitpad.data.ink.strokes import Stroke

# Each digit is a list of strokes; a stroke is (control points, smooth?).
# Coordinates: x in [0, 0.75] (digits are taller than wide), y in [0, 1] downwards.
TEMPLATES: dict[int, list[tuple[list[tuple[float, float]], bool]]] = {
    0: [([(0.375, 0.0), (0.12, 0.12), (0.03, 0.5), (0.13, 0.88), (0.375, 1.0), (0.62, 0.88),
          (0.72, 0.5), (0.63, 0.12), (0.375, 0.0), (0.28, 0.04)], True)],
    1: [([(0.44, 0.0), (0.36, 1.0)], False)],
    2: [([(0.06, 0.22), (0.2, 0.04), (0.42, 0.0), (0.62, 0.1), (0.65, 0.3), (0.5, 0.55),
          (0.26, 0.8), (0.05, 1.0), (0.36, 0.97), (0.73, 0.98)], True)],
    3: [([(0.08, 0.1), (0.35, 0.0), (0.62, 0.08), (0.64, 0.28), (0.42, 0.45), (0.3, 0.47),
          (0.44, 0.49), (0.68, 0.62), (0.7, 0.85), (0.45, 1.0), (0.2, 0.98), (0.04, 0.86)], True)],
    4: [([(0.52, 0.0), (0.04, 0.66), (0.75, 0.64)], False),
        ([(0.58, 0.18), (0.55, 1.0)], False)],
    5: [([(0.14, 0.02), (0.1, 0.45)], False),
        ([(0.1, 0.45), (0.36, 0.37), (0.62, 0.48), (0.7, 0.74), (0.52, 0.96), (0.26, 1.0),
          (0.04, 0.88)], True),
        ([(0.14, 0.02), (0.7, 0.0)], False)],
    6: [([(0.6, 0.0), (0.36, 0.14), (0.13, 0.45), (0.06, 0.75), (0.2, 0.97), (0.45, 1.0),
          (0.66, 0.85), (0.63, 0.62), (0.4, 0.52), (0.16, 0.61), (0.08, 0.74)], True)],
    7: [([(0.02, 0.02), (0.72, 0.0), (0.3, 1.0)], False)],
    8: [([(0.6, 0.1), (0.38, 0.0), (0.13, 0.1), (0.15, 0.32), (0.38, 0.48), (0.64, 0.65),
          (0.68, 0.88), (0.4, 1.0), (0.1, 0.9), (0.1, 0.68), (0.38, 0.48), (0.62, 0.3),
          (0.62, 0.12), (0.5, 0.03)], True)],
    9: [([(0.68, 0.2), (0.45, 0.0), (0.16, 0.07), (0.08, 0.28), (0.24, 0.47), (0.52, 0.43),
          (0.68, 0.2)], True),
        ([(0.68, 0.17), (0.65, 0.6), (0.6, 1.0)], False)],
}


# Writing styles MNIST's (mostly American) writers rarely use; the
# handwriting-adaptation report uses them as an unusual writer's digits.
STYLE_VARIANTS: dict[str, tuple[int, list[tuple[list[tuple[float, float]], bool]]]] = {
    "continental 1": (1, [([(0.1, 0.34), (0.5, 0.0), (0.46, 1.0)], False)]),
    "continental 7": (7, [([(0.02, 0.05), (0.72, 0.0), (0.32, 1.0)], False),
                          ([(0.2, 0.52), (0.66, 0.48)], False)]),
    "open 4": (4, [([(0.16, 0.0), (0.08, 0.62), (0.75, 0.6)], False),
                   ([(0.58, 0.16), (0.58, 1.0)], False)]),
    "looped 2": (2, [([(0.06, 0.22), (0.22, 0.03), (0.45, 0.0), (0.62, 0.12), (0.6, 0.36), (0.4, 0.62),
                       (0.17, 0.85), (0.13, 0.96), (0.27, 0.98), (0.31, 0.87), (0.19, 0.84), (0.11, 0.93),
                       (0.32, 1.0), (0.74, 0.97)], True)]),
}


def _catmull_rom(points: np.ndarray, samples_per_segment: int) -> np.ndarray:
    """A smooth curve through ``points`` ``(n, 2)`` (centripetal tension 0.5)."""
    padded = np.vstack([points[0], points, points[-1]])
    pieces = []
    ts = np.linspace(0.0, 1.0, samples_per_segment, endpoint=False)[:, None]
    for index in range(1, len(padded) - 2):
        before, start, end, after = padded[index - 1:index + 3]
        pieces.append(0.5 * ((2 * start) + (-before + end) * ts
                             + (2 * before - 5 * start + 4 * end - after) * ts ** 2
                             + (-before + 3 * start - 3 * end + after) * ts ** 3))
    pieces.append(points[-1:])
    return np.vstack(pieces)


def _polyline(points: np.ndarray, samples_per_segment: int) -> np.ndarray:
    ts = np.linspace(0.0, 1.0, samples_per_segment, endpoint=False)[:, None]
    pieces = [start + (end - start) * ts for start, end in zip(points[:-1], points[1:])]
    return np.vstack(pieces + [points[-1:]])


def template_paths(digit: int | str, samples_per_segment: int = 12) -> list[np.ndarray]:
    """The strokes of a digit (or of a style in ``STYLE_VARIANTS``, by name)
    as dense ``(n, 2)`` point arrays in the unit box."""
    template = STYLE_VARIANTS[digit][1] if isinstance(digit, str) else TEMPLATES[digit]
    paths = []
    for control, smooth in template:
        points = np.asarray(control, dtype=np.float64)
        make = _catmull_rom if smooth else _polyline
        paths.append(make(points, samples_per_segment))
    return paths


def digit_strokes(digit: int | str, left: float, top: float, height: float, pen_width: float,
                  slant: float = 0.0, width_scale: float = 1.0,
                  rng: np.random.Generator | None = None, jitter: float = 0.0) -> list[Stroke]:
    """``Stroke`` objects writing ``digit`` with its box's top-left corner at
    ``(left, top)`` and the given ``height`` (canvas pixels).

    ``slant`` shears the digit (positive leans right), ``width_scale``
    stretches it horizontally, and ``jitter`` (a fraction of the height) adds
    smooth random wobble drawn from ``rng``.
    """
    strokes = []
    for path in template_paths(digit):
        xs = path[:, 0] * width_scale + slant * (1.0 - path[:, 1])
        ys = path[:, 1].copy()
        if jitter and rng is not None:
            # Low-frequency wobble: random offsets at a few knots, interpolated.
            knots = np.linspace(0, 1, 5)
            position = np.linspace(0, 1, len(path))
            xs += np.interp(position, knots, rng.normal(0, jitter, 5))
            ys += np.interp(position, knots, rng.normal(0, jitter, 5))
        points = np.stack([left + xs * height, top + ys * height, np.ones(len(path))], axis=1)
        strokes.append(Stroke(float(pen_width), points.astype(np.float32)))
    return strokes


def number_strokes(text: str, left: float, top: float, height: float, pen_width: float,
                   gap: float = 0.3, width_scales: dict[int, float] | None = None,
                   slant: float = 0.0) -> list[Stroke]:
    """Strokes writing the digits of ``text`` left to right, ``gap`` (a
    fraction of ``height``) apart; ``width_scales`` widens chosen digits
    (``{0: 1.6}`` writes a wide 0)."""
    strokes: list[Stroke] = []
    cursor = left
    for character in text:
        digit = int(character)
        scale = (width_scales or {}).get(digit, 1.0)
        xs = np.concatenate([path[:, 0] for path in template_paths(digit)]) * scale
        offset = cursor - xs.min() * height
        strokes += digit_strokes(digit, offset, top, height, pen_width, slant=slant, width_scale=scale)
        cursor += (xs.max() - xs.min()) * height + gap * height
    return strokes


def random_ink(style: int | str, rng: np.random.Generator, pen_fraction=(0.03, 0.15),
               height=(80.0, 400.0)) -> np.ndarray:
    """One rendering of a digit template (or named style) as a person might
    write it: random size, pen width (a fraction of the height), slant,
    width and wobble. Returns the canvas ink, ``(H, W)`` float32."""
    from digitpad.data.ink.strokes import render_strokes

    digit_height = rng.uniform(*height)
    strokes = digit_strokes(style, 20, 20, digit_height, rng.uniform(*pen_fraction) * digit_height,
                            slant=rng.uniform(-0.2, 0.25), width_scale=rng.uniform(0.75, 1.25),
                            rng=rng, jitter=0.02)
    side = int(digit_height * 1.6) + 40
    return render_strokes(strokes, int(digit_height) + 40, side)


def style_label(style: int | str) -> int:
    """The digit a template or named style writes."""
    return STYLE_VARIANTS[style][0] if isinstance(style, str) else int(style)
