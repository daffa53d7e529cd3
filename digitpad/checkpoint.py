"""Model checkpoints: one ``.npz`` archive of numeric arrays with dotted keys
(``layers.0.weight``, ``optimizer.first_moment.layers.0.weight``,
``state.permutation``) plus a ``metadata.json`` entry holding UTF-8 JSON as a
uint8 array — format name and version, architecture, preprocessing contract,
training config, metrics and dataset checksums. Pickle is never involved:
archives are read with ``allow_pickle=False`` and every key, shape, dtype and
value is validated before a model is built, so a damaged or foreign file gives
a ``CheckpointError`` naming the file and the problem and never a half-built
model. Writes go to a temporary file in the same folder and are moved into
place with ``os.replace``, so a crash never leaves a torn checkpoint.
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
from digitpad.data.npz_files import NpzFileError, decode_json, encode_json, read_npz, write_npz_atomically
from digitpad.nn import MLP, OPTIMIZERS, Optimizer
from digitpad.nn.activations import ACTIVATIONS

FORMAT_NAME = "digitpad-checkpoint"
FORMAT_VERSION = 1
METADATA_KEY = "metadata.json"
OPTIMIZER_PREFIX = "optimizer."
STATE_PREFIX = "state."
BUNDLED_CHECKPOINT_NAME = "digitpad-mlp.npz"

# What the network expects as input; the GUI's preprocessing honours it.
PREPROCESSING_CONTRACT = {
    "input_shape": [28, 28],
    "value_range": [0.0, 1.0],
    "ink": "light on dark (MNIST)",
    "layout": "digit scaled to fit a 20x20 box keeping its aspect ratio, "
              "centre of mass at the centre of the 28x28 image",
}

# Refuse architectures no real model has, so a hostile file cannot make us
# allocate gigabytes before we have read its weights.
_MAX_LAYER_SIZE = 65536
_MAX_HIDDEN_LAYERS = 16


class CheckpointError(Exception):
    """A checkpoint could not be written, read or trusted; the message names the file."""


@dataclass
class Checkpoint:
    """Everything a checkpoint holds, validated."""

    model: MLP
    metadata: dict
    optimizer_state: dict | None = None
    state_arrays: dict[str, np.ndarray] = field(default_factory=dict)


# -- writing -------------------------------------------------------------------
def save_checkpoint(model: MLP, path: str | os.PathLike, metadata: Mapping | None = None, *,
                    optimizer: Optimizer | None = None,
                    state_arrays: Mapping[str, np.ndarray] | None = None) -> Path:
    """Write ``model`` (and optionally ``optimizer`` state and extra numeric
    ``state_arrays``, stored under ``state.<name>``) to ``path`` atomically.

    ``metadata`` is merged into the standard entries; it must be JSON-serialisable.
    Returns the path written. Raises ``CheckpointError`` if it cannot be written.
    """
    path = Path(path)
    parameters = model.parameters()
    arrays: dict[str, np.ndarray] = {
        parameter.name: np.ascontiguousarray(parameter.value, dtype=np.float32)
        for parameter in parameters
    }
    full_metadata = {
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        "digitpad_version": __version__,
        "created": _datetime.datetime.now(_datetime.timezone.utc).isoformat(timespec="seconds"),
        "architecture": model.architecture(),
        "parameter_count": model.num_parameters(),
        "preprocessing": PREPROCESSING_CONTRACT,
    }
    full_metadata.update(metadata or {})
    if optimizer is not None:
        state = optimizer.state_dict()
        full_metadata["optimizer"] = {
            "name": state["name"],
            "step_count": state["step_count"],
            "hyperparameters": state["hyperparameters"],
        }
        for slot, slot_arrays in state["slots"].items():
            for parameter, array in zip(parameters, slot_arrays):
                arrays[f"{OPTIMIZER_PREFIX}{slot}.{parameter.name}"] = array
    for name, array in (state_arrays or {}).items():
        array = np.asarray(array)
        if array.dtype.kind not in "biuf":
            raise CheckpointError(f"{path}: state array {name!r} is not numeric ({array.dtype})")
        arrays[STATE_PREFIX + name] = array
    try:
        arrays[METADATA_KEY] = encode_json(full_metadata)
    except ValueError as error:
        raise CheckpointError(f"{path}: metadata is {error}") from error
    try:
        write_npz_atomically(path, arrays, "checkpoint")
    except NpzFileError as error:
        raise CheckpointError(str(error)) from error
    return path


# -- reading -------------------------------------------------------------------
def load_checkpoint(path: str | os.PathLike) -> tuple[MLP, dict]:
    """Load and validate a checkpoint; returns ``(model in eval mode, metadata)``."""
    checkpoint = read_checkpoint(path)
    return checkpoint.model, checkpoint.metadata


def read_checkpoint(path: str | os.PathLike) -> Checkpoint:
    """Load and validate everything in a checkpoint, including optimiser state."""
    path = Path(path)
    arrays = _read_arrays(path)

    def fail(problem: str) -> CheckpointError:
        return CheckpointError(f"{path}: {problem}")

    metadata = _decode_metadata(arrays.pop(METADATA_KEY, None), fail)
    model = _build_model(metadata.get("architecture"), fail)
    parameters = model.parameters()
    expected_names = [parameter.name for parameter in parameters]

    optimizer_arrays = {key: arrays.pop(key) for key in list(arrays) if key.startswith(OPTIMIZER_PREFIX)}
    state_arrays = {key[len(STATE_PREFIX):]: arrays.pop(key)
                    for key in list(arrays) if key.startswith(STATE_PREFIX)}
    missing = [name for name in expected_names if name not in arrays]
    if missing:
        raise fail(f"missing weights {', '.join(missing)}")
    unexpected = sorted(set(arrays) - set(expected_names))
    if unexpected:
        raise fail(f"unexpected arrays {', '.join(unexpected)}")
    for parameter in parameters:
        _check_float_array(arrays[parameter.name], parameter.name, parameter.value.shape, fail)
    for name, array in state_arrays.items():
        if array.dtype.kind not in "biuf":
            raise fail(f"state array {name!r} is not numeric ({array.dtype})")

    optimizer_state = _read_optimizer_state(metadata.get("optimizer"), optimizer_arrays,
                                            parameters, fail)
    model.load_state_dict({name: arrays[name] for name in expected_names}, strict=True)
    model.eval()
    return Checkpoint(model, metadata, optimizer_state, state_arrays)


def _read_arrays(path: Path) -> dict[str, np.ndarray]:
    try:
        return read_npz(path, "checkpoint")
    except NpzFileError as error:
        raise CheckpointError(str(error)) from error


def _decode_metadata(raw: np.ndarray | None, fail) -> dict:
    if raw is None:
        raise fail(f"missing the {METADATA_KEY} entry; not a digitpad checkpoint")
    try:
        metadata = decode_json(raw, METADATA_KEY)
    except ValueError as error:
        raise fail(str(error)) from error
    if metadata.get("format") != FORMAT_NAME:
        raise fail(f"not a digitpad checkpoint (format is {metadata.get('format')!r})")
    version = metadata.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise fail(f"format_version must be an integer, got {version!r}")
    if version > FORMAT_VERSION:
        raise fail(f"written by a newer digitpad (format version {version}); "
                   f"this version reads format version {FORMAT_VERSION}")
    if version < 1:
        raise fail(f"unknown format version {version}")
    return metadata


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and np.isfinite(value)


def _build_model(architecture, fail) -> MLP:
    if not isinstance(architecture, dict):
        raise fail("metadata has no architecture description")
    input_size = architecture.get("input_size")
    hidden_sizes = architecture.get("hidden_sizes")
    num_classes = architecture.get("num_classes")
    activation = architecture.get("activation")
    dropout = architecture.get("dropout", 0.0)
    negative_slope = architecture.get("negative_slope", 0.01)
    if not (_is_int(input_size) and 0 < input_size <= _MAX_LAYER_SIZE):
        raise fail(f"architecture: invalid input_size {input_size!r}")
    if not (isinstance(hidden_sizes, list) and len(hidden_sizes) <= _MAX_HIDDEN_LAYERS
            and all(_is_int(size) and 0 < size <= _MAX_LAYER_SIZE for size in hidden_sizes)):
        raise fail(f"architecture: invalid hidden_sizes {hidden_sizes!r}")
    if not (_is_int(num_classes) and 2 <= num_classes <= _MAX_LAYER_SIZE):
        raise fail(f"architecture: invalid num_classes {num_classes!r}")
    if activation not in ACTIVATIONS:
        raise fail(f"architecture: unknown activation {activation!r}")
    if not (_is_number(dropout) and 0 <= dropout < 1):
        raise fail(f"architecture: invalid dropout {dropout!r}")
    if not (_is_number(negative_slope) and 0 <= negative_slope < 1):
        raise fail(f"architecture: invalid negative_slope {negative_slope!r}")
    return MLP.from_architecture(architecture, rng=np.random.default_rng(0))


def _check_float_array(array: np.ndarray, name: str, shape: tuple, fail) -> None:
    if array.dtype != np.float32:
        raise fail(f"{name}: expected float32, got {array.dtype}")
    if array.shape != shape:
        raise fail(f"{name}: shape {array.shape} does not match the architecture's {shape}")
    if not np.isfinite(array).all():
        raise fail(f"{name}: contains NaN or infinite values")


def _read_optimizer_state(info, optimizer_arrays: dict[str, np.ndarray], parameters, fail) -> dict | None:
    if info is None:
        if optimizer_arrays:
            raise fail(f"optimizer arrays without optimizer metadata: {', '.join(sorted(optimizer_arrays))}")
        return None
    if not isinstance(info, dict) or info.get("name") not in OPTIMIZERS:
        raise fail(f"optimizer metadata is invalid: {info!r}")
    step_count = info.get("step_count")
    hyperparameters = info.get("hyperparameters")
    if not (_is_int(step_count) and step_count >= 0):
        raise fail(f"optimizer step_count is invalid: {step_count!r}")
    if not isinstance(hyperparameters, dict):
        raise fail("optimizer hyperparameters are missing")
    # The optimiser class itself knows which slots it keeps for these settings.
    try:
        template = OPTIMIZERS[info["name"]]([parameter.value for parameter in parameters],
                                            **hyperparameters)
    except (TypeError, ValueError) as error:
        raise fail(f"optimizer hyperparameters are invalid ({error})") from error
    slots = {}
    expected_keys = set()
    for slot in template.slot_names:
        slot_arrays = []
        for parameter in parameters:
            key = f"{OPTIMIZER_PREFIX}{slot}.{parameter.name}"
            expected_keys.add(key)
            if key not in optimizer_arrays:
                raise fail(f"missing optimizer state {key}")
            _check_float_array(optimizer_arrays[key], key, parameter.value.shape, fail)
            slot_arrays.append(optimizer_arrays[key])
        slots[slot] = slot_arrays
    unexpected = sorted(set(optimizer_arrays) - expected_keys)
    if unexpected:
        raise fail(f"unexpected optimizer arrays {', '.join(unexpected)}")
    return {"name": info["name"], "step_count": step_count,
            "hyperparameters": hyperparameters, "slots": slots}


# -- the shipped model ---------------------------------------------------------
def bundled_checkpoint_path() -> Path:
    """The model that ships with digitpad.

    Looks inside the package (installed wheel, frozen executable), next to the
    package (a source checkout) and in PyInstaller's unpack folder, so it never
    depends on the working directory.
    """
    package_dir = Path(__file__).resolve().parent
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
