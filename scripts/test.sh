#!/usr/bin/env bash
# Installs every test dependency on a fresh machine and runs every check and test.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh --dev
# A real Emacs with eglot for the docs/editors/emacs.md check.
if ! command -v emacs >/dev/null || ! dpkg -s elpa-eglot >/dev/null 2>&1; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq emacs-nox elpa-eglot >/dev/null
fi
rustup component add rustfmt clippy >/dev/null 2>&1 || true

echo "== lint"
cargo fmt --all --check
cargo clippy --release --all-targets --quiet -- -D warnings
.venv/bin/ruff check python tests bench
.venv/bin/ruff format --check python tests bench

echo "== rust unit tests"
cargo test --release --quiet

echo "== engine tests"
(cd python && ../.venv/bin/pytest -q -n 2)

echo "== a real browser for the HTML report tests (Debian's chromium, editors/vscode's playwright-core)"
if ! command -v chromium >/dev/null; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
(cd editors/vscode && npm ci --no-audit --no-fund --silent)

echo "== end-to-end tests (real daemon binary, real Chromium)"
GITINSPECTOR_LSP_BIN="$PWD/target/release/gitinspector-lsp" .venv/bin/pytest tests -q -n 2

echo "== benchmark smoke test (quick mode: must run, targets not asserted)"
.venv/bin/python bench/run.py --quick

echo "== neovim plugin in a real Neovim"
GITINSPECTOR_LSP_BIN="$PWD/target/release/gitinspector-lsp" bash scripts/test-nvim.sh

echo "== VS Code extension in a real VS Code (code-server)"
GITINSPECTOR_LSP="$PWD/target/release/gitinspector-lsp" bash scripts/test-vscode.sh
