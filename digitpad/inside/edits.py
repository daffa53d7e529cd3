"""Edited copies of a network, for the lab: switch hidden units off, shift a
unit's bias, scale the weights into a unit, prune each layer's smallest
weights, add seeded noise to every weight, or set a softmax temperature.
``edit_model`` always returns a new network and never touches the one it was
given. The temperature is folded into the output layer (its weights and
bias divided by ``T`` divide every score by ``T``), so an edited network is
an ordinary network and is saved like any other. The edited copy keeps the
model's calibration temperature, so the lab's T acts on top of it (1 = the
model as saved, calibrated); ``ModelEdits.SCHEMA`` types
the record of the edits kept in its checkpoint.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from digitpad.inside.layers import network_layers
from digitpad.nn import MLP
from digitpad.storage.schema import Integer, ListOf, Number, Record

_MAX_EDITS = 100_000
_UNIT = {"layer": Integer(0, 64), "unit": Integer(0, 1 << 20)}


@dataclass(frozen=True)
class UnitChange:
    layer: int                  # 0 for the first hidden layer
    unit: int
    value: float = 0.0          # the shift or the factor; unused for "off"


@dataclass(frozen=True)
class ModelEdits:
    units_off: tuple[UnitChange, ...] = ()        # hidden units that pass nothing on
    bias_shifts: tuple[UnitChange, ...] = ()      # value added to the unit's bias
    weight_scales: tuple[UnitChange, ...] = ()    # the unit's incoming weights times value
    prune_fraction: float = 0.0                   # each layer's smallest |w|, this fraction, set to 0
    noise: float = 0.0                            # Gaussian noise, this many times each layer's weight spread
    noise_seed: int = 0
    temperature: float = 1.0                      # every score divided by this before the softmax

    SCHEMA = Record({
        "units_off": ListOf(Record(_UNIT, required=_UNIT), max_length=_MAX_EDITS),
        "bias_shifts": ListOf(Record({**_UNIT, "value": Number(-1e6, 1e6)}, required=[*_UNIT, "value"]),
                              max_length=_MAX_EDITS),
        "weight_scales": ListOf(Record({**_UNIT, "value": Number(-1e6, 1e6)}, required=[*_UNIT, "value"]),
                                max_length=_MAX_EDITS),
        "prune_fraction": Number(0.0, 1.0, exclusive_maximum=True),
        "noise": Number(0.0, 1e3),
        "noise_seed": Integer(0, 2**63 - 1),
        "temperature": Number(1e-3, 1e3),
    })

    @property
    def is_identity(self) -> bool:
        return self == ModelEdits()

    def to_dict(self) -> dict:
        """JSON for a checkpoint's metadata: only what differs from no edit at all."""
        data = {}
        for name in ("units_off", "bias_shifts", "weight_scales"):
            changes = [asdict(change) for change in getattr(self, name)]
            if name == "units_off":
                changes = [{"layer": change["layer"], "unit": change["unit"]} for change in changes]
            if changes:
                data[name] = changes
        defaults = ModelEdits()
        for name in ("prune_fraction", "noise", "noise_seed", "temperature"):
            if getattr(self, name) != getattr(defaults, name):
                data[name] = getattr(self, name)
        return data

    @classmethod
    def from_dict(cls, data) -> "ModelEdits":
        """Edits from their JSON, checked against ``SCHEMA``; raises ``SchemaError``."""
        checked = cls.SCHEMA.validate(data, "edits")
        changes = {name: tuple(UnitChange(entry["layer"], entry["unit"], entry.get("value", 0.0))
                               for entry in checked.get(name, ()))
                   for name in ("units_off", "bias_shifts", "weight_scales")}
        scalars = {name: checked[name] for name in ("prune_fraction", "noise", "noise_seed", "temperature")
                   if name in checked}
        return cls(**changes, **scalars)

    def describe(self) -> list[str]:
        """The edits in words, one per line, for the lab and for Model info."""
        lines = [_count(len(self.units_off), "unit", "units") + " switched off"] if self.units_off else []
        lines += [_count(len(self.bias_shifts), "bias", "biases") + " shifted"] if self.bias_shifts else []
        lines += [_count(len(self.weight_scales), "unit's weights", "units' weights") + " scaled"] \
            if self.weight_scales else []
        if self.prune_fraction:
            lines.append(f"smallest {self.prune_fraction:.0%} of each layer's weights pruned")
        if self.noise:
            lines.append(f"noise {self.noise:g}× each layer's weight spread (seed {self.noise_seed})")
        if self.temperature != 1.0:
            lines.append(f"softmax temperature {self.temperature:g}")
        return lines


def _count(number: int, one: str, many: str) -> str:
    return f"{number} {one if number == 1 else many}"


def copy_model(model: MLP) -> MLP:
    """An independent copy of ``model`` (same layers, same weights, same
    calibration temperature), in evaluation mode."""
    clone = MLP.from_specs(model.input_size, model.layer_specs(), initializer="zeros",
                           rng=np.random.default_rng(0), dtype=model.dtype)
    clone.load_state_dict(model.state_dict())
    clone.temperature = model.temperature
    return clone.eval()


def edit_model(model: MLP, edits: ModelEdits) -> MLP:
    """A copy of ``model`` with ``edits`` applied, in the order: prune, noise,
    weight scales, bias shifts, units off, temperature. Raises ``ValueError``
    for an edit that does not fit the network (no such layer or unit, a
    temperature that is not positive)."""
    edited = copy_model(model)
    layers = network_layers(edited)
    _check(edits, layers)
    rng = np.random.default_rng(edits.noise_seed)
    for layer in layers:
        weights = layer.weights
        if edits.prune_fraction > 0:
            cut = np.quantile(np.abs(weights), edits.prune_fraction)
            weights[np.abs(weights) <= cut] = 0.0
        if edits.noise > 0:
            spread = float(weights.std()) or 1.0
            weights += (rng.standard_normal(weights.shape) * edits.noise * spread).astype(weights.dtype)
    for change in edits.weight_scales:
        layers[change.layer].weights[:, change.unit] *= change.value
    for change in edits.bias_shifts:
        layers[change.layer].bias[change.unit] += change.value
    for change in edits.units_off:
        # No input, no bias and nothing passed on: whatever its activation, the
        # unit shows nothing and changes nothing downstream.
        layer = layers[change.layer]
        layer.weights[:, change.unit] = 0.0
        layer.bias[change.unit] = 0.0
        layers[change.layer + 1].weights[change.unit, :] = 0.0
    if edits.temperature != 1.0:
        layers[-1].weights[...] /= edits.temperature
        layers[-1].bias[...] /= edits.temperature
    return edited


def _check(edits: ModelEdits, layers) -> None:
    if not edits.temperature > 0:
        raise ValueError(f"the temperature must be positive, got {edits.temperature}")
    if not 0 <= edits.prune_fraction < 1 or not edits.noise >= 0:
        raise ValueError("prune between 0 and 1 (excluded) and a noise of at least 0")
    for name in ("units_off", "bias_shifts", "weight_scales"):
        for change in getattr(edits, name):
            last = len(layers) - (2 if name == "units_off" else 1)
            if not 0 <= change.layer <= last or not 0 <= change.unit < layers[change.layer].units:
                kind = "hidden " if name == "units_off" else ""
                raise ValueError(f"{name}: there is no {kind}unit {change.unit} in layer {change.layer}")
            if not np.isfinite(change.value):
                raise ValueError(f"{name}: the value for unit {change.unit} must be a finite number")
