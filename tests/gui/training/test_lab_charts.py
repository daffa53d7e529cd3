"""The training lab's live charts, fed as the Retrain dialog feeds them — by
a real short training run (784-16-16-10 with the ``Diagnostics`` callback)
and by synthetic data: every line gets its points (thinned out, never
unbounded), gradients sit on a log axis, inactive units are named by their
activation, the start's weight histograms survive later weights, the
first-layer mosaic shows 16 units large and 1024 in a scrolling grid in
colours that follow the weights' signs, a clicked unit is announced and
enlarged, the training digits are shown distorted (or said not to be), a
new run starts clean, and everything explains itself."""

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtWidgets import QAbstractButton, QComboBox, QWidget

from digitpad.data.augment.distortions import AugmentConfig
from digitpad.data.augment.training import TrainingAugmentation
from digitpad.gui.training import lab_texts
from digitpad.gui.training.lab_charts import LabCharts
from digitpad.gui.training.unit_mosaic import GAP, unit_limits
from digitpad.gui.training.weight_histograms import sample, shares
from digitpad.nn import MLP, Adam, SoftmaxCrossEntropy
from digitpad.train import Callback, Diagnostics
from digitpad.train.diagnostics import DiagnosticsRecord, LayerSignals, probe_images
from digitpad.train.trainer import Trainer
from tests.gui.test_explanations import CONTROLS, is_painted_view

LAYERS = [("layers.0", "relu"), ("layers.2", "relu"), ("layers.4", None)]


class Feed(Callback):
    """What the dialog receives from a run, in order: progress, epochs, records, weights."""

    def __init__(self):
        self.events, self.smoothed = [], {}

    def weights(self, trainer):
        return {f"layers.{index}": layer.weight.value.copy()
                for index, layer in enumerate(trainer.model.layers) if hasattr(layer, "weight")}

    def on_train_begin(self, trainer):
        self.events.append(("showWeights", self.weights(trainer)))

    def on_batch_end(self, trainer, batch, logs):
        for name in ("loss", "accuracy"):
            value = logs[f"batch_{name}"]
            self.smoothed[name] = self.smoothed.get(name, value) + 0.05 * (value - self.smoothed.get(name, value))
        self.events.append(("addBatch", {
            "step": trainer.global_step, "epoch": trainer.epoch + 1, "batch": batch + 1,
            "batches": trainer.batches_per_epoch, "batch_loss": logs["batch_loss"],
            "smoothed_loss": self.smoothed["loss"], "loss": logs["loss"], "accuracy": logs["accuracy"],
            "smoothed_accuracy": self.smoothed["accuracy"], "learning_rate": logs["learning_rate"]}))
        if (batch + 1) % 10 == 0:
            self.events.append(("showWeights", self.weights(trainer)))

    def on_epoch_end(self, trainer, epoch, logs):
        self.events.append(("addEpoch", dict(logs)))

    def on_diagnostics(self, trainer, record):
        self.events.append(("addDiagnostics", record))


@pytest.fixture(scope="module")
def scratch_run(small_mnist):
    """A real 784-16-16-10 run of two epochs of 30 batches, recorded every 10 batches."""
    rng = np.random.default_rng(5)
    model = MLP(784, (16, 16), 10, rng=rng)
    optimizer = Adam([parameter.value for parameter in model.parameters()], learning_rate=3e-3)
    feed = Feed()
    trainer = Trainer(model, optimizer, SoftmaxCrossEntropy(), batch_size=100, epochs=2, rng=rng,
                      callbacks=[Diagnostics(probe_images(small_mnist.train_images, 0), every=10), feed])
    trainer.fit(small_mnist.train_images[:3000], small_mnist.train_labels[:3000],
                validation=small_mnist.validation)
    return feed.events


@pytest.fixture
def charts(qtbot):
    widget = LabCharts()
    qtbot.addWidget(widget)
    widget.resize(760, 420)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def feed(charts, events):
    for method, payload in events:
        getattr(charts, method)(payload)


