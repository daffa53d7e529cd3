"""Typed schemas: values are checked for type (True is not an integer),
finiteness, range and size, unknown record fields are dropped, and a
failure names the dotted path of the bad value."""

import numpy as np
import pytest

from digitpad.storage.schema import (Boolean, Integer, Json, ListOf, Literal, MapOf, Nullable, Number,
                                     NumberRows, OneOf, Record, SchemaError, String, parse_object)


@pytest.mark.parametrize("field, good, bad", [
    (Integer(0, 10), [0, 10], [-1, 11, True, 1.0, "1", None, 2 ** 70]),
    (Number(0, 1), [0, 0.5, 1], [float("nan"), float("inf"), 1.5, True, "0.5", 10 ** 400]),
    (Number(0, 1, exclusive_maximum=True), [0.99], [1.0, 2 ** 64]),
    (Boolean(), [True, False], [0, 1, "true"]),
    (String(5, choices=["a", "b"]), ["a"], ["c", 1, "aaaaaa"]),
    (String(pattern=r"[0-9a-f]{4}"), ["beef"], ["BEEF", "bee", "beefs"]),
    (Literal(1), [1], [True, 1.0, "1"]),
    (Nullable(Integer()), [None, 3], ["x"]),
    (OneOf(Boolean(), Integer()), [True, 3], [1.5]),
    (ListOf(Integer(), max_length=2), [[], [1, 2]], [[1, 2, 3], (1,), "12"]),
    (MapOf(Number(), max_items=1), [{"a": 1}], [{"a": "x"}, {"a": 1, "b": 2}, [1]]),
])
def test_fields_accept_and_refuse(field, good, bad):
    for value in good:
        assert field.validate(value) == value
    for value in bad:
        with pytest.raises(SchemaError):
            field.validate(value)


def test_records_name_the_path_drop_unknown_fields_and_need_required_ones():
    schema = Record({"metrics": Record({"accuracy": Number(0, 1)}, extra=Number()),
                     "name": String()}, required=["name"])
    assert schema.validate({"name": "x", "surprise": [1], "metrics": {"accuracy": 1, "loss": 2}}) == {
        "name": "x", "metrics": {"accuracy": 1.0, "loss": 2.0}}
    with pytest.raises(SchemaError, match=r"^top.metrics.accuracy: expected a finite number from 0 to 1, got 2"):
        schema.validate({"name": "x", "metrics": {"accuracy": 2}}, "top")
    with pytest.raises(SchemaError, match="missing name"):
        schema.validate({})
    with pytest.raises(SchemaError, match="metrics.loss"):
        schema.validate({"name": "x", "metrics": {"loss": "high"}})


def test_number_rows_are_checked_without_a_python_loop_per_value():
    rows = NumberRows(3, [(-10, 10), (-10, 10), (0, 1)], max_rows=4)
    result = rows.validate([[1, 2, 0.5], [-3, 4.5, 1]])
    assert result.dtype == np.float32 and result.shape == (2, 3)
    for bad in ([[1, 2]], [[1, 2, 3]], [["1", 2, 1]], [[True, 2, 1]], [[1, 2, float("nan")]],
                [[1, [2], 1]], [[0, 0, 0]] * 5, "rows"):
        with pytest.raises(SchemaError):
            rows.validate(bad)


def test_json_bounds_depth_and_finiteness():
    field = Json(max_depth=3)
    assert field.validate({"a": [1, {"b": None}]}) == {"a": [1, {"b": None}]}
    with pytest.raises(SchemaError, match="nested more than 3 deep"):
        field.validate({"a": [[{"b": 1}]]})
    with pytest.raises(SchemaError, match="finite"):
        field.validate({"a": float("inf")})


@pytest.mark.parametrize("text, message", [
    (b"[1]", "must be a JSON object"),
    (b'{"a": NaN}', "not plain JSON"),
    (b'{"a": Infinity}', "not plain JSON"),
    (b'{"a":' * 50_000, "nested too deeply"),
    (b"\xff\xfe", "not valid UTF-8 JSON"),
    (b'{"a": 1', "not valid UTF-8 JSON"),
])
def test_parse_object_refuses_what_is_not_a_plain_object(text, message):
    with pytest.raises(ValueError, match=message):
        parse_object(text, "metadata.json")
