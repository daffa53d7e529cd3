"""How well a model holds up away from clean MNIST digits. Accuracy curves
under rotation, scaling, shift, stroke thickness and noise are measured on
MNIST test digits, both for the bare network and through digitpad's
preprocessing (the drawing path, which undoes shifts and size changes; for
noise the image-file path, which separates ink from a noisy background). The "drawn digits" measure replays MNIST test digits — real writers
the model never saw — as pen strokes through the canvas's own renderer at
several pen widths and sizes, which is what a person drawing experiences.
Everything is seeded; ``progress`` reports each finished curve so a window can
plot them live (``PartMeasured`` gives each report a type).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from digitpad.data.augment.distortions import affine_matrices, affine_source_grid, bilinear_sample
from digitpad.data.ink.digit_templates import STYLE_VARIANTS, TEMPLATES, random_ink, style_label
from digitpad.data.ink.network_input import prepare_for_network
from digitpad.data.ink.picture import image_to_mnist
from digitpad.data.ink.skeleton import image_to_strokes
from digitpad.data.ink.stroke_width import vary_thickness
from digitpad.data.ink.strokes import render_strokes
from digitpad.nn import MLP

# Pen widths as a fraction of the digit's height (0.08 is a 24 px pen on a
# 300 px digit, about MNIST's own stroke), and digit heights in canvas pixels.
PEN_FRACTIONS = (0.02, 0.04, 0.08, 0.12, 0.16, 0.2)
DRAWN_HEIGHTS = (60, 150, 400)


@dataclass
class Curve:
    """Accuracy against one perturbation."""

    name: str               # key, e.g. "rotation"
    title: str              # for people, e.g. "Rotation"
    unit: str               # axis label, e.g. "degrees"
    values: list[float]
    accuracy: dict[str, list[float]] = field(default_factory=dict)   # series name -> accuracies

    def to_dict(self) -> dict:
        return {"name": self.name, "title": self.title, "unit": self.unit, "values": self.values,
                "accuracy": self.accuracy}

    def mean_accuracy(self) -> float:
        """The accuracy averaged over every point of every series."""
        return float(np.mean([np.mean(series) for series in self.accuracy.values()]))


@dataclass
class RobustnessReport:
    mnist_accuracy: float
    curves: list[Curve] = field(default_factory=list)
    drawn_accuracy: float | None = None
    template_accuracy: float | None = None

    def to_dict(self) -> dict:
        return {"mnist_accuracy": self.mnist_accuracy, "drawn_accuracy": self.drawn_accuracy,
                "template_accuracy": self.template_accuracy,
                "curves": [curve.to_dict() for curve in self.curves]}


@dataclass(frozen=True)
class PartMeasured:
    """One finished part of the report, as ``robustness_report`` announces it
    to ``progress(step, result)``, typed: a curve, a headline accuracy, or
    (for the redrawn digits) both."""

    step: str                          # "mnist", a perturbation's name, "drawn" or "templates"
    curve: Curve | None = None
    accuracy: float | None = None      # the headline figure of "mnist", "drawn" and "templates"

    @classmethod
    def from_progress(cls, step: str, result) -> "PartMeasured":
        if step in ("mnist", "templates"):
            return cls(step, accuracy=float(result))
        return cls(step, curve=result, accuracy=result.mean_accuracy() if step == "drawn" else None)


def _transform(images: np.ndarray, rotation_degrees: float = 0.0, scale: float = 1.0,
               shift: np.ndarray | None = None) -> np.ndarray:
    """Rotate/scale about the image centre and shift ``(N, 2)`` pixels, ``(N, 28, 28)``."""
    count = len(images)
    matrices = affine_matrices(np.full(count, np.deg2rad(rotation_degrees)), np.full(count, scale),
                               np.full(count, scale), np.zeros(count))
    translations = np.zeros((count, 2)) if shift is None else shift
    pivots = np.full((count, 2), 13.5)
    source_x, source_y = affine_source_grid(matrices, translations, pivots, 28, 28)
    return bilinear_sample(images, source_x, source_y)


def _thickness(images: np.ndarray, amount: float) -> np.ndarray:
    """Repeated 3x3-cross dilation (amount > 0) or erosion (< 0), fractional blends allowed."""
    result = images
    remaining = abs(amount)
    while remaining > 1e-9:
        step = min(1.0, remaining)
        result = vary_thickness(result, np.full(len(result), np.sign(amount) * step))
        remaining -= step
    return result


def _score(model: MLP, images: np.ndarray, labels: np.ndarray, preprocess) -> dict[str, float]:
    bare = float((model.predict(images) == labels).mean())
    prepared = np.stack([preprocess(image) for image in images])
    return {"network alone": bare, "with preprocessing": float((model.predict(prepared) == labels).mean())}


PERTURBATIONS: list[tuple[str, str, str, list[float]]] = [
    ("rotation", "Rotation", "degrees", [-45, -30, -20, -10, 0, 10, 20, 30, 45]),
    ("scale", "Scale", "zoom factor", [0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1, 1.2, 1.3]),
    ("shift", "Shift", "pixels (of 28)", [0, 1, 2, 3, 4, 5, 6]),
    ("thickness", "Stroke thickness", "pixels thinner (-) / thicker (+)", [-1, -0.5, 0, 0.5, 1, 1.5, 2]),
    ("noise", "Noise", "Gaussian noise (σ)", [0, 0.1, 0.2, 0.3, 0.4, 0.5]),
]


class _Stopped(Exception):
    pass


def _never() -> bool:
    return False


def perturbation_curve(model: MLP, images: np.ndarray, labels: np.ndarray, name: str,
                       rng: np.random.Generator, should_stop: Callable[[], bool] = _never) -> Curve:
    """Accuracy under one perturbation of ``PERTURBATIONS`` for ``(N, 28, 28)`` images."""
    _, title, unit, values = next(item for item in PERTURBATIONS if item[0] == name)
    curve = Curve(name, title, unit, list(values))
    directions = rng.uniform(0, 2 * np.pi, len(images))
    noise = rng.standard_normal(images.shape).astype(np.float32)
    for value in values:
        if should_stop():
            raise _Stopped
        if name == "rotation":
            changed = _transform(images, rotation_degrees=value)
        elif name == "scale":
            changed = _transform(images, scale=value)
        elif name == "shift":
            changed = _transform(images, shift=value * np.stack([np.cos(directions), np.sin(directions)], 1))
        elif name == "thickness":
            changed = _thickness(images, value)
        else:
            changed = np.clip(images + value * noise, 0.0, 1.0)
        # Noise comes with photos, so noisy digits take the image-file path
        # (ink extraction); everything else the drawing path.
        preprocess = image_to_mnist if name == "noise" else prepare_for_network
        for series, accuracy in _score(model, changed, labels, preprocess).items():
            curve.accuracy.setdefault(series, []).append(accuracy)
    return curve


def drawn_images(images: np.ndarray, pen_fraction: float, height: int) -> np.ndarray:
    """MNIST-style digits (``(N, 28, 28)``) traced into pen strokes and redrawn
    on a canvas ``height`` pixels tall with a pen ``pen_fraction`` of that height;
    returns what the network is given for each, ``(N, 28, 28)``."""
    margin = 20
    result = []
    for image in images:
        strokes = image_to_strokes(image, margin, margin, height, max(1.0, pen_fraction * height))
        ink = render_strokes(strokes, height + 2 * margin, height + 2 * margin)
        result.append(prepare_for_network(ink))
    return np.stack(result)


def drawn_curves(model: MLP, images: np.ndarray, labels: np.ndarray, pen_fractions=PEN_FRACTIONS,
                 heights=DRAWN_HEIGHTS, should_stop: Callable[[], bool] = _never) -> Curve:
    """Accuracy on redrawn digits against pen width, one series per digit height."""
    curve = Curve("drawn", "MNIST test digits redrawn with a pen", "pen width / digit height",
                  [float(fraction) for fraction in pen_fractions])
    for height in heights:
        series = curve.accuracy[f"{height} px tall"] = []
        for fraction in pen_fractions:
            if should_stop():
                raise _Stopped
            series.append(float((model.predict(drawn_images(images, fraction, height)) == labels).mean()))
    return curve


def template_accuracy(model: MLP, rng: np.random.Generator, per_style: int = 10) -> float:
    """Accuracy on the pen templates of every digit and writing style, each
    drawn ``per_style`` times with random size, slant, wobble and pen."""
    styles = [*TEMPLATES, *STYLE_VARIANTS]
    images = [prepare_for_network(random_ink(style, rng)) for style in styles for _ in range(per_style)]
    labels = [style_label(style) for style in styles for _ in range(per_style)]
    return float((model.predict(np.stack(images)) == np.array(labels)).mean())


def robustness_report(model: MLP, test_images: np.ndarray, test_labels: np.ndarray, *,
                      sample: int = 2000, drawn_sample: int = 500, seed: int = 0,
                      progress: Callable[[str, object], None] | None = None,
                      should_stop: Callable[[], bool] | None = None) -> RobustnessReport | None:
    """The full report for ``(N, 28, 28)`` float test images in [0, 1].

    ``progress(step, result)`` is called after each part ("mnist" with the
    accuracy, then each ``Curve``, then "templates"); ``should_stop()`` is
    checked after every measurement, and the report is None when it asked to stop.
    """
    rng = np.random.default_rng(seed)
    stop = should_stop or _never
    report = RobustnessReport(float((model.predict(test_images) == test_labels).mean()))
    notify = progress or (lambda step, result: None)
    notify("mnist", report.mnist_accuracy)
    chosen = rng.choice(len(test_labels), size=min(sample, len(test_labels)), replace=False)
    images, labels = test_images[chosen], test_labels[chosen]
    try:
        for name, *_ in PERTURBATIONS:
            curve = perturbation_curve(model, images, labels, name, rng, stop)
            report.curves.append(curve)
            notify(name, curve)
        drawn = drawn_curves(model, images[:drawn_sample], labels[:drawn_sample], should_stop=stop)
        report.curves.append(drawn)
        report.drawn_accuracy = drawn.mean_accuracy()
        notify("drawn", drawn)
        if stop():
            return None
        report.template_accuracy = template_accuracy(model, rng)
        notify("templates", report.template_accuracy)
    except _Stopped:
        return None
    return report
