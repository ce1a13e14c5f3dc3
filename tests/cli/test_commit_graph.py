"""The commit-graph the daemon keeps in the user cache for each repository: written by
an analysis (through the hook the engine gets at start-up) and after a first blame,
outside the repository, used by git (Bloom filters answer blame's path queries), never
changing a result."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from support.cli import run_cli
from support.gitrepo import ALICE, BOB, GitRepo, run_git
from support.oracle import assert_matches


def _history(path: Path, commits: int = 12) -> GitRepo:
    r = GitRepo(path)
    r.write("target.py", "a = 1\n")
    r.commit("target", ALICE)
    for i in range(commits):
        r.write(f"other_{i}.py", f"x = {i}\n")
        r.commit(f"other {i}", BOB if i % 2 else ALICE)
    r.write("target.py", "a = 1\nb = 2\n")
    r.commit("target again", BOB)
    return r


def _graphs(env: dict[str, str]) -> list[Path]:
    """The object directories of the graphs written to the cache."""
    cache = Path(env["XDG_CACHE_HOME"]) / "gitinspector-lsp" / "commit-graph"
    return [p.parents[2] for p in cache.glob("*/info/commit-graphs/commit-graph-chain")]


def _blame_with(repo: Path, alternate: Path | None, trace: Path) -> tuple[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "GIT_ALTERNATE_OBJECT_DIRECTORIES"}
    trace.unlink(missing_ok=True)
    env["GIT_TRACE2_PERF"] = str(trace)
    if alternate:
        env["GIT_ALTERNATE_OBJECT_DIRECTORIES"] = str(alternate)
    out = subprocess.run(
        ["git", "blame", "--porcelain", "HEAD", "--", "target.py"],
        cwd=repo,
        env=env,
        check=True,
        capture_output=True,
    ).stdout.decode()
    return out, trace.read_text()


def _analyze(daemon_bin: Path, env: dict[str, str], repo: Path) -> dict:
    out = run_cli(daemon_bin, "analyze", str(repo), "--format", "json", env=env)
    assert out.returncode == 0, out.stderr
    (analyzed,) = json.loads(out.stdout)["repositories"]
    return analyzed


def test_an_analysis_writes_the_graph_outside_the_repository_and_git_uses_it(
    daemon_bin, isolated_env, tmp_path: Path
) -> None:
    r = _history(tmp_path / "repo")
    plain, trace = _blame_with(r.root, None, tmp_path / "t1")
    assert "bloom/response-no" not in trace
    assert_matches(r.root, _analyze(daemon_bin, isolated_env, r.root))
    (objects,) = _graphs(isolated_env)
    assert not list((r.root / ".git" / "objects" / "info").glob("commit-graph*"))
    with_graph, trace = _blame_with(r.root, objects, tmp_path / "t2")
    assert with_graph == plain
    # Commits that did not touch target.py were ruled out by their filters.
    answered_no = [ln for ln in trace.splitlines() if "bloom/response-no:" in ln]
    assert answered_no and int(answered_no[0].rsplit(":", 1)[1]) > 0


def test_new_commits_extend_the_graph_and_results_stay_exact(
    daemon_bin, isolated_env, tmp_path: Path
) -> None:
    r = _history(tmp_path / "repo")
    _analyze(daemon_bin, isolated_env, r.root)
    (objects,) = _graphs(isolated_env)
    chain = objects / "info" / "commit-graphs" / "commit-graph-chain"
    layers = len(chain.read_text().split())
    r.write("target.py", "a = 1\nb = 2\nc = 3\n")
    r.commit("third", ALICE)
    again = _analyze(daemon_bin, isolated_env, r.root)
    assert len(chain.read_text().split()) == layers + 1, "a new layer for the new commit"
    env = {**os.environ, "GIT_ALTERNATE_OBJECT_DIRECTORIES": str(objects)}
    verified = run_git(r.root, "commit-graph", "verify", "--object-dir", str(objects), env=env)
    assert "error" not in verified.lower()
    assert_matches(r.root, again)


def test_a_repository_with_its_own_graph_keeps_it(daemon_bin, isolated_env, tmp_path) -> None:
    r = _history(tmp_path / "repo", commits=3)
    run_git(r.root, "commit-graph", "write", "--reachable")
    assert_matches(r.root, _analyze(daemon_bin, isolated_env, r.root))
    assert _graphs(isolated_env) == []
