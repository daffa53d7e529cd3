"""The ``digitpad-train`` command (also ``scripts/train_mnist.py``): trains the
MLP on MNIST without a window. Every hyperparameter has an option; a preset
supplies the rest. Exit codes: 0 success, 1 failure (a one-line message, no
traceback, for every expected problem), 2 bad arguments, 130 interrupted —
after Ctrl+C the run's ``last.npz`` holds the state reached, and
``--resume RUN_DIR`` continues from it.
"""

from __future__ import annotations

import argparse
import datetime as _datetime
import signal
import sys
from pathlib import Path
from typing import Sequence

from digitpad import __version__
from digitpad.train.config import PRESETS, SCHEDULES, TrainConfig, config_from_preset
from digitpad.train.status import RunStatus

# Options that define a run; they cannot be combined with --resume, which
# takes them from the run's config.json.
_HYPERPARAMETERS = ("hidden_sizes", "activation", "dropout", "optimizer", "learning_rate",
                    "momentum", "nesterov", "weight_decay", "max_grad_norm", "schedule",
                    "warmup_epochs", "step_epochs", "gamma", "min_learning_rate", "batch_size",
                    "epochs", "label_smoothing", "augment", "augment_strength", "augment_thickness",
                    "augment_redraw", "augment_styles", "validation_size",
                    "patience", "train_subset", "seed")

EXIT_OK, EXIT_FAILURE, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


def build_parser() -> argparse.ArgumentParser:
    defaults = TrainConfig()
    parser = argparse.ArgumentParser(
        prog="digitpad-train",
        description="Train digitpad's from-scratch NumPy network on MNIST. A preset gives every "
                    "setting; options override it. Results go to a run folder: config.json, "
                    "metrics.csv, best.npz, last.npz, report.json and report.md.",
        epilog="Examples:\n  digitpad-train --preset fast\n"
               "  digitpad-train --preset bundled --output-dir runs/bundled\n"
               "  digitpad-train --resume runs/bundled\n"
               "MNIST is read from --data-dir when given (only there; nothing is downloaded into "
               "it). Otherwise it is looked for in $DIGITPAD_MNIST_DIR, then the per-user cache, "
               "and downloaded into the first of those (size and checksums verified) when missing.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--preset", choices=sorted(PRESETS), default="default",
                        help="starting point for every setting (default: %(default)s; "
                             "'fast' reaches 98.5%% in under a minute, 'bundled' is the shipped model)")

    model = parser.add_argument_group("model")
    model.add_argument("--hidden-sizes", type=int, nargs="+", metavar="N",
                       help=f"units of each hidden layer (default: {' '.join(map(str, defaults.hidden_sizes))})")
    model.add_argument("--activation", choices=["relu", "leaky_relu", "sigmoid", "tanh"],
                       help=f"hidden-layer activation (default: {defaults.activation})")
    model.add_argument("--dropout", type=float, metavar="RATE",
                       help=f"dropout rate after each hidden layer, 0 disables (default: {defaults.dropout})")

    optimiser = parser.add_argument_group("optimiser")
    optimiser.add_argument("--optimizer", choices=["sgd", "adam", "adamw"],
                           help=f"update rule (default: {defaults.optimizer})")
    optimiser.add_argument("--learning-rate", type=float, metavar="LR",
                           help=f"peak learning rate (default: {defaults.learning_rate})")
    optimiser.add_argument("--momentum", type=float,
                           help=f"SGD momentum (default: {defaults.momentum})")
    optimiser.add_argument("--nesterov", action=argparse.BooleanOptionalAction, default=None,
                           help="use Nesterov momentum with SGD (default: off)")
    optimiser.add_argument("--weight-decay", type=float, metavar="WD",
                           help="L2 penalty for sgd/adam, decoupled decay for adamw "
                                f"(default: {defaults.weight_decay})")
    optimiser.add_argument("--max-grad-norm", type=float, metavar="NORM",
                           help="clip gradients to this global norm, 0 disables (default: 0)")

    schedule = parser.add_argument_group("learning-rate schedule")
    schedule.add_argument("--schedule", choices=SCHEDULES,
                          help=f"how the learning rate changes (default: {defaults.schedule})")
    schedule.add_argument("--warmup-epochs", type=float, metavar="E",
                          help="linear warm-up length in epochs (default: 0)")
    schedule.add_argument("--step-epochs", type=int, metavar="E",
                          help=f"step schedule: decay every E epochs (default: {defaults.step_epochs})")
    schedule.add_argument("--gamma", type=float,
                          help=f"step schedule: decay factor (default: {defaults.gamma})")
    schedule.add_argument("--min-learning-rate", type=float, metavar="LR",
                          help="cosine schedule: final learning rate (default: 0)")

    training = parser.add_argument_group("training")
    training.add_argument("--epochs", type=int, help=f"passes over the data (default: {defaults.epochs})")
    training.add_argument("--batch-size", type=int, help=f"digits per step (default: {defaults.batch_size})")
    training.add_argument("--label-smoothing", type=float, metavar="S",
                          help="mix the one-hot targets with S of the uniform distribution (default: 0)")
    training.add_argument("--validation-size", type=int, metavar="N",
                          help="training digits held out (stratified) to pick the best epoch, 0 disables "
                               f"(default: {defaults.validation_size})")
    training.add_argument("--patience", type=int, metavar="E",
                          help="stop after E epochs without validation improvement, 0 disables (default: 0)")
    training.add_argument("--train-subset", type=int, metavar="N",
                          help="train on a stratified subset of N digits, 0 uses all (default: 0)")
    training.add_argument("--seed", type=int, help=f"random seed; same seed, same weights (default: {defaults.seed})")

    augmentation = parser.add_argument_group("augmentation")
    augmentation.add_argument("--augment", action=argparse.BooleanOptionalAction, default=None,
                              help="random affine + elastic distortion of training digits (default: off)")
    augmentation.add_argument("--augment-strength", type=float, metavar="S",
                              help="scale of every distortion, 1 is the tuned default (default: 1)")
    augmentation.add_argument("--augment-thickness", type=float, metavar="T",
                              help="randomly thicken or thin strokes by up to T (0-1), to cover thin "
                                   "and thick pens (default: 0)")
    augmentation.add_argument("--augment-redraw", type=float, metavar="P",
                              help="redraw a fraction P of training digits from their skeleton with "
                                   "a random round pen, like canvas strokes (default: 0)")
    augmentation.add_argument("--augment-styles", type=float, metavar="P",
                              help="rewrite a fraction P of training 1s and 7s the continental way "
                                   "(up-stroke on the 1, crossed 7) (default: 0)")

    files = parser.add_argument_group("data and output")
    files.add_argument("--data-dir", type=Path, metavar="DIR",
                       help="folder holding the MNIST files; only it is searched (without it: "
                            "$DIGITPAD_MNIST_DIR, then the user cache, downloading when missing)")
    files.add_argument("--no-download", action="store_true",
                       help="fail instead of downloading MNIST when it is not found")
    files.add_argument("--output-dir", type=Path, metavar="DIR",
                       help="run folder to create (default: runs/<date>-<time>-<preset>)")
    files.add_argument("--resume", type=Path, metavar="RUN_DIR",
                       help="continue a stopped run from RUN_DIR/last.npz with its own settings")
    files.add_argument("--quiet", action="store_true", help="no progress bars")
    return parser


