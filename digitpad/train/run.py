"""A complete training run on MNIST, as used by both the command line and the
app's retrain dialog: load and split the data, build the model, optimiser,
schedule and augmentation from a ``TrainConfig``, train with the standard
callbacks — diagnostics, diagnosis and live settings among them — and fill a
run folder with ``config.json``, ``metrics.csv``, ``diagnostics.csv``,
``best.npz``, ``last.npz`` and the test-set report (with the run's findings).
A ``TrainingControl`` steers the run from another thread; settings changed
through it are recorded in ``config.json`` as they are made. ``resume=True``
continues a stopped run from its ``last.npz`` exactly where it left off,
replaying the recorded changes, once the checkpoint's model, optimiser and
training state have been checked against the run's configuration and data.
MNIST is loaded before the run folder is created, so a missing data set
leaves no half-made run behind.
"""

from __future__ import annotations

import functools
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Mapping, Sequence

import numpy as np

from digitpad.data.augment.training import TrainingAugmentation
from digitpad.data.mnist.batches import batch_count
from digitpad.data.mnist.dataset import as_float_images, dataset_checksums, load_mnist
from digitpad.data.mnist.split import stratified_split, subset_indices
from digitpad.model.calibration import calibrate_model, calibration_report
from digitpad.model.checkpoint import (INPUT_SIZE, NUM_CLASSES, Checkpoint, CheckpointError,
                                       checkpoint_metadata, read_checkpoint, save_checkpoint)
from digitpad.nn import (MLP, OPTIMIZERS, ConstantSchedule, CosineSchedule, Optimizer,
                         SoftmaxCrossEntropy, StepSchedule, WarmupSchedule)
from digitpad.storage.atomic import write_text_atomically
from digitpad.storage.reading import UnreadableFile, read_regular_file
from digitpad.storage.schema import parse_object
from digitpad.train.callbacks import (Callback, CSVLogger, EarlyStopping, LearningRateScheduler,
                                      ModelCheckpoint, ProgressBar)
from digitpad.train.changes import ChangedSchedule, distortions_for, settings_at
from digitpad.train.config import TrainConfig
from digitpad.train.control import LiveSettings, TrainingControl
from digitpad.train.diagnosis import Diagnosis, Finding
from digitpad.train.diagnostics import Diagnostics, probe_images
from digitpad.train.report import evaluation_report, write_report
from digitpad.train.status import RunStatus
from digitpad.train.trainer import Trainer, TrainingDiverged

CONFIG_FILE = "config.json"
# A run's config.json is well under a kilobyte; anything near this is not one.
MAX_CONFIG_BYTES = 1 << 20


class RunError(Exception):
    """A run folder cannot be used (already taken, nothing to resume, or a
    checkpoint that does not fit the run); the message names the file."""


@dataclass
class MnistData:
    """MNIST ready for training: images ``(N, 784)`` float32 in [0, 1], labels ``(N,)`` int64."""

    train_images: np.ndarray
    train_labels: np.ndarray
    validation_images: np.ndarray | None
    validation_labels: np.ndarray | None
    test_images: np.ndarray
    test_labels: np.ndarray
    checksums: dict[str, str] = field(default_factory=dict)

    @property
    def validation(self) -> tuple[np.ndarray, np.ndarray] | None:
        if self.validation_images is None:
            return None
        return self.validation_images, self.validation_labels


@dataclass
class RunResult:
    run_dir: Path
    status: RunStatus
    model: MLP
    history: list[dict]
    report: dict | None          # test-set report (None when stopped)
    train_seconds: float
    findings: list[Finding] = field(default_factory=list)
    config: TrainConfig | None = None   # with the changes made while it trained

    @property
    def test_accuracy(self) -> float | None:
        return self.report["accuracy"] if self.report else None

    @property
    def best_path(self) -> Path:
        return self.run_dir / "best.npz"

    @property
    def last_path(self) -> Path:
        return self.run_dir / "last.npz"


