"""Running long work off the GUI thread. A worker is a QObject with a ``run``
slot; it never touches widgets and reports by signal, ending every run with
``done``. ``CancellableWorker`` holds what every worker shares — the cancel
flag, download progress that honours it, and the signals for failure and
cancellation — and ``MnistWorker`` adds reading MNIST (from where a
``MnistSource`` says). ``BackgroundTask`` is the one way a window runs a
worker: start it on its own thread, ask it to cancel, stop it and wait
(when the window closes), and know whether it is running;
``leaving_a_core_for_the_window`` keeps a job that runs while the user
draws from taking every core from the live readings; ``describe_download``
words download progress the same way everywhere.
"""

from __future__ import annotations

import os
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject, QThread, Signal, Slot


class Cancelled(Exception):
    """Raised inside a worker to unwind when the user has cancelled."""


class CancellableWorker(QObject):
    """Subclasses implement ``work()`` (emitting their own result signal) and
    name the exceptions whose message is already fit for the user."""

    downloadProgress = Signal(str, int, int)   # file name, bytes done, bytes total (-1 unknown)
    failed = Signal(str)
    cancelled = Signal()
    done = Signal()

    # Errors whose message names the file and the problem: shown as they are.
    expected_errors: tuple[type[BaseException], ...] = ()
    # What the work is, for the message about an unexpected failure.
    task = "The task"

    def __init__(self) -> None:
        super().__init__()
        self._cancel_requested = False

    def work(self) -> None:
        raise NotImplementedError

    def on_cancelled(self) -> None:
        """Clean up after a cancelled run (nothing by default)."""

    @Slot()
    def run(self) -> None:
        # Whatever happens, exactly one of succeeded/failed/cancelled is
        # emitted, then done, so the window and the thread always hear back.
        try:
            self.work()
        except Cancelled:
            self.on_cancelled()
            self.cancelled.emit()
        except self.expected_errors as error:
            self.failed.emit(str(error))
        except OSError as error:
            self.failed.emit(f"{error.filename + ': ' if error.filename else ''}{error.strerror or error}")
        except Exception as error:
            self.failed.emit(f"{self.task} failed unexpectedly: {error!r}")
        finally:
            self.done.emit()

    def cancel(self) -> None:
        """Thread-safe: the work stops at its next check (a batch, a download chunk)."""
        self._cancel_requested = True

    def isCancelRequested(self) -> bool:
        return self._cancel_requested

    def reportDownload(self, name: str, done: int, total: int | None) -> None:
        """A ``load_mnist`` progress callback; raising here aborts the download cleanly."""
        if self._cancel_requested:
            raise Cancelled
        self.downloadProgress.emit(name, done, -1 if total is None else total)


@dataclass(frozen=True)
class MnistSource:
    """Where a worker reads MNIST from (see ``digitpad.gui.common.mnist_prompt``)."""

    data_dir: Path | None           # a folder chosen by the user, else the usual search
    download: bool                  # the user allowed downloading what is missing
    cache_dir: Path | None          # where downloads go


class MnistWorker(CancellableWorker):
    """A worker that reads MNIST where the app keeps it, downloading it when
    the user allowed that, with download progress that Cancel interrupts."""

    def __init__(self, data_dir: Path | None, download: bool, cache_dir: Path | None) -> None:
        super().__init__()
        self._data_dir, self._download, self._cache_dir = data_dir, download, cache_dir

    def loadMnist(self, split: str) -> tuple[np.ndarray, np.ndarray]:
        """``(images (N, 28, 28) uint8, labels (N,) int64)``; raises MnistError or Cancelled."""
        from digitpad.data.mnist.dataset import load_mnist

        images, labels = load_mnist(split, self._data_dir, self._download, cache_dir=self._cache_dir,
                                    progress=self.reportDownload)
        if self.isCancelRequested():
            raise Cancelled
        return images, labels.astype(np.int64)


def _start_on_thread(worker: QObject, parent: QObject) -> QThread:
    """Move ``worker`` to a new thread owned by ``parent`` and start ``worker.run``."""
    thread = QThread(parent)
    worker.moveToThread(thread)
    thread.started.connect(worker.run)
    worker.done.connect(thread.quit)
    thread.finished.connect(worker.deleteLater)
    thread.finished.connect(thread.deleteLater)
    thread.start()
    return thread


class BackgroundTask(QObject):
    """One worker at a time on its own thread, owned by a window or dialog.

    Connect to the worker's own signals before ``start``; ``finished`` is
    emitted (on the GUI thread) once the worker is done and the task is free
    for the next one.
    """

    finished = Signal()

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self._thread: QThread | None = None
        self._worker: CancellableWorker | None = None

    def start(self, worker: CancellableWorker) -> None:
        """Run ``worker`` in the background; the task must not be running."""
        if self._thread is not None:
            raise RuntimeError("a background task is already running; cancel or wait for it first")
        self._worker = worker
        worker.done.connect(self._worker_done)
        self._thread = _start_on_thread(worker, self)

    def isRunning(self) -> bool:
        return self._thread is not None

    def worker(self) -> CancellableWorker | None:
        """The worker running now (None when idle)."""
        return self._worker

    def cancel(self) -> None:
        """Ask the running worker to stop at its next check; returns at once."""
        if self._worker is not None:
            self._worker.cancel()

    def stopAndWait(self) -> None:
        """Cancel the running worker and wait until its thread has finished
        (for closing a window: nothing may outlive it)."""
        thread = self._thread
        if thread is None:
            return
        self.cancel()
        thread.quit()
        thread.wait()
        self._finish()

    @Slot()
    def _worker_done(self) -> None:
        # A worker stopped by stopAndWait reports done later still; by then
        # the task may be running its successor, which this must not end.
        if self.sender() is self._worker:
            self._finish()

    def _finish(self) -> None:
        thread = self._thread
        if thread is None:
            return
        # The worker has returned from its last signal; its thread only has to
        # leave its event loop. Waiting for that here means no thread is ever
        # left running for Qt to destroy when the app quits (which aborts).
        thread.quit()
        thread.wait()
        self._thread = self._worker = None
        self.finished.emit()


_blas_lock = threading.Lock()
_blas_jobs = 0
_blas_limits = None


@contextmanager
def leaving_a_core_for_the_window():
    """While any block of this kind runs, on any thread, BLAS uses all cores
    but one. A reading of the canvas is a one-row product that one core does
    in a fraction of a millisecond, but it waits tens of milliseconds when a
    background job's BLAS threads hold every core. The limit is process-wide,
    so it is counted: set by the first block to start, lifted by the last to
    end, whatever order they end in."""
    global _blas_jobs, _blas_limits
    from threadpoolctl import threadpool_limits

    with _blas_lock:
        if _blas_jobs == 0:
            _blas_limits = threadpool_limits(limits=max(1, (os.cpu_count() or 1) - 1), user_api="blas")
        _blas_jobs += 1
    try:
        yield
    finally:
        with _blas_lock:
            _blas_jobs -= 1
            if _blas_jobs == 0:
                _blas_limits.restore_original_limits()
                _blas_limits = None


def describe_download(name: str, done: int, total: int) -> str:
    """'Downloading train-images-idx3-ubyte.gz: 3.2 MB of 9.9 MB' (``total`` < 0: unknown)."""
    of_total = f" of {total / 1e6:.1f} MB" if total > 0 else ""
    return f"Downloading {name}: {done / 1e6:.1f} MB{of_total}"
