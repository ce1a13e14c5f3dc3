"""`gitinspector-lsp blame`: the daemon's own git run and porcelain parser, from the
command line (what the engine's blame_file asserted, now of the one blame owner)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from support.cli import run_cli
from support.gitrepo import GitRepo, build_rich_repo, run_git
from support.oracle import blame_lines, git_blame


@pytest.fixture(scope="module")
def rich_repo(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("rich") / "proj"
    build_rich_repo(path)
    return path


def _expand(hunks: list[dict]) -> list[str]:
    return [h["commit"] for h in hunks for _ in range(h["line_count"])]


def blame(daemon_bin, env, *args: str, cwd: Path) -> dict:
    out = run_cli(daemon_bin, "blame", *args, "--format", "json", env=env, cwd=cwd)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_blame_json_names_repository_revision_and_every_line(
    daemon_bin, isolated_env, rich_repo
) -> None:
    head = run_git(rich_repo, "rev-parse", "HEAD").strip()
    res = blame(daemon_bin, isolated_env, "src/app.py", cwd=rich_repo)
    assert res["repository"] == str(rich_repo) and res["revision"] == head
    assert res["path"] == "src/app.py"
    expected = blame_lines(rich_repo, "src/app.py")
    assert _expand(res["hunks"]) == [e[0] for e in expected]
    assert res["lines"] == len(expected)
    assert {c["sha"] for c in res["commits"]} == {e[0] for e in expected}
    authors = {c["sha"]: c["author"] for c in res["commits"]}
    assert [authors[sha] for sha, _, _ in expected] == [name for _, name, _ in expected]


def test_blame_at_a_revision_from_another_folder(daemon_bin, isolated_env, rich_repo) -> None:
    res = blame(
        daemon_bin,
        isolated_env,
        str(rich_repo / "src" / "app.py"),
        "--rev",
        "HEAD~3",
        cwd=rich_repo / "src",
    )
    assert res["revision"] == run_git(rich_repo, "rev-parse", "HEAD~3").strip()
    assert _expand(res["hunks"]) == [e[0] for e in blame_lines(rich_repo, "src/app.py", "HEAD~3")]


def test_blame_errors_say_what_is_wrong(daemon_bin, isolated_env, rich_repo, tmp_path) -> None:
    (rich_repo / "untracked.txt").write_text("new\n")
    try:
        cases = [
            (["untracked.txt"], "not tracked at HEAD"),
            (["README.md", "--rev", "no-such-rev"], "unknown revision"),
            (["README.md", "--rev=--output=/tmp/x"], "unknown revision"),
        ]
        for args, message in cases:
            out = run_cli(daemon_bin, "blame", *args, env=isolated_env, cwd=rich_repo)
            assert out.returncode != 0 and message in out.stderr, (args, out.stderr)
        outside = tmp_path / "plain.txt"
        outside.write_text("x\n")
        out = run_cli(daemon_bin, "blame", str(outside), env=isolated_env, cwd=tmp_path)
        assert out.returncode != 0 and "not inside a git repository" in out.stderr
    finally:
        (rich_repo / "untracked.txt").unlink()


# -- options that change the answer, each against plain `git blame` with the same option ---

ALICE = ("Alice", "alice@example.com")
BOB = ("Bob", "bob@example.com")
CAROL = ("Carol", "carol@example.com")

#: the levels of `--copy-move` (as `gigui.blame.copy_move_args`)
COPY_MOVE = [[], ["-M"], ["-C"], ["-C", "-C"], ["-C", "-C", "-C"]]


def cli_blame(daemon_bin, env, repo: Path, path: str, *options: str) -> list[str]:
    return _expand(blame(daemon_bin, env, path, *options, cwd=repo)["hunks"])


def block(name: str, n: int = 4) -> str:
    """N lines long and distinctive enough for git's move and copy detection."""
    return "".join(
        f"def {name}_{i}():\n    return compute_{name}_value({i}, 'x')\n" for i in range(n)
    )


