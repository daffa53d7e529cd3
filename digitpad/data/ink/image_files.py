"""Reading a picture file as a greyscale array, whatever the file holds.
``load_image`` is the one way digitpad reads the pictures people open or
drop, so every problem — no such file, a folder, a pipe, no permission, an
empty, oversized or damaged file, a format or colour mode digitpad does not
handle, a picture too large to decode — becomes an ``ImageError`` whose
message names the file and the problem in plain words. Only regular files
are read, opened without blocking and only up to a size limit, and Pillow
decodes the bytes from memory with just the raster formats digitpad supports
enabled, so no other plugin (PostScript, which runs Ghostscript, among them)
is ever tried. Memory stays bounded: what decoding will take is worked out
from the header before any pixel is decoded, JPEGs decode at reduced scale,
and colours become grey a band of rows at a time while the picture shrinks
to at most ``MAX_PICTURE_SIDE`` pixels a side.
"""

from __future__ import annotations

import functools
import io
import math
import os
import stat
import struct
import warnings
from pathlib import Path

import numpy as np

from digitpad.data.ink.image_colours import MAX_PICTURE_SIDE, UnsupportedColourMode, grey_from_picture

# Pillow's names for the raster formats digitpad reads.
SUPPORTED_FORMATS = ("PNG", "JPEG", "BMP", "GIF", "TIFF", "WEBP")
FORMAT_NAMES = "PNG, JPEG, BMP, GIF, TIFF or WebP"
# How each of those files begins, to tell a damaged one from something else.
_TIFF_SIGNATURES = (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+")
_SIGNATURES = (b"\x89PNG", b"\xff\xd8\xff", b"BM", b"GIF8") + _TIFF_SIGNATURES
# A photo straight from a camera is well below this; anything bigger is refused unread.
MAX_FILE_BYTES = 50 * 1024 * 1024
# What the decoded picture (and the decoder's own buffers) may take in memory,
# estimated from the header before decoding.
MAX_DECODED_BYTES = 128 * 1024 * 1024

# Pillow turns the numbers in a TIFF's first directory into Python objects,
# some 40 bytes each (200 for fractions), so one damaged count can make a
# 10 MB file take gigabytes; directories needing more than this are refused.
MAX_TIFF_DIRECTORY_BYTES = 32 * 1024 * 1024
# Bytes per value of each TIFF field type that Pillow unpacks into numbers.
_TIFF_NUMBER_SIZES = {3: 2, 4: 4, 5: 8, 6: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8, 13: 4, 16: 8, 17: 8, 18: 8}

# Camera rotation (the EXIF orientation tag) as the Pillow transposition that undoes it.
_ORIENTATION_TAG = 0x0112
# As much camera metadata as a JPEG can hold; a bigger block (PNG, WebP) is
# not unpacked, for the same reason as TIFF directories.
MAX_EXIF_BYTES = 65535
_UNDO_ORIENTATION = {2: "FLIP_LEFT_RIGHT", 3: "ROTATE_180", 4: "FLIP_TOP_BOTTOM", 5: "TRANSPOSE",
                     6: "ROTATE_270", 7: "TRANSVERSE", 8: "ROTATE_90"}
_DAMAGED = "{path}: the image is damaged or truncated, so digitpad cannot read it"


class ImageError(Exception):
    """An image file could not be read or holds no digit; the message names the file."""


def load_image(path: str | os.PathLike) -> np.ndarray:
    """Read a PNG, JPEG, BMP, GIF, TIFF or WebP file as a 2-D float32
    greyscale array in [0, 1] (as it looks: paper is usually bright), at
    most ``MAX_PICTURE_SIDE`` pixels a side. Transparent areas count as
    white paper; camera rotation (EXIF) is applied. Raises ``ImageError``
    and nothing else, whatever the file holds.
    """
    from PIL import Image

    path = Path(path)
    data = _read_file(path)
    try:
        with warnings.catch_warnings():
            # What Pillow warns about a damaged file is for nobody to act on:
            # the file either reads cleanly or is refused below. Its pixel-count
            # warning is redundant: digitpad's own budget is checked from the
            # header, and JPEGs that large decode at reduced scale anyway.
            warnings.filterwarnings("ignore", category=UserWarning, module=r"PIL\.")
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            picture = _open_picture(data, path)
            orientation = _orientation(picture)
            picture.load()
            grey = grey_from_picture(picture)
    except ImageError:
        raise
    except UnsupportedColourMode as error:
        raise ImageError(f"{path}: {error}") from None
    except Image.DecompressionBombError:
        raise ImageError(f"{path}: the picture is far too large to read (its header claims more than "
                         f"{2 * Image.MAX_IMAGE_PIXELS / 1e6:.0f} million pixels)") from None
    except MemoryError:
        raise ImageError(f"{path}: the picture is too large to read with the memory available") from None
    except Exception as error:
        # Pillow's decoders report damage with many exception types (OSError,
        # ValueError, SyntaxError, struct.error, IndexError, EOFError, ...);
        # for the user they all mean the same thing.
        raise ImageError(_DAMAGED.format(path=path)) from error
    return _undo_orientation(grey, orientation)


# -- the file ---------------------------------------------------------------------
def _read_file(path: Path) -> bytes:
    """The whole file, if it is a regular, readable, non-empty file of at most ``MAX_FILE_BYTES``."""
    # O_NONBLOCK: opening a named pipe would otherwise wait for a writer forever.
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) \
        | getattr(os, "O_BINARY", 0)
    try:
        descriptor = os.open(path, flags)
    except (FileNotFoundError, NotADirectoryError):
        raise ImageError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise ImageError(f"{path}: this is a folder, not an image file") from None
    except PermissionError:
        if os.path.isdir(path):     # Windows refuses to open a folder this way
            raise ImageError(f"{path}: this is a folder, not an image file") from None
        raise ImageError(f"{path}: permission denied (digitpad is not allowed to read this file)") from None
    except (OSError, ValueError) as error:      # ValueError: a NUL character in the name
        raise ImageError(f"{path}: the file cannot be opened ({_reason(error)})") from None
    try:
        status = os.fstat(descriptor)
        if stat.S_ISDIR(status.st_mode):
            raise ImageError(f"{path}: this is a folder, not an image file")
        if not stat.S_ISREG(status.st_mode):
            raise ImageError(f"{path}: not an ordinary file (a pipe, device or socket), so digitpad does "
                             "not read it")
        if status.st_size == 0:
            raise ImageError(f"{path}: the file is empty")
        if status.st_size > MAX_FILE_BYTES:
            raise ImageError(_file_too_large(path, status.st_size))
        with os.fdopen(descriptor, "rb", closefd=False) as file:
            data = file.read(status.st_size + 1)
            if len(data) > status.st_size:      # it grew since: read on, still within the limit
                data += file.read(MAX_FILE_BYTES + 1 - len(data))
    except OSError as error:
        raise ImageError(f"{path}: the file could not be read ({_reason(error)})") from None
    finally:
        os.close(descriptor)
    if not data:
        raise ImageError(f"{path}: the file is empty")
    if len(data) > MAX_FILE_BYTES:
        raise ImageError(_file_too_large(path, len(data)))
    return data


