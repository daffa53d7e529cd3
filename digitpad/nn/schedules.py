"""Learning-rate schedules as small callables mapping the global step (the
number of optimiser updates already made, starting at 0) to a learning rate:
constant, step decay, cosine annealing and a linear warm-up that wraps any of
them. Schedules are pure functions of the step, so a resumed run gets exactly
the learning rates an uninterrupted one would have.
"""

from __future__ import annotations

import math


class ConstantSchedule:
    def __init__(self, learning_rate: float) -> None:
        self.learning_rate = learning_rate

    def __call__(self, step: int) -> float:
        return self.learning_rate


class StepSchedule:
    """Multiply the rate by ``gamma`` every ``step_size`` steps."""

    def __init__(self, learning_rate: float, step_size: int, gamma: float = 0.1) -> None:
        if step_size <= 0:
            raise ValueError(f"step_size must be positive, got {step_size}")
        self.learning_rate = learning_rate
        self.step_size = step_size
        self.gamma = gamma

    def __call__(self, step: int) -> float:
        return self.learning_rate * self.gamma ** (step // self.step_size)


class CosineSchedule:
    """Half a cosine from ``learning_rate`` down to ``min_learning_rate`` over
    ``total_steps`` (Loshchilov & Hutter, 2017, without restarts); constant at
    the minimum afterwards.
    """

    def __init__(self, learning_rate: float, total_steps: int, min_learning_rate: float = 0.0) -> None:
        if total_steps <= 0:
            raise ValueError(f"total_steps must be positive, got {total_steps}")
        self.learning_rate = learning_rate
        self.total_steps = total_steps
        self.min_learning_rate = min_learning_rate

    def __call__(self, step: int) -> float:
        progress = min(step, self.total_steps) / self.total_steps
        cosine = 0.5 * (1.0 + math.cos(math.pi * progress))
        return self.min_learning_rate + (self.learning_rate - self.min_learning_rate) * cosine


class WarmupSchedule:
    """Ramp linearly up to ``after(0)`` over ``warmup_steps``, then follow
    ``after`` with its step counted from the end of the warm-up.
    """

    def __init__(self, after, warmup_steps: int) -> None:
        if warmup_steps < 0:
            raise ValueError(f"warmup_steps must be non-negative, got {warmup_steps}")
        self.after = after
        self.warmup_steps = warmup_steps

    def __call__(self, step: int) -> float:
        if step < self.warmup_steps:
            return self.after(0) * (step + 1) / self.warmup_steps
        return self.after(step - self.warmup_steps)
