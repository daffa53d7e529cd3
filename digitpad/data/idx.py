"""Reading of IDX files, the simple binary array format MNIST is distributed in,
plus ``MnistError``, the single exception type raised for every data problem
(missing, unreadable, truncated, corrupt or wrongly shaped files, failed
downloads). An IDX file is a 4-byte magic number (two zero bytes, a data-type
code, a dimension count), one big-endian uint32 size per dimension, then the
payload in C order. Files may be gzip-compressed; compression is detected from
the gzip magic bytes, not from the file name.
"""

from __future__ import annotations

import gzip
import os
import struct
import zlib
from pathlib import Path
from typing import BinaryIO

import numpy as np

__all__ = ["MnistError", "read_idx"]

GZIP_MAGIC = b"\x1f\x8b"
UNSIGNED_BYTE_TYPE_CODE = 0x08
IDX_TYPE_NAMES = {
    0x08: "unsigned byte",
    0x09: "signed byte",
    0x0B: "int16",
    0x0C: "int32",
    0x0D: "float32",
    0x0E: "float64",
}
MAX_DIMENSIONS = 4
# Reading in bounded chunks keeps memory proportional to the data actually
# present, so a corrupt header claiming terabytes cannot trigger a huge
# allocation before the truncation is noticed.
READ_CHUNK_BYTES = 1 << 20


class MnistError(Exception):
    """Any problem with the MNIST data: the message names the file and says,
    in plain words, what is wrong with it."""


def read_idx(path: str | os.PathLike[str]) -> np.ndarray:
    """Read an IDX file of unsigned bytes, raw or gzip-compressed.

    Returns a **writable** ``uint8`` array of the shape declared in the header
    (it is backed by a private ``bytearray``, so callers may modify it freely).

    Raises ``MnistError`` (message starting with the file path) when the file
    is missing or unreadable, the gzip stream is corrupt, the magic number or
    type code is wrong, or the payload is shorter or longer than declared.
    """
    path = Path(path)
    try:
        with open(path, "rb") as raw_file:
            if raw_file.read(2) == GZIP_MAGIC:
                raw_file.seek(0)
                with gzip.GzipFile(fileobj=raw_file, mode="rb") as gzip_file:
                    return _read_idx_stream(gzip_file, path, compressed=True)
            raw_file.seek(0)
            return _read_idx_stream(raw_file, path, compressed=False)
    except MnistError:
        raise
    except FileNotFoundError:
        raise MnistError(f"{path}: file not found") from None
    except PermissionError:
        raise MnistError(f"{path}: permission denied, cannot read the file") from None
    except IsADirectoryError:
        raise MnistError(f"{path}: is a directory, not an IDX file") from None
    except (gzip.BadGzipFile, EOFError, zlib.error) as error:
        raise MnistError(
            f"{path}: corrupt gzip data ({_describe(error)}); the file is damaged, "
            "replace it with a fresh copy"
        ) from error
    except OSError as error:
        raise MnistError(f"{path}: could not read the file ({_describe(error)})") from error


def _read_idx_stream(stream: BinaryIO, path: Path, *, compressed: bool) -> np.ndarray:
    magic = _read_exactly(stream, 4)
    if not magic:
        problem = "decompresses to nothing" if compressed else "file is empty"
        raise MnistError(f"{path}: {problem}, expected an IDX header")
    if len(magic) < 4:
        raise MnistError(
            f"{path}: file is truncated: expected a 4-byte IDX magic number, "
            f"found {len(magic)} bytes"
        )
    if magic[0] != 0 or magic[1] != 0:
        hint = "" if compressed else " (and it is not gzip-compressed either)"
        raise MnistError(
            f"{path}: not an IDX file: bad magic number 0x{magic.hex()}, expected "
            f"it to start with two zero bytes{hint}"
        )
    type_code, dimension_count = magic[2], magic[3]
    if type_code != UNSIGNED_BYTE_TYPE_CODE:
        type_name = IDX_TYPE_NAMES.get(type_code, "unknown type")
        raise MnistError(
            f"{path}: unsupported IDX data type code 0x{type_code:02X} ({type_name}); "
            f"only 0x{UNSIGNED_BYTE_TYPE_CODE:02X} (unsigned byte) is supported"
        )
    if not 1 <= dimension_count <= MAX_DIMENSIONS:
        raise MnistError(
            f"{path}: unsupported number of dimensions {dimension_count}, "
            f"expected 1 to {MAX_DIMENSIONS}"
        )

    size_bytes = _read_exactly(stream, 4 * dimension_count)
    if len(size_bytes) < 4 * dimension_count:
        raise MnistError(
            f"{path}: file is truncated: expected {4 * dimension_count} bytes of "
            f"dimension sizes, found {len(size_bytes)}"
        )
    shape = struct.unpack(f">{dimension_count}I", size_bytes)
    header_size = 4 + 4 * dimension_count
    expected_size = int(np.prod(shape, dtype=np.int64))

    payload = bytearray()
    while len(payload) < expected_size:
        chunk = stream.read(min(READ_CHUNK_BYTES, expected_size - len(payload)))
        if not chunk:
            break
        payload += chunk
    if len(payload) < expected_size:
        raise MnistError(
            f"{path}: file is truncated: expected {expected_size} bytes of data "
            f"after the {header_size}-byte header for shape {shape}, found {len(payload)}"
        )

    # Reading on to the end also makes gzip verify its CRC and length trailer.
    extra_size = 0
    while chunk := stream.read(READ_CHUNK_BYTES):
        extra_size += len(chunk)
    if extra_size:
        raise MnistError(
            f"{path}: file has {extra_size} unexpected extra bytes after the "
            f"{expected_size} bytes of data declared for shape {shape}"
        )

    if expected_size == 0:
        return np.zeros(shape, dtype=np.uint8)
    return np.frombuffer(payload, dtype=np.uint8).reshape(shape)


def _read_exactly(stream: BinaryIO, size: int) -> bytes:
    """Read ``size`` bytes, or fewer only at end of file (a raw ``read`` may
    legitimately return short)."""
    data = b""
    while len(data) < size:
        chunk = stream.read(size - len(data))
        if not chunk:
            break
        data += chunk
    return data


def _describe(error: BaseException) -> str:
    text = str(error)
    return text if text else type(error).__name__
