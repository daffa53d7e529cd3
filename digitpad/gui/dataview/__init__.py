"""View → MNIST at a glance: the data the network learnt from — how many
digits of each kind, the average digit of each kind, how bright the pixels
are and random samples — read and summed up in the background. The numbers
come from ``digitpad.data.mnist.summary``; these modules only show them.
"""
