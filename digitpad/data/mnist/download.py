"""Checksum-verified, size-capped, atomic file download over http, https or
file URLs using only ``urllib``. ``download_file`` tries a list of mirror URLs
in order, streams each through ``storage.atomic.atomic_writer`` (a locked
temporary file next to the destination) while hashing it, stops as soon as a
mirror sends more than the expected size (so a hostile or broken mirror cannot
fill the disk), and lets the file replace the destination only once its size
and checksums match, so the destination path never holds a partial or
corrupt file.
"""

from __future__ import annotations

import hashlib
import http.client
import os
import sys
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from digitpad import __version__
from digitpad.data.mnist.idx import MnistError
from digitpad.storage.atomic import AtomicWriteError, atomic_writer

__all__ = ["ProgressCallback", "download_file", "USER_AGENT"]

ProgressCallback = Callable[[int, int | None], None]

USER_AGENT = (
    f"digitpad/{__version__} (MNIST downloader; Python-urllib/"
    f"{sys.version_info.major}.{sys.version_info.minor})"
)
CHUNK_BYTES = 1 << 16


def download_file(
    urls: str | Iterable[str],
    destination: str | os.PathLike[str],
    md5: str | None = None,
    sha256: str | None = None,
    progress: ProgressCallback | None = None,
    timeout: float = 30.0,
    *,
    size: int | None = None,
) -> Path:
    """Download the first URL of ``urls`` that succeeds and verifies to ``destination``.

    ``md5`` and ``sha256`` are expected hex digests; each one given is checked.
    ``size`` is the exact expected length in bytes: a URL announcing another
    Content-Length is refused before anything is written, and reading stops
    as soon as more than ``size`` bytes arrive.
    ``progress(bytes_done, bytes_total)`` is called as chunks arrive, with
    ``bytes_total`` taken from Content-Length, else ``size`` (``None`` when
    neither is known); it starts again from 0 when a URL fails and the next
    one is tried. ``timeout`` (seconds) applies to connecting and to each
    network read.

    Returns the destination path. Raises ``MnistError`` naming the destination
    and, for every URL, why it failed. An existing destination file is left
    untouched unless a download fully succeeds.
    """
    url_list = [urls] if isinstance(urls, str) else list(urls)
    destination = Path(destination)
    if not url_list:
        raise MnistError(f"{destination}: cannot download, no URLs were given")
    if size is not None and size < 0:
        raise ValueError(f"size must be non-negative, got {size}")
    try:
        destination.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise MnistError(
            f"{destination}: cannot create the folder {destination.parent} ({error})"
        ) from error

    expected = _Expected(size, md5.lower() if md5 else None, sha256.lower() if sha256 else None)
    failures: list[str] = []
    for url in url_list:
        try:
            _download_one(url, destination, expected, progress, timeout)
        except _AttemptFailed as failure:
            failures.append(f"  - {url}: {failure}")
            continue
        return destination

    raise MnistError(
        f"{destination}: download failed from every URL tried:\n" + "\n".join(failures)
    )


class _AttemptFailed(Exception):
    """One URL did not yield a verified file; the message says why. Not an
    ``OSError``, so it passes through ``atomic_writer`` as it is."""


@dataclass(frozen=True)
class _Expected:
    """What the downloaded file must be: its exact size and hex digests (each optional)."""

    size: int | None
    md5: str | None
    sha256: str | None


def _download_one(
    url: str,
    destination: Path,
    expected: _Expected,
    progress: ProgressCallback | None,
    timeout: float,
) -> None:
    try:
        request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    except ValueError as error:
        # urllib raises ValueError for URLs it cannot parse at all.
        raise _AttemptFailed(f"invalid URL ({error})") from error
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            bytes_total = _checked_total(response, expected.size)
            # Every check runs inside the writer: any failure, or an
            # interruption, removes the temporary and leaves the destination
            # as it was.
            with atomic_writer(destination) as stream:
                digests = _copy_hashing(response, stream, expected.size, bytes_total,
                                        progress, timeout)
                _check_digests(digests, expected)
    except AtomicWriteError as error:
        raise _AttemptFailed(
            f"could not write the downloaded file ({error.strerror or error})"
        ) from error
    except (OSError, http.client.HTTPException) as error:
        raise _transfer_failure(error, timeout) from error


def _checked_total(response: object, expected_size: int | None) -> int | None:
    """The size progress reports count towards: Content-Length, else the
    expected size. A Content-Length other than the expected size is refused
    before anything is written."""
    announced_size = _content_length(response)
    if (expected_size is not None and announced_size is not None
            and announced_size != expected_size):
        raise _AttemptFailed(
            f"wrong size: the server announces {announced_size} bytes, expected {expected_size}"
        )
    return announced_size if announced_size is not None else expected_size


def _copy_hashing(
    response: BinaryIO,
    stream: BinaryIO,
    expected_size: int | None,
    bytes_total: int | None,
    progress: ProgressCallback | None,
    timeout: float,
) -> dict[str, str]:
    """Copy ``response`` into ``stream``; returns the md5 and sha256 hex digests."""
    md5_hash = hashlib.md5(usedforsecurity=False)
    sha256_hash = hashlib.sha256()
    bytes_done = 0
    if progress is not None:
        progress(0, bytes_total)
    # Asking for at most one byte past the expected size is enough to notice
    # a mirror that sends too much, without storing it.
    while chunk := _read(response, CHUNK_BYTES if expected_size is None
                         else min(CHUNK_BYTES, expected_size + 1 - bytes_done), timeout):
        if expected_size is not None and bytes_done + len(chunk) > expected_size:
            raise _AttemptFailed(f"too large: received more than the expected {expected_size} bytes")
        stream.write(chunk)
        md5_hash.update(chunk)
        sha256_hash.update(chunk)
        bytes_done += len(chunk)
        if progress is not None:
            progress(bytes_done, bytes_total)
    if bytes_total is not None and bytes_done != bytes_total:
        raise _AttemptFailed(f"incomplete download: received {bytes_done} of {bytes_total} bytes")
    return {"md5": md5_hash.hexdigest(), "sha256": sha256_hash.hexdigest()}


def _read(response: BinaryIO, size: int, timeout: float) -> bytes:
    # Network errors become messages here, inside the writer, which would
    # otherwise report them as failures to write the file.
    try:
        return response.read(size)
    except (OSError, http.client.HTTPException) as error:
        raise _transfer_failure(error, timeout) from error


def _check_digests(digests: dict[str, str], expected: _Expected) -> None:
    for algorithm, wanted in (("md5", expected.md5), ("sha256", expected.sha256)):
        if wanted is not None and digests[algorithm] != wanted:
            raise _AttemptFailed(
                f"checksum mismatch: expected {algorithm} {wanted}, got {digests[algorithm]}"
            )


def _transfer_failure(error: BaseException, timeout: float) -> _AttemptFailed:
    """Why opening or reading a URL failed, in words."""
    if isinstance(error, urllib.error.HTTPError):
        error.close()
        return _AttemptFailed(f"HTTP error {error.code} {error.reason}")
    if isinstance(error, urllib.error.URLError):
        return _AttemptFailed(f"could not open the URL ({error.reason})")
    if isinstance(error, TimeoutError):
        return _AttemptFailed(f"timed out after {timeout:g} s")
    return _AttemptFailed(f"transfer failed ({type(error).__name__}: {error})")


def _content_length(response: object) -> int | None:
    headers = getattr(response, "headers", None)
    value = headers.get("Content-Length") if headers is not None else None
    try:
        length = int(value) if value is not None else None
    except ValueError:
        return None
    return length if length is not None and length >= 0 else None
