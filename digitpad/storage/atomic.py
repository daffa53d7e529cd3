"""Atomic file writes: the new content goes to a temporary file beside the
target, is flushed to disk, and is moved over the target with
``os.replace``, so the target always holds either the old or the new
content — never a torn mixture. A symbolic link is written through (its
target is replaced and the link stays a link). The temporary file is locked
while it is written; temporaries whose lock is free were abandoned by a
killed save and are removed by the next write into the same folder.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
from pathlib import Path
from typing import BinaryIO, Callable, Iterator

from digitpad.storage.file_lock import try_lock, unlock

# ".<target name>.<12 hex digits>.tmp": distinctive enough that cleaning up
# never touches a file digitpad did not make.
_TEMPORARY = re.compile(r"^\..+\.[0-9a-f]{12}\.tmp$")


class AtomicWriteError(OSError):
    """The file could not be written; the old content (if any) is unchanged."""


def write_target(path: str | os.PathLike) -> Path:
    """The file a write to ``path`` really replaces: the end of any symbolic links."""
    path = Path(path)
    return Path(os.path.realpath(path)) if path.is_symlink() else path


def _temporary_name(target: Path) -> Path:
    return target.with_name(f".{target.name}.{secrets.token_hex(6)}.tmp")


def remove_abandoned_temporaries(folder: str | os.PathLike) -> int:
    """Delete temporaries in ``folder`` that no running save holds; returns how many."""
    removed = 0
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return 0
    for entry in entries:
        if not _TEMPORARY.match(entry.name) or not entry.is_file(follow_symlinks=False):
            continue
        try:
            descriptor = os.open(entry.path, os.O_RDWR | getattr(os, "O_BINARY", 0))
        except OSError:
            continue
        try:
            if try_lock(descriptor):
                unlock(descriptor)
                os.unlink(entry.path)
                removed += 1
        except OSError:
            pass
        finally:
            os.close(descriptor)
    return removed


@contextlib.contextmanager
def atomic_writer(path: str | os.PathLike) -> Iterator[BinaryIO]:
    """``with atomic_writer(path) as stream:`` write bytes; on a clean exit
    they replace ``path``, on an exception nothing changes.

    Raises ``AtomicWriteError`` (an ``OSError``) when the file cannot be written.
    """
    target = write_target(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise AtomicWriteError(error.errno, f"cannot create the folder {target.parent} "
                                            f"({error.strerror or error})") from error
    remove_abandoned_temporaries(target.parent)
    temporary = _temporary_name(target)
    try:
        # A plain exclusive create (unlike mkstemp) honours the user's umask,
        # so the file gets the same permissions as any other file they save.
        stream = open(temporary, "xb")
    except OSError as error:
        raise AtomicWriteError(error.errno, error.strerror or str(error)) from error
    try:
        # Held until the file is moved into place: tells a cleaner that this
        # temporary is alive.
        try_lock(stream.fileno())
        yield stream
        stream.flush()
        os.fsync(stream.fileno())
        if os.name == "nt":             # Windows cannot rename a file that is open
            stream.close()
        os.replace(temporary, target)
        stream.close()
    except BaseException as error:
        with contextlib.suppress(OSError):
            stream.close()
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        if isinstance(error, OSError) and not isinstance(error, AtomicWriteError):
            raise AtomicWriteError(error.errno, error.strerror or str(error)) from error
        raise


def write_atomically(path: str | os.PathLike, write: Callable[[BinaryIO], None]) -> None:
    """Call ``write(stream)`` inside :func:`atomic_writer`."""
    with atomic_writer(path) as stream:
        write(stream)


def write_bytes_atomically(path: str | os.PathLike, data: bytes) -> None:
    with atomic_writer(path) as stream:
        stream.write(data)


def write_text_atomically(path: str | os.PathLike, text: str) -> None:
    write_bytes_atomically(path, text.encode("utf-8"))
