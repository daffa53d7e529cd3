"""Picture files that must not read: every hostile input — PostScript in
disguise, a pipe, a folder, no permission, empty, oversized, truncated,
random or bit-flipped bytes, decompression bombs — gives an ``ImageError``
that names the file, and nothing else."""

import errno
import io
import os
import struct
import threading
import tracemalloc

import numpy as np
import pytest
from PIL import EpsImagePlugin, Image, ImageDraw

from digitpad.data.ink import image_files
from digitpad.data.ink.image_files import ImageError, load_image
from tests.data.ink.picture_files import assert_grey, png_claiming, refused, two_tone


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
