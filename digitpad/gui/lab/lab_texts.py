"""What the lab says to a learner: the tooltips and "What's This?" texts of
its controls and charts, in one place so they read as one voice. Each
defines the terms it uses (unit, bias, pruning, noise, temperature, loss,
confidence) in plain words; the functions put in the current value.
"""

from __future__ import annotations

from dataclasses import replace

from digitpad.inside import ModelEdits

INTRO = ("Change the network and watch what happens to your drawing and to the 10,000 MNIST test digits. "
         "You work on a copy: the model in use changes only if you press <b>Use this model</b>.")

UNIT_GROUP = ("A unit — an artificial neuron — multiplies each of its inputs by a weight, adds them up, adds "
              "its bias, and passes the sum through its activation (ReLU: a negative sum becomes 0). Each "
              "hidden layer has many units; the output layer has ten, one per digit, whose scores the "
              "softmax turns into probabilities. Pick a unit by its layer and number, then switch it off, "
              "shift its bias or scale its weights.")
LAYER = ("The network's layers in order: hidden layer 1 looks at the 784 pixels, hidden layer 2 looks at what "
         "hidden layer 1 found, and the output layer has one unit per digit.")
UNIT = ("The unit's number in its layer, counting from 0. In the output layer, unit 7 is the score for the "
        "digit 7.")
MOST_ACTIVE = ("Picks the unit of this layer with the largest output for the drawing in the main window: one "
               "that matters for this digit, so changing it is likely to show an effect.")
OUTPUT = ("What this unit outputs for your drawing, in the model in use → in the edited network. 0 means it is "
          "silent: ReLU passes nothing below zero.")
OFF = ("A switched-off unit gets no input and no bias and its outgoing weights are set to zero, so it always "
       "outputs 0 and the next layer ignores it — like a neuron that has died. Networks trained with dropout, "
       "like the bundled one, cope with losing a few units. Only hidden units can be switched off: an output "
       "unit is a digit's score.")
BIAS = ("The bias is a number added to the unit's weighted sum before its activation: it sets how easily the "
        "unit switches on. A positive shift makes it fire more, a negative one less. For an output unit it "
        "shifts that digit's score: shift it far enough and the network answers that digit for anything.")
SCALE = ("Every weight into this unit is multiplied by this factor. 1 leaves the unit as it is, 0 makes it "
         "ignore its inputs (only its bias is left), 2 makes it twice as sensitive, and a negative factor makes "
         "it respond to the opposite pattern.")
UNIT_LIST = ("Every unit you changed and what you changed. Click one to pick it again; Undo unit puts it back "
             "as it was.")

NETWORK_GROUP = ("Changes to all the weights at once: damage that shows how much the network relies on them, "
                 "and the softmax temperature, which changes how sure it sounds but not what it answers.")
PRUNE = ("Pruning removes connections: in every layer this share of the weights — the ones closest to zero — "
         "is set to exactly zero. Small weights matter little, so a network often keeps its accuracy with "
         "most of them gone (and a pruned network can be stored smaller and run faster). The pruning chart "
         "shows where it breaks down.")
NOISE = ("Noise adds a random number to every weight, drawn from a bell curve and scaled so that 1 means as "
         "large as a typical weight of that layer (its standard deviation). Think of a sloppy copy of the "
         "network, or a chip that stores weights imprecisely. The noise chart shows how much it takes.")
SEED = ("Noise is random, but repeatable: the same seed always gives the same noise, so you and your class "
        "see the same result. Another seed draws different noise of the same size.")
NEW_SEED = "Draws different random noise of the same size (the next seed)."
TEMPERATURE = ("The softmax turns the ten scores into probabilities. The temperature divides every score "
               "first: above 1 the probabilities even out (the network sounds less sure), below 1 the top one "
               "grows (it sounds surer). The largest score stays the largest, so the answers and the accuracy "
               "do not change — only the confidence and the loss do. 1 is the network as it is: a "
               "calibrated network already divides its scores by its own temperature (fitted so that its "
               "confidence is honest), and this one acts on top of it.")

