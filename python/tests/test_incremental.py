"""Incremental re-analysis: after each new commit, the result of an analysis that reuses the
previous one equals a cold analysis and the oracle, and only the touched files are blamed."""

from __future__ import annotations

import contextlib
import copy
from pathlib import Path

import pytest
from support.gitrepo import ALICE, BOB, CAROL, DAVE, EVE, GitRepo, numbered, run_git
from support.oracle import assert_matches, head_files

from gigui import api, incremental

SETTINGS = [
    {},
    {"comments": False, "empty_lines": False, "copy_move": 2, "ex_messages": ["skip*"]},
]


@contextlib.contextmanager
def _caches_put_aside():
    """Run a cold analysis without losing what the incremental chain has memoized."""
    blame = {k: copy.copy(v) for k, v in incremental._blame_memo.items()}
    history = {k: copy.copy(v) for k, v in incremental._history_memo.items()}
    api.clear_caches()
    try:
        yield
    finally:
        api.clear_caches()
        incremental._blame_memo.update(blame)
        incremental._history_memo.update(history)


def _without_stats(res: dict) -> list[dict]:
    return res["repositories"]


class Chain:
    """Analyses after each commit: incremental (warm) vs cold, plus the oracle."""

    def __init__(self, repo: GitRepo, settings: dict) -> None:
        self.repo = repo
        self.settings = {"input_fstrs": [str(repo.root)], "max_workers": 2, **settings}
        self.oracle = not settings
        self.last = self.head()

    def head(self) -> str:
        return run_git(self.repo.root, "rev-parse", "HEAD").strip()

    def touched(self, old: str, new: str) -> set[str]:
        """Files of NEW that a commit of NEW's first-parent chain down to OLD changed."""
        out = run_git(
            self.repo.root,
            "log",
            "-m",
            "--first-parent",
            "--no-renames",
            "--name-only",
            "--format=",
            f"{old}..{new}",
        )
        return {p for p in out.splitlines() if p} & set(head_files(self.repo.root))

    def analyze(self, *, log: str | None, blamed: set[str] | None = None) -> dict:
        new = self.head()
        warm = api.execute_analysis(self.settings)
        with _caches_put_aside():
            cold = api.execute_analysis(self.settings)
        assert _without_stats(warm) == _without_stats(cold)
        (repo,) = warm["repositories"]
        assert repo["revision"] == new
        if self.oracle:
            assert_matches(self.repo.root, repo)
        stats = warm["performance_stats"]
        n_files = len(repo["files"])
        if blamed is None:
            blamed = self.touched(self.last, new)
        assert stats["files_blamed"] == len(blamed)
        assert stats["files_reused"] == n_files - len(blamed)
        assert cold["performance_stats"]["files_blamed"] == n_files
        assert cold["performance_stats"]["files_reused"] == 0
        if log is not None:
            assert stats["log_modes"] == [log], stats
            assert stats["log_incremental"] == (log != "full")
        if log == "incremental":
            walked = run_git(self.repo.root, "rev-list", "--count", f"{self.last}..{new}")
            assert stats["log_commits_walked"] == int(walked)
        assert cold["performance_stats"]["log_incremental"] is False
        self.last = new
        return repo


