#!/usr/bin/env python3
"""Calibrate a trained checkpoint: fit its softmax temperature on the very
validation split its training run held out (re-made from the
``validation_size`` and ``seed`` in its metadata by the run's own split
function), store it with the before/after figures and the test-set
reliability diagrams in the checkpoint's ``calibration`` field, and print
the expected calibration error and median confidence on digits read right,
before and after, on the validation split and on the MNIST test set.
Accuracy cannot change: dividing every score by T keeps the winner. The
calibrated checkpoint is written atomically, to ``--output`` or, with
``--in-place``, over the original; never over anything without one of them.

    python scripts/calibrate.py models/digitpad-mlp.npz --data-dir ../shared/mnist --in-place
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from digitpad.model.calibration import calibrate_model, calibration_report, figures  # noqa: E402
from digitpad.model.checkpoint import CheckpointError, read_checkpoint, save_checkpoint  # noqa: E402
from digitpad.train.config import TrainConfig  # noqa: E402
from digitpad.train.run import load_training_data  # noqa: E402


def _row(name: str, before, after) -> str:
    return (f"{name:<22} ECE {before.ece:7.2%} -> {after.ece:6.2%}   median confidence when right "
            f"{before.median_confidence_right:.4f} -> {after.median_confidence_right:.4f}   "
            f"accuracy {before.accuracy:.2%} -> {after.accuracy:.2%}")


def calibrate_checkpoint(source: Path, output: Path, data_dir: Path | None) -> dict:
    """Calibrate the checkpoint at ``source``, write it to ``output`` and return its calibration record."""
    checkpoint = read_checkpoint(source)
    metadata = dict(checkpoint.metadata)
    if checkpoint.optimizer_state is not None or checkpoint.state_arrays:
        print("note: the optimiser and training state are not copied; resume training from the original")
        metadata.pop("optimizer", None)
        metadata.pop("trainer", None)
    try:
        config = TrainConfig.from_dict(metadata.get("training", {}))
    except ValueError as error:
        raise SystemExit(f"{source}: cannot re-make its data split ({error})") from None
    if not config.validation_size:
        raise SystemExit(f"{source}: its training run held out no validation split; nothing unseen to fit "
                         "a temperature on, so it stays uncalibrated (T = 1)")
    data = load_training_data(config, data_dir, download=False)
    recorded = metadata.get("dataset", {}).get("checksums", {})
    if recorded and any(data.checksums.get(name) != digest for name, digest in recorded.items()):
        print("warning: these MNIST files differ from the ones the model was trained on")
    model = checkpoint.model
    validation_logits = model.logits(data.validation_images)
    test_logits = model.logits(data.test_images)
    record = calibrate_model(model, data.validation_images, data.validation_labels,
                             f"MNIST validation split ({config.validation_size:,} digits, seed {config.seed})")
    metadata["calibration"] = calibration_report(record, model, data.test_images, data.test_labels)
    temperature = model.temperature
    print(f"{source}: softmax temperature T = {temperature:.4f} "
          f"(fitted on {len(data.validation_labels):,} validation digits)")
    print(_row("validation split", figures(validation_logits, data.validation_labels),
               figures(validation_logits, data.validation_labels, temperature)))
    print(_row("MNIST test", figures(test_logits, data.test_labels),
               figures(test_logits, data.test_labels, temperature)))
    save_checkpoint(model, output, metadata)
    print("wrote", output)
    return metadata["calibration"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("checkpoint", type=Path)
    parser.add_argument("--data-dir", type=Path, help="folder with the MNIST files (default: where digitpad "
                                                      "looks, DIGITPAD_MNIST_DIR included; never downloads)")
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--output", type=Path, help="where to write the calibrated checkpoint")
    target.add_argument("--in-place", action="store_true", help="replace CHECKPOINT (atomically)")
    args = parser.parse_args(argv)
    output = args.checkpoint if args.in_place else args.output
    try:
        calibrate_checkpoint(args.checkpoint, output, args.data_dir)
    except CheckpointError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
