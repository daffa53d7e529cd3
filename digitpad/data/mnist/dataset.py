"""Loading MNIST: ``load_mnist`` finds a split (``locate``), downloads it
when allowed (checksums and sizes verified), reads it with its expected
shape and checks it is the split it claims to be; ``dataset_checksums``
reports the md5 of the files actually used, so training runs record
exactly which data they saw; ``as_float_images`` turns MNIST's bytes into
the ``(N, 784)`` float32 in [0, 1] the network reads.
"""

from __future__ import annotations

import functools
import hashlib
import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import numpy as np

from digitpad.data.mnist.download import download_file
from digitpad.data.mnist.files import DEFAULT_MIRRORS, IMAGE_SHAPE, LABEL_COUNT, MnistSplit
from digitpad.data.mnist.idx import MnistError, read_idx
from digitpad.data.mnist.locate import (default_folders, find_file, find_split_in_folder,
                                        how_to_fix, locate_mnist, no_mnist_in_folder_message,
                                        not_found_message, split_spec)

NamedProgressCallback = Callable[[str, int, int | None], None]


MD5_CHUNK_BYTES = 1 << 20


def load_mnist(
    split: str,
    data_dir: str | os.PathLike[str] | None = None,
    download: bool = True,
    *,
    environ: Mapping[str, str] | None = None,
    cache_dir: str | os.PathLike[str] | None = None,
    mirrors: Sequence[str] = DEFAULT_MIRRORS,
    progress: NamedProgressCallback | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Return ``(images, labels)`` of ``split``: uint8 arrays of shape
    ``(N, 28, 28)`` and ``(N,)``, N being 60000 for "train" and 10000 for "test".

    Files are located as in ``locate_mnist``. A ``data_dir`` that lacks them
    is an error, whatever ``download`` says: nothing is downloaded into a folder
    the caller chose. Without ``data_dir``, when the files are not found and
    ``download`` is true, they are downloaded from ``mirrors`` (base URLs, tried
    in order, size and checksums verified) into ``$DIGITPAD_MNIST_DIR`` if set,
    else ``cache_dir``. ``progress(file_name, bytes_done, bytes_total)`` reports
    the download. Raises ``MnistError`` when the data cannot be found or fetched,
    or when the files are unreadable or do not look like this MNIST split; the
    header of each file is checked before its data is read, so a file declaring
    more than the split holds is refused without being decompressed.
    """
    spec = split_spec(split)
    found = locate_mnist(split, data_dir, environ=environ, cache_dir=cache_dir)
    if found is None:
        if data_dir is not None:
            raise MnistError(no_mnist_in_folder_message(split, spec, data_dir, environ, cache_dir))
        if not download:
            raise MnistError(not_found_message(split, spec, environ, cache_dir, download))
        found = _download_split(split, spec, environ, cache_dir, mirrors, progress)
    images_path, labels_path = found
    # The sample count is checked after reading, with a clearer message; the
    # byte limit already keeps a file from declaring more than the split holds.
    image_bytes = IMAGE_SHAPE[0] * IMAGE_SHAPE[1]
    images = read_idx(images_path, (None, *IMAGE_SHAPE), max_bytes=spec.count * image_bytes)
    labels = read_idx(labels_path, (None,), max_bytes=spec.count)
    _validate(spec, images_path, images, labels_path, labels)
    return images, labels


def file_md5(path: str | os.PathLike[str]) -> str:
    """The md5 hex digest of a file, read in chunks so memory stays small."""
    path = Path(path)
    digest = hashlib.md5(usedforsecurity=False)
    try:
        with open(path, "rb") as file:
            while chunk := file.read(MD5_CHUNK_BYTES):
                digest.update(chunk)
    except OSError as error:
        raise MnistError(f"{path}: could not read the file ({error.strerror or error})") from error
    return digest.hexdigest()


def dataset_checksums(
    split: str,
    data_dir: str | os.PathLike[str] | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    cache_dir: str | os.PathLike[str] | None = None,
) -> dict[str, str]:
    """Map the file name of each file ``split`` would load from to its md5,
    for recording in checkpoint metadata. Searches as ``locate_mnist`` does and
    never downloads; raises ``MnistError`` if the split is not found."""
    spec = split_spec(split)
    found = locate_mnist(split, data_dir, environ=environ, cache_dir=cache_dir)
    if found is None:
        if data_dir is not None:
            raise MnistError(no_mnist_in_folder_message(split, spec, data_dir, environ, cache_dir))
        raise MnistError(not_found_message(split, spec, environ, cache_dir, download=False))
    return {path.name: file_md5(path) for path in found}


def _download_split(
    split: str,
    spec: MnistSplit,
    environ: Mapping[str, str] | None,
    cache_dir: str | os.PathLike[str] | None,
    mirrors: Sequence[str],
    progress: NamedProgressCallback | None,
) -> tuple[Path, Path]:
    target_folder = default_folders(environ, cache_dir)[0][0]
    try:
        for file in (spec.images, spec.labels):
            # A file of the pair already present (e.g. an interrupted earlier
            # run fetched only the images) is kept, not fetched again.
            if find_file(file, target_folder) is not None:
                continue
            download_file(
                [_join_url(mirror, file.name) for mirror in mirrors],
                target_folder / file.name,
                size=file.size,
                md5=file.md5,
                sha256=file.sha256,
                progress=functools.partial(progress, file.name) if progress else None,
            )
    except MnistError as error:
        raise MnistError(
            f"could not download the MNIST {split} split into {target_folder}.\n"
            f"{error}\n"
            f"{how_to_fix(download_attempted=True)}"
        ) from error
    found = find_split_in_folder(spec, target_folder)
    if found is None:  # only if something deleted the files meanwhile
        raise MnistError(
            f"{target_folder}: the downloaded MNIST {split} files disappeared"
        )
    return found


def _join_url(base: str, name: str) -> str:
    return (base if base.endswith("/") else base + "/") + name


def _validate(
    spec: MnistSplit,
    images_path: Path,
    images: np.ndarray,
    labels_path: Path,
    labels: np.ndarray,
) -> None:
    files = f"{images_path} and {labels_path}"
    if images.ndim != 3 or images.shape[1:] != IMAGE_SHAPE:
        raise MnistError(
            f"{images_path}: expected images of shape (N, 28, 28), found shape {images.shape}"
        )
    if labels.ndim != 1:
        raise MnistError(
            f"{labels_path}: expected labels of shape (N,), found shape {labels.shape}"
        )
    if images.shape[0] != labels.shape[0]:
        raise MnistError(
            f"{files}: do not match: {images.shape[0]} images but {labels.shape[0]} labels"
        )
    if images.shape[0] != spec.count:
        raise MnistError(
            f"{files}: expected {spec.count} samples, found {images.shape[0]}; "
            "these are not the canonical MNIST files"
        )
    if labels.size and int(labels.max()) >= LABEL_COUNT:
        bad_count = int(np.count_nonzero(labels >= LABEL_COUNT))
        raise MnistError(
            f"{labels_path}: {bad_count} labels are outside 0..9 "
            f"(largest is {int(labels.max())})"
        )


def as_float_images(images: np.ndarray) -> np.ndarray:
    """uint8 ``(N, 28, 28)`` MNIST images as float32 ``(N, 784)`` in [0, 1], what the network reads."""
    flat = images.reshape(len(images), -1)
    return np.multiply(flat, np.float32(1 / 255), dtype=np.float32)
