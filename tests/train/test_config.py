"""``TrainConfig`` validation: every float setting must be finite and within
its described range, every integer within its bounds, the network within
``digitpad.nn``'s limits and the validation split possible — checked from
the description of every setting, so a setting added later is covered too —
and ``from_dict`` (a run's ``config.json``) refuses the same, including
JSON's NaN and Infinity. The description itself is complete: every field
has a label, a group, help, an explanation and its choices from the
registries."""

import dataclasses
import json
import math

import pytest

from digitpad.nn import MAX_HIDDEN_LAYERS, MAX_LAYER_SIZE, MAX_PARAMETERS
from digitpad.nn.activations import ACTIVATIONS
from digitpad.nn.optimizers import OPTIMIZERS
from digitpad.train.config import (HYPERPARAMETERS, PRESETS, SETTINGS, TrainConfig, config_from_preset,
                                   setting_named)
from digitpad.train.settings import GROUPS, SCHEDULES, format_value

FLOAT_FIELDS = [item.name for item in SETTINGS if item.kind is float]
INT_FIELDS = [item.name for item in SETTINGS if item.kind is int]


def test_every_preset_is_valid_and_sets_only_described_settings():
    for name, preset in PRESETS.items():
        config_from_preset(name).validate()
        assert preset.summary
        assert set(preset.settings) <= {item.name for item in HYPERPARAMETERS}


def test_the_description_covers_every_field_in_order():
    # Every field but the record of changes made while training is a setting.
    assert [item.name for item in SETTINGS] == [item.name for item in dataclasses.fields(TrainConfig)
                                                if item.name != "changes"]
    defaults = TrainConfig()
    for item in SETTINGS:
        assert getattr(defaults, item.name) == item.default
        assert item.label and item.help
    for item in HYPERPARAMETERS:
        assert item.group in GROUPS and len(item.explanation) > 40, item.name
    # Groups are contiguous, in GROUPS' order, so every listing reads the same.
    groups = [item.group for item in HYPERPARAMETERS]
    assert sorted(groups, key=GROUPS.index) == groups
    assert [item.name for item in SETTINGS if not item.editable] == ["preset"]


def test_choices_come_from_the_registries():
    assert set(setting_named("activation").choices) == set(ACTIVATIONS)
    assert set(setting_named("optimizer").choices) == set(OPTIMIZERS)
    assert setting_named("schedule").choices == SCHEDULES
    with pytest.raises(ValueError, match="activation must be one of relu, leaky_relu"):
        TrainConfig(activation="swish").validate()


def test_every_integer_setting_has_bounds():
    for name in INT_FIELDS:
        item = setting_named(name)
        assert item.range.low is not None and item.range.high is not None


def test_values_read_as_people_write_them():
    assert format_value(setting_named("hidden_sizes"), [1024, 1024]) == "1024, 1024"
    assert format_value(setting_named("augment"), True) == "on"
    assert format_value(setting_named("learning_rate"), 0.001) == "0.001"
    assert format_value(setting_named("train_subset"), 0) == "0 (all)"


@pytest.mark.parametrize("name", FLOAT_FIELDS)
@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf, 10**400, "0.5", None, True])
def test_every_float_setting_must_be_a_finite_number(name, value):
    with pytest.raises(ValueError, match=name.replace("_", " ") + " must be a finite number"):
        TrainConfig(**{name: value}).validate()


@pytest.mark.parametrize("name", INT_FIELDS)
def test_every_integer_setting_is_bounded(name):
    low, high = setting_named(name).range.low, setting_named(name).range.high
    for value in (low - 1, high + 1, 2**200, 1.0, "3", True, None):
        with pytest.raises(ValueError, match=name.replace("_", " ") + " must be a whole number"):
            TrainConfig(**{name: value}).validate()


@pytest.mark.parametrize("name, value, message", [
    ("dropout", 1.0, "dropout must be in [0, 1)"),
    ("learning_rate", 0.0, "learning rate must be positive"),
    ("weight_decay", -0.1, "weight decay must be non-negative"),
    ("gamma", 0.0, "gamma must be in (0, 1]"),
    ("augment_redraw", 1.5, "augment redraw must be in [0, 1]"),
])
def test_every_float_setting_stays_within_its_range(name, value, message):
    with pytest.raises(ValueError) as error:
        TrainConfig(**{name: value}).validate()
    assert message in str(error.value)


@pytest.mark.parametrize("changes, message", [
    ({"warmup_epochs": 10.0}, "warm-up epochs must be fewer than the epochs"),
    ({"min_learning_rate": 0.01}, "minimum learning rate must be between 0 and the learning rate"),
    ({"nesterov": True}, "Nesterov momentum needs --optimizer sgd"),
    ({"optimizer": "sgd", "momentum": 0.0, "nesterov": True}, "Nesterov momentum needs"),
    ({"patience": 3, "validation_size": 0}, "early stopping (patience) needs a validation set"),
    ({"augment": True, "augment_strength": 1e300}, "augmentation strength 1e+300 is too strong"),
])
def test_rules_relating_settings(changes, message):
    with pytest.raises(ValueError) as error:
        TrainConfig(**changes).validate()
    assert message in str(error.value)


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
