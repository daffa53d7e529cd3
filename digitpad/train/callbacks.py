"""Keras-style training callbacks. The ``Trainer`` calls each hook with itself
as the first argument, so a callback can read the model, optimiser and
progress and can ask training to stop (``trainer.stop_training = True``, which
takes effect after the current batch). Included: ``History`` (always
installed), ``CSVLogger`` (``metrics.csv``), ``ProgressBar`` (tqdm),
``EarlyStopping`` with restore-best, ``LearningRateScheduler`` and
``ModelCheckpoint`` (``best.npz`` and the resumable ``last.npz``).

Callbacks whose progress must survive a resume expose ``state_dict`` /
``load_state_dict`` with JSON-able values; the trainer stores them in
``last.npz`` under their ``state_key``. Each also describes that state with
a typed schema (``state_schema``), which the trainer checks a saved state
against before loading it, so a tampered checkpoint is refused by name.

Besides the Keras hooks there are observer hooks, called on the training
thread, that other callbacks raise through ``trainer.notify``:
``on_boundary`` (between two batches, where a run may pause or change
settings), ``on_diagnostics`` (a ``DiagnosticsRecord``), ``on_finding`` (a
``Finding``), ``on_setting_changed`` (a ``SettingChange``), ``on_paused``
and ``on_continued``.
"""

from __future__ import annotations

import csv
import io
import math
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Mapping, Sequence

import numpy as np

from digitpad.storage.atomic import write_text_atomically
from digitpad.storage.schema import Field, Integer, ListOf, MapOf, Nullable, Number, OneOf, Record
from digitpad.train.status import RunStatus

if TYPE_CHECKING:
    from digitpad.train.trainer import Trainer


class Callback:
    """Base class; every hook is optional. ``logs`` are plain dicts of numbers."""

    # Non-empty for callbacks whose state is saved in resumable checkpoints.
    state_key = ""

    def on_train_begin(self, trainer: "Trainer") -> None: ...
    def on_epoch_begin(self, trainer: "Trainer", epoch: int) -> None: ...
    def on_batch_begin(self, trainer: "Trainer", batch: int) -> None: ...
    def on_batch_end(self, trainer: "Trainer", batch: int, logs: Mapping) -> None: ...
    def on_epoch_end(self, trainer: "Trainer", epoch: int, logs: Mapping) -> None: ...
    def on_train_end(self, trainer: "Trainer", status: str) -> None: ...

    # Observer hooks (see the module's docstring).
    def on_boundary(self, trainer: "Trainer") -> None: ...
    def on_diagnostics(self, trainer: "Trainer", record) -> None: ...
    def on_finding(self, trainer: "Trainer", finding) -> None: ...
    def on_setting_changed(self, trainer: "Trainer", change) -> None: ...
    def on_paused(self, trainer: "Trainer") -> None: ...
    def on_continued(self, trainer: "Trainer") -> None: ...

    def state_dict(self) -> dict:
        return {}

    def state_schema(self, completed_epochs: int) -> Field:
        """The schema of ``state_dict()`` saved after ``completed_epochs`` epochs."""
        return Record({})

    def load_state_dict(self, state: Mapping) -> None: ...


# An epoch's logs: a few named numbers (None when a metric is missing).
_EPOCH_LOGS = MapOf(Nullable(OneOf(Integer(), Number())), max_items=50)
# The best value of a monitored metric so far, None before the first.
_BEST_VALUE = Nullable(Number())


class History(Callback):
    """Keeps every epoch's logs; the trainer always installs one."""

    state_key = "history"

    def __init__(self) -> None:
        self.epochs: list[dict] = []

    def on_epoch_end(self, trainer, epoch, logs) -> None:
        self.epochs.append(dict(logs))

    def state_dict(self) -> dict:
        return {"epochs": self.epochs}

    def state_schema(self, completed_epochs: int) -> Field:
        # One entry per completed epoch, no more.
        return Record({"epochs": ListOf(_EPOCH_LOGS, min_length=completed_epochs,
                                        max_length=completed_epochs)}, required=["epochs"])

    def load_state_dict(self, state: Mapping) -> None:
        self.epochs = [dict(entry) for entry in state.get("epochs", [])]


METRIC_COLUMNS = ("epoch", "train_loss", "train_accuracy", "val_loss", "val_accuracy",
                  "learning_rate", "epoch_seconds", "elapsed_seconds")


