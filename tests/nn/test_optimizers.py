"""Optimiser steps against values worked out by hand (and, for Adam, against
the textbook formulas in ``digitpad.nn.textbook``), weight decay, state
round trips, learning-rate schedules and gradient clipping."""

import math

import numpy as np
import pytest

from digitpad.nn import (SGD, Adam, AdamW, ConstantSchedule, CosineSchedule, StepSchedule,
                         WarmupSchedule, clip_grad_norm, global_norm)
from digitpad.nn.textbook import adam as textbook_adam


def vector(*values):
    return np.array(values, dtype=np.float64)


def test_plain_sgd_step():
    param = vector(1.0, -2.0)
    SGD([param], learning_rate=0.1).step([vector(0.5, 0.25)])
    np.testing.assert_allclose(param, [0.95, -2.025])


def test_sgd_momentum_accumulates_velocity():
    param = vector(1.0, -2.0)
    optimizer = SGD([param], learning_rate=0.1, momentum=0.9)
    optimizer.step([vector(0.5, 0.25)])   # v = g = (0.5, 0.25)
    optimizer.step([vector(1.0, 0.0)])    # v = 0.9 v + g = (1.45, 0.225)
    np.testing.assert_allclose(param, [1 - 0.05 - 0.145, -2 - 0.025 - 0.0225])


def test_sgd_nesterov_looks_ahead_along_velocity():
    param = vector(1.0, -2.0)
    SGD([param], learning_rate=0.1, momentum=0.9, nesterov=True).step([vector(0.5, 0.25)])
    # v = g; update = g + 0.9 v = (0.95, 0.475)
    np.testing.assert_allclose(param, [0.905, -2.0475])


def test_sgd_l2_weight_decay_applies_to_weights_not_biases():
    weight = np.array([[1.0, -2.0]])
    bias = vector(1.0, -2.0)
    optimizer = SGD([weight, bias], learning_rate=0.1, weight_decay=0.1)
    optimizer.step([np.array([[0.5, 0.25]]), vector(0.5, 0.25)])
    # effective weight gradient (0.5 + 0.1, 0.25 - 0.2) = (0.6, 0.05)
    np.testing.assert_allclose(weight, [[0.94, -2.005]])
    np.testing.assert_allclose(bias, [0.95, -2.025])


def test_adam_first_step_moves_each_parameter_by_the_learning_rate():
    param = vector(1.0, -2.0)
    optimizer = Adam([param], learning_rate=1e-3)
    optimizer.step([vector(0.5, -0.25)])
    # Bias correction makes m_hat = g and v_hat = g^2, so the step is lr * sign(g).
    np.testing.assert_allclose(param, [0.999, -1.999], rtol=0, atol=1e-9)
    assert optimizer.step_count == 1


GRADIENTS = [(0.5, -0.25, 3.0), (-1.0, 0.5, 2.5), (0.2, 0.0, -4.0), (0.7, -0.1, 1e-4)]


def test_adam_matches_the_textbook_algorithm_over_several_steps():
    start = (1.0, -2.0, 0.3)
    param = vector(*start)
    optimizer = Adam([param], learning_rate=0.01, beta1=0.8, beta2=0.99)
    for grad in GRADIENTS:
        optimizer.step([vector(*grad)])
    expected = textbook_adam(start, GRADIENTS, 0.01, beta1=0.8, beta2=0.99)
    np.testing.assert_allclose(param, expected, rtol=1e-12, atol=1e-12)
    assert optimizer.step_count == len(GRADIENTS)


def test_adam_step_counter_is_shared_by_all_parameters():
    first, second = vector(1.0), vector(2.0)
    optimizer = Adam([first, second], learning_rate=0.1)
    optimizer.step([vector(1.0), vector(1.0)])
    optimizer.step([vector(1.0), vector(1.0)])
    assert optimizer.step_count == 2
    # With a constant gradient every bias-corrected step is exactly lr.
    np.testing.assert_allclose([first[0], second[0]], [0.8, 1.8], atol=1e-7)


