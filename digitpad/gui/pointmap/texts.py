"""The point map's words, for a learner: what PCA and t-SNE are, in plain
words; what each control and view shows, how to read it and its current
value; and the sentences about the digit under the pointer and the
drawing. The texts hold only numbers and names made by digitpad (never
anything a user typed), so they need no escaping.
"""

from __future__ import annotations

import numpy as np

from digitpad.gui.common.explain import now
from digitpad.gui.common.messages import escape
from digitpad.gui.common.percent import percent
from digitpad.inside.point_map import NEIGHBOURS, PCA, TSNE, TSNE_ITERATIONS

METHOD_NAMES = {PCA: "PCA", TSNE: "t-SNE"}

PCA_IN_WORDS = (
    "<b>PCA</b> (principal component analysis) finds the direction in which the digits differ most — "
    "the line along which their numbers spread out widest — and measures every digit along it: that is "
    "the horizontal axis. The vertical axis is the direction of the next-widest spread, at right angles "
    "to the first. It is like photographing a cloud of points from the side where it looks widest: "
    "nothing is moved, only flattened. Distances on the map mean something, but digits that differ in "
    "ways these two directions cannot see may land on top of each other. PCA is quick and exact, and "
    "places any new drawing by the same rule.")

TSNE_IN_WORDS = (
    "<b>t-SNE</b> (t-distributed stochastic neighbour embedding) starts with the points scattered and "
    f"moves them, {TSNE_ITERATIONS:,} small steps, until each digit's nearest neighbours in the layer are "
    "also its neighbours on the map. Clusters mean \u201cthe network holds these digits alike\u201d; the "
    "distance between two clusters, the size of a cluster and the axes mean nothing. It takes a while, "
    "and it has no rule for placing a new point: your drawing is put among the "
    f"{NEIGHBOURS} test digits nearest to it in the layer's own numbers (the nearer, the more each "
    "counts), so its place is a good guess rather than exact.")

HOW_TO_READ = {
    PCA: "<b>How to read a PCA map.</b> The digits are seen from the side where they spread out most: "
         "left to right is the direction of widest spread, bottom to top the next widest. Nothing is moved, "
         "only flattened, so distances mean something — but digits may overlap that differ in other "
         "directions.",
    TSNE: "<b>How to read a t-SNE map.</b> The dots were moved, step by step, until each digit's nearest "
          "neighbours in the layer became its neighbours here. A tight cluster means \u201cheld alike\u201d; "
          "the gaps between clusters, their sizes and the axes mean nothing.",
}

IN_WORDS = {PCA: PCA_IN_WORDS, TSNE: TSNE_IN_WORDS}

TSNE_MISSING = (
    "t-SNE is not available: this installation of digitpad is missing the scikit-learn library, which "
    "t-SNE comes from (digitpad normally installs it, and the standalone app bundles it). PCA works "
    "without it. Reinstalling digitpad, or pip install scikit-learn, brings t-SNE back.")

# Measured by scripts/bench_point_map.py on the two-core test machine (one core for t-SNE, the
# other left to the pen; busy with other work, so these are the slow end); said where the number
# of digits is chosen, and why a t-SNE map starts with 3,000.
TSNE_TIMING = ("about 15 to 35 seconds for 3,000 digits, but one and a half to four minutes for all "
               "10,000 on a two-core computer (less with more cores).")
TSNE_DEFAULT_NOTE = ("t-SNE maps 3,000 of the 10,000 test digits unless you choose more under "
                     "<i>Test digits</i>: all 10,000 take minutes rather than seconds.")

INTRO = ("Every dot is one MNIST test digit, coloured by the digit it was written as. Digits the network "
         "holds alike land close together. Rings mark digits the model reads wrongly; the white star is "
         "your drawing, live.")

INTRO_HELP = (
    "<p><b>The point map.</b> Inside the network every digit is a long list of numbers — 784 pixels at "
    "the input, one number per unit in each hidden layer, ten scores at the output. The map flattens "
    "each list to two numbers, a place on the screen, so that digits with similar lists land close "
    "together. Choose the layer to see how the network sorts the digits as they pass through it.</p>"
    "<p>Draw in the main window: your drawing goes through the same layers and appears as a white "
    "star, moving as you draw. Does your 4 land among the 4s, or near the 9s?</p>")

