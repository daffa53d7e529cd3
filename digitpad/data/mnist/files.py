"""The canonical MNIST files: their names, exact byte sizes, sample counts
and checksums, the image shape and label count, the public mirrors they
are downloaded from and the environment variable that names a folder
holding them. Every other part of digitpad reads these facts from here.
"""

from __future__ import annotations

from dataclasses import dataclass

@dataclass(frozen=True)
class MnistFile:
    """One canonical, gzip-compressed MNIST file: its size in bytes (a download
    is cut off past it) and its checksums."""

    name: str
    size: int
    md5: str
    sha256: str


@dataclass(frozen=True)
class MnistSplit:
    """The images and labels files of one split and how many samples it holds."""

    images: MnistFile
    labels: MnistFile
    count: int


MNIST_SPLITS: dict[str, MnistSplit] = {
    "train": MnistSplit(
        images=MnistFile(
            name="train-images-idx3-ubyte.gz",
            size=9912422,
            md5="f68b3c2dcbeaaa9fbdd348bbdeb94873",
            sha256="440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
        ),
        labels=MnistFile(
            name="train-labels-idx1-ubyte.gz",
            size=28881,
            md5="d53e105ee54ea40749a09fcbcd1e9432",
            sha256="3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
        ),
        count=60000,
    ),
    "test": MnistSplit(
        images=MnistFile(
            name="t10k-images-idx3-ubyte.gz",
            size=1648877,
            md5="9fb629c4189551a2d022fa330f9573f3",
            sha256="8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
        ),
        labels=MnistFile(
            name="t10k-labels-idx1-ubyte.gz",
            size=4542,
            md5="ec29112dd5afa0611ce80d1b7f02629c",
            sha256="f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
        ),
        count=10000,
    ),
}


IMAGE_SHAPE = (28, 28)


LABEL_COUNT = 10


DEFAULT_MIRRORS: tuple[str, ...] = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
    "http://yann.lecun.com/exdb/mnist/",
)


ENV_VAR = "DIGITPAD_MNIST_DIR"
