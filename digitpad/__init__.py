"""digitpad: a desktop digit recogniser built on a multilayer perceptron written
from scratch in NumPy. The package is layered so that imports flow one way:
``digitpad.nn`` (the network; NumPy only) and ``digitpad.storage`` (files
read as hostile input and written atomically; NumPy and the standard
library) <- ``digitpad.data`` (MNIST, pictures, strokes, handwriting
samples) <- ``digitpad.checkpoint`` and ``digitpad.recognition`` (the model
in use, Qt-free) <- ``digitpad.train`` <- ``digitpad.gui``, the only place
that imports Qt.
"""

__version__ = "0.1.0"
