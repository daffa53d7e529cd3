"""How a training run ended, as one ``Enum`` instead of strings compared
all over the code: the trainer returns it, callbacks, the run folder, the
command line and the app's workers act on it.
"""

from enum import Enum


class RunStatus(str, Enum):
    """How a training run ended (a ``str`` too, so it reads and saves as its value)."""

    COMPLETED = "completed"             # every epoch ran
    EARLY_STOPPED = "early_stopped"     # early stopping saw no more progress
    STOPPED = "stopped"                 # a stop was asked for (Cancel, Ctrl+C); it can be resumed
