"""Fixtures for the GUI tests: a private settings file and data folders, the
bundled model, a session with it and a shown main window. Pen input comes from
``digitpad.gui.common.synthetic_input`` (real QMouseEvents with the button held)."""

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMessageBox

from digitpad.gui.app_paths import AppPaths
from digitpad.gui.settings import AppSettings
from digitpad.gui.window.main_window import MainWindow
from digitpad.model.checkpoint import bundled_checkpoint_path, load_checkpoint
from digitpad.session import Session


@pytest.fixture
def settings(tmp_path):
    return AppSettings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))


@pytest.fixture
def paths(tmp_path):
    return AppPaths(tmp_path / "data", tmp_path / "cache")


@pytest.fixture(scope="session")
def bundled():
    path = bundled_checkpoint_path()
    model, metadata = load_checkpoint(path)
    return model, path, metadata


@pytest.fixture
def session(paths, bundled):
    model, path, metadata = bundled
    return Session.start(model, path, metadata, paths.data_dir)


@pytest.fixture
def window(qtbot, settings, paths, session):
    main_window = MainWindow(settings, paths, session)
    qtbot.addWidget(main_window)
    main_window.resize(1000, 640)
    main_window.show()
    qtbot.waitExposed(main_window)
    return main_window


@pytest.fixture(autouse=True)
def no_message_box_waits_forever(monkeypatch):
    """Offscreen, a message box nobody answers would hang the run: a test
    that shows one without the ``warnings`` fixture fails at once instead."""
    def refuse(box):
        raise AssertionError(f"a message box would wait for a click forever: "
                             f"{box.windowTitle()!r}: {box.text()[:200]!r}")

    monkeypatch.setattr(QMessageBox, "exec", refuse)


class ShownMessages(list):
    """``(title, text)`` of every message box shown; ``answer`` is the button "pressed"."""

    answer = QMessageBox.StandardButton.No


@pytest.fixture
def warnings(monkeypatch):
    """Capture message boxes (all of them go through ``digitpad.gui.common.messages``)
    instead of showing them."""
    shown = ShownMessages()

    def record(box):
        shown.append((box.windowTitle(), box.text()))
        return int(shown.answer.value)

    monkeypatch.setattr(QMessageBox, "exec", record)
    return shown
