#!/usr/bin/env python3
"""Write the synthetic example stroke collection, assets/examples/writers.jsonl:
six made-up writers, each with a consistent way of writing, every digit
written several times from the pen templates of digitpad.data.ink.digit_templates
with random size, slant, width and wobble. No real handwriting is used. The
same seed always writes the same file. The format is described in
digitpad/data/handwriting/collections.py and the README.

    python scripts/make_writer_examples.py [--output FILE] [--samples 4] [--seed 12]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from digitpad.data.handwriting.collections import WrittenDigit, write_collection  # noqa: E402
from digitpad.data.ink.digit_templates import _catmull_rom, _polyline, template_paths  # noqa: E402
from digitpad.data.ink.strokes import evenly_spaced  # noqa: E402

OUTPUT = Path(__file__).resolve().parent.parent / "assets" / "examples" / "writers.jsonl"

# Styles the templates do not have, as control points in the templates' unit box.
EXTRA_STYLES = {
    "slashed 0": [([(0.375, 0.0), (0.12, 0.12), (0.03, 0.5), (0.13, 0.88), (0.375, 1.0), (0.62, 0.88),
                    (0.72, 0.5), (0.63, 0.12), (0.375, 0.0), (0.28, 0.04)], True),
                  ([(0.7, 0.08), (0.05, 0.92)], False)],
    "curled-tail 9": [([(0.68, 0.2), (0.45, 0.0), (0.16, 0.07), (0.08, 0.28), (0.24, 0.47), (0.52, 0.43),
                        (0.68, 0.2)], True),
                      ([(0.68, 0.17), (0.66, 0.6), (0.58, 0.88), (0.4, 1.0), (0.2, 0.96), (0.12, 0.86)], True)],
}

# Each writer: the style for some digits (the rest are the plain templates),
# digit height in their own units, points per digit height of ink (None: the
# templates' smooth curves; a few: an angular writer), rounding of the
# coordinates, slant, and the pen they wrote with (in their units).
WRITERS = {
    "ana": {"styles": {}, "height": 100, "points": None, "decimals": 1, "slant": 0.05,
            "wobble": 0.03},
    "bernd": {"styles": {1: "continental 1", 7: "continental 7"}, "height": 100, "points": None,
              "decimals": 1, "slant": 0.22, "wobble": 0.03},
    "chloe": {"styles": {4: "open 4", 2: "looped 2"}, "height": 100, "points": None, "decimals": 1,
              "slant": -0.05, "wobble": 0.04},
    "dmitri": {"styles": {0: "slashed 0", 9: "curled-tail 9", 7: "continental 7"}, "height": 100,
               "points": None, "decimals": 1, "slant": 0.0, "wobble": 0.05},
    "emeka": {"styles": {}, "label": "angular", "height": 600, "points": 4, "decimals": 0, "slant": 0.08,
              "wobble": 0.02},
    "fumiko": {"styles": {}, "label": "small", "height": 14, "points": None, "decimals": 0, "slant": 0.0,
               "wobble": 0.03, "pen_width": 3.0},
}


def style_paths(style: int | str) -> list[np.ndarray]:
    if style in EXTRA_STYLES:
        return [(_catmull_rom if smooth else _polyline)(np.asarray(control, float), 12)
                for control, smooth in EXTRA_STYLES[style]]
    return template_paths(style)


def write_digit(label: int, writer: str, rng: np.random.Generator) -> WrittenDigit:
    habits = WRITERS[writer]
    style = habits["styles"].get(label, label)
    height = habits["height"] * rng.uniform(0.85, 1.15)
    slant = habits["slant"] + rng.normal(0, 0.04)
    width_scale = rng.uniform(0.85, 1.15)
    strokes = []
    for path in style_paths(style):
        if habits["points"] is not None:
            path = evenly_spaced(path, habits["points"])   # a slow digitiser
        else:
            path = path[np.r_[np.arange(0, len(path) - 1, 2), len(path) - 1]]
        # Low-frequency wobble: random offsets at a few knots, interpolated.
        knots, position = np.linspace(0, 1, 5), np.linspace(0, 1, len(path))
        wobble = [np.interp(position, knots, rng.normal(0, habits["wobble"], 5)) for _ in range(2)]
        xs = path[:, 0] * width_scale + slant * (1.0 - path[:, 1]) + wobble[0]
        ys = path[:, 1] + wobble[1]
        points = np.stack([xs * height + 10, ys * height + 10, np.ones(len(path))], axis=1)
        points[:, :2] = np.round(points[:, :2], habits["decimals"])
        strokes.append(points.astype(np.float32))
    name = style if isinstance(style, str) else habits.get("label", "plain")
    return WrittenDigit(label, writer, tuple(strokes), name, habits.get("pen_width"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=OUTPUT)
    parser.add_argument("--samples", type=int, default=5, help="of each digit per writer")
    parser.add_argument("--seed", type=int, default=12)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    digits = [write_digit(label, writer, rng) for writer in WRITERS for label in range(10)
              for _ in range(args.samples)]
    args.output.parent.mkdir(parents=True, exist_ok=True)
    write_collection(args.output, digits)
    print(f"Wrote {len(digits)} digits by {len(WRITERS)} writers to {args.output} "
          f"({args.output.stat().st_size / 1024:.0f} KB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
