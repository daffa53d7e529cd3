"""Instant personal learning: a memory of the user's own labelled drawings
kept in the network's last hidden layer, laid over the network without
changing a weight. Each taught drawing is stored as its unit-length
last-hidden-layer activity ``s_i`` (one number per unit: 1,024 in the
bundled model) and its label; a drawing with activity ``f`` is within reach
of sample ``i`` when the cosine ``f . s_i`` exceeds the sample's reach
``r_i`` (0.75, or more: see anchors), with weight
``w_i = clip((f . s_i - r_i) / 0.05, 0, 1)`` rising from exactly 0 at the
edge to 1 for a close drawing. The reading is ``(1 - g) p_net + g q``,
``g = SHARE * max_i w_i``, ``q`` the weight-averaged labels of the samples
in reach. Why this design and
not a retrained output layer: it is instant (teaching is one forward pass and
a row appended, forgetting a row removed, so both are exact and take a few
milliseconds), it is transparent (every change of a reading is owed to
named samples, which ``effects`` lists), and it cannot make the model worse
for anyone else by construction: a drawing outside every sample's reach —
another person's, or an MNIST digit — gets exactly the network's own
probabilities, bit for bit. ``anchors`` (a few thousand MNIST training
digits) make the reach of each sample stop short of every anchor of another
class, so a person's odd "1" cannot capture everyone's 7s; with them the MNIST
test accuracy moved by at most 0.03 points for the synthetic odd writers
(``mnist_accuracy`` measures it), without them up to 1.2 points.
Qt-free, NumPy only; shapes are in the docstrings.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from digitpad.nn import MLP
from digitpad.nn.layers import Dense

REACH = 0.75         # cosine in the last hidden layer below which a sample has no say
RAMP = 0.05          # a sample's weight rises from 0 at its reach to 1 this much above it
SHARE = 0.95         # how much of the reading the samples can take over
CHUNK = 4096         # images per forward pass, as MLP.predict_proba runs them
ANCHOR_MARGIN = 0.02  # a sample's reach stops this far short of the nearest anchor of another class


@dataclass(frozen=True)
class SampleEffect:
    """What one taught sample does: the network's own reading of it, and of
    the user's other samples how many it reaches (``reaches``), how many of
    those it changes the reading of (``changes``: read differently with it
    than without it), and its reach (the cosine it needs)."""

    sample_id: int
    label: int
    network_digit: int
    reaches: int
    changes: int
    reach: float


class PersonalLayer:
    """A memory of personal samples over ``model``'s last hidden layer.

    ``anchors`` is an optional ``(images (M, 784) in [0, 1], labels (M,))``
    pair: no sample's reach ever includes an anchor of another label.
    ``rng`` is accepted for the interface's sake; nothing here is random,
    so the same samples always give the same readings.
    """

    def __init__(self, model: MLP, anchors: tuple[np.ndarray, np.ndarray] | None = None,
                 reach: float = REACH, ramp: float = RAMP, rng: np.random.Generator | None = None) -> None:
        self.model, self.base_reach, self.ramp = model, float(reach), float(ramp)
        self.rng = rng if rng is not None else np.random.default_rng(0)
        dense = [index for index, layer in enumerate(model.layers) if isinstance(layer, Dense)]
        self._output = dense[-1]
        units = model.layers[self._output].in_features
        self._features = np.zeros((16, units), np.float32)   # (capacity, units), rows [0, n) used
        self._labels = np.zeros(16, np.int64)
        self._reach = np.zeros(16, np.float32)
        self._ids = np.zeros(16, np.int64)
        self._network = np.zeros((16, model.num_classes), np.float32)  # the network's reading of each
        self._count, self._next_id = 0, 0
        self._anchor_features = self._anchor_labels = None
        if anchors is not None:
            self._anchor_features, _ = self.features(anchors[0])
            self._anchor_labels = np.asarray(anchors[1], np.int64)

    @property
    def temperature(self) -> float:
        """The model's calibration, so ``read_canvas`` can read through this layer."""
        return self.model.temperature

    def __len__(self) -> int:
        return self._count

    def features(self, images: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(N, 784)`` or ``(N, 28, 28)`` images -> unit-length last-hidden
        activity ``(N, units)`` and the network's probabilities ``(N, 10)``,
        the latter exactly what ``model.predict_proba`` returns."""
        batch = self.model._as_batch(images)
        features, network = [], []
        for start in range(0, len(batch), CHUNK):      # as the model chunks, so bit for bit the same
            activity = batch[start:start + CHUNK]
            for layer in self.model.layers[:self._output]:
                activity = layer.forward(activity, False, self.model.rng)
            logits = activity
            for layer in self.model.layers[self._output:]:
                logits = layer.forward(logits, False, self.model.rng)
            network.append(self.model.probabilities_from_logits(logits).astype(np.float32, copy=False))
            norms = np.linalg.norm(activity, axis=1, keepdims=True)
            features.append((activity / np.maximum(norms, 1e-12)).astype(np.float32, copy=False))
        if not features:
            return (np.zeros((0, self._features.shape[1]), np.float32),
                    np.zeros((0, self.model.num_classes), np.float32))
        return np.concatenate(features), np.concatenate(network)

    # -- teaching ----------------------------------------------------------
    def teach(self, image: np.ndarray, label: int) -> SampleEffect:
        """Remember one ``(28, 28)`` or ``(784,)`` drawing as ``label``; its effect."""
        self.teach_many(np.asarray(image).reshape(1, -1), [label])
        return self._new_effect(self._count - 1)

    def teach_many(self, images: np.ndarray, labels) -> list[int]:
        """Teach ``(N, 784)`` images with ``(N,)`` labels in one forward pass
        (how a memory is rebuilt from saved samples); their sample ids."""
        labels = np.asarray(labels, np.int64).reshape(-1)
        if len(labels) and (labels.min() < 0 or labels.max() >= self.model.num_classes):
            raise ValueError(f"labels must be from 0 to {self.model.num_classes - 1}")
        features, network = self.features(np.asarray(images).reshape(len(labels), -1))
        reach = np.full(len(labels), self.base_reach, np.float32)
        if self._anchor_features is not None and len(self._anchor_labels):
            cosine = features @ self._anchor_features.T                                  # (N, anchors)
            other = self._anchor_labels[None, :] != labels[:, None]
            nearest = np.where(other, cosine, -np.inf).max(axis=1, initial=-np.inf)
            reach = np.minimum(np.maximum(reach, nearest + ANCHOR_MARGIN), 0.999).astype(np.float32)
        ids = []
        for row, label in enumerate(labels):
            self._grow()
            n = self._count
            self._features[n], self._labels[n], self._reach[n] = features[row], label, reach[row]
            self._ids[n], self._network[n] = self._next_id, network[row]
            ids.append(self._next_id)
            self._count, self._next_id = n + 1, self._next_id + 1
        return ids

    def copy(self) -> "PersonalLayer":
        """An independent copy (same model, anchors and samples), to change
        on another thread while this one keeps reading."""
        twin = object.__new__(PersonalLayer)
        twin.__dict__.update(self.__dict__)
        for name in ("_features", "_labels", "_reach", "_ids", "_network"):
            setattr(twin, name, getattr(self, name).copy())
        return twin

    def _grow(self) -> None:
        if self._count < len(self._labels):
            return
        size = 2 * len(self._labels)
        self._features = np.resize(self._features, (size, self._features.shape[1]))
        self._network = np.resize(self._network, (size, self._network.shape[1]))
        for name in ("_labels", "_reach", "_ids"):
            setattr(self, name, np.resize(getattr(self, name), size))

    def forget(self, sample_id: int) -> None:
        """Forget one sample exactly (``KeyError`` for an unknown id)."""
        where = np.flatnonzero(self._ids[:self._count] == sample_id)
        if not len(where):
            raise KeyError(sample_id)
        keep = np.r_[np.arange(where[0]), np.arange(where[0] + 1, self._count)]
        for name in ("_features", "_labels", "_reach", "_ids", "_network"):
            array = getattr(self, name)
            array[:len(keep)] = array[keep]
        self._count -= 1

    def reset(self) -> None:
        """Forget every sample: the plain network again."""
        self._count = 0

    @property
    def sample_ids(self) -> list[int]:
        return [int(value) for value in self._ids[:self._count]]

    # -- reading -----------------------------------------------------------
    def _weights(self, features: np.ndarray) -> np.ndarray:
        """``(N, units)`` unit features -> ``(N, n)`` sample weights, 0 out of reach."""
        n = self._count
        cosine = features @ self._features[:n].T
        reach = self._reach[:n]
        return np.clip((cosine - reach) / self.ramp, 0.0, 1.0)

    def _blend(self, network: np.ndarray, weights: np.ndarray, labels: np.ndarray | None = None) -> np.ndarray:
        """Network ``(N, 10)`` and sample weights ``(N, k)`` of samples with
        ``labels`` ``(k,)`` (default: all samples) -> readings ``(N, 10)``."""
        gate = SHARE * weights.max(axis=1, initial=0.0)
        touched = np.flatnonzero(gate > 0)
        if not len(touched):
            return network
        labels = self._labels[:self._count] if labels is None else labels
        onehot = np.eye(network.shape[1], dtype=np.float32)[labels]             # (k, 10)
        votes = weights[touched].astype(np.float32) @ onehot
        votes /= votes.sum(axis=1, keepdims=True)
        result = network.copy()
        g = gate[touched, None].astype(np.float32)
        result[touched] = (1.0 - g) * network[touched] + g * votes
        return result

    def predict_proba(self, images: np.ndarray) -> np.ndarray:
        """Personalised probabilities ``(N, 10)`` float32 for ``(N, 784)`` or
        ``(N, 28, 28)`` images; exactly the network's for drawings out of reach."""
        features, network = self.features(images)
        if self._count == 0:
            return network
        return self._blend(network, self._weights(features))

    def predict(self, images: np.ndarray) -> np.ndarray:
        return self.predict_proba(images).argmax(axis=1)

    # -- explaining ----------------------------------------------------------
    def _changes(self, row: int, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """For sample ``row`` read with ``weights`` ``(n,)`` (its own left out):
        the samples in reach ``(k,)`` and whether leaving each out changes the
        reading ``(k,)``. Leaving sample i out only takes its vote away and,
        when it was the closest, lowers the gate to the next closest, so the
        k alternative readings are k rank-one changes of one blend: O(k), not O(k^2)."""
        reached = np.flatnonzero(weights > 0)
        if not len(reached):
            return reached, np.zeros(0, bool)
        weight = weights[reached].astype(np.float32)
        onehot = np.eye(self.model.num_classes, dtype=np.float32)[self._labels[reached]]     # (k, 10)
        network = self._network[row]
        votes = weight @ onehot
        with_all = int(self._blend(network[None], weight[None], self._labels[reached]).argmax())
        order = np.argsort(weight)[::-1]
        second = weight[order[1]] if len(weight) > 1 else np.float32(0.0)
        closest = np.full(len(weight), weight[order[0]], np.float32)
        closest[order[0]] = second
        remaining = votes[None] - weight[:, None] * onehot                                    # (k, 10)
        totals = remaining.sum(axis=1, keepdims=True)
        gates = (SHARE * closest)[:, None].astype(np.float32)
        voted = np.divide(remaining, totals, out=np.zeros_like(remaining), where=totals > 0)
        readings = np.where((gates > 0) & (totals > 0), (1.0 - gates) * network + gates * voted, network)
        return reached, readings.argmax(axis=1) != with_all

    def _effect_counts(self, rows: np.ndarray, stop=None) -> tuple[np.ndarray, np.ndarray] | None:
        """How often each sample is in reach of, and changes the reading of,
        the samples ``rows``: two ``(n,)`` counts; None if ``stop()`` turned
        true between chunks (a few thousand samples take seconds)."""
        n = self._count
        reaches, changes = np.zeros(n, np.int64), np.zeros(n, np.int64)
        for start in range(0, len(rows), 256):
            if stop is not None and stop():
                return None
            chunk = rows[start:start + 256]
            weights = self._weights(self._features[chunk])
            weights[np.arange(len(chunk)), chunk] = 0.0
            for row, row_weights in zip(chunk, weights):
                reached, changed = self._changes(int(row), row_weights)
                reaches[reached] += 1
                changes[reached[changed]] += 1
        return reaches, changes

    def _effect(self, index: int, reaches: np.ndarray, changes: np.ndarray) -> SampleEffect:
        return SampleEffect(int(self._ids[index]), int(self._labels[index]), int(self._network[index].argmax()),
                            int(reaches[index]), int(changes[index]), float(self._reach[index]))

    def _new_effect(self, index: int) -> SampleEffect:
        """The effect of sample ``index``, reading only the samples it reaches."""
        n = self._count
        reach = self._reach[index]
        cosine = self._features[:n] @ self._features[index]
        rows = np.flatnonzero(np.clip((cosine - reach) / self.ramp, 0.0, 1.0) > 0)
        rows = rows[rows != index]
        return self._effect(index, *self._effect_counts(rows))

    def effects(self, stop=None) -> list[SampleEffect] | None:
        """One entry per sample, in teaching order: of the user's other
        samples, how many it reaches (``reaches``) and of how many it changes
        the reading (``changes``: read with every other sample's say, with and
        without it). None if ``stop()`` turned true on the way."""
        counts = self._effect_counts(np.arange(self._count), stop)
        if counts is None:
            return None
        reaches, changes = counts
        return [self._effect(index, reaches, changes) for index in range(self._count)]

    def readings(self, features: np.ndarray, network: np.ndarray) -> np.ndarray:
        """Personalised probabilities ``(N, 10)`` from what ``features`` returned
        for N images: unit features ``(N, units)`` and the network's ``(N, 10)``
        (so features computed once can be read again after every label)."""
        return self._blend(network, self._weights(features)) if self._count else network

    def mnist_accuracy(self, images: np.ndarray, labels: np.ndarray, stop=None) -> tuple[float, float, int] | None:
        """Accuracy ``(personalised, network)`` on ``(N, 784)`` images with
        ``(N,)`` labels, and how many of the N readings the samples changed;
        None if ``stop()`` turned true between chunks of 1,000."""
        return self.accuracy_from_features(*self.features(images), labels, stop)

    def accuracy_from_features(self, features: np.ndarray, network: np.ndarray, labels: np.ndarray,
                               stop=None) -> tuple[float, float, int] | None:
        """``mnist_accuracy`` from ``features(images)``, computed once before."""
        parts = []
        for start in range(0, len(network), 1000):
            if stop is not None and stop():
                return None
            parts.append(self.readings(features[start:start + 1000], network[start:start + 1000]))
        personal = np.concatenate(parts) if parts else network
        labels = np.asarray(labels)
        changed = int((personal.argmax(axis=1) != network.argmax(axis=1)).sum())
        return (float((personal.argmax(axis=1) == labels).mean()),
                float((network.argmax(axis=1) == labels).mean()), changed)
