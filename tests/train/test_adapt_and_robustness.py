"""Adapting to a writer's samples and the robustness report, on small data."""

import numpy as np
import pytest

from digitpad.model.checkpoint import bundled_checkpoint_path, load_checkpoint
from digitpad.train.adapt import AdaptConfig, adapt_to_handwriting, holdout_split
from digitpad.train.callbacks import Callback
from digitpad.train.robustness import perturbation_curve, robustness_report
from digitpad.train.status import RunStatus
from digitpad.train.writers import Condition, replay
from tests.model.odd_writers import odd_digit, odd_writers


@pytest.fixture(scope="module")
def model():
    return load_checkpoint(bundled_checkpoint_path())[0]


def angular_ones(count, seed):
    """1s by the odd writer who writes them continental, slanted and with few
    pen points: the bundled model, which reads plain continental 1s, misreads these."""
    rng = np.random.default_rng(seed)
    digits = [odd_digit(1, "angular", rng) for _ in range(count)]
    return replay(digits, Condition(22.0, 250.0)).images.reshape(count, -1)


def test_holdout_split_keeps_every_digit_in_training():
    labels = np.array([1] * 8 + [7] * 4 + [3])
    train, holdout = holdout_split(labels, 0.25, np.random.default_rng(0))
    assert sorted(np.concatenate([train, holdout])) == list(range(len(labels)))
    assert list(np.bincount(labels[holdout], minlength=10)[[1, 7, 3]]) == [2, 1, 0]
    assert set(labels[train]) == {1, 3, 7}


def test_adaptation_teaches_a_style_without_forgetting_mnist(model, mnist_test_split):
    images, labels = mnist_test_split
    mnist_train = (images[:3000], labels[:3000])
    mnist_test = (images[5000:7000], labels[5000:7000])
    taught, fresh = angular_ones(16, 1), angular_ones(30, 2)
    before_fresh = (model.predict(fresh) == 1).mean()
    assert before_fresh < 0.5
    weights_before = model.state_dict()
    result = adapt_to_handwriting(model, taught, np.ones(16, np.int64), mnist_train, mnist_test,
                                  AdaptConfig())
    after_fresh = (result.model.predict(fresh) == 1).mean()
    assert result.status == "completed" and result.train_count == 12 and result.holdout_count == 4
    # One digit taught gets a tenth of the share all ten would: enough to read
    # most of the writer's other 1s right, too little to make MNIST's 7s into 1s.
    assert after_fresh > before_fresh and after_fresh >= 0.6
    assert result.after["mnist_test"] >= result.before["mnist_test"] - 0.003
    for name, value in model.state_dict().items():          # the input model is untouched
        np.testing.assert_array_equal(value, weights_before[name])
    with pytest.raises(ValueError, match="at least"):
        adapt_to_handwriting(model, taught[:3], np.ones(3, np.int64), mnist_train, None)


def odd_writer_images(writer, per_digit, seed):
    """``per_digit`` of every digit by a synthetic odd writer, drawn big through
    the canvas path: ``(N, 784)`` network inputs and ``(N,)`` labels."""
    digits = odd_writers(per_digit, seed, (writer,))
    return (replay(digits, Condition(22.0, 250.0)).images.reshape(len(digits), -1),
            np.array([digit.label for digit in digits], np.int64))


def test_adapting_fixes_most_of_an_odd_writers_other_digits(model, mnist_test_split):
    images, labels = mnist_test_split
    mnist_train = (images[:3000], labels[:3000])
    mnist_test = (images[5000:7000], labels[5000:7000])
    weights_before = model.state_dict()
    errors_before = errors_after = 0
    for writer in ("squeezed", "top-heavy"):            # the two the model reads worst
        taught, taught_labels = odd_writer_images(writer, 8, 0)
        fresh, fresh_labels = odd_writer_images(writer, 10, 1)      # other digits, never taught
        result = adapt_to_handwriting(model, taught, taught_labels, mnist_train, mnist_test,
                                      AdaptConfig(mnist_digits=3000))
        before = int((model.predict(fresh) != fresh_labels).sum())
        after = int((result.model.predict(fresh) != fresh_labels).sum())
        assert before >= 10 and after < before / 2, (writer, before, after)
        errors_before, errors_after = errors_before + before, errors_after + after
        assert result.after["personal_holdout"] > result.before["personal_holdout"]
        assert result.after["mnist_test"] >= result.before["mnist_test"] - 0.003
        assert result.model.temperature == model.temperature
    assert errors_after <= errors_before / 4
    for name, value in model.state_dict().items():          # the input model is untouched
        np.testing.assert_array_equal(value, weights_before[name])


class StopAfterFirstBatch(Callback):
    def on_batch_end(self, trainer, batch, logs) -> None:
        trainer.stop_training = True


def test_a_callback_stops_adapting_within_one_batch(model, mnist_test_split):
    images, labels = mnist_test_split
    taught, taught_labels = odd_writer_images("wide", 2, 0)
    weights_before = model.state_dict()
    trainers = []
    result = adapt_to_handwriting(model, taught, taught_labels, (images[:3000], labels[:3000]), None,
                                  AdaptConfig(mnist_digits=3000), callbacks=[StopAfterFirstBatch()],
                                  on_trainer=trainers.append)
    assert result.status == RunStatus.STOPPED and result.after == {}
    assert trainers[0].global_step == 1 and trainers[0].batches_per_epoch > 1
    for name, value in model.state_dict().items():
        np.testing.assert_array_equal(value, weights_before[name])


def test_perturbation_curves_behave(model, mnist_test_split):
    images, labels = mnist_test_split
    squares = images[:200].reshape(-1, 28, 28)
    rotation = perturbation_curve(model, squares, labels[:200], "rotation", np.random.default_rng(0))
    network = rotation.accuracy["network alone"]
    assert network[rotation.values.index(0)] > 0.97
    assert network[0] < network[rotation.values.index(0)]            # 45 degrees hurts
    shift = perturbation_curve(model, squares, labels[:200], "shift", np.random.default_rng(0))
    # Re-centring undoes a shift; the bare network suffers from it.
    assert shift.accuracy["with preprocessing"][-1] > shift.accuracy["network alone"][-1]


def test_report_can_be_stopped_and_runs_through(model, mnist_test_split):
    images, labels = mnist_test_split
    squares = images[:300].reshape(-1, 28, 28)
    assert robustness_report(model, squares, labels[:300], sample=30, drawn_sample=3,
                             should_stop=lambda: True) is None
    steps = []
    report = robustness_report(model, squares, labels[:300], sample=30, drawn_sample=3,
                               progress=lambda step, result: steps.append(step))
    assert steps == ["mnist", "rotation", "scale", "shift", "thickness", "noise", "drawn", "templates"]
    assert set(report.to_dict()) == {"mnist_accuracy", "drawn_accuracy", "template_accuracy", "curves"}
