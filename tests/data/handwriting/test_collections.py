"""Stroke collections: the shipped example reads and validates; hostile
files — bad JSON, missing or wrong fields, non-finite numbers, too many
points, huge lines, too many digits — stop with an error naming the file,
the line and the problem; writing and reading back keeps every digit."""

import json
from pathlib import Path

import numpy as np
import pytest

from digitpad.data.handwriting import collections
from digitpad.data.handwriting.collections import CollectionError, WrittenDigit, read_collection, write_collection

EXAMPLE = Path(__file__).resolve().parents[3] / "assets" / "examples" / "writers.jsonl"
GOOD = json.dumps({"label": 1, "writer": "w", "strokes": [[[0, 0], [0, 10]]]})


def test_the_example_file_reads_and_validates():
    assert EXAMPLE.stat().st_size < 300_000
    digits = read_collection(EXAMPLE)
    writers = {digit.writer for digit in digits}
    assert len(writers) == 6 and len(digits) == 300
    assert {digit.label for digit in digits} == set(range(10))
    assert all(digit.style for digit in digits)
    assert {"continental 1", "continental 7", "open 4", "slashed 0", "angular", "small"} <= \
        {digit.style for digit in digits}
    assert [digit.line for digit in digits[:3]] == [1, 2, 3]
    assert all(stroke.shape[1] == 3 and np.isfinite(stroke).all() for digit in digits for stroke in digit.strokes)


def test_points_may_carry_pressure_and_optional_fields_are_read(tmp_path):
    path = tmp_path / "c.jsonl"
    path.write_text(json.dumps({"label": 7, "writer": "x", "style": "crossed 7", "pen_width": 2.5,
                                "unknown": {"ignored": True},
                                "strokes": [[[0, 0, 0.5], [7, 0, 1]], [[7, 0], [3, 10]]]}) + "\n\n")
    (digit,) = read_collection(path)
    assert digit.label == 7 and digit.style == "crossed 7" and digit.pen_width == 2.5
    assert digit.strokes[0][:, 2].tolist() == [0.5, 1.0] and digit.strokes[1][:, 2].tolist() == [1.0, 1.0]
    assert digit.extent() == (0.0, 0.0, 7.0, 10.0)


def test_writing_and_reading_back_keeps_every_digit(tmp_path):
    digits = [WrittenDigit(3, "a", (np.array([[0, 0, 1], [5.5, 2.25, 0.5]], np.float32),), "curly", 1.5),
              WrittenDigit(4, "b", (np.array([[1, 1, 1], [1, 9, 1]], np.float32),))]
    write_collection(tmp_path / "c.jsonl", digits)
    back = read_collection(tmp_path / "c.jsonl")
    for before, after in zip(digits, back):
        assert (before.label, before.writer, before.style, before.pen_width) == \
            (after.label, after.writer, after.style, after.pen_width)
        assert np.array_equal(before.strokes[0], after.strokes[0])


