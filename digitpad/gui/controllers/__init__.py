"""The main window's controllers: each owns one piece of what the window
does — opening pictures and checkpoints, scoring the model on MNIST, and the
lifecycle of each dialog (create it, connect it, show it, forget it) — and
talks to the window by signal. The window composes them and builds the menus.
"""
