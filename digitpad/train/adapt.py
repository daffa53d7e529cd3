"""Adapting a trained model to one person's handwriting. Some of their
labelled samples are held back for measuring; the rest, repeated so that
they make up a fixed share of every epoch and randomly distorted each time,
are mixed with a few thousand MNIST training digits so the model learns the
new style without forgetting MNIST. A short fine-tuning of every layer from
the current weights with a small learning rate follows (``AdaptConfig``
holds every setting: two epochs of 10,000 images, a few seconds on a 2-core
CPU), and the result reports accuracy before and after on the held-back
samples and on the MNIST test set. The input model is never modified; the
adapted one keeps its calibration temperature.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable, Sequence

import numpy as np

from digitpad.data.augment.distortions import AugmentConfig
from digitpad.data.augment.training import TrainingAugmentation
from digitpad.nn import MLP, Adam, SoftmaxCrossEntropy
from digitpad.nn.schedules import CosineSchedule
from digitpad.train.callbacks import Callback, LearningRateScheduler
from digitpad.train.status import RunStatus
from digitpad.train.trainer import Trainer

# Fewer samples than this cannot teach a style (and leave nothing to measure).
MIN_SAMPLES = 5


@dataclass(frozen=True)
class AdaptConfig:
    """Every setting of a fine-tuning. Its size is set by ``epochs`` and
    ``mnist_digits`` (the user's samples are repeated up to
    ``personal_share`` of each epoch, so their number does not change it):
    two epochs of 8,000 MNIST digits and 2,000 personal views. On the
    synthetic odd writers of ``scripts/bench_adapt.py`` this fixes as many
    of the writers' other digits as five times the work did (four epochs of
    20,000 MNIST digits at 2e-4) and keeps MNIST test accuracy within 0.2
    points; the slightly higher learning rate makes up for the fewer steps."""

    epochs: int = 2
    learning_rate: float = 3e-4
    batch_size: int = 128
    mnist_digits: int = 8000         # MNIST training digits mixed in
    personal_share: float = 0.2      # fraction of each epoch that is the user's samples, all ten digits taught
    holdout_fraction: float = 0.25   # of the user's samples, per digit, kept for measuring
    augment_strength: float = 0.7
    label_smoothing: float = 0.1
    seed: int = 0


@dataclass
class AdaptationResult:
    model: MLP
    status: RunStatus                            # COMPLETED or STOPPED
    before: dict[str, float] = field(default_factory=dict)
    after: dict[str, float] = field(default_factory=dict)
    train_count: int = 0
    holdout_count: int = 0
    seconds: float = 0.0


def holdout_split(labels: np.ndarray, fraction: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """``(train, holdout)`` indices: about ``fraction`` of each digit's samples
    held back, but never a digit's only sample."""
    train, holdout = [], []
    for digit in np.unique(labels):
        members = rng.permutation(np.flatnonzero(labels == digit))
        count = int(round(fraction * len(members))) if len(members) > 1 else 0
        count = min(count, len(members) - 1)
        holdout += members[:count].tolist()
        train += members[count:].tolist()
    return np.array(sorted(train), dtype=np.int64), np.array(sorted(holdout), dtype=np.int64)


def _accuracy(model: MLP, images: np.ndarray, labels: np.ndarray) -> float | None:
    if len(labels) == 0:
        return None
    return float((model.predict(images) == labels).mean())


def copy_model(model: MLP) -> MLP:
    """A copy to fine-tune, keeping ``model``'s calibration temperature: the
    short fine-tuning uses the same label smoothing, which is what sets the
    scale of the scores, and the few held-back personal samples are too few
    to fit a new temperature on (MNIST test must stay unseen)."""
    # Zero weights: the random ones would be overwritten straight away.
    clone = MLP.from_architecture(model.architecture(), rng=np.random.default_rng(0), dtype=model.dtype,
                                  initializer="zeros")
    clone.load_state_dict(model.state_dict())
    clone.temperature = model.temperature
    return clone.eval()


def adapt_to_handwriting(model: MLP, personal_images: np.ndarray, personal_labels: np.ndarray,
                         mnist_train: tuple[np.ndarray, np.ndarray],
                         mnist_test: tuple[np.ndarray, np.ndarray] | None,
                         config: AdaptConfig = AdaptConfig(), callbacks: Sequence[Callback] = (),
                         on_trainer: Callable[[Trainer], None] | None = None) -> AdaptationResult:
    """Fine-tune a copy of ``model`` on the user's samples mixed with MNIST.

    ``personal_images`` ``(N, 784)`` float32 in [0, 1] with ``personal_labels``
    ``(N,)``; ``mnist_train``/``mnist_test`` are ``(images (M, 784) float32,
    labels (M,))``. Raises ValueError with fewer than ``MIN_SAMPLES`` samples.
    """
    personal_labels = np.asarray(personal_labels, dtype=np.int64)
    if len(personal_labels) < MIN_SAMPLES:
        raise ValueError(f"at least {MIN_SAMPLES} labelled samples are needed, there are {len(personal_labels)}")
    rng = np.random.default_rng(config.seed)
    train_index, holdout_index = holdout_split(personal_labels, config.holdout_fraction, rng)
    holdout = (personal_images[holdout_index], personal_labels[holdout_index])

    def measure(candidate: MLP) -> dict[str, float]:
        scores = {"personal_holdout": _accuracy(candidate, *holdout)}
        if mnist_test is not None:
            scores["mnist_test"] = _accuracy(candidate, *mnist_test)
        return scores

    result = AdaptationResult(copy_model(model), RunStatus.COMPLETED, train_count=len(train_index),
                              holdout_count=len(holdout_index))
    result.before = measure(model)

    mnist_images, mnist_labels = mnist_train
    chosen = rng.choice(len(mnist_labels), size=min(config.mnist_digits, len(mnist_labels)), replace=False)
    # Repeat the user's samples so they are ``personal_share`` of each epoch —
    # that share for all ten digits, a tenth of it per digit taught: a fifth
    # of every epoch made of one writer's 1s teaches the network that odd
    # shapes are 1s, and cost 1.4 points on MNIST test in our measurement.
    share = config.personal_share * len(np.unique(personal_labels[train_index])) / model.num_classes
    wanted = share / (1 - share) * len(chosen)
    repeats = max(1, math.ceil(wanted / len(train_index)))
    images = np.concatenate([mnist_images[chosen], np.tile(personal_images[train_index], (repeats, 1))])
    labels = np.concatenate([mnist_labels[chosen], np.tile(personal_labels[train_index], repeats)])

    adapted = result.model
    adapted.rng = rng
    optimizer = Adam([parameter.value for parameter in adapted.parameters()],
                     learning_rate=config.learning_rate)
    steps = config.epochs * math.ceil(len(labels) / config.batch_size)
    augmentation = TrainingAugmentation(AugmentConfig().scaled(config.augment_strength))
    trainer = Trainer(adapted, optimizer, SoftmaxCrossEntropy(config.label_smoothing),
                      batch_size=config.batch_size, epochs=config.epochs, rng=rng,
                      augment=augmentation,
                      callbacks=[LearningRateScheduler(CosineSchedule(config.learning_rate, steps)),
                                 *callbacks])
    if on_trainer is not None:
        on_trainer(trainer)
    result.status = trainer.fit(images, labels)
    result.seconds = trainer.elapsed_seconds
    if result.status != RunStatus.STOPPED:
        result.after = measure(adapted)
    return result
