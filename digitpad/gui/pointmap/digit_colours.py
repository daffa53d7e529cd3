"""The ten digits' colours on the point map, and the map's own: the dark
background, text colours and the highlight of the network view, so the
views inside the network read alike. The ten colours are a bright version
of the common "Tableau 10" palette, chosen to stay apart from one another
on a dark background; none is white, which marks the user's drawing.
"""

from __future__ import annotations

from PySide6.QtGui import QColor

from digitpad.gui.network.colours import BACKGROUND, FAINT_TEXT, SELECTED, TEXT

DIGIT_COLOURS = [QColor(rgb) for rgb in ("#4e9be6", "#f28e2b", "#59c36a", "#e15759", "#b07ae8",
                                         "#c49a6c", "#ff9da7", "#a5aab5", "#edc948", "#5fd3e0")]
DRAWING = QColor(255, 255, 255)         # the live point: the drawing on the canvas
MISTAKE_RING = QColor(255, 255, 255)    # around a digit the model reads wrongly
DIMMED_ALPHA = 38                       # the other digits, while one digit is picked in the legend

__all__ = ["DIGIT_COLOURS", "DRAWING", "MISTAKE_RING", "DIMMED_ALPHA", "BACKGROUND", "TEXT", "FAINT_TEXT",
           "SELECTED"]
