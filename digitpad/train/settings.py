"""How a training setting is described, once, for everything that shows or
checks it. ``TrainConfig`` declares each of its fields with ``setting(...)``:
default, label, group, help for the command line, an explanation for a
learner, the allowed range or choices, and hints for the Retrain form (step,
decimals, what 0 means). ``describe`` turns those declarations into
``Setting`` records, from which the ``digitpad-train`` options, the Retrain
form, Model info and the per-setting half of validation are generated, so a
new hyperparameter is one new field. Rules that relate settings to each
other stay code, in ``digitpad.train.config``.
"""

from __future__ import annotations

import dataclasses
import math
import typing
from dataclasses import dataclass
from typing import Any

# The groups settings are shown in, in order: titles of the command line's
# option groups and of the Retrain form's boxes.
GROUPS = ("model", "optimiser", "learning-rate schedule", "training", "augmentation")
# A setting that is recorded with a run but not chosen as a hyperparameter.
RECORD = "record"

# The schedules ``digitpad.train.run.build_schedule`` knows.
SCHEDULES = ("constant", "step", "cosine")

_METADATA_KEY = "digitpad.setting"


@dataclass(frozen=True)
class Range:
    """An interval of allowed numbers; ``None`` leaves that end open."""

    low: float | None = None
    high: float | None = None
    low_excluded: bool = False
    high_excluded: bool = False

    def contains(self, value: float) -> bool:
        if self.low is not None and (value <= self.low if self.low_excluded else value < self.low):
            return False
        return self.high is None or (value < self.high if self.high_excluded else value <= self.high)

    def describe(self) -> str:
        """'positive', 'non-negative' or 'in [0, 1)', for 'must be …'."""
        if self.high is None and self.low == 0:
            return "positive" if self.low_excluded else "non-negative"
        low = "-inf" if self.low is None else f"{self.low:g}"
        high = "inf" if self.high is None else f"{self.high:g}"
        return (f"in {'(' if self.low_excluded else '['}{low}, {high}"
                f"{')' if self.high_excluded else ']'}")


@dataclass(frozen=True)
class Setting:
    """One training setting: what it is, where it is shown, what it may be."""

    name: str
    kind: type                      # int, float, bool, str, or tuple (of whole numbers)
    default: Any
    label: str                      # for people: form rows, Model info
    group: str                      # one of GROUPS, or RECORD
    help: str                       # one line, for --help and the tooltip
    explanation: str = ""           # a few sentences for a learner ("What's This?")
    range: Range | None = None
    choices: tuple[str, ...] = ()
    metavar: str | None = None      # the value's name in --help
    step: float = 1                 # form: spin-box step
    decimals: int = 0               # form: digits after the point
    form_maximum: float | None = None   # form: where the range is open, a spin box still needs an end
    zero_text: str = ""             # form: what 0 means ("all", "none", "off")

    @property
    def words(self) -> str:
        """The name as written in messages: 'learning rate'."""
        return self.name.replace("_", " ")

    @property
    def option(self) -> str:
        """The command-line option: '--learning-rate'."""
        return "--" + self.name.replace("_", "-")

    @property
    def editable(self) -> bool:
        return self.group != RECORD


def setting(default: Any, label: str, group: str, help: str, explanation: str = "",
            **details: Any) -> Any:
    """A dataclass field carrying its description (see ``Setting`` for ``details``)."""
    if group not in GROUPS + (RECORD,):
        raise ValueError(f"unknown settings group {group!r}")
    description = dict(default=default, label=label, group=group, help=help,
                       explanation=" ".join(explanation.split()), **details)
    return dataclasses.field(default=default, metadata={_METADATA_KEY: description})


def describe(config_class: type) -> tuple[Setting, ...]:
    """The ``Setting`` of every field of ``config_class`` declared with
    ``setting(...)``, in declaration order. Other fields (a run's record of
    live changes) are no setting a person picks, so they are left out."""
    hints = typing.get_type_hints(config_class)
    settings = []
    for item in dataclasses.fields(config_class):
        if _METADATA_KEY not in item.metadata:
            continue
        kind = typing.get_origin(hints[item.name]) or hints[item.name]
        described = Setting(name=item.name, kind=kind, **item.metadata[_METADATA_KEY])
        if kind is int and (described.range is None or None in (described.range.low, described.range.high)):
            # Whole numbers size arrays and loops: every one needs both bounds.
            raise ValueError(f"integer setting {item.name} needs a closed range")
        settings.append(described)
    return tuple(settings)


def type_problem(item: Setting, value: Any) -> str | None:
    """Whether ``value`` is of the setting's kind: floats finite, integers
    within their range, flags true or false, names text."""
    if item.kind is tuple:
        if not isinstance(value, (tuple, list)) or not all(_is_integer(size) for size in value):
            return f"{item.words} must be a list of whole numbers"
    elif item.kind is bool:
        if not isinstance(value, bool):
            return f"{item.words} must be true or false"
    elif item.kind is int:
        if not (_is_integer(value) and item.range.contains(value)):
            return (f"{item.words} must be a whole number from {item.range.low:,} to {item.range.high:,}, "
                    f"got {quote(value)}")
    elif item.kind is float:
        if not _is_finite_number(value):
            return f"{item.words} must be a finite number, got {quote(value)}"
    elif not isinstance(value, str):
        return f"{item.words} must be text"
    return None


def value_problem(item: Setting, value: Any) -> str | None:
    """Whether a value of the right kind is allowed: within the range, one of the choices."""
    if item.kind is float and item.range is not None and not item.range.contains(value):
        return f"{item.words} must be {item.range.describe()}"
    if item.choices and value not in item.choices:
        return f"{item.words} must be one of {', '.join(item.choices)}"
    return None


def format_value(item: Setting | None, value: Any) -> str:
    """A value as people read it: '1024, 1024', 'on', '0.001'."""
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, (tuple, list)):
        return ", ".join(str(part) for part in value)
    text = f"{value:g}" if isinstance(value, float) else str(value)
    if item is not None and item.zero_text and isinstance(value, (int, float)) and value == 0:
        return f"{text} ({item.zero_text})"
    return text


def _is_integer(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_finite_number(value: Any) -> bool:
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return False
    try:
        return math.isfinite(value)
    except OverflowError:       # an integer too large for a float
        return False


def quote(value: Any) -> str:
    """A bad value for a message, short even when it is a huge number."""
    try:
        text = repr(value)
    except ValueError:          # an integer with more digits than Python prints
        return "a number too large to print"
    return text if len(text) <= 40 else text[:40] + "…"
