"""The per-writer report of a stroke collection: a digit replayed through the
report's path gives exactly the image and reading of the app's ``read_canvas``
for the same strokes; digits are scaled to the asked size; pooled,
per-writer, per-style and per-condition accuracies equal hand-computed ones;
the teaching simulation never measures a taught digit and is reproducible."""

from pathlib import Path

import numpy as np
import pytest

from digitpad.data.handwriting.collections import WrittenDigit, read_collection
from digitpad.data.ink.network_input import ink_bounding_box
from digitpad.model.checkpoint import bundled_checkpoint_path, load_checkpoint
from digitpad.model.recognition import read_canvas
from digitpad.train.personalise import (AdaptPersonaliser, NearestMeanStandIn, NoPersonalisation,
                                        choose_taught, simulate_teaching)
from digitpad.train.writers import (Condition, canvas_ink, canvas_strokes, evaluate_writers, readings, replay,
                                    replay_conditions, summarise)

EXAMPLE = Path(__file__).resolve().parents[2] / "assets" / "examples" / "writers.jsonl"


@pytest.fixture(scope="module")
def model():
    return load_checkpoint(bundled_checkpoint_path())[0]


@pytest.fixture(scope="module")
def example():
    return read_collection(EXAMPLE)


def line(points, label=1, writer="w", style=None, pen_width=None):
    strokes = tuple(np.hstack([np.asarray(stroke, np.float32), np.ones((len(stroke), 1), np.float32)])
                    for stroke in points)
    return WrittenDigit(label, writer, strokes, style, pen_width)


def test_replaying_gives_exactly_what_read_canvas_sees(model, example):
    # Every 7th digit: each writer and style, plain digits and (at the small
    # size) digits the canvas path has to look at more closely.
    angle = np.linspace(0, 2 * np.pi, 40)
    unusual = [line([np.stack([30 * np.cos(angle), 10 * np.sin(angle)], 1)], 0),    # wide: cuts are tried
               line([[[0, 0], [0, 10]], [[30, 0], [30, 10]]], 1)]                   # two pieces: "11"
    chosen = example[::7] + unusual
    branches = set()
    for condition in replay_conditions((22.0, 6.0, 80.0), (250.0, 40.0)):
        replayed = replay(chosen, condition)
        texts = readings(model, chosen, replayed)
        branches |= {"plain" if plain else "unread" if unread else "canvas"
                     for plain, unread in zip(replayed.plain, replayed.unread)}
        for index, digit in enumerate(chosen):
            ink, widths = canvas_ink(digit, condition)
            number = read_canvas(model, ink, widths)
            assert texts[index] == (number.text if number is not None else "")
            if replayed.plain[index]:
                assert len(number) == 1
                assert np.array_equal(replayed.images[index], number.digits[0].mnist_image)
            if replayed.unread[index]:
                assert number is None
    assert branches == {"plain", "unread", "canvas"}
    assert "11" in readings(model, unusual, replay(unusual, Condition(22.0, 250.0)))


def test_a_digit_is_scaled_to_the_size_and_pen_asked_for():
    tall = line([[[10, 100], [12, 300]]])               # 200 units tall
    strokes, (height, width) = canvas_strokes(tall, Condition(8.0, 150.0))
    points = strokes[0].points
    assert points[:, 1].max() - points[:, 1].min() == pytest.approx(150.0)
    assert strokes[0].width == 8.0 and height == pytest.approx(150 + 2 * (40 + 8), abs=1)
    top, bottom, left, right = ink_bounding_box(canvas_ink(tall, Condition(8.0, 150.0))[0])
    assert bottom - top == pytest.approx(158, abs=2)
    wide = line([[[0, 0], [400, 0], [400, 100]]])       # a wide digit is capped at 1.5 x size
    points = canvas_strokes(wide, Condition(8.0, 100.0))[0][0].points
    assert points[:, 0].max() - points[:, 0].min() == pytest.approx(150.0)
    recorded = line([[[0, 0], [0, 20]]], pen_width=2.0)  # its own pen, scaled with the digit
    assert canvas_strokes(recorded, Condition(None, 100.0))[0][0].width == pytest.approx(10.0)
    assert canvas_strokes(line([[[0, 0], [0, 20]]]), Condition(None, 100.0))[0][0].width == 22.0


