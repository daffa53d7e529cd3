"""The Retrain dialog as a training lab, with real training on the training
thread: a run started paused goes one batch, then one epoch, at a time and
the weights shown (copies) change with each step; "Learn it from scratch"
starts the 784-16-16-10 network paused; settings changed while it trains
(paused or running) reach the run, its config.json, metrics.csv and the
charts, and a value it cannot take is refused inline; slow motion reaches
the run's control; Cancel, Close and the app closing work while paused, at
once; findings are shown once each, under their plain names, and Apply
changes the running run or the next run's settings; a diverged run shows
its findings rather than an error box; every control explains itself, and
the lab fits a 1280x720 screen."""

import csv
import json
import time

import numpy as np
import pytest
from PySide6.QtWidgets import (QAbstractButton, QAbstractItemView, QAbstractSpinBox, QComboBox,
                               QLineEdit, QSlider, QWidget)

from digitpad.gui.training.retrain_dialog import RetrainDialog
from digitpad.train import config_from_preset, load_training_data
from digitpad.train.diagnosis import FINDING_NAMES, Finding

BATCHES = 16        # 2000 training digits in batches of 128


@pytest.fixture(scope="module")
def tiny_data(mnist_dir):
    config = config_from_preset("tiny", train_subset=2500, validation_size=500)
    return load_training_data(config, mnist_dir, download=False, environ={})


@pytest.fixture
def lab(qtbot, window, settings, paths, tiny_data):
    # Without a parent, and stopped before it is closed: a test that fails
    # mid-run leaves no training thread and no question behind.
    dialog = RetrainDialog(settings, paths, data=tiny_data)
    qtbot.addWidget(dialog, before_close_func=lambda widget: widget.stopAndWait())
    dialog.presetCombo.setCurrentText("tiny")
    dialog.settingsForm.setValues(train_subset=2500, validation_size=500, epochs=3, learning_rate=0.005,
                                  schedule="constant")
    dialog.resize(1280, 720)
    dialog.show()
    return dialog


def wait_paused(lab, qtbot, words: str = "", timeout: int = 30000) -> None:
    controls = lab.runControls
    qtbot.waitUntil(lambda: controls.mode() == "paused" and controls.stateText() != "Paused"
                    and words in controls.stateText(), timeout=timeout)


def record_weights(lab) -> list[dict]:
    shown, original = [], lab.charts.showWeights
    lab.charts.showWeights = lambda weights: (shown.append(weights), original(weights))
    return shown


def start_paused(lab, qtbot) -> list[dict]:
    progress = []
    lab.trainingProgress.connect(progress.append)
    lab.runControls.startPaused.setChecked(True)
    lab.startTraining()
    wait_paused(lab, qtbot, "before the first batch")
    return progress


def test_started_paused_it_steps_one_batch_then_one_epoch_then_finishes(lab, qtbot):
    shown = record_weights(lab)
    progress = start_paused(lab, qtbot)
    assert lab.isRunning() and progress == [] and lab.runControls.pauseButton.text() == "Continue"
    assert lab.charts.exportState()["layers"] == [("layers.0", "relu"), ("layers.2", None)]
    before = shown[-1]["layers.0"]
    kept = before.copy()
    lab.runControls.stepBatchButton.click()
    wait_paused(lab, qtbot, f"after batch 1/{BATCHES}")
    assert [(report["step"], report["epoch"], report["batch"]) for report in progress] == [(1, 1, 1)]
    assert "batch 1/" in lab.runControls.stateText()
    after = shown[-1]["layers.0"]
    assert after.shape == before.shape == (784, 64) and not np.array_equal(after, before)
    qtbot.wait(300)
    assert len(progress) == 1                   # paused: nothing more is trained
    lab.runControls.stepEpochButton.click()
    wait_paused(lab, qtbot, "after epoch 1/3")
    assert progress[-1]["epoch"] == 1 and progress[-1]["batch"] == BATCHES
    assert len(lab.curves.points("loss", "epoch")[0]) == 1
    assert not np.array_equal(shown[-1]["layers.0"], after)
    np.testing.assert_array_equal(before, kept)     # copies: training never writes into what is shown
    with qtbot.waitSignal(lab.trainingFinished, timeout=60000) as finished:
        lab.runControls.pauseButton.click()     # Continue
    assert finished.args[0].test_accuracy > 0.5
    qtbot.waitUntil(lambda: not lab.isRunning(), timeout=5000)
    assert lab.runControls.stateText().startswith("Not training")
    assert not lab.runControls.pauseButton.isEnabled()


def test_learn_it_from_scratch_starts_the_scratch_network_paused(lab, qtbot):
    lab.scratchButton.click()
    wait_paused(lab, qtbot, "before the first batch")
    assert lab.config().preset == "scratch" and lab.config().hidden_sizes == (16, 16)
    assert lab.charts.exportState()["layers"] == [("layers.0", "relu"), ("layers.2", "relu"), ("layers.4", None)]
    assert lab.charts.exportState()["first_layer"] and lab.progressBar.value() == 0
    lab.cancelTraining()
    qtbot.waitUntil(lambda: not lab.isRunning(), timeout=5000)


