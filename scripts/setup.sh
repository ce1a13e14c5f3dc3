#!/usr/bin/env bash
# Builds everything the daemon needs to run from this checkout:
#   .venv/  the engine's Python dependencies (the daemon finds it by itself)
#   target/release/gitinspector-lsp
# Usage: scripts/setup.sh [--dev]   (--dev adds test and lint tools)
set -euo pipefail
cd "$(dirname "$0")/.."

python=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
    "$python" -m venv .venv
fi
extras=""
if [ "${1:-}" = "--dev" ]; then extras="[dev]"; fi
.venv/bin/pip install --quiet --disable-pip-version-check -e "python${extras}"
# An editable install leaves the engine's bytecode to its first run, which (without
# write access, or with PYTHONDONTWRITEBYTECODE) every run repeats: compile it now, as
# an ordinary install does.
.venv/bin/python -m compileall -q python/gigui >/dev/null

# PyO3 links the libpython of this interpreter (with an rpath to it).
PYO3_PYTHON="$(command -v "$python")" cargo build --release --quiet
