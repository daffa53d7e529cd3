"""A map of digits as points: each MNIST test digit is represented at one
depth of the network — its input pixels, a hidden layer's activations or
the output scores — and those long vectors are laid out in two dimensions,
so digits the network holds alike land close together. Two ways: PCA
(``fit_pca``, our own, in NumPy), which looks along the two directions in
which the digits differ most and places any new drawing exactly; and
t-SNE (``fit_tsne``, scikit-learn's — a run-time dependency for this alone,
imported only when a t-SNE map is asked for, so start-up never pays for
it), which keeps each digit near its nearest neighbours at the cost of any
meaning in the axes and has no way to place a new point — ``place`` puts
one at the weighted middle of its nearest digits in the layer's own space
instead. Randomness is seeded (the sample, t-SNE), so maps are
reproducible. Progress callbacks may raise to stop the work (that is how a
cancel arrives).
"""

from __future__ import annotations

import importlib.util
import os
import threading
import time
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from digitpad.inside.layers import network_layers
from digitpad.nn import MLP

PCA, TSNE = "pca", "tsne"
TSNE_ITERATIONS = 1000          # scikit-learn's default number of steps
TSNE_INPUT_DIMENSIONS = 50      # t-SNE runs on the data reduced to this many by PCA first, as usual
NEIGHBOURS = 10                 # a new point in a t-SNE map sits among this many nearest digits
_CHUNK = 2048

Progress = Callable[[float], None]      # a fraction in [0, 1]; may raise to stop


def _ignore(fraction: float) -> None:
    """A progress callback that does nothing."""


def representation_names(model: MLP) -> list[str]:
    """What ``depth`` 0, 1, … means for ``model``: 'input pixels',
    'hidden layer 1', …, 'output scores'."""
    layers = network_layers(model)
    return ["input pixels"] + [layer.name for layer in layers[:-1]] + ["output scores"]


def representations(model: MLP, images: np.ndarray, depth: int, progress: Progress = _ignore) -> np.ndarray:
    """``(N, D)`` float32: ``images`` (``(N, 784)`` or ``(N, 28, 28)`` in [0, 1])
    as ``model`` holds them at ``depth`` — the pixels themselves (0), a hidden
    layer's activations after its activation function, or the output layer's
    scores before the softmax (the last depth). Computed in batches."""
    layers = network_layers(model)
    if not 0 <= depth <= len(layers):
        raise ValueError(f"depth must be between 0 and {len(layers)}, got {depth}")
    images = np.asarray(images, dtype=np.float32).reshape(len(images), -1)
    if depth == 0:
        progress(1.0)
        return images
    result = np.empty((len(images), layers[depth - 1].units), np.float32)
    for start in range(0, len(images), _CHUNK):
        values = images[start:start + _CHUNK]
        for layer in layers[:depth]:
            values = layer.apply_activation(layer.dense.forward(values))
        result[start:start + len(values)] = values
        progress(min(start + _CHUNK, len(images)) / max(len(images), 1))
    return result


def representation(model: MLP, image: np.ndarray, depth: int) -> np.ndarray:
    """``(D,)``: one image (``(28, 28)`` or ``(784,)``) at ``depth``."""
    return representations(model, np.asarray(image, np.float32).reshape(1, -1), depth)[0]


def sample_indices(total: int, count: int, seed: int = 0) -> np.ndarray:
    """``count`` of ``range(total)`` chosen at random (fixed by ``seed``),
    ascending. A smaller sample is part of every larger one, so the same
    digits can be followed from one sample size to the next."""
    count = min(max(int(count), 0), total)
    return np.sort(np.random.default_rng(seed).permutation(total)[:count])


# -- PCA ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Pca:
    """The ``k`` directions in which the data it was fitted on vary most."""

    mean: np.ndarray                # (D,) subtracted first
    components: np.ndarray          # (k, D) orthonormal rows, largest variance first
    variance_ratio: np.ndarray      # (k,) the share of all variance along each direction

    def transform(self, data: np.ndarray) -> np.ndarray:
        """``(N, k)`` (or ``(k,)`` for one vector): coordinates along the directions."""
        data = np.asarray(data, dtype=np.float64)
        return ((data - self.mean) @ self.components.T).astype(np.float32)


