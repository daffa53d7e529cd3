"""Simulated instant personalisation: a writer teaches digitpad a few of
their own digits, and the rest of their digits are read before and after.
The real mechanism does not exist yet, so the simulation runs against a
small interface, ``Personaliser`` — ``teach(images, labels)`` with the 28x28
images the network saw and their digits, then ``predict_proba(images)`` as a
model would — with three implementations: "none" (the model as it is),
"adapt" (the Adapt to my handwriting fine-tune on the taught digits,
mixed with MNIST as the app does it; it needs the MNIST training set and takes
a few seconds per writer and condition on a 2-core CPU) and "nearest-mean", a
stand-in for an instant mechanism: the mean last-hidden-layer activity of
each taught digit is its prototype, and the network's probabilities are
blended half and half with a softmax over the cosine similarity to the
prototypes; and "instant", the real mechanism
(``digitpad.model.personal.PersonalLayer``: a similarity-gated memory of the
taught digits in the last hidden layer, exactly the network far from them).
``PERSONALISERS`` names the instant ones that need nothing but the model, with
``DEFAULT_PERSONALISER`` first. ``simulate_teaching`` chooses K digits of each class per writer
(seeded; always leaving at least one of the class to measure), teaches a
fresh personaliser per writer and condition, and reads only the untaught
digits through the canvas path, before and after.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Callable, Protocol, Sequence

import numpy as np

from digitpad.data.handwriting.collections import WrittenDigit
from digitpad.inside.layers import network_layers
from digitpad.model.personal import PersonalLayer
from digitpad.nn import MLP
from digitpad.train.writers import Replayed, readings

# How sharply the nearest-mean stand-in prefers the most similar prototype,
# and how much of its answer is the prototypes' (the rest is the network's).
PROTOTYPE_SHARPNESS = 30.0
PROTOTYPE_SHARE = 0.5
# MNIST training digits that bound the instant layer's reach (see digitpad.model.personal).
ANCHORS = 5000


class Personaliser(Protocol):
    name: str

    def teach(self, images: np.ndarray, labels: np.ndarray) -> None: ...

    def predict_proba(self, images: np.ndarray) -> np.ndarray: ...


class NoPersonalisation:
    """The model as it is: teaching changes nothing."""

    name = "none"

    def __init__(self, model: MLP) -> None:
        self.model = model

    def teach(self, images: np.ndarray, labels: np.ndarray) -> None:
        pass

    def predict_proba(self, images: np.ndarray) -> np.ndarray:
        return self.model.predict_proba(images)


class AdaptPersonaliser:
    """Today's Adapt fine-tune (``adapt_to_handwriting``) on the taught
    digits, none held back; ``mnist_train`` is ``(images (M, 784), labels)``."""

    name = "adapt"

    def __init__(self, model: MLP, mnist_train: tuple[np.ndarray, np.ndarray], seed: int = 0) -> None:
        self.model, self.mnist_train, self.seed = model, mnist_train, seed
        self.adapted = model

    def teach(self, images: np.ndarray, labels: np.ndarray) -> None:
        from digitpad.train.adapt import MIN_SAMPLES, AdaptConfig, adapt_to_handwriting

        if len(labels) < MIN_SAMPLES:
            return
        result = adapt_to_handwriting(self.model, np.asarray(images, np.float32).reshape(len(images), -1),
                                      np.asarray(labels, np.int64), self.mnist_train, None,
                                      AdaptConfig(holdout_fraction=0.0, seed=self.seed))
        self.adapted = result.model

    def predict_proba(self, images: np.ndarray) -> np.ndarray:
        return self.adapted.predict_proba(images)


class NearestMeanStandIn:
    """A stand-in for instant personalisation (not the real mechanism): class
    prototypes of last-hidden-layer activity, blended with the network."""

    name = "nearest-mean"

    def __init__(self, model: MLP) -> None:
        self.model = model
        self.layers = network_layers(model)[:-1]
        self.prototypes: np.ndarray | None = None      # (10, units), unit length; zero rows untaught

    @property
    def temperature(self) -> float:
        """The model's calibration (``read_canvas`` asks for it)."""
        return self.model.temperature

    def features(self, images: np.ndarray) -> np.ndarray:
        activity = np.asarray(images, np.float32).reshape(len(images), -1)
        for layer in self.layers:
            activity = layer.apply_activation(layer.dense.forward(activity))
        norms = np.linalg.norm(activity, axis=1, keepdims=True)
        return activity / np.maximum(norms, 1e-12)

    def teach(self, images: np.ndarray, labels: np.ndarray) -> None:
        if len(labels) == 0:
            return
        features = self.features(images)
        prototypes = np.zeros((self.model.num_classes, features.shape[1]), np.float32)
        for digit in np.unique(labels):
            mean = features[labels == digit].mean(axis=0)
            prototypes[digit] = mean / max(float(np.linalg.norm(mean)), 1e-12)
        self.prototypes = prototypes

    def predict_proba(self, images: np.ndarray) -> np.ndarray:
        network = self.model.predict_proba(images)
        if self.prototypes is None:
            return network
        images = np.asarray(images).reshape(len(network), -1)
        similarity = self.features(images) @ self.prototypes.T
        taught = np.linalg.norm(self.prototypes, axis=1) > 0
        scores = np.where(taught, similarity * PROTOTYPE_SHARPNESS, -np.inf)
        scores -= scores.max(axis=1, keepdims=True)
        prototype = np.exp(scores)
        prototype /= prototype.sum(axis=1, keepdims=True)
        return ((1 - PROTOTYPE_SHARE) * network + PROTOTYPE_SHARE * prototype).astype(np.float32)


