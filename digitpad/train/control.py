"""Steering a run while it trains. ``TrainingControl`` is a thread-safe
remote control for the app (or a test) on another thread: pause, continue,
one batch then pause, one epoch then pause, slow motion (a delay between
batches), stop, and changes to the settings in ``CHANGEABLE_SETTINGS``.
``LiveSettings`` is the callback that acts on it on the training thread, at
the trainer's batch boundaries: it waits there while the control is paused,
then applies the changes asked for, each from the next batch on, records
them in the run's configuration (``config.json``'s ``changes``, saved at
once) and announces them with ``on_setting_changed``. It also replays the
changes a resumed run's configuration already holds at their recorded
steps, which is what makes ``--resume`` exact for a run steered by hand.
A change asked for while paused is applied when the run continues; one
asked for just before a stop is never applied, so never recorded.
"""

from __future__ import annotations

import math
import threading
import time
from typing import TYPE_CHECKING, Any, Callable

import numpy as np

from digitpad.data.augment.training import TrainingAugmentation
from digitpad.nn import Dropout
from digitpad.train.callbacks import Callback, ColumnSource
from digitpad.train.changes import (CHANGEABLE_SETTINGS, SettingChange, distortions_for,
                                    normalised_value, settings_at, unavailable_reason)

if TYPE_CHECKING:
    from digitpad.train.trainer import Trainer

# Slow motion beyond a minute per batch is a stopped run in disguise.
MAX_DELAY_SECONDS = 60.0


