"""Training diagnostics: each layer's signals are what they claim to be
(checked against the weights and gradients themselves, clipping undone),
records come every N batches and at every epoch's end, reach observers,
fill diagnostics.csv and the epoch-end columns of metrics.csv (whose
standard columns stay first), change nothing about the run, and survive a
resume exactly; the inactive-unit definitions hold for every activation."""

import csv

import numpy as np
import pytest

from digitpad.nn import MLP, Adam, SoftmaxCrossEntropy
from digitpad.train import Callback, Diagnostics, run_training
from digitpad.train.callbacks import METRIC_COLUMNS
from digitpad.train.diagnostics import inactive_share, probe_images, signal_columns
from digitpad.train.trainer import Trainer
from tests.train.test_trainer import StopAt, assert_same_weights, quick_config


class Records(Callback):
    """Keeps every diagnostics record, as the app's charts would receive them."""

    def __init__(self):
        self.records = []

    def on_diagnostics(self, trainer, record):
        self.records.append(record)


def read_rows(path):
    with open(path, newline="") as stream:
        return list(csv.DictReader(stream))


class Truth(Callback):
    """Computes the signals independently at the steps a record is taken."""

    def __init__(self):
        self.before, self.expected = None, {}

    def on_batch_begin(self, trainer, batch):
        self.before = [layer.weight.value.copy() for layer in trainer.model.layers
                       if hasattr(layer, "weight")]

    def on_diagnostics(self, trainer, record):
        dense = [layer for layer in trainer.model.layers if hasattr(layer, "weight")]
        self.expected[record.step] = [
            (np.linalg.norm(layer.weight.grad.astype(np.float64)) / trainer.gradient_scale,
             np.linalg.norm((layer.weight.value - before).astype(np.float64))
             / np.linalg.norm(layer.weight.value.astype(np.float64)),
             layer.weight.value.mean(dtype=np.float64), layer.weight.value.std(dtype=np.float64))
            for layer, before in zip(dense, self.before)]


@pytest.mark.parametrize("max_grad_norm", [0.0, 0.05], ids=["unclipped", "clipped"])
def test_signals_are_the_norms_ratios_and_moments_of_the_real_weights(small_mnist, max_grad_norm):
    rng = np.random.default_rng(3)
    model = MLP(784, (32, 16), 10, rng=rng)
    optimizer = Adam([parameter.value for parameter in model.parameters()], learning_rate=1e-3)
    truth, records = Truth(), Records()
    trainer = Trainer(model, optimizer, SoftmaxCrossEntropy(), batch_size=100, epochs=1, rng=rng,
                      max_grad_norm=max_grad_norm,
                      callbacks=[Diagnostics(probe_images(small_mnist.train_images, 0), every=7),
                                 truth, records])
    trainer.fit(small_mnist.train_images[:1000], small_mnist.train_labels[:1000])
    assert [record.step for record in records.records] == [7, 10]      # every 7, and the epoch's end
    assert [record.epoch_end for record in records.records] == [False, True]
    for record in records.records:
        assert list(record.layers) == ["layers.0", "layers.2", "layers.4"]
        for signals, expected in zip(record.layers.values(), truth.expected[record.step]):
            np.testing.assert_allclose(
                [signals.grad_norm, signals.update_ratio, signals.weight_mean, signals.weight_std],
                expected, rtol=1e-4, atol=1e-9)
        assert record.layers["layers.4"].inactive is None           # the output layer has no units to watch
        assert record.layers["layers.0"].activation == "relu"
    if max_grad_norm:
        # The norms reported are the network's own, above the clipping limit.
        assert records.records[0].layers["layers.0"].grad_norm > max_grad_norm


def test_inactive_means_dead_for_relu_and_saturated_for_sigmoid_and_tanh():
    outputs = np.array([[0.0, 0.5, 0.0, 0.0],
                        [0.0, 0.0, 0.2, 0.0],
                        [0.0, 0.0, 0.0, 0.0]], np.float32)
    assert inactive_share("relu", outputs) == 0.5          # columns 0 and 3 never fire
    assert inactive_share("leaky_relu", outputs - 0.6) == 1.0     # negative everywhere
    sigmoid = np.array([[0.005, 0.5, 0.995, 0.002],
                        [0.995, 0.5, 0.5, 0.5],
                        [0.001, 0.5, 0.995, 0.5]], np.float32)
    # Units 0 (all three at a limit) and 2 (two of three): more than half of the images.
    assert inactive_share("sigmoid", sigmoid) == 0.5
    assert inactive_share("sigmoid", sigmoid[:2]) == 0.25     # one of two is not more than half
    tanh = np.where(sigmoid > 0.9, 0.995, np.where(sigmoid < 0.1, -0.999, 0.0))   # the same pattern
    assert inactive_share("tanh", tanh) == 0.5
    assert inactive_share("tanh", np.zeros((3, 4), np.float32)) == 0.0


