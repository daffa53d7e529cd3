"""Typed schemas for the structured data digitpad reads back from files it
does not control: checkpoint metadata, training state, samples, settings.
A schema is composed of small field types — ``Integer``, ``Number``,
``Boolean``, ``String``, ``Literal``, ``Nullable``, ``ListOf``, ``MapOf``,
``Record`` — and ``field.validate(value)`` returns a clean copy or raises
``SchemaError`` naming the path of the first bad value
(``metrics.test_accuracy: expected a number from 0 to 1, got 'high'``).
Numbers are checked for type (``True`` is not an integer), finiteness and
range, containers for size, so a value that passed can be formatted,
compared and used to size an allocation without a second thought.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any, Mapping, Sequence

import numpy as np

# Long enough for any name, path or date we write; short enough that an
# error message quoting a bad value stays readable.
DEFAULT_MAX_STRING = 4096
DEFAULT_MAX_ITEMS = 10_000
_QUOTED_VALUE_LIMIT = 60


class SchemaError(ValueError):
    """A value does not match its schema; ``where`` is its dotted path."""

    def __init__(self, where: str, problem: str) -> None:
        self.where = where
        self.problem = problem
        super().__init__(f"{where}: {problem}" if where else problem)


def quote(value: Any) -> str:
    """A short, safe rendering of a bad value for an error message."""
    if isinstance(value, (dict, list)):
        return f"a JSON {'object' if isinstance(value, dict) else 'list'}"
    text = repr(value)
    return text if len(text) <= _QUOTED_VALUE_LIMIT else text[:_QUOTED_VALUE_LIMIT] + "…"


def _join(where: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{where}[{key}]"
    return f"{where}.{key}" if where else key


class Field:
    """One value's type and constraints."""

    def validate(self, value: Any, where: str = "") -> Any:
        raise NotImplementedError

    def describe(self) -> str:
        """What a valid value is, in words (used in error messages)."""
        raise NotImplementedError

    def _fail(self, value: Any, where: str) -> SchemaError:
        return SchemaError(where, f"expected {self.describe()}, got {quote(value)}")