DRAWING_HELP = (
    "<p><b>Your drawing on the map.</b> The white star is the digit on the canvas, put through the same "
    "network to the same layer and placed on the map: by PCA exactly, by the same rule as every dot; on "
    "a t-SNE map, which has no rule for new points, among its nearest test digits in the layer's own "
    "numbers. It moves while you draw.</p>")

LAYER_TIP = "Which numbers describe each digit: its pixels, a hidden layer's activations, or the output scores"
LAYER_HELP = (
    "<p><b>Which layer.</b> Each digit is a long list of numbers at every depth of the network: its 784 "
    "<i>input pixels</i> (the picture itself); the <i>activations</i> of each hidden layer (how that "
    "layer re-describes the picture, one number per unit); or the 10 <i>output scores</i> (one per "
    "digit, before the softmax turns them into probabilities). The map flattens the list of the layer "
    "chosen here to two numbers per digit.</p>"
    "<p>Compare the layers: at the input, digits written alike in pixels overlap (a 4 and a 9); deeper "
    "in, each digit gathers in a cluster of its own — the network has learned to pull them apart.</p>")

METHOD_TIP = ("How the long lists of numbers are flattened to two: PCA (quick, exact) or t-SNE (slower, keeps "
              "neighbours)")
SAMPLE_TIP = "How many of the 10,000 MNIST test digits are put on the map"
SAMPLE_HELP = (
    "<p><b>How many digits.</b> The digits are chosen at random from the 10,000 MNIST test digits, the "
    "same ones each time; a smaller sample is part of every larger one, so you can follow a digit from "
    "one size to the next.</p>"
    "<p>PCA takes a second or two even for all 10,000, so it maps them all. t-SNE compares every digit "
    "with its neighbours at every step: {timing} So a t-SNE map starts with 3,000 digits chosen at "
    "random — enough to see every cluster — and each method keeps its own number.</p>")

MAP_TIP = "The test digits as points: close together = held alike by the network. Point at a dot for its digit."
LEGEND_TIP = "Which colour is which digit, and what the marks mean. Click a digit to pick out its dots."
LEGEND_HELP = (
    "<p><b>Legend.</b> Each colour is the digit a test digit was <i>written as</i> (its true label). A "
    "white <b>ring</b> marks a digit the model reads wrongly; the white <b>star</b> is your drawing.</p>"
    "<p>Click a digit here to pick out its dots (the others fade); click it again, or click another, to "
    "change. Where are the picked digits? Together in one cluster, or spread out among others?</p>")
CARD_TIP = "The test digit under the pointer (or the one you clicked), with the model's two best guesses"
CARD_HELP = (
    "<p><b>The digit under the pointer.</b> Point at a dot to see that test digit as the network sees "
    "it, its number among the 10,000 test digits, the digit it was written as and the model's two best "
    "guesses with their probabilities. Click a dot to keep it here; double-click it, or press "
    "<i>Put on canvas</i>, to draw with it in the main window — the star then shows where your copy "
    "lands.</p>")
LOAD_TIP = "Put the digit shown here on the drawing canvas"
LOAD_HELP = ("Puts this test digit on the main window's canvas, replacing your drawing. Change it with the "
             "pen and watch the white star move on the map.")
DRAWING_TIP = "Where your drawing lands on the map, and how the model reads it"
CANCEL_TIP = "Stop making this map"
CANCEL_HELP = "Stops the map being made; the map shown before stays. Choose the settings again to restart."
PROGRESS_TIP = "How far the map is made"
PROGRESS_HELP = ("How much of the map is made: first every digit goes through the network to the chosen "
                 "layer, then the map is laid out (for t-SNE, step by step).")
CAPTION_TIP = "What the map shows now"
CAPTION_HELP = ("<p><b>What the map shows:</b> how many test digits, at which layer, flattened by which "
                "method and how long that took, and how many of the digits the model reads wrongly.</p>")
HOW_TIP = "How to read the map made by this method"
CLOSE_TIP = "Close the point map"
CLOSE_HELP = "Closes the point map; work on a map stops. Open it again from View → Point map."


def method_help(tsne_available: bool) -> str:
    missing = "" if tsne_available else f"<p><i>{TSNE_MISSING}</i></p>"
    return (f"<p><b>How the map is made.</b> Each digit is a long list of numbers; a screen has two "
            f"directions. Two ways to flatten the lists:</p><p>{PCA_IN_WORDS}</p><p>{TSNE_IN_WORDS}</p>"
            f"{missing}")


