"""Reading of IDX files, the simple binary array format MNIST is distributed in,
plus ``MnistError``, the single exception type raised for every data problem
(missing, unreadable, truncated, corrupt or wrongly shaped files, failed
downloads). An IDX file is a 4-byte magic number (two zero bytes, a data-type
code, a dimension count), one big-endian uint32 size per dimension, then the
payload in C order. Files may be gzip-compressed; compression is detected from
the gzip magic bytes, not from the file name. The shape a header declares is
checked against what the caller expects, and against a size limit, before any
of the payload is read, so a small hostile file cannot make the reader
decompress or allocate gigabytes.
"""

from __future__ import annotations

import os
import stat
import struct
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import BinaryIO, Protocol

import numpy as np

__all__ = ["MAX_PAYLOAD_BYTES", "MnistError", "read_idx"]

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
# The default ceiling on the payload of one file: comfortably above the
# largest MNIST file (47 MB of training images), far below what would strain
# memory. Callers that know the exact shape pass a tighter limit.
MAX_PAYLOAD_BYTES = 64 << 20
# Reading in bounded chunks keeps memory proportional to the data actually
# present, so a corrupt header claiming terabytes cannot trigger a huge
# allocation before the truncation is noticed.
READ_CHUNK_BYTES = 1 << 20
# Bytes after the declared payload are counted up to this many, for the
# message; reading stops there, however much more the stream would inflate to.
EXTRA_BYTES_COUNTED = 1 << 16
# zlib's window bits for a gzip wrapper (header, CRC-32 and length trailer).
GZIP_WINDOW_BITS = 16 + zlib.MAX_WBITS


class MnistError(Exception):
    """Any problem with the MNIST data: the message names the file and says,
    in plain words, what is wrong with it."""


class _Readable(Protocol):
    def read(self, size: int) -> bytes: ...


def read_idx(
    path: str | os.PathLike[str],
    expected_shape: Sequence[int | None] | None = None,
    *,
    max_bytes: int = MAX_PAYLOAD_BYTES,
) -> np.ndarray:
    """Read an IDX file of unsigned bytes, raw or gzip-compressed.

    ``expected_shape`` (one size per dimension, ``None`` for any size) and
    ``max_bytes`` (the largest payload accepted) are checked against the
    header before the payload is read.

    Returns a **writable** ``uint8`` array of the shape declared in the header
    (it is backed by a private ``bytearray``, so callers may modify it freely).

    Raises ``MnistError`` (message starting with the file path) when the file
    is missing or unreadable, the gzip stream is corrupt, the magic number or
    type code is wrong, the declared shape is not the expected one or too
    large, or the payload is shorter or longer than declared.
    """
    path = Path(path)
    try:
        with open(path, "rb") as raw_file:
            limits = {"expected_shape": expected_shape, "max_bytes": max_bytes}
            if raw_file.read(2) == GZIP_MAGIC:
                raw_file.seek(0)
                return _read_idx_stream(_GzipReader(raw_file), path, compressed=True, **limits)
            raw_file.seek(0)
            file_status = os.fstat(raw_file.fileno())
            file_size = file_status.st_size if stat.S_ISREG(file_status.st_mode) else None
            return _read_idx_stream(raw_file, path, compressed=False, file_size=file_size, **limits)
    except MnistError:
        raise
    except FileNotFoundError:
        raise MnistError(f"{path}: file not found") from None
    except PermissionError:
        raise MnistError(f"{path}: permission denied, cannot read the file") from None
    except IsADirectoryError:
        raise MnistError(f"{path}: is a directory, not an IDX file") from None
    except (EOFError, zlib.error) as error:
        raise MnistError(
            f"{path}: corrupt gzip data ({_describe(error)}); the file is damaged, "
            "replace it with a fresh copy"
        ) from error
    except OSError as error:
        raise MnistError(f"{path}: could not read the file ({_describe(error)})") from error


class _GzipReader:
    """The decompressed content of a gzip file, at most ``size`` bytes per read.

    zlib parses each member's header and checks its CRC-32 and length trailer
    in C; the standard ``gzip`` module walks header names and zero padding one
    byte at a time in Python, which a hostile file can make take seconds.
    Members may follow each other, with zero padding between them, as the
    ``gzip`` tool allows. Raises ``EOFError`` when the last member is cut
    short and ``zlib.error`` for corrupt data.
    """

    def __init__(self, raw_file: BinaryIO) -> None:
        self._raw_file = raw_file
        self._decompressor = zlib.decompressobj(GZIP_WINDOW_BITS)
        self._pending = b""  # compressed input not yet given to the decompressor

    def read(self, size: int) -> bytes:
        while True:
            if self._decompressor.eof:
                following = self._decompressor.unused_data.lstrip(b"\x00")
                while not following:
                    chunk = self._raw_file.read(READ_CHUNK_BYTES)
                    if not chunk:
                        return b""
                    following = chunk.lstrip(b"\x00")
                self._decompressor = zlib.decompressobj(GZIP_WINDOW_BITS)
                self._pending = following
            if not self._pending:
                self._pending = self._raw_file.read(READ_CHUNK_BYTES)
                if not self._pending:
                    raise EOFError("compressed file ended before the end-of-stream marker was reached")
            data = self._decompressor.decompress(self._pending, size)
            self._pending = self._decompressor.unconsumed_tail
            if data:
                return data