def fit_pca(data: np.ndarray, components: int = 2) -> Pca:
    """Principal component analysis of ``data`` ``(N, D)``: the eigenvectors of
    its covariance with the largest eigenvalues. Each direction's sign is
    fixed (its largest entry positive) so the same data always gives the
    same picture."""
    data = np.asarray(data, dtype=np.float64)
    count, dimensions = data.shape
    mean = data.mean(axis=0)
    centred = data - mean
    total = float((centred ** 2).sum())
    components = min(components, dimensions)
    if dimensions <= count:
        values, vectors = np.linalg.eigh(centred.T @ centred)
        order = np.argsort(values)[::-1][:components]
        values, directions = values[order], vectors[:, order].T
    else:
        # Fewer digits than dimensions: the small N x N Gram matrix has the
        # same non-zero eigenvalues, and its eigenvectors lead to the directions.
        values, vectors = np.linalg.eigh(centred @ centred.T)
        order = np.argsort(values)[::-1][:components]
        values = np.maximum(values[order], 0.0)
        directions = (centred.T @ vectors[:, order] / np.sqrt(np.maximum(values, 1e-300))).T
    values = np.maximum(values, 0.0)
    largest = np.abs(directions).argmax(axis=1)
    directions *= np.where(directions[np.arange(len(directions)), largest] < 0, -1.0, 1.0)[:, None]
    ratio = values / total if total > 0 else np.zeros_like(values)
    return Pca(mean, directions, ratio)


# -- t-SNE ---------------------------------------------------------------------------
def tsne_available() -> bool:
    """Whether scikit-learn (which t-SNE needs) is there to import. It is a
    dependency of digitpad and bundled with the standalone app; this only
    guards a broken installation (PCA works without it). Looks the package
    up without importing it, so asking costs nothing."""
    try:
        return importlib.util.find_spec("sklearn") is not None
    except (ImportError, ValueError):
        return False


_observer = threading.local()


def _watch_iterations() -> bool:
    """Let ``fit_tsne`` hear of every step of scikit-learn's t-SNE, which
    offers no progress callback of its own: its cost function, called once a
    step, is wrapped by one that first tells the calling thread's observer
    (and does nothing else for any other caller). False when scikit-learn's
    inside has changed; t-SNE then still works, without progress."""
    from sklearn.manifold import _t_sne

    original = getattr(_t_sne, "_kl_divergence_bh", None)
    if not callable(original):
        return False
    if getattr(original, "observed_by_digitpad", False):
        return True

    def observed(*args, **kwargs):
        step = getattr(_observer, "step", None)
        if step is not None:
            step()
        return original(*args, **kwargs)

    observed.observed_by_digitpad = True
    _t_sne._kl_divergence_bh = observed
    return True


def default_threads() -> int:
    """All cores but one: the window keeps one to follow the pen."""
    return max(1, (os.cpu_count() or 1) - 1)


def fit_tsne(data: np.ndarray, seed: int = 0, progress: Progress = _ignore, iterations: int = TSNE_ITERATIONS,
             perplexity: float = 30.0, threads: int | None = None) -> np.ndarray:
    """``(N, 2)`` float32: scikit-learn's t-SNE of ``data`` ``(N, D)``, after
    PCA down to ``TSNE_INPUT_DIMENSIONS``; seeded, so repeatable. ``progress``
    hears the share of steps done and may raise to stop. Raises
    ``ImportError`` without scikit-learn."""
    from sklearn.manifold import TSNE
    from threadpoolctl import threadpool_limits

    data = np.asarray(data, dtype=np.float32)
    if len(data) < 5:
        raise ValueError(f"t-SNE needs at least 5 points, got {len(data)}")
    if data.shape[1] > TSNE_INPUT_DIMENSIONS:
        data = fit_pca(data, TSNE_INPUT_DIMENSIONS).transform(data)
    watched = _watch_iterations()
    done = 0

    def step() -> None:
        nonlocal done
        done += 1
        if done % 10 == 0:
            progress(min(done / iterations, 1.0))

    tsne = TSNE(n_components=2, perplexity=min(perplexity, (len(data) - 1) / 3), init="pca",
                learning_rate="auto", max_iter=iterations, random_state=seed)
    _observer.step = step if watched else None
    try:
        # Its threads are OpenMP's; limited here, in the thread that runs it.
        with threadpool_limits(limits=threads or default_threads(), user_api="openmp"):
            positions = tsne.fit_transform(data)
    finally:
        _observer.step = None
    progress(1.0)
    return positions.astype(np.float32)


