"""Start-up with bad stored state, through the real entry point in a fresh
home folder: a settings value, the checkpoint used last or the handwriting
samples that cannot be used are reported once, set aside or reset, and the
app starts with the bundled model — never an exit or a traceback."""

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from digitpad.model.checkpoint import METADATA_KEY, save_checkpoint
from digitpad.nn import MLP

REPO_ROOT = Path(__file__).resolve().parents[2]


class Home:
    """A fresh home folder and the places digitpad keeps things in it (Linux layout)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.settings = root / ".config" / "digitpad" / "digitpad.conf"
        self.data = root / ".local" / "share" / "digitpad"
        self.settings.parent.mkdir(parents=True)
        self.data.mkdir(parents=True)

    def write_settings(self, text: str) -> None:
        self.settings.write_text(text)

    def start(self, *arguments: str) -> list[str]:
        """Run ``digitpad --startup-probe``; returns the problems it reported."""
        environment = dict(os.environ, HOME=str(self.root), QT_QPA_PLATFORM="offscreen",
                           XDG_CONFIG_HOME=str(self.root / ".config"),
                           XDG_DATA_HOME=str(self.root / ".local" / "share"),
                           XDG_CACHE_HOME=str(self.root / ".cache"))
        completed = subprocess.run([sys.executable, "-m", "digitpad", "--startup-probe", *arguments],
                                   cwd=REPO_ROOT, env=environment, capture_output=True, text=True,
                                   timeout=120)
        assert completed.returncode == 0, completed.stdout + completed.stderr
        assert "window shown at" in completed.stdout, completed.stdout + completed.stderr
        assert "Traceback" not in completed.stderr, completed.stderr
        return [line for line in completed.stdout.split("startup problem: ")[1:]]


@pytest.fixture
def home(tmp_path):
    return Home(tmp_path / "home")


def test_a_fresh_home_starts_without_problems(home):
    assert home.start() == []


@pytest.mark.parametrize("pen_width", ["nan", "inf", "1e300", "-5", "thick", "@Variant(\\0\\0\\0\\x7f)"])
def test_a_bad_pen_width_is_reset_and_reported_once(home, pen_width):
    home.write_settings(f"[canvas]\npenWidth={pen_width}\n")
    problems = home.start()
    assert len(problems) == 1 and "Pen width" in problems[0] and "reset" in problems[0]
    assert "penWidth=22\n" in home.settings.read_text()      # the default, saved again
    assert home.start() == []


@pytest.mark.parametrize("flag", ["maybe", "2", "", "@Variant(\\0\\0\\0\\x7f)", "truee"])
def test_a_bad_personalisation_switch_is_reset_and_reported_once(home, flag):
    home.write_settings(f"[handwriting]\npersonalise={flag}\n")
    problems = home.start()
    assert len(problems) == 1 and "Read drawings with my samples" in problems[0] and "reset" in problems[0]
    assert home.start() == []


@pytest.mark.parametrize("text, on", [("true", True), ("false", False), (" FALSE ", False)])
def test_the_personalisation_switch_is_read_back_from_the_settings_file(tmp_path, text, on):
    from PySide6.QtCore import QSettings

    from digitpad.gui.settings import AppSettings

    path = tmp_path / "settings.ini"
    path.write_text(f"[handwriting]\npersonalise={text}\n")
    settings = AppSettings(QSettings(str(path), QSettings.Format.IniFormat))
    assert settings.repair() == [] and settings.personalise() is on


def test_a_huge_recent_list_is_cut_to_ten(home):
    entries = ", ".join(f"/models/model-{index}.npz" for index in range(10_000))
    home.write_settings(f"[model]\nrecent={entries}\n")
    assert home.start() == []
    saved = home.settings.read_text()
    assert "model-9.npz" in saved and "model-10.npz" not in saved


def broken_checkpoint(path: Path, change) -> Path:
    """A checkpoint whose metadata ``change`` edited, written as raw .npz (save_checkpoint refuses)."""
    good = save_checkpoint(MLP(784, (8,), 10, rng=np.random.default_rng(0)), path)
    with np.load(good, allow_pickle=False) as archive:
        arrays = {key: archive[key] for key in archive.files}
    metadata = json.loads(arrays[METADATA_KEY].tobytes())
    change(metadata)
    arrays[METADATA_KEY] = np.frombuffer(json.dumps(metadata).encode(), np.uint8)
    with open(path, "wb") as stream:
        np.savez(stream, **arrays)
    return path


@pytest.mark.parametrize("make, problem", [
    (lambda path: broken_checkpoint(path, lambda m: m.update(metrics=[0.99])), "metadata.metrics"),
    (lambda path: broken_checkpoint(path, lambda m: m.update(training="fast")), "metadata.training"),
    (lambda path: broken_checkpoint(path, lambda m: m["architecture"].update(input_size=1024)),
     "digitpad needs 784"),
    (lambda path: path.write_bytes(b"garbage"), "is a text file"),
    (lambda path: path.write_bytes(bytes(range(256))), "not a zip archive"),
    (lambda path: os.mkfifo(path), "not a regular file"),
    (lambda path: path.mkdir(), "is a folder"),
])
def test_a_last_checkpoint_that_cannot_be_used_is_reported_once_and_forgotten(home, make, problem):
    path = home.root / "models" / "mine.npz"
    path.parent.mkdir()
    make(path)
    home.write_settings(f"[model]\nlastCheckpoint={path}\nrecent={path}\n")
    problems = home.start()
    assert len(problems) == 1 and str(path) in problems[0] and problem in problems[0]
    assert "bundled model" in problems[0]
    assert path.exists()                                 # the user's file is left alone
    assert home.start() == []


def test_damaged_samples_are_set_aside_and_the_app_starts_with_an_empty_set(home):
    journal = home.data / "samples.journal"
    journal.write_bytes(b"DPJ1" + bytes(200))
    problems = home.start()
    assert len(problems) == 1 and str(journal) in problems[0] and "kept as" in problems[0]
    assert [path.read_bytes()[:4] for path in home.data.glob("samples.damaged-*.journal")] == [b"DPJ1"]
    assert home.start() == []


def test_a_damaged_legacy_samples_file_is_set_aside(home):
    legacy = home.data / "samples.npz"
    legacy.write_bytes(b"PK\x03\x04 not really")
    problems = home.start()
    assert len(problems) == 1 and str(legacy) in problems[0]
    assert not legacy.exists() and list(home.data.glob("samples.damaged-*.npz"))
    assert home.start() == []


def test_everything_bad_at_once_still_starts(home):
    home.write_settings("\x00\xff[[[garbage\n[canvas]\npenWidth=nan\n[model]\nlastCheckpoint=/no/such.npz\n"
                        "[window]\ngeometry=@ByteArray(nonsense)\nstate=12\n")
    (home.data / "samples.journal").write_bytes(os.urandom(5000))
    problems = home.start()
    text = "\n".join(problems)
    assert "Pen width" in text and "/no/such.npz" in text and "samples.journal" in text
    assert home.start() == []
