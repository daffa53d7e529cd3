"""Reading picture files: every colour mode comes out as greyscale in [0, 1]
as it looks, large pictures shrink, camera rotation is applied and huge JPEGs
decode at a reduced scale. (Files that must be refused are in
``test_unreadable_image_files``.)"""

import io
from types import SimpleNamespace

import numpy as np
import pytest
from PIL import Image, ImageDraw

from digitpad.data.ink import image_files
from digitpad.data.ink.image_colours import MAX_PICTURE_SIDE, UnsupportedColourMode, grey_from_picture
from digitpad.data.ink.image_files import load_image
from tests.data.ink.picture_files import assert_grey, refused, two_tone


# -- pictures that read --------------------------------------------------------------
def test_transparent_png_reads_as_it_looks_on_white_paper(tmp_path):
    path = tmp_path / "digit.png"
    picture = Image.new("RGBA", (40, 30), (0, 0, 0, 0))
    ImageDraw.Draw(picture).line([(20, 5), (20, 25)], fill=(0, 0, 0, 255), width=3)
    picture.save(path)
    grey = load_image(path)
    assert_grey(grey, (30, 40))
    assert grey[0, 0] == pytest.approx(1.0) and grey[15, 20] == pytest.approx(0.0)


LUMA = (0.299, 0.587, 0.114)


@pytest.mark.parametrize("name, picture, paper, ink", [
    ("bilevel.png", two_tone("1", 1, 0), 1.0, 0.0),
    ("grey.png", two_tone("L", 230, 20), 230 / 255, 20 / 255),
    ("colour.jpg", two_tone("RGB", (240, 230, 200), (20, 30, 90)),
     np.dot((240, 230, 200), LUMA) / 255, np.dot((20, 30, 90), LUMA) / 255),
    ("cmyk.tif", two_tone("CMYK", (0, 0, 0, 0), (0, 0, 0, 255)), 1.0, 0.0),
    ("cmyk.jpg", two_tone("CMYK", (0, 0, 0, 25), (0, 0, 0, 230)), 230 / 255, 25 / 255),
    ("ycbcr.tif", two_tone("YCbCr", (220, 128, 128), (30, 128, 128)), 220 / 255, 30 / 255),
    # L* 90 and 20 of 100 are sRGB greys of about 226 and 48.
    ("lab.tif", two_tone("LAB", (round(0.9 * 255), 128, 128), (round(0.2 * 255), 128, 128)),
     226 / 255, 48 / 255),
    ("sixteen.png", two_tone("I;16", 60000, 4000), 60000 / 65535, 4000 / 65535),
    ("sixteen.tif", two_tone("I;16", 50000, 1000), 50000 / 65535, 1000 / 65535),
    ("sixteen_big_endian.tif", two_tone("I;16B", 50000, 1000), 50000 / 65535, 1000 / 65535),
    ("integers.tif", two_tone("I", 200, 10), 200 / 255, 10 / 255),
    ("floats.tif", two_tone("F", 0.9, 0.1), 0.9, 0.1),
    ("wide_floats.tif", two_tone("F", 30000.0, 1000.0), 30000 / 65535, 1000 / 65535),
    ("negative_floats.tif", two_tone("F", 5.0, -5.0), 1.0, 0.0),
    ("grey_alpha.png", two_tone("LA", (0, 0), (10, 255)), 1.0, 10 / 255),
    ("colour_alpha.webp", two_tone("RGBA", (0, 0, 0, 0), (0, 0, 0, 255)), 1.0, 0.0),
    ("bitmap.bmp", two_tone("RGB", (250, 250, 250), (5, 5, 5)), 250 / 255, 5 / 255),
])
def test_every_colour_mode_reads_as_greyscale_as_it_looks(tmp_path, name, picture, paper, ink):
    path = tmp_path / name
    picture.save(path)
    grey = load_image(path)
    assert_grey(grey, (30, 40))
    tolerance = 0.03 if name.endswith((".jpg", ".webp")) else 0.005
    assert grey[2, 20] == pytest.approx(paper, abs=tolerance)
    assert grey[15, 20] == pytest.approx(ink, abs=tolerance)


@pytest.mark.parametrize("name", ["palette.png", "palette.gif"])
def test_a_palette_with_a_transparent_colour_is_paper(tmp_path, name):
    picture = Image.new("P", (40, 30), 0)
    picture.putpalette([255, 0, 0, 10, 10, 10, 250, 250, 250])
    ImageDraw.Draw(picture).rectangle([(0, 10), (39, 19)], fill=1)
    picture.putpixel((0, 0), 2)
    path = tmp_path / name
    picture.save(path, transparency=0)
    grey = load_image(path)
    assert_grey(grey, (30, 40))
    # Index 0 (red) is transparent: white paper, not the red's dark grey.
    assert grey[2, 20] == pytest.approx(1.0) and grey[15, 20] == pytest.approx(10 / 255, abs=0.005)
    assert grey[0, 0] == pytest.approx(250 / 255, abs=0.005)


def test_palette_with_alpha_per_entry(tmp_path):
    picture = Image.new("P", (40, 30), 0)
    picture.putpalette([0, 0, 0, 0, 0, 0])
    ImageDraw.Draw(picture).rectangle([(0, 10), (39, 19)], fill=1)
    path = tmp_path / "half.png"
    picture.save(path, transparency=bytes([0, 128]))
    grey = load_image(path)
    assert grey[2, 20] == pytest.approx(1.0) and grey[15, 20] == pytest.approx(1 - 128 / 255, abs=0.005)


