"""``digitpad.train``: training on MNIST — the ``Trainer`` loop with its
callbacks, run configuration and presets, diagnostics of the layers while
they learn, the diagnosis built on them (``Finding``), steering a run while
it trains (``TrainingControl``), evaluation reports, whole training runs
(``run_training``) and the ``digitpad-train`` command line. Qt-free; the
app's retrain dialog drives exactly this API from a worker thread.
"""

from digitpad.train.callbacks import (Callback, CSVLogger, EarlyStopping, History,
                                      LearningRateScheduler, ModelCheckpoint, ProgressBar)
from digitpad.train.changes import CHANGEABLE_SETTINGS, SettingChange
from digitpad.train.config import PRESETS, TrainConfig, config_from_preset
from digitpad.train.control import LiveSettings, TrainingControl
from digitpad.train.diagnosis import FINDING_NAMES, Diagnosis, Finding
from digitpad.train.diagnostics import Diagnostics, DiagnosticsRecord, LayerSignals
from digitpad.train.run import MnistData, RunError, RunResult, load_training_data, run_training
from digitpad.train.trainer import Trainer, TrainingDiverged, evaluate

__all__ = [
    "Callback", "History", "CSVLogger", "ProgressBar", "EarlyStopping", "LearningRateScheduler",
    "ModelCheckpoint", "TrainConfig", "PRESETS", "config_from_preset", "Trainer",
    "TrainingDiverged", "evaluate", "MnistData", "RunResult", "RunError", "load_training_data",
    "run_training", "Diagnostics", "DiagnosticsRecord", "LayerSignals", "Diagnosis", "Finding",
    "FINDING_NAMES", "TrainingControl", "LiveSettings", "SettingChange", "CHANGEABLE_SETTINGS",
]