def load_training_data(config: TrainConfig, data_dir: str | os.PathLike | None = None, *,
                       download: bool = True, environ: Mapping[str, str] | None = None,
                       cache_dir: str | os.PathLike | None = None,
                       download_progress: Callable[[str, int, int | None], None] | None = None
                       ) -> MnistData:
    """Load MNIST (downloading if allowed) and apply the config's subset and split."""
    locate = {"environ": environ, "cache_dir": cache_dir}
    train_images, train_labels = load_mnist("train", data_dir, download, progress=download_progress,
                                            **locate)
    test_images, test_labels = load_mnist("test", data_dir, download, progress=download_progress,
                                          **locate)
    checksums = {**dataset_checksums("train", data_dir, **locate),
                 **dataset_checksums("test", data_dir, **locate)}
    train_labels = train_labels.astype(np.int64)
    if config.train_subset:
        chosen = subset_indices(train_labels, config.train_subset, config.seed)
        train_images, train_labels = train_images[chosen], train_labels[chosen]
    validation_images = validation_labels = None
    if config.validation_size:
        kept, held_out = stratified_split(train_labels, config.validation_size, config.seed)
        validation_images = as_float_images(train_images[held_out])
        validation_labels = train_labels[held_out]
        train_images, train_labels = train_images[kept], train_labels[kept]
    return MnistData(as_float_images(train_images), train_labels, validation_images,
                     validation_labels, as_float_images(test_images),
                     test_labels.astype(np.int64), checksums)


def build_model(config: TrainConfig, rng: np.random.Generator) -> MLP:
    return MLP(INPUT_SIZE, config.hidden_sizes, NUM_CLASSES, config.activation, config.dropout, rng=rng)


def build_optimizer(config: TrainConfig, model: MLP) -> Optimizer:
    params = [parameter.value for parameter in model.parameters()]
    common = {"learning_rate": config.learning_rate, "weight_decay": config.weight_decay}
    if config.optimizer == "sgd":
        return OPTIMIZERS["sgd"](params, momentum=config.momentum, nesterov=config.nesterov, **common)
    return OPTIMIZERS[config.optimizer](params, **common)


def build_schedule(config: TrainConfig, steps_per_epoch: int) -> Callable[[int], float]:
    """The per-step learning-rate schedule of ``config``."""
    total_steps = config.epochs * steps_per_epoch
    warmup_steps = round(config.warmup_epochs * steps_per_epoch)
    if config.schedule == "constant":
        schedule = ConstantSchedule(config.learning_rate)
    elif config.schedule == "step":
        schedule = StepSchedule(config.learning_rate, config.step_epochs * steps_per_epoch, config.gamma)
    else:
        schedule = CosineSchedule(config.learning_rate, max(total_steps - warmup_steps, 1),
                                  config.min_learning_rate)
    return WarmupSchedule(schedule, warmup_steps) if warmup_steps else schedule


def build_augment(config: TrainConfig, train_images: np.ndarray,
                  train_labels: np.ndarray) -> TrainingAugmentation | None:
    distortions = distortions_for({"augment": config.augment, "augment_strength": config.augment_strength},
                                  config.augment_thickness)
    augmentation = TrainingAugmentation(distortions, config.augment_redraw, train_images,
                                        config.augment_styles, train_labels, config.augment_angular)
    return None if augmentation.is_identity else augmentation


def read_run_config(run_dir: str | os.PathLike) -> TrainConfig:
    path = Path(run_dir) / CONFIG_FILE
    try:
        text = read_regular_file(path, MAX_CONFIG_BYTES)
    except UnreadableFile as problem:
        if not path.exists():
            raise RunError(f"{path}: not found; is {run_dir} a digitpad run folder?") from None
        raise RunError(f"{path}: cannot use this run configuration ({problem})") from None
    try:
        return TrainConfig.from_dict(parse_object(text, CONFIG_FILE))
    except ValueError as error:
        raise RunError(f"{path}: cannot use this run configuration ({error})") from error


