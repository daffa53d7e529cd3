"""Diagnosing a run while it trains, the way the course teaches: watch the
curves and the layers, name the problem, change one thing. ``Diagnosis`` is
a callback that checks rules over the loss curves, the epochs' validation
loss and the layers' diagnostics records, and reports each problem once,
when it first shows, as a ``Finding``: a plain name a learner can look up
(one of ``FINDING_NAMES``), what was seen in plain words, the numbers behind
it, and a suggested change as ``TrainConfig`` settings. Findings go to every
callback through ``on_finding``; they are saved with the training state, so
a resumed run never repeats one, and ``run_training`` writes them into the
run's report.

The rules, with their thresholds:

- divergence: the loss became NaN or infinite; or the mean of the last
  ``LOSS_WINDOW`` batch losses rose above ``DIVERGED_FACTOR`` times the first
  batch's loss (worse than the untrained network); or the training loss rose
  two epochs running, by ``RISE`` or more in all.
- exploding gradients: a layer's gradient norm is not finite, above
  ``EXPLODING_NORM``, or ``EXPLODING_FACTOR`` times what it was at the first
  record.
- vanishing gradients: in two records running, the first layer's gradient
  norm is below ``VANISHING_RATIO`` of the last layer's (networks with two
  hidden layers or more).
- dead units: more than ``INACTIVE_SHARE`` of a ReLU layer's units dead on
  the probe batch (see ``digitpad.train.diagnostics``).
- saturation: more than ``INACTIVE_SHARE`` of a sigmoid or tanh layer's
  units saturated on the probe batch.
- underfitting: after ``UNDERFIT_STEPS`` updates the recent loss is still
  within ``BARELY`` of the first batch's and no step changed the weights by
  more than ``SMALL_UPDATE`` of their size: the learning rate is too low.
  Not reported once divergence, exploding gradients or dead units were.
- overfitting: two epochs or more after its lowest, the validation loss is
  ``OVERFIT_RISE`` or more above it, while the training loss has fallen to
  half or less of what it was then.
"""

from __future__ import annotations

import collections
import math
import statistics
from dataclasses import dataclass
from typing import Any, Callable, Mapping

from digitpad.storage.schema import (Boolean, Field, Integer, ListOf, MapOf, Nullable, Number,
                                     OneOf, Record, String)
from digitpad.train.callbacks import Callback
from digitpad.train.changes import CHANGEABLE_SETTINGS
from digitpad.train.config import SETTING_NAMES, setting_named
from digitpad.train.settings import format_value

FINDING_NAMES = ("overfitting", "underfitting", "divergence", "exploding gradients",
                 "vanishing gradients", "dead units", "saturation")
LOSS_WINDOW = 10
DIVERGED_FACTOR = 1.5
RISE = 0.1
OVERFIT_RISE = 0.05
EXPLODING_NORM = 100.0
EXPLODING_FACTOR = 100.0
VANISHING_RATIO = 1e-2
INACTIVE_SHARE = 0.5
UNDERFIT_STEPS = 200
BARELY = 0.1
SMALL_UPDATE = 1e-3
# Learning rates ten times the usual ones: dead or saturated units then
# point at the step size rather than at the activation.
HIGH_LEARNING_RATES = {"sgd": 0.5, "adam": 1e-2, "adamw": 1e-2}

_EVIDENCE = MapOf(OneOf(Integer(), Number(), String(200)), max_items=20)
_SUGGESTION = MapOf(OneOf(Boolean(), Integer(), Number(), String(200), ListOf(Integer(), max_length=64)),
                    max_items=10)
FINDING_SCHEMA = Record({
    "name": String(choices=FINDING_NAMES), "message": String(1000), "evidence": _EVIDENCE,
    "suggestion": _SUGGESTION, "step": Integer(0), "epoch": Integer(0),
}, required=("name", "message", "evidence", "suggestion", "step", "epoch"))