def test_float_picture_with_nan_and_infinities_is_made_safe(tmp_path):
    values = np.full((30, 40), 0.8, np.float32)
    values[10:20] = 0.1
    values[0, 0], values[0, 1], values[0, 2] = np.nan, np.inf, -np.inf
    path = tmp_path / "floats.tif"
    Image.fromarray(values).save(path)
    grey = load_image(path)
    assert_grey(grey, (30, 40))
    assert grey[0, 0] == 1.0 and grey[0, 1] == 1.0 and grey[0, 2] == 0.0
    assert grey[5, 20] == pytest.approx(0.8) and grey[15, 20] == pytest.approx(0.1)


def test_all_nan_picture_is_blank_paper(tmp_path):
    path = tmp_path / "nothing.tif"
    Image.fromarray(np.full((8, 8), np.nan, np.float32)).save(path)
    assert (load_image(path) == 1.0).all()


@pytest.mark.parametrize("mode, colour, expected", [
    ("HSV", (0, 255, 255), 0.299),                   # pure red
    ("HSV", (0, 0, 128), 128 / 255),                 # a grey
    ("La", (64, 128), (64 + 127) / 255),             # premultiplied, half transparent
    ("RGBa", (0, 0, 0, 0), 1.0),                     # fully transparent
    ("RGBX", (100, 100, 100, 0), 100 / 255),
    ("PA", (0, 0), None),
])
def test_modes_no_file_format_stores_convert_too(mode, colour, expected):
    grey = grey_from_picture(Image.new(mode, (5, 4), colour))
    assert_grey(grey, (4, 5))
    if expected is not None:
        assert grey[0, 0] == pytest.approx(expected, abs=0.005)


def test_a_colour_mode_digitpad_cannot_convert_is_named():
    unknown = SimpleNamespace(mode="BGR;24", size=(4, 4), info={})
    with pytest.raises(UnsupportedColourMode, match=r"colour mode \(BGR;24\)"):
        grey_from_picture(unknown)


def test_large_pictures_shrink_to_the_longest_side(tmp_path):
    path = tmp_path / "wide.png"
    picture = Image.new("L", (5000, 1200), 255)
    ImageDraw.Draw(picture).rectangle([(2400, 0), (2599, 1199)], fill=0)
    picture.save(path)
    grey = load_image(path)
    assert_grey(grey)
    assert max(grey.shape) == MAX_PICTURE_SIDE and grey.shape == (246, 1024)
    # The dark bar stays dark and where it was, the paper white.
    assert grey[:, 500].max() < 0.05 and grey[:, 100].min() > 0.95


def test_camera_rotation_is_applied(tmp_path):
    picture = Image.new("L", (60, 20), 255)
    ImageDraw.Draw(picture).rectangle([(0, 0), (9, 19)], fill=0)     # ink on the left
    exif = Image.Exif()
    exif[0x0112] = 6        # the camera was turned: show rotated 90° clockwise
    path = tmp_path / "turned.jpg"
    picture.save(path, exif=exif.tobytes())
    grey = load_image(path)
    assert grey.shape == (60, 20)
    assert grey[:8].mean() < 0.2 and grey[12:].mean() > 0.8     # the left edge is now on top


def test_huge_jpegs_decode_at_reduced_scale(tmp_path, monkeypatch):
    path = tmp_path / "huge.jpg"
    picture = Image.new("L", (8192, 6144), 230)
    ImageDraw.Draw(picture).rectangle([(4000, 1000), (4400, 5000)], fill=20)
    picture.save(path, quality=80)
    # Decoded in full this would need 48 MB; at 1/8 scale it needs 0.75 MB.
    monkeypatch.setattr(image_files, "MAX_DECODED_BYTES", 1_000_000)
    grey = load_image(path)
    assert_grey(grey, (768, 1024))
    assert grey[400, 525] < 0.15 and grey[400, 100] > 0.85


def test_progressive_jpegs_count_their_full_size_coefficients(tmp_path, monkeypatch):
    picture = Image.new("L", (800, 600), 200)
    baseline, progressive = tmp_path / "baseline.jpg", tmp_path / "progressive.jpg"
    picture.save(baseline)
    picture.save(progressive, progressive=True)
    assert not image_files.jpeg_has_several_scans(baseline.read_bytes())
    assert image_files.jpeg_has_several_scans(progressive.read_bytes())
    # 480 kB of pixels either way, plus 960 kB of coefficients for the progressive one.
    monkeypatch.setattr(image_files, "MAX_DECODED_BYTES", 600_000)
    assert_grey(load_image(baseline), (600, 800))
    refused(progressive, "too large", "800 × 600 pixels")


def test_a_thumbnail_in_the_camera_metadata_is_not_a_second_scan(tmp_path):
    thumbnail = io.BytesIO()
    Image.new("RGB", (16, 16), 128).save(thumbnail, "JPEG")
    exif = Image.Exif()
    exif[0x0112] = 1
    path = tmp_path / "camera.jpg"
    # An APP1 segment holding a whole JPEG (with its own start-of-scan marker).
    Image.new("RGB", (64, 48), 90).save(path, exif=exif.tobytes() + thumbnail.getvalue())
    assert not image_files.jpeg_has_several_scans(path.read_bytes())
    assert_grey(load_image(path), (48, 64))