def test_records_fill_diagnostics_csv_and_the_epoch_columns_of_metrics_csv(small_mnist, tmp_path):
    records = Records()
    run_training(quick_config(epochs=2, diagnostics_every=8), tmp_path / "run", data=small_mnist,
                 callbacks=[records])
    # 30 batches per epoch: steps 8, 16, 24, then the epoch's last (30), and so on.
    assert [record.step for record in records.records] == [8, 16, 24, 30, 32, 40, 48, 56, 60]
    diagnostics = read_rows(tmp_path / "run/diagnostics.csv")
    assert [int(row["step"]) for row in diagnostics] == [record.step for record in records.records]
    for row, record in zip(diagnostics, records.records):
        for column, value in record.columns().items():
            assert float(row[column]) == pytest.approx(value, rel=1e-5), column
        assert row["epoch_end"] == str(int(record.epoch_end))

    metrics = read_rows(tmp_path / "run/metrics.csv")
    header = list(metrics[0])
    assert header[:len(METRIC_COLUMNS)] == list(METRIC_COLUMNS)
    assert {"grad_norm/layers.0", "update_ratio/layers.0", "weight_mean/layers.0", "weight_std/layers.0",
            "inactive/layers.0", "activation_mean/layers.0", "grad_norm/layers.3"} <= set(header)
    assert "inactive/layers.3" not in header            # the output layer
    epoch_ends = [row for row in diagnostics if row["epoch_end"] == "1"]
    for metrics_row, diagnostics_row in zip(metrics, epoch_ends):
        for column in signal_columns(MLP(784, (32,), 10, dropout=0.2)):
            assert metrics_row[column] == diagnostics_row[column]


def test_looking_inside_changes_nothing_about_the_run(small_mnist, tmp_path):
    watched = run_training(quick_config(epochs=2, diagnostics_every=1), tmp_path / "watched", data=small_mnist)
    unwatched = run_training(quick_config(epochs=2, diagnostics_every=0), tmp_path / "unwatched",
                             data=small_mnist)
    assert_same_weights(watched.model.state_dict(), unwatched.model.state_dict())
    assert len(read_rows(tmp_path / "watched/diagnostics.csv")) == 60
    assert len(read_rows(tmp_path / "unwatched/diagnostics.csv")) == 2     # epoch ends only


def test_a_resumed_run_writes_the_diagnostics_of_an_uninterrupted_one(small_mnist, tmp_path):
    config = quick_config(diagnostics_every=4)
    run_training(config, tmp_path / "straight", data=small_mnist)
    first = run_training(config, tmp_path / "resumed", data=small_mnist, callbacks=[StopAt(2, 11)])
    assert first.status == "stopped"
    # Rows written after the checkpoint (none here, but a crash leaves some) are dropped.
    with open(tmp_path / "resumed/diagnostics.csv", "a", newline="") as stream:
        stream.write("999,9,9,0,1.0,0.001\n")
    run_training(None, tmp_path / "resumed", data=small_mnist, resume=True)
    assert read_rows(tmp_path / "resumed/diagnostics.csv") == read_rows(tmp_path / "straight/diagnostics.csv")
    assert read_rows(tmp_path / "resumed/metrics.csv")[-1]["grad_norm/layers.0"] == \
        read_rows(tmp_path / "straight/metrics.csv")[-1]["grad_norm/layers.0"]


def test_the_probe_is_fixed_and_leaves_the_run_generator_alone(small_mnist):
    first = probe_images(small_mnist.train_images, seed=5)
    assert first.shape == (256, 784)
    np.testing.assert_array_equal(first, probe_images(small_mnist.train_images, seed=5))
    assert not np.array_equal(first, probe_images(small_mnist.train_images, seed=6))
    assert probe_images(small_mnist.train_images[:40], seed=5).shape == (40, 784)