DRAWING_GROUP = ("The digit drawn in the main window, as the network sees it (28×28 pixels), read by the model "
                 "in use and by your edited network. Draw or change the digit in the main window while the "
                 "lab is open: both readings follow.")
BARS = ("One row per digit. The blue bar is the probability the model in use gives your drawing for that digit, "
        "the orange bar the probability your edited network gives it; the bold digit is each one's answer. "
        "Where the bars differ, your edit matters for this drawing.")

TEST_GROUP = ("Your edits measured on the 10,000 MNIST test digits — digits the network never saw while it "
              "learnt — before (the model in use) → after (your edited network). Computed in the background "
              "whenever you stop changing something.")
ACCURACY = "Accuracy: the share of the test digits read correctly — the usual measure of a digit reader."
LOSS = ("Loss (cross-entropy): how surprised the network is by the right answer, on average: minus the "
        "logarithm of the probability it gave the true digit. 0 would be perfect. It grows when the network is "
        "unsure about, or wrong about, the true digit, so it can change when the accuracy does not. Training "
        "makes this number as small as it can.")
CONFIDENCE = ("Mean confidence: the probability of the network's answer, averaged over all test digits, right "
              "or wrong. A network can be confident and wrong: compare it with the accuracy.")
CHANGE = ("After minus before: percentage points for accuracy and confidence. Green is better, red is worse "
          "(for the loss, smaller is better).")

PRUNE_CHART = ("How accuracy falls as more and more of each layer's smallest weights are pruned (set to zero), "
               "with your other edits kept. Each point is one pruned network scored on the first {count:,} "
               "MNIST test digits (a sample, to be quick). The dashed line marks your pruning, the orange dot "
               "your edited network; the grey line at 10% is what guessing would score.")
NOISE_CHART = ("How accuracy falls as more and more random noise is added to the weights (in multiples of "
               "a typical weight's size), with your other edits kept and the same seed. Each point is one "
               "noisy network scored on the first {count:,} MNIST test digits (a sample, to be quick). The "
               "dashed line marks your noise, the orange dot your edited network; the grey line at 10% is "
               "what guessing would score.")

RESET = ("Undoes every edit: the controls go back to the start and the edited network is again exactly the "
         "model in use.")
USE = ("Saves the edited network as a new checkpoint in your digitpad data folder, with your edits recorded "
       "in it (Model → Model info lists them), and makes it the model in use, so the main window reads your "
       "drawings with it. The file of the model you had is not changed: File → Open checkpoint goes back to it.")
SUMMARY = "Every edit you have made, in words. This is what Use this model records in the saved checkpoint."
GLOSSARY = ("<b>Accuracy</b>: the share read right. <b>Loss</b>: how surprised the network is by the right "
            "answer (0 is perfect). <b>Mean confidence</b>: the average probability of its answer, right or "
            "wrong.")
STATUS = "What the lab is doing in the background, and how long scoring the test digits took."


def prune_tip(fraction: float) -> str:
    return f"Pruning: the smallest {fraction:.0%} of each layer's weights set to zero"


def noise_tip(noise: float) -> str:
    return f"Noise: random changes of {noise:.1f}× a typical weight's size" if noise else "Noise: none"


def temperature_tip(temperature: float) -> str:
    return f"Softmax temperature: {temperature:.2f} (1 is the network as it is, calibration included)"


def with_value(text: str, value: str) -> str:
    """A "What's This?" text ending in the control's current value."""
    return f"{text}<br><br><b>Now:</b> {value}"


def summarise(edits: ModelEdits) -> list[str]:
    """The edits in words, one item each, counting units the way one says it."""
    lines = []
    for changes, one, many in ((edits.units_off, "unit switched off", "units switched off"),
                               (edits.bias_shifts, "bias shifted", "biases shifted"),
                               (edits.weight_scales, "unit's weights scaled", "units' weights scaled")):
        if changes:
            lines.append(f"{len(changes)} {one if len(changes) == 1 else many}")
    return lines + replace(edits, units_off=(), bias_shifts=(), weight_scales=()).describe()