def run_training(config: TrainConfig | None, run_dir: str | os.PathLike, *,
                 data: MnistData | None = None, data_dir: str | os.PathLike | None = None,
                 resume: bool = False, callbacks: Sequence[Callback] = (),
                 progress_bar: bool = False, download: bool = True,
                 environ: Mapping[str, str] | None = None, cache_dir: str | os.PathLike | None = None,
                 download_progress: Callable[[str, int, int | None], None] | None = None,
                 on_trainer: Callable[[Trainer], None] | None = None,
                 control: TrainingControl | None = None) -> RunResult:
    """Train (or, with ``resume``, continue training) and fill ``run_dir``.

    ``config`` is ignored when resuming: the run's own ``config.json`` is used.
    ``data`` skips loading MNIST (tests and the app pass it in). ``on_trainer``
    receives the trainer before training starts, e.g. to request a stop.
    ``control`` pauses, steps, slows and changes the run from another thread.
    Raises ``RunError``, ``MnistError``, ``CheckpointError`` or
    ``TrainingDiverged`` (whose message names the last good checkpoint and
    whose ``findings`` are the run's).
    """
    run_dir = Path(run_dir)
    if resume:
        config, resumed = _resumable_run(run_dir)
    else:
        resumed = None
        _check_new_run(config, run_dir)
    if data is None:
        data = load_training_data(config, data_dir, download=download, environ=environ,
                                  cache_dir=cache_dir, download_progress=download_progress)
    if not resume:
        run_dir.mkdir(parents=True, exist_ok=True)
        _save_config(run_dir, config)
    live = LiveSettings(config, control, save=functools.partial(_save_config, run_dir))
    standard, checkpoints, diagnosis = _standard_callbacks(live, data, run_dir, progress_bar)
    trainer = _build_trainer(live, data, run_dir, resumed, [*standard, *callbacks])
    if on_trainer is not None:
        on_trainer(trainer)
    status = _train(trainer, data, checkpoints, diagnosis)
    if status == RunStatus.STOPPED:
        return RunResult(run_dir, status, trainer.model, trainer.history.epochs, None,
                         trainer.elapsed_seconds, list(diagnosis.findings), live.config)
    result = _finish_with_report(run_dir, trainer, status, data, checkpoints, diagnosis.findings)
    result.config = live.config
    return result


def _save_config(run_dir: Path, config: TrainConfig) -> None:
    write_text_atomically(run_dir / CONFIG_FILE, json.dumps(config.to_dict(), indent=2) + "\n")


def _resumable_run(run_dir: Path) -> tuple[TrainConfig, Checkpoint]:
    """The configuration and ``last.npz`` of a run to resume, checked for a training state."""
    config = read_run_config(run_dir)
    last_path = run_dir / "last.npz"
    if not last_path.exists():
        raise RunError(f"{last_path}: nothing to resume (the run saved no checkpoint yet)")
    resumed = read_checkpoint(last_path)
    if "trainer" not in resumed.metadata or resumed.optimizer_state is None:
        raise RunError(f"{last_path}: not a resumable checkpoint (no training state)")
    return config, resumed


def _check_new_run(config: TrainConfig | None, run_dir: Path) -> None:
    if config is None:
        raise ValueError("a config is needed unless resuming")
    config.validate()
    if (run_dir / "last.npz").exists() or (run_dir / CONFIG_FILE).exists():
        raise RunError(f"{run_dir} already holds a training run; resume it with --resume "
                       "or choose another output folder")


def _run_metadata(config: TrainConfig, data: MnistData) -> dict:
    """What every checkpoint of the run records about its training and data.
    A checkpoint's training settings are plain values, so of the changes made
    while training it records how many there were (config.json has them)."""
    validation_count = len(data.validation_labels) if data.validation_labels is not None else 0
    training = config.to_dict()
    changes = training.pop("changes")
    if changes:
        training["setting_changes"] = len(changes)
    return {"training": training,
            "dataset": {"name": "MNIST", "checksums": data.checksums,
                        "train_count": int(len(data.train_labels)),
                        "validation_count": int(validation_count)}}


def _standard_callbacks(live: LiveSettings, data: MnistData, run_dir: Path, progress_bar: bool
                        ) -> tuple[list[Callback], ModelCheckpoint, Diagnosis]:
    """The live settings, the schedule, diagnostics and diagnosis,
    ``metrics.csv``, early stopping, checkpoints and the progress bar, in the
    order they run, and the ``ModelCheckpoint`` and ``Diagnosis`` among them.
    The diagnosis comes before the checkpoints, so an epoch's findings are
    in the state saved at its end."""
    config = live.config
    steps_per_epoch = batch_count(len(data.train_images), config.batch_size)
    monitor = "val_accuracy" if data.validation is not None else None
    schedule = ChangedSchedule(build_schedule(config, steps_per_epoch), lambda: live.config.changes)
    diagnostics = Diagnostics(probe_images(data.train_images, config.seed), config.diagnostics_every,
                              run_dir / "diagnostics.csv")
    diagnosis = Diagnosis(lambda: live.config)
    standard: list[Callback] = [live, LearningRateScheduler(schedule), diagnostics, diagnosis,
                                CSVLogger(run_dir / "metrics.csv", sources=[live, diagnostics])]
    if config.patience:
        standard.append(EarlyStopping("val_accuracy", "max", config.patience))
    checkpoints = ModelCheckpoint(run_dir, lambda: _run_metadata(live.config, data), monitor=monitor)
    standard.append(checkpoints)
    if progress_bar:
        standard.append(ProgressBar())
    return standard, checkpoints, diagnosis


