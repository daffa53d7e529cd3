"""MNIST-style preprocessing: ``to_mnist`` on off-centre, tiny, huge, thick,
thin, very narrow, very wide and empty ink, MNIST digits keeping their
prediction, and reading digits from photos of paper."""

import numpy as np
import pytest
from PIL import Image, ImageDraw

from digitpad.data.ink.digit_templates import digit_strokes, template_paths
from digitpad.data.ink.network_input import has_ink, ink_bounding_box, to_mnist
from digitpad.data.ink.picture import image_to_mnist
from digitpad.data.ink.strokes import render_strokes
from digitpad.model.checkpoint import bundled_checkpoint_path, load_checkpoint


@pytest.fixture(scope="module")
def model():
    return load_checkpoint(bundled_checkpoint_path())[0]


def centre_of_mass(image):
    rows, columns = np.indices(image.shape)
    mass = image.sum()
    return (rows * image).sum() / mass, (columns * image).sum() / mass


def extent(image):
    top, bottom, left, right = ink_bounding_box(image)
    return bottom - top, right - left


def drawn(digit, canvas=(420, 560), left=150, top=60, height=300, pen=20, **options):
    return render_strokes(digit_strokes(digit, left, top, height, pen, **options), *canvas)


def assert_mnist_like(result):
    assert result.shape == (28, 28) and result.dtype == np.float32
    assert 0.0 <= result.min() and result.max() == pytest.approx(1.0)
    row, column = centre_of_mass(result)
    # MNIST shifts by whole pixels, so the centre lands within half a pixel of (14, 14)
    # unless the digit had to be kept inside the frame.
    assert abs(row - 14) <= 0.5 and abs(column - 14) <= 0.5
    assert max(extent(result)) in (19, 20)


def test_result_is_a_20px_digit_centred_by_mass(model):
    result = to_mnist(drawn(3))
    assert_mnist_like(result)
    assert model.predict(result)[0] == 3


def test_position_on_the_canvas_does_not_matter():
    centred = to_mnist(drawn(5, left=200, top=60))
    corner = to_mnist(drawn(5, canvas=(900, 1200), left=900, top=560))
    assert np.abs(centred - corner).max() < 0.05


@pytest.mark.parametrize("height, canvas", [(18, (60, 60)), (3000, (3400, 2600))], ids=["tiny", "huge"])
def test_tiny_and_huge_digits_are_scaled_to_mnist_size(model, height, canvas):
    ink = drawn(7, canvas=canvas, left=10, top=10, height=height, pen=max(2, height // 14))
    result = to_mnist(ink)
    assert_mnist_like(result)
    assert model.predict(result)[0] == 7


@pytest.mark.parametrize("pen", [3, 60], ids=["thin", "thick"])
def test_thin_and_thick_pens(model, pen):
    result = to_mnist(drawn(2, pen=pen))
    assert_mnist_like(result)
    assert model.predict(result)[0] == 2
    ink = (result > 0.5).sum()
    assert (ink < 90) if pen == 3 else (ink > 110)


def test_a_very_narrow_one_keeps_its_aspect_ratio(model):
    ink = np.zeros((400, 400), np.float32)
    ink[50:350, 195:205] = 1.0          # 300 tall, 10 wide
    result = to_mnist(ink)
    height, width = extent(result)
    assert height == 20 and width <= 2
    assert model.predict(result)[0] == 1


def test_a_very_wide_stroke_fits_the_width():
    ink = np.zeros((300, 900), np.float32)
    ink[140:160, 50:850] = 1.0
    result = to_mnist(ink)
    height, width = extent(result)
    assert width == 20 and height <= 2
    assert abs(centre_of_mass(result)[0] - 14) <= 0.5


@pytest.mark.parametrize("blank", [np.zeros((300, 400), np.float32), np.full((50, 50), 0.01, np.float32),
                                   np.zeros((0, 0), np.float32)], ids=["zeros", "faint", "size-0"])
def test_empty_input_gives_an_empty_image(blank):
    assert not has_ink(blank)
    assert ink_bounding_box(blank) is None
    result = to_mnist(blank)
    assert result.shape == (28, 28) and not result.any()


def test_uint8_and_nan_inputs():
    ink = (drawn(0) * 255).astype(np.uint8)
    np.testing.assert_allclose(to_mnist(ink), to_mnist(drawn(0)), atol=0.01)
    noisy = drawn(0)
    noisy[0, 0] = np.nan
    assert np.isfinite(to_mnist(noisy)).all()
    with pytest.raises(ValueError):
        to_mnist(np.zeros((3, 4, 5)))


def test_mnist_test_digits_keep_their_prediction(model, mnist_test_split):
    images, labels = mnist_test_split
    images = images[:2000].reshape(-1, 28, 28)
    before = model.predict(images)
    after = model.predict(np.stack([to_mnist(image) for image in images]))
    assert (before == after).mean() >= 0.995
    assert (after == labels[:2000]).mean() >= (before == labels[:2000]).mean() - 0.003


def paper_photo(digit, size=(480, 640), seed=0, light_on_dark=False):
    """A phone-photo-like picture: grey paper with a lighting gradient, noise,
    a stray speck, and a digit in dark ink."""
    rng = np.random.default_rng(seed)
    height, width = size
    rows, columns = np.indices(size)
    paper = 0.65 + 0.25 * columns / width + 0.05 * rows / height
    picture = Image.fromarray((paper * 255).astype(np.uint8))
    pen = ImageDraw.Draw(picture)
    for path in template_paths(digit):
        points = path * 300 + (width / 2 - 110, 140)
        pen.line([tuple(point) for point in points], fill=40, width=16, joint="curve")
    pen.ellipse((30, 30, 36, 36), fill=60)
    grey = np.asarray(picture, np.float32) / 255 + rng.normal(0, 0.03, size)
    grey = np.clip(grey, 0, 1)
    return 1 - grey if light_on_dark else grey


@pytest.mark.parametrize("digit", [2, 4, 8])
def test_photos_of_paper_are_read(model, digit):
    result = image_to_mnist(paper_photo(digit, seed=digit))
    assert_mnist_like(result)
    assert model.predict(result)[0] == digit


def test_light_ink_on_dark_background_is_not_inverted(model):
    assert model.predict(image_to_mnist(paper_photo(6, light_on_dark=True)))[0] == 6
