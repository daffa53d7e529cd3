"""The main window with the bundled model: digits written on the real canvas
with mouse events are recognised, live while drawing; undo and clear; opening
checkpoints and image files, good and bad; evaluation on MNIST in the
background; settings that persist."""

import numpy as np
import pytest
from PIL import Image, ImageDraw
from PySide6.QtWidgets import QProgressBar, QTableWidget

from digitpad.gui.common.synthetic_input import draw_polyline, write_digit
from digitpad.gui.window.main_window import MainWindow
from digitpad.model.checkpoint import save_checkpoint
from digitpad.nn import MLP


@pytest.mark.parametrize("digit", range(10))
def test_a_digit_written_with_the_mouse_is_recognised(window, digit):
    write_digit(window.canvas, digit)
    probabilities = window.resultPanel.probabilityBars.probabilities()
    assert probabilities is not None
    assert int(probabilities.argmax()) == digit
    assert probabilities[digit] > 0.6
    assert window.recognition().digit == digit
    assert window.resultPanel.inputPreview.image().shape == (28, 28)
    assert str(digit) in window.resultPanel.resultLabel.text()


def test_prediction_updates_live_while_the_pen_is_still_down(window, qtbot):
    canvas = window.canvas
    height = canvas.height() * 0.6
    x = canvas.width() / 2
    points = [(x, canvas.height() * 0.2 + height * t) for t in np.linspace(0, 1, 30)]
    draw_polyline(canvas, points, release=False)
    assert canvas.isDrawing()
    qtbot.waitUntil(lambda: window.resultPanel.probabilityBars.probabilities() is not None, timeout=2000)
    assert int(window.resultPanel.probabilityBars.probabilities().argmax()) == 1
    draw_polyline(canvas, [points[-1], points[-1]])


def test_empty_canvas_and_a_speck_give_no_prediction(window):
    assert window.resultPanel.probabilityBars.probabilities() is None
    assert window.resultPanel.inputPreview.image() is None
    draw_polyline(window.canvas, [(300, 300), (300.5, 300)])
    assert window.resultPanel.probabilityBars.probabilities() is None
    assert "Draw a digit" in window.resultPanel.resultLabel.text()


def test_undo_and_clear_update_the_prediction(window):
    write_digit(window.canvas, 4)
    assert window.recognition().digit == 4
    with_both_strokes = window.resultPanel.probabilityBars.probabilities()
    window.mainActions.undo.trigger()
    assert len(window.canvas.strokes()) == 1
    assert not np.array_equal(window.resultPanel.probabilityBars.probabilities(), with_both_strokes)
    window.mainActions.clear.trigger()
    assert window.canvas.isEmpty()
    assert window.resultPanel.probabilityBars.probabilities() is None
    assert window.resultPanel.inputPreview.image() is None


def test_a_valid_checkpoint_replaces_the_model(window, tmp_path, settings):
    other = MLP(784, (16,), 10, rng=np.random.default_rng(0))
    path = save_checkpoint(other, tmp_path / "other.npz", {"metrics": {"test_accuracy": 0.5}})
    write_digit(window.canvas, 4)
    assert window.openCheckpoint(str(path))
    assert window.model() is not None and window.model().hidden_sizes == (16,)
    assert window.modelPath() == path
    assert "other.npz" in window.modelStatus.text()
    assert settings.recent_checkpoints()[0] == str(path)
    assert settings.last_checkpoint() == str(path)
    assert window.recentMenu.actions()[0].text() == "other.npz"
    assert len(window.canvas.strokes()) == 2  # the drawing survives the switch


def test_an_invalid_checkpoint_shows_an_error_and_changes_nothing(window, tmp_path, warnings):
    broken = tmp_path / "broken.npz"
    broken.write_bytes(b"PK\x03\x04 this is not really a zip archive")
    write_digit(window.canvas, 3)
    model_before, path_before = window.model(), window.modelPath()
    strokes_before = window.canvas.strokes()
    assert not window.openCheckpoint(str(broken))
    assert len(warnings) == 1
    title, text = warnings[0]
    assert str(broken) in text and "unchanged" in text
    assert window.model() is model_before and window.modelPath() == path_before
    assert len(window.canvas.strokes()) == len(strokes_before)
    assert window.recognition().digit == 3


def write_digit_photo(path, digit_strokes_xy, size=(360, 420)):
    """Dark ink on light paper, like a scan."""
    picture = Image.new("L", size, 235)
    pen = ImageDraw.Draw(picture)
    for line in digit_strokes_xy:
        pen.line([tuple(point) for point in line], fill=30, width=18, joint="curve")
    picture.save(path)


