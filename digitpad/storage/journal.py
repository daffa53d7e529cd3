"""An append-only journal file, for data that changes a little at a time
and is shared by running copies of the app (the personal handwriting
samples). Each change is one record appended to the end — so saving costs
the size of the change, not of the whole set — and the file is read by
replaying its records. A record is framed by a magic number, its length
and a CRC32, and holds a JSON object plus optional raw bytes; the first
record is a header naming the format and a random generation, which
changes whenever the file is rewritten (compacted), so a reader can tell
new records appended after what it has read from a file replaced under it.
Reading is guarded like every file we do not control: lengths are capped
before anything is allocated, and a damaged or torn record ends the
readable part, which is reported with its position.
"""

from __future__ import annotations

import json
import os
import secrets
import struct
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Iterable

from digitpad.storage.atomic import AtomicWriteError, atomic_writer, write_target
from digitpad.storage.reading import UnreadableFile, open_regular_file
from digitpad.storage.schema import parse_object

MAGIC = b"DPJ1"
_FRAME = struct.Struct("<4sII")          # magic, payload length, CRC32 of the payload
_JSON_LENGTH = struct.Struct("<I")
MAX_RECORD_BYTES = 1 << 20
MAX_JOURNAL_BYTES = 1 << 30


class JournalError(Exception):
    """The journal cannot be opened, read or written; the message names it.
    ``damaged`` is True when the file's content is at fault (not the disk,
    permissions or a lock)."""

    def __init__(self, message: str, damaged: bool = False) -> None:
        super().__init__(message)
        self.damaged = damaged


@dataclass
class Record:
    data: dict
    blob: bytes = b""


@dataclass
class JournalContent:
    """What a read found: the header, the records after ``start``, where the
    readable part ends, and why reading stopped early (None if it did not)."""

    header: dict
    records: list[Record] = field(default_factory=list)
    end: int = 0
    damage: str | None = None
    identity: tuple = ()
    restarted: bool = False


def encode_record(data: dict, blob: bytes = b"") -> bytes:
    """One framed record: ``data`` as JSON, then ``blob``."""
    text = json.dumps(data, allow_nan=False, separators=(",", ":"), sort_keys=True).encode("utf-8")
    payload = _JSON_LENGTH.pack(len(text)) + text + blob
    if len(payload) > MAX_RECORD_BYTES:
        raise ValueError(f"a record of {len(payload):,} bytes is larger than the "
                         f"{MAX_RECORD_BYTES:,} allowed")
    return _FRAME.pack(MAGIC, len(payload), zlib.crc32(payload)) + payload


def new_header(format_name: str, format_version: int) -> dict:
    return {"format": format_name, "format_version": format_version,
            "generation": secrets.token_hex(8)}


def _identity(stream: BinaryIO) -> tuple:
    status = os.fstat(stream.fileno())
    return status.st_dev, status.st_ino


def _read_record(stream: BinaryIO, position: int, size: int) -> tuple[Record | None, str | None]:
    """The record at ``position`` (None at a clean end), or a problem."""
    frame = stream.read(_FRAME.size)
    if not frame:
        return None, None
    if len(frame) < _FRAME.size:
        return None, f"a record at byte {position:,} is cut short (the app probably stopped while saving)"
    magic, length, checksum = _FRAME.unpack(frame)
    if magic != MAGIC:
        return None, f"the data at byte {position:,} is not a record"
    if length > MAX_RECORD_BYTES or length < _JSON_LENGTH.size:
        return None, f"the record at byte {position:,} declares an impossible length ({length:,} bytes)"
    if position + _FRAME.size + length > size:
        return None, f"the record at byte {position:,} is cut short (the app probably stopped while saving)"
    payload = stream.read(length)
    if len(payload) != length:
        return None, f"the record at byte {position:,} is cut short"
    if zlib.crc32(payload) != checksum:
        return None, f"the record at byte {position:,} is damaged (checksum mismatch)"
    (json_length,) = _JSON_LENGTH.unpack_from(payload)
    if json_length > length - _JSON_LENGTH.size:
        return None, f"the record at byte {position:,} is malformed"
    text = payload[_JSON_LENGTH.size:_JSON_LENGTH.size + json_length]
    try:
        data = parse_object(text, f"the record at byte {position:,}")
    except ValueError as error:
        return None, str(error)
    return Record(data, payload[_JSON_LENGTH.size + json_length:]), None


