"""Setting a file aside: a stored file digitpad cannot use (damaged samples,
unreadable settings) is moved to a dated name beside it —
``samples.damaged-20261123-014239.journal`` — so the user's data is kept
for repair while the app starts afresh. The new name is claimed with an
operation that fails if it exists, so two files set aside in the same
second get ``…-2``, ``…-3`` and no backup is ever overwritten.
"""

from __future__ import annotations

import datetime as _datetime
import errno
import os
import shutil
from pathlib import Path

from digitpad.storage.atomic import write_target

_MAX_ATTEMPTS = 1000


def backup_name(path: Path, reason: str, stamp: str, attempt: int) -> Path:
    counter = f"-{attempt}" if attempt > 1 else ""
    return path.with_name(f"{path.stem}.{reason}-{stamp}{counter}{path.suffix}")


def set_aside(path: str | os.PathLike, reason: str = "damaged") -> Path:
    """Move ``path`` (through any symbolic link) to a new dated name; returns it.

    Raises ``OSError`` if it cannot be moved; the file is then unchanged.
    """
    source = write_target(path)
    stamp = _datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    for attempt in range(1, _MAX_ATTEMPTS + 1):
        candidate = backup_name(source, reason, stamp, attempt)
        try:
            _claim(source, candidate)
            return candidate
        except FileExistsError:
            continue
    raise OSError(errno.EEXIST, f"no free backup name for {source}")


def _claim(source: Path, destination: Path) -> None:
    """Move ``source`` to ``destination``, failing with FileExistsError if it exists."""
    try:
        # A hard link is created only if the name is free, atomically.
        os.link(source, destination)
    except FileExistsError:
        raise
    except OSError:
        # File systems without hard links: copy into an exclusively created file.
        with open(source, "rb") as reader, open(destination, "xb") as writer:
            try:
                shutil.copyfileobj(reader, writer)
            except BaseException:
                writer.close()
                os.unlink(destination)
                raise
    os.unlink(source)
