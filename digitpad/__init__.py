"""digitpad: a desktop digit recogniser built on a multilayer perceptron written
from scratch in NumPy. The package is layered so that imports flow one way:
``digitpad.nn`` (NumPy only) <- ``digitpad.data`` <- ``digitpad.train`` <- ``digitpad.gui``.
"""

__version__ = "0.1.0"
