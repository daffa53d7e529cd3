"""Model → Step through a digit, with the bundled model and real mouse
input: the numbers shown are the trace's numbers (a z cell is x·W[:, j] +
b[j]), the drawing is followed live, the temperature changes the softmax
steps, "Next mistake" goes to a test digit the model gets wrong, and every
number, control and view explains itself."""

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import (QAbstractButton, QAbstractItemView, QAbstractSlider, QAbstractSpinBox, QApplication,
                               QComboBox, QHeaderView, QProgressBar, QScrollBar, QToolTip, QWidget)

from digitpad.gui.common.synthetic_input import draw_polyline, write_digit
from digitpad.gui.stepping import orders
from digitpad.gui.stepping.layer_model import ACTIVATION, BIAS, SUM, Z
from digitpad.gui.stepping.numbers import cell, number, precise, subscript
from digitpad.gui.stepping.pixel_grid import PixelGrid
from digitpad.gui.stepping.softmax_model import DIVIDED, EXPONENTIAL, PROBABILITY
from digitpad.gui.stepping.source_bar import DRAWING
from digitpad.inside import network_layers, softmax_steps, trace
from digitpad.model.checkpoint import save_checkpoint
from digitpad.nn import MLP

EXACT = Qt.ItemDataRole.UserRole
TIP = Qt.ItemDataRole.ToolTipRole


@pytest.fixture
def dialog(window):
    window.mainActions.stepThrough.trigger()
    shown = window.stepThroughController.dialog()
    assert shown is not None and shown.isVisible()
    return shown


def drawn_image(window):
    return window.recognition().mnist_image.reshape(-1)


def test_one_step_through_follows_the_drawing_live(window, dialog, qtbot):
    assert dialog.currentTrace() is None and "Draw a digit" in dialog.sidebar.answerLabel.text()
    write_digit(window.canvas, 3)
    shown = dialog.currentTrace()
    np.testing.assert_array_equal(shown.image, drawn_image(window))
    assert shown.digit == window.recognition().digit == 3
    np.testing.assert_allclose(shown.probabilities, window.recognition().probabilities, rtol=1e-5, atol=1e-7)
    window.mainActions.stepThrough.trigger()
    assert window.stepThroughController.dialog() is dialog         # one window, brought forward
    window.mainActions.clear.trigger()
    assert dialog.currentTrace() is None
    # Live while the pen is still down: a 1 written with the button held.
    canvas = window.canvas
    points = [(canvas.width() / 2, canvas.height() * (0.2 + 0.6 * t)) for t in np.linspace(0, 1, 30)]
    draw_polyline(canvas, points, release=False)
    qtbot.waitUntil(lambda: dialog.currentTrace() is not None, timeout=2000)
    assert dialog.currentTrace().digit == 1
    np.testing.assert_array_equal(dialog.currentTrace().image, drawn_image(window))
    draw_polyline(canvas, [points[-1], points[-1]])