def record(step, epoch, batch, epoch_end=False, grad=0.5, inactive=0.25):
    layers = {"layers.0": LayerSignals(grad, 1e-3, 0.0, 0.05, inactive, 0.3, "relu"),
              "layers.2": LayerSignals(grad / 2, 2e-3, 0.0, 0.1, inactive / 2, 0.4, "sigmoid"),
              "layers.4": LayerSignals(grad / 4, 3e-3, 0.0, 0.2)}
    return DiagnosticsRecord(step, epoch, batch, epoch_end, 1.0, 1e-3, layers)


def progress(step, batches=100):
    epoch, batch = divmod(step - 1, batches)
    return {"step": step, "epoch": epoch + 1, "batch": batch + 1, "batches": batches, "batch_loss": 2.0 / step,
            "smoothed_loss": 2.0 / step, "loss": 1.0, "accuracy": 0.5, "smoothed_accuracy": 0.5,
            "learning_rate": 1e-3}


def test_a_real_run_fills_every_chart(charts, scratch_run):
    charts.startRun(LAYERS)
    feed(charts, scratch_run)
    state = charts.exportState()
    batches = sum(method == "addBatch" for method, _ in scratch_run)
    records = [payload for method, payload in scratch_run if method == "addDiagnostics"]
    assert batches == 60 and len(records) == 6             # every 10 batches, the last one ending an epoch
    assert state["loss"]["loss/batch"] == state["loss"]["loss/smoothed"] == state["loss"]["accuracy/smoothed"] == 60
    assert state["loss"]["loss/epoch"] == state["loss"]["loss/val"] == state["loss"]["accuracy/val"] == 2
    xs, ys = charts.lossChart.points("loss", "batch")
    assert xs[0] == pytest.approx(1 / 30) and xs[-1] == pytest.approx(2.0)
    last_batch = [payload for method, payload in scratch_run if method == "addBatch"][-1]
    assert ys[-1] == pytest.approx(last_batch["batch_loss"])
    assert charts.lossChart.points("loss", "epoch")[0] == [0.5, 1.5]     # an epoch's mean, in its middle
    assert charts.lossChart.points("accuracy", "val")[0] == [1, 2]
    # One gradient line per layer with a point per record, on a log axis.
    assert state["gradients"] == {name: 6 for name, _ in LAYERS}
    assert state["gradient_log_scale"] and charts.gradientChart.isLogScale()
    grad_xs, grad_ys = charts.gradientChart.points("layers.0")
    assert grad_xs[-1] == pytest.approx(2.0)
    assert grad_ys == pytest.approx([record.layers["layers.0"].grad_norm for record in records])
    # Inactive units: hidden layers only, in percent.
    assert state["inactive"] == {"layers.0": 6, "layers.2": 6}
    assert charts.inactiveChart.points("layers.2")[1] == pytest.approx(
        [100 * record.layers["layers.2"].inactive for record in records])
    assert state["first_layer"]["units"] == 16 and state["weights_seen"] == 1 + 6


def test_gradients_are_named_plainly_and_can_show_the_update_ratio(charts):
    charts.startRun([("layers.0", "relu"), ("layers.2", "sigmoid"), ("layers.4", None)])
    charts.addDiagnostics([record(step, 1, step, epoch_end=step == 100) for step in (50, 100)])   # a bundle
    assert charts.gradientChart.legendNames() == ["hidden 1 (layers.0)", "hidden 2 (layers.2)", "output (layers.4)"]
    assert "hidden 2 (layers.2)" in charts.gradientChart.legend.text()
    inactive_names = charts.inactiveChart.legendNames()
    assert inactive_names == ["hidden 1 (layers.0): dead (ReLU)", "hidden 2 (layers.2): saturated (sigmoid)"]
    # The first record came before the epoch's length was known; the epoch's end tells it.
    assert charts.gradientChart.points("layers.0")[0][-1] == pytest.approx(1.0)
    charts.gradientChart.signalChoice.setCurrentIndex(1)
    assert charts.gradientChart.points("layers.4")[1] == pytest.approx([3e-3, 3e-3])
    assert charts.gradientChart.isLogScale()


