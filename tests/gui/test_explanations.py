"""Every control a learner can touch — in the main window, the network view,
"Why this answer", a unit's detail, the lab and the step-through — explains
itself with a tooltip and a "What's This?" text, and so does every view that
draws the network's insides."""

from PySide6.QtWidgets import (QAbstractButton, QAbstractItemView, QAbstractSpinBox, QApplication, QComboBox,
                               QLineEdit, QSlider, QWidget)

from digitpad.gui.common.synthetic_input import write_digit

CONTROLS = (QAbstractButton, QAbstractSpinBox, QComboBox, QSlider, QAbstractItemView, QLineEdit)


def is_painted_view(widget: QWidget) -> bool:
    """One of digitpad's own widgets that draws something (a chart, a grid, a picture)."""
    return type(widget).__module__.startswith("digitpad") and "paintEvent" in type(widget).__dict__


def test_every_control_and_view_explains_itself(window, qtbot, warnings):
    window.resize(1280, 720)
    write_digit(window.canvas, 4)
    actions = window.mainActions
    for action in (actions.networkView, actions.whyAnswer, actions.stepThrough, actions.lab):
        action.trigger()
    window.insideViews.openUnit(0, 3)
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
    for dialog in (window.labController.dialog(), window.stepThroughController.dialog()):
        dialog.close()
    assert checked > 60 and not unexplained, "\n".join(unexplained)
