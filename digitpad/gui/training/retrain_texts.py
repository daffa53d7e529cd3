"""The Retrain dialog's own words for a learner: each control's tooltip and
"What's This?" text, as ``(tooltip, what's this)`` pairs."""

from __future__ import annotations

from digitpad.gui.common.messages import escape

_SCRATCH_TIP = ("Train a tiny 784-16-16-10 network from random weights in seconds, starting paused. "
                "The class sees the 16 first-layer weight pictures turn from noise into strokes, the "
                "loss fall and the accuracy climb — one batch at a time if you like.")
SCRATCH = (_SCRATCH_TIP, f"<p><b>Learn it from scratch</b></p><p>{_SCRATCH_TIP} Press “One batch” to "
                         "take the first step of gradient descent, “Continue” to let it run.</p>")
START = ("Train a new network with these settings",
         "<p><b>Start training</b></p><p>Trains a new network from random weights with the settings on "
         "the left, in the background. The model in use stays until you choose the new one.</p>")
CANCEL = ("Stop this run and throw it away",
          "<p><b>Cancel training</b></p><p>Stops the run within one batch (at once when paused) and "
          "deletes it; the model in use is unchanged.</p>")
USE = ("Switch the app to the network just trained",
       "<p><b>Use this model</b></p><p>Makes the newly trained network the one that reads your digits. "
       "It is saved already; Model → Open can switch back.</p>")
CLOSE = ("Close the training lab",
         "<p><b>Close</b></p><p>Closes this window; a running training is stopped first, after asking.</p>")
PROGRESS = ("How much of the run is done",
            "<p><b>Progress</b></p><p>The share of all the run's batches trained so far.</p>")


def preset_explanation(presets) -> tuple[str, str]:
    """The preset list's tooltip and "What's This?", naming every preset."""
    described = "; ".join(f"<i>{escape(name)}</i>: {escape(preset.summary)}" for name, preset in presets.items())
    return ("A named starting point that fills in every setting",
            f"<p><b>Preset</b></p><p>Fills in all the settings at once: {described}.</p>")