def test_the_figures_equal_hand_computed_ones():
    digits = [line([[[0, 0], [0, 9]]], label, writer, style) for label, writer, style in
              [(1, "a", None), (2, "a", "loop"), (3, "b", "loop"), (4, "b", None), (5, "c", None)]]
    texts = {"first": ["1", "2", "8", "4", ""], "second": ["1", "7", "3", "44", "5"]}
    report = summarise(digits, texts)
    assert report.pooled == pytest.approx(6 / 10)
    assert report.by_condition == {"first": pytest.approx(3 / 5), "second": pytest.approx(3 / 5)}
    assert report.by_writer == {"a": pytest.approx(3 / 4), "b": pytest.approx(2 / 4), "c": pytest.approx(1 / 2)}
    assert report.by_style == {"(no style given)": pytest.approx(4 / 6), "loop": pytest.approx(2 / 4)}
    assert report.worst_writers(2) == [("b", 0.5), ("c", 0.5)]
    assert report.median_writer() == ("c", 0.5)
    assert (report.unread, report.several) == (1, 1)
    assert report.writer_digits == {"a": 2, "b": 2, "c": 1}
    assert report.to_dict()["worst_writers"][0] == {"writer": "b", "accuracy": 0.5}
    assert summarise(digits[:1], {"x": ["1"]}).by_style == {}


def test_the_report_reads_the_example(model, example):
    report, drawn = evaluate_writers(model, example[::10], replay_conditions((22.0,), (250.0,)))
    assert report.pooled > 0.9 and len(report.by_writer) == 6 and len(drawn) == 1
    assert report.conditions == ["pen 22 px, 250 px tall"]


class Spy(NoPersonalisation):
    """The model, remembering what it was taught and asked about."""

    name = "spy"
    seen: list = []

    def teach(self, images, labels):
        self.taught = images.copy()
        Spy.seen.append(("taught", images.copy()))

    def predict_proba(self, images):
        Spy.seen.append(("asked", np.asarray(images).reshape(-1, 28, 28).copy()))
        return super().predict_proba(images)


def test_teaching_never_measures_a_taught_digit(model, example):
    digits = [digit for digit in example if digit.writer in ("ana", "bernd")]
    drawn = [replay(digits, Condition(22.0, 250.0))]
    Spy.seen = []
    report = simulate_teaching(model, digits, drawn, 2, lambda: Spy(model), seed=3)
    taught_images = np.concatenate([images for kind, images in Spy.seen if kind == "taught"])
    asked = np.concatenate([images for kind, images in Spy.seen if kind == "asked"])
    assert len(taught_images) == 2 * 2 * 10 and len(asked) == 2 * 3 * 10    # per writer: 2 taught, 3 measured
    assert not any(np.array_equal(image, taught) for image in asked for taught in taught_images)
    assert report.taught == 40 and report.measured == 60 and report.personaliser == "spy"
    assert report.before == report.after          # the spy teaches nothing
    assert report.taught_mask.sum() == 40 and set(report.by_writer) == {"ana", "bernd"}


def test_choosing_leaves_one_of_each_class_and_is_seeded(example):
    taught = choose_taught(example, 10, np.random.default_rng(0))
    assert taught.sum() == 6 * 10 * 4                   # five of each: four taught, one left
    again = choose_taught(example, 2, np.random.default_rng(5))
    assert np.array_equal(again, choose_taught(example, 2, np.random.default_rng(5)))
    assert not np.array_equal(again, choose_taught(example, 2, np.random.default_rng(6)))


def test_seeded_teaching_is_reproducible_and_the_stand_in_helps(model, example):
    digits = [digit for digit in example if digit.writer in ("bernd", "dmitri")]
    drawn = [replay(digits, Condition(22.0, 60.0))]
    first = simulate_teaching(model, digits, drawn, 3, lambda: NearestMeanStandIn(model), seed=1)
    second = simulate_teaching(model, digits, drawn, 3, lambda: NearestMeanStandIn(model), seed=1)
    assert first.to_dict() == second.to_dict() and first.personaliser == "nearest-mean"
    assert first.after >= first.before


def test_the_stand_in_gives_probabilities(model, example):
    drawn = replay(example[:20], Condition(22.0, 250.0))
    personaliser = NearestMeanStandIn(model)
    assert np.array_equal(personaliser.predict_proba(drawn.images), model.predict_proba(drawn.images))
    personaliser.teach(drawn.images, np.array([digit.label for digit in example[:20]]))
    probabilities = personaliser.predict_proba(drawn.images)
    assert probabilities.shape == (20, 10) and np.allclose(probabilities.sum(axis=1), 1, atol=1e-5)
    assert personaliser.predict_proba(drawn.images[0]).shape == (1, 10)


def test_adapt_teaches_a_fine_tuned_copy(model, example, mnist_test_split):
    images, labels = mnist_test_split
    drawn = replay(example[:10], Condition(22.0, 250.0))
    personaliser = AdaptPersonaliser(model, (images[:300], labels[:300]))
    personaliser.teach(drawn.images, np.array([digit.label for digit in example[:10]]))
    assert personaliser.adapted is not model
    assert personaliser.predict_proba(drawn.images).shape == (10, 10)
