"""The main window: the drawing canvas on the left; on the right the
recognised digit, the 28x28 image the network sees and its ten probability
bars, updated live while the user draws. Menus open images and checkpoints,
retrain the network, evaluate it on MNIST and browse its mistakes. The
window owns the model in use; every failure is reported in a dialog that
names the file and the problem, and leaves the model and the drawing as
they were.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import QRectF, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (QDialog, QFileDialog, QFrame, QHBoxLayout, QLabel, QMainWindow, QMenu,
                               QMessageBox, QProgressBar, QProgressDialog, QPushButton, QSizePolicy,
                               QSlider, QVBoxLayout, QWidget)

from digitpad.model.checkpoint import CheckpointError, load_checkpoint, save_checkpoint
from digitpad.data.mnist.locate import locate_mnist
from digitpad.data.handwriting.samples import SampleFileError
from digitpad.data.handwriting.store import PersonalSamples
from digitpad.nn import MLP
from digitpad.model.recognition import NumberRecognition, Recognition, read_canvas
from digitpad.gui.app_paths import AppPaths
from digitpad.gui.background import start_worker
from digitpad.gui.canvas import DrawingCanvas
from digitpad.gui.evaluation_worker import EvaluationWorker
from digitpad.gui.image_worker import ImageWorker
from digitpad.gui.input_preview import InputPreview
from digitpad.gui.messages import plain_label, plain_tooltip, warn
from digitpad.gui.probability_bars import ProbabilityBars
from digitpad.gui.save_path import ask_save_path
from digitpad.gui.settings import PEN_WIDTH_RANGE, AppSettings

# While the pen moves, predict at most this often (ms): live, yet never
# competing with the pen for the event loop.
LIVE_PREDICTION_INTERVAL_MS = 40
IMAGE_FILTER = "Images (*.png *.jpg *.jpeg *.bmp *.gif *.tif *.tiff *.webp);;All files (*)"
CHECKPOINT_FILTER = "digitpad checkpoints (*.npz);;All files (*)"


def model_summary(metadata: dict) -> str:
    """'784-1024-1024-10 ReLU, 99.31% on MNIST test' from checkpoint metadata."""
    architecture = metadata.get("architecture", {})
    sizes = [architecture.get("input_size", "?"), *architecture.get("hidden_sizes", []),
             architecture.get("num_classes", "?")]
    text = "-".join(str(size) for size in sizes) + f" {architecture.get('activation', '?')}"
    accuracy = metadata.get("metrics", {}).get("test_accuracy")
    if isinstance(accuracy, (int, float)):
        text += f", {accuracy * 100:.2f}% on MNIST test"
    return text


class MainWindow(QMainWindow):
    modelChanged = Signal()
    # Emitted once a picture asked for with openImage has been dealt with:
    # True when its ink is on the canvas, False when an error was shown.
    imageOpened = Signal(bool)
    recognised = Signal(object)     # NumberRecognition or None

    def __init__(self, settings: AppSettings, paths: AppPaths, model: MLP, model_path: Path,
                 metadata: dict, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.setWindowTitle("digitpad")
        self._settings = settings
        self._paths = paths
        self._model = model
        self._model_path = Path(model_path)
        self._metadata = metadata
        self._recognition: Recognition | None = None
        self._number: NumberRecognition | None = None
        self._test_predictions = None
        self._evaluation_thread = None
        self._evaluation_worker = None
        self._retrain_dialog = None
        self._misclassified_dialog = None
        self._samples_dialog = None
        self._adapt_dialog = None
        # The job reading a picture (one at a time), the picture asked for while
        # it runs, and the status bar's busy indicator, made when first needed.
        self._image_thread = None
        self._image_worker: ImageWorker | None = None
        self._next_image: str | None = None
        self._image_busy: QProgressBar | None = None
        self._samples = PersonalSamples(paths.data_dir / "samples.journal",
                                        legacy_path=paths.data_dir / "samples.npz")
        self._samples_problem = self._samples.load()

        self._live_timer = QTimer(self)
        self._live_timer.setSingleShot(True)
        self._live_timer.setInterval(LIVE_PREDICTION_INTERVAL_MS)
        self._live_timer.timeout.connect(self.recogniseNow)

        self._build_central()
        self._build_actions()
        self._build_menus()
        self._model_label = plain_label()
        self._model_label.setObjectName("modelStatus")
        self.statusBar().addPermanentWidget(self._model_label)
        self._show_model_status()
        self.resize(980, 640)
        geometry = settings.window_geometry()
        if geometry is not None:
            self.restoreGeometry(geometry)
        self.canvas.setFocus()

    # -- layout ------------------------------------------------------------
    def _build_central(self) -> None:
        self.canvas = DrawingCanvas(pen_width=self._settings.pen_width())
        self.canvas.drawingChanged.connect(self._drawing_changed)
        self.canvas.strokeFinished.connect(self.recogniseNow)
        self.canvas.fileDropped.connect(self.openImage)

        self._pen_slider = QSlider(Qt.Orientation.Horizontal)
        self._pen_slider.setObjectName("penWidth")
        self._pen_slider.setRange(*PEN_WIDTH_RANGE)
        self._pen_slider.setValue(round(self.canvas.penWidth()))
        self._pen_slider.setFixedWidth(160)
        self._pen_slider.setToolTip("Pen width ([ and ] change it)")
        self._pen_value = QLabel()
        self._pen_value.setMinimumWidth(44)
        self._pen_slider.valueChanged.connect(self._pen_width_changed)
        self._pen_width_changed(self._pen_slider.value())
        self._undo_button = QPushButton("Undo")
        self._undo_button.setToolTip("Undo the last stroke (Ctrl+Z)")
        self._undo_button.clicked.connect(self.canvas.undo)
        self._undo_button.setEnabled(False)
        self.canvas.undoAvailable.connect(self._undo_button.setEnabled)
        clear_button = QPushButton("Clear")
        clear_button.setObjectName("clearButton")
        clear_button.setToolTip("Clear the canvas (Esc or Delete)")
        clear_button.clicked.connect(self.canvas.clear)

        tools = QHBoxLayout()
        tools.addWidget(QLabel("Pen"))
        tools.addWidget(self._pen_slider)
        tools.addWidget(self._pen_value)
        tools.addStretch(1)
        tools.addWidget(self._undo_button)
        tools.addWidget(clear_button)

        canvas_frame = QFrame()
        canvas_frame.setFrameShape(QFrame.Shape.StyledPanel)
        frame_layout = QVBoxLayout(canvas_frame)
        frame_layout.setContentsMargins(1, 1, 1, 1)
        frame_layout.addWidget(self.canvas)
        left = QVBoxLayout()
        left.addWidget(canvas_frame, 1)
        left.addLayout(tools)

        self.resultLabel = QLabel()
        self.resultLabel.setObjectName("resultLabel")
        self.resultLabel.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.resultLabel.setMinimumHeight(86)
        self.resultLabel.setTextFormat(Qt.TextFormat.RichText)
        self.inputPreview = InputPreview()
        self.inputPreview.setFixedSize(168, 168)
        self.probabilityBars = ProbabilityBars()
        self.probabilityBars.digitClicked.connect(self.labelDrawing)

        preview_caption = QLabel("What the network sees")
        preview_caption.setObjectName("caption")
        bars_caption = QLabel("Probabilities")
        bars_caption.setObjectName("caption")
        right = QVBoxLayout()
        right.addWidget(self.resultLabel)
        right.addWidget(preview_caption)
        right.addWidget(self.inputPreview, 0, Qt.AlignmentFlag.AlignHCenter)
        right.addSpacing(8)
        right.addWidget(bars_caption)
        right.addWidget(self.probabilityBars, 1)
        side = QWidget()
        side.setLayout(right)
        side.setFixedWidth(280)
        side.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Expanding)

        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(10, 10, 10, 6)
        layout.setSpacing(12)
        layout.addLayout(left, 1)
        layout.addWidget(side)
        self.setCentralWidget(central)
        self.setStyleSheet("QLabel#caption { color: #5a6070; font-weight: 600; }")
        self._show_result(None)

    def _build_actions(self) -> None:
        def action(text: str, slot, shortcuts=(), tip: str = "") -> QAction:
            created = QAction(text, self)
            if shortcuts:
                created.setShortcuts([QKeySequence(item) for item in shortcuts])
            if tip:
                created.setStatusTip(tip)
                created.setToolTip(tip)
            created.triggered.connect(slot)
            self.addAction(created)
            return created

        self.openImageAction = action("Open &image…", self.chooseImage, ["Ctrl+O"],
                                      "Read a digit from a picture file")
        self.openCheckpointAction = action("&Open checkpoint…", self.chooseCheckpoint, ["Ctrl+Shift+O"],
                                           "Use a model saved as a digitpad checkpoint")
        self.saveCheckpointAction = action("&Save checkpoint as…", self.saveCheckpointAs,
                                           ["Ctrl+Shift+S"], "Save the model in use to a file")
        self.quitAction = action("&Quit", self.close, ["Ctrl+Q"])
        self.undoAction = action("&Undo stroke", self.canvas.undo, ["Ctrl+Z"])
        self.clearAction = action("&Clear", self.canvas.clear, ["Esc", "Delete"])
        self.thinnerAction = action("Thinner pen", lambda: self._pen_slider.setValue(
            self._pen_slider.value() - 2), ["["])
        self.thickerAction = action("Thicker pen", lambda: self._pen_slider.setValue(
            self._pen_slider.value() + 2), ["]"])
        self.retrainAction = action("&Retrain…", self.showRetrainDialog, ["Ctrl+R"],
                                    "Train a new network on MNIST in the background")
        self.evaluateAction = action("&Evaluate on MNIST test set", self.evaluateOnTestSet, ["Ctrl+E"],
                                     "Score the model on the 10,000 MNIST test digits")
        self.misclassifiedAction = action("&Misclassified examples…", self.showMisclassified,
                                          ["Ctrl+M"], "Browse the test digits the model gets wrong")
        self.modelInfoAction = action("Model &info…", self.showModelInfo, ["Ctrl+I"])
        self.robustnessAction = action("&Robustness report…", self.showRobustnessReport, [],
                                       "How the model copes with rotated, scaled, thick, noisy and pen-drawn digits")
        self.samplesAction = action("My &handwriting…", self.showPersonalSamples, ["Ctrl+H"],
                                    "The drawings you labelled")
        self.adaptAction = action("&Adapt to my handwriting…", self.showAdaptDialog, [],
                                  "Fine-tune the model on your labelled drawings")
        self.labelActions = [action(f"Label drawing as {digit}", lambda checked=False, chosen=digit:
                                    self.labelDrawing(chosen), [str(digit)],
                                    f"Save the drawing as a {digit} in My handwriting")
                             for digit in range(10)]
        self.shortcutsAction = action("&Keyboard shortcuts", self.showShortcuts, ["F1"])
        self.aboutAction = action("&About digitpad", self.showAbout)

    def _build_menus(self) -> None:
        menu_bar = self.menuBar()
        file_menu = menu_bar.addMenu("&File")
        file_menu.addAction(self.openImageAction)
        file_menu.addSeparator()
        file_menu.addAction(self.openCheckpointAction)
        file_menu.addAction(self.saveCheckpointAction)
        self.recentMenu = QMenu("Recent &checkpoints", self)
        file_menu.addMenu(self.recentMenu)
        self._rebuild_recent_menu()
        file_menu.addSeparator()
        file_menu.addAction(self.quitAction)
        edit_menu = menu_bar.addMenu("&Edit")
        for item in (self.undoAction, self.clearAction, None, self.thinnerAction, self.thickerAction):
            edit_menu.addSeparator() if item is None else edit_menu.addAction(item)
        label_menu = edit_menu.addMenu("&Label drawing as")
        for item in self.labelActions:
            label_menu.addAction(item)
        model_menu = menu_bar.addMenu("&Model")
        for item in (self.retrainAction, self.evaluateAction, self.misclassifiedAction,
                     self.robustnessAction, None, self.samplesAction, self.adaptAction, None,
                     self.modelInfoAction):
            model_menu.addSeparator() if item is None else model_menu.addAction(item)
        help_menu = menu_bar.addMenu("&Help")
        help_menu.addAction(self.shortcutsAction)
        help_menu.addAction(self.aboutAction)

    def _rebuild_recent_menu(self) -> None:
        self.recentMenu.clear()
        recent = self._settings.recent_checkpoints()
        for path in recent:
            # "&" in a menu text marks a shortcut letter; "&&" shows one.
            item = self.recentMenu.addAction(Path(path).name.replace("&", "&&"))
            item.setToolTip(plain_tooltip(path))
            item.setStatusTip(path)
            item.triggered.connect(lambda checked=False, chosen=path: self.openCheckpoint(chosen))
        self.recentMenu.setEnabled(bool(recent))

    # -- live recognition -------------------------------------------------------
    @Slot()
    def _drawing_changed(self) -> None:
        if not self.canvas.isDrawing():
            self.recogniseNow()
        elif not self._live_timer.isActive():
            self._live_timer.start()

    @Slot()
    def recogniseNow(self) -> None:
        """Recognise the canvas now and update the preview and the bars."""
        self._live_timer.stop()
        widths = [stroke.width for stroke in self.canvas.strokes()]
        self._show_result(read_canvas(self._model, self.canvas.inkView(), widths, self.canvas.deviceScale()))

    def _show_result(self, number: NumberRecognition | None) -> None:
        """Show what was read: nothing, one digit, or a number digit by digit.

        For a number the preview and the bars follow the digit being written
        (the one under the newest stroke), and the canvas outlines each digit.
        """
        self._number = number
        self._recognition = None if number is None else number.digits[self._focused_digit(number)]
        recognition = self._recognition
        if recognition is None:
            self.inputPreview.setImage(None)
            self.probabilityBars.setProbabilities(None)
            self.resultLabel.setText("<div style='font-size:15pt; color:#7a8090'>Draw a digit</div>")
        else:
            self.inputPreview.setImage(recognition.mnist_image)
            self.probabilityBars.setProbabilities(recognition.probabilities)
            confidence = recognition.confidence * 100
            if len(number) > 1:
                self.resultLabel.setText(self._number_html(number))
            elif recognition.unsure:
                self.resultLabel.setText(
                    f"<div style='font-size:30pt; font-weight:600; color:#d98a28'>"
                    f"{recognition.digit}?</div><div>Not sure — maybe {recognition.digit} "
                    f"or {recognition.runner_up()} ({confidence:.0f}%)</div>")
            else:
                self.resultLabel.setText(
                    f"<div style='font-size:30pt; font-weight:600'>{recognition.digit}</div>"
                    f"<div>{confidence:.1f}% sure</div>")
        self._show_digit_outlines(number)
        self.recognised.emit(number)

    @staticmethod
    def _number_html(number: NumberRecognition) -> str:
        cells = "".join(
            f"<td align='center' style='padding:0 5px'><span style='font-size:26pt; font-weight:600;"
            f"{' color:#d98a28' if digit.unsure else ''}'>{digit.digit}</span><br>"
            f"<span style='font-size:8pt; color:#5a6070'>{digit.confidence * 100:.0f}%</span></td>"
            for digit in number.digits)
        return f"<table align='center'><tr>{cells}</tr></table>"

    def _focused_digit(self, number: NumberRecognition | None) -> int:
        """Index of the digit under the newest stroke's last point (else the last digit)."""
        if number is None or len(number) == 1 or not self.canvas.strokes():
            return 0 if number is None or len(number) == 1 else len(number) - 1
        x, y = self.canvas.strokes()[-1].points[-1, :2] * self.canvas.deviceScale()
        for index, (top, bottom, left, right) in enumerate(number.boxes):
            if left <= x <= right:
                return index
        return len(number) - 1

    def _show_digit_outlines(self, number: NumberRecognition | None) -> None:
        if number is None or len(number) < 2:
            self.canvas.setHighlights([])
            return
        scale = self.canvas.deviceScale()
        margin = 6.0
        self.canvas.setHighlights([
            (QRectF(left / scale - margin, top / scale - margin, (right - left) / scale + 2 * margin,
                    (bottom - top) / scale + 2 * margin), f"{digit.digit}  {digit.confidence * 100:.0f}%")
            for digit, (top, bottom, left, right) in zip(number.digits, number.boxes)])

    def numberRecognition(self) -> NumberRecognition | None:
        """Everything read on the canvas, digit by digit."""
        return self._number

    def recognition(self) -> Recognition | None:
        """The digit shown in the bars (for a number, the one being written)."""
        return self._recognition

    @Slot(int)
    def _pen_width_changed(self, value: int) -> None:
        self.canvas.setPenWidth(value)
        self._pen_value.setText(f"{value} px")
        self._settings.set_pen_width(value)

    # -- model in use ------------------------------------------------------------
    def model(self) -> MLP:
        return self._model

    def modelPath(self) -> Path:
        return self._model_path

    def modelMetadata(self) -> dict:
        return self._metadata

    def setModel(self, model: MLP, path: Path, metadata: dict) -> None:
        self._model, self._model_path, self._metadata = model, Path(path), metadata
        self._test_predictions = None
        self._show_model_status()
        self.recogniseNow()
        # Remembered for the next start only once the model is shown and working.
        self._settings.set_last_checkpoint(str(path))
        self._settings.add_recent_checkpoint(str(path))
        self._rebuild_recent_menu()
        self.modelChanged.emit()

    def _show_model_status(self) -> None:
        self._model_label.setText(f"Model: {self._model_path.name} — {model_summary(self._metadata)}")
        self._model_label.setToolTip(plain_tooltip(self._model_path))

    def showError(self, title: str, message: str) -> None:
        warn(self, title, message)

    @Slot()
    def chooseCheckpoint(self) -> None:
        start = str(self._model_path.parent)
        path, _ = QFileDialog.getOpenFileName(self, "Open checkpoint", start, CHECKPOINT_FILTER)
        if path:
            self.openCheckpoint(path)

    def openCheckpoint(self, path: str | Path) -> bool:
        """Switch to the model in ``path``; on any problem explain it and keep the current one."""
        try:
            model, metadata = load_checkpoint(path)
        except CheckpointError as error:
            if not Path(path).exists():
                self._settings.remove_recent_checkpoint(str(path))
                self._rebuild_recent_menu()
            self.showError("Cannot open checkpoint",
                           f"{error}\n\nThe model in use ({self._model_path.name}) is unchanged.")
            return False
        self.setModel(model, Path(path), metadata)
        self.statusBar().showMessage(f"Now using {Path(path).name}", 5000)
        return True

    @Slot()
    def saveCheckpointAs(self) -> None:
        chosen = ask_save_path(self, "Save checkpoint as", Path.home() / self._model_path.name,
                               CHECKPOINT_FILTER, ".npz")
        if chosen is None:
            return
        path = str(chosen)
        keep = {key: value for key, value in self._metadata.items() if key not in ("optimizer", "trainer")}
        try:
            save_checkpoint(self._model, path, keep)
        except CheckpointError as error:
            self.showError("Cannot save checkpoint", str(error))
            return
        self._settings.add_recent_checkpoint(path)
        self._rebuild_recent_menu()
        self.statusBar().showMessage(f"Saved {path}", 5000)

    # -- image files -------------------------------------------------------------

    @Slot()
    def chooseImage(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open image", str(Path.home()), IMAGE_FILTER)
        if path:
            self.openImage(path)

    @Slot(str)
    def openImage(self, path: str) -> None:
        """Read a digit or a number from a picture in the background. The ink
        lands on the canvas when it is ready (on failure an error is shown and
        the drawing kept), then ``imageOpened`` is emitted.

        Decoding cannot be interrupted, so a picture asked for while another is
        read replaces it: the running job's result is dropped and the newest
        request starts when the job ends, never two at once.
        """
        path = str(path)
        self._show_image_busy(path)
        if self._image_worker is not None:
            self._image_worker.cancel()
            self._next_image = path
            return
        worker = ImageWorker(path)
        # Bound methods of this window, so the signals are delivered on the GUI thread.
        worker.succeeded.connect(self._image_read)
        worker.failed.connect(self._image_failed)
        worker.done.connect(self._image_done)
        self._image_worker = worker
        self._image_thread = start_worker(worker, self)

    def isReadingImage(self) -> bool:
        """True while a picture is being read in the background."""
        return self._image_worker is not None

    def _show_image_busy(self, path: str) -> None:
        if self._image_busy is None:
            self._image_busy = QProgressBar()
            self._image_busy.setObjectName("imageBusy")
            self._image_busy.setRange(0, 0)        # no known end: a busy animation
            self._image_busy.setTextVisible(False)
            self._image_busy.setMaximumWidth(120)
            self._image_busy.setToolTip("Reading the picture in the background; you can keep drawing")
            self._image_busy.setWhatsThis(
                "digitpad is reading the picture you opened: decoding it, finding the ink on the "
                "paper and cleaning it up. Big photos take a moment, so this happens in the "
                "background and the window stays usable. The ink appears on the canvas when done.")
            self.statusBar().insertPermanentWidget(0, self._image_busy)
        self._image_busy.show()
        self.statusBar().showMessage(f"Reading {Path(path).name}…")

    @Slot(str, object)
    def _image_read(self, path: str, ink: np.ndarray) -> None:
        if self._image_worker is None or self._image_worker.isCancelRequested():
            return      # replaced by a newer picture, or the window is closing
        self.canvas.setImage(ink)
        self.statusBar().showMessage(f"Read {Path(path).name}", 5000)
        self.imageOpened.emit(True)

    @Slot(str)
    def _image_failed(self, message: str) -> None:
        if self._image_worker is None or self._image_worker.isCancelRequested():
            return
        self.statusBar().clearMessage()
        self.showError("Cannot read image", f"{message}\n\nYour drawing is unchanged.")
        self.imageOpened.emit(False)

    @Slot()
    def _image_done(self) -> None:
        self._image_thread = self._image_worker = None
        next_image, self._next_image = self._next_image, None
        if next_image is not None:
            self.openImage(next_image)
        else:
            self._image_busy.hide()

    def _stop_image_job(self) -> None:
        """Wait for a picture being read (at most a second or two) and drop it."""
        if self._image_thread is not None:
            self._next_image = None
            self._image_worker.cancel()
            self._image_thread.quit()
            self._image_thread.wait()

    # -- MNIST test set -----------------------------------------------------------
    def _mnist_location(self, splits: tuple[str, ...] = ("test",)) -> tuple[Path | None, bool] | None:
        """Where to load MNIST from, asking to download it when it is missing.

        Returns ``(data_dir, download_allowed)``, or None if the user declined.
        """
        configured = self._settings.mnist_dir() or None
        data_dir = Path(configured) if configured else None
        if all(locate_mnist(split, data_dir, cache_dir=self._paths.mnist_cache_dir) is not None
               for split in splits):
            return data_dir, False
        what, size = ("test digits", "about 1.7 MB") if splits == ("test",) else ("digits", "about 11 MB")
        box = QMessageBox(QMessageBox.Icon.Question, "MNIST needed",
                          f"The MNIST {what} were not found on this computer.\n\n"
                          f"digitpad can download them ({size}) from the public mirrors, "
                          "or you can choose a folder that holds the MNIST files.", parent=self)
        download = box.addButton("Download", QMessageBox.ButtonRole.AcceptRole)
        choose = box.addButton("Choose folder…", QMessageBox.ButtonRole.ActionRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        if box.clickedButton() is download:
            # Into the per-user cache: a chosen folder is only ever read from.
            return None, True
        if box.clickedButton() is choose:
            folder = QFileDialog.getExistingDirectory(self, "Folder with the MNIST files")
            if folder:
                self._settings.set_mnist_dir(folder)
                return Path(folder), False
        return None

    def _with_test_predictions(self, then) -> None:
        """Call ``then(DigitPredictions)`` once the model's test-set predictions are ready."""
        if self._test_predictions is not None:
            then(self._test_predictions)
            return
        if self._evaluation_thread is not None:
            return
        location = self._mnist_location()
        if location is None:
            return
        data_dir, download = location
        worker = EvaluationWorker(self._model, data_dir, download, self._paths.mnist_cache_dir)
        progress = QProgressDialog("Scoring the model on the 10,000 MNIST test digits…", "Cancel",
                                   0, 0, self)
        progress.setWindowTitle("digitpad")
        progress.setMinimumDuration(300)
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.canceled.connect(worker.cancel)
        self._evaluation_progress = progress
        self._evaluation_then = (self._model, then)
        # Bound methods of this window, so the signals are delivered on the GUI thread.
        worker.downloadProgress.connect(self._evaluation_downloading)
        worker.succeeded.connect(self._evaluation_succeeded)
        worker.failed.connect(self._evaluation_failed)
        worker.done.connect(self._evaluation_done)
        self._evaluation_worker = worker
        self._evaluation_thread = start_worker(worker, self)

    @Slot(str, int, int)
    def _evaluation_downloading(self, name: str, done: int, total: int) -> None:
        self._evaluation_progress.setLabelText(f"Downloading {name}…")
        if total > 0:
            self._evaluation_progress.setMaximum(total)
            self._evaluation_progress.setValue(min(done, total))

    @Slot(object)
    def _evaluation_succeeded(self, predictions) -> None:
        model, then = self._evaluation_then
        if model is self._model:       # ignore a result for a model no longer in use
            self._test_predictions = predictions
            then(predictions)

    @Slot(str)
    def _evaluation_failed(self, message: str) -> None:
        self.showError("Cannot evaluate", message)

    @Slot()
    def _evaluation_done(self) -> None:
        self._evaluation_progress.reset()
        self._evaluation_progress.deleteLater()
        self._evaluation_progress = None
        self._evaluation_thread = self._evaluation_worker = None

    @Slot()
    def evaluateOnTestSet(self) -> None:
        self._with_test_predictions(self._show_evaluation)

    def _show_evaluation(self, predictions) -> None:
        wrong = int((predictions.predictions != predictions.labels).sum())
        box = QMessageBox(QMessageBox.Icon.Information, "Evaluation",
                          f"<b>{predictions.accuracy * 100:.2f}%</b> of the {len(predictions.labels):,} "
                          f"MNIST test digits recognised correctly ({wrong} mistakes).", parent=self)
        show = box.addButton("Show mistakes…", QMessageBox.ButtonRole.ActionRole)
        box.addButton(QMessageBox.StandardButton.Close)
        box.exec()
        if box.clickedButton() is show:
            self._open_misclassified(predictions)

    @Slot()
    def showMisclassified(self) -> None:
        self._with_test_predictions(self._open_misclassified)

    def _open_misclassified(self, predictions) -> None:
        from digitpad.gui.misclassified_dialog import MisclassifiedDialog

        if self._misclassified_dialog is not None:
            self._misclassified_dialog.close()
        dialog = MisclassifiedDialog(predictions, self._model_path.name, self)
        dialog.loadDigit.connect(self._load_mnist_digit)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.destroyed.connect(lambda: setattr(self, "_misclassified_dialog", None))
        self._misclassified_dialog = dialog
        dialog.show()

    @Slot(object)
    def _load_mnist_digit(self, image: np.ndarray) -> None:
        self.canvas.setImage(np.asarray(image, dtype=np.float32))
        self.raise_()
        self.activateWindow()

    # -- my handwriting -----------------------------------------------------------
    def personalSamples(self) -> PersonalSamples:
        return self._samples

    def samplesProblem(self) -> str | None:
        """Why the saved samples could not be read at start-up (None if they could)."""
        return self._samples_problem

    def _focused_strokes(self) -> list:
        """The strokes of the digit in the bars: all of them, or for a number its digit's."""
        strokes = self.canvas.strokes()
        number = self._number
        if number is None or len(number) < 2:
            return strokes
        top, bottom, left, right = number.boxes[self._focused_digit(number)]
        scale = self.canvas.deviceScale()
        return [stroke for stroke in strokes
                if left <= stroke.points[:, 0].mean() * scale <= right]

    @Slot(int)
    def labelDrawing(self, digit: int) -> bool:
        """Save what is drawn (for a number, the digit in the bars) as ``digit`` in My handwriting."""
        recognition = self._recognition
        if recognition is None:
            self.statusBar().showMessage("Draw a digit first, then press its key to label it.", 5000)
            return False
        try:
            self._samples.add(digit, recognition.mnist_image, self._focused_strokes())
        except SampleFileError as error:
            self.showError("Cannot save the sample", f"{error}\n\nYour drawing is unchanged.")
            return False
        count = int(self._samples.counts()[digit])
        message = (f"Saved as a {digit} in My handwriting ({count} × {digit}, {len(self._samples)} samples "
                   "in all).")
        if recognition.digit != digit:
            message += f" The network had read {recognition.digit}."
        self.statusBar().showMessage(message, 8000)
        if self._number is not None and len(self._number) == 1:
            self.canvas.clear()
        if self._samples_dialog is not None:
            self._samples_dialog.refresh()
        return True

    @Slot()
    def showPersonalSamples(self) -> None:
        from digitpad.gui.personal_samples_dialog import PersonalSamplesDialog

        if self._samples_dialog is None:
            self._samples_dialog = PersonalSamplesDialog(self._samples, self)
            self._samples_dialog.loadSample.connect(self._load_sample)
            self._samples_dialog.adaptRequested.connect(self.showAdaptDialog)
        self._samples_dialog.refresh()
        self._samples_dialog.show()
        self._samples_dialog.raise_()

    def samplesDialog(self):
        return self._samples_dialog

    @Slot(object)
    def _load_sample(self, sample) -> None:
        if sample.strokes:
            self.canvas.setStrokes(sample.strokes)
        else:
            self.canvas.setImage(sample.float_image())

    @Slot()
    def showAdaptDialog(self, mnist=None) -> None:
        from digitpad.gui.adapt_dialog import AdaptDialog

        images, labels = self._samples.arrays()
        location = (None, False) if mnist is not None else self._mnist_location(("train", "test"))
        if location is None:
            return
        data_dir, download = location
        dialog = AdaptDialog(self._model, self._model_path, self._metadata, images, labels,
                             self._paths.data_dir / "adapted", data_dir, download,
                             self._paths.mnist_cache_dir, self, mnist=mnist)
        dialog.useModel.connect(self.openCheckpoint)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._adapt_dialog = dialog
        dialog.show()

    @Slot()
    def showRobustnessReport(self) -> None:
        from digitpad.gui.robustness_dialog import RobustnessDialog

        location = self._mnist_location()
        if location is None:
            return
        data_dir, download = location
        dialog = RobustnessDialog(self._model, self._model_path.name, data_dir, download,
                                  self._paths.mnist_cache_dir, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()

    # -- other windows -----------------------------------------------------------
    @Slot()
    def showRetrainDialog(self) -> None:
        from digitpad.gui.retrain_dialog import RetrainDialog

        if self._retrain_dialog is None:
            self._retrain_dialog = RetrainDialog(self._settings, self._paths, self)
            self._retrain_dialog.useModel.connect(self.openCheckpoint)
        self._retrain_dialog.show()
        self._retrain_dialog.raise_()
        self._retrain_dialog.activateWindow()

    def retrainDialog(self):
        return self._retrain_dialog

    @Slot()
    def showModelInfo(self) -> None:
        from digitpad.gui.model_info_dialog import ModelInfoDialog

        ModelInfoDialog(self._model, self._model_path, self._metadata, self).exec()

    @Slot()
    def showShortcuts(self) -> None:
        from digitpad.gui.shortcuts_dialog import ShortcutsDialog

        ShortcutsDialog(self.actions(), self).exec()

    @Slot()
    def showAbout(self) -> None:
        from digitpad import __version__

        QMessageBox.about(self, "About digitpad",
                          f"<h3>digitpad {__version__}</h3>"
                          "<p>Draw a digit and watch a neural network decide.</p>"
                          "<p>The network is a multilayer perceptron written from scratch in NumPy "
                          "and trained on the MNIST handwritten digits.</p>")

    def closeEvent(self, event: QCloseEvent) -> None:
        # Every open window stops its background work first; Retrain may ask
        # the user, who can decline and keep the app open.
        for dialog in self.findChildren(QDialog):
            if dialog.isVisible() and not dialog.close():
                event.ignore()
                return
        if self._evaluation_thread is not None:
            self._evaluation_worker.cancel()
            self._evaluation_thread.quit()
            self._evaluation_thread.wait()
        self._stop_image_job()
        self._settings.save_window(self.saveGeometry(), self.saveState())
        self._settings.sync()
        super().closeEvent(event)