class InstantPersonaliser:
    """Instant personal learning (``PersonalLayer``): each taught digit is
    remembered, and drawings that resemble one are read toward its label."""

    name = "instant"

    def __init__(self, model: MLP, anchors: tuple[np.ndarray, np.ndarray] | None | str = "mnist") -> None:
        self.model = model
        self.layer = PersonalLayer(model, mnist_anchors() if anchors == "mnist" else anchors)

    @property
    def temperature(self) -> float:
        return self.model.temperature

    def teach(self, images: np.ndarray, labels: np.ndarray) -> None:
        self.layer.teach_many(np.asarray(images, np.float32).reshape(len(labels), -1), np.asarray(labels))

    def predict_proba(self, images: np.ndarray) -> np.ndarray:
        return self.layer.predict_proba(images)


@functools.lru_cache(maxsize=1)
def mnist_anchors(count: int = ANCHORS) -> tuple[np.ndarray, np.ndarray] | None:
    """The first ``count`` MNIST training digits ``((count, 784) float32,
    (count,) int64)`` as the instant layer's anchors, if MNIST is on disk
    (never downloaded); None without it."""
    from digitpad.data.mnist import MnistError, as_float_images, load_mnist

    try:
        images, labels = load_mnist("train", download=False)
    except MnistError:
        return None
    return as_float_images(images[:count]).reshape(count, -1), labels[:count].astype(np.int64)


# Personalisers that need only the model, by name; the default first.
PERSONALISERS: dict[str, Callable[[MLP], Personaliser]] = {
    "instant": InstantPersonaliser, "nearest-mean": NearestMeanStandIn, "none": NoPersonalisation}
DEFAULT_PERSONALISER = "instant"


def choose_taught(digits: Sequence[WrittenDigit], k: int, rng: np.random.Generator) -> np.ndarray:
    """A mask of the digits taught: per writer and class, ``k`` chosen at
    random, but never every digit of a class (one is left to measure)."""
    taught = np.zeros(len(digits), bool)
    keys = [(digit.writer, digit.label) for digit in digits]
    for key in dict.fromkeys(keys):
        members = np.flatnonzero([item == key for item in keys])
        count = min(k, len(members) - 1)
        if count > 0:
            taught[rng.choice(members, size=count, replace=False)] = True
    return taught


@dataclass
class TeachingReport:
    """Accuracy on the untaught digits, before (the model) and after teaching."""

    personaliser: str
    k: int
    taught: int
    measured: int
    before: float
    after: float
    by_writer: dict[str, tuple[float, float]] = field(default_factory=dict)
    taught_mask: np.ndarray | None = None

    def to_dict(self) -> dict:
        return {"personaliser": self.personaliser, "k": self.k, "taught": self.taught,
                "measured": self.measured, "before": self.before, "after": self.after,
                "by_writer": {name: {"before": before, "after": after}
                              for name, (before, after) in self.by_writer.items()}}


def simulate_teaching(model: MLP, digits: Sequence[WrittenDigit], drawn: Sequence[Replayed], k: int,
                      make_personaliser: Callable[[], Personaliser], seed: int = 0) -> TeachingReport:
    """Teach ``k`` digits of each class per writer and measure the rest, in
    every condition of ``drawn``; a fresh personaliser each time."""
    taught = choose_taught(digits, k, np.random.default_rng(seed))
    labels = np.array([digit.label for digit in digits], np.int64)
    writers = [digit.writer for digit in digits]
    results: dict[str, list[tuple[bool, bool]]] = {}
    name = ""
    for replayed in drawn:
        for writer in dict.fromkeys(writers):
            mine = np.array([item == writer for item in writers])
            teach, measure = np.flatnonzero(mine & taught), np.flatnonzero(mine & ~taught)
            personaliser = make_personaliser()
            name = personaliser.name
            personaliser.teach(replayed.images[teach], labels[teach])
            before = readings(model, digits, replayed, measure)
            after = readings(personaliser, digits, replayed, measure)
            results.setdefault(writer, []).extend(
                (old == str(labels[index]), new == str(labels[index]))
                for index, old, new in zip(measure, before, after))
    pairs = np.array([pair for outcomes in results.values() for pair in outcomes], bool).reshape(-1, 2)
    by_writer = {writer: tuple(float(value) for value in np.array(outcomes, bool).reshape(-1, 2).mean(axis=0))
                 for writer, outcomes in results.items() if outcomes}
    return TeachingReport(name, k, int(taught.sum()), int((~taught).sum()),
                          float(pairs[:, 0].mean()) if len(pairs) else float("nan"),
                          float(pairs[:, 1].mean()) if len(pairs) else float("nan"), by_writer, taught)
