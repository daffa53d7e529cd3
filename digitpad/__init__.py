"""digitpad: a desktop digit recogniser built on a multilayer perceptron written
from scratch in NumPy. The package is layered so that imports flow one way
(``tests/test_code_shape.py`` checks it): ``digitpad.nn`` (the network, its
layers, losses and optimisers; NumPy only) and ``digitpad.storage`` (files read
as hostile input and written atomically) <- ``digitpad.data`` (``mnist``,
``ink``, ``augment``, ``handwriting``) <- ``digitpad.inside`` (tracing,
explaining and editing a network) <- ``digitpad.model`` (checkpoints,
recognition, calibration and instant personal learning: the model in use) <- ``digitpad.train`` (settings, the trainer,
runs, reports) <- ``digitpad.session`` (what the app is working on, Qt-free)
<- ``digitpad.gui``, the only place that imports Qt.
"""

__version__ = "0.1.0"
