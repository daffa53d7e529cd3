"""Tests for ``digitpad.data.mnist.idx``: reading valid IDX files (raw and gzip) and
turning every kind of broken file into an ``MnistError`` that names the file,
including gzip bombs, which must be refused without inflating them."""

from __future__ import annotations

import gzip
import re
import struct
import tracemalloc
import zlib
from pathlib import Path

import numpy as np
import pytest

from digitpad.data.mnist.idx import MnistError, read_idx


def idx_bytes(array: np.ndarray, type_code: int = 0x08) -> bytes:
    header = bytes([0, 0, type_code, array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape)
    return header + np.ascontiguousarray(array, dtype=np.uint8).tobytes()


def write_file(path: Path, data: bytes, compress: bool = False) -> Path:
    path.write_bytes(gzip.compress(data) if compress else data)
    return path


def assert_mnist_error(path: Path, *fragments: str) -> MnistError:
    with pytest.raises(MnistError) as caught:
        read_idx(path)
    message = str(caught.value)
    assert path.name in message
    for fragment in fragments:
        assert fragment in message
    return caught.value


@pytest.mark.parametrize("compress", [False, True], ids=["raw", "gzip"])
@pytest.mark.parametrize("shape", [(7,), (3, 5), (4, 28, 28), (2, 3, 4, 5)])
def test_round_trip(tmp_path: Path, compress: bool, shape: tuple[int, ...]) -> None:
    array = np.random.default_rng(0).integers(0, 256, size=shape, dtype=np.uint8)
    name = "tiny-idx.gz" if compress else "tiny-idx"
    result = read_idx(write_file(tmp_path / name, idx_bytes(array), compress))
    assert result.dtype == np.uint8
    assert result.shape == shape
    np.testing.assert_array_equal(result, array)
    assert result.flags.writeable
    result[...] = 0  # documented as writable and private to the caller


def test_gzip_is_detected_by_content_not_suffix(tmp_path: Path) -> None:
    array = np.arange(12, dtype=np.uint8).reshape(3, 4)
    compressed_without_suffix = write_file(tmp_path / "packed", idx_bytes(array), compress=True)
    raw_with_gz_suffix = write_file(tmp_path / "plain.gz", idx_bytes(array))
    np.testing.assert_array_equal(read_idx(compressed_without_suffix), array)
    np.testing.assert_array_equal(read_idx(raw_with_gz_suffix), array)


def test_zero_length_dimension(tmp_path: Path) -> None:
    path = write_file(tmp_path / "empty-set", bytes([0, 0, 8, 3]) + struct.pack(">3I", 0, 28, 28))
    assert read_idx(path).shape == (0, 28, 28)


def test_accepts_str_path(tmp_path: Path) -> None:
    path = write_file(tmp_path / "labels", idx_bytes(np.array([1, 2, 3], dtype=np.uint8)))
    np.testing.assert_array_equal(read_idx(str(path)), [1, 2, 3])


def test_real_test_labels(mnist_dir: Path) -> None:
    labels = read_idx(mnist_dir / "t10k-labels-idx1-ubyte.gz")
    assert labels.shape == (10000,)
    assert labels.dtype == np.uint8
    assert labels[:10].tolist() == [7, 2, 1, 0, 4, 1, 4, 9, 5, 9]


@pytest.mark.parametrize("compress", [False, True], ids=["raw", "gzip"])
def test_bad_magic(tmp_path: Path, compress: bool) -> None:
    path = write_file(tmp_path / "bad-magic-idx", b"\x01\x02\x08\x01" + b"\x00" * 8, compress)
    assert_mnist_error(path, "bad magic number", "0x01020801")


def test_not_gzip_garbage(tmp_path: Path) -> None:
    path = write_file(tmp_path / "garbage.gz", b"<html>404 Not Found</html>")
    assert_mnist_error(path, "not an IDX file", "not gzip-compressed")


@pytest.mark.parametrize("type_code, type_name", [(0x0D, "float32"), (0x0C, "int32"), (0x42, "unknown")])
def test_unsupported_type_code(tmp_path: Path, type_code: int, type_name: str) -> None:
    array = np.zeros(4, dtype=np.uint8)
    path = write_file(tmp_path / "typed-idx", idx_bytes(array, type_code=type_code))
    assert_mnist_error(path, "unsupported IDX data type", f"0x{type_code:02X}", type_name)


@pytest.mark.parametrize("dimension_count", [0, 5])
def test_unsupported_dimension_count(tmp_path: Path, dimension_count: int) -> None:
    data = bytes([0, 0, 8, dimension_count]) + b"\x00\x00\x00\x01" * dimension_count + b"\x00"
    path = write_file(tmp_path / "dims-idx", data)
    assert_mnist_error(path, "number of dimensions", str(dimension_count))


def test_truncated_header(tmp_path: Path) -> None:
    assert_mnist_error(write_file(tmp_path / "short-magic", b"\x00\x00"), "truncated")
    sizes_cut_short = bytes([0, 0, 8, 3]) + struct.pack(">I", 10)
    assert_mnist_error(write_file(tmp_path / "short-dims", sizes_cut_short), "truncated", "dimension sizes")


@pytest.mark.parametrize("compress", [False, True], ids=["raw", "gzip"])
def test_truncated_payload(tmp_path: Path, compress: bool) -> None:
    data = idx_bytes(np.zeros((10, 28, 28), dtype=np.uint8))[:-100]
    path = write_file(tmp_path / "images-idx3-ubyte", data, compress)
    assert_mnist_error(path, "file is truncated", "expected 7840 bytes", "found 7740")


def test_huge_declared_size_does_not_allocate(tmp_path: Path) -> None:
    data = bytes([0, 0, 8, 3]) + struct.pack(">3I", 2**32 - 1, 2**32 - 1, 2**32 - 1) + b"\x00" * 10
    assert_mnist_error(write_file(tmp_path / "liar-idx", data), "file is truncated", "found 10")


@pytest.mark.parametrize("compress", [False, True], ids=["raw", "gzip"])
def test_trailing_bytes(tmp_path: Path, compress: bool) -> None:
    data = idx_bytes(np.zeros(5, dtype=np.uint8)) + b"junk"
    path = write_file(tmp_path / "labels-idx1-ubyte", data, compress)
    assert_mnist_error(path, "4 unexpected extra bytes")


def test_corrupt_gzip_real_file(tmp_path: Path, mnist_dir: Path) -> None:
    data = bytearray((mnist_dir / "t10k-labels-idx1-ubyte.gz").read_bytes())
    middle = len(data) // 2
    for offset in range(middle, middle + 16):
        data[offset] ^= 0xFF
    path = write_file(tmp_path / "t10k-labels-idx1-ubyte.gz", bytes(data))
    assert_mnist_error(path, "corrupt gzip data")


def test_gzip_crc_mismatch(tmp_path: Path) -> None:
    data = bytearray(gzip.compress(idx_bytes(np.arange(100, dtype=np.uint8))))
    data[-8] ^= 0xFF  # the CRC32 in the gzip trailer
    assert_mnist_error(write_file(tmp_path / "crc-idx.gz", bytes(data)), "corrupt gzip data")


def test_truncated_gzip(tmp_path: Path, mnist_dir: Path) -> None:
    data = (mnist_dir / "t10k-labels-idx1-ubyte.gz").read_bytes()
    path = write_file(tmp_path / "t10k-labels-idx1-ubyte.gz", data[: len(data) // 2])
    assert_mnist_error(path, "corrupt gzip data")


def test_garbage_after_gzip_magic(tmp_path: Path) -> None:
    path = write_file(tmp_path / "fake.gz", b"\x1f\x8b" + b"\xff" * 64)
    assert_mnist_error(path, "corrupt gzip data")


def test_empty_file(tmp_path: Path) -> None:
    assert_mnist_error(write_file(tmp_path / "empty-idx1-ubyte", b""), "file is empty")


def test_empty_gzip(tmp_path: Path) -> None:
    path = write_file(tmp_path / "empty-idx1-ubyte.gz", b"", compress=True)
    assert_mnist_error(path, "decompresses to nothing")


def test_missing_file(tmp_path: Path) -> None:
    assert_mnist_error(tmp_path / "nowhere-idx1-ubyte.gz", "file not found")


def test_directory_instead_of_file(tmp_path: Path) -> None:
    folder = tmp_path / "a-folder-idx"
    folder.mkdir()
    with pytest.raises(MnistError, match="a-folder-idx"):
        read_idx(folder)


def gzip_stream(*pieces: bytes, zeros_mb: int = 0) -> bytes:
    """A gzip stream of ``pieces`` then ``zeros_mb`` megabytes of zeros. The
    zeros are one compressed megabyte repeated (a full flush makes each copy
    a self-contained, byte-aligned block), so even gigabytes cost nothing to
    build; the trailer is not valid past them, but no reader should get there."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    start = b"".join(compressor.compress(piece) for piece in pieces)
    start += compressor.flush(zlib.Z_FULL_FLUSH)
    zeros = compressor.compress(bytes(1 << 20)) + compressor.flush(zlib.Z_FULL_FLUSH)
    return start + zeros * zeros_mb + compressor.flush()


def read_with_peak_memory(path: Path, *args, **kwargs) -> tuple[MnistError, int]:
    """The MnistError reading ``path`` raises, and the peak memory Python
    allocated meanwhile (the payload buffer, the decompressed chunks)."""
    tracemalloc.start()
    try:
        with pytest.raises(MnistError) as caught:
            read_idx(path, *args, **kwargs)
        return caught.value, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_gzip_bomb_is_refused_from_its_header(tmp_path: Path) -> None:
    # 10**9 images claimed, then 2 GB of zeros: a file of about 2 MB.
    header = bytes([0, 0, 8, 3]) + struct.pack(">3I", 10**9, 28, 28)
    path = write_file(tmp_path / "bomb-idx3-ubyte.gz", gzip_stream(header, zeros_mb=2048))
    assert path.stat().st_size < 3 << 20
    error, peak = read_with_peak_memory(path)
    assert path.name in str(error) and "(1000000000, 28, 28)" in str(error)
    assert "more than the" in str(error)
    assert peak < 8 << 20
    # With the shape the caller expects, the same file is refused the same way.
    error, peak = read_with_peak_memory(path, (None, 28, 28), max_bytes=10000 * 784)
    assert "7,840,000 bytes expected at most" in str(error) and peak < 8 << 20


def test_trailing_zeros_are_not_all_inflated(tmp_path: Path) -> None:
    # Five labels, then 2 GB of zeros in the same gzip member (about 2 MB).
    labels = idx_bytes(np.arange(5, dtype=np.uint8))
    path = write_file(tmp_path / "padded-idx1-ubyte.gz", gzip_stream(labels, zeros_mb=2048))
    error, peak = read_with_peak_memory(path)
    assert "more than 65536 unexpected extra bytes" in str(error)
    assert peak < 8 << 20


def test_expected_shape_is_checked_before_the_payload(tmp_path: Path) -> None:
    # The header promises far more than the file holds: only the shape is
    # looked at, so the message is about the shape, not about truncation.
    header = bytes([0, 0, 8, 3]) + struct.pack(">3I", 10, 1, 1)
    path = write_file(tmp_path / "images-idx3-ubyte.gz", header, compress=True)
    assert_shape_error = "the header declares shape (10, 1, 1), expected shape (N, 28, 28)"
    with pytest.raises(MnistError, match=re.escape(assert_shape_error)):
        read_idx(path, (None, 28, 28))
    with pytest.raises(MnistError, match=re.escape("expected shape (10,)")):
        read_idx(path, (10,))
    array = np.zeros((3, 28, 28), dtype=np.uint8)
    exact = write_file(tmp_path / "exact-idx3-ubyte.gz", idx_bytes(array), compress=True)
    assert read_idx(exact, (None, 28, 28), max_bytes=array.size).shape == (3, 28, 28)
    assert read_idx(exact, (3, 28, 28)).shape == (3, 28, 28)
    with pytest.raises(MnistError, match="2,352 bytes of data, more than the 2,351 bytes"):
        read_idx(exact, (None, 28, 28), max_bytes=array.size - 1)


def test_raw_file_size_is_checked_without_reading(tmp_path: Path) -> None:
    data = idx_bytes(np.zeros(5, dtype=np.uint8)) + b"\x00" * 5000
    assert_mnist_error(write_file(tmp_path / "labels-idx1-ubyte", data), "5000 unexpected extra bytes")


def test_gzip_padding_and_members(tmp_path: Path) -> None:
    """What the gzip tool accepts is accepted: zero padding after the stream
    (even megabytes of it, read quickly) and several members in a row."""
    array = np.arange(100, dtype=np.uint8)
    data = idx_bytes(array)
    padded = write_file(tmp_path / "padded.gz", gzip.compress(data) + b"\x00" * (4 << 20))
    np.testing.assert_array_equal(read_idx(padded), array)
    members = write_file(tmp_path / "members.gz", gzip.compress(data[:30]) + gzip.compress(data[30:]))
    np.testing.assert_array_equal(read_idx(members), array)
    garbage = write_file(tmp_path / "garbage-after.gz", gzip.compress(data) + b"\x00\x00junk")
    assert_mnist_error(garbage, "corrupt gzip data")


def test_gzip_header_with_a_huge_file_name(tmp_path: Path) -> None:
    # FNAME flag set, megabytes of name and no end: truncated, not a hang.
    data = bytes([0x1F, 0x8B, 8, 0x08, 0, 0, 0, 0, 0, 255]) + b"a" * (4 << 20)
    assert_mnist_error(write_file(tmp_path / "named.gz", data), "corrupt gzip data")