def test_the_app_closing_stops_a_paused_run_it_still_has(qtbot, window, tiny_data):
    window.retrainController.show()
    dialog = window.retrainController.dialog()
    dialog._data = tiny_data
    dialog.presetCombo.setCurrentText("tiny")
    dialog.runControls.startPaused.setChecked(True)
    dialog.startTraining()
    qtbot.waitUntil(lambda: dialog.runControls.mode() == "paused", timeout=30000)
    dialog.hide()                               # out of sight, still paused
    started = time.monotonic()
    window.retrainController.stopAndWait()
    assert not dialog.isRunning() and time.monotonic() - started < 3


def test_settings_change_while_paused_and_running_and_bad_values_are_refused_inline(lab, qtbot):
    start_paused(lab, qtbot)
    learning_rate = lab.liveSettings.editor("learning_rate")
    assert not lab.liveSettings.editor("momentum").isEnabled()      # Adam has no momentum
    assert "SGD" in lab.liveSettings.editor("momentum").toolTip()
    assert not lab.liveSettings.editor("dropout").isEnabled()       # built without dropout
    lab.runControls.stepBatchButton.click()
    wait_paused(lab, qtbot, "after batch 1/")
    learning_rate.setValue(0.01)                # while paused: from the next batch
    assert "from the next batch" in lab.liveSettings.message()
    learning_rate.setValue(0.0)                 # not a learning rate: refused, with the reason
    assert "not changed" in lab.liveSettings.message() and "positive" in lab.liveSettings.message()
    assert learning_rate.value() == 0.01
    lab.runControls.slowMotion.setCurrentIndex(1)       # 0.1 s per batch: time to change it running
    lab.runControls.pauseButton.click()
    qtbot.waitUntil(lambda: any("learning rate 0.01" in entry for entry in lab.runLog.entries()), timeout=10000)
    lab.liveSettings.editor("weight_decay").setValue(0.001)          # while running
    qtbot.waitUntil(lambda: any("weight decay 0.001" in entry for entry in lab.runLog.entries()),
                    timeout=10000)
    assert lab.feed.markers()[:2] == ["lr 0.01", "lr 0.01"]          # on the loss and accuracy charts
    lab.runControls.slowMotion.setCurrentIndex(0)
    with qtbot.waitSignal(lab.trainingFinished, timeout=60000) as finished:
        pass
    run_dir = finished.args[0].run_dir
    changes = json.loads((run_dir / "config.json").read_text())["changes"]
    assert changes[0] == {"step": 1, "setting": "learning_rate", "value": 0.01}
    assert changes[1]["setting"] == "weight_decay" and changes[1]["value"] == 0.001 and changes[1]["step"] > 1
    with open(run_dir / "metrics.csv", newline="") as stream:
        rows = list(csv.DictReader(stream))
    assert float(rows[-1]["learning_rate"]) == pytest.approx(0.01)
    assert float(rows[-1]["weight_decay"]) == pytest.approx(0.001)
    assert "Learning rate" in lab.liveSettings.editor("learning_rate").toolTip()


def test_slow_motion_reaches_the_run_and_cancel_while_paused_is_prompt(lab, qtbot, paths):
    lab.settingsForm.setValues(epochs=50)
    lab.runControls.setDelaySeconds(0.25)
    lab.startTraining()
    control = lab.control()
    assert control.delay_seconds == 0.25
    lab.runControls.slowMotion.setCurrentIndex(4)
    assert control.delay_seconds == 1.0 and "slow motion" in lab.runControls.stateText()
    lab.runControls.slowMotion.setCurrentIndex(0)
    assert control.delay_seconds == 0.0
    lab.runControls.pauseButton.click()
    wait_paused(lab, qtbot)
    started = time.monotonic()
    lab.cancelTraining()
    qtbot.waitUntil(lambda: not lab.isRunning(), timeout=5000)
    assert time.monotonic() - started < 3
    assert "Cancelled" in lab.statusLabel.text()
    assert not paths.runs_dir.exists() or not any(paths.runs_dir.iterdir())
    lab.close()
    assert not lab.isVisible()


def test_closing_while_paused_asks_and_stops_at_once(lab, qtbot, warnings):
    from PySide6.QtWidgets import QMessageBox

    start_paused(lab, qtbot)
    warnings.answer = QMessageBox.StandardButton.Yes
    started = time.monotonic()
    lab.close()
    assert [title for title, _ in warnings] == ["Training is running"]
    assert not lab.isVisible() and not lab.isRunning() and time.monotonic() - started < 3


def finding(name="underfitting", suggestion=None, step=40):
    return Finding(name, f"A {name} test message.", {"first batch loss": 2.3, "layer": "layers.0"},
                   suggestion if suggestion is not None else {"learning_rate": 0.02}, step, 1)


