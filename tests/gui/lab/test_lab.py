"""Model → Lab: edits to the real network change the drawing's
probabilities and the MNIST test figures (computed in the background once
the edits settle, stale work dropped), Reset restores the model in use,
"Use this model" saves a checkpoint recording the edits and switches the
app to it, and closing the lab stops its background work."""

import time

import numpy as np
import pytest
from PySide6.QtWidgets import (QAbstractButton, QAbstractSlider, QAbstractSpinBox, QComboBox, QLabel, QListWidget,
                               QScrollBar, QWidget)

from digitpad.gui.common.synthetic_input import write_digit
from digitpad.gui.evaluation.model_info_dialog import model_info_html
from digitpad.gui.lab import lab_events
from digitpad.inside import ModelEdits, edit_model
from digitpad.inside.edits import UnitChange
from digitpad.model.checkpoint import load_checkpoint

TIMEOUT = 60000


@pytest.fixture
def test_digits(mnist_test_split):
    images, labels = mnist_test_split
    return lab_events.TestDigits(images, labels)


def open_lab(window, qtbot, test_digits=None):
    if test_digits is None:
        window.mainActions.lab.trigger()
    else:
        window.labController.open(test_digits)
    dialog = window.labController.dialog()
    assert dialog is not None and dialog.isVisible()
    wait_for_scores(dialog, qtbot, ModelEdits())
    return dialog


def wait_for_scores(dialog, qtbot, edits):
    qtbot.waitUntil(lambda: dialog.scores() is not None and dialog.scores().job.edits == edits
                    and not dialog.testScores.statusLabel.text().startswith("Scoring"), timeout=TIMEOUT)
    return dialog.scores()


def test_the_lab_opens_from_the_model_menu_and_every_control_explains_itself(window, qtbot):
    write_digit(window.canvas, 7)
    model_menu = next(action.menu() for action in window.menuBar().actions() if action.text() == "&Model")
    texts = [action.text() for action in model_menu.actions()]
    assert texts.index("&Adapt to my handwriting…") < texts.index("&Lab…") < texts.index("Model &info…")
    dialog = open_lab(window, qtbot)                     # MNIST found the way the app finds it
    scores = dialog.scores()
    assert scores.count == 10000 and scores.before == scores.after and scores.before.accuracy > 0.98
    in_use, edited = dialog.drawingProbabilities()
    assert int(in_use.argmax()) == 7 and np.allclose(in_use, edited, atol=1e-5)
    np.testing.assert_allclose(in_use, window.recognition().probabilities, atol=1e-5)
    kinds = (QAbstractButton, QAbstractSlider, QAbstractSpinBox, QComboBox, QListWidget, QLabel)
    controls = [widget for widget in dialog.findChildren(QWidget) if isinstance(widget, kinds)
                and not isinstance(widget, QScrollBar) and widget.objectName() != "qt_spinbox_lineedit"]
    controls += [dialog.damagePlots.findChild(QWidget, name) for name in ("prunePlot", "noisePlot")]
    controls += [dialog.drawingEffect.bars, dialog.drawingEffect.preview]
    unexplained = [f"{type(widget).__name__} {widget.objectName()} {getattr(widget, 'text', lambda: '')()}"
                   for widget in controls if not widget.toolTip() or not widget.whatsThis()]
    assert len(controls) > 40 and not unexplained, unexplained
    # The current value is part of a control's explanations.
    dialog.networkEditor.pruneSlider.setValue(40)
    assert "40%" in dialog.networkEditor.pruneSlider.toolTip()
    assert "40%" in dialog.networkEditor.pruneSlider.whatsThis()
    window.mainActions.lab.trigger()                     # the same lab comes forward
    assert window.labController.dialog() is dialog


