#!/usr/bin/env python3
"""Write the model card (``models/README.md``) for a finished training run
and copy its ``best.npz`` to ``models/digitpad-mlp.npz``, so that the card's
figures are exactly the run's: command, architecture, augmentation, epochs,
training time, test accuracy, calibration, per-class accuracy and confusion
matrix. ``--update-calibration`` only rewrites the card's calibration section
from the bundled checkpoint (after ``scripts/calibrate.py``).

    python scripts/model_card.py RUN_DIR --command "digitpad-train --preset bundled ..."
    python scripts/model_card.py --update-calibration
"""

from __future__ import annotations

import argparse
import csv
import json
import shutil
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from digitpad.model.checkpoint import BUNDLED_CHECKPOINT_NAME, load_checkpoint
from digitpad.train.config import setting_named

MODELS = Path(__file__).resolve().parent.parent / "models"


def calibration_lines(calibration: dict | None) -> list[str]:
    """The card's "Calibration" section, from the checkpoint's ``calibration`` record."""
    lines = ["## Calibration", ""]
    if calibration is None:
        return lines + ["Not calibrated: the probabilities are as trained (softmax temperature 1).", ""]
    lines += [f"The probabilities are softmax(z / T) with T = {calibration['temperature']:.4f}, fitted on the "
              f"{calibration.get('fitted_on', 'validation split')} by minimising its negative log-likelihood",
              "(`scripts/calibrate.py`). " + ("Label smoothing had taught the network never to be quite sure; T < 1"
                                              if calibration["temperature"] < 1 else
                                              "The network was surer than it was right; T > 1"),
              "undoes that, so its confidence can be taken at its word. Accuracy is unchanged (T never changes",
              "which digit wins). Expected calibration error: 15 equal-width confidence bins.", "",
              "| | ECE before | ECE after | median confidence when right, before | after |", "|---|---|---|---|---|"]
    for name, prefix in (("validation split", ""), ("MNIST test", "test_")):
        if f"{prefix}ece_before" in calibration:
            lines.append(f"| {name} | {calibration[prefix + 'ece_before']:.2%} | "
                         f"{calibration[prefix + 'ece_after']:.2%} | "
                         f"{calibration[prefix + 'median_confidence_right_before']:.4f} | "
                         f"{calibration[prefix + 'median_confidence_right_after']:.4f} |")
    return lines + [""]


def update_calibration_section(text: str, calibration: dict | None) -> str:
    """``text`` (a model card) with its calibration section replaced, or added before "## Input"."""
    section = "\n".join(calibration_lines(calibration)) + "\n"
    existing = re.search(r"^## Calibration\n.*?(?=^## )", text, flags=re.MULTILINE | re.DOTALL)
    if existing:
        return text[:existing.start()] + section + text[existing.end():]
    position = text.index("## Input")
    return text[:position] + section + text[position:]


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
    # In the words of the settings themselves, so the card never lags behind them.
    for name in ("augment_redraw", "augment_styles", "augment_angular"):
        if config.get(name):
            described = setting_named(name)
            augmentation += f"; {described.label.lower()} {config[name]:g} ({described.help})"
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
        "", *calibration_lines(metadata.get("calibration")), "## Input", "",
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
    parser.add_argument("run_dir", type=Path, nargs="?")
    parser.add_argument("--command", help="the command that produced the run")
    parser.add_argument("--machine", default="a 2-core x86-64 machine (AMD EPYC, no GPU)")
    parser.add_argument("--robustness", type=Path,
                        help="folder with robustness.json/.png from scripts/evaluate.py for this model")
    parser.add_argument("--update-calibration", action="store_true",
                        help="only rewrite the card's calibration section from the bundled checkpoint")
    args = parser.parse_args()
    if args.update_calibration:
        _, metadata = load_checkpoint(MODELS / BUNDLED_CHECKPOINT_NAME)
        card_path = MODELS / "README.md"
        card_path.write_text(update_calibration_section(card_path.read_text(), metadata.get("calibration")))
        print("updated the calibration section of", card_path)
        return 0
    if args.run_dir is None or args.command is None:
        parser.error("RUN_DIR and --command are needed to write a card")
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
