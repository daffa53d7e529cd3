"""Checksum-verified, size-capped, atomic file download over http, https or
file URLs using only ``urllib``. ``download_file`` tries a list of mirror URLs
in order, streams each into a temporary file next to the destination while
hashing it, stops as soon as a mirror sends more than the expected size (so a
hostile or broken mirror cannot fill the disk), and moves the file into place
only once its size and checksums match, so the destination path never holds a
partial or corrupt file.
"""

from __future__ import annotations

import hashlib
import http.client
import os
import secrets
import sys
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from pathlib import Path

from digitpad import __version__
from digitpad.data.mnist.idx import MnistError

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
    expected_md5 = md5.lower() if md5 else None
    expected_sha256 = sha256.lower() if sha256 else None
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

    failures: list[str] = []
    for url in url_list:
        try:
            _download_one(
                url, destination, expected_md5, expected_sha256, size, progress, timeout
            )
        except _AttemptFailed as failure:
            failures.append(f"  - {url}: {failure}")
            continue
        return destination

    raise MnistError(
        f"{destination}: download failed from every URL tried:\n" + "\n".join(failures)
    )


class _AttemptFailed(Exception):
    """One URL did not yield a verified file; the message says why."""


def _download_one(
    url: str,
    destination: Path,
    expected_md5: str | None,
    expected_sha256: str | None,
    expected_size: int | None,
    progress: ProgressCallback | None,
    timeout: float,
) -> None:
    # A random name in the destination folder keeps concurrent downloads apart and
    # makes the final os.replace an atomic rename on the same file system. Opening
    # with "xb" (rather than mkstemp) keeps the umask-based permissions.
    temporary_path = destination.with_name(
        f".{destination.name}.{secrets.token_hex(6)}.part"
    )
    moved_into_place = False
    try:
        md5_hash = hashlib.md5(usedforsecurity=False)
        sha256_hash = hashlib.sha256()
        try:
            request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
        except ValueError as error:
            # urllib raises ValueError for URLs it cannot parse at all.
            raise _AttemptFailed(f"invalid URL ({error})") from error
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response, open(
                temporary_path, "xb"
            ) as temporary_file:
                announced_size = _content_length(response)
                if (expected_size is not None and announced_size is not None
                        and announced_size != expected_size):
                    raise _AttemptFailed(
                        f"wrong size: the server announces {announced_size} bytes, "
                        f"expected {expected_size}"
                    )
                bytes_total = announced_size if announced_size is not None else expected_size
                bytes_done = 0
                if progress is not None:
                    progress(0, bytes_total)
                # Asking for at most one byte past the expected size is enough
                # to notice a mirror that sends too much, without storing it.
                while chunk := response.read(
                    CHUNK_BYTES if expected_size is None
                    else min(CHUNK_BYTES, expected_size + 1 - bytes_done)
                ):
                    if expected_size is not None and bytes_done + len(chunk) > expected_size:
                        raise _AttemptFailed(
                            f"too large: received more than the expected {expected_size} bytes"
                        )
                    temporary_file.write(chunk)
                    md5_hash.update(chunk)
                    sha256_hash.update(chunk)
                    bytes_done += len(chunk)
                    if progress is not None:
                        progress(bytes_done, bytes_total)
                if bytes_total is not None and bytes_done != bytes_total:
                    raise _AttemptFailed(
                        f"incomplete download: received {bytes_done} of "
                        f"{bytes_total} bytes"
                    )
                temporary_file.flush()
                os.fsync(temporary_file.fileno())
        except urllib.error.HTTPError as error:
            error.close()
            raise _AttemptFailed(f"HTTP error {error.code} {error.reason}") from error
        except urllib.error.URLError as error:
            raise _AttemptFailed(f"could not open the URL ({error.reason})") from error
        except TimeoutError as error:
            raise _AttemptFailed(f"timed out after {timeout:g} s") from error
        except (OSError, http.client.HTTPException) as error:
            raise _AttemptFailed(
                f"transfer failed ({type(error).__name__}: {error})"
            ) from error

        for algorithm, expected, actual_hash in (
            ("md5", expected_md5, md5_hash),
            ("sha256", expected_sha256, sha256_hash),
        ):
            if expected is not None and actual_hash.hexdigest() != expected:
                raise _AttemptFailed(
                    f"checksum mismatch: expected {algorithm} {expected}, "
                    f"got {actual_hash.hexdigest()}"
                )

        try:
            os.replace(temporary_path, destination)
        except OSError as error:
            raise _AttemptFailed(
                f"could not move the downloaded file into place ({error})"
            ) from error
        moved_into_place = True
    finally:
        if not moved_into_place:
            # Runs on KeyboardInterrupt too, so no .part file is ever left behind.
            try:
                temporary_path.unlink(missing_ok=True)
            except OSError:
                pass


def _content_length(response: object) -> int | None:
    headers = getattr(response, "headers", None)
    value = headers.get("Content-Length") if headers is not None else None
    try:
        length = int(value) if value is not None else None
    except ValueError:
        return None
    return length if length is not None and length >= 0 else None
