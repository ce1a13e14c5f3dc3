"""A hostile repository's configuration must never make the engine run programs."""

from __future__ import annotations

import os
import stat
import subprocess
from pathlib import Path

from support.gitrepo import ALICE, BOB, GitRepo, run_git
from support.oracle import blame_lines

from gigui import api


def _script(path: Path, marker: Path) -> None:
    path.write_text(f"#!/bin/sh\ntouch '{marker}'\ncat \"$1\" 2>/dev/null\nexit 0\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)


def test_malicious_config_never_executes(tmp_path: Path) -> None:
    r = GitRepo(tmp_path / "evil")
    markers = {name: tmp_path / f"ran-{name}" for name in ("fsmonitor", "textconv", "extdiff")}
    for name, marker in markers.items():
        _script(tmp_path / f"{name}.sh", marker)
    r.write(".gitattributes", "*.txt diff=evil\n")
    r.write("a.txt", "one\ntwo\n")
    r.commit("one", ALICE)
    r.write("a.txt", "one\ntwo\nthree\n")
    r.commit("two", BOB)
    # computed before the traps exist (plain `git blame` would run the textconv driver)
    expected_lines = {p: len(blame_lines(r.root, p)) for p in (".gitattributes", "a.txt")}
    run_git(r.root, "config", "core.fsmonitor", str(tmp_path / "fsmonitor.sh"))
    run_git(r.root, "config", "diff.evil.textconv", str(tmp_path / "textconv.sh"))
    run_git(r.root, "config", "diff.external", str(tmp_path / "extdiff.sh"))
    run_git(r.root, "config", "core.pager", f"touch {tmp_path / 'ran-pager'}")

    # the traps are real: plain git runs them
    subprocess.run(["git", "status"], cwd=r.root, capture_output=True, stdin=subprocess.DEVNULL)
    subprocess.run(
        ["git", "log", "-p", "--ext-diff"],
        cwd=r.root,
        capture_output=True,
        stdin=subprocess.DEVNULL,
    )
    assert markers["fsmonitor"].exists() and markers["extdiff"].exists()
    subprocess.run(
        ["git", "diff", "--no-ext-diff", "HEAD~1", "HEAD"],
        cwd=r.root,
        capture_output=True,
        stdin=subprocess.DEVNULL,
    )
    assert markers["textconv"].exists()
    for m in markers.values():
        m.unlink()

    settings = {"input_fstrs": [str(r.root)], "comments": False}
    res = api.execute_analysis(settings)
    files = {f["path"]: f["lines"] for f in res["repositories"][0]["files"]}
    assert files == expected_lines
    api.get_blame_data(settings)
    for m in [*markers.values(), tmp_path / "ran-pager"]:
        assert not m.exists(), m.name
    assert not os.path.exists(tmp_path / "ran-pager")
