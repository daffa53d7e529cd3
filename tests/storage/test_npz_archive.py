"""The guarded .npz reader: what each member declares is checked before it
is read, and every hostile archive — huge declared shapes, zip bombs,
encrypted or oddly compressed members, duplicates, malformed headers,
pickles, text files — is refused with ArchiveError naming the file and what
really happened, quickly and without large allocations."""

import io
import struct
import tracemalloc
import zipfile
import zlib

import numpy as np
import pytest

from digitpad.storage.npz_archive import ArchiveError, NpzArchive, encode_json, write_npz


def npy_bytes(array) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=False)
    return buffer.getvalue()


def npy_header(descr="<f4", shape=(2, 3), fortran=False, raw=None) -> bytes:
    text = raw if raw is not None else \
        f"{{'descr': '{descr}', 'fortran_order': {fortran}, 'shape': {shape}, }}"
    text = text.ljust(118) + "\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(text)) + text.encode("latin-1")


def zip_of(path, members, compression=zipfile.ZIP_STORED):
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")       # duplicate names are what some tests want
        with zipfile.ZipFile(path, "w", compression) as archive:
            for name, data in members:
                archive.writestr(name, data)
    return path


def patch_all(data: bytes, signature: bytes, offset: int, value: bytes) -> bytes:
    """Overwrite ``value`` at ``offset`` after every ``signature`` (zip headers)."""
    data = bytearray(data)
    position = data.find(signature)
    while position >= 0:
        data[position + offset:position + offset + len(value)] = value
        position = data.find(signature, position + 1)
    return bytes(data)


@pytest.fixture
def good(tmp_path):
    path = tmp_path / "good.npz"
    write_npz(path, {"weights": np.arange(6, dtype=np.float32).reshape(2, 3),
                     "metadata.json": encode_json({"format": "x"})})
    return path


def test_a_good_archive_reads_and_checks_declarations(good):
    with NpzArchive(good, "test file") as archive:
        assert archive.names == ["weights", "metadata.json"]
        assert archive.header("weights").shape == (2, 3)
        np.testing.assert_array_equal(archive.read("weights", np.float32, (2, None)),
                                      np.arange(6).reshape(2, 3))
        assert archive.read_json("metadata.json", 100) == {"format": "x"}
        with pytest.raises(ArchiveError, match=r"'weights' has shape \(2, 3\), expected \(3, 2\)"):
            archive.read("weights", np.float32, (3, 2))
        with pytest.raises(ArchiveError, match="'weights' is float32, expected int64"):
            archive.read("weights", np.int64, (2, 3))


def expect_refusal(path, message):
    with pytest.raises(ArchiveError, match=message) as error:
        with NpzArchive(path, "test file") as archive:
            for name in archive.names:
                archive.read(name, (np.float32, np.uint8, np.float64, np.int64), [None] * len(
                    archive.header(name).shape))
    assert str(path) in str(error.value)
    return str(error.value)


def test_a_huge_declared_shape_over_a_few_bytes_allocates_nothing(tmp_path):
    path = zip_of(tmp_path / "huge.npz", [("weights.npy", npy_header(shape=(100000, 100000)) + bytes(64))])
    tracemalloc.start()
    expect_refusal(path, r"declares shape \(100000, 100000\) of float32 \(40,000,000,000 bytes\)")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 5 << 20


def test_a_zip_bomb_is_refused_from_its_directory(tmp_path):
    # 256 MB of zeros deflate to a quarter of a megabyte.
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    header = npy_header(descr="<f4", shape=(64 << 20,))
    chunks = [compressor.compress(header)] + [compressor.compress(bytes(1 << 24)) for _ in range(16)]
    chunks.append(compressor.flush())
    data = b"".join(chunks)
    path = zip_of(tmp_path / "bomb.npz", [("weights.npy", b"placeholder")])
    # Replace the member with the pre-compressed stream, declaring its true sizes.
    raw = bytearray(path.read_bytes())
    name = b"weights.npy"
    local = raw[:30 + len(name)]
    crc = zlib.crc32(header + bytes(256 << 20))
    size = len(header) + (256 << 20)
    local[8:10] = struct.pack("<H", zipfile.ZIP_DEFLATED)
    local[14:26] = struct.pack("<III", crc, len(data), size)
    central = bytearray(b"PK\x01\x02" + bytes(42) + name)
    struct.pack_into("<HHHHHHIIIHHHHHII", central, 4, 20, 20, 0, zipfile.ZIP_DEFLATED, 0, 0,
                     crc, len(data), size, len(name), 0, 0, 0, 0, 0, 0)
    end = struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, 1, 1, len(central), len(local) + len(data), 0)
    path.write_bytes(bytes(local) + data + bytes(central) + end)
    tracemalloc.start()
    expect_refusal(path, "zip bomb")
    assert tracemalloc.get_traced_memory()[1] < 5 << 20
    tracemalloc.stop()


