"""View → Point map: the MNIST test digits as points on a map, one map per
depth of the network (the input pixels, each hidden layer, the output
scores), laid out by PCA or t-SNE in the background, coloured by the digit
written, with the model's mistakes ringed and the drawing on the canvas as
a live point. The numbers come from ``digitpad.inside.point_map``; these
modules only show them.
"""
