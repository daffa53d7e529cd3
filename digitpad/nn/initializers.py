"""Weight initialisation schemes for dense layers. He (Kaiming) initialisation
keeps the activation variance constant through ReLU-family layers; Xavier
(Glorot) does the same for symmetric saturating activations such as tanh and
sigmoid. Every function draws from an explicit ``np.random.Generator`` so that a
network is reproducible from its seed, and returns an array of shape
``(fan_in, fan_out)``.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

Initializer = Callable[[int, int, np.random.Generator, np.dtype], np.ndarray]


def he_normal(fan_in: int, fan_out: int, rng: np.random.Generator,
              dtype: np.dtype = np.float32) -> np.ndarray:
    """N(0, 2 / fan_in): the variance that keeps ReLU activations from shrinking."""
    std = np.sqrt(2.0 / fan_in)
    return (rng.standard_normal((fan_in, fan_out)) * std).astype(dtype)


def he_uniform(fan_in: int, fan_out: int, rng: np.random.Generator,
               dtype: np.dtype = np.float32) -> np.ndarray:
    """U(-a, a) with a = sqrt(6 / fan_in), the uniform twin of :func:`he_normal`."""
    limit = np.sqrt(6.0 / fan_in)
    return rng.uniform(-limit, limit, (fan_in, fan_out)).astype(dtype)


def xavier_normal(fan_in: int, fan_out: int, rng: np.random.Generator,
                  dtype: np.dtype = np.float32) -> np.ndarray:
    """N(0, 2 / (fan_in + fan_out)), Glorot & Bengio (2010)."""
    std = np.sqrt(2.0 / (fan_in + fan_out))
    return (rng.standard_normal((fan_in, fan_out)) * std).astype(dtype)


def xavier_uniform(fan_in: int, fan_out: int, rng: np.random.Generator,
                   dtype: np.dtype = np.float32) -> np.ndarray:
    """U(-a, a) with a = sqrt(6 / (fan_in + fan_out)), Glorot & Bengio (2010)."""
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, (fan_in, fan_out)).astype(dtype)


def zeros(fan_in: int, fan_out: int, rng: np.random.Generator,
          dtype: np.dtype = np.float32) -> np.ndarray:
    """All zeros, for a network whose weights are about to be loaded from a
    file: no random draws and no float64 temporaries twice the model's size."""
    return np.zeros((fan_in, fan_out), dtype=dtype)


INITIALIZERS: dict[str, Initializer] = {
    "he_normal": he_normal,
    "he_uniform": he_uniform,
    "xavier_normal": xavier_normal,
    "xavier_uniform": xavier_uniform,
    "zeros": zeros,
}


def get_initializer(name: str) -> Initializer:
    """Look an initialiser up by name, with an error that lists the valid names."""
    try:
        return INITIALIZERS[name]
    except KeyError:
        raise ValueError(
            f"unknown initialiser {name!r}; choose one of {', '.join(sorted(INITIALIZERS))}"
        ) from None
