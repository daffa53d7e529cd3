"""Retraining from the app: presets fill the generated settings form, a
tiny run on an MNIST subset completes on a worker thread while the window
stays responsive, fills the live curves and offers the new model; a
cancelled run stops within a batch and leaves the model in use untouched;
closing the dialog while training asks first and stops only when told."""

import numpy as np
import pytest

from digitpad.gui.training.retrain_dialog import RetrainDialog
from digitpad.train import config_from_preset, load_training_data


@pytest.fixture(scope="module")
def tiny_data(mnist_dir):
    config = config_from_preset("tiny", train_subset=2500, validation_size=500)
    return load_training_data(config, mnist_dir, download=False, environ={})


@pytest.fixture
def dialog(qtbot, window, settings, paths, tiny_data):
    retrain = RetrainDialog(settings, paths, window, data=tiny_data)
    retrain.useModel.connect(window.openCheckpoint)    # as RetrainController.show does
    qtbot.addWidget(retrain)
    retrain.presetCombo.setCurrentText("tiny")
    retrain.settingsForm.setValues(train_subset=2500, validation_size=500, epochs=3, learning_rate=0.005)
    retrain.show()
    return retrain


def test_presets_fill_the_form_and_the_form_builds_a_valid_config(dialog):
    dialog.presetCombo.setCurrentText("fast")
    config = dialog.config()
    assert config == config_from_preset("fast")
    dialog.settingsForm.editor("hidden_sizes").setText("300, 100")
    dialog.settingsForm.setValues(learning_rate=0.01)
    config = dialog.config()
    assert config.hidden_sizes == (300, 100) and config.learning_rate == 0.01
    dialog.presetCombo.setCurrentText("bundled")
    assert dialog.config() == config_from_preset("bundled")     # every setting, redraw and styles too
    dialog.settingsForm.editor("hidden_sizes").setText("three hundred")
    with pytest.raises(ValueError, match="whole numbers"):
        dialog.config()


def test_a_tiny_retrain_completes_and_offers_the_new_model(dialog, window, paths, qtbot):
    model_before = window.model()
    dialog.startTraining()
    assert dialog.isRunning() and not dialog.startButton.isEnabled()
    # The GUI thread is free while training: the canvas still takes strokes.
    from digitpad.gui.common.synthetic_input import write_digit
    write_digit(window.canvas, 1)
    assert window.recognition().digit == 1
    with qtbot.waitSignal(dialog.trainingFinished, timeout=60000) as finished:
        pass
    result = finished.args[0]
    qtbot.waitUntil(lambda: not dialog.isRunning(), timeout=5000)
    assert result.test_accuracy > 0.8
    assert result.best_path.exists() and paths.runs_dir in result.best_path.parents
    assert window.model() is model_before                      # untouched until the user chooses
    xs, ys = dialog.curves.points("loss", "smoothed")
    assert len(xs) >= 2 and all(np.isfinite(ys))
    assert dialog.curves.points("accuracy", "val")[0] == [1, 2, 3]
    assert "Test accuracy" in dialog.resultLabel.text()
    assert dialog.progressBar.value() == 1000
    assert dialog.useButton.isEnabled()
    dialog.useButton.click()
    assert window.modelPath() == result.best_path
    assert window.model() is not model_before


def test_cancel_stops_within_a_batch_and_keeps_the_model(dialog, window, paths, qtbot):
    model_before = window.model()
    weights_before = model_before.state_dict()
    dialog.settingsForm.setValues(epochs=50)
    batches = []
    dialog.trainingProgress.connect(batches.append)
    dialog.startTraining()
    qtbot.waitUntil(lambda: bool(batches), timeout=30000)
    dialog.cancelTraining()
    qtbot.waitUntil(lambda: not dialog.isRunning(), timeout=10000)
    assert "Cancelled" in dialog.statusLabel.text()
    assert dialog.result() is None and not dialog.useButton.isEnabled()
    assert window.model() is model_before
    for name, value in window.model().state_dict().items():
        np.testing.assert_array_equal(value, weights_before[name])
    # Stopped long before 50 epochs, and the cancelled run left nothing behind.
    assert batches[-1]["epoch"] < 50
    assert not paths.runs_dir.exists() or not any(paths.runs_dir.iterdir())


def test_bad_settings_are_explained_not_run(dialog, warnings):
    hidden_sizes = dialog.settingsForm.editor("hidden_sizes")
    hidden_sizes.setText("")
    dialog.startTraining()
    assert not dialog.isRunning()
    assert "hidden sizes" in warnings[0][1]
    hidden_sizes.setText("64")
    dialog.folderData.setChecked(True)
    dialog.dataFolder.setText("/no/such/folder")
    dialog.startTraining()
    assert not dialog.isRunning() and "/no/such/folder" in warnings[1][1]


def test_an_empty_chosen_folder_ends_in_an_error_naming_it(qtbot, window, settings, paths, tmp_path,
                                                         monkeypatch, mnist_dir, warnings):
    shown = warnings
    # Real MNIST where digitpad looks when no folder is chosen: a chosen
    # folder must never silently fall back to it.
    monkeypatch.setenv("DIGITPAD_MNIST_DIR", str(mnist_dir))
    retrain = RetrainDialog(settings, paths, window)        # no preloaded data: MNIST is read
    qtbot.addWidget(retrain)
    retrain.presetCombo.setCurrentText("tiny")
    chosen = tmp_path / "my MNIST folder"
    chosen.mkdir()
    retrain.folderData.setChecked(True)
    retrain.dataFolder.setText(str(chosen))
    retrain.show()
    retrain.startTraining()
    assert retrain.isRunning()
    qtbot.waitUntil(lambda: not retrain.isRunning(), timeout=30000)
    assert [title for title, _text in shown] == ["Training failed"]
    message = shown[0][1]
    assert str(chosen) in message and "train-images-idx3-ubyte.gz" in message
    assert "The model in use is unchanged" in message
    assert retrain.statusLabel.text() == "Training failed." and retrain.result() is None
    # Nothing was downloaded into the folder, and no half-made run was left.
    assert list(chosen.iterdir()) == []
    assert not paths.runs_dir.exists() or not any(paths.runs_dir.iterdir())


def test_closing_while_training_asks_and_stops_only_when_told(dialog, warnings, qtbot):
    from PySide6.QtWidgets import QMessageBox

    dialog.settingsForm.setValues(epochs=50)
    batches = []
    dialog.trainingProgress.connect(batches.append)
    dialog.startTraining()
    qtbot.waitUntil(lambda: bool(batches), timeout=30000)
    assert not dialog.settingsForm.isEditable() and not dialog.presetCombo.isEnabled()
    warnings.answer = QMessageBox.StandardButton.No
    dialog.close()
    assert dialog.isVisible() and dialog.isRunning()
    warnings.answer = QMessageBox.StandardButton.Yes
    dialog.close()
    assert [title for title, _text in warnings] == ["Training is running"] * 2
    assert not dialog.isVisible() and not dialog.isRunning()
    assert dialog.settingsForm.isEditable() and dialog.startButton.isEnabled()
