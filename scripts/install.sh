#!/usr/bin/env bash
# Installs gitinspector-lsp into PREFIX (default ~/.local):
#   PREFIX/bin/gitinspector-lsp
#   PREFIX/lib/gitinspector-lsp/python/   the gigui engine and its Python dependencies
# The daemon finds that folder next to its binary by itself (no environment
# variables). The binary links the libpython it was built with (see README).
# Usage: scripts/install.sh [PREFIX]     (builds target/release first if needed)
set -euo pipefail
cd "$(dirname "$0")/.."

prefix="${1:-$HOME/.local}"
python=${PYTHON:-python3}
if [ ! -x target/release/gitinspector-lsp ]; then
    PYO3_PYTHON="$(command -v "$python")" cargo build --release --quiet
fi
engine="$prefix/lib/gitinspector-lsp/python"
mkdir -p "$prefix/bin" "$engine"
# A fresh copy of the engine and its dependencies, for this interpreter's version.
rm -rf "${engine:?}"/*
"$python" -m pip install --quiet --disable-pip-version-check --no-compile \
    --target "$engine" ./python
install -m 755 target/release/gitinspector-lsp "$prefix/bin/gitinspector-lsp"
echo "installed $prefix/bin/gitinspector-lsp (engine in $engine)"
