"""The daemon's child processes, as the tests that stall or cancel git see them."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path


def stuck_git(tmp_path: Path, word: str) -> dict[str, str]:
    """Environment whose `git` (first on PATH) never finishes a command that has WORD among
    its arguments (`blame`, `--follow`: as on a huge file in a huge history); every other
    command is the real git."""
    real = "/usr/bin/git" if os.path.exists("/usr/bin/git") else "git"
    bindir = tmp_path / f"stuck-{word.strip('-')}"
    bindir.mkdir()
    script = bindir / "git"
    script.write_text(
        f'#!/bin/sh\nfor a in "$@"; do [ "$a" = {word} ] && exec sleep 600; done\n'
        f'exec {real} "$@"\n'
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return {"PATH": f"{bindir}:{os.environ['PATH']}"}


def children(pid: int) -> list[tuple[int, str]]:
    """(pid, command name) of PID's live (not zombie) child processes."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            line = Path(f"/proc/{entry}/stat").read_bytes()
        except OSError:
            continue
        # "pid (comm) state ppid ...": comm may hold spaces and parentheses
        name, rest = line.split(b" (", 1)[1].rsplit(b")", 1)
        fields = rest.split()
        if int(fields[1]) == pid and fields[0] != b"Z":
            found.append((int(entry), name.decode(errors="replace")))
    return found


def engine_in_new_process(script: str, argument: str, cache_home: Path) -> str:
    """Runs SCRIPT (Python, given ARGUMENT as argv[1]) in a new interpreter whose user cache
    is CACHE_HOME, from the engine's folder; its stdout. The engine's saved state is only
    seen for what it is from a process that did not write it."""
    out = subprocess.run(
        [sys.executable, "-c", script, argument],
        capture_output=True,
        text=True,
        env={**os.environ, "XDG_CACHE_HOME": str(cache_home)},
        cwd=Path(__file__).resolve().parents[2] / "python",
        timeout=300,
        check=True,
    )
    return out.stdout
