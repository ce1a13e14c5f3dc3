"""The analysis state saved on disk, through the real binary: the CLI run again, and a
restarted daemon, start from it and say so; `--no-cache` is a cold run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from support.cli import run_cli
from support.gitrepo import ALICE, BOB, GitRepo, numbered

SAID = "started from the analysis state an earlier run saved"


@pytest.fixture
def team(tmp_path: Path) -> Path:
    r = GitRepo(tmp_path / "team")
    r.commit("start", ALICE, {"app.py": numbered("a", 30)})
    r.commit("more", BOB, {"app.py": numbered("a", 20) + numbered("b", 5)})
    return r.root


def test_the_cli_run_again_starts_from_the_saved_state(daemon_bin, isolated_env, team) -> None:
    first = run_cli(daemon_bin, "analyze", str(team), "--format", "json", env=isolated_env)
    assert first.returncode == 0 and SAID not in first.stderr
    again = run_cli(daemon_bin, "analyze", str(team), "--format", "json", env=isolated_env)
    assert again.returncode == 0 and SAID in again.stderr
    stats = json.loads(again.stdout)["performance_stats"]
    assert stats["files_blamed"] == 0 and stats["saved_state_loads"] == 2
    cold = run_cli(
        daemon_bin, "analyze", str(team), "--format", "json", "--no-cache", env=isolated_env
    )
    assert cold.returncode == 0 and SAID not in cold.stderr
    assert json.loads(cold.stdout)["performance_stats"]["files_blamed"] == 1
    strip = lambda out: [  # noqa: E731
        {k: v for k, v in r.items() if k != "settings"} for r in json.loads(out)["repositories"]
    ]
    assert strip(again.stdout) == strip(cold.stdout)


def test_a_restarted_daemon_starts_from_the_saved_state(start_daemon, team) -> None:
    settings = {"input_fstrs": [str(team)]}
    first = start_daemon()
    first.initialize(team)
    cold = first.request("gitinspector/executeAnalysis", settings)
    assert cold["performance_stats"]["saved_state_loads"] == 0
    first.close()
    second = start_daemon()
    second.initialize(team)
    warm = second.request("gitinspector/executeAnalysis", settings)
    assert warm["performance_stats"]["saved_state_loads"] == 2
    assert warm["repositories"] == cold["repositories"]
