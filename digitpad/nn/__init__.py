"""``digitpad.nn``: a small neural-network framework in NumPy — layers,
activations, the fused softmax cross-entropy loss, the ``MLP`` container,
optimisers, learning-rate schedules and gradient clipping. It imports nothing
but NumPy and the standard library.
"""

from digitpad.nn.activations import LeakyReLU, ReLU, Sigmoid, Tanh, make_activation
from digitpad.nn.clipping import clip_grad_norm, global_norm
from digitpad.nn.layers import Dense, Dropout, Layer, Parameter
from digitpad.nn.losses import SoftmaxCrossEntropy, softmax
from digitpad.nn.mlp import (MAX_HIDDEN_LAYERS, MAX_LAYER_SIZE, MAX_PARAMETERS, MLP,
                             check_layer_sizes, parameter_count)
from digitpad.nn.optimizers import OPTIMIZERS, SGD, Adam, AdamW, Optimizer
from digitpad.nn.schedules import ConstantSchedule, CosineSchedule, StepSchedule, WarmupSchedule

__all__ = [
    "MLP", "MAX_HIDDEN_LAYERS", "MAX_LAYER_SIZE", "MAX_PARAMETERS", "check_layer_sizes",
    "parameter_count", "Layer", "Parameter", "Dense", "Dropout",
    "ReLU", "LeakyReLU", "Sigmoid", "Tanh", "make_activation",
    "SoftmaxCrossEntropy", "softmax",
    "Optimizer", "SGD", "Adam", "AdamW", "OPTIMIZERS",
    "ConstantSchedule", "StepSchedule", "CosineSchedule", "WarmupSchedule",
    "clip_grad_norm", "global_norm",
]
