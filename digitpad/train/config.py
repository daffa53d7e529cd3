"""Training configuration: the ``TrainConfig`` dataclass holding every
hyperparameter of a run, its validation, its JSON round trip (``config.json``
in each run folder) and the named presets. The CLI and the GUI's retrain
dialog both build a ``TrainConfig`` from a preset plus the user's overrides.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Mapping

from digitpad.nn.activations import ACTIVATIONS
from digitpad.nn.optimizers import OPTIMIZERS

SCHEDULES = ("constant", "step", "cosine")


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
        """Raise ``ValueError`` naming the first invalid setting."""
        problems = []
        if not self.hidden_sizes or any(size <= 0 for size in self.hidden_sizes):
            problems.append("hidden sizes must be one or more positive integers")
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
        if self.step_epochs <= 0 or not 0 < self.gamma <= 1:
            problems.append("step schedule needs step epochs > 0 and 0 < gamma <= 1")
        if not 0 <= self.min_learning_rate <= self.learning_rate:
            problems.append("minimum learning rate must be between 0 and the learning rate")
        if self.batch_size <= 0:
            problems.append("batch size must be positive")
        if self.epochs <= 0:
            problems.append("epochs must be positive")
        if not 0 <= self.label_smoothing < 1:
            problems.append("label smoothing must be in [0, 1)")
        if self.max_grad_norm < 0:
            problems.append("max gradient norm must be non-negative (0 disables clipping)")
        if self.augment_strength < 0:
            problems.append("augmentation strength must be non-negative")
        if not 0 <= self.augment_thickness <= 1:
            problems.append("augmentation thickness must be in [0, 1]")
        if not 0 <= self.augment_redraw <= 1:
            problems.append("redraw probability must be in [0, 1]")
        if not 0 <= self.augment_styles <= 1:
            problems.append("style probability must be in [0, 1]")
        if self.validation_size < 0:
            problems.append("validation size must be non-negative")
        if self.patience < 0:
            problems.append("patience must be non-negative (0 disables early stopping)")
        if self.patience and not self.validation_size:
            problems.append("early stopping (patience) needs a validation set")
        if self.train_subset < 0:
            problems.append("train subset must be non-negative (0 uses all training digits)")
        if self.train_subset and self.validation_size >= self.train_subset:
            problems.append("validation size must be smaller than the train subset")
        if problems:
            raise ValueError("; ".join(problems))

    def to_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["hidden_sizes"] = list(self.hidden_sizes)
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "TrainConfig":
        """Build from a mapping, rejecting unknown keys and checking types."""
        known = {item.name: item for item in dataclasses.fields(cls)}
        unknown = sorted(set(data) - set(known))
        if unknown:
            raise ValueError(f"unknown settings: {', '.join(unknown)}")
        values = {}
        defaults = cls()
        for name, value in data.items():
            default = getattr(defaults, name)
            if name == "hidden_sizes":
                if not isinstance(value, (list, tuple)) or not all(
                        isinstance(size, int) and not isinstance(size, bool) for size in value):
                    raise ValueError("hidden_sizes must be a list of integers")
                value = tuple(value)
            elif isinstance(default, bool):
                if not isinstance(value, bool):
                    raise ValueError(f"{name} must be true or false")
            elif isinstance(default, int):
                if not isinstance(value, int) or isinstance(value, bool):
                    raise ValueError(f"{name} must be an integer")
            elif isinstance(default, float):
                if not isinstance(value, (int, float)) or isinstance(value, bool):
                    raise ValueError(f"{name} must be a number")
                value = float(value)
            elif isinstance(default, str) and not isinstance(value, str):
                raise ValueError(f"{name} must be a string")
            values[name] = value
        config = cls(**values)
        config.validate()
        return config

    def replace(self, **changes: Any) -> "TrainConfig":
        return dataclasses.replace(self, **changes)


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
