"""Figure 3: the first blame of a fresh daemon, against `git blame`; figure 8: the first
blame of a daemon restarted with the same cache folders."""

from __future__ import annotations

import statistics
from pathlib import Path

from support.env import isolated_env

from bench.common import (
    BIG_FILE,
    BIG_LINES,
    Daemons,
    Report,
    Row,
    blame,
    check_blame,
    ms,
    time_command,
    timed,
    verdict,
)


def first_blame(daemons: Daemons, home: Path, repo: Path, path: Path) -> tuple[float, float]:
    """Fresh daemon: initialize, then time didOpen + the first gitinspector/blame.
    Also returns how long the daemon's own `git blame` run took (its stats)."""
    client = daemons.start(home)
    try:
        client.initialize(repo)
        elapsed, result = timed(lambda: blame(client, client.open_document(path)))
        check_blame(result, BIG_LINES)
        stats = client.request("gitinspector/getPerformanceStats")
        git_run = stats["methods"].get("git/blame", {}).get("max_ms") or 0.0
        return elapsed, git_run / 1000
    finally:
        daemons.stop(client)


def fig_first_blame(
    report: Report, daemons: Daemons, work: Path, repo: Path, big: Path, it: dict[str, int]
) -> None:
    env = isolated_env(work / "home-git")
    runs = [first_blame(daemons, work / f"home-first-{i}", repo, big) for i in range(it["first"])]
    ref = time_command(
        ["git", "blame", "--porcelain", "HEAD", "--", BIG_FILE], repo, env, it["git"]
    )
    measured = statistics.median(r[0] for r in runs)
    git_run = statistics.median(r[1] for r in runs)
    ratio = measured / ref
    report.raw["first_blame_s"] = {"samples": [r[0] for r in runs], "git": ref}
    report.raw["first_blame_git_run_s"] = [r[1] for r in runs]
    report.add(
        Row(
            "3 first blame (fresh daemon)",
            "≤ 1.15× git",
            ms(measured),
            f"{ms(ref)} git blame HEAD",
            f"{ratio:.2f}",
            verdict(ratio <= 1.15),
            note=f"median of {len(runs)} fresh daemons (didOpen + first blame), fresh HOME each",
        )
    )
    report.add(
        Row(
            "3' of which the daemon's git blame run",
            "(diagnostic)",
            ms(git_run),
            f"{ms(ref)} git blame HEAD",
            f"{git_run / ref:.2f}",
            "n/a",
            note="the same daemons' `git/blame` (getPerformanceStats): spawning git, "
            "reading its output and parsing it; the rest of 3 is the protocol (a 200 KB "
            "didOpen in, the answer out) and the line map",
        )
    )


def fig_restart(report: Report, daemons: Daemons, work: Path, repo: Path, big: Path) -> None:
    home = work / "home-restart"
    first_blame(daemons, home, repo, big)  # the daemon sees the file, then shuts down
    after, git_run = first_blame(daemons, home, repo, big)  # same HOME / cache folders
    if git_run:
        raise AssertionError("the restarted daemon ran git instead of reading its cache")
    report.raw["restart_first_blame_s"] = after
    report.add(
        Row(
            "8 first blame after restart",
            "≤ 5 ms",
            ms(after),
            verdict=verdict(after <= 0.005),
            note="the restarted daemon reads the on-disk blame cache (no git, no Python)",
        )
    )
