"""A folder of repositories analyzed again by the CLI (a new process each run): git runs
in no unchanged repository (not for its commit-graph either), only in the one that
changed, and the report equals a cold run's."""

from __future__ import annotations

import json
from pathlib import Path

from support.cli import run_cli
from support.gitrepo import ALICE, BOB, GitRepo, numbered


def _analyze(daemon_bin: Path, env: dict[str, str], course: Path, *extra: str):
    out = run_cli(daemon_bin, "analyze", str(course), "--format", "json", *extra, env=env)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def _numbers(result: dict) -> dict:
    """What an analysis says, without what differs between two runs of it."""
    return {
        "repositories": [
            {k: v for k, v in r.items() if k != "settings"} for r in result["repositories"]
        ],
        "errors": result["errors"],
    }


def _repositories_git_ran_in(trace: Path) -> set[str]:
    """The work trees of the git processes git's own event trace recorded."""
    if not trace.exists():
        return set()
    worktrees = set()
    for line in trace.read_text().splitlines():
        event = json.loads(line)
        if event.get("event") == "def_repo" and event.get("worktree"):
            worktrees.add(str(Path(event["worktree"]).resolve()))
    return worktrees


def test_a_folder_run_again_runs_git_only_where_a_commit_came(
    daemon_bin, isolated_env, tmp_path: Path
) -> None:
    course = tmp_path / "course"
    for name in ("team-a", "team-b", "team-c"):
        t = GitRepo(course / name)
        t.commit("start", ALICE, {"main.py": numbered(name, 6), "doc.md": numbered("d", 3)})
        t.commit("more", BOB, {"main.py": numbered(name, 4) + numbered("b", 3)})
    cold = _analyze(daemon_bin, isolated_env, course)

    trace = tmp_path / "unchanged.trace"
    warm = _analyze(daemon_bin, {**isolated_env, "GIT_TRACE2_EVENT": str(trace)}, course)
    assert _repositories_git_ran_in(trace) == set()
    assert warm["performance_stats"]["git_calls"] == 0
    assert _numbers(warm) == _numbers(cold)

    GitRepo.existing(course / "team-b").commit("fix", BOB, {"main.py": numbered("x", 9)})
    trace = tmp_path / "changed.trace"
    after = _analyze(daemon_bin, {**isolated_env, "GIT_TRACE2_EVENT": str(trace)}, course)
    assert _repositories_git_ran_in(trace) == {str((course / "team-b").resolve())}
    assert after["performance_stats"]["files_blamed"] == 1
    fresh = _analyze(daemon_bin, isolated_env, course, "--no-cache")
    assert _numbers(after) == _numbers(fresh)
