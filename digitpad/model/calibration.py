"""Calibrated confidence: how far a model's probabilities can be taken at
their word, and the softmax temperature that makes them honest. A model is
*calibrated* when, of all the digits it reads with confidence 0.8, about 80%
are right. ``expected_calibration_error`` measures the gap the standard way
(Guo et al., 2017): the confidences (top probabilities) are sorted into
``ECE_BINS`` equal-width bins over [0, 1]; in each bin the gap between the
share read right and the mean confidence is weighted by the share of digits
in the bin, and the weighted gaps are added up — ECE = sum_b (n_b / N) *
|accuracy_b - confidence_b|. ``reliability`` returns the per-bin numbers a
reliability diagram draws. ``fit_temperature`` finds the T that minimises
the negative log-likelihood of softmax(z / T) on held-out digits (a 1-D
golden-section search over log T in float64: deterministic, no randomness);
T < 1 sharpens probabilities a training trick such as label smoothing had
flattened, T > 1 softens an over-confident model. Dividing every score by
the same T never changes which digit wins, so accuracy is unchanged.
``CALIBRATION`` is the checkpoint field that stores the result, and
``not_sure_threshold`` derives the app's "not sure" line from calibrated
numbers. NumPy only, Qt-free.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Mapping

import numpy as np

from digitpad.nn import MLP
from digitpad.storage.schema import Integer, ListOf, Nullable, Number, Record, String

# Equal-width confidence bins of the expected calibration error and the
# reliability diagram (15 is the usual choice since Guo et al., 2017).
ECE_BINS = 15
# Temperatures a checkpoint may hold: a range well beyond the one
# fit_temperature searches, refusing zero, negative and absurd values.
MIN_TEMPERATURE = 0.01
MAX_TEMPERATURE = 100.0
# The search interval of fit_temperature and its tolerance in log T.
_SEARCH_LOG_T = (math.log(0.05), math.log(20.0))
_TOLERANCE = 1e-6
_CHUNK = 8192

# The "not sure" line: a reading below it is at least as likely wrong as
# right. ``not_sure_threshold(confidence, correct)`` derives it from the
# calibrated probabilities of the bundled model on its 5,000-digit
# validation split (T = 0.506): the highest multiple of 0.05 below which at
# least half the digits are read wrongly is 0.50 (3 of the 5 digits below
# 0.50 are wrong; below 0.55, 4 of 9; below 0.80, 14 of 42). That is where
# calibration says it should be: a calibrated confidence c is right a
# fraction c of the time. On MNIST test it flags 7 of 10,000 digits, 3 of
# them wrong. The model before this one, with a less honest low end, gave
# 0.80; the first line, 0.6 on uncalibrated probabilities, flagged 137 test
# digits with 44 wrong (32%).
NOT_SURE_WRONG_SHARE = 0.5
NOT_SURE_STEP = 0.05
NOT_SURE_BELOW = 0.5

_SHARE = Number(0, 1)
_BINS = 100
# One reliability diagram: per bin the digits in it, their mean confidence
# and the share read right (null in an empty bin).
RELIABILITY = Record({"counts": ListOf(Integer(0, 2 ** 53), min_length=1, max_length=_BINS),
                      "confidence": ListOf(Nullable(_SHARE), min_length=1, max_length=_BINS),
                      "accuracy": ListOf(Nullable(_SHARE), min_length=1, max_length=_BINS)},
                     required=("counts", "confidence", "accuracy"))
# The checkpoint's ``calibration`` field: the temperature, where it was
# fitted, and the figures before (T = 1) and after on the fitting digits
# and, prefixed ``test_``, on the test set with its reliability diagrams.
CALIBRATION = Record({
    "temperature": Number(MIN_TEMPERATURE, MAX_TEMPERATURE),
    "fitted_on": String(200),              # "MNIST validation split"
    "count": Integer(0, 2 ** 53),
    "ece_before": _SHARE, "ece_after": _SHARE,
    "median_confidence_right_before": _SHARE, "median_confidence_right_after": _SHARE,
    "nll_before": Number(0), "nll_after": Number(0),
    "test_count": Integer(0, 2 ** 53), "test_accuracy": _SHARE,
    "test_ece_before": _SHARE, "test_ece_after": _SHARE,
    "test_median_confidence_right_before": _SHARE, "test_median_confidence_right_after": _SHARE,
    "test_reliability_before": RELIABILITY, "test_reliability_after": RELIABILITY,
}, required=("temperature",))


@dataclass(frozen=True)
class Reliability:
    """Per confidence bin: how many digits, their mean confidence, the share read right."""

    edges: np.ndarray            # (bins + 1,) 0, 1/bins, ..., 1
    counts: np.ndarray           # (bins,) int64
    mean_confidence: np.ndarray  # (bins,) float64, NaN in an empty bin
    accuracy: np.ndarray         # (bins,) float64, NaN in an empty bin

    def to_record(self) -> dict:
        """The JSON form ``RELIABILITY`` checks (null for an empty bin)."""
        def listed(values: np.ndarray) -> list:
            return [None if count == 0 else float(value) for value, count in zip(values, self.counts)]
        return {"counts": [int(count) for count in self.counts], "confidence": listed(self.mean_confidence),
                "accuracy": listed(self.accuracy)}

    @classmethod
    def from_record(cls, record: Mapping) -> "Reliability":
        """Back from a validated ``RELIABILITY`` record; ``ValueError`` when its lists disagree."""
        counts = np.asarray(record["counts"], np.int64)
        if not len(counts) == len(record["confidence"]) == len(record["accuracy"]):
            raise ValueError("the reliability lists have different lengths")
        def array(values) -> np.ndarray:
            return np.array([np.nan if value is None else value for value in values], np.float64)
        return cls(np.linspace(0.0, 1.0, len(counts) + 1), counts, array(record["confidence"]),
                   array(record["accuracy"]))

    @property
    def ece(self) -> float:
        """The expected calibration error these bins add up to."""
        total = int(self.counts.sum())
        if total == 0:
            return 0.0
        filled = self.counts > 0
        gaps = np.abs(self.accuracy[filled] - self.mean_confidence[filled])
        return float((self.counts[filled] / total * gaps).sum())


def reliability(probabilities: np.ndarray, labels: np.ndarray, bins: int = ECE_BINS) -> Reliability:
    """The reliability-diagram numbers of ``probabilities`` ``(N, K)`` for
    true ``labels`` ``(N,)``. A confidence c falls in bin ceil(c * bins) - 1
    (bins are (lo, hi], the first also holds 0)."""
    probabilities = np.asarray(probabilities, dtype=np.float64)
    labels = np.asarray(labels)
    confidence = probabilities.max(axis=1)
    correct = probabilities.argmax(axis=1) == labels
    which = np.clip(np.ceil(confidence * bins).astype(np.int64) - 1, 0, bins - 1)
    counts = np.bincount(which, minlength=bins)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_confidence = np.bincount(which, confidence, minlength=bins) / counts
        accuracy = np.bincount(which, correct.astype(np.float64), minlength=bins) / counts
    return Reliability(np.linspace(0.0, 1.0, bins + 1), counts, mean_confidence, accuracy)


def expected_calibration_error(probabilities: np.ndarray, labels: np.ndarray, bins: int = ECE_BINS) -> float:
    """ECE in [0, 1] (see the module docstring); 0 for no digits."""
    return reliability(probabilities, labels, bins).ece


def median_confidence_when_right(probabilities: np.ndarray, labels: np.ndarray) -> float:
    """The median top probability over the digits read right (0 when none is)."""
    probabilities = np.asarray(probabilities)
    right = probabilities.argmax(axis=1) == np.asarray(labels)
    return float(np.median(probabilities[right].max(axis=1))) if right.any() else 0.0


def scaled_probabilities(logits: np.ndarray, temperature: float) -> np.ndarray:
    """softmax(logits / temperature) in float64."""
    scaled = np.asarray(logits, dtype=np.float64) / temperature
    scaled -= scaled.max(axis=1, keepdims=True)
    np.exp(scaled, out=scaled)
    scaled /= scaled.sum(axis=1, keepdims=True)
    return scaled


def negative_log_likelihood(logits: np.ndarray, labels: np.ndarray, temperature: float = 1.0) -> float:
    """Mean -log softmax(logits / temperature)[label], in float64."""
    logits = np.asarray(logits, dtype=np.float64)
    labels = np.asarray(labels, dtype=np.int64)
    total = 0.0
    for start in range(0, len(logits), _CHUNK):
        scaled = logits[start:start + _CHUNK] / temperature
        top = scaled.max(axis=1)
        log_sum = top + np.log(np.exp(scaled - top[:, None]).sum(axis=1))
        total += float((log_sum - scaled[np.arange(len(scaled)), labels[start:start + _CHUNK]]).sum())
    return total / max(len(logits), 1)


def fit_temperature(logits: np.ndarray, labels: np.ndarray) -> float:
    """The temperature in [0.05, 20] minimising the mean negative
    log-likelihood of softmax(logits / T) for ``labels``: golden-section
    search on log T (the NLL is convex in 1/T, so it has one minimum)."""
    logits = np.asarray(logits, dtype=np.float64)
    if len(logits) == 0:
        raise ValueError("fitting a temperature needs at least one digit")
    ratio = (math.sqrt(5.0) - 1.0) / 2.0
    low, high = _SEARCH_LOG_T
    left, right = high - ratio * (high - low), low + ratio * (high - low)
    loss_left = negative_log_likelihood(logits, labels, math.exp(left))
    loss_right = negative_log_likelihood(logits, labels, math.exp(right))
    while high - low > _TOLERANCE:
        if loss_left <= loss_right:
            high, right, loss_right = right, left, loss_left
            left = high - ratio * (high - low)
            loss_left = negative_log_likelihood(logits, labels, math.exp(left))
        else:
            low, left, loss_left = left, right, loss_right
            right = low + ratio * (high - low)
            loss_right = negative_log_likelihood(logits, labels, math.exp(right))
    return float(math.exp((low + high) / 2.0))


@dataclass(frozen=True)
class CalibrationFigures:
    """How honest one set of probabilities is."""

    ece: float
    median_confidence_right: float
    nll: float
    accuracy: float


def figures(logits: np.ndarray, labels: np.ndarray, temperature: float = 1.0) -> CalibrationFigures:
    """ECE, median confidence when right, NLL and accuracy of softmax(logits / temperature)."""
    probabilities = scaled_probabilities(logits, temperature)
    labels = np.asarray(labels)
    return CalibrationFigures(expected_calibration_error(probabilities, labels),
                              median_confidence_when_right(probabilities, labels),
                              negative_log_likelihood(logits, labels, temperature),
                              float((probabilities.argmax(axis=1) == labels).mean()) if len(labels) else 0.0)


def calibrate(logits: np.ndarray, labels: np.ndarray, fitted_on: str) -> dict:
    """Fit the temperature on ``logits``/``labels`` and return the checkpoint's
    ``calibration`` field: the temperature and the figures before and after."""
    temperature = fit_temperature(logits, labels)
    before, after = figures(logits, labels), figures(logits, labels, temperature)
    return CALIBRATION.validate({
        "temperature": temperature, "fitted_on": fitted_on, "count": int(len(labels)),
        "ece_before": before.ece, "ece_after": after.ece,
        "median_confidence_right_before": before.median_confidence_right,
        "median_confidence_right_after": after.median_confidence_right,
        "nll_before": before.nll, "nll_after": after.nll,
    }, "calibration")


def with_calibration(model: MLP, metadata: Mapping) -> dict:
    """A copy of checkpoint ``metadata`` whose ``calibration`` field holds
    ``model.temperature``: the recorded figures are kept when they describe
    that temperature, dropped when the model's temperature differs, and a
    model at T = 1 with nothing recorded gets no field (as before calibration)."""
    metadata = dict(metadata)
    temperature = model.temperature
    if isinstance(temperature, np.floating):
        temperature = float(temperature)
    recorded = metadata.get("calibration")
    if isinstance(recorded, Mapping) and recorded.get("temperature") == temperature:
        return metadata
    plain = isinstance(temperature, (int, float)) and not isinstance(temperature, bool) and temperature == 1.0
    if recorded is not None or not plain:       # anything odd goes to the schema, which refuses it
        metadata["calibration"] = {"temperature": temperature}
    return metadata


def apply_calibration(model: MLP, metadata: Mapping) -> MLP:
    """Give ``model`` the temperature validated ``metadata`` records (1 without one); returns it."""
    model.temperature = float(metadata.get("calibration", {}).get("temperature", 1.0))
    return model


# What a run without held-out digits says instead of calibration figures.
NO_VALIDATION = ("not calibrated: the run has no validation split to fit a temperature on "
                 "(T = 1, the probabilities as trained)")


def calibrate_model(model: MLP, images: np.ndarray, labels: np.ndarray, fitted_on: str) -> dict:
    """Fit ``model``'s temperature on held-out ``images``/``labels``, set it,
    and return the checkpoint's ``calibration`` record."""
    record = calibrate(model.logits(images), labels, fitted_on)
    model.temperature = record["temperature"]
    return record


