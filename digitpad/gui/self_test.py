"""``digitpad --self-test``: proves an installation works end to end. It
loads the bundled model, opens the real main window offscreen (with
throw-away settings, so the user's are untouched), writes every digit on the
canvas with synthetic mouse events, checks that each is recognised, prints
one line and returns 0 — or 1 with the reason.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path


def _quiet_offscreen_notes(mode, context, message: str) -> None:
    """Pass Qt's messages on, except the offscreen platform's note that it
    cannot resize windows to their size hints, which is expected here."""
    if "propagateSizeHints" not in message:
        print(message, file=sys.stderr)


def run_self_test() -> int:
    started = time.perf_counter()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    try:
        from PySide6.QtCore import QSettings, qInstallMessageHandler
        from PySide6.QtWidgets import QApplication

        from digitpad.checkpoint import bundled_checkpoint_path, load_checkpoint
        from digitpad.gui.app_paths import AppPaths
        from digitpad.gui.main_window import MainWindow, model_summary
        from digitpad.gui.settings import AppSettings
        from digitpad.gui.synthetic_input import write_digit

        qInstallMessageHandler(_quiet_offscreen_notes)
        app = QApplication.instance() or QApplication(["digitpad"])
        path = bundled_checkpoint_path()
        model, metadata = load_checkpoint(path)
        with tempfile.TemporaryDirectory(prefix="digitpad-self-test-") as scratch:
            settings = AppSettings(QSettings(str(Path(scratch) / "settings.ini"), QSettings.Format.IniFormat))
            window = MainWindow(settings, AppPaths(Path(scratch) / "data", Path(scratch) / "cache"),
                                model, path, metadata)
            window.resize(900, 600)
            window.show()
            app.processEvents()
            wrong = []
            for digit in range(10):
                window.canvas.clear()
                write_digit(window.canvas, digit)
                app.processEvents()
                recognition = window.recognition()
                if recognition is None or recognition.digit != digit:
                    wrong.append(f"{digit} read as {recognition.digit if recognition else 'nothing'}")
            window.close()
    except Exception as error:  # the self-test reports every failure as one line
        print(f"digitpad self-test FAILED: {type(error).__name__}: {error}")
        return 1
    seconds = time.perf_counter() - started
    if wrong:
        print(f"digitpad self-test FAILED: {', '.join(wrong)} (model {path})")
        return 1
    print(f"digitpad self-test passed: {path.name} ({model_summary(metadata)}) recognised all 10 "
          f"digits written on the canvas, {seconds:.1f} s")
    return 0
