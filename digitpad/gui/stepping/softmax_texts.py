"""What the softmax step says: each number of the softmax table with its
arithmetic (``exp(−1.2) = 0.30`` …), what the temperature does, and a plain
reading of the entropy — how unsure the network is, from 0 bits (certain)
to log₂ 10 ≈ 3.32 bits (no idea: all ten digits equally likely). Rich text
for tooltips; Qt-free.
"""

from __future__ import annotations

import math

import numpy as np

from digitpad.gui.stepping.numbers import bracketed, number, percent, precise, subscript
from digitpad.inside import SoftmaxSteps

NO_IDEA_BITS = math.log2(10)

TEMPERATURE_EXPLANATION = (
    "The temperature T divides every score before exp. The network really uses its calibration temperature "
    "(the reset button's T; 1 for a model never calibrated), fitted on validation digits so that a digit it "
    "reads with 90% confidence is right about 90% of the time. A higher T "
    "(say 3) brings the scores closer together, so the probabilities even out and the network looks less "
    "sure — the entropy rises. A lower T (say 0.3) spreads them apart, so the top digit takes nearly "
    "everything — the entropy falls. The answer, the digit with the highest probability, never changes.")


def entropy_reading(steps: SoftmaxSteps) -> str:
    """How unsure the network is, in plain words."""
    bits, probabilities = steps.entropy_bits, steps.probabilities
    first, second = (int(digit) for digit in np.argsort(-probabilities, kind="stable")[:2])
    if bits < 0.1:
        verdict = f"Practically certain: nearly all the probability is on {first}."
    elif bits < 0.6:
        verdict = f"Quite sure it is a {first}, with a little doubt."
    elif bits < 1.5:
        verdict = f"Hesitating, mostly between {first} and {second}."
    elif bits < 2.6:
        verdict = "Unsure: the probability is spread over several digits."
    else:
        verdict = "It has almost no idea: the probability is spread nearly evenly."
    choices = f"{2 ** bits:.1f}".rstrip("0").rstrip(".")
    return (f"{verdict} An entropy of {number(bits)} bits is as unsure as a fair pick between {choices} "
            "equally likely digits.")


class SoftmaxTexts:
    def __init__(self, steps: SoftmaxSteps) -> None:
        self._steps = steps
        self._best = int(np.argmax(steps.scores))

    def score(self, digit: int) -> str:
        z = float(self._steps.scores[digit])
        return (f"<p><b>z{subscript(digit)} = {precise(z)}</b></p><p>The output layer's score for digit "
                f"{digit}: its weighted sum, worked out in the previous step. A score can be any number; "
                "only how far apart the scores are matters to the softmax.</p>")

    def minusMax(self, digit: int) -> str:
        z, top = float(self._steps.scores[digit]), float(self._steps.scores[self._best])
        return (f"<p><b>z{subscript(digit)} − max = {number(z)} − {bracketed(top)} = {precise(z - top)}</b></p>"
                f"<p>The largest score (digit {self._best}'s) is taken from every score: the largest becomes "
                "0 and the others negative. This changes no probability — it cancels out in the division "
                "— but it keeps exp from growing too big for the computer.</p>")

    def divided(self, digit: int) -> str:
        z, top = float(self._steps.scores[digit]), float(self._steps.scores[self._best])
        temperature, shifted = self._steps.temperature, float(self._steps.shifted[digit])
        return (f"<p><b>(z{subscript(digit)} − max) ÷ T = {number(z - top)} ÷ {number(temperature)} = "
                f"{precise(shifted)}</b></p><p>{TEMPERATURE_EXPLANATION}</p>")

    def exponential(self, digit: int) -> str:
        shifted, value = float(self._steps.shifted[digit]), float(self._steps.exponentials[digit])
        return (f"<p><b>exp({number(shifted)}) = {precise(value)}</b></p><p>exp(v) is the number e ≈ 2.718 "
                "raised to the power v. It turns every number into a positive one: 0 becomes 1, and the more "
                "negative the number, the closer to 0 it gets.</p>")

    def probability(self, digit: int) -> str:
        value, p = float(self._steps.exponentials[digit]), float(self._steps.probabilities[digit])
        return (f"<p><b>p{subscript(digit)} = {number(value)} ÷ {number(self._steps.total, 4)} = {precise(p)}"
                f" = {percent(p)}</b></p><p>Digit {digit}'s share of the sum of the ten exps: the probability "
                "the network gives it. The ten probabilities add up to 1 (100%).</p>")

    def entropyTerm(self, digit: int) -> str:
        p = float(self._steps.probabilities[digit])
        if p <= 0:
            return f"<p><b>−p{subscript(digit)}·log₂p{subscript(digit)} = 0</b></p><p>p is 0: it adds nothing.</p>"
        log = math.log2(p)
        return (f"<p><b>−p{subscript(digit)}·log₂p{subscript(digit)} = −{number(p)} × {bracketed(log)} = "
                f"{precise(-p * log)} bits</b></p><p>Digit {digit}'s part of the entropy. log₂p counts how many "
                "times 1 must be halved to get down to p; a digit the network is sure of (p = 1) adds 0, "
                "and so does one it rules out (p near 0). The ten parts add up to the entropy.</p>")

    def total(self) -> str:
        return (f"<p><b>Sum of the exps = {precise(self._steps.total)}</b></p><p>The ten exps added up. Each "
                "exp divided by this sum is a probability, so the probabilities add up to 1.</p>")

    def entropy(self) -> str:
        return (f"<p><b>Entropy H = −Σ p·log₂p = {precise(self._steps.entropy_bits)} bits</b></p>"
                "<p>How unsure the network is: 0 bits means certain (one digit has all the probability); "
                f"log₂ 10 ≈ {number(NO_IDEA_BITS)} bits means no idea at all (all ten equally likely).</p>"
                f"<p>{entropy_reading(self._steps)}</p>")