def test_adam_with_l2_weight_decay_matches_textbook():
    start = (1.0, -2.0)
    param = np.array([start])
    grads = [(0.5, -0.25), (-1.0, 0.5)]
    optimizer = Adam([param], learning_rate=0.01, weight_decay=0.1)
    for grad in grads:
        optimizer.step([np.array([grad])])
    np.testing.assert_allclose(param[0], textbook_adam(start, grads, 0.01, weight_decay=0.1), rtol=1e-12)


def test_adamw_decouples_weight_decay():
    weight = np.array([[1.0, -2.0]])
    bias = vector(1.0, -2.0)
    optimizer = AdamW([weight, bias], learning_rate=0.1, weight_decay=0.1)
    optimizer.step([np.array([[0.5, -0.25]]), vector(0.5, -0.25)])
    # weight: shrink by (1 - 0.1 * 0.1), then the Adam step of lr * sign(g)
    np.testing.assert_allclose(weight, [[0.99 - 0.1, -1.98 + 0.1]], atol=1e-7)
    np.testing.assert_allclose(bias, [0.9, -1.9], atol=1e-7)
    grads = [(0.5, -0.25), (-1.0, 0.5), (0.3, 0.3)]
    param = np.array([[1.0, -2.0]])
    optimizer = AdamW([param], learning_rate=0.01, weight_decay=0.05)
    for grad in grads:
        optimizer.step([np.array([grad])])
    expected = textbook_adam((1.0, -2.0), grads, 0.01, weight_decay=0.05, decoupled=True)
    np.testing.assert_allclose(param[0], expected, rtol=1e-12)


def test_optimizers_update_float32_parameters_in_place():
    param = np.ones((3, 2), dtype=np.float32)
    alias = param
    optimizer = Adam([param])
    optimizer.step([np.full((3, 2), 0.5, dtype=np.float32)])
    assert param is alias and param.dtype == np.float32
    assert all(slot.dtype == np.float32 for arrays in optimizer.slots.values() for slot in arrays)


@pytest.mark.parametrize("factory", [
    lambda params: SGD(params, learning_rate=0.1, momentum=0.9, nesterov=True),
    lambda params: Adam(params, learning_rate=0.01),
    lambda params: AdamW(params, learning_rate=0.01, weight_decay=0.1),
], ids=["sgd", "adam", "adamw"])
def test_state_dict_round_trip_continues_identically(factory):
    rng = np.random.default_rng(0)
    params = [rng.standard_normal((4, 3)), rng.standard_normal(3)]
    grads = [[rng.standard_normal(p.shape) for p in params] for _ in range(6)]
    original = factory(params)
    for grad in grads[:3]:
        original.step(grad)
    copies = [param.copy() for param in params]
    restored = factory(copies)
    restored.load_state_dict(original.state_dict())
    for grad in grads[3:]:
        original.step(grad)
        restored.step(grad)
    for param, copy in zip(params, copies):
        np.testing.assert_array_equal(param, copy)
    assert restored.step_count == original.step_count == 6


def test_load_state_dict_rejects_mismatched_state_and_changes_nothing():
    param = vector(1.0, 2.0)
    optimizer = Adam([param])
    optimizer.step([vector(1.0, 1.0)])
    state = optimizer.state_dict()
    other = Adam([vector(0.0, 0.0, 0.0)])
    with pytest.raises(ValueError, match="shape"):
        other.load_state_dict(state)
    assert other.step_count == 0
    with pytest.raises(ValueError, match="sgd"):
        SGD([param], momentum=0.9).load_state_dict(state)


def test_invalid_hyperparameters_are_rejected():
    with pytest.raises(ValueError):
        SGD([vector(1.0)], learning_rate=-1)
    with pytest.raises(ValueError):
        SGD([vector(1.0)], nesterov=True)
    with pytest.raises(ValueError):
        Adam([vector(1.0)], beta1=1.0)


def test_schedules():
    assert ConstantSchedule(0.1)(12345) == 0.1
    step = StepSchedule(1.0, step_size=10, gamma=0.5)
    assert [step(0), step(9), step(10), step(25)] == [1.0, 1.0, 0.5, 0.25]
    cosine = CosineSchedule(1.0, total_steps=100, min_learning_rate=0.1)
    assert cosine(0) == pytest.approx(1.0)
    assert cosine(50) == pytest.approx(0.55)
    assert cosine(100) == pytest.approx(0.1)
    assert cosine(500) == pytest.approx(0.1)
    warm = WarmupSchedule(CosineSchedule(1.0, total_steps=10), warmup_steps=4)
    assert [warm(0), warm(1), warm(3)] == pytest.approx([0.25, 0.5, 1.0])
    assert warm(4) == pytest.approx(1.0)
    assert warm(9) == pytest.approx(cosine_value(5, 10))


