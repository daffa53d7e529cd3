"""The Retrain dialog's form: one editor per training setting, generated from
the settings description (``digitpad.train.config.HYPERPARAMETERS``) — a spin
box over the setting's range, a combo box of its registry's choices, a check
box for a flag, a text field for the hidden layers — in a box per group,
each with a tooltip and a "What's This?" explanation for someone learning
what the setting does. ``setConfig`` shows a ``TrainConfig`` (a preset, say);
``config`` builds and validates one from what the user set.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (QAbstractSpinBox, QCheckBox, QComboBox, QDoubleSpinBox, QFormLayout,
                               QHBoxLayout, QLineEdit, QSpinBox, QTabWidget, QToolButton, QVBoxLayout,
                               QWidget)

from digitpad.gui.common.messages import escape
from digitpad.train.config import HYPERPARAMETERS, TrainConfig, setting_named
from digitpad.train.settings import GROUPS, Setting, format_value

# The largest value a QSpinBox holds; a larger bound (the seed's) is cut here.
_SPIN_BOX_LIMIT = 2**31 - 1


class TrainingForm(QWidget):
    def __init__(self, parent: QWidget | None = None, columns: int = 2) -> None:
        super().__init__(parent)
        self._editors: dict[str, QWidget] = {}
        self._config = TrainConfig()
        self._lay_out(columns)
        self.setConfig(self._config)

    # -- what the form shows ----------------------------------------------
    def setConfig(self, config: TrainConfig) -> None:
        """Show every setting of ``config``; settings without an editor (the
        preset's name) are kept for ``config``."""
        self._config = config
        self.setValues(**{item.name: getattr(config, item.name) for item in HYPERPARAMETERS})

    def setValues(self, **values: Any) -> None:
        """Put values into the editors of the named settings, as if typed."""
        for name, value in values.items():
            _write(self.editor(name), setting_named(name), value)

    def config(self) -> TrainConfig:
        """The config the form describes; raises ValueError with a readable message."""
        values = {item.name: _read(self._editors[item.name], item) for item in HYPERPARAMETERS}
        config = self._config.replace(**values)
        config.validate()
        return config

    def setEditable(self, editable: bool) -> None:
        """Allow or refuse changes (while a run trains). The tabs still switch,
        so the settings of the running training can be read."""
        for index in range(self.tabs.count()):
            self.tabs.widget(index).setEnabled(editable)

    def isEditable(self) -> bool:
        return self.tabs.widget(0).isEnabled()

    def editor(self, name: str) -> QWidget:
        """The widget that edits the setting ``name`` (its objectName is the
        name in camelCase: ``learningRate``)."""
        try:
            return self._editors[name]
        except KeyError:
            raise ValueError(f"the form has no editor for {name!r}") from None

    # -- layout -------------------------------------------------------------
    def _lay_out(self, columns: int) -> None:
        # One tab per group keeps the dialog short enough for a 1280x720
        # screen; a tab's settings are spread over up to ``columns`` columns.
        self.tabs = QTabWidget()
        self.tabs.setObjectName("settingsTabs")
        self.tabs.setWhatsThis("The settings of a training run, grouped by what they control. Pick a "
                               "preset above to fill them all, then change any of them.")
        for group in GROUPS:
            members = [item for item in HYPERPARAMETERS if item.group == group]
            if members:
                self.tabs.addTab(self._group_page(group, members, columns), group[0].upper() + group[1:])
        # In a narrow window the tabs scroll; their arrows explain themselves too.
        for arrow in self.tabs.tabBar().findChildren(QToolButton):
            arrow.setToolTip("Show the other groups of settings")
            arrow.setWhatsThis("<p><b>More settings</b></p><p>Not every group's tab fits: the arrows "
                               "scroll the tabs to the other groups of settings.</p>")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)

    def _group_page(self, group: str, members: list[Setting], columns: int) -> QWidget:
        page = QWidget()
        page.setObjectName(_camel_case(group.replace("-", " ").replace(" ", "_")) + "Settings")
        row = QHBoxLayout(page)
        per_column = -(-len(members) // min(columns, len(members)))
        for first in range(0, len(members), per_column):
            rows = QFormLayout()
            for item in members[first:first + per_column]:
                self._add_editor(rows, item)
            row.addLayout(rows, 1)
        return page

    def _add_editor(self, rows: QFormLayout, item: Setting) -> None:
        editor = _make_editor(item)
        editor.setObjectName(_camel_case(item.name))
        editor.setToolTip(_tooltip(item))
        editor.setWhatsThis(_whats_this(item))
        self._editors[item.name] = editor
        if item.kind is bool:
            rows.addRow(editor)         # a check box carries its own label
            return
        rows.addRow(item.label, editor)
        label = rows.labelForField(editor)
        label.setToolTip(editor.toolTip())
        label.setWhatsThis(editor.whatsThis())


def _make_editor(item: Setting) -> QWidget:
    if item.kind is tuple:
        editor = QLineEdit()
        editor.setPlaceholderText("e.g. 512, 256")
        return editor
    if item.kind is bool:
        return QCheckBox(item.label)
    if item.choices:
        combo = QComboBox()
        combo.addItems(list(item.choices))
        return combo
    spin_box = QSpinBox() if item.kind is int else QDoubleSpinBox()
    if isinstance(spin_box, QDoubleSpinBox):
        spin_box.setDecimals(item.decimals)
    low, high = _spin_box_range(item)
    spin_box.setRange(low, high)
    spin_box.setSingleStep(item.step)
    spin_box.setCorrectionMode(QAbstractSpinBox.CorrectionMode.CorrectToNearestValue)
    if item.zero_text and low == 0:
        spin_box.setSpecialValueText(item.zero_text)
    return spin_box


def _spin_box_range(item: Setting) -> tuple[float, float]:
    """The setting's range as a spin box can hold it: an excluded end moved
    in by the smallest step shown, an open end at the form's maximum."""
    smallest = 1 if item.kind is int else 10.0 ** -item.decimals
    low = item.range.low if item.range.low is not None else 0
    high = item.range.high if item.range.high is not None else item.form_maximum
    if item.range.low_excluded:
        low += smallest
    if item.range.high_excluded:
        high -= smallest
    if item.kind is int:
        return int(low), int(min(high, _SPIN_BOX_LIMIT))
    return low, high


def _write(editor: QWidget, item: Setting, value: Any) -> None:
    if item.kind is tuple:
        editor.setText(format_value(item, value))
    elif item.kind is bool:
        editor.setChecked(bool(value))
    elif item.choices:
        editor.setCurrentText(str(value))
    else:
        # Where the range is open the form's end is only a suggestion: a
        # larger value (from a preset, say) widens it rather than being cut.
        if item.range.high is None and value > editor.maximum():
            editor.setMaximum(value)
        editor.setValue(value)


def _read(editor: QWidget, item: Setting) -> Any:
    if item.kind is tuple:
        try:
            return tuple(int(part) for part in editor.text().replace(",", " ").split())
        except ValueError:
            raise ValueError(f"{item.label.lower()} must be whole numbers separated by commas, "
                             "e.g. 512, 256") from None
    if item.kind is bool:
        return editor.isChecked()
    if item.choices:
        return editor.currentText()
    return editor.value()


def _sentence(text: str) -> str:
    return text[0].upper() + text[1:] + ("" if text.endswith(".") else ".")


def _allowed(item: Setting) -> str:
    if item.choices:
        return "one of " + ", ".join(item.choices)
    if item.kind is int:
        return f"a whole number from {item.range.low:,} to {item.range.high:,}"
    if item.range is None:
        return ""
    bounds = []
    if item.range.low is not None:
        bounds.append(f"{'greater than' if item.range.low_excluded else 'at least'} {item.range.low:g}")
    if item.range.high is not None:
        bounds.append(f"{'less than' if item.range.high_excluded else 'at most'} {item.range.high:g}")
    return "a number " + " and ".join(bounds)


def _tooltip(item: Setting) -> str:
    """Rich text (a tooltip cannot be plain), its content escaped."""
    return (f"<p><b>{escape(item.label)}</b></p><p>{escape(_sentence(item.help))}</p>"
            "<p><i>What's This? (Shift+F1 on the field) explains more.</i></p>")


def _whats_this(item: Setting) -> str:
    details = [f"Default: {format_value(item, item.default)}."]
    allowed = _allowed(item)
    if allowed:
        details.append(f"Allowed: {allowed}.")
    details.append(f"On the command line: {item.option}.")
    return (f"<p><b>{escape(item.label)}</b></p><p>{escape(item.explanation)}</p>"
            f"<p>{escape(' '.join(details))}</p>")


def _camel_case(name: str) -> str:
    first, *rest = name.split("_")
    return first + "".join(part.capitalize() for part in rest)
