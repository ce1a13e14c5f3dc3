#!/usr/bin/env bash
# What a person sees: Neovim with gitinspector.nvim in a real terminal (tmux), the screen
# captured with capture-pane. Checks the current-line blame, the lenses on lines of their own
# (never running into the blame), the authors floats showing their rows, the usage, the blame
# window (hunks, alignment with the file, author colours of the engine's palette, the commit
# float at the cursor, the older version), the file history picker and the commit buffer.
# Every screen looked at is saved in tests/nvim/artifacts/tmux-NN-name.txt (and .ansi, with
# colours, where colours are checked).
# Usage: tests/nvim/tmux_test.sh NVIM [GITINSPECTOR_LSP_BIN]   (from anywhere)
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
nvim="${1:?usage: tmux_test.sh NVIM [BINARY]}"
binary="${2:-${GITINSPECTOR_LSP_BIN:-$root/target/release/gitinspector-lsp}}"
artifacts="$here/artifacts"
mkdir -p "$artifacts"
rm -f "$artifacts"/tmux-*

tmp="$(mktemp -d)"
sock="gi-nvim-test-$$"
passed=0
failed=0
cleanup() {
  tmux -L "$sock" send-keys -t gi Escape Escape ':qa!' Enter 2>/dev/null || true
  sleep 0.3
  tmux -L "$sock" kill-server 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

ok() { passed=$((passed + 1)); echo "ok - $1"; }
not_ok() { failed=$((failed + 1)); echo "not ok - $1"; }
check() { # check NAME COMMAND...: ok when the command succeeds
  local name="$1"
  shift
  if "$@"; then ok "$name"; else not_ok "$name"; fi
}

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
printf 'def first():\n    return 1\n\n\ndef second():\n    value = 2\n    return value\n' \
  >"$repo/main.py"
git -C "$repo" add main.py
commit "Dana Doe" dana@example.com 2023-03-01T10:00:00Z "Add first and second"
sed -i 's/value = 2$/value = 2 * 21/' "$repo/main.py"
commit "Eli Evans" eli@example.com 2024-04-02T10:00:00Z "Make second bigger"

# Expected: authors, summaries and commits from plain git.
blame_field() { # FIELD LINE
  git -C "$repo" blame --porcelain -L "$2,$2" HEAD -- main.py | sed -n "s/^$1 //p"
}
sha_of() { git -C "$repo" blame --porcelain -L "$1,$1" HEAD -- main.py | head -1 | cut -c1-40; }
author6="$(blame_field author 6)"
summary6="$(blame_field summary 6)"
sha6="$(sha_of 6)"
author2="$(blame_field author 2)"
summary2="$(blame_field summary 2)"
sha2="$(sha_of 2)"
author5="$(blame_field author 5)"
summary5="$(blame_field summary 5)"

cat >"$tmp/init.lua" <<EOF
vim.opt.rtp:prepend('$root/editors/nvim')
vim.o.swapfile = false
vim.o.shortmess = vim.o.shortmess .. 'I'
vim.o.termguicolors = true
vim.o.background = 'dark'
require('gitinspector').setup({ binary = '$binary', delay = 100 })
EOF

tmux -L "$sock" new-session -d -s gi -x 120 -y 30 \
  "cd '$repo' && XDG_STATE_HOME='$tmp/state' XDG_CACHE_HOME='$tmp/cache' \
   XDG_CONFIG_HOME='$tmp/config' XDG_DATA_HOME='$tmp/data' \
   '$nvim' -u '$tmp/init.lua' -i NONE -n main.py"

keys() { tmux -L "$sock" send-keys -t gi "$@"; }
screen() { tmux -L "$sock" capture-pane -p -t gi; }
screen_ansi() { tmux -L "$sock" capture-pane -e -p -t gi; }
shot=0
save() { # save NAME [ansi]: the screen now, in the artifacts
  shot=$((shot + 1))
  local file
  file="$artifacts/tmux-$(printf '%02d' "$shot")-$1"
  screen >"$file.txt"
  if [ "${2:-}" = ansi ]; then screen_ansi >"$file.ansi"; fi
}
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
# row_of TEXT: the 0-based screen row of the first line containing TEXT (-1: none).
row_of() {
  local n
  n="$(screen | grep -nF -- "$1" | head -1 | cut -d: -f1)"
  echo "$((${n:-0} - 1))"
}
# row TEXT N: the screen line N (0-based).
row() { screen | sed -n "$(($1 + 1))p"; }
no_line_has() { ! screen | grep -F -- "$1" | grep -qF -- "$2"; }
cursor_xy() { tmux -L "$sock" display -p -t gi '#{cursor_x} #{cursor_y}'; }

check "nvim shows the file" wait_screen "def first" 15

keys 6G
if wait_line "value = 2 * 21" "$author6, " 20 && wait_line "value = 2 * 21" "$summary6" 1; then
  ok "line 6 shows its blame: $author6 … $summary6"
else
  not_ok "line 6 shows its blame ($author6, $summary6)"
fi

keys 2G
check "line 2 shows its blame: $author2" wait_line "return 1" "$author2, " 20

# Lenses: lines of their own above their code, the file's above line 1.
lens_above() { # CODE_TEXT LENS_TEXT: the row above the code's row is the lens, alone
  local r
  r="$(row_of "$1")"
  ((r > 0)) && row $((r - 1)) | grep -qF -- "$2" && ! row $((r - 1)) | grep -qF -- "$1"
}
if wait_screen "2 authors · " 20 && lens_above "def first" "2 authors · " \
  && lens_above "def first" "$author2" && lens_above "def first" "$author6"; then
  ok "the file lens is a line of its own above line 1, naming the authors"
else
  not_ok "the file lens is a line of its own above line 1, naming the authors"
fi

# The current-line blame on a line with a block lens: the blame at the end of the code's
# row, the lens on the row above, neither running into the other.
keys 5G
if wait_line "def second" "$author5, " 20 && lens_above "def second" "last change" \
  && no_line_has "def second" "last change" && no_line_has "last change" "$summary5"; then
  ok "the block lens and the current-line blame keep to their own rows"
else
  not_ok "the block lens and the current-line blame keep to their own rows"
fi
save lens-and-blame

# The authors floats show their rows (not only a title line).
author_rows() { # the rows of both authors with their line counts, and the footer
  wait_line "Dana Doe " "$1" 15 && wait_line "Eli Evans " "$2" 1 \
    && wait_screen "s: sort by next column" 1
}
keys ':GitInspector authors file' Enter
if wait_screen "Authors of main.py (7 lines)" 15 && author_rows " 6 " " 1 "; then
  ok ":GitInspector authors file shows the authors' rows"
else
  not_ok ":GitInspector authors file shows the authors' rows"
fi
save authors-file
keys q
keys ':GitInspector authors' Enter
if wait_screen "Authors of repo @ " 30 && author_rows " 6 " " 1 "; then
  ok ":GitInspector authors shows the authors' rows"
else
  not_ok ":GitInspector authors shows the authors' rows"
fi
save authors-repository
keys q
keys 5G ':lua vim.lsp.codelens.run()' Enter
if wait_screen "Authors of main.py, lines 5-7 (3 lines)" 15 && author_rows " 2 " " 1 "; then
  ok "running the block lens shows the block's authors' rows"
else
  not_ok "running the block lens shows the block's authors' rows"
fi
save lens-run
keys q

# :GitInspector alone: the usage.
keys ':GitInspector' Enter
if wait_screen "Usage: :GitInspector {subcommand}" 10 && wait_line "blame_prior " "older version" 1 \
  && wait_line "line_history " "commits" 1 && wait_line "file_history " "commits" 1; then
  ok ":GitInspector shows the usage"
else
  not_ok ":GitInspector shows the usage"
fi
save usage
keys Enter

# The blame window: a hunk per commit, side by side with the file's lines, focused.
keys 6G ':GitInspector blame' Enter
if wait_line "${sha6:0:8} $author6" "value = 2 * 21" 15 \
  && wait_line "${sha2:0:8} $author2" "def first" 1 \
  && wait_line "${sha6:0:8} $author6" "$summary6" 1 \
  && wait_line "${sha2:0:8} $author2" "$summary2" 1; then
  ok "the blame window: sha, author and summary of each hunk, beside the hunk's first line"
else
  not_ok "the blame window: sha, author and summary of each hunk, beside the hunk's first line"
fi
check "the blame window is named gitinspector://blame/main.py" \
  wait_screen "gitinspector://blame/main.py" 1
read -r cx cy <<<"$(cursor_xy)"
if ((cx < 40)) && ((cy == $(row_of "value = 2 * 21"))); then
  ok "the cursor is in the blame window, on the line of the file"
else
  not_ok "the cursor is in the blame window, on the line of the file ($cx, $cy)"
fi
save blame-window ansi
# Author colours: the dark palette of python/gigui/report/model.py by rank (Dana has the most
# lines: rank 0); the dates carry the age heatmap as a background, another for each.
rgb() { # #rrggbb -> r;g;b
  printf '%d;%d;%d' "0x${1:1:2}" "0x${1:3:2}" "0x${1:5:2}"
}
palette_dark() { # INDEX: the entry of tests/fixtures/vectors/palette.json
  python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['dark'][int(sys.argv[2])])" \
    "$root/tests/fixtures/vectors/palette.json" "$1"
}
ansi_line() { screen_ansi | grep -F -- "$1" | head -1; }
dana_line="$(ansi_line "${sha2:0:8}")"
eli_line="$(ansi_line "${sha6:0:8}")"
if [[ "$dana_line" == *"38;2;$(rgb "$(palette_dark 0)")m$author2"* ]] \
  && [[ "$eli_line" == *"38;2;$(rgb "$(palette_dark 1)")m$author6"* ]]; then
  ok "authors in the engine's palette colours, by rank"