def digit_photo(tmp_path, digit, name=None):
    from digitpad.data.ink.digit_templates import template_paths

    path = tmp_path / (name or f"{digit}.png")
    write_digit_photo(path, [stroke * 300 + (60, 60) for stroke in template_paths(digit)])
    return path


def open_image(window, qtbot, path):
    """Open ``path`` as the user does and wait for the background job: True if its ink is on the canvas."""
    with qtbot.waitSignal(window.imageOpened, timeout=20000) as opened:
        window.openImage(str(path))
    return opened.args[0]


def test_opening_an_image_reads_it_in_the_background(window, qtbot, tmp_path):
    path = digit_photo(tmp_path, 2, "two.png")
    with qtbot.waitSignal(window.imageOpened, timeout=20000) as opened:
        window.openImage(str(path))
        # The call returns at once; the user sees that the picture is being read.
        assert window.imageOpener.isReading()
        assert window.canvas.isEmpty() and window.recognition() is None
        busy = window.findChild(QProgressBar, "imageBusy")
        assert busy.isVisible() and busy.maximum() == 0
        assert window.statusBar().currentMessage() == "Reading two.png…"
    assert opened.args == [True]
    assert window.recognition().digit == 2
    qtbot.waitUntil(lambda: not window.imageOpener.isReading())
    assert not busy.isVisible() and window.statusBar().currentMessage() == "Read two.png"


def test_a_picture_dropped_on_the_canvas_is_read(window, qtbot, tmp_path):
    with qtbot.waitSignal(window.imageOpened, timeout=20000) as opened:
        window.canvas.fileDropped.emit(str(digit_photo(tmp_path, 7)))
    assert opened.args == [True] and window.recognition().digit == 7


def test_opening_pictures_while_one_is_read_keeps_only_the_newest(window, qtbot, tmp_path, monkeypatch):
    import digitpad.gui.controllers.image_opening as image_opening

    started = []

    class CountedWorker(image_opening.ImageWorker):
        def __init__(self, path):
            super().__init__(path)
            started.append(path)

    monkeypatch.setattr(image_opening, "ImageWorker", CountedWorker)
    outcomes = []
    window.imageOpened.connect(outcomes.append)
    paths = [str(digit_photo(tmp_path, digit)) for digit in (2, 4, 7)]
    for path in paths:
        window.openImage(path)
    qtbot.waitUntil(lambda: not window.imageOpener.isReading(), timeout=20000)
    # One job at a time: the one running is dropped, the one in between never starts.
    assert started == [paths[0], paths[2]]
    assert outcomes == [True] and window.recognition().digit == 7


