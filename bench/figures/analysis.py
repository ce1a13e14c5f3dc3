"""Figures 4, 5 and 7: a full analysis against the plain-git floor, a re-analysis after
one commit, and the daemon's memory afterwards."""

from __future__ import annotations

import shutil
import statistics
import time
from pathlib import Path

from support.env import isolated_env
from support.gitrepo import GitRepo, run_git
from support.rpc import RpcClient

from bench.common import (
    BIG_FILE,
    CORES,
    Daemons,
    Report,
    Row,
    analyze,
    ms,
    time_command,
    timed,
    verdict,
)


def vm_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def floor_command() -> str:
    # files only: a submodule is listed too (a commit, not a blob) and cannot be blamed
    blame_all = (
        "git ls-tree -r -z --format='%(objecttype) %(path)' HEAD | sed -z -n 's/^blob //p' | "
        f"xargs -0 -P {CORES} -n1 git blame --porcelain HEAD -- > /dev/null"
    )
    return f"{blame_all} && git log --no-merges --numstat -M HEAD > /dev/null"


def fig_analysis(
    report: Report,
    daemons: Daemons,
    work: Path,
    repo: Path,
    it: dict[str, int],
    memory_only: bool = False,
) -> None:
    """Figures 4, 5 and 7; `memory_only` (figure 7 alone) skips the floor and
    the re-analysis, which on the large corpus take longer than the analysis."""
    floor = bloom_floor = 0.0
    if not memory_only:
        env = isolated_env(work / "home-git")
        floor = time_command(floor_command(), repo, env, it["analysis"])
        report.raw["floor_s"] = floor
        # The floor's own limit: the same commands on a copy whose commit-graph
        # has changed-path Bloom filters (written first, not timed), which is
        # what our analysis gives git (in the user cache) before it blames.
        bloomed = work / "floor-bloom"
        shutil.rmtree(bloomed, ignore_errors=True)
        shutil.copytree(repo, bloomed, symlinks=True)
        run_git(bloomed, "commit-graph", "write", "--reachable", "--changed-paths")
        bloom_floor = time_command(floor_command(), bloomed, env, it["analysis"])
        shutil.rmtree(bloomed, ignore_errors=True)
        report.raw["bloom_floor_s"] = bloom_floor

    colds = []
    client = None
    for i in range(it["analysis"]):
        if client is not None:
            daemons.stop(client)
        client = daemons.start(work / f"home-analysis-{i}")
        client.initialize(repo)
        client.request("gitinspector/healthCheck")  # engine start-up is not the analysis
        elapsed, result = timed(lambda c=client: analyze(c, repo))
        if not result["repositories"] or not result["repositories"][0]["files"]:
            raise AssertionError("executeAnalysis returned no files")
        colds.append(elapsed)
    assert client is not None
    try:
        cold = statistics.median(colds)
        report.raw["analysis_s"] = colds
        if memory_only:
            report.add(Row("4 full analysis (executeAnalysis)", "(floor not run)", ms(cold)))
        else:
            analysis_rows(report, client, repo, cold, (floor, bloom_floor), len(colds))
        # Resident memory at rest: the daemon gives memory freed after a large
        # answer back to the system two seconds after sending it.
        time.sleep(3)
        rss = vm_rss_mb(client.proc.pid)
        report.raw["rss_mb"] = rss
        report.add(
            Row(
                "7 daemon VmRSS after analysis",
                "≤ 300 MB",
                f"{rss:.0f} MB",
                verdict=verdict(rss <= 300),
            )
        )
    finally:
        daemons.stop(client)


def analysis_rows(
    report: Report,
    client: RpcClient,
    repo: Path,
    cold: float,
    floors: tuple[float, float],
    runs: int,
) -> None:
    """Figure 4 against the floor and the floor with Bloom filters, then figure 5 in the
    same daemon."""
    floor, bloom_floor = floors
    ratio = cold / floor
    report.add(
        Row(
            "4 full analysis (executeAnalysis)",
            "≤ 0.5× floor",
            ms(cold),
            f"{ms(floor)} plain-git floor",
            f"{ratio:.2f}",
            verdict(ratio <= 0.5),
            note=f"floor = blame every file (xargs -P {CORES} -n1) then one "
            f"log --numstat; {runs} run(s), fresh daemon, engine started "
            "(healthCheck) before timing",
        )
    )
    report.add(
        Row(
            "4b full analysis vs the floor with Bloom filters",
            "-",
            ms(cold),
            f"{ms(bloom_floor)} floor, commit-graph with changed-path Bloom filters",
            f"{cold / bloom_floor:.2f}",
            "n/a",
            note="the same floor once the repository's commit-graph has changed-path "
            "Bloom filters (written first, not timed): the floor's own limit "
            f"({floor / bloom_floor:.2f}× faster than without)",
        )
    )

    # 5: one new commit touching k=3 files, re-analysis in the same daemon.
    files = run_git(repo, "ls-tree", "-r", "--name-only", "HEAD").split()
    touched = [f for f in files if f.endswith(".py") and f != BIG_FILE][:3]
    appended = {f: (repo / f).read_bytes() + b"bench_touch = 1\n" for f in touched}
    author = ("Bench Author E", "bench.e@example.com")
    GitRepo.existing(repo).commit("touch 3 files", author, appended, stage_all=False)
    again, _ = timed(lambda: analyze(client, repo))
    share = again / cold
    report.raw["reanalysis_s"] = again
    report.add(
        Row(
            "5 re-analysis after 1 commit, k=3 files",
            "≤ 5% of cold",
            ms(again),
            f"{ms(cold)} cold analysis",
            f"{share * 100:.0f}%",
            verdict(share <= 0.05),
            note="only the files the new commit touched are blamed again; the log is read OLD..NEW",
        )
    )
