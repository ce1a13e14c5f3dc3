#!/usr/bin/env bash
# Installs the three peer tools figure 9 of bench/run.py compares with, each in
# its own folder under $GITINSPECTOR_BENCH_PEERS (default: bench/.peers, ignored
# by git). Nothing is installed system-wide and nothing goes on PATH; run.py
# finds the tools there.
#
#   gitinspectorgui 0.4.5  venv of pyenv's Python 3.12 (it requires >=3.12,<3.13)
#                          -> gitinspectorgui/bin/gitinspectorgui
#   gitinspector 0.3.2     Python 2 only: pyenv's python2.7, pip --prefix
#                          -> gitinspector/ (run with PYTHONPATH, see run.py)
#   git-fame 4.2.1         venv of python3 -> git-fame/bin/git-fame
#
# Idempotent: a tool whose pinned version is already there is left alone.
# Every pip call is bounded by a timeout ($PEER_INSTALL_TIMEOUT, default 600 s).
# Exit status: 0 when all three are installed, 1 otherwise (each failure says why).
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
dest="${GITINSPECTOR_BENCH_PEERS:-$here/.peers}"
limit="${PEER_INSTALL_TIMEOUT:-600}"
mkdir -p "$dest"
failures=0

say() { printf 'install_peers: %s\n' "$*" >&2; }
fail() { say "FAILED: $*"; failures=$((failures + 1)); }

pyenv_python() { # pyenv_python MAJOR.MINOR -> the newest pyenv interpreter of that series
    local root
    root="$(pyenv root 2>/dev/null)" || root="${PYENV_ROOT:-$HOME/.pyenv}"
    find "$root/versions" -maxdepth 3 -path "*/versions/$1.*/bin/python$1" 2>/dev/null |
        sort -V | tail -n1
}

# has VERSION PYTHON DIST [PYTHONPATH]: is DIST==VERSION importable metadata there?
has() {
    PYTHONPATH="${4:-}" timeout 60 "$2" -m pip show "$3" 2>/dev/null |
        grep -qx "Version: $1"
}

venv_tool() { # venv_tool NAME VERSION PYTHON
    local name="$1" version="$2" python="$3" venv="$dest/$1"
    if [ -x "$venv/bin/python" ] && has "$version" "$venv/bin/python" "$name"; then
        say "$name $version already in $venv"
        return 0
    fi
    if [ -z "$python" ] || [ ! -x "$python" ]; then
        fail "$name: no suitable Python interpreter (${python:-none found})"
        return 1
    fi
    say "$name $version: venv of $python in $venv"
    rm -rf "$venv"
    timeout 120 "$python" -m venv "$venv" || { fail "$name: venv"; return 1; }
    timeout "$limit" "$venv/bin/python" -m pip install -q "$name==$version" ||
        { fail "$name: pip install $name==$version"; return 1; }
    [ -x "$venv/bin/$name" ] || { fail "$name: no $venv/bin/$name after install"; return 1; }
}

# 1. gitinspectorgui 0.4.5
venv_tool gitinspectorgui 0.4.5 "$(pyenv_python 3.12)"

# 2. gitinspector 0.3.2 (Python 2.7, pip --prefix)
py27="$(pyenv_python 2.7)"
prefix="$dest/gitinspector"
if [ -z "$py27" ]; then
    fail "gitinspector: no pyenv python2.7"
else
    site="$prefix/lib/python2.7/site-packages"
    if has 0.3.2 "$py27" gitinspector "$site"; then
        say "gitinspector 0.3.2 already in $prefix"
    else
        say "gitinspector 0.3.2: $py27 -m pip install --prefix $prefix"
        rm -rf "$prefix"
        if timeout "$limit" "$py27" -m pip install -q --no-warn-script-location \
            --prefix "$prefix" gitinspector==0.3.2; then
            # run.py needs the interpreter: record it next to the package
            printf '%s\n' "$py27" >"$prefix/python"
        else
            fail "gitinspector: pip install --prefix $prefix gitinspector==0.3.2"
        fi
    fi
    if [ -d "$site" ] && [ ! -f "$prefix/python" ]; then printf '%s\n' "$py27" >"$prefix/python"; fi
fi

# 3. git-fame 4.2.1
venv_tool git-fame 4.2.1 "$(command -v python3)"

if [ "$failures" -gt 0 ]; then
    say "$failures peer(s) not installed"
    exit 1
fi
say "all three peers installed in $dest"
