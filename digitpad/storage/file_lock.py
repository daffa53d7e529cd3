"""Advisory locks between running copies of digitpad. ``FileLock`` holds an
exclusive lock on a small lock file for the duration of a ``with`` block
(waiting a bounded time for another copy to finish), and ``try_lock`` /
``unlock`` lock an already open file without waiting. The operating system
drops a lock when its process dies, so a crashed copy never leaves a lock
behind — which is also how a temporary file still being written is told
apart from one abandoned by a killed save.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

if os.name == "nt":                     # pragma: no cover - exercised on Windows only
    import msvcrt

    def try_lock(descriptor: int) -> bool:
        """Lock the open file ``descriptor`` exclusively if nobody else holds it."""
        try:
            os.lseek(descriptor, 0, os.SEEK_SET)
            msvcrt.locking(descriptor, msvcrt.LK_NBLCK, 1)
            return True
        except OSError:
            return False

    def unlock(descriptor: int) -> None:
        try:
            os.lseek(descriptor, 0, os.SEEK_SET)
            msvcrt.locking(descriptor, msvcrt.LK_UNLCK, 1)
        except OSError:
            pass
else:
    import fcntl

    def try_lock(descriptor: int) -> bool:
        """Lock the open file ``descriptor`` exclusively if nobody else holds it."""
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except OSError:
            return False

    def unlock(descriptor: int) -> None:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_UN)
        except OSError:
            pass


class LockTimeout(Exception):
    """Another copy of digitpad held the lock for longer than we waited."""


class FileLock:
    """``with FileLock(path):`` — exclusive across processes, re-entrant within one object."""

    POLL_SECONDS = 0.02

    def __init__(self, path: str | os.PathLike, timeout: float = 10.0) -> None:
        self.path = Path(path)
        self.timeout = timeout
        self._descriptor: int | None = None
        self._depth = 0

    def acquire(self) -> None:
        if self._depth:
            self._depth += 1
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(self.path, os.O_RDWR | os.O_CREAT | getattr(os, "O_BINARY", 0), 0o644)
        deadline = time.monotonic() + self.timeout
        while not try_lock(descriptor):
            if time.monotonic() > deadline:
                os.close(descriptor)
                raise LockTimeout(f"{self.path}: another copy of digitpad kept it locked for "
                                  f"{self.timeout:g} s")
            time.sleep(self.POLL_SECONDS)
        self._descriptor = descriptor
        self._depth = 1

    def release(self) -> None:
        if not self._depth:
            return
        self._depth -= 1
        if self._depth == 0 and self._descriptor is not None:
            unlock(self._descriptor)
            os.close(self._descriptor)
            self._descriptor = None

    def __enter__(self) -> "FileLock":
        self.acquire()
        return self

    def __exit__(self, *exc_info) -> None:
        self.release()
