"""The diagnosis on real runs, each built to show one problem: a deep
sigmoid network on plain SGD (vanishing gradients), huge learning rates
(divergence, exploding gradients, dead units), a learning rate far too low
(underfitting), a big network on 300 digits (overfitting), ReLU units pushed
below zero (dead units), sigmoid units with huge weights (saturation), a
loss that overflows (divergence, also when the run stops). Each finding is
reported once, as it arises, with its evidence and a suggestion that makes a
valid next configuration, and lands in report.json and report.md; healthy
runs of the usual recipes on small subsets report nothing; a resumed run
repeats no finding."""

import json
import math

import pytest

from digitpad.train import (FINDING_NAMES, Callback, Finding, TrainingDiverged, config_from_preset,
                            run_training)
from digitpad.train.run import MnistData
from tests.train.test_trainer import StopAt


class Findings(Callback):
    """Every finding as observers receive it, with the step it arrived at."""

    def __init__(self):
        self.findings, self.steps = [], []

    def on_finding(self, trainer, finding):
        self.findings.append(finding)
        self.steps.append(trainer.global_step)

    @property
    def names(self):
        return [finding.name for finding in self.findings]


class ScaleWeights(Callback):
    """Before training: every hidden layer's weights times ``factor``, biases set to ``bias``."""

    def __init__(self, factor=1.0, bias=None):
        self.factor, self.bias = factor, bias

    def on_train_begin(self, trainer):
        for layer in trainer.model.layers[:-1]:
            if hasattr(layer, "weight"):
                layer.weight.value *= self.factor
                if self.bias is not None:
                    layer.bias.value[:] = self.bias


def diagnose(data, tmp_path, extra=(), preset="default", **settings):
    """A run of the settings; (its findings as observed, the result or the divergence)."""
    config = config_from_preset(preset, **{"seed": 1, "batch_size": 32, **settings})
    observer = Findings()
    try:
        result = run_training(config, tmp_path / "run", data=data, callbacks=[observer, *extra])
    except TrainingDiverged as error:
        result = error
    assert observer.names == [finding.name for finding in result.findings]
    assert len(set(observer.names)) == len(observer.names)            # once each
    for finding in observer.findings:
        check_finding(finding, config)
    return observer, result


def check_finding(finding, config):
    assert finding.name in FINDING_NAMES
    assert len(finding.message) > 40 and finding.evidence and finding.suggestion
    assert all(isinstance(value, (int, float, str)) for value in finding.evidence.values())
    finding.apply_to(config)                    # a valid configuration for the next run
    assert Finding.from_dict(json.loads(json.dumps(finding.to_dict()))) == finding


def test_a_deep_sigmoid_network_on_plain_sgd_has_vanishing_gradients(small_mnist, tmp_path):
    observer, result = diagnose(small_mnist, tmp_path, activation="sigmoid", optimizer="sgd", momentum=0.0,
                                learning_rate=0.01, hidden_sizes=(64,) * 6, epochs=1, diagnostics_every=10)
    assert observer.names == ["vanishing gradients"]
    finding = observer.findings[0]
    assert finding.evidence["ratio"] < 1e-2 and finding.suggestion == {"activation": "relu"}
    assert observer.steps[0] == 20             # in the second record, as it arose
    report = json.loads((tmp_path / "run/report.json").read_text())
    assert [entry["name"] for entry in report["findings"]] == ["vanishing gradients"]
    markdown = (tmp_path / "run/report.md").read_text()
    assert "**vanishing gradients**" in markdown and 'activation = "relu"' in markdown


def test_a_huge_learning_rate_diverges_kills_units_and_explodes_the_gradients(small_mnist, tmp_path):
    observer, _ = diagnose(small_mnist, tmp_path, learning_rate=1.0, hidden_sizes=(128,), epochs=1,
                           diagnostics_every=1)
    assert {"divergence", "exploding gradients", "dead units"} <= set(observer.names)
    assert "underfitting" not in observer.names
    by_name = {finding.name: finding for finding in observer.findings}
    assert by_name["divergence"].suggestion == {"learning_rate": 0.1}
    assert by_name["exploding gradients"].suggestion == {"max_grad_norm": 1.0}
    assert by_name["exploding gradients"].evidence["gradient norm"] > 100
    assert by_name["dead units"].suggestion == {"learning_rate": 0.1}       # the rate, not the activation
    assert by_name["divergence"].applies_live and not by_name["exploding gradients"].applies_live


def test_sgd_with_a_huge_learning_rate_is_diagnosed_at_the_default_interval(small_mnist, tmp_path):
    observer, _ = diagnose(small_mnist, tmp_path, optimizer="sgd", learning_rate=5.0, hidden_sizes=(128,),
                           epochs=1)
    assert "divergence" in observer.names


def test_a_loss_that_overflows_is_a_divergence_finding_too(small_mnist, tmp_path):
    observer, error = diagnose(small_mnist, tmp_path, optimizer="sgd", hidden_sizes=(64,) * 6, epochs=1,
                               learning_rate=0.01, extra=[ScaleWeights(factor=3.0)])
    assert isinstance(error, TrainingDiverged)
    assert observer.names == ["divergence"] and "numbers" in observer.findings[0].message


