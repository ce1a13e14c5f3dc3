"""The command line: `analyze` numbers equal plain git's, `blame`, errors."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from support import corpus
from support.cli import run_cli
from support.gitrepo import GitRepo, build_rich_repo
from support.oracle import assert_matches, blame_commits, blame_lines, expected

ROOT = Path(__file__).resolve().parents[2]


def assert_matches_plain_git(repo: Path, result: dict) -> None:
    (analyzed,) = result["repositories"]
    assert_matches(repo, analyzed)


@pytest.fixture(scope="module")
def rich_repo(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("rich") / "proj"
    build_rich_repo(path)
    return path


def test_analyze_json_equals_plain_git_on_rich_repo(daemon_bin, isolated_env, rich_repo):
    out = run_cli(daemon_bin, "analyze", str(rich_repo), "--format", "json", env=isolated_env)
    assert out.returncode == 0, out.stderr
    assert_matches_plain_git(rich_repo, json.loads(out.stdout))


def test_analyze_json_equals_plain_git_on_a_generated_history(daemon_bin, isolated_env, tmp_path):
    repo = corpus.build(tmp_path / "corpus", corpus.PRESETS["tiny"])
    out = run_cli(daemon_bin, "analyze", str(repo), "--format", "json", env=isolated_env)
    assert out.returncode == 0, out.stderr
    assert_matches_plain_git(repo, json.loads(out.stdout))


def test_analyze_json_equals_plain_git_on_this_project(daemon_bin, isolated_env):
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    out = run_cli(daemon_bin, "analyze", str(ROOT), "--format", "json", env=isolated_env)
    assert out.returncode == 0, out.stderr
    assert_matches_plain_git(ROOT, json.loads(out.stdout))


def test_analyze_table_lists_every_author_with_lines(daemon_bin, isolated_env, rich_repo):
    out = run_cli(daemon_bin, "analyze", str(rich_repo), "--files", env=isolated_env)
    assert out.returncode == 0, out.stderr
    exp = expected(rich_repo)
    lines = [line for line in out.stdout.splitlines() if line.strip()]
    authors = lines[lines.index("Authors") + 1 : lines.index("Files")]
    header, *rows = authors
    assert header.split()[:2] == ["Author", "Email"]
    for (names, _emails), person in exp["persons"].items():
        assert any(
            any(name in row for name in names) and f" {person['lines']} " in f" {row} "
            for row in rows
        ), (names, person)
    assert "src/app.py" in out.stdout  # files table


def test_blame_json_and_table_follow_git_blame(daemon_bin, isolated_env, rich_repo):
    out = run_cli(
        daemon_bin, "blame", "src/app.py", "--format", "json", env=isolated_env, cwd=rich_repo
    )
    assert out.returncode == 0, out.stderr
    blame = json.loads(out.stdout)
    per_line = [h["commit"] for h in blame["hunks"] for _ in range(h["line_count"])]
    assert per_line == blame_commits(rich_repo, "src/app.py")

    table = run_cli(daemon_bin, "blame", str(rich_repo / "src/app.py"), env=isolated_env)
    assert table.returncode == 0, table.stderr
    text_lines = (rich_repo / "src/app.py").read_text().splitlines()
    printed = table.stdout.splitlines()
    assert len(printed) == len(text_lines)
    for row, (sha, author, _), text in zip(
        printed, blame_lines(rich_repo, "src/app.py"), text_lines, strict=True
    ):
        assert row.startswith(sha[:8]) and author in row and row.endswith(text)


def test_paths_given_that_are_not_utf8_are_analyzed_and_blamed(daemon_bin, isolated_env, tmp_path):
    """A folder and a file named in Latin-1, given on the command line as the shell gives
    them (bytes): analyzed and blamed as plain git does, shown with readable names."""
    folder = tmp_path / os.fsdecode(b"r\xe9po")
    name = os.fsdecode(b"caf\xe9.py")
    repo = GitRepo(folder)
    repo.commit("one", ("Alice", "alice@example.com"), {name: "x = 1\ny = 2\n"})
    repo.commit("two", ("Bob", "bob@example.com"), {name: "x = 1\ny = 3\n"})
    out = run_cli(daemon_bin, "analyze", str(folder), "--format", "json", env=isolated_env)
    assert out.returncode == 0, out.stderr
    assert_matches_plain_git(folder, json.loads(out.stdout))
    table = run_cli(daemon_bin, "analyze", str(folder), env=isolated_env)
    assert table.returncode == 0 and "café.py" in table.stdout, table.stderr
    blame = run_cli(daemon_bin, "blame", name, "--format", "json", env=isolated_env, cwd=folder)
    assert blame.returncode == 0, blame.stderr
    hunks = json.loads(blame.stdout)["hunks"]
    assert [h["commit"] for h in hunks for _ in range(h["line_count"])] == blame_commits(
        folder, name
    )


@pytest.mark.parametrize(
    "args, message",
    [
        (["analyze", "/definitely/not/here"], "not a git repository"),
        (["analyze", ".", "--copy-move", "9"], "copy_move"),
        (["blame", "/definitely/not/here.txt"], "cannot open"),
    ],
)
def test_errors_are_one_clear_line_and_nonzero(daemon_bin, isolated_env, tmp_path, args, message):
    out = run_cli(daemon_bin, *args, env=isolated_env, cwd=tmp_path)
    assert out.returncode != 0
    assert out.stdout == ""
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], out.stderr


def test_engine_starts_whatever_python_is_on_path(daemon_bin, isolated_env, rich_repo):
    """The embedded interpreter uses the standard library of the Python the
    binary links, not of whichever `python3` PATH finds first (or none)."""
    git_dir = str(Path(shutil.which("git")).parent)
    env = {**isolated_env, "PATH": f"{git_dir}:/usr/bin:/bin"}
    out = run_cli(daemon_bin, "analyze", str(rich_repo), "--format", "json", env=env)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["repositories"][0]["authors"]


def test_installed_layout_finds_its_engine_next_to_the_binary(
    daemon_bin, isolated_env, rich_repo, tmp_path
):
    """scripts/install.sh puts the binary in PREFIX/bin and the engine with its
    dependencies in PREFIX/lib/gitinspector-lsp/python; the installed binary
    uses that copy, found from its own path, with no environment variables."""
    prefix = tmp_path / "prefix"
    env = {**isolated_env, "PATH": os.environ["PATH"]}
    install = subprocess.run(
        ["bash", str(ROOT / "scripts/install.sh"), str(prefix)],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        cwd=ROOT,
    )
    assert install.returncode == 0, install.stderr
    installed = prefix / "bin" / "gitinspector-lsp"
    out = run_cli(installed, "analyze", str(rich_repo), "--format", "json", env=isolated_env)
    assert out.returncode == 0, out.stderr
    assert_matches_plain_git(rich_repo, json.loads(out.stdout))

    from support.rpc import RpcClient

    client = RpcClient([str(installed)], isolated_env, tmp_path, tmp_path / "installed.stderr")
    try:
        client.initialize(tmp_path)
        info = client.request("gitinspector/getEngineInfo")
        assert info["location"]["layout"] == "installed"
        engine_dir = str(prefix / "lib" / "gitinspector-lsp" / "python")
        assert info["location"]["package_dirs"] == [engine_dir]
        assert client.shutdown() == 0
    finally:
        client.close()