class Journal:
    """The journal at ``path`` (through any symbolic link) of format ``format_name``."""

    def __init__(self, path: str | os.PathLike, format_name: str, format_version: int,
                 what: str = "journal") -> None:
        self.path = Path(path)
        self.format_name, self.format_version = format_name, format_version
        self.what = what

    def error(self, problem: str, damaged: bool = False) -> JournalError:
        return JournalError(f"{self.path}: {problem}", damaged)

    def exists(self) -> bool:
        return self.path.exists()     # a dangling link is written through, like a missing file

    def read(self, start: int = 0, expected_header: dict | None = None) -> JournalContent:
        """Read the records from byte ``start`` on (0: all of them).

        The whole file is read instead (``content.restarted``) when its header
        is not ``expected_header`` or it is shorter than ``start``: it was
        rewritten since the caller last read it. Raises JournalError
        (``damaged`` tells a bad file from one that cannot be opened).
        """
        try:
            stream = open_regular_file(self.path, MAX_JOURNAL_BYTES)
        except UnreadableFile as error:
            raise self.error(str(error)) from None
        try:
            with stream:
                size = os.fstat(stream.fileno()).st_size
                if size == 0:
                    raise self.error("is empty", damaged=True)
                first, problem = _read_record(stream, 0, size)
                if first is None:
                    raise self.error(f"{problem}; it is not a readable {self.what}", damaged=True)
                header = self._check_header(first.data)
                content = JournalContent(header, identity=_identity(stream))
                if start == 0 or header != expected_header or start > size:
                    content.restarted = True
                    start = stream.tell()
                stream.seek(start)
                position = start
                while True:
                    record, problem = _read_record(stream, position, size)
                    if record is None:
                        content.damage = problem
                        break
                    content.records.append(record)
                    position = stream.tell()
                content.end = position
                return content
        except OSError as error:
            raise self.error(f"cannot be read ({error.strerror or error})") from None

    def _check_header(self, data: dict) -> dict:
        if data.get("format") != self.format_name:
            raise self.error(f"is not a digitpad {self.what} (format {str(data.get('format'))[:60]!r})",
                             damaged=True)
        version = data.get("format_version")
        if isinstance(version, int) and not isinstance(version, bool) and version > self.format_version:
            # Not damage: a newer digitpad's file, to be left exactly as it is.
            raise self.error(f"was written by a newer digitpad ({self.what} format version "
                             f"{version}); this version reads version {self.format_version}")
        if version != self.format_version:
            raise self.error(f"has an unknown {self.what} format version {str(version)[:20]}",
                             damaged=True)
        generation = data.get("generation")
        if not isinstance(generation, str) or len(generation) > 64:
            raise self.error("has a malformed header", damaged=True)
        return {"format": self.format_name, "format_version": version, "generation": generation}

    def append(self, records: Iterable[bytes], expected_size: int) -> int:
        """Append encoded ``records`` at ``expected_size`` (the end the caller
        has read to, under the caller's lock); returns the new end. A failed
        write is cut off again, so the file never keeps half a record."""
        data = b"".join(records)
        try:
            with open(write_target(self.path), "r+b") as stream:
                stream.seek(0, os.SEEK_END)
                if stream.tell() != expected_size:
                    raise self.error("changed while it was being saved; try again")
                try:
                    stream.write(data)
                    stream.flush()
                    os.fsync(stream.fileno())
                except OSError:
                    stream.truncate(expected_size)
                    raise
                return expected_size + len(data)
        except JournalError:
            raise
        except OSError as error:
            raise self.error(f"cannot be saved ({error.strerror or error})") from None

    def rewrite(self, records: Iterable[bytes]) -> tuple[dict, int]:
        """Replace the whole file (atomically) with a new header and ``records``;
        returns ``(header, end)``."""
        header = new_header(self.format_name, self.format_version)
        size = 0
        try:
            with atomic_writer(self.path) as stream:
                for chunk in (encode_record(header), *records):
                    stream.write(chunk)
                    size += len(chunk)
        except AtomicWriteError as error:
            raise self.error(f"cannot be saved ({error.strerror or error})") from None
        return header, size
