"""The commit-graph kept in the user cache: written outside the repository,
used by git (Bloom filters answer blame's path queries), never changing a
result."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from gitfixtures import ALICE, BOB, RepoBuilder, run_git

from gigui import api, commit_graph


def _history(path: Path, commits: int = 12) -> RepoBuilder:
    r = RepoBuilder(path)
    r.write("target.py", "a = 1\n")
    r.commit("target", ALICE)
    for i in range(commits):
        r.write(f"other_{i}.py", f"x = {i}\n")
        r.commit(f"other {i}", BOB if i % 2 else ALICE)
    r.write("target.py", "a = 1\nb = 2\n")
    r.commit("target again", BOB)
    return r


def _bloom_stats(repo: Path, path: str, alternate: str | None) -> tuple[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "GIT_ALTERNATE_OBJECT_DIRECTORIES"}
    trace = repo.parent / "trace2.txt"
    trace.unlink(missing_ok=True)
    env["GIT_TRACE2_PERF"] = str(trace)
    if alternate:
        env["GIT_ALTERNATE_OBJECT_DIRECTORIES"] = alternate
    out = subprocess.run(
        ["git", "blame", "--porcelain", "HEAD", "--", path],
        cwd=repo,
        env=env,
        check=True,
        capture_output=True,
    ).stdout.decode()
    return out, trace.read_text()


def test_graph_lives_in_the_cache_and_git_uses_it(tmp_path: Path) -> None:
    r = _history(tmp_path / "repo")
    plain, trace = _bloom_stats(r.path, "target.py", None)
    assert "bloom/response-no" not in trace

    objects = commit_graph.refresh(str(r.path))
    assert objects is not None
    assert Path(objects).is_relative_to(Path(os.environ["XDG_CACHE_HOME"]))
    assert objects == str(commit_graph.location(str(r.path)))
    assert not list((r.path / ".git" / "objects" / "info").glob("commit-graph*"))

    with_graph, trace = _bloom_stats(r.path, "target.py", objects)
    assert with_graph == plain
    # Commits that did not touch target.py were ruled out by their filters.
    answered_no = [ln for ln in trace.splitlines() if "bloom/response-no:" in ln]
    assert answered_no and int(answered_no[0].rsplit(":", 1)[1]) > 0


def test_new_commits_extend_the_graph_and_results_stay_exact(tmp_path: Path) -> None:
    r = _history(tmp_path / "repo")
    settings = {"input_fstrs": [str(r.path)]}
    first = api.execute_analysis(settings)["repositories"][0]
    objects = commit_graph.location(str(r.path))
    chain = objects / "info" / "commit-graphs" / "commit-graph-chain"
    assert chain.is_file(), "the analysis wrote the graph"

    r.write("target.py", "a = 1\nb = 2\nc = 3\n")
    head = r.commit("third", ALICE)
    assert api.refresh_commit_graph(str(r.path)) == str(objects)
    env = {**os.environ, "GIT_ALTERNATE_OBJECT_DIRECTORIES": str(objects)}
    listed = run_git(r.path, "commit-graph", "verify", "--object-dir", str(objects), env=env)
    assert "error" not in listed.lower()

    again = api.execute_analysis(settings)["repositories"][0]
    lines = {f["path"]: f["lines"] for f in again["files"]}
    assert lines["target.py"] == 3
    assert lines == {
        f["path"]: f["lines"] + (1 if f["path"] == "target.py" else 0) for f in first["files"]
    }
    assert head in run_git(r.path, "log", "-1", "--format=%H")


def test_a_repository_with_its_own_graph_keeps_it(tmp_path: Path) -> None:
    r = _history(tmp_path / "repo", commits=3)
    run_git(r.path, "commit-graph", "write", "--reachable")
    assert commit_graph.refresh(str(r.path)) is None
    assert not commit_graph.location(str(r.path)).exists()