@pytest.mark.parametrize("build, message", [
    (lambda p: zip_of(p, [("weights.npy", npy_bytes(np.zeros(3, np.float32))), ("notes.txt", b"hello")]),
     r"holds 'notes.txt', which is not a NumPy array"),
    (lambda p: zip_of(p, [("raw.npy", b"just some bytes, no header at all")]),
     "'raw' is not a NumPy array"),
    (lambda p: zip_of(p, [("w.npy", npy_bytes(np.zeros(3))), ("w.npy", npy_bytes(np.ones(3)))]),
     "holds the member 'w' twice"),
    (lambda p: p.write_bytes(patch_all(zip_of(p, [("w.npy", npy_bytes(np.zeros(3)))]).read_bytes(),
                                       b"PK\x01\x02", 8, b"\x01\x00")),
     "'w' is encrypted"),
    (lambda p: p.write_bytes(patch_all(patch_all(zip_of(p, [("w.npy", npy_bytes(np.zeros(3)))]).read_bytes(),
                                                 b"PK\x01\x02", 10, b"\x5d\x00"), b"PK\x03\x04", 8, b"\x5d\x00")),
     "compression method 93"),
    (lambda p: zip_of(p, [("w.npy", npy_header(raw="{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3),"
                                                   " 'extra': 1, }") + bytes(24))]),
     "malformed header"),
    (lambda p: zip_of(p, [("w.npy", npy_header(raw="{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3"))]),
     "malformed header"),
    (lambda p: zip_of(p, [("w.npy", npy_header(raw="{'descr': __import__('os'), 'fortran_order': False,"
                                                   " 'shape': (2,), }") + bytes(8))]),
     "malformed header"),
    (lambda p: zip_of(p, [("w.npy", npy_header(descr="|O", shape=(1,)) + b"\x80\x04N.")]),
     "holds Python objects"),
    (lambda p: zip_of(p, [("w.npy", npy_header(descr="<U5", shape=(1,)) + bytes(20))]),
     "only plain numbers are allowed"),
    (lambda p: zip_of(p, [("w.npy", npy_header(shape=(2, 3)) + bytes(10))]),
     "declares shape"),
    (lambda p: p.write_bytes(npy_bytes(np.zeros(3))), r"is a single NumPy array \(.npy\)"),
    (lambda p: p.write_text("format: digitpad\nweights: 1 2 3\n"), "is a text file"),
    (lambda p: p.write_bytes(bytes(range(256)) * 4), "is not a zip archive"),
    (lambda p: p.write_bytes(b""), "is empty"),
    (lambda p: p.write_bytes(b"PK\x03\x04" + bytes(100)), "damaged or truncated"),
])
def test_hostile_archives_are_refused_saying_what_happened(tmp_path, build, message):
    path = tmp_path / "hostile.npz"
    build(path)
    expect_refusal(path, message)


def test_a_truncated_archive_or_member_is_damaged_not_mislabelled(good, tmp_path):
    data = good.read_bytes()
    for cut in (len(data) // 3, len(data) - 30):
        path = tmp_path / f"cut{cut}.npz"
        path.write_bytes(data[:cut])
        expect_refusal(path, "damaged or truncated")


def test_a_flipped_data_byte_fails_the_checksum(good, tmp_path):
    data = bytearray(good.read_bytes())
    data[data.find(b"NUMPY") + 130] ^= 0xFF          # inside the first array's data
    path = tmp_path / "flipped.npz"
    path.write_bytes(bytes(data))
    expect_refusal(path, "damaged or truncated in the array 'weights'")


def test_files_that_are_not_files(tmp_path, monkeypatch):
    import os

    fifo = tmp_path / "pipe.npz"
    os.mkfifo(fifo)
    expect_refusal(fifo, "not a regular file")        # returns at once instead of waiting for a writer
    expect_refusal(tmp_path, "is a folder")
    expect_refusal(tmp_path / "missing.npz", "no such file")
    real_open = os.open

    def forbidden(path, flags, *args):
        if str(path).endswith("secret.npz"):
            raise PermissionError(13, "Permission denied")
        return real_open(path, flags, *args)

    monkeypatch.setattr(os, "open", forbidden)
    (tmp_path / "secret.npz").write_bytes(b"PK")
    expect_refusal(tmp_path / "secret.npz", "permission denied")


def test_json_nested_absurdly_deep_is_refused(tmp_path):
    path = tmp_path / "deep.npz"
    write_npz(path, {"metadata.json": np.frombuffer(b"[" * 100_000 + b"]" * 100_000, np.uint8)})
    with NpzArchive(path) as archive, pytest.raises(ArchiveError, match="nested too deeply"):
        archive.read_json("metadata.json", 1 << 20)


def test_big_endian_and_fortran_arrays_read_correctly(tmp_path):
    path = tmp_path / "orders.npz"
    values = np.arange(12, dtype=np.float64).reshape(3, 4)
    write_npz(path, {"big": values.astype(">f8"), "fortran": np.asfortranarray(values)})
    with NpzArchive(path) as archive:
        np.testing.assert_array_equal(archive.read("big", np.float64, (3, 4)), values)
        np.testing.assert_array_equal(archive.read("fortran", np.float64, (3, 4)), values)
        out = np.zeros((3, 4))
        archive.read("big", np.float64, (3, 4), out=out)
        np.testing.assert_array_equal(out, values)
