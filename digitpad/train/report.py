"""Evaluation reports: test accuracy, per-class precision, recall and F1, the
confusion matrix and every misclassified test digit with its predicted
probabilities. The metrics are computed from the confusion matrix with NumPy
alone, so the standalone app (which leaves scikit-learn out) scores exactly
as training from source does; the tests check them against scikit-learn's.
``write_report`` stores a report in a run folder as ``report.json`` (for
programs, including the app's misclassified-digits browser) and
``report.md`` (for people). A training run adds its diagnosis under
``findings`` (``Finding.to_dict()`` each) and the temperature calibration
of its model under ``calibration``, both shown in ``report.md`` too.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from digitpad.model.calibration import calibration_markdown
from digitpad.nn import MLP
from digitpad.storage.atomic import write_text_atomically


@dataclass
class DigitPredictions:
    """A model's predictions on a labelled set, for browsing its mistakes.

    ``images`` ``(N, 28, 28)`` uint8, ``labels`` ``(N,)`` int, ``probabilities`` ``(N, C)`` float32.
    """

    images: np.ndarray
    labels: np.ndarray
    probabilities: np.ndarray

    @property
    def predictions(self) -> np.ndarray:
        return self.probabilities.argmax(axis=1)

    @property
    def accuracy(self) -> float:
        return float((self.predictions == self.labels).mean()) if len(self.labels) else 0.0

    def confusion_matrix(self) -> np.ndarray:
        """``(C, C)`` counts, rows the true digit, columns the prediction."""
        return confusion_matrix(self.labels, self.predictions, self.probabilities.shape[1])

    def misclassified(self, true_digit: int | None = None,
                      predicted_digit: int | None = None) -> np.ndarray:
        """Indices of wrong predictions, optionally filtered, most confident first."""
        predictions = self.predictions
        wrong = predictions != self.labels
        if true_digit is not None:
            wrong &= self.labels == true_digit
        if predicted_digit is not None:
            wrong &= predictions == predicted_digit
        indices = np.flatnonzero(wrong)
        confidence = self.probabilities[indices, predictions[indices]]
        return indices[np.argsort(-confidence, kind="stable")]


def confusion_matrix(labels: np.ndarray, predictions: np.ndarray, num_classes: int) -> np.ndarray:
    """``(C, C)`` int64 counts, rows the true class, columns the predicted one."""
    pairs = np.asarray(labels, np.int64) * num_classes + np.asarray(predictions, np.int64)
    return np.bincount(pairs, minlength=num_classes * num_classes).reshape(num_classes, num_classes)


def class_metrics(labels: np.ndarray, predictions: np.ndarray, num_classes: int):
    """``(precision, recall, f1, support, confusion_matrix)`` per class.

    A class never predicted has precision 0, one absent from ``labels``
    recall 0, and F1 is 0 when both are (scikit-learn's ``zero_division=0``).
    """
    matrix = confusion_matrix(labels, predictions, num_classes)
    correct = np.diag(matrix).astype(np.float64)
    support = matrix.sum(axis=1)
    predicted = matrix.sum(axis=0)
    precision = np.divide(correct, predicted, out=np.zeros(num_classes), where=predicted > 0)
    recall = np.divide(correct, support, out=np.zeros(num_classes), where=support > 0)
    total = precision + recall
    f1 = np.divide(2 * precision * recall, total, out=np.zeros(num_classes), where=total > 0)
    return precision, recall, f1, support, matrix


def evaluation_report(model: MLP, images: np.ndarray, labels: np.ndarray) -> dict:
    """Score ``model`` on ``(N, 784)`` images; returns a JSON-able dict."""
    probabilities = model.predict_proba(images)
    predictions = probabilities.argmax(axis=1)
    precision, recall, f1, support, matrix = class_metrics(labels, predictions, model.num_classes)
    classes = range(model.num_classes)
    wrong = np.flatnonzero(predictions != labels)
    # Most confident mistakes first: those are the interesting ones to look at.
    wrong = wrong[np.argsort(-probabilities[wrong, predictions[wrong]], kind="stable")]
    return {
        "count": int(len(labels)),
        "accuracy": float((predictions == labels).mean()),
        "per_class": [
            {"digit": digit, "precision": float(precision[digit]), "recall": float(recall[digit]),
             "f1": float(f1[digit]), "support": int(support[digit])}
            for digit in classes
        ],
        "confusion_matrix": np.asarray(matrix).tolist(),
        "misclassified": [
            {"index": int(index), "label": int(labels[index]), "predicted": int(predictions[index]),
             "probabilities": [round(float(value), 6) for value in probabilities[index]]}
            for index in wrong
        ],
    }


def format_report_markdown(report: dict, title: str = "MNIST test set") -> str:
    """A human-readable Markdown rendering of :func:`evaluation_report`."""
    lines = [f"# Evaluation on the {title}", "",
             f"Accuracy: **{report['accuracy'] * 100:.2f}%** "
             f"({report['count'] - len(report['misclassified'])} of {report['count']} correct)", "",
             "| digit | precision | recall | support |", "|---|---|---|---|"]
    for row in report["per_class"]:
        lines.append(f"| {row['digit']} | {row['precision'] * 100:.2f}% | "
                     f"{row['recall'] * 100:.2f}% | {row['support']} |")
    matrix = report["confusion_matrix"]
    size = len(matrix)
    lines += ["", "Confusion matrix (rows: true digit, columns: predicted):", "",
              "| true \\ predicted | " + " | ".join(str(digit) for digit in range(size)) + " |",
              "|---" * (size + 1) + "|"]
    for digit, row in enumerate(matrix):
        lines.append(f"| **{digit}** | " + " | ".join(str(value) for value in row) + " |")
    worst = report["misclassified"][:20]
    if worst:
        lines += ["", "Most confident mistakes (test index: true -> predicted, confidence):", ""]
        for entry in worst:
            confidence = entry["probabilities"][entry["predicted"]]
            lines.append(f"- #{entry['index']}: {entry['label']} -> {entry['predicted']} "
                         f"({confidence * 100:.1f}%)")
    if "calibration" in report:
        lines += ["", *calibration_markdown(report["calibration"])]
    if "findings" in report:
        lines += ["", *findings_markdown(report["findings"])]
    return "\n".join(lines) + "\n"


def findings_markdown(findings: list[dict]) -> list[str]:
    """The lines of a 'What the diagnosis found' section, from ``Finding.to_dict()`` entries."""
    lines = ["## What the diagnosis found", ""]
    if not findings:
        return lines + ["Nothing: no overfitting, underfitting, divergence, exploding or vanishing "
                        "gradients, dead units or saturation was seen."]
    for finding in findings:
        evidence = ", ".join(f"{name} {value:.4g}" if isinstance(value, float) else f"{name} {value}"
                             for name, value in finding["evidence"].items())
        suggestion = ", ".join(f"{name} = {json.dumps(value)}" for name, value in finding["suggestion"].items())
        lines += [f"- **{finding['name']}** (epoch {finding['epoch']}, step {finding['step']}): "
                  f"{finding['message']}", f"  Evidence: {evidence}.", f"  Try: {suggestion}."]
    return lines


def write_report(report: dict, folder: str | os.PathLike) -> tuple[Path, Path]:
    """Write ``report.json`` and ``report.md`` into ``folder``; returns both paths."""
    folder = Path(folder)
    json_path, markdown_path = folder / "report.json", folder / "report.md"
    write_text_atomically(json_path, json.dumps(report, indent=1))
    write_text_atomically(markdown_path, format_report_markdown(report))
    return json_path, markdown_path
