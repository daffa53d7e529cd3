#!/usr/bin/env python3
"""Write the model card (``models/README.md``) for a finished training run
and copy its ``best.npz`` to ``models/digitpad-mlp.npz``, so that the card's
figures are exactly the run's: command, architecture, augmentation, epochs,
training time, test accuracy, per-class accuracy and confusion matrix.

    python scripts/model_card.py RUN_DIR --command "digitpad-train --preset bundled ..."
"""

from __future__ import annotations

import argparse
import csv
import json
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from digitpad.model.checkpoint import BUNDLED_CHECKPOINT_NAME, load_checkpoint

MODELS = Path(__file__).resolve().parent.parent / "models"


def card(run_dir: Path, command: str, machine: str, robustness: dict | None = None) -> str:
    config = json.loads((run_dir / "config.json").read_text())
    report = json.loads((run_dir / "report.json").read_text())
    model, metadata = load_checkpoint(run_dir / "best.npz")
    metrics = metadata["metrics"]
    with open(run_dir / "metrics.csv") as stream:
        rows = list(csv.DictReader(stream))
    sizes = "-".join(str(size) for size in (model.input_size, *model.hidden_sizes, model.num_classes))
    augmentation = ("none" if not config["augment"] else
                    f"random affine (rotation ±12°, scale ±12%, shear ±10°, shift ±2.5 px) and elastic "
                    f"distortion (alpha 34, sigma 5.5) at strength {config['augment_strength']}, "
                    f"stroke-width variation {config['augment_thickness']}")
    if config.get("augment_redraw"):
        augmentation += (f"; {config['augment_redraw']:.0%} of digits redrawn from their skeleton with a "
                         "random round pen (uniform strokes, like a mouse or stylus)")
    if config.get("augment_styles"):
        augmentation += (f"; {config['augment_styles']:.0%} of 1s and 7s rewritten the continental way "
                         "(up-stroke on the 1, crossed 7)")
    lines = [
        "# Model card: digitpad-mlp.npz", "",
        "The network digitpad ships with: a multilayer perceptron written from scratch in NumPy,",
        "trained on MNIST by digitpad's own training script.", "",
        "| | |", "|---|---|",
        f"| Command | `{command}` |",
        f"| Architecture | {sizes}, {model.activation}, dropout {model.dropout} ({model.num_parameters():,} parameters, float32) |",
        f"| Optimiser | {config['optimizer']}, learning rate {config['learning_rate']}, {config['schedule']} schedule"
        f" with {config['warmup_epochs']} warm-up epoch(s), batch {config['batch_size']},"
        f" label smoothing {config['label_smoothing']}, weight decay {config['weight_decay']} |",
        f"| Augmentation | {augmentation} |",
        f"| Data | {metadata['dataset']['train_count']:,} MNIST training digits; "
        f"{metadata['dataset']['validation_count']:,} held out (stratified, seed {config['seed']}) to pick the best epoch |",
        f"| Epochs | {len(rows)} trained; best validation accuracy at epoch {metrics['epoch']} "
        f"({metrics['val_accuracy'] * 100:.2f}%) |",
        f"| Training time | {metrics['train_seconds'] / 60:.1f} minutes of training on {machine} |",
        f"| **MNIST test accuracy** | **{report['accuracy'] * 100:.2f}%** "
        f"({report['count'] - len(report['misclassified'])} of {report['count']:,}) |",
        "", "## Input", "",
        "28×28 float32 in [0, 1], white ink on black, the digit scaled to fit a 20×20 box (aspect ratio",
        "kept) and placed so its centre of mass is at pixel (14, 14) — how MNIST was made and what",
        "`digitpad.data.ink.network_input.to_mnist` produces from the canvas.",
        "", "## Per-class accuracy (recall) and precision on the MNIST test set", "",
        "| digit | accuracy | precision | test digits |", "|---|---|---|---|"]
    for row in report["per_class"]:
        lines.append(f"| {row['digit']} | {row['recall'] * 100:.2f}% | {row['precision'] * 100:.2f}% | {row['support']} |")
    lines += ["", "## Confusion matrix (rows: true digit, columns: predicted)", "",
              "| | " + " | ".join(str(digit) for digit in range(10)) + " |", "|---" * 11 + "|"]
    for digit, row in enumerate(report["confusion_matrix"]):
        lines.append(f"| **{digit}** | " + " | ".join(str(value) for value in row) + " |")
    lines += ["", "## Training curve", "", "| epoch | train loss | val loss | val accuracy |", "|---|---|---|---|"]
    for row in rows[4::5] if len(rows) > 10 else rows:
        lines.append(f"| {row['epoch']} | {float(row['train_loss']):.4f} | {float(row['val_loss']):.4f} | "
                     f"{float(row['val_accuracy']) * 100:.2f}% |")
    lines += ["", "The training loss includes label smoothing, so it cannot fall below about 0.5;",
              "the validation loss is plain cross-entropy.", ""]
    if robustness is not None:
        lines += ["## Robustness (`scripts/evaluate.py`)", "",
                  f"- MNIST test digits redrawn as pen strokes through the canvas renderer, mean over "
                  f"pen widths 2-20% of the digit's height and heights 60-400 px: "
                  f"**{robustness['drawn_accuracy'] * 100:.1f}%**",
                  f"- Pen templates of every digit and of unusual styles (continental 1 and 7, open 4, "
                  f"looped 2), random size, slant, wobble and pen: **{robustness['template_accuracy'] * 100:.1f}%**",
                  "", "![robustness curves](robustness.png)", ""]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run_dir", type=Path)
    parser.add_argument("--command", required=True, help="the command that produced the run")
    parser.add_argument("--machine", default="a 2-core x86-64 machine (AMD EPYC, no GPU)")
    parser.add_argument("--robustness", type=Path,
                        help="folder with robustness.json/.png from scripts/evaluate.py for this model")
    args = parser.parse_args()
    MODELS.mkdir(exist_ok=True)
    shutil.copyfile(args.run_dir / "best.npz", MODELS / BUNDLED_CHECKPOINT_NAME)
    robustness = None
    if args.robustness is not None:
        robustness = json.loads((args.robustness / "robustness.json").read_text())
        shutil.copyfile(args.robustness / "robustness.png", MODELS / "robustness.png")
    (MODELS / "README.md").write_text(card(args.run_dir, args.command, args.machine, robustness))
    print("wrote", MODELS / BUNDLED_CHECKPOINT_NAME, "and", MODELS / "README.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