def calibration_report(record: Mapping | None, model: MLP, test_images: np.ndarray,
                       test_labels: np.ndarray) -> dict:
    """The ``calibration`` section of a run's report: the fitted ``record``
    (None: no validation split) and the same figures on the test set, before
    and after, at ``model``'s temperature."""
    if record is None:
        return {"temperature": 1.0, "note": NO_VALIDATION}
    return CALIBRATION.validate({**record, **test_figures(model.logits(test_images), test_labels,
                                                          model.temperature)}, "calibration")


def test_figures(logits: np.ndarray, labels: np.ndarray, temperature: float) -> dict:
    """The ``test_`` entries of ``CALIBRATION`` for test-set ``logits`` at ``temperature``."""
    labels = np.asarray(labels)
    before, after = figures(logits, labels), figures(logits, labels, temperature)
    return {"test_count": int(len(labels)), "test_accuracy": after.accuracy,
            "test_ece_before": before.ece, "test_ece_after": after.ece,
            "test_median_confidence_right_before": before.median_confidence_right,
            "test_median_confidence_right_after": after.median_confidence_right,
            "test_reliability_before": reliability(scaled_probabilities(logits, 1.0), labels).to_record(),
            "test_reliability_after": reliability(scaled_probabilities(logits, temperature), labels).to_record()}


