"""The incremental state saved on disk: a new process that starts from it gets exactly what
a cold analysis gets, after commits, a rebase, a reset, an amend, a .mailmap change and a
settings change; a damaged or foreign file is discarded; concurrent writers leave valid
files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
from support.gitrepo import ALICE, BOB, CAROL, GitRepo, numbered
from support.processes import engine_in_new_process

from gigui import persist

TABLES = ("authors", "files", "authors_files", "files_authors", "totals")

_RUN = """
import json, sys
from gigui import api
result = api.execute_analysis(json.loads(sys.argv[1]))
print(json.dumps(result))
"""


def run_process(settings: dict, cache_home: Path) -> dict:
    """execute_analysis in a new process sharing CACHE_HOME (the state on disk)."""
    return json.loads(engine_in_new_process(_RUN, json.dumps(settings), cache_home))


def tables(result: dict) -> list[dict]:
    return [{k: repo[k] for k in TABLES} for repo in result["repositories"]]


def check(repo: GitRepo, cache_home: Path, **settings) -> dict:
    """A new process's analysis, from the saved state, equals a cold one."""
    settings = {"input_fstrs": [str(repo.root)], **settings}
    warm = run_process(settings, cache_home)
    cold = run_process({**settings, "cache": False}, cache_home / "cold")
    assert tables(warm) == tables(cold)
    return warm


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    r = GitRepo(tmp_path / "repo")
    r.commit("one", ALICE, {"a.py": numbered("a", 20), "b.txt": numbered("b", 8)})
    r.commit("two", BOB, {"a.py": numbered("a", 15) + numbered("x", 6)})
    r.commit("three", CAROL, {"c.md": numbered("c", 5)})
    # someone whose only work was deleted since: in the history, in no table row
    r.commit("draft", ("Dana", "dana@example.com"), {"draft.txt": numbered("d", 3)})
    r.remove("draft.txt")
    r.commit("drop the draft", CAROL)
    return r


def test_an_unchanged_repository_is_answered_from_the_saved_state(repo, tmp_path) -> None:
    cache = tmp_path / "cache"
    first = check(repo, cache)
    assert first["performance_stats"]["saved_state_loads"] == 0
    again = check(repo, cache)
    stats = again["performance_stats"]
    assert stats["saved_state_loads"] == 2, "history and blame both come from disk"
    assert stats["files_blamed"] == 0 and stats["log_modes"] == ["reused"]


def test_the_saved_state_follows_every_kind_of_history_change(repo, tmp_path) -> None:
    cache = tmp_path / "cache"
    check(repo, cache)
    # new commits: only what they touched is computed
    for i in range(3):
        repo.commit(f"more {i}", BOB, {"b.txt": numbered("b", 9 + i)})
    after = check(repo, cache)
    assert after["performance_stats"]["files_blamed"] == 1
    assert after["performance_stats"]["log_modes"] == ["incremental"]
    # amend
    repo.write("a.py", numbered("z", 4))
    repo.git("add", "-A")
    repo.git("commit", "-q", "--amend", "--no-edit", who=CAROL)
    check(repo, cache)
    # reset to an older commit
    repo.git("reset", "-q", "--hard", "HEAD~2")
    check(repo, cache)
    # a rebase onto a side branch
    repo.git("checkout", "-q", "-b", "side", "HEAD~1")
    repo.commit("side work", CAROL, {"d.txt": numbered("d", 7)})
    repo.git("checkout", "-q", "main")
    repo.commit("main work", ALICE, {"b.txt": numbered("q", 3)})
    repo.git("rebase", "-q", "side", who=ALICE)
    check(repo, cache)
    # a .mailmap change (uncommitted) and a settings change
    (repo.root / ".mailmap").write_text("Robert <bob@example.com>\n")
    mapped = check(repo, cache)
    assert "Robert" in {a["name"] for a in mapped["repositories"][0]["authors"]}
    check(repo, cache, ex_authors=["Carol"], since="@1600007000")
    check(repo, cache, timeline=True, whitespace=False, comments=False)


def test_a_damaged_or_foreign_state_file_is_discarded(repo, tmp_path) -> None:
    cache = tmp_path / "cache"
    check(repo, cache)
    folder = cache / "gitinspector-lsp" / f"analysis-v{persist.VERSION}"
    saved = sorted(p for p in folder.iterdir() if p.name.startswith(("history-", "blame-")))
    assert len(saved) == 2
    saved[0].write_bytes(b"not zlib at all")
    saved[1].write_bytes(zlib.compress(json.dumps({"version": 999, "revisions": []}).encode()))
    result = check(repo, cache)
    assert result["performance_stats"]["saved_state_loads"] == 0
    assert result["performance_stats"]["files_blamed"] == 3, "recomputed"
    for path in saved:
        assert zlib.decompress(path.read_bytes()), "rewritten, valid"
    # a file whose content has the wrong shape
    for path in saved:
        path.write_bytes(
            zlib.compress(json.dumps({"version": persist.VERSION, "key": "x"}).encode())
        )
    check(repo, cache)


def test_two_processes_writing_at_once_leave_a_valid_state(repo, tmp_path) -> None:
    cache = tmp_path / "cache"
    env = {**os.environ, "XDG_CACHE_HOME": str(cache)}
    settings = json.dumps({"input_fstrs": [str(repo.root)]})
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _RUN, settings],
            stdout=subprocess.DEVNULL,
            env=env,
            cwd=Path(__file__).resolve().parents[1],
        )
        for _ in range(4)
    ]
    assert all(p.wait(timeout=300) == 0 for p in procs)
    folder = cache / "gitinspector-lsp" / f"analysis-v{persist.VERSION}"
    assert not [p for p in folder.iterdir() if p.name.endswith(".tmp")]
    result = check(repo, cache)
    assert result["performance_stats"]["saved_state_loads"] == 2


def test_an_unchanged_class_folder_runs_no_git(tmp_path) -> None:
    course = tmp_path / "course"
    for name in ("team-a", "team-b"):
        t = GitRepo(course / name)
        t.commit("start", ALICE, {"main.py": numbered(name, 5)})
    cache = tmp_path / "cache"
    settings = {"input_fstrs": [str(course)]}
    cold = run_process(settings, cache)
    warm = run_process(settings, cache)
    assert warm["performance_stats"]["git_calls"] == 0
    assert tables(warm) == tables(cold)
    # a new commit in one: git runs again there, and the numbers follow
    GitRepo.existing(course / "team-b").commit("more", BOB, {"main.py": numbered("x", 9)})
    after = run_process(settings, cache)
    assert after["performance_stats"]["git_calls"] > 0
    assert tables(after) == tables(run_process({**settings, "cache": False}, cache))


def test_head_is_read_as_git_reads_it(repo) -> None:
    from gigui.repositories import read_head

    git_dir = str(repo.root / ".git")
    head = repo.head()
    assert read_head(git_dir) == head  # a loose branch
    repo.git("pack-refs", "--all")
    assert read_head(git_dir) == head  # a packed one
    repo.git("checkout", "-q", "--detach")
    assert read_head(git_dir) == head  # detached
    repo.git("checkout", "-q", "main")
    (repo.root / ".git" / "HEAD").write_text("ref: refs/heads/.invalid\n")  # reftable's stub
    assert read_head(git_dir) is None
