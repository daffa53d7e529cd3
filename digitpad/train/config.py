"""Training configuration: ``TrainConfig`` declares every setting of a run
once — default, label, group, help, explanation, range or choices (see
``digitpad.train.settings``) — and ``SETTINGS`` is that description, from
which the command line, the Retrain form and Model info are generated. Here
too: validation (each setting against its description, then the rules that
relate settings), the JSON round trip (``config.json`` in each run folder)
and the named presets. Validation accepts only values a run can use from
start to finish: finite numbers, whole numbers within bounds, a network
within ``digitpad.nn``'s size limits, so a bad setting is refused up front
rather than failing mid-run or producing a checkpoint that cannot be written.
Besides the settings, a config holds ``changes``: the settings changed while
its run trained (``digitpad.train.changes``), validated against the run, so
a run folder's ``config.json`` reproduces even a run steered by hand.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Mapping

from digitpad.data.augment.distortions import AugmentConfig
from digitpad.data.mnist.files import LABEL_COUNT, MNIST_SPLITS
from digitpad.model.checkpoint import INPUT_SIZE, NUM_CLASSES
from digitpad.nn.activations import ACTIVATIONS
from digitpad.nn.mlp import check_layer_sizes
from digitpad.nn.optimizers import OPTIMIZERS
from digitpad.train.changes import SettingChange, change_problems, parse_changes
from digitpad.train.settings import (RECORD, SCHEDULES, Range, Setting, describe, setting,
                                     type_problem, value_problem)

TRAIN_DIGITS = MNIST_SPLITS["train"].count
# Far beyond any useful run, yet small enough that the schedule's step
# counts, the per-epoch history and the checkpoint holding it stay small.
MAX_EPOCHS = 10_000

_FRACTION = Range(0, 1)                             # a probability or a share
_BELOW_ONE = Range(0, 1, high_excluded=True)
_NON_NEGATIVE = Range(0)
_POSITIVE = Range(0, low_excluded=True)


@dataclass
class TrainConfig:
    """Every setting that determines a training run; runs are reproducible from it."""

    hidden_sizes: tuple[int, ...] = setting(
        (512, 256), "Hidden layers", "model", "units of each hidden layer", metavar="N", explanation="""
        How many units each hidden layer has, from the input side: "512, 256" is two layers. More
        and wider layers can learn more detailed shapes but train more slowly and overfit sooner.""")
    activation: str = setting(
        "relu", "Activation", "model", "hidden-layer activation", choices=tuple(ACTIVATIONS), explanation="""
        The function each hidden unit applies to its weighted sum. ReLU is the usual choice; sigmoid
        and tanh saturate and learn more slowly in deep networks.""")
    dropout: float = setting(
        0.0, "Dropout", "model", "dropout rate after each hidden layer, 0 disables", metavar="RATE",
        range=_BELOW_ONE, step=0.05, decimals=2, zero_text="off", explanation="""
        The share of hidden units switched off at random at each training step, so the network
        cannot rely on any single one. It fights overfitting; 0.2 is a common value.""")

    optimizer: str = setting(
        "adam", "Optimiser", "optimiser", "update rule", choices=tuple(OPTIMIZERS), explanation="""
        How the gradients become weight updates. Plain SGD steps straight down the gradient; Adam
        adapts the step of each weight and usually needs less tuning; AdamW is Adam with decoupled
        weight decay.""")
    learning_rate: float = setting(
        1e-3, "Learning rate", "optimiser", "peak learning rate", metavar="LR", range=_POSITIVE,
        step=1e-4, decimals=5, form_maximum=1.0, explanation="""
        How big a step each update takes. Too small and training crawls; too large and the loss
        jumps about or diverges. Adam works well near 0.001; SGD wants more, around 0.05.""")
    momentum: float = setting(
        0.9, "Momentum", "optimiser", "SGD momentum", range=_BELOW_ONE, step=0.05, decimals=2,
        explanation="""
        SGD only: how much of the previous update carries over into the next, like a ball
        rolling downhill. It smooths noisy gradients and speeds training up.""")
    nesterov: bool = setting(
        False, "Nesterov momentum", "optimiser", "use Nesterov momentum with SGD", explanation="""
        SGD with momentum only: look ahead along the momentum before taking the gradient, which
        often converges a little faster.""")
    weight_decay: float = setting(
        0.0, "Weight decay", "optimiser", "L2 penalty for sgd/adam, decoupled decay for adamw",
        metavar="WD", range=_NON_NEGATIVE, step=1e-4, decimals=5, form_maximum=1.0, zero_text="off",
        explanation="""
        Pulls every weight a little towards zero at each step, which keeps the network simple and
        can reduce overfitting. Typical values are 0.0001 to 0.01.""")
    max_grad_norm: float = setting(
        0.0, "Gradient clipping", "optimiser", "clip gradients to this global norm, 0 disables",
        metavar="NORM", range=_NON_NEGATIVE, step=0.5, decimals=2, form_maximum=1000.0, zero_text="off",
        explanation="""
        When the gradient of a step is longer than this, it is scaled down to this length, so one
        unlucky batch cannot throw the weights far off.""")

    schedule: str = setting(
        "cosine", "Schedule", "learning-rate schedule", "how the learning rate changes",
        choices=SCHEDULES, explanation="""
        How the learning rate changes during training: constant; step (multiplied by gamma every
        few epochs); or cosine (eased down smoothly to the minimum), which usually ends best.""")
    warmup_epochs: float = setting(
        0.0, "Warm-up epochs", "learning-rate schedule", "linear warm-up length in epochs",
        metavar="E", range=_NON_NEGATIVE, step=0.5, decimals=2, form_maximum=MAX_EPOCHS, zero_text="none",
        explanation="""
        Start the learning rate near zero and raise it steadily to its peak over this many epochs,
        which steadies the first steps of a large network.""")
    step_epochs: int = setting(
        10, "Step every (epochs)", "learning-rate schedule", "step schedule: epochs between two decays",
        metavar="E", range=Range(1, MAX_EPOCHS), explanation="""
        Step schedule only: how many epochs pass between two drops of the learning rate.""")
    gamma: float = setting(
        0.1, "Step factor (gamma)", "learning-rate schedule", "step schedule: decay factor",
        range=Range(0, 1, low_excluded=True), step=0.05, decimals=2, explanation="""
        Step schedule only: what the learning rate is multiplied by at each drop; 0.1 divides it
        by ten.""")
    min_learning_rate: float = setting(
        0.0, "Final learning rate", "learning-rate schedule", "cosine schedule: final learning rate",
        metavar="LR", range=_NON_NEGATIVE, step=1e-4, decimals=5, form_maximum=1.0, explanation="""
        Cosine schedule only: the learning rate it eases down to by the last epoch.""")

    epochs: int = setting(
        10, "Epochs", "training", "passes over the data", range=Range(1, MAX_EPOCHS), explanation="""
        How many times training goes through all the training digits. More epochs learn more but
        take longer, and past a point the network starts memorising instead of learning.""")
    batch_size: int = setting(
        128, "Batch size", "training", "digits per step", range=Range(1, TRAIN_DIGITS), explanation="""
        How many digits are averaged into each update. Small batches give noisy but frequent
        updates; large ones are smoother and faster per digit but need more epochs.""")
    label_smoothing: float = setting(
        0.0, "Label smoothing", "training",
        "how much of the uniform distribution is mixed into the one-hot targets", metavar="S", range=_BELOW_ONE, step=0.05, decimals=2, zero_text="off", explanation="""
        Instead of asking for 100% certainty in the right digit, ask for a little less and spread
        the rest over the other digits. It keeps the network from becoming overconfident.""")
    validation_size: int = setting(
        5000, "Validation digits", "training",
        "training digits held out (stratified) to pick the best epoch, 0 disables", metavar="N",
        range=Range(0, TRAIN_DIGITS), step=500, zero_text="none", explanation="""
        Training digits set aside and never trained on. The network is scored on them after every
        epoch to keep the best epoch and to notice overfitting.""")
    patience: int = setting(
        0, "Patience (epochs)", "training",
        "epochs without validation improvement before stopping, 0 disables", metavar="E", range=Range(0, MAX_EPOCHS), zero_text="off", explanation="""
        Early stopping: end training once the validation accuracy has not improved for this many
        epochs in a row. Needs validation digits.""")
    train_subset: int = setting(
        0, "Training digits", "training",
        "how many training digits (a stratified subset) to train on, 0 uses all", metavar="N", range=Range(0, TRAIN_DIGITS), step=1000, zero_text="all", explanation="""
        Train on only this many of the 60,000 MNIST training digits, with every digit equally
        represented: much faster, for trying settings out.""")
    seed: int = setting(
        0, "Seed", "training", "random seed; same seed, same weights", range=Range(0, 2**63 - 1),
        explanation="""
        Starts the random numbers behind the initial weights, the shuffling and the distortions:
        the same settings and seed train exactly the same network.""")
    diagnostics_every: int = setting(
        50, "Diagnostics every (batches)", "training",
        "record each layer's gradients, updates, weights and inactive units every N batches "
        "(diagnostics.csv) besides every epoch, 0 for epochs only", metavar="N",
        range=Range(0, 100_000), step=10, zero_text="epochs only", explanation="""
        How often to look inside the network while it learns: each layer's gradient size, how
        much a step changes its weights, and how many of its units have stopped responding. These
        feed the live charts and the diagnosis of problems; looking costs a little time.""")

    augment: bool = setting(
        False, "Distort training digits", "augmentation",
        "random affine + elastic distortion of training digits", explanation="""
        Show the network a slightly rotated, scaled, shifted and warped copy of each digit every
        time, so it learns the shape of a digit rather than the exact pixels.""")
    augment_strength: float = setting(
        1.0, "Distortion strength", "augmentation", "scale of every distortion, 1 is the tuned default",
        metavar="S", range=_NON_NEGATIVE, step=0.1, decimals=2, form_maximum=3.0, explanation="""
        How strong the distortions are: 1 is the tuned default, 0.5 half as strong.""")
    augment_thickness: float = setting(
        0.0, "Stroke-width variation", "augmentation",
        "how much strokes are randomly thickened or thinned (0-1), to cover thin and thick pens", metavar="T",
        range=_FRACTION, step=0.1, decimals=2, zero_text="off", explanation="""
        Randomly thicken or thin the strokes, so that digits drawn with a thin or a fat pen are
        recognised alike.""")
    augment_redraw: float = setting(
        0.0, "Redrawn with a pen", "augmentation",
        "the fraction of training digits redrawn from their skeleton with a random round pen, "
        "like canvas strokes (a fifth of them with a pen as thick as a digit drawn small)", metavar="P", range=_FRACTION, step=0.1, decimals=2, zero_text="off",
        explanation="""
        The share of training digits redrawn along their centre line with an even, round pen, so
        they look like digits drawn with a mouse or stylus on the canvas. A fifth of them get a pen
        so thick that it fills small loops, as a digit drawn small with the default pen looks once
        it is scaled up to MNIST's size.""")
    augment_styles: float = setting(
        0.0, "Other writing styles", "augmentation",
        "the fraction of training 1s and 7s rewritten the continental way (up-stroke on the 1, "
        "crossed 7), and of 0s, 4s and 9s, less often, slashed (Ø), written in one round stroke "
        "or with a curled tail",
        metavar="P", range=_FRACTION, step=0.1, decimals=2, zero_text="off",
        explanation="""
        The share of 1s and 7s rewritten the way much of Europe writes them, with an up-stroke on
        the 1 and a bar across the 7, which MNIST rarely has; 0s slashed the way programmers write
        them, 4s written in one stroke with round corners and 9s whose tail curls back like a g
        are added too, a third as often.""")

    augment_angular: float = setting(
        0.0, "Slowly sampled pens", "augmentation",
        "the fraction of training digits redrawn from a few points of their pen path joined by "
        "straight lines, as a tablet that samples the pen slowly records them",
        metavar="P", range=_FRACTION, step=0.05, decimals=2, zero_text="off", explanation="""
        Some tablets and mice report where the pen is only every few millimetres, and the lines
        between those points are straight, so a 0 comes out as a polygon. This share of the
        training digits is redrawn that way from its own pen path, so such drawings are read
        as well as smooth ones.""")

    preset: str = setting("default", "Preset", RECORD, "the preset the other settings started from")
    # Not a setting anyone picks: what was changed while the run trained.
    changes: tuple[SettingChange, ...] = ()

    def validate(self) -> None:
        """Raise ``ValueError`` naming every invalid setting."""
        # Kinds first: the checks below compare and combine values, which
        # only makes sense for finite numbers of the right kind.
        problems = [problem for item in SETTINGS
                    if (problem := type_problem(item, getattr(self, item.name)))]
        if problems:
            raise ValueError("; ".join(problems))
        problems = [problem for item in SETTINGS
                    if (problem := value_problem(item, getattr(self, item.name)))]
        for rule in _RULES:
            problems += rule(self)
        if problems:
            raise ValueError("; ".join(problems))

    def to_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["hidden_sizes"] = list(self.hidden_sizes)
        data["changes"] = [change.to_dict() for change in self.changes]
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "TrainConfig":
        """Build from a mapping (a run's ``config.json``), rejecting unknown
        keys and validating every value; JSON's NaN and Infinity are refused."""
        if not isinstance(data, Mapping):
            raise ValueError("the settings must be a JSON object")
        unknown = sorted(str(name) for name in set(data) - {*SETTING_NAMES, "changes"})
        if unknown:
            raise ValueError(f"unknown settings: {', '.join(unknown)}")
        values = dict(data)
        if isinstance(values.get("hidden_sizes"), list):
            values["hidden_sizes"] = tuple(values["hidden_sizes"])
        if "changes" in values:
            values["changes"] = parse_changes(values["changes"])
        config = cls(**values)
        config.validate()
        # JSON writes 1.0 as 1; the float settings stay floats.
        return config.replace(**{item.name: float(getattr(config, item.name))
                                 for item in SETTINGS if item.kind is float})

    def replace(self, **changes: Any) -> "TrainConfig":
        return dataclasses.replace(self, **changes)


