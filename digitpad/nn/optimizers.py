"""Gradient-descent optimisers: SGD (with classical or Nesterov momentum), Adam
and AdamW. Modelled on scikit-learn's ``_stochastic_optimizers``: an optimiser
is given the parameter arrays once, updates them in place from a list of
gradients on every ``step``, and owns nothing but its own state (the step
counter and per-parameter slot arrays such as momentum), which
``state_dict``/``load_state_dict`` expose for checkpoints.

Weight decay is applied to the parameters selected by ``decay_mask`` — by
default every parameter with more than one dimension, i.e. weights but not
biases. SGD and Adam apply it as an L2 term added to the gradient; AdamW
applies it decoupled from the gradient (Loshchilov & Hutter, 2019).
``textbook.py`` writes each update rule out line by line, as in the papers;
the versions here compute the same numbers in place.
"""

from __future__ import annotations

import math
from typing import Mapping, Sequence

import numpy as np


class Optimizer:
    """Base class. ``learning_rate`` may be changed between steps by a schedule."""

    name = "optimizer"
    slot_names: tuple[str, ...] = ()

    def __init__(self, params: Sequence[np.ndarray], learning_rate: float,
                 weight_decay: float = 0.0, decay_mask: Sequence[bool] | None = None) -> None:
        if not learning_rate >= 0:
            raise ValueError(f"learning_rate must be non-negative, got {learning_rate}")
        if weight_decay < 0:
            raise ValueError(f"weight_decay must be non-negative, got {weight_decay}")
        self.params = list(params)
        self.learning_rate = float(learning_rate)
        self.weight_decay = float(weight_decay)
        if decay_mask is None:
            decay_mask = [param.ndim > 1 for param in self.params]
        if len(decay_mask) != len(self.params):
            raise ValueError("decay_mask must have one entry per parameter")
        self.decay_mask = [bool(flag) for flag in decay_mask]
        self.step_count = 0
        self.slots: dict[str, list[np.ndarray]] = {
            slot: [np.zeros_like(param) for param in self.params] for slot in self.slot_names
        }
        # Workspace for in-place arithmetic; not state, never saved.
        self._scratch = [np.empty_like(param) for param in self.params]

    def step(self, grads: Sequence[np.ndarray]) -> None:
        """Update every parameter in place from its gradient."""
        if len(grads) != len(self.params):
            raise ValueError(f"expected {len(self.params)} gradients, got {len(grads)}")
        self.step_count += 1
        self._update(grads)

    def _update(self, grads: Sequence[np.ndarray]) -> None:
        raise NotImplementedError

    def _l2_gradient(self, index: int, grad: np.ndarray) -> np.ndarray:
        """The gradient with the L2 penalty's gradient ``weight_decay * param`` added."""
        if self.weight_decay and self.decay_mask[index]:
            return grad + self.params[index] * grad.dtype.type(self.weight_decay)
        return grad

    def hyperparameters(self) -> dict:
        return {"learning_rate": self.learning_rate, "weight_decay": self.weight_decay}

    def state_dict(self) -> dict:
        """``{"name", "step_count", "hyperparameters", "slots": {slot: [arrays]}}`` (copies)."""
        return {
            "name": self.name,
            "step_count": self.step_count,
            "hyperparameters": self.hyperparameters(),
            "slots": {slot: [array.copy() for array in arrays] for slot, arrays in self.slots.items()},
        }

    def load_state_dict(self, state: Mapping) -> None:
        """Restore the step counter, learning rate and slots; validates before changing anything."""
        if state.get("name") != self.name:
            raise ValueError(f"state is for optimiser {state.get('name')!r}, not {self.name!r}")
        step_count = state.get("step_count")
        if not isinstance(step_count, int) or step_count < 0:
            raise ValueError(f"invalid step_count {step_count!r}")
        slots = state.get("slots", {})
        if set(slots) != set(self.slot_names):
            raise ValueError(f"expected slots {sorted(self.slot_names)}, got {sorted(slots)}")
        for slot, arrays in slots.items():
            if len(arrays) != len(self.params):
                raise ValueError(f"slot {slot}: expected {len(self.params)} arrays, got {len(arrays)}")
            for param, array in zip(self.params, arrays):
                if np.shape(array) != param.shape:
                    raise ValueError(f"slot {slot}: shape {np.shape(array)} does not match {param.shape}")
        for slot, arrays in slots.items():
            for target, array in zip(self.slots[slot], arrays):
                target[...] = array
        self.step_count = step_count
        learning_rate = state.get("hyperparameters", {}).get("learning_rate")
        if learning_rate is not None:
            self.learning_rate = float(learning_rate)


