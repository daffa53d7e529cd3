"""The training loop. A ``Trainer`` runs mini-batch gradient descent for a
model, a loss and an optimiser over in-memory ``(N, 784)`` float32 images,
calling Keras-style callbacks around every batch and epoch. All randomness —
the epoch's shuffle, augmentation and dropout — comes from one
``np.random.Generator`` whose state, together with the position inside the
epoch, is part of ``state_dict``, so a run stopped at any batch and resumed
from its checkpoint produces exactly the weights of an uninterrupted run.
"""

from __future__ import annotations

import math
import time
from typing import Callable, Mapping, Sequence

import numpy as np

from digitpad.data.batches import batch_count
from digitpad.nn import MLP, Optimizer, SoftmaxCrossEntropy, clip_grad_norm
from digitpad.train.callbacks import Callback, History

# augment(batch images (B, 784), rng, their indices in the training set) -> (B, 784)
Augment = Callable[[np.ndarray, np.random.Generator, np.ndarray], np.ndarray]


class TrainingDiverged(RuntimeError):
    """The loss or the weights stopped being finite numbers."""


def evaluate(model: MLP, images: np.ndarray, labels: np.ndarray) -> tuple[float, float]:
    """Mean cross-entropy and accuracy of ``model`` on ``(N, 784)`` images."""
    probabilities = model.predict_proba(images)
    true_class = probabilities[np.arange(len(labels)), labels]
    loss = float(-np.log(np.maximum(true_class, 1e-12), dtype=np.float64).mean())
    accuracy = float((probabilities.argmax(axis=1) == labels).mean())
    return loss, accuracy


