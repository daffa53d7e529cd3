"""``digitpad.inside``: looking inside the network, Qt-free, for the app,
the scripts and the tests alike. ``layers.network_layers`` names the layers
a learner sees (weights, bias, activation); ``trace`` follows one image
through them, ending in the softmax taken apart step by step;
``attribution`` says which pixels pushed a digit's score up or down;
``edits`` makes edited copies of a network (units off, biases shifted,
weights scaled, pruned or jittered, a softmax temperature); ``scores`` and
``activity`` measure a network on MNIST test digits; ``point_map`` lays
the test digits out in two dimensions at any layer (PCA in NumPy, t-SNE by
scikit-learn, imported only when asked for). It uses ``digitpad.nn`` and
NumPy only, but for that t-SNE.
"""

from digitpad.inside.activity import unit_activity
from digitpad.inside.attribution import attribution, attributions, input_gradients
from digitpad.inside.edits import ModelEdits, edit_model
from digitpad.inside.layers import LayerView, network_layers
from digitpad.inside.point_map import PointMap, fit_pca, make_point_map, place, representation_names
from digitpad.inside.scores import Scores, damage_curve, score_model
from digitpad.inside.trace import LayerTrace, SoftmaxSteps, Trace, softmax_steps, trace

__all__ = [
    "LayerView", "network_layers", "Trace", "LayerTrace", "trace", "SoftmaxSteps", "softmax_steps",
    "attribution", "attributions", "input_gradients", "ModelEdits", "edit_model", "unit_activity",
    "Scores", "score_model", "damage_curve", "PointMap", "make_point_map", "fit_pca", "place",
    "representation_names",
]
