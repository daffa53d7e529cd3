"""The training loop and whole runs: exact resume (at an epoch boundary and in
the middle of an epoch, with dropout and augmentation drawing random numbers),
divergence keeping the last good checkpoint, stop requests, callbacks, the run
folder's files and a short real training on MNIST reaching a useful accuracy."""

import csv
import json

import numpy as np
import pytest

from digitpad.model.checkpoint import read_checkpoint
from digitpad.train import (Callback, EarlyStopping, RunError, TrainingDiverged, config_from_preset,
                            run_training)
from digitpad.train.callbacks import CSVLogger


def quick_config(**changes):
    settings = dict(hidden_sizes=(32,), epochs=3, batch_size=100, dropout=0.2, augment=True,
                    learning_rate=2e-3, train_subset=3500, validation_size=500, seed=7)
    settings.update(changes)
    return config_from_preset("default", **settings)


class StopAt(Callback):
    """Requests a stop after a given (epoch, batch) — like Ctrl+C or Cancel."""

    def __init__(self, epoch, batch):
        self.epoch, self.batch = epoch, batch

    def on_batch_end(self, trainer, batch, logs):
        if trainer.epoch + 1 == self.epoch and batch == self.batch:
            trainer.stop_training = True


def weights(model):
    return model.state_dict()


def assert_same_weights(first, second):
    assert first.keys() == second.keys()
    for name in first:
        np.testing.assert_array_equal(first[name], second[name], err_msg=name)


@pytest.mark.parametrize("stop_epoch, stop_batch", [(1, 29), (2, 11)],
                         ids=["at-epoch-end", "mid-epoch"])
def test_resume_gives_exactly_the_weights_of_an_uninterrupted_run(small_mnist, tmp_path,
                                                                  stop_epoch, stop_batch):
    config = quick_config()
    straight = run_training(config, tmp_path / "straight", data=small_mnist)
    assert straight.status == "completed"

    first = run_training(config, tmp_path / "resumed", data=small_mnist,
                         callbacks=[StopAt(stop_epoch, stop_batch)])
    assert first.status == "stopped" and first.report is None
    resumed = run_training(None, tmp_path / "resumed", data=small_mnist, resume=True)
    assert resumed.status == "completed"

    assert_same_weights(weights(read_checkpoint(tmp_path / "straight/last.npz").model),
                        weights(read_checkpoint(tmp_path / "resumed/last.npz").model))
    assert_same_weights(weights(straight.model), weights(resumed.model))
    assert resumed.test_accuracy == straight.test_accuracy
    with open(tmp_path / "resumed/metrics.csv") as stream:
        rows = list(csv.DictReader(stream))
    assert [row["epoch"] for row in rows] == ["1", "2", "3"]
    with open(tmp_path / "straight/metrics.csv") as stream:
        straight_rows = list(csv.DictReader(stream))
    assert [row["val_accuracy"] for row in rows] == [row["val_accuracy"] for row in straight_rows]


def test_run_folder_contents_and_report(small_mnist, tmp_path):
    result = run_training(quick_config(epochs=2), tmp_path / "run", data=small_mnist)
    names = {path.name for path in (tmp_path / "run").iterdir()}
    assert names == {"config.json", "metrics.csv", "diagnostics.csv", "best.npz", "last.npz",
                     "report.json", "report.md"}
    saved_config = json.loads((tmp_path / "run/config.json").read_text())
    assert saved_config["hidden_sizes"] == [32] and saved_config["seed"] == 7

    report = json.loads((tmp_path / "run/report.json").read_text())
    assert report["count"] == 10000
    matrix = np.array(report["confusion_matrix"])
    assert matrix.shape == (10, 10) and matrix.sum() == 10000
    assert report["accuracy"] == pytest.approx(np.trace(matrix) / 10000)
    assert len(report["misclassified"]) == 10000 - np.trace(matrix)
    assert [row["support"] for row in report["per_class"]] == matrix.sum(axis=1).tolist()
    predictions = result.model.predict(small_mnist.test_images)
    for entry in report["misclassified"][:50]:
        assert predictions[entry["index"]] == entry["predicted"] != entry["label"]
        assert small_mnist.test_labels[entry["index"]] == entry["label"]
    confidences = [entry["probabilities"][entry["predicted"]] for entry in report["misclassified"]]
    assert confidences == sorted(confidences, reverse=True)
    assert "Confusion matrix" in (tmp_path / "run/report.md").read_text()

    best = read_checkpoint(tmp_path / "run/best.npz")
    assert best.metadata["metrics"]["test_accuracy"] == report["accuracy"]
    assert best.metadata["training"]["hidden_sizes"] == [32]
    assert best.optimizer_state is None
    last = read_checkpoint(tmp_path / "run/last.npz")
    assert last.optimizer_state["step_count"] == 2 * 30
    assert last.metadata["trainer"]["epoch"] == 2


