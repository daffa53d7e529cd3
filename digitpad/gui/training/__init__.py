"""``digitpad.gui.training``: Model → Retrain — the dialog, the settings form
generated from the training-settings description, the background job that
trains, and the live loss and accuracy curves.
"""
