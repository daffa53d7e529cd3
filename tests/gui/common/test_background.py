"""BackgroundTask, the one way a window runs a worker: work happens on
another thread, the task is free again once the worker is done (its thread
already finished, so nothing is left for Qt to destroy at exit), Cancel
stops the work, and a worker stopped by stopAndWait never ends the next one."""

import threading
import time

from PySide6.QtCore import QThread, Signal
from PySide6.QtWidgets import QWidget

from digitpad.gui.common.background import BackgroundTask, CancellableWorker, Cancelled, describe_download


class Counting(CancellableWorker):
    counted = Signal(int)

    def __init__(self, steps: int = 50) -> None:
        super().__init__()
        self.steps = steps
        self.thread_name = None

    def work(self) -> None:
        self.thread_name = threading.current_thread().name
        for step in range(self.steps):
            if self.isCancelRequested():
                raise Cancelled
            time.sleep(0.005)
        self.counted.emit(self.steps)


def test_a_worker_runs_off_the_gui_thread_and_the_task_is_free_afterwards(qtbot):
    owner = QWidget()
    qtbot.addWidget(owner)
    task = BackgroundTask(owner)
    worker = Counting(5)
    results = []
    worker.counted.connect(results.append)
    with qtbot.waitSignal(task.finished, timeout=5000):
        task.start(worker)
        assert task.isRunning() and task.worker() is worker
    assert results == [5] and not task.isRunning()
    assert worker.thread_name != threading.current_thread().name
    assert not [thread for thread in owner.findChildren(QThread) if thread.isRunning()]


def test_cancel_and_stop_and_wait(qtbot):
    owner = QWidget()
    qtbot.addWidget(owner)
    task = BackgroundTask(owner)
    cancelled = []
    worker = Counting(10_000)
    worker.cancelled.connect(lambda: cancelled.append(True))
    task.start(worker)
    task.stopAndWait()
    assert not task.isRunning()
    qtbot.waitUntil(lambda: cancelled == [True], timeout=2000)


def test_a_stopped_workers_late_done_does_not_end_its_successor(qtbot):
    owner = QWidget()
    qtbot.addWidget(owner)
    task = BackgroundTask(owner)
    task.start(Counting(10_000))
    task.stopAndWait()                       # its "done" is still queued
    successor = Counting(40)
    results = []
    successor.counted.connect(results.append)
    task.start(successor)
    qtbot.wait(50)
    assert task.isRunning() and task.worker() is successor
    qtbot.waitUntil(lambda: not task.isRunning(), timeout=5000)
    assert results == [40]


def test_download_progress_is_worded_the_same_everywhere():
    assert describe_download("t10k-images-idx3-ubyte.gz", 500_000, 1_648_877) == \
        "Downloading t10k-images-idx3-ubyte.gz: 0.5 MB of 1.6 MB"
    assert describe_download("x.gz", 2_000_000, -1) == "Downloading x.gz: 2.0 MB"


def test_a_core_is_left_for_the_window_while_any_job_asks_whatever_order_they_end_in():
    import os
    import threading

    from threadpoolctl import threadpool_info

    from digitpad.gui.common.background import leaving_a_core_for_the_window

    def blas_threads():
        return [pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"]

    before = blas_threads()
    assert before, "NumPy's BLAS should be visible to threadpoolctl"
    first_in, second_in, first_may_leave, second_left = (threading.Event() for _ in range(4))
    seen = {}

    def first():
        with leaving_a_core_for_the_window():
            first_in.set()
            second_in.wait(5)
            seen["first"] = blas_threads()
        first_may_leave.set()

    def second():
        with leaving_a_core_for_the_window():
            second_in.set()
            first_may_leave.wait(5)                   # the first job ends while this one runs
            seen["second, after the first ended"] = blas_threads()
        second_left.set()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    threads[0].start()
    first_in.wait(5)
    threads[1].start()
    for thread in threads:
        thread.join(10)
    expected = [min(count, max(1, (os.cpu_count() or 1) - 1)) for count in before]
    assert seen == {"first": expected, "second, after the first ended": expected}
    assert blas_threads() == before                 # lifted by the last job to end
