"""Model checkpoints: one ``.npz`` archive of numeric arrays with dotted keys
(``layers.0.weight``, ``optimizer.first_moment.layers.0.weight``,
``state.permutation``) plus a ``metadata.json`` entry holding UTF-8 JSON as a
uint8 array — format name and version, architecture (the MLP shorthand or,
from format 2, a list of layer specs the layer registry checks), preprocessing
contract, training config, metrics, dataset checksums and the calibration
temperature (absent in older files: T = 1). ``METADATA`` is the
schema of that JSON: every field has a type, checked on load (unknown fields
are dropped) and on save (so digitpad never writes a file it would refuse).
Reading goes through the guarded ``NpzArchive``: the metadata is validated
first, the weights the architecture needs are compared with what the archive
declares before the network is built, and every array's declared dtype and
shape is checked before it is read. Any problem is a ``CheckpointError``
naming the file and the problem, never a half-built model. Writes are atomic.
"""

from __future__ import annotations

import datetime as _datetime
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

import numpy as np

from digitpad import __version__
from digitpad.data.mnist.files import IMAGE_SHAPE, LABEL_COUNT
from digitpad.inside.edits import ModelEdits
from digitpad.model.calibration import CALIBRATION, apply_calibration, with_calibration
from digitpad.nn import (ACTIVATIONS, MAX_HIDDEN_LAYERS, MAX_LAYER_SIZE, MAX_LAYER_SPECS, MLP, OPTIMIZERS,
                         Optimizer, Parameter, architecture_specs, check_layer_specs, check_spec, layer_sizes,
                         specs_parameter_count)
from digitpad.storage.npz_archive import ArchiveError, NpzArchive, encode_json, write_npz
from digitpad.storage.schema import (Boolean, Field, Integer, Json, ListOf, Literal, MapOf, Nullable, Number,
                                     OneOf, Record, SchemaError, String)

FORMAT_NAME = "digitpad-checkpoint"
# Format 1 describes every network by the MLP shorthand (hidden_sizes,
# activation, ...); format 2 added ``architecture.layers``, a list of layer
# specs. A file gets the oldest version that can describe its network, so
# every digitpad reads the MLP-shaped checkpoints this one writes.
FORMAT_VERSION = 2
LAYER_SPECS_FORMAT_VERSION = 2
METADATA_KEY = "metadata.json"
OPTIMIZER_PREFIX = "optimizer."
STATE_PREFIX = "state."
BUNDLED_CHECKPOINT_NAME = "digitpad-mlp.npz"
MAX_CHECKPOINT_BYTES = 1 << 30
MAX_METADATA_BYTES = 4 << 20
# Extra training state (a shuffled order, say): 1-D arrays of these dtypes.
STATE_DTYPES = (np.dtype(np.int64), np.dtype(np.int32), np.dtype(np.float64), np.dtype(np.float32))
MAX_STATE_ARRAY_ITEMS = 10_000_000

# What every digitpad network reads and says: an MNIST image, one score per digit.
INPUT_SIZE = IMAGE_SHAPE[0] * IMAGE_SHAPE[1]
NUM_CLASSES = LABEL_COUNT
# What the network expects as input; the GUI's preprocessing honours it.
PREPROCESSING_CONTRACT = {
    "input_shape": list(IMAGE_SHAPE),
    "value_range": [0.0, 1.0],
    "ink": "light on dark (MNIST)",
    "layout": "digit scaled to fit a 20x20 box keeping its aspect ratio, "
              "centre of mass at the centre of the 28x28 image",
}


class CheckpointError(Exception):
    """A checkpoint could not be written, read or trusted; the message names the file."""


# -- the metadata schema -----------------------------------------------------------
_COUNT = Integer(0, 2 ** 53)
_SHARE = Number(0, 1)
_LAYER_SIZE = Integer(1, MAX_LAYER_SIZE)


