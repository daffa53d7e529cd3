"""``digitpad.gui``: the PySide6 desktop app — the only package that imports
Qt. The windows observe the Qt-free ``digitpad.session``; the main window
composes panels and ``controllers`` (one per piece of work or dialog) and
builds the menus. One widget or dialog per module; long work runs in worker
objects on a ``BackgroundTask``'s thread and reports back by signal.
"""
