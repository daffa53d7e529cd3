"""``scripts/evaluate.py --strokes``: the per-writer report runs on the
shipped example with the bundled model, prints every section and writes the
same figures as JSON; a bad file or option exits with code 2 and says what
is wrong, without a traceback."""

import json
import os
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
SCRIPT = REPO_ROOT / "scripts" / "evaluate.py"
MODEL = REPO_ROOT / "models" / "digitpad-mlp.npz"
EXAMPLE = REPO_ROOT / "assets" / "examples" / "writers.jsonl"


def run(*arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(SCRIPT), str(MODEL), *arguments], capture_output=True, text=True,
                          timeout=300, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})


def test_the_report_of_the_example_file(tmp_path):
    completed = run("--strokes", str(EXAMPLE), "--teach", "3", "--json", str(tmp_path / "writers.json"))
    assert completed.returncode == 0, completed.stderr
    out = completed.stdout
    for section in ("Pooled accuracy", "By condition", "pen 22 px, 250 px tall", "pen 22 px, 60 px tall",
                    "Worst writers (6 of 6)", "Median writer", "By style", "continental 1",
                    "Teaching 3 of each digit per writer, personaliser: instant", "before", "after"):
        assert section in out, section
    figures = json.loads((tmp_path / "writers.json").read_text())
    writers = figures["writers"]
    assert writers["digits"] == 300 and len(writers["by_writer"]) == 6
    assert f"Pooled accuracy: {writers['pooled'] * 100:6.2f}%" in out
    assert len(writers["worst_writers"]) == 6 and writers["median_writer"]["writer"] in writers["by_writer"]
    teaching = figures["teaching"]
    assert teaching["personaliser"] == "instant" and teaching["k"] == 3
    assert teaching["taught"] == 180 and teaching["measured"] == 120
    assert 0 <= teaching["before"] <= 1 and 0 <= teaching["after"] <= 1


def test_a_bad_file_or_option_exits_with_2(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"label": 1, "writer": "w", "strokes": [[[0, 0], [0, 9]]]}\n{"label": 11}\n')
    completed = run("--strokes", str(bad))
    assert completed.returncode == 2 and f"{bad} line 2: " in completed.stderr
    assert "Traceback" not in completed.stderr
    for option in (["--sizes", "abc"], ["--pen-widths", "0"], ["--teach", "0"], ["--personaliser", "magic"]):
        completed = run("--strokes", str(EXAMPLE), *option)
        assert completed.returncode == 2 and option[0] in completed.stderr, option
        assert "Traceback" not in completed.stderr
    completed = run("--strokes", str(tmp_path / "missing.jsonl"))
    assert completed.returncode == 2 and "no such file" in completed.stderr