@dataclass(frozen=True)
class Finding:
    """A problem seen in a run: ``name`` (one of ``FINDING_NAMES``), a
    ``message`` for a learner, the ``evidence`` (named numbers), the
    ``suggestion`` (``TrainConfig`` settings to change, JSON values), and
    when it was found (after ``step`` updates, in epoch ``epoch``)."""

    name: str
    message: str
    evidence: dict[str, Any]
    suggestion: dict[str, Any]
    step: int
    epoch: int

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "message": self.message, "evidence": dict(self.evidence),
                "suggestion": dict(self.suggestion), "step": self.step, "epoch": self.epoch}

    @classmethod
    def from_dict(cls, data: Any, where: str = "finding") -> "Finding":
        """Rebuild from ``to_dict``; ``SchemaError`` names a bad field."""
        return cls(**FINDING_SCHEMA.validate(data, where))

    @property
    def applies_live(self) -> bool:
        """Whether the suggestion can be applied to the run while it trains
        (``TrainingControl.change``); otherwise it is for the next run."""
        return all(name in CHANGEABLE_SETTINGS for name in self.suggestion)

    def suggestion_text(self) -> str:
        """The suggestion in words: 'Learning rate 0.0003, Distort training digits on'."""
        return ", ".join(f"{setting_named(name).label if name in SETTING_NAMES else name} "
                         f"{format_value(None, value)}" for name, value in self.suggestion.items())

    def apply_to(self, config):
        """``config`` with the suggestion applied (and no recorded changes):
        the next run's settings. ``ValueError`` if they do not validate."""
        values = dict(self.suggestion)
        if "hidden_sizes" in values:
            values["hidden_sizes"] = tuple(values["hidden_sizes"])
        changed = config.replace(changes=(), **values)
        changed.validate()
        return changed


class Diagnosis(Callback):
    """Reports each finding once, to every callback (``on_finding``), and
    keeps them in ``findings``; ``config`` is the run's ``TrainConfig`` or a
    function returning it as it is now (with the changes made so far)."""

    state_key = "diagnosis"

    def __init__(self, config) -> None:
        self._config: Callable[[], Any] = config if callable(config) else (lambda: config)
        self.findings: list[Finding] = []
        self.first_loss: float | None = None
        self.first_grad_norms: dict[str, float] = {}
        self.largest_update = 0.0
        self._losses: collections.deque[float] = collections.deque(maxlen=LOSS_WINDOW)
        self._late_losses: collections.deque[float] = collections.deque(maxlen=5 * LOSS_WINDOW)
        self._records: collections.deque = collections.deque(maxlen=2)

    @property
    def names(self) -> list[str]:
        return [finding.name for finding in self.findings]

    # -- hooks -----------------------------------------------------------
    def on_batch_end(self, trainer, batch, logs) -> None:
        loss = float(logs["batch_loss"])
        if self.first_loss is None:
            self.first_loss = loss
        self._losses.append(loss)
        self._late_losses.append(loss)
        if len(self._losses) == LOSS_WINDOW:
            _check_loss_rising(self, trainer)

    def on_diagnostics(self, trainer, record) -> None:
        self._records.append(record)
        for name, signals in record.layers.items():
            if math.isfinite(signals.grad_norm):
                self.first_grad_norms.setdefault(name, signals.grad_norm)
        ratios = [signals.update_ratio for signals in record.layers.values()
                  if signals.update_ratio is not None and math.isfinite(signals.update_ratio)]
        if ratios:
            self.largest_update = max(self.largest_update, statistics.median(ratios))
        for rule in (_check_exploding, _check_vanishing, _check_inactive_units):
            rule(self, trainer, record)

    def on_epoch_end(self, trainer, epoch, logs) -> None:
        epochs = trainer.history.epochs
        _check_epochs_rising(self, trainer, epochs)
        _check_underfitting(self, trainer)
        _check_overfitting(self, trainer, epochs)

    def on_train_end(self, trainer, status) -> None:
        if status == "diverged":
            last = self._losses[-1] if self._losses else None
            self.report(trainer, "divergence",
                        "The loss or the weights stopped being numbers (they overflowed to "
                        "infinity or NaN): the steps were so large that the weights blew up.",
                        {"step": trainer.global_step, "last finite batch loss": last},
                        {"learning_rate": _scaled_rate(self.config, 0.1)})

    # -- findings --------------------------------------------------------
    @property
    def config(self):
        return self._config()

    def report(self, trainer, name: str, message: str, evidence: Mapping[str, Any],
               suggestion: Mapping[str, Any]) -> None:
        """Record and announce a finding, unless one of that name was already."""
        if name in self.names:
            return
        evidence = {key: _rounded(value) for key, value in evidence.items() if value is not None}
        finding = Finding(name, message, evidence, dict(suggestion), trainer.global_step,
                          trainer.epoch + (0 if trainer.batch_index == 0 else 1))
        self.findings.append(finding)
        trainer.notify("on_finding", finding)

    def state_dict(self) -> dict:
        return {"findings": [finding.to_dict() for finding in self.findings],
                "first_loss": self.first_loss, "first_grad_norms": self.first_grad_norms,
                "largest_update": self.largest_update}

    def state_schema(self, completed_epochs: int) -> Field:
        return Record({
            "findings": ListOf(FINDING_SCHEMA, max_length=len(FINDING_NAMES)),
            "first_loss": Nullable(Number()),
            "first_grad_norms": MapOf(Number(0), max_items=64),
            "largest_update": Number(0),
        }, required=("findings", "first_loss", "first_grad_norms", "largest_update"))

    def load_state_dict(self, state: Mapping) -> None:
        self.findings = [Finding(**item) for item in state["findings"]]
        self.first_loss = state["first_loss"]
        self.first_grad_norms = dict(state["first_grad_norms"])
        self.largest_update = state["largest_update"]


