"""Resuming from a tampered ``last.npz``: a real stopped run's checkpoint is
rewritten with one field of its training state broken (the random state, the
position in the epoch, the running sums, the epoch's shuffle order, the
callbacks' state), and resuming must refuse it with a ``RunError`` naming the
file and the field, never a traceback and never silently training. An
untampered rewrite, and a finished run, still resume cleanly."""

import copy
import shutil

import numpy as np
import pytest

from digitpad.model.checkpoint import read_checkpoint, save_checkpoint
from digitpad.train import RunError, run_training
from digitpad.train.run import build_optimizer
from tests.train.test_trainer import StopAt, quick_config

# patience: EarlyStopping's state is saved too (it never triggers in 3 epochs).
CONFIG = quick_config(patience=5)
STOP_EPOCH, STOP_BATCH = 2, 11          # mid-epoch: the permutation is saved


@pytest.fixture(scope="module")
def stopped_run(small_mnist, tmp_path_factory):
    run_dir = tmp_path_factory.mktemp("runs") / "stopped"
    result = run_training(CONFIG, run_dir, data=small_mnist, callbacks=[StopAt(STOP_EPOCH, STOP_BATCH)])
    assert result.status == "stopped"
    return run_dir


@pytest.fixture
def run_copy(stopped_run, tmp_path):
    run_dir = tmp_path / "run"
    shutil.copytree(stopped_run, run_dir)
    return run_dir


def rewrite_last(run_dir, change_trainer=None, change_arrays=None, optimizer_steps=0):
    """Save ``last.npz`` again with ``change_trainer(trainer state)`` (which
    edits it in place or returns a replacement) and ``change_arrays(arrays)``."""
    path = run_dir / "last.npz"
    checkpoint = read_checkpoint(path)
    metadata = copy.deepcopy(checkpoint.metadata)
    if change_trainer is not None:
        replacement = change_trainer(metadata["trainer"])
        if replacement is not None:
            metadata["trainer"] = replacement
    arrays = dict(checkpoint.state_arrays)
    if change_arrays is not None:
        arrays = change_arrays(arrays)
    optimizer = build_optimizer(CONFIG, checkpoint.model)
    optimizer.load_state_dict(checkpoint.optimizer_state)
    optimizer.step_count += optimizer_steps
    save_checkpoint(checkpoint.model, path, metadata, optimizer=optimizer, state_arrays=arrays)


def assert_refused(run_dir, data, field):
    with pytest.raises(RunError) as caught:
        run_training(None, run_dir, data=data, resume=True)
    message = str(caught.value)
    assert message.startswith(f"{run_dir / 'last.npz'}: invalid training state: {field}"), message
    assert "\n" not in message
    return message


def set_path(dotted, value):
    """A tampering that sets ``trainer.<dotted>`` (``a.b``) to ``value``."""
    def change(trainer):
        *parents, last = dotted.split(".")
        target = trainer
        for key in parents:
            target = target[key]
        target[last] = value
    return change


def drop(dotted):
    def change(trainer):
        *parents, last = dotted.split(".")
        target = trainer
        for key in parents:
            target = target[key]
        del target[last]
    return change


