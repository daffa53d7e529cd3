"""Checkpoints: round trips (with optimiser and training state, and of
networks only layer specs describe), atomic writes, format-1 files, and every
kind of malformed file raising CheckpointError that names the file — never a
half-built model, never a pickle."""

import json

import numpy as np
import pytest

import digitpad.model.checkpoint as checkpoint_module
from digitpad.model.checkpoint import (METADATA_KEY, CheckpointError, bundled_checkpoint_path,
                                       load_checkpoint, read_checkpoint, save_checkpoint)
from digitpad.nn import ACTIVATIONS, LAYER_TYPES, MAX_LAYER_SPECS, MLP, SGD, Adam
from tests.nn.test_layer_specs import MIXED, Scale, Softplus


@pytest.fixture
def model():
    return MLP(784, (32, 16), 10, "relu", dropout=0.1, rng=np.random.default_rng(0))


@pytest.fixture
def saved(model, tmp_path):
    return save_checkpoint(model, tmp_path / "model.npz", {"metrics": {"test_accuracy": 0.5}})


def arrays_of(path):
    with np.load(path, allow_pickle=False) as archive:
        return {key: archive[key] for key in archive.files}


def write_npz(path, arrays):
    with open(path, "wb") as stream:
        np.savez(stream, **arrays)
    return path


def test_round_trip_restores_weights_architecture_and_metadata(model, saved):
    loaded, metadata = load_checkpoint(saved)
    assert loaded.architecture() == model.architecture()
    for name, value in model.state_dict().items():
        np.testing.assert_array_equal(loaded.state_dict()[name], value)
    assert metadata["format"] == "digitpad-checkpoint" and metadata["format_version"] == 1
    assert metadata["metrics"] == {"test_accuracy": 0.5}
    assert metadata["architecture"] == {"input_size": 784, "hidden_sizes": [32, 16], "num_classes": 10,
                                        "activation": "relu", "dropout": 0.1, "negative_slope": 0.01}
    assert metadata["preprocessing"]["input_shape"] == [28, 28]
    assert not loaded.training
    images = np.random.default_rng(1).random((3, 784), dtype=np.float32)
    np.testing.assert_array_equal(loaded.predict_proba(images), model.predict_proba(images))


def test_keys_are_dotted_and_metadata_is_json_bytes(saved):
    arrays = arrays_of(saved)
    assert set(arrays) == {"layers.0.weight", "layers.0.bias", "layers.3.weight", "layers.3.bias",
                           "layers.6.weight", "layers.6.bias", METADATA_KEY}
    assert arrays[METADATA_KEY].dtype == np.uint8
    assert json.loads(arrays[METADATA_KEY].tobytes())["format"] == "digitpad-checkpoint"


@pytest.mark.parametrize("factory", [lambda p: Adam(p, learning_rate=0.01),
                                     lambda p: SGD(p, learning_rate=0.1, momentum=0.9)],
                         ids=["adam", "sgd"])
def test_round_trip_with_optimizer_and_state_arrays(model, tmp_path, factory):
    parameters = model.parameters()
    optimizer = factory([parameter.value for parameter in parameters])
    rng = np.random.default_rng(2)
    for _ in range(3):
        optimizer.step([rng.standard_normal(parameter.value.shape).astype(np.float32)
                        for parameter in parameters])
    permutation = rng.permutation(100)
    path = save_checkpoint(model, tmp_path / "last.npz", {"trainer": {"epoch": 3}},
                           optimizer=optimizer, state_arrays={"permutation": permutation})
    checkpoint = read_checkpoint(path)
    state = checkpoint.optimizer_state
    assert state["name"] == optimizer.name and state["step_count"] == 3
    restored = factory([parameter.value.copy() for parameter in checkpoint.model.parameters()])
    restored.load_state_dict(state)
    for slot, arrays in optimizer.slots.items():
        for original, loaded in zip(arrays, restored.slots[slot]):
            np.testing.assert_array_equal(original, loaded)
    np.testing.assert_array_equal(checkpoint.state_arrays["permutation"], permutation)
    assert checkpoint.metadata["trainer"] == {"epoch": 3}


def test_write_is_atomic_and_leaves_no_temporary_files(model, saved, monkeypatch):
    before = saved.read_bytes()

    def broken_savez(stream, **arrays):
        stream.write(b"partial")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(checkpoint_module.np, "savez", broken_savez)
    with pytest.raises(CheckpointError, match="No space left"):
        save_checkpoint(model, saved)
    assert saved.read_bytes() == before
    assert sorted(path.name for path in saved.parent.iterdir()) == [saved.name]