def test_values_a_chart_cannot_draw_are_left_out_and_long_runs_are_thinned(charts):
    charts.startRun(LAYERS)
    charts.addDiagnostics(record(1, 1, 1, grad=0.0))                # log(0) does not exist
    charts.addDiagnostics(record(2, 1, 2, grad=float("nan")))
    assert charts.exportState()["gradients"]["layers.0"] == 0
    assert charts.exportState()["inactive"]["layers.0"] == 2         # 0% inactive is a fine value there
    for step in range(1, 20_001):
        charts.addBatch(progress(step))
    counts = charts.exportState()["loss"]
    assert 1000 <= counts["loss/batch"] <= 2000
    xs, _ = charts.lossChart.points("loss", "batch")
    assert xs[0] == pytest.approx(0.01) and xs[-1] > 190 and np.all(np.diff(xs) > 0)


def test_the_start_histograms_survive_later_weights(charts):
    rng = np.random.default_rng(0)
    start = {"layers.0": rng.normal(0, 0.05, (784, 64)).astype(np.float32),
             "layers.2": rng.normal(0, 0.2, (64, 32)).astype(np.float32),
             "layers.4": rng.normal(0, 0.3, (32, 10)).astype(np.float32)}
    charts.startRun(LAYERS)
    charts.setCurrentWidget(charts.weightHistograms)
    charts.showWeights(start)
    for grown in (1.5, 3.0):
        charts.showWeights({name: matrix * grown for name, matrix in start.items()})
    for name, matrix in start.items():
        edges, start_shares = charts.weightHistograms.histogram(name, "start")
        now_edges, now_shares = charts.weightHistograms.histogram(name, "now")
        assert np.array_equal(edges, now_edges)                      # the same bins
        limit = edges[-1]
        assert start_shares == pytest.approx(shares(sample(matrix), limit))
        assert now_shares == pytest.approx(shares(sample(matrix * 3.0), limit))
        assert abs(matrix * 3).max() > limit * 0.6                   # the bins grew with the weights
        spread_start, spread_now = charts.weightHistograms.spreads()[name]
        assert spread_now == pytest.approx(3 * spread_start, rel=1e-4)


def signed_weights(units, rng):
    """Weights whose sign pattern is known: unit u is positive in its top half when u is even."""
    weights = np.abs(rng.normal(0.1, 0.02, (784, units))).astype(np.float32)
    top = np.arange(784) < 392
    weights[np.ix_(top, np.arange(units) % 2 == 1)] *= -1
    weights[np.ix_(~top, np.arange(units) % 2 == 0)] *= -1
    return weights


def channels(argb):
    return (argb >> 16) & 0xFF, (argb >> 8) & 0xFF, argb & 0xFF


def test_sixteen_units_are_all_shown_large_in_colours_that_follow_the_signs(charts, qtbot):
    weights = signed_weights(16, np.random.default_rng(1))
    weights[:, 3] = 0.0                                              # a unit with nothing to show
    charts.startRun(LAYERS)
    charts.setCurrentWidget(charts.firstLayer)
    charts.showWeights({"layers.0": weights})
    mosaic = charts.firstLayer.mosaic
    state = charts.exportState()["first_layer"]
    assert state["units"] == 16 and state["size"] == "Fit to view"
    viewport = charts.firstLayer.scroll.viewport().rect()
    cells = [mosaic.cellRect(unit) for unit in range(16)]
    assert all(viewport.contains(cell.toRect()) for cell in cells)   # all in view, no scrolling
    assert min(cell.width() for cell in cells) >= 56                 # and large
    for unit in (0, 1, 2, 5):
        red, _, blue = channels(mosaic.unitPixels(unit).astype(np.int64))
        top_is_positive = unit % 2 == 0
        top, bottom = slice(0, 14), slice(14, 28)
        assert (np.all(red[top] > blue[top]) if top_is_positive else np.all(blue[top] > red[top]))
        assert (np.all(blue[bottom] > red[bottom]) if top_is_positive else np.all(red[bottom] > blue[bottom]))
    red, green, blue = channels(mosaic.unitPixels(3).astype(np.int64))
    assert max(red.max(), green.max(), blue.max()) < 40                # zero weights are dark
    assert "16 units" in charts.firstLayer.caption.text()