class TrainingControl:
    """Pause, step, slow down, stop and change a running ``Trainer`` from any
    thread. Commands take effect at the next batch boundary; ``change``
    raises ``ValueError`` (with a reason for a person) for a value the run
    cannot take, and ``RuntimeError`` before a run has attached itself
    (``run_training`` does so before its first batch).
    """

    def __init__(self, *, paused: bool = False, delay_seconds: float = 0.0) -> None:
        self._condition = threading.Condition()
        self._paused = paused
        self._stop = False
        self._delay = self._checked_delay(delay_seconds)
        self._pause_at_step: int | None = None       # one batch, then pause
        self._pause_after_epoch_from: int | None = None    # one epoch, then pause
        self._step = 0                                # where the run last was
        self._pending: list[tuple[str, Any]] = []
        self._check: Callable[[str, Any], Any] | None = None
        self._unavailable: Callable[[], dict[str, str]] | None = None

    # -- commands (any thread) -------------------------------------------
    def pause(self) -> None:
        with self._condition:
            self._paused = True
            self._condition.notify_all()

    def play(self) -> None:
        """Continue at full pace (or the slow-motion delay), no stepping."""
        with self._condition:
            self._paused = False
            self._pause_at_step = self._pause_after_epoch_from = None
            self._condition.notify_all()

    def step_batch(self) -> None:
        """Train one batch, then pause."""
        with self._condition:
            self._pause_at_step = self._step + 1
            self._pause_after_epoch_from = None
            self._paused = False
            self._condition.notify_all()

    def step_epoch(self) -> None:
        """Train to the end of the epoch in progress (a whole epoch when
        paused at an epoch's start), then pause before the next one."""
        with self._condition:
            self._pause_after_epoch_from = self._step
            self._pause_at_step = None
            self._paused = False
            self._condition.notify_all()

    def set_delay(self, seconds: float) -> None:
        """Slow motion: wait this long between batches (0: full speed)."""
        with self._condition:
            self._delay = self._checked_delay(seconds)
            self._condition.notify_all()

    def stop(self) -> None:
        """Stop after the batch in progress (at once when paused); the run
        saves ``last.npz`` and can be resumed."""
        with self._condition:
            self._stop = True
            self._condition.notify_all()

    def change(self, setting: str, value: Any) -> None:
        """Ask for ``setting`` to become ``value`` from the next batch on."""
        with self._condition:
            check = self._check
        if check is None:
            raise RuntimeError("no run is attached yet; settings can change once training has begun")
        value = check(setting, value)
        with self._condition:
            self._pending.append((setting, value))

    # -- state (any thread) ----------------------------------------------
    @property
    def paused(self) -> bool:
        with self._condition:
            return self._paused

    @property
    def delay_seconds(self) -> float:
        with self._condition:
            return self._delay

    @property
    def stop_requested(self) -> bool:
        with self._condition:
            return self._stop

    def unavailable_settings(self) -> dict[str, str]:
        """``{setting: why it cannot change in this run}``, for every
        changeable setting this run cannot vary (empty before a run attaches)."""
        with self._condition:
            unavailable = self._unavailable
        return unavailable() if unavailable is not None else {}

    # -- the training thread's side ----------------------------------------
    def attach(self, check: Callable[[str, Any], Any], unavailable: Callable[[], dict[str, str]]) -> None:
        """Called by ``LiveSettings``: how to check a change for this run."""
        with self._condition:
            self._check, self._unavailable = check, unavailable

    def wait_at_boundary(self, step: int, epoch_start: bool,
                         on_pause: Callable[[], None] = lambda: None,
                         on_continue: Callable[[], None] = lambda: None) -> bool:
        """Block while paused (then, in slow motion, for the delay); True
        when the run should stop. ``step`` is the updates made so far,
        ``epoch_start`` whether the next batch starts an epoch."""
        with self._condition:
            self._arrive(step, epoch_start)
        arrived = time.monotonic()
        resumed = False
        while True:
            with self._condition:
                if self._stop:
                    return True
                if not self._paused:
                    remaining = arrived + self._delay - time.monotonic()
                    # Out of a pause the next batch starts at once: a person pressed a button.
                    if resumed or remaining <= 0:
                        return False
                    self._condition.wait(remaining)
                    continue
            on_pause()
            with self._condition:
                while self._paused and not self._stop:
                    self._condition.wait()
                stopped = self._stop
            if not stopped:
                on_continue()
            resumed = True

    def take_changes(self) -> list[tuple[str, Any]]:
        """The changes asked for since the last call, oldest first."""
        with self._condition:
            pending, self._pending = self._pending, []
        return pending

    def _arrive(self, step: int, epoch_start: bool) -> None:
        self._step = step
        if self._pause_at_step is not None and step >= self._pause_at_step:
            self._paused, self._pause_at_step = True, None
        if self._pause_after_epoch_from is not None and epoch_start and step > self._pause_after_epoch_from:
            self._paused, self._pause_after_epoch_from = True, None

    @staticmethod
    def _checked_delay(seconds: float) -> float:
        if (isinstance(seconds, bool) or not isinstance(seconds, (int, float))
                or not math.isfinite(seconds) or not 0 <= seconds <= MAX_DELAY_SECONDS):
            raise ValueError(f"the delay must be from 0 to {MAX_DELAY_SECONDS:g} seconds, got {seconds!r}")
        return float(seconds)


