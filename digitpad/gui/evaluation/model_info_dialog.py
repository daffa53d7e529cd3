"""Model → Model info: what the model in use is — its file, architecture and
size, the preprocessing it expects, how it was trained and how well it
scored, how honest its confidence is (its calibration, with a reliability
diagram on a tab of its own), and what was changed in the lab after
training — read from the checkpoint's metadata. The training settings are labelled from the settings
description in ``digitpad.train.config``.
"""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTabWidget, QTextBrowser, QVBoxLayout, QWidget

from digitpad.gui.evaluation.reliability_diagram import ReliabilityDiagram

from digitpad.inside import ModelEdits
from digitpad.nn import MLP
from digitpad.storage.schema import SchemaError
from digitpad.train.config import SETTING_NAMES, SETTINGS
from digitpad.train.settings import format_value


def _training_rows(training: dict) -> list[tuple[str, str]]:
    """Every training setting the checkpoint records, labelled and in the
    order of the settings description; settings it no longer describes
    (from an older digitpad) follow under their own names."""
    rows = [(item.label, format_value(item, training[item.name])) for item in SETTINGS
            if item.name in training]
    rows += [(name, format_value(None, value)) for name, value in training.items()
             if name not in SETTING_NAMES]
    return rows


def _rows(pairs) -> str:
    return "".join(f"<tr><td style='padding-right:18px; color:#666'>{html.escape(str(key))}</td>"
                   f"<td>{html.escape(str(value))}</td></tr>" for key, value in pairs)


def _percent(value) -> str:
    return f"{value * 100:.2f}%" if isinstance(value, (int, float)) else "—"


def _edits_html(metadata: dict) -> list[str]:
    """The lab's edits recorded in the checkpoint, in words, and the file they were made to."""
    if "edits" not in metadata and "edited_from" not in metadata:
        return []
    try:
        lines = ModelEdits.from_dict(metadata.get("edits", {})).describe()
    except SchemaError as error:
        lines = [f"(not readable: {error})"]
    items = "".join(f"<li>{html.escape(line)}</li>" for line in lines) or "<li>none</li>"
    return ["<h4>Edits</h4><p>Changed in the lab after training:</p>", f"<ul>{items}</ul>",
            "<table>", _rows([("Edited from", metadata.get("edited_from", "—"))]), "</table>"]


def _calibration_html(model: MLP, metadata: dict) -> list[str]:
    """The temperature the model's probabilities use and how honest they are, before and after."""
    calibration = metadata.get("calibration")
    if calibration is None:
        return ["<h4>Calibration</h4><p>Not calibrated: the probabilities are as trained (temperature 1).</p>"]
    rows = [("Softmax temperature", f"{model.temperature:.4g}"),
            ("Fitted on", calibration.get("fitted_on", "—"))]
    for label, key in (("Calibration error (ECE), test", "test_ece"),
                       ("Calibration error (ECE), validation", "ece"),
                       ("Median confidence when right, test", "test_median_confidence_right")):
        if f"{key}_before" in calibration and f"{key}_after" in calibration:
            rows.append((label, f"{_percent(calibration[key + '_before'])} before, "
                                f"{_percent(calibration[key + '_after'])} after"))
    return ["<h4>Calibration</h4><p>Every score is divided by the temperature before the softmax, so "
            "that the confidence shown is honest: of the digits read 90% sure, about 90% are right. "
            "The Confidence tab shows it as a reliability diagram.</p><table>", _rows(rows), "</table>"]


def model_info_html(model: MLP, path: Path, metadata: dict) -> str:
    sizes = "-".join(str(size) for size in (model.input_size, *model.hidden_sizes, model.num_classes))
    metrics = metadata.get("metrics", {})
    training = metadata.get("training", {})
    parts = [f"<h3>{html.escape(path.name)}</h3>",
             f"<p style='color:#666'>{html.escape(str(path))}</p>",
             "<h4>Network</h4><table>", _rows([
                 ("Layers", sizes), ("Activation", model.activation),
                 ("Dropout (training only)", model.dropout),
                 ("Parameters", f"{model.num_parameters():,}")]), "</table>",
             "<h4>Scores</h4><table>", _rows([
                 ("MNIST test accuracy", _percent(metrics.get("test_accuracy"))),
                 ("Validation accuracy", _percent(metrics.get("val_accuracy"))),
                 ("Best epoch", metrics.get("epoch", "—")),
                 ("Training time", f"{metrics['train_seconds']:.0f} s" if "train_seconds" in metrics else "—")]),
             "</table>"]
    parts += _calibration_html(model, metadata)
    parts += _edits_html(metadata)
    if training:
        parts += ["<h4>Training</h4><table>", _rows(_training_rows(training)), "</table>"]
    preprocessing = metadata.get("preprocessing", {})
    if preprocessing:
        parts += ["<h4>Input it expects</h4><table>", _rows(preprocessing.items()), "</table>"]
    checksums = metadata.get("dataset", {}).get("checksums", {})
    parts += ["<h4>Provenance</h4><table>", _rows([
        ("Created", metadata.get("created", "—")),
        ("digitpad version", metadata.get("digitpad_version", "—")),
        *((f"MD5 {name}", digest) for name, digest in checksums.items())]), "</table>"]
    return "".join(parts)


class ModelInfoDialog(QDialog):
    def __init__(self, model: MLP, path: Path, metadata: dict, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("modelInfoDialog")
        self.setWindowTitle("Model info")
        self.resize(580, 700)
        browser = QTextBrowser()
        browser.setObjectName("modelInfo")
        browser.setHtml(model_info_html(model, Path(path), metadata))
        self.reliability = ReliabilityDiagram()
        self.reliability.setCalibration(metadata.get("calibration"))
        self.tabs = QTabWidget()
        self.tabs.setObjectName("modelInfoTabs")
        self.tabs.addTab(browser, "Model")
        self.tabs.addTab(self.reliability, "Confidence")
        self.tabs.setTabToolTip(1, "Can its confidence be taken at its word? A reliability diagram")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(buttons)
