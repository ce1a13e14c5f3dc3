"""The daemon runs `git blame` itself for a document's first blame: a hostile
repository's configuration must not make that git run programs or change
what blame means."""

from __future__ import annotations

import stat
import subprocess
from pathlib import Path

from support.blame import line_shas
from support.gitrepo import GitRepo
from support.oracle import blame_commits

ALICE = ("Alice Example", "alice@example.com")
BOB = ("Bob Builder", "bob@example.com")


def _trap(path: Path, marker: Path) -> str:
    path.write_text(f"#!/bin/sh\ntouch '{marker}'\ncat \"$1\" 2>/dev/null\nexit 0\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return str(path)


def test_first_blame_ignores_a_hostile_configuration(start_daemon, tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "evil")
    repo.commit("one", ALICE, {".gitattributes": "*.txt diff=evil\n", "a.txt": "one\ntwo\n"})
    first = repo.head()
    repo.commit("two", BOB, {"a.txt": "one\nTWO\nthree\n"})
    expected = blame_commits(repo.root, "a.txt")  # before the traps exist

    markers = {name: tmp_path / f"ran-{name}" for name in ("fsmonitor", "textconv", "extdiff")}
    for name, marker in markers.items():
        value = _trap(tmp_path / f"{name}.sh", marker)
        key = {"fsmonitor": "core.fsmonitor", "textconv": "diff.evil.textconv"}.get(
            name, "diff.external"
        )
        repo.git("config", key, value)
    # A configured ignore-revs file would hide commit `two` from blame.
    (repo.root / "ignored-revs").write_text(repo.head() + "\n")
    repo.git("config", "blame.ignoreRevsFile", "ignored-revs")
    # The traps are real: plain git runs the fsmonitor hook.
    subprocess.run(["git", "status"], cwd=repo.root, capture_output=True, check=True)
    assert markers["fsmonitor"].exists()
    markers["fsmonitor"].unlink()

    client = start_daemon()
    client.initialize(repo.root)
    uri = client.open_document(repo.root / "a.txt")
    answer = client.request("gitinspector/blame", {"textDocument": {"uri": uri}})
    assert line_shas(answer) == expected
    assert first in expected and repo.head() in expected
    assert not [name for name, marker in markers.items() if marker.exists()]
    stats = client.request("gitinspector/getPerformanceStats")
    assert stats["methods"]["git/blame"]["calls"] == 1