# -- the rules ---------------------------------------------------------------

def _check_loss_rising(diagnosis: Diagnosis, trainer) -> None:
    recent = statistics.fmean(diagnosis._losses)
    if diagnosis.first_loss and recent > DIVERGED_FACTOR * diagnosis.first_loss:
        diagnosis.report(
            trainer, "divergence",
            f"The loss is rising instead of falling: over the last {LOSS_WINDOW} batches it "
            f"averaged {recent:.3g}, worse than the {diagnosis.first_loss:.3g} of the untrained "
            "network. The steps are so large they overshoot, each one landing further off.",
            {"first batch loss": diagnosis.first_loss, f"mean of last {LOSS_WINDOW} batch losses": recent},
            {"learning_rate": _scaled_rate(diagnosis.config, 0.1)})


def _check_epochs_rising(diagnosis: Diagnosis, trainer, epochs: list[dict]) -> None:
    losses = [entry.get("train_loss") for entry in epochs[-3:]]
    if len(losses) < 3 or None in losses:
        return
    if losses[0] < losses[1] < losses[2] and losses[2] >= (1 + RISE) * losses[0]:
        diagnosis.report(
            trainer, "divergence",
            f"The training loss has risen two epochs running, from {losses[0]:.3g} to "
            f"{losses[2]:.3g}: training is moving away from a solution instead of towards one.",
            {"training loss two epochs ago": losses[0], "training loss now": losses[2]},
            {"learning_rate": _scaled_rate(diagnosis.config, 0.1)})


def _check_exploding(diagnosis: Diagnosis, trainer, record) -> None:
    for name, signals in record.layers.items():
        norm, first = signals.grad_norm, diagnosis.first_grad_norms.get(name)
        grown = first is not None and first > 0 and norm >= EXPLODING_FACTOR * first
        if math.isfinite(norm) and norm <= EXPLODING_NORM and not grown:
            continue
        config = diagnosis.config
        suggestion = ({"max_grad_norm": 1.0} if not config.max_grad_norm
                      else {"learning_rate": _scaled_rate(config, 0.1)})
        diagnosis.report(
            trainer, "exploding gradients",
            f"The gradient of {name} has grown to {norm:.3g}"
            + (f", {norm / first:.3g} times its size at the start" if grown else "")
            + ": steps that large throw the weights far off, and training blows up.",
            {"layer": name, "gradient norm": norm, "gradient norm at the start": first},
            suggestion)
        return


def _check_vanishing(diagnosis: Diagnosis, trainer, record) -> None:
    ratios = []
    for earlier in diagnosis._records:
        norms = [signals.grad_norm for signals in earlier.layers.values()]
        if len(norms) < 3 or not (math.isfinite(norms[-1]) and norms[-1] > 0):
            return
        ratios.append(norms[0] / norms[-1])
    if len(ratios) < 2 or max(ratios) >= VANISHING_RATIO:
        return
    layers = list(record.layers.items())
    (first_name, first), (last_name, last) = layers[0], layers[-1]
    config = diagnosis.config
    if config.activation in ("sigmoid", "tanh"):
        suggestion: dict[str, Any] = {"activation": "relu"}
    elif config.optimizer == "sgd":
        suggestion = {"optimizer": "adam", "learning_rate": 1e-3}
    else:
        suggestion = {"hidden_sizes": list(config.hidden_sizes[:2])}
    diagnosis.report(
        trainer, "vanishing gradients",
        f"The gradient reaching the first layer is {ratios[-1]:.1e} of the last layer's: the "
        f"learning signal fades on its way back through the {config.activation} layers, so "
        "the early layers hardly learn.",
        {f"gradient norm of {first_name}": first.grad_norm,
         f"gradient norm of {last_name}": last.grad_norm, "ratio": ratios[-1]}, suggestion)


