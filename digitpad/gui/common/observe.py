"""Widgets observing the session. The session is Qt-free and tells its
observers through plain callbacks (``digitpad.session.Event``); a widget
that observes it through ``observe`` is disconnected when Qt deletes it, so
a dialog closed for good is never called back.
"""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QObject

from digitpad.session import Event


def observe(owner: QObject, event: Event, callback: Callable) -> None:
    """Call ``callback`` on ``event`` for as long as ``owner`` exists."""
    event.connect(callback)
    # The lambda holds only the event and the callback, never the owner's
    # C++ side, which is gone by the time ``destroyed`` arrives.
    owner.destroyed.connect(lambda *_: event.disconnect(callback))
