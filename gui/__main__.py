"""Entry point: ``gatewatch`` / ``python -m gui``."""

from __future__ import annotations

import sys

from gui.cli import main

if __name__ == "__main__":
    sys.exit(main())
