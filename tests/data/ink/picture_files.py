"""Helpers for the picture-file tests: checking a greyscale result, checking
a refusal names the file, and making small pictures and hand-built PNGs."""

import struct
import zlib

import numpy as np
import pytest
from PIL import Image, ImageDraw

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
