"""The misclassified-digits browser: it lists exactly the test digits the
model gets wrong, most confident first; the filters and the confusion matrix
narrow the grid consistently; a selected digit shows its bars and can be
loaded into the canvas."""

import numpy as np
import pytest
from PySide6.QtCore import Qt

from digitpad.gui.evaluation.misclassified_dialog import MisclassifiedDialog
from digitpad.train.report import DigitPredictions


@pytest.fixture(scope="module")
def predictions(mnist_test_split, bundled):
    images, labels = mnist_test_split
    model = bundled[0]
    return DigitPredictions((images.reshape(-1, 28, 28) * 255).round().astype(np.uint8), labels,
                           model.predict_proba(images))


@pytest.fixture
def browser(qtbot, predictions):
    dialog = MisclassifiedDialog(predictions, "digitpad-mlp.npz")
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def shown_indices(dialog):
    return [dialog.model.testIndex(row) for row in range(dialog.model.rowCount())]


def test_the_grid_lists_every_mistake_most_confident_first(browser, predictions):
    wrong = np.flatnonzero(predictions.predictions != predictions.labels)
    shown = shown_indices(browser)
    assert sorted(shown) == sorted(wrong.tolist()) and len(shown) > 0
    confidence = [predictions.probabilities[i].max() for i in shown]
    assert confidence == sorted(confidence, reverse=True)
    first = browser.model.index(0)
    text = browser.model.data(first, Qt.ItemDataRole.DisplayRole)
    label, predicted = predictions.labels[shown[0]], predictions.predictions[shown[0]]
    assert text.startswith(f"{label} → {predicted}")
    assert not browser.model.data(first, Qt.ItemDataRole.DecorationRole).isNull()
    assert f"{len(wrong)} shown" == browser.countLabel.text()


def test_filters_by_true_and_predicted_digit(browser, predictions):
    browser.trueFilter.setCurrentIndex(9 + 1)
    assert all(predictions.labels[i] == 9 for i in shown_indices(browser))
    assert len(shown_indices(browser)) == int(((predictions.labels == 9)
                                               & (predictions.predictions != 9)).sum())
    browser.predictedFilter.setCurrentIndex(4 + 1)
    assert all(predictions.predictions[i] == 4 for i in shown_indices(browser))
    browser.setFilter(None, None)
    assert len(shown_indices(browser)) == int((predictions.predictions != predictions.labels).sum())


def test_confusion_matrix_cells_filter_the_grid(browser, predictions):
    matrix = browser.confusionMatrix.matrix()
    np.testing.assert_array_equal(matrix, predictions.confusion_matrix())
    off_diagonal = matrix * (1 - np.eye(10, dtype=int))
    true_digit, predicted_digit = np.unravel_index(off_diagonal.argmax(), matrix.shape)
    browser.confusionMatrix.cellClicked.emit(int(true_digit), int(predicted_digit))
    assert browser.trueFilter.currentData() == true_digit
    assert browser.predictedFilter.currentData() == predicted_digit
    assert len(shown_indices(browser)) == matrix[true_digit, predicted_digit]
    # Clicking by position works too.
    centre = browser.confusionMatrix.cellRect(7, 2).center()
    assert browser.confusionMatrix.cellAt(centre.x(), centre.y()) == (7, 2)


def test_selecting_shows_bars_and_loads_into_the_canvas(browser, predictions, window, qtbot):
    browser.loadDigit.connect(window.putOnCanvas)
    browser.grid.setCurrentIndex(browser.model.index(1))
    index = browser.selectedTestIndex()
    np.testing.assert_allclose(browser.detailBars.probabilities(), predictions.probabilities[index])
    assert f"#{index}" in browser.detailTitle.text()
    browser.loadButton.click()
    assert not window.canvas.isEmpty()
    assert window.recognition() is not None
    # The same network on the same digit, re-centred from the canvas: same answer.
    assert window.recognition().digit == predictions.predictions[index]