class LayerSpec(Field):
    """A layer spec, checked by the layer registry against the settings its
    ``type`` declares (see ``digitpad.nn.registry.check_spec``)."""

    def describe(self) -> str:
        return "a layer spec (a JSON object with a type)"

    def validate(self, value, where: str = "") -> dict:
        try:
            return check_spec(value, where)
        except ValueError as error:
            raise SchemaError("", str(error)) from None


# How format 1 names a network, and still how MLP-shaped networks are saved.
MLP_SHORTHAND = Record({
    "input_size": _LAYER_SIZE,
    "hidden_sizes": ListOf(_LAYER_SIZE, max_length=MAX_HIDDEN_LAYERS),
    "num_classes": Integer(2, MAX_LAYER_SIZE),
    "activation": String(choices=sorted(ACTIVATIONS)),
    "dropout": Number(0, 1, exclusive_maximum=True),
    "negative_slope": Number(0, 1, exclusive_maximum=True),
}, required=("input_size", "hidden_sizes", "num_classes", "activation"))
LAYER_LIST = Record({
    "input_size": _LAYER_SIZE,
    "layers": ListOf(LayerSpec(), min_length=1, max_length=MAX_LAYER_SPECS),
}, required=("input_size", "layers"))


class Architecture(Field):
    """A network in either form: with ``layers``, the list of layer specs;
    without, the MLP shorthand."""

    def describe(self) -> str:
        return "a JSON object"

    def validate(self, value, where: str = "") -> dict:
        form = LAYER_LIST if isinstance(value, dict) and "layers" in value else MLP_SHORTHAND
        return form.validate(value, where)


ARCHITECTURE = Architecture()

METADATA = Record({
    "format": Literal(FORMAT_NAME),
    "format_version": Integer(1, FORMAT_VERSION),
    "digitpad_version": String(64),
    "created": String(64),
    "architecture": ARCHITECTURE,
    "parameter_count": _COUNT,
    "preprocessing": MapOf(OneOf(String(1000), Number(), ListOf(Number(), max_length=16)), max_items=64),
    # The training configuration, shown in Model info and re-read by --resume (as a TrainConfig).
    "training": MapOf(OneOf(Boolean(), Integer(), Number(), String(200),
                            ListOf(Integer(), max_length=64)), max_items=200),
    "dataset": Record({"name": String(100),
                       "checksums": MapOf(String(pattern=r"[0-9a-f]{32}"), max_items=16),
                       "train_count": _COUNT, "validation_count": _COUNT}),
    "metrics": Record({"test_accuracy": _SHARE, "val_accuracy": _SHARE, "train_accuracy": _SHARE,
                       "train_loss": Number(0), "val_loss": Number(0), "epoch": _COUNT,
                       "epochs_trained": _COUNT, "train_seconds": Number(0)},
                      extra=Nullable(Number()), max_items=100),
    "adaptation": Record({"from": String(), "samples": _COUNT, "held_back": _COUNT,
                          "before": MapOf(Nullable(_SHARE), max_items=16),
                          "after": MapOf(Nullable(_SHARE), max_items=16)}),
    "optimizer": Record({"name": String(choices=sorted(OPTIMIZERS)), "step_count": _COUNT,
                         "hyperparameters": MapOf(OneOf(Boolean(), Number()), max_items=32)},
                        required=("name", "step_count", "hyperparameters")),
    # A network changed in the lab: the edits made and the file they were made to.
    "edits": ModelEdits.SCHEMA,
    "edited_from": String(),
    "calibration": CALIBRATION,             # the softmax temperature predict_proba applies
    # Where a stopped training run was; the trainer checks it in detail.
    "trainer": Json(max_depth=8),
}, required=("format", "format_version", "architecture"))