def calibration_markdown(section: Mapping) -> list[str]:
    """The lines of the report's 'Calibration' section."""
    lines = ["## Calibration", ""]
    if "note" in section:
        return lines + [section["note"][0].upper() + section["note"][1:] + "."]
    lines += [f"Softmax temperature T = {section['temperature']:.4f}, fitted on the {section['fitted_on']} "
              "(minimising its negative log-likelihood).", "",
              "| | ECE before | ECE after | median confidence when right, before | after |",
              "|---|---|---|---|---|"]
    for name, prefix in (("validation", ""), ("test", "test_")):
        if f"{prefix}ece_before" in section:
            lines.append(f"| {name} | {section[prefix + 'ece_before']:.2%} | {section[prefix + 'ece_after']:.2%} | "
                         f"{section[prefix + 'median_confidence_right_before']:.4f} | "
                         f"{section[prefix + 'median_confidence_right_after']:.4f} |")
    return lines


def not_sure_threshold(confidence: np.ndarray, correct: np.ndarray, wrong_share: float = NOT_SURE_WRONG_SHARE,
                       step: float = NOT_SURE_STEP) -> float:
    """The highest multiple of ``step`` (below 1) such that of the digits read
    with a confidence below it at least ``wrong_share`` are wrong, from
    calibrated ``confidence`` (top probabilities) and whether each digit was
    read right (``correct``); ``ValueError`` when no line qualifies."""
    confidence = np.asarray(confidence, dtype=np.float64)
    wrong = ~np.asarray(correct, dtype=bool)
    for index in range(int(round(1 / step)) - 1, 0, -1):
        line = round(index * step, 10)
        below = confidence < line
        if below.any() and wrong[below].mean() >= wrong_share:
            return line
    raise ValueError(f"no line has {wrong_share:.0%} of the digits below it read wrongly")
