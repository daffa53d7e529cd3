"""Persistent preferences of the app — pen width, the checkpoint in use,
recent checkpoints, the MNIST folder, whether drawings are read with the
user's samples (instant personalisation), window geometry and the layout of the
window's docks — stored with QSettings. ``SETTINGS`` is the one description
of them: key, type and range (a ``digitpad.storage.schema`` field) and
default. Every value read back is checked against it, so a hand-edited or
damaged settings file can never stop the app: ``repair()`` resets what
cannot be used (and says what it reset, to report once) and every getter
falls back to the default. The QSettings object is passed in, so tests use
a private INI file. ``remember_checkpoints`` keeps the checkpoint to reopen
and the recent list in step with the session.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QByteArray, QSettings

from digitpad.storage.schema import Boolean, Field, ListOf, Number, SchemaError, String, quote

if TYPE_CHECKING:
    from digitpad.session import Session

MAX_RECENT = 10
PEN_WIDTH_RANGE = (4, 48)
DEFAULT_PEN_WIDTH = 22.0
_MAX_PATH = 4096
_MAX_WINDOW_STATE_BYTES = 1 << 16


@dataclass(frozen=True)
class Setting:
    key: str
    label: str                       # for the user, in the report of what was reset
    field: Field | None              # None: raw bytes (window geometry), checked by Qt
    default: Any


PEN_WIDTH = Setting("canvas/penWidth", "Pen width", Number(*PEN_WIDTH_RANGE), DEFAULT_PEN_WIDTH)
LAST_CHECKPOINT = Setting("model/lastCheckpoint", "Model in use", String(_MAX_PATH), "")
RECENT_CHECKPOINTS = Setting("model/recent", "Recent checkpoints",
                             ListOf(String(_MAX_PATH, min_length=1), max_length=MAX_RECENT), [])
MNIST_DIR = Setting("data/mnistDir", "MNIST folder", String(_MAX_PATH), "")
PERSONALISE = Setting("handwriting/personalise", "Read drawings with my samples", Boolean(), True)
WINDOW_GEOMETRY = Setting("window/geometry", "Window position", None, None)
WINDOW_STATE = Setting("window/state", "Window layout", None, None)
SETTINGS = (PEN_WIDTH, LAST_CHECKPOINT, RECENT_CHECKPOINTS, MNIST_DIR, PERSONALISE, WINDOW_GEOMETRY,
            WINDOW_STATE)


def _typed(setting: Setting, raw: Any) -> Any:
    """``raw`` as QSettings returns it (text from an INI file, or the value
    set in this session) turned into the setting's type; may raise ValueError."""
    if setting.field is None:
        if not isinstance(raw, QByteArray) or raw.size() > _MAX_WINDOW_STATE_BYTES:
            raise ValueError("not window data")
        return raw
    if isinstance(setting.field, Number):
        if isinstance(raw, str):
            return float(raw.strip())
        if isinstance(raw, bool):
            raise ValueError("not a number")
        return raw
    if isinstance(setting.field, Boolean) and isinstance(raw, str):
        # An INI file keeps a flag as text.
        if raw.strip().lower() not in ("true", "false"):
            raise ValueError("not true or false")
        return raw.strip().lower() == "true"
    if isinstance(setting.field, ListOf):
        if raw is None:                  # how QSettings reads back an empty list
            return []
        if isinstance(raw, str):
            raw = [raw] if raw else []
        if isinstance(raw, (list, tuple)) and len(raw) > MAX_RECENT:
            # A list grown by hand or by an old version is still usable: keep the newest.
            raw = list(raw[:MAX_RECENT])
        return list(raw) if isinstance(raw, (list, tuple)) else raw
    return raw


