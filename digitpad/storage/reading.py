"""Opening a file that someone else named: only a regular file is opened
(a FIFO, device or socket would block or never end), the open never waits,
its size is checked against a cap before a byte is read, and every way it
can fail becomes ``UnreadableFile`` with the problem in plain words — "no
such file", "permission denied", "is a folder" — for the caller to prefix
with the file's name and raise as its own error.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import BinaryIO


class UnreadableFile(Exception):
    """The file cannot be opened for reading; ``str()`` is the plain problem, without the path."""


def describe_size(size: int) -> str:
    if size >= 1 << 20:
        return f"{size / (1 << 20):.1f} MB"
    if size >= 1 << 10:
        return f"{size / (1 << 10):.0f} KB"
    return f"{size} bytes"


def open_regular_file(path: str | os.PathLike, max_bytes: int | None = None) -> BinaryIO:
    """``path`` opened for binary reading, if it is a regular file of at most ``max_bytes``."""
    # O_NONBLOCK makes opening a FIFO return at once instead of waiting for a
    # writer; it has no effect on regular files, the only kind we go on to read.
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        descriptor = os.open(Path(path), flags)
    except FileNotFoundError:
        raise UnreadableFile("no such file") from None
    except IsADirectoryError:
        raise UnreadableFile("is a folder, not a file") from None
    except PermissionError:
        raise UnreadableFile("permission denied: this user may not read the file") from None
    except OSError as error:
        raise UnreadableFile(f"cannot be opened ({error.strerror or error})") from None
    try:
        status = os.fstat(descriptor)
        if stat.S_ISDIR(status.st_mode):
            raise UnreadableFile("is a folder, not a file")
        if not stat.S_ISREG(status.st_mode):
            raise UnreadableFile("is not a regular file (a pipe, device or socket); only files can be opened")
        if max_bytes is not None and status.st_size > max_bytes:
            raise UnreadableFile(f"is too large ({describe_size(status.st_size)}; "
                                 f"at most {describe_size(max_bytes)} is accepted)")
        return os.fdopen(descriptor, "rb")
    except BaseException:
        os.close(descriptor)
        raise


def read_regular_file(path: str | os.PathLike, max_bytes: int) -> bytes:
    """The whole content of a regular file of at most ``max_bytes``."""
    with open_regular_file(path, max_bytes) as stream:
        try:
            data = stream.read(max_bytes + 1)
        except OSError as error:
            raise UnreadableFile(f"cannot be read ({error.strerror or error})") from None
    if len(data) > max_bytes:             # it grew while we read it
        raise UnreadableFile(f"is too large (more than {describe_size(max_bytes)})")
    return data
