"""The personal layer kept in step with the user's saved samples. The samples
in My handwriting are the memory: a ``PersonalMemory`` is a
``PersonalLayer`` over one model that has been taught exactly those samples,
with the saved samples' ids mapped to the layer's, so a change in the store
— a sample added, relabelled, deleted or imported — becomes the same change
in the layer (``updated``) and nothing needs saving besides the samples.
Updating never changes the memory it starts from: it works on a copy, so the
app can keep reading with the old memory while the new one is made on
another thread, and swap it in when it is ready. The MNIST digits used as
anchors come with the memory and are kept across updates.
Qt-free, NumPy only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from digitpad.data.handwriting.samples import PersonalSample
from digitpad.model.personal import PersonalLayer, SampleEffect
from digitpad.nn import MLP

# How many MNIST training digits guard every sample's reach (see PersonalLayer).
ANCHOR_DIGITS = 2000


@dataclass(frozen=True)
class TaughtSample:
    """A saved sample as the layer knows it: the layer's id and the label taught."""

    layer_id: int
    label: int


class PersonalMemory:
    """A ``PersonalLayer`` over ``model`` taught the samples whose ids are in ``taught``."""

    def __init__(self, layer: PersonalLayer, taught: dict[str, TaughtSample], has_anchors: bool) -> None:
        self.layer, self._taught, self.has_anchors = layer, dict(taught), has_anchors

    @classmethod
    def empty(cls, model: MLP, anchors: tuple[np.ndarray, np.ndarray] | None = None) -> "PersonalMemory":
        """A memory of nothing over ``model``; ``anchors`` ``(images (M, 784), labels (M,))``."""
        return cls(PersonalLayer(model, anchors), {}, anchors is not None)

    @property
    def model(self) -> MLP:
        return self.layer.model

    def __len__(self) -> int:
        return len(self._taught)

    def sample_ids(self) -> set[str]:
        return set(self._taught)

    def matches(self, samples: Sequence[PersonalSample]) -> bool:
        """Whether this memory was taught exactly ``samples``, with their labels."""
        return len(samples) == len(self._taught) and all(
            (taught := self._taught.get(sample.sample_id)) is not None and taught.label == sample.label
            for sample in samples)

    def updated(self, samples: Sequence[PersonalSample]) -> "PersonalMemory":
        """A new memory taught exactly ``samples``: what left the store (or was
        relabelled) is forgotten, what is new is taught, in one forward pass.
        This memory is unchanged."""
        current = {sample.sample_id: sample for sample in samples}
        layer = self.layer.copy()
        taught = dict(self._taught)
        for sample_id, known in self._taught.items():
            sample = current.get(sample_id)
            if sample is None or sample.label != known.label:
                layer.forget(known.layer_id)
                del taught[sample_id]
        new = [sample for sample in samples if sample.sample_id not in taught]
        if new:
            images = np.stack([sample.float_image().reshape(-1) for sample in new])
            layer_ids = layer.teach_many(images, [sample.label for sample in new])
            for sample, layer_id in zip(new, layer_ids):
                taught[sample.sample_id] = TaughtSample(layer_id, int(sample.label))
        return PersonalMemory(layer, taught, self.has_anchors)

    def effects(self, stop=None) -> dict[str, SampleEffect] | None:
        """Each saved sample's effect (see ``PersonalLayer.effects``), by the
        sample's id; None if ``stop()`` turned true on the way."""
        listed = self.layer.effects(stop)
        if listed is None:
            return None
        by_layer_id = {effect.sample_id: effect for effect in listed}
        return {sample_id: by_layer_id[known.layer_id] for sample_id, known in self._taught.items()}


def anchor_digits(images: np.ndarray, labels: np.ndarray, count: int = ANCHOR_DIGITS,
                  rng: np.random.Generator | None = None) -> tuple[np.ndarray, np.ndarray]:
    """``count`` MNIST training digits, the same share of each class, as
    ``(images (count, 784) float32 in [0, 1], labels (count,))`` from uint8
    ``(N, 28, 28)`` ``images`` — the anchors that keep each sample's reach
    away from everyone else's digits. Seeded: the same digits every time."""
    rng = rng if rng is not None else np.random.default_rng(0)
    labels = np.asarray(labels, np.int64)
    classes = np.unique(labels)
    chosen = np.concatenate([rng.choice(np.flatnonzero(labels == digit),
                                        size=min(count // len(classes), int((labels == digit).sum())),
                                        replace=False) for digit in classes])
    chosen.sort()
    flat = np.asarray(images)[chosen].reshape(len(chosen), -1)
    return np.multiply(flat, np.float32(1 / 255), dtype=np.float32), labels[chosen]