TRAINER_TAMPERINGS = {
    # The random generator's state.
    "rng-state-is-text": (set_path("rng_state", "PCG64 please"), "trainer.rng_state"),
    "rng-other-generator": (set_path("rng_state.bit_generator", "MT19937"),
                            "trainer.rng_state.bit_generator"),
    "rng-inc-too-large": (set_path("rng_state.state.inc", 2**128), "trainer.rng_state.state.inc"),
    "rng-state-negative": (set_path("rng_state.state.state", -1), "trainer.rng_state.state.state"),
    "rng-state-float": (set_path("rng_state.state.state", 1.5), "trainer.rng_state.state.state"),
    "rng-has-uint32-2": (set_path("rng_state.has_uint32", 2), "trainer.rng_state.has_uint32"),
    "rng-uinteger-too-large": (set_path("rng_state.uinteger", 2**32), "trainer.rng_state.uinteger"),
    "rng-state-missing": (drop("rng_state.state"), "trainer.rng_state: missing state"),
    # Where training is.
    "epoch-negative": (set_path("epoch", -5), "trainer.epoch"),
    "epoch-beyond-the-run": (set_path("epoch", CONFIG.epochs + 1), "trainer.epoch"),
    "epoch-is-true": (set_path("epoch", True), "trainer.epoch"),
    "epoch-is-text": (set_path("epoch", "2"), "trainer.epoch"),
    "batch-index-past-the-epoch": (set_path("batch_index", 30), "trainer.batch_index"),
    "batch-index-negative": (set_path("batch_index", -1), "trainer.batch_index"),
    "global-step-inconsistent": (lambda trainer: trainer.update(global_step=trainer["global_step"] + 1),
                                 "trainer.global_step"),
    "batch-in-epoch-after-the-last": (
        lambda trainer: trainer.update(epoch=CONFIG.epochs,
                                       global_step=CONFIG.epochs * 30 + trainer["batch_index"]),
        "trainer.batch_index"),
    "elapsed-negative": (set_path("elapsed_seconds", -1.0), "trainer.elapsed_seconds"),
    "elapsed-is-text": (set_path("elapsed_seconds", "long"), "trainer.elapsed_seconds"),
    "epoch-missing": (drop("epoch"), "trainer: missing epoch"),
    "state-not-an-object": (lambda trainer: [1, 2, 3], "trainer: expected a JSON object"),
    # The running sums of the epoch in progress.
    "more-correct-than-seen": (
        lambda trainer: trainer["running"].update(correct=trainer["running"]["seen"] + 1),
        "trainer.running.correct"),
    "seen-not-the-batches-done": (set_path("running.seen", 7), "trainer.running.seen"),
    "loss-sum-negative": (set_path("running.loss_sum", -3.0), "trainer.running.loss_sum"),
    "running-missing": (drop("running"), "trainer: missing running"),
    # The callbacks' state.
    "history-not-a-list": (set_path("callbacks.history.epochs", "all of them"),
                           "trainer.callbacks.history.epochs"),
    "history-too-short": (lambda trainer: trainer["callbacks"]["history"]["epochs"].clear(),
                          "trainer.callbacks.history.epochs"),
    "history-too-long": (lambda trainer: trainer["callbacks"]["history"]["epochs"].extend([{}] * 5),
                         "trainer.callbacks.history.epochs"),
    "history-entry-text": (
        lambda trainer: trainer["callbacks"]["history"]["epochs"][0].update(train_loss="low"),
        "trainer.callbacks.history.epochs[0].train_loss"),
    "history-entry-not-an-object": (
        lambda trainer: trainer["callbacks"]["history"]["epochs"].__setitem__(0, 3),
        "trainer.callbacks.history.epochs[0]"),
    "checkpoint-best-text": (set_path("callbacks.model_checkpoint.best", "high"),
                             "trainer.callbacks.model_checkpoint.best"),
    "checkpoint-best-epoch-negative": (set_path("callbacks.model_checkpoint.best_epoch", -1),
                                       "trainer.callbacks.model_checkpoint.best_epoch"),
    "checkpoint-best-epoch-in-the-future": (set_path("callbacks.model_checkpoint.best_epoch", 3),
                                            "trainer.callbacks.model_checkpoint.best_epoch"),
    "early-stopping-wait-negative": (set_path("callbacks.early_stopping.wait", -1),
                                     "trainer.callbacks.early_stopping.wait"),
    "early-stopping-best-list": (set_path("callbacks.early_stopping.best", [0.9]),
                                 "trainer.callbacks.early_stopping.best"),
    "callback-state-missing": (drop("callbacks.model_checkpoint"),
                               "trainer.callbacks: missing model_checkpoint"),
    "callbacks-missing": (drop("callbacks"), "trainer.callbacks: expected a JSON object"),
}


@pytest.mark.parametrize("change, field", TRAINER_TAMPERINGS.values(), ids=TRAINER_TAMPERINGS.keys())
def test_a_tampered_training_state_is_refused_naming_the_field(run_copy, small_mnist, change, field):
    rewrite_last(run_copy, change_trainer=change)
    assert_refused(run_copy, small_mnist, field)


def permutation_with(change):
    def change_arrays(arrays):
        permutation = arrays["permutation"].copy()
        return {**arrays, "permutation": change(permutation)}
    return change_arrays


def out_of_range(permutation):
    permutation[0] = len(permutation)
    return permutation


def repeated(permutation):
    permutation[0] = permutation[1]
    return permutation


ARRAY_TAMPERINGS = {
    "out-of-range": (permutation_with(out_of_range), "values must lie in 0 to 2999"),
    "negative": (permutation_with(lambda permutation: permutation - 1), "values must lie in"),
    "repeated": (permutation_with(repeated), "not a permutation"),
    "float": (permutation_with(lambda permutation: permutation.astype(np.float64)), "integer array"),
    "too-short": (permutation_with(lambda permutation: permutation[:-1]), "saved for 2999 training digits"),
    "missing": (lambda arrays: {}, "missing"),
    "unexpected-array": (lambda arrays: {**arrays, "other": np.zeros(3)}, None),
}