def _check_inactive_units(diagnosis: Diagnosis, trainer, record) -> None:
    for name, signals in record.layers.items():
        share = signals.inactive
        if share is None or share <= INACTIVE_SHARE:
            continue
        config = diagnosis.config
        high_rate = _rate_in_effect(config) >= HIGH_LEARNING_RATES.get(config.optimizer, math.inf)
        if signals.activation == "relu":
            diagnosis.report(
                trainer, "dead units",
                f"{share:.0%} of the units of {name} are dead: their input is negative for "
                "every probe digit, so they output 0, pass back no gradient and cannot recover.",
                {"layer": name, "share of units dead": share, "learning rate": _rate_in_effect(config)},
                {"learning_rate": _scaled_rate(config, 0.1)} if high_rate else {"activation": "leaky_relu"})
        elif signals.activation in ("sigmoid", "tanh"):
            diagnosis.report(
                trainer, "saturation",
                f"{share:.0%} of the units of {name} are saturated: for most digits their "
                f"{signals.activation} output sits at one of its flat ends, where its slope is "
                "nearly 0, so they barely learn.",
                {"layer": name, "share of units saturated": share},
                {"learning_rate": _scaled_rate(config, 0.1)} if high_rate else {"activation": "relu"})


def _check_underfitting(diagnosis: Diagnosis, trainer) -> None:
    blocking = {"divergence", "exploding gradients", "dead units"}
    if (trainer.global_step < UNDERFIT_STEPS or not diagnosis._late_losses or not diagnosis.first_loss
            or blocking & set(diagnosis.names) or diagnosis.largest_update >= SMALL_UPDATE):
        return
    recent = statistics.fmean(diagnosis._late_losses)
    if recent < (1 - BARELY) * diagnosis.first_loss:
        return
    diagnosis.report(
        trainer, "underfitting",
        f"After {trainer.global_step} steps the loss has barely moved ({diagnosis.first_loss:.3g} "
        f"at the start, {recent:.3g} now), and no step changed the weights by more than "
        f"{diagnosis.largest_update:.1e} of their size: the learning rate is too low to learn.",
        {"first batch loss": diagnosis.first_loss, "recent loss": recent,
         "largest update-to-weight ratio": diagnosis.largest_update},
        {"learning_rate": _scaled_rate(diagnosis.config, 10)})


def _check_overfitting(diagnosis: Diagnosis, trainer, epochs: list[dict]) -> None:
    losses = [entry.get("val_loss") for entry in epochs]
    if len(losses) < 3 or None in losses:
        return
    best = min(range(len(losses)), key=losses.__getitem__)
    now = len(losses) - 1
    train_best, train_now = epochs[best].get("train_loss"), epochs[now].get("train_loss")
    if (now - best < 2 or losses[now] < (1 + OVERFIT_RISE) * losses[best] or train_best is None
            or train_now is None or train_now > train_best / 2):
        return
    config = diagnosis.config
    suggestion: dict[str, Any] = {"weight_decay": 1e-4 if not config.weight_decay
                                  else _round(min(config.weight_decay * 10, 1.0))}
    if not config.augment:
        suggestion["augment"] = True
    elif not config.dropout:
        suggestion["dropout"] = 0.2
    diagnosis.report(
        trainer, "overfitting",
        f"The validation loss has risen from {losses[best]:.3g} (epoch {best + 1}) to "
        f"{losses[now]:.3g} while the training loss kept falling ({train_best:.3g} to "
        f"{train_now:.3g}): the network is memorising its training digits instead of learning "
        "what digits look like.",
        {"best epoch": best + 1, "validation loss then": losses[best], "validation loss now": losses[now],
         "training loss then": train_best, "training loss now": train_now}, suggestion)


# -- helpers -------------------------------------------------------------------

def _rate_in_effect(config) -> float:
    """The learning rate last set: the configured one or the last changed to."""
    rates = [change.value for change in config.changes if change.setting == "learning_rate"]
    return rates[-1] if rates else config.learning_rate


def _scaled_rate(config, factor: float) -> float:
    return _round(min(_rate_in_effect(config) * factor, 1.0))


def _round(value: float) -> float:
    """Six significant digits: 0.0003, not 0.00030000000000000003."""
    return float(f"{value:.6g}")


def _rounded(value: Any) -> Any:
    if isinstance(value, float):
        return _round(value) if math.isfinite(value) else str(value)
    return value
