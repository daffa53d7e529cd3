"""Background job: one point map (``digitpad.inside.point_map``) — the
chosen test digits through the network to the chosen depth, then laid out
by PCA or t-SNE. It reports progress in whole percent (only when the
number changes, so a t-SNE step costs no signal), stops at the next batch
or step when cancelled, and hands back the ``PointMap`` with the job it
answers, so an answer to an older request can be told apart.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import Signal

from digitpad.gui.common.background import CancellableWorker, Cancelled
from digitpad.inside.point_map import make_point_map
from digitpad.nn import MLP


@dataclass(frozen=True)
class MapJob:
    """What to map: ``count`` test digits of ``model`` at ``depth`` by ``method``."""

    model: MLP
    depth: int
    method: str
    count: int

    def key(self) -> tuple:
        return id(self.model), self.depth, self.method, self.count


class MapWorker(CancellableWorker):
    progressed = Signal(int)            # percent done
    succeeded = Signal(object, object)  # MapJob, PointMap

    task = "Making the point map"

    def __init__(self, job: MapJob, images: np.ndarray, indices: np.ndarray) -> None:
        super().__init__()
        self._job, self._images, self._indices = job, images, indices
        self._percent = -1

    def _progress(self, fraction: float) -> None:
        if self.isCancelRequested():
            raise Cancelled
        percent = int(fraction * 100)
        if percent != self._percent:
            self._percent = percent
            self.progressed.emit(percent)

    def work(self) -> None:
        job = self._job
        point_map = make_point_map(job.model, self._images, self._indices, job.depth, job.method,
                                   progress=self._progress)
        self.succeeded.emit(job, point_map)
