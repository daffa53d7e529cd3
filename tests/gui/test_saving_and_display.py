"""Saving never replaces a file the user did not agree to replace by name
("mymodel" typed, "mymodel.npz" exists), and user-supplied strings — file
names in the status bar, menus and messages — are shown as plain text,
never interpreted as HTML."""

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox

from digitpad.model.checkpoint import load_checkpoint, save_checkpoint
from digitpad.nn import MLP


@pytest.fixture
def existing(tmp_path):
    """A model the user made earlier, at mymodel.npz."""
    return save_checkpoint(MLP(784, (8,), 10, rng=np.random.default_rng(1)), tmp_path / "mymodel.npz")


def type_in_save_dialog(monkeypatch, path):
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args, **kwargs: (str(path), ""))


def test_a_name_typed_without_npz_asks_before_replacing_the_real_file(window, existing, tmp_path,
                                                                     monkeypatch, warnings):
    before = existing.read_bytes()
    type_in_save_dialog(monkeypatch, tmp_path / "mymodel")
    window.checkpointFiles.saveAs()                               # answered No
    assert len(warnings) == 1 and str(existing) in warnings[0][1] and "replace" in warnings[0][1]
    assert existing.read_bytes() == before
    warnings.answer = QMessageBox.StandardButton.Yes
    window.checkpointFiles.saveAs()
    model, _ = load_checkpoint(existing)
    assert model.hidden_sizes == window.model().hidden_sizes and len(warnings) == 2


def test_a_new_name_is_saved_without_a_question(window, tmp_path, monkeypatch, warnings):
    type_in_save_dialog(monkeypatch, tmp_path / "fresh")
    window.checkpointFiles.saveAs()
    assert warnings == [] and (tmp_path / "fresh.npz").is_file()


def test_exporting_handwriting_asks_about_the_real_name_too(window, tmp_path, monkeypatch, warnings, qtbot):
    from digitpad.gui.common.synthetic_input import write_digit

    write_digit(window.canvas, 4)
    window.labelDrawing(4)
    window.handwritingController.show()
    dialog = window.handwritingController.dialog()
    qtbot.addWidget(dialog)
    mine = tmp_path / "mine.npz"
    mine.write_bytes(b"the user's own file")
    type_in_save_dialog(monkeypatch, tmp_path / "mine")
    dialog.chooseExport()
    assert "replace" in warnings[-1][1] and mine.read_bytes() == b"the user's own file"


def test_file_names_are_shown_as_plain_text(window, tmp_path, warnings):
    hostile = tmp_path / "<font color=red>OFFICIAL & model.npz"
    save_checkpoint(MLP(784, (8,), 10, rng=np.random.default_rng(0)), hostile)
    assert window.openCheckpoint(str(hostile))
    label = window.modelStatus
    assert label.textFormat() == Qt.TextFormat.PlainText and "<font color=red>OFFICIAL" in label.text()
    assert "&lt;font" in label.toolTip() and "<font" not in label.toolTip()
    recent = window.recentMenu.actions()[0]
    assert recent.text() == "<font color=red>OFFICIAL && model.npz"     # "&&" shows one "&"
    assert "&lt;font" in recent.toolTip()
    broken = tmp_path / "<b>bold<b>.npz"
    broken.write_bytes(b"junk")
    window.openCheckpoint(str(broken))
    assert "<b>bold<b>.npz" in warnings[-1][1]             # shown as typed, by a plain-text box


def test_message_boxes_are_plain_text(qapp, monkeypatch):
    from digitpad.gui.common import messages

    boxes = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: boxes.append(box) or 0)
    messages.warn(None, "Title", "<i>not italic</i>")
    messages.ask(None, "Title", "<i>a question</i>")
    assert [box.textFormat() for box in boxes] == [Qt.TextFormat.PlainText] * 2
