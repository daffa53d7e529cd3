"""``digitpad.gui.handwriting``: the user's own handwriting — the My
handwriting window of labelled samples, and adapting the model to them in
the background.
"""
