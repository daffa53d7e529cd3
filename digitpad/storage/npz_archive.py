"""The ``.npz`` files digitpad keeps and imports (checkpoints, exported
handwriting), read as hostile input and written atomically. ``NpzArchive``
opens only a regular file, reads the zip directory and refuses what it
cannot trust before a byte of data is inflated: too many members, duplicate
names, encryption, compression methods other than stored and deflate,
declared sizes larger than the file could honestly hold. Each member's
``.npy`` header is parsed by a strict pattern (never ``eval``) and must
declare a plain numeric dtype and a shape whose byte count matches the
member's size in the directory; callers state the dtype and shape they
expect before anything is read. JSON metadata lives in a uint8 member.
Every failure is ``ArchiveError`` with the file's name and the problem.
"""

from __future__ import annotations

import json
import math
import os
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Mapping, Sequence

import numpy as np

from digitpad.storage.atomic import AtomicWriteError, atomic_writer
from digitpad.storage.reading import UnreadableFile, open_regular_file
from digitpad.storage.schema import parse_object

MEMBER_SUFFIX = ".npy"
MAX_MEMBERS = 4096
MAX_NAME_LENGTH = 200
MAX_NPY_HEADER_BYTES = 4096
MAX_DIRECTORY_BYTES = 4 << 20
# Deflated members may not claim to be more than this many times their
# compressed size (what a zip bomb does); digitpad writes stored members.
MAX_COMPRESSION_RATIO = 8
_SLACK_BYTES = 1 << 20
_READ_CHUNK = 1 << 20
_END_RECORD = b"PK\x05\x06"
_END_RECORD_SIZE = 22
_NPY_MAGIC = b"\x93NUMPY"
# numpy writes "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }"
_HEADER_ITEM = re.compile(r"'(descr|fortran_order|shape)'\s*:\s*('[^']*'|True|False|\([0-9,\s]*\))")
_HEADER_FULL = re.compile(r"\{\s*(?:" + _HEADER_ITEM.pattern + r"\s*,\s*){3}\}\s*")
_DESCR = re.compile(r"[<>|=]?(?:b1|[iu][1248]|f[248])")


class ArchiveError(Exception):
    """An ``.npz`` file could not be read or written; the message names it."""


@dataclass(frozen=True)
class ArrayHeader:
    dtype: np.dtype
    shape: tuple[int, ...]
    fortran_order: bool
    data_offset: int          # bytes of the member before the data

    @property
    def nbytes(self) -> int:
        return self.dtype.itemsize * math.prod(self.shape)


def _looks_like_text(head: bytes) -> bool:
    if not head:
        return False
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        return False
    printable = sum(character.isprintable() or character in "\r\n\t" for character in text)
    return printable >= 0.95 * len(text)


