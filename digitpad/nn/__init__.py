"""``digitpad.nn``: a small neural-network framework in NumPy — layers,
activations, the fused softmax cross-entropy loss, the layer registry and the
``MLP`` container built from layer specs, optimisers, learning-rate schedules
and gradient clipping. It imports nothing but NumPy and the standard library.
The fast code lives in the modules named after what they hold;
``digitpad.nn.textbook`` is the same forward and backward pass, and the same
optimisers, written the way a textbook does, for reading.
"""

from digitpad.nn.activations import ACTIVATIONS, Activation, LeakyReLU, ReLU, Sigmoid, Tanh
from digitpad.nn.architecture import (architecture_of, architecture_specs, architecture_summary,
                                      mlp_layer_specs)
from digitpad.nn.clipping import clip_grad_norm, global_norm
from digitpad.nn.layers import BuildContext, Dense, Dropout, Layer, Parameter, SpecField
from digitpad.nn.losses import SoftmaxCrossEntropy, softmax
from digitpad.nn.mlp import (MAX_HIDDEN_LAYERS, MAX_LAYER_SIZE, MAX_LAYER_SPECS, MAX_PARAMETERS, MLP,
                             check_layer_sizes, check_layer_specs, layer_sizes, parameter_count,
                             specs_parameter_count)
from digitpad.nn.optimizers import OPTIMIZERS, SGD, Adam, AdamW, Optimizer
from digitpad.nn.registry import LAYER_TYPES, activation_spec, check_spec, layer_type
from digitpad.nn.schedules import ConstantSchedule, CosineSchedule, StepSchedule, WarmupSchedule

__all__ = [
    "MLP", "MAX_HIDDEN_LAYERS", "MAX_LAYER_SIZE", "MAX_LAYER_SPECS", "MAX_PARAMETERS",
    "check_layer_sizes", "check_layer_specs", "layer_sizes", "parameter_count", "specs_parameter_count",
    "LAYER_TYPES", "layer_type", "check_spec", "activation_spec",
    "architecture_of", "architecture_specs", "architecture_summary", "mlp_layer_specs",
    "Layer", "Parameter", "SpecField", "BuildContext", "Dense", "Dropout",
    "Activation", "ACTIVATIONS", "ReLU", "LeakyReLU", "Sigmoid", "Tanh",
    "SoftmaxCrossEntropy", "softmax",
    "Optimizer", "SGD", "Adam", "AdamW", "OPTIMIZERS",
    "ConstantSchedule", "StepSchedule", "CosineSchedule", "WarmupSchedule",
    "clip_grad_norm", "global_norm",
]
