"""Figures 10, 11 and 12: the analysis state saved on disk, measured through the CLI (a new
process each run) and a restarted daemon, each as a ratio of the cold run in the same
figure: the same analysis again on an unchanged repository, after a pull of 20 commits
touching 30 files, and a folder of 50 small repositories after one of them changed."""

from __future__ import annotations

import shutil
import statistics
import subprocess
from pathlib import Path

from support import corpus
from support.env import isolated_env
from support.gitrepo import GitRepo, numbered, run_git

from bench.common import Daemons, Report, Row, analyze, ms, timed, verdict


def _cli(binary: Path, target: Path, env: dict[str, str], *extra: str) -> None:
    subprocess.run(
        [str(binary), "analyze", str(target), "--format", "json", *extra],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=False,  # a folder with a broken repository exits 1: still measured
        timeout=3600,
    )


def _median(fn, reps: int) -> float:
    return statistics.median(timed(fn)[0] for _ in range(reps))


def _pull(repo: Path, commits: int, files: int) -> None:
    """COMMITS new commits (as another author) touching FILES of REPO's files in all."""
    r = GitRepo.existing(repo)
    tracked = [p for p in run_git(repo, "ls-files").splitlines() if p.endswith((".py", ".txt"))]
    chosen = tracked[:files] or tracked
    for i in range(commits):
        batch = chosen[i::commits] or chosen[i % len(chosen) : i % len(chosen) + 1]
        for path in batch:
            with open(repo / path, "a", encoding="utf-8") as fh:
                fh.write(numbered(f"pull{i}", 2))
        r.commit(f"pulled {i}", ("Pat Puller", "pat@example.com"), stage_all=True)


def fig_saved_state(
    report: Report, daemons: Daemons, binary: Path, work: Path, repo: Path, reps: int
) -> None:
    # 10: the same analysis again, new process
    copy = work / "saved-state" / "repo"
    shutil.copytree(repo, copy, symlinks=True)
    env = isolated_env(work / "home-saved")
    colds = []
    for i in range(reps):
        shutil.rmtree(work / "home-saved" / ".cache", ignore_errors=True)
        colds.append(timed(lambda: _cli(binary, copy, env))[0])
        del i
    cold = statistics.median(colds)
    warm = _median(lambda: _cli(binary, copy, env), reps)
    ratio = warm / cold
    report.add(
        Row(
            "10 analyze again, unchanged (new process)",
            "≤ 5% of cold",
            ms(warm),
            f"cold {ms(cold)}",
            f"{ratio:.1%}",
            verdict(ratio <= 0.05),
        )
    )
    report.raw["saved_state_unchanged"] = {"cold_s": cold, "warm_s": warm}

    # 11: after a pull of 20 commits touching 30 files, new process and restarted daemon
    _pull(copy, 20, 30)
    after = timed(lambda: _cli(binary, copy, env))[0]
    ratio = after / cold
    report.add(
        Row(
            "11a after 20 commits / 30 files (new process)",
            "≤ 10% of cold",
            ms(after),
            f"cold {ms(cold)}",
            f"{ratio:.1%}",
            verdict(ratio <= 0.10),
        )
    )
    daemon_home = work / "home-saved-daemon"
    client = daemons.start(daemon_home)
    client.initialize(copy)
    client.request("gitinspector/healthCheck")
    daemon_cold = timed(lambda: analyze(client, copy))[0]
    daemons.stop(client)
    _pull(copy, 20, 30)
    client = daemons.start(daemon_home)
    client.initialize(copy)
    client.request("gitinspector/healthCheck")
    restarted = timed(lambda: analyze(client, copy))[0]
    daemons.stop(client)
    ratio = restarted / daemon_cold
    report.add(
        Row(
            "11b after 20 commits / 30 files (restarted daemon)",
            "≤ 10% of cold",
            ms(restarted),
            f"cold {ms(daemon_cold)}",
            f"{ratio:.1%}",
            verdict(ratio <= 0.10),
        )
    )

    # 12: a class folder of 50 small repositories, one changed
    course = work / "saved-state" / "course"
    spec = corpus.PRESETS["project-tiny"]
    first = course / "team-00"
    corpus.build(first, spec)
    for i in range(1, 50):
        shutil.copytree(first, course / f"team-{i:02d}", symlinks=True)
    env = isolated_env(work / "home-course")
    course_cold = timed(lambda: _cli(binary, course, env))[0]
    _pull(course / "team-07", 1, 2)
    course_after = timed(lambda: _cli(binary, course, env))[0]
    ratio = course_after / course_cold
    report.add(
        Row(
            "12 folder of 50 repositories, one changed",
            "≤ 5% of cold",
            ms(course_after),
            f"cold {ms(course_cold)}",
            f"{ratio:.1%}",
            verdict(ratio <= 0.05),
        )
    )