def test_unwritable_destination_gives_checkpoint_error(model, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(CheckpointError, match="cannot write"):
        save_checkpoint(model, blocker / "model.npz")


def test_metadata_must_match_the_schema_before_anything_is_written(model, tmp_path):
    with pytest.raises(CheckpointError, match="metrics.note: expected a finite number"):
        save_checkpoint(model, tmp_path / "m.npz", {"metrics": {"note": object()}})
    with pytest.raises(CheckpointError, match="metrics.test_accuracy: expected a finite number"):
        save_checkpoint(model, tmp_path / "m.npz", {"metrics": {"test_accuracy": float("nan")}})
    with pytest.raises(CheckpointError, match="metadata fields bad have no type"):
        save_checkpoint(model, tmp_path / "m.npz", {"bad": 1})
    assert not (tmp_path / "m.npz").exists()


def corrupt(saved, change):
    """Rewrite the checkpoint with ``change(arrays)`` applied."""
    arrays = arrays_of(saved)
    change(arrays)
    return write_npz(saved, arrays)


def set_metadata(arrays, update):
    metadata = json.loads(arrays[METADATA_KEY].tobytes())
    update(metadata)
    arrays[METADATA_KEY] = np.frombuffer(json.dumps(metadata).encode(), np.uint8)


MALFORMED = {
    "random bytes": (lambda path: path.write_bytes(np.random.default_rng(0).bytes(5000)),
                     "is not a zip archive, not a digitpad checkpoint"),
    "empty file": (lambda path: path.write_bytes(b""), "is empty"),
    "truncated zip": (lambda path: path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2]),
                      "damaged or truncated"),
    "object array": (lambda path: corrupt(path, lambda a: a.update(
        {"layers.0.bias": np.array([object()] * 32, dtype=object)})), "holds Python objects"),
    "single npy pickle": (lambda path: np.save(open(path, "wb"), np.array([{"a": 1}], dtype=object),
                                               allow_pickle=True), r"is a single NumPy array \(.npy\)"),
    "wrong shape": (lambda path: corrupt(path, lambda a: a.update(
        {"layers.3.weight": np.zeros((16, 32), np.float32)})), r"'layers.3.weight' has shape \(16, 32\), expected \(32, 16\)"),
    "NaN weights": (lambda path: corrupt(path, lambda a: a["layers.0.weight"].__setitem__((0, 0), np.nan)),
                    "layers.0.weight: contains NaN"),
    "infinite bias": (lambda path: corrupt(path, lambda a: a["layers.6.bias"].__setitem__(0, np.inf)),
                      "layers.6.bias: contains NaN or infinite"),
    "float64 weights": (lambda path: corrupt(path, lambda a: a.update(
        {"layers.6.bias": a["layers.6.bias"].astype(np.float64)})), "expected float32"),
    "missing metadata": (lambda path: corrupt(path, lambda a: a.pop(METADATA_KEY)), "has no metadata.json entry; not a digitpad checkpoint"),
    "metadata not JSON": (lambda path: corrupt(path, lambda a: a.update(
        {METADATA_KEY: np.frombuffer(b"{not json", np.uint8)})), "not valid UTF-8 JSON"),
    "metadata wrong dtype": (lambda path: corrupt(path, lambda a: a.update(
        {METADATA_KEY: np.zeros(3, np.float32)})), "uint8"),
    "foreign format": (lambda path: corrupt(path, lambda a: set_metadata(
        a, lambda m: m.update(format="something-else"))), "not a digitpad checkpoint"),
    "newer version": (lambda path: corrupt(path, lambda a: set_metadata(
        a, lambda m: m.update(format_version=99))), "newer digitpad"),
    "missing weight": (lambda path: corrupt(path, lambda a: a.pop("layers.3.bias")), "missing weights layers.3.bias"),
    "unexpected array": (lambda path: corrupt(path, lambda a: a.update(extra=np.zeros(2))), "unexpected arrays: extra"),
    "inconsistent layer sizes": (lambda path: corrupt(path, lambda a: set_metadata(
        a, lambda m: m["architecture"].update(hidden_sizes=[32, 17]))), "shape"),
    "absurd architecture": (lambda path: corrupt(path, lambda a: set_metadata(
        a, lambda m: m["architecture"].update(hidden_sizes=[10**9]))), r"architecture.hidden_sizes\[0\]: expected an integer from 1 to 16,384"),
    "unknown activation": (lambda path: corrupt(path, lambda a: set_metadata(
        a, lambda m: m["architecture"].update(activation="swish"))), "architecture.activation: expected one of"),
    "no architecture": (lambda path: corrupt(path, lambda a: set_metadata(
        a, lambda m: m.pop("architecture"))), "metadata: missing architecture"),
    "dropout 2**64": (lambda path: corrupt(path, lambda a: set_metadata(
        a, lambda m: m["architecture"].update(dropout=2**64))), "architecture.dropout: expected a finite number"),
    "input is not 28x28": (lambda path: corrupt(path, lambda a: set_metadata(
        a, lambda m: m["architecture"].update(input_size=1024))), "digitpad needs 784"),
    "output is not 10 digits": (lambda path: corrupt(path, lambda a: set_metadata(
        a, lambda m: m["architecture"].update(num_classes=26))), "into 26 classes"),
    "too many parameters": (lambda path: corrupt(path, lambda a: set_metadata(
        a, lambda m: m["architecture"].update(hidden_sizes=[16384, 16384]))), "at most 50,000,000 parameters"),
    "metrics of the wrong type": (lambda path: corrupt(path, lambda a: set_metadata(
        a, lambda m: m.update(metrics=[0.9]))), "metadata.metrics: expected a JSON object"),
    "dataset of the wrong type": (lambda path: corrupt(path, lambda a: set_metadata(
        a, lambda m: m.update(dataset="MNIST"))), "metadata.dataset"),
    "training of the wrong type": (lambda path: corrupt(path, lambda a: set_metadata(
        a, lambda m: m.update(training={"epochs": {"a": 1}}))), "metadata.training.epochs"),
    "preprocessing of the wrong type": (lambda path: corrupt(path, lambda a: set_metadata(
        a, lambda m: m.update(preprocessing=7))), "metadata.preprocessing"),
    "deeply nested metadata": (lambda path: corrupt(path, lambda a: a.update(
        {METADATA_KEY: np.frombuffer(b'{"a":' * 100_000, np.uint8)})), "nested too deeply"),
    "orphan optimizer arrays": (lambda path: corrupt(path, lambda a: a.update(
        {"optimizer.first_moment.layers.0.bias": np.zeros(32, np.float32)})), "without optimizer metadata"),
}