HOSTILE_LINES = {
    "bad JSON": ('{"label": 1, "writer": "w",', "not valid JSON"),
    "not an object": ("[1, 2, 3]", "expected a JSON object"),
    "missing label": ('{"writer": "w", "strokes": [[[0, 0], [0, 9]]]}', "missing label"),
    "label 11": ('{"label": 11, "writer": "w", "strokes": [[[0, 0], [0, 9]]]}', "label: expected an integer"),
    "label as text": ('{"label": "1", "writer": "w", "strokes": [[[0, 0], [0, 9]]]}', "label"),
    "label true": ('{"label": true, "writer": "w", "strokes": [[[0, 0], [0, 9]]]}', "label"),
    "writer a number": ('{"label": 1, "writer": 5, "strokes": [[[0, 0], [0, 9]]]}', "writer"),
    "empty writer": ('{"label": 1, "writer": "", "strokes": [[[0, 0], [0, 9]]]}', "writer"),
    "strokes as text": ('{"label": 1, "writer": "w", "strokes": "abc"}', "strokes"),
    "no strokes": ('{"label": 1, "writer": "w", "strokes": []}', "strokes"),
    "empty stroke": ('{"label": 1, "writer": "w", "strokes": [[]]}', "strokes[0]"),
    "point as text": ('{"label": 1, "writer": "w", "strokes": [[[0, "a"], [0, 9]]]}', "strokes[0]"),
    "ragged point": ('{"label": 1, "writer": "w", "strokes": [[[0], [0, 9]]]}', "strokes[0]"),
    "NaN coordinate": ('{"label": 1, "writer": "w", "strokes": [[[0, NaN], [0, 9]]]}', "NaN"),
    "infinite coordinate": ('{"label": 1, "writer": "w", "strokes": [[[0, 1e999], [0, 9]]]}', "strokes[0]"),
    "pressure above 1": ('{"label": 1, "writer": "w", "strokes": [[[0, 0, 2], [0, 9, 1]]]}', "strokes[0]"),
    "negative pen": ('{"label": 1, "writer": "w", "pen_width": -1, "strokes": [[[0, 0], [0, 9]]]}', "pen_width"),
    "a dot": ('{"label": 1, "writer": "w", "strokes": [[[3, 3], [3, 3]]]}', "a dot, not a digit"),
    "too many strokes": (json.dumps({"label": 1, "writer": "w", "strokes": [[[0, 0], [0, 9]]] * 65}), "strokes"),
    "too many points": (json.dumps({"label": 1, "writer": "w",
                                    "strokes": [[[0, i % 10] for i in range(3000)]] * 2}),
                        "more than 4096 points"),
}


@pytest.mark.parametrize("line, problem", HOSTILE_LINES.values(), ids=HOSTILE_LINES.keys())
def test_a_bad_line_stops_with_the_file_line_and_problem(tmp_path, line, problem):
    path = tmp_path / "hostile.jsonl"
    path.write_text(GOOD + "\n" + line + "\n" + GOOD + "\n")
    with pytest.raises(CollectionError) as caught:
        read_collection(path)
    message = str(caught.value)
    assert message.startswith(f"{path} line 2: ") and problem in message
    assert len(message) < 400


def test_a_million_points_or_a_huge_line_is_refused_by_its_length(tmp_path):
    path = tmp_path / "huge.jsonl"
    path.write_text(GOOD + "\n" + '{"label": 1, "writer": "w", "strokes": [[' + "[1,2]," * 10**6 + "[1,2]]]}\n")
    with pytest.raises(CollectionError, match=r"line 2: longer than 1\.0 MB"):
        read_collection(path)
    path.write_bytes(GOOD.encode() + b"\n" + b" " * (2 << 20))
    with pytest.raises(CollectionError, match="line 2: longer than"):
        read_collection(path)


def test_file_level_problems_name_the_file(tmp_path, monkeypatch):
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n\n")
    with pytest.raises(CollectionError, match="empty.jsonl: holds no digits"):
        read_collection(empty)
    with pytest.raises(CollectionError, match="missing.jsonl: no such file"):
        read_collection(tmp_path / "missing.jsonl")
    with pytest.raises(CollectionError, match="is a folder"):
        read_collection(tmp_path)
    binary = tmp_path / "binary.jsonl"
    binary.write_bytes(b"\xff\xfe\x00\n")
    with pytest.raises(CollectionError, match="line 1: not UTF-8"):
        read_collection(binary)
    many = tmp_path / "many.jsonl"
    many.write_text((GOOD + "\n") * 3)
    monkeypatch.setattr(collections, "MAX_DIGITS", 2)
    with pytest.raises(CollectionError, match="line 3: more than 2 digits"):
        read_collection(many)
    monkeypatch.setattr(collections, "MAX_FILE_BYTES", 100)
    with pytest.raises(CollectionError, match="many.jsonl: is too large"):
        read_collection(many)