class NpzArchive:
    """An ``.npz`` whose directory has been checked; members are read on request.

    ``what`` names the kind of file in messages ("checkpoint", "samples file").
    Use as a context manager.
    """

    def __init__(self, path: str | os.PathLike, what: str = "file", *,
                 max_file_bytes: int = 1 << 30) -> None:
        self.path = Path(path)
        self.what = what
        self._headers: dict[str, ArrayHeader] = {}
        try:
            self._stream: BinaryIO = open_regular_file(self.path, max_file_bytes)
        except UnreadableFile as error:
            raise self.error(str(error)) from None
        try:
            self._size = os.fstat(self._stream.fileno()).st_size
            self._zip = self._open_zip()
            self._members = self._check_directory()
        except BaseException:
            self._stream.close()
            raise

    # -- errors ----------------------------------------------------------
    def error(self, problem: str) -> ArchiveError:
        return ArchiveError(f"{self.path}: {problem}")

    def _damaged(self, error: BaseException, where: str = "") -> ArchiveError:
        detail = getattr(error, "strerror", None) or str(error) or type(error).__name__
        place = f" in {where}" if where else ""
        return self.error(f"damaged or truncated{place} ({detail})")

    # -- the directory ---------------------------------------------------
    def _open_zip(self) -> zipfile.ZipFile:
        try:
            head = self._stream.read(64)
            if head.startswith(_NPY_MAGIC):
                raise self.error(f"is a single NumPy array (.npy), not a digitpad {self.what}")
            if not head.startswith(b"PK"):
                if not head:
                    raise self.error("is empty")
                kind = "a text file" if _looks_like_text(head) else "not a zip archive"
                raise self.error(f"is {kind}, not a digitpad {self.what}")
            self._check_end_record()
            self._stream.seek(0)
            return zipfile.ZipFile(self._stream)
        except ArchiveError:
            raise
        except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError,
                OverflowError, struct.error, UnicodeDecodeError, NotImplementedError) as error:
            raise self._damaged(error) from error

    def _check_end_record(self) -> None:
        """Refuse directories too big to list cheaply, before zipfile parses them."""
        tail_size = min(self._size, _END_RECORD_SIZE + 0xFFFF)
        self._stream.seek(self._size - tail_size)
        tail = self._stream.read(tail_size)
        position = tail.rfind(_END_RECORD)
        if position < 0 or len(tail) - position < _END_RECORD_SIZE:
            raise self.error("damaged or truncated (no zip directory at the end of the file)")
        (_, _, _, _, entries, directory_size, directory_offset, _) = struct.unpack(
            "<4sHHHHIIH", tail[position:position + _END_RECORD_SIZE])
        if entries == 0xFFFF or directory_size == 0xFFFFFFFF or directory_offset == 0xFFFFFFFF:
            raise self.error("is a zip64 archive (over 4 GB or 65,535 members), which digitpad never writes")
        if entries > MAX_MEMBERS or directory_size > MAX_DIRECTORY_BYTES:
            raise self.error(f"lists {entries:,} members in a {directory_size:,}-byte directory; "
                             f"a digitpad {self.what} has far fewer")

    def _check_directory(self) -> dict[str, zipfile.ZipInfo]:
        members: dict[str, zipfile.ZipInfo] = {}
        total_declared = total_compressed = 0
        for info in self._zip.infolist():
            name = info.filename
            if not name.endswith(MEMBER_SUFFIX):
                raise self.error(f"holds {name[:MAX_NAME_LENGTH]!r}, which is not a NumPy array "
                                 f"(.npy); a digitpad {self.what} holds only arrays")
            key = name[:-len(MEMBER_SUFFIX)]
            if not key or len(key) > MAX_NAME_LENGTH or not key.isprintable():
                raise self.error(f"has a member with an invalid name {name[:MAX_NAME_LENGTH]!r}")
            if key in members:
                raise self.error(f"holds the member {key!r} twice; refusing to guess which is real")
            if info.flag_bits & 0x1:
                raise self.error(f"the member {key!r} is encrypted; digitpad files never are")
            if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                raise self.error(f"the member {key!r} uses zip compression method {info.compress_type}; "
                                 "digitpad reads only stored or deflated members")
            if info.compress_type == zipfile.ZIP_STORED and info.file_size != info.compress_size:
                raise self.error(f"the member {key!r} declares {info.file_size:,} bytes but stores "
                                 f"{info.compress_size:,}")
            if info.header_offset + info.compress_size > self._size:
                raise self.error(f"damaged or truncated (the member {key!r} extends past the end of the file)")
            total_declared += info.file_size
            total_compressed += info.compress_size
            members[key] = info
        if total_declared > MAX_COMPRESSION_RATIO * total_compressed + _SLACK_BYTES:
            raise self.error(f"its members claim {total_declared:,} bytes once inflated from "
                             f"{total_compressed:,}: a zip bomb, not a digitpad {self.what}")
        return members

    # -- members -----------------------------------------------------------
    @property
    def names(self) -> list[str]:
        """Member names without the ``.npy`` suffix, in archive order."""
        return list(self._members)

    def declared_bytes(self) -> int:
        """What all members together claim to hold once inflated."""
        return sum(info.file_size for info in self._members.values())

    def _info(self, name: str) -> zipfile.ZipInfo:
        try:
            return self._members[name]
        except KeyError:
            raise self.error(f"has no {name!r} array") from None

    def header(self, name: str) -> ArrayHeader:
        """The dtype and shape the member ``name`` declares (reads only its header)."""
        header = self._headers.get(name)
        if header is None:
            info = self._info(name)
            try:
                with self._zip.open(info) as member:
                    header = self._parse_header(name, member)
            except ArchiveError:
                raise
            except (zipfile.BadZipFile, EOFError, OSError, ValueError, OverflowError, zlib.error,
                    struct.error, UnicodeDecodeError, NotImplementedError, RuntimeError) as error:
                raise self._damaged(error, f"the array {name!r}") from error
            if header.data_offset + header.nbytes != info.file_size:
                raise self.error(f"the array {name!r} declares shape {header.shape} of {header.dtype} "
                                 f"({header.nbytes:,} bytes) but its member holds "
                                 f"{info.file_size - header.data_offset:,}")
            self._headers[name] = header
        return header

    def _parse_header(self, name: str, member) -> ArrayHeader:
        def bad(problem: str) -> ArchiveError:
            return self.error(f"the array {name!r} {problem}")

        preamble = member.read(8)
        if len(preamble) < 8 or not preamble.startswith(_NPY_MAGIC):
            raise bad("is not a NumPy array (no .npy header)")
        major = preamble[6]
        if major == 1:
            length_bytes, length_format = member.read(2), "<H"
        elif major in (2, 3):
            length_bytes, length_format = member.read(4), "<I"
        else:
            raise bad(f"uses .npy format version {major}, which digitpad does not read")
        if len(length_bytes) != struct.calcsize(length_format):
            raise bad("has a truncated header")
        (length,) = struct.unpack(length_format, length_bytes)
        if length > MAX_NPY_HEADER_BYTES:
            raise bad(f"has a {length:,}-byte header; real ones are under {MAX_NPY_HEADER_BYTES}")
        raw = member.read(length)
        if len(raw) != length:
            raise bad("has a truncated header")
        try:
            text = raw.decode("latin-1" if major < 3 else "utf-8")
        except UnicodeDecodeError:
            raise bad("has a header that is not text") from None
        if not _HEADER_FULL.fullmatch(text):
            if "'O'" in text or "|O" in text:
                raise bad("holds Python objects (pickled data), which digitpad never loads")
            raise bad("has a malformed header")
        items = dict(_HEADER_ITEM.findall(text))
        if len(items) != 3:
            raise bad("has a malformed header")
        descr = items["descr"].strip("'")
        if not _DESCR.fullmatch(descr):
            if "O" in descr or descr.startswith("|V") or "V" in descr:
                raise bad("holds Python objects or records, which digitpad never loads")
            raise bad(f"has dtype {descr!r}; only plain numbers are allowed")
        shape_text = items["shape"].strip("()").replace(" ", "")
        parts = [part for part in shape_text.split(",") if part]
        if len(parts) > 8 or any(len(part) > 12 for part in parts):
            raise bad("declares an impossible shape")
        shape = tuple(int(part) for part in parts)
        return ArrayHeader(np.dtype(descr), shape, items["fortran_order"] == "True",
                           len(preamble) + len(length_bytes) + length)

    def check(self, name: str, dtypes: np.dtype | Sequence[np.dtype] | str,
              shape: Sequence[int | None]) -> ArrayHeader:
        """The header of ``name`` if it declares one of ``dtypes`` and ``shape``
        (``None`` in ``shape`` allows any length on that axis); else ArchiveError."""
        header = self.header(name)
        allowed = [np.dtype(dtypes)] if isinstance(dtypes, (str, np.dtype, type)) \
            else [np.dtype(dtype) for dtype in dtypes]
        native = header.dtype.newbyteorder("=")
        if not any(native == dtype.newbyteorder("=") for dtype in allowed):
            expected = " or ".join(str(dtype) for dtype in allowed)
            raise self.error(f"the array {name!r} is {header.dtype}, expected {expected}")
        if len(header.shape) != len(shape) or any(
                wanted is not None and wanted != actual for wanted, actual in zip(shape, header.shape)):
            wanted = "(" + ", ".join("N" if size is None else str(size) for size in shape) + \
                     ("," if len(shape) == 1 else "") + ")"
            raise self.error(f"the array {name!r} has shape {header.shape}, expected {wanted}")
        return header

    def read(self, name: str, dtypes: np.dtype | Sequence[np.dtype] | str,
             shape: Sequence[int | None], out: np.ndarray | None = None) -> np.ndarray:
        """The array ``name``, after :meth:`check`; in native byte order, writable.

        With ``out`` (an array of the declared shape) the data is stored there,
        which spares a copy of large weights.
        """
        header = self.check(name, dtypes, shape)
        info = self._info(name)
        order = "F" if header.fortran_order else "C"
        if out is None:
            out = np.empty(header.shape, dtype=header.dtype.newbyteorder("="), order=order)
        elif out.shape != header.shape:
            raise ValueError(f"cannot read {name!r} of shape {header.shape} into {out.shape}")
        contiguous = out.flags.f_contiguous if header.fortran_order else out.flags.c_contiguous
        # The bytes go straight into ``out`` when its memory layout is the file's.
        direct = out.dtype == header.dtype and contiguous
        buffer = out.reshape(-1, order=order).view(np.uint8) if direct else np.empty(header.nbytes, np.uint8)
        try:
            with self._zip.open(info) as member:
                member.read(header.data_offset)
                view = memoryview(buffer)
                filled = 0
                while filled < header.nbytes:
                    count = member.readinto(view[filled:filled + _READ_CHUNK])
                    if not count:
                        raise self.error(f"damaged or truncated (the array {name!r} ends early)")
                    filled += count
                # Reading past the end makes zipfile check the member's CRC.
                if member.read(1):
                    raise self.error(f"the array {name!r} holds more data than it declares")
        except ArchiveError:
            raise
        except (zipfile.BadZipFile, EOFError, OSError, ValueError, OverflowError, zlib.error,
                struct.error, UnicodeDecodeError, NotImplementedError, RuntimeError) as error:
            raise self._damaged(error, f"the array {name!r}") from error
        if not direct:
            out[...] = np.frombuffer(buffer, dtype=header.dtype).reshape(header.shape, order=order)
        return out

    def read_json(self, name: str, max_bytes: int) -> dict:
        """The JSON object stored by :func:`encode_json` in ``name``."""
        header = self.check(name, np.uint8, (None,))
        if header.shape[0] > max_bytes:
            raise self.error(f"{name} is {header.shape[0]:,} bytes; at most {max_bytes:,} are allowed")
        raw = self.read(name, np.uint8, (None,))
        try:
            return decode_json(raw, name)
        except ValueError as error:
            raise self.error(str(error)) from error

    # -- life cycle -----------------------------------------------------------
    def close(self) -> None:
        self._zip.close()
        self._stream.close()

    def __enter__(self) -> "NpzArchive":
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()


