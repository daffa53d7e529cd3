"""``digitpad.data.augment``: synthesising training digits from MNIST's own —
random distortions (``distortions``, computed by ``resampling``), redrawing
digits from their skeleton with a random pen and writing digits in styles
MNIST rarely has — continental 1s and 7s, slashed 0s, curled 9s (``styles``), combined for a training run by
``training.TrainingAugmentation``. Training code only: the app's inference
path never imports it.
"""
