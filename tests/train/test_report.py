"""The test-set report's metrics — accuracy, per-class precision, recall and
F1, the confusion matrix — computed with NumPy and checked against
scikit-learn's (skipped where scikit-learn is not installed), including the
awkward cases: a class never predicted and a class absent from the labels."""

import numpy as np
import pytest

from digitpad.train.report import DigitPredictions, class_metrics, confusion_matrix


def noisy_predictions(seed, count=2000):
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 10, count)
    predictions = np.where(rng.random(count) < 0.8, labels, rng.integers(0, 10, count))
    return labels, predictions


def awkward_cases():
    labels, predictions = noisy_predictions(0)
    never_predicted = predictions.copy()
    never_predicted[never_predicted == 9] = 8          # precision of 9 divides by zero
    labels_without_seven = np.where(labels == 7, 6, labels)     # recall of 7 divides by zero
    only_sevens_missing = labels_without_seven, np.where(predictions == 7, 5, predictions)
    return {
        "noisy": (labels, predictions),
        "a class never predicted": (labels, never_predicted),
        "a class never true": (labels_without_seven, predictions),
        "a class neither true nor predicted": only_sevens_missing,
        "all correct": (labels, labels),
    }


@pytest.mark.parametrize("case", list(awkward_cases()))
def test_class_metrics_match_scikit_learn(case):
    metrics = pytest.importorskip("sklearn.metrics")
    labels, predictions = awkward_cases()[case]
    precision, recall, f1, support, matrix = class_metrics(labels, predictions, 10)
    theirs = metrics.precision_recall_fscore_support(labels, predictions, labels=list(range(10)),
                                                     zero_division=0)
    for ours, expected in zip((precision, recall, f1, support), theirs):
        np.testing.assert_allclose(ours, expected, rtol=1e-12, atol=0)
    np.testing.assert_array_equal(matrix, metrics.confusion_matrix(labels, predictions,
                                                                   labels=list(range(10))))
    probabilities = np.eye(10, dtype=np.float32)[predictions]
    shown = DigitPredictions(np.zeros((len(labels), 28, 28), np.uint8), labels, probabilities)
    assert shown.accuracy == pytest.approx(metrics.accuracy_score(labels, predictions), abs=0)
    np.testing.assert_array_equal(shown.confusion_matrix(), matrix)


def test_confusion_matrix_counts_every_pair():
    labels = np.array([0, 0, 1, 2, 2, 2])
    predictions = np.array([0, 1, 1, 2, 0, 2])
    np.testing.assert_array_equal(confusion_matrix(labels, predictions, 3),
                                  [[1, 1, 0], [0, 1, 0], [1, 0, 2]])
    precision, recall, f1, support, _ = class_metrics(labels, predictions, 4)
    np.testing.assert_allclose(precision, [0.5, 0.5, 1.0, 0.0])
    np.testing.assert_allclose(recall, [0.5, 1.0, 2 / 3, 0.0])
    np.testing.assert_allclose(f1, [0.5, 2 / 3, 0.8, 0.0])
    np.testing.assert_array_equal(support, [2, 1, 3, 0])