def test_edits_change_the_drawing_and_the_test_figures_and_reset_restores(window, qtbot, test_digits):
    write_digit(window.canvas, 3)
    dialog = open_lab(window, qtbot, test_digits)
    before = dialog.scores().before
    # The output unit of the digit read: a strongly negative bias shift takes its answer away.
    editor = dialog.unitEditor
    editor.layerCombo.setCurrentIndex(2)
    editor.unitSpin.setValue(3)
    editor.biasSpin.setValue(-20.0)
    assert dialog.edits().bias_shifts == (UnitChange(2, 3, -20.0),)
    scores = wait_for_scores(dialog, qtbot, dialog.edits())
    in_use, edited = dialog.drawingProbabilities()
    assert int(in_use.argmax()) == 3 and int(edited.argmax()) != 3 and edited[3] < 0.01
    assert scores.after.accuracy < before.accuracy - 0.05 and scores.before == before
    assert "<b>" in dialog.testScores.findChild(QLabel, "accuracyAfter").text()
    # Pruning 95% of every layer's weights breaks the network.
    dialog.networkEditor.pruneSlider.setValue(95)
    scores = wait_for_scores(dialog, qtbot, dialog.edits())
    assert dialog.edits().prune_fraction == 0.95 and scores.after.accuracy < 0.5
    assert "pruned" in dialog.summaryLabel.text() and "1 bias shifted" in dialog.summaryLabel.text()
    dialog.resetButton.click()
    assert dialog.edits().is_identity and editor.biasSpin.value() == 0
    assert dialog.networkEditor.pruneSlider.value() == 0
    scores = wait_for_scores(dialog, qtbot, ModelEdits())
    assert scores.after == scores.before == before
    in_use, edited = dialog.drawingProbabilities()
    np.testing.assert_allclose(in_use, edited, atol=1e-6)
    assert not dialog.useButton.isEnabled() and not dialog.resetButton.isEnabled()


def test_temperature_changes_confidence_and_loss_but_not_the_answers(window, qtbot, test_digits):
    write_digit(window.canvas, 2)
    dialog = open_lab(window, qtbot, test_digits)
    slider = dialog.networkEditor.temperatureSlider
    slider.setValue(slider.maximum())                    # T = 10: the probabilities even out
    assert dialog.edits().temperature == 10.0 and "10.00" in dialog.networkEditor.temperatureLabel.text()
    scores = wait_for_scores(dialog, qtbot, dialog.edits())
    assert scores.after.accuracy == scores.before.accuracy
    assert scores.after.confidence < scores.before.confidence and scores.after.loss > scores.before.loss
    in_use, edited = dialog.drawingProbabilities()
    assert in_use.argmax() == edited.argmax() and edited.max() < in_use.max()


def test_a_unit_switched_off_outputs_nothing_and_the_drawing_follows_the_pen(window, qtbot, test_digits):
    write_digit(window.canvas, 4)
    dialog = open_lab(window, qtbot, test_digits)
    editor = dialog.unitEditor
    editor.layerCombo.setCurrentIndex(0)
    editor.mostActiveButton.click()
    layer, unit = editor.selectedUnit()
    before, after = editor.outputLabel.text().split(" → ")
    assert float(before) > 0
    editor.offCheck.setChecked(True)
    assert dialog.edits().units_off == (UnitChange(0, unit),) and editor.unitList.count() == 1
    qtbot.waitUntil(lambda: editor.outputLabel.text().endswith("→ 0.00"), timeout=TIMEOUT)
    editor.undoUnitButton.click()
    assert dialog.edits().is_identity and editor.unitList.count() == 0
    # Drawing in the main window while the lab is open: the lab reads the new drawing.
    window.canvas.clear()
    assert dialog.drawingProbabilities() == (None, None)
    write_digit(window.canvas, 6)
    np.testing.assert_array_equal(dialog.drawingEffect.preview.image(), window.recognition().mnist_image)


def test_only_the_edits_that_settled_are_computed(window, qtbot, test_digits):
    dialog = open_lab(window, qtbot, test_digits)
    scored = []
    dialog.computation.scored.connect(lambda event: scored.append(event.job.edits))
    for percent in range(5, 96, 5):                       # a slider dragged across
        dialog.networkEditor.pruneSlider.setValue(percent)
    started = time.monotonic()
    final = wait_for_scores(dialog, qtbot, dialog.edits())
    print(f"edit → test figures: {time.monotonic() - started:.2f} s (bundled model, 10,000 digits)")
    assert scored == [ModelEdits(prune_fraction=0.95)] and final.after.accuracy < 0.5
    qtbot.waitUntil(lambda: not dialog.isBusy(), timeout=TIMEOUT)
    prune, noise = (dialog.damagePlots.curve(kind) for kind in ("prune", "noise"))
    assert prune.complete and noise.complete and prune.accuracies[0] > 0.97 > prune.accuracies[-1]
    # The noise curve keeps the pruning: at no noise it scores what the edited network does.
    assert noise.key.prune_fraction == 0.95 and noise.accuracies[0] == pytest.approx(final.curve_accuracy)


