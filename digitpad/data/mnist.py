"""The MNIST data set: the table of canonical files (names, byte sizes,
sample counts, checksums), the mirrors they are downloaded from, where the
files are looked for, and ``load_mnist``, which finds, downloads when
allowed, reads and validates a split. A folder given explicitly (``data_dir``,
``--data-dir``, the folder chosen in the app) is the only place searched and
is never downloaded into; without one, ``$DIGITPAD_MNIST_DIR`` and then the
per-user cache are searched, and a download goes into the first of those.
``dataset_checksums`` reports the md5 of the files actually used so training
runs can record exactly which data they saw.
"""

from __future__ import annotations

import functools
import hashlib
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import platformdirs

from digitpad.data.download import download_file
from digitpad.data.idx import MnistError, read_idx

__all__ = [
    "DEFAULT_MIRRORS",
    "ENV_VAR",
    "IMAGE_SHAPE",
    "MNIST_SPLITS",
    "MnistFile",
    "MnistSplit",
    "NamedProgressCallback",
    "dataset_checksums",
    "default_cache_dir",
    "file_md5",
    "load_mnist",
    "locate_mnist",
]

NamedProgressCallback = Callable[[str, int, int | None], None]


@dataclass(frozen=True)
class MnistFile:
    """One canonical, gzip-compressed MNIST file: its size in bytes (a download
    is cut off past it) and its checksums."""

    name: str
    size: int
    md5: str
    sha256: str


@dataclass(frozen=True)
class MnistSplit:
    """The images and labels files of one split and how many samples it holds."""

    images: MnistFile
    labels: MnistFile
    count: int


MNIST_SPLITS: dict[str, MnistSplit] = {
    "train": MnistSplit(
        images=MnistFile(
            name="train-images-idx3-ubyte.gz",
            size=9912422,
            md5="f68b3c2dcbeaaa9fbdd348bbdeb94873",
            sha256="440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
        ),
        labels=MnistFile(
            name="train-labels-idx1-ubyte.gz",
            size=28881,
            md5="d53e105ee54ea40749a09fcbcd1e9432",
            sha256="3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
        ),
        count=60000,
    ),
    "test": MnistSplit(
        images=MnistFile(
            name="t10k-images-idx3-ubyte.gz",
            size=1648877,
            md5="9fb629c4189551a2d022fa330f9573f3",
            sha256="8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
        ),
        labels=MnistFile(
            name="t10k-labels-idx1-ubyte.gz",
            size=4542,
            md5="ec29112dd5afa0611ce80d1b7f02629c",
            sha256="f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
        ),
        count=10000,
    ),
}

IMAGE_SHAPE = (28, 28)
LABEL_COUNT = 10

DEFAULT_MIRRORS: tuple[str, ...] = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
    "http://yann.lecun.com/exdb/mnist/",
)

ENV_VAR = "DIGITPAD_MNIST_DIR"

MD5_CHUNK_BYTES = 1 << 20


def default_cache_dir() -> Path:
    """The per-user cache folder MNIST is downloaded into by default."""
    return Path(platformdirs.user_cache_dir("digitpad")) / "mnist"


def locate_mnist(
    split: str,
    data_dir: str | os.PathLike[str] | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    cache_dir: str | os.PathLike[str] | None = None,
) -> tuple[Path, Path] | None:
    """Find the ``(images, labels)`` files of ``split`` ("train" or "test").

    When ``data_dir`` is given, only that folder is searched. Otherwise the
    folders are searched in order: ``environ[ENV_VAR]`` (``environ`` defaults
    to ``os.environ``; unset or empty means skip), then ``cache_dir`` (default
    ``default_cache_dir()``). The first folder holding *both* files wins, so
    images and labels never come from different places. Each file may be
    gzip-compressed or raw, under its canonical name
    (``t10k-images-idx3-ubyte[.gz]``) or the dotted variant
    (``t10k-images.idx3-ubyte[.gz]``). Returns ``None`` if nothing is found.
    """
    spec = _split_spec(split)
    if data_dir is not None:
        return _find_split_in_folder(spec, _explicit_folder(data_dir))
    for folder, _description in _default_folders(environ, cache_dir):
        found = _find_split_in_folder(spec, folder)
        if found is not None:
            return found
    return None


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
    spec = _split_spec(split)
    found = locate_mnist(split, data_dir, environ=environ, cache_dir=cache_dir)
    if found is None:
        if data_dir is not None:
            raise MnistError(_no_mnist_in_folder_message(split, spec, data_dir, environ, cache_dir))
        if not download:
            raise MnistError(_not_found_message(split, spec, environ, cache_dir, download))
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
    spec = _split_spec(split)
    found = locate_mnist(split, data_dir, environ=environ, cache_dir=cache_dir)
    if found is None:
        if data_dir is not None:
            raise MnistError(_no_mnist_in_folder_message(split, spec, data_dir, environ, cache_dir))
        raise MnistError(_not_found_message(split, spec, environ, cache_dir, download=False))
    return {path.name: file_md5(path) for path in found}


def _split_spec(split: str) -> MnistSplit:
    try:
        return MNIST_SPLITS[split]
    except (KeyError, TypeError):
        raise ValueError(
            f"unknown MNIST split {split!r}, expected one of: {', '.join(MNIST_SPLITS)}"
        ) from None


def _explicit_folder(data_dir: str | os.PathLike[str]) -> Path:
    return Path(data_dir).expanduser()