def test_a_finding_is_shown_once_and_apply_sets_the_next_runs_settings(lab):
    panel = lab.findingsPanel
    assert "overfitting" in panel.emptyLabel.text()
    lab.feed.addFinding(finding("dead units", {"hidden_sizes": [32], "learning_rate": 0.001}))
    lab.feed.addFinding(finding("dead units", {"learning_rate": 0.5}))      # the same again: ignored
    assert panel.names() == ["dead units"] and lab.sideTabs.currentWidget() is panel
    assert lab.sideTabs.tabText(lab.sideTabs.currentIndex()) == "Findings (1)"
    card = panel.findChild(QWidget, "finding-dead-units")
    texts = " ".join(label.text() for label in card.findChildren(type(lab.resultLabel)))
    assert "Dead units" in texts and "A dead units test message." in texts and "first batch loss" in texts
    assert "Learning rate 0.001" in texts
    panel.applyButton("dead units").click()     # no run: into the form, for the next run
    config = lab.config()
    assert config.hidden_sizes == (32,) and config.learning_rate == 0.001
    assert "next run" in panel.confirmation() and "Hidden layers 32" in panel.confirmation()
    assert any("next run" in entry for entry in lab.runLog.entries())


def test_apply_changes_a_running_run_live(lab, qtbot):
    start_paused(lab, qtbot)
    lab.feed.addFinding(finding("underfitting", {"learning_rate": 0.02}))
    lab.findingsPanel.applyButton("underfitting").click()
    assert "this run" in lab.findingsPanel.confirmation()
    assert lab.liveSettings.editor("learning_rate").value() == 0.02
    lab.runControls.stepBatchButton.click()
    qtbot.waitUntil(lambda: any("learning rate 0.02" in entry for entry in lab.runLog.entries()), timeout=10000)
    assert lab.config().learning_rate == 0.005          # the form keeps the run's start
    lab.findingsPanel.clear()
    lab.feed.addFinding(finding("overfitting", {"hidden_sizes": [16]}))   # not live: for the next run
    lab.findingsPanel.applyButton("overfitting").click()
    assert "next run" in lab.findingsPanel.confirmation() and lab.config().hidden_sizes == (16,)


def test_a_diverging_run_shows_its_findings_not_an_error_box(lab, qtbot):
    lab.settingsForm.setValues(optimizer="sgd", learning_rate=1e30, epochs=2)     # overflows at once
    lab.startTraining()
    qtbot.waitUntil(lambda: not lab.isRunning(), timeout=60000)
    names = lab.findingsPanel.names()
    assert "divergence" in names and set(names) <= set(FINDING_NAMES)
    assert lab.statusLabel.text() == "Training diverged." and "diverged" in lab.resultLabel.text()
    assert lab.result() is None and not lab.useButton.isEnabled()
    lab.findingsPanel.applyButton("divergence").click()
    assert lab.config().learning_rate < 1e30 and "next run" in lab.findingsPanel.confirmation()


CONTROLS = (QAbstractButton, QAbstractSpinBox, QComboBox, QSlider, QAbstractItemView, QLineEdit)


def is_painted_view(widget: QWidget) -> bool:
    return type(widget).__module__.startswith("digitpad") and "paintEvent" in type(widget).__dict__


def unexplained_in(top: QWidget) -> tuple[int, list[str]]:
    checked, unexplained = 0, []
    for widget in top.findChildren(QWidget):
        if not widget.isVisible() or isinstance(widget.parent(), (QAbstractSpinBox, QComboBox)):
            continue
        if isinstance(widget, CONTROLS) or is_painted_view(widget):
            checked += 1
            if not widget.toolTip().strip() or not widget.whatsThis().strip():
                unexplained.append(f"{type(widget).__name__} {widget.objectName() or getattr(widget, 'text', str)()!r}")
    return checked, unexplained


def test_every_control_of_the_lab_explains_itself(lab, qtbot):
    assert lab.presetCombo.itemText(0) == "scratch"
    assert "16" in lab.scratchButton.toolTip() and lab.scratchButton.whatsThis()
    start_paused(lab, qtbot)
    lab.feed.addFinding(finding())
    checked, unexplained = 0, []
    for side in range(lab.sideTabs.count()):
        lab.sideTabs.setCurrentIndex(side)
        for chart in range(lab.charts.count()):
            lab.charts.setCurrentIndex(chart)
            qtbot.wait(10)
            seen, missing = unexplained_in(lab)
            missing = [f"{text} in {chart}/{side}" for text in missing]
            checked, unexplained = checked + seen, unexplained + missing
    assert checked > 100 and not sorted(set(unexplained)), "\n".join(sorted(set(unexplained)))


def test_the_lab_fits_a_small_screen(lab):
    hint = lab.minimumSizeHint()
    assert lab.minimumWidth() <= 1280 and lab.minimumHeight() <= 690
    assert hint.width() <= 1280 and hint.height() <= 690