def test_1024_units_are_a_scrolling_grid_of_every_unit(charts, qtbot):
    weights = signed_weights(1024, np.random.default_rng(2))
    charts.startRun([("layers.0", "tanh"), ("layers.2", "tanh"), ("layers.4", None)])
    charts.setCurrentWidget(charts.firstLayer)
    charts.showWeights({"layers.0": weights})
    panel, mosaic = charts.firstLayer, charts.firstLayer.mosaic
    assert mosaic.unitCount() == 1024 and mosaic.rows() * mosaic.columns() >= 1024
    assert panel.sizeChoice.currentText() == "Small" and mosaic.pitch() == 29
    assert mosaic.height() > panel.scroll.viewport().height()           # scrolls
    last = mosaic.cellRect(1023)
    assert mosaic.rect().contains(last.toRect()) and mosaic.unitAt(last.center()) == 1023
    red, _, blue = channels(mosaic.unitPixels(1023).astype(np.int64))
    assert np.all(blue[:14] > red[:14]) and np.all(red[14:] > blue[14:])   # odd: negative on top
    assert np.all(mosaic.unitPixels(1023) != GAP)
    panel.sizeChoice.setCurrentIndex(0)                                 # fit: every unit at once
    assert mosaic.height() <= panel.scroll.viewport().height()
    assert panel.scroll.viewport().rect().contains(mosaic.cellRect(1023).toRect())
    # One colour scale for all: a unit with small weights looks fainter than a strong one.
    assert unit_limits(weights, per_unit=False).max() == unit_limits(weights, per_unit=False).min()


def test_clicking_a_unit_announces_it_and_enlarges_it_live(charts, qtbot):
    start = signed_weights(16, np.random.default_rng(3))
    charts.startRun(LAYERS)
    charts.setCurrentWidget(charts.firstLayer)
    charts.showWeights({"layers.0": start})
    later = start * 2 + 0.01
    charts.showWeights({"layers.0": later})
    mosaic = charts.firstLayer.mosaic
    with qtbot.waitSignal(charts.unitClicked) as clicked:
        qtbot.mouseClick(mosaic, Qt.MouseButton.LeftButton, pos=mosaic.cellRect(5).center().toPoint())
    assert clicked.args == [5] and mosaic.selected() == 5
    enlarged = charts.firstLayer.enlarged
    assert enlarged.isVisible() and enlarged.unit() == 5 and "Unit 5" in enlarged.windowTitle()
    assert np.allclose(enlarged.startPicture.values(), start[:, 5].reshape(28, 28))
    assert np.allclose(enlarged.nowPicture.values(), later[:, 5].reshape(28, 28))
    assert np.allclose(enlarged.changePicture.values(), (later - start)[:, 5].reshape(28, 28))
    assert "moved" in enlarged.numbers.text()
    charts.setCurrentWidget(charts.lossChart)                          # the mosaic is hidden, the window is not
    charts.showWeights({"layers.0": later * 3})
    assert np.allclose(enlarged.nowPicture.values(), 3 * later[:, 5].reshape(28, 28))
    # A click between squares is no unit.
    charts.setCurrentWidget(charts.firstLayer)
    between = (mosaic.cellRect(0).right() + mosaic.cellRect(1).left()) / 2
    assert mosaic.unitAt(QPointF(between, mosaic.cellRect(0).center().y())) is None


