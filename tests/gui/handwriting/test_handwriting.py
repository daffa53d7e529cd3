"""Teaching digitpad your handwriting: labelling drawings with a key or a
bar, the My handwriting window (relabel, delete, export, import, load back),
adapting the model in the background (keep or discard), and the robustness
report window."""

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from digitpad.data.handwriting.export_file import read_samples
from digitpad.data.handwriting.store import PersonalSamples
from digitpad.gui.common.background import MnistSource
from digitpad.gui.common.synthetic_input import write_digit, write_number


def test_pressing_a_digit_key_saves_the_drawing_as_that_digit(window, paths):
    write_digit(window.canvas, 1)
    strokes = window.canvas.strokes()
    QTest.keyClick(window, Qt.Key.Key_7)
    samples = window.session().samples
    assert len(samples) == 1 and samples.samples[0].label == 7
    saved = PersonalSamples(paths.data_dir / "samples.journal")
    assert saved.load() is None
    saved = saved.samples
    assert saved[0].label == 7 and len(saved[0].strokes) == len(strokes)
    np.testing.assert_array_equal(saved[0].image.shape, (28, 28))
    assert window.canvas.isEmpty()                       # ready for the next one
    assert "The network had read 1" in window.statusBar().currentMessage()


def test_clicking_a_bar_labels_too_and_nothing_drawn_saves_nothing(window):
    assert not window.labelDrawing(3)
    write_digit(window.canvas, 3)
    window.resultPanel.probabilityBars.digitClicked.emit(3)
    assert [sample.label for sample in window.session().samples.samples] == [3]


def test_labelling_a_number_saves_the_digit_being_written(window):
    window.resize(1300, 640)
    write_number(window.canvas, "47")
    QTest.keyClick(window, Qt.Key.Key_7)
    sample = window.session().samples.samples[0]
    assert sample.label == 7
    assert len(sample.strokes) == 1                      # the 7's stroke only
    assert not window.canvas.isEmpty()                   # the 4 is still there


def test_my_handwriting_window(window, tmp_path, qtbot, warnings):
    for digit in (2, 2, 5):
        write_digit(window.canvas, digit)
        window.labelDrawing(digit)
    window.handwritingController.show()
    dialog = window.handwritingController.dialog()
    qtbot.addWidget(dialog)
    assert dialog.model.rowCount() == 3 and "3</b> samples" in dialog.countsLabel.text()
    assert not dialog.model.data(dialog.model.index(0), Qt.ItemDataRole.DecorationRole).isNull()
    dialog.digitFilter.setCurrentIndex(2 + 1)
    assert dialog.model.rowCount() == 2
    dialog.digitFilter.setCurrentIndex(0)
    # The newest first: the 5. Relabel it as 6, delete one of the 2s.
    dialog.grid.setCurrentIndex(dialog.model.index(0))
    dialog.relabelSelected(6)
    assert sorted(sample.label for sample in window.session().samples.samples) == [2, 2, 6]
    dialog.grid.setCurrentIndex(dialog.model.index(1))
    dialog.deleteSelected()
    assert sorted(sample.label for sample in window.session().samples.samples) == [2, 6]
    exported = tmp_path / "export.npz"
    assert dialog.exportTo(str(exported))
    assert [sample.label for sample in read_samples(exported)] == [2, 6]
    assert dialog.importFrom(str(exported)) == 0          # nothing new
    bad = tmp_path / "bad.npz"
    bad.write_bytes(b"nonsense")
    assert dialog.importFrom(str(bad)) is None
    assert str(bad) in warnings[0][1] and len(window.session().samples) == 2
    # Double-clicking puts a sample back on the canvas as strokes.
    dialog.loadSample.emit(window.session().samples.samples[0])
    assert len(window.canvas.strokes()) >= 1 and window.recognition().digit == 2


