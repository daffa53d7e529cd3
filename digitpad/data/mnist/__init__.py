"""``digitpad.data.mnist``: the MNIST data set — the table of its canonical
files (``files``), reading IDX files (``idx``), finding them (``locate``) or
downloading them (``download``), loading and checking a split
(``dataset``), the seeded stratified split (``split``), mini-batching
(``batches``) and the summary behind MNIST at a glance (``summary``). This package's public names are gathered here.
"""

from digitpad.data.mnist.batches import batch_count, batch_indices, iterate_minibatches
from digitpad.data.mnist.dataset import as_float_images, dataset_checksums, file_md5, load_mnist
from digitpad.data.mnist.download import download_file
from digitpad.data.mnist.files import DEFAULT_MIRRORS, ENV_VAR, IMAGE_SHAPE, LABEL_COUNT, MNIST_SPLITS
from digitpad.data.mnist.idx import MnistError, read_idx
from digitpad.data.mnist.locate import default_cache_dir, locate_mnist
from digitpad.data.mnist.split import stratified_split, subset_indices
from digitpad.data.mnist.summary import SplitSummary, summarise_split

__all__ = [
    "MnistError", "read_idx", "download_file", "load_mnist", "locate_mnist", "default_cache_dir",
    "dataset_checksums", "file_md5", "as_float_images", "DEFAULT_MIRRORS", "ENV_VAR", "IMAGE_SHAPE",
    "LABEL_COUNT", "MNIST_SPLITS", "stratified_split", "subset_indices", "batch_count", "batch_indices",
    "iterate_minibatches", "SplitSummary", "summarise_split",
]