def _config_from_args(parser: argparse.ArgumentParser, args: argparse.Namespace) -> TrainConfig:
    overrides = {name: getattr(args, name) for name in _HYPERPARAMETERS}
    try:
        return config_from_preset(args.preset, **overrides)
    except ValueError as error:
        parser.error(str(error))
        raise  # unreachable: parser.error exits


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.resume is not None:
        given = [name for name in _HYPERPARAMETERS if getattr(args, name) is not None]
        if given or args.preset != "default" or args.output_dir is not None:
            options = ", ".join("--" + name.replace("_", "-") for name in given) or "--preset/--output-dir"
            parser.error(f"--resume takes its settings from RUN_DIR/config.json; do not combine it with {options}")
        config, run_dir = None, args.resume
    else:
        config = _config_from_args(parser, args)
        stamp = _datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
        run_dir = args.output_dir or Path("runs") / f"{stamp}-{config.preset}"

    # Imported here so that --help and argument errors stay instant.
    from digitpad.model.checkpoint import CheckpointError
    from digitpad.data.mnist.idx import MnistError
    from digitpad.train.run import RunError, run_training
    from digitpad.train.trainer import TrainingDiverged

    trainers = []

    def request_stop(signal_number, frame) -> None:
        # First Ctrl+C: finish the batch and save; a second one aborts at once.
        signal.signal(signal.SIGINT, signal.default_int_handler)
        if trainers:
            trainers[0].stop_training = True
            print("\nStopping after this batch and saving last.npz (Ctrl+C again to abort)...",
                  file=sys.stderr, flush=True)
        else:
            raise KeyboardInterrupt

    previous_handler = signal.signal(signal.SIGINT, request_stop)
    try:
        result = run_training(config, run_dir, data_dir=args.data_dir, resume=args.resume is not None,
                              progress_bar=not args.quiet, download=not args.no_download,
                              download_progress=None if args.quiet else _download_progress(),
                              on_trainer=trainers.append)
    except KeyboardInterrupt:
        print("\nInterrupted.", file=sys.stderr)
        return EXIT_INTERRUPTED
    except (MnistError, CheckpointError, RunError, TrainingDiverged) as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_FAILURE
    except OSError as error:
        name = f"{error.filename}: " if error.filename else ""
        print(f"error: {name}{error.strerror or error}", file=sys.stderr)
        return EXIT_FAILURE
    finally:
        signal.signal(signal.SIGINT, previous_handler)

    if result.status == RunStatus.STOPPED:
        print(f"Interrupted after {result.train_seconds:.1f} s of training; progress saved to "
              f"{result.last_path}\nContinue with: digitpad-train --resume {result.run_dir}",
              file=sys.stderr)
        return EXIT_INTERRUPTED
    stopped_early = " (stopped early)" if result.status == RunStatus.EARLY_STOPPED else ""
    print(f"Test accuracy {result.test_accuracy * 100:.2f}% after {len(result.history)} epochs, "
          f"{result.train_seconds:.1f} s of training{stopped_early}.\n"
          f"Model: {result.best_path}\nReport: {result.run_dir / 'report.md'}")
    return EXIT_OK


def _download_progress():
    """A tqdm bar per file being downloaded."""
    bars = {}

    def report(file_name: str, done: int, total: int | None) -> None:
        from tqdm import tqdm

        bar = bars.get(file_name)
        if bar is None:
            bar = bars[file_name] = tqdm(total=total, desc=f"downloading {file_name}", unit="B",
                                         unit_scale=True, file=sys.stderr, leave=False)
        bar.update(done - bar.n)
        if total is not None and done >= total:
            bar.close()

    return report


if __name__ == "__main__":
    sys.exit(main())
