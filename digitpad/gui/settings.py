"""Persistent preferences of the app — pen width, the checkpoint in use,
recent checkpoints, the MNIST folder and window geometry — stored with
QSettings. The QSettings object is passed in, so tests use a private INI file.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings

MAX_RECENT = 8


class AppSettings:
    def __init__(self, settings: QSettings) -> None:
        self._settings = settings

    @property
    def qsettings(self) -> QSettings:
        return self._settings

    def _string(self, key: str) -> str:
        value = self._settings.value(key, "")
        return value if isinstance(value, str) else ""

    # pen ------------------------------------------------------------------
    def pen_width(self, default: float = 22.0) -> float:
        try:
            return float(self._settings.value("canvas/penWidth", default))
        except (TypeError, ValueError):
            return default

    def set_pen_width(self, width: float) -> None:
        self._settings.setValue("canvas/penWidth", float(width))

    # checkpoints ------------------------------------------------------------
    def last_checkpoint(self) -> str:
        return self._string("model/lastCheckpoint")

    def set_last_checkpoint(self, path: str) -> None:
        self._settings.setValue("model/lastCheckpoint", path)

    def recent_checkpoints(self) -> list[str]:
        value = self._settings.value("model/recent", [])
        if isinstance(value, str):
            value = [value]
        return [item for item in (value or []) if isinstance(item, str) and item]

    def add_recent_checkpoint(self, path: str) -> list[str]:
        recent = [path] + [item for item in self.recent_checkpoints() if item != path]
        recent = recent[:MAX_RECENT]
        self._settings.setValue("model/recent", recent)
        return recent

    def remove_recent_checkpoint(self, path: str) -> list[str]:
        recent = [item for item in self.recent_checkpoints() if item != path]
        self._settings.setValue("model/recent", recent)
        return recent

    # data -----------------------------------------------------------------
    def mnist_dir(self) -> str:
        return self._string("data/mnistDir")

    def set_mnist_dir(self, path: str) -> None:
        self._settings.setValue("data/mnistDir", path)

    # window -----------------------------------------------------------------
    def window_geometry(self) -> QByteArray | None:
        value = self._settings.value("window/geometry")
        return value if isinstance(value, QByteArray) else None

    def window_state(self) -> QByteArray | None:
        value = self._settings.value("window/state")
        return value if isinstance(value, QByteArray) else None

    def save_window(self, geometry: QByteArray, state: QByteArray) -> None:
        self._settings.setValue("window/geometry", geometry)
        self._settings.setValue("window/state", state)

    def sync(self) -> None:
        self._settings.sync()
