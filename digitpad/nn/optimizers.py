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

Speed: an update is a dozen element-wise passes (NumPy cannot fuse them), and
a 784-512-256-10 network has 535k parameters, 2 MB per array in float32 —
more than a core's L2 cache. So each parameter is updated ``BLOCK_SIZE``
elements at a time: the block's pieces of the parameter, gradient, slots
and workspace are read from memory once and every pass over them then runs
in cache. All arithmetic is in place, in the parameter's dtype.
"""

from __future__ import annotations

import math
from typing import Mapping, Sequence

import numpy as np

# Elements per block of an update (see the module docstring): the six arrays
# of a block take 6 x 4 x 2**16 bytes = 1.5 MB in float32, which fits a 2 MB
# L2 cache. Much smaller blocks lose more to NumPy's per-call overhead than
# they gain; much larger ones spill to slower cache levels.
BLOCK_SIZE = 1 << 16


def _blocks(arrays: Sequence[np.ndarray], workspace: Sequence[np.ndarray]):
    """Yield ``(pieces of arrays, pieces of workspace)``, ``BLOCK_SIZE``
    elements at a time, as flat views. ``arrays`` are a parameter, its
    gradient and its slots (all one shape). When one is not C-contiguous a
    flat view is impossible: they come whole, with a workspace of their shape
    allocated for the occasion (only callers passing strided views pay that)."""
    if not all(array.flags.c_contiguous for array in arrays):
        yield arrays, [np.empty_like(arrays[0]) for _ in workspace]
        return
    flat = [array.reshape(-1) for array in arrays]
    size = flat[0].size
    block = _block_length(size)
    for start in range(0, size, block):
        stop = min(start + block, size)
        yield [array[start:stop] for array in flat], [buffer[:stop - start] for buffer in workspace]


def _block_length(size: int) -> int:
    """Elements per block for an array of ``size``: the array cut evenly into
    about ``size / BLOCK_SIZE`` blocks (each at most 1.25 ``BLOCK_SIZE``), so
    that a 401,408-element weight matrix makes 6 blocks of 66,902 rather than
    6 full ones and a tail of 8,192 that costs as many calls as a full one."""
    count = max(1, round(size / BLOCK_SIZE), math.ceil(size / (1.25 * BLOCK_SIZE)))
    return -(-size // count)


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
        # Workspace for the in-place arithmetic, two buffers of one block per
        # parameter (a few hundred kB in all); not state, never saved.
        self._scratch = [[np.empty(_block_length(param.size), param.dtype) for _ in range(2)]
                         for param in self.params]
        # Per parameter, the gradient array last seen and the blocks cut from
        # it (see ``_cut_blocks``): cutting them anew costs ~30 slices per step.
        self._block_cache: list[tuple[np.ndarray, list[tuple[np.ndarray, ...]]] | None] = \
            [None] * len(self.params)

    def step(self, grads: Sequence[np.ndarray]) -> None:
        """Update every parameter in place from its gradient (which is left as it is)."""
        if len(grads) != len(self.params):
            raise ValueError(f"expected {len(self.params)} gradients, got {len(grads)}")
        self.step_count += 1
        constants = self._step_constants()
        typed: dict[np.dtype, dict] = {}
        for index, (param, grad) in enumerate(zip(self.params, grads)):
            grad = np.asarray(grad)
            if grad.shape != param.shape:
                raise ValueError(f"gradient {index} has shape {grad.shape}, "
                                 f"its parameter {param.shape}")
            if param.dtype not in typed:
                # As 0-d arrays of the parameter's dtype the scalars round
                # exactly as Python floats would, and NumPy dispatches the
                # ~150 calls of a step faster.
                typed[param.dtype] = {name: np.array(value, param.dtype) for name, value in constants.items()}
            # (A gradient of another dtype keeps the Python floats, whose
            # promotion rules the arithmetic was written for.)
            scalars = typed[param.dtype] if grad.dtype == param.dtype else constants
            decay = self.weight_decay if self.decay_mask[index] else 0.0
            for block in self._cut_blocks(index, grad):
                self._update_block(*block, decay=decay, **scalars)

    def _cut_blocks(self, index: int, grad: np.ndarray) -> list[tuple[np.ndarray, ...]]:
        """Parameter ``index``'s blocks as ``(param, grad, *slots, scratch,
        work)`` pieces (see ``_blocks``). The pieces are views, so they stay
        valid while the same arrays are used: they are cut once and reused for
        as long as the caller passes the same gradient array (the trainer always does)."""
        cached = self._block_cache[index]
        if cached is None or cached[0] is not grad:
            slots = [self.slots[slot][index] for slot in self.slot_names]
            blocks = [(*arrays, *workspace) for arrays, workspace
                      in _blocks([self.params[index], grad, *slots], self._scratch[index])]
            cached = self._block_cache[index] = (grad, blocks)
        return cached[1]

    def _step_constants(self) -> dict:
        """The scalars this step's update uses, worked out once per step."""
        return {}

    def _update_block(self, param: np.ndarray, grad: np.ndarray, *slots_and_workspace: np.ndarray,
                      decay: float, **constants) -> None:
        """Update one block of one parameter in place: ``param``, ``grad`` and
        the slots in ``slot_names`` order, then two workspace buffers."""
        raise NotImplementedError

    @staticmethod
    def _l2_gradient(param: np.ndarray, grad: np.ndarray, decay: float, work: np.ndarray) -> np.ndarray:
        """The gradient with the L2 penalty's gradient ``decay * param`` added,
        written into ``work`` (``grad`` itself when there is no penalty)."""
        if not decay:
            return grad
        np.multiply(param, decay, out=work)
        work += grad
        return work

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

    def _update_block(self, param, grad, *slots_and_workspace, decay, **constants) -> None:
        *velocity, scratch, work = slots_and_workspace
        grad = self._l2_gradient(param, grad, decay, work)
        if not self.momentum:
            np.multiply(grad, self.learning_rate, out=scratch)    # lr g
        else:
            velocity = velocity[0]
            velocity *= self.momentum
            velocity += grad                                      # v = mu v + g
            if self.nesterov:
                np.multiply(velocity, self.momentum, out=scratch)
                scratch += grad
                scratch *= self.learning_rate                     # lr (g + mu v)
            else:
                np.multiply(velocity, self.learning_rate, out=scratch)   # lr v
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

    def _step_constants(self) -> dict:
        bias_correction1 = 1.0 - self.beta1 ** self.step_count
        bias_correction2 = 1.0 - self.beta2 ** self.step_count
        # lr * m_hat / (sqrt(v_hat) + eps) == step_size * m / (sqrt(v) + eps_hat)
        return {"step_size": self.learning_rate * math.sqrt(bias_correction2) / bias_correction1,
                "epsilon_hat": self.epsilon * math.sqrt(bias_correction2),
                "beta1": self.beta1, "one_minus_beta1": 1.0 - self.beta1,
                "beta2": self.beta2, "one_minus_beta2": 1.0 - self.beta2}

    def _update_block(self, param, grad, first_moment, second_moment, scratch, work, *,
                      decay, step_size, epsilon_hat, beta1, one_minus_beta1, beta2,
                      one_minus_beta2) -> None:
        # Twelve passes, each reading at most two arrays and writing one of
        # them in place (with a third, separate output NumPy is markedly slower).
        if self.decoupled_weight_decay:
            if decay:
                param *= 1.0 - self.learning_rate * decay
        else:
            grad = self._l2_gradient(param, grad, decay, work)
        np.multiply(grad, one_minus_beta1, out=scratch)
        first_moment *= beta1
        first_moment += scratch                       # m = b1 m + (1 - b1) g
        np.multiply(grad, one_minus_beta2, out=scratch)
        scratch *= grad
        second_moment *= beta2
        second_moment += scratch                      # v = b2 v + (1 - b2) g^2
        np.sqrt(second_moment, out=scratch)
        scratch += epsilon_hat
        np.divide(first_moment, scratch, out=scratch)
        scratch *= step_size
        param -= scratch                              # p -= step_size m / (sqrt(v) + eps_hat)

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
