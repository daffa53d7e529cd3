"""Instant personal learning in the app: a label is learnt in the
background and the next drawing in that style is read as labelled, with
real mouse strokes; forgetting the sample gives back exactly the network's
reading; switching personalisation off reads with the network alone (and is
remembered); My handwriting shows each sample's effect and the MNIST test
accuracy with and without the samples; Reset forgets them all after asking.
"""

from unittest import mock

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from digitpad.gui.common.synthetic_input import write_strokes
from digitpad.train.writers import Condition, canvas_strokes
from tests.model.odd_writers import odd_writers


def write_written(canvas, digit) -> None:
    """``digit`` (a WrittenDigit) written on the canvas with real mouse events, centred."""
    strokes, (height, width) = canvas_strokes(digit, Condition(canvas.penWidth(), canvas.height() * 0.6))
    for stroke in strokes:
        stroke.points[:, 0] += (canvas.width() - width) / 2
        stroke.points[:, 1] += (canvas.height() - height) / 2
    write_strokes(canvas, strokes)


def read(window, digit):
    window.canvas.clear()
    write_written(window.canvas, digit)
    return window.recognition()


def wait_for_memory(qtbot, window):
    session = window.session()
    qtbot.waitUntil(lambda: not window.personalisation.isRunning() and session.personal is not None
                    and session.personal.matches(session.samples.samples), timeout=20000)


@pytest.fixture
def pairs():
    """Pairs of one odd writer's drawings of the same digit."""
    digits = odd_writers(samples=2, seed=5, writers=("squeezed",))
    return [(digits[2 * label], digits[2 * label + 1]) for label in range(10)]


def misread_groups(window):
    """Odd writers' drawings the network misreads, grouped by writer and digit:
    ``[(drawing to teach, [other drawings of that digit by that writer, with the readings before])]``."""
    digits = odd_writers(samples=5, seed=5, writers=("squeezed", "top-heavy"))
    groups = {}
    for digit in digits:
        reading = read(window, digit)
        if reading is not None and reading.digit != digit.label:
            groups.setdefault((digit.writer, digit.label), []).append((digit, reading))
    return [(members[0][0], members[1:]) for members in groups.values() if len(members) >= 2]


def test_a_label_is_learnt_at_once_and_forgetting_it_gives_back_the_networks_reading(window, qtbot):
    window.resize(1000, 700)
    wait_for_memory(qtbot, window)
    groups = misread_groups(window)
    taught, others = groups[0]
    read(window, taught)
    window.labelDrawing(taught.label)
    wait_for_memory(qtbot, window)
    assert "Learnt in" in window.statusBar().currentMessage()
    # Forgetting the sample: the network's own probabilities again, exactly.
    window.session().delete_samples([window.session().samples.samples[-1].sample_id])
    wait_for_memory(qtbot, window)
    other, before = others[0]
    np.testing.assert_array_equal(read(window, other).probabilities, before.probabilities)
    measured = fixed = 0
    for taught, others in groups:
        read(window, taught)
        window.labelDrawing(taught.label)
        wait_for_memory(qtbot, window)
        for other, before in others:
            measured += 1
            reading = read(window, other)
            fixed += reading.digit == taught.label
            if reading.digit == taught.label:
                # The panel says the samples decided it, and what the network alone reads.
                note = window.resultPanel.personalLabel
                assert note.isVisible() and f"network alone reads {before.digit}" in note.text()
            else:
                assert window.resultPanel.personalLabel.text() == ""
    assert measured >= 5, "the network reads these writers too well for the test to mean anything"
    # One label per digit fixes at least half of that writer's other misread drawings of it.
    assert fixed >= measured / 2, (fixed, measured)
    assert window.session().personal.has_anchors        # the guard came with the next update


def test_switching_personalisation_off_reads_with_the_network_and_is_remembered(window, qtbot, pairs, settings):
    taught, other = pairs[4]
    read(window, taught)
    window.labelDrawing(taught.label)
    wait_for_memory(qtbot, window)
    with_samples = read(window, taught)
    window.handwritingController.setPersonalise(False)
    alone = read(window, taught)
    assert not window.resultPanel.personalLabel.isVisible()         # no room kept for a note
    assert not settings.personalise() and window.session().reader is window.session().model
    assert alone.digit != taught.label or alone.probabilities[taught.label] < with_samples.probabilities[taught.label]
    window.handwritingController.setPersonalise(True)
    assert settings.personalise() and window.session().reader is window.session().personal.layer


def test_my_handwriting_shows_effects_and_the_mnist_check_and_reset_forgets_all(window, qtbot, pairs, warnings):
    for taught, _ in pairs[:3]:
        read(window, taught)
        window.labelDrawing(taught.label)
    window.handwritingController.show()
    dialog = window.handwritingController.dialog()
    qtbot.addWidget(dialog)
    panel = dialog.personalisationPanel
    qtbot.waitUntil(lambda: "network alone" in panel.mnistLabel.text(), timeout=60000)
    assert "%" in panel.mnistLabel.text() and "ms" in panel.speedLabel.text()
    qtbot.waitUntil(lambda: dialog.model.effect(dialog.model.sample(0)) is not None, timeout=30000)
    dialog.grid.setCurrentIndex(dialog.model.index(0))
    assert "The network alone reads it as" in dialog.effectLabel.text()
    tooltip = dialog.model.data(dialog.model.index(0), Qt.ItemDataRole.ToolTipRole)
    assert "network alone" in tooltip
    warnings.answer = QMessageBox.StandardButton.Cancel
    assert not dialog.resetPersonalisation() and len(window.session().samples) == 3
    warnings.clear()

    def press_forget_all(box):
        warnings.append((box.windowTitle(), box.text()))
        forget = next(button for button in box.buttons() if button.text() == "Forget all")
        box.clickedButton = lambda: forget
        return 0

    with mock.patch.object(QMessageBox, "exec", press_forget_all):
        assert dialog.resetPersonalisation()
    assert "Forget all 3 samples?" in warnings[0][1]
    assert len(window.session().samples) == 0
    wait_for_memory(qtbot, window)
    assert window.session().reader is window.session().model


def test_the_samples_saved_before_are_learnt_when_the_app_starts(qtbot, settings, paths, bundled):
    from digitpad.gui.window.main_window import MainWindow
    from digitpad.session import Session

    model, path, metadata = bundled
    first = Session.start(model, path, metadata, paths.data_dir)
    image = np.zeros((28, 28), np.uint8)
    image[4:24, 13:16] = 255
    for label in (1, 7, 7):
        first.add_sample(label, image)
    window = MainWindow(settings, paths, Session.start(model, path, metadata, paths.data_dir))
    qtbot.addWidget(window)
    wait_for_memory(qtbot, window)
    assert len(window.session().personal) == 3 and window.session().reader is window.session().personal.layer


def test_without_mnist_on_the_computer_it_still_learns_and_says_what_it_cannot_do(window, qtbot, pairs,
                                                                                   monkeypatch):
    monkeypatch.delenv("DIGITPAD_MNIST_DIR", raising=False)      # nothing in the empty cache either
    taught, _ = pairs[4]
    read(window, taught)
    window.labelDrawing(taught.label)
    window.handwritingController.show()
    dialog = window.handwritingController.dialog()
    qtbot.addWidget(dialog)
    notes = dialog.personalisationPanel.notesLabel
    qtbot.waitUntil(lambda: "test digits" in notes.text(), timeout=30000)
    assert notes.isVisible() and "training digits are not on this computer" in notes.text()
    assert not window.session().personal.has_anchors and len(window.session().personal) == 1
    assert read(window, taught).digit == taught.label            # learnt all the same
