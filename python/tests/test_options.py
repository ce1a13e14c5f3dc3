"""Every analysis option of the full analysis, against plain git with the equivalent options
(the oracle computes the expectation in the test): deadlines, subfolders, the ignore-revs
file, excluded messages, folders of repositories, the combined view, the timeline and the
table options."""

from __future__ import annotations

import datetime
import subprocess
from pathlib import Path

import pytest
from support import corpus
from support.gitrepo import ALICE, BOB, CAROL, GitRepo, numbered, run_git
from support.oracle import assert_matches, expected, head_files, person_key

from gigui import api
from gigui.errors import InvalidSettingsError, RepositoryError


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    return corpus.build(tmp_path_factory.mktemp("proj") / "proj", corpus.PRESETS["project-tiny"])


def analyze_all(*paths: Path | str, **settings) -> dict:
    return api.execute_analysis({"input_fstrs": [str(p) for p in paths], **settings})


def analyze(path: Path | str, **settings) -> dict:
    (repo,) = analyze_all(path, **settings)["repositories"]
    return repo


def first_parent_times(repo: Path) -> list[tuple[str, int]]:
    out = run_git(repo, "log", "--first-parent", "--format=%H %ct", "HEAD")
    return [(sha, int(ct)) for sha, ct in (ln.split() for ln in out.splitlines())]


# -- time ----------------------------------------------------------------------------------


