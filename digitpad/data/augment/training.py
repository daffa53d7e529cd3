"""Everything the trainer does to a batch before the network sees it. Three
kinds of variation are combined: *redrawing* — the digit's skeleton drawn
again with a round pen of random width, so the network learns the uniform
strokes of a mouse or stylus, not only MNIST's scanned ink, and the thick
strokes of a digit drawn small; *styles* — some 1s and 7s rewritten the
continental way, some 0s slashed, 9s curled and 4s rounded (``styles``); *slow sampling* — some digits redrawn from a few points of
their pen paths joined by straight lines (``slow_sampling``); and the random
geometric, elastic and stroke-width distortions of ``augment_batch``.
Redrawing needs each digit's distance-to-skeleton map, computed once for the
whole training set; digits whose skeleton does not reproduce them (filled
loops, blots) are never redrawn, because their skeleton could show another
digit.
"""

from __future__ import annotations

import numpy as np

from digitpad.data.augment.distortions import AugmentConfig, augment_batch
from digitpad.data.augment.slow_sampling import angular
from digitpad.data.augment.styles import STYLE_CHANGES, STYLE_SHARE
from digitpad.data.ink.skeleton import distance_to_skeleton, redraw
from digitpad.data.ink.stroke_width import stroke_width
from digitpad.data.ink.thresholds import STROKE_LEVEL

# Pen radii (pixels of the 28x28 image; MNIST strokes are about 2 px wide).
REDRAW_RADIUS = (0.5, 2.2)
# A digit drawn small with the app's default pen is scaled up to MNIST's
# 20 px box with its strokes, which come out 3-5 px wide: some redrawn
# digits get a pen that thick, even where it fills their loops.
THICK_PEN_RADIUS = (2.0, 3.0)
THICK_PEN_SHARE = 0.2
# A digit is redrawn only if its skeleton, drawn at the digit's own stroke
# width, covers at least this fraction (intersection over union) of its ink.
MIN_REDRAW_FIDELITY = 0.5


class TrainingAugmentation:
    """``augmentation(images (B, 784) float32, rng, indices (B,)) -> (B, 784)``.

    ``indices`` locate the batch in the training set given at construction,
    whose precomputed skeleton distances the redrawing uses.
    """

    def __init__(self, distortions: AugmentConfig | None, redraw_probability: float = 0.0,
                 train_images: np.ndarray | None = None, style_probability: float = 0.0,
                 train_labels: np.ndarray | None = None, angular_probability: float = 0.0) -> None:
        for name, value in (("redraw", redraw_probability), ("style", style_probability),
                            ("angular", angular_probability)):
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"{name} probability must be in [0, 1], got {value}")
        if style_probability and train_labels is None:
            raise ValueError("style changes need the training labels")
        self.distortions = distortions if distortions is not None and not distortions.is_identity else None
        self.redraw_probability = redraw_probability
        self.style_probability = style_probability
        self.angular_probability = angular_probability
        self.train_labels = None if train_labels is None else np.asarray(train_labels)
        self.distances = None
        self.redrawable = None
        if redraw_probability > 0:
            if train_images is None:
                raise ValueError("redrawing needs the training images")
            squares = np.asarray(train_images, dtype=np.float32).reshape(len(train_images), 28, 28)
            self.distances = distance_to_skeleton(squares)
            self.redrawable = np.empty(len(squares), bool)
            # In chunks, so the check needs no second full-size copy of the maps.
            for start in range(0, len(squares), 4096):
                chunk = slice(start, start + 4096)
                # Pixels within r of the skeleton come out above 0.5, so this
                # radius gives a binarised stroke as wide as the digit's own.
                own_width = redraw(self.distances[chunk].astype(np.float32),
                                   stroke_width(squares[chunk]) / 2 + 0.5)
                ink, drawn = squares[chunk] > STROKE_LEVEL, own_width > STROKE_LEVEL
                overlap = (ink & drawn).sum(axis=(1, 2)) / np.maximum((ink | drawn).sum(axis=(1, 2)), 1)
                self.redrawable[chunk] = overlap >= MIN_REDRAW_FIDELITY

    @property
    def is_identity(self) -> bool:
        return (self.distortions is None and self.redraw_probability == 0 and self.style_probability == 0
                and self.angular_probability == 0)

    def __call__(self, images: np.ndarray, rng: np.random.Generator, indices: np.ndarray) -> np.ndarray:
        if self.redraw_probability > 0:
            # Draw the same amount of randomness whatever is chosen, so runs
            # stay reproducible batch by batch.
            chosen = rng.random(len(indices)) < self.redraw_probability
            radii = rng.uniform(*REDRAW_RADIUS, size=len(indices)).astype(np.float32)
            thick = rng.random(len(indices)) < THICK_PEN_SHARE
            radii[thick] = rng.uniform(*THICK_PEN_RADIUS, size=int(thick.sum()))
            chosen &= self.redrawable[indices]
            if chosen.any():
                images = images.copy()
                redrawn = redraw(self.distances[indices[chosen]].astype(np.float32), radii[chosen])
                images[chosen] = redrawn.reshape(int(chosen.sum()), -1)
        if self.style_probability > 0:
            labels = self.train_labels[indices]
            share = np.array([STYLE_SHARE.get(int(label), 0.0) for label in labels])
            chosen = rng.random(len(indices)) < self.style_probability * share
            if chosen.any():
                images = images.copy()
                for row in np.flatnonzero(chosen):
                    change = STYLE_CHANGES[int(labels[row])]
                    images[row] = change(images[row].reshape(28, 28), rng).reshape(-1)
        if self.angular_probability > 0:
            chosen = rng.random(len(indices)) < self.angular_probability
            if chosen.any():
                images = images.copy()
                squares = images[chosen].reshape(-1, 28, 28)
                images[chosen] = angular(squares, rng).reshape(len(squares), -1)
        if self.distortions is not None:
            images = augment_batch(images, rng, self.distortions)
        return images
