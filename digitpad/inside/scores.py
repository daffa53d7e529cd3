"""How well a network does on labelled digits — accuracy, mean
cross-entropy loss and mean confidence (the probability of its answer) —
and how that falls as the network is damaged more and more (``damage_curve``:
pruning its smallest weights, or jittering all of them), the figures of the
lab's before → after and its damage charts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np

from digitpad.inside.edits import ModelEdits, edit_model
from digitpad.nn import MLP


@dataclass(frozen=True)
class Scores:
    accuracy: float             # fraction read right
    loss: float                 # mean -log p(true digit)
    confidence: float           # mean probability of the answer given


def score_model(model: MLP, images: np.ndarray, labels: np.ndarray) -> Scores:
    """``model`` on ``images`` ``(N, 784)`` float32 with ``labels`` ``(N,)``."""
    probabilities = model.predict_proba(images)
    labels = np.asarray(labels, dtype=np.int64)
    true = probabilities[np.arange(len(labels)), labels]
    return Scores(float((probabilities.argmax(axis=1) == labels).mean()),
                  float(-np.log(np.maximum(true, 1e-12), dtype=np.float64).mean()),
                  float(probabilities.max(axis=1).mean()))


DAMAGES: dict[str, Callable[[float, int], ModelEdits]] = {
    # The fraction of each layer's weights, smallest first, set to zero.
    "prune": lambda level, seed: ModelEdits(prune_fraction=level),
    # Noise with this many times each layer's own weight spread.
    "noise": lambda level, seed: ModelEdits(noise=level, noise_seed=seed),
}


def damage_curve(model: MLP, kind: str, levels: Sequence[float], images: np.ndarray, labels: np.ndarray,
                 seed: int = 0, should_stop: Callable[[], bool] = lambda: False) -> list[Scores]:
    """``Scores`` of ``model`` damaged by each of ``levels`` of ``kind`` ("prune"
    or "noise"); stops early (returning what it has) once ``should_stop()``."""
    if kind not in DAMAGES:
        raise ValueError(f"unknown damage {kind!r}; choose one of {', '.join(DAMAGES)}")
    results = []
    for level in levels:
        if should_stop():
            break
        results.append(score_model(edit_model(model, DAMAGES[kind](level, seed)), images, labels))
    return results
