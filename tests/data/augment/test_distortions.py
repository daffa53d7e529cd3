"""Tests for ``digitpad.data.augment.distortions``: shapes, dtypes and value range, the
identity at strength 0, seeding, exact geometry of the affine warp and the
bilinear sampler, ink and centre-of-mass preservation on real MNIST digits, the
canvas clamp, and stroke thickening/thinning."""

from __future__ import annotations

import gzip
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from digitpad.data.augment.distortions import (AugmentConfig, affine_matrices, affine_source_grid,
                                               augment_batch, bilinear_sample)
from digitpad.data.augment.resampling import gaussian_smoothing_matrix
from digitpad.data.ink.stroke_width import vary_thickness

MNIST_TEST_IMAGES = "t10k-images-idx3-ubyte.gz"
REAL_DIGIT_COUNT = 256
CANVAS_CENTRE = 13.5


@pytest.fixture(scope="module")
def real_digits(mnist_dir: Path) -> np.ndarray:
    """The first ``REAL_DIGIT_COUNT`` MNIST test digits, ``(N, 28, 28)`` float32 in [0, 1]."""
    with gzip.open(mnist_dir / MNIST_TEST_IMAGES) as stream:
        payload = stream.read(16 + REAL_DIGIT_COUNT * 784)
    pixels = np.frombuffer(payload, np.uint8, offset=16).reshape(-1, 28, 28)
    return (pixels / np.float32(255.0)).astype(np.float32)


@pytest.fixture
def synthetic_digits() -> np.ndarray:
    """Eight blocky 'digits' (a ring and a bar) near the centre, ``(8, 28, 28)`` float32."""
    images = np.zeros((8, 28, 28), np.float32)
    images[:, 7:21, 9:19] = 1.0
    images[:, 10:18, 12:16] = 0.0
    images[1::2, 7:21, 13:15] = 0.6
    return images


def centre_of_mass(images: np.ndarray) -> np.ndarray:
    """``(B, 2)`` as ``(x, y)``."""
    total = images.sum(axis=(1, 2))
    grid = np.arange(images.shape[-1])
    return np.stack([(images.sum(axis=1) @ grid) / total, (images.sum(axis=2) @ grid) / total], axis=1)


def only(**magnitudes: float) -> AugmentConfig:
    """A config with every magnitude zero except the given ones."""
    zero = dict(rotation_degrees=0.0, scale=0.0, shear_degrees=0.0, shift_pixels=0.0, elastic_alpha=0.0)
    return AugmentConfig(**{**zero, **magnitudes})


@pytest.mark.parametrize("shape", [(5, 28, 28), (5, 784), (300, 784)], ids=["grid", "flat", "several-chunks"])
def test_shape_dtype_and_range_are_preserved(shape: tuple[int, ...]) -> None:
    rng = np.random.default_rng(0)
    images = rng.random(shape, dtype=np.float32)
    original = images.copy()
    result = augment_batch(images, np.random.default_rng(1), AugmentConfig(thickness=0.5))
    assert result.shape == shape
    assert result.dtype == np.float32
    assert result.min() >= 0.0 and result.max() <= 1.0
    assert not np.shares_memory(result, images)
    np.testing.assert_array_equal(images, original)


def test_float64_input_keeps_its_dtype(synthetic_digits: np.ndarray) -> None:
    result = augment_batch(synthetic_digits.astype(np.float64), np.random.default_rng(0))
    assert result.dtype == np.float64


def test_empty_batch() -> None:
    assert augment_batch(np.zeros((0, 784), np.float32), np.random.default_rng(0)).shape == (0, 784)


def test_integer_images_are_rejected() -> None:
    with pytest.raises(TypeError):
        augment_batch(np.zeros((2, 28, 28), np.uint8), np.random.default_rng(0))


@pytest.mark.parametrize(
    "config",
    [AugmentConfig(thickness=0.7).scaled(0.0), only(), AugmentConfig(probability=0.0)],
    ids=["scaled-0", "all-zero", "probability-0"],
)
def test_identity_returns_images_unchanged(synthetic_digits: np.ndarray, config: AugmentConfig) -> None:
    result = augment_batch(synthetic_digits, np.random.default_rng(0), config)
    np.testing.assert_array_equal(result, synthetic_digits)
    assert result is not synthetic_digits


