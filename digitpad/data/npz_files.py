"""Reading and writing the ``.npz`` files digitpad keeps (checkpoints,
personal samples) safely: never with pickle, every member read at once so
that damage is reported up front, JSON metadata stored as a uint8 array, and
writes made atomic — a temporary file in the same folder, flushed, then moved
into place — so a crash never leaves a torn file. Errors name the file.
"""

from __future__ import annotations

import json
import os
import secrets
import zipfile
from pathlib import Path
from typing import Mapping

import numpy as np


class NpzFileError(Exception):
    """An ``.npz`` file could not be read or written; the message names it."""


def write_npz_atomically(path: str | os.PathLike, arrays: Mapping[str, np.ndarray],
                         what: str = "file") -> None:
    """Write ``arrays`` to ``path`` so that it holds either the old or the new
    content, never a mixture. ``what`` names the kind of file in errors."""
    path = Path(path)
    # A plain exclusive create (unlike mkstemp) honours the user's umask, so the
    # file gets the same permissions as any other file they save.
    temporary_name = path.parent / f".{path.name}.{secrets.token_hex(6)}.tmp"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        stream = open(temporary_name, "xb")
    except OSError as error:
        raise NpzFileError(f"{path}: cannot write {what}: {error.strerror or error}") from error
    try:
        with stream:
            # Given a file object, savez does not append ".npz" to the name.
            np.savez(stream, **arrays)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary_name, path)
    except BaseException as error:
        try:
            os.unlink(temporary_name)
        except OSError:
            pass
        if isinstance(error, OSError):
            raise NpzFileError(f"{path}: cannot write {what}: {error.strerror or error}") from error
        raise


def read_npz(path: str | os.PathLike, what: str = "file") -> dict[str, np.ndarray]:
    """Every array of the ``.npz`` at ``path``, read with ``allow_pickle=False``."""
    path = Path(path)
    if not path.is_file():
        raise NpzFileError(f"{path}: no such file" if not path.exists() else f"{path}: not a file")
    try:
        with np.load(path, allow_pickle=False) as archive:
            if not isinstance(archive, np.lib.npyio.NpzFile):
                raise NpzFileError(f"{path}: not a digitpad {what} (a single .npy array, not an .npz archive)")
            return {key: archive[key] for key in archive.files}
    except NpzFileError:
        raise
    except ValueError as error:
        if "pickle" in str(error):
            raise NpzFileError(f"{path}: contains pickled or object data, which digitpad never loads "
                               "(only numeric arrays are allowed)") from error
        raise NpzFileError(f"{path}: not a valid {what} archive ({error})") from error
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, KeyError, OSError) as error:
        detail = getattr(error, "strerror", None) or str(error) or type(error).__name__
        raise NpzFileError(f"{path}: not a valid {what} archive, damaged or truncated ({detail})") from error


def encode_json(data) -> np.ndarray:
    """``data`` as UTF-8 JSON in a uint8 array (raises ValueError if not plain JSON)."""
    try:
        text = json.dumps(data, allow_nan=False, sort_keys=True)
    except (TypeError, ValueError) as error:
        raise ValueError(f"not plain JSON: {error}") from error
    return np.frombuffer(text.encode("utf-8"), dtype=np.uint8)


def decode_json(raw: np.ndarray, name: str) -> dict:
    """The JSON object stored by :func:`encode_json`; ValueError explains a bad entry."""
    if raw.dtype != np.uint8 or raw.ndim != 1:
        raise ValueError(f"{name} must be a 1-D uint8 array, got {raw.dtype} {raw.shape}")
    try:
        data = json.loads(raw.tobytes().decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValueError(f"{name} is not valid UTF-8 JSON ({error})") from error
    if not isinstance(data, dict):
        raise ValueError(f"{name} must be a JSON object")
    return data
