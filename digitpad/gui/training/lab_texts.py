"""The training lab's words for a learner: a tooltip and a "What's This?"
text for every chart and control of the live charts (``LabCharts``), kept
here so the charts' code stays about drawing and the explanations can be
read, and improved, in one place.
"""

from __future__ import annotations

TABS_TIP = "Live charts of the training run: pick what to watch"
TABS = """<p><b>Watch it learn.</b> Each tab shows one side of the network while it trains, updated live:</p>
<ul><li><b>Loss</b> — how wrong it still is, and how often it is right.</li>
<li><b>Gradients</b> — how hard each layer is being pushed.</li>
<li><b>Inactive units</b> — units that have stopped taking part.</li>
<li><b>Weights</b> — how the weights have spread out since the start.</li>
<li><b>First layer</b> — what each first-layer unit looks for in a digit.</li>
<li><b>Training digits</b> — the digits it learns from, as it sees them.</li></ul>"""

LOSS_TIP = "Loss: how wrong the network still is — lower is better"
LOSS = """<p><b>Loss</b> measures how wrong the network's answers are: it is small when the network gives the
right digit a high probability and large when it is confident and wrong. Training is nothing but nudging
the weights, batch after batch, to make this number smaller.</p>
<p>The <b>faint line</b> is each batch's own loss: it jumps about, because every batch holds different
digits. The <b>dark line</b> is a smoothed average, which shows the trend. The <b>blue dots</b> are each epoch's
average (an epoch is one pass over all the training digits), drawn in the middle of the epoch they
average. The <b>orange dots</b> are the loss on validation digits the network never trains on, measured
at the end of each epoch.</p>
<p>If the validation loss starts rising while the training loss keeps falling, the network is
<i>overfitting</i>: memorising its training digits instead of learning what digits look like.</p>"""

ACCURACY_TIP = "Accuracy: the share of digits the network gets right"
ACCURACY = """<p><b>Accuracy</b> is the share of digits the network answers correctly (its most probable digit
is the true one). Guessing would score 10%.</p>
<p>The blue line is a smoothed accuracy on the training batches; the dots mark each epoch, and the orange
ones are the validation digits, which it never trains on — the honest score.</p>
<p>Accuracy only counts right or wrong; the loss also sees how <i>sure</i> the network is, so the loss can
keep improving while the accuracy stands still.</p>"""

LOG_LOSS_TIP = "Draw the loss on a logarithmic scale"
LOG_LOSS = """<p>On a <b>logarithmic scale</b> each step up the axis multiplies the loss by the same amount,
so the slow late improvement (from 0.1 to 0.05, say) is as visible as the fast early fall (from 2 to 1).</p>"""

GRADIENTS_TIP = "How large each layer's gradient is (logarithmic scale)"
GRADIENTS = """<p>The <b>gradient</b> of a layer says, for every weight, which way and how steeply the loss
changes when that weight changes. Training moves each weight a small step against its gradient. This
chart shows the <b>size</b> (norm) of each layer's whole gradient, one line per layer.</p>
<p>The scale is <b>logarithmic</b>: each grid line is ten times the one below, because gradients of
different layers can differ a thousandfold.</p>
<p>What to look for: gradients that shrink towards nothing in the layers near the input
(<i>vanishing</i>: those layers stop learning) or that shoot up (<i>exploding</i>: training becomes
unstable; a smaller learning rate or gradient clipping helps). Slowly falling gradients are normal:
the network is settling in.</p>"""

INACTIVE_TIP = "The share of each hidden layer's units that no longer respond"
INACTIVE = """<p>A hidden unit helps only if its output changes with the digit. This chart shows, for each
hidden layer, the <b>share of its units that are inactive</b>, measured on a fixed set of training digits.</p>
<p>After <b>ReLU</b> a unit is <b>dead</b> when its weighted sum is below zero for every one of those
digits: it always outputs 0, passes no gradient back, and so can never learn again. A high learning rate
can kill many units at once.</p>
<p>After <b>sigmoid</b> or <b>tanh</b> a unit is <b>saturated</b> when for most digits its output is
pinned near one of its limits, where the curve is flat: its gradient is almost 0, so it learns very slowly.</p>
<p>A few inactive units are harmless; a rising line means the layer is losing its capacity.</p>"""

WEIGHTS_TIP = "How each layer's weights are spread: now (coloured) against the start (grey)"
WEIGHTS = """<p>A <b>histogram</b> counts how many weights have each value. There is one per layer; the
<b>grey</b> outline is the layer's weights when training started, the <b>coloured</b> one the weights now,
counted in the same bins so the two can be compared.</p>
<p>The height of a bar is the share of the layer's weights (in %) in that bin; a big layer is counted on
an evenly spread sample of its weights, which has the same shape.</p>
<p>At the start the weights are small random numbers, a narrow bell shape. As the network learns, the
useful weights grow and the shape widens; the numbers above each chart give the spread (standard
deviation) at the start and now. A layer whose outline has not moved is not learning; weights that grow
without limit can be held back with weight decay.</p>"""