def map_help(method: str, depth_name: str, shown: int, wrong: int) -> str:
    how = PCA_IN_WORDS if method == PCA else TSNE_IN_WORDS
    axes = ("The axes are the two directions of widest spread; their labels say how much of all the "
            "spread each one shows." if method == PCA else
            "The axes have no meaning on a t-SNE map, so they carry no numbers.")
    return now("<p><b>The point map.</b> Every dot is one MNIST test digit, placed by its numbers at the "
               "layer chosen above and coloured by the digit it was written as. Digits the network holds "
               "alike land close together; a digit sitting in another digit's cluster is one the network "
               "confuses. A white ring marks a digit the model reads wrongly; the white star is your "
               f"drawing, moving as you draw.</p><p>{how}</p><p>{axes}</p><p>Point at a dot for its "
               "digit; click to keep it in the panel on the right, double-click to put it on the canvas. "
               "Scroll to zoom, drag to move around.</p>",
               f"{shown:,} test digits at {depth_name}, by {METHOD_NAMES[method]}; {wrong:,} of them "
               "read wrongly.")


def guesses(probabilities: np.ndarray) -> str:
    """'5 (62.1%), then 3 (30.2%)'."""
    first, second = np.argsort(probabilities)[::-1][:2]
    return (f"<b>{first}</b> ({escape(percent(probabilities[first]))}), then <b>{second}</b> "
            f"({escape(percent(probabilities[second]))})")


def digit_card(test_index: int, label: int, probabilities: np.ndarray) -> str:
    """The card's words for one test digit."""
    verdict = ("<span style='color:#2e9e4f'>right</span>" if int(probabilities.argmax()) == label
               else "<span style='color:#d0453a'>wrong</span>")
    return (f"<b>Test digit #{test_index:,}</b><br>written as <b>{label}</b><br>"
            f"the model reads {guesses(probabilities)} — {verdict}")


def drawing_text(probabilities: np.ndarray | None, method: str | None, off_map: bool) -> str:
    """The line about the drawing's live point."""
    if probabilities is None:
        return "<b>Your drawing:</b> draw a digit in the main window and a white star shows where it lands."
    where = ""
    if method == PCA:
        where = " The star is placed exactly, by the same PCA."
    elif method is not None:
        where = f" The star sits among its {NEIGHBOURS} nearest test digits (t-SNE cannot place new points)."
    if off_map:
        where += " It lies beyond the edge of the map: the star is drawn at the edge."
    return f"<b>Your drawing</b> is read as {guesses(probabilities)}.{where}"


def sample_label(count: int, total: int) -> str:
    return f"all {total:,}" if count >= total else f"{count:,}"


def axis_label(method: str, axis: int, variance: float | None) -> str:
    if method == PCA:
        return f"PCA direction {axis} — {variance * 100:.1f}% of the spread"
    return f"t-SNE {axis} (no units: only neighbours matter)"


def making(method: str, depth_name: str, count: int, map_shown: bool) -> str:
    """The caption while a map is being made."""
    wait = " This takes a while; you can keep drawing." if method != PCA else ""
    before = " Until it is ready, the map shown is the one before." if map_shown else ""
    return f"Making the {METHOD_NAMES[method]} map of {count:,} test digits at <b>{depth_name}</b>…{wait}{before}"


def caption(method: str, depth_name: str, width: int, shown: int, total: int, wrong: int, seconds: float,
            variance: np.ndarray | None) -> str:
    """What the map shows, in one or two sentences."""
    sample = "all" if shown >= total else f"{shown:,} (chosen at random) of the"
    made = f"{METHOD_NAMES[method]} in {seconds:.1f} s"
    kept = ""
    if variance is not None:
        kept = f"; the two directions show {float(variance.sum()) * 100:.0f}% of all the spread"
    subset = f" {TSNE_DEFAULT_NOTE}" if method == TSNE and shown < total else ""
    return (f"Showing {sample} {total:,} MNIST test digits at <b>{depth_name}</b>, where each digit is "
            f"{width:,} numbers, flattened to 2 by {made}{kept}. {wrong:,} of them are read wrongly "
            f"(ringed).{subset}")
