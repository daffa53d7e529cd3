"""``digitpad.model``: the model in use, Qt-free. Checkpoints — the file
format, its schema and the guarded loader (``checkpoint``) — and reading
digits with a model (``recognition``): the canvas pipeline from ink to
digits and their probabilities, shared by the app, the scripts and the
tests.
"""