def validate_metadata(metadata, fail=lambda problem: CheckpointError(problem)) -> dict:
    """``metadata`` checked against ``METADATA`` (unknown fields dropped), or ``fail(problem)`` raised."""
    if not isinstance(metadata, dict):
        raise fail("metadata.json must be a JSON object")
    if metadata.get("format") != FORMAT_NAME:
        raise fail(f"not a digitpad checkpoint (format is {str(metadata.get('format'))[:60]!r})")
    version = metadata.get("format_version")
    if isinstance(version, int) and not isinstance(version, bool) and version > FORMAT_VERSION:
        raise fail(f"written by a newer digitpad (format version {version}); "
                   f"this version reads format version {FORMAT_VERSION}")
    try:
        cleaned = METADATA.validate(metadata, "metadata")
    except SchemaError as error:
        raise fail(str(error)) from None
    try:
        input_size, specs = architecture_specs(cleaned["architecture"])
        num_classes = layer_sizes(input_size, check_layer_specs(input_size, specs))[-1]
    except ValueError as error:
        raise fail(f"architecture: {error}") from None
    if input_size != INPUT_SIZE or num_classes != NUM_CLASSES:
        raise fail(f"the network reads {input_size} inputs into {num_classes} classes; digitpad "
                   f"needs {INPUT_SIZE} (28x28 pixels) into {NUM_CLASSES} digits")
    return cleaned


@dataclass
class Checkpoint:
    """Everything a checkpoint holds, validated."""
    model: MLP
    metadata: dict
    optimizer_state: dict | None = None
    state_arrays: dict[str, np.ndarray] = field(default_factory=dict)


# -- writing -------------------------------------------------------------------
def checkpoint_metadata(model: MLP, metadata: Mapping | None = None,
                        optimizer: Optimizer | None = None) -> dict:
    """The complete metadata a checkpoint of ``model`` would hold, checked by
    the loader's own rules; raises ``CheckpointError`` (without a file name)
    for anything the loader would refuse. Training calls it before the first
    batch, so a run cannot train for an hour and then fail to save."""
    architecture = model.architecture()
    full_metadata = {
        "format": FORMAT_NAME,
        "format_version": LAYER_SPECS_FORMAT_VERSION if "layers" in architecture else 1,
        "digitpad_version": __version__,
        "created": _datetime.datetime.now(_datetime.timezone.utc).isoformat(timespec="seconds"),
        "architecture": architecture,
        "parameter_count": model.num_parameters(),
        "preprocessing": PREPROCESSING_CONTRACT,
    }
    full_metadata.update(with_calibration(model, metadata or {}))
    unknown = sorted(set(full_metadata) - set(METADATA.fields))
    if unknown:
        raise CheckpointError(f"metadata fields {', '.join(unknown)} have no type in "
                              "digitpad.model.checkpoint.METADATA")
    if optimizer is not None:
        state = optimizer.state_dict()
        full_metadata["optimizer"] = {
            "name": state["name"],
            "step_count": state["step_count"],
            "hyperparameters": state["hyperparameters"],
        }
    validate_metadata(full_metadata, lambda problem: CheckpointError(problem))
    return full_metadata


def save_checkpoint(model: MLP, path: str | os.PathLike, metadata: Mapping | None = None, *,
                    optimizer: Optimizer | None = None,
                    state_arrays: Mapping[str, np.ndarray] | None = None) -> Path:
    """Write ``model`` (and optionally ``optimizer`` state and extra numeric
    ``state_arrays``, stored under ``state.<name>``) to ``path`` atomically.

    ``metadata`` is merged into the standard entries and must fit ``METADATA``.
    Returns the path written. Raises ``CheckpointError`` if it cannot be written.
    """
    path = Path(path)
    try:
        full_metadata = checkpoint_metadata(model, metadata, optimizer)
    except CheckpointError as error:
        raise CheckpointError(f"{path}: cannot save: {error}") from None
    parameters = model.parameters()
    arrays: dict[str, np.ndarray] = {
        parameter.name: np.ascontiguousarray(parameter.value, dtype=np.float32)
        for parameter in parameters
    }
    if optimizer is not None:
        for slot, slot_arrays in optimizer.state_dict()["slots"].items():
            for parameter, array in zip(parameters, slot_arrays):
                arrays[f"{OPTIMIZER_PREFIX}{slot}.{parameter.name}"] = array
    for name, array in (state_arrays or {}).items():
        array = np.asarray(array)
        if array.dtype not in STATE_DTYPES or array.ndim != 1 or array.size > MAX_STATE_ARRAY_ITEMS:
            raise CheckpointError(f"{path}: state array {name!r} must be 1-D int or float with at most "
                                  f"{MAX_STATE_ARRAY_ITEMS:,} items, got {array.dtype} {array.shape}")
        arrays[STATE_PREFIX + name] = array
    try:
        arrays[METADATA_KEY] = encode_json(full_metadata)
    except ValueError as error:
        raise CheckpointError(f"{path}: metadata is {error}") from error
    try:
        write_npz(path, arrays, "checkpoint")
    except ArchiveError as error:
        raise CheckpointError(str(error)) from error
    return path


