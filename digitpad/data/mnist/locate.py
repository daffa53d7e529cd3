"""Where the MNIST files are looked for. A folder given explicitly
(``data_dir``, ``--data-dir``, the folder chosen in the app) is the only
place searched and is never downloaded into; without one,
``$DIGITPAD_MNIST_DIR`` and then the per-user cache are searched. Each file
may be gzip-compressed or raw, under its canonical or dotted name. The
messages that explain where nothing was found live here too.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import platformdirs

from digitpad.data.mnist.files import ENV_VAR, MNIST_SPLITS, MnistFile, MnistSplit
from digitpad.data.mnist.idx import MnistError

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
    spec = split_spec(split)
    if data_dir is not None:
        return find_split_in_folder(spec, explicit_folder(data_dir))
    for folder, _description in default_folders(environ, cache_dir):
        found = find_split_in_folder(spec, folder)
        if found is not None:
            return found
    return None


def split_spec(split: str) -> MnistSplit:
    try:
        return MNIST_SPLITS[split]
    except (KeyError, TypeError):
        raise ValueError(
            f"unknown MNIST split {split!r}, expected one of: {', '.join(MNIST_SPLITS)}"
        ) from None


def explicit_folder(data_dir: str | os.PathLike[str]) -> Path:
    return Path(data_dir).expanduser()


def default_folders(
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


def find_file(file: MnistFile, folder: Path) -> Path | None:
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


def find_split_in_folder(spec: MnistSplit, folder: Path) -> tuple[Path, Path] | None:
    images_path = find_file(spec.images, folder)
    labels_path = find_file(spec.labels, folder)
    if images_path is None or labels_path is None:
        return None
    return images_path, labels_path


def no_mnist_in_folder_message(
    split: str,
    spec: MnistSplit,
    data_dir: str | os.PathLike[str],
    environ: Mapping[str, str] | None,
    cache_dir: str | os.PathLike[str] | None,
) -> str:
    folder = explicit_folder(data_dir)
    if not folder.exists():
        problem = "this folder does not exist"
    elif not folder.is_dir():
        problem = "this is not a folder"
    else:
        missing = [file.name for file in (spec.images, spec.labels) if find_file(file, folder) is None]
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


def not_found_message(
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
    for folder, description in default_folders(environ, cache_dir):
        lines.append(f"  - {folder}  [{description}]")
    if (os.environ if environ is None else environ).get(ENV_VAR) in (None, ""):
        lines.append(f"  (${ENV_VAR} is not set)")
    if not download:
        lines.append("Downloading was not allowed.")
    lines.append(how_to_fix())
    return "\n".join(lines)


def how_to_fix(download_attempted: bool = False) -> str:
    last_option = (
        "or check the internet connection and try again"
        if download_attempted
        else "or allow the download (download=True) on a machine with internet access"
    )
    return (
        "To fix: pass --data-dir (data_dir) pointing to a folder holding the MNIST "
        f"files, set the environment variable {ENV_VAR} to such a folder, {last_option}."
    )
