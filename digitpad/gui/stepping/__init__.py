"""Model → Step through a digit: the forward pass of one digit — the drawing
on the canvas or an MNIST test digit — layer by layer with the real numbers
of the model in use. Each layer shows its inputs ``x``, weights ``W``, bias
``b``, weighted sums ``z = x W + b`` and activations, the softmax is taken
apart step by step at a temperature the learner chooses, and hovering any
number explains its arithmetic. The numbers come from
``digitpad.inside.trace``; this package only shows them.
"""
