"""Softmax and the fused softmax + cross-entropy loss. Fusing them is both
numerically stable (log-softmax is computed from shifted logits, never as
``log(softmax)``) and cheap: the gradient with respect to the logits is simply
``(probabilities - targets) / N``. Optional label smoothing mixes the one-hot
target with the uniform distribution. ``textbook.py`` computes the same loss
the direct way, ``-mean(sum(targets * log(softmax(logits))))``.
"""

from __future__ import annotations

import numpy as np


def softmax(logits: np.ndarray) -> np.ndarray:
    """Row-wise softmax of ``(N, C)`` logits, stable for any logit magnitude."""
    shifted = logits - logits.max(axis=1, keepdims=True)
    np.exp(shifted, out=shifted)
    shifted /= shifted.sum(axis=1, keepdims=True)
    return shifted


class SoftmaxCrossEntropy:
    """Mean cross-entropy between ``softmax(logits)`` and integer labels.

    ``forward(logits (N, C), labels (N,)) -> float`` caches the probabilities
    and targets; ``backward() -> (N, C)`` returns d(mean loss)/d(logits).
    """

    def __init__(self, label_smoothing: float = 0.0) -> None:
        if not 0.0 <= label_smoothing < 1.0:
            raise ValueError(f"label_smoothing must be in [0, 1), got {label_smoothing}")
        self.label_smoothing = label_smoothing
        self._probabilities: np.ndarray | None = None
        self._labels: np.ndarray | None = None

    def forward(self, logits: np.ndarray, labels: np.ndarray) -> float:
        count, num_classes = logits.shape
        shifted = logits - logits.max(axis=1, keepdims=True)
        exp_shifted = np.exp(shifted)
        sum_exp = exp_shifted.sum(axis=1, keepdims=True)
        log_sum_exp = np.log(sum_exp)                        # (N, 1)
        # log p = shifted - log_sum_exp; only the true class's is needed
        # (and, with smoothing, the row means), not the whole (N, C) array.
        true_class_log_probability = shifted[np.arange(count), labels] - log_sum_exp[:, 0]
        if self.label_smoothing:
            smoothing = self.label_smoothing
            # Target = (1 - s) * one_hot + s / C, so the loss splits into the
            # usual term and s times the mean negative log-probability.
            log_probabilities = shifted - log_sum_exp
            per_example = -(1 - smoothing) * true_class_log_probability \
                - smoothing * log_probabilities.mean(axis=1)
        else:
            per_example = -true_class_log_probability
        exp_shifted /= sum_exp
        self._probabilities = exp_shifted
        self._labels = labels
        return float(per_example.mean(dtype=np.float64))

    def backward(self) -> np.ndarray:
        if self._probabilities is None:
            raise RuntimeError("SoftmaxCrossEntropy.backward called before forward")
        grad_logits = self._probabilities
        count, num_classes = grad_logits.shape
        smoothing = self.label_smoothing
        if smoothing:
            grad_logits -= grad_logits.dtype.type(smoothing / num_classes)
        grad_logits[np.arange(count), self._labels] -= grad_logits.dtype.type(1 - smoothing)
        grad_logits /= grad_logits.dtype.type(count)
        self._probabilities = None
        self._labels = None
        return grad_logits

    @property
    def probabilities(self) -> np.ndarray | None:
        """The softmax of the last ``forward``'s logits (until ``backward``)."""
        return self._probabilities
