"""Shared pytest setup: Qt runs offscreen, the package is importable from a
checkout, and MNIST is found in ``../shared/mnist`` (or ``$DIGITPAD_MNIST_DIR``).
"""

import os
import sys
from pathlib import Path

import numpy as np
import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))


def _mnist_folder() -> Path:
    configured = os.environ.get("DIGITPAD_MNIST_DIR")
    return Path(configured) if configured else REPO_ROOT.parent / "shared" / "mnist"


# The app finds MNIST the way a user's machine would; pointing it where the
# tests' own copy is keeps every test away from the "MNIST needed" prompt.
if (_mnist_folder() / "t10k-images-idx3-ubyte.gz").exists():
    os.environ.setdefault("DIGITPAD_MNIST_DIR", str(_mnist_folder()))


@pytest.fixture(scope="session")
def mnist_dir() -> Path:
    folder = _mnist_folder()
    if not (folder / "t10k-images-idx3-ubyte.gz").exists():
        pytest.fail(f"MNIST not found in {folder}; set DIGITPAD_MNIST_DIR")
    return folder


@pytest.fixture(scope="session")
def mnist_test_split(mnist_dir):
    """The 10,000 MNIST test digits: float32 ``(N, 784)`` in [0, 1] and int64 labels."""
    from digitpad.data.mnist import as_float_images, load_mnist

    images, labels = load_mnist("test", mnist_dir, download=False)
    return as_float_images(images), labels.astype(np.int64)


@pytest.fixture(scope="session")
def small_mnist(mnist_dir):
    """A small, fixed MnistData for fast training tests: 3000 train, 500 validation
    and the full test set."""
    from digitpad.train import config_from_preset, load_training_data

    config = config_from_preset("tiny", train_subset=3500, validation_size=500)
    return load_training_data(config, mnist_dir, download=False, environ={})