def test_use_this_model_saves_the_edits_and_switches_the_app(window, qtbot, paths, test_digits, bundled):
    model, bundled_path, _ = bundled
    write_digit(window.canvas, 5)
    dialog = open_lab(window, qtbot, test_digits)
    edits = ModelEdits(units_off=(UnitChange(0, 3), UnitChange(1, 10)), bias_shifts=(UnitChange(2, 5, 1.5),),
                       weight_scales=(UnitChange(1, 7, 0.5),), prune_fraction=0.3, noise=0.5, noise_seed=2,
                       temperature=2.0)
    dialog.setEdits(edits)
    assert dialog.edits() == edits and dialog.unitEditor.unitList.count() == 4
    scores = wait_for_scores(dialog, qtbot, edits)
    dialog.useButton.click()
    path = window.modelPath()
    assert path.parent == paths.data_dir / "edited" and path.name.startswith("digitpad-mlp-edited-")
    saved, metadata = load_checkpoint(path)
    assert metadata["edits"] == edits.to_dict() and ModelEdits.from_dict(metadata["edits"]) == edits
    assert metadata["edited_from"] == str(bundled_path)
    assert metadata["metrics"]["test_accuracy"] == pytest.approx(scores.after.accuracy)
    assert "val_accuracy" not in metadata["metrics"]
    expected = edit_model(model, edits).state_dict()
    for name, value in saved.state_dict().items():
        np.testing.assert_allclose(value, expected[name], rtol=1e-6, atol=1e-7)
    assert window.model() is not model and window.session().metadata["edits"] == edits.to_dict()
    # The lab now starts from the model in use, whose edits are part of it.
    assert dialog.edits().is_identity and path.name in dialog.windowTitle()
    assert path.name in dialog.summaryLabel.text()
    in_use, edited = dialog.drawingProbabilities()
    np.testing.assert_allclose(in_use, window.recognition().probabilities, atol=1e-5)
    assert wait_for_scores(dialog, qtbot, ModelEdits()).before.accuracy == pytest.approx(scores.after.accuracy)
    info = model_info_html(window.model(), path, window.session().metadata)
    assert "<h4>Edits</h4>" in info and "2 units switched off" in info and "softmax temperature 2" in info
    assert str(bundled_path) in info


def test_closing_the_lab_stops_its_background_work(window, qtbot, test_digits):
    dialog = open_lab(window, qtbot, test_digits)
    dialog.setEdits(ModelEdits(noise=3.0, noise_seed=1))
    dialog.computation.computeNow()
    assert dialog.computation._task.isRunning()
    started = time.monotonic()
    dialog.close()
    assert time.monotonic() - started < 5
    assert not dialog.computation._task.isRunning() and not dialog.computation._timer.isActive()
    qtbot.waitUntil(lambda: window.labController.dialog() is None, timeout=5000)


def test_a_unit_clicked_in_the_network_view_is_picked_in_the_lab(window, qtbot, test_digits):
    dialog = open_lab(window, qtbot, test_digits)
    window.insideViews.networkView.unitClicked.emit(1, 42)
    assert dialog.unitEditor.selectedUnit() == (1, 42)


def test_without_mnist_the_lab_still_shows_the_drawing(window, qtbot, session, paths):
    from digitpad.gui.lab.lab_dialog import LabDialog

    write_digit(window.canvas, 1)
    dialog = LabDialog(session, window.liveRecognition, None, paths.data_dir / "edited", window)
    qtbot.addWidget(dialog)
    dialog.setEdits(ModelEdits(weight_scales=(UnitChange(2, 1, -1.0),)))
    qtbot.waitUntil(lambda: not dialog.isBusy(), timeout=TIMEOUT)
    in_use, edited = dialog.drawingProbabilities()
    assert in_use.argmax() == 1 and edited.argmax() != 1
    assert dialog.scores() is None and "not on this computer" in dialog.testScores.statusLabel.text()
    dialog.close()


