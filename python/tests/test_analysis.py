from __future__ import annotations

from pathlib import Path

import pytest
from support.gitrepo import GitRepo, run_git
from support.oracle import assert_matches, blame_lines, expected, head_files

from gigui import api
from gigui.errors import AnalysisCancelled, RepositoryError


@pytest.fixture(scope="module")
def rich_result(rich_repo: Path) -> dict:
    return api.execute_analysis({"input_fstrs": [str(rich_repo)], "max_workers": 2})


def test_numbers_match_git(rich_repo: Path, rich_result: dict) -> None:
    exp = expected(rich_repo)
    (repo,) = rich_result["repositories"]
    assert repo["revision"] == run_git(rich_repo, "rev-parse", "HEAD").strip()
    assert repo["path"] == str(rich_repo)
    assert_matches(rich_repo, repo)
    totals = repo["totals"]
    assert totals["lines"] == sum(f["lines"] for f in exp["files"].values())
    assert totals["files"] == len(exp["files"])
    assert totals["authors"] == len(exp["persons"])


def test_history_shape(rich_repo: Path, rich_result: dict) -> None:
    """Sanity checks of the repo design itself (renames, deletions, aliases)."""
    (repo,) = rich_result["repositories"]
    files = {f["path"]: f for f in repo["files"]}
    assert "logo.png" not in files  # binary
    assert "old.txt" not in files  # deleted
    assert files["empty.txt"]["lines"] == 0 and files["empty.txt"]["commits"] == 1
    # re-added file: history starts at the re-add (one commit, 3 insertions)
    assert files["readd.txt"]["commits"] == 1
    assert files["readd.txt"]["insertions"] == 3
    # renamed on the side branch: history continues across the rename
    assert files["lib/helpers.c"]["commits"] == 3
    assert files["src/app.py"]["commits"] == 3
    assert "docs/naïve file.txt" in files and "with space.md" in files
    emails = {e for a in repo["authors"] for e in a["emails"]}
    assert "dave@old.org" not in emails  # .mailmap applied
    bob = next(a for a in repo["authors"] if "Bobby" in a["names"])
    assert bob["names"] == ["Bob", "Bobby"]
    carol = next(a for a in repo["authors"] if "Carol" in a["names"])
    assert carol["names"] == ["C. Jones", "Carol"]
    alice = next(a for a in repo["authors"] if "Alice" in a["names"])
    assert alice["emails"] == ["alice@example.com", "alice@work.com"]
    # derived numbers are consistent
    total = repo["totals"]["lines"]
    assert sum(a["lines"] for a in repo["authors"]) == total
    for a in repo["authors"]:
        assert a["lines_pct"] == pytest.approx(100.0 * a["lines"] / total)
        assert 0.0 <= a["stability"] <= 100.0
        assert a["age"] >= 0.0
    lines_sorted = [a["lines"] for a in repo["authors"]]
    assert lines_sorted == sorted(lines_sorted, reverse=True)
    for row in repo["authors_files"]:
        f = files[row["path"]]
        assert row["lines_pct"] == pytest.approx(
            100.0 * row["lines"] / f["lines"] if f["lines"] else 0
        )
    for f in repo["files"]:
        rows = [r for r in repo["authors_files"] if r["path"] == f["path"]]
        assert sum(r["lines"] for r in rows) == f["lines"]
        assert len(rows) == f["authors"]
    stats = rich_result["performance_stats"]
    assert stats["files_blamed"] == len(files) and stats["git_calls"] > 0
    assert "blame" not in repo and "blame_data" not in repo


def test_filters_and_n_files(rich_repo: Path) -> None:
    files = head_files(rich_repo)
    res = api.execute_analysis({"input_fstrs": [str(rich_repo)], "extensions": ["py", "c"]})
    got = sorted(f["path"] for f in res["repositories"][0]["files"])
    assert got == sorted(f for f in files if f.endswith((".py", ".c")))
    res = api.execute_analysis({"input_fstrs": [str(rich_repo)], "n_files": 2})
    sizes = {f: len(blame_lines(rich_repo, f)) for f in files}
    top = sorted(files, key=lambda f: (-sizes[f], f))[:2]
    assert sorted(f["path"] for f in res["repositories"][0]["files"]) == sorted(top)
    res = api.execute_analysis(
        {"input_fstrs": [str(rich_repo)], "ex_files": ["*.md"], "include_files": ["*"]}
    )
    assert not [f for f in res["repositories"][0]["files"] if f["path"].endswith(".md")]


def test_exclude_author_and_no_blame(rich_repo: Path) -> None:
    res = api.execute_analysis({"input_fstrs": [str(rich_repo)], "ex_emails": ["*@EXAMPLE.com"]})
    names = {n for a in res["repositories"][0]["authors"] for n in a["names"]}
    assert names == {"Dave Smith"}
    res = api.execute_analysis({"input_fstrs": [str(rich_repo)], "blame": False})
    repo = res["repositories"][0]
    assert repo["totals"]["lines"] == 0 and repo["totals"]["commits"] > 0


def test_comments_and_empty_lines(small_repo: GitRepo) -> None:
    base = {"input_fstrs": [str(small_repo.root)]}
    full = api.execute_analysis(base)["repositories"][0]
    lines = {f["path"]: f["lines"] for f in full["files"]}
    assert lines == {"a.py": 4, "b.txt": 6}
    res = api.execute_analysis({**base, "comments": False, "empty_lines": False})
    lines = {f["path"]: f["lines"] for f in res["repositories"][0]["files"]}
    content = (small_repo.root / "a.py").read_text().splitlines()
    code = [ln for ln in content if ln.strip() and not ln.lstrip().startswith("#")]
    assert lines == {"a.py": len(code), "b.txt": 6}