def _default_folders(
    environ: Mapping[str, str] | None,
    cache_dir: str | os.PathLike[str] | None,
) -> list[tuple[Path, str]]:
    """The folders searched when no folder is given, in priority order, each
    with a description of where it came from (for error messages)."""
    if environ is None:
        environ = os.environ
    folders: list[tuple[Path, str]] = []
    environment_folder = environ.get(ENV_VAR)
    if environment_folder:
        folders.append((Path(environment_folder).expanduser(), f"${ENV_VAR}"))
    cache_folder = Path(cache_dir).expanduser() if cache_dir is not None else default_cache_dir()
    folders.append((cache_folder, "the download cache"))
    return folders


def _candidate_names(canonical_name: str) -> list[str]:
    """File names accepted for a canonical ``*.gz`` name: the gzip file first (it
    is the one whose checksum is known), then the raw and dotted variants
    (``train-images.idx3-ubyte``, as some unpackers name them)."""
    raw_name = canonical_name.removesuffix(".gz")
    stem, separator, type_part = raw_name.rpartition("-idx")
    dotted_name = f"{stem}.idx{type_part}" if separator else raw_name
    names = [canonical_name, raw_name, dotted_name, dotted_name + ".gz"]
    return list(dict.fromkeys(names))


def _find_file(file: MnistFile, folder: Path) -> Path | None:
    for name in _candidate_names(file.name):
        candidate = folder / name
        try:
            if candidate.is_file():
                return candidate
        except OSError as error:  # e.g. a folder the user may not look into
            raise MnistError(
                f"{folder}: cannot look for the MNIST files there ({error.strerror or error})"
            ) from error
    return None


def _find_split_in_folder(spec: MnistSplit, folder: Path) -> tuple[Path, Path] | None:
    images_path = _find_file(spec.images, folder)
    labels_path = _find_file(spec.labels, folder)
    if images_path is None or labels_path is None:
        return None
    return images_path, labels_path


def _download_split(
    split: str,
    spec: MnistSplit,
    environ: Mapping[str, str] | None,
    cache_dir: str | os.PathLike[str] | None,
    mirrors: Sequence[str],
    progress: NamedProgressCallback | None,
) -> tuple[Path, Path]:
    target_folder = _default_folders(environ, cache_dir)[0][0]
    try:
        for file in (spec.images, spec.labels):
            # A file of the pair already present (e.g. an interrupted earlier
            # run fetched only the images) is kept, not fetched again.
            if _find_file(file, target_folder) is not None:
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
            f"{_how_to_fix(download_attempted=True)}"
        ) from error
    found = _find_split_in_folder(spec, target_folder)
    if found is None:  # only if something deleted the files meanwhile
        raise MnistError(
            f"{target_folder}: the downloaded MNIST {split} files disappeared"
        )
    return found


def _join_url(base: str, name: str) -> str:
    return (base if base.endswith("/") else base + "/") + name


def _no_mnist_in_folder_message(
    split: str,
    spec: MnistSplit,
    data_dir: str | os.PathLike[str],
    environ: Mapping[str, str] | None,
    cache_dir: str | os.PathLike[str] | None,
) -> str:
    folder = _explicit_folder(data_dir)
    if not folder.exists():
        problem = "this folder does not exist"
    elif not folder.is_dir():
        problem = "this is not a folder"
    else:
        missing = [file.name for file in (spec.images, spec.labels) if _find_file(file, folder) is None]
        problem = f"this folder has no MNIST {split} split"
        if len(missing) == 1:
            problem += f" ({missing[0]} is missing)"
    all_files = ", ".join(file.name for entry in MNIST_SPLITS.values()
                          for file in (entry.images, entry.labels))
    environment_folder = (os.environ if environ is None else environ).get(ENV_VAR)
    cache_folder = Path(cache_dir).expanduser() if cache_dir is not None else default_cache_dir()
    return (
        f"{folder}: {problem}. Looked for {spec.images.name} and {spec.labels.name} "
        "(or their uncompressed versions) in this folder only, because it was chosen "
        "explicitly.\n"
        f"To fix: put the four MNIST files ({all_files}) in {folder}, or leave the folder "
        f"out (no --data-dir) so that ${ENV_VAR} ({environment_folder or 'not set'}) or else "
        f"the per-user cache ({cache_folder}) is used, where digitpad downloads the files "
        "when they are missing."
    )


def _not_found_message(
    split: str,
    spec: MnistSplit,
    environ: Mapping[str, str] | None,
    cache_dir: str | os.PathLike[str] | None,
    download: bool,
) -> str:
    lines = [
        f"MNIST {split} split not found: looked for {spec.images.name} and "
        f"{spec.labels.name} (or their uncompressed versions) in:"
    ]
    for folder, description in _default_folders(environ, cache_dir):
        lines.append(f"  - {folder}  [{description}]")
    if (os.environ if environ is None else environ).get(ENV_VAR) in (None, ""):
        lines.append(f"  (${ENV_VAR} is not set)")
    if not download:
        lines.append("Downloading was not allowed.")
    lines.append(_how_to_fix())
    return "\n".join(lines)


def _how_to_fix(download_attempted: bool = False) -> str:
    last_option = (
        "or check the internet connection and try again"
        if download_attempted
        else "or allow the download (download=True) on a machine with internet access"
    )
    return (
        "To fix: pass --data-dir (data_dir) pointing to a folder holding the MNIST "
        f"files, set the environment variable {ENV_VAR} to such a folder, {last_option}."
    )


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