@pytest.fixture(scope="module")
def reformatted(tmp_path_factory) -> tuple[GitRepo, str, str]:
    """Alice writes code, Bob re-indents it (whitespace only), Carol reformats it (commas
    spaced) and adds a line: (repository, Bob's commit, Carol's commit)."""
    repo = GitRepo(tmp_path_factory.mktemp("reformat") / "repo")
    lines = [f"value_{i} = call(a,b,{i})" for i in range(8)]
    repo.commit("code", ALICE, {"code.py": "".join(f"{x}\n" for x in lines)})
    indent = repo.commit("re-indent", BOB, {"code.py": "".join(f"    {x}\n" for x in lines)})
    spaced = [x.replace(",", ", ") for x in lines]
    body = "".join(f"    {x}\n" for x in spaced) + "    extra = 1\n"
    reformat = repo.commit("reformat", CAROL, {"code.py": body})
    return repo, indent, reformat


def test_ignore_whitespace_is_git_blame_w(daemon_bin, isolated_env, reformatted) -> None:
    repo, indent, _ = reformatted
    repo_blame = git_blame(repo.root, "code.py", "-w")
    assert repo_blame != git_blame(repo.root, "code.py"), "-w changes this answer"
    assert indent not in repo_blame
    got = cli_blame(daemon_bin, isolated_env, repo.root, "code.py", "--ignore-whitespace")
    assert got == repo_blame


@pytest.fixture(scope="module")
def moved(tmp_path_factory) -> GitRepo:
    """A block moved within a file (-M), one moved to another file changed in the same
    commit (-C), one copied from an unchanged file into a new one (-C -C), one copied from a
    file of an earlier commit into an existing one (-C -C -C)."""
    repo = GitRepo(tmp_path_factory.mktemp("moved") / "repo")
    repo.commit(
        "blocks",
        ALICE,
        {
            "inner.py": block("first") + block("second"),
            "source.py": block("kept") + block("leaving"),
            "library.py": block("library"),
            "target.py": "# target\n",
        },
    )
    repo.commit("other", CAROL, {"notes.py": block("notes")})
    repo.commit(
        "move and copy",
        BOB,
        {
            "inner.py": block("second") + block("first"),
            "source.py": block("kept"),
            "dest.py": "# destination\n" + block("leaving"),
            "copy.py": "# copied\n" + block("library"),
            "target.py": "# target\n" + block("notes"),
        },
    )
    return repo


@pytest.mark.parametrize("level", range(5))
def test_copy_move_levels_are_git_blame_m_and_c(daemon_bin, isolated_env, moved, level) -> None:
    for path in ("inner.py", "dest.py", "copy.py", "target.py"):
        expected = git_blame(moved.root, path, *COPY_MOVE[level])
        got = cli_blame(daemon_bin, isolated_env, moved.root, path, "--copy-move", str(level))
        assert got == expected, (path, level)


def test_each_move_is_found_by_its_level_only(moved) -> None:
    """The repository's scenarios tell the levels apart: each is found by its level and
    not by the one below."""
    for level, path in ((1, "inner.py"), (2, "dest.py"), (3, "copy.py"), (4, "target.py")):
        below = git_blame(moved.root, path, *COPY_MOVE[level - 1])
        assert git_blame(moved.root, path, *COPY_MOVE[level]) != below, path


def test_copy_move_outside_0_to_4_is_refused(daemon_bin, isolated_env, moved) -> None:
    for bad in ("5", "-1", "x"):
        out = run_cli(
            daemon_bin, "blame", "inner.py", f"--copy-move={bad}", env=isolated_env, cwd=moved.root
        )
        assert out.returncode != 0 and "--copy-move" in out.stderr, (bad, out.stderr)


def test_ignore_rev_takes_a_sha_prefix(daemon_bin, isolated_env, reformatted) -> None:
    repo, indent, reformat = reformatted
    expected = git_blame(repo.root, "code.py", "--ignore-rev", reformat)
    assert expected != git_blame(repo.root, "code.py"), "ignoring the reformat changes this"
    got = cli_blame(daemon_bin, isolated_env, repo.root, "code.py", "--ignore-rev", reformat[:10])
    assert got == expected
    # repeated, with other options
    both = git_blame(repo.root, "code.py", "-w", "--ignore-rev", reformat, "--ignore-rev", indent)
    assert both != expected
    options = ("--ignore-rev", indent.upper(), "--ignore-rev", reformat[:7], "--ignore-whitespace")
    assert cli_blame(daemon_bin, isolated_env, repo.root, "code.py", *options) == both