def test_progress_and_cancel(rich_repo: Path) -> None:
    # progress counts the work done: after a cold start, every file is blamed
    api.clear_caches()
    calls: list[tuple[int, int, str]] = []
    api.execute_analysis(
        {"input_fstrs": [str(rich_repo)], "max_workers": 2},
        progress=lambda d, t, m: calls.append((d, t, m)),
    )
    dones = [c[0] for c in calls]
    assert dones == list(range(1, len(calls) + 1))
    # one step for the history, one per file
    assert calls[-1][0] == calls[-1][1] == len(head_files(rich_repo)) + 1
    assert any(m.endswith("README.md") for _d, _t, m in calls), "progress names the file"

    seen: list[int] = []
    api.clear_caches()
    with pytest.raises(AnalysisCancelled):
        api.execute_analysis(
            {"input_fstrs": [str(rich_repo)], "max_workers": 1},
            progress=lambda d, t, m: seen.append(d),
            cancel=lambda: len(seen) >= 1,
        )
    assert len(seen) < len(head_files(rich_repo))


def test_since_filter_matches_git_log(rich_repo: Path) -> None:
    ts = run_git(rich_repo, "log", "-1", "--format=%ct", "HEAD~2").strip()
    res = api.execute_analysis({"input_fstrs": [str(rich_repo)], "since": f"@{ts}"})
    repo = res["repositories"][0]
    git_commits = run_git(rich_repo, "log", "--no-merges", f"--since=@{ts}", "--format=%H").split()
    assert repo["totals"]["commits"] == len(git_commits)


def test_repository_errors(tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    with pytest.raises(RepositoryError, match="not a git repository"):
        api.execute_analysis({"input_fstrs": [str(plain)]})
    empty = tmp_path / "empty"
    run_git(tmp_path, "-c", "init.defaultBranch=main", "init", "-q", str(empty))
    with pytest.raises(RepositoryError, match="empty"):
        api.execute_analysis({"input_fstrs": [str(empty)]})


def test_no_stdout(rich_repo: Path, capfd: pytest.CaptureFixture[str]) -> None:
    api.execute_analysis({"input_fstrs": [str(rich_repo)], "comments": False})
    api.get_blame_data({"input_fstrs": [str(rich_repo)]})
    api.health_check()
    out, _err = capfd.readouterr()
    assert out == ""


def test_rename_on_branch_while_mainline_edits(tmp_path: Path) -> None:
    """Graph-aware following: mainline edits to a.txt before a merged side-branch rename
    a.txt -> b.txt count toward b.txt; an older, deleted x.txt on mainline does not count
    toward the x.txt that the side branch adds."""
    from support.gitrepo import ALICE, BOB, CAROL, numbered

    r = GitRepo(tmp_path / "branchy")
    r.write("a.txt", numbered("a", 10))
    r.write("x.txt", numbered("old x", 4))
    r.commit("base", ALICE)
    r.remove("x.txt")
    r.commit("drop x", ALICE)
    r.git("checkout", "-q", "-b", "side")
    r.git("mv", "a.txt", "b.txt")
    r.commit("rename a to b", BOB)
    r.write("x.txt", numbered("new x", 2))
    side_add = r.commit("new x", BOB)
    r.git("checkout", "-q", "main")
    r.write("a.txt", numbered("a", 10) + "main edit\n")
    r.commit("main edits a", CAROL)
    r.git("merge", "-q", "--no-edit", "side", who=ALICE)
    assert sorted(head_files(r.root)) == ["b.txt", "x.txt"]

    res = api.execute_analysis({"input_fstrs": [str(r.root)]})
    files = {f["path"]: f for f in res["repositories"][0]["files"]}

    def rows(*revs: str) -> tuple[int, int, int]:
        out = run_git(r.root, "log", "--no-merges", "-M", "--numstat", "--format=tformat:C", *revs)
        commits = out.count("C\n")
        nums = [ln.split("\t") for ln in out.splitlines() if "\t" in ln]
        return commits, sum(int(n[0]) for n in nums), sum(int(n[1]) for n in nums)

    # every a/b row in the repo belongs to b.txt: all commits except the x ones
    log_out = run_git(
        r.root,
        "log",
        "--no-merges",
        "-M",
        "--numstat",
        "--format=tformat:C",
        "--",
        "a.txt",
        "b.txt",
    )
    nums = [ln.split("\t") for ln in log_out.splitlines() if "\t" in ln]
    b = files["b.txt"]
    assert (b["commits"], b["insertions"], b["deletions"]) == (
        log_out.count("C\n"),
        sum(int(n[0]) for n in nums),
        sum(int(n[1]) for n in nums),
    )
    assert b["commits"] == 3
    x = files["x.txt"]
    assert (x["commits"], x["insertions"], x["deletions"]) == rows("-1", side_add)


def test_ex_revisions_and_messages(rich_repo: Path) -> None:
    base = api.execute_analysis({"input_fstrs": [str(rich_repo)]})["repositories"][0]
    sha = run_git(rich_repo, "log", "-1", "--format=%H", "--grep=readme tweaks").strip()
    ex = api.execute_analysis({"input_fstrs": [str(rich_repo)], "ex_revisions": [sha[:10]]})
    repo = ex["repositories"][0]
    assert repo["totals"]["commits"] == base["totals"]["commits"] - 1
    # blame --ignore-rev moves those lines to other commits, the total stays
    assert repo["totals"]["lines"] == base["totals"]["lines"]
    ex = api.execute_analysis({"input_fstrs": [str(rich_repo)], "ex_messages": ["README*"]})
    repo = ex["repositories"][0]
    assert repo["totals"]["commits"] == base["totals"]["commits"] - 2
