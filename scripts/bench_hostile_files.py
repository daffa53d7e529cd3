#!/usr/bin/env python3
"""How long refusing (or reading) a hostile file takes and how much memory
it needs: one file of each kind that once froze, exhausted or crashed the
app — zip bombs, headers claiming gigabytes, absurd architectures, deep
JSON, damaged copies of the bundled model, gzip bombs, huge photos,
PostScript named .png — each loaded by digitpad's own loader in a fresh
process. Prints the outcome, the time and the peak memory the load added
to the process (its own ``ru_maxrss`` before and after), next to the file's
size. The targets: under 1 s for a file of a few MB, under 300 MB for any
file under 10 MB.

    python scripts/bench_hostile_files.py
"""

from __future__ import annotations

import io
import json
import struct
import subprocess
import sys
import tempfile
import zipfile
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CHILD = r"""
import json, resource, sys, time
kind, path = sys.argv[1], sys.argv[2]
if kind == "checkpoint":
    from digitpad.model.checkpoint import CheckpointError as Refused, load_checkpoint as load
elif kind == "samples":
    from digitpad.data.handwriting.export_file import SampleFileError as Refused, read_samples as load
elif kind == "journal":
    from digitpad.data.handwriting.store import PersonalSamples, SampleFileError as Refused
    def load(path):
        problem = PersonalSamples(path).load()
        if problem:
            raise Refused(problem)
elif kind == "mnist":
    from digitpad.data.mnist.idx import MnistError as Refused, read_idx
    def load(path):
        return read_idx(path, (60000, 28, 28))
else:
    from digitpad.data.ink.image_files import ImageError as Refused, load_image as load
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
started = time.perf_counter()
try:
    load(path)
    outcome = "read"
except Refused as error:
    outcome = "refused: " + str(error).split(": ", 1)[-1].splitlines()[0][:70]
seconds = time.perf_counter() - started
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"outcome": outcome, "seconds": seconds, "added_mb": (after - before) / 1024,
                  "peak_mb": after / 1024}))
"""


def npy(descr: str, shape: tuple, data: bytes = b"") -> bytes:
    text = f"{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape}, }}".ljust(118) + "\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(text)) + text.encode() + data


def bundled_arrays() -> dict:
    import numpy as np

    from digitpad.model.checkpoint import bundled_checkpoint_path

    with np.load(bundled_checkpoint_path(), allow_pickle=False) as archive:
        return {key: archive[key] for key in archive.files}


def with_metadata(change) -> bytes:
    import numpy as np

    arrays = bundled_arrays()
    metadata = json.loads(arrays["metadata.json"].tobytes())
    change(metadata)
    arrays["metadata.json"] = np.frombuffer(json.dumps(metadata).encode(), np.uint8)
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


