"""``digitpad.data.ink``: from ink to what the network reads. What counts as
ink (``thresholds``, every level in one place); pen strokes and their
rendering (``strokes``) and templates of written digits
(``digit_templates``); connected pieces (``components``), skeletons
(``skeleton``) and stroke width (``stroke_width``); splitting a number into
digits (``segmentation``); reading picture files (``image_files``,
``image_colours``) and finding the ink on paper (``picture``); and the MNIST
framing every input ends with (``network_input``). There are two pipelines:
the canvas's ink goes straight to ``digitpad.model.recognition``; a picture
becomes canvas ink through ``picture.picture_ink``. Nothing here imports
training code.
"""