class SGD(Optimizer):
    """Stochastic gradient descent with optional momentum.

    Classical momentum: ``v = mu v + g; p -= lr v``. Nesterov: ``p -= lr (g + mu v)``
    (the formulation PyTorch uses, which needs no look-ahead evaluation).
    """

    name = "sgd"

    def __init__(self, params: Sequence[np.ndarray], learning_rate: float = 0.01,
                 momentum: float = 0.0, nesterov: bool = False, weight_decay: float = 0.0,
                 decay_mask: Sequence[bool] | None = None) -> None:
        if not 0.0 <= momentum < 1.0:
            raise ValueError(f"momentum must be in [0, 1), got {momentum}")
        if nesterov and momentum == 0.0:
            raise ValueError("Nesterov momentum needs momentum > 0")
        self.momentum = float(momentum)
        self.nesterov = bool(nesterov)
        self.slot_names = ("velocity",) if momentum else ()
        super().__init__(params, learning_rate, weight_decay, decay_mask)

    def _update(self, grads: Sequence[np.ndarray]) -> None:
        momentum = self.momentum
        for index, (param, grad, scratch) in enumerate(zip(self.params, grads, self._scratch)):
            grad = self._l2_gradient(index, grad)
            if momentum:
                velocity = self.slots["velocity"][index]
                velocity *= momentum
                velocity += grad
                if self.nesterov:
                    np.multiply(velocity, momentum, out=scratch)
                    scratch += grad
                else:
                    scratch[...] = velocity
            else:
                scratch[...] = grad
            scratch *= self.learning_rate
            param -= scratch

    def hyperparameters(self) -> dict:
        return {**super().hyperparameters(), "momentum": self.momentum, "nesterov": self.nesterov}


class Adam(Optimizer):
    """Adam (Kingma & Ba, 2015) with bias correction.

    The step counter advances once per ``step`` (shared by all parameters), and
    the bias corrections are folded into one scalar step size and epsilon so
    the per-element work is a handful of in-place passes.
    """

    name = "adam"
    slot_names = ("first_moment", "second_moment")
    decoupled_weight_decay = False

    def __init__(self, params: Sequence[np.ndarray], learning_rate: float = 1e-3,
                 beta1: float = 0.9, beta2: float = 0.999, epsilon: float = 1e-8,
                 weight_decay: float = 0.0, decay_mask: Sequence[bool] | None = None) -> None:
        if not (0.0 <= beta1 < 1.0 and 0.0 <= beta2 < 1.0):
            raise ValueError(f"betas must be in [0, 1), got {beta1}, {beta2}")
        if epsilon <= 0:
            raise ValueError(f"epsilon must be positive, got {epsilon}")
        self.beta1 = float(beta1)
        self.beta2 = float(beta2)
        self.epsilon = float(epsilon)
        super().__init__(params, learning_rate, weight_decay, decay_mask)

    def _update(self, grads: Sequence[np.ndarray]) -> None:
        beta1, beta2 = self.beta1, self.beta2
        bias_correction1 = 1.0 - beta1 ** self.step_count
        bias_correction2 = 1.0 - beta2 ** self.step_count
        # lr * m_hat / (sqrt(v_hat) + eps) == step_size * m / (sqrt(v) + eps_hat)
        step_size = self.learning_rate * math.sqrt(bias_correction2) / bias_correction1
        epsilon_hat = self.epsilon * math.sqrt(bias_correction2)
        first_moments = self.slots["first_moment"]
        second_moments = self.slots["second_moment"]
        for index, (param, grad, scratch) in enumerate(zip(self.params, grads, self._scratch)):
            if self.decoupled_weight_decay:
                if self.weight_decay and self.decay_mask[index]:
                    param *= 1.0 - self.learning_rate * self.weight_decay
            else:
                grad = self._l2_gradient(index, grad)
            first_moment = first_moments[index]
            second_moment = second_moments[index]
            # m += (1 - b1)(g - m) is m = b1 m + (1 - b1) g with one temporary.
            np.subtract(grad, first_moment, out=scratch)
            scratch *= 1.0 - beta1
            first_moment += scratch
            np.multiply(grad, grad, out=scratch)
            scratch -= second_moment
            scratch *= 1.0 - beta2
            second_moment += scratch
            np.sqrt(second_moment, out=scratch)
            scratch += epsilon_hat
            np.divide(first_moment, scratch, out=scratch)
            scratch *= step_size
            param -= scratch

    def hyperparameters(self) -> dict:
        return {**super().hyperparameters(), "beta1": self.beta1, "beta2": self.beta2,
                "epsilon": self.epsilon}


class AdamW(Adam):
    """Adam with decoupled weight decay: ``p *= 1 - lr * weight_decay`` before the Adam step."""

    name = "adamw"
    decoupled_weight_decay = True

    def __init__(self, params: Sequence[np.ndarray], learning_rate: float = 1e-3,
                 beta1: float = 0.9, beta2: float = 0.999, epsilon: float = 1e-8,
                 weight_decay: float = 0.01, decay_mask: Sequence[bool] | None = None) -> None:
        super().__init__(params, learning_rate, beta1, beta2, epsilon, weight_decay, decay_mask)


OPTIMIZERS = {"sgd": SGD, "adam": Adam, "adamw": AdamW}
