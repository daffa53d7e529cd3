"""What the lab's background work computes and hands to the window, as
typed events: the edited network (``EditedModel``), its scores on the MNIST
test set before and after (``TestScores``) and a damage curve, point by
point (``DamageCurve``). Each event carries the ``LabJob`` it answers, so a
result for edits the user has since changed is recognised and dropped.
Here too: the levels the damage curves are measured at, and which edits a
curve depends on (``curve_key``), so a curve is measured again only when
those change.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from digitpad.inside import ModelEdits, Scores
from digitpad.nn import MLP

# Denser towards the end, where accuracy collapses.
PRUNE_LEVELS = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 0.99)
# Noise in multiples of each layer's weight spread; the bundled model only
# falls apart beyond a few times its own spread.
NOISE_LEVELS = (0.0, 0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0)
CURVE_LEVELS = {"prune": PRUNE_LEVELS, "noise": NOISE_LEVELS}
# The curves are measured on the first this many test digits: 25 edited
# networks scored on all 10,000 would keep a core busy for ten seconds.
CURVE_DIGITS = 2000


@dataclass(frozen=True)
class TestDigits:
    images: np.ndarray          # (N, 784) float32 in [0, 1]
    labels: np.ndarray          # (N,) int64

    def first(self, count: int) -> "TestDigits":
        return TestDigits(self.images[:count], self.labels[:count])

    def __len__(self) -> int:
        return len(self.labels)


@dataclass(frozen=True, eq=False)
class LabJob:
    """One request: ``edits`` applied to ``model``, scored on ``digits`` (None:
    load them), with ``before`` (the unedited scores) when already known, and
    the damage curves still to measure, each resuming from what was measured."""

    model: MLP
    edits: ModelEdits
    digits: TestDigits | None = None
    before: Scores | None = None
    curves: tuple["DamageCurve", ...] = ()
    curve_digits: int = CURVE_DIGITS


@dataclass(frozen=True)
class EditedModel:
    job: LabJob
    model: MLP


@dataclass(frozen=True)
class TestScores:
    job: LabJob
    before: Scores              # the model in use on every test digit
    after: Scores               # the edited network on the same digits
    count: int                  # how many test digits
    curve_accuracy: float       # the edited network on the curves' digits: its point on them
    curve_count: int


@dataclass(frozen=True)
class DamageCurve:
    """Accuracy of the network with ``key``'s edits and ``kind`` set to each level
    in turn; ``accuracies`` grows as the levels are measured."""

    kind: str                   # "prune" or "noise"
    key: ModelEdits
    accuracies: tuple[float, ...] = ()
    count: int = CURVE_DIGITS   # test digits measured on

    @property
    def levels(self) -> tuple[float, ...]:
        return CURVE_LEVELS[self.kind]

    @property
    def complete(self) -> bool:
        return len(self.accuracies) == len(self.levels)


def curve_key(kind: str, edits: ModelEdits) -> ModelEdits:
    """The edits a ``kind`` curve depends on: all but the damage it varies and
    the temperature, which never changes which digit wins."""
    if kind == "prune":
        # Without noise its seed makes no difference either.
        return replace(edits, prune_fraction=0.0, temperature=1.0,
                       noise_seed=edits.noise_seed if edits.noise else 0)
    return replace(edits, noise=0.0, temperature=1.0)


def curve_edits(curve: DamageCurve, level: float) -> ModelEdits:
    """The edits of one point of ``curve``."""
    if curve.kind == "prune":
        return replace(curve.key, prune_fraction=level)
    return replace(curve.key, noise=level)
