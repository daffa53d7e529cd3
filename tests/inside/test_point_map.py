"""The point map's numbers (``digitpad.inside.point_map``): the layers are
named as a learner sees them and the representation at each is the real
forward pass; our NumPy PCA equals an SVD reference and scikit-learn's PCA
up to the sign of each direction; a test digit drawn again lands exactly on
its own point on a PCA map and among its neighbours on a t-SNE map; t-SNE
gives one 2-D point per digit, the same for the same seed, and stops when
its progress callback raises; and the benchmark script runs."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from digitpad.inside import network_layers
from digitpad.inside.point_map import (PCA, TSNE, fit_pca, fit_tsne, make_point_map, nearest, place,
                                       representation, representation_names, representations, sample_indices,
                                       tsne_available)
from digitpad.model.checkpoint import bundled_checkpoint_path, load_checkpoint
from digitpad.nn import MLP

REPO_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def bundled():
    return load_checkpoint(bundled_checkpoint_path())[0]


@pytest.fixture(scope="module")
def test_digits(mnist_test_split):
    images, labels = mnist_test_split
    return images.reshape(len(images), -1), labels


def same_up_to_sign(first: np.ndarray, second: np.ndarray, tolerance: float) -> bool:
    """Each column of ``first`` equals that of ``second`` or its negative."""
    for column in range(first.shape[1]):
        sign = np.sign(first[:, column] @ second[:, column]) or 1.0
        if not np.allclose(first[:, column], sign * second[:, column], atol=tolerance):
            return False
    return True


def test_the_layers_are_named_as_the_learner_sees_them(bundled):
    assert representation_names(bundled) == ["input pixels", "hidden layer 1", "hidden layer 2", "output scores"]
    small = MLP(784, (16,), 10, rng=np.random.default_rng(0))
    assert representation_names(small) == ["input pixels", "hidden layer 1", "output scores"]


def test_the_representations_are_the_real_forward_pass(bundled, test_digits):
    images = test_digits[0][:300]
    layers = network_layers(bundled)
    assert np.array_equal(representations(bundled, images, 0), images)
    hidden1 = layers[0].apply_activation(images @ layers[0].weights + layers[0].bias)
    assert np.allclose(representations(bundled, images, 1), hidden1, atol=1e-5)
    scores = representations(bundled, images, 3)
    assert scores.shape == (300, 10)
    # The last depth is the raw scores before the softmax: their softmax at the
    # model's calibration temperature is the model's answer.
    scaled = scores / bundled.temperature
    assert np.allclose(np.exp(scaled - scaled.max(1, keepdims=True)) /
                       np.exp(scaled - scaled.max(1, keepdims=True)).sum(1, keepdims=True),
                       bundled.predict_proba(images), atol=1e-5)
    assert np.allclose(representation(bundled, images[7].reshape(28, 28), 2), representations(bundled, images, 2)[7],
                       atol=1e-5)
    with pytest.raises(ValueError):
        representations(bundled, images, 4)


@pytest.mark.parametrize("count, dimensions", [(500, 784), (40, 300)])   # the covariance and the Gram route
def test_pca_equals_an_svd_reference(count, dimensions):
    data = np.random.default_rng(3).normal(size=(count, dimensions)) * np.linspace(3, 0.1, dimensions)
    pca = fit_pca(data, 2)
    centred = data - data.mean(axis=0)
    _, singular, directions = np.linalg.svd(centred, full_matrices=False)
    assert same_up_to_sign(pca.components.T, directions[:2].T, 1e-8)
    assert np.allclose(pca.variance_ratio, singular[:2] ** 2 / (singular ** 2).sum())
    assert np.allclose(pca.components @ pca.components.T, np.eye(2), atol=1e-10)
    assert same_up_to_sign(pca.transform(data).astype(np.float64), (centred @ directions[:2].T), 1e-3)


def test_pca_equals_scikit_learns_up_to_sign(bundled, test_digits):
    decomposition = pytest.importorskip("sklearn.decomposition")
    features = representations(bundled, test_digits[0][:1000], 2)
    ours = fit_pca(features, 2)
    theirs = decomposition.PCA(2, svd_solver="full").fit(features.astype(np.float64))
    assert same_up_to_sign(ours.components.T, theirs.components_.T, 1e-6)
    assert np.allclose(ours.variance_ratio, theirs.explained_variance_ratio_, rtol=1e-6)
    assert same_up_to_sign(ours.transform(features), theirs.transform(features.astype(np.float64)), 1e-3)


def test_pca_directions_have_a_fixed_sign():
    data = np.random.default_rng(4).normal(size=(200, 30))
    first, second = fit_pca(data, 2), fit_pca(data[::-1].copy(), 2)
    assert np.allclose(first.components, second.components)
    assert all(row[np.abs(row).argmax()] > 0 for row in first.components)


def test_sample_indices_are_fixed_and_nested():
    small, large = sample_indices(10_000, 1000, seed=0), sample_indices(10_000, 3000, seed=0)
    assert len(small) == 1000 and len(np.unique(small)) == 1000 and np.all(np.diff(small) > 0)
    assert np.array_equal(small, sample_indices(10_000, 1000, seed=0))
    assert set(small) <= set(large)
    assert len(sample_indices(100, 500)) == 100


@pytest.mark.parametrize("depth", [0, 1, 2, 3])
def test_a_test_digit_drawn_again_lands_on_its_own_point_by_pca(bundled, test_digits, depth):
    images = test_digits[0]
    indices = sample_indices(len(images), 800, seed=1)
    point_map = make_point_map(bundled, images, indices, depth, PCA)
    assert point_map.positions.shape == (800, 2) and point_map.depth == depth
    for row in (0, 123, 799):
        live = place(point_map, representation(bundled, images[indices[row]].reshape(28, 28), depth))
        assert np.allclose(live, point_map.positions[row], atol=1e-3 * np.ptp(point_map.positions))


@pytest.fixture(scope="module")
def tsne_map(bundled, test_digits):
    if not tsne_available():
        pytest.skip("scikit-learn is not installed")
    images = test_digits[0]
    return make_point_map(bundled, images, sample_indices(len(images), 300, seed=0), 2, TSNE, seed=5, threads=1)


def test_tsne_gives_one_point_per_digit_the_same_for_the_same_seed(tsne_map, bundled, test_digits):
    assert tsne_map.method == TSNE and tsne_map.pca is None
    assert tsne_map.positions.shape == (300, 2) and tsne_map.positions.dtype == np.float32
    assert np.isfinite(tsne_map.positions).all()
    again = fit_tsne(tsne_map.features, seed=5, threads=1)
    assert np.allclose(again, tsne_map.positions, atol=1e-4)


def test_tsne_keeps_the_digits_of_a_kind_together(tsne_map, test_digits):
    labels = test_digits[1][tsne_map.indices]
    # Each digit's nearest neighbour on the map is mostly one of its own kind.
    positions = tsne_map.positions
    distances = ((positions[:, None, :] - positions[None, :, :]) ** 2).sum(-1)
    np.fill_diagonal(distances, np.inf)
    assert (labels[distances.argmin(1)] == labels).mean() > 0.8


def test_a_test_digit_drawn_again_lands_among_its_neighbours_by_tsne(tsne_map, bundled, test_digits):
    images = test_digits[0]
    for row in (3, 150):
        features = representation(bundled, images[tsne_map.indices[row]].reshape(28, 28), 2)
        assert nearest(tsne_map, features)[0] == row           # its own point is nearest in the layer
        live = place(tsne_map, features)
        spread = np.ptp(tsne_map.positions, axis=0).max()
        assert np.linalg.norm(live - tsne_map.positions[row]) < 0.1 * spread


def test_tsne_reports_progress_and_stops_when_told(test_digits):
    if not tsne_available():
        pytest.skip("scikit-learn is not installed")
    data = test_digits[0][:120]
    heard = []

    class Stop(Exception):
        pass

    def progress(fraction):
        heard.append(fraction)
        if fraction > 0.3:
            raise Stop

    with pytest.raises(Stop):
        fit_tsne(data, progress=progress, iterations=250, threads=1)
    assert heard and heard == sorted(heard) and 0.3 < heard[-1] < 1.0


def test_the_benchmark_runs_on_small_samples(mnist_dir):
    completed = subprocess.run(
        [sys.executable, str(REPO_ROOT / "scripts" / "bench_point_map.py"), "--data-dir", str(mnist_dir),
         "--sizes", "200", "--tsne-sizes", "100", "--tsne-layers", "3", "--threads", "1"],
        capture_output=True, text=True, timeout=300)
    assert completed.returncode == 0, completed.stderr
    for name in ("input pixels", "hidden layer 1", "hidden layer 2", "output scores"):
        assert f"{name:<15}    200 digits: map" in completed.stdout
    assert "output scores      100 digits: map" in completed.stdout
