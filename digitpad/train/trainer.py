"""The training loop. A ``Trainer`` runs mini-batch gradient descent for a
model, a loss and an optimiser over in-memory ``(N, 784)`` float32 images,
calling Keras-style callbacks around every batch and epoch. All randomness —
the epoch's shuffle, augmentation and dropout — comes from one
``np.random.Generator`` whose state, together with the position inside the
epoch, is part of ``state_dict``, so a run stopped at any batch and resumed
from its checkpoint produces exactly the weights of an uninterrupted run.
``load_state_dict`` trusts nothing it is given: every field is type-checked
against a schema and then against the invariants the loop keeps (the step
count, the position in the epoch, the epoch's shuffle order), and any problem
is a ``ValueError`` naming the field.

Between two batches, at the points where a run may safely stop (before each
epoch's shuffle and after every batch that does not end an epoch), callbacks
get ``on_boundary``: there a run can be paused, slowed down or have its
settings changed (``digitpad.train.control``). Time spent there is not
training time, so it is left out of ``epoch_seconds`` and ``elapsed_seconds``.
"""

from __future__ import annotations

import math
import time
from typing import Callable, Mapping, Sequence

import numpy as np

from digitpad.data.mnist.batches import batch_count
from digitpad.nn import MLP, Optimizer, SoftmaxCrossEntropy, clip_grad_norm
from digitpad.storage.schema import Integer, Literal, Number, Record, SchemaError
from digitpad.train.callbacks import Callback, History
from digitpad.train.status import RunStatus

# augment(batch images (B, 784), rng, their indices in the training set) -> (B, 784)
Augment = Callable[[np.ndarray, np.random.Generator, np.ndarray], np.ndarray]


class TrainingDiverged(RuntimeError):
    """The loss or the weights stopped being finite numbers. ``findings``
    holds what the run's diagnosis had found by then (``run_training`` fills it)."""

    def __init__(self, message: str, findings=()) -> None:
        super().__init__(message)
        self.findings = list(findings)


