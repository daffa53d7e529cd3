"""``digitpad.gui``: the PySide6 desktop app — the only package that imports
Qt. Start-up, paths and stored settings sit here (``app``, ``app_paths``,
``settings``, ``self_test``); ``window`` is the main window and its parts;
``training``, ``evaluation`` and ``handwriting`` hold the dialogs of the
Model menu with their background jobs; ``controllers`` connect each piece of
work to the window; ``common`` is what all of them use. The windows observe
the Qt-free ``digitpad.session``. One widget or dialog per module; long work
runs in worker objects on a ``BackgroundTask``'s thread and reports back by
signal.
"""
