"""Reading picture files: every colour mode comes out as greyscale in [0, 1]
as it looks, and every hostile input — PostScript in disguise, a pipe, a
folder, no permission, empty, oversized, truncated, random or bit-flipped
bytes, decompression bombs — gives an ``ImageError`` that names the file,
and nothing else."""

import errno
import io
import os
import struct
import threading
import tracemalloc
import zlib
from types import SimpleNamespace

import numpy as np
import pytest
from PIL import EpsImagePlugin, Image, ImageDraw

from digitpad.data.ink import image_files
from digitpad.data.ink.image_colours import MAX_PICTURE_SIDE, UnsupportedColourMode, grey_from_picture
from digitpad.data.ink.image_files import ImageError, load_image


def assert_grey(grey, shape=None):
    assert isinstance(grey, np.ndarray) and grey.ndim == 2 and grey.dtype == np.float32
    assert np.isfinite(grey).all() and grey.min() >= 0.0 and grey.max() <= 1.0
    if shape is not None:
        assert grey.shape == shape


def refused(path, *words):
    """The ``ImageError`` message for ``path``, checked to name the file and to say ``words``."""
    with pytest.raises(ImageError) as error:
        load_image(path)
    message = str(error.value)
    assert message.startswith(f"{path}: ")
    for word in words:
        assert word in message
    return message


def two_tone(mode, paper, ink, size=(40, 30)):
    """Paper of one colour with a bar of ink across the middle rows (10-19)."""
    picture = Image.new(mode, size, paper)
    ImageDraw.Draw(picture).rectangle([(0, 10), (size[0] - 1, 19)], fill=ink)
    return picture


def png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_claiming(width, height, colour_type=2):
    """A small PNG whose header claims ``width`` x ``height`` 8-bit pixels."""
    header = struct.pack(">IIBBBBB", width, height, 8, colour_type, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header)
            + png_chunk(b"IDAT", zlib.compress(b"\x00" * 1000)) + png_chunk(b"IEND", b""))


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
    assert not image_files._jpeg_has_several_scans(baseline.read_bytes())
    assert image_files._jpeg_has_several_scans(progressive.read_bytes())
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
    assert not image_files._jpeg_has_several_scans(path.read_bytes())
    assert_grey(load_image(path), (48, 64))


# -- files that do not read ----------------------------------------------------------
def test_postscript_named_png_is_refused_without_running_anything(tmp_path, monkeypatch):
    opened = []
    monkeypatch.setattr(EpsImagePlugin.EpsImageFile, "_open", lambda self: opened.append(self))
    folder = tmp_path / "inbox"
    folder.mkdir()
    path = folder / "digit.png"
    # Ghostscript would write ran.txt next to it.
    path.write_bytes(b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\n"
                     b"(ran.txt) (w) file dup (gs ran) writestring closefile\n"
                     b"0 0 moveto 10 10 lineto stroke showpage\n%%EOF\n")
    refused(path, "not an image file digitpad can read", "PNG, JPEG")
    assert opened == []
    assert sorted(item.name for item in folder.iterdir()) == ["digit.png"]


def test_a_named_pipe_is_refused_at_once(tmp_path):
    path = tmp_path / "pipe.png"
    os.mkfifo(path)
    outcome = []

    def read():
        try:
            load_image(path)
        except ImageError as error:
            outcome.append(str(error))

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(timeout=5)
    if reader.is_alive():
        with open(path, "wb"):      # unblock the reader so the test run can end
            pass
        pytest.fail("reading a named pipe blocked")
    assert len(outcome) == 1 and outcome[0].startswith(f"{path}: ") and "not an ordinary file" in outcome[0]


def test_a_device_is_not_read():
    refused("/dev/zero", "not an ordinary file")


def test_a_folder_named_png(tmp_path):
    (tmp_path / "album.png").mkdir()
    refused(tmp_path / "album.png", "folder")


def test_a_missing_file(tmp_path):
    refused(tmp_path / "missing.png", "no such file")
    refused(tmp_path / "missing" / "digit.png", "no such file")


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0,
                    reason="root reads files whatever their permissions")
def test_a_file_without_read_permission(tmp_path):
    path = tmp_path / "secret.png"
    two_tone("L", 255, 0).save(path)
    path.chmod(0)
    message = refused(path, "permission denied")
    assert "damaged" not in message


def test_permission_denied_is_reported_as_such(tmp_path, monkeypatch):
    # Also as root: the operating system's answer for an unreadable file.
    path = tmp_path / "secret.png"
    two_tone("L", 255, 0).save(path)
    real_open = os.open

    def refuse(name, flags, *args, **kwargs):
        if os.fspath(name) == os.fspath(path):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), os.fspath(name))
        return real_open(name, flags, *args, **kwargs)

    monkeypatch.setattr(image_files.os, "open", refuse)
    message = refused(path, "permission denied")
    assert "damaged" not in message


def test_an_empty_file(tmp_path):
    (tmp_path / "empty.png").write_bytes(b"")
    refused(tmp_path / "empty.png", "empty")


def test_a_file_too_large_is_refused_unread(tmp_path):
    path = tmp_path / "enormous.png"
    with open(path, "wb") as file:      # sparse: takes no disk space
        file.truncate(image_files.MAX_FILE_BYTES + 1)
    refused(path, "too large", "50 MB")


