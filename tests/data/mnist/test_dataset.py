"""Tests for ``digitpad.data.mnist``: loading the real MNIST files, the folder
search order (an explicit folder is the only one searched), downloading into
an empty cache from a local ``file://`` mirror, and the errors for missing,
inconsistent or oversized data. Every call passes ``environ`` and
``cache_dir`` so the developer's own environment and cache never leak in."""

from __future__ import annotations

import gzip
import shutil
import struct
import tracemalloc
import zlib
from pathlib import Path

import numpy as np
import pytest

from digitpad.data.mnist.dataset import dataset_checksums, file_md5, load_mnist
from digitpad.data.mnist.files import DEFAULT_MIRRORS, ENV_VAR, MNIST_SPLITS
from digitpad.data.mnist.idx import MnistError
from digitpad.data.mnist.locate import default_cache_dir, locate_mnist

TEST_IMAGES = "t10k-images-idx3-ubyte.gz"
TEST_LABELS = "t10k-labels-idx1-ubyte.gz"
TEST_LABEL_COUNTS = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
TRAIN_LABEL_COUNTS = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]


def write_idx(path: Path, array: np.ndarray) -> Path:
    header = bytes([0, 0, 8, array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape)
    data = header + np.ascontiguousarray(array, dtype=np.uint8).tobytes()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(gzip.compress(data, compresslevel=1) if path.suffix == ".gz" else data)
    return path


def placeholder_split(folder: Path, split: str = "test") -> Path:
    """Empty files under the canonical names: enough for locate_mnist, which
    does not read them."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / MNIST_SPLITS[split].images.name).touch()
    (folder / MNIST_SPLITS[split].labels.name).touch()
    return folder


def copy_real_test_split(mnist_dir: Path, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name in (TEST_IMAGES, TEST_LABELS):
        shutil.copy(mnist_dir / name, folder / name)
    return folder


def test_constants(mnist_dir: Path) -> None:
    assert ENV_VAR == "DIGITPAD_MNIST_DIR"
    assert DEFAULT_MIRRORS[0] == "https://ossci-datasets.s3.amazonaws.com/mnist/"
    assert all(mirror.endswith("/") for mirror in DEFAULT_MIRRORS)
    assert MNIST_SPLITS["train"].count == 60000
    assert MNIST_SPLITS["test"].count == 10000
    assert default_cache_dir().name == "mnist"
    assert default_cache_dir().parent.name.lower() == "digitpad"
    # The download size cap is each real file's exact size.
    for split in MNIST_SPLITS.values():
        for file in (split.images, split.labels):
            assert file.size == (mnist_dir / file.name).stat().st_size


def test_load_real_test_split(mnist_dir: Path, tmp_path: Path) -> None:
    images, labels = load_mnist(
        "test", mnist_dir, download=False, environ={}, cache_dir=tmp_path / "cache"
    )
    assert images.shape == (10000, 28, 28) and images.dtype == np.uint8
    assert labels.shape == (10000,) and labels.dtype == np.uint8
    assert np.bincount(labels, minlength=10).tolist() == TEST_LABEL_COUNTS
    assert images.max() == 255 and images.min() == 0


def test_load_real_train_split(mnist_dir: Path, tmp_path: Path) -> None:
    # The only test that reads the 60k split.
    images, labels = load_mnist(
        "train", download=False, environ={ENV_VAR: str(mnist_dir)}, cache_dir=tmp_path / "cache"
    )
    assert images.shape == (60000, 28, 28) and images.dtype == np.uint8
    assert np.bincount(labels, minlength=10).tolist() == TRAIN_LABEL_COUNTS


def test_real_checksums(mnist_dir: Path, tmp_path: Path) -> None:
    checksums = dataset_checksums("test", mnist_dir, environ={}, cache_dir=tmp_path)
    assert checksums == {
        TEST_IMAGES: MNIST_SPLITS["test"].images.md5,
        TEST_LABELS: MNIST_SPLITS["test"].labels.md5,
    }
    assert file_md5(mnist_dir / TEST_LABELS) == MNIST_SPLITS["test"].labels.md5


def test_file_md5_missing_file(tmp_path: Path) -> None:
    with pytest.raises(MnistError, match="nothing.gz"):
        file_md5(tmp_path / "nothing.gz")


def test_search_order(tmp_path: Path) -> None:
    data_dir = placeholder_split(tmp_path / "data")
    env_dir = placeholder_split(tmp_path / "env")
    cache_dir = placeholder_split(tmp_path / "cache")
    environ = {ENV_VAR: str(env_dir)}

    found = locate_mnist("test", data_dir, environ=environ, cache_dir=cache_dir)
    assert found == (data_dir / TEST_IMAGES, data_dir / TEST_LABELS)
    assert locate_mnist("test", environ=environ, cache_dir=cache_dir)[0].parent == env_dir
    assert locate_mnist("test", environ={}, cache_dir=cache_dir)[0].parent == cache_dir
    assert locate_mnist("test", environ={ENV_VAR: ""}, cache_dir=cache_dir)[0].parent == cache_dir
    # A folder missing either file is skipped rather than mixed with another.
    (env_dir / TEST_LABELS).unlink()
    assert locate_mnist("test", environ=environ, cache_dir=cache_dir)[0].parent == cache_dir
    assert locate_mnist("train", environ=environ, cache_dir=cache_dir) is None


def test_an_explicit_folder_is_the_only_one_searched(tmp_path: Path) -> None:
    data_dir = placeholder_split(tmp_path / "data")
    env_dir = placeholder_split(tmp_path / "env")
    cache_dir = placeholder_split(tmp_path / "cache")
    environ = {ENV_VAR: str(env_dir)}
    (data_dir / TEST_LABELS).unlink()
    assert locate_mnist("test", data_dir, environ=environ, cache_dir=cache_dir) is None
    assert locate_mnist("test", tmp_path / "nowhere", environ=environ, cache_dir=cache_dir) is None
    assert locate_mnist("train", data_dir, environ=environ, cache_dir=cache_dir) is None


@pytest.mark.parametrize("download", [False, True])
@pytest.mark.parametrize("folder_state", ["missing", "empty", "labels-only"])
def test_explicit_folder_without_mnist_is_an_error_naming_it(
    mnist_dir: Path, tmp_path: Path, download: bool, folder_state: str
) -> None:
    data_dir = tmp_path / "chosen"
    if folder_state != "missing":
        data_dir.mkdir()
    if folder_state == "labels-only":
        shutil.copy(mnist_dir / TEST_LABELS, data_dir / TEST_LABELS)
    # Real MNIST in $DIGITPAD_MNIST_DIR and the cache, and a working mirror:
    # none of them may be used instead of the folder given.
    mirror = copy_real_test_split(mnist_dir, tmp_path / "mirror")
    env_dir = copy_real_test_split(mnist_dir, tmp_path / "env")
    cache_dir = copy_real_test_split(mnist_dir, tmp_path / "cache")
    environ = {ENV_VAR: str(env_dir)}
    with pytest.raises(MnistError) as caught:
        load_mnist("test", data_dir, download, environ=environ, cache_dir=cache_dir,
                   mirrors=(mirror.as_uri() + "/",))
    message = str(caught.value)
    assert message.startswith(f"{data_dir}: ")
    assert TEST_IMAGES in message and TEST_LABELS in message
    assert "does not exist" in message if folder_state == "missing" else "no MNIST test split" in message
    # How to fix it: the four files, or leaving the folder out.
    for split in MNIST_SPLITS.values():
        assert split.images.name in message and split.labels.name in message
    assert "--data-dir" in message and ENV_VAR in message and str(cache_dir) in message
    # Nothing was downloaded into the folder, or anywhere else.
    expected = [] if folder_state != "labels-only" else [TEST_LABELS]
    assert (sorted(path.name for path in data_dir.iterdir()) if data_dir.exists() else []) == expected
    assert sorted(path.name for path in cache_dir.iterdir()) == sorted([TEST_IMAGES, TEST_LABELS])
    with pytest.raises(MnistError, match="no MNIST|does not exist"):
        dataset_checksums("test", data_dir, environ=environ, cache_dir=cache_dir)


def test_load_uses_data_dir_before_env_and_cache(mnist_dir: Path, tmp_path: Path) -> None:
    data_dir = copy_real_test_split(mnist_dir, tmp_path / "data")
    # Broken files elsewhere prove that they are never read.
    env_dir = placeholder_split(tmp_path / "env")
    cache_dir = placeholder_split(tmp_path / "cache")
    images, labels = load_mnist(
        "test", data_dir, download=False, environ={ENV_VAR: str(env_dir)}, cache_dir=cache_dir
    )
    assert images.shape == (10000, 28, 28) and labels.shape == (10000,)
    with pytest.raises(MnistError, match="env"):
        load_mnist("test", download=False, environ={ENV_VAR: str(env_dir)}, cache_dir=cache_dir)


@pytest.mark.parametrize(
    "images_name, labels_name",
    [
        ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
        ("t10k-images.idx3-ubyte", "t10k-labels.idx1-ubyte"),
        ("t10k-images.idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"),
    ],
)
def test_name_variants(tmp_path: Path, images_name: str, labels_name: str) -> None:
    folder = tmp_path / "variants"
    folder.mkdir()
    (folder / images_name).touch()
    (folder / labels_name).touch()
    found = locate_mnist("test", folder, environ={}, cache_dir=tmp_path / "cache")
    assert found == (folder / images_name, folder / labels_name)


def test_uncompressed_files_load(tmp_path: Path) -> None:
    count = MNIST_SPLITS["test"].count
    folder = tmp_path / "raw"
    write_idx(folder / "t10k-images.idx3-ubyte", np.zeros((count, 28, 28), dtype=np.uint8))
    write_idx(folder / "t10k-labels-idx1-ubyte", np.arange(count, dtype=np.uint8) % 10)
    images, labels = load_mnist("test", folder, download=False, environ={}, cache_dir=tmp_path)
    assert images.shape == (count, 28, 28)
    assert labels[:12].tolist() == [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]


def test_not_found_without_download(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    cache_dir = tmp_path / "cache"
    with pytest.raises(MnistError) as caught:
        load_mnist("test", data_dir, download=False, environ={}, cache_dir=cache_dir)
    message = str(caught.value)
    assert ENV_VAR in message and "--data-dir" in message and "download" in message
    assert str(data_dir) in message and str(cache_dir) in message
    assert TEST_IMAGES in message
    assert not cache_dir.exists()
    with pytest.raises(MnistError, match=ENV_VAR):
        dataset_checksums("test", data_dir, environ={}, cache_dir=cache_dir)


def test_download_into_empty_cache(mnist_dir: Path, tmp_path: Path) -> None:
    mirror = copy_real_test_split(mnist_dir, tmp_path / "mirror")
    cache_dir = tmp_path / "cache"
    reports: list[tuple[str, int, int | None]] = []
    images, labels = load_mnist(
        "test",
        environ={},
        cache_dir=cache_dir,
        mirrors=((tmp_path / "dead-mirror").as_uri() + "/", mirror.as_uri()),
        progress=lambda name, done, total: reports.append((name, done, total)),
    )
    assert images.shape == (10000, 28, 28)
    assert np.bincount(labels, minlength=10).tolist() == TEST_LABEL_COUNTS
    assert sorted(path.name for path in cache_dir.iterdir()) == sorted([TEST_IMAGES, TEST_LABELS])
    assert {name for name, _done, _total in reports} == {TEST_IMAGES, TEST_LABELS}
    final_counts = {name: done for name, done, _total in reports}
    assert final_counts[TEST_IMAGES] == (mnist_dir / TEST_IMAGES).stat().st_size
    # Now cached: found again without any mirror.
    load_mnist("test", download=False, environ={}, cache_dir=cache_dir)
    assert dataset_checksums("test", environ={}, cache_dir=cache_dir)[TEST_LABELS] == (
        MNIST_SPLITS["test"].labels.md5
    )


def test_download_goes_to_first_configured_folder(mnist_dir: Path, tmp_path: Path) -> None:
    mirrors = (copy_real_test_split(mnist_dir, tmp_path / "mirror").as_uri() + "/",)
    env_dir = tmp_path / "env"
    cache_dir = tmp_path / "cache"
    load_mnist("test", environ={ENV_VAR: str(env_dir)}, cache_dir=cache_dir, mirrors=mirrors)
    assert (env_dir / TEST_IMAGES).is_file() and not cache_dir.exists()

    # A folder given explicitly is never downloaded into (it used to be).
    data_dir = tmp_path / "data"
    with pytest.raises(MnistError, match="does not exist"):
        load_mnist(
            "test", data_dir, environ={ENV_VAR: str(tmp_path / "empty")}, cache_dir=cache_dir,
            mirrors=mirrors,
        )
    assert not data_dir.exists() and not cache_dir.exists() and not (tmp_path / "empty").exists()


def test_download_fetches_only_the_missing_file(mnist_dir: Path, tmp_path: Path) -> None:
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    shutil.copy(mnist_dir / TEST_LABELS, mirror / TEST_LABELS)  # images absent from the mirror
    cache_dir = tmp_path / "cache"
    cache_dir.mkdir()
    shutil.copy(mnist_dir / TEST_IMAGES, cache_dir / TEST_IMAGES)
    images, labels = load_mnist(
        "test", environ={}, cache_dir=cache_dir, mirrors=(mirror.as_uri() + "/",)
    )
    assert images.shape[0] == labels.shape[0] == 10000


def test_download_failure_from_every_mirror(tmp_path: Path) -> None:
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    # The right size (a wrong one is refused before the checksum is looked at).
    (mirror / TEST_IMAGES).write_bytes(b"not the real file".ljust(MNIST_SPLITS["test"].images.size))
    cache_dir = tmp_path / "cache"
    with pytest.raises(MnistError) as caught:
        load_mnist(
            "test",
            environ={},
            cache_dir=cache_dir,
            mirrors=(mirror.as_uri() + "/", (tmp_path / "nowhere").as_uri() + "/"),
        )
    message = str(caught.value)
    assert TEST_IMAGES in message and str(cache_dir) in message
    assert "checksum mismatch: expected md5 " + MNIST_SPLITS["test"].images.md5 in message
    assert (tmp_path / "nowhere").as_uri() in message
    assert ENV_VAR in message and "--data-dir" in message
    assert list(cache_dir.iterdir()) == []


def test_download_of_a_wrongly_sized_file_is_refused(tmp_path: Path) -> None:
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    (mirror / TEST_IMAGES).write_bytes(b"not the real file")
    cache_dir = tmp_path / "cache"
    with pytest.raises(MnistError) as caught:
        load_mnist("test", environ={}, cache_dir=cache_dir, mirrors=(mirror.as_uri() + "/",))
    assert f"announces 17 bytes, expected {MNIST_SPLITS['test'].images.size}" in str(caught.value)
    assert list(cache_dir.iterdir()) == []


def test_mismatched_counts(mnist_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    shutil.copy(mnist_dir / TEST_IMAGES, folder / TEST_IMAGES)
    write_idx(folder / TEST_LABELS, np.zeros(9999, dtype=np.uint8))
    with pytest.raises(MnistError) as caught:
        load_mnist("test", folder, download=False, environ={}, cache_dir=tmp_path)
    message = str(caught.value)
    assert TEST_IMAGES in message and TEST_LABELS in message
    assert "10000 images but 9999 labels" in message


def test_non_canonical_count(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    write_idx(folder / TEST_IMAGES, np.zeros((5, 28, 28), dtype=np.uint8))
    write_idx(folder / TEST_LABELS, np.zeros(5, dtype=np.uint8))
    with pytest.raises(MnistError, match="expected 10000 samples, found 5"):
        load_mnist("test", folder, download=False, environ={}, cache_dir=tmp_path)


def test_wrong_image_shape(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    write_idx(folder / TEST_IMAGES, np.zeros((10000, 1, 1), dtype=np.uint8))
    write_idx(folder / TEST_LABELS, np.zeros(10000, dtype=np.uint8))
    with pytest.raises(MnistError, match=r"t10k-images.*\(10000, 1, 1\)"):
        load_mnist("test", folder, download=False, environ={}, cache_dir=tmp_path)


def test_label_out_of_range(mnist_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "data"
    labels = np.zeros(10000, dtype=np.uint8)
    labels[[3, 7]] = [10, 200]
    write_idx(folder / TEST_LABELS, labels)
    shutil.copy(mnist_dir / TEST_IMAGES, folder / TEST_IMAGES)
    with pytest.raises(MnistError, match=r"t10k-labels.*2 labels are outside 0\.\.9"):
        load_mnist("test", folder, download=False, environ={}, cache_dir=tmp_path)


@pytest.mark.parametrize("which", ["images", "labels"])
def test_a_header_declaring_too_many_samples_is_refused_before_reading(
    tmp_path: Path, mnist_dir: Path, which: str
) -> None:
    """A gzip bomb: a few hundred kB whose header claims 10**9 samples, followed
    by megabytes of zeros. It must be refused from its header, with memory
    staying far below what the header claims."""
    folder = copy_real_test_split(mnist_dir, tmp_path / "data")
    name = TEST_IMAGES if which == "images" else TEST_LABELS
    shape = (10**9, 28, 28) if which == "images" else (10**9,)
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    parts = [compressor.compress(bytes([0, 0, 8, len(shape)]) + struct.pack(f">{len(shape)}I", *shape))]
    zeros = bytes(1 << 20)
    parts += [compressor.compress(zeros) for _ in range(64)]
    parts.append(compressor.flush())
    (folder / name).write_bytes(b"".join(parts))
    assert (folder / name).stat().st_size < 1 << 20
    tracemalloc.start()
    try:
        with pytest.raises(MnistError) as caught:
            load_mnist("test", folder, download=False, environ={}, cache_dir=tmp_path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    message = str(caught.value)
    assert name in message and "1000000000" in message
    # Reading the real images file (when the labels are the bomb) takes 8 MB.
    assert peak < 40 << 20


def test_corrupt_file_is_reported(tmp_path: Path) -> None:
    folder = placeholder_split(tmp_path / "data")  # empty files
    with pytest.raises(MnistError, match=r"t10k-images-idx3-ubyte\.gz: file is empty"):
        load_mnist("test", folder, download=False, environ={}, cache_dir=tmp_path)


def test_unknown_split(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="validation"):
        locate_mnist("validation", environ={}, cache_dir=tmp_path)
    with pytest.raises(ValueError):
        load_mnist("validation", download=False, environ={}, cache_dir=tmp_path)
    with pytest.raises(ValueError):
        dataset_checksums("Test", environ={}, cache_dir=tmp_path)