def test_an_edited_model_never_replaces_a_file(tmp_path, bundled, monkeypatch):
    import datetime

    from digitpad.gui.lab import edited_checkpoint

    class Frozen(datetime.datetime):
        @classmethod
        def now(cls, tz=None):
            return cls(2026, 1, 2, 3, 4, 5)

    monkeypatch.setattr(edited_checkpoint._datetime, "datetime", Frozen)
    model, path, metadata = bundled
    edits = ModelEdits(prune_fraction=0.5)
    taken = tmp_path / "digitpad-mlp-edited-20260102-030405.npz"
    taken.write_bytes(b"someone else's")
    first = edited_checkpoint.save_edited_model(edit_model(model, edits), edits, path, metadata, tmp_path)
    second = edited_checkpoint.save_edited_model(edit_model(model, edits), edits, path, metadata, tmp_path)
    assert taken.read_bytes() == b"someone else's"
    assert [first.name, second.name] == ["digitpad-mlp-edited-20260102-030405-2.npz",
                                         "digitpad-mlp-edited-20260102-030405-3.npz"]
    assert load_checkpoint(second)[1]["edits"] == {"prune_fraction": 0.5}


def test_model_info_shows_the_recorded_edits_in_words(bundled):
    model, path, metadata = bundled
    edits = ModelEdits(units_off=(UnitChange(0, 1),), prune_fraction=0.25, noise=0.5, noise_seed=7)
    info = model_info_html(model, path, {**metadata, "edits": edits.to_dict(), "edited_from": "/a/<b>.npz"})
    assert "<h4>Edits</h4>" in info and "/a/&lt;b&gt;.npz" in info
    for line in edits.describe():
        assert line.replace("'", "&#x27;") in info
    assert "<h4>Edits</h4>" not in model_info_html(model, path, metadata)


def test_a_damage_curve_depends_on_every_edit_but_its_own_damage_and_the_temperature():
    from dataclasses import replace

    from digitpad.gui.lab.lab_events import curve_key

    edits = ModelEdits(units_off=(UnitChange(0, 1),), prune_fraction=0.5, noise=1.0, noise_seed=3, temperature=2)
    assert curve_key("prune", edits) == curve_key("prune", replace(edits, prune_fraction=0.9, temperature=1))
    assert curve_key("prune", edits) != curve_key("prune", replace(edits, noise=2.0))
    assert curve_key("noise", edits) == curve_key("noise", replace(edits, noise=4.0))
    assert curve_key("noise", edits) != curve_key("noise", replace(edits, noise_seed=4))
    assert curve_key("noise", edits) != curve_key("noise", replace(edits, units_off=()))


def test_escape_stops_the_background_work_too(window, qtbot, test_digits):
    dialog = open_lab(window, qtbot, test_digits)
    dialog.setEdits(ModelEdits(noise=3.0, noise_seed=1))
    dialog.computation.computeNow()
    assert dialog.computation._task.isRunning()
    dialog.reject()                                       # what Esc does: no close event
    assert not dialog.computation._task.isRunning()
    qtbot.waitUntil(lambda: window.labController.dialog() is None, timeout=5000)


def test_the_lab_follows_another_model_opened_meanwhile(window, qtbot, test_digits, tmp_path):
    import numpy as np

    from digitpad.model.checkpoint import save_checkpoint
    from digitpad.nn import MLP

    write_digit(window.canvas, 0)
    dialog = open_lab(window, qtbot, test_digits)
    dialog.setEdits(ModelEdits(units_off=(UnitChange(1, 1000),), prune_fraction=0.2))
    small = MLP(hidden_sizes=(32,), rng=np.random.default_rng(0))
    path = save_checkpoint(small, tmp_path / "small.npz")
    assert window.openCheckpoint(path)
    assert dialog.edits().is_identity and "small.npz" in dialog.windowTitle()
    assert dialog.unitEditor.layerCombo.count() == 2 and "32 units" in dialog.unitEditor.layerCombo.itemText(0)
    scores = wait_for_scores(dialog, qtbot, ModelEdits())
    assert scores.before.accuracy < 0.5                  # an untrained network, scored afresh
    dialog.unitEditor.selectUnit(0, 31)
    dialog.unitEditor.offCheck.setChecked(True)
    assert wait_for_scores(dialog, qtbot, dialog.edits()).job.model is window.model()
