"""Every control a learner can touch — in the main window, the network view,
"Why this answer", a unit's detail, the lab, the step-through, the point
map, MNIST at a glance and My handwriting — explains itself with a tooltip and a "What's
This?" text, and so does every view that draws the network's insides or
the data."""

from PySide6.QtWidgets import (QAbstractButton, QAbstractItemView, QAbstractSpinBox, QApplication, QComboBox,
                               QLineEdit, QSlider, QWidget)

from digitpad.gui.common.synthetic_input import write_digit
from digitpad.gui.pointmap.map_controls import DEFAULT_SAMPLES
from digitpad.inside.point_map import PCA

CONTROLS = (QAbstractButton, QAbstractSpinBox, QComboBox, QSlider, QAbstractItemView, QLineEdit)


def is_painted_view(widget: QWidget) -> bool:
    """One of digitpad's own widgets that draws something (a chart, a grid, a picture)."""
    return type(widget).__module__.startswith("digitpad") and "paintEvent" in type(widget).__dict__


def test_every_control_and_view_explains_itself(window, qtbot, warnings, monkeypatch):
    monkeypatch.setitem(DEFAULT_SAMPLES, PCA, 1000)        # a quick point map: its texts are what matter here
    window.resize(1280, 720)
    write_digit(window.canvas, 4)
    actions = window.mainActions
    for action in (actions.networkView, actions.whyAnswer, actions.stepThrough, actions.lab, actions.pointMap,
                   actions.dataView, actions.samples):
        action.trigger()
    window.insideViews.openUnit(0, 3)
    # The point map and the data view explain their charts once they are filled in.
    qtbot.waitUntil(lambda: window.pointMapController.dialog() is not None
                    and window.pointMapController.dialog().pointMap() is not None
                    and not window.pointMapController.dialog().isBusy(), timeout=60_000)
    qtbot.waitUntil(lambda: not window.dataViewController.dialog().isLoading(), timeout=60_000)
    assert window.dataViewController.dialog().data() is not None
    qtbot.wait(50)
    unexplained, checked = [], 0
    for top in QApplication.topLevelWidgets():
        if not top.isVisible():
            continue
        for widget in top.findChildren(QWidget):
            if not widget.isVisible() or isinstance(widget.parent(), (QAbstractSpinBox, QComboBox)):
                continue                 # the editor inside a spin box or combo box is part of it
            if isinstance(widget, CONTROLS) or is_painted_view(widget):
                checked += 1
                if not widget.toolTip().strip() or not widget.whatsThis().strip():
                    unexplained.append(f"{type(top).__name__}: {type(widget).__name__} "
                                       f"{widget.objectName() or getattr(widget, 'text', lambda: '')()!r}")
    seen = {type(top).__name__ for top in QApplication.topLevelWidgets() if top.isVisible()}
    for dialog in (window.labController.dialog(), window.stepThroughController.dialog(),
                   window.pointMapController.dialog(), window.dataViewController.dialog()):
        dialog.close()
    window.handwritingController.dialog().close()
    assert {"PointMapDialog", "DataViewDialog", "PersonalSamplesDialog"} <= seen
    assert checked > 80 and not unexplained, "\n".join(unexplained)
