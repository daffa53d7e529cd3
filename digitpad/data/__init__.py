"""``digitpad.data``: everything about the digits themselves, Qt-free and
independent of training code. ``mnist`` — the data set: its files, reading,
finding, downloading, splitting and batching; ``ink`` — strokes, pictures
and the preprocessing that turns any ink into the network's 28x28 input;
``augment`` — synthesising training digits; ``handwriting`` — the user's
labelled samples. It depends on NumPy, ``digitpad.nn`` and
``digitpad.storage`` at most.
"""