class Trainer:
    """Mini-batch training with callbacks, stop requests and exact resume.

    ``stop_training`` may be set by a callback or another thread at any time;
    the trainer finishes the current batch and returns with status
    ``"stopped"`` (or ``"early_stopped"`` when ``EarlyStopping`` asked).
    """

    def __init__(self, model: MLP, optimizer: Optimizer, loss: SoftmaxCrossEntropy, *,
                 batch_size: int, epochs: int, rng: np.random.Generator,
                 augment: Augment | None = None, max_grad_norm: float = 0.0,
                 callbacks: Sequence[Callback] = ()) -> None:
        self.model = model
        self.optimizer = optimizer
        self.loss = loss
        self.batch_size = batch_size
        self.epochs = epochs
        self.rng = rng
        # Dropout draws from the same generator, so its masks are part of the
        # saved random state too.
        self.model.rng = rng
        self.augment = augment
        self.max_grad_norm = max_grad_norm
        self.history = History()
        self.callbacks: list[Callback] = [self.history, *callbacks]
        self._parameters = model.parameters()
        self._grads = [parameter.grad for parameter in self._parameters]

        self.epoch = 0              # completed epochs
        self.batch_index = 0        # next batch of the epoch in progress
        self.global_step = 0        # optimiser updates so far
        self.batches_per_epoch = 0
        self.permutation: np.ndarray | None = None
        self.elapsed_seconds = 0.0  # training time, summed over resumed sessions
        self._loss_sum = 0.0
        self._correct = 0
        self._seen = 0
        self.stop_training = False
        self.stop_reason = "stopped"

    # -- the loop --------------------------------------------------------
    def fit(self, images: np.ndarray, labels: np.ndarray,
            validation: tuple[np.ndarray, np.ndarray] | None = None) -> str:
        """Train on ``images (N, 784) float32`` and ``labels (N,)``; returns the
        status: ``"completed"``, ``"early_stopped"`` or ``"stopped"``. Raises
        ``TrainingDiverged`` when the loss becomes NaN or infinite.
        """
        if len(images) != len(labels):
            raise ValueError(f"{len(images)} images but {len(labels)} labels")
        if self.permutation is not None and len(self.permutation) != len(images):
            raise ValueError(f"the saved epoch order covers {len(self.permutation)} digits, "
                             f"but {len(images)} were given")
        self.batches_per_epoch = batch_count(len(images), self.batch_size)
        self.stop_training = False
        self.stop_reason = "stopped"
        self.model.train()
        self._call("on_train_begin")
        try:
            # Overflow is detected explicitly (TrainingDiverged); NumPy's
            # warnings about it would only clutter that clear message.
            with np.errstate(over="ignore", invalid="ignore"):
                status = self._run_epochs(images, labels, validation)
        except TrainingDiverged:
            self.model.eval()
            self._call("on_train_end", "diverged")
            raise
        self.model.eval()
        self._call("on_train_end", status)
        return status

    def _run_epochs(self, images, labels, validation) -> str:
        while self.epoch < self.epochs:
            if self.stop_training or not self._run_epoch(images, labels, validation):
                return self.stop_reason
        return "completed"

    def _run_epoch(self, images, labels, validation) -> bool:
        """Run (the rest of) one epoch; False if stopped before its end."""
        epoch_number = self.epoch + 1
        if self.batch_index == 0:
            self.permutation = self.rng.permutation(len(images))
            self._loss_sum, self._correct, self._seen = 0.0, 0, 0
        self._call("on_epoch_begin", epoch_number)
        started = time.perf_counter()
        while self.batch_index < self.batches_per_epoch:
            batch = self.batch_index
            indices = self.permutation[batch * self.batch_size:(batch + 1) * self.batch_size]
            self._call("on_batch_begin", batch)
            loss_value, correct = self._train_step(images[indices], labels[indices], indices)
            if not math.isfinite(loss_value):
                self.elapsed_seconds += time.perf_counter() - started
                raise TrainingDiverged(
                    f"the loss became {loss_value} at epoch {epoch_number}, batch {batch + 1}; "
                    "try a lower learning rate or gradient clipping")
            self._loss_sum += loss_value * len(indices)
            self._correct += correct
            self._seen += len(indices)
            self.batch_index += 1
            self.global_step += 1
            self._call("on_batch_end", batch, {
                "loss": self._loss_sum / self._seen,
                "accuracy": self._correct / self._seen,
                "batch_loss": loss_value,
                "batch_accuracy": correct / len(indices),
                "learning_rate": self.optimizer.learning_rate,
            })
            if self.stop_training and self.batch_index < self.batches_per_epoch:
                self.elapsed_seconds += time.perf_counter() - started
                return False

        if not all(np.isfinite(parameter.value).all() for parameter in self._parameters):
            raise TrainingDiverged(f"the weights stopped being finite numbers in epoch {epoch_number}; "
                                   "try a lower learning rate or gradient clipping")
        logs = {
            "epoch": epoch_number,
            "train_loss": self._loss_sum / self._seen,
            "train_accuracy": self._correct / self._seen,
            "learning_rate": self.optimizer.learning_rate,
        }
        if validation is not None:
            logs["val_loss"], logs["val_accuracy"] = evaluate(self.model, *validation)
        epoch_seconds = time.perf_counter() - started
        self.elapsed_seconds += epoch_seconds
        logs["epoch_seconds"] = epoch_seconds
        logs["elapsed_seconds"] = self.elapsed_seconds
        self.epoch = epoch_number
        self.batch_index = 0
        self.permutation = None
        self._call("on_epoch_end", epoch_number, logs)
        return True

    def _train_step(self, images: np.ndarray, labels: np.ndarray,
                    indices: np.ndarray) -> tuple[float, int]:
        if self.augment is not None:
            images = self.augment(images, self.rng, indices)
        logits = self.model.forward(images)
        loss_value = self.loss.forward(logits, labels)
        if not math.isfinite(loss_value):
            return loss_value, 0
        correct = int(np.count_nonzero(logits.argmax(axis=1) == labels))
        self.model.backward(self.loss.backward())
        if self.max_grad_norm:
            clip_grad_norm(self._grads, self.max_grad_norm)
        self.optimizer.step(self._grads)
        return loss_value, correct

    def _call(self, hook: str, *args) -> None:
        for callback in self.callbacks:
            getattr(callback, hook)(self, *args)

    # -- resume ----------------------------------------------------------
    def state_dict(self) -> tuple[dict, dict[str, np.ndarray]]:
        """``(JSON-able state, numeric arrays)`` describing where training is."""
        state = {
            "epoch": self.epoch,
            "batch_index": self.batch_index,
            "global_step": self.global_step,
            "elapsed_seconds": self.elapsed_seconds,
            "running": {"loss_sum": self._loss_sum, "correct": self._correct, "seen": self._seen},
            "rng_state": self.rng.bit_generator.state,
            "callbacks": {callback.state_key: callback.state_dict()
                          for callback in self.callbacks if callback.state_key},
        }
        arrays = {}
        if self.batch_index > 0 and self.permutation is not None:
            arrays["permutation"] = self.permutation
        return state, arrays

    def load_state_dict(self, state: Mapping, arrays: Mapping[str, np.ndarray]) -> None:
        """Continue from a ``state_dict`` saved by a trainer with the same settings."""
        batch_index = int(state["batch_index"])
        if batch_index > 0 and "permutation" not in arrays:
            raise ValueError("a mid-epoch training state needs its permutation")
        rng_state = state["rng_state"]
        if rng_state.get("bit_generator") != type(self.rng.bit_generator).__name__:
            raise ValueError(f"random state is for {rng_state.get('bit_generator')!r}, "
                             f"not {type(self.rng.bit_generator).__name__}")
        self.rng.bit_generator.state = rng_state
        self.epoch = int(state["epoch"])
        self.batch_index = batch_index
        self.global_step = int(state["global_step"])
        self.elapsed_seconds = float(state.get("elapsed_seconds", 0.0))
        running = state.get("running", {})
        self._loss_sum = float(running.get("loss_sum", 0.0))
        self._correct = int(running.get("correct", 0))
        self._seen = int(running.get("seen", 0))
        self.permutation = np.asarray(arrays["permutation"]) if batch_index > 0 else None
        saved_callbacks = state.get("callbacks", {})
        for callback in self.callbacks:
            if callback.state_key and callback.state_key in saved_callbacks:
                callback.load_state_dict(saved_callbacks[callback.state_key])