def test_training_digits_are_shown_distorted_or_said_not_to_be(charts, qtbot, small_mnist):
    images, labels = small_mnist.train_images, small_mnist.train_labels
    preview = charts.trainingDigits
    charts.setCurrentWidget(preview)
    charts.setTrainingDigits(images, labels, TrainingAugmentation(AugmentConfig()))
    originals, distorted = preview.shown()
    assert len(originals) == 8 and distorted.shape == originals.shape
    assert all(not np.allclose(before, after) for before, after in zip(originals, distorted))
    assert np.array_equal(originals, images[preview.pairs.indices()])
    assert preview.pairs.count() == 8 and preview.againButton.isEnabled()
    first = preview.pairs.indices()
    preview.againButton.click()                                        # the same digits, new distortions
    assert preview.pairs.indices() == first and not np.allclose(preview.shown()[1], distorted)
    qtbot.mouseClick(preview.pairs, Qt.MouseButton.LeftButton, pos=preview.pairs.rect().center())
    assert preview.pairs.indices() != first                            # a click shows others
    preview.moreButton.click()
    assert preview.pairs.count() == 30 and len(set(preview.pairs.indices())) == 30
    shown = preview.pairs.indices()
    charts.setTrainingDigits(images, labels, None)                     # the strength went to 0 mid-run
    assert preview.pairs.indices() == shown and preview.shown()[1] is None
    assert preview.caption.text() == lab_texts.NO_DISTORTION and not preview.againButton.isEnabled()
    charts.setTrainingDigits(images, labels, TrainingAugmentation(AugmentConfig().scaled(0.0)))
    assert preview.shown()[1] is None and charts.exportState()["training_digits"]["distorted"] is False


def test_a_new_run_starts_clean(charts, scratch_run, small_mnist):
    charts.startRun(LAYERS)
    charts.setTrainingDigits(small_mnist.train_images, small_mnist.train_labels, None)
    feed(charts, scratch_run)
    charts.startRun([("layers.0", "sigmoid"), ("layers.2", None)])
    state = charts.exportState()
    assert state["records"] == state["weights_seen"] == 0
    assert set(state["loss"].values()) == {0}
    assert state["gradients"] == {"layers.0": 0, "layers.2": 0} and state["inactive"] == {"layers.0": 0}
    assert state["first_layer"]["units"] == 0
    assert state["training_digits"]["shown"] == 8                     # the same training set still shown
    rng = np.random.default_rng(4)
    start = {"layers.0": rng.normal(0, 0.05, (784, 24)).astype(np.float32),
             "layers.2": rng.normal(0, 0.3, (24, 10)).astype(np.float32)}
    charts.showWeights(start)                                          # the new run's start
    charts.showWeights({name: matrix * 2 for name, matrix in start.items()})
    edges, start_shares = charts.weightHistograms.histogram("layers.0", "start")
    assert start_shares == pytest.approx(shares(sample(start["layers.0"]), edges[-1]))
    charts.setCurrentWidget(charts.firstLayer)
    assert charts.exportState()["first_layer"]["units"] == 24
    feed(charts, [event for event in scratch_run[:20] if event[0] == "addBatch"])
    assert charts.exportState()["loss"]["loss/batch"] >= 1


def test_every_chart_and_control_explains_itself(charts, qtbot, scratch_run, small_mnist):
    charts.startRun(LAYERS)
    charts.setTrainingDigits(small_mnist.train_images, small_mnist.train_labels,
                             TrainingAugmentation(AugmentConfig()))
    feed(charts, scratch_run)
    checked, unexplained = 0, []
    for index in range(charts.count()):
        charts.setCurrentIndex(index)
        if charts.currentWidget() is charts.firstLayer:
            mosaic = charts.firstLayer.mosaic
            qtbot.mouseClick(mosaic, Qt.MouseButton.LeftButton, pos=mosaic.cellRect(0).center().toPoint())
        assert charts.tabToolTip(index)
        for top in (charts, charts.firstLayer.enlarged):
            if top is None or not top.isVisible():
                continue
            for widget in [top, *top.findChildren(QWidget)]:
                if not widget.isVisible() or isinstance(widget.parent(), QComboBox):
                    continue
                if isinstance(widget, CONTROLS) or is_painted_view(widget) or widget.objectName().endswith("Plot"):
                    checked += 1
                    if not widget.toolTip().strip() or not widget.whatsThis().strip():
                        unexplained.append(f"{type(widget).__name__} {widget.objectName()!r}")
    assert checked >= 15 and not unexplained, "\n".join(unexplained)
    assert any(isinstance(widget, QAbstractButton) for widget in charts.findChildren(QWidget))