def test_a_layer_shows_the_real_numbers(window, dialog):
    write_digit(window.canvas, 4)
    dialog.setStep(1)
    page = dialog.layerPages[0]
    model, layer = page.model, network_layers(window.model())[0]
    x = drawn_image(window).astype(np.float64)
    expected = trace(window.model(), drawn_image(window)).layers[0]
    for row in range(5):
        unit = model.unitAt(row)
        z = model.data(model.index(row, Z), EXACT)
        assert z == pytest.approx(float(x @ layer.weights[:, unit] + layer.bias[unit]), rel=1e-4, abs=1e-5)
        assert z == expected.z[unit]
        assert model.data(model.index(row, Z)) == cell(z)
        assert model.data(model.index(row, BIAS), EXACT) == layer.bias[unit]
        assert model.data(model.index(row, ACTIVATION), EXACT) == max(0.0, z)
        assert model.data(model.index(row, SUM), EXACT) + layer.bias[unit] == pytest.approx(z, abs=1e-6)
        column = model.frozenColumns() + row
        index = model.inputAt(column)
        assert model.data(model.index(row, column), EXACT) == layer.weights[index, unit]
        assert model.headerData(column, Qt.Orientation.Horizontal).split("\n") == [f"x{subscript(index)}",
                                                                                   number(x[index])]
    # The rows put first the units that push the answer most; the columns the brightest pixels.
    push = orders.answer_push(dialog.currentTrace(), 0)
    assert push[model.unitAt(0)] == push.max()
    first_inputs = [model.inputAt(model.frozenColumns() + offset) for offset in range(3)]
    assert [x[index] for index in first_inputs] == sorted(x, reverse=True)[:3]
    # Products: a row's products add up to its Σ x·W.
    page.cellsCombo.setCurrentIndex(page.cellsCombo.findData("products"))
    products = [model.data(model.index(0, column), EXACT) for column in range(model.frozenColumns(),
                                                                              model.columnCount())]
    assert sum(products) == pytest.approx(model.data(model.index(0, SUM), EXACT), abs=1e-4)


def test_choosing_a_unit_marks_it_and_orders_its_inputs(window, dialog):
    write_digit(window.canvas, 7)
    dialog.setStep(1)
    page = dialog.layerPages[0]
    model, weights = page.model, page.layer().weights
    page.unitSpin.setValue(500)
    row = model.rowOfUnit(500)
    assert page.chosenUnit() == 500 and page.table.currentIndex().row() == row
    assert model.headerData(row, Qt.Orientation.Vertical).startswith("▸")
    page.inputOrderCombo.setCurrentIndex(page.inputOrderCombo.findData(orders.BIGGEST_PRODUCT))
    x = drawn_image(window)
    first = model.inputAt(model.frozenColumns())
    assert abs(x[first] * weights[first, 500]) == np.abs(x * weights[:, 500]).max()
    np.testing.assert_array_equal(page.unitPicture.weightsGrid.values().reshape(-1), weights[:, 500])
    # Clicking a row chooses its unit.
    other = model.index(3, Z)
    page.table.setCurrentIndex(other)
    assert page.chosenUnit() == model.unitAt(3)


def test_hover_texts_spell_out_the_arithmetic(window, dialog):
    write_digit(window.canvas, 2)
    dialog.setStep(1)
    page = dialog.layerPages[0]
    model, layer = page.model, page.layer()
    unit = model.unitAt(0)
    z, b = model.data(model.index(0, Z), EXACT), float(layer.bias[unit])
    total = model.data(model.index(0, SUM), EXACT)
    z_tip = model.data(model.index(0, Z), TIP)
    assert f"z{subscript(unit)} = Σ xᵢ·Wᵢ,{subscript(unit)} + b{subscript(unit)} = {precise(z)}" in z_tip
    assert f"the 784 products add up to {number(total)}, plus the bias {number(b)}" in z_tip
    assert f"max(0, {number(z)}) = {precise(max(z, 0))}" in model.data(model.index(0, ACTIVATION), TIP)
    column = model.frozenColumns()
    index = model.inputAt(column)
    x, w = float(drawn_image(window)[index]), float(layer.weights[index, unit])
    assert f"= {number(x)} × " in model.data(model.index(0, column), TIP)
    assert precise(x * w) in model.data(model.index(0, column), TIP)
    # A real hover over the z cell shows that text.
    view = page.table.frozenView
    rect = view.visualRect(model.index(0, Z))
    QApplication.sendEvent(view.viewport(), QHelpEvent(QHelpEvent.Type.ToolTip, rect.center(),
                                                       view.viewport().mapToGlobal(rect.center())))
    assert QToolTip.isVisible() and "plus the bias" in QToolTip.text()
    QToolTip.hideText()
    # A pixel of the input, and the softmax's exp.
    dialog.setStep(0)
    describe = dialog.inputPage.pixelGrid._describe
    assert describe(12, 14).startswith(f"<p><b>x{subscript(12 * 28 + 14)} = ")
    dialog.setStep(dialog.stack.count() - 1)
    steps = dialog.softmaxPage.model.steps()
    tip = dialog.softmaxPage.model.data(dialog.softmaxPage.model.index(5, EXPONENTIAL), TIP)
    assert f"exp({number(steps.shifted[5])}) = {precise(steps.exponentials[5])}" in tip


