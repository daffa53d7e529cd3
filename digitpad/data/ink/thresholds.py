"""What counts as ink — every threshold digitpad uses to tell a stroke from
the background, a digit from a speck, a digit's piece from dust, side by
side in one place. Ink is bright on dark with values in [0, 1]; most levels
are fractions of the brightest pixel, so they hold for faint pencil and bold
marker alike. Each number was tuned on MNIST, the canvas and photos of
paper; changing one changes what the network is shown.
"""

# -- any ink at all ---------------------------------------------------------------
# Below this peak brightness an image is blank: no ink at all.
BLANK_LEVEL = 0.05
# Pixels dimmer than this fraction of the brightest ink do not count when a
# digit's bounding box is measured, so anti-aliasing fringes do not widen it.
BOX_INK_FRACTION = 0.1
# A pixel at least this bright is inside a stroke (not on its soft edge):
# used to measure stroke width, trace skeletons and find a digit's rows.
STROKE_LEVEL = 0.5

# -- digits versus specks ----------------------------------------------------------
# Ink whose longest side is shorter than this (pixels) is a speck, not a digit.
MIN_DIGIT_EXTENT = 6
# On the canvas, ink no larger than this many widths of the widest pen used
# is a dab of the pen (a click, a dot), not a digit.
SPECK_PEN_WIDTHS = 1.6
# When a number is split into digits: ink below this fraction of the
# brightest pixel is background ...
SEGMENT_INK_FRACTION = 0.2
# ... and pieces with less ink than this fraction of the largest piece are specks.
SEGMENT_SPECK_FRACTION = 0.03

# -- photos and scans of paper -----------------------------------------------------
# A picture whose border is brighter than this is light paper with dark ink
# (and is inverted); otherwise it already shows bright ink on dark.
PAPER_LEVEL = 0.5
# Once the background is subtracted, a picture whose brightest ink is below
# this holds none.
PICTURE_BLANK_LEVEL = 1e-3
# Otsu's threshold between ink and paper is never taken lower than this, so a
# blank sheet's texture is not mistaken for ink ...
PICTURE_MIN_THRESHOLD = 0.15
# ... and ink down to this fraction of the threshold is kept as the stroke's
# soft edge.
PICTURE_SOFT_EDGE = 0.5
# In a picture of a number, a piece of ink is a digit (or part of one) if it
# is at least this fraction of the largest piece's ink or of its height ...
DIGIT_PIECE_MASS = 0.15
DIGIT_PIECE_HEIGHT = 0.35
# ... and never when it has less ink than this fraction of the largest piece.
DUST_MASS = 0.02

# -- training-time augmentation ----------------------------------------------------
# Rows and columns whose summed ink exceeds this belong to a digit's bounding
# box when it is distorted, so faint anti-aliasing specks do not widen it.
AUGMENT_PROFILE_LEVEL = 0.05