# -- JSON in a uint8 array ------------------------------------------------------
def encode_json(data) -> np.ndarray:
    """``data`` as UTF-8 JSON in a uint8 array (raises ValueError if not plain JSON)."""
    try:
        text = json.dumps(data, allow_nan=False, sort_keys=True)
    except (TypeError, ValueError, RecursionError) as error:
        raise ValueError(f"not plain JSON: {error}") from error
    return np.frombuffer(text.encode("utf-8"), dtype=np.uint8)


def decode_json(raw: np.ndarray, name: str) -> dict:
    """The JSON object stored by :func:`encode_json`; ValueError explains a bad entry."""
    if raw.dtype != np.uint8 or raw.ndim != 1:
        raise ValueError(f"{name} must be a 1-D uint8 array, got {raw.dtype} {raw.shape}")
    return parse_object(raw.tobytes(), name)


# -- writing -----------------------------------------------------------------------
def write_npz(path: str | os.PathLike, arrays: Mapping[str, np.ndarray], what: str = "file") -> None:
    """Write ``arrays`` to ``path`` atomically (the old file, if any, stays
    whole until the new one is complete). Raises ArchiveError."""
    try:
        with atomic_writer(path) as stream:
            # Given a file object, savez does not append ".npz" to the name.
            np.savez(stream, **arrays)
    except AtomicWriteError as error:
        raise ArchiveError(f"{path}: cannot write {what}: {error.strerror or error}") from error
