#!/usr/bin/env bash
# What a person sees: Neovim with gitinspector.nvim in a real terminal (tmux), the screen
# captured with capture-pane. Checks the current-line blame and the file lens on screen.
# Usage: tests/nvim/tmux_test.sh NVIM [GITINSPECTOR_LSP_BIN]   (from anywhere)
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
nvim="${1:?usage: tmux_test.sh NVIM [BINARY]}"
binary="${2:-${GITINSPECTOR_LSP_BIN:-$root/target/release/gitinspector-lsp}}"

tmp="$(mktemp -d)"
sock="gi-nvim-test-$$"
passed=0
failed=0
cleanup() {
  tmux -L "$sock" send-keys -t gi Escape ':qa!' Enter 2>/dev/null || true
  sleep 0.3
  tmux -L "$sock" kill-server 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

ok() { passed=$((passed + 1)); echo "ok - $1"; }
not_ok() { failed=$((failed + 1)); echo "not ok - $1"; }

# The test repository: two authors with fixed names and dates.
repo="$tmp/repo"
mkdir -p "$repo"
export GIT_CONFIG_NOSYSTEM=1
git -C "$repo" init -q -b main
git -C "$repo" config user.name "Someone Else"
git -C "$repo" config user.email "someone@example.com"
commit() { # name email date message
  GIT_AUTHOR_NAME="$1" GIT_AUTHOR_EMAIL="$2" GIT_COMMITTER_NAME="$1" GIT_COMMITTER_EMAIL="$2" \
    GIT_AUTHOR_DATE="$3" GIT_COMMITTER_DATE="$3" git -C "$repo" commit -q -am "$4"
}
printf 'def first():\n    return 1\n\n\ndef second():\n    return 2\n' >"$repo/main.py"
git -C "$repo" add main.py
commit "Dana Doe" dana@example.com 2023-03-01T10:00:00Z "Add first and second"
sed -i 's/return 2/return 2 * 21/' "$repo/main.py"
commit "Eli Evans" eli@example.com 2024-04-02T10:00:00Z "Make second bigger"

# Expected: the author and summary of line 6 and line 2, from plain git blame.
author_of() {
  git -C "$repo" blame --porcelain -L "$1,$1" HEAD -- main.py | sed -n 's/^author //p'
}
summary_of() {
  git -C "$repo" blame --porcelain -L "$1,$1" HEAD -- main.py | sed -n 's/^summary //p'
}
author6="$(author_of 6)"
summary6="$(summary_of 6)"
author2="$(author_of 2)"

cat >"$tmp/init.lua" <<EOF
vim.opt.rtp:prepend('$root/editors/nvim')
vim.o.swapfile = false
vim.o.shortmess = vim.o.shortmess .. 'I'
require('gitinspector').setup({ binary = '$binary', delay = 100 })
EOF

tmux -L "$sock" new-session -d -s gi -x 120 -y 30 \
  "cd '$repo' && XDG_STATE_HOME='$tmp/state' XDG_CACHE_HOME='$tmp/cache' \
   XDG_CONFIG_HOME='$tmp/config' XDG_DATA_HOME='$tmp/data' \
   '$nvim' -u '$tmp/init.lua' -i NONE -n main.py"

screen() { tmux -L "$sock" capture-pane -p -t gi; }
# wait_screen TEXT SECONDS: until the captured screen contains TEXT.
wait_screen() {
  local deadline=$((SECONDS + $2))
  while ((SECONDS < deadline)); do
    if screen | grep -qF -- "$1"; then return 0; fi
    sleep 0.2
  done
  return 1
}
# wait_line LINE_TEXT TEXT SECONDS: until a screen line containing LINE_TEXT also contains TEXT.
wait_line() {
  local deadline=$((SECONDS + $3))
  while ((SECONDS < deadline)); do
    if screen | grep -F -- "$1" | grep -qF -- "$2"; then return 0; fi
    sleep 0.2
  done
  return 1
}

if wait_screen "def first" 15; then ok "nvim shows the file"; else not_ok "nvim shows the file"; fi

tmux -L "$sock" send-keys -t gi 6G
if wait_line "return 2 * 21" "$author6, " 20 && wait_line "return 2 * 21" "$summary6" 1; then
  ok "line 6 shows its blame: $author6 … $summary6"
else
  not_ok "line 6 shows its blame ($author6, $summary6)"
fi

tmux -L "$sock" send-keys -t gi 2G
if wait_line "return 1" "$author2, " 20; then
  ok "line 2 shows its blame: $author2"
else
  not_ok "line 2 shows its blame ($author2)"
fi

if wait_line "def first" "2 authors · " 20 && wait_line "def first" "$author2" 1 \
  && wait_line "def first" "$author6" 1; then
  ok "the file lens on line 1 names the authors"
else
  not_ok "the file lens on line 1 names the authors"
fi

# An edit in normal mode: the edited line reads "Not Committed Yet".
tmux -L "$sock" send-keys -t gi 2G A ' + 1' Escape
if wait_line "return 1 + 1" "Not Committed Yet" 20; then
  ok "an edited line reads Not Committed Yet"
else
  not_ok "an edited line reads Not Committed Yet"
fi

if ((failed > 0)); then
  echo "--- screen:"
  screen
fi
echo "$passed passed, $failed failed"
((failed == 0))
