"""Views inside the network, live while the user draws: the network view
(every layer of the model in use, unit by unit, with the strongest
connections into the answer and into a chosen unit), the detail of one unit
(its weights, its numbers, how often it is active on the MNIST test digits)
and "Why this answer" (which pixels pushed the answer and the runner-up up
or down). The numbers come from ``digitpad.inside``; these modules only
show them.
"""
