"""Keeping an edited network: it is saved like any checkpoint, in the
per-user data folder under a name that says what it was made from and when
(``<stem>-edited-<stamp>.npz``; an existing file is never replaced, even by
another copy of digitpad saving at the same moment), with the edits and the
file they were made to recorded in its metadata. Measures of the unedited
weights (validation and training scores) are left out; the test accuracy is
the edited network's own when it was measured.
"""

from __future__ import annotations

import datetime as _datetime
import itertools
from pathlib import Path

from digitpad.inside import ModelEdits
from digitpad.model.checkpoint import save_checkpoint
from digitpad.nn import MLP
from digitpad.session import RUN_STATE_KEYS

# Written afresh for the new file by ``save_checkpoint``.
_REMADE_KEYS = ("format", "format_version", "digitpad_version", "created", "architecture", "parameter_count")
# Training history that still describes the edited network's origin.
_KEPT_METRICS = ("epoch", "epochs_trained", "train_seconds")


def edited_metadata(metadata: dict, edits: ModelEdits, original_path: Path,
                    test_accuracy: float | None = None) -> dict:
    """The metadata of ``edits`` applied to the model of ``metadata`` saved at ``original_path``."""
    kept = {key: value for key, value in metadata.items() if key not in (*RUN_STATE_KEYS, *_REMADE_KEYS)}
    metrics = {key: value for key, value in metadata.get("metrics", {}).items() if key in _KEPT_METRICS}
    if test_accuracy is not None:
        metrics["test_accuracy"] = float(test_accuracy)
    kept["metrics"] = metrics
    if "calibration" in kept:
        # The calibration temperature is kept (the lab's T acts on top of it);
        # its figures measured the unedited network, so they are not.
        kept["calibration"] = {key: value for key, value in kept["calibration"].items()
                               if key in ("temperature", "fitted_on")}
    kept["edits"] = edits.to_dict()
    kept["edited_from"] = str(original_path)
    return kept


def save_edited_model(model: MLP, edits: ModelEdits, original_path: Path, metadata: dict, folder: Path,
                      test_accuracy: float | None = None) -> Path:
    """Save ``model`` (``edits`` applied to the model at ``original_path``) as a
    new file in ``folder``; returns its path. Raises ``CheckpointError`` or ``OSError``."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    stamp = _datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    stem = Path(original_path).stem
    for counter in itertools.count(1):
        path = folder / f"{stem}-edited-{stamp}{'' if counter == 1 else f'-{counter}'}.npz"
        try:
            # Creating the name exclusively claims it; the checkpoint then replaces the empty file.
            path.open("xb").close()
            break
        except FileExistsError:
            continue
    try:
        save_checkpoint(model, path, edited_metadata(metadata, edits, original_path, test_accuracy))
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return path
