"""``digitpad.model``: the model in use, Qt-free. Checkpoints — the file
format, its schema and the guarded loader (``checkpoint``) — reading
digits with a model (``recognition``): the canvas pipeline from ink to
digits and their probabilities, shared by the app, the scripts and the
tests — honest confidence (``calibration``: the softmax temperature and
the reliability measures), and instant personal learning: a memory of the
user's labelled drawings over the network's last hidden layer
(``personal``) kept in step with the saved samples (``personal_memory``).
"""
