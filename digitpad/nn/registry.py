"""The layer registry: ``LAYER_TYPES`` maps every ``type`` a layer spec may
name to the class that builds it, and ``check_spec`` checks a spec against
the settings that class declares. A network is an input size and a list of
such specs (``MLP.from_specs``); checkpoints store and validate them through
this table, so registering a layer type here (activations register in
``activations.ACTIVATIONS``) is all it takes for networks to build, save and
load it.
"""

from __future__ import annotations

from typing import Any, Mapping

from digitpad.nn.activations import ACTIVATIONS, activation_type
from digitpad.nn.layers import Dense, Dropout, Layer

LAYER_TYPES: dict[str, type[Layer]] = {
    layer_type.type_name: layer_type for layer_type in (Dense, Dropout, *ACTIVATIONS.values())
}


def layer_type(name: Any) -> type[Layer]:
    """The layer class a spec's ``type`` names, or ``ValueError`` listing the valid names."""
    try:
        return LAYER_TYPES[name]
    except (KeyError, TypeError):
        raise ValueError(f"unknown layer type {str(name)[:60]!r}; "
                         f"choose one of {', '.join(sorted(LAYER_TYPES))}") from None


def check_spec(spec: Any, where: str = "layer") -> dict:
    """A copy of ``spec`` with every setting checked and defaults filled in,
    or ``ValueError`` naming ``where`` and the first problem. Settings the
    layer type does not declare are refused: in code they are typos, and in
    a file they would silently change what the network computes."""
    if not isinstance(spec, Mapping):
        raise ValueError(f"{where} must be a dict with a 'type', got {type(spec).__name__}")
    try:
        layer_class = layer_type(spec.get("type"))
    except ValueError as error:
        raise ValueError(f"{where}.type: {error}") from None
    unknown = sorted(str(name) for name in spec if name != "type" and name not in layer_class.spec_fields)
    if unknown:
        raise ValueError(f"{where} ({layer_class.type_name}) has no setting {', '.join(unknown[:10])}; "
                         f"it takes {', '.join(layer_class.spec_fields) or 'none'}")
    checked = {"type": layer_class.type_name}
    for name, field in layer_class.spec_fields.items():
        if name in spec:
            checked[name] = field.check(spec[name], f"{where}.{name}")
        elif field.required:
            raise ValueError(f"{where} ({layer_class.type_name}) needs {name}")
        else:
            checked[name] = field.default
    return checked


def activation_spec(name: str, **settings: Any) -> dict:
    """The spec of activation ``name`` with those ``settings`` it declares
    (``negative_slope`` only matters to leaky_relu, say)."""
    fields = activation_type(name).spec_fields
    return {"type": name, **{key: value for key, value in settings.items() if key in fields}}