def test_the_temperature_changes_the_softmax_steps(window, dialog):
    write_digit(window.canvas, 5)
    dialog.setStep(dialog.stack.count() - 1)
    page = dialog.softmaxPage
    cool = page.model.steps()
    scores = dialog.currentTrace().layers[-1].z.astype(np.float64)
    np.testing.assert_allclose(cool.probabilities, window.model().predict_proba(drawn_image(window))[0],
                               rtol=1e-5, atol=1e-7)
    reading = page.readingLabel.text()
    page.temperatureSpin.setValue(3.0)
    warm = page.model.steps()
    assert warm.temperature == 3.0 and dialog.currentTrace().softmax is warm
    expected = softmax_steps(scores, 3.0)
    np.testing.assert_allclose(warm.shifted, (scores - scores.max()) / 3.0, rtol=1e-12)
    np.testing.assert_allclose(warm.probabilities, expected.probabilities)
    assert page.model.data(page.model.index(0, DIVIDED), EXACT) == pytest.approx(warm.shifted[0])
    assert page.model.data(page.model.index(0, PROBABILITY), EXACT) == pytest.approx(expected.probabilities[0])
    assert warm.entropy_bits > cool.entropy_bits and page.readingLabel.text() != reading
    assert warm.probabilities.argmax() == cool.probabilities.argmax()
    assert "T = 3" in page.temperatureSpin.toolTip() and "T = 3" in dialog.sidebar.answerLabel.text()
    page.temperatureSlider.setValue(0)
    assert page.temperature() == pytest.approx(0.1)
    page.resetButton.click()
    # Back to the model's own (calibration) temperature, not to 1.
    assert page.temperature() == window.model().temperature != 1.0
    np.testing.assert_allclose(page.model.steps().probabilities, cool.probabilities)


def test_next_mistake_goes_to_a_test_digit_the_model_gets_wrong(window, dialog, settings, mnist_dir, qtbot):
    settings.set_mnist_dir(str(mnist_dir))
    dialog.sourceBar.mistakeButton.click()
    qtbot.waitUntil(lambda: dialog.testIndex() is not None, timeout=20000)
    predictions = window.session().test_predictions
    wrong = np.flatnonzero(predictions.predictions != predictions.labels)
    first = dialog.testIndex()
    assert first == wrong[0]
    shown = dialog.currentTrace()
    assert shown.digit == predictions.predictions[first] != predictions.labels[first]
    np.testing.assert_allclose(shown.image, predictions.images[first].reshape(-1) / 255, atol=1e-6)
    assert "✗" in dialog.sourceBar.statusLabel.text()
    dialog.sourceBar.mistakeButton.click()
    assert dialog.testIndex() == wrong[1]
    dialog.sourceBar.nextButton.click()
    assert dialog.testIndex() == wrong[1] + 1
    dialog.sourceBar.numberBox.setValue(1234)
    assert dialog.testIndex() == 1234 and f"#{1234}" in dialog.sourceBar.statusLabel.text()
    assert dialog.currentTrace().digit == predictions.predictions[1234]
    dialog.sourceBar.previousButton.click()
    assert dialog.testIndex() == 1233
    write_digit(window.canvas, 6)
    assert dialog.testIndex() == 1233                # a test digit is not replaced by the drawing
    dialog.sourceBar.drawingButton.click()
    assert dialog.source() == DRAWING and dialog.testIndex() is None
    np.testing.assert_array_equal(dialog.currentTrace().image, drawn_image(window))


