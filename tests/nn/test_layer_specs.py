"""Networks as layer specs: the MLP constructor as shorthand for a spec list,
any spec list built through the registry, spec round trips for every
registered type, clear errors, the size limits, and a new layer type and a
new activation added by registration alone."""

import numpy as np
import pytest

from digitpad.nn import (ACTIVATIONS, LAYER_TYPES, MAX_LAYER_SPECS, MLP, Activation, Dense, Layer,
                         Parameter, SoftmaxCrossEntropy, SpecField, architecture_summary, check_spec)

MIXED = [{"type": "dense", "out_features": 12}, {"type": "tanh"}, {"type": "dropout", "rate": 0.25},
         {"type": "dense", "out_features": 8}, {"type": "leaky_relu", "negative_slope": 0.2},
         {"type": "dense", "out_features": 10}]


def test_the_constructor_is_shorthand_for_a_spec_list():
    model = MLP(784, (32, 16), 10, "tanh", dropout=0.2, rng=np.random.default_rng(0))
    assert model.layer_specs() == [
        {"type": "dense", "out_features": 32}, {"type": "tanh"}, {"type": "dropout", "rate": 0.2},
        {"type": "dense", "out_features": 16}, {"type": "tanh"}, {"type": "dropout", "rate": 0.2},
        {"type": "dense", "out_features": 10}]
    # Exactly the architecture of format-1 checkpoints.
    assert model.architecture() == {"input_size": 784, "hidden_sizes": [32, 16], "num_classes": 10,
                                    "activation": "tanh", "dropout": 0.2, "negative_slope": 0.01}
    assert architecture_summary(model.architecture()) == "784-32-16-10 tanh"
    same = MLP.from_specs(784, model.layer_specs(), rng=np.random.default_rng(0))
    for name, value in model.state_dict().items():
        np.testing.assert_array_equal(same.state_dict()[name], value)


def test_any_spec_list_builds_describes_itself_and_round_trips():
    model = MLP.from_specs(784, MIXED, rng=np.random.default_rng(1))
    assert [parameter.name for parameter in model.parameters()] == [
        "layers.0.weight", "layers.0.bias", "layers.3.weight", "layers.3.bias",
        "layers.5.weight", "layers.5.bias"]
    assert (model.hidden_sizes, model.num_classes, model.activation, model.dropout) == \
        ((12, 8), 10, "tanh, leaky_relu", 0.25)
    assert model.architecture() == {"input_size": 784, "layers": MIXED}
    assert architecture_summary(model.architecture()) == "784-12-8-10 tanh, leaky_relu"
    rebuilt = MLP.from_architecture(model.architecture())
    assert rebuilt.layer_specs() == MIXED
    assert model.predict_proba(np.zeros((2, 784), np.float32)).shape == (2, 10)


def sample_spec(layer_class):
    samples = {int: 3, float: 0.25, bool: True}
    spec = {"type": layer_class.type_name}
    for name, field in layer_class.spec_fields.items():
        spec[name] = field.choices[0] if field.choices else samples[field.kind]
    return spec


@pytest.mark.parametrize("name", sorted(LAYER_TYPES))
def test_every_registered_type_rebuilds_from_the_spec_it_gives(name):
    layer_class = LAYER_TYPES[name]
    spec = check_spec(sample_spec(layer_class))
    model = MLP.from_specs(6, [spec, {"type": "dense", "out_features": 2}], rng=np.random.default_rng(0))
    assert model.layers[0].spec() == spec
    assert type(model.layers[0]) is layer_class


def test_defaults_are_filled_in_and_numbers_normalised():
    assert check_spec({"type": "leaky_relu"}) == {"type": "leaky_relu", "negative_slope": 0.01}
    assert check_spec({"type": "dense", "out_features": np.int64(5)}) == {"type": "dense", "out_features": 5}
    assert check_spec({"type": "dropout", "rate": 0}) == {"type": "dropout", "rate": 0.0}


def test_spec_fields_check_kind_range_and_choices():
    assert SpecField(bool, default=False).check(True, "flag") is True
    with pytest.raises(ValueError, match="flag must be true or false, got 1"):
        SpecField(bool).check(1, "flag")
    mode = SpecField(str, choices=("fan_in", "fan_out"))
    assert mode.check("fan_in", "mode") == "fan_in"
    with pytest.raises(ValueError, match="mode must be one of fan_in, fan_out, got 'both'"):
        mode.check("both", "mode")
    with pytest.raises(ValueError, match="size must be an integer, got a list"):
        SpecField(int).check([1] * 1000, "size")
    with pytest.raises(ValueError, match="must be a number, got 1000"):
        SpecField(float).check(10 ** 400, "scale")
    assert SpecField(float, maximum=1.0).check(1, "share") == 1.0
    with pytest.raises(ValueError, match="share must be a number below 1"):
        SpecField(float, maximum=1.0, exclusive_maximum=True).check(1.0, "share")