# The description of every setting, in the order they are shown.
SETTINGS: tuple[Setting, ...] = describe(TrainConfig)
SETTING_NAMES = tuple(item.name for item in SETTINGS)
# The settings a person chooses (the rest are recorded with the run).
HYPERPARAMETERS: tuple[Setting, ...] = tuple(item for item in SETTINGS if item.editable)


def setting_named(name: str) -> Setting:
    return SETTINGS[SETTING_NAMES.index(name)]


# -- rules relating settings to each other (each setting is already of its
# kind and within its own range or reported) ---------------------------------

def _network_problems(config: TrainConfig) -> list[str]:
    if not config.hidden_sizes:
        return ["hidden sizes must be one or more positive integers"]
    try:
        check_layer_sizes(INPUT_SIZE, config.hidden_sizes, NUM_CLASSES)
    except ValueError as error:
        return [f"hidden sizes: {error}"]
    return []


def _optimiser_problems(config: TrainConfig) -> list[str]:
    if config.nesterov and (config.optimizer != "sgd" or config.momentum == 0):
        return ["Nesterov momentum needs --optimizer sgd and a momentum > 0"]
    return []


def _schedule_problems(config: TrainConfig) -> list[str]:
    problems = []
    if config.warmup_epochs >= max(config.epochs, 1):
        problems.append("warm-up epochs must be fewer than the epochs")
    if config.min_learning_rate > config.learning_rate:
        problems.append("minimum learning rate must be between 0 and the learning rate")
    return problems