def cosine_value(step, total):
    return 0.5 * (1 + math.cos(math.pi * step / total))


def test_clip_grad_norm_scales_all_gradients_together():
    grads = [vector(3.0, 0.0), np.array([[0.0, 4.0]])]
    norm = clip_grad_norm(grads, max_norm=1.0)
    assert norm == pytest.approx(5.0)
    assert global_norm(grads) == pytest.approx(1.0)
    np.testing.assert_allclose(grads[0], [0.6, 0.0])
    np.testing.assert_allclose(grads[1], [[0.0, 0.8]])


def test_clip_grad_norm_leaves_small_gradients_alone():
    grads = [vector(0.3, 0.4)]
    assert clip_grad_norm(grads, max_norm=1.0) == pytest.approx(0.5)
    np.testing.assert_array_equal(grads[0], [0.3, 0.4])


def test_adam_in_many_blocks_matches_the_textbook_over_many_steps():
    """A parameter several blocks long (and a tail), stepped 30 times, ends
    where Kingma & Ba's algorithm does, and its state holds their m and v."""
    from digitpad.nn.optimizers import BLOCK_SIZE

    rng = np.random.default_rng(11)
    start = rng.standard_normal(3 * BLOCK_SIZE + 1234)
    gradients = [rng.standard_normal(start.size) * 10.0 ** rng.integers(-4, 2) for _ in range(30)]
    param = start.copy()
    optimizer = Adam([param], learning_rate=0.01, beta1=0.8, beta2=0.99)
    for gradient in gradients:
        optimizer.step([gradient])
    np.testing.assert_allclose(param, textbook_adam(start, gradients, 0.01, beta1=0.8, beta2=0.99),
                               rtol=1e-12, atol=1e-12)
    m, v = np.zeros_like(start), np.zeros_like(start)
    for g in gradients:
        m = 0.8 * m + 0.2 * g
        v = 0.99 * v + 0.01 * g * g
    slots = optimizer.state_dict()["slots"]
    np.testing.assert_allclose(slots["first_moment"][0], m, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(slots["second_moment"][0], v, rtol=1e-12, atol=1e-15)


def test_a_new_gradient_array_each_step_updates_as_one_reused_buffer_does():
    """The optimiser keeps views of the gradient it was last given; a caller
    passing fresh arrays (or changing shapes of blocks) must still be served."""
    rng = np.random.default_rng(12)
    shapes = [(300, 500), (500,), (7, 3)]
    gradients = [[rng.standard_normal(shape).astype(np.float32) for shape in shapes] for _ in range(5)]
    reused = [np.zeros(shape, np.float32) for shape in shapes]
    first = [rng.standard_normal(shape).astype(np.float32) for shape in shapes]
    second = [param.copy() for param in first]
    fresh_optimizer, reused_optimizer = Adam(first), Adam(second)
    for step_gradients in gradients:
        fresh_optimizer.step([gradient.copy() for gradient in step_gradients])
        for buffer, gradient in zip(reused, step_gradients):
            buffer[...] = gradient
        reused_optimizer.step(reused)
    for a, b in zip(first, second):
        np.testing.assert_array_equal(a, b)


def test_blocks_cover_each_parameter_evenly_and_fit_the_cache():
    from digitpad.nn.optimizers import BLOCK_SIZE, _block_length

    for size in (1, 10, BLOCK_SIZE - 1, BLOCK_SIZE, BLOCK_SIZE + 1, 131072, 401408, 5 * BLOCK_SIZE + 7):
        length = _block_length(size)
        assert 1 <= length <= max(size, 1) and length <= 1.25 * BLOCK_SIZE
        blocks = -(-size // length)
        assert size - (blocks - 1) * length > 0        # no empty block
    assert _block_length(401408) == 66902              # 6 blocks, no small tail