def _reason(error: Exception) -> str:
    return (getattr(error, "strerror", None) or str(error)).lower()


def _file_too_large(path: Path, size: int) -> str:
    return (f"{path}: the file is too large ({size / 1024 ** 2:.0f} MB; digitpad opens image files of "
            f"up to {MAX_FILE_BYTES // 1024 ** 2} MB)")


# -- decoding -----------------------------------------------------------------------
def _open_picture(data: bytes, path: Path):
    """The Pillow image in ``data``, identified but not decoded, set to decode
    small enough (JPEG draft mode), and checked to fit ``MAX_DECODED_BYTES``."""
    from PIL import Image, UnidentifiedImageError

    if data.startswith(_TIFF_SIGNATURES) and not _tiff_directory_is_modest(data):
        raise ImageError(_DAMAGED.format(path=path))
    try:
        picture = Image.open(io.BytesIO(data), formats=_readable_formats())
    except UnidentifiedImageError:
        if data.startswith(_SIGNATURES) or (data[:4] == b"RIFF" and data[8:12] == b"WEBP"):
            raise ImageError(_DAMAGED.format(path=path)) from None
        raise ImageError(f"{path}: not an image file digitpad can read (it reads {FORMAT_NAMES})") from None
    width, height = picture.size
    if width <= 0 or height <= 0:
        raise ImageError(f"{path}: the picture is empty (it has no pixels)")
    if picture.format in ("JPEG", "MPO"):
        # libjpeg scales by 1/2, 1/4 or 1/8 while decoding; ask for the
        # smallest picture whose longest side still reaches MAX_PICTURE_SIDE,
        # in greyscale, which is all that is needed.
        longest = max(width, height)
        wanted = (max(1, width * MAX_PICTURE_SIDE // longest), max(1, height * MAX_PICTURE_SIDE // longest))
        picture.draft("L", wanted)
    needed = _decoding_bytes(picture, data, (width, height))
    if needed > MAX_DECODED_BYTES:
        megapixels = math.floor(width * height * MAX_DECODED_BYTES / needed / 1e5) / 10
        raise ImageError(f"{path}: the picture is too large to read ({width} × {height} pixels; digitpad "
                         f"reads pictures like this one of up to about {megapixels:g} megapixels). Save a "
                         "smaller copy and open that.")
    return picture


@functools.cache
def _readable_formats() -> tuple[str, ...]:
    """The supported formats this Pillow build decodes: naming a format whose
    plug-in is missing (WebP without libwebp) makes ``Image.open`` fail for every file."""
    from PIL import Image

    Image.init()
    return tuple(name for name in SUPPORTED_FORMATS if name in Image.OPEN)


def _decoding_bytes(picture, data: bytes, full_size: tuple[int, int]) -> int:
    """Memory that decoding ``picture`` (at its current, possibly draft, size) will take."""
    width, height = picture.size
    mode = picture.mode
    # Pillow keeps 1 byte a pixel for 1, L and P, 2 for 16-bit, 4 for the rest.
    per_pixel = 1 if mode in ("1", "L", "P") else 2 if mode.startswith("I;16") else 4
    needed = width * height * per_pixel
    if picture.format == "TIFF":
        # libtiff decodes a strip or tile into a buffer of its own first,
        # which can be the whole picture.
        needed *= 2
    elif picture.format == "WEBP":
        # libwebp keeps a canvas of its own, handed to Pillow as bytes and
        # copied again into the picture: about four copies (measured).
        needed *= 4
    several_scans = picture.format in ("JPEG", "MPO") and (
        picture.info.get("progressive") or jpeg_has_several_scans(data))
    if several_scans:
        # Progressive and multi-scan JPEGs keep every DCT coefficient of the
        # full-size picture while decoding, however small the output.
        needed += _jpeg_coefficient_bytes(picture.layer, *full_size)
    return needed


def _tiff_directory_is_modest(data: bytes) -> bool:
    """False if the first directory of the TIFF (or BigTIFF) in ``data``
    holds numbers that would take more than ``MAX_TIFF_DIRECTORY_BYTES`` once
    Pillow unpacks them. Values that cannot be in the file are not counted:
    Pillow skips them."""
    order = "<" if data[:2] == b"II" else ">"
    big = data[2:4] in (b"+\x00", b"\x00+")
    count_format, entry_format, entry_size = ("Q", "HHQ", 20) if big else ("H", "HHI", 12)
    try:
        directory = struct.unpack_from(order + ("Q" if big else "I"), data, 8 if big else 4)[0]
        entries = struct.unpack_from(order + count_format, data, directory)[0]
        first = directory + struct.calcsize(count_format)
        needed = 0
        for index in range(entries):
            _, kind, values = struct.unpack_from(order + entry_format, data, first + index * entry_size)
            size = _TIFF_NUMBER_SIZES.get(kind)
            if size is not None and values * size <= len(data):
                needed += values * (200 if kind in (5, 10) else 40)
                if needed > MAX_TIFF_DIRECTORY_BYTES:
                    return False
    except struct.error:
        pass                    # a directory cut short: Pillow reads what there is
    return True


def jpeg_has_several_scans(data: bytes) -> bool:
    """True unless the JPEG in ``data`` is plainly coded in a single scan."""
    position = 2
    while position + 4 <= len(data):
        if data[position] != 0xFF:
            return True         # not where a marker should be: assume the worst
        marker = data[position + 1]
        if marker == 0xFF:      # a fill byte before a marker
            position += 1
        elif marker == 0x01 or 0xD0 <= marker <= 0xD8:
            position += 2       # markers without a length
        elif marker == 0xD9:
            return False
        elif marker == 0xDA:
            # Coded data escapes every 0xFF, so a start-of-scan marker after
            # this one can only be a second scan (or junk, counted as one).
            length = int.from_bytes(data[position + 2:position + 4], "big")
            return data.find(b"\xff\xda", position + 2 + length) >= 0
        else:
            position += 2 + int.from_bytes(data[position + 2:position + 4], "big")
    return False


def _jpeg_coefficient_bytes(layers, width: int, height: int) -> int:
    """Bytes of DCT coefficients (64 of 2 bytes per 8x8 block) for every
    component of a ``width`` x ``height`` JPEG; ``layers`` are Pillow's
    ``(id, horizontal, vertical, table)`` sampling factors."""
    most_across = max((max(1, layer[1]) for layer in layers), default=1)
    most_down = max((max(1, layer[2]) for layer in layers), default=1)
    total = 0
    for layer in layers or [(None, 1, 1, None)]:
        across = math.ceil(math.ceil(width * max(1, layer[1]) / most_across) / 8)
        down = math.ceil(math.ceil(height * max(1, layer[2]) / most_down) / 8)
        total += across * down * 64 * 2
    return total


def _orientation(picture) -> int:
    """The EXIF orientation (1 = upright). Unreadable camera metadata is not a
    reason to refuse pixels that decode fine, so it then counts as upright."""
    exif = picture.info.get("exif")
    if isinstance(exif, (bytes, bytearray)) and len(exif) > MAX_EXIF_BYTES:
        return 1
    try:
        orientation = picture.getexif().get(_ORIENTATION_TAG, 1)
        return orientation if orientation in _UNDO_ORIENTATION else 1
    except Exception:
        return 1


def _undo_orientation(grey: np.ndarray, orientation: int) -> np.ndarray:
    if orientation not in _UNDO_ORIENTATION:
        return grey
    from PIL import Image

    method = Image.Transpose[_UNDO_ORIENTATION[orientation]]
    return np.array(Image.fromarray(grey).transpose(method), dtype=np.float32)
