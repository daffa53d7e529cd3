"""``digitpad.gui.lab``: Model → Lab, where a learner changes the real
network — switches hidden units off, shifts biases, scales weights, prunes
the smallest weights, adds noise, sets the softmax temperature — and sees
what happens to their drawing and to the MNIST test set, with damage curves
of how far accuracy falls; an edited network can be kept as the model in
use. The edits themselves are made Qt-free by ``digitpad.inside``.
"""
