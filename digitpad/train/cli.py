"""The ``digitpad-train`` command (also ``scripts/train_mnist.py``): trains the
MLP on MNIST without a window. Every hyperparameter has an option, generated
from the settings description in ``digitpad.train.config``; a preset
supplies the rest. Exit codes: 0 success, 1 failure (a one-line message, no
traceback, for every expected problem), 2 bad arguments, 130 interrupted —
after Ctrl+C the run's ``last.npz`` holds the state reached, and
``--resume RUN_DIR`` continues from it. At the end the run's findings (what
its diagnosis saw: overfitting, dead units, …) are printed with what to try.
"""

from __future__ import annotations

import argparse
import datetime as _datetime
import signal
import sys
from pathlib import Path
from typing import Sequence

from digitpad import __version__
from digitpad.train.config import HYPERPARAMETERS, PRESETS, TrainConfig, config_from_preset
from digitpad.train.settings import GROUPS, Setting, format_value
from digitpad.train.status import RunStatus

EXIT_OK, EXIT_FAILURE, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


def build_parser() -> argparse.ArgumentParser:
    """One option per hyperparameter of the settings description, in its
    groups, then the options that say where data and results go."""
    parser = argparse.ArgumentParser(
        prog="digitpad-train",
        description="Train digitpad's from-scratch NumPy network on MNIST. A preset gives every "
                    "setting; options override it. Results go to a run folder: config.json, "
                    "metrics.csv, diagnostics.csv, best.npz, last.npz, report.json and report.md "
                    "(with the diagnosis' findings).",
        epilog="Examples:\n  digitpad-train --preset fast\n"
               "  digitpad-train --preset bundled --output-dir runs/bundled\n"
               "  digitpad-train --resume runs/bundled\n"
               "MNIST is read from --data-dir when given (only there; nothing is downloaded into "
               "it). Otherwise it is looked for in $DIGITPAD_MNIST_DIR, then the per-user cache, "
               "and downloaded into the first of those (size and checksums verified) when missing.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    summaries = "; ".join(f"'{name}': {preset.summary}" for name, preset in PRESETS.items())
    parser.add_argument("--preset", choices=list(PRESETS), default="default",
                        help=_escape(f"starting point for every setting (default: default; {summaries})"))
    for group in GROUPS:
        options = parser.add_argument_group(group)
        for item in HYPERPARAMETERS:
            if item.group == group:
                _add_option(options, item)
    _add_file_options(parser.add_argument_group("data and output"))
    return parser


def _add_option(options: argparse._ArgumentGroup, item: Setting) -> None:
    """The option of one setting; None when not given, so the preset's value stays."""
    default = (" ".join(map(str, item.default)) if item.kind is tuple
               else format_value(None, item.default))
    help_text = _escape(f"{item.help} (default: {default})")
    if item.kind is bool:
        options.add_argument(item.option, action=argparse.BooleanOptionalAction, default=None,
                             help=help_text)
    elif item.kind is tuple:
        options.add_argument(item.option, type=int, nargs="+", metavar=item.metavar, help=help_text)
    elif item.choices:
        options.add_argument(item.option, choices=item.choices, help=help_text)
    else:
        options.add_argument(item.option, type=item.kind, metavar=item.metavar, help=help_text)


def _add_file_options(files: argparse._ArgumentGroup) -> None:
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


def _escape(text: str) -> str:
    """Help text with its per cent signs kept from argparse's formatting."""
    return text.replace("%", "%%")


def _config_and_run_dir(parser: argparse.ArgumentParser,
                        args: argparse.Namespace) -> tuple[TrainConfig | None, Path]:
    """What to train and where; exits with a usage error for bad settings.
    A resumed run takes its settings from its config.json, so none may be given."""
    given = [item for item in HYPERPARAMETERS if getattr(args, item.name) is not None]
    if args.resume is not None:
        if given or args.preset != "default" or args.output_dir is not None:
            options = ", ".join(item.option for item in given) or "--preset/--output-dir"
            parser.error(f"--resume takes its settings from RUN_DIR/config.json; do not combine it with {options}")
        return None, args.resume
    try:
        config = config_from_preset(args.preset, **{item.name: getattr(args, item.name) for item in given})
    except ValueError as error:
        parser.error(str(error))
    stamp = _datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    return config, args.output_dir or Path("runs") / f"{stamp}-{config.preset}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    config, run_dir = _config_and_run_dir(parser, args)

    # Imported here so that --help and argument errors stay instant.
    from digitpad.model.checkpoint import CheckpointError
    from digitpad.data.mnist.idx import MnistError
    from digitpad.train.run import RunError
    from digitpad.train.trainer import TrainingDiverged

    try:
        result = _train(config, run_dir, args)
    except KeyboardInterrupt:
        print("\nInterrupted.", file=sys.stderr)
        return EXIT_INTERRUPTED
    except TrainingDiverged as error:
        print(f"error: {error}", file=sys.stderr)
        _print_findings(error.findings, sys.stderr)
        return EXIT_FAILURE
    except (MnistError, CheckpointError, RunError) as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_FAILURE
    except OSError as error:
        name = f"{error.filename}: " if error.filename else ""
        print(f"error: {name}{error.strerror or error}", file=sys.stderr)
        return EXIT_FAILURE
    return _report(result)


def _train(config: TrainConfig | None, run_dir: Path, args: argparse.Namespace):
    """``run_training`` with Ctrl+C asking the trainer to stop and save."""
    from digitpad.train.run import run_training

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
        return run_training(config, run_dir, data_dir=args.data_dir, resume=args.resume is not None,
                            progress_bar=not args.quiet, download=not args.no_download,
                            download_progress=None if args.quiet else _download_progress(),
                            on_trainer=trainers.append)
    finally:
        signal.signal(signal.SIGINT, previous_handler)


def _print_findings(findings, stream) -> None:
    """Each finding in a few lines: its name, what was seen, what to try."""
    if not findings:
        return
    print("\nWhat the diagnosis found:", file=stream)
    for finding in findings:
        print(f"- {finding.name} (epoch {finding.epoch}): {finding.message}\n"
              f"  Try: {finding.suggestion_text()}", file=stream)


def _report(result) -> int:
    """Say how the run ended; the exit code."""
    _print_findings(result.findings, sys.stdout if result.status != RunStatus.STOPPED else sys.stderr)
    if result.status == RunStatus.STOPPED:
        print(f"Interrupted after {result.train_seconds:.1f} s of training; progress saved to "
              f"{result.last_path}\nContinue with: digitpad-train --resume {result.run_dir}",
              file=sys.stderr)
        return EXIT_INTERRUPTED
    stopped_early = " (stopped early)" if result.status == RunStatus.EARLY_STOPPED else ""
    print(f"Test accuracy {result.test_accuracy * 100:.2f}% after {len(result.history)} epochs, "
          f"{result.train_seconds:.1f} s of training{stopped_early}.\n"
          f"Model: {result.best_path}\nReport: {result.run_dir / 'report.md'}")
    calibration = (result.report or {}).get("calibration", {})
    if "note" in calibration:
        print(f"Calibration: {calibration['note']}.")
    elif "test_ece_after" in calibration:
        print(f"Calibration: softmax temperature {calibration['temperature']:.3f} fitted on the validation split; "
              f"expected calibration error on the test set {calibration['test_ece_before']:.2%} -> "
              f"{calibration['test_ece_after']:.2%}.")
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
