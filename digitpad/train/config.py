"""Training configuration: the ``TrainConfig`` dataclass holding every
hyperparameter of a run, its validation, its JSON round trip (``config.json``
in each run folder) and the named presets. The CLI and the GUI's retrain
dialog both build a ``TrainConfig`` from a preset plus the user's overrides.
Validation accepts only values a run can use from start to finish: finite
numbers, whole numbers within bounds, a network within ``digitpad.nn``'s
size limits, so a bad setting is refused up front rather than failing
mid-run or producing a checkpoint that cannot be written.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Any, Mapping

from digitpad.data.augment.distortions import AugmentConfig
from digitpad.model.checkpoint import INPUT_SIZE, NUM_CLASSES
from digitpad.data.mnist.files import LABEL_COUNT, MNIST_SPLITS
from digitpad.nn.activations import ACTIVATIONS
from digitpad.nn.mlp import check_layer_sizes
from digitpad.nn.optimizers import OPTIMIZERS

SCHEDULES = ("constant", "step", "cosine")

TRAIN_DIGITS = MNIST_SPLITS["train"].count
# Far beyond any useful run, yet small enough that the schedule's step
# counts, the per-epoch history and the checkpoint holding it stay small.
MAX_EPOCHS = 10_000

# Inclusive bounds of every integer setting.
INTEGER_LIMITS: dict[str, tuple[int, int]] = {
    "step_epochs": (1, MAX_EPOCHS),
    "batch_size": (1, TRAIN_DIGITS),
    "epochs": (1, MAX_EPOCHS),
    "validation_size": (0, TRAIN_DIGITS),
    "patience": (0, MAX_EPOCHS),
    "train_subset": (0, TRAIN_DIGITS),
    "seed": (0, 2**63 - 1),
}


@dataclass
class TrainConfig:
    """Every setting that determines a training run; runs are reproducible from it."""

    hidden_sizes: tuple[int, ...] = (512, 256)
    activation: str = "relu"
    dropout: float = 0.0
    optimizer: str = "adam"
    learning_rate: float = 1e-3
    momentum: float = 0.9
    nesterov: bool = False
    weight_decay: float = 0.0
    schedule: str = "cosine"
    warmup_epochs: float = 0.0
    step_epochs: int = 10
    gamma: float = 0.1
    min_learning_rate: float = 0.0
    batch_size: int = 128
    epochs: int = 10
    label_smoothing: float = 0.0
    max_grad_norm: float = 0.0
    augment: bool = False
    augment_strength: float = 1.0
    augment_thickness: float = 0.0
    augment_redraw: float = 0.0
    augment_styles: float = 0.0
    validation_size: int = 5000
    patience: int = 0
    train_subset: int = 0
    seed: int = 0
    preset: str = "default"

    def validate(self) -> None:
        """Raise ``ValueError`` naming every invalid setting."""
        # Types and bounds first: the checks below compare and combine values,
        # which only makes sense for finite numbers of the right kind.
        problems = self._type_problems()
        if problems:
            raise ValueError("; ".join(problems))
        if not self.hidden_sizes:
            problems.append("hidden sizes must be one or more positive integers")
        else:
            try:
                check_layer_sizes(INPUT_SIZE, self.hidden_sizes, NUM_CLASSES)
            except ValueError as error:
                problems.append(f"hidden sizes: {error}")
        if self.activation not in ACTIVATIONS:
            problems.append(f"activation must be one of {', '.join(sorted(ACTIVATIONS))}")
        if not 0 <= self.dropout < 1:
            problems.append("dropout must be in [0, 1)")
        if self.optimizer not in OPTIMIZERS:
            problems.append(f"optimizer must be one of {', '.join(sorted(OPTIMIZERS))}")
        if not self.learning_rate > 0:
            problems.append("learning rate must be positive")
        if not 0 <= self.momentum < 1:
            problems.append("momentum must be in [0, 1)")
        if self.nesterov and (self.optimizer != "sgd" or self.momentum == 0):
            problems.append("Nesterov momentum needs --optimizer sgd and a momentum > 0")
        if self.weight_decay < 0:
            problems.append("weight decay must be non-negative")
        if self.schedule not in SCHEDULES:
            problems.append(f"schedule must be one of {', '.join(SCHEDULES)}")
        if self.warmup_epochs < 0 or self.warmup_epochs >= max(self.epochs, 1):
            problems.append("warm-up epochs must be non-negative and fewer than the epochs")
        if not 0 < self.gamma <= 1:
            problems.append("step schedule needs 0 < gamma <= 1")
        if not 0 <= self.min_learning_rate <= self.learning_rate:
            problems.append("minimum learning rate must be between 0 and the learning rate")
        if not 0 <= self.label_smoothing < 1:
            problems.append("label smoothing must be in [0, 1)")
        if self.max_grad_norm < 0:
            problems.append("max gradient norm must be non-negative (0 disables clipping)")
        if self.augment_strength < 0:
            problems.append("augmentation strength must be non-negative")
        elif self.augment and 0 <= self.augment_thickness <= 1:
            # The distortions themselves know how strong they can get (a zoom
            # must stay positive, a shear below 90 degrees).
            try:
                AugmentConfig(thickness=self.augment_thickness).scaled(self.augment_strength)
            except ValueError as error:
                problems.append(f"augmentation strength {self.augment_strength:g} is too strong ({error})")
        if not 0 <= self.augment_thickness <= 1:
            problems.append("augmentation thickness must be in [0, 1]")
        if not 0 <= self.augment_redraw <= 1:
            problems.append("redraw probability must be in [0, 1]")
        if not 0 <= self.augment_styles <= 1:
            problems.append("style probability must be in [0, 1]")
        if self.patience and not self.validation_size:
            problems.append("early stopping (patience) needs a validation set")
        # A stratified split needs a digit of each class on both of its sides.
        if self.train_subset and not (LABEL_COUNT <= self.train_subset <= TRAIN_DIGITS - LABEL_COUNT
                                      or self.train_subset == TRAIN_DIGITS):
            problems.append(f"train subset must be 0 (all {TRAIN_DIGITS:,} training digits) or "
                            f"from {LABEL_COUNT} to {TRAIN_DIGITS - LABEL_COUNT:,}")
        training_digits = self.train_subset or TRAIN_DIGITS
        if self.validation_size and not LABEL_COUNT <= self.validation_size <= training_digits - LABEL_COUNT:
            problems.append(f"validation size must be 0 (none) or from {LABEL_COUNT} to "
                            f"{training_digits - LABEL_COUNT:,}, smaller than the {training_digits:,} "
                            f"training digits with at least {LABEL_COUNT} left to train on")
        if problems:
            raise ValueError("; ".join(problems))

    def _type_problems(self) -> list[str]:
        """One check over every field: floats finite, integers within
        ``INTEGER_LIMITS``, flags true or false, names text."""
        problems = []
        for item in dataclasses.fields(self):
            value = getattr(self, item.name)
            words = item.name.replace("_", " ")
            if item.name == "hidden_sizes":
                if not isinstance(value, (tuple, list)) or not all(_is_integer(size) for size in value):
                    problems.append("hidden sizes must be a list of whole numbers")
            elif isinstance(item.default, bool):
                if not isinstance(value, bool):
                    problems.append(f"{words} must be true or false")
            elif isinstance(item.default, int):
                low, high = INTEGER_LIMITS[item.name]
                if not (_is_integer(value) and low <= value <= high):
                    problems.append(f"{words} must be a whole number from {low:,} to {high:,}, "
                                    f"got {_quote(value)}")
            elif isinstance(item.default, float):
                if not _is_finite_number(value):
                    problems.append(f"{words} must be a finite number, got {_quote(value)}")
            elif not isinstance(value, str):
                problems.append(f"{words} must be text")
        return problems

    def to_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["hidden_sizes"] = list(self.hidden_sizes)
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "TrainConfig":
        """Build from a mapping (a run's ``config.json``), rejecting unknown
        keys and validating every value; JSON's NaN and Infinity are refused."""
        if not isinstance(data, Mapping):
            raise ValueError("the settings must be a JSON object")
        known = {item.name: item for item in dataclasses.fields(cls)}
        unknown = sorted(str(name) for name in set(data) - set(known))
        if unknown:
            raise ValueError(f"unknown settings: {', '.join(unknown)}")
        values = dict(data)
        if isinstance(values.get("hidden_sizes"), list):
            values["hidden_sizes"] = tuple(values["hidden_sizes"])
        config = cls(**values)
        config.validate()
        # JSON writes 1.0 as 1; the float settings stay floats.
        return config.replace(**{item.name: float(getattr(config, item.name))
                                 for item in dataclasses.fields(cls)
                                 if isinstance(item.default, float)})

    def replace(self, **changes: Any) -> "TrainConfig":
        return dataclasses.replace(self, **changes)


def _is_integer(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_finite_number(value: Any) -> bool:
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return False
    try:
        return math.isfinite(value)
    except OverflowError:       # an integer too large for a float
        return False


def _quote(value: Any) -> str:
    """A bad value for a message, short even when it is a huge number."""
    try:
        text = repr(value)
    except ValueError:          # an integer with more digits than Python prints
        return "a number too large to print"
    return text if len(text) <= 40 else text[:40] + "…"


# Presets are overrides on top of the TrainConfig defaults. Their figures are
# measured on a 2-core machine (see models/README.md and the README).
PRESETS: dict[str, dict[str, Any]] = {
    "default": {},
    # About 99% on MNIST test in under half a minute of training.
    "fast": {
        "hidden_sizes": (512, 256),
        "epochs": 10,
        "batch_size": 128,
        "learning_rate": 2e-3,
        "schedule": "cosine",
        "augment": True,
        "augment_strength": 0.5,
        "validation_size": 0,
    },
    # The recipe of the bundled model (models/README.md).
    "bundled": {
        "hidden_sizes": (1024, 1024),
        "dropout": 0.2,
        "epochs": 120,
        "augment": True,
        "augment_thickness": 0.5,
        "augment_redraw": 0.5,
        "augment_styles": 0.5,
        "learning_rate": 1e-3,
        "schedule": "cosine",
        "warmup_epochs": 1.0,
        "label_smoothing": 0.1,
        "validation_size": 5000,
    },
    # A few seconds on a subset: for trying the app and for tests.
    "tiny": {
        "hidden_sizes": (64,),
        "epochs": 2,
        "train_subset": 6000,
        "validation_size": 1000,
    },
}


def config_from_preset(preset: str, **overrides: Any) -> TrainConfig:
    """A validated config: the preset's settings, then ``overrides`` (None values ignored)."""
    if preset not in PRESETS:
        raise ValueError(f"unknown preset {preset!r}; choose one of {', '.join(PRESETS)}")
    values: dict[str, Any] = {"preset": preset, **PRESETS[preset]}
    values.update({name: value for name, value in overrides.items() if value is not None})
    if "hidden_sizes" in values:
        values["hidden_sizes"] = tuple(values["hidden_sizes"])
    config = TrainConfig(**values)
    config.validate()
    return config
