#!/usr/bin/env python3
"""Start-up time: from launching the process to the main window shown with
the model loaded, for the app run from source (``python -m digitpad``) and,
when it has been built, the frozen executable (``dist/digitpad/digitpad``).
Each is started several times offscreen with fresh settings; the median is
reported. ``--views`` starts with the network view and "Why this answer"
shown, as the layout saved when a user left them open restores them.
``--imports`` also lists the slowest imports of the source start.

    python scripts/bench_startup.py [--runs 7] [--frozen PATH] [--views] [--imports]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def save_layout_with_views() -> int:
    """In a fresh home: show both views in the main window and close it, which
    saves the layout the next start restores (run as a child process)."""
    from PySide6.QtWidgets import QApplication

    from digitpad.gui.app import APPLICATION, ORGANISATION, _build_window
    from digitpad.gui.app_paths import AppPaths
    from digitpad.gui.settings import AppSettings
    from PySide6.QtCore import QSettings

    app = QApplication(sys.argv[:1])
    app.setOrganizationName(ORGANISATION)
    app.setApplicationName(APPLICATION)
    window, _ = _build_window(AppSettings(QSettings(ORGANISATION, APPLICATION)), AppPaths.for_user(), None)
    window.show()
    window.mainActions.networkView.trigger()
    window.mainActions.whyAnswer.trigger()
    app.processEvents()
    window.close()
    return 0


def time_start(command: list[str], runs: int, views: bool = False) -> list[float]:
    results = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as home:
            environment = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": home,
                           "XDG_DATA_HOME": home, "XDG_CACHE_HOME": home}
            if views:
                subprocess.run([sys.executable, __file__, "--save-layout-with-views"], env=environment, cwd=ROOT,
                               check=True, capture_output=True, timeout=120)
            launched = time.time()
            completed = subprocess.run(command + ["--startup-probe"], capture_output=True, text=True,
                                       env=environment, cwd=ROOT, timeout=120)
            shown = [line for line in completed.stdout.splitlines() if line.startswith("window shown at")]
            if completed.returncode != 0 or not shown:
                raise RuntimeError(f"{' '.join(command)} failed: {completed.stderr[-2000:]}")
            results.append(float(shown[0].split()[-1]) - launched)
    return results


def slowest_imports(count: int = 12) -> list[tuple[float, str]]:
    completed = subprocess.run([sys.executable, "-X", "importtime", "-c", "import digitpad.gui.window.main_window"],
                               capture_output=True, text=True, cwd=ROOT)
    rows = []
    for line in completed.stderr.splitlines():
        parts = line.split("|")
        if len(parts) == 3 and parts[1].strip().isdigit():
            rows.append((int(parts[1]) / 1e6, parts[2].rstrip()))
    return sorted(rows, reverse=True)[:count]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--frozen", type=Path, default=ROOT / "dist" / "digitpad" / "digitpad")
    parser.add_argument("--imports", action="store_true")
    parser.add_argument("--views", action="store_true",
                        help="start with the network view and 'Why this answer' shown")
    parser.add_argument("--save-layout-with-views", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.save_layout_with_views:
        return save_layout_with_views()
    targets = {"source (python -m digitpad)": [sys.executable, "-m", "digitpad"]}
    if args.frozen.exists():
        targets[f"frozen ({args.frozen.relative_to(ROOT) if args.frozen.is_relative_to(ROOT) else args.frozen})"] = [str(args.frozen)]
    shown = ", the network view and 'Why this answer' shown" if args.views else ""
    print(f"Process start to main window shown with the model loaded{shown}; median of {args.runs} runs")
    for name, command in targets.items():
        times = time_start(command, args.runs, args.views)
        print(f"  {name:<40} {statistics.median(times):.2f} s  (min {min(times):.2f}, max {max(times):.2f})")
    if not args.frozen.exists():
        print(f"  frozen: not built ({args.frozen} missing; see build.spec)")
    if args.imports:
        print("Slowest imports (cumulative seconds):")
        for seconds, name in slowest_imports():
            print(f"  {seconds:6.3f}  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
