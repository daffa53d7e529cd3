"""``python -m digitpad`` starts the desktop app."""

import sys

from digitpad.gui.app import main

if __name__ == "__main__":
    sys.exit(main())