def _augmentation_problems(config: TrainConfig) -> list[str]:
    if not (config.augment and config.augment_strength >= 0 and 0 <= config.augment_thickness <= 1):
        return []
    # The distortions themselves know how strong they can get (a zoom must
    # stay positive, a shear below 90 degrees).
    try:
        AugmentConfig(thickness=config.augment_thickness).scaled(config.augment_strength)
    except ValueError as error:
        return [f"augmentation strength {config.augment_strength:g} is too strong ({error})"]
    return []


def _split_problems(config: TrainConfig) -> list[str]:
    problems = []
    if config.patience and not config.validation_size:
        problems.append("early stopping (patience) needs a validation set")
    # A stratified split needs a digit of each class on both of its sides.
    subset = config.train_subset
    if subset and not (LABEL_COUNT <= subset <= TRAIN_DIGITS - LABEL_COUNT or subset == TRAIN_DIGITS):
        problems.append(f"train subset must be 0 (all {TRAIN_DIGITS:,} training digits) or "
                        f"from {LABEL_COUNT} to {TRAIN_DIGITS - LABEL_COUNT:,}")
    training_digits = subset or TRAIN_DIGITS
    if config.validation_size and not LABEL_COUNT <= config.validation_size <= training_digits - LABEL_COUNT:
        problems.append(f"validation size must be 0 (none) or from {LABEL_COUNT} to "
                        f"{training_digits - LABEL_COUNT:,}, smaller than the {training_digits:,} "
                        f"training digits with at least {LABEL_COUNT} left to train on")
    return problems


