"""Settings changed while training, without training: the values in effect
at each step, how a learning-rate change scales the schedule, the record
in config.json (round trip, and every way a tampered or impossible change
is refused by name), and the control object's checks."""

import json
import math

import pytest

from digitpad.train import CHANGEABLE_SETTINGS, SettingChange, TrainConfig, TrainingControl, config_from_preset
from digitpad.train.changes import MAX_CHANGES, ChangedSchedule, settings_at
from digitpad.train.control import LiveSettings
from digitpad.train.run import build_schedule


def config_with(*changes, **settings):
    base = config_from_preset("default", **{"dropout": 0.2, "augment": True, "optimizer": "sgd",
                                            "epochs": 3, "train_subset": 3500, "validation_size": 500,
                                            "batch_size": 100, **settings})
    return base.replace(changes=tuple(SettingChange(*change) for change in changes))


def test_the_values_in_effect_follow_the_changes_step_by_step():
    config = config_with((5, "dropout", 0.5), (9, "augment", False), (9, "dropout", 0.1))
    assert settings_at(config, 4)["dropout"] == 0.2
    assert settings_at(config, 5)["dropout"] == 0.5       # from the update after 5 updates on
    assert settings_at(config, 9) == {**settings_at(config, 0), "dropout": 0.1, "augment": False}


def test_a_learning_rate_change_scales_the_schedule_from_its_step_on():
    config = config_from_preset("default", learning_rate=0.01, schedule="cosine", epochs=4)
    schedule = build_schedule(config, steps_per_epoch=25)
    changes = [SettingChange(30, "learning_rate", 0.002)]
    changed = ChangedSchedule(schedule, lambda: changes)
    assert [changed(step) for step in range(30)] == [schedule(step) for step in range(30)]
    assert changed(30) == pytest.approx(0.002)            # what was asked, at once
    for step in (31, 50, 99):                              # then the schedule's shape, scaled
        assert changed(step) == pytest.approx(schedule(step) * 0.002 / schedule(30))
    changes.append(SettingChange(60, "learning_rate", 0.05))
    assert changed(60) == pytest.approx(0.05) and changed(59) == pytest.approx(schedule(59) * 0.002 / schedule(30))


def test_changes_round_trip_through_config_json():
    config = config_with((5, "learning_rate", 0.01), (17, "momentum", 0.5), (17, "augment", False),
                         (30, "augment_strength", 0.25), (44, "weight_decay", 0.001), (60, "dropout", 0.0))
    config.validate()
    data = json.loads(json.dumps(config.to_dict()))
    assert data["changes"][1] == {"step": 17, "setting": "momentum", "value": 0.5}
    assert TrainConfig.from_dict(data) == config
    data["changes"][0]["value"] = 1                       # JSON writes 1.0 as 1
    assert TrainConfig.from_dict(data).changes[0].value == 1.0
    assert isinstance(TrainConfig.from_dict(data).changes[0].value, float)


@pytest.mark.parametrize("change, message", [
    ({"step": 3, "setting": "hidden_sizes", "value": 1}, "changes[0].setting: expected one of"),
    ({"step": -1, "setting": "dropout", "value": 0.1}, "changes[0].step"),
    ({"step": 3, "setting": "dropout"}, "changes[0]: missing value"),
    ({"step": 3, "setting": "dropout", "value": "0.1"}, "changes[0].value"),
    ({"step": 3, "setting": "dropout", "value": 1.0}, "changes[0]: dropout must be in"),
    ({"step": 3, "setting": "learning_rate", "value": 0}, "changes[0]: learning rate must be a positive"),
    ({"step": 3, "setting": "learning_rate", "value": True}, "changes[0]: learning rate must be a positive"),
    ({"step": 3, "setting": "augment", "value": 1}, "changes[0]: augment must be true or false"),
    ({"step": 3, "setting": "augment_strength", "value": 50}, "changes[0]: augmentation strength 50 is too strong"),
    ({"step": 3, "setting": "momentum", "value": 0.0}, "Nesterov momentum needs"),
    ({"step": 10**6, "setting": "dropout", "value": 0.1}, "after the run's last step, 104"),
])
def test_impossible_or_tampered_changes_are_refused_by_name(change, message):
    data = config_with(nesterov=True).to_dict()
    data["changes"] = [change]
    with pytest.raises(ValueError, match=message.replace("[", r"\[").replace("]", r"\]")):
        TrainConfig.from_dict(data)


def test_changes_must_be_in_order_few_and_possible_for_the_run():
    out_of_order = config_with((9, "dropout", 0.1), (5, "dropout", 0.3))
    with pytest.raises(ValueError, match=r"changes\[1\]: step 5 is before the change above it"):
        out_of_order.validate()
    with pytest.raises(ValueError, match="momentum is a setting of SGD; this run uses adam"):
        config_with((3, "momentum", 0.5), optimizer="adam").validate()
    with pytest.raises(ValueError, match="started without momentum"):
        config_with((3, "momentum", 0.5), momentum=0.0).validate()
    with pytest.raises(ValueError, match="built without dropout layers"):
        config_with((3, "dropout", 0.5), dropout=0.0).validate()
    with pytest.raises(ValueError, match=f"at most {MAX_CHANGES} changes"):
        config_with(*[(step, "dropout", 0.3) for step in range(MAX_CHANGES + 1)], epochs=100).validate()
    with pytest.raises(ValueError, match="changes must be a list of setting changes"):
        config_with().replace(changes=({"step": 1},)).validate()


def test_the_control_checks_a_change_before_queueing_it():
    control = TrainingControl()
    with pytest.raises(RuntimeError, match="no run is attached yet"):
        control.change("learning_rate", 0.01)
    LiveSettings(config_with(optimizer="adam", dropout=0.0), control)
    assert set(control.unavailable_settings()) == {"momentum", "dropout"}
    for setting, value, message in [("learning_rate", -1.0, "learning rate must be a positive"),
                                    ("momentum", 0.5, "setting of SGD"),
                                    ("dropout", 0.5, "without dropout layers"),
                                    ("augment_strength", 40.0, "too strong"),
                                    ("batch_size", 64, "cannot change while training")]:
        with pytest.raises(ValueError, match=message):
            control.change(setting, value)
    control.change("learning_rate", 3)
    control.change("augment", False)
    assert control.take_changes() == [("learning_rate", 3.0), ("augment", False)]
    assert control.take_changes() == []


@pytest.mark.parametrize("delay", [-1, math.nan, math.inf, 61, "1", True])
def test_slow_motion_takes_a_sensible_delay(delay):
    with pytest.raises(ValueError, match="delay must be from 0 to 60 seconds"):
        TrainingControl().set_delay(delay)


def test_every_changeable_setting_is_a_setting_of_the_config():
    assert set(CHANGEABLE_SETTINGS) <= set(TrainConfig().to_dict())