def test_adapting_to_my_handwriting_keep_and_discard(window, mnist_dir, qtbot, paths):
    from digitpad.data.ink.digit_templates import digit_strokes
    from digitpad.data.mnist import as_float_images, load_mnist

    train, test = (load_mnist(split, mnist_dir, download=False) for split in ("train", "test"))
    mnist = [(as_float_images(images[:2000]), labels[:2000].astype(np.int64)) for images, labels in (train, test)]
    rng = np.random.default_rng(0)
    for index in range(16):
        height = window.canvas.height() * rng.uniform(0.4, 0.7)
        window.canvas.setStrokes(digit_strokes("continental 1", 200, 50, height, 20, rng=rng, jitter=0.02))
        window.labelDrawing(1)
    model_before = window.model()
    window.adaptController.open(mnist=mnist)
    dialog = window.adaptController.dialog()
    dialog.start()
    qtbot.waitUntil(lambda: not dialog.isRunning(), timeout=120000)
    result = dialog.result()
    assert result is not None and result.holdout_count == 4 and result.train_count == 12
    assert set(result.before) == {"personal_holdout", "mnist_test"} == set(result.after)
    assert "before" in dialog.resultLabel.text() and "after" in dialog.resultLabel.text()
    assert window.model() is model_before                # untouched until kept
    dialog.keepButton.click()
    assert window.model() is not model_before
    assert window.modelPath().parent == paths.data_dir / "adapted"
    assert window.session().metadata["adaptation"]["samples"] == 16


def test_adapting_needs_enough_samples(window):
    window.adaptController.open(mnist=[(np.zeros((1, 784), np.float32), np.zeros(1, np.int64))] * 2)
    dialog = window.adaptController.dialog()
    assert not dialog.startButton.isEnabled() and "At least 5 samples" in dialog.statusLabel.text()
    dialog.close()


def test_robustness_report_window_fills_its_plots(window, settings, mnist_dir, qtbot):
    from digitpad.gui.evaluation.robustness_dialog import PARTS, RobustnessDialog

    dialog = RobustnessDialog(window.model(), "bundled", MnistSource(mnist_dir, False, None), window,
                              sample=60, drawn_sample=6)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: not dialog.isRunning(), timeout=120000)
    report = dialog.report()
    assert report is not None and dialog.progressBar.value() == PARTS
    assert set(dialog.plots.curves()) == {"rotation", "scale", "shift", "thickness", "noise", "drawn"}
    assert "MNIST test" in dialog.plots.summary.text()
    assert 0 <= report.drawn_accuracy <= 1 and 0 <= report.template_accuracy <= 1


def test_closing_the_robustness_window_stops_its_work(window, mnist_dir, qtbot):
    import time

    from digitpad.gui.evaluation.robustness_dialog import RobustnessDialog

    dialog = RobustnessDialog(window.model(), "bundled", MnistSource(mnist_dir, False, None), window)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.progressBar.value() >= 1, timeout=60000)
    started = time.monotonic()
    dialog.close()
    assert not dialog.isRunning()
    assert time.monotonic() - started < 10
    assert dialog.report() is None


def test_cancelling_adaptation_keeps_the_model(window, mnist_dir, qtbot):
    from digitpad.data.mnist import as_float_images, load_mnist

    images, labels = load_mnist("train", mnist_dir, download=False)
    mnist = [(as_float_images(images[:20000]), labels[:20000].astype(np.int64))] * 2
    for index in range(8):
        write_digit(window.canvas, index % 3)
        window.labelDrawing(index % 3)
    model_before = window.model()
    window.adaptController.open(mnist=mnist)
    dialog = window.adaptController.dialog()
    dialog.start()
    qtbot.waitUntil(lambda: dialog.progressBar.value() > 0, timeout=60000)
    dialog.cancel()
    qtbot.waitUntil(lambda: not dialog.isRunning(), timeout=20000)
    assert dialog.result() is None and "Cancelled" in dialog.statusLabel.text()
    assert not dialog.keepButton.isEnabled()
    assert window.model() is model_before


def test_the_adapt_menu_looks_for_mnist_instead_of_taking_its_checked_flag_for_digits(window, monkeypatch):
    import digitpad.gui.controllers.adapt as adapt

    asked = []
    monkeypatch.setattr(adapt, "find_mnist", lambda *args: asked.append(args))    # the user cancels
    window.mainActions.adapt.trigger()
    assert len(asked) == 1 and window.adaptController.dialog() is None
