"""The main window: the drawing canvas on the left; on the right the
recognised digit, the 28x28 image the network sees and its ten probability
bars, updated live while the user draws. The window composes the parts —
the session it shows, the panels, live recognition, the controllers that
open pictures, checkpoints and dialogs — wires them together by signal and
builds the menus; every failure is reported in a dialog that names the file
and the problem, and leaves the model and the drawing as they were.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import Signal, Slot
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QDialog, QHBoxLayout, QMainWindow, QProgressBar, QWidget

from digitpad.gui.app_paths import AppPaths
from digitpad.gui.common.messages import warn
from digitpad.gui.controllers.adapt import AdaptController
from digitpad.gui.controllers.checkpoints import CheckpointFiles
from digitpad.gui.controllers.data_view import DataViewController
from digitpad.gui.controllers.evaluation import TestSetEvaluation
from digitpad.gui.controllers.handwriting import HandwritingController
from digitpad.gui.controllers.image_opening import ImageOpener, busy_indicator
from digitpad.gui.controllers.inside import InsideViews
from digitpad.gui.controllers.lab import LabController
from digitpad.gui.controllers.misclassified import MisclassifiedController
from digitpad.gui.controllers.model_info import InfoController
from digitpad.gui.controllers.personalisation import PersonalisationController
from digitpad.gui.controllers.point_map import PointMapController
from digitpad.gui.controllers.retrain import RetrainController
from digitpad.gui.controllers.robustness import RobustnessController
from digitpad.gui.controllers.step_through import StepThroughController
from digitpad.gui.settings import AppSettings, remember_checkpoints
from digitpad.gui.window.actions import MainActions, build_menus
from digitpad.gui.window.drawing_panel import DrawingPanel
from digitpad.gui.window.live_recognition import LiveRecognition
from digitpad.gui.window.model_status import ModelStatusLabel
from digitpad.gui.window.recent_menu import RecentCheckpointsMenu
from digitpad.gui.window.result_panel import ResultPanel
from digitpad.model.recognition import NumberRecognition, Recognition
from digitpad.nn import MLP
from digitpad.session import Session


class MainWindow(QMainWindow):
    # Emitted once a picture asked for with openImage has been dealt with:
    # True when its ink is on the canvas, False when an error was shown.
    imageOpened = Signal(bool)

    def __init__(self, settings: AppSettings, paths: AppPaths, session: Session,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.setWindowTitle("digitpad")
        self._settings, self._paths, self._session = settings, paths, session
        self._busy: QProgressBar | None = None
        self._build_panels()
        # The order matters: what shows the model observes the session first,
        # so a model is remembered only once it is shown and working, and the
        # recent menu lists what was remembered.
        self.liveRecognition = LiveRecognition(self.canvas, session, self)
        self.modelStatus = ModelStatusLabel(session)
        remember_checkpoints(settings, session)
        self.recentMenu = RecentCheckpointsMenu(settings, session, self)
        self._build_controllers()
        self.mainActions = MainActions(self)
        build_menus(self.menuBar(), self.mainActions, self.recentMenu)
        self._connect_actions()
        self._connect_parts()
        self.resize(980, 640)
        geometry = settings.window_geometry()
        if geometry is not None:
            self.restoreGeometry(geometry)
        state = settings.window_state()     # which docks are shown, and where
        if state is not None:
            self.restoreState(state)
        self.canvas.setFocus()

    # -- composition ------------------------------------------------------------
    def _build_panels(self) -> None:
        self.drawingPanel = DrawingPanel(self._settings)
        self.canvas = self.drawingPanel.canvas
        self.resultPanel = ResultPanel()
        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(10, 10, 10, 6)
        layout.setSpacing(12)
        layout.addWidget(self.drawingPanel, 1)
        layout.addWidget(self.resultPanel)
        self.setCentralWidget(central)
        self.setStyleSheet("QLabel#caption { color: #5a6070; font-weight: 600; }")

    def _build_controllers(self) -> None:
        session, settings, paths = self._session, self._settings, self._paths
        self.imageOpener = ImageOpener(self)
        self.checkpointFiles = CheckpointFiles(self, session)
        self.testSetEvaluation = TestSetEvaluation(self, session, settings, paths)
        self.misclassifiedController = MisclassifiedController(self, session, self.testSetEvaluation)
        self.personalisation = PersonalisationController(self, session, settings, paths)
        self.handwritingController = HandwritingController(self, session, self.canvas, self.liveRecognition,
                                                           self.personalisation, settings)
        self.adaptController = AdaptController(self, session, settings, paths)
        self.robustnessController = RobustnessController(self, session, settings, paths)
        self.retrainController = RetrainController(self, settings, paths)
        self.infoController = InfoController(self, session)
        self._controllers = [self.imageOpener, self.checkpointFiles, self.testSetEvaluation,
                             self.misclassifiedController, self.handwritingController, self.adaptController,
                             self.robustnessController, self.retrainController, self.infoController,
                             self.personalisation]
        self.insideViews = InsideViews(self, session, settings, paths, self.liveRecognition)
        self._controllers.append(self.insideViews)
        self.labController = LabController(self, session, self.liveRecognition, settings, paths)
        self._controllers.append(self.labController)
        self.stepThroughController = StepThroughController(self, session, self.testSetEvaluation,
                                                           self.liveRecognition)
        self._controllers.append(self.stepThroughController)
        self.pointMapController = PointMapController(self, session, self.testSetEvaluation, self.liveRecognition)
        self.dataViewController = DataViewController(self, settings, paths)
        self._controllers += [self.pointMapController, self.dataViewController]

    def _connect_actions(self) -> None:
        actions = self.mainActions
        for action, slot in [(actions.openImage, self.imageOpener.choose),
                             (actions.openCheckpoint, self.checkpointFiles.choose),
                             (actions.saveCheckpoint, self.checkpointFiles.saveAs),
                             (actions.quit, self.close),
                             (actions.undo, self.canvas.undo),
                             (actions.clear, self.canvas.clear),
                             (actions.thinner, self.drawingPanel.thinnerPen),
                             (actions.thicker, self.drawingPanel.thickerPen),
                             (actions.retrain, self.retrainController.show),
                             (actions.evaluate, self.testSetEvaluation.evaluate),
                             (actions.misclassified, self.misclassifiedController.show),
                             (actions.modelInfo, self.infoController.showModelInfo),
                             (actions.robustness, self.robustnessController.show),
                             (actions.samples, self.handwritingController.show),
                             (actions.adapt, self.adaptController.show),
                             (actions.shortcuts, self.infoController.showShortcuts),
                             (actions.about, self.infoController.showAbout)]:
            action.triggered.connect(slot)
        actions.labelRequested.connect(self.labelDrawing)
        self.insideViews.bindActions(actions.networkView, actions.whyAnswer)
        actions.lab.triggered.connect(self.labController.show)
        actions.stepThrough.triggered.connect(self.stepThroughController.show)
        actions.pointMap.triggered.connect(self.pointMapController.show)
        actions.dataView.triggered.connect(self.dataViewController.show)

    def _connect_parts(self) -> None:
        self.liveRecognition.recognised.connect(self.resultPanel.showReading)
        self.liveRecognition.personalNote.connect(self.resultPanel.showPersonalNote)
        self.resultPanel.digitClicked.connect(self.labelDrawing)
        self.canvas.fileDropped.connect(self.openImage)
        self.statusBar().addPermanentWidget(self.modelStatus)
        self.imageOpener.busyChanged.connect(self._show_reading)
        self.imageOpener.imageRead.connect(self.canvas.setImage)
        self.imageOpener.opened.connect(self.imageOpened)
        self.recentMenu.checkpointChosen.connect(self.openCheckpoint)
        self.checkpointFiles.checkpointMissing.connect(self.recentMenu.forget)
        self.testSetEvaluation.mistakesRequested.connect(self.misclassifiedController.open)
        self.misclassifiedController.loadDigit.connect(self.putOnCanvas)
        for source in (self.pointMapController, self.dataViewController):
            source.loadDigit.connect(self.putOnCanvas)
        self.handwritingController.loadSample.connect(self._load_sample)
        self.handwritingController.adaptRequested.connect(self.adaptController.show)
        for source in (self.adaptController, self.retrainController):
            source.useModel.connect(self.openCheckpoint)
        self.labController.useModel.connect(self.openCheckpoint)
        self.insideViews.networkView.unitClicked.connect(self.labController.selectUnit)
        for controller in self._controllers:
            controller.status.connect(self.statusBar().showMessage)
            controller.failed.connect(self._report_failure)

    # -- what the window offers ------------------------------------------------
    def session(self) -> Session:
        """What the window shows and works on: the model in use, the samples."""
        return self._session

    def model(self) -> MLP:
        return self._session.model

    def modelPath(self) -> Path:
        return self._session.model_path

    def recognition(self) -> Recognition | None:
        """The digit shown in the bars (for a number, the one being written)."""
        return self.liveRecognition.recognition()

    def numberRecognition(self) -> NumberRecognition | None:
        """Everything read on the canvas, digit by digit."""
        return self.liveRecognition.number()

    @Slot(str)
    def openCheckpoint(self, path: str | Path) -> bool:
        """Switch to the model in ``path``; on any problem explain it and keep the current one."""
        return self.checkpointFiles.open(path)

    @Slot(str)
    def openImage(self, path: str) -> None:
        """Read a digit or a number from a picture in the background; its ink
        lands on the canvas when ready (on failure an error is shown and the
        drawing kept), then ``imageOpened`` is emitted."""
        self.imageOpener.open(path)

    @Slot(int)
    def labelDrawing(self, digit: int) -> bool:
        """Save what is drawn (for a number, the digit in the bars) as ``digit`` in My handwriting."""
        return self.handwritingController.label(digit)

    @Slot(object)
    def putOnCanvas(self, image: np.ndarray) -> None:
        """Show a picture (2-D, bright ink on black, in [0, 1]) on the canvas and bring the window forward."""
        self.canvas.setImage(np.asarray(image, dtype=np.float32))
        self.raise_()
        self.activateWindow()

    def showError(self, title: str, message: str) -> None:
        """Every error the window reports goes through here."""
        warn(self, title, message)

    @Slot(str, str)
    def _report_failure(self, title: str, message: str) -> None:
        # Looked up on each call: the self-test replaces showError to collect errors.
        self.showError(title, message)

    @Slot(bool)
    def _show_reading(self, reading: bool) -> None:
        # Made when first needed: even hidden, it makes the status bar taller.
        if self._busy is None and reading:
            self._busy = busy_indicator()
            self.statusBar().insertPermanentWidget(0, self._busy)
        if self._busy is not None:
            self._busy.setVisible(reading)

    @Slot(object)
    def _load_sample(self, sample) -> None:
        if sample.strokes:
            self.canvas.setStrokes(sample.strokes)
        else:
            self.canvas.setImage(sample.float_image())

    def closeEvent(self, event: QCloseEvent) -> None:
        # Every open window stops its background work first; Retrain may ask
        # the user, who can decline and keep the app open.
        for dialog in self.findChildren(QDialog):
            if dialog.isVisible() and not dialog.close():
                event.ignore()
                return
        for controller in self._controllers:
            controller.stopAndWait()
        self._settings.save_window(self.saveGeometry(), self.saveState())
        self._settings.sync()
        super().closeEvent(event)
