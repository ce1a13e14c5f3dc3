"""`gitinspector-lsp blame`: the daemon's own git run and porcelain parser, from the
command line (what the engine's blame_file asserted, now of the one blame owner)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from support.cli import run_cli
from support.gitrepo import build_rich_repo, run_git
from support.oracle import blame_lines


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
