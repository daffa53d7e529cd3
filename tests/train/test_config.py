"""``TrainConfig`` validation: every float setting must be finite, every
integer within its bounds, the network within ``digitpad.nn``'s limits and
the validation split possible — checked over all fields, so a setting added
later is covered too — and ``from_dict`` (a run's ``config.json``) refuses
the same, including JSON's NaN and Infinity."""

import dataclasses
import json
import math

import pytest

from digitpad.nn import MAX_HIDDEN_LAYERS, MAX_LAYER_SIZE, MAX_PARAMETERS
from digitpad.train.config import INTEGER_LIMITS, PRESETS, TrainConfig, config_from_preset

FIELDS = dataclasses.fields(TrainConfig)
FLOAT_FIELDS = [item.name for item in FIELDS if type(item.default) is float]
INT_FIELDS = [item.name for item in FIELDS if type(item.default) is int]


def test_every_preset_is_valid():
    for preset in PRESETS:
        config_from_preset(preset).validate()


def test_every_integer_setting_has_bounds():
    assert sorted(INT_FIELDS) == sorted(INTEGER_LIMITS)


@pytest.mark.parametrize("name", FLOAT_FIELDS)
@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf, 10**400, "0.5", None, True])
def test_every_float_setting_must_be_a_finite_number(name, value):
    with pytest.raises(ValueError, match=name.replace("_", " ") + " must be a finite number"):
        TrainConfig(**{name: value}).validate()


@pytest.mark.parametrize("name", INT_FIELDS)
def test_every_integer_setting_is_bounded(name):
    low, high = INTEGER_LIMITS[name]
    for value in (low - 1, high + 1, 2**200, 1.0, "3", True, None):
        with pytest.raises(ValueError, match=name.replace("_", " ") + " must be a whole number"):
            TrainConfig(**{name: value}).validate()


def test_layer_sizes_follow_the_network_limits():
    with pytest.raises(ValueError, match=f"at most {MAX_HIDDEN_LAYERS} hidden layers"):
        TrainConfig(hidden_sizes=(8,) * (MAX_HIDDEN_LAYERS + 1)).validate()
    with pytest.raises(ValueError, match=f"at most {MAX_LAYER_SIZE:,} units"):
        TrainConfig(hidden_sizes=(MAX_LAYER_SIZE + 1,)).validate()
    with pytest.raises(ValueError, match=f"at most {MAX_PARAMETERS:,} parameters"):
        TrainConfig(hidden_sizes=(MAX_LAYER_SIZE,) * 4).validate()
    with pytest.raises(ValueError, match="hidden sizes must be a list of whole numbers"):
        TrainConfig(hidden_sizes=(64.5,)).validate()
    with pytest.raises(ValueError, match="hidden sizes must be one or more"):
        TrainConfig(hidden_sizes=()).validate()
    TrainConfig(hidden_sizes=(8,) * MAX_HIDDEN_LAYERS).validate()


@pytest.mark.parametrize("changes", [
    {"validation_size": 60000},
    {"validation_size": 59995},
    {"validation_size": 5},
    {"train_subset": 1000, "validation_size": 1000},
    {"train_subset": 1000, "validation_size": 995},
])
def test_the_validation_split_must_be_possible(changes):
    with pytest.raises(ValueError, match="validation size must be 0 \\(none\\) or from 10 to"):
        TrainConfig(**changes).validate()


def test_from_dict_round_trips_and_refuses_what_validate_refuses():
    config = config_from_preset("bundled")
    assert TrainConfig.from_dict(json.loads(json.dumps(config.to_dict()))) == config
    # Whole numbers in float settings come back as floats.
    restored = TrainConfig.from_dict({"learning_rate": 1, "dropout": 0})
    assert type(restored.learning_rate) is float and type(restored.dropout) is float
    for text in ('{"dropout": NaN}', '{"warmup_epochs": Infinity}', '{"seed": -1}',
                 '{"hidden_sizes": [64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64]}',
                 '{"learning_rate": 1e999}', '{"gamma": ' + "9" * 400 + '}', '{"epochs": "ten"}',
                 '{"hidden_sizes": "64"}', '{"nesterov": 1}', '{"activation": 3}', '{"colour": "red"}'):
        with pytest.raises(ValueError):
            TrainConfig.from_dict(json.loads(text))
    for not_an_object in ([], "config", 3, None):
        with pytest.raises(ValueError, match="JSON object"):
            TrainConfig.from_dict(not_an_object)
