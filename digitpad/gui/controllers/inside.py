"""View → Network view and View → Why this answer: two docks beside the
canvas, kept up to date with every live reading while they are shown (a
hidden one costs nothing and catches up when shown), and the detail of the
unit clicked in the network view. How often each hidden unit is active on
the MNIST test digits is measured in the background the first time a unit
detail needs it — at once when the digits are on this computer, else when
the user asks — and kept in the session until the model changes.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QAbstractButton, QDockWidget, QMainWindow, QWidget

from digitpad.gui.app_paths import AppPaths
from digitpad.gui.common.background import BackgroundTask, describe_download
from digitpad.gui.common.mnist_prompt import find_mnist
from digitpad.gui.common.observe import observe
from digitpad.gui.controllers.base import DialogController
from digitpad.gui.network import texts
from digitpad.gui.network.activity_worker import ActivityWorker
from digitpad.gui.network.attribution_view import AttributionView
from digitpad.gui.network.network_view import NetworkView
from digitpad.gui.network.readings import explain_answer
from digitpad.gui.network.unit_detail import UnitDetail
from digitpad.gui.settings import AppSettings
from digitpad.gui.window.live_recognition import LiveRecognition
from digitpad.inside import LayerView, Trace, network_layers, trace
from digitpad.model.recognition import NumberRecognition, Recognition
from digitpad.session import Session

MNIST_TEST_DIGITS = 10_000


def _dock(window: QMainWindow, name: str, title: str, view: QWidget, tip: str, help_text: str) -> QDockWidget:
    dock = QDockWidget(title, window)
    dock.setObjectName(name)                # restoreState finds the dock by its name
    dock.setWidget(view)
    dock.setToolTip(tip)
    dock.setWhatsThis(help_text)
    # Qt's own title-bar buttons come without a word of explanation.
    for button_name, words in (("qt_dockwidget_floatbutton", "Take this view out into a window of its own "
                                "(double-click its title to put it back)"),
                               ("qt_dockwidget_closebutton", "Hide this view (the View menu shows it again)")):
        button = dock.findChild(QAbstractButton, button_name)
        if button is not None:
            button.setToolTip(words)
            button.setWhatsThis(words + ".")
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
    dock.hide()                             # until asked for, or restored by the saved layout
    return dock


class InsideViews(DialogController):
    def __init__(self, window: QMainWindow, session: Session, settings: AppSettings, paths: AppPaths,
                 live: LiveRecognition) -> None:
        super().__init__(window)
        self._session, self._settings, self._paths = session, settings, paths
        self._model = None
        self._layers: list[LayerView] = []
        self._recognition: Recognition | None = None
        self._trace: Trace | None = None
        self._tested = MNIST_TEST_DIGITS
        self._activity_note = ""
        self._task = BackgroundTask(self)
        self.networkView = NetworkView()
        self.attributionView = AttributionView()
        self.networkDock = _dock(window, "networkDock", "Network", self.networkView, texts.NETWORK_TIP,
                                 texts.NETWORK_HELP)
        self.whyDock = _dock(window, "whyDock", "Why this answer", self.attributionView, texts.ATTRIBUTION_TIP,
                             texts.ATTRIBUTION_HELP)
        window.splitDockWidget(self.networkDock, self.whyDock, Qt.Orientation.Vertical)
        for dock in (self.networkDock, self.whyDock):
            dock.visibilityChanged.connect(self._dock_visibility)
        self.networkView.unitClicked.connect(self.openUnit)
        self.networkView.unitSelected.connect(self._unit_selected)
        self._task.finished.connect(self._measuring_ended)
        live.recognised.connect(self.showReading)
        observe(self, session.model_changed, self._model_changed)

    def bindActions(self, network: QAction, why: QAction) -> None:
        """Let ``network`` and ``why`` (checkable) show and hide the docks, and follow them."""
        for action, dock in ((network, self.networkDock), (why, self.whyDock)):
            action.setChecked(not dock.isHidden())
            dock.toggleViewAction().toggled.connect(action.setChecked)
            action.triggered.connect(lambda checked, shown=dock: self._show_dock(shown, checked))

    def _show_dock(self, dock: QDockWidget, visible: bool) -> None:
        window = self._window
        docks = [self.networkDock, self.whyDock]
        area_was_empty = not any(other.isVisible() and not other.isFloating()
                                 and window.dockWidgetArea(other) == window.dockWidgetArea(dock)
                                 for other in docks if other is not dock)
        dock.setVisible(visible)
        if not visible:
            return
        dock.raise_()                       # to the front of its tabs, if it shares a place
        if dock.isFloating():
            return
        if area_was_empty:
            self._make_room(dock)
        if all(other.isVisible() and not other.isFloating() for other in docks) \
                and window.dockWidgetArea(self.networkDock) == window.dockWidgetArea(self.whyDock):
            # One above the other: the network gets a little more than half.
            height = self.networkDock.height() + self.whyDock.height()
            window.resizeDocks(docks, [int(height * 0.56), height - int(height * 0.56)], Qt.Orientation.Vertical)

    def _make_room(self, dock: QDockWidget) -> None:
        """Widen the window by the dock, as far as the screen allows, so the canvas keeps its room."""
        window = self._window
        screen = window.screen()
        if window.isMaximized() or window.isFullScreen() or screen is None:
            return
        available = screen.availableGeometry()
        frame = window.frameGeometry().width() - window.width()
        wanted = min(window.width() + dock.sizeHint().width(), available.width() - frame)
        if wanted > window.width():
            window.resize(wanted, window.height())
            if window.frameGeometry().right() > available.right():
                window.move(max(available.right() - window.frameGeometry().width() + 1, available.left()),
                            window.y())

    # -- live readings ------------------------------------------------------------------
    @Slot(object, int)
    def showReading(self, number: NumberRecognition | None, focused: int) -> None:
        """A new reading: the views shown follow its digit ``focused``."""
        self._recognition = None if number is None else number.digits[focused]
        self._refresh()

    @Slot(bool)
    def _dock_visibility(self, visible: bool) -> None:
        if visible:
            self._refresh()

    def _refresh(self) -> None:
        """Bring the views that are shown up to date with the model and the reading."""
        if self._model is not self._session.model:
            self._use_model()
        recognition, model = self._recognition, self._session.model
        detail = self.dialog()
        if self._layers and (self.networkView.isVisible() or detail is not None):
            self._trace = None if recognition is None else trace(model, recognition.mnist_image)
            if self.networkView.isVisible():
                self.networkView.setTrace(self._trace)
            if detail is not None:
                self._show_detail(detail)
        if self._layers and self.attributionView.isVisible():
            self.attributionView.setExplanation(
                None if recognition is None
                else explain_answer(model, recognition.mnist_image, recognition.probabilities))

    def _use_model(self) -> None:
        """Show the session's model: its layers, with nothing selected and activity unknown."""
        self._model = self._session.model
        try:
            self._layers = network_layers(self._model)
        except ValueError:
            self._layers = []               # a network of another shape: the view says it cannot show it
        self._trace = None
        self.networkView.setLayers(self._layers)
        self.networkView.setActivity(self._session.unit_activity, self._tested)
        self.attributionView.setExplanation(None)
        self._task.cancel()
        self._activity_note = ""
        detail = self.dialog()
        if detail is not None:
            layer, unit = detail.unit()
            if layer < len(self._layers) and unit < self._layers[layer].units:
                self.networkView.setSelectedUnit((layer, unit))
            else:
                detail.close()
                self._forget(detail)        # now, not when Qt gets round to deleting it

    def _model_changed(self) -> None:
        # Live recognition reads the canvas again with the new model; this
        # covers a change with nothing drawn.
        self._refresh()

    # -- the unit detail ------------------------------------------------------------------
    @Slot(int, int)
    def openUnit(self, layer: int, unit: int) -> None:
        """Select ``unit`` of network layer ``layer`` and show its detail."""
        if self._model is not self._session.model:
            self._use_model()
        if not 0 <= layer < len(self._layers) or not 0 <= unit < self._layers[layer].units:
            return
        self.networkView.setSelectedUnit((layer, unit))
        detail = self.dialog()
        if detail is None:
            detail = self._adopt(UnitDetail(self._window))
            detail.measureRequested.connect(self.measureActivity)
            detail.finished.connect(self._detail_closed)
        if self._trace is None and self._recognition is not None:
            self._trace = trace(self._session.model, self._recognition.mnist_image)
        self._show_detail(detail, (layer, unit))
        self._present()
        if self._session.unit_activity is None and not self._layers[layer].is_output and self._mnist_here():
            self.measureActivity()

    @Slot(int, int)
    def _unit_selected(self, layer: int, unit: int) -> None:
        # Moving through the units by keyboard: an open detail follows, without taking the focus.
        detail = self.dialog()
        if detail is not None:
            self._show_detail(detail, (layer, unit))

    def _show_detail(self, detail: UnitDetail, unit: tuple[int, int] | None = None) -> None:
        layer, index = unit if unit is not None else detail.unit()
        record = None if self._trace is None else self._trace.layers[layer]
        image = None if self._recognition is None else self._recognition.mnist_image
        detail.showUnit(self._layers[layer], index, record, image)
        activity = self._session.unit_activity
        fractions = activity[layer] if activity is not None and layer < len(activity) else None
        detail.showActivity(fractions, self._tested, self._activity_note, self._task.isRunning())

    @Slot()
    def _detail_closed(self) -> None:
        # The selection lives as long as its detail.
        if self.networkView.selectedUnit() is not None:
            self.networkView.setSelectedUnit(None)

    # -- how often the units are active ---------------------------------------------------
    def _mnist_here(self) -> bool:
        from digitpad.data.mnist.locate import locate_mnist

        configured = self._settings.mnist_dir() or None
        return locate_mnist("test", Path(configured) if configured else None,
                            cache_dir=self._paths.mnist_cache_dir) is not None

    @Slot()
    def measureActivity(self) -> None:
        """Measure how often each hidden unit is active on the MNIST test digits, in the background."""
        if self._session.unit_activity is not None or self._task.isRunning():
            return
        source = find_mnist(self._window, self._settings, self._paths.mnist_cache_dir)
        if source is None:
            self._note("Not measured: the MNIST test digits are needed for that.")
            return
        model = self._session.model
        worker = ActivityWorker(model, source)
        worker.succeeded.connect(lambda activity, count: self._measured(model, activity, count))
        worker.downloadProgress.connect(lambda name, done, total: self._note(describe_download(name, done, total)))
        worker.failed.connect(self._measuring_failed)
        self._task.start(worker)
        self._note(f"Measuring on the {MNIST_TEST_DIGITS:,} MNIST test digits…")

    def isMeasuring(self) -> bool:
        return self._task.isRunning()

    def _measured(self, model, activity: list[np.ndarray], count: int) -> None:
        # Activity of a model no longer in use is dropped (and the model in use measured next).
        if not self._session.set_unit_activity(model, activity):
            return
        self._tested, self._activity_note = count, ""
        self.networkView.setActivity(self._session.unit_activity, count)
        dead = sum(int(np.count_nonzero(fractions <= 0)) for fractions in activity)
        self.status.emit(f"Unit activity measured on {count:,} test digits: {dead} dead units", 5000)
        detail = self.dialog()
        if detail is not None:
            self._show_detail(detail)

    @Slot()
    def _measuring_ended(self) -> None:
        # The model changed while the old one was measured: measure the new one, if its detail wants it.
        detail = self.dialog()
        if (detail is not None and self._session.unit_activity is None and not self._activity_note
                and not self._layers[detail.unit()[0]].is_output and self._mnist_here()):
            self.measureActivity()

    def _measuring_failed(self, message: str) -> None:
        self._note(f"Could not measure: {message}")
        self.status.emit("Could not measure how often the units are active", 5000)

    def _note(self, note: str) -> None:
        self._activity_note = note
        detail = self.dialog()
        if detail is not None:
            self._show_detail(detail)

    def stopAndWait(self) -> None:
        self._task.stopAndWait()