def test_declining_to_fetch_mnist_goes_back_to_the_drawing(window, dialog, warnings, monkeypatch):
    monkeypatch.setenv("DIGITPAD_MNIST_DIR", "")
    dialog.sourceBar.testButton.click()
    assert warnings and warnings[0][0] == "MNIST needed"
    assert dialog.source() == DRAWING and "not available" in dialog.sourceBar.statusLabel.text()


def test_it_follows_a_change_of_model(window, dialog, tmp_path):
    small = MLP(784, (16,), 10, activation="tanh", rng=np.random.default_rng(0))
    path = save_checkpoint(small, tmp_path / "small.npz", {})
    write_digit(window.canvas, 8)
    dialog.setStep(1)
    assert window.openCheckpoint(str(path))
    assert "small.npz" in dialog.windowTitle()
    assert [page.layer().units for page in dialog.layerPages] == [16, 10]
    dialog.setStep(1)
    page = dialog.layerPages[0]
    expected = trace(small, drawn_image(window))
    np.testing.assert_array_equal(dialog.currentTrace().layers[0].z, expected.layers[0].z)
    unit = page.model.unitAt(0)
    assert page.model.data(page.model.index(0, Z), EXACT) == expected.layers[0].z[unit]
    assert page.model.data(page.model.index(0, ACTIVATION), EXACT) == pytest.approx(np.tanh(expected.layers[0].z[unit]))
    assert "tanh(" in page.model.data(page.model.index(0, ACTIVATION), TIP)


def explained_widgets(dialog):
    """The controls and views a learner can point at, on the page shown."""
    for widget in dialog.findChildren(QWidget):
        if not widget.isVisibleTo(dialog) or isinstance(widget, (QScrollBar, QHeaderView)):
            continue
        parent, inside_control = widget.parentWidget(), False
        while parent is not None and parent is not dialog:
            inside_control |= isinstance(parent, (QComboBox, QAbstractSpinBox, QAbstractItemView))
            parent = parent.parentWidget()
        if inside_control and widget.objectName() != "frozenColumns":
            continue
        if isinstance(widget, (QAbstractButton, QComboBox, QAbstractSpinBox, QAbstractSlider, QAbstractItemView,
                               QProgressBar, PixelGrid)) or widget.objectName() in ("probabilityBars",
                                                                                   "inputPreview"):
            yield widget


def test_every_control_and_view_explains_itself(window, dialog):
    write_digit(window.canvas, 9)
    seen = set()
    for step in range(dialog.stack.count()):
        dialog.setStep(step)
        for widget in explained_widgets(dialog):
            seen.add(type(widget).__name__)
            name = widget.objectName() or getattr(widget, "text", lambda: "")() or type(widget).__name__
            assert widget.toolTip().strip(), f"{name} has no tooltip"
            assert widget.whatsThis().strip(), f"{name} has no What's This? text"
    assert {"QRadioButton", "QPushButton", "QSpinBox", "QComboBox", "QDoubleSpinBox", "QSlider", "PixelGrid",
            "FrozenColumnsTable", "QTableView", "QListWidget", "QProgressBar"} <= seen
    # Tooltips carry the current values.
    assert "now unit" in dialog.layerPages[0].unitSpin.toolTip()
    assert "the model's calibration temperature" in dialog.softmaxPage.temperatureSpin.toolTip()


def test_it_fits_a_1280_by_720_screen(window, dialog):
    write_digit(window.canvas, 0)
    hint = dialog.minimumSizeHint()
    assert hint.width() <= 1240 and hint.height() <= 620
    dialog.resize(1240, 620)
    dialog.setStep(1)
    QApplication.processEvents()
    table = dialog.layerPages[0].table
    assert table.viewport().height() >= 8 * table.rowHeight(0)
    assert table.viewport().width() - table.frozenWidth() >= 5 * table.columnWidth(table.model().frozenColumns())
