"""Runs the benchmarks: `.venv/bin/python bench/run.py [--quick] ...`; the options are
bench/main.py's (`--help`), the figures BENCHMARKS.md's."""

import sys
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent.parent / p) for p in ("", "tests")]

from bench.main import main  # noqa: E402 - bench.* and support.* are found through the line above

if __name__ == "__main__":
    sys.exit(main())