class LiveSettings(Callback, ColumnSource):
    """Applies a run's setting changes at the trainer's batch boundaries:
    those recorded in ``config.changes`` at their steps, and those asked for
    through ``control``, which it records in ``config`` and hands to
    ``save`` (which rewrites ``config.json``). Adds the settings in effect at
    each epoch's end to ``metrics.csv``.
    """

    # learning_rate is among the standard columns already.
    CSV_COLUMNS = tuple(name for name in CHANGEABLE_SETTINGS if name != "learning_rate")

    def __init__(self, config, control: TrainingControl | None = None,
                 save: Callable[[Any], None] | None = None) -> None:
        self.config = config
        self.control = control
        self._save = save
        # Recorded changes at steps up to this one are in effect.
        self._applied_through = -1
        if control is not None:
            control.attach(self.check, self.unavailable)

    def check(self, setting: str, value: Any) -> float | bool:
        """``value`` as the run records it, or ``ValueError`` saying why this
        run cannot take it. Any thread may ask; it reads only the config."""
        reason = unavailable_reason(self.config, setting)
        if reason:
            raise ValueError(reason)
        if isinstance(value, np.generic):
            value = value.item()        # a NumPy number from a chart or a spin box
        value = normalised_value(setting, value) if isinstance(value, (int, float)) else value
        changes = self.config.changes
        step = changes[-1].step if changes else 0
        self.config.replace(changes=(*changes, SettingChange(step, setting, value))).validate()
        return value

    def unavailable(self) -> dict[str, str]:
        return {name: reason for name in CHANGEABLE_SETTINGS
                if (reason := unavailable_reason(self.config, name))}

    def catch_up(self, model, optimizer, step: int) -> None:
        """Put the settings in effect after ``step`` updates into a resumed
        run's model and optimiser (the augmentation is built from
        ``settings_at`` by the run itself)."""
        values = settings_at(self.config, step)
        for name in ("momentum", "weight_decay", "dropout"):
            _set(model, optimizer, name, values[name], self.config)
        self._applied_through = step

    # -- hooks -----------------------------------------------------------
    def on_boundary(self, trainer: "Trainer") -> None:
        if self.control is not None:
            stop = self.control.wait_at_boundary(
                trainer.global_step, trainer.batch_index == 0,
                on_pause=lambda: trainer.notify("on_paused"),
                on_continue=lambda: trainer.notify("on_continued"))
            if stop:
                trainer.stop_training = True
                return
        step = trainer.global_step
        due = [change for change in self.config.changes if self._applied_through < change.step <= step]
        self._applied_through = step
        for change in due:
            self._apply(trainer, change)
        if self.control is not None:
            for setting, value in self.control.take_changes():
                self._record(trainer, setting, value)

    def csv_columns(self, trainer) -> list[str]:
        return list(self.CSV_COLUMNS)

    def csv_values(self, trainer, epoch: int) -> dict:
        # The values the epoch's last update was made with.
        values = settings_at(self.config, max(trainer.global_step - 1, 0))
        row = {name: values[name] for name in self.CSV_COLUMNS}
        row["augment"] = int(row["augment"])
        if self.config.optimizer != "sgd":
            row["momentum"] = None
        return row

    # -- applying ----------------------------------------------------------
    def _record(self, trainer: "Trainer", setting: str, value: Any) -> None:
        step = trainer.global_step
        if settings_at(self.config, step)[setting] == value:
            return
        change = SettingChange(step, setting, value)
        changes = list(self.config.changes)
        position = sum(1 for earlier in changes if earlier.step <= step)
        if position and changes[position - 1].step == step and changes[position - 1].setting == setting:
            changes[position - 1] = change      # changed twice before one batch: the last counts
        else:
            changes.insert(position, change)
        self.config = self.config.replace(changes=tuple(changes))
        if self._save is not None:
            self._save(self.config)
        self._apply(trainer, change)

    def _apply(self, trainer: "Trainer", change: SettingChange) -> None:
        if change.setting == "learning_rate":
            # The schedule reads the changes before every batch; this shows it at once.
            trainer.optimizer.learning_rate = change.value
        elif change.setting in ("augment", "augment_strength"):
            values = settings_at(self.config, trainer.global_step)
            distortions = distortions_for(values, self.config.augment_thickness)
            if trainer.augment is None:
                # Nothing else was to be varied, so distortions alone replace nothing.
                trainer.augment = TrainingAugmentation(distortions) if distortions else None
            else:
                trainer.augment.distortions = distortions
        else:
            _set(trainer.model, trainer.optimizer, change.setting, change.value, self.config)
        trainer.notify("on_setting_changed", change)


def _set(model, optimizer, setting: str, value: Any, config) -> None:
    """Put a momentum, weight decay or dropout rate into the live objects,
    where this run has them."""
    if setting == "momentum":
        if unavailable_reason(config, "momentum") is None:
            optimizer.momentum = float(value)
    elif setting == "weight_decay":
        optimizer.weight_decay = float(value)
    elif setting == "dropout":
        for layer in model.layers:
            if isinstance(layer, Dropout):
                layer.rate = float(value)
