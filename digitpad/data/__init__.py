"""``digitpad.data``: everything about the digits themselves — reading MNIST's
IDX files, finding or downloading MNIST, the stratified validation split,
mini-batching and training-time augmentation. It depends on NumPy and
``digitpad.nn`` at most, never on training code or Qt.
"""

from digitpad.data.augment import AugmentConfig, augment_batch
from digitpad.data.batches import batch_count, batch_indices, iterate_minibatches
from digitpad.data.download import download_file
from digitpad.data.idx import MnistError, read_idx
from digitpad.data.mnist import (DEFAULT_MIRRORS, ENV_VAR, dataset_checksums, default_cache_dir,
                                 load_mnist, locate_mnist)
from digitpad.data.split import stratified_split, subset_indices

__all__ = [
    "MnistError", "read_idx", "download_file", "load_mnist", "locate_mnist",
    "default_cache_dir", "dataset_checksums", "DEFAULT_MIRRORS", "ENV_VAR",
    "stratified_split", "subset_indices", "batch_count", "batch_indices", "iterate_minibatches",
    "AugmentConfig", "augment_batch",
]