# -- reading -------------------------------------------------------------------
def load_checkpoint(path: str | os.PathLike) -> tuple[MLP, dict]:
    """Load and validate a checkpoint; returns ``(model in eval mode, metadata)``."""
    checkpoint = read_checkpoint(path, training_state=False)
    return checkpoint.model, checkpoint.metadata


def read_checkpoint(path: str | os.PathLike, *, training_state: bool = True) -> Checkpoint:
    """Load and validate everything in a checkpoint. With ``training_state``
    False the optimiser and training-state arrays are checked but not read
    (what the app needs to use a model)."""
    path = Path(path)
    try:
        with NpzArchive(path, "checkpoint", max_file_bytes=MAX_CHECKPOINT_BYTES) as archive:
            return _read_archive(archive, training_state)
    except ArchiveError as error:
        raise CheckpointError(str(error)) from None


def _read_archive(archive: NpzArchive, training_state: bool) -> Checkpoint:
    def fail(problem: str) -> CheckpointError:
        return CheckpointError(f"{archive.path}: {problem}")

    if METADATA_KEY not in archive.names:
        raise fail(f"has no {METADATA_KEY} entry; not a digitpad checkpoint")
    metadata = validate_metadata(archive.read_json(METADATA_KEY, MAX_METADATA_BYTES), fail)
    model = _build_model(archive, metadata["architecture"], fail)
    parameters = model.parameters()
    slot_names = _optimizer_slots(metadata.get("optimizer"), fail)
    optimizer_shapes = {f"{OPTIMIZER_PREFIX}{slot}.{parameter.name}": parameter.value.shape
                        for slot in slot_names for parameter in parameters}
    state_names = [name for name in archive.names if name.startswith(STATE_PREFIX)]
    _check_array_names(archive, parameters, optimizer_shapes, state_names, fail)
    _check_declarations(archive, parameters, optimizer_shapes, state_names, fail)
    for parameter in parameters:
        _read_finite(archive, parameter.name, np.float32, parameter.value.shape, fail, out=parameter.value)
    apply_calibration(model.eval(), metadata)
    if not training_state:
        return Checkpoint(model, metadata)
    optimizer_state = _read_optimizer_state(archive, metadata.get("optimizer"), slot_names, parameters, fail)
    state_arrays = {name[len(STATE_PREFIX):]: _read_finite(archive, name, STATE_DTYPES, (None,), fail)
                    for name in state_names}
    return Checkpoint(model, metadata, optimizer_state, state_arrays)


def _build_model(archive: NpzArchive, architecture: dict, fail) -> MLP:
    """The network ``architecture`` describes, with zero weights, built only
    once the archive is known to declare as many bytes as its weights need."""
    input_size, specs = architecture_specs(architecture)
    weight_bytes = 4 * specs_parameter_count(input_size, check_layer_specs(input_size, specs))
    if weight_bytes > archive.declared_bytes():
        raise fail(f"its architecture needs {weight_bytes:,} bytes of weights, "
                   f"but the file holds only {archive.declared_bytes():,}")
    return MLP.from_architecture(architecture, rng=np.random.default_rng(0), initializer="zeros")


