"""Looking inside a network while it trains. The ``Diagnostics`` callback
takes a ``DiagnosticsRecord`` every ``every`` batches and at the last batch
of every epoch: for each Dense layer, named by its parameters' prefix
(``layers.0``), the norm of its weight gradient (as the network made it,
before any clipping), the update-to-weight ratio (the norm of this step's
change to the weights over the norm of the weights), the weights' mean and
standard deviation, and, for a layer followed by an activation, the share of
its units that are inactive on a fixed probe batch and the mean of its
activations there. Biases are left out: they are few and start at zero.

Inactive means *dead* for ReLU and LeakyReLU — the unit's input ``z`` is at
most 0 for every probe image, so it passes no gradient (LeakyReLU only a
trickle) — and *saturated* for sigmoid and tanh — the unit's output lies
within ``SATURATION_MARGIN`` (0.01) of one of its limits (0 or 1; -1 or 1)
for more than ``SATURATED_SHARE`` (half) of the probe images, where its
slope is almost 0. The probe is ``PROBE_SIZE`` training digits picked once with
the run's own seed from a generator of its own, and is run in evaluation
mode, so looking changes neither the weights nor the run's random numbers.

Every record is announced to all callbacks with ``on_diagnostics`` and kept
in ``records`` (the latest ``MAX_RECORDS``); with a ``path`` each is also a
row of ``diagnostics.csv``, written at each epoch's end and when training
ends (when checkpoints are saved). The epoch-end records become extra columns of
``metrics.csv`` (``grad_norm/layers.0``, ``inactive/layers.0``, …). A resumed
run drops the rows written after its checkpoint, like ``CSVLogger``.
"""

from __future__ import annotations

import collections
import csv
import io
import math
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from digitpad.nn import Activation, Dense
from digitpad.storage.atomic import write_text_atomically
from digitpad.train.callbacks import Callback, ColumnSource, format_csv_value

PROBE_SIZE = 256
SATURATION_MARGIN = 0.01
SATURATED_SHARE = 0.5
MAX_RECORDS = 10_000
RECORD_COLUMNS = ("step", "epoch", "batch", "epoch_end", "loss", "learning_rate")
# Signals every Dense layer has, then those only a layer with an activation has.
WEIGHT_SIGNALS = ("grad_norm", "update_ratio", "weight_mean", "weight_std")
UNIT_SIGNALS = ("inactive", "activation_mean")


@dataclass(frozen=True)
class LayerSignals:
    """One Dense layer at one step; the unit signals are None without an activation."""

    grad_norm: float
    update_ratio: float | None      # None while the weights are all zero
    weight_mean: float
    weight_std: float
    inactive: float | None = None
    activation_mean: float | None = None
    activation: str | None = None   # "relu", "sigmoid", … (what "inactive" means)


@dataclass(frozen=True)
class DiagnosticsRecord:
    """The layers' signals after update number ``step``, batch ``batch``
    (from 1) of epoch ``epoch`` (from 1); ``epoch_end`` for an epoch's last batch."""

    step: int
    epoch: int
    batch: int
    epoch_end: bool
    loss: float                     # this batch's loss
    learning_rate: float
    layers: dict[str, LayerSignals]     # input side first

    def columns(self) -> dict[str, float | None]:
        """The signals as ``{"grad_norm/layers.0": …}``, as in the CSV files."""
        return {f"{signal}/{name}": getattr(signals, signal)
                for signal in (*WEIGHT_SIGNALS, *UNIT_SIGNALS)
                for name, signals in self.layers.items()
                if signal in WEIGHT_SIGNALS or signals.activation is not None}


def probe_images(images: np.ndarray, seed: int, size: int = PROBE_SIZE) -> np.ndarray:
    """A fixed sample of ``images`` to watch the units on, drawn from a
    generator of its own so the run's random numbers are untouched."""
    rng = np.random.default_rng([seed, 0x9E0BE])
    chosen = rng.choice(len(images), size=min(size, len(images)), replace=False)
    return np.ascontiguousarray(images[np.sort(chosen)])


