"""Background job for MNIST at a glance: read both splits of MNIST where the
app keeps them (downloading only when the user allowed it, with progress
that Cancel interrupts) and sum each up (``digitpad.data.mnist.summary``).
It hands back an ``MnistAtAGlance``: the pictures, for the samples, and
the summaries, for the charts.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import Signal

from digitpad.data.mnist.idx import MnistError
from digitpad.data.mnist.summary import SplitSummary, summarise_split
from digitpad.gui.common.background import MnistSource, MnistWorker

SPLITS = ("train", "test")


@dataclass(frozen=True)
class MnistAtAGlance:
    images: dict[str, np.ndarray]           # split → (N, 28, 28) uint8
    labels: dict[str, np.ndarray]           # split → (N,) int64
    summaries: dict[str, SplitSummary]
    seconds: float                          # reading and summing up


def glance(splits: dict[str, tuple[np.ndarray, np.ndarray]], started: float | None = None) -> MnistAtAGlance:
    """Sum up ``splits`` (name → (images, labels)), e.g. MNIST already in memory."""
    started = time.perf_counter() if started is None else started
    images = {name: images for name, (images, _) in splits.items()}
    labels = {name: np.asarray(labels, np.int64) for name, (_, labels) in splits.items()}
    summaries = {name: summarise_split(name, images[name], labels[name]) for name in splits}
    return MnistAtAGlance(images, labels, summaries, time.perf_counter() - started)


class DataWorker(MnistWorker):
    succeeded = Signal(object)              # MnistAtAGlance

    expected_errors = (MnistError,)
    task = "Reading MNIST"

    def __init__(self, source: MnistSource) -> None:
        super().__init__(source.data_dir, source.download, source.cache_dir)

    def work(self) -> None:
        started = time.perf_counter()
        splits = {name: self.loadMnist(name) for name in SPLITS}
        self.succeeded.emit(glance(splits, started))