def _check_array_names(archive: NpzArchive, parameters: list[Parameter], optimizer_shapes: dict,
                       state_names: list[str], fail) -> None:
    """Every array the model and optimiser need is present, and nothing else is."""
    expected = {parameter.name for parameter in parameters} | set(optimizer_shapes) | {METADATA_KEY}
    unexpected = [name for name in archive.names if name not in expected and name not in state_names]
    if unexpected:
        kind = "optimizer arrays without optimizer metadata" if all(
            name.startswith(OPTIMIZER_PREFIX) for name in unexpected) and not optimizer_shapes \
            else "unexpected arrays"
        raise fail(f"{kind}: {', '.join(sorted(unexpected)[:10])}")
    missing = [name for name in [parameter.name for parameter in parameters] + list(optimizer_shapes)
               if name not in archive.names]
    if missing:
        what = "weights" if not missing[0].startswith(OPTIMIZER_PREFIX) else "optimizer state"
        raise fail(f"missing {what} {', '.join(missing[:10])}")


def _check_declarations(archive: NpzArchive, parameters: list[Parameter], optimizer_shapes: dict,
                        state_names: list[str], fail) -> None:
    """Every array's declared dtype and shape, checked before any data is read."""
    for parameter in parameters:
        archive.check(parameter.name, np.float32, parameter.value.shape)
    for name, shape in optimizer_shapes.items():
        archive.check(name, np.float32, shape)
    for name in state_names:
        header = archive.check(name, STATE_DTYPES, (None,))
        if header.shape[0] > MAX_STATE_ARRAY_ITEMS:
            raise fail(f"the array {name!r} has {header.shape[0]:,} items; at most "
                       f"{MAX_STATE_ARRAY_ITEMS:,} are allowed")


def _read_optimizer_state(archive: NpzArchive, info: dict | None, slot_names: tuple[str, ...],
                          parameters: list[Parameter], fail) -> dict | None:
    """The optimiser's state as ``Optimizer.load_state_dict`` takes it (None without one)."""
    if info is None:
        return None
    slots = {slot: [_read_finite(archive, f"{OPTIMIZER_PREFIX}{slot}.{parameter.name}", np.float32,
                                 parameter.value.shape, fail) for parameter in parameters]
             for slot in slot_names}
    return {"name": info["name"], "step_count": info["step_count"],
            "hyperparameters": info["hyperparameters"], "slots": slots}


def _optimizer_slots(info: dict | None, fail) -> tuple[str, ...]:
    """The slot arrays an optimiser with these settings keeps (none without one)."""
    if info is None:
        return ()
    # A one-element stand-in: the optimiser checks its settings and names its
    # slots without allocating anything the size of the model.
    try:
        template = OPTIMIZERS[info["name"]]([np.zeros(1, np.float32)], **info["hyperparameters"])
    except (TypeError, ValueError) as error:
        raise fail(f"optimizer hyperparameters are invalid ({error})") from None
    return tuple(template.slot_names)


def _read_finite(archive: NpzArchive, name: str, dtypes, shape, fail, out=None) -> np.ndarray:
    """The array ``name`` (see ``NpzArchive.read``), refused if a float in it is NaN or infinite."""
    array = archive.read(name, dtypes, shape, out=out)
    if array.dtype.kind == "f" and not np.isfinite(array).all():
        raise fail(f"{name}: contains NaN or infinite values")
    return array


# -- the shipped model ---------------------------------------------------------
def bundled_checkpoint_path() -> Path:
    """The model that ships with digitpad.

    Looks inside the package (installed wheel, frozen executable), next to the
    package (a source checkout) and in PyInstaller's unpack folder, so it never
    depends on the working directory.
    """
    package_dir = Path(__file__).resolve().parent.parent          # digitpad/
    candidates = [package_dir / "models", package_dir.parent / "models"]
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        candidates.append(Path(frozen_root) / "models")
    for folder in candidates:
        candidate = folder / BUNDLED_CHECKPOINT_NAME
        if candidate.is_file():
            return candidate
    looked = ", ".join(str(folder) for folder in candidates)
    raise CheckpointError(f"{BUNDLED_CHECKPOINT_NAME}: the bundled model is missing (looked in {looked})")