def signal_columns(model) -> list[str]:
    """The per-layer columns a record of ``model`` has, in order."""
    layers = _watched_layers(model)
    return ([f"{signal}/{name}" for signal in WEIGHT_SIGNALS for name, _, _ in layers]
            + [f"{signal}/{name}" for signal in UNIT_SIGNALS for name, _, activation in layers
               if activation is not None])


class Diagnostics(Callback, ColumnSource):
    """Records each Dense layer's signals every ``every`` batches (0: only at
    epoch ends) and at every epoch's end; see the module's docstring."""

    def __init__(self, probe: np.ndarray, every: int = 50, path: str | os.PathLike | None = None) -> None:
        if every < 0:
            raise ValueError(f"every must be 0 or more batches, got {every}")
        self.probe = probe
        self.every = every
        self.path = Path(path) if path is not None else None
        self.records: collections.deque[DiagnosticsRecord] = collections.deque(maxlen=MAX_RECORDS)
        self.latest_epoch_record: DiagnosticsRecord | None = None
        self._layers: list[tuple[str, Dense, Activation | None]] = []
        self._before: list[np.ndarray] = []
        self._columns: list[str] = []
        self._unwritten: list[dict] = []
        self._due = False

    def on_train_begin(self, trainer) -> None:
        self._layers = _watched_layers(trainer.model)
        self._before = [np.empty_like(dense.weight.value) for _, dense, _ in self._layers]
        self._columns = [*RECORD_COLUMNS, *signal_columns(trainer.model)]
        if self.path is not None:
            self._start_file(trainer.global_step)

    def on_batch_begin(self, trainer, batch) -> None:
        step = trainer.global_step + 1
        self._due = (batch == trainer.batches_per_epoch - 1
                     or bool(self.every) and step % self.every == 0)
        if self._due:
            for buffer, (_, dense, _) in zip(self._before, self._layers):
                np.copyto(buffer, dense.weight.value)

    def on_batch_end(self, trainer, batch, logs) -> None:
        if not self._due:
            return
        self._due = False
        record = DiagnosticsRecord(
            step=trainer.global_step, epoch=trainer.epoch + 1, batch=batch + 1,
            epoch_end=batch == trainer.batches_per_epoch - 1, loss=float(logs["batch_loss"]),
            learning_rate=float(logs["learning_rate"]), layers=self._measure(trainer))
        self.records.append(record)
        if record.epoch_end:
            self.latest_epoch_record = record
        if self.path is not None:
            self._unwritten.append(self._row(record))
        trainer.notify("on_diagnostics", record)

    def on_epoch_end(self, trainer, epoch, logs) -> None:
        self._write_rows()

    def on_train_end(self, trainer, status) -> None:
        self._write_rows()

    def csv_columns(self, trainer) -> list[str]:
        return signal_columns(trainer.model)

    def csv_values(self, trainer, epoch: int) -> dict:
        record = self.latest_epoch_record
        return record.columns() if record is not None and record.epoch == epoch else {}

    # -- measuring ---------------------------------------------------------
    def _measure(self, trainer) -> dict[str, LayerSignals]:
        activations = self._probe_activations(trainer.model)
        signals = {}
        for (name, dense, activation), before in zip(self._layers, self._before):
            weight = dense.weight.value
            np.subtract(weight, before, out=before)
            weight_norm = _norm(weight)
            # The norm gives the mean square, so the spread needs no pass of its own.
            weight_mean = float(weight.mean(dtype=np.float64))
            weight_std = math.sqrt(max(weight_norm ** 2 / weight.size - weight_mean ** 2, 0.0))
            unit_signals = {}
            if activation is not None:
                outputs = activations[name]
                unit_signals = {"inactive": inactive_share(activation.type_name, outputs),
                                "activation_mean": float(outputs.mean(dtype=np.float64)),
                                "activation": activation.type_name}
            signals[name] = LayerSignals(
                grad_norm=_norm(dense.weight.grad) / trainer.gradient_scale,
                update_ratio=_norm(before) / weight_norm if weight_norm > 0 else None,
                weight_mean=weight_mean, weight_std=weight_std, **unit_signals)
        return signals

    def _probe_activations(self, model) -> dict[str, np.ndarray]:
        """The output of each watched layer's activation on the probe batch."""
        wanted = {id(activation): name for name, _, activation in self._layers if activation is not None}
        outputs = {}
        values = self.probe.astype(model.dtype, copy=False)
        for layer in model.layers:
            if len(outputs) == len(wanted):
                break               # the layers above hold no units to watch
            # Evaluation mode: no caches, no dropout, no random numbers.
            values = layer.forward(values, False, None)
            if id(layer) in wanted:
                outputs[wanted[id(layer)]] = values
        return outputs

    # -- diagnostics.csv ---------------------------------------------------
    def _start_file(self, global_step: int) -> None:
        kept_rows = []
        if global_step > 0 and self.path.exists():
            with open(self.path, newline="") as stream:
                kept_rows = [row for row in csv.DictReader(stream)
                             if row.get("step", "").isdigit() and int(row["step"]) <= global_step]
        text = io.StringIO(newline="")
        writer = csv.DictWriter(text, self._columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(kept_rows)
        write_text_atomically(self.path, text.getvalue())

    def _row(self, record: DiagnosticsRecord) -> dict:
        values = {name: getattr(record, name) for name in RECORD_COLUMNS}
        values["epoch_end"] = int(record.epoch_end)
        values.update(record.columns())
        return {column: format_csv_value(values.get(column)) for column in self._columns}

    def _write_rows(self) -> None:
        """Append the rows kept since the last write. Rows are written at
        each epoch's end and when training ends, the moments a checkpoint
        is saved, so no file open slows the batches down and nothing a
        resume would keep is ever lost."""
        if self._unwritten:
            with open(self.path, "a", newline="") as stream:
                csv.DictWriter(stream, self._columns).writerows(self._unwritten)
            self._unwritten = []


def inactive_share(activation: str, outputs: np.ndarray) -> float:
    """The share of units (columns of ``outputs``, the probe batch's
    activations) that are dead (ReLU family) or saturated (sigmoid, tanh);
    0 for an activation without such a state."""
    if activation in ("relu", "leaky_relu"):
        # Both are positive exactly where their input is.
        return float(np.mean(~(outputs > 0).any(axis=0)))
    if activation == "sigmoid":
        near_limit = (outputs < SATURATION_MARGIN) | (outputs > 1 - SATURATION_MARGIN)
    elif activation == "tanh":
        near_limit = np.abs(outputs) > 1 - SATURATION_MARGIN
    else:
        return 0.0
    return float(np.mean(near_limit.mean(axis=0) > SATURATED_SHARE))


def _watched_layers(model) -> list[tuple[str, Dense, Activation | None]]:
    """``(name, Dense layer, the activation right after it or None)``, input side first."""
    layers = []
    for index, layer in enumerate(model.layers):
        if isinstance(layer, Dense):
            following = model.layers[index + 1] if index + 1 < len(model.layers) else None
            name = layer.weight.name.rsplit(".", 1)[0]
            layers.append((name, layer, following if isinstance(following, Activation) else None))
    return layers


def _norm(array: np.ndarray) -> float:
    """The L2 norm; in float64 when float32 squares would overflow."""
    flat = array.ravel()
    squared = float(np.dot(flat, flat))
    if not math.isfinite(squared):
        wide = flat.astype(np.float64)
        squared = float(np.dot(wide, wide))
    return math.sqrt(squared)