@pytest.mark.parametrize("case", list(MALFORMED))
def test_malformed_checkpoints_raise_checkpoint_error_naming_the_file(saved, case):
    damage, message = MALFORMED[case]
    damage(saved)
    with pytest.raises(CheckpointError, match=message) as error:
        load_checkpoint(saved)
    assert str(saved) in str(error.value)


def test_malformed_optimizer_state_is_rejected(model, tmp_path):
    optimizer = Adam([parameter.value for parameter in model.parameters()])
    path = save_checkpoint(model, tmp_path / "last.npz", optimizer=optimizer)
    corrupt(path, lambda a: a.pop("optimizer.second_moment.layers.0.weight"))
    with pytest.raises(CheckpointError, match="missing optimizer state"):
        read_checkpoint(path)
    path = save_checkpoint(model, tmp_path / "last.npz", optimizer=optimizer)
    corrupt(path, lambda a: a["optimizer.first_moment.layers.0.bias"].__setitem__(0, np.nan))
    with pytest.raises(CheckpointError, match="NaN"):
        read_checkpoint(path)


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(CheckpointError, match="no such file"):
        load_checkpoint(tmp_path / "nope.npz")
    with pytest.raises(CheckpointError, match="not a file"):
        load_checkpoint(tmp_path)


def test_bundled_checkpoint_is_found_and_valid():
    path = bundled_checkpoint_path()
    assert path.name == "digitpad-mlp.npz"
    model, metadata = load_checkpoint(path)
    assert metadata["metrics"]["test_accuracy"] >= 0.992
    assert model.predict_proba(np.zeros((1, 784), np.float32)).shape == (1, 10)


def test_an_architecture_the_file_does_not_hold_is_refused_before_the_network_is_built(saved):
    import tracemalloc

    corrupt(saved, lambda a: set_metadata(a, lambda m: m["architecture"].update(hidden_sizes=[8000, 4000])))
    tracemalloc.start()
    with pytest.raises(CheckpointError, match="needs 153,"):
        load_checkpoint(saved)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 4 << 20          # the 150 MB network was never allocated


def test_unknown_metadata_fields_are_dropped_on_load(saved):
    corrupt(saved, lambda a: set_metadata(a, lambda m: m.update(surprise={"x": [1]})))
    model, metadata = load_checkpoint(saved)
    assert "surprise" not in metadata and metadata["metrics"] == {"test_accuracy": 0.5}


def test_networks_beyond_the_loaders_limits_cannot_be_built_or_saved(tmp_path):
    with pytest.raises(ValueError, match="at most 16 hidden layers"):
        MLP(784, (8,) * 17, 10)
    with pytest.raises(CheckpointError, match="cannot save: the network reads 100 inputs"):
        save_checkpoint(MLP(100, (8,), 10), tmp_path / "small-input.npz")
    assert not (tmp_path / "small-input.npz").exists()