@pytest.mark.parametrize("specs, message", [
    ([{"type": "conv"}], r"layers\[0\].type: unknown layer type 'conv'; choose one of dense"),
    ([{"out_features": 3}], r"layers\[0\].type: unknown layer type"),
    ([{"type": "dense", "units": 3}], r"layers\[0\] \(dense\) has no setting units; it takes out_features"),
    ([{"type": "dense"}], r"layers\[0\] \(dense\) needs out_features"),
    ([{"type": "dense", "out_features": 0}], r"layers\[0\].out_features must be an integer of at least 1"),
    ([{"type": "dense", "out_features": 4.0}], r"out_features must be an integer"),
    ([{"type": "dense", "out_features": True}], r"out_features must be an integer"),
    ([{"type": "relu"}, {"type": "dropout", "rate": 1.0}], r"layers\[1\].rate must be a number in \[0, 1\)"),
    ([{"type": "leaky_relu", "negative_slope": float("nan")}], "negative_slope must be a number"),
    (["dense"], r"layers\[0\] must be a dict with a 'type'"),
    ([], "non-empty list of layer specs"),
    ([{"type": "dense", "out_features": 1}], "at least 2 classes"),
    ([{"type": "dense", "out_features": 8}] * 18, "at most 16 hidden layers"),
    ([{"type": "dense", "out_features": 16385}, {"type": "dense", "out_features": 10}], "at most 16,384 units"),
    ([{"type": "dense", "out_features": 16384}] * 2 + [{"type": "dense", "out_features": 10}],
     "at most 50,000,000 parameters"),
    ([{"type": "relu"}] * (MAX_LAYER_SPECS + 1), f"at most {MAX_LAYER_SPECS} layers"),
])
def test_bad_specs_are_refused_before_anything_is_allocated(specs, message):
    with pytest.raises(ValueError, match=message):
        MLP.from_specs(784, specs)


def test_layers_below_the_first_that_learns_are_skipped_by_backward():
    specs = [{"type": "dropout", "rate": 0.5}, {"type": "dense", "out_features": 8}, {"type": "relu"},
             {"type": "dense", "out_features": 3}]
    model = MLP.from_specs(5, specs, rng=np.random.default_rng(2)).train()
    assert [layer.needs_input_grad for layer in model.layers if isinstance(layer, Dense)] == [False, True]
    loss = SoftmaxCrossEntropy()
    loss.forward(model.forward(np.ones((4, 5), np.float32)), np.array([0, 1, 2, 0]))
    model.backward(loss.backward())
    assert all(np.any(parameter.grad) for parameter in model.parameters())


class Scale(Layer):
    """A learnable per-feature scale ``y = x * gain``: a stand-in for a new
    layer type with parameters and a setting of its own."""

    type_name = "scale"
    spec_fields = {"initial_gain": SpecField(float, minimum=0.0, default=1.0)}

    def __init__(self, features, initial_gain, dtype):
        self.initial_gain = initial_gain
        self.gain = Parameter.of("gain", np.full(features, initial_gain, dtype=dtype))
        self._inputs = None

    @classmethod
    def from_spec(cls, spec, in_features, context):
        return cls(in_features, spec["initial_gain"], context.dtype)

    @classmethod
    def parameter_count(cls, spec, in_features):
        return in_features

    def forward(self, inputs, training=False, rng=None):
        if training:
            self._inputs = inputs
        return inputs * self.gain.value

    def backward(self, grad_output):
        self.gain.grad[...] = (grad_output * self._inputs).sum(axis=0)
        return grad_output * self.gain.value

    def parameters(self):
        return [self.gain]


class Softplus(Activation):
    """log(1 + exp(x)); the derivative is the sigmoid."""

    type_name = "softplus"

    def forward(self, inputs, training=False, rng=None):
        if training:
            self._inputs = inputs
        return np.logaddexp(0, inputs)

    def backward(self, grad_output):
        return grad_output / (1 + np.exp(-self._inputs))


@pytest.fixture
def registered(monkeypatch):
    """Scale and Softplus registered the way a new module would register them."""
    monkeypatch.setitem(LAYER_TYPES, "scale", Scale)
    monkeypatch.setitem(LAYER_TYPES, "softplus", Softplus)
    monkeypatch.setitem(ACTIVATIONS, "softplus", Softplus)


def test_new_layer_types_work_once_registered(registered):
    specs = [{"type": "dense", "out_features": 6}, {"type": "scale", "initial_gain": 0.5},
             {"type": "softplus"}, {"type": "dense", "out_features": 3}]
    model = MLP.from_specs(4, specs, rng=np.random.default_rng(3)).train()
    assert model.num_parameters() == 4 * 6 + 6 + 6 + 6 * 3 + 3
    assert "layers.1.gain" in model.state_dict()
    loss = SoftmaxCrossEntropy()
    loss.forward(model.forward(np.ones((2, 4), np.float32)), np.array([0, 2]))
    model.backward(loss.backward())
    assert np.any(model.layers[1].gain.grad)
    assert MLP.from_architecture(model.architecture()).layer_specs() == specs
    shorthand = MLP(4, (5,), 3, "softplus", rng=np.random.default_rng(3))
    assert shorthand.architecture()["activation"] == "softplus"