def test_a_diverged_run_and_odd_layer_names_break_nothing(charts):
    charts.startRun([("<b>layers.0</b>", "relu"), ("layers.2", None)])
    assert "&lt;b&gt;" in charts.gradientChart.legend.text() and "<b>layers" not in charts.gradientChart.legend.text()
    weights = np.random.default_rng(6).normal(0, 0.05, (784, 20)).astype(np.float32)
    charts.showWeights({"<b>layers.0</b>": weights, "layers.2": np.ones((20, 10), np.float32)})
    weights[:5, 0], weights[:5, 1], weights[:5, 2] = np.nan, np.inf, -np.inf
    charts.showWeights({"<b>layers.0</b>": weights, "layers.2": np.full((20, 10), np.nan, np.float32)})
    charts.setCurrentWidget(charts.firstLayer)
    charts.setCurrentWidget(charts.weightHistograms)
    mosaic = charts.firstLayer.mosaic
    assert mosaic.unitCount() == 20
    red, _, blue = channels(mosaic.unitPixels(1).astype(np.int64))
    assert red[0, 0] > 200 > blue[0, 0]                                # +inf at full orange
    assert charts.weightHistograms.histogram("layers.2", "now")[1].sum() == 0
    charts.addBatch({**progress(1), "batch_loss": float("inf"), "smoothed_loss": float("nan")})
    assert charts.exportState()["loss"]["loss/batch"] == 0 and charts.exportState()["loss"]["accuracy/smoothed"] == 1


def test_the_mosaic_can_show_the_change_since_the_start(charts):
    rng = np.random.default_rng(7)
    start = rng.normal(0, 0.1, (784, 300)).astype(np.float32)         # strong random noise
    learnt = signed_weights(300, rng) * 0.1                             # a small, clear pattern on top
    charts.startRun(LAYERS)
    charts.setCurrentWidget(charts.firstLayer)
    charts.showWeights({"layers.0": start})
    charts.showWeights({"layers.0": start + learnt})
    panel, mosaic = charts.firstLayer, charts.firstLayer.mosaic
    assert np.allclose(mosaic.unitWeights(4), start[:, 4] + learnt[:, 4])
    panel.showChoice.setCurrentIndex(1)
    assert panel.showsChange() and "change since the start" in panel.whatsThis()
    assert np.allclose(mosaic.unitWeights(4), learnt[:, 4], atol=1e-6)
    red, _, blue = channels(mosaic.unitPixels(4).astype(np.int64))
    assert np.all(red[:14] > blue[:14]) and np.all(blue[14:] > red[14:])
    charts.showWeights({"layers.0": start + 2 * learnt})                # live, still as change
    assert np.allclose(mosaic.unitWeights(4), 2 * learnt[:, 4], atol=1e-6)
    qtbot_click_unit(mosaic, 4)
    assert np.allclose(panel.enlarged.nowPicture.values(), (start + 2 * learnt)[:, 4].reshape(28, 28))


def qtbot_click_unit(mosaic, unit):
    from PySide6.QtTest import QTest
    QTest.mouseClick(mosaic, Qt.MouseButton.LeftButton, pos=mosaic.cellRect(unit).center().toPoint())


def test_log_axes_are_labelled_sparsely():
    from digitpad.gui.training.lab_plotting import log_ticks

    def labels(low, high):
        return [label for _, label in log_ticks(low, high)[0]]

    assert labels(-6, 0.3) == ["1e-06", "1e-05", "0.0001", "0.001", "0.01", "0.1", "1"]    # decades only
    assert labels(-3.05, -1.8) == ["0.001", "0.002", "0.005", "0.01"]
    assert labels(-0.55, 0.12) == ["0.3", "0.5", "1"]
    assert log_ticks(-0.2, -0.1) is None                                # too narrow: pyqtgraph's own