def test_format_1_metadata_with_only_the_required_keys_still_loads(tmp_path):
    saved = save_checkpoint(MLP(784, (32, 16), 10, "leaky_relu"), tmp_path / "old.npz")

    def required_keys_only(metadata):
        metadata["architecture"] = {"input_size": 784, "hidden_sizes": [32, 16], "num_classes": 10,
                                    "activation": "leaky_relu"}
    corrupt(saved, lambda a: set_metadata(a, required_keys_only))
    model, metadata = load_checkpoint(saved)
    assert model.dropout == 0.0 and model.layers[1].negative_slope == 0.01
    assert metadata["format_version"] == 1


@pytest.fixture
def saved_specs(tmp_path):
    model = MLP.from_specs(784, MIXED, rng=np.random.default_rng(0))
    return save_checkpoint(model, tmp_path / "specs.npz")


def test_a_network_only_layer_specs_describe_is_saved_as_format_2(saved_specs):
    model, metadata = load_checkpoint(saved_specs)
    assert metadata["format_version"] == 2
    assert metadata["architecture"] == {"input_size": 784, "layers": MIXED}
    assert model.layer_specs() == MIXED
    original = MLP.from_specs(784, MIXED, rng=np.random.default_rng(0))
    images = np.random.default_rng(1).random((3, 784), dtype=np.float32)
    np.testing.assert_array_equal(model.predict_proba(images), original.predict_proba(images))


def set_layers(change):
    return lambda arrays: set_metadata(arrays, lambda m: change(m["architecture"]["layers"]))


MALFORMED_LAYERS = {
    "unknown type": (set_layers(lambda layers: layers[1].update(type="conv")),
                     r"metadata.architecture.layers\[1\].type: unknown layer type 'conv'"),
    "unknown setting": (set_layers(lambda layers: layers[0].update(units=12)),
                        r"layers\[0\] \(dense\) has no setting units"),
    "bad setting": (set_layers(lambda layers: layers[2].update(rate=2)), r"layers\[2\].rate must be a number"),
    "spec not an object": (set_layers(lambda layers: layers.__setitem__(1, "tanh")), "must be a dict"),
    "too many layers": (set_layers(lambda layers: layers.extend([{"type": "relu"}] * MAX_LAYER_SPECS)),
                        "metadata.architecture.layers: expected a list of 1 to"),
    "no layers": (set_layers(lambda layers: layers.clear()), "metadata.architecture.layers: expected a list"),
    "too wide": (set_layers(lambda layers: layers[0].update(out_features=10**9)),
                 "architecture: layers of at most 16,384 units"),
    "inconsistent width": (set_layers(lambda layers: layers[3].update(out_features=9)), "shape"),
    "wrong output": (set_layers(lambda layers: layers[5].update(out_features=26)), "into 26 classes"),
    "weights it lacks": (set_layers(lambda layers: layers[3].update(out_features=16000)),
                         "its architecture needs [0-9,]+ bytes of weights"),
}


@pytest.mark.parametrize("case", list(MALFORMED_LAYERS))
def test_malformed_layer_specs_are_refused_naming_the_file(saved_specs, case):
    damage, message = MALFORMED_LAYERS[case]
    corrupt(saved_specs, damage)
    with pytest.raises(CheckpointError, match=message) as error:
        load_checkpoint(saved_specs)
    assert str(saved_specs) in str(error.value)


def test_a_registered_layer_type_saves_and_loads_with_no_change_here(tmp_path, monkeypatch):
    monkeypatch.setitem(LAYER_TYPES, "scale", Scale)
    monkeypatch.setitem(LAYER_TYPES, "softplus", Softplus)
    monkeypatch.setitem(ACTIVATIONS, "softplus", Softplus)
    specs = [{"type": "dense", "out_features": 16}, {"type": "scale", "initial_gain": 0.5},
             {"type": "softplus"}, {"type": "dense", "out_features": 10}]
    model = MLP.from_specs(784, specs, rng=np.random.default_rng(0))
    model.layers[1].gain.value[:] = np.linspace(0.1, 2.0, 16)
    loaded, metadata = load_checkpoint(save_checkpoint(model, tmp_path / "new-types.npz"))
    assert metadata["architecture"]["layers"] == specs
    np.testing.assert_array_equal(loaded.state_dict()["layers.1.gain"], model.layers[1].gain.value)
    corrupt(tmp_path / "new-types.npz", set_layers(lambda layers: layers[1].update(initial_gain=-1)))
    with pytest.raises(CheckpointError, match=r"layers\[1\].initial_gain must be a number of at least 0"):
        load_checkpoint(tmp_path / "new-types.npz")
