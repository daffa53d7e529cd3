"""What connects a training run to the training lab's widgets. ``LabFeed``
lives on the GUI thread and takes the ``TrainingWorker``'s signals — the
network's layers, batch progress, epochs, weight copies, the training
digits, diagnostics records, findings, settings changed, pauses — to the
charts (``LabCharts``, with a dashed line where a setting changed), the
run controls, the live settings, the findings panel and the log. It also applies a finding's suggestion: to the running
run when the run can take it, otherwise into the settings form for the
next run, and confirms what changed. ``make_charts`` makes the charts.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal, Slot

from digitpad.train.config import TrainConfig
from digitpad.train.settings import format_value

# Settings as the charts' markers name them.
SHORT_NAMES = {"learning_rate": "lr", "momentum": "momentum", "weight_decay": "decay", "dropout": "dropout",
               "augment": "distort", "augment_strength": "distortion"}


def make_charts():
    """The lab's charts (a ``LabCharts``)."""
    from digitpad.gui.training.lab_charts import LabCharts

    charts = LabCharts()
    charts.setObjectName("labCharts")
    return charts


def curves_of(charts):
    """The loss and accuracy chart among ``charts`` (with ``points``)."""
    return charts.lossChart


class LabFeed(QObject):
    findingShown = Signal()         # a new finding is on the findings panel

    def __init__(self, charts, run_controls, live_settings, findings_panel, run_log, settings_form) -> None:
        super().__init__(charts)
        self.charts = charts
        self.runControls = run_controls
        self.liveSettings = live_settings
        self.findingsPanel = findings_panel
        self.runLog = run_log
        self.settingsForm = settings_form
        self._config = TrainConfig()
        self._batches = 0               # per epoch, once known
        self._markers: list = []        # (plot, line) marking each setting changed
        findings_panel.applyRequested.connect(self.applyFinding)

    # -- a run ----------------------------------------------------------------
    def connectWorker(self, worker, config: TrainConfig) -> None:
        """Show ``worker``'s run from now on; called just before it starts."""
        self._config, self._batches = config, 0
        for plot, line in self._markers:
            plot.removeItem(line)
        self._markers = []
        control = worker.control
        self.findingsPanel.clear()
        self.runLog.clear()
        self.runControls.setControl(control)
        self.liveSettings.setRun(control, config)
        self.findingsPanel.setLive(True)
        self.runLog.addEntry(f"Started: {config.preset} preset, {config.epochs} epochs"
                             + (", paused before the first batch." if control.paused else "."))
        worker.trainingBegan.connect(self._began)
        worker.batchProgress.connect(self._batch)
        worker.epochEnded.connect(self._epoch)
        worker.weightsReady.connect(self._weights)
        worker.trainingDigits.connect(self._digits)
        worker.diagnosticsReady.connect(self._diagnostics)
        worker.findingFound.connect(self.addFinding)
        worker.settingChanged.connect(self._setting_changed)
        worker.paused.connect(self.runControls.showPaused)
        worker.continued.connect(self.runControls.showContinued)

    def runEnded(self) -> None:
        self.runControls.setControl(None)
        self.liveSettings.detach()
        self.findingsPanel.setLive(False)

    @Slot(list)
    def _began(self, layers: list) -> None:
        self.charts.startRun(layers)
        self.liveSettings.refreshAvailability()

    @Slot(dict)
    def _batch(self, progress: dict) -> None:
        self._batches = progress["batches"]
        self.charts.addBatch(progress)

    @Slot(dict)
    def _epoch(self, logs: dict) -> None:
        self.charts.addEpoch(logs)

    @Slot(dict)
    def _weights(self, weights: dict) -> None:
        self.charts.showWeights(weights)

    @Slot(object, object, object)
    def _digits(self, images, labels, augment) -> None:
        self.charts.setTrainingDigits(images, labels, augment)

    @Slot(list)
    def _diagnostics(self, records: list) -> None:
        for record in records:
            self.charts.addDiagnostics(record)

    # -- findings and changes ---------------------------------------------------
    @Slot(object)
    def addFinding(self, finding) -> None:
        if self.findingsPanel.addFinding(finding):
            self.runLog.addEntry(f"Update {finding.step}: {finding.name} found.")
            self.findingShown.emit()

    def diverged(self, findings: list) -> None:
        for finding in findings:
            self.addFinding(finding)
        self.runLog.addEntry("Diverged: the loss or the weights stopped being numbers.")

    @Slot(object)
    def _setting_changed(self, change) -> None:
        self.liveSettings.showChange(change)
        self.runLog.addEntry(f"Update {change.step + 1} on: {change.setting.replace('_', ' ')} "
                             f"{format_value(None, change.value)}.")
        self._mark(change)

    def _mark(self, change) -> None:
        """A dashed line across the loss and accuracy charts where ``change`` took effect."""
        if not self._batches:
            return
        import pyqtgraph

        words = f"{SHORT_NAMES.get(change.setting, change.setting)} {format_value(None, change.value)}"
        for plot in (self.charts.lossChart.lossPlot, self.charts.lossChart.accuracyPlot):
            line = pyqtgraph.InfiniteLine(pos=change.step / self._batches, angle=90, movable=False,
                                          pen=pyqtgraph.mkPen((110, 110, 125), width=1, style=Qt.PenStyle.DashLine),
                                          label=words, labelOpts={"position": 0.5, "color": (70, 70, 85),
                                                                     "anchors": [(1, 0.5), (1, 0.5)]})
            plot.addItem(line)
            self._markers.append((plot, line))

    def markers(self) -> list[str]:
        """The changes marked on the charts (their words, one per chart)."""
        return [line.label.toPlainText() for _plot, line in self._markers]

    @Slot(object)
    def applyFinding(self, finding) -> None:
        """Apply a finding's suggestion: to the running run when it can take
        it, otherwise into the form for the next run; say what changed."""
        control = self.runControls.control()
        try:
            if control is not None and finding.applies_live:
                for setting, value in finding.suggestion.items():
                    control.change(setting, value)
                    self.liveSettings.showPending(setting, value)
                text = f"Applied to this run from the next batch: {finding.suggestion_text()}."
            else:
                self.settingsForm.setConfig(finding.apply_to(self.settingsForm.config()))
                text = f"Set in the form for the next run: {finding.suggestion_text()}."
        except (ValueError, RuntimeError) as error:
            self.findingsPanel.showApplied(f"Not applied: {error}", error=True)
            return
        self.findingsPanel.showApplied(text)
        self.runLog.addEntry(f"{finding.name.capitalize()}: {text}")