def zip_bomb(inflated: int) -> bytes:
    """One deflated member of ``inflated`` zero bytes behind a float32 header."""
    header = npy("<f4", (inflated // 4,))
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    crc = zlib.crc32(header)
    chunks = [compressor.compress(header)]
    block = bytes(1 << 24)
    for _ in range(inflated // len(block)):
        chunks.append(compressor.compress(block))
        crc = zlib.crc32(block, crc)
    chunks.append(compressor.flush())
    data, size, name = b"".join(chunks), len(header) + inflated // len(block) * len(block), b"layers.0.weight.npy"
    local = struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 20, 0, 8, 0, 0, crc, len(data), size, len(name), 0) + name
    central = struct.pack("<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", 20, 20, 0, 8, 0, 0, crc, len(data), size,
                          len(name), 0, 0, 0, 0, 0, 0) + name
    end = struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, 1, 1, len(central), len(local) + len(data), 0)
    return local + data + central + end


def flipped(data: bytes, count: int, seed: int) -> bytes:
    import numpy as np

    rng = np.random.default_rng(seed)
    damaged = bytearray(data)
    for position in rng.integers(0, len(damaged), count):
        damaged[position] ^= 0xFF
    return bytes(damaged)


def cases(folder: Path):
    import numpy as np
    from PIL import Image

    from digitpad.model.checkpoint import bundled_checkpoint_path
    from digitpad.data.handwriting.samples import PersonalSample
    from digitpad.data.handwriting.store import PersonalSamples
    from digitpad.data.ink.strokes import Stroke

    bundled = bundled_checkpoint_path().read_bytes()
    yield "checkpoint", "the bundled model (valid, for comparison)", "model.npz", bundled
    yield "checkpoint", "zip bomb: 2 MB on disk, 2 GB inflated", "bomb.npz", zip_bomb(2 << 30)
    huge = io.BytesIO()
    with zipfile.ZipFile(huge, "w") as archive:
        for key, value in bundled_arrays().items():
            member = io.BytesIO()
            np.save(member, value)
            archive.writestr(key + ".npy", npy("<f4", (100000, 100000), bytes(64))
                             if key == "layers.0.weight" else member.getvalue())
    yield "checkpoint", "a header declaring shape (100000, 100000)", "huge.npz", huge.getvalue()
    yield "checkpoint", "metadata declaring 65536-wide layers", "wide.npz", with_metadata(
        lambda m: m["architecture"].update(hidden_sizes=[65536, 65536]))
    yield "checkpoint", "metadata declaring 16384-wide layers it lacks", "wide-ok.npz", with_metadata(
        lambda m: m["architecture"].update(hidden_sizes=[2000, 16384]))
    deep = bundled_arrays()
    deep["metadata.json"] = np.frombuffer(b'{"trainer": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", np.uint8)
    buffer = io.BytesIO()
    np.savez(buffer, **deep)
    yield "checkpoint", "metadata.json nested 100,000 deep", "deep.npz", buffer.getvalue()
    yield "checkpoint", "the bundled model with 20 flipped bytes", "flipped.npz", flipped(bundled, 20, 1)
    yield "checkpoint", "the bundled model cut in half", "half.npz", bundled[:len(bundled) // 2]
    yield "checkpoint", "8 MB of random bytes", "random.npz", np.random.default_rng(0).bytes(8 << 20)

    rng = np.random.default_rng(0)
    samples = [PersonalSample(index % 10, rng.integers(0, 255, (28, 28), dtype=np.uint8),
                              [Stroke(22.0, np.c_[rng.uniform(0, 300, (90, 2)), np.ones(90)].astype(np.float32))])
               for index in range(4000)]
    store = PersonalSamples(folder / "store" / "samples.journal")
    store.load()
    store._by_id = {sample.sample_id: sample for sample in samples}
    store._rewrite()
    journal = store.path.read_bytes()
    yield "journal", "4,000 samples (valid, for comparison)", "valid.journal", journal
    first_record = 12 + struct.unpack_from("<I", journal, 4)[0]
    yield "journal", "4,000 samples after a record claiming 4 GB", "claim.journal", \
        journal[:first_record] + b"DPJ1" + struct.pack("<II", 0xFFFFFFFF, 0) + journal[first_record:]
    yield "journal", "4,000 samples, 50 flipped bytes", "flipped.journal", flipped(journal, 50, 2)
    points = json.dumps([[1.0, 2.0, 1.0]] * 200_000)
    metadata = ('{"format": "digitpad-samples", "format_version": 1, "samples": [{"id": "a", "created": "x", '
                '"strokes": [{"width": 12, "points": ' + points + '}]}]}').encode()
    export = io.BytesIO()
    np.savez(export, images=np.zeros((1, 28, 28), np.uint8), labels=np.zeros(1, np.uint8),
             **{"metadata.json": np.frombuffer(metadata, np.uint8)})
    yield "samples", "export with a 200,000-point stroke", "stroke.npz", export.getvalue()

    header = struct.pack(">IIII", 0x0803, 10 ** 9, 28, 28)
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    bomb = compressor.compress(header) + b"".join(compressor.compress(bytes(1 << 24)) for _ in range(128))
    yield "mnist", "gzip claiming 10^9 images, 2 GB of zeros", "bomb-idx3-ubyte.gz", bomb + compressor.flush()
    yield "mnist", "the real MNIST training images (valid)", "train-images-idx3-ubyte.gz", \
        (ROOT.parent / "shared" / "mnist" / "train-images-idx3-ubyte.gz").read_bytes()

    photo = io.BytesIO()
    Image.fromarray(np.random.default_rng(0).integers(0, 255, (9000, 12000), dtype=np.uint8)
                    ).convert("RGB").save(photo, "JPEG", quality=40)
    yield "image", "12000x9000 JPEG photo", "photo.jpg", photo.getvalue()
    png = io.BytesIO()
    Image.new("L", (1, 1)).save(png, "PNG")
    claim = bytearray(png.getvalue())
    claim[16:24] = struct.pack(">II", 100_000, 100_000)
    claim[29:33] = struct.pack(">I", zlib.crc32(bytes(claim[12:29])))
    yield "image", "PNG claiming 100000x100000 pixels", "bomb.png", bytes(claim)
    yield "image", "PostScript named .png", "script.png", b"%!PS-Adobe-3.0\n/Helvetica findfont\nshowpage\n"


def make_files(folder: Path) -> None:
    """Write every case into ``folder`` with a manifest (run in its own process,
    so that building the big ones never raises the peak memory the loaders
    inherit)."""
    manifest = []
    for kind, description, name, data in cases(folder):
        (folder / name).write_bytes(data)
        manifest.append({"kind": kind, "description": description, "name": name, "size": len(data)})
    (folder / "manifest.json").write_text(json.dumps(manifest))


def main() -> int:
    if sys.argv[1:2] == ["--make"]:
        make_files(Path(sys.argv[2]))
        return 0
    folder = Path(tempfile.mkdtemp(prefix="digitpad-hostile-"))
    subprocess.run([sys.executable, __file__, "--make", str(folder)], check=True, cwd=ROOT)
    print(f"{'file':48} {'size':>9} {'time':>8} {'memory':>9}  outcome")
    worst_time = worst_memory = 0.0
    for case in json.loads((folder / "manifest.json").read_text()):
        description = case["description"]
        completed = subprocess.run([sys.executable, "-c", CHILD, case["kind"], str(folder / case["name"])],
                                   cwd=ROOT, capture_output=True, text=True, timeout=300)
        if completed.returncode != 0:
            print(f"{description:48} FAILED: {completed.stderr.strip().splitlines()[-1]}")
            continue
        result = json.loads(completed.stdout.strip().splitlines()[-1])
        size = case["size"] / (1 << 20)
        print(f"{description:48} {size:7.1f} MB {result['seconds']:6.2f} s {result['added_mb']:6.0f} MB  "
              f"{result['outcome']}")
        if "valid" not in description:
            worst_time = max(worst_time, result["seconds"])
            worst_memory = max(worst_memory, result["added_mb"])
    print(f"\nHostile files: slowest {worst_time:.2f} s, most memory added {worst_memory:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