@pytest.mark.parametrize("change, problem", ARRAY_TAMPERINGS.values(), ids=ARRAY_TAMPERINGS.keys())
def test_a_tampered_epoch_order_is_refused(run_copy, small_mnist, change, problem):
    rewrite_last(run_copy, change_arrays=change)
    field = "state.other" if problem is None else "state.permutation"
    message = assert_refused(run_copy, small_mnist, field)
    assert problem is None or problem in message


def test_the_trainer_itself_refuses_an_order_of_the_wrong_shape(stopped_run, small_mnist):
    """The checkpoint reader already refuses state arrays that are not 1-D;
    the trainer does not rely on that."""
    from digitpad.nn import SoftmaxCrossEntropy
    from digitpad.storage.schema import SchemaError
    from digitpad.train import Trainer
    from digitpad.train.run import build_model

    checkpoint = read_checkpoint(stopped_run / "last.npz")
    model = build_model(CONFIG, np.random.default_rng(0))
    optimizer = build_optimizer(CONFIG, model)
    optimizer.load_state_dict(checkpoint.optimizer_state)
    trainer = Trainer(model, optimizer, SoftmaxCrossEntropy(), batch_size=CONFIG.batch_size,
                      epochs=CONFIG.epochs, rng=np.random.default_rng(0))
    rng_state_before = trainer.rng.bit_generator.state
    permutation = checkpoint.state_arrays["permutation"]
    with pytest.raises(SchemaError, match=r"state\.permutation: expected a 1-D integer array"):
        trainer.load_state_dict(checkpoint.metadata["trainer"], {"permutation": permutation.reshape(2, -1)},
                                sample_count=len(small_mnist.train_images))
    # Nothing was changed by the refused state.
    assert trainer.epoch == 0 and trainer.permutation is None
    assert trainer.rng.bit_generator.state == rng_state_before
    trainer.load_state_dict(checkpoint.metadata["trainer"], checkpoint.state_arrays,
                            sample_count=len(small_mnist.train_images))
    assert (trainer.epoch, trainer.batch_index) == (STOP_EPOCH - 1, STOP_BATCH + 1)


def test_an_optimizer_out_of_step_with_the_trainer_is_refused(run_copy, small_mnist):
    rewrite_last(run_copy, optimizer_steps=1)
    assert "optimizer's" in assert_refused(run_copy, small_mnist, "trainer.global_step")


def test_an_untampered_rewrite_still_resumes_exactly(stopped_run, small_mnist, tmp_path):
    """The tampering helper itself changes nothing: a rewritten but intact
    checkpoint resumes to the weights of an uninterrupted run."""
    resumed_dir = tmp_path / "resumed"
    shutil.copytree(stopped_run, resumed_dir)
    rewrite_last(resumed_dir)
    resumed = run_training(None, resumed_dir, data=small_mnist, resume=True)
    straight = run_training(CONFIG, tmp_path / "straight", data=small_mnist)
    assert resumed.status == straight.status == "completed"
    for name, value in straight.model.state_dict().items():
        np.testing.assert_array_equal(resumed.model.state_dict()[name], value, err_msg=name)


def test_resuming_a_finished_run_just_reports_again(run_copy, small_mnist):
    first = run_training(None, run_copy, data=small_mnist, resume=True)
    assert first.status == "completed"
    again = run_training(None, run_copy, data=small_mnist, resume=True)
    assert again.status == "completed" and len(again.history) == CONFIG.epochs
    assert again.test_accuracy == first.test_accuracy
    # At an epoch boundary no epoch order is saved; one added is refused.
    rewrite_last(run_copy, change_arrays=lambda arrays: {"permutation": np.arange(3000)})
    assert_refused(run_copy, small_mnist, "state.permutation")


def test_a_checkpoint_for_another_network_is_refused(run_copy, small_mnist):
    other = quick_config(hidden_sizes=(16,))
    checkpoint = read_checkpoint(run_copy / "last.npz")
    from digitpad.train.run import build_model

    model = build_model(other, np.random.default_rng(0))
    save_checkpoint(model, run_copy / "last.npz", {"trainer": checkpoint.metadata["trainer"]},
                    optimizer=build_optimizer(other, model), state_arrays=checkpoint.state_arrays)
    with pytest.raises(RunError, match=r"last\.npz: the saved network .* is not the one"):
        run_training(None, run_copy, data=small_mnist, resume=True)