def _changes_problems(config: TrainConfig) -> list[str]:
    if not (isinstance(config.changes, tuple)
            and all(isinstance(change, SettingChange) for change in config.changes)):
        return ["changes must be a list of setting changes"]
    # Past the run's last update a change could never apply; the subset
    # bounds the training digits from above, which is all this needs.
    steps_per_epoch = -(-(config.train_subset or TRAIN_DIGITS) // config.batch_size)
    return change_problems(config, config.epochs * steps_per_epoch - 1)


_RULES = (_network_problems, _optimiser_problems, _schedule_problems, _augmentation_problems,
          _split_problems, _changes_problems)


# -- presets -----------------------------------------------------------------

@dataclass(frozen=True)
class Preset:
    """A named starting point: overrides on top of the ``TrainConfig``
    defaults, and what it is for in a sentence."""

    summary: str
    settings: Mapping[str, Any]


# Their figures are measured on a 2-core machine (see models/README.md and
# the README). In the order the Retrain dialog offers them.
PRESETS: dict[str, Preset] = {
    "fast": Preset("about half a minute on two cores, about 99% on MNIST", {
        "hidden_sizes": (512, 256), "epochs": 10, "batch_size": 128, "learning_rate": 2e-3,
        "schedule": "cosine", "augment": True, "augment_strength": 0.5, "validation_size": 0,
    }),
    # The recipe of the bundled model (models/README.md).
    "bundled": Preset("the recipe of the shipped model: 99.3% on MNIST, about 25 minutes", {
        "hidden_sizes": (1024, 1024), "dropout": 0.2, "epochs": 120, "augment": True,
        "augment_thickness": 0.5, "augment_redraw": 0.5, "augment_styles": 0.5, "augment_angular": 0.05,
        "learning_rate": 1e-3,
        "schedule": "cosine", "warmup_epochs": 1.0, "label_smoothing": 0.1, "validation_size": 5000,
    }),
    "tiny": Preset("a few seconds on a subset of MNIST, to try things out", {
        "hidden_sizes": (64,), "epochs": 2, "train_subset": 6000, "validation_size": 1000,
    }),
    # Small enough to show every unit: the first layer's 16 weight pictures
    # turn from noise into strokes within the first epoch.
    "scratch": Preset("784-16-16-10 learnt from scratch in seconds: watch the units form from noise", {
        "hidden_sizes": (16, 16), "epochs": 5, "batch_size": 64, "learning_rate": 3e-3,
        "schedule": "constant", "validation_size": 5000,
    }),
    "default": Preset("plain settings without augmentation, a starting point for experiments", {}),
}


def config_from_preset(preset: str, **overrides: Any) -> TrainConfig:
    """A validated config: the preset's settings, then ``overrides`` (None values ignored)."""
    if preset not in PRESETS:
        raise ValueError(f"unknown preset {preset!r}; choose one of {', '.join(PRESETS)}")
    values: dict[str, Any] = {"preset": preset, **PRESETS[preset].settings}
    values.update({name: value for name, value in overrides.items() if value is not None})
    if "hidden_sizes" in values:
        values["hidden_sizes"] = tuple(values["hidden_sizes"])
    config = TrainConfig(**values)
    config.validate()
    return config
