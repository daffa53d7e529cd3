"""How a network is written down. In general it is an input size and a list
of layer specs, ``{"input_size": 784, "layers": [{"type": "dense",
"out_features": 512}, {"type": "relu"}, ...]}``. Most digitpad networks have
one shape — per hidden layer Dense -> activation -> Dropout (when the rate is
not 0), then a Dense output layer — and the *MLP shorthand* names it:
``{input_size, hidden_sizes, num_classes, activation, dropout,
negative_slope}``, the ``architecture`` of every format-1 checkpoint, which
the GUI and training configs read too. ``architecture_of`` writes the
shorthand whenever it fits (so any digitpad reads the file) and the general
form otherwise; ``architecture_specs`` reads either back as specs.
"""

from __future__ import annotations

from typing import Mapping, Sequence

from digitpad.nn.activations import ACTIVATIONS, LeakyReLU
from digitpad.nn.layers import Dense, Dropout
from digitpad.nn.registry import activation_spec

# The only activation setting the shorthand has a key for; an activation with
# other settings is written in the general form.
_SHORTHAND_ACTIVATION_SETTINGS = {"negative_slope"}
DEFAULT_NEGATIVE_SLOPE = LeakyReLU.spec_fields["negative_slope"].default


def mlp_layer_specs(hidden_sizes: Sequence[int], num_classes: int, activation: str = "relu",
                    dropout: float = 0.0, negative_slope: float = DEFAULT_NEGATIVE_SLOPE) -> list[dict]:
    """The layer specs the MLP shorthand stands for (unchecked: sizes and
    rates are checked when a network is built from them)."""
    hidden_activation = activation_spec(activation, negative_slope=negative_slope)
    specs = []
    for size in hidden_sizes:
        specs.append({"type": Dense.type_name, "out_features": size})
        specs.append(dict(hidden_activation))
        if dropout != 0:
            specs.append({"type": Dropout.type_name, "rate": dropout})
    specs.append({"type": Dense.type_name, "out_features": num_classes})
    return specs


def architecture_of(input_size: int, specs: Sequence[Mapping]) -> dict:
    """The JSON-able description of a network: the MLP shorthand when
    ``specs`` (checked, defaults filled in) have that shape, else
    ``{"input_size", "layers"}``."""
    shorthand = _shorthand(specs)
    if shorthand is None:
        return {"input_size": input_size, "layers": [dict(spec) for spec in specs]}
    return {"input_size": input_size, **shorthand}


def architecture_specs(architecture: Mapping) -> tuple[int, list[dict]]:
    """``(input_size, layer specs)`` from either form of description (unchecked)."""
    if "layers" in architecture:
        return architecture["input_size"], [dict(spec) for spec in architecture["layers"]]
    return architecture["input_size"], mlp_layer_specs(
        architecture["hidden_sizes"], architecture["num_classes"], architecture["activation"],
        architecture.get("dropout", 0.0), architecture.get("negative_slope", DEFAULT_NEGATIVE_SLOPE))


def activation_names(specs: Sequence[Mapping]) -> str:
    """The activations in ``specs``: "relu", several joined by commas, or "none"."""
    return ", ".join(dict.fromkeys(spec["type"] for spec in specs if spec["type"] in ACTIVATIONS)) or "none"


def architecture_summary(architecture: Mapping) -> str:
    """The network in words, "784-1024-1024-10 relu" (input, Dense layer
    sizes, activations), from either form of description."""
    input_size, specs = architecture_specs(architecture)
    sizes = [input_size, *(spec["out_features"] for spec in specs if spec["type"] == Dense.type_name)]
    return "-".join(str(size) for size in sizes) + " " + activation_names(specs)


def _shorthand(specs: Sequence[Mapping]) -> dict | None:
    """The shorthand keys (all but ``input_size``) for ``specs``, or None
    when the shorthand cannot express them."""
    dense_sizes = [spec["out_features"] for spec in specs if spec["type"] == Dense.type_name]
    activations = [spec for spec in specs if spec["type"] in ACTIVATIONS]
    rates = [spec["rate"] for spec in specs if spec["type"] == Dropout.type_name]
    if not dense_sizes or not activations or set(activations[0]) - {"type"} - _SHORTHAND_ACTIVATION_SETTINGS:
        return None
    shorthand = {
        "hidden_sizes": dense_sizes[:-1],
        "num_classes": dense_sizes[-1],
        "activation": activations[0]["type"],
        "dropout": rates[0] if rates else 0.0,
        "negative_slope": activations[0].get("negative_slope", DEFAULT_NEGATIVE_SLOPE),
    }
    # It fits exactly when expanding it gives these very specs back.
    expanded = mlp_layer_specs(shorthand["hidden_sizes"], shorthand["num_classes"], shorthand["activation"],
                               shorthand["dropout"], shorthand["negative_slope"])
    return shorthand if expanded == [dict(spec) for spec in specs] else None
