"""Settings changed while a run trains, as the run records and replays them.
A ``SettingChange`` says that from global step ``step`` on (after ``step``
optimiser updates, before the next one) ``setting`` had ``value``; a run's
``config.json`` lists them under ``changes``, in the order they were made,
and ``TrainConfig`` validates them like every other setting. Only the
settings in ``CHANGEABLE_SETTINGS`` can change mid-run, each within its
usual range and only where the run can honour it (momentum needs SGD started
with momentum, dropout a network built with dropout layers). The values in
effect at any step are a pure function of the configuration
(``settings_at``), and so is the learning rate: a change to ``L`` at step
``s`` scales the schedule from there on, ``rate(t) = schedule(t) * L /
schedule(s)`` (``ChangedSchedule``), so the run gets the rate asked for at
once and the schedule keeps its shape. That is what lets ``--resume``
reproduce a run exactly, whatever was changed while it trained. This module
knows settings only by name; ``digitpad.train.config`` uses it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable, Mapping, Sequence

from digitpad.data.augment.distortions import AugmentConfig
from digitpad.storage.schema import Boolean, Integer, ListOf, Number, OneOf, Record, String

# What can change while a run trains, in the order a form would show them.
CHANGEABLE_SETTINGS = ("learning_rate", "momentum", "weight_decay", "dropout", "augment",
                       "augment_strength")
# Far more than a person makes in one run; it bounds what config.json may hold.
MAX_CHANGES = 1000


@dataclass(frozen=True)
class SettingChange:
    """``setting`` became ``value`` after ``step`` optimiser updates."""

    step: int
    setting: str
    value: float | bool

    def to_dict(self) -> dict[str, Any]:
        return {"step": self.step, "setting": self.setting, "value": self.value}


CHANGES_SCHEMA = ListOf(Record({
    "step": Integer(0),
    "setting": String(choices=CHANGEABLE_SETTINGS),
    "value": OneOf(Boolean(), Number()),
}, required=("step", "setting", "value")), max_length=MAX_CHANGES)


def parse_changes(raw: Any) -> tuple[SettingChange, ...]:
    """The changes of a ``config.json`` (a list of objects), checked for
    shape and types; ``SchemaError`` names the first bad entry
    (``changes[2].setting``). Whether each fits its run is
    ``change_problems``' business."""
    if isinstance(raw, (tuple, list)) and all(isinstance(item, SettingChange) for item in raw):
        return tuple(raw)
    checked = CHANGES_SCHEMA.validate(raw, "changes")
    return tuple(SettingChange(item["step"], item["setting"],
                               normalised_value(item["setting"], item["value"])) for item in checked)


def unavailable_reason(config, setting: str) -> str | None:
    """Why ``setting`` cannot change while a run of ``config`` trains (None: it can)."""
    if setting not in CHANGEABLE_SETTINGS:
        return f"{setting.replace('_', ' ')} cannot change while training"
    if setting == "momentum" and config.optimizer != "sgd":
        return f"momentum is a setting of SGD; this run uses {config.optimizer}"
    if setting == "momentum" and config.momentum == 0:
        return "this run started without momentum, so SGD keeps no velocity to carry over"
    if setting == "dropout" and config.dropout == 0:
        return "this network was built without dropout layers; start a run with dropout to vary it"
    return None


def change_problems(config, max_step: int) -> list[str]:
    """Everything wrong with ``config.changes``: a setting this run cannot
    change, a value its setting does not allow (each change is checked
    together with those before it, so the settings stay consistent), or
    steps out of order or past ``max_step``."""
    if len(config.changes) > MAX_CHANGES:
        return [f"at most {MAX_CHANGES} changes can be recorded in one run"]
    problems = []
    current = config.replace(changes=())
    previous_step = 0
    for index, change in enumerate(config.changes):
        where = f"changes[{index}]"
        reason = unavailable_reason(config, change.setting)
        if reason:
            problems.append(f"{where}: {reason}")
            continue
        if not previous_step <= change.step <= max_step:
            problems.append(f"{where}: step {change.step} is before the change above it or "
                            f"after the run's last step, {max_step}")
        previous_step = max(previous_step, change.step)
        if change.setting == "learning_rate":
            # The change scales the whole schedule, its final rate too, so
            # only the rate itself is checked.
            if not _is_positive_number(change.value):
                problems.append(f"{where}: learning rate must be a positive finite number, "
                                f"got {change.value!r}")
            continue
        try:
            current = current.replace(**{change.setting: change.value})
            current.validate()
            check_distortions(current)
        except ValueError as error:
            problems.append(f"{where}: {error}")
            break
    return problems


def _is_positive_number(value: Any) -> bool:
    return (isinstance(value, (int, float)) and not isinstance(value, bool)
            and math.isfinite(value) and value > 0)


def check_distortions(config) -> None:
    """``ValueError`` if the distortion strength is more than the
    distortions allow, even while they are off (they may be switched on)."""
    try:
        AugmentConfig(thickness=config.augment_thickness).scaled(config.augment_strength)
    except ValueError as error:
        raise ValueError(f"augmentation strength {config.augment_strength:g} is too strong "
                         f"({error})") from None


def normalised_value(setting: str, value: Any) -> float | bool:
    """JSON and spin boxes give 1 for 1.0; every changeable setting but
    ``augment`` is a float."""
    if setting == "augment" or isinstance(value, bool):
        return value
    return float(value)


def settings_at(config, step: int) -> dict[str, Any]:
    """The value of every changeable setting in effect for the update after
    ``step`` updates: the configured one, then each change made at or
    before ``step``."""
    values = {name: getattr(config, name) for name in CHANGEABLE_SETTINGS}
    for change in config.changes:
        if change.step <= step:
            values[change.setting] = change.value
    return values


def distortions_for(values: Mapping[str, Any], thickness: float) -> AugmentConfig | None:
    """The distortions for these settings (``augment``, ``augment_strength``),
    None when they change nothing."""
    if not values["augment"] or values["augment_strength"] <= 0:
        return None
    distortions = AugmentConfig(thickness=thickness).scaled(values["augment_strength"])
    return None if distortions.is_identity else distortions


class ChangedSchedule:
    """A learning-rate schedule (step -> rate) with the run's learning-rate
    changes applied: after a change to ``L`` at step ``s`` the rate is
    ``schedule(t) * L / schedule(s)``. ``changes`` returns the run's changes
    so far; it is read at every call, so a change made live counts at once.
    """

    def __init__(self, schedule: Callable[[int], float],
                 changes: Callable[[], Sequence[SettingChange]]) -> None:
        self.schedule = schedule
        self.changes = changes

    def __call__(self, step: int) -> float:
        rate = self.schedule(step)
        latest = None
        for change in self.changes():
            if change.setting == "learning_rate" and change.step <= step:
                latest = change
        if latest is None:
            return rate
        anchor = self.schedule(latest.step)
        # A schedule at 0 has no shape left to scale; hold the asked rate.
        return rate * latest.value / anchor if anchor > 0 else latest.value