else
  not_ok "authors in the engine's palette colours, by rank"
fi
date_bg() { sed -n 's/.*\x1b\[48;2;\([0-9;]*\)m[0-9][^\x1b]*ago.*/\1/p' <<<"$1"; }
if [ -n "$(date_bg "$dana_line")" ] && [ -n "$(date_bg "$eli_line")" ] \
  && [ "$(date_bg "$dana_line")" != "$(date_bg "$eli_line")" ]; then
  ok "the dates carry the age heatmap as a background: $(date_bg "$dana_line") / $(date_bg "$eli_line")"
else
  not_ok "the dates carry the age heatmap as a background"
fi

# <CR>: the commit of the line in a float just below the cursor, with the file's diff.
keys Enter
if wait_screen "commit $sha6" 15 && wait_screen "+    value = 2 * 21" 1 \
  && wait_screen "-    value = 2" 1; then
  ok "<CR> shows the commit and its diff in a float"
else
  not_ok "<CR> shows the commit and its diff in a float"
fi
if (($(row_of "commit ${sha6:0:8}") == cy + 1)); then
  ok "the commit float opens at the cursor"
else
  not_ok "the commit float opens at the cursor (border at row $(row_of "commit ${sha6:0:8}"), cursor at $cy)"
fi
save commit-float
keys q

