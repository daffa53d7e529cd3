"""``digitpad.gui.training``: Model → Retrain, the training lab — the dialog,
the settings form generated from the training-settings description, the
background job that trains and the bridge that brings what happens on the
training thread to the window, the run controls (pause, one batch, one
epoch, slow motion) and the settings changed while it trains, the findings
of the diagnosis with their Apply buttons, and the live charts (``LabCharts``:
loss, gradients per layer, inactive units, weight histograms, the first
layer's units and the distorted training digits).
"""
