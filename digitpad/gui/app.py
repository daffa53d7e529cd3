"""Start-up of the desktop app (``digitpad`` / ``python -m digitpad``):
parse the command line, create the QApplication, check what was stored
last time — settings, the checkpoint used last, the handwriting samples —
and show the main window. Stored state can never stop the app: a value or
file that cannot be used is reset or set aside and reported once, in one
dialog, and the app starts with the bundled model; should building the
window from stored state fail for a reason nobody foresaw, the settings are
set aside and the window is built afresh. Heavy imports (plotting, the
MNIST downloader) stay off this path.
"""

from __future__ import annotations

import argparse
import sys
import traceback
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
    """``(model, path, metadata, problem)``: the model to start with.

    ``explicit`` is a checkpoint named on the command line; otherwise the one
    used last is reopened. One that cannot be used is explained in
    ``problem`` (None if all went well) and the bundled model is used; a
    stored one is also forgotten, so it is reported only once.
    """
    from digitpad.model.checkpoint import CheckpointError, bundled_checkpoint_path, load_checkpoint

    problem = None
    candidate = explicit or settings.last_checkpoint() or None
    if candidate:
        try:
            model, metadata = load_checkpoint(candidate)
            return model, Path(candidate), metadata, None
        except CheckpointError as error:
            if explicit:
                problem = f"{error}\n\nUsing the bundled model instead."
            else:
                settings.forget_last_checkpoint()
                settings.remove_recent_checkpoint(candidate)
                problem = (f"{error}\n\nThe model used last time cannot be opened, so the bundled "
                           "model is used instead. The file itself was not changed.")
    path = bundled_checkpoint_path()
    model, metadata = load_checkpoint(path)
    return model, path, metadata, problem


def _settings_problems(settings) -> list[str]:
    """Reset stored settings that cannot be used; the report for the user (empty if none)."""
    from PySide6.QtCore import QSettings

    problems = []
    if settings.qsettings.status() == QSettings.Status.FormatError:
        problems.append(f"{settings.qsettings.fileName()}: the settings file is not in a format "
                        "digitpad can read; the values it could not read were reset.")
    reset = settings.repair()
    if reset:
        problems.append("These settings could not be used and were reset to their defaults:\n"
                        + "\n".join(f"  {item}" for item in reset))
    return problems


def _build_window(settings, paths, explicit: str | None):
    """The main window from stored state, and what had to be set aside for it."""
    from digitpad.gui.window.main_window import MainWindow
    from digitpad.session import Session

    problems = _settings_problems(settings)
    model, path, metadata, problem = choose_model(settings, explicit)
    if problem:
        problems.append(problem)
    session = Session.start(model, path, metadata, paths.data_dir, settings.personalise())
    if session.samples_problem:
        problems.append(session.samples_problem)
    return MainWindow(settings, paths, session), problems


def _build_window_afresh(settings, paths, error: BaseException):
    """After an unforeseen failure: settings set aside, bundled model, same samples."""
    from digitpad.model.checkpoint import bundled_checkpoint_path, load_checkpoint
    from digitpad.gui.window.main_window import MainWindow
    from digitpad.session import Session
    from digitpad.storage.backup import set_aside

    traceback.print_exception(error, file=sys.stderr)
    settings.sync()
    kept = ""
    settings_file = Path(settings.qsettings.fileName())
    if settings_file.is_file():
        try:
            kept = f" (kept as {set_aside(settings_file)})"
        except OSError:
            pass
    settings.qsettings.clear()
    path = bundled_checkpoint_path()
    model, metadata = load_checkpoint(path)
    session = Session.start(model, path, metadata, paths.data_dir)
    problems = [f"digitpad could not start with what it saved last time ({type(error).__name__}: "
                f"{error}). Its settings were reset{kept} and the bundled model is in use."]
    if session.samples_problem:
        problems.append(session.samples_problem)
    return MainWindow(settings, paths, session), problems


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
    from PySide6.QtWidgets import QApplication

    from digitpad.model.checkpoint import CheckpointError
    from digitpad.gui.app_paths import AppPaths
    from digitpad.gui.common.messages import critical
    from digitpad.gui.settings import AppSettings

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setOrganizationName(ORGANISATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationVersion(__version__)
    icon = icon_path()
    if icon is not None:
        app.setWindowIcon(QIcon(str(icon)))
    settings = AppSettings(QSettings(ORGANISATION, APPLICATION))
    paths = AppPaths.for_user()
    try:
        try:
            window, problems = _build_window(settings, paths, args.checkpoint)
        except CheckpointError:
            raise
        except Exception as error:           # stored state nobody foresaw: start afresh
            window, problems = _build_window_afresh(settings, paths, error)
    except CheckpointError as error:         # the bundled model itself: a broken installation
        critical(None, "digitpad cannot start", str(error))
        print(f"digitpad: {error}", file=sys.stderr)
        return 1
    window.show()
    if args.startup_probe:
        import time

        def report_and_quit() -> None:
            for problem in problems:
                print(f"startup problem: {problem}", flush=True)
            print(f"window shown at {time.time():.6f}", flush=True)
            app.quit()

        QTimer.singleShot(0, report_and_quit)
    elif problems:
        QTimer.singleShot(0, lambda: window.showError("Some of what digitpad saved was set aside",
                                                      "\n\n".join(problems)))
    return app.exec()