MOSAIC_TIP = "What each first-layer unit looks for: orange pixels push it up, blue pixels hold it back"
MOSAIC = """<p>Each square is one unit of the first hidden layer, drawn as its 784 weights laid out as the
28 × 28 pixels of a digit. <b>Orange</b> pixels have positive weights: ink there pushes the unit up.
<b>Blue</b> pixels have negative weights: ink there holds it back. <b>Dark</b> pixels have weights near 0
and do not matter.</p>
<p>At the start the squares are random noise. Watch them change as training goes on: many become strokes,
edges or blobs — the pieces of digits the unit has learnt to detect.</p>
{shows}<p>{scale}</p>
<p>Point at a square to see its unit's number; click it to enlarge it, with its weights at the start beside
them now.</p>"""
SCALE_PER_UNIT = ("Colours: <b>each unit on its own scale</b> — its strongest weight is full colour, so the "
                  "pattern of even a weak unit shows. Squares cannot be compared with each other for strength.")
SCALE_GLOBAL = ("Colours: <b>one scale for all units</b> — the same weight has the same colour everywhere, so "
                "strong units stand out and weak ones look faint.")

SHOWS_CHANGE = """<p><b>Now showing the change since the start</b>: each pixel is how much that weight has
moved since training began (orange: grown, blue: shrunk). A wide layer starts from strong random noise that
hides what it has learnt; the change shows it.</p>"""

SHOW_TIP = "Show the weights themselves, or how much each has changed since training started"
SHOW = """<p><b>Weights now</b>: each unit's weights as they are. <b>Change since the start</b>: how far each
weight has moved from its random starting value. In a wide layer (hundreds of units) the random start is
strong and training changes each weight only a little, so the change shows what the unit has learnt far more
clearly than the weights themselves.</p>"""

SCALE_TIP = "Colour each unit on its own scale, or all units on one scale"
SCALE = """<p><b>Scale per unit</b>: every square is scaled to its own largest weight, so its pattern is
always clear. <b>One shared scale</b>: one scale for every square, so you can see which units have grown strong weights
and which are still faint.</p>"""

SIZE_TIP = "How large each unit's square is drawn"
SIZE = """<p>The size of each unit's square. With many units, smaller squares show more of them at once;
scroll to see the rest.</p>"""

ENLARGED_TIP = "One first-layer unit's weights, large: at the start, now, and how they changed"
ENLARGED = """<p>One unit of the first hidden layer, enlarged. <b>Left</b>: its 784 weights when training
started — random noise. <b>Middle</b>: its weights now. Orange pixels push the unit up when there is ink
on them, blue pixels hold it back. <b>Right</b>: the change between the two — what training has added
(orange) or taken away (blue). Each picture has its own colour scale, written below it.</p>
<p>The numbers below say how large its weights are and how far they have moved since the start. Point at a
pixel to read its weight. The picture follows training live while this window is open.</p>"""

DIGITS_TIP = "Training digits: as stored (left) and as the network sees them this time (right)"
DIGITS = """<p>The network learns from MNIST's training digits. With <b>distortion</b> switched on, each
time a digit is used it is first changed a little at random — turned, stretched, slanted, shifted, bent, its
strokes made thicker or thinner or redrawn — so the network sees many versions of every digit and learns
what stays the same: the shape of the digit, not the exact pixels.</p>
<p>Each pair shows a digit <b>as stored</b> (left) and one random version <b>as the network sees it</b>
(right). Every epoch it sees a different version. Click the digits, or <i>Other digits</i>, to draw new
ones.</p>"""
NO_DISTORTION = "No distortion in this run: the network sees every training digit exactly as stored."

OTHER_DIGITS_TIP = "Show other training digits"
OTHER_DIGITS = "<p>Picks other digits from the training set at random, each with a fresh random distortion.</p>"
DISTORT_AGAIN_TIP = "Distort the same digits again"
DISTORT_AGAIN = """<p>Keeps the same digits and draws new random distortions, to show that the network sees a
different version of a digit every time it meets it.</p>"""
MORE_DIGITS_TIP = "Show more digits at once"
MORE_DIGITS = "<p>Shows a larger grid of digits, or goes back to a few large ones.</p>"


def whats_this_with_value(text: str, value: str) -> str:
    """``text`` followed by what the chart shows right now."""
    return f"{text}<p><i>Now:</i> {value}</p>"

GRADIENT_SIGNAL_TIP = "Show the gradients' size, or how big each step is against the weights"
GRADIENT_SIGNAL = """<p><b>Gradient size</b>: the norm of each layer's gradient — how steeply the loss
depends on that layer's weights.</p>
<p><b>Step size ÷ weight size</b>: how much one training step changes a layer's weights, compared with the
weights themselves. Around 0.001 (the dashed line) is a common rule of thumb for healthy learning: much
smaller and the layer hardly learns, much larger and each step throws away what it learnt.</p>"""