@pytest.mark.parametrize("settings", SETTINGS, ids=["defaults", "filters"])
def test_incremental_chain(tmp_path: Path, settings: dict) -> None:
    api.clear_caches()
    r = GitRepo(tmp_path / "inc")
    r.write("a.txt", numbered("a", 6))
    r.write("b.py", "# header\nimport os\n\n\ndef f():\n    return 1  # one\n")
    r.write("c.txt", numbered("c", 4))
    r.write("d.txt", numbered("d", 5))
    r.write("keep.txt", numbered("keep", 3))
    r.write("e.txt", numbered("e", 3))
    for i in range(4):
        r.write(f"many/m{i}.txt", numbered(f"m{i}", 3))
    r.commit("initial", ALICE)
    r.write("a.txt", numbered("a", 7))
    r.commit("grow a", BOB)
    chain = Chain(r, settings)
    first = chain.analyze(log="full", blamed=set(head_files(r.root)))
    assert first["totals"]["files"] == 10

    # the same revision again: nothing is recomputed
    chain.analyze(log="reused", blamed=set())

    r.write("a.txt", numbered("a", 5) + "edited by carol\n")
    r.commit("edit a", CAROL)
    chain.analyze(log="incremental")

    (r.root / "lib").mkdir()
    r.git("mv", "b.py", "lib/b2.py")
    r.write("lib/b2.py", "# header\nimport os\n\n\ndef f():\n    return 2  # two\n")
    r.commit("rename b", DAVE)
    repo = chain.analyze(log="incremental")
    b2 = next(f for f in repo["files"] if f["path"] == "lib/b2.py")
    assert b2["commits"] == 2  # history continues across the rename

    r.remove("c.txt")
    r.commit("drop c", EVE)
    repo = chain.analyze(log="incremental", blamed=set())
    assert "c.txt" not in {f["path"] for f in repo["files"]}

    r.write("c.txt", numbered("new c", 2))
    r.commit("re-add c", BOB)
    repo = chain.analyze(log="incremental")
    c = next(f for f in repo["files"] if f["path"] == "c.txt")
    assert (c["commits"], c["insertions"]) == (1, 2)  # history starts at the re-add

    for i in range(3):
        r.write(f"many/m{i}.txt", numbered(f"m{i}", 3) + "more\n")
    r.commit("touch three files", ALICE)
    chain.analyze(log="incremental")
    assert len(chain.touched(f"{chain.last}~1", chain.last)) == 3

    r.write("d.txt", numbered("d", 6))
    r.commit("skip this one in the counts", CAROL)
    r.write("many/m3.txt", numbered("m3", 2))
    r.commit("two commits at once", DAVE)
    chain.analyze(log="incremental")

    # an edit and its revert: same content as before, yet blame changes
    r.write("e.txt", numbered("e", 2) + "changed\n")
    r.commit("edit e", EVE)
    r.write("e.txt", numbered("e", 3))
    r.commit("revert e", BOB)
    chain.analyze(log="incremental", blamed={"e.txt"})

    # a merge: side renames keep.txt and edits d.txt, main edits a.txt
    r.git("checkout", "-q", "-b", "side")
    r.git("mv", "keep.txt", "kept.txt")
    r.commit("rename keep", EVE)
    r.write("d.txt", numbered("d", 6) + "side\n")
    r.commit("side edits d", CAROL)
    r.git("checkout", "-q", "main")
    r.write("a.txt", numbered("a", 5) + "edited by carol\nmain\n")
    r.commit("main edits a", ALICE)
    chain.analyze(log="incremental")
    r.git("merge", "-q", "--no-edit", "side", who=DAVE)
    repo = chain.analyze(log="full")
    assert "kept.txt" in {f["path"] for f in repo["files"]}

    # linear again on top of the merge
    r.write("kept.txt", numbered("keep", 3) + "after merge\n")
    r.write("d.txt", numbered("d", 2))
    r.commit("after the merge", BOB)
    chain.analyze(log="incremental")

    # an older revision (not a descendant): recomputed, still exact
    chain.settings = {**chain.settings, "rev": "HEAD~3"}
    old_rev = run_git(r.root, "rev-parse", "HEAD~3").strip()
    warm = api.execute_analysis(chain.settings)
    with _caches_put_aside():
        cold = api.execute_analysis(chain.settings)
    assert warm["repositories"] == cold["repositories"]
    assert warm["repositories"][0]["revision"] == old_rev
    assert warm["performance_stats"]["log_modes"] == ["full"]


def test_same_revision_other_selection(tmp_path: Path) -> None:
    api.clear_caches()
    r = GitRepo(tmp_path / "sel")
    r.write("a.py", "x = 1\n")
    r.write("b.txt", numbered("b", 3))
    r.commit("one", ALICE)
    r.git("mv", "b.txt", "b.md")
    r.write("a.py", "x = 2\ny = 3\n")
    r.commit("two", BOB)
    base = {"input_fstrs": [str(r.root)]}
    api.execute_analysis(base)
    for extra in ({"extensions": ["py"]}, {"n_files": 1}, {}):
        warm = api.execute_analysis({**base, **extra})
        assert warm["performance_stats"]["log_modes"] == ["reused"]
        assert warm["performance_stats"]["files_blamed"] == 0
        with _caches_put_aside():
            cold = api.execute_analysis({**base, **extra})
        assert warm["repositories"] == cold["repositories"]


def test_mailmap_change_is_noticed(tmp_path: Path) -> None:
    api.clear_caches()
    r = GitRepo(tmp_path / "mm")
    r.write("a.txt", numbered("a", 3))
    r.commit("one", ALICE)
    r.write("a.txt", numbered("a", 4))
    r.commit("two", BOB)
    settings = {"input_fstrs": [str(r.root)]}
    api.execute_analysis(settings)
    # an uncommitted .mailmap changes names in blame and log: nothing may be reused
    (r.root / ".mailmap").write_text("Robert <bob@example.com> Bob <bob@example.com>\n")
    warm = api.execute_analysis(settings)
    assert warm["performance_stats"]["files_reused"] == 0
    assert warm["performance_stats"]["log_modes"] == ["full"]
    names = {a["name"] for a in warm["repositories"][0]["authors"]}
    assert "Robert" in names and "Bob" not in names
    with _caches_put_aside():
        cold = api.execute_analysis(settings)
    assert warm["repositories"] == cold["repositories"]


def test_clear_caches_and_light_import() -> None:
    import subprocess
    import sys

    code = (
        "import sys, gigui.api\n"
        "heavy = [m for m in ('pydantic', 'pygments', 'platformdirs') if m in sys.modules]\n"
        "assert not heavy, heavy\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
    api.clear_caches()
    assert not incremental._blame_memo and not incremental._history_memo


def test_incremental_on_a_project_shaped_history(tmp_path: Path) -> None:
    """Merge-heavy history with renames on branches: a commit on top is analyzed
    incrementally (the branches' differing fates for a path are decided by rank, not by
    the walking order) and equals a cold analysis and plain git."""
    from support import corpus

    api.clear_caches()
    corpus.build(tmp_path / "proj", corpus.PRESETS["project-tiny"])
    r = GitRepo(tmp_path / "proj")
    chain = Chain(r, {})
    chain.analyze(log="full", blamed=set(head_files(r.root)))
    r.write("keep/renamed_on_branch.py", "# rewritten\n")
    r.write("win/crlf.txt", "new\r\ncontent\r\n")
    r.commit("on top", EVE)
    chain.analyze(log="incremental")
