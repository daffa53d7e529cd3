"""Stroke collections: other people's handwritten digits, for measuring how
digitpad reads writers it has never seen (``scripts/evaluate.py --strokes``).
The format, documented here once (the README shows an example): a UTF-8
JSON-lines file, one digit per line, ``{"label": 0-9, "writer": "<id>",
"strokes": [[[x, y], ...], ...]}`` with optional ``"style"`` (a name to
report accuracy by, such as "slashed 0") and ``"pen_width"`` (the pen the
writer used, in the units of the points, replayed only when asked for). A
stroke is one pen-down-to-pen-up trace; a point is ``[x, y]`` or ``[x, y,
pressure]`` with pressure in [0, 1] (1 when left out, as for a mouse). The
coordinates may be in any units (digitiser counts, millimetres, pixels) with
x to the right and y downwards; position and scale are free, because each
digit is scaled uniformly into the canvas when it is replayed, as if written
there at a chosen size. Blank lines are ignored and unknown fields dropped.
Files are hostile: they are read line by line under caps (file size, line
length, number of digits, strokes per digit, points per digit), every field
is checked with the storage schemas, and numbers must be finite. The first
bad line stops the reading with ``CollectionError`` naming the file, the
line number and the problem; nothing is skipped silently.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from digitpad.storage.reading import UnreadableFile, describe_size, open_regular_file
from digitpad.storage.schema import Integer, ListOf, Number, NumberRows, OneOf, Record, SchemaError, String

MAX_FILE_BYTES = 256 << 20
MAX_LINE_BYTES = 1 << 20
MAX_DIGITS = 200_000
MAX_STROKES = 64
MAX_POINTS = 4096                        # all strokes of one digit together
COORDINATE_LIMIT = 1e7
MAX_NAME = 200

_XY = [(-COORDINATE_LIMIT, COORDINATE_LIMIT)] * 2
POINTS = OneOf(NumberRows(2, _XY, min_rows=1, max_rows=MAX_POINTS),
               NumberRows(3, _XY + [(0.0, 1.0)], min_rows=1, max_rows=MAX_POINTS))
LINE = Record({
    "label": Integer(0, 9),
    "writer": String(MAX_NAME, min_length=1),
    "strokes": ListOf(POINTS, min_length=1, max_length=MAX_STROKES),
    "style": String(MAX_NAME, min_length=1),
    "pen_width": Number(0.0, COORDINATE_LIMIT),
}, required=("label", "writer", "strokes"))


class CollectionError(Exception):
    """A stroke collection cannot be used; the message names the file (and the line)."""


@dataclass(frozen=True)
class WrittenDigit:
    """One digit of a collection; ``strokes`` are ``(n, 3)`` float32 arrays of
    ``x, y, pressure`` in the file's own units."""

    label: int
    writer: str
    strokes: tuple[np.ndarray, ...]
    style: str | None = None
    pen_width: float | None = None
    line: int = 0

    def extent(self) -> tuple[float, float, float, float]:
        """``(left, top, width, height)`` of the points."""
        points = np.concatenate(self.strokes)
        low, high = points[:, :2].min(axis=0), points[:, :2].max(axis=0)
        return float(low[0]), float(low[1]), float(high[0] - low[0]), float(high[1] - low[1])

    def to_json(self) -> dict:
        """The line that writes this digit (points rounded to 0.01)."""
        strokes = []
        for stroke in self.strokes:
            # Pressure is written only for strokes that have any below 1.
            columns = 2 if (stroke[:, 2] == 1.0).all() else 3
            rounded = stroke[:, :columns].astype(np.float64)
            rounded[:, :2] = rounded[:, :2].round(2)
            rounded[:, 2:] = rounded[:, 2:].round(3)
            strokes.append(rounded.tolist())
        entry = {"label": self.label, "writer": self.writer, "strokes": strokes}
        if self.style is not None:
            entry["style"] = self.style
        if self.pen_width is not None:
            entry["pen_width"] = self.pen_width
        return entry


def parse_line(text: str) -> WrittenDigit:
    """One digit from one line of a collection; ``ValueError`` saying what is wrong."""
    def refuse_constant(constant: str):
        raise ValueError(f"{constant} is not a number JSON allows")

    try:
        value = json.loads(text, parse_constant=refuse_constant)
    except json.JSONDecodeError as error:
        raise ValueError(f"not valid JSON ({error.msg} at column {error.colno})") from None
    except RecursionError:
        raise ValueError("nested too deeply") from None
    if not isinstance(value, dict):
        raise ValueError("expected a JSON object")
    entry = LINE.validate(value)
    points = []
    for rows in entry["strokes"]:
        if rows.shape[1] == 2:
            rows = np.hstack([rows, np.ones((len(rows), 1), np.float32)])
        points.append(rows)
    if sum(len(rows) for rows in points) > MAX_POINTS:
        raise SchemaError("strokes", f"more than {MAX_POINTS} points in one digit")
    digit = WrittenDigit(entry["label"], entry["writer"], tuple(points), entry.get("style"),
                         entry.get("pen_width"))
    _, _, width, height = digit.extent()
    if max(width, height) <= 0:
        raise SchemaError("strokes", "every point is in the same place: a dot, not a digit")
    return digit


def read_collection(path: str | Path) -> list[WrittenDigit]:
    """Every digit of the collection at ``path``, in file order."""
    path = Path(path)
    try:
        stream = open_regular_file(path, MAX_FILE_BYTES)
    except UnreadableFile as problem:
        raise CollectionError(f"{path}: {problem}") from None
    digits: list[WrittenDigit] = []
    with stream:
        number = 0
        while True:
            try:
                raw = stream.readline(MAX_LINE_BYTES + 1)
            except OSError as error:
                raise CollectionError(f"{path}: cannot be read ({error.strerror or error})") from None
            if not raw:
                break
            number += 1
            if len(raw) > MAX_LINE_BYTES:
                raise CollectionError(f"{path} line {number}: longer than {describe_size(MAX_LINE_BYTES)}")
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                raise CollectionError(f"{path} line {number}: not UTF-8 text") from None
            if not text.strip():
                continue
            if len(digits) == MAX_DIGITS:
                raise CollectionError(f"{path} line {number}: more than {MAX_DIGITS:,} digits in one file")
            try:
                digit = parse_line(text)
            except ValueError as problem:          # SchemaError is a ValueError
                raise CollectionError(f"{path} line {number}: {problem}") from None
            digits.append(WrittenDigit(digit.label, digit.writer, digit.strokes, digit.style,
                                       digit.pen_width, number))
    if not digits:
        raise CollectionError(f"{path}: holds no digits")
    return digits


def write_collection(path: str | Path, digits: list[WrittenDigit]) -> None:
    """Write ``digits`` in the collection format (used to make the example file)."""
    lines = [json.dumps(digit.to_json(), separators=(",", ":")) for digit in digits]
    Path(path).write_text("\n".join(lines) + "\n", encoding="utf-8")
