#!/usr/bin/env python3
"""Train digitpad's network on MNIST from the command line (the same program
as the ``digitpad-train`` entry point); run with ``--help`` for every option.
"""

import sys
from pathlib import Path

# Running from a checkout without installing: make the package importable.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from digitpad.train.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