def test_a_learning_rate_far_too_low_is_underfitting(small_mnist, tmp_path):
    observer, _ = diagnose(small_mnist, tmp_path, optimizer="sgd", momentum=0.0, learning_rate=1e-4,
                           hidden_sizes=(128,), epochs=3, diagnostics_every=10)
    assert observer.names == ["underfitting"]
    assert observer.findings[0].suggestion == {"learning_rate": 1e-3}
    assert observer.findings[0].evidence["largest update-to-weight ratio"] < 1e-3


def test_a_big_network_on_300_digits_overfits(small_mnist, tmp_path):
    few = MnistData(small_mnist.train_images[:300], small_mnist.train_labels[:300],
                    small_mnist.validation_images, small_mnist.validation_labels,
                    small_mnist.test_images, small_mnist.test_labels, small_mnist.checksums)
    observer, _ = diagnose(few, tmp_path, hidden_sizes=(512, 256), epochs=8, learning_rate=3e-3,
                           schedule="constant")
    assert observer.names == ["overfitting"]
    finding = observer.findings[0]
    assert finding.evidence["validation loss now"] > finding.evidence["validation loss then"]
    assert finding.evidence["training loss now"] < finding.evidence["training loss then"]
    assert finding.suggestion == {"weight_decay": 1e-4, "augment": True} and finding.applies_live


def test_relu_units_pushed_below_zero_are_dead(small_mnist, tmp_path):
    observer, _ = diagnose(small_mnist, tmp_path, hidden_sizes=(64,), epochs=1, diagnostics_every=10,
                           extra=[ScaleWeights(bias=-5.0)])
    assert observer.names == ["dead units"]
    assert observer.findings[0].evidence["share of units dead"] == 1.0
    assert observer.findings[0].suggestion == {"activation": "leaky_relu"}


def test_sigmoid_units_with_huge_weights_saturate(small_mnist, tmp_path):
    observer, _ = diagnose(small_mnist, tmp_path, activation="sigmoid", hidden_sizes=(128, 64), epochs=1,
                           diagnostics_every=10, extra=[ScaleWeights(factor=30.0)])
    assert observer.names == ["saturation"]
    assert observer.findings[0].evidence["share of units saturated"] > 0.5


@pytest.mark.parametrize("preset, settings", [
    ("fast", {"epochs": 4}),
    ("bundled", {"hidden_sizes": (256, 256), "epochs": 4, "warmup_epochs": 1.0}),
    ("tiny", {"epochs": 6}),
    ("scratch", {}),
    ("default", {"optimizer": "sgd", "learning_rate": 0.05, "hidden_sizes": (256, 128), "epochs": 6}),
    ("default", {"activation": "sigmoid", "hidden_sizes": (128, 64), "epochs": 8}),
    ("default", {"activation": "tanh", "hidden_sizes": (128, 64), "epochs": 8}),
], ids=["fast", "bundled", "tiny", "scratch", "sgd", "sigmoid", "tanh"])
def test_healthy_runs_report_nothing(small_mnist, tmp_path, preset, settings):
    observer, result = diagnose(small_mnist, tmp_path, preset=preset,
                                **{"batch_size": config_from_preset(preset).batch_size, **settings})
    assert observer.names == [] and result.test_accuracy > 0.75
    assert "Nothing" in (tmp_path / "run/report.md").read_text()


def test_a_resumed_run_repeats_no_finding_and_reports_them_all(small_mnist, tmp_path):
    config = config_from_preset("default", activation="sigmoid", optimizer="sgd", momentum=0.0, seed=1,
                                learning_rate=0.01, hidden_sizes=(64,) * 6, epochs=2, batch_size=32,
                                diagnostics_every=10)
    first = Findings()
    stopped = run_training(config, tmp_path / "run", data=small_mnist, callbacks=[first, StopAt(1, 50)])
    assert stopped.status == "stopped" and first.names == ["vanishing gradients"]
    assert [finding.name for finding in stopped.findings] == ["vanishing gradients"]
    second = Findings()
    resumed = run_training(None, tmp_path / "run", data=small_mnist, resume=True, callbacks=[second])
    assert second.names == []
    assert [finding.name for finding in resumed.findings] == ["vanishing gradients"]
    assert resumed.findings[0] == first.findings[0]
    report = json.loads((tmp_path / "run/report.json").read_text())
    assert [entry["name"] for entry in report["findings"]] == ["vanishing gradients"]


def test_a_finding_read_back_is_validated():
    good = Finding("dead units", "Most of the units of layers.0 are dead.", {"share": 0.9},
                   {"activation": "leaky_relu"}, 12, 1).to_dict()
    assert Finding.from_dict(good).evidence == {"share": 0.9}
    for field, value in [("name", "sadness"), ("step", -1), ("evidence", {"share": math.inf}),
                         ("suggestion", {"hidden_sizes": [[1]]}), ("message", 7)]:
        with pytest.raises(ValueError, match=f"finding.{field}"):
            Finding.from_dict({**good, field: value})