# The saved state of each bit generator the trainer can restore, as NumPy
# reports it (``Generator.bit_generator.state``).
RNG_STATE_SCHEMAS = {
    "PCG64": Record({
        "bit_generator": Literal("PCG64"),
        "state": Record({"state": Integer(0, 2**128 - 1), "inc": Integer(0, 2**128 - 1)},
                        required=["state", "inc"]),
        "has_uint32": Integer(0, 1),
        "uinteger": Integer(0, 2**32 - 1),
    }, required=["bit_generator", "state", "has_uint32", "uinteger"]),
}


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
    ``RunStatus.STOPPED`` (or ``EARLY_STOPPED`` when ``EarlyStopping`` asked).
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
        self.stop_reason = RunStatus.STOPPED
        # What gradient clipping multiplied the last step's gradients by (1:
        # untouched), so diagnostics can report the gradients the network made.
        self.gradient_scale = 1.0

    # -- the loop --------------------------------------------------------
    def fit(self, images: np.ndarray, labels: np.ndarray,
            validation: tuple[np.ndarray, np.ndarray] | None = None) -> str:
        """Train on ``images (N, 784) float32`` and ``labels (N,)``; returns the
        ``RunStatus``. Raises
        ``TrainingDiverged`` when the loss becomes NaN or infinite.
        """
        if len(images) != len(labels):
            raise ValueError(f"{len(images)} images but {len(labels)} labels")
        if self.permutation is not None and len(self.permutation) != len(images):
            raise ValueError(f"the saved epoch order covers {len(self.permutation)} digits, "
                             f"but {len(images)} were given")
        self.batches_per_epoch = batch_count(len(images), self.batch_size)
        self.stop_training = False
        self.stop_reason = RunStatus.STOPPED
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
            self._boundary()
            if self.stop_training or not self._run_epoch(images, labels, validation):
                return self.stop_reason
        return RunStatus.COMPLETED

    def _boundary(self) -> float:
        """Call ``on_boundary`` unless a stop is already asked for; the
        seconds it took (pauses, slow motion)."""
        if self.stop_training:
            return 0.0
        started = time.perf_counter()
        self._call("on_boundary")
        return time.perf_counter() - started

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
            if self.batch_index < self.batches_per_epoch:
                # The epoch's last batch is followed by its end instead; the
                # next boundary comes before the next epoch's shuffle.
                started += self._boundary()
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
            norm = clip_grad_norm(self._grads, self.max_grad_norm)
            clipped = math.isfinite(norm) and norm > self.max_grad_norm
            self.gradient_scale = self.max_grad_norm / (norm + 1e-12) if clipped else 1.0
        self.optimizer.step(self._grads)
        return loss_value, correct

    def _call(self, hook: str, *args) -> None:
        for callback in self.callbacks:
            getattr(callback, hook)(self, *args)

    def notify(self, hook: str, *args) -> None:
        """Call ``hook`` of every callback, as the loop does: how a callback
        tells the others (and observers such as the app) what it found, e.g.
        ``trainer.notify("on_finding", finding)``."""
        self._call(hook, *args)

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

    def load_state_dict(self, state: Mapping, arrays: Mapping[str, np.ndarray], *,
                        sample_count: int) -> None:
        """Continue from a ``state_dict`` saved by a trainer with the same
        settings (and optimiser state already restored), training on
        ``sample_count`` digits.

        Raises ``ValueError`` (a ``SchemaError``) naming the field, as
        ``trainer.<field>`` or ``state.permutation``, when the state is not one
        this trainer could have saved; nothing is changed then.
        """
        batches_per_epoch = batch_count(sample_count, self.batch_size)
        generator_name = type(self.rng.bit_generator).__name__
        if generator_name not in RNG_STATE_SCHEMAS:
            raise ValueError(f"cannot restore the random state of a {generator_name} generator")
        checked = self._state_schema(batches_per_epoch, generator_name).validate(state, "trainer")
        self._check_position(checked, batches_per_epoch, sample_count)
        permutation = _checked_saved_arrays(arrays, checked["batch_index"], sample_count)
        # Callback states are bounded by the epochs completed, known only now.
        callbacks = [callback for callback in self.callbacks if callback.state_key]
        callback_states = Record(
            {callback.state_key: callback.state_schema(checked["epoch"]) for callback in callbacks},
            required=[callback.state_key for callback in callbacks],
        ).validate(state.get("callbacks"), "trainer.callbacks")

        # Everything checked; the generator state goes first because NumPy
        # may still refuse it, and it is the one change undone on failure.
        self._restore_rng_state(checked["rng_state"], generator_name)
        self.epoch = checked["epoch"]
        self.batch_index = checked["batch_index"]
        self.global_step = checked["global_step"]
        self.batches_per_epoch = batches_per_epoch
        self.elapsed_seconds = checked["elapsed_seconds"]
        self._loss_sum = checked["running"]["loss_sum"]
        self._correct = checked["running"]["correct"]
        self._seen = checked["running"]["seen"]
        self.permutation = permutation
        for callback in callbacks:
            callback.load_state_dict(callback_states[callback.state_key])

    def _state_schema(self, batches_per_epoch: int, generator_name: str) -> Record:
        """The types and bounds of a saved state; the invariants between its
        fields are checked by ``_check_position``."""
        return Record({
            "epoch": Integer(0, self.epochs),
            "batch_index": Integer(0, batches_per_epoch - 1),
            "global_step": Integer(0),      # bounded by its invariant
            "elapsed_seconds": Number(0),
            "running": Record({"loss_sum": Number(0), "correct": Integer(0), "seen": Integer(0)},
                              required=["loss_sum", "correct", "seen"]),
            "rng_state": RNG_STATE_SCHEMAS[generator_name],
        }, required=["epoch", "batch_index", "global_step", "elapsed_seconds", "running",
                     "rng_state"])

    def _check_position(self, checked: Mapping, batches_per_epoch: int, sample_count: int) -> None:
        """The invariants the loop keeps: the step count, the position in the
        epoch and the running sums agree with each other and the optimiser."""
        epoch, batch_index, global_step = checked["epoch"], checked["batch_index"], checked["global_step"]
        running = checked["running"]
        if global_step != epoch * batches_per_epoch + batch_index:
            raise SchemaError("trainer.global_step",
                              f"{global_step} does not match epoch {epoch} and batch {batch_index} "
                              f"at {batches_per_epoch} batches per epoch")
        if batch_index > 0 and epoch == self.epochs:
            raise SchemaError("trainer.batch_index", f"{batch_index} in an epoch after the last one")
        if global_step != self.optimizer.step_count:
            raise SchemaError("trainer.global_step", f"{global_step} does not match the optimizer's "
                                                     f"{self.optimizer.step_count} steps")
        # Mid-epoch the sums cover exactly the batches done; at an epoch
        # boundary, nothing yet or the whole epoch just finished.
        seen_allowed = (batch_index * self.batch_size,) if batch_index else (0, sample_count)
        if running["seen"] not in seen_allowed:
            raise SchemaError("trainer.running.seen", f"{running['seen']} digits, expected "
                                                      f"{' or '.join(map(str, seen_allowed))}")
        if running["correct"] > running["seen"]:
            raise SchemaError("trainer.running.correct",
                              f"{running['correct']} correct out of {running['seen']} digits seen")

    def _restore_rng_state(self, rng_state: Mapping, generator_name: str) -> None:
        previous_rng_state = self.rng.bit_generator.state
        try:
            self.rng.bit_generator.state = rng_state
        except (TypeError, ValueError, OverflowError) as error:
            self.rng.bit_generator.state = previous_rng_state
            raise SchemaError("trainer.rng_state",
                              f"not a valid {generator_name} state ({error})") from None


def _checked_saved_arrays(arrays: Mapping[str, np.ndarray], batch_index: int,
                          sample_count: int) -> np.ndarray | None:
    """The epoch's order saved mid-epoch (``None`` at an epoch boundary);
    the arrays must be exactly what ``state_dict`` writes."""
    unexpected = sorted(set(arrays) - ({"permutation"} if batch_index else set()))
    if unexpected:
        raise SchemaError(f"state.{unexpected[0]}", "unexpected array for a state at batch "
                                                    f"{batch_index}")
    if not batch_index:
        return None
    if "permutation" not in arrays:
        raise SchemaError("state.permutation", "missing; a mid-epoch training state needs it")
    return _checked_permutation(arrays["permutation"], sample_count)


def _checked_permutation(array: np.ndarray, sample_count: int) -> np.ndarray:
    """``array`` as int64 if it is an order of ``range(sample_count)``."""
    where = "state.permutation"
    array = np.asarray(array)
    if array.dtype.kind not in "iu" or array.ndim != 1:
        raise SchemaError(where, f"expected a 1-D integer array, got {array.dtype} {array.shape}")
    if len(array) != sample_count:
        raise SchemaError(where, f"saved for {len(array)} training digits, but {sample_count} are loaded")
    if sample_count and (array.min() < 0 or array.max() >= sample_count):
        raise SchemaError(where, f"values must lie in 0 to {sample_count - 1}, found "
                                 f"{array.min()} to {array.max()}")
    order = array.astype(np.int64)
    if np.count_nonzero(np.bincount(order, minlength=sample_count)) != sample_count:
        raise SchemaError(where, "repeats some digits and leaves others out; not a permutation")
    return order