# -- the map ----------------------------------------------------------------------------
@dataclass(frozen=True)
class PointMap:
    """Digits laid out in two dimensions, and what is needed to place a new one."""

    method: str                     # PCA or TSNE
    depth: int                      # see representation_names
    indices: np.ndarray             # (N,) which test digits
    positions: np.ndarray           # (N, 2) float32 where they are on the map
    features: np.ndarray            # (N, D) float32 the digits at that depth
    pca: Pca | None                 # the projection, for a PCA map
    seconds: float                  # how long the map took
    squared_norms: np.ndarray = field(repr=False, default=None)

    def __post_init__(self) -> None:
        if self.squared_norms is None:
            object.__setattr__(self, "squared_norms", np.einsum("ij,ij->i", self.features, self.features))


def make_point_map(model: MLP, images: np.ndarray, indices: np.ndarray, depth: int, method: str,
                   seed: int = 0, progress: Progress = _ignore, threads: int | None = None) -> PointMap:
    """The map of ``images[indices]`` at ``depth`` by ``method`` (PCA or
    TSNE); ``progress`` hears the share done and may raise to stop;
    ``threads`` for t-SNE (default: all cores but one)."""
    if method not in (PCA, TSNE):
        raise ValueError(f"unknown method {method!r}")
    started = time.perf_counter()
    indices = np.asarray(indices, dtype=np.int64)
    share = 0.3 if method == PCA else 0.05
    features = representations(model, np.asarray(images)[indices], depth,
                               progress=lambda fraction: progress(share * fraction))
    if method == PCA:
        pca = fit_pca(features, 2)
        positions = pca.transform(features)
    else:
        pca = None
        positions = fit_tsne(features, seed, progress=lambda fraction: progress(share + (1 - share) * fraction),
                             threads=threads)
    progress(1.0)
    return PointMap(method, depth, indices, positions, features, pca, time.perf_counter() - started)


def nearest(point_map: PointMap, features: np.ndarray, count: int = NEIGHBOURS) -> np.ndarray:
    """Rows of ``point_map`` nearest to ``features`` ``(D,)`` in the layer's
    space (Euclidean distance), nearest first."""
    features = np.asarray(features, dtype=np.float32)
    # |x - f|^2 = |x|^2 - 2 x.f + |f|^2, with |x|^2 worked out once per map.
    distances = point_map.squared_norms - 2.0 * (point_map.features @ features) + float(features @ features)
    count = min(count, len(distances))
    closest = np.argpartition(distances, count - 1)[:count]
    return closest[np.argsort(distances[closest], kind="stable")]


def place(point_map: PointMap, features: np.ndarray) -> np.ndarray:
    """``(2,)``: where a new digit (``features`` ``(D,)`` at the map's depth)
    goes. On a PCA map exactly, by the same projection; on a t-SNE map, which
    cannot place new points, at the weighted middle of its nearest digits
    in the layer's space (the nearer, the heavier)."""
    features = np.asarray(features, dtype=np.float32)
    if point_map.pca is not None:
        return point_map.pca.transform(features)
    rows = nearest(point_map, features)
    gaps = np.sqrt(np.maximum(((point_map.features[rows] - features) ** 2).sum(axis=1), 0.0))
    weights = 1.0 / (gaps + 1e-3 * (gaps[-1] + 1e-6))
    return (point_map.positions[rows] * weights[:, None]).sum(axis=0) / weights.sum()
