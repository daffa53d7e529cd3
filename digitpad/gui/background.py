"""Running a worker object on its own QThread. A worker is a QObject with a
``run`` slot that emits ``finished`` (with or without a result) or ``failed``
when it is done; it never touches widgets. ``start_worker`` wires the thread's
lifetime to the worker's so that neither leaks and the thread always quits.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QThread


def start_worker(worker: QObject, parent: QObject) -> QThread:
    """Move ``worker`` to a new thread owned by ``parent`` and start ``worker.run``."""
    thread = QThread(parent)
    worker.moveToThread(thread)
    thread.started.connect(worker.run)
    worker.done.connect(thread.quit)
    thread.finished.connect(worker.deleteLater)
    thread.finished.connect(thread.deleteLater)
    thread.start()
    return thread
