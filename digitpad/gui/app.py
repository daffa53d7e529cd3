"""Start-up of the desktop app (``digitpad`` / ``python -m digitpad``):
parse the command line, create the QApplication, pick the model (a
checkpoint given on the command line, else the one used last, else the
bundled one — a broken one is reported and skipped), and show the main
window. Heavy libraries (scikit-learn, SciPy, plotting) stay off this path.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Sequence

from digitpad import __version__

ORGANISATION = "digitpad"
APPLICATION = "digitpad"


def icon_path() -> Path | None:
    """The app icon, from a checkout, an installed wheel or a frozen executable."""
    package_dir = Path(__file__).resolve().parent.parent
    candidates = [package_dir / "assets", package_dir.parent / "assets"]
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        candidates.append(Path(frozen_root) / "assets")
    for folder in candidates:
        candidate = folder / "digitpad.png"
        if candidate.is_file():
            return candidate
    return None


def choose_model(settings, explicit: str | None):
    """``(model, path, metadata, warning)``: the model to start with.

    ``warning`` explains a checkpoint that could not be used (None if all went well).
    """
    from digitpad.checkpoint import CheckpointError, bundled_checkpoint_path, load_checkpoint

    warning = None
    candidates = [explicit] if explicit else []
    if not explicit and settings.last_checkpoint():
        candidates.append(settings.last_checkpoint())
    for candidate in candidates:
        try:
            model, metadata = load_checkpoint(candidate)
            return model, Path(candidate), metadata, None
        except CheckpointError as error:
            warning = f"{error}\n\nUsing the bundled model instead."
    path = bundled_checkpoint_path()
    model, metadata = load_checkpoint(path)
    return model, path, metadata, warning


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="digitpad",
                                     description="Draw a digit and watch a neural network recognise it.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("checkpoint", nargs="?", help="a digitpad checkpoint (.npz) to start with")
    parser.add_argument("--self-test", action="store_true",
                        help="check the installation offscreen: write digits on the canvas with the "
                             "bundled model, print one line, exit 0 on success and 1 on failure")
    # For scripts/bench_startup.py: print when the window is up, then quit.
    parser.add_argument("--startup-probe", action="store_true", help=argparse.SUPPRESS)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.self_test:
        from digitpad.gui.self_test import run_self_test

        return run_self_test()

    from PySide6.QtCore import QSettings, QTimer
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication, QMessageBox

    from digitpad.checkpoint import CheckpointError
    from digitpad.gui.app_paths import AppPaths
    from digitpad.gui.main_window import MainWindow
    from digitpad.gui.settings import AppSettings

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setOrganizationName(ORGANISATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationVersion(__version__)
    icon = icon_path()
    if icon is not None:
        app.setWindowIcon(QIcon(str(icon)))
    settings = AppSettings(QSettings(ORGANISATION, APPLICATION))
    try:
        model, path, metadata, warning = choose_model(settings, args.checkpoint)
    except CheckpointError as error:
        QMessageBox.critical(None, "digitpad cannot start", str(error))
        print(f"digitpad: {error}", file=sys.stderr)
        return 1
    window = MainWindow(settings, AppPaths.for_user(), model, path, metadata)
    window.show()
    if args.startup_probe:
        import time

        def report_and_quit() -> None:
            print(f"window shown at {time.time():.6f}", flush=True)
            app.quit()

        QTimer.singleShot(0, report_and_quit)
    else:
        if warning:
            window.showError("Cannot open checkpoint", warning)
        if window.samplesProblem():
            window.showError("Cannot read your handwriting samples", window.samplesProblem())
    return app.exec()