def _is_integer(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _number_words(value: float) -> str:
    if float(value).is_integer() and abs(value) < 1e15:
        return f"{int(value):,}"
    return f"{value:g}"


def _range_words(minimum, maximum, exclusive_maximum: bool = False) -> str:
    if minimum is not None and maximum is not None:
        return (f" from {_number_words(minimum)} to {'below ' if exclusive_maximum else ''}"
                f"{_number_words(maximum)}")
    if minimum is not None:
        return f" of at least {_number_words(minimum)}"
    if maximum is not None:
        return f" {'below' if exclusive_maximum else 'of at most'} {_number_words(maximum)}"
    return ""


class Integer(Field):
    def __init__(self, minimum: int | None = None, maximum: int | None = None) -> None:
        self.minimum, self.maximum = minimum, maximum

    def describe(self) -> str:
        return "an integer" + _range_words(self.minimum, self.maximum)

    def validate(self, value: Any, where: str = "") -> int:
        if not _is_integer(value):
            raise self._fail(value, where)
        if (self.minimum is not None and value < self.minimum) or \
                (self.maximum is not None and value > self.maximum):
            raise self._fail(value, where)
        return int(value)


class Number(Field):
    """A finite real number (an int is accepted and returned as a float)."""

    def __init__(self, minimum: float | None = None, maximum: float | None = None, *,
                 exclusive_maximum: bool = False) -> None:
        self.minimum, self.maximum = minimum, maximum
        self.exclusive_maximum = exclusive_maximum

    def describe(self) -> str:
        return "a finite number" + _range_words(self.minimum, self.maximum, self.exclusive_maximum)

    def validate(self, value: Any, where: str = "") -> float:
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            raise self._fail(value, where)
        try:
            number = float(value)
        except OverflowError:           # an integer too large for a float
            raise self._fail(value, where) from None
        if not math.isfinite(number):
            raise self._fail(value, where)
        if self.minimum is not None and number < self.minimum:
            raise self._fail(value, where)
        if self.maximum is not None and (number >= self.maximum if self.exclusive_maximum
                                         else number > self.maximum):
            raise self._fail(value, where)
        return number


class Boolean(Field):
    def describe(self) -> str:
        return "true or false"

    def validate(self, value: Any, where: str = "") -> bool:
        if not isinstance(value, bool):
            raise self._fail(value, where)
        return value


class String(Field):
    def __init__(self, max_length: int = DEFAULT_MAX_STRING, *, choices=None,
                 pattern: str | None = None, min_length: int = 0) -> None:
        self.max_length = max_length
        self.min_length = min_length
        self.choices = tuple(choices) if choices is not None else None
        self.pattern = re.compile(pattern) if pattern else None

    def describe(self) -> str:
        if self.choices is not None:
            return "one of " + ", ".join(repr(choice) for choice in self.choices)
        if self.pattern is not None:
            return f"text matching {self.pattern.pattern}"
        return f"text of at most {self.max_length} characters"

    def validate(self, value: Any, where: str = "") -> str:
        if not isinstance(value, str) or not self.min_length <= len(value) <= self.max_length:
            raise self._fail(value, where)
        if self.choices is not None and value not in self.choices:
            raise self._fail(value, where)
        if self.pattern is not None and not self.pattern.fullmatch(value):
            raise self._fail(value, where)
        return value


class Literal(Field):
    def __init__(self, value: Any) -> None:
        self.value = value

    def describe(self) -> str:
        return repr(self.value)

    def validate(self, value: Any, where: str = "") -> Any:
        if type(value) is not type(self.value) or value != self.value:
            raise self._fail(value, where)
        return value


class Nullable(Field):
    """``inner`` or JSON ``null``."""

    def __init__(self, inner: Field) -> None:
        self.inner = inner

    def describe(self) -> str:
        return f"{self.inner.describe()} or null"

    def validate(self, value: Any, where: str = "") -> Any:
        return None if value is None else self.inner.validate(value, where)


class OneOf(Field):
    """The first of ``options`` that accepts the value."""

    def __init__(self, *options: Field) -> None:
        self.options = options

    def describe(self) -> str:
        return " or ".join(option.describe() for option in self.options)

    def validate(self, value: Any, where: str = "") -> Any:
        for option in self.options:
            try:
                return option.validate(value, where)
            except SchemaError:
                continue
        raise self._fail(value, where)


class ListOf(Field):
    def __init__(self, item: Field, *, min_length: int = 0, max_length: int = DEFAULT_MAX_ITEMS) -> None:
        self.item = item
        self.min_length, self.max_length = min_length, max_length

    def describe(self) -> str:
        return f"a list of {self.min_length} to {self.max_length} items"

    def validate(self, value: Any, where: str = "") -> list:
        if not isinstance(value, list) or not self.min_length <= len(value) <= self.max_length:
            raise self._fail(value, where)
        return [self.item.validate(item, _join(where, index)) for index, item in enumerate(value)]


class MapOf(Field):
    """A JSON object with free keys (short strings) and values of one type."""

    def __init__(self, value: Field, *, key: Field | None = None, max_items: int = 1000) -> None:
        self.value = value
        self.key = key or String(200, min_length=1)
        self.max_items = max_items

    def describe(self) -> str:
        return f"a JSON object of at most {self.max_items} entries"

    def validate(self, value: Any, where: str = "") -> dict:
        if not isinstance(value, dict) or len(value) > self.max_items:
            raise self._fail(value, where)
        cleaned = {}
        for key, item in value.items():
            key = self.key.validate(key, _join(where, "<key>"))
            cleaned[key] = self.value.validate(item, _join(where, key))
        return cleaned


class Record(Field):
    """A JSON object with known fields.

    Fields in ``required`` must be present. Unknown fields are validated by
    ``extra`` when it is given and otherwise dropped, so nothing unchecked
    ever reaches the caller.
    """

    def __init__(self, fields: Mapping[str, Field], *, required=(), extra: Field | None = None,
                 max_items: int = 1000) -> None:
        self.fields = dict(fields)
        self.required = frozenset(required)
        unknown = self.required - set(self.fields)
        if unknown:
            raise ValueError(f"required fields without a type: {sorted(unknown)}")
        self.extra = extra
        self.max_items = max_items

    def describe(self) -> str:
        return "a JSON object"

    def validate(self, value: Any, where: str = "") -> dict:
        if not isinstance(value, dict) or len(value) > self.max_items:
            raise self._fail(value, where)
        missing = sorted(self.required - set(value))
        if missing:
            raise SchemaError(where, f"missing {', '.join(missing)}")
        cleaned = {}
        for key, item in value.items():
            field = self.fields.get(key)
            if field is None:
                if self.extra is None or not isinstance(key, str) or len(key) > 200:
                    continue
                field = self.extra
            cleaned[key] = field.validate(item, _join(where, key))
        return cleaned


class NumberRows(Field):
    """A JSON list of rows of ``columns`` finite numbers, each column within
    its ``(minimum, maximum)``, returned as a float32 ``(rows, columns)``
    array. Checked with NumPy, so thousands of pen points stay cheap."""

    def __init__(self, columns: int, bounds: Sequence[tuple[float, float]], *, max_rows: int,
                 min_rows: int = 0) -> None:
        self.columns, self.bounds = columns, [tuple(bound) for bound in bounds]
        self.max_rows, self.min_rows = max_rows, min_rows

    def describe(self) -> str:
        return (f"{self.min_rows} to {self.max_rows} rows of {self.columns} numbers within "
                + ", ".join(f"[{low:g}, {high:g}]" for low, high in self.bounds))

    def validate(self, value: Any, where: str = "") -> np.ndarray:
        if not isinstance(value, list) or not self.min_rows <= len(value) <= self.max_rows:
            raise self._fail(value, where)
        # An object array shows ragged rows and non-numbers (strings, bools)
        # without a Python loop per item, which matters for thousands of points.
        cells = np.empty((len(value), self.columns), dtype=object)
        try:
            cells[...] = value
        except (ValueError, TypeError):
            raise self._fail(value, where) from None
        if not set(map(type, cells.ravel())) <= {int, float}:
            raise self._fail(value, where)
        try:
            rows = cells.astype(np.float64)
        except (OverflowError, ValueError, TypeError):
            raise self._fail(value, where) from None
        low = np.array([bound[0] for bound in self.bounds])
        high = np.array([bound[1] for bound in self.bounds])
        if not (np.isfinite(rows).all() and (rows >= low).all() and (rows <= high).all()):
            raise self._fail(value, where)
        return rows.astype(np.float32)


class Json(Field):
    """Any JSON value within bounds — nesting depth, container sizes, string
    lengths, finite numbers — for data whose owner validates it further."""

    def __init__(self, max_depth: int = 8, max_items: int = DEFAULT_MAX_ITEMS,
                 max_string: int = DEFAULT_MAX_STRING) -> None:
        self.max_depth, self.max_items, self.max_string = max_depth, max_items, max_string

    def describe(self) -> str:
        return f"JSON nested at most {self.max_depth} deep"

    def validate(self, value: Any, where: str = "", depth: int = 0) -> Any:
        if value is None or isinstance(value, bool) or _is_integer(value):
            return value
        if isinstance(value, float):
            if not math.isfinite(value):
                raise SchemaError(where, f"expected a finite number, got {quote(value)}")
            return value
        if isinstance(value, str):
            if len(value) > self.max_string:
                raise SchemaError(where, f"text longer than {self.max_string} characters")
            return value
        if isinstance(value, (list, dict)):
            if depth >= self.max_depth:
                raise SchemaError(where, f"nested more than {self.max_depth} deep")
            if len(value) > self.max_items:
                raise SchemaError(where, f"more than {self.max_items} items")
            if isinstance(value, list):
                return [self.validate(item, _join(where, index), depth + 1)
                        for index, item in enumerate(value)]
            return {str(key): self.validate(item, _join(where, str(key)), depth + 1)
                    for key, item in value.items()}
        raise SchemaError(where, f"expected JSON, got {quote(value)}")


def parse_object(text: bytes | str, name: str) -> dict:
    """A JSON object from ``text`` (UTF-8); ``ValueError`` naming ``name`` if
    it is not one — including NaN/Infinity literals and absurd nesting."""
    def refuse_constant(constant: str):
        raise ValueError(f"{constant} is not a number JSON allows")

    try:
        if isinstance(text, bytes):
            text = text.decode("utf-8")
        data = json.loads(text, parse_constant=refuse_constant)
    except UnicodeDecodeError as error:
        raise ValueError(f"{name} is not valid UTF-8 JSON ({error})") from None
    except json.JSONDecodeError as error:
        raise ValueError(f"{name} is not valid UTF-8 JSON ({error})") from None
    except RecursionError:
        raise ValueError(f"{name} is nested too deeply to be digitpad's") from None
    except ValueError as error:
        raise ValueError(f"{name} is not plain JSON ({error})") from None
    if not isinstance(data, dict):
        raise ValueError(f"{name} must be a JSON object")
    return data


def validate(field: Field, value: Any, where: str = "") -> Any:
    """``field.validate(value, where)``: a clean copy, or ``SchemaError``."""
    return field.validate(value, where)
