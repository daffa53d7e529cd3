"""``digitpad.gui.evaluation``: how good the model in use is — scoring it on
the MNIST test set in the background, the misclassified-digits browser with
its confusion matrix, the robustness report and its charts, and Model info.
"""
