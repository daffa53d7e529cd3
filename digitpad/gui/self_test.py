"""``digitpad --self-test``: proves an installation works end to end. It
loads the bundled model, opens the real main window offscreen (with
throw-away settings, so the user's are untouched), writes every digit on the
canvas with synthetic mouse events, reads a digit from a PNG file (which
exercises Pillow and the photo pipeline), checks that each is recognised,
labels a drawing and checks it is read as labelled at once (instant
personalisation, in its background thread), lays out a few points by t-SNE (so a bundle missing a piece of
scikit-learn fails here, not in a learner's point map), prints one line
and returns 0 — or 1 with the reason.
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


def _paint_paper_digit(path: Path, digit: int) -> None:
    """Save a PNG of ``digit`` in dark ink on light paper, drawn with Qt."""
    from PySide6.QtCore import QPointF, Qt
    from PySide6.QtGui import QColor, QImage, QPainter, QPen

    from digitpad.data.ink.digit_templates import template_paths

    image = QImage(300, 360, QImage.Format.Format_RGB32)
    image.fill(QColor(232, 230, 222))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QPen(QColor(30, 30, 40), 16, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap,
                        Qt.PenJoinStyle.RoundJoin))
    for points in template_paths(digit):
        placed = [QPointF(60 + x * 240, 40 + y * 280) for x, y in points]
        painter.drawPolyline(placed)
    painter.end()
    image.save(str(path))


def _open_image(window, path: Path) -> bool:
    """Open ``path`` as the user does (it is read in the background) and wait
    for the outcome: True once its ink is on the canvas."""
    from PySide6.QtCore import QEventLoop, QTimer

    outcome = []
    loop = QEventLoop()
    timeout = QTimer()
    timeout.setSingleShot(True)
    timeout.timeout.connect(loop.quit)

    def opened(success: bool) -> None:
        outcome.append(success)
        loop.quit()

    window.imageOpened.connect(opened)
    window.openImage(str(path))
    timeout.start(30_000)
    loop.exec()
    window.imageOpened.disconnect(opened)
    return outcome == [True]


def _label_and_reread(app, window) -> str | None:
    """Label a drawing of a 1 as a 7: the memory learns it in the background
    and the same drawing is then read as 7. None, or what went wrong."""
    from digitpad.gui.common.synthetic_input import write_digit

    window.canvas.clear()
    write_digit(window.canvas, 1)
    app.processEvents()
    window.labelDrawing(7)
    write_digit(window.canvas, 1)
    session = window.session()
    deadline = time.perf_counter() + 20
    while time.perf_counter() < deadline and (session.personal is None or len(session.personal) != 1):
        app.processEvents()
        time.sleep(0.005)
    window.liveRecognition.recogniseNow()
    recognition = window.recognition()
    if recognition is None or recognition.digit != 7:
        return "a drawing labelled 7 was not learnt at once"
    return None


def _tiny_tsne() -> str | None:
    """A t-SNE of 60 points in two clear groups, as the point map makes it
    (scikit-learn, imported now); None when it works, else what went wrong."""
    import numpy as np

    from digitpad.inside.point_map import fit_tsne, tsne_available

    if not tsne_available():
        return "scikit-learn, which t-SNE needs, is missing"
    rng = np.random.default_rng(0)
    groups = np.repeat([0, 1], 30)
    data = rng.normal(size=(60, 20)) + groups[:, None] * 8.0
    positions = fit_tsne(data, seed=0, iterations=250, threads=1)
    if positions.shape != (60, 2) or not np.isfinite(positions).all():
        return f"t-SNE gave {positions.shape} points"
    centres = np.array([positions[groups == group].mean(axis=0) for group in (0, 1)])
    spread = max(float(positions[groups == group].std(axis=0).max()) for group in (0, 1))
    if np.linalg.norm(centres[0] - centres[1]) < 2 * spread:
        return "t-SNE did not keep two clear groups apart"
    return None


def run_self_test() -> int:
    started = time.perf_counter()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    try:
        from PySide6.QtCore import QSettings, qInstallMessageHandler
        from PySide6.QtWidgets import QApplication

        from digitpad.model.checkpoint import bundled_checkpoint_path, load_checkpoint
        from digitpad.gui.app_paths import AppPaths
        from digitpad.gui.window.main_window import MainWindow
        from digitpad.gui.window.model_status import model_summary
        from digitpad.gui.settings import AppSettings
        from digitpad.gui.common.synthetic_input import write_digit
        from digitpad.session import Session

        qInstallMessageHandler(_quiet_offscreen_notes)
        app = QApplication.instance() or QApplication(["digitpad"])
        path = bundled_checkpoint_path()
        model, metadata = load_checkpoint(path)
        with tempfile.TemporaryDirectory(prefix="digitpad-self-test-") as scratch:
            settings = AppSettings(QSettings(str(Path(scratch) / "settings.ini"), QSettings.Format.IniFormat))
            paths = AppPaths(Path(scratch) / "data", Path(scratch) / "cache")
            window = MainWindow(settings, paths, Session.start(model, path, metadata, paths.data_dir))
            window.resize(900, 600)
            window.show()
            app.processEvents()
            wrong = []
            # Report problems in the one line instead of a dialog nobody can close.
            window.showError = lambda title, message: wrong.append(f"{title}: {message}")
            for digit in range(10):
                window.canvas.clear()
                write_digit(window.canvas, digit)
                app.processEvents()
                recognition = window.recognition()
                if recognition is None or recognition.digit != digit:
                    wrong.append(f"{digit} read as {recognition.digit if recognition else 'nothing'}")
            problem = _label_and_reread(app, window)
            if problem is not None:
                wrong.append(problem)
            picture = Path(scratch) / "three.png"
            _paint_paper_digit(picture, 3)
            if not _open_image(window, picture) or window.recognition() is None \
                    or window.recognition().digit != 3:
                wrong.append("the 3 in a PNG file was not read")
            window.close()
        problem = _tiny_tsne()
        if problem is not None:
            wrong.append(problem)
    except Exception as error:  # the self-test reports every failure as one line
        print(f"digitpad self-test FAILED: {type(error).__name__}: {error}")
        return 1
    seconds = time.perf_counter() - started
    if wrong:
        print(f"digitpad self-test FAILED: {', '.join(wrong)} (model {path})")
        return 1
    print(f"digitpad self-test passed: {path.name} ({model_summary(metadata)}) recognised all 10 "
          f"digits written on the canvas and a digit in a PNG file, learnt a labelled drawing at once, and "
          f"made a t-SNE map, {seconds:.1f} s")
    return 0