def test_until_analyzes_the_branch_as_it_was_at_that_moment(project: Path) -> None:
    line = first_parent_times(project)
    sha, deadline = line[len(line) // 2]
    repo = analyze(project, until=f"@{deadline}")
    assert repo["revision"] == sha
    assert_matches(project, repo, rev=sha)


def test_until_leaves_out_a_branch_merged_after_the_deadline(tmp_path: Path) -> None:
    r = GitRepo(tmp_path / "team")
    r.commit("start", ALICE, {"app.py": numbered("a", 10)})
    r.git("checkout", "-q", "-b", "feature")
    r.commit("feature work, before the deadline", BOB, {"feature.py": numbered("f", 30)})
    r.git("checkout", "-q", "main")
    at_deadline = r.commit("main work", ALICE, {"app.py": numbered("a", 12)})
    deadline = int(run_git(r.root, "log", "-1", "--format=%ct"))
    r.git("merge", "-q", "--no-ff", "-m", "late merge", "feature", who=ALICE)
    repo = analyze(r.root, until=f"@{deadline}")
    assert repo["revision"] == at_deadline
    assert "feature.py" not in {f["path"] for f in repo["files"]}
    assert [a["name"] for a in repo["authors"]] == ["Alice"], "Bob's work was not in yet"
    assert_matches(r.root, repo, rev=at_deadline)


def test_since_counts_only_what_was_done_since(project: Path) -> None:
    commits = [int(t) for t in run_git(project, "log", "--format=%ct", "HEAD").split()]
    since = sorted(commits)[len(commits) // 2]
    repo = analyze(project, since=f"@{since}")
    exp = assert_matches(project, repo, since=since)
    assert repo["totals"]["lines_before_since"] == sum(
        f["lines_before_since"] for f in exp["files"].values()
    )
    assert repo["totals"]["lines_before_since"] > 0
    assert (
        repo["totals"]["lines"] + repo["totals"]["lines_before_since"]
        == analyze(project)["totals"]["lines"]
    )
    assert any(a["stability"] < 100 for a in repo["authors"]), "stability is not 100 by default"


# -- scope ---------------------------------------------------------------------------------


def test_subfolder_limits_the_files(project: Path) -> None:
    repo = analyze(project, subfolder="src/pkg1")
    assert_matches(project, repo, folder="src/pkg1")
    assert repo["subfolder"] == "src/pkg1"
    assert {f["path"] for f in repo["files"]} == {
        f for f in head_files(project) if f.startswith("src/pkg1/")
    }


def test_a_folder_inside_a_repository_is_a_subfolder(project: Path) -> None:
    repo = analyze(project / "src" / "pkg2")
    assert_matches(project, repo, folder="src/pkg2")
    assert repo["path"] == str(project)


@pytest.mark.parametrize("bad", ["../elsewhere", "-x"])
def test_a_subfolder_outside_the_repository_is_refused(project: Path, bad: str) -> None:
    with pytest.raises(InvalidSettingsError) as err:
        analyze(project, subfolder=bad)
    assert [e["field"] for e in err.value.errors] == ["subfolder"]


def test_a_subfolder_without_files_is_an_error_naming_it(project: Path) -> None:
    with pytest.raises(RepositoryError, match="no/such/folder"):
        analyze(project, subfolder="no/such/folder")


def test_excluded_messages_are_not_counted(project: Path) -> None:
    repo = analyze(project, ex_messages=["hotfix*", "*CLEANUP*"])
    assert_matches(project, repo, ex_messages=("hotfix*", "*CLEANUP*"))
    assert repo["totals"]["commits"] < analyze(project)["totals"]["commits"]


# -- the ignore-revs file ------------------------------------------------------------------


@pytest.fixture
def reformatted(tmp_path: Path) -> GitRepo:
    """Alice writes a file, Bob reformats it (listed in .git-blame-ignore-revs), Carol adds."""
    r = GitRepo(tmp_path / "fmt")
    r.commit("write", ALICE, {"code.py": "".join(f"value_{i} = {i}\n" for i in range(20))})
    reformat = r.commit(
        "reformat", BOB, {"code.py": "".join(f"value_{i}  =  {i}\n" for i in range(20))}
    )
    r.commit("more", CAROL, {"code.py": (r.root / "code.py").read_text() + "extra = 1\n"})
    r.commit("ignore the reformat", CAROL, {".git-blame-ignore-revs": f"# black\n{reformat}\n"})
    return r


def test_the_repositorys_ignore_revs_file_is_used(reformatted: GitRepo) -> None:
    repo = analyze(reformatted.root)
    assert_matches(
        reformatted.root, repo, blame_args=("--ignore-revs-file", ".git-blame-ignore-revs")
    )
    lines = {a["name"]: a["lines"] for a in repo["authors"]}
    assert lines.get("Bob", 0) == 0 and lines["Alice"] == 20
    assert repo["ignore_revs_file"] == ".git-blame-ignore-revs"
    assert len(repo["blame_ignored_revisions"]) == 1


def test_the_ignore_revs_file_can_be_turned_off(reformatted: GitRepo) -> None:
    repo = analyze(reformatted.root, ignore_revs_file="")
    assert_matches(reformatted.root, repo)
    assert {a["name"]: a["lines"] for a in repo["authors"]}["Bob"] == 20


def test_another_ignore_revs_file_and_junk_lines(reformatted: GitRepo, tmp_path: Path) -> None:
    listed = (reformatted.root / ".git-blame-ignore-revs").read_text().split()[-1]
    other = tmp_path / "ignore.txt"
    other.write_text(f"not a sha\n{'0' * 40}  # gone\n{listed} # the reformat\n")
    repo = analyze(reformatted.root, ignore_revs_file=str(other))
    assert_matches(reformatted.root, repo, blame_args=("--ignore-rev", listed))
    assert any("skipped 1 line that is not an object id" in w for w in repo["warnings"])
    missing = analyze(reformatted.root, ignore_revs_file="nowhere.txt")
    assert any("nowhere.txt not found" in w for w in missing["warnings"])
    assert_matches(reformatted.root, missing)


def test_a_bare_repository_reads_its_ignore_revs_file_at_the_revision(
    reformatted: GitRepo, tmp_path: Path
) -> None:
    bare = tmp_path / "fmt.git"
    subprocess.run(["git", "clone", "-q", "--bare", str(reformatted.root), str(bare)], check=True)
    assert analyze(bare)["authors"] == analyze(reformatted.root)["authors"]


# -- many repositories ---------------------------------------------------------------------


def _team(path: Path, who, n: int) -> GitRepo:
    r = GitRepo(path)
    r.commit("start", who, {"main.py": numbered(path.name, n)})
    r.commit("help", CAROL, {"util.py": numbered("u", 3)})
    return r


@pytest.fixture
def course(tmp_path: Path) -> Path:
    """A teacher's folder: teams at several depths, one too deep, one with no commits, notes,
    and a repository nested in a team's work tree."""
    root = tmp_path / "course-2026"
    _team(root / "team-a", ALICE, 5)
    _team(root / "group-2" / "team-b", BOB, 7)
    _team(root / "nested" / "team-a-lib", BOB, 2)
    _team(root / "team-a" / "vendor" / "lib", BOB, 4)
    subprocess.run(["git", "init", "-q", str(root / "team-empty")], check=True)
    deep = root / "a" / "b" / "c" / "d" / "e" / "f"
    _team(deep / "team-deep", ALICE, 1)
    (root / "notes").mkdir()
    (root / "notes" / "readme.txt").write_text("grading notes\n")
    return root


def test_a_folder_of_repositories_is_searched(course: Path) -> None:
    result = analyze_all(course)
    found = {Path(r["path"]).relative_to(course).as_posix(): r for r in result["repositories"]}
    assert set(found) == {"team-a", "group-2/team-b", "nested/team-a-lib", "team-a/vendor/lib"}
    for rel, repo in found.items():
        assert_matches(course / rel, repo)
    assert [Path(e["path"]).name for e in result["errors"]] == ["team-empty"]
    assert "no commits" in result["errors"][0]["error"]
    deeper = analyze_all(course, depth=7)
    assert "team-deep" in {r["name"] for r in deeper["repositories"]}


def test_globs_several_paths_and_duplicates(course: Path, tmp_path: Path) -> None:
    result = analyze_all(
        course / "team-*", course / "group-2", course / "team-a", tmp_path / "missing"
    )
    assert sorted(r["name"] for r in result["repositories"]) == ["team-a", "team-b"]
    errors = {Path(e["path"]).name: e["error"] for e in result["errors"]}
    assert set(errors) == {"team-empty", "missing"}
    assert "does not exist" in errors["missing"]


def test_nothing_to_analyze_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(RepositoryError, match="no repository found"):
        analyze_all(tmp_path / "empty")


def test_the_combined_view_merges_persons_across_repositories(course: Path) -> None:
    result = analyze_all(course / "team-a", course / "group-2" / "team-b", combined=True)
    combined = result["combined"]
    each = {r["name"]: r for r in result["repositories"]}
    carol = [a for a in combined["authors"] if a["name"] == "Carol"]
    assert len(carol) == 1, "one person across repositories"
    assert carol[0]["lines"] == sum(
        a["lines"] for r in each.values() for a in r["authors"] if a["name"] == "Carol"
    )
    assert carol[0]["commits"] == 2
    assert {f["path"] for f in combined["files"]} == {
        f"{name}/{f['path']}" for name, r in each.items() for f in r["files"]
    }
    assert combined["totals"]["lines"] == sum(r["totals"]["lines"] for r in each.values())
    assert analyze_all(course / "team-a")["combined"] is None


# -- tables --------------------------------------------------------------------------------


def _month(stamp: int) -> str:
    return datetime.datetime.fromtimestamp(stamp, datetime.UTC).strftime("%Y-%m")


def test_the_timeline_equals_plain_git(project: Path) -> None:
    repo = analyze(project, timeline=True, timeline_period="month")
    exp = expected(project, period=_month)
    keys = {(a["name"], a["email"]): person_key(a) for a in repo["authors"]}
    got = {
        (row["period"], keys[(row["author"], row["email"])]): {
            k: row[k] for k in ("commits", "insertions", "deletions")
        }
        for row in repo["timeline"]["rows"]
    }
    assert got == exp["timeline"]
    assert repo["timeline"]["period"] == "month"
    assert "timeline" not in analyze(project)


def test_the_files_table_has_the_authors_measures(project: Path) -> None:
    repo = analyze(project)
    author_cols = set(repo["authors"][0]) - {"name", "email", "names", "emails", "files"}
    assert author_cols <= set(repo["files"][0]), "every measure of an author, per file too"
    assert sum(f["lines_pct"] for f in repo["files"]) == pytest.approx(100)
    cross = {(r["author"], r["path"]): r for r in repo["authors_files"]}
    assert cross == {(r["author"], r["path"]): r for r in repo["files_authors"]}
    order = [r["path"] for r in repo["files_authors"]]
    shown = [f["path"] for f in repo["files"]]
    assert order == sorted(order, key=shown.index), "files x authors goes file by file"
    for f in repo["files"]:
        assert (
            sum(r["lines"] for r in repo["files_authors"] if r["path"] == f["path"]) == f["lines"]
        )


def test_sorting_top_scaling_and_deletions(project: Path) -> None:
    full = analyze(project)
    by_commits = analyze(project, sort_by="commits", top=3, scaled_percentages=True)
    commits = [a["commits"] for a in by_commits["authors"]]
    assert commits == sorted((a["commits"] for a in full["authors"]), reverse=True)[:3]
    assert len(by_commits["files"]) == 3
    assert {r["author"] for r in by_commits["authors_files"]} <= {
        a["name"] for a in by_commits["authors"]
    }
    assert by_commits["totals"] == full["totals"], "totals cover everything"
    for a in by_commits["authors"]:
        assert a["scaled_lines_pct"] == pytest.approx(a["lines_pct"] * len(full["authors"]))
    by_name = analyze(project, sort_by="name")
    names = [a["name"].lower() for a in by_name["authors"]]
    assert names == sorted(names)
    quiet = analyze(project, deletions=False)
    assert "deletions" not in quiet["authors"][0] and "deletions" not in quiet["totals"]
    assert "deletions" not in quiet["files_authors"][0]
    with pytest.raises(InvalidSettingsError) as err:
        analyze(project, sort_by="colour")
    assert [e["field"] for e in err.value.errors] == ["sort_by"]


def test_show_renames_lists_earlier_paths(tmp_path: Path) -> None:
    r = GitRepo(tmp_path / "ren")
    r.commit("add", ALICE, {"old/name.py": numbered("x", 20)})
    (r.root / "new").mkdir()
    r.git("mv", "old/name.py", "new/name.py")
    r.commit("move", BOB)
    r.commit("edit", BOB, {"new/name.py": numbered("x", 22)})
    repo = analyze(r.root, show_renames=True)
    (f,) = repo["files"]
    assert f["path"] == "new/name.py" and f["renamed_from"] == ["old/name.py"]
    assert "renamed_from" not in analyze(r.root)["files"][0]


def test_per_file_blame_marks_what_an_analysis_leaves_out(tmp_path: Path) -> None:
    r = GitRepo(tmp_path / "marks")
    r.commit("write", ALICE, {"app.py": "# setup\nx = 1\n\ny = 2\n"})
    bot = ("deploy-bot", "bot@ci.example.com")
    r.commit("bump", bot, {"app.py": "# setup\nx = 1\n\ny = 3\n"})
    data = api.get_blame_data(
        {
            "input_fstrs": [str(r.root)],
            "files": ["app.py"],
            "ex_authors": ["*bot*"],
            "comments": False,
            "empty_lines": False,
        }
    )
    (repo,) = data["repositories"]
    (shown,) = repo["files"]
    assert shown["excluded_lines"] == [
        {"start": 1, "count": 1, "reason": "comment line (comments=false)"},
        {"start": 3, "count": 1, "reason": "empty line (empty_lines=false)"},
    ]
    reasons = {c["author"]: c.get("excluded") for c in repo["commits"]}
    assert reasons == {"Alice": None, "deploy-bot": "author deploy-bot is excluded (ex_authors)"}
    plain = api.get_blame_data({"input_fstrs": [str(r.root)], "files": ["app.py"]})
    assert plain["repositories"][0]["files"][0]["excluded_lines"] == []


def test_a_bare_date_is_a_whole_day_whatever_the_time_of_day() -> None:
    from gigui.history import parse_date

    since, until = parse_date("since", "2020-09-13"), parse_date("until", "2020-09-13")
    assert since == parse_date("since", "2020-09-13 00:00:00")
    assert until == parse_date("until", "2020-09-13 23:59:59") == since + 86_399


def test_links_to_repositories_are_followed_once(tmp_path: Path) -> None:
    clones = tmp_path / "clones"
    _team(clones / "team-x", ALICE, 3)
    course = tmp_path / "course"
    course.mkdir()
    (course / "team-x").symlink_to(clones / "team-x")
    (course / "loop").symlink_to(course)
    result = analyze_all(course)
    assert [r["name"] for r in result["repositories"]] == ["team-x"]
    assert result["errors"] == []