def _build_trainer(live: LiveSettings, data: MnistData, run_dir: Path, resumed: Checkpoint | None,
                   callbacks: list[Callback]) -> Trainer:
    """A trainer for the run's model and optimiser, at the resumed run's
    position when there is one, with the settings in effect there."""
    config = live.config
    rng = np.random.default_rng(config.seed)
    model = build_model(config, rng)
    optimizer = build_optimizer(config, model)
    step = 0
    if resumed is not None:
        # The checkpoint's optimiser step count is the run's global step
        # (the trainer checks that below); the dropout rate in effect there
        # is part of the saved network's description.
        step = resumed.optimizer_state["step_count"]
        live.catch_up(model, optimizer, step)
        _restore_weights(resumed, model, optimizer, run_dir)
    try:
        checkpoint_metadata(model, _run_metadata(config, data), optimizer)
    except CheckpointError as error:
        raise RunError(f"{run_dir}: this run could not save its model ({error})") from None
    augment = build_augment(config.replace(**settings_at(config, step)), data.train_images,
                            data.train_labels)
    trainer = Trainer(model, optimizer, SoftmaxCrossEntropy(config.label_smoothing),
                      batch_size=config.batch_size, epochs=config.epochs, rng=rng, augment=augment,
                      max_grad_norm=config.max_grad_norm, callbacks=callbacks)
    if resumed is not None:
        try:
            trainer.load_state_dict(resumed.metadata["trainer"], resumed.state_arrays,
                                    sample_count=len(data.train_images))
        except ValueError as error:
            raise RunError(f"{run_dir / 'last.npz'}: invalid training state: {error}") from error
    return trainer


def _restore_weights(resumed: Checkpoint, model: MLP, optimizer: Optimizer, run_dir: Path) -> None:
    last_path = run_dir / "last.npz"
    if resumed.model.architecture() != model.architecture():
        raise RunError(f"{last_path}: the saved network {resumed.model.architecture()} is not "
                       f"the one {run_dir / CONFIG_FILE} describes {model.architecture()}")
    try:
        model.load_state_dict(resumed.model.state_dict())
        optimizer.load_state_dict(resumed.optimizer_state)
    except ValueError as error:
        raise RunError(f"{last_path}: the saved weights or optimizer state do not fit the run "
                       f"({error})") from error


def _train(trainer: Trainer, data: MnistData, checkpoints: ModelCheckpoint,
           diagnosis: Diagnosis) -> RunStatus:
    try:
        return trainer.fit(data.train_images, data.train_labels, data.validation)
    except TrainingDiverged as error:
        kept = checkpoints.last_path if checkpoints.last_path.exists() else None
        where = f"; the last good checkpoint is {kept}" if kept else "; no checkpoint was saved"
        raise TrainingDiverged(f"training diverged: {error}{where}",
                               findings=diagnosis.findings) from error


def _finish_with_report(run_dir: Path, trainer: Trainer, status: RunStatus, data: MnistData,
                        checkpoints: ModelCheckpoint, findings: list[Finding]) -> RunResult:
    """Score the run's deliverable on the test set and write the report.

    The deliverable is the best epoch by validation accuracy (the last epoch
    when there is no validation set). Its softmax temperature is then fitted
    on the validation split (left at 1 without one) and stored in best.npz,
    and it is scored once on the test set.
    """
    best = read_checkpoint(checkpoints.best_path)
    record = None
    if data.validation is not None:
        fitted_on = (f"{best.metadata.get('dataset', {}).get('name', 'MNIST')} validation split "
                     f"({len(data.validation_labels):,} digits)")
        record = calibrate_model(best.model, *data.validation, fitted_on)
    report = evaluation_report(best.model, data.test_images, data.test_labels)
    report["calibration"] = calibration_report(record, best.model, data.test_images, data.test_labels)
    if record is not None:
        best.metadata["calibration"] = report["calibration"]
    report["findings"] = [finding.to_dict() for finding in findings]
    write_report(report, run_dir)
    best.metadata["metrics"] = {**best.metadata.get("metrics", {}),
                                "test_accuracy": report["accuracy"],
                                "train_seconds": round(trainer.elapsed_seconds, 2),
                                "epochs_trained": trainer.epoch}
    save_checkpoint(best.model, checkpoints.best_path, best.metadata)
    return RunResult(run_dir, status, best.model, trainer.history.epochs, report,
                     trainer.elapsed_seconds, list(findings))
