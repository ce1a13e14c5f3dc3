#!/usr/bin/env bash
# Renders the HTML report of REPO... with the engine and opens it in headless Chromium
# (html_check.mjs): screenshots and observations.json go to OUT (default
# tests/report/artifacts/<first repo's name>). For looking at real repositories:
#   tests/report/run.sh [--out DIR] [--blame PATH] [--settings JSON] REPO...
# e.g. tests/report/run.sh --settings '{"timeline": true}' /work/real/ripgrep
# Needs editors/vscode/node_modules (cd editors/vscode && npm ci) and /usr/bin/chromium.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="" blame="" settings="{}"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --out) out="$2"; shift 2 ;;
    --blame) blame="$2"; shift 2 ;;
    --settings) settings="$2"; shift 2 ;;
    *) break ;;
  esac
done
[[ $# -gt 0 ]] || { sed -n '2,7p' "$0"; exit 2; }
out="${out:-$ROOT/tests/report/artifacts/$(basename "$1")}"
mkdir -p "$out"
python="$ROOT/.venv/bin/python"
[[ -x "$python" ]] || python=python3
"$python" - "$out/report.html" "$settings" "$@" <<'PY'
import json, sys
from gigui import api
out, settings, repos = sys.argv[1], json.loads(sys.argv[2]), sys.argv[3:]
done = api.render_report({**settings, "input_fstrs": repos, "format": "html", "output": out})
for e in done["errors"]:
    print(f"not analyzed: {e['path']}: {e['error']}", file=sys.stderr)
PY
echo "report: $out/report.html ($(stat -c %s "$out/report.html") bytes)"
if [[ -z "$blame" ]]; then
  # the first blamed file of the first section
  blame="$("$python" -c '
import json, re, sys
page = open(sys.argv[1], encoding="utf-8").read()
data = json.loads(re.search(r"id=\"report-data\">(.*?)</script>", page, re.S).group(1))
files = data["sections"][0]["blame"]
print(files[0]["path"] if files else "")' "$out/report.html")"
fi
node "$ROOT/tests/report/html_check.mjs" --report "$out/report.html" --out "$out" ${blame:+--blame "$blame"} \
  >"$out/observations.json"
echo "screenshots and observations.json: $out"