def test_existing_run_folder_is_not_overwritten(small_mnist, tmp_path):
    run_training(quick_config(epochs=1), tmp_path / "run", data=small_mnist)
    with pytest.raises(RunError, match="already holds a training run"):
        run_training(quick_config(epochs=1), tmp_path / "run", data=small_mnist)
    with pytest.raises(RunError, match="not found"):
        run_training(None, tmp_path / "elsewhere", data=small_mnist, resume=True)


class PoisonWeights(Callback):
    def on_batch_end(self, trainer, batch, logs):
        if trainer.epoch == 1 and batch == 5:
            trainer.model.parameters()[0].value[0, :] = np.inf


def test_divergence_stops_with_a_clear_message_and_keeps_the_last_good_checkpoint(small_mnist, tmp_path):
    with pytest.raises(TrainingDiverged) as error:
        run_training(quick_config(augment=False), tmp_path / "run", data=small_mnist,
                     callbacks=[PoisonWeights()])
    message = str(error.value)
    assert "epoch 2" in message and "last.npz" in message
    kept = read_checkpoint(tmp_path / "run/last.npz")
    assert kept.metadata["trainer"]["epoch"] == 1
    assert all(np.isfinite(value).all() for value in kept.model.state_dict().values())


def test_real_training_on_an_mnist_subset_reaches_a_useful_accuracy(small_mnist, tmp_path):
    result = run_training(quick_config(hidden_sizes=(128,), epochs=6, augment=False, dropout=0.0),
                          tmp_path / "run", data=small_mnist)
    # 3,000 training digits and a few seconds: far above chance (10%).
    assert result.test_accuracy > 0.90
    losses = [entry["train_loss"] for entry in result.history]
    assert losses == sorted(losses, reverse=True)


class FakeTrainer:
    def __init__(self, model):
        self.model = model
        self.stop_training = False
        self.stop_reason = "stopped"


def test_early_stopping_stops_after_patience_and_restores_the_best_weights():
    from digitpad.nn import MLP

    model = MLP(784, (8,), 10, rng=np.random.default_rng(0))
    trainer = FakeTrainer(model)
    stopper = EarlyStopping("val_accuracy", "max", patience=2)
    best_weights = None
    for epoch, accuracy in enumerate([0.5, 0.7, 0.69, 0.65], start=1):
        model.parameters()[0].value += 1.0  # each epoch changes the weights
        stopper.on_epoch_end(trainer, epoch, {"val_accuracy": accuracy})
        if epoch == 2:
            best_weights = model.state_dict()
        assert trainer.stop_training == (epoch == 4)
    assert stopper.best_epoch == 2 and trainer.stop_reason == "early_stopped"
    stopper.on_train_end(trainer, "early_stopped")
    assert_same_weights(model.state_dict(), best_weights)


def test_csv_logger_drops_rows_beyond_the_resumed_epoch(tmp_path):
    path = tmp_path / "metrics.csv"
    logger = CSVLogger(path)

    class State:
        epoch = 0

    logger.on_train_begin(State)
    for epoch in (1, 2, 3):
        logger.on_epoch_end(State, epoch, {"epoch": epoch, "train_loss": 1.0 / epoch})
    State.epoch = 2
    CSVLogger(path).on_train_begin(State)
    with open(path) as stream:
        assert [row["epoch"] for row in csv.DictReader(stream)] == ["1", "2"]


def test_csv_logger_rewrite_is_atomic(tmp_path, monkeypatch):
    """The log is rewritten whole at the start of a (resumed) run: a failure
    half-way keeps the previous log, and no temporary file is left behind."""
    path = tmp_path / "metrics.csv"

    class State:
        epoch = 0

    CSVLogger(path).on_train_begin(State)
    for epoch in (1, 2):
        CSVLogger(path).on_epoch_end(State, epoch, {"epoch": epoch, "train_loss": 0.5})
    before = path.read_bytes()
    State.epoch = 1

    def fail(self, rows):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(csv.DictWriter, "writerows", fail)
    with pytest.raises(OSError):
        CSVLogger(path).on_train_begin(State)
    assert path.read_bytes() == before
    monkeypatch.undo()
    CSVLogger(path).on_train_begin(State)
    with open(path, newline="") as stream:
        assert [row["epoch"] for row in csv.DictReader(stream)] == ["1"]
    assert [entry.name for entry in tmp_path.iterdir()] == ["metrics.csv"]
