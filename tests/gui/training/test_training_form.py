"""The Retrain form is generated from the settings description: one editor
per hyperparameter, of the right kind, over the described range or the
registry's choices, in its group's box, with a tooltip and a "What's This?"
explanation; it shows any valid config and builds the same config back."""

import pytest
from PySide6.QtWidgets import QCheckBox, QComboBox, QDoubleSpinBox, QLineEdit, QSpinBox

from digitpad.gui.training.training_form import TrainingForm
from digitpad.nn.activations import ACTIVATIONS
from digitpad.nn.optimizers import OPTIMIZERS
from digitpad.train.config import HYPERPARAMETERS, PRESETS, TrainConfig, config_from_preset
from digitpad.train.settings import GROUPS, SCHEDULES

KINDS = {tuple: QLineEdit, bool: QCheckBox, int: QSpinBox, float: QDoubleSpinBox}


@pytest.fixture
def form(qtbot):
    widget = TrainingForm()
    qtbot.addWidget(widget)
    return widget


def test_one_editor_per_setting_of_the_right_kind_with_help(form):
    for item in HYPERPARAMETERS:
        editor = form.editor(item.name)
        assert isinstance(editor, QComboBox if item.choices else KINDS[item.kind]), item.name
        assert item.label in editor.toolTip() and item.label in editor.whatsThis()
        assert item.explanation[:30] in editor.whatsThis()
        assert item.option in editor.whatsThis()
    assert form.editor("learning_rate").objectName() == "learningRate"
    with pytest.raises(ValueError, match="no editor"):
        form.editor("preset")


def test_ranges_and_choices_come_from_the_description(form):
    def items(name):
        combo = form.editor(name)
        return [combo.itemText(index) for index in range(combo.count())]

    assert items("activation") == list(ACTIVATIONS)
    assert items("optimizer") == list(OPTIMIZERS)
    assert items("schedule") == list(SCHEDULES)
    epochs = form.editor("epochs")
    assert (epochs.minimum(), epochs.maximum()) == (1, 10_000)
    dropout = form.editor("dropout")                        # [0, 1): 1 itself is excluded
    assert dropout.minimum() == 0 and dropout.maximum() == pytest.approx(0.99)
    assert form.editor("learning_rate").minimum() > 0        # must be positive
    assert form.editor("train_subset").specialValueText() == "all"


def test_settings_are_grouped_as_described(form):
    tabs = form.tabs
    titles = [tabs.tabText(index) for index in range(tabs.count())]
    assert titles == [group[0].upper() + group[1:] for group in GROUPS]
    augmentation = tabs.widget(titles.index("Augmentation"))
    assert augmentation.isAncestorOf(form.editor("augment_styles"))


@pytest.mark.parametrize("preset", list(PRESETS))
def test_every_preset_round_trips_through_the_form(form, preset):
    config = config_from_preset(preset)
    form.setConfig(config)
    assert form.config() == config


def test_values_beyond_the_suggested_maximum_are_kept(form):
    config = TrainConfig(learning_rate=2.5, weight_decay=3.0, optimizer="sgd", momentum=0.5, nesterov=True,
                         schedule="step", step_epochs=4, gamma=0.5, patience=3, seed=12345)
    form.setConfig(config)
    assert form.config() == config


def test_what_the_user_sets_is_validated(form):
    form.setValues(patience=3, validation_size=0)
    with pytest.raises(ValueError, match="patience"):
        form.config()
    form.setValues(patience=0, hidden_sizes=(300, 100), warmup_epochs=20.0, epochs=10)
    with pytest.raises(ValueError, match="warm-up epochs must be fewer than the epochs"):
        form.config()
    form.setValues(warmup_epochs=0.0)
    assert form.config().hidden_sizes == (300, 100)
    form.editor("hidden_sizes").setText("300; 100")
    with pytest.raises(ValueError, match="hidden layers must be whole numbers"):
        form.config()