class AppSettings:
    def __init__(self, settings: QSettings) -> None:
        self._settings = settings

    @property
    def qsettings(self) -> QSettings:
        return self._settings

    # -- checked access ---------------------------------------------------------
    def _check(self, setting: Setting) -> tuple[Any, str | None]:
        """``(value, problem)``: the stored value, or the default and why."""
        if not self._settings.contains(setting.key):
            return setting.default, None
        raw = self._settings.value(setting.key)
        try:
            value = _typed(setting, raw)
            if setting.field is not None:
                value = setting.field.validate(value)
            return value, None
        except (SchemaError, ValueError, TypeError, OverflowError):
            return setting.default, f"{setting.label}: {quote(raw if not isinstance(raw, QByteArray) else 'window data')}"

    def _get(self, setting: Setting) -> Any:
        return self._check(setting)[0]

    def _set(self, setting: Setting, value: Any) -> None:
        if setting.field is not None:
            value = setting.field.validate(value)
        if value == [] or value == "":
            self._settings.remove(setting.key)
        else:
            self._settings.setValue(setting.key, value)

    def repair(self) -> list[str]:
        """Reset every stored value that cannot be used; returns what was reset,
        in words, for one report to the user. A list longer than allowed is
        shortened quietly."""
        problems = []
        for setting in SETTINGS:
            value, problem = self._check(setting)
            if problem is not None:
                self._settings.remove(setting.key)
                problems.append(problem)
            elif setting is RECENT_CHECKPOINTS and self._settings.contains(setting.key):
                raw = self._settings.value(setting.key)
                if isinstance(raw, (list, tuple)) and len(raw) > MAX_RECENT:
                    self._settings.setValue(setting.key, value)
        self._settings.sync()
        return problems

    # pen ------------------------------------------------------------------
    def pen_width(self) -> float:
        return float(self._get(PEN_WIDTH))

    def set_pen_width(self, width: float) -> None:
        self._set(PEN_WIDTH, float(width))

    # checkpoints ------------------------------------------------------------
    def last_checkpoint(self) -> str:
        return self._get(LAST_CHECKPOINT)

    def set_last_checkpoint(self, path: str) -> None:
        self._set(LAST_CHECKPOINT, str(path))

    def forget_last_checkpoint(self) -> None:
        self._settings.remove(LAST_CHECKPOINT.key)

    def recent_checkpoints(self) -> list[str]:
        return list(self._get(RECENT_CHECKPOINTS))

    def add_recent_checkpoint(self, path: str) -> list[str]:
        recent = ([str(path)] + [item for item in self.recent_checkpoints() if item != str(path)])[:MAX_RECENT]
        self._set(RECENT_CHECKPOINTS, recent)
        return recent

    def remove_recent_checkpoint(self, path: str) -> list[str]:
        recent = [item for item in self.recent_checkpoints() if item != str(path)]
        self._set(RECENT_CHECKPOINTS, recent)
        return recent

    # data -----------------------------------------------------------------
    def mnist_dir(self) -> str:
        return self._get(MNIST_DIR)

    def set_mnist_dir(self, path: str) -> None:
        self._set(MNIST_DIR, str(path))

    # handwriting ----------------------------------------------------------------
    def personalise(self) -> bool:
        return bool(self._get(PERSONALISE))

    def set_personalise(self, on: bool) -> None:
        self._set(PERSONALISE, bool(on))

    # window -----------------------------------------------------------------
    def window_geometry(self) -> QByteArray | None:
        return self._get(WINDOW_GEOMETRY)

    def window_state(self) -> QByteArray | None:
        """The layout of the main window's docks and toolbars (for ``restoreState``), or None."""
        return self._get(WINDOW_STATE)

    def save_window(self, geometry: QByteArray, state: QByteArray) -> None:
        self._settings.setValue(WINDOW_GEOMETRY.key, geometry)
        self._settings.setValue(WINDOW_STATE.key, state)

    def sync(self) -> None:
        self._settings.sync()


def remember_checkpoints(settings: AppSettings, session: Session) -> None:
    """From now on, remember the model ``session`` switches to — reopened at
    the next start and listed first among the recent checkpoints — and list
    every copy saved. The main window connects this after whatever shows the
    model, so a model that cannot be shown is never remembered."""
    def model_changed() -> None:
        path = str(session.model_path)
        settings.set_last_checkpoint(path)
        settings.add_recent_checkpoint(path)

    session.model_changed.connect(model_changed)
    session.checkpoint_saved.connect(lambda path: settings.add_recent_checkpoint(str(path)))
