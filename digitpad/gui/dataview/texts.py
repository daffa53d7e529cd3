"""The words of MNIST at a glance, for a learner: what each chart shows, how
to read it and what it shows now. The texts hold only numbers made by
digitpad, never anything a user typed, so they need no escaping.
"""

from __future__ import annotations

import numpy as np

from digitpad.data.mnist.summary import SplitSummary

SPLIT_NAMES = {"train": "training set", "test": "test set"}

INTRO = ("MNIST is the data set this network learnt from: 70,000 handwritten digits, each a 28 × 28 "
         "picture with its label — 60,000 to train on and 10,000 kept aside to test on.")
INTRO_HELP = (
    "<p><b>MNIST at a glance.</b> MNIST is a collection of 70,000 handwritten digits written by American "
    "school pupils and office workers, scanned, cut out, scaled into a 20 × 20 box and centred in a 28 × "
    "28 picture. Each comes with its <i>label</i>: the digit it is meant to be.</p>"
    "<p>The network learnt from the 60,000 digits of the <i>training set</i>; the 10,000 of the <i>test "
    "set</i> were never shown to it while it learnt, so how well it reads them says how well it reads "
    "digits it has never seen. Looking at the data first is what every machine-learning project "
    "should start with: how many examples of each kind, what a typical one looks like, and oddities.</p>")

COUNTS_TITLE = "Digits of each kind"
COUNTS_TIP = "How many digits of each kind the training and the test set hold. Point at a row for its numbers."
COUNTS_HELP = (
    "<p><b>Digits of each kind.</b> One row per digit: the blue bar is the training set, the orange bar "
    "the test set. A bar's length is the digit's share of its set, so the two sets can be compared even "
    "though the training set is six times larger; the number at its end is how many there are.</p>"
    "<p>MNIST is nearly <i>balanced</i>: every digit makes up about a tenth. Were one digit rare, the "
    "network would see few examples of it and read it worse — and a network could score well just by "
    "favouring the common ones.</p>")

AVERAGE_TITLE = "The average digit"
AVERAGE_TIP = "Each digit's average picture: every pixel is how much ink it has on average"
AVERAGE_HELP = (
    "<p><b>The average digit.</b> All the pictures of one digit laid on top of each other and averaged, "
    "pixel by pixel: bright where nearly every writer puts ink, dim where only some do, black where no "
    "one does. Blurry edges show how much people's writing varies; a sharp part is where they agree.</p>"
    "<p>Reading a digit by which of these ten averages it is closest to already gets about 8 digits in "
    "10 right; the network does far better by learning many finer features of its own.</p>")

HISTOGRAM_TITLE = "How bright the pixels are"
HISTOGRAM_TIP = "How many pixels have each ink level, from faint (1) to full ink (255); blank pixels are left out"
HISTOGRAM_HELP = (
    "<p><b>How bright the pixels are.</b> Every pixel of an MNIST picture is a number from 0 (black, no "
    "ink) to 255 (full ink); the network receives it divided by 255, between 0 and 1. The bars count the "
    "pixels at each level, in groups of 8 levels, as a share of all the pixels with any ink.</p>"
    "<p>The blank pixels (level 0) are left out: they are most of every picture and would dwarf every "
    "other bar. Most inked pixels are at full ink — the middle of a stroke, the tall bar on the right; "
    "the rest are the grey edges of strokes, where shrinking the scanned digit into its 20 × 20 box "
    "blended ink and paper.</p>")

SAMPLES_TITLE = "Random samples"
SAMPLES_TIP = "Digits chosen at random, with their labels. Click one to put it on the canvas."
SAMPLES_HELP = (
    "<p><b>Random samples.</b> Digits picked at random, each with its label in the corner. Look for "
    "how differently people write the same digit — and for the odd one whose label you would not have "
    "guessed: a few MNIST labels are arguably wrong. Click a digit to put it on the canvas and see how the "
    "network reads it; <i>More samples</i> picks new ones.</p>")
MORE_TIP = "Pick other digits at random"
MORE_HELP = "Replaces the samples with others picked at random from the chosen set (and digit)."
DIGIT_TIP = "Show samples of any digit, or of one digit only"
DIGIT_HELP = ("Chooses which samples are shown: any digit, or only one digit — to see how differently a "
              "single digit is written.")
SPLIT_TIP = "Which set the average digits, the pixel chart and the samples come from"
SPLIT_HELP = ("Chooses the set the average digits, the pixel brightness chart and the samples come from: the "
              "60,000 training digits the network learnt from, or the 10,000 test digits it was scored on. "
              "The two look alike — that is what makes the test score a fair measure.")
STATUS_TIP = "What is shown, or how the loading goes"
CLOSE_TIP = "Close MNIST at a glance"
CLOSE_HELP = "Closes this window; loading stops. Open it again from View → MNIST at a glance."


def counts_now(train: SplitSummary, test: SplitSummary) -> str:
    least, most = int(train.counts.argmin()), int(train.counts.argmax())
    return (f"training set: {train.size:,} digits, from {train.counts[least]:,} {least}s "
            f"({train.counts[least] / train.size:.1%}) to {train.counts[most]:,} {most}s "
            f"({train.counts[most] / train.size:.1%}); test set: {test.size:,} digits.")


def count_row(digit: int, train: SplitSummary, test: SplitSummary) -> str:
    return (f"<b>{digit}</b>: {train.counts[digit]:,} training digits ({train.counts[digit] / train.size:.1%} of "
            f"{train.size:,}), {test.counts[digit]:,} test digits ({test.counts[digit] / test.size:.1%} of "
            f"{test.size:,})")


def average_tip(digit: int, summary: SplitSummary) -> str:
    return (f"The average {digit} of the {summary.counts[digit]:,} {digit}s in the "
            f"{SPLIT_NAMES[summary.name]}: bright where most of them have ink")


def histogram_now(summary: SplitSummary) -> str:
    return (f"{SPLIT_NAMES[summary.name]}: {summary.blank_share:.0%} of its {summary.pixels:,} pixels are "
            f"blank (level 0, left out); of the inked ones, {summary.full_share:.0%} are at full ink "
            "(250 or more).")


def histogram_bar(start: int, end: int, count: int, inked: int) -> str:
    return f"ink levels {start}–{end}: {count:,} pixels, {count / max(inked, 1):.1%} of the inked ones"


def sample_tip(index: int, label: int, split: str) -> str:
    return (f"{SPLIT_NAMES[split].capitalize()} digit #{index:,}, labelled {label}. "
            "Click to put it on the canvas.")


def samples_now(count: int, split: str, digit: int | None) -> str:
    which = "any digit" if digit is None else f"only {digit}s"
    return f"{count} digits from the {SPLIT_NAMES[split]}, {which}."


def status(train: SplitSummary, test: SplitSummary, seconds: float) -> str:
    return (f"{train.size:,} training and {test.size:,} test digits, read and summed up in "
            f"{seconds:.1f} s.")


def shares(counts: np.ndarray) -> np.ndarray:
    return counts / max(int(counts.sum()), 1)