class ColumnSource:
    """Something that adds columns to ``metrics.csv``: their names, known
    when training begins, and each epoch's values (missing ones stay empty)."""

    def csv_columns(self, trainer: "Trainer") -> list[str]:
        return []

    def csv_values(self, trainer: "Trainer", epoch: int) -> Mapping:
        return {}


class CSVLogger(Callback):
    """Appends one row per epoch to a CSV file (``metrics.csv`` in a run folder):
    ``METRIC_COLUMNS``, then the columns of each ``ColumnSource`` in ``sources``.

    On a resumed run, rows from epochs after the checkpoint (written just
    before an interruption) are dropped so the file matches the weights.
    """

    def __init__(self, path: str | os.PathLike, sources: Sequence[ColumnSource] = ()) -> None:
        self.path = Path(path)
        self.sources = list(sources)
        self.columns: list[str] = list(METRIC_COLUMNS)

    def on_train_begin(self, trainer) -> None:
        extra = [column for source in self.sources for column in source.csv_columns(trainer)]
        self.columns = list(dict.fromkeys([*METRIC_COLUMNS, *extra]))
        kept_rows = []
        if trainer.epoch > 0 and self.path.exists():
            with open(self.path, newline="") as stream:
                kept_rows = [row for row in csv.DictReader(stream)
                             if row.get("epoch", "").isdigit() and int(row["epoch"]) <= trainer.epoch]
        # Replaced whole, so a crash here leaves the old log rather than a
        # truncated one; epochs are then appended to it.
        text = io.StringIO(newline="")
        writer = csv.DictWriter(text, self.columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(kept_rows)
        write_text_atomically(self.path, text.getvalue())

    def on_epoch_end(self, trainer, epoch, logs) -> None:
        values = dict(logs)
        for source in self.sources:
            values.update(source.csv_values(trainer, epoch))
        row = {column: format_csv_value(values.get(column)) for column in self.columns}
        with open(self.path, "a", newline="") as stream:
            csv.DictWriter(stream, self.columns).writerow(row)


def format_csv_value(value) -> str:
    """A number as the CSV files write it: 6 significant digits, '' for None."""
    if value is None:
        return ""
    if isinstance(value, (float, np.floating)):
        return f"{value:.6g}"
    return str(value)


class ProgressBar(Callback):
    """A tqdm bar per epoch with running loss, accuracy, learning rate and ETA,
    and one summary line per epoch.
    """

    def __init__(self, stream=None, disable: bool | None = None) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.disable = disable
        self._bar = None

    def on_epoch_begin(self, trainer, epoch) -> None:
        from tqdm import tqdm  # only command-line runs pay for importing it

        self._bar = tqdm(total=trainer.batches_per_epoch, initial=trainer.batch_index,
                         desc=f"epoch {epoch}/{trainer.epochs}", unit="batch",
                         file=self.stream, disable=self.disable, leave=False,
                         dynamic_ncols=True, mininterval=0.25)

    def on_batch_end(self, trainer, batch, logs) -> None:
        if self._bar is None:
            return
        self._bar.update(1)
        if batch % 20 == 0 or batch == trainer.batches_per_epoch - 1:
            self._bar.set_postfix(loss=f"{logs['loss']:.4f}", acc=f"{logs['accuracy']:.4f}",
                                  lr=f"{logs['learning_rate']:.2e}", refresh=False)

    def on_epoch_end(self, trainer, epoch, logs) -> None:
        self._close()
        parts = [f"epoch {epoch}/{trainer.epochs}",
                 f"loss {logs['train_loss']:.4f}", f"acc {logs['train_accuracy']:.4f}"]
        if logs.get("val_accuracy") is not None:
            parts += [f"val_loss {logs['val_loss']:.4f}", f"val_acc {logs['val_accuracy']:.4f}"]
        parts.append(f"{logs['epoch_seconds']:.1f}s")
        print("  ".join(parts), file=self.stream, flush=True)

    def on_train_end(self, trainer, status) -> None:
        self._close()

    def _close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None


def _improved(value: float, best: float | None, mode: str, min_delta: float) -> bool:
    if value is None or not math.isfinite(value):
        return False
    if best is None:
        return True
    return value > best + min_delta if mode == "max" else value < best - min_delta


class EarlyStopping(Callback):
    """Stop when ``monitor`` has not improved for ``patience`` epochs; with
    ``restore_best`` the model ends with the weights of its best epoch.
    """

    state_key = "early_stopping"

    def __init__(self, monitor: str = "val_accuracy", mode: str = "max", patience: int = 5,
                 min_delta: float = 0.0, restore_best: bool = True) -> None:
        self.monitor = monitor
        self.mode = mode
        self.patience = patience
        self.min_delta = min_delta
        self.restore_best = restore_best
        self.best: float | None = None
        self.best_epoch = 0
        self.wait = 0
        self.best_weights: dict[str, np.ndarray] | None = None
        self.stopped_epoch = 0

    def on_epoch_end(self, trainer, epoch, logs) -> None:
        value = logs.get(self.monitor)
        if _improved(value, self.best, self.mode, self.min_delta):
            self.best, self.best_epoch, self.wait = value, epoch, 0
            if self.restore_best:
                self.best_weights = trainer.model.state_dict()
            return
        self.wait += 1
        if self.patience and self.wait >= self.patience:
            self.stopped_epoch = epoch
            trainer.stop_training = True
            trainer.stop_reason = RunStatus.EARLY_STOPPED

    def on_train_end(self, trainer, status) -> None:
        if self.restore_best and self.best_weights is not None and status != RunStatus.STOPPED:
            trainer.model.load_state_dict(self.best_weights)

    def state_dict(self) -> dict:
        return {"best": self.best, "best_epoch": self.best_epoch, "wait": self.wait}

    def state_schema(self, completed_epochs: int) -> Field:
        return Record({"best": _BEST_VALUE, "best_epoch": Integer(0, completed_epochs),
                       "wait": Integer(0, completed_epochs)}, required=["best", "best_epoch", "wait"])

    def load_state_dict(self, state: Mapping) -> None:
        self.best = state.get("best")
        self.best_epoch = int(state.get("best_epoch", 0))
        self.wait = int(state.get("wait", 0))


class LearningRateScheduler(Callback):
    """Sets the optimiser's learning rate from ``schedule(global_step)`` before each batch."""

    def __init__(self, schedule: Callable[[int], float]) -> None:
        self.schedule = schedule

    def on_batch_begin(self, trainer, batch) -> None:
        trainer.optimizer.learning_rate = self.schedule(trainer.global_step)


class ModelCheckpoint(Callback):
    """Writes ``best.npz`` whenever ``monitor`` improves (every epoch when there
    is nothing to monitor) and the resumable ``last.npz`` after every epoch and
    when training is stopped. Nothing is written after a divergence, so the
    last good checkpoint survives.
    """

    state_key = "model_checkpoint"

    def __init__(self, folder: str | os.PathLike, metadata: Callable[[], dict],
                 monitor: str | None = "val_accuracy", mode: str = "max") -> None:
        self.folder = Path(folder)
        self.metadata = metadata
        self.monitor = monitor
        self.mode = mode
        self.best: float | None = None
        self.best_epoch = 0

    @property
    def best_path(self) -> Path:
        return self.folder / "best.npz"

    @property
    def last_path(self) -> Path:
        return self.folder / "last.npz"

    def on_epoch_end(self, trainer, epoch, logs) -> None:
        from digitpad.model.checkpoint import save_checkpoint

        value = logs.get(self.monitor) if self.monitor else None
        if value is None or _improved(value, self.best, self.mode, 0.0):
            self.best, self.best_epoch = value, epoch
            metrics = {key: logs[key] for key in ("train_loss", "train_accuracy", "val_loss",
                                                   "val_accuracy") if logs.get(key) is not None}
            save_checkpoint(trainer.model, self.best_path,
                            {**self.metadata(), "metrics": {**metrics, "epoch": epoch}})
        self.save_last(trainer)

    def on_train_end(self, trainer, status) -> None:
        if status == RunStatus.STOPPED:
            self.save_last(trainer)

    def save_last(self, trainer) -> None:
        from digitpad.model.checkpoint import save_checkpoint

        state, arrays = trainer.state_dict()
        save_checkpoint(trainer.model, self.last_path, {**self.metadata(), "trainer": state},
                        optimizer=trainer.optimizer, state_arrays=arrays)

    def state_dict(self) -> dict:
        return {"best": self.best, "best_epoch": self.best_epoch}

    def state_schema(self, completed_epochs: int) -> Field:
        return Record({"best": _BEST_VALUE, "best_epoch": Integer(0, completed_epochs)},
                      required=["best", "best_epoch"])

    def load_state_dict(self, state: Mapping) -> None:
        self.best = state.get("best")
        self.best_epoch = int(state.get("best_epoch", 0))
