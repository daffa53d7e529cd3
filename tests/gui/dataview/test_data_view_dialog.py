"""View → MNIST at a glance, through the real menu: MNIST is read in the
background and the charts show the real numbers — the counts per digit of
both sets, the average digits, the pixel histogram, random samples of the
digit asked for — a sample clicked goes on the canvas, the charts explain
their parts when pointed at, reading can be cancelled, and the window
closes cleanly."""

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import QApplication, QToolTip

from digitpad.data.mnist import load_mnist
from digitpad.data.mnist.summary import binned
from digitpad.gui.common.synthetic_input import send_mouse
from digitpad.gui.dataview.data_view_dialog import SAMPLES

TIMEOUT = 60_000


@pytest.fixture(scope="module")
def mnist(mnist_dir):
    return {split: load_mnist(split, mnist_dir, download=False) for split in ("train", "test")}


def open_view(window):
    window.mainActions.dataView.trigger()
    dialog = window.dataViewController.dialog()
    assert dialog is not None and dialog.isVisible()
    return dialog


@pytest.fixture
def dialog(window, qtbot):
    shown = open_view(window)
    qtbot.waitUntil(lambda: shown.data() is not None and not shown.isLoading(), timeout=TIMEOUT)
    return shown


def tooltip_at(widget, point):
    """What ``widget`` shows when the pointer rests at ``point``."""
    QToolTip.hideText()
    QApplication.sendEvent(widget, QHelpEvent(QEvent.Type.ToolTip, point, widget.mapToGlobal(point)))
    return QToolTip.text()


def test_the_counts_are_the_real_counts_of_both_sets(window, dialog, mnist):
    assert window.mainActions.dataView.shortcut().toString() == "Ctrl+Shift+D"
    train_shares, test_shares = dialog.countBars.shares()
    for shares, (_, labels) in ((train_shares, mnist["train"]), (test_shares, mnist["test"])):
        assert np.allclose(shares, np.bincount(labels, minlength=10) / len(labels))
    assert dialog.data().summaries["train"].size == 60_000 and dialog.data().summaries["test"].size == 10_000
    assert "60,000 training and 10,000 test digits" in dialog.statusLabel.text()
    assert not dialog.progressBar.isVisible() and not dialog.cancelButton.isVisible()
    # Pointing at the row of the 1s tells its numbers.
    area = dialog.countBars._plot_area()
    row_point = QPoint(int(area.left() + 10), int(area.top() + area.height() * 1.5 / 10))
    assert dialog.countBars.rowAt(QPointF(row_point)) == 1
    assert "6,742 training digits" in tooltip_at(dialog.countBars, row_point)


def test_the_averages_and_the_pixels_follow_the_chosen_set(dialog, mnist):
    for split in ("train", "test"):
        dialog.splitCombo.setCurrentIndex(dialog.splitCombo.findData(split))
        images, labels = mnist[split]
        summary = dialog.averageDigits._summary
        assert summary.name == split
        assert np.allclose(summary.mean_images[3], images[labels == 3].mean(axis=0) / 255.0, atol=1e-6)
        _, counts = binned(np.bincount(images.reshape(-1), minlength=256), 8)
        assert np.allclose(dialog.pixelHistogram.shares(), counts / counts.sum())
        cell = dialog.averageDigits.cell(3).center().toPoint()
        assert f"of the {int((labels == 3).sum()):,} 3s" in tooltip_at(dialog.averageDigits, cell)
        assert "of the inked ones" in dialog.pixelHistogram.plot.whatsThis()
        assert dialog.pixelHistogram.plot.toolTip()


def test_samples_are_random_of_the_digit_asked_for_and_go_on_the_canvas(window, dialog, mnist, qtbot):
    first = dialog.sampleGrid.samples()
    assert len(first) == len(set(first)) == SAMPLES
    dialog.moreButton.click()
    assert dialog.sampleGrid.samples() != first
    dialog.digitCombo.setCurrentIndex(dialog.digitCombo.findData(7))
    images, labels = mnist[dialog.split()]
    assert all(labels[index] == 7 for index in dialog.sampleGrid.samples())
    assert "Only 7s" == dialog.digitCombo.currentText()
    centre = dialog.sampleGrid.cell(0).center()
    index = dialog.sampleGrid.samples()[0]
    assert f"#{index:,}, labelled 7" in tooltip_at(dialog.sampleGrid, centre.toPoint())
    with qtbot.waitSignal(window.dataViewController.loadDigit) as loaded:
        send_mouse(dialog.sampleGrid, QEvent.Type.MouseButtonPress, (centre.x(), centre.y()), Qt.MouseButton.LeftButton)
    send_mouse(dialog.sampleGrid, QEvent.Type.MouseButtonRelease, (centre.x(), centre.y()), Qt.MouseButton.NoButton)
    assert np.allclose(loaded.args[0], images[index] / 255.0)
    assert window.recognition() is not None and window.recognition().digit == 7


def test_reading_can_be_cancelled_and_the_window_closes_cleanly(window, qtbot):
    dialog = open_view(window)
    assert dialog.isLoading() and dialog.cancelButton.isVisible()
    dialog.cancelButton.click()
    qtbot.waitUntil(lambda: not dialog.isLoading(), timeout=TIMEOUT)
    assert dialog.data() is None and "cancelled" in dialog.statusLabel.text()
    assert not dialog.cancelButton.isVisible()
    dialog.close()
    qtbot.waitUntil(lambda: window.dataViewController.dialog() is None, timeout=5000)
    again = open_view(window)
    again.close()                                   # mid-reading: it stops and waits
    qtbot.waitUntil(lambda: window.dataViewController.dialog() is None, timeout=5000)