# r: the file as it was before that commit, read-only, with its own blame; R: back.
keys r
if wait_screen "gitinspector://${sha2:0:8}/main.py" 15 && wait_screen "[RO]" 1 \
  && wait_line "│    value = 2" "" 1 && ! screen | grep -qF "value = 2 * 21" \
  && wait_screen "blame @ ${sha2:0:8}" 1; then
  ok "r shows the older version with its blame"
else
  not_ok "r shows the older version with its blame"
fi
save blame-prior
keys R
if wait_line "${sha6:0:8} $author6" "value = 2 * 21" 15; then
  ok "R goes back to the working tree"
else
  not_ok "R goes back to the working tree"
fi
keys q
sleep 0.5
if ! screen | grep -qF "gitinspector://blame"; then
  ok "q closes the blame window"
else
  not_ok "q closes the blame window"
fi

# The file history: the picker lists the commits (as git log does); the one picked opens.
keys ':GitInspector file_history' Enter
if wait_line "1: ${sha6:0:8}" "$summary6" 15 && wait_line "2: ${sha2:0:8}" "$summary2" 1; then
  ok ":GitInspector file_history lists the commits"
else
  not_ok ":GitInspector file_history lists the commits"
fi
save file-history
keys 2 Enter
if wait_screen "commit $sha2" 15 && wait_screen " A main.py | +7 -0" 1 \
  && wait_screen "+def first():" 1 && wait_screen "gitinspector://commit/$sha2" 1; then
  ok "the commit picked opens in a buffer: message, files, diff"
else
  not_ok "the commit picked opens in a buffer: message, files, diff"
fi
save commit-buffer
keys q

# An edit in normal mode: the edited line reads "Not Committed Yet".
keys 2G A ' + 1' Escape
if wait_line "return 1 + 1" "Not Committed Yet" 20; then
  ok "an edited line reads Not Committed Yet"
else
  not_ok "an edited line reads Not Committed Yet"
fi
save not-committed

if ((failed > 0)); then
  echo "--- screen:"
  screen
fi
echo "$passed passed, $failed failed"
((failed == 0))