def _read_idx_stream(
    stream: _Readable,
    path: Path,
    *,
    compressed: bool,
    expected_shape: Sequence[int | None] | None,
    max_bytes: int,
    file_size: int | None = None,
) -> np.ndarray:
    shape = _read_header(stream, path, compressed)
    header_size = 4 + 4 * len(shape)
    # Python integers: four uint32 sizes multiply to far more than int64 holds.
    expected_size = 1
    for size in shape:
        expected_size *= size
    _check_declared_shape(path, shape, expected_size, header_size,
                          expected_shape, max_bytes, file_size)
    payload = _read_payload(stream, path, shape, expected_size, header_size)
    _check_nothing_follows(stream, path, shape, expected_size)
    if expected_size == 0:
        return np.zeros(shape, dtype=np.uint8)
    return np.frombuffer(payload, dtype=np.uint8).reshape(shape)


def _read_header(stream: _Readable, path: Path, compressed: bool) -> tuple[int, ...]:
    """The shape an IDX header declares, once its magic number and type are checked."""
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
    return struct.unpack(f">{dimension_count}I", size_bytes)


def _check_declared_shape(
    path: Path,
    shape: tuple[int, ...],
    expected_size: int,
    header_size: int,
    expected_shape: Sequence[int | None] | None,
    max_bytes: int,
    file_size: int | None,
) -> None:
    """Refuse a header declaring the wrong shape, more than ``max_bytes`` or,
    for a raw file, more or less data than the file holds — before any of the
    payload is read."""
    if expected_shape is not None and not _shape_matches(shape, expected_shape):
        sizes = ["N" if size is None else str(size) for size in expected_shape]
        wanted = f"({', '.join(sizes)}{',' if len(sizes) == 1 else ''})"
        raise MnistError(
            f"{path}: the header declares shape {shape}, expected shape {wanted}"
        )
    # A raw file's length is known without reading it: a mismatch is reported
    # as what it is, truncation or extra bytes, before any size limit.
    if file_size is not None:
        present = file_size - header_size
        if present < expected_size:
            raise MnistError(
                f"{path}: file is truncated: expected {expected_size} bytes of data "
                f"after the {header_size}-byte header for shape {shape}, found {present}"
            )
        if present > expected_size:
            raise MnistError(
                f"{path}: file has {present - expected_size} unexpected extra bytes after "
                f"the {expected_size} bytes of data declared for shape {shape}"
            )
    if expected_size > max_bytes:
        raise MnistError(
            f"{path}: the header declares shape {shape}, {expected_size:,} bytes of data, "
            f"more than the {max_bytes:,} bytes expected at most; this is not the expected file"
        )


def _read_payload(stream: _Readable, path: Path, shape: tuple[int, ...], expected_size: int,
                  header_size: int) -> bytearray:
    # Never asks the stream for more than the header declared, so a gzip
    # stream inflating to gigabytes is only ever decompressed that far.
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
    return payload


def _check_nothing_follows(stream: _Readable, path: Path, shape: tuple[int, ...],
                           expected_size: int) -> None:
    # Reading to the clean end of the stream makes zlib verify the gzip CRC
    # and length trailer; extra data is counted only up to a bound.
    extra_size = 0
    while extra_size <= EXTRA_BYTES_COUNTED:
        chunk = stream.read(EXTRA_BYTES_COUNTED + 1 - extra_size)
        if not chunk:
            break
        extra_size += len(chunk)
    if extra_size:
        amount = str(extra_size) if extra_size <= EXTRA_BYTES_COUNTED else f"more than {EXTRA_BYTES_COUNTED}"
        raise MnistError(
            f"{path}: file has {amount} unexpected extra bytes after the "
            f"{expected_size} bytes of data declared for shape {shape}"
        )


def _shape_matches(shape: tuple[int, ...], expected_shape: Sequence[int | None]) -> bool:
    return len(shape) == len(expected_shape) and all(
        wanted is None or size == wanted for size, wanted in zip(shape, expected_shape)
    )


def _read_exactly(stream: _Readable, size: int) -> bytes:
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
