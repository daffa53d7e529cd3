"""Model info lists every training setting the checkpoint records, labelled
and ordered by the settings description — including the redraw, style and
slow-pen augmentations the bundled model was trained with."""

from digitpad.gui.evaluation.model_info_dialog import ModelInfoDialog, model_info_html
from digitpad.train.config import SETTINGS, setting_named

def test_every_training_setting_is_shown_with_its_label_in_order(bundled):
    model, path, metadata = bundled
    html = model_info_html(model, path, metadata)
    text = html[html.index("<h4>Training</h4>"):]
    text = text[:text.index("</table>")]
    training = metadata["training"]
    positions = []
    for item in SETTINGS:
        assert item.name in training, item.name        # the bundled model records every setting
        cell = f">{item.label}</td>"
        assert cell in text, item.label
        positions.append(text.index(cell))
    assert positions == sorted(positions)
    for label in (setting_named("augment_redraw").label, setting_named("augment_styles").label):
        assert f">{label}</td><td>0.5</td>" in text
    assert f">{setting_named('augment_angular').label}</td><td>0.05</td>" in text
    assert ">Hidden layers</td><td>1024, 1024</td>" in text


def test_settings_no_longer_described_are_still_shown(bundled, qtbot):
    model, path, metadata = bundled
    older = {**metadata, "training": {"epochs": 3, "blur_radius": 1.5}}
    text = model_info_html(model, path, older)
    assert ">Epochs</td><td>3</td>" in text and ">blur_radius</td><td>1.5</td>" in text
    dialog = ModelInfoDialog(model, path, older)
    qtbot.addWidget(dialog)