def test_scaled_multiplies_magnitudes_only() -> None:
    config = AugmentConfig(thickness=0.4, probability=0.8)
    half = config.scaled(0.5)
    assert half.rotation_degrees == config.rotation_degrees / 2
    assert half.scale == config.scale / 2
    assert half.shear_degrees == config.shear_degrees / 2
    assert half.shift_pixels == config.shift_pixels / 2
    assert half.elastic_alpha == config.elastic_alpha / 2
    assert half.thickness == config.thickness / 2
    assert half.elastic_sigma == config.elastic_sigma
    assert half.probability == config.probability


@pytest.mark.parametrize("bad", [dict(scale=1.0), dict(rotation_degrees=-1.0), dict(elastic_sigma=0.0),
                                 dict(probability=1.5)])
def test_invalid_configs_are_rejected(bad: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        AugmentConfig(**bad)


def test_same_seed_same_result_different_seed_different_result(synthetic_digits: np.ndarray) -> None:
    config = AugmentConfig(thickness=0.5)
    first = augment_batch(synthetic_digits, np.random.default_rng(7), config)
    again = augment_batch(synthetic_digits, np.random.default_rng(7), config)
    other = augment_batch(synthetic_digits, np.random.default_rng(8), config)
    np.testing.assert_array_equal(first, again)
    assert np.abs(first - other).max() > 0.1


def test_results_do_not_depend_on_earlier_calls(real_digits: np.ndarray) -> None:
    # Scratch buffers are reused between calls; nothing may leak through them.
    config = AugmentConfig(thickness=0.5)
    first = augment_batch(real_digits[:40], np.random.default_rng(5), config)
    augment_batch(real_digits[100:140], np.random.default_rng(6), config)
    augment_batch(real_digits[:7], np.random.default_rng(6), only(shift_pixels=1.0))
    np.testing.assert_array_equal(augment_batch(real_digits[:40], np.random.default_rng(5), config), first)


def test_concurrent_calls_match_sequential_ones(real_digits: np.ndarray) -> None:
    def run(seed: int) -> np.ndarray:
        return augment_batch(real_digits[:64], np.random.default_rng(seed))

    sequential = [run(seed) for seed in range(4)]
    with ThreadPoolExecutor(max_workers=4) as pool:
        concurrent = list(pool.map(run, range(4)))
    for expected, actual in zip(sequential, concurrent):
        np.testing.assert_array_equal(actual, expected)


def test_successive_batches_differ(synthetic_digits: np.ndarray) -> None:
    rng = np.random.default_rng(3)
    assert not np.array_equal(augment_batch(synthetic_digits, rng), augment_batch(synthetic_digits, rng))


def test_global_numpy_random_state_is_untouched(synthetic_digits: np.ndarray) -> None:
    np.random.seed(123)
    before = np.random.get_state()[1].copy()
    augment_batch(synthetic_digits, np.random.default_rng(0), AugmentConfig(thickness=0.5, probability=0.5))
    np.testing.assert_array_equal(np.random.get_state()[1], before)


def test_probability_leaves_the_other_images_untouched(real_digits: np.ndarray) -> None:
    result = augment_batch(real_digits[:64], np.random.default_rng(0), AugmentConfig(probability=0.5))
    unchanged = np.all(result == real_digits[:64], axis=(1, 2))
    assert 10 < unchanged.sum() < 54


def translation_grid(shift_x: float, shift_y: float, count: int = 1) -> tuple[np.ndarray, np.ndarray]:
    identity = np.broadcast_to(np.eye(2), (count, 2, 2))
    return affine_source_grid(identity, np.tile([shift_x, shift_y], (count, 1)),
                              np.full((count, 2), CANVAS_CENTRE), 28, 28)


def test_translation_moves_a_bright_pixel_by_exactly_that_much() -> None:
    image = np.zeros((1, 28, 28), np.float32)
    image[0, 10, 12] = 1.0
    moved = bilinear_sample(image, *translation_grid(2.0, -3.0))
    expected = np.zeros_like(image)
    expected[0, 7, 14] = 1.0
    np.testing.assert_allclose(moved, expected, atol=1e-6)


def test_half_pixel_translation_splits_the_pixel_evenly() -> None:
    image = np.zeros((1, 28, 28), np.float32)
    image[0, 10, 12] = 1.0
    moved = bilinear_sample(image, *translation_grid(0.5, 0.0))
    np.testing.assert_allclose(moved[0, 10, 12:14], [0.5, 0.5], atol=1e-6)
    assert moved.sum() == pytest.approx(1.0, abs=1e-5)


def test_ninety_degree_rotation_about_the_centre_matches_rot90() -> None:
    pattern = np.random.default_rng(0).random((2, 28, 28), dtype=np.float32)
    forward = affine_matrices(np.full(2, np.pi / 2), np.ones(2), np.ones(2), np.zeros(2))
    source_x, source_y = affine_source_grid(forward, np.zeros((2, 2)), np.full((2, 2), CANVAS_CENTRE), 28, 28)
    rotated = bilinear_sample(pattern, source_x, source_y)
    # Positive angles turn the picture counter-clockwise as displayed, like np.rot90.
    np.testing.assert_allclose(rotated, np.rot90(pattern, axes=(1, 2)), atol=1e-4)


def test_affine_matrices_compose_rotation_shear_and_scale() -> None:
    forward = affine_matrices(np.array([0.3]), np.array([1.2]), np.array([0.9]), np.array([0.2]))[0]
    cosine, sine, slant = np.cos(0.3), np.sin(0.3), np.tan(0.2)
    rotation = np.array([[cosine, sine], [-sine, cosine]])
    shear = np.array([[1.0, -slant], [0.0, 1.0]])
    np.testing.assert_allclose(forward, rotation @ shear @ np.diag([1.2, 0.9]))


def test_sampling_outside_the_image_reads_zeros() -> None:
    image = np.ones((1, 28, 28), np.float32)
    moved = bilinear_sample(image, *translation_grid(40.0, 0.0))
    assert moved.max() == 0.0
    shifted = bilinear_sample(image, *translation_grid(3.0, 0.0))
    assert shifted[0, :, :3].max() == 0.0 and shifted[0, :, 3:].min() == 1.0


def test_shift_only_preserves_ink_and_moves_the_centre_within_range(synthetic_digits: np.ndarray) -> None:
    config = only(shift_pixels=2.0)
    result = augment_batch(synthetic_digits, np.random.default_rng(0), config)
    np.testing.assert_allclose(result.sum(axis=(1, 2)), synthetic_digits.sum(axis=(1, 2)), rtol=1e-4)
    displacement = centre_of_mass(result) - centre_of_mass(synthetic_digits)
    assert np.abs(displacement).max() <= 2.0 + 1e-3
    assert np.abs(displacement).max() > 0.5


def test_mild_augmentation_roughly_preserves_ink(real_digits: np.ndarray) -> None:
    # Zoom and the elastic field's local stretching change the area the ink
    # covers, so single digits vary (a few by ~25%), but the total is kept.
    mild = augment_batch(real_digits, np.random.default_rng(0), AugmentConfig().scaled(0.5))
    ratio = mild.sum(axis=(1, 2)) / real_digits.sum(axis=(1, 2))
    assert np.all(np.abs(ratio - 1.0) < 0.3)
    assert np.median(np.abs(ratio - 1.0)) < 0.1
    full = augment_batch(real_digits, np.random.default_rng(0))
    assert abs((full.sum(axis=(1, 2)) / real_digits.sum(axis=(1, 2))).mean() - 1.0) < 0.05


def test_centre_of_mass_stays_near_the_canvas_centre(real_digits: np.ndarray) -> None:
    result = augment_batch(real_digits, np.random.default_rng(1))
    offsets = np.abs(centre_of_mass(result) - CANVAS_CENTRE)
    assert offsets.max() < 5.0
    assert np.median(offsets) < 1.5


def test_strong_affine_distortions_do_not_crop_digits(real_digits: np.ndarray) -> None:
    # Digits with a clear 2-pixel frame (about two thirds of MNIST) keep it even
    # when zoom, rotation and shift would push them over the edge.
    clear = real_digits[real_digits[:, 2:-2, 2:-2].sum(axis=(1, 2)) == real_digits.sum(axis=(1, 2))]
    strong = AugmentConfig(rotation_degrees=20.0, scale=0.25, shear_degrees=15.0, shift_pixels=5.0,
                           elastic_alpha=0.0)
    result = augment_batch(clear, np.random.default_rng(2), strong)
    frame = result.sum(axis=(1, 2)) - result[:, 1:-1, 1:-1].sum(axis=(1, 2))
    assert len(clear) > 100
    assert frame.max() < 1e-3


def test_default_augmentation_keeps_digits_on_the_canvas(real_digits: np.ndarray) -> None:
    result = augment_batch(real_digits, np.random.default_rng(3))
    frame = result.sum(axis=(1, 2)) - result[:, 1:-1, 1:-1].sum(axis=(1, 2))
    assert np.all(frame < 0.05 * result.sum(axis=(1, 2)))


def test_augmented_digits_stay_crisp(real_digits: np.ndarray) -> None:
    # One bilinear resampling blurs a little, not into mush: strokes keep
    # their peak brightness and roughly their number of bright pixels.
    result = augment_batch(real_digits, np.random.default_rng(4))
    peak = result.max(axis=(1, 2))
    bright = (result > 0.5).sum(axis=(1, 2)) / (real_digits > 0.5).sum(axis=(1, 2))
    assert np.median(peak) > 0.95 and peak.min() > 0.75
    assert 0.85 < np.median(bright) < 1.15
    assert bright.min() > 0.4 and bright.max() < 2.0


def test_thickening_adds_ink_and_thinning_removes_it(real_digits: np.ndarray) -> None:
    digits = real_digits[:6]
    weights = np.array([1.0, 0.5, 0.0, -0.5, -1.0, 0.25])
    result = vary_thickness(digits, weights)
    ink, original = result.sum(axis=(1, 2)), digits.sum(axis=(1, 2))
    assert ink[0] > 1.3 * original[0] and ink[1] > original[1]
    np.testing.assert_array_equal(result[2], digits[2])
    assert ink[3] < original[3] and ink[4] < 0.7 * original[4]
    assert result.min() >= 0.0 and result.max() <= 1.0
    # Dilation never removes ink anywhere, erosion never adds it.
    assert np.all(result[0] >= digits[0]) and np.all(result[4] <= digits[4])


def test_thickness_only_config_thickens_some_and_thins_others(real_digits: np.ndarray) -> None:
    result = augment_batch(real_digits[:32], np.random.default_rng(0), only(thickness=0.8))
    ratio = result.sum(axis=(1, 2)) / real_digits[:32].sum(axis=(1, 2))
    assert (ratio > 1.05).any() and (ratio < 0.95).any()


def test_gaussian_smoothing_matrix_is_a_normalised_symmetric_blur() -> None:
    matrix = gaussian_smoothing_matrix(28, 5.0)
    np.testing.assert_array_equal(matrix, matrix.T)
    assert matrix.dtype == np.float32 and not matrix.flags.writeable
    assert np.all(matrix.sum(axis=1) <= 1.0 + 1e-6)
    assert matrix.sum(axis=1)[14] > 0.9
    assert gaussian_smoothing_matrix(28, 5.0) is matrix


def test_elastic_only_displacement_has_the_expected_size(synthetic_digits: np.ndarray) -> None:
    # A 1-pixel-wide vertical line; with alpha 34 and sigma 5.5 the
    # displacement is about a pixel: the line wobbles but stays nearby.
    line = np.zeros((64, 28, 28), np.float32)
    line[:, 4:24, 14] = 1.0
    result = augment_batch(line, np.random.default_rng(0), only(elastic_alpha=34.0, elastic_sigma=5.5))
    columns = np.arange(28)
    row_mass = result[:, 6:22].sum(axis=2)
    row_centre = (result[:, 6:22] @ columns) / row_mass
    offset = np.abs(row_centre - 14.0)
    assert 0.3 < offset.mean() < 3.0
    assert offset.max() < 6.0