def test_an_ignore_rev_that_names_no_commit_is_an_error_naming_it(
    daemon_bin, isolated_env, reformatted
) -> None:
    repo = reformatted[0]
    blob = run_git(repo.root, "rev-parse", "HEAD:code.py").strip()
    for bad in ("deadbeef00", blob, "HEAD", "--output=/tmp/x", "abc"):
        out = run_cli(
            daemon_bin, "blame", "code.py", f"--ignore-rev={bad}", env=isolated_env, cwd=repo.root
        )
        assert out.returncode != 0 and bad in out.stderr, (bad, out.stderr)


def test_the_ignore_revs_file_is_read_like_the_editors(daemon_bin, isolated_env, tmp_path) -> None:
    repo = GitRepo(tmp_path / "repo")
    lines = [f"item_{i} = make(a,b,{i})" for i in range(6)]
    repo.commit("code", ALICE, {"code.py": "".join(f"{x}\n" for x in lines)})
    reformat = repo.commit(
        "reformat", BOB, {"code.py": "".join(f"{x.replace(',', ', ')}\n" for x in lines)}
    )
    plain = git_blame(repo.root, "code.py")
    repo.commit("list it", CAROL, {".git-blame-ignore-revs": f"# formatting\n{reformat}\n"})
    ignoring = git_blame(repo.root, "code.py", "--ignore-revs-file", ".git-blame-ignore-revs")
    assert ignoring != plain

    def run(*options: str):
        return run_cli(
            daemon_bin,
            "blame",
            "code.py",
            *options,
            "--format",
            "json",
            env=isolated_env,
            cwd=repo.root,
        )

    # the default file, when the repository has one
    assert cli_blame(daemon_bin, isolated_env, repo.root, "code.py") == ignoring
    # a repository's own blame.ignoreRevsFile is never what turns it on or off
    repo.git("config", "blame.ignoreRevsFile", "missing-file")
    assert cli_blame(daemon_bin, isolated_env, repo.root, "code.py") == ignoring
    no_file = cli_blame(daemon_bin, isolated_env, repo.root, "code.py", "--no-ignore-revs-file")
    assert no_file == plain
    assert cli_blame(daemon_bin, isolated_env, repo.root, "code.py", "--ignore-revs-file=") == plain

    # another file, relative to the repository's top or absolute, from any folder
    (repo.root / "sub").mkdir()
    other = repo.root / "sub" / "revs.txt"
    other.write_text(f"{reformat}  # listed elsewhere\n")
    for named in ("sub/revs.txt", str(other)):
        res = blame(
            daemon_bin,
            isolated_env,
            str(repo.root / "code.py"),
            "--ignore-revs-file",
            named,
            cwd=repo.root / "sub",
        )
        assert _expand(res["hunks"]) == ignoring, named

    # junk lines and shas of no commit here are skipped; the valid entry still counts
    blob = run_git(repo.root, "rev-parse", "HEAD:code.py").strip()
    other.write_text(f"not a sha\n{'1' * 40}\n{blob}\n{'2' * 64}\n{reformat}\nSECRET=hunter2 x\n")
    out = run("--ignore-revs-file", str(other))
    assert out.returncode == 0, out.stderr
    assert _expand(json.loads(out.stdout)["hunks"]) == git_blame(
        repo.root, "code.py", "--ignore-rev", reformat
    )

    # a named file that does not exist: a warning, and blame without it
    out = run("--ignore-revs-file", "no-such-file")
    assert out.returncode == 0 and "no-such-file" in out.stderr and "warning" in out.stderr
    assert _expand(json.loads(out.stdout)["hunks"]) == plain
    # the default one missing: nothing to say
    (repo.root / ".git-blame-ignore-revs").unlink()
    out = run()
    assert out.returncode == 0 and out.stderr == ""
    assert _expand(json.loads(out.stdout)["hunks"]) == plain

    out = run("--ignore-revs-file", "x", "--no-ignore-revs-file")
    assert out.returncode != 0
