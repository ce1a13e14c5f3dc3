#!/usr/bin/env bash
# Tests of the VS Code extension (editors/vscode): unit tests of its pure
# modules with node (tests/vscode/unit.test.mjs: the shared vectors of
# tests/fixtures/vectors, the settings sent to the daemon), then end-to-end
# tests in a real VS Code (tests/vscode/e2e.test.mjs): code-server from npm,
# driven by playwright-core through Debian's chromium.
# Installs what the tests need on a fresh Debian 12 machine (root, Node 20,
# registries only), builds and packages the extension, runs tests/vscode.
# Needs target/release/gitinspector-lsp (scripts/setup.sh builds it).
# Env: SKIP_APT=1 skips apt-get; GITINSPECTOR_LSP overrides the daemon path.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
EXT="$ROOT/editors/vscode"
HOST="$ROOT/tests/vscode/.code-server"
CODE_SERVER_VERSION=4.100.3 # the last release that runs on Node 20

if [[ "${SKIP_APT:-0}" != 1 ]] && ! { command -v rg && command -v chromium && dpkg -s libkrb5-dev; } >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq libkrb5-dev ripgrep chromium >/dev/null
fi

# The extension: dependencies from package-lock.json, build, lint, .vsix;
# and its modules compiled one by one into out/ for the unit tests.
(cd "$EXT" && npm ci --no-audit --no-fund && npm run package && npm run compile)

# code-server, once. @vscode/ripgrep downloads ripgrep from GitHub unless its
# cache already holds the tarball: seed it with Debian's rg.
if [[ ! -x "$HOST/node_modules/.bin/code-server" ]] ||
  [[ "$(node -p "require('$HOST/node_modules/code-server/package.json').version" 2>/dev/null)" != "$CODE_SERVER_VERSION" ]]; then
  tmp="${TMPDIR:-/tmp}"
  cache="$tmp/vscode-ripgrep-cache-1.15.11"
  mkdir -p "$cache" "$tmp/gi-rg"
  cp "$(command -v rg)" "$tmp/gi-rg/rg"
  tar -C "$tmp/gi-rg" -czf "$cache/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" rg
  mkdir -p "$HOST"
  [[ -f "$HOST/package.json" ]] || echo '{"name":"gitinspector-vscode-test-host","private":true}' >"$HOST/package.json"
  (cd "$HOST" && npm_config_unsafe_perm=true npm_config_yes=true \
    npm install --no-audit --no-fund --no-save "code-server@$CODE_SERVER_VERSION")
fi

cd "$ROOT/tests/vscode"
exec timeout 900 node --test --test-concurrency=1 unit.test.mjs e2e.test.mjs