def test_an_unreadable_image_shows_an_error_and_keeps_the_drawing(window, qtbot, tmp_path, monkeypatch):
    errors = []
    monkeypatch.setattr(window, "showError", lambda title, message: errors.append((title, message)))
    write_digit(window.canvas, 5)
    strokes = len(window.canvas.strokes())
    truncated = tmp_path / "photo.jpg"
    truncated.write_bytes(b"\xff\xd8\xff\xe0 truncated jpeg")
    folder = tmp_path / "album.png"
    folder.mkdir()
    postscript = tmp_path / "digit.png"
    postscript.write_bytes(b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\nshowpage\n")
    blank = tmp_path / "blank.png"
    Image.new("L", (100, 100), 240).save(blank)
    cases = [(truncated, "damaged or truncated"), (folder, "folder"), (postscript, "not an image file"),
             (blank, "no digit")]
    for bad, problem in cases:
        assert not open_image(window, qtbot, bad)
        title, message = errors[-1]
        assert title == "Cannot read image" and str(bad) in message and problem in message
        assert "Your drawing is unchanged" in message
        assert window.recognition().digit == 5 and len(window.canvas.strokes()) == strokes
    assert len(errors) == len(cases)


def test_closing_the_window_while_a_picture_is_read(window, qtbot, tmp_path):
    outcomes = []
    window.imageOpened.connect(outcomes.append)
    window.openImage(str(digit_photo(tmp_path, 3)))
    window.close()
    # The job was waited for; what it read is dropped, not put on a closed window.
    qtbot.waitUntil(lambda: not window.imageOpener.isReading())
    assert outcomes == [] and window.canvas.isEmpty()


def test_pen_width_is_saved_and_restored(window, settings, paths, session, qtbot):
    window.drawingPanel.penSlider.setValue(30)
    assert window.canvas.penWidth() == 30
    assert settings.pen_width() == 30
    again = MainWindow(settings, paths, session)
    qtbot.addWidget(again)
    assert again.canvas.penWidth() == 30


def test_evaluation_runs_in_the_background_and_reports_accuracy(window, settings, mnist_dir, qtbot):
    settings.set_mnist_dir(str(mnist_dir))
    evaluation = window.testSetEvaluation
    results, also_waiting = [], []
    evaluation.withTestPredictions(results.append)
    assert evaluation.isRunning()                     # the work is on another thread
    evaluation.withTestPredictions(also_waiting.append)    # asked again meanwhile: answered too
    qtbot.waitUntil(lambda: bool(results) and bool(also_waiting), timeout=30000)
    predictions = results[0]
    assert also_waiting == [predictions]
    assert predictions.accuracy >= 0.99
    assert predictions.confusion_matrix().sum() == 10000
    qtbot.waitUntil(lambda: not evaluation.isRunning(), timeout=5000)
    assert window.session().test_predictions is predictions
    cached = []
    evaluation.withTestPredictions(cached.append)
    assert cached[0] is predictions


def test_model_info_and_shortcuts_dialogs(window, qtbot):
    from digitpad.gui.evaluation.model_info_dialog import model_info_html
    from digitpad.gui.window.shortcuts_dialog import ShortcutsDialog

    session = window.session()
    text = model_info_html(session.model, session.model_path, session.metadata)
    assert "MNIST test accuracy" in text and "784-" in text and "Parameters" in text
    dialog = ShortcutsDialog(window.actions(), window)
    qtbot.addWidget(dialog)
    table = dialog.findChild(QTableWidget, "shortcutsTable")
    keys = [table.item(row, 1).text() for row in range(table.rowCount())]
    assert "Ctrl+Z" in keys and "Ctrl+R" in keys


def test_save_checkpoint_as_writes_a_loadable_copy(window, tmp_path, monkeypatch, warnings, settings):
    from PySide6.QtWidgets import QFileDialog

    from digitpad.model.checkpoint import load_checkpoint

    target = tmp_path / "copy"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args, **kwargs: (str(target), ""))
    window.checkpointFiles.saveAs()
    saved = tmp_path / "copy.npz"
    model, metadata = load_checkpoint(saved)
    assert model.architecture() == window.model().architecture()
    assert metadata["metrics"]["test_accuracy"] == window.session().metadata["metrics"]["test_accuracy"]
    assert settings.recent_checkpoints()[0] == str(saved)
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("x")
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda *args, **kwargs: (str(blocked / "model.npz"), ""))
    window.checkpointFiles.saveAs()
    assert warnings and str(blocked / "model.npz") in warnings[-1][1]


def test_a_recent_checkpoint_that_disappeared_is_dropped_from_the_menu(window, tmp_path, settings, warnings):
    gone = tmp_path / "gone.npz"
    settings.add_recent_checkpoint(str(gone))
    window.recentMenu.rebuild()
    window.recentMenu.actions()[0].trigger()
    assert warnings and "no such file" in warnings[0][1]
    assert str(gone) not in settings.recent_checkpoints()
    assert all(action.text() != "gone.npz" for action in window.recentMenu.actions())


def phone_photo_of_number(path, text, seed=0):
    """Grey paper, uneven light, noise, dust and a number in dark ink."""
    from digitpad.data.ink.digit_templates import number_strokes

    rng = np.random.default_rng(seed)
    height, width = 480, 900
    rows, columns = np.indices((height, width))
    paper = 0.55 + 0.3 * columns / width + 0.1 * np.sin(rows / 90.0)
    picture = Image.fromarray((np.clip(paper, 0, 1) * 255).astype(np.uint8))
    pen = ImageDraw.Draw(picture)
    for stroke in number_strokes(text, 90, 110, 260, 14, gap=0.35):
        pen.line([tuple(point) for point in stroke.points[:, :2]], fill=35, width=14, joint="curve")
    for _ in range(6):
        x, y = rng.integers(20, width - 20), rng.integers(20, height - 20)
        pen.ellipse((x, y, x + 4, y + 3), fill=70)
    grey = np.clip(np.asarray(picture, np.float32) / 255 + rng.normal(0, 0.04, (height, width)), 0, 1)
    Image.fromarray((grey * 255).astype(np.uint8)).convert("RGB").save(path, quality=85)


@pytest.mark.parametrize("text", ["305", "1984", "72"])
def test_a_photo_of_a_number_on_paper_is_read(window, qtbot, tmp_path, text):
    window.resize(1300, 640)
    path = tmp_path / f"{text}.jpg"
    phone_photo_of_number(path, text, seed=int(text))
    assert open_image(window, qtbot, path)
    assert window.numberRecognition().text == text
