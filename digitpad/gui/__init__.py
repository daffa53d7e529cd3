"""``digitpad.gui``: the PySide6 desktop app — the only package that imports
Qt. One widget or dialog per module; long work runs in worker objects on
their own threads and reports back by signal.
"""
