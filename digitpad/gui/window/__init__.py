"""``digitpad.gui.window``: the main window and what it is made of — the
drawing canvas and its tools, live recognition, the result panel with the
28x28 preview and the probability bars, the model's status line, the actions
and menus, the recent-checkpoints menu, the keyboard-shortcuts list, and
reading a picture onto the canvas in the background.
"""