def test_a_name_the_system_cannot_open():
    refused("bad\0name.png", "cannot be opened")


def test_random_bytes(tmp_path):
    path = tmp_path / "noise.png"
    path.write_bytes(np.random.default_rng(0).integers(0, 256, 5000, dtype=np.uint8).tobytes())
    refused(path, "not an image file")


def sample_files(tmp_path):
    """A small picture of a digit in every supported format."""
    picture = two_tone("RGB", (235, 230, 220), (20, 20, 30), size=(48, 40))
    ImageDraw.Draw(picture).ellipse([(10, 5), (38, 35)], outline=(20, 20, 30), width=4)
    files = {}
    for name, options in [("digit.png", {}), ("digit.jpg", {"quality": 90}), ("digit.gif", {}),
                          ("digit.bmp", {}), ("digit.tif", {"compression": "tiff_deflate"}),
                          ("digit.webp", {"quality": 90}),
                          ("progressive.jpg", {"progressive": True})]:
        path = tmp_path / name
        picture.save(path, **options)
        files[name] = path.read_bytes()
    return files


def test_truncated_files(tmp_path):
    for name, data in sample_files(tmp_path).items():
        for length in sorted({1, 8, 16, 30, 60, len(data) // 3, len(data) // 2, len(data) - 20}):
            path = tmp_path / f"cut_{length}_{name}"
            path.write_bytes(data[:length])
            try:
                assert_grey(load_image(path))
            except ImageError as error:
                assert str(error).startswith(f"{path}: ")
    # Cut halfway through the pixels, the formats that notice say so plainly.
    for name in ("digit.png", "digit.jpg"):
        data = sample_files(tmp_path)[name]
        path = tmp_path / f"half_{name}"
        path.write_bytes(data[:len(data) // 2])
        refused(path, "damaged or truncated")


def test_bit_flipped_files_load_cleanly_or_are_refused(tmp_path):
    rng = np.random.default_rng(1234)
    files = sample_files(tmp_path)
    outcomes = {"loaded": 0, "refused": 0}
    path = tmp_path / "flipped"
    for trial in range(420):
        name = list(files)[trial % len(files)]
        data = bytearray(files[name])
        for _ in range(int(rng.integers(1, 4))):
            position = int(rng.integers(0, len(data)))
            data[position] ^= 1 << int(rng.integers(0, 8))
        path.write_bytes(bytes(data))
        try:
            grey = load_image(path)
        except ImageError as error:
            assert str(error).startswith(f"{path}: ") and "\n" not in str(error)
            outcomes["refused"] += 1
        else:
            assert_grey(grey)
            outcomes["loaded"] += 1
    # Both happen: most flips hit pixels, some hit headers.
    assert outcomes["loaded"] > 50 and outcomes["refused"] > 10


def test_decompression_bombs_are_refused_before_decoding(tmp_path):
    bomb = tmp_path / "bomb.png"
    bomb.write_bytes(png_claiming(100_000, 100_000))
    refused(bomb, "too large")
    # Within Pillow's own limit but beyond what digitpad decodes.
    big = tmp_path / "big.png"
    big.write_bytes(png_claiming(9000, 6000))
    refused(big, "too large", "9000 × 6000 pixels", "megapixels")
    zero = tmp_path / "zero.png"
    zero.write_bytes(png_claiming(0, 10))
    with pytest.raises(ImageError):
        load_image(zero)


def test_a_tiff_directory_with_a_huge_count_is_refused_before_pillow_unpacks_it(tmp_path):
    buffer = io.BytesIO()
    two_tone("L", 255, 0).save(buffer, "TIFF")
    data = bytearray(buffer.getvalue())
    directory = struct.unpack_from("<I", data, 4)[0]
    for index in range(struct.unpack_from("<H", data, directory)[0]):
        entry = directory + 2 + 12 * index
        if struct.unpack_from("<H", data, entry)[0] == 262:
            # PhotometricInterpretation, one number, damaged to claim 2.5 million.
            struct.pack_into("<HHII", data, entry, 262, 3, 2_500_000, len(data))
    data += bytes(range(256)) * (5_000_000 // 256 + 1)
    path = tmp_path / "damaged.tif"
    path.write_bytes(bytes(data))
    tracemalloc.start()
    try:
        refused(path, "damaged")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    # The file itself is 5 MB; unpacked, the count would take over 90 MB.
    assert peak < 30_000_000


def test_oversized_camera_metadata_is_not_unpacked(tmp_path):
    exif = Image.Exif()
    exif[0x0112] = 6
    exif[0x010E] = "x" * 70_000         # an image description making the block larger than a JPEG's
    path = tmp_path / "turned.png"
    Image.new("L", (60, 20), 255).save(path, exif=exif.tobytes())
    # Read as upright rather than unpacked: still a clean picture.
    assert_grey(load_image(path), (20, 60))


def test_messages_are_one_plain_line(tmp_path):
    (tmp_path / "notes.png").write_text("<b>not</b> an image")
    message = refused(tmp_path / "notes.png")
    assert "\n" not in message and "Traceback" not in message
