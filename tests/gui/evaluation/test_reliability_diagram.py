"""Model info's Confidence tab: the reliability diagram of the bundled model
opens with its 15 bins, both charts and the calibration error before and
after in words, every part explaining itself; a model never calibrated says
so and draws nothing."""

from digitpad.gui.evaluation.model_info_dialog import ModelInfoDialog, model_info_html
from digitpad.gui.evaluation.reliability_diagram import ReliabilityDiagram
from digitpad.model.calibration import ECE_BINS


def test_the_bundled_models_reliability_diagram_shows_every_bin(bundled, qtbot):
    model, path, metadata = bundled
    dialog = ModelInfoDialog(model, path, metadata)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.tabs.setCurrentWidget(dialog.reliability)
    diagram = dialog.reliability
    assert diagram.isVisible() and diagram.bins() == ECE_BINS == 15
    calibration = metadata["calibration"]
    text = diagram.summary.text()
    assert f"{calibration['test_ece_before']:.1%}" in text and f"{calibration['test_ece_after']:.1%}" in text
    assert f"T = {model.temperature:.3g}" in text
    for widget in (diagram.summary, diagram.legend, diagram.plot, diagram.countPlot):
        assert widget.toolTip().strip() and widget.whatsThis().strip()
    html = model_info_html(model, path, metadata)
    assert "<h4>Calibration</h4>" in html and f"{model.temperature:.4g}" in html


def test_a_model_never_calibrated_says_so(qtbot):
    diagram = ReliabilityDiagram()
    qtbot.addWidget(diagram)
    diagram.setCalibration(None)
    assert diagram.bins() == 0 and "not calibrated" in diagram.summary.text()
    diagram.setCalibration({"temperature": 0.5})          # a temperature without figures
    assert diagram.bins() == 0 and "T = 0.5" in diagram.summary.text()
