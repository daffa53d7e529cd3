"""Tests for ``digitpad.data.mnist.download``, run against a local HTTP server on
127.0.0.1 and against ``file://`` URLs (no network): mirror fallback,
checksum verification, the size cap (a mirror streaming zeros for ever),
failures that leave nothing behind, progress reports, a destination behind a
symbolic link or one that cannot be written."""

from __future__ import annotations

import hashlib
import http.server
import shutil
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import pytest

from digitpad.data.mnist.download import USER_AGENT, download_file
from digitpad.data.mnist.idx import MnistError

FAKE_CONTENT = bytes(range(256)) * 1000  # 256 kB: several chunks
FAKE_MD5 = hashlib.md5(FAKE_CONTENT).hexdigest()
FAKE_SHA256 = hashlib.sha256(FAKE_CONTENT).hexdigest()
REAL_LABELS = "t10k-labels-idx1-ubyte.gz"
REAL_LABELS_MD5 = "ec29112dd5afa0611ce80d1b7f02629c"
REAL_LABELS_SHA256 = "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6"


@dataclass
class LocalServer:
    root: Path
    base_url: str
    user_agents: list[str] = field(default_factory=list)


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    user_agents: list[str]

    def do_GET(self) -> None:
        self.user_agents.append(self.headers.get("User-Agent", ""))
        if self.path.endswith("/short-read"):
            # Promise more than is sent, then hang up: a mirror dying mid-transfer.
            self.send_response(200)
            self.send_header("Content-Length", "1000")
            self.end_headers()
            self.wfile.write(b"x" * 10)
            self.close_connection = True
            return
        if self.path.endswith("/endless-zeros"):
            # No Content-Length, zeros until the client hangs up (or 1 GB):
            # a broken or hostile mirror that would fill the disk.
            self.send_response(200)
            self.end_headers()
            self.close_connection = True
            chunk = bytes(1 << 16)
            try:
                for _ in range((1 << 30) // len(chunk)):
                    self.wfile.write(chunk)
            except OSError:
                pass
            return
        super().do_GET()

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def server(tmp_path: Path) -> Iterator[LocalServer]:
    root = tmp_path / "served"
    root.mkdir()
    user_agents: list[str] = []
    handler = partial(
        type("Handler", (QuietHandler,), {"user_agents": user_agents}), directory=str(root)
    )
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    # A short poll interval keeps shutdown (and so each test) fast.
    thread = threading.Thread(target=httpd.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        port = httpd.server_address[1]
        yield LocalServer(root, f"http://127.0.0.1:{port}/", user_agents)
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


@pytest.fixture
def destination_dir(tmp_path: Path) -> Path:
    return tmp_path / "downloads" / "nested"  # does not exist yet: must be created


def refused_url() -> str:
    """A URL on a port nothing listens on (bound then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/file.bin"


def test_http_success_with_both_checksums(server: LocalServer, destination_dir: Path) -> None:
    (server.root / "file.bin").write_bytes(FAKE_CONTENT)
    destination = destination_dir / "file.bin"
    result = download_file(
        [server.base_url + "file.bin"], destination, md5=FAKE_MD5, sha256=FAKE_SHA256
    )
    assert result == destination
    assert destination.read_bytes() == FAKE_CONTENT
    assert sorted(path.name for path in destination_dir.iterdir()) == ["file.bin"]
    assert server.user_agents == [USER_AGENT]
    assert USER_AGENT.startswith("digitpad/")


def test_single_url_string_and_uppercase_checksum(server: LocalServer, tmp_path: Path) -> None:
    (server.root / "file.bin").write_bytes(FAKE_CONTENT)
    destination = tmp_path / "file.bin"
    download_file(server.base_url + "file.bin", destination, md5=FAKE_MD5.upper())
    assert destination.read_bytes() == FAKE_CONTENT


def test_real_gz_file_over_http(server: LocalServer, mnist_dir: Path, tmp_path: Path) -> None:
    shutil.copy(mnist_dir / REAL_LABELS, server.root / REAL_LABELS)
    destination = tmp_path / "out" / REAL_LABELS
    download_file(
        [server.base_url + REAL_LABELS], destination, md5=REAL_LABELS_MD5, sha256=REAL_LABELS_SHA256
    )
    assert destination.read_bytes() == (mnist_dir / REAL_LABELS).read_bytes()


def test_file_url_success(tmp_path: Path, destination_dir: Path) -> None:
    source = tmp_path / "source.bin"
    source.write_bytes(FAKE_CONTENT)
    destination = download_file([source.as_uri()], destination_dir / "copy.bin", sha256=FAKE_SHA256)
    assert destination.read_bytes() == FAKE_CONTENT


def test_first_mirror_404_then_second_works(
    server: LocalServer, tmp_path: Path, destination_dir: Path
) -> None:
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    (mirror / "file.bin").write_bytes(FAKE_CONTENT)
    destination = download_file(
        [server.base_url + "missing/file.bin", (mirror / "file.bin").as_uri()],
        destination_dir / "file.bin",
        md5=FAKE_MD5,
    )
    assert destination.read_bytes() == FAKE_CONTENT
    assert sorted(path.name for path in destination_dir.iterdir()) == ["file.bin"]


def test_checksum_mismatch_leaves_nothing(server: LocalServer, destination_dir: Path) -> None:
    (server.root / "file.bin").write_bytes(FAKE_CONTENT)
    wrong_md5 = "0" * 32
    with pytest.raises(MnistError) as caught:
        download_file([server.base_url + "file.bin"], destination_dir / "file.bin", md5=wrong_md5)
    message = str(caught.value)
    assert "file.bin" in message
    assert server.base_url + "file.bin" in message
    assert f"checksum mismatch: expected md5 {wrong_md5}, got {FAKE_MD5}" in message
    assert list(destination_dir.iterdir()) == []


def test_sha256_mismatch_with_matching_md5(tmp_path: Path, destination_dir: Path) -> None:
    source = tmp_path / "source.bin"
    source.write_bytes(FAKE_CONTENT)
    with pytest.raises(MnistError, match="expected sha256 f+, got " + FAKE_SHA256):
        download_file(
            [source.as_uri()], destination_dir / "file.bin", md5=FAKE_MD5, sha256="f" * 64
        )
    assert list(destination_dir.iterdir()) == []


def test_failed_download_keeps_existing_destination(tmp_path: Path) -> None:
    source = tmp_path / "source.bin"
    source.write_bytes(FAKE_CONTENT)
    destination = tmp_path / "target" / "file.bin"
    destination.parent.mkdir()
    destination.write_bytes(b"previous contents")
    with pytest.raises(MnistError):
        download_file([source.as_uri()], destination, md5="0" * 32)
    assert destination.read_bytes() == b"previous contents"
    assert [path.name for path in destination.parent.iterdir()] == ["file.bin"]


def test_connection_refused(destination_dir: Path) -> None:
    url = refused_url()
    with pytest.raises(MnistError) as caught:
        download_file([url], destination_dir / "file.bin", timeout=5)
    message = str(caught.value)
    assert "file.bin" in message and url in message
    assert "refused" in message.lower()
    assert list(destination_dir.iterdir()) == []


def test_every_failure_is_listed(server: LocalServer, tmp_path: Path, destination_dir: Path) -> None:
    (server.root / "file.bin").write_bytes(FAKE_CONTENT)
    urls = [
        refused_url(),
        server.base_url + "missing.bin",
        (tmp_path / "absent.bin").as_uri(),
        server.base_url + "file.bin",
        server.base_url + "short-read",
        "not a url",
    ]
    with pytest.raises(MnistError) as caught:
        download_file(urls, destination_dir / "file.bin", md5="0" * 32)
    message = str(caught.value)
    for url in urls:
        assert url in message
    assert "HTTP error 404" in message
    assert "checksum mismatch" in message
    assert "received 10 of 1000 bytes" in message or "IncompleteRead" in message
    assert "invalid URL" in message
    assert list(destination_dir.iterdir()) == []


def test_no_urls(destination_dir: Path) -> None:
    with pytest.raises(MnistError, match="no URLs"):
        download_file([], destination_dir / "file.bin")


def test_progress_reports_growing_counts(server: LocalServer, tmp_path: Path) -> None:
    (server.root / "file.bin").write_bytes(FAKE_CONTENT)
    reports: list[tuple[int, int | None]] = []
    download_file(
        [server.base_url + "file.bin"],
        tmp_path / "file.bin",
        md5=FAKE_MD5,
        progress=lambda done, total: reports.append((done, total)),
    )
    counts = [done for done, _total in reports]
    assert len(reports) > 2
    assert counts == sorted(counts)
    assert counts[-1] == len(FAKE_CONTENT)
    assert {total for _done, total in reports} == {len(FAKE_CONTENT)}


def test_progress_exception_propagates_and_cleans_up(tmp_path: Path) -> None:
    source = tmp_path / "source.bin"
    source.write_bytes(FAKE_CONTENT)
    target_dir = tmp_path / "target"

    def cancel(done: int, total: int | None) -> None:
        if done > 0:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        download_file([source.as_uri()], target_dir / "file.bin", progress=cancel)
    assert list(target_dir.iterdir()) == []


def test_a_mirror_streaming_endlessly_is_cut_off_at_the_expected_size(
    server: LocalServer, destination_dir: Path
) -> None:
    reports: list[int] = []
    with pytest.raises(MnistError) as caught:
        download_file([server.base_url + "endless-zeros"], destination_dir / "file.bin",
                      md5=FAKE_MD5, size=len(FAKE_CONTENT),
                      progress=lambda done, total: reports.append(done))
    assert f"too large: received more than the expected {len(FAKE_CONTENT)} bytes" in str(caught.value)
    # Nothing past the cap was kept, and the partial file is gone.
    assert max(reports) <= len(FAKE_CONTENT)
    assert list(destination_dir.iterdir()) == []


def test_a_wrong_content_length_is_refused_before_downloading(
    server: LocalServer, tmp_path: Path, destination_dir: Path
) -> None:
    (server.root / "file.bin").write_bytes(FAKE_CONTENT + b"more")
    source = tmp_path / "source.bin"
    source.write_bytes(FAKE_CONTENT[:-1])
    reports: list[int] = []
    with pytest.raises(MnistError) as caught:
        download_file([server.base_url + "file.bin", source.as_uri()], destination_dir / "file.bin",
                      size=len(FAKE_CONTENT), progress=lambda done, total: reports.append(done))
    message = str(caught.value)
    assert f"announces {len(FAKE_CONTENT) + 4} bytes, expected {len(FAKE_CONTENT)}" in message
    assert f"announces {len(FAKE_CONTENT) - 1} bytes, expected {len(FAKE_CONTENT)}" in message
    assert reports == [] and list(destination_dir.iterdir()) == []


def test_the_expected_size_is_accepted_and_reported_as_the_total(
    server: LocalServer, tmp_path: Path
) -> None:
    (server.root / "file.bin").write_bytes(FAKE_CONTENT)
    reports: list[tuple[int, int | None]] = []
    destination = download_file([server.base_url + "file.bin"], tmp_path / "file.bin",
                                sha256=FAKE_SHA256, size=len(FAKE_CONTENT),
                                progress=lambda done, total: reports.append((done, total)))
    assert destination.read_bytes() == FAKE_CONTENT
    assert reports[-1] == (len(FAKE_CONTENT), len(FAKE_CONTENT))


def test_a_symbolic_link_destination_is_written_through(tmp_path: Path) -> None:
    source = tmp_path / "source.bin"
    source.write_bytes(FAKE_CONTENT)
    real = tmp_path / "elsewhere" / "file.bin"
    real.parent.mkdir()
    real.write_bytes(b"previous contents")
    link = tmp_path / "link.bin"
    link.symlink_to(real)
    download_file([source.as_uri()], link, md5=FAKE_MD5)
    assert link.is_symlink() and real.read_bytes() == FAKE_CONTENT
    assert sorted(path.name for path in real.parent.iterdir()) == ["file.bin"]


def test_a_destination_that_cannot_be_written_is_reported_for_each_url(tmp_path: Path) -> None:
    source = tmp_path / "source.bin"
    source.write_bytes(FAKE_CONTENT)
    destination = tmp_path / "target" / "file.bin"
    destination.mkdir(parents=True)        # a folder where the file should go
    with pytest.raises(MnistError) as caught:
        download_file([source.as_uri(), source.as_uri()], destination, md5=FAKE_MD5)
    assert str(caught.value).count("could not write the downloaded file") == 2
    assert [path.name for path in destination.parent.iterdir()] == ["file.bin"]
    assert destination.is_dir()
