"""Repositories shaped like real projects, and the odd ones: every analysis equals plain
git under the README's definitions, or fails with a message that says exactly why."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from support import corpus
from support.gitrepo import run_git
from support.oracle import assert_matches

from gigui import api
from gigui.errors import InvalidSettingsError, RepositoryError


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    return corpus.build(tmp_path_factory.mktemp("proj") / "proj", corpus.PRESETS["project-small"])


def analyze(path: Path | str, **settings) -> dict:
    result = api.execute_analysis({"input_fstrs": [str(path)], **settings})
    (repo,) = result["repositories"]
    return repo


def test_a_project_shaped_history_equals_plain_git(project: Path) -> None:
    merges = int(run_git(project, "rev-list", "--merges", "--count", "HEAD"))
    commits = int(run_git(project, "rev-list", "--count", "HEAD"))
    assert 0.25 < merges / commits < 0.4, "about a third of the commits are merges"
    repo = analyze(project)
    assert_matches(project, repo)
    paths = {f["path"] for f in repo["files"]}
    assert "donn\xe9es/caf\xe9.txt" in paths, "a Latin-1 name is listed, readable"
    assert {"win/crlf.txt", "win/mixed.txt", "bom.py", "latin1.txt"} <= paths
    assert "assets/data.txt" not in paths, "binary, next to a text file of the same extension"
    names = {n for a in repo["authors"] for n in a["names"]}
    assert "Jos\xe9 Garc\xeda" in names, "a Latin-1 author name reads as Latin-1"
    sam = [a for a in repo["authors"] if "Sam Lee" in a["names"]]
    assert len(sam) == 1 and {"Sam Lee", "Samuel Lee"} <= set(sam[0]["names"]), (
        "identities linked only through a third one are one person"
    )
    assert repo["shallow"] is False and repo["warnings"] == []


def test_a_bare_repository_is_analyzed_like_its_work_tree(project: Path, tmp_path: Path) -> None:
    bare = tmp_path / "proj.git"
    subprocess.run(["git", "clone", "-q", "--bare", str(project), str(bare)], check=True)
    repo = analyze(bare)
    assert repo["name"] == "proj" and repo["bare"] is True
    worktree = analyze(project)
    for key in ("authors", "files", "authors_files", "totals"):
        assert repo[key] == worktree[key], key


def test_a_shallow_clone_says_its_history_is_cut(project: Path, tmp_path: Path) -> None:
    shallow = tmp_path / "shallow"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "10", project.as_uri(), str(shallow)], check=True
    )
    repo = analyze(shallow)
    cut = run_git(shallow, "rev-parse", "--git-path", "shallow").strip()
    assert repo["shallow"] is True
    assert sorted(repo["history_cut_at"]) == sorted((shallow / cut).read_text().split())
    assert repo["warnings"] and "shallow clone" in repo["warnings"][0]
    assert_matches(shallow, repo)


def test_an_unborn_branch_says_so(project: Path, tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(project), str(clone)], check=True)
    run_git(clone, "checkout", "-q", "--orphan", "fresh")
    with pytest.raises(RepositoryError, match="unborn branch 'fresh'"):
        analyze(clone)
    assert analyze(clone, rev="main")["totals"]["files"] > 0


def test_an_empty_repository_says_so(tmp_path: Path) -> None:
    run_git(tmp_path, "init", "-q", "empty")
    with pytest.raises(RepositoryError, match="no commits yet"):
        analyze(tmp_path / "empty")


def test_a_path_inside_git_directory_names_its_work_tree(project: Path) -> None:
    assert analyze(project / ".git")["path"] == str(project)


@pytest.mark.parametrize(
    ("settings", "field"),
    [
        ({"since": "garbage"}, "since"),
        ({"until": "9999-99-99"}, "until"),
        ({"since": "2015-02-30"}, "since"),
        ({"since": "never"}, "since"),
        ({"since": "2020-01-01", "until": "2019-01-01"}, "since"),
        ({"rev": "^HEAD"}, "rev"),
        ({"rev": "HEAD~1..HEAD"}, "rev"),
        ({"rev": "HEAD^!"}, "rev"),
    ],
)
def test_dates_and_revisions_git_cannot_use_name_the_field(
    project: Path, settings: dict, field: str
) -> None:
    with pytest.raises(InvalidSettingsError) as err:
        analyze(project, **settings)
    assert [e["field"] for e in err.value.errors] == [field]


def test_dates_git_reads_are_taken(project: Path) -> None:
    first = int(run_git(project, "log", "--reverse", "--format=%ct", "HEAD").split()[0])
    last = int(run_git(project, "log", "-1", "--format=%ct", "HEAD"))
    middle = (first + last) // 2
    repo = analyze(project, since=f"@{middle}")
    commits = set(run_git(project, "rev-list", "--no-merges", f"--since={middle}", "HEAD").split())
    assert 0 < repo["totals"]["commits"] <= len(commits)
    for value in ("2 weeks ago", "yesterday", "now"):
        analyze(project, until=value)
    # before the first commit the branch did not exist yet: an error that says so
    for value in ("2015-01-01", "2015-01-01T10:00:00Z", f"@{first - 1}"):
        with pytest.raises(RepositoryError, match=r"has no commit made by until"):
            analyze(project, until=value)
