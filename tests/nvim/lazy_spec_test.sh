#!/usr/bin/env bash
# The README's lazy.nvim spec, as a user gets it: lazy.nvim clones the repository (a snapshot
# of this working tree's editors/nvim, with a stand-in scripts/setup.sh that makes a wrapper
# of the real binary instead of building for minutes), runs the spec's build step, and loads
# the plugin from editors/nvim. Checks that the build ran through lazy.nvim, that the plugin
# then finds the binary of the clone, blames a line, and that :help gitinspector works.
# Needs a lazy.nvim checkout (no download here).
# Usage: tests/nvim/lazy_spec_test.sh NVIM LAZY_NVIM_DIR [GITINSPECTOR_LSP_BIN]
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
nvim="${1:?usage: lazy_spec_test.sh NVIM LAZY_NVIM_DIR [BINARY]}"
lazy="${2:?usage: lazy_spec_test.sh NVIM LAZY_NVIM_DIR [BINARY]}"
binary="${3:-${GITINSPECTOR_LSP_BIN:-$root/target/release/gitinspector-lsp}}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL="$tmp/gitconfig"
: >"$GIT_CONFIG_GLOBAL"
export XDG_STATE_HOME="$tmp/state" XDG_CACHE_HOME="$tmp/cache" XDG_CONFIG_HOME="$tmp/config"
export XDG_DATA_HOME="$tmp/data"

# The "repository": editors/nvim as it is now, and a stand-in build script.
up="$tmp/upstream"
mkdir -p "$up/editors" "$up/scripts"
cp -r "$root/editors/nvim" "$up/editors/"
cat >"$up/scripts/setup.sh" <<EOF
#!/usr/bin/env bash
set -e
cd "\$(dirname "\$0")/.."
echo "building (stand-in)"
sleep 1
mkdir -p target/release
printf '#!/bin/sh\nexec "%s" "\$@"\n' '$binary' >target/release/gitinspector-lsp
chmod +x target/release/gitinspector-lsp
EOF
git -C "$up" init -q -b main
git -C "$up" add -A
git -C "$up" -c user.name=t -c user.email=t@example.com commit -qm snapshot

# The README's first lazy.nvim spec, with this URL for 'OWNER/gitinspector-lsp'.
spec="$(awk '/^\[lazy.nvim\]/ {f = 1} f && /^```lua$/ {p = 1; next} p && /^```$/ {exit} p' \
  "$root/editors/nvim/README.md")"
spec="$(sed "s#'OWNER/gitinspector-lsp',#url = 'file://$up',#" <<<"$spec")"
if ! grep -qF "url = 'file://$up'," <<<"$spec"; then
  echo "not ok - the README has no lazy.nvim spec of 'OWNER/gitinspector-lsp'"
  echo "0 passed, 1 failed"
  exit 1
fi
cat >"$tmp/init.lua" <<EOF
vim.opt.rtp:prepend('$lazy')
require('lazy').setup({
$spec
}, {
  root = '$tmp/plugins',
  lockfile = '$tmp/lazy-lock.json',
  install = { colorscheme = {} },
  change_detection = { enabled = false },
  rocks = { enabled = false },
})
EOF

passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok - $1"; }
not_ok() { failed=$((failed + 1)); echo "not ok - $1"; }

timeout 120 "$nvim" --headless -u "$tmp/init.lua" '+Lazy! sync' +qa >"$tmp/sync.out" 2>&1
clone="$tmp/plugins/gitinspector.nvim"
if grep -q "Finished task build" "$tmp/sync.out" && [ -x "$clone/target/release/gitinspector-lsp" ]; then
  ok "lazy.nvim cloned the repository and ran the build step"
else
  not_ok "lazy.nvim cloned the repository and ran the build step"
  tail -20 "$tmp/sync.out"
fi

repo="$tmp/repo"
mkdir -p "$repo"
git -C "$repo" init -q -b main
printf 'x = 1\ny = 2\n' >"$repo/a.py"
git -C "$repo" add a.py
GIT_AUTHOR_NAME="Dana Doe" GIT_AUTHOR_EMAIL=dana@example.com GIT_COMMITTER_NAME="Dana Doe" \
  GIT_COMMITTER_EMAIL=dana@example.com git -C "$repo" commit -qm "Add a"

cat >"$tmp/check.lua" <<EOF
local out = {}
local ok, err = pcall(function()
  local config = require('gitinspector.config')
  local path, how = config.binary()
  out[#out + 1] = 'binary ' .. tostring(how) .. ' ' .. tostring(path)
  local buf = vim.api.nvim_get_current_buf()
  local client = require('gitinspector.client')
  assert(vim.wait(20000, function() return client.get(buf) ~= nil end, 50), 'no client')
  local text
  vim.wait(20000, function()
    require('gitinspector.cache').get(buf, function() end)
    text = require('gitinspector.blame').text_for(buf, 0)
    return text ~= nil
  end, 100)
  out[#out + 1] = 'blame ' .. tostring(text)
  vim.cmd('help gitinspector')
  out[#out + 1] = 'help ' .. vim.fn.expand('%:t')
end)
if not ok then
  out[#out + 1] = 'error ' .. tostring(err)
end
vim.fn.writefile(out, '$tmp/check.out')
vim.cmd('qa!')
EOF
(cd "$repo" && timeout 60 "$nvim" --headless -u "$tmp/init.lua" a.py -c "luafile $tmp/check.lua" \
  >/dev/null 2>&1)
result="$(tr -d '\0' <"$tmp/check.out" 2>/dev/null)"
if grep -qF "binary checkout $clone/target/release/gitinspector-lsp" <<<"$result"; then
  ok "the plugin finds the binary the build made in the clone"
else
  not_ok "the plugin finds the binary the build made in the clone: $result"
fi
if grep -qF "blame Dana Doe, " <<<"$result"; then
  ok "the plugin loaded from editors/nvim blames a line"
else
  not_ok "the plugin loaded from editors/nvim blames a line: $result"
fi
if grep -qF "help gitinspector.txt" <<<"$result"; then
  ok ":help gitinspector works (shipped tags)"
else
  not_ok ":help gitinspector works (shipped tags): $result"
fi
echo "$passed passed, $failed failed"
((failed == 0))
